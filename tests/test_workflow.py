"""The workflow as the Snakemake catalog expects it: lint-clean, a test config that runs, dry runs
that show every command and write nothing, every brief in source/ found by itself."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.workflow import REPO, snakemake, workflow_env

SNAKEFILE = REPO / "workflow" / "Snakefile"


def tool(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / args[0]), *args[1:]],
        cwd=cwd,
        env=workflow_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_workflow_is_snakefmt_and_lint_clean():
    fmt = tool("snakefmt", "--check", "workflow/")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = tool("snakemake", "--lint")
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-3000:]


def test_the_snakefile_is_only_an_index():
    """min_version, configfile, includes of rules/*.smk and rule all; no lambdas in any rule."""
    text = SNAKEFILE.read_text(encoding="utf-8")
    assert re.findall(r"^rule (\w+):", text, re.M) == ["all"]
    included = re.findall(r'^include: "(rules/[\w.]+\.smk)"', text, re.M)
    assert included[0] == "rules/common.smk"
    assert sorted(included) == sorted(
        str(p.relative_to(SNAKEFILE.parent)) for p in (REPO / "workflow/rules").glob("*.smk")
    )
    for rules in (REPO / "workflow/rules").glob("*.smk"):
        assert "lambda" not in rules.read_text(encoding="utf-8"), rules
    assert (REPO / "workflow/schemas/config.schema.yaml").resolve() == (
        REPO / "src/locbrief/schemas/config.schema.yaml"
    )


def repo_copy(target: Path) -> Path:
    """The repository's files as a clone has them (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def fingerprint(root: Path) -> dict[str, str]:
    """Every file's hash, outside Snakemake's own state folder (.snakemake/, git-ignored)."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".snakemake" not in path.relative_to(root).parts
    }


@pytest.mark.slow
def test_a_dry_run_writes_nothing_and_prints_every_command(tmp_path):
    repo = repo_copy(tmp_path)
    missing_po = next(repo.glob("locales/fr/LC_MESSAGES/*.po"))
    missing_po.unlink()  # a language's PO not there yet: the merge creates it, not the dry run
    before = fingerprint(repo)
    dry = snakemake(repo, "-n", "-p")
    assert dry.returncode == 0, dry.stdout[-3000:] + dry.stderr[-3000:]
    assert fingerprint(repo) == before
    assert not missing_po.exists()
    jobs = re.findall(r"^rule (\w+):", dry.stdout, re.M)
    commands = re.findall(r"^Shell command: locbrief (\w[\w-]*) ", dry.stdout, re.M)
    assert "po_missing" in jobs  # the missing PO is noticed: its flag, then the merge
    steps = [j for j in jobs if j not in ("all", "po_missing")]
    assert len(steps) > 1 and len(commands) == len(steps)  # every step runs locbrief
    assert set(commands) == {
        *("read", "segment", "suggest", "merge", "page", "check", "review", "pdf", "docx", "site")
    }


@pytest.fixture(scope="module")
def test_config_run(tmp_path_factory):
    """.test/ (two briefs that share sentences, one language) run as CI runs it, one job at a time."""
    workdir = tmp_path_factory.mktemp("dot-test")
    shutil.copytree(REPO / ".test", workdir, dirs_exist_ok=True)
    run = snakemake(REPO, "--directory", str(workdir), cores=1)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return workdir, run


@pytest.mark.slow
def test_every_brief_in_source_is_translated_without_listing_it(test_config_run):
    workdir, _ = test_config_run
    briefs = sorted(p.stem for p in (workdir / "source").iterdir())
    assert len(briefs) == 2
    for brief in briefs:
        for name in (f"en/{brief}.html", f"es_MX/{brief}.html", f"es_MX/{brief}.review.html"):
            assert (workdir / "out" / name).is_file(), name
        assert (workdir / "locales/es_MX/LC_MESSAGES" / f"{brief}.po").is_file()


@pytest.mark.slow
def test_a_sentence_translated_for_one_brief_is_not_sent_again_for_another(test_config_run):
    workdir, _ = test_config_run
    sent, sentences = {}, {}
    for log in (workdir / "logs").glob("*/es_MX.suggest.log"):
        brief = log.parent.name
        sent[brief] = int(re.search(r"(\d+) segments sent to the engine", log.read_text()).group(1))
        units = json.loads((workdir / "build" / brief / "units.json").read_text())
        sentences[brief] = {unit["msgid"] for unit in units}
    first, second = sorted(sent, key=sent.get, reverse=True)
    assert sentences[first] & sentences[second], "the test briefs must share sentences"
    # the first brief sends every sentence (and the engine probes the suggest stage makes); the
    # second only what the first did not have
    assert sent[first] >= len(sentences[first])
    assert sent[second] == len(sentences[second] - sentences[first]) > 0


@pytest.mark.slow
def test_the_test_config_reruns_with_nothing_to_do(test_config_run):
    workdir, _ = test_config_run
    before = fingerprint(workdir)
    again = snakemake(REPO, "--directory", str(workdir), cores=1)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
    assert fingerprint(workdir) == before


@pytest.mark.slow
def test_a_tmx_import_reaches_the_pos_on_the_next_run(test_config_run, tmp_path):
    """`locbrief tm import` then the workflow: every brief of the language is merged again and a
    sentence the team's memory covers gets its translation (fuzzy, naming the file)."""
    from translate.storage.tmx import tmxfile

    workdir = tmp_path / "project"
    shutil.copytree(test_config_run[0], workdir, symlinks=True)
    brief = sorted(p.stem for p in (workdir / "source").iterdir())[0]
    units = json.loads((workdir / "build" / brief / "units.json").read_text())
    msgid = next(u["msgid"] for u in units if len(u["msgid"].split()) > 4 and "{" not in u["msgid"]
                 and "<" not in u["msgid"] and not u.get("msgctxt"))  # fmt: skip
    store = tmxfile(sourcelanguage="en-US", targetlanguage="es-MX")
    store.addtranslation(msgid, "en-US", "Traducción de la memoria del equipo.", "es-MX")
    (workdir / "team.tmx").write_bytes(bytes(store))
    imported = tool("locbrief", "tm", "import", "team.tmx", "--lang", "es_MX", cwd=workdir)
    assert imported.returncode == 0, imported.stderr
    assert (workdir / "locales/es_MX/tm-imports.tsv").is_file()
    run = snakemake(REPO, "--directory", str(workdir), cores=1)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    merged = re.findall(
        r"^es_MX: \d+ units — .* (\S+\.po) (?:updated|unchanged)$", run.stdout, re.M
    )
    assert len(merged) == 2  # both briefs merged again
    po = (workdir / "locales/es_MX/LC_MESSAGES" / f"{brief}.po").read_text(encoding="utf-8")
    assert 'msgstr "Traducción de la memoria del equipo."' in po
    assert "fuzzy match: 100% like a reviewed sentence of team.tmx" in " ".join(po.split())
