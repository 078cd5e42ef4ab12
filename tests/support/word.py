"""Word files for the tests, made by real tools: pandoc (from Markdown) and LibreOffice (from a
flat OpenDocument text, for what pandoc cannot write: endnotes, tracked changes, comments, the
old .doc format), and msoffcrypto-tool for a password-protected one.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: One LibreOffice profile per test process (its first start builds it; two processes must not share).
PROFILE = Path(tempfile.gettempdir()) / f"locbrief-libreoffice-{os.getpid()}"
atexit.register(shutil.rmtree, PROFILE, ignore_errors=True)

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
"""

#: A brief with a Word footnote and a Word endnote, its title, subtitle and authors only in the
#: file's properties (File → Properties), as LibreOffice writes them into docProps/core.xml
#: (its initial creator is Word's Authors, dc:creator).
NOTES_BODY = """
<text:h text:outline-level="1">Background</text:h>
<text:p>The treaty divides the rivers.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Treaty of 1944, article 4.</text:p></text:note-body></text:note> Deliveries run in five-year cycles.<text:note text:id="edn1" text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>See <text:a xlink:type="simple" xlink:href="https://example.org/ibwc">the commission's minutes</text:a>.</text:p></text:note-body></text:note></text:p>
<text:list><text:list-item><text:p>Mexico owes water from six tributaries.</text:p></text:list-item><text:list-item><text:p>The United States owes water from the Colorado.</text:p></text:list-item></text:list>
"""
NOTES_META = """
<dc:title>Water rights on the border</dc:title>
<dc:subject>What the 1944 treaty asks of both countries</dc:subject>
<meta:initial-creator>Ana Ruiz; Luc Martin</meta:initial-creator>
"""

#: One insertion and one deletion a reviewer left tracked.
TRACKED_BODY = """
<text:tracked-changes>
 <text:changed-region text:id="ct1"><text:insertion><office:change-info><dc:creator>Bob</dc:creator><dc:date>2025-01-01T00:00:00</dc:date></office:change-info></text:insertion></text:changed-region>
 <text:changed-region text:id="ct2"><text:deletion><office:change-info><dc:creator>Bob</dc:creator><dc:date>2025-01-01T00:00:00</dc:date></office:change-info><text:p>old words</text:p></text:deletion></text:changed-region>
</text:tracked-changes>
<text:p>The treaty <text:change-start text:change-id="ct1"/>still <text:change-end text:change-id="ct1"/>divides the rivers<text:change text:change-id="ct2"/>.</text:p>
"""

#: A comment on a paragraph and an embedded picture (a 1×1 PNG) with its description.
EXTRAS_BODY = """
<text:p>The treaty divides the rivers.<office:annotation><dc:creator>Bob</dc:creator><text:p>Check the year.</text:p></office:annotation></text:p>
<text:p><draw:frame draw:name="Map" svg:width="2cm" svg:height="2cm" text:anchor-type="as-char"><draw:image><office:binary-data>iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==</office:binary-data></draw:image><svg:desc>Map of the river basins</svg:desc></draw:frame></text:p>
<text:p>Deliveries run in five-year cycles.</text:p>
"""


def fodt(body: str, meta: str = "") -> str:
    """A flat OpenDocument text of ``body`` (ODF elements) with ``meta`` (Dublin Core) properties."""
    return (
        f"{FODT_HEAD}<office:meta>{meta}</office:meta>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document>\n"
    )


def libreoffice(source: Path, fmt: str) -> Path:
    """LibreOffice (headless) converts ``source`` to ``fmt`` beside it; the new file's path."""
    profile = PROFILE
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(source.parent),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
        env={**os.environ, "HOME": str(profile)},
    )
    name = fmt.split(":")[0]
    result = source.with_suffix(f".{name}")
    assert result.is_file(), f"LibreOffice wrote no {result}"
    return result


def libreoffice_docx(folder: Path, name: str, body: str, meta: str = "", fmt="docx") -> Path:
    """A Word file (or another format LibreOffice writes) of an OpenDocument body."""
    source = folder / f"{name}.fodt"
    source.write_text(fodt(body, meta), encoding="utf-8")
    result = libreoffice(source, fmt)
    source.unlink()
    return result


def pandoc_docx(markdown: Path, output: Path) -> Path:
    """pandoc's Word file of a Markdown file (its title block, footnotes, lists, tables)."""
    subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "docx", str(markdown), "-o", str(output)],
        capture_output=True,
        check=True,
        timeout=120,
        cwd=markdown.parent,
    )
    return output


def encrypted(docx: Path, output: Path, password: str = "secret") -> Path:
    """The Word file with a password, as Word's File → Protect → Encrypt writes it (ECMA-376)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with docx.open("rb") as plain, output.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return output


def pdf_text(docx: Path) -> str:
    """The text of the PDF LibreOffice makes of a Word file (it must open it without repair)."""
    pdf = libreoffice(docx, "pdf")
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
