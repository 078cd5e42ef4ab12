"""The Word file partners in Mexico ask for: out/<lang>/<brief>.docx, made from the page.

Checked where partners meet it: LibreOffice opens it and prints it to PDF (read back with
pdftotext), locbrief's own reader reads it back with the same notes, and the file's parts say
what Word shows (footnotes, heading styles, the Spanish (Mexico) language, the review notice).
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from pathlib import Path

import lxml.html
import pytest
import yaml

from locbrief.cli import main
from locbrief.model import plain_text
from locbrief.publish.docx import render_docx
from locbrief.publish.site import collect, write_site
from locbrief.publish.theme import Site
from locbrief.read import read_source
from support import DATA
from support.site_data import LANGS, build_out, page_result
from support.word import NOTES_BODY, NOTES_META, libreoffice_docx, pdf_text
from support.workflow import copy_workflow, snakemake


@pytest.fixture(scope="module")
def word_files(tmp_path_factory) -> Path:
    """The Markdown brief's pages (es_MX half reviewed, fr reviewed) and their Word files."""
    out = tmp_path_factory.mktemp("docx")
    doc = read_source(DATA / "pandoc-sanctions.md")
    for lang, reviewed in (("en", 1.0), ("es_MX", 0.5), ("fr", 1.0)):
        (out / lang).mkdir()
        page = out / lang / "sanctions.html"
        page.write_text(page_result(doc, lang, reviewed).html, encoding="utf-8")
        warnings = render_docx(page, out / lang / "sanctions.docx")
        (out / lang / "warnings.txt").write_text("\n".join(warnings), encoding="utf-8")
    return out


def part(docx: Path, name: str) -> str:
    with zipfile.ZipFile(docx) as archive:
        return archive.read(name).decode("utf-8")


def page_notes(page: Path) -> dict[int, str]:
    root = lxml.html.parse(str(page)).getroot()
    notes = {}
    for item in root.xpath("//li[@role='doc-endnote']"):
        for back in item.xpath(".//a[@role='doc-backlink']"):
            back.drop_tree()
        notes[int(item.get("id").rpartition("-")[2])] = " ".join(item.text_content().split())
    return notes


def test_the_word_file_reads_back_with_the_pages_notes_title_and_authors(word_files):
    docx = word_files / "es_MX" / "sanctions.docx"
    doc = read_source(docx)
    notes = {n: " ".join(plain_text(b.content).split()) for n, b in doc.notes().items()}
    assert notes == page_notes(word_files / "es_MX" / "sanctions.html")
    assert len(notes) == 5 and notes[1].startswith("Versión: Francisco Rodríguez")
    blocks = {b.kind: plain_text(b.content) for b in doc.blocks}
    assert blocks["title"] == "Versión: Sanctions without strategy"
    assert blocks["dek"] == "Versión: Why economic pressure on Caracas keeps missing its target"
    assert blocks["byline"] == "Jane Roe and Omar Haddad"


def test_notes_are_word_footnotes_at_their_markers_with_live_links(word_files):
    docx = word_files / "es_MX" / "sanctions.docx"
    document = part(docx, "word/document.xml")
    footnotes = part(docx, "word/footnotes.xml")
    assert document.count("<w:footnoteReference ") == 5
    assert len(re.findall(r'<w:footnote w:id="\d+"(?! w:type)', footnotes)) == 5
    assert "Sanctions and Oil Production" in footnotes
    links = part(docx, "word/_rels/footnotes.xml.rels")
    assert "https://example.org/jep-2023" in links and 'TargetMode="External"' in links
    assert "role" not in document and "↩" not in document + footnotes  # no back-links left


def test_headings_lists_and_tables_keep_their_word_styles(word_files):
    document = part(word_files / "es_MX" / "sanctions.docx", "word/document.xml")
    styles = re.findall(r'<w:pStyle w:val="([^"]+)"', document)
    page = (word_files / "es_MX" / "sanctions.html").read_text(encoding="utf-8")
    assert styles.count("Heading2") == page.count("<h2 ") == 4
    assert styles.count("Heading3") == page.count("<h3 ") == 2
    assert {"Title", "Subtitle", "Author", "Date"} <= set(styles)
    assert "<w:tbl>" in document and "<w:numPr>" in document  # the table, the lists


def test_the_language_is_spanish_mexico_and_the_notice_shows_until_reviewed(word_files):
    spanish = word_files / "es_MX" / "sanctions.docx"
    assert '<w:lang w:bidi="ar-SA" w:eastAsia="en-US" w:val="es-MX" />' in part(
        spanish, "word/styles.xml"
    )
    assert "es-MX-x-" not in part(spanish, "word/document.xml")  # no tag Word does not know
    document = part(spanish, "word/document.xml")
    assert '<w:pStyle w:val="ReviewNotice" />' in document
    assert "Un traductor revisó el" in document
    french = word_files / "fr" / "sanctions.docx"  # fully reviewed: the page thanks, Word is quiet
    assert 'w:val="fr"' in part(french, "word/styles.xml")
    assert "ReviewNotice" not in part(french, "word/document.xml")
    assert (
        "Un traducteur a relu toute cette page"
        in (word_files / "fr" / "sanctions.html").read_text()
    )


def test_libreoffice_opens_it_and_prints_the_translation_and_the_notes(word_files):
    text = " ".join(pdf_text(word_files / "es_MX" / "sanctions.docx").split())
    assert "Versión: Sanctions without strategy" in text
    assert "Un traductor revisó el" in text
    assert "Versión: Executive Order 13692" in text  # a footnote, in the footer of its page


def test_images_are_left_out_with_a_line_each_and_nothing_is_fetched(word_files):
    warnings = (word_files / "es_MX" / "warnings.txt").read_text(encoding="utf-8")
    assert warnings == (
        f"{word_files / 'es_MX' / 'sanctions.html'}: the Word file leaves out the image "
        "“Versión: Oil exports, 2014–2024” (locbrief fetches no images); insert it in Word if "
        "partners need it"
    )
    with zipfile.ZipFile(word_files / "es_MX" / "sanctions.docx") as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]


def test_locbrief_docx_writes_the_file_and_a_missing_page_is_one_line(tmp_path, capsys):
    out = build_out(tmp_path / "out", {"es_MX": 0.5})
    target = tmp_path / "brief.docx"
    assert main(["docx", str(out / "es_MX" / "brief.html"), "-o", str(target)]) in (0, None)
    assert zipfile.is_zipfile(target)
    assert main(["docx", str(tmp_path / "none.html"), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'none.html'}: no such page; run the page stage (make run) first" in err


def test_the_index_links_each_languages_word_file_beside_its_pdf(tmp_path):
    out = build_out(tmp_path / "out", {"es_MX": 0.5})
    for lang in LANGS:
        render_docx(out / lang / "brief.html", out / lang / "brief.docx")
    write_site(out, collect(out, ["brief"], "en", LANGS[1:]), Site())
    index = lxml.html.parse(str(out / "index.html")).getroot()
    for lang in LANGS:
        cell = index.xpath(f"//a[@href='{lang}/brief.html']/ancestor::tr//td[@class='files']")[0]
        assert [(a.text, a.get("href")) for a in cell.iter("a")][-1] == (
            "Word",
            f"{lang}/brief.docx",
        )


@pytest.mark.slow
def test_word_and_markdown_briefs_run_through_the_workflow_to_word_files(tmp_path):
    """A .docx and a .md dropped into source/ are translated like the seed; a PDF there is named."""
    workdir = copy_workflow(tmp_path / "repo", languages=["es_MX"])
    config_file = workdir / "config" / "config.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["languages"] = {"es_MX": {"engine": "pseudo"}}
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    source = workdir / "source"
    for old in source.iterdir():
        old.unlink()
    libreoffice_docx(source, "water", NOTES_BODY, NOTES_META)
    shutil.copy(DATA / "pandoc-sanctions.md", source / "sanctions.md")
    (source / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    run = snakemake(workdir)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    warning = "source/notes.pdf: not a kind of file locbrief reads, left out; it reads "
    assert run.stderr.count(warning) == 1
    out = workdir / "out"
    water = read_source(out / "es_MX" / "water.docx")
    assert sorted(water.notes()) == [1, 2]
    assert page_notes(out / "es_MX" / "water.html") == {
        n: " ".join(plain_text(b.content).split()) for n, b in water.notes().items()
    }
    listed = set(lxml.html.parse(str(out / "index.html")).getroot().xpath("//tbody//a/@href"))
    for lang in ("en", "es_MX"):
        for brief in ("water", "sanctions"):
            assert f"{lang}/{brief}.docx" in listed and (out / lang / f"{brief}.docx").is_file()


def test_the_same_page_gives_the_same_word_file_bytes(word_files, tmp_path):
    """A rerun (or a cluster run beside a local one) rewrites nothing that did not change."""
    first = word_files / "es_MX" / "sanctions.docx"
    again = tmp_path / "again.docx"
    time.sleep(1.1)  # pandoc would otherwise stamp the file with the clock's second
    render_docx(word_files / "es_MX" / "sanctions.html", again)
    assert again.read_bytes() == first.read_bytes()
