"""The PDF comms staff attach to the press e-mail: same page, laid out for paper, read back.

Each PDF is read back with poppler (pdftotext, pdffonts, pdfinfo, pdftoppm) and pypdf (link
annotations): the running header carries the title, pages are numbered, note 1 links to its
endnote and back, the citation URL is a live link, the banner shows while the translation is
not fully reviewed, and every font is embedded.
"""

from __future__ import annotations

import gc
import subprocess
import sys

import pypdf
import pytest
from PIL import Image

from locbrief.cli import main
from locbrief.model import LocbriefError
from locbrief.publish.pdf import check_fonts, render_pdf
from locbrief.publish.theme import Site
from support import PUBLISHED_BRIEF as BRIEF
from support.site_data import brief, build_out, page_result
from support.workflow import PAGE_LANGUAGES as LANGUAGES


def poppler(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def half_reviewed(tmp_path_factory):
    """out/ of the small brief with PDFs: es_MX half reviewed, fr fully reviewed."""
    return build_out(tmp_path_factory.mktemp("pdf") / "out", {"es_MX": 0.5, "fr": 1.0}, pdf=True)


def test_running_title_page_numbers_and_the_banner(half_reviewed):
    pdf = half_reviewed / "es_MX" / "brief.pdf"
    pages = int(poppler("pdfinfo", str(pdf)).split("Pages:")[1].split()[0])
    assert pages >= 2
    first = poppler("pdftotext", "-f", "1", "-l", "1", str(pdf), "-")
    assert "Un traductor revisó el 51% de esta página" in first  # the review banner, in Spanish
    assert f"1/{pages}" in first.replace(" ", "")
    second = poppler("pdftotext", "-f", "2", "-l", "2", str(pdf), "-")
    assert second.lstrip().startswith("Versión: Cartels and the border")  # running header
    assert f"2/{pages}" in second.replace(" ", "")
    assert "Descargar PDF" not in first and "Idiomas" not in first  # no screen navigation
    info = poppler("pdfinfo", str(pdf))
    assert "Title:           Versión: Cartels and the border" in info
    assert "Author:          Ana Ruiz, Luc Martin" in info
    # fully reviewed: no banner
    reviewed = poppler("pdftotext", str(half_reviewed / "fr" / "brief.pdf"), "-")
    assert "traducteur" not in reviewed and "Élément : Cartels and the border" in reviewed


def test_note_references_link_to_the_endnote_and_back_and_urls_are_live(half_reviewed):
    reader = pypdf.PdfReader(half_reviewed / "es_MX" / "brief.pdf")
    internal, external = set(), set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Dest") is not None:
                internal.add(str(link["/Dest"]))
            elif link.get("/A") is not None:
                external.add(link["/A"]["/URI"])
    assert {"note-1", "ref-1"} <= internal
    assert {"note-1", "ref-1"} <= set(reader.named_destinations)
    assert external == {"https://example.org/report"}


def test_fonts_are_embedded_and_only_the_configured_ones(half_reviewed):
    for lang in ("en", "es_MX", "fr", "ca"):
        rows = poppler("pdffonts", str(half_reviewed / lang / "brief.pdf")).splitlines()[2:]
        assert rows, lang
        for row in rows:
            name, emb = row.split()[0], row.split()[-5]
            assert emb == "yes" and name.split("+")[-1].startswith("DejaVu-"), (lang, row)


def test_the_first_page_renders_to_an_image_with_the_title_on_it(half_reviewed, tmp_path):
    pdf = half_reviewed / "ca" / "brief.pdf"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "p1"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "p1.png").convert("L")
    width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    ink = sum(image.histogram()[:128])
    assert 0.005 < ink / (width * height) < 0.3  # text on a white page, not blank, not black
    assert "Col·lecció: Cartels and the border" in poppler("pdftotext", "-l", "1", str(pdf), "-")


def test_us_letter_and_the_fonts_from_the_config(tmp_path):
    page = tmp_path / "es_MX" / "brief.html"
    page.parent.mkdir()
    page.write_text(page_result(brief(paragraphs=3), "es_MX", 1.0).html, encoding="utf-8")
    render_pdf(page, tmp_path / "letter.pdf", Site(paper="letter", fonts=("DejaVu Sans",)))
    assert "612 x 792 pts (letter)" in poppler("pdfinfo", str(tmp_path / "letter.pdf"))
    fonts = [
        r.split()[0] for r in poppler("pdffonts", str(tmp_path / "letter.pdf")).splitlines()[2:]
    ]
    assert fonts and all(f.split("+")[1].startswith("DejaVu-Sans") for f in fonts), fonts


#: Imports WeasyPrint the way ``locbrief pdf`` does and prints the processes it started.
IMPORT_PROBE = """
import ctypes.util, subprocess
started = []
popen = subprocess.Popen.__init__
def record(self, args, *rest, **options):
    started.append(args)
    popen(self, args, *rest, **options)
subprocess.Popen.__init__ = record
search = ctypes.util.find_library
from locbrief.publish.pdf import import_weasyprint
weasyprint = import_weasyprint()
assert weasyprint.HTML and ctypes.util.find_library is search
print(started)
"""


def test_weasyprint_loads_its_libraries_without_starting_ldconfig_or_gcc():
    """Each PDF job is a new process: a library search at import (ldconfig, gcc for every name
    WeasyPrint tries) cost a third of its import time."""
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]", run.stdout


def test_the_garbage_collector_is_back_on_after_a_pdf(tmp_path):
    page = tmp_path / "en" / "brief.html"
    page.parent.mkdir()
    page.write_text(page_result(brief(paragraphs=2), "en", 1.0).html, encoding="utf-8")
    assert gc.isenabled()
    render_pdf(page, tmp_path / "x.pdf", Site())
    assert gc.isenabled() and (tmp_path / "x.pdf").stat().st_size > 1000


def test_a_font_lacking_a_character_is_one_line_naming_it_and_the_fix(tmp_path, capsys):
    doc = brief(paragraphs=2)
    doc.blocks[2].content = ["Cartels 中 and the border"]
    page = tmp_path / "en" / "brief.html"
    page.parent.mkdir()
    page.write_text(page_result(doc, "en", 1.0).html, encoding="utf-8")
    assert main(["pdf", str(page), "-o", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "U+4E2D CJK UNIFIED IDEOGRAPH-4E2D" in err
    assert str(page) in err and "site.fonts" in err
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(LocbriefError, match="font 'No Such Font' is not installed"):
        check_fonts(page, ("No Such Font",))


@pytest.mark.slow
def test_the_pdf_fonts_cover_every_character_of_the_real_brief_in_all_languages(real_pages):
    for lang in LANGUAGES:
        check_fonts(real_pages / "out" / lang / f"{BRIEF}.html", Site().fonts)
