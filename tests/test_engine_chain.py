"""Fallback chains, provenance in the PO, secrets kept out of every file, and check-config's
engine report, through the real command line against local DeepL, LibreTranslate and
OpenAI-compatible servers."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import yaml

from locbrief.config import check_config
from locbrief.model import LocbriefError, Unit
from locbrief.translate.chain import suggest_with_fallback
from locbrief.translate.engines import get_engine
from locbrief.translate.memory import Memory
from locbrief.translate.termbase import Termbase
from servers.base import serving
from servers.deepl_api import DeepLServer
from servers.libretranslate_api import LibreTranslateServer
from servers.openai_api import OpenAIServer
from support import PUBLISHED_BRIEF
from support.workflow import copy_workflow, snakemake

ROOT = Path(__file__).resolve().parents[1]
DEEPL_KEY = "chain-secret-deepl-7c1:fx"
OPENAI_KEY = "sk-chain-secret-42"
BRIEF = "no-gwot-narco"


def units(texts):
    return [Unit(msgid=t, block=f"b{i}", kind="paragraph", index=0) for i, t in enumerate(texts)]


def test_when_the_quota_ends_the_rest_go_to_the_next_engine(monkeypatch, caplog):
    monkeypatch.setenv("DEEPL_AUTH_KEY", DEEPL_KEY)
    texts = [f"The war on drugs and the cartels of place {chr(65 + i)}x." for i in range(10)]
    with serving(DeepLServer(key=DEEPL_KEY, character_limit=200)) as server:
        deepl = get_engine("deepl", {"server_url": server.url, "retries": 0})
        with caplog.at_level(logging.WARNING, logger="locbrief"):
            out = suggest_with_fallback(
                units(texts),
                [deepl, get_engine("pseudo")],
                "en",
                "es",
                Termbase([]),
                Memory(None),
                batch_size=4,
            )
    engines = [out[t].engine for t in texts]
    assert engines == ["deepl"] * 4 + ["pseudo"] * 6
    assert out[texts[0]].text.startswith("El guerra") and out[texts[9]].text.startswith("[")
    (warning,) = caplog.messages
    assert "HTTP 456" in warning and "the remaining 6 units go to pseudo" in warning


def test_a_key_in_the_config_is_refused_and_named_for_the_environment():
    config = {"briefs": ["b"], "languages": {"es_MX": {"engine": "deepl"}}}
    config["engines"] = {"deepl": {"auth_key": "abc"}}
    with pytest.raises(LocbriefError) as error:
        check_config(config)
    assert "engines.deepl.auth_key: keys never go in the config" in str(error.value)
    assert "set DEEPL_AUTH_KEY in the environment" in str(error.value)


# ---------------------------------------------------------------- the command line


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "source").mkdir()
    shutil.copy2(ROOT / "tests" / "data" / f"{BRIEF}.txt", tmp_path / "source")
    for lang in ("es_MX", "pt_BR"):
        (tmp_path / "locales" / lang).mkdir(parents=True)
        shutil.copy2(ROOT / "locales" / lang / "termbase.tsv", tmp_path / "locales" / lang)
    return tmp_path


def cli(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    for name in ("DEEPL_AUTH_KEY", "OPENAI_API_KEY", "LIBRETRANSLATE_API_KEY"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "locbrief", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


def suggest_and_merge(repo: Path, lang: str, engines: str, **env: str):
    """The workflow's steps for one language, as the Snakefile runs them."""
    cli(repo, "read", f"source/{BRIEF}.txt", "-o", "build/doc.json").check_returncode()
    cli(
        repo,
        "segment",
        "build/doc.json",
        "--pot",
        f"locales/templates/{BRIEF}.pot",
        "--units",
        "build/units.json",
    ).check_returncode()
    memory = f"locales/{lang}/memory.jsonl"
    suggested = cli(
        repo,
        "suggest",
        "build/units.json",
        "--lang",
        lang,
        "--engine",
        *engines.split(),
        "--config",
        "config/config.yaml",
        "--termbase",
        f"locales/{lang}/termbase.tsv",
        "--memory",
        memory,
        "-o",
        "build/s.json",
        **env,
    )
    if suggested.returncode:
        return suggested, None
    merged = cli(
        repo,
        "merge",
        "--pot",
        f"locales/templates/{BRIEF}.pot",
        "--po",
        f"locales/{lang}/LC_MESSAGES/{BRIEF}.po",
        "--suggestions",
        "build/s.json",
        "--lang",
        lang,
        "--memory",
        memory,
        "-o",
        "build/m.json",
    )
    merged.check_returncode()
    return suggested, polib.pofile(str(repo / "locales" / lang / "LC_MESSAGES" / f"{BRIEF}.po"))


def files_text(repo: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in repo.rglob("*") if p.is_file()
    )


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_deepl_then_apertium_each_unit_names_its_engine_and_no_key_is_written(tmp_path):
    with serving(DeepLServer(key=DEEPL_KEY, character_limit=15_000)) as server:
        repo = project(
            tmp_path,
            f"briefs: [{BRIEF}]\nlanguages:\n  es_MX: {{engine: [deepl, apertium], formality: more}}\n"
            f"engines:\n  deepl: {{server_url: '{server.url}', retries: 0}}\n",
        )
        done, po = suggest_and_merge(repo, "es_MX", "deepl apertium", DEEPL_AUTH_KEY=DEEPL_KEY)
    assert done.returncode == 0, done.stderr
    assert "HTTP 456" in done.stderr and "units go to apertium" in done.stderr
    origins = [
        line for e in po for line in e.comment.splitlines() if "machine translation:" in line
    ]
    deepl = [o for o in origins if o.startswith("machine translation: deepl ES-419 formality=more")]
    apertium = [o for o in origins if o.startswith("machine translation: apertium ")]
    assert deepl and apertium and len(deepl) + len(apertium) == len(origins)
    assert DEEPL_KEY not in files_text(repo) + done.stdout + done.stderr


def test_a_stopped_run_writes_no_unit_and_resumes_where_it_stopped(tmp_path):
    with serving(OpenAIServer(key=OPENAI_KEY)) as server:
        repo = project(
            tmp_path,
            f"briefs: [{BRIEF}]\nlanguages:\n  es_MX: {{engine: openai}}\n"
            f"engines:\n  openai: {{base_url: '{server.url}/v1', model: test-model, retries: 0, "
            "batch_size: 40}\n",
        )
        # the fourth request gets an HTML page from a proxy: the run stops there
        first, po = _run_with_html_at(server, repo, request=4)
        assert first.returncode == 1 and po is None
        (line,) = first.stderr.strip().splitlines()[-1:]
        assert line.startswith("locbrief: error: openai: ") and "answered with HTML" in line
        assert "units left untranslated" in line
        remembered = Memory(repo / "locales/es_MX/memory.jsonl").segments
        assert remembered == 3 * 40  # the three good batches, nothing from the broken one
        assert not (repo / "build/s.json").exists()
        before = len(server.calls("/v1/chat/completions"))
        second, po = suggest_and_merge(repo, "es_MX", "openai", OPENAI_API_KEY=OPENAI_KEY)
        assert second.returncode == 0, second.stderr
        sent = sum(
            len(json.loads(r["params"]["messages"][1]["content"])["sentences"])
            for r in server.calls("/v1/chat/completions")[before:]
        )
        assert sent == Memory(repo / "locales/es_MX/memory.jsonl").segments - remembered
        assert all("machine translation: openai test-model p1" in e.comment for e in po if e.msgstr)
        assert OPENAI_KEY not in files_text(repo)


def _run_with_html_at(server, repo, request: int):
    """Let ``request - 1`` chat requests through, then answer HTML."""
    original = server.take_fault
    count = {"n": 0}

    def take_fault(path):
        if path == "/v1/chat/completions":
            count["n"] += 1
            if count["n"] == request:
                return "html"
        return original(path)

    server.take_fault = take_fault
    try:
        return suggest_and_merge(repo, "es_MX", "openai", OPENAI_API_KEY=OPENAI_KEY)
    finally:
        server.take_fault = original


def test_check_config_tells_reachability_authorisation_and_cost_per_language(tmp_path):
    with (
        serving(DeepLServer(key=DEEPL_KEY)) as deepl,
        serving(LibreTranslateServer()) as libre,
        serving(OpenAIServer(key=OPENAI_KEY)) as openai,
    ):
        repo = project(
            tmp_path,
            f"briefs: [{BRIEF}]\nlanguages:\n  es_MX: {{engine: deepl}}\n  pt_BR: {{engine: libretranslate}}\n"
            f"  fr: {{engine: openai}}\nengines:\n  deepl: {{server_url: '{deepl.url}'}}\n"
            f"  libretranslate: {{url: '{libre.url}'}}\n"
            f"  openai: {{base_url: '{openai.url}/v1', model: test-model}}\n",
        )
        env = {"DEEPL_AUTH_KEY": DEEPL_KEY, "OPENAI_API_KEY": OPENAI_KEY}
        done = cli(repo, "check-config", **env)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        es, pt, fr = (
            next(line for line in lines if line.startswith(f"{lang}: "))
            for lang in ("es_MX", "pt_BR", "fr")
        )
        assert "reachable, key accepted, target ES-419, 0 of 500,000 characters used" in es
        assert "384 units not in memory" in es or "units not in memory (" in es
        assert es.endswith(" characters)")
        assert "reachable, no key needed, route en→es→pb" in pt and pt.endswith(" characters)")
        assert (
            "model test-model listed" in fr and "tokens, estimated at 4 characters a token)" in fr
        )
        assert not deepl.calls("/v2/translate") and not openai.calls("/v1/chat/completions")
        assert DEEPL_KEY not in done.stdout + done.stderr

        wrong = cli(repo, "check-config", DEEPL_AUTH_KEY="wrong-key", OPENAI_API_KEY=OPENAI_KEY)
        assert wrong.returncode == 1
        assert (
            "es_MX: deepl: NOT usable: the server refused the key in DEEPL_AUTH_KEY" in wrong.stdout
        )
        assert "wrong-key" not in wrong.stdout + wrong.stderr


def test_check_config_warns_when_the_units_exceed_the_quota_left(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPL_AUTH_KEY", DEEPL_KEY)
    with serving(DeepLServer(key=DEEPL_KEY, character_limit=10_000)) as server:
        engine = get_engine("deepl", {"server_url": server.url})
        assert engine.preflight("en", "es_MX").endswith("0 of 10,000 characters used")
        assert engine.cost(["x" * 12_000], "en", "es_MX") == (
            "12,000 characters, MORE than the 10,000 left in the quota"
        )


def test_a_sentence_the_model_keeps_getting_wrong_reaches_the_po_fuzzy_with_a_qa_note(tmp_path):
    with serving(OpenAIServer()) as server:
        repo = project(
            tmp_path,
            f"briefs: [{BRIEF}]\nlanguages:\n  es_MX: {{engine: openai}}\n"
            f"engines:\n  openai: {{base_url: '{server.url}/v1', model: test-model, retries: 1}}\n",
        )
        server.err(
            "Americans died of a drug overdose", "invent_tag", "invent_tag"
        )  # numbers travel as tags
        done, po = suggest_and_merge(repo, "es_MX", "openai")
    assert done.returncode == 0, done.stderr
    (entry,) = [e for e in po if "died of a drug overdose in 2024" in e.msgid]
    assert "fuzzy" in entry.flags and "QA: engine added tokens, removed: ZX9QZ" in entry.comment
    assert "ZX9QZ" not in entry.msgstr
    assert "machine translation: openai test-model p1" in entry.comment
    clean = [e for e in po if e.msgstr and e is not entry]
    assert clean and not any("QA: engine" in e.comment for e in clean)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_the_workflow_runs_a_chain_from_the_config(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPL_AUTH_KEY", DEEPL_KEY)
    repo = copy_workflow(tmp_path, ["es_MX"])
    config_path = repo / "config" / "config.yaml"
    with serving(DeepLServer(key=DEEPL_KEY, character_limit=15_000)) as server:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        config["languages"]["es_MX"] = {"engine": ["deepl", "apertium"], "formality": "more"}
        config["engines"] = {"deepl": {"server_url": server.url, "retries": 0}}
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        done = snakemake(repo, f"build/{PUBLISHED_BRIEF}/es_MX.merge.json")  # up to the PO
    assert done.returncode == 0, done.stderr[-2000:]
    po = polib.pofile(str(repo / "locales/es_MX/LC_MESSAGES" / f"{PUBLISHED_BRIEF}.po"))
    comments = "\n".join(e.comment for e in po)
    assert "machine translation: deepl ES-419 formality=more glossary" in comments
    assert "machine translation: apertium " in comments
    assert DEEPL_KEY not in files_text(repo) + done.stdout + done.stderr
