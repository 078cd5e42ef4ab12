"""A comms person mistypes the config: one line naming the setting and the fix, nothing half-written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from locbrief.config import check_config, find_briefs, load_config
from locbrief.model import LocbriefError
from support.workflow import snakemake

REPO = Path(__file__).resolve().parents[1]


def write_config(tmp_path: Path, languages: str, briefs: str = "[no-gwot-narco]") -> Path:
    (tmp_path / "config").mkdir(exist_ok=True)
    path = tmp_path / "config" / "config.yaml"
    path.write_text(
        f"source_language: en\nbriefs: {briefs}\nlanguages:\n{languages}", encoding="utf-8"
    )
    return path


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locbrief", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(REPO / "workflow", tmp_path / "workflow")
    shutil.copytree(REPO / "source", tmp_path / "source")
    return tmp_path


def test_the_shipped_config_is_valid():
    config = load_config(REPO / "config" / "config.yaml")
    assert "es_MX" in config["languages"]
    assert all(s["engine"] for s in config["languages"].values())


@pytest.mark.parametrize(
    "languages, expected",
    [
        ("  xx_QQ: {engine: auto}\n", "languages.xx_QQ: unknown locale"),
        ("  es_MX: {engine: google}\n", "languages.es_MX.engine: 'google' is not one of"),
        ("  es_MX: {engin: auto}\n", "'engin' was unexpected"),
        ("  es_mx: {engine: auto}\n", "languages.es_mx: write the locale as 'es_MX'"),
    ],
)
def test_a_bad_setting_is_named(tmp_path, languages, expected):
    with pytest.raises(LocbriefError) as error:
        load_config(write_config(tmp_path, languages))
    assert expected in str(error.value)
    assert str(error.value).startswith(str(tmp_path / "config" / "config.yaml"))


def test_a_config_that_passed_is_not_checked_by_jsonschema_again(tmp_path, monkeypatch):
    """Every stage checks the config; a config (and schema) that passed is remembered by digest
    in build/ so later stages skip jsonschema (0.1 s to import). A bad edit is still caught.
    Before the pipeline has run (no build/), checking writes nothing: a dry run stays dry."""
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path, "  es_MX: {engine: apertium}\n")
    load_config(path)
    assert not (tmp_path / "build").exists()
    (tmp_path / "build").mkdir()
    load_config(path)
    [passed] = (tmp_path / "build" / "checked-config").iterdir()
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            f"from locbrief.config import load_config; load_config({str(path)!r})",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert " jsonschema\n" not in done.stderr
    path.write_text(path.read_text().replace("apertium", "google"), encoding="utf-8")
    with pytest.raises(LocbriefError, match="languages.es_MX.engine: 'google' is not one of"):
        load_config(path)
    assert list((tmp_path / "build" / "checked-config").iterdir()) == [passed]


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("briefs: [a\nlanguages:\n  es_MX: {}\n", encoding="utf-8")
    with pytest.raises(LocbriefError, match=r"config.yaml:\d+: not valid YAML"):
        load_config(path)


def test_defaults_are_filled():
    config = check_config({"briefs": ["b"], "languages": {"fr": {}}})
    assert config["source_language"] == "en" and config["languages"]["fr"]["engine"] == "auto"


def test_a_brief_missing_from_source_is_one_line(repo):
    write_config(repo, "  es_MX: {engine: apertium}\n", briefs="[no-such-brief]")
    done = run_cli(repo, "check-config")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert (
        "brief 'no-such-brief' is listed under 'briefs' but there is no source/no-such-brief.txt"
        in done.stderr
    )


def test_an_engine_not_installed_says_what_to_install(repo):
    write_config(repo, "  gl: {engine: apertium}\n")
    done = run_cli(repo, "check-config")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "languages.gl.engine: no apertium engine installed for en→gl" in done.stderr
    assert "apt-get install apertium apertium-en-gl" in done.stderr


@pytest.mark.slow
def test_snakemake_refuses_a_bad_config_before_writing_anything(repo):
    write_config(repo, "  es_MX: {engine: auto}\n  xx_QQ: {engine: auto}\n")
    done = snakemake(repo, cores=1, timeout=300)
    assert done.returncode != 0
    assert (
        "locbrief: error: config/config.yaml: setting languages.xx_QQ: unknown locale"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (repo / "out").exists() and not (repo / "locales").exists()


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            ["budget.txt", "budget.html"],
            "source/budget.txt: two briefs named 'budget' (budget.html and budget.txt); rename or remove one",
        ),
        (
            ["good.txt", "my brief.html"],
            "source/my brief.html: 'my brief' is not usable as a brief name",
        ),
        (
            ["notes.pdf", "README.md"],
            "source: no briefs in source/; add a .txt capture, an .html article, a Markdown (.md) "
            "or Word (.docx) file there",
        ),
    ],
)
def test_a_bad_source_folder_is_one_line(tmp_path, files, expected):
    write_config(tmp_path, "  es_MX: {engine: apertium}\n", briefs="null")
    (tmp_path / "source").mkdir()
    for name in files:
        shutil.copy2(REPO / "tests/data/no-gwot-narco.txt", tmp_path / "source" / name)
    done = run_cli(tmp_path, "check-config")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith(f"locbrief: error: {expected}")


def test_without_a_list_every_brief_in_source_is_found(tmp_path):
    (tmp_path / "source").mkdir()
    for name in ("b.html", "a.txt", "README.md"):
        (tmp_path / "source" / name).write_text("x", encoding="utf-8")
    found = find_briefs({"languages": {}}, tmp_path / "source")
    assert list(found) == ["a", "b"]
    assert found["b"] == tmp_path / "source" / "b.html"
    narrowed = find_briefs({"briefs": ["b"], "languages": {}}, tmp_path / "source")
    assert list(narrowed) == ["b"]


@pytest.mark.slow
def test_snakemake_names_a_duplicate_brief_in_one_line(repo):
    write_config(repo, "  es_MX: {engine: apertium}\n", briefs="null")
    shutil.copy2(repo / "source/no-gwot-narco.txt", repo / "source/no-gwot-narco.html")
    done = snakemake(repo, "-n", cores=1, timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert (
        "locbrief: error: source/no-gwot-narco.txt: two briefs named 'no-gwot-narco'" in done.stderr
    )


def test_make_installs_pandoc_for_word_and_markdown_briefs(tmp_path):
    write_config(tmp_path, "  fr: {engine: identity}\n")
    done = run_cli(tmp_path, "system-packages")
    assert done.returncode == 0, done.stderr
    assert "pandoc" in done.stdout.split()


@pytest.mark.parametrize(
    "engines, expected",
    [
        (
            '  libretranslate: {url: "http://apikey:secret123@127.0.0.1:5000"}\n',
            "setting engines.libretranslate.url: the URL holds a user name or password",
        ),
        (
            '  deepl: {server_url: "https://api.deepl.com/v2?auth_key=secret123"}\n',
            "setting engines.deepl.server_url: the URL holds the query parameter 'auth_key'",
        ),
        (
            '  openai: {base_url: "http://h/v1?token=secret123", model: m}\n',
            "setting engines.openai.base_url: the URL holds the query parameter 'token'",
        ),
    ],
)
def test_a_credential_inside_a_url_setting_is_refused_in_one_line(repo, engines, expected):
    write_config(repo, "  es_MX: {engine: apertium}\n")
    with open(repo / "config" / "config.yaml", "a", encoding="utf-8") as config:
        config.write("engines:\n" + engines)
    done = run_cli(repo, "check-config")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert expected in done.stderr
    assert "secret123" not in done.stderr + done.stdout


@pytest.mark.parametrize("theme", ["/", "/etc", "source"])
def test_a_theme_folder_that_is_no_theme_is_refused_in_one_line(repo, theme):
    write_config(repo, "  es_MX: {engine: apertium}\n")
    with open(repo / "config" / "config.yaml", "a", encoding="utf-8") as config:
        config.write(f"site: {{theme: {theme}}}\n")
    done = run_cli(repo, "check-config")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert f"setting site.theme: {theme} is not a theme folder" in done.stderr
