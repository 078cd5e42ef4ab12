"""Word and Markdown briefs in source/: read through pandoc into the same document model as the
seed, with every bad file refused in one line and everything left out named.

The Word files are made by real tools (tests/support/word.py): pandoc from the Markdown brief,
LibreOffice for Word's endnotes, tracked changes, comments and the old .doc format,
msoffcrypto-tool for a password.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import lxml.html
import pytest

from locbrief.config import find_briefs, warn_unknown_sources
from locbrief.model import LocbriefError, NoteRef, Span, plain_text
from locbrief.publish.page import render_page, source_translations
from locbrief.read import read_source
from locbrief.translate.segment import segment
from support import DATA
from support.word import (
    EXTRAS_BODY,
    NOTES_BODY,
    NOTES_META,
    TRACKED_BODY,
    encrypted,
    libreoffice_docx,
    pandoc_docx,
)

MARKDOWN = DATA / "pandoc-sanctions.md"


@pytest.fixture(scope="module")
def word(tmp_path_factory) -> dict[str, Path]:
    """The Word files of these tests, made once (LibreOffice takes a second or two each)."""
    folder = tmp_path_factory.mktemp("word")
    shutil.copy(MARKDOWN, folder / "sanctions.md")
    notes = libreoffice_docx(folder, "notes", NOTES_BODY, NOTES_META)
    old = libreoffice_docx(folder, "old", NOTES_BODY, fmt="doc")
    return {
        "sanctions": pandoc_docx(folder / "sanctions.md", folder / "sanctions.docx"),
        "notes": notes,
        "tracked": libreoffice_docx(folder, "tracked", TRACKED_BODY),
        "extras": libreoffice_docx(folder, "extras", EXTRAS_BODY),
        "locked": encrypted(notes, folder / "locked.docx"),
        "old": old.rename(folder / "old-format.docx"),
    }


def read(path: Path) -> tuple:
    warnings: list[str] = []
    return read_source(path, warnings), warnings


def shape(doc) -> list[tuple[str, str]]:
    """Kind and text (note markers as [n]) of every block: what a reader of the page sees."""

    def text(content) -> str:
        return "".join(
            f"[{i.number}]"
            if isinstance(i, NoteRef)
            else text(i.children)
            if isinstance(i, Span)
            else i
            for i in content
        )

    return [(b.kind, text(b.content)) for b in doc.blocks]


# ---------------------------------------------------------------- Markdown


def test_a_markdown_brief_reads_as_its_pandoc_html_page_does():
    md, warnings = read(MARKDOWN)
    html, _ = read_source(DATA / "pandoc-sanctions.html"), None
    assert warnings == []
    assert [u.msgid for u in segment(md)] == [u.msgid for u in segment(html)]
    assert shape(md)[1:5] == [
        ("title", "Sanctions without strategy"),
        ("dek", "Why economic pressure on Caracas keeps missing its target"),
        ("byline", "By Jane Roe and Omar Haddad"),
        ("date", "March 14, 2025"),
    ]
    assert md.meta["date"] == "2025-03-14" and md.name == "pandoc-sanctions"
    assert sorted(md.notes()) == [1, 2, 3, 4, 5]
    assert all(b.line == 0 for b in md.blocks)  # pandoc's page lines are not the file's


@pytest.mark.parametrize(
    "brief, count, link",
    [("markdown", 5, "https://example.org/jep-2023"), ("notes", 2, "https://example.org/ibwc")],
)
def test_notes_become_endnotes_linked_both_ways_on_the_page(word, brief, count, link):
    doc, _ = read(MARKDOWN if brief == "markdown" else word[brief])
    units = segment(doc)
    page = lxml.html.fromstring(
        render_page(doc, units, source_translations(units), "en", ["en"]).html.encode()
    )
    refs = page.xpath("//a[@role='doc-noteref']")
    assert [r.get("href") for r in refs] == [f"#note-{n}" for n in range(1, count + 1)]
    for ref in refs:
        note = page.get_element_by_id(ref.get("href")[1:])
        back = note.xpath(".//a[@role='doc-backlink']")[0]
        assert back.get("href") == f"#{ref.get('id')}"
    assert page.xpath(f"//li[@role='doc-endnote']//a[@href='{link}']")


def test_several_authors_in_the_yaml_block_make_one_byline(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(
        "---\ntitle: Water\nauthor:\n  - Ana Ruiz\n  - Luc Martin\n  - Jo Park\n"
        "date: 2025-07-02\n---\n\nThe treaty divides the rivers.[^1]\n\n[^1]: Article 4.\n",
        encoding="utf-8",
    )
    doc, warnings = read(brief)
    assert shape(doc) == [
        ("title", "Water"),
        ("byline", "Ana Ruiz, Luc Martin and Jo Park"),
        ("date", "2025-07-02"),
        ("paragraph", "The treaty divides the rivers.[1]"),
        ("endnote", "Article 4."),
    ]
    assert warnings == []


def test_a_footnote_reference_without_definition_stops_at_its_line(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(
        "---\ntitle: Water\n---\n\nFirst.[^1]\n\nCode `[^x]` is fine.\n\nSecond.[^2]\n\n[^1]: One.\n",
        encoding="utf-8",
    )
    with pytest.raises(LocbriefError) as error:
        read_source(brief)
    assert str(error.value) == (
        f"{brief}:9: footnote reference [^2] has no definition; add a line “[^2]: …” "
        "with the note's text, or remove the reference"
    )


def test_a_footnote_nobody_refers_to_is_named_at_its_line(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(
        "# Water\n\nFirst.[^a]\n\n```\n[^c]: in code, not a note\n```\n\n[^a]: One.\n[^b]: Two.\n",
        encoding="utf-8",
    )
    doc, warnings = read(brief)
    assert sorted(doc.notes()) == [1]
    assert warnings == [
        f"{brief}:10: footnote [^b] is never referred to, so it is left out; refer to it in "
        "the text ([^b]) or delete it"
    ]


def test_a_bad_yaml_block_is_one_line_at_its_line(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text("---\ntitle: [Water\n  x: y\n---\n\nText.\n", encoding="utf-8")
    with pytest.raises(LocbriefError) as error:
        read_source(brief)
    message = str(error.value)
    assert message.startswith(f"{brief}:3: the YAML metadata block is not valid (")
    assert message.endswith("; fix it, or quote the value") and "\n" not in message


def test_a_markdown_file_in_latin1_names_the_byte(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_bytes("# Agua\n\nPeque\u00f1o.\n".encode("latin-1"))
    with pytest.raises(LocbriefError, match=r"brief.md:3: not UTF-8 \(byte 0xf1"):
        read_source(brief)


# ---------------------------------------------------------------- Word


def test_a_word_brief_made_from_the_markdown_reads_the_same(word):
    md, _ = read(MARKDOWN)
    docx, warnings = read(word["sanctions"])
    assert warnings == []
    # Word has no abbreviations, inline quotes, image titles or meta description: the rest is equal
    expected = [
        (kind, text.replace("<abbr>", ""))
        for kind, text in shape(md)
        if kind not in ("meta_description", "attribute")
    ]
    got = shape(docx)
    assert got[:4] == expected[:4]
    assert [s for s in got if s[0] == "endnote"] == [s for s in expected if s[0] == "endnote"]
    assert [s for s in got if s[0] == "heading"] == [s for s in expected if s[0] == "heading"]
    assert [s for s in got if s[0] == "table_cell"] == [s for s in expected if s[0] == "table_cell"]
    assert ("key_point", shape(md)[6][1]) in got
    emphasis = [
        i
        for b in docx.blocks
        for i in b.content
        if isinstance(i, Span) and i.tag in ("em", "strong", "a")
    ]
    assert {s.tag for s in emphasis} == {"em", "strong", "a"}


def test_word_footnotes_and_endnotes_are_one_numbered_list_of_endnotes(word):
    doc, warnings = read(word["notes"])
    assert warnings == []
    assert shape(doc) == [
        ("title", "Water rights on the border"),
        ("dek", "What the 1944 treaty asks of both countries"),
        ("byline", "Ana Ruiz and Luc Martin"),
        ("heading", "Background"),
        ("paragraph", "The treaty divides the rivers.[1] Deliveries run in five-year cycles.[2]"),
        ("list_item", "Mexico owes water from six tributaries."),
        ("list_item", "The United States owes water from the Colorado."),
        ("endnote", "Treaty of 1944, article 4."),  # Word's footnote
        ("endnote", "See the commission's minutes."),  # Word's endnote, its link kept
    ]
    link = doc.notes()[2].content[1]
    assert link.tag == "a" and link.attrs["href"] == "https://example.org/ibwc"


def test_comments_and_embedded_images_are_left_out_with_a_line_each(word):
    doc, warnings = read(word["extras"])
    path = word["extras"]
    assert [plain_text(b.content) for b in doc.blocks if b.kind == "paragraph"] == [
        "The treaty divides the rivers.",
        "Deliveries run in five-year cycles.",
    ]
    assert warnings == [
        f"{path}: left out 1 Word comment (comments are notes to the authors, not part of the brief)",
        f"{path}: the brief has no title; give it one (Word: a paragraph in the Title style, or "
        "File → Properties → Title; Markdown: title: in the YAML block); “extras” is used",
        f"{path}: left out the image “Map of the river basins”: a page cannot show an image "
        "embedded in a Word file; describe it in the text, or add it to an HTML version of the brief",
    ]


@pytest.mark.parametrize(
    "case, expected",
    [
        (
            "tracked",
            "tracked changes left in the file (1 insertions, 1 deletions); locbrief "
            "translates settled text only: accept or reject them in Word (Review → Accept → Accept "
            "All Changes) and save",
        ),
        (
            "locked",
            "the Word file is password-protected; remove the password (Word: File → Info "
            "→ Protect Document → Encrypt with Password, clear it) and save it again",
        ),
        (
            "old",
            "an old-format Word file (.doc) named .docx; open it in Word or LibreOffice and "
            "save it as Word Document (.docx)",
        ),
    ],
)
def test_a_word_file_locbrief_cannot_read_as_it_is_names_the_fix(word, case, expected):
    with pytest.raises(LocbriefError) as error:
        read_source(word[case])
    assert str(error.value) == f"{word[case]}: {expected}"


def test_damaged_and_disguised_word_files_are_one_line_each(word, tmp_path):
    cases = {
        "empty.docx": b"",
        "cut.docx": word["notes"].read_bytes()[:3000],
        "text.docx": b"The treaty divides the rivers.\n",
        "odt.docx": libreoffice_docx(tmp_path, "x", NOTES_BODY, fmt="odt").read_bytes(),
    }
    expected = {
        "empty.docx": "empty file; save the brief from Word again",
        "cut.docx": "not a Word document (not a ZIP archive)",
        "text.docx": "not a Word document (text)",
        "odt.docx": "not a Word document (an OpenDocument file (.odt?))",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LocbriefError) as error:
            read_source(tmp_path / name)
        message = str(error.value)
        assert message.startswith(f"{tmp_path / name}: {expected[name]}"), message
        assert "\n" not in message


def test_a_damaged_part_inside_the_archive_is_named(word, tmp_path):
    import zipfile

    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(word["notes"]) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
    data = bytearray(damaged.read_bytes())
    start = data.find(b"word/document.xml") + len("word/document.xml") + 40
    data[start : start + 20] = b"\x00" * 20  # inside the part's compressed bytes
    damaged.write_bytes(bytes(data))
    with pytest.raises(
        LocbriefError,
        match=r"damaged.docx: the Word file is damaged \(its part word/document.xml does not unpack\)",
    ):
        read_source(damaged)


# ---------------------------------------------------------------- source/


def test_source_finds_word_and_markdown_briefs_and_names_what_it_does_not_read(
    tmp_path, word, caplog
):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(word["notes"], source / "water.docx")
    shutil.copy(MARKDOWN, source / "sanctions.md")
    (source / "notes.pdf").write_bytes(b"%PDF-1.4")
    (source / "~$water.docx").write_bytes(b"\x00")  # Word's lock file while the brief is open
    (source / ".DS_Store").write_bytes(b"\x00")
    briefs = find_briefs({}, source)
    assert briefs == {"sanctions": source / "sanctions.md", "water": source / "water.docx"}
    with caplog.at_level(logging.WARNING, logger="locbrief"):
        lines = warn_unknown_sources(source)
    assert lines == [
        f"{source / 'notes.pdf'}: not a kind of file locbrief reads, left out; it reads "
        ".txt, .htm, .html, .xhtml, .md, .markdown, .docx"
    ]
    assert [r.getMessage() for r in caplog.records] == lines


def test_words_publish_date_property_is_the_briefs_date(word, tmp_path):
    """Word's Publish Date (Insert → Document Property) lives in customXml, as Word writes it."""
    import zipfile

    dated = tmp_path / "dated.docx"
    with zipfile.ZipFile(word["notes"]) as source, zipfile.ZipFile(dated, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(
            "customXml/item1.xml",
            '<?xml version="1.0" encoding="UTF-8"?><CoverPageProperties xmlns='
            '"http://schemas.microsoft.com/office/2006/coverPageProps"><PublishDate>'
            "2025-07-02</PublishDate><Abstract/></CoverPageProperties>",
        )
    doc, warnings = read(dated)
    assert ("date", "2025-07-02") in shape(doc) and doc.meta["date"] == "2025-07-02"
    assert warnings == []


def test_locbrief_diff_lists_the_sentence_a_revised_word_brief_changed(tmp_path, capsys):
    from locbrief.cli import main

    revised = tmp_path / "revised.md"
    revised.write_text(
        MARKDOWN.read_text(encoding="utf-8").replace("of seven officials", "of eight officials"),
        encoding="utf-8",
    )
    old = pandoc_docx(MARKDOWN, tmp_path / "old.docx")
    new = pandoc_docx(revised, tmp_path / "new.docx")
    assert main(["diff", str(old), str(new)]) in (0, None)
    out = capsys.readouterr().out
    assert f"locbrief diff {old} → {new}: 1 changed (of 58 units)" in out
    assert "freezing the assets of {+eight+} officials" in out


def test_charts_and_embedded_objects_pandoc_drops_are_named(word, tmp_path):
    import zipfile

    charted = tmp_path / "charted.docx"
    with zipfile.ZipFile(word["notes"]) as source, zipfile.ZipFile(charted, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/charts/chart1.xml", "<c:chartSpace/>")
        target.writestr("word/charts/chart2.xml", "<c:chartSpace/>")
        target.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", b"PK")
    doc, warnings = read(charted)
    assert sorted(doc.notes()) == [1, 2]
    assert warnings == [
        f"{charted}: left out 2 charts (a page cannot show them); give the figures as a table "
        "or text",
        f"{charted}: left out 1 embedded object (a page cannot show them); paste its content "
        "into the text (a spreadsheet as a table)",
    ]
