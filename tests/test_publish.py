"""The publishing gate: only languages that pass the configured bar reach site/.

Each held-back language gets one line saying why; a required language that is not ready
fails the command and leaves the published site as it was; the new site is built aside
and renamed into place, so a half-built one never replaces a good one.
"""

from __future__ import annotations

import os

import pytest
from lxml import html

from locbrief.cli import main
from support.site_data import LANGS, build_out, write_config
from test_html_valid import vnu_errors


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """es_MX fully reviewed; fr half; ca reviewed but with 2 QA errors. PDFs built."""
    return build_out(
        tmp_path_factory.mktemp("publish") / "out",
        {"es_MX": 1.0, "fr": 0.5, "ca": 1.0},
        errors={"ca": 2},
        pdf=True,
    )


@pytest.fixture
def project(tmp_path, out, monkeypatch):
    os.symlink(out, tmp_path / "out")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_only_languages_that_pass_the_bar_are_published(project, capsys):
    write_config(project, publish={"min_reviewed": 1.0, "qa_errors": 0, "required": ["es_MX"]})
    assert main(["publish"]) == 0
    stdout = capsys.readouterr().out
    held = [line for line in stdout.splitlines() if "held back" in line]
    assert held == [
        "brief (fr): held back: 18 of 35 units reviewed (51.4%), below publish.min_reviewed 100%",
        "brief (ca): held back: 2 QA errors, above publish.qa_errors 0; see out/ca/brief.qa.html",
    ]
    site = project / "site"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "en/brief.html",
        "en/brief.pdf",
        "es_MX/brief.html",
        "es_MX/brief.pdf",
        "index.html",
        "sitemap.xml",
    ]
    # the published pages link only to published languages
    page = html.parse(str(site / "es_MX" / "brief.html")).getroot()
    assert page.xpath("//nav[@class='languages']//a/@hreflang") == ["en", "es-MX"]
    assert page.xpath("//link[@rel='alternate']/@hreflang") == ["en", "es-MX", "x-default"]
    assert page.xpath("//meta[@property='og:locale:alternate']/@content") == ["en_US"]
    index = html.parse(str(site / "index.html")).getroot()
    assert index.xpath("//tbody//a/@href") == [
        "en/brief.html",
        "en/brief.html",
        "en/brief.pdf",
        "es_MX/brief.html",
        "es_MX/brief.html",
        "es_MX/brief.pdf",
    ]
    assert "fr/" not in (site / "sitemap.xml").read_text()
    assert (
        vnu_errors(site / "index.html", site / "en" / "brief.html", site / "es_MX" / "brief.html")
        == []
    )


def test_a_lower_bar_publishes_more_and_a_language_without_review_says_so(project, capsys):
    write_config(project, publish={"min_reviewed": 0.5, "qa_errors": 2})
    assert main(["publish"]) == 0
    assert "held back" not in capsys.readouterr().out
    assert {p.name for p in (project / "site").iterdir()} == {*LANGS, "index.html", "sitemap.xml"}


def test_a_required_language_not_ready_fails_and_leaves_the_site_as_it_was(project, capsys):
    write_config(project, publish={"min_reviewed": 1.0, "required": ["es_MX"]})
    assert main(["publish"]) == 0
    before = (project / "site" / "index.html").read_bytes()
    write_config(project, publish={"min_reviewed": 1.0, "required": ["es_MX", "fr"]})
    capsys.readouterr()
    assert main(["publish"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert (
        "required language(s) not ready: fr" in captured.err
        and "site/ left as it was" in captured.err
    )
    assert (project / "site" / "index.html").read_bytes() == before
    assert sorted(p.name for p in project.iterdir()) == [
        "config",
        "out",
        "site",
        "source",
    ]  # nothing aside


def test_a_page_with_no_reviewed_unit_is_one_line(tmp_path, monkeypatch, capsys):
    build_out(tmp_path / "out", {"es_MX": 0.0, "fr": 1.0, "ca": 1.0}, pdf=True)
    write_config(tmp_path, publish={"min_reviewed": 0.9})
    monkeypatch.chdir(tmp_path)
    assert main(["publish"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "brief (es_MX): held back: no unit reviewed by a translator (0 of 35); "
        "review locales/es_MX/LC_MESSAGES/brief.po in Poedit or Weblate"
    )


def test_a_build_that_fails_halfway_never_replaces_the_published_site(project, capsys):
    write_config(project, publish={"min_reviewed": 0.5, "qa_errors": 2})
    assert main(["publish"]) == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    # a theme whose index template breaks: the pages are copied, then the index fails
    (project / "theme").mkdir()
    (project / "theme" / "index.html.j2").write_text("{{ no_such_value }}", encoding="utf-8")
    write_config(project, publish={"min_reviewed": 0.5, "qa_errors": 2}, site={"theme": "theme"})
    assert main(["publish"]) == 1
    assert "no_such_value" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site")]


def test_an_output_folder_that_cannot_be_written_is_one_line(project, capsys):
    write_config(project, publish={"min_reviewed": 0.5, "qa_errors": 2})
    (project / "blocked").write_text("a file where the site's folder should be")
    assert main(["publish", "--site", "blocked/site"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("locbrief: error: ") and "blocked: cannot write the site here" in err
    assert "--site" in err


def test_the_config_names_a_wrong_publish_setting_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build_out(tmp_path / "out", {})
    write_config(tmp_path, publish={"required": ["de"]})
    assert main(["publish"]) == 1
    assert capsys.readouterr().err == (
        "locbrief: error: config/config.yaml: setting publish.required: 'de' is not one of the "
        "languages (en, es_MX, fr, ca); add it under 'languages' or remove it\n"
    )
    write_config(tmp_path, publish={"min_reviewed": 1.5})
    assert main(["publish"]) == 1
    assert "setting publish.min_reviewed: 1.5 is greater than the maximum of 1" in (
        capsys.readouterr().err
    )
