"""The comms team's story: clone, run the workflow, open the Spanish page; a translator edits the PO.

Runs the real workflow with the real offline engine (Apertium) on the real
brief, in a copy of the repository in a temporary directory.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polib
import pytest
from lxml import html

from support import PUBLISHED_BRIEF as BRIEF
from support.workflow import copy_workflow, snakemake

PO = f"locales/es_MX/LC_MESSAGES/{BRIEF}.po"
PAGE = f"out/es_MX/{BRIEF}.html"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("repo"))
    first = snakemake(workdir)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    return workdir, first


def page(workdir: Path):
    return html.parse(str(workdir / PAGE)).getroot()


def test_the_run_prints_progress_and_a_summary_per_language(workflow):
    _, run = workflow
    output = run.stdout + run.stderr
    for lang in ("es_MX", "pt_BR", "fr", "ca"):
        summary = re.search(
            rf"^{lang}: (\d+) units — (\d+) machine-translated, (\d+) fuzzy, "
            rf"(\d+) reviewed by a human",
            output,
            re.M,
        )
        assert summary, f"no summary line for {lang}"
        assert int(summary.group(1)) > 300
        assert int(summary.group(2)) == int(summary.group(1))  # fresh clone: all machine


def test_the_run_builds_the_site_every_pdf_and_word_file_and_nothing_goes_unlisted(workflow):
    workdir, _ = workflow
    index = html.parse(str(workdir / "out" / "index.html")).getroot()
    listed = set(index.xpath("//tbody//a/@href"))
    for lang in ("en", "es_MX", "pt_BR", "fr", "ca"):
        assert (workdir / "out" / lang / f"{BRIEF}.pdf").read_bytes().startswith(b"%PDF-")
        assert zipfile.is_zipfile(workdir / "out" / lang / f"{BRIEF}.docx")
        assert {f"{lang}/{BRIEF}.html", f"{lang}/{BRIEF}.pdf", f"{lang}/{BRIEF}.docx"} <= listed
    assert (workdir / "out" / "sitemap.xml").read_text().count("<loc>") == 5


def test_the_spanish_page_is_complete(workflow):
    workdir, _ = workflow
    root = page(workdir)
    assert root.get("lang") == "es-MX"
    assert root.findtext(".//title").strip()
    assert "2 de julio de 2025" in root.xpath("string(.//time)")
    assert len(root.xpath("//ol[contains(@class,'key-points')]/li")) == 5
    # the eight entries of the capture's "Jump to Section" list, and five sub-headings
    assert len(root.xpath("//h2")) == 8 and len(root.xpath("//h3")) == 5
    assert root.xpath("string(//p[@class='byline'])").strip()
    assert len(root.xpath("//p[@class='author-name']")) == 2
    body_text = " ".join(root.xpath("//article//p//text()"))
    # Spanish, not English: common Spanish words abound, the English source sentences are gone.
    assert len(re.findall(r"\b(?:de|la|los|las|que|en)\b", body_text)) > 500
    assert "The violence perpetrated by Mexico’s drug cartels" not in root.text_content()


def test_every_note_marker_links_to_its_endnote_and_back(workflow):
    workdir, _ = workflow
    root = page(workdir)
    refs = root.xpath("//a[@role='doc-noteref']")
    assert [a.text_content() for a in refs] == [str(n) for n in range(1, 91)]
    for ref in refs:
        number = ref.text_content()
        assert ref.get("href") == f"#note-{number}"
        note = root.xpath(f"//li[@id='note-{number}']")
        assert note and note[0].get("role") == "doc-endnote"
        back = note[0].xpath(".//a[@role='doc-backlink']")
        assert back and back[0].get("href") == f"#{ref.get('id')}"


def test_the_english_source_page_is_built_too(workflow):
    workdir, _ = workflow
    root = html.parse(str(workdir / f"out/en/{BRIEF}.html")).getroot()
    assert root.get("lang") == "en"
    assert "The violence perpetrated by Mexico’s drug cartels" in root.text_content()


def test_a_second_run_with_nothing_changed_does_no_work(workflow):
    workdir, _ = workflow
    before = (workdir / PO).read_bytes()
    again = snakemake(workdir)
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr
    assert (workdir / PO).read_bytes() == before


def test_a_translators_edit_reaches_the_page_and_stays_in_the_po(workflow):
    workdir, _ = workflow
    po = polib.pofile(str(workdir / PO))
    entry = next(e for e in po if e.msgid.startswith("Amid the ongoing drug crisis"))
    edited = "En medio de la crisis de drogas en Estados Unidos, el gobierno de Trump ha considerado usar la fuerza militar."
    entry.msgstr = edited
    entry.flags.remove("fuzzy")  # reviewed, as Poedit does on save
    po.save()
    rerun = snakemake(workdir)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert edited in page(workdir).text_content()
    kept = next(e for e in polib.pofile(str(workdir / PO)) if e.msgid == entry.msgid)
    assert kept.msgstr == edited and "fuzzy" not in kept.flags
    assert re.search(
        r"^es_MX: \d+ units — .* 1 reviewed by a human", rerun.stdout + rerun.stderr, re.M
    )
