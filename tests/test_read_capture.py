"""The read stage on plain-text captures: the real brief, small made-up captures, bad files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from locbrief.model import Document, LocbriefError, NoteRef, plain_text
from locbrief.read import read_source
from support.capture import SMALL, marked

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "tests" / "data" / "no-gwot-narco.txt"

TOC = [
    "Key points",
    "Military force inside Mexico: A self-fulfilling prophecy",
    "Mexico’s failed war on drugs",
    "Military action against the cartels is a losing strategy",
    "Recommendations and alternatives",
    "An easy solution that’s no solution",
    "Endnotes",
    "Authors",
]
SUBHEADINGS = [
    "COIN in Mexico",
    "Decapitation",
    "Bombing cartel infrastructure",
    "A ‘plan Colombia’ for Mexico",
    "Costs to the United States",
]


def all_marked(doc: Document, skip_notes: bool = True) -> str:
    return "\n".join(
        marked(b.content) for b in doc.blocks if not (skip_notes and b.kind == "endnote")
    )


@pytest.fixture(scope="module")
def brief():
    warnings: list[str] = []
    doc = read_source(BRIEF, warnings)
    return doc, warnings


@pytest.fixture(scope="module")
def doc(brief) -> Document:
    return brief[0]


# ---------------------------------------------------------------- the real brief: notes


def test_real_brief_reads_without_warnings(brief):
    assert brief[1] == []


def test_all_90_markers_once_in_order(doc):
    refs = [
        i.number
        for b in doc.blocks
        if b.kind != "endnote"
        for i in b.content
        if isinstance(i, NoteRef)
    ]
    assert refs == list(range(1, 91))


@pytest.mark.parametrize(
    "n, before, after",
    [
        (
            1,
            "died of a drug overdose in 2024.",
            " While this figure represents a 27 percent decline",
        ),
        (2, "leading cause of death among Americans ages 18–44.", " Fentanyl, a synthetic opioid"),
        (5, "with 350–370 people joining every week.", ""),
        (
            34,
            "as much as $13 billion from human smuggling alone.",
            " The cartels pocket many billions more",
        ),
        (
            54,
            "nearly all the Republican candidates supported it.",
            " The logic behind this policy recommendation",
        ),
        (
            57,
            "will remain high.",
            " Unfortunately, there are no signs those profits are decreasing.",
        ),
        (
            59,
            "by attacking opium labs in Taliban-controlled areas.",
            " The Defense Department’s Inspector General",
        ),
        (60, "remained at elevated levels.”", " Dr. David Mansfield, an expert"),
        (66, "increased every year since 2013.", " In 2024, the DEA assessed that 97 percent"),
        (70, "is up by more than 40 percent.", ""),
        (
            88,
            "2.5 million U.S. guns crossed the border during the 2010s.",
            " The illegal acquisition of U.S. arms",
        ),
        (
            90,
            "(about $200 billion in 2025 dollars).",
            " Lawmakers should consider drug reform measures",
        ),
    ],
)
def test_marker_stands_in_its_sentence(doc, n, before, after):
    block = next(b for b in doc.blocks if b.kind != "endnote" and NoteRef(n) in b.content)
    text = marked(block.content)
    assert f"{before}[{n}]{after}" in text
    if not after:
        assert text.endswith(f"{before}[{n}]")


def test_note_70_paragraph_ends_and_next_one_starts(doc):
    i = next(i for i, b in enumerate(doc.blocks) if NoteRef(70) in b.content)
    assert doc.blocks[i + 1].kind == "paragraph"
    assert plain_text(doc.blocks[i + 1].content).startswith("Would a Plan Colombia-style operation")


def test_endnotes_are_the_canonical_list(doc):
    notes = doc.notes()
    assert sorted(notes) == list(range(1, 91))
    assert [b.id for b in doc.blocks if b.kind == "endnote"] == [f"note-{n}" for n in range(1, 91)]
    assert notes[1].content == [
        "“Provisional Drug Overdose Data,” Centers for Disease Control and Prevention, "
        "May 15, 2025, https://www.cdc.gov/nchs/nvss/vsrr/drug-overdose-data.htm."
    ]
    assert notes[1].line == 231
    assert notes[46].content == ["“The Expansion and Diversification of Mexican Cartels…” 34."]
    # wrapped notes: lines joined with one space
    assert (
        "September 14, 2023, https://www.economist.com/the-economist-explains"
        in notes[54].content[0]
    )
    assert "November 20, 2017, https://www.defense.gov/News/" in notes[59].content[0]
    assert "in 2023, according to new UNODC survey,”" in notes[66].content[0]
    assert "August 15, 2024, https://www.nrc.no/news/2024/" in notes[70].content[0]
    assert all(
        len(b.content) == 1 and isinstance(b.content[0], str) and "\n" not in b.content[0]
        for b in notes.values()
    )


def test_no_inline_note_copy_left_in_text(doc):
    body = all_marked(doc)
    assert "Provisional Drug Overdose Data" not in body
    assert "https://" not in body and "http://" not in body
    for n, note in doc.notes().items():
        assert note.content[0][:40] not in body, f"copy of note {n} left in the text"
    everywhere = all_marked(doc, skip_notes=False)
    assert everywhere.count("Provisional Drug Overdose Data") == 1


# ---------------------------------------------------------------- the real brief: structure


def test_header_blocks(doc):
    first = [(b.kind, b.id, plain_text(b.content)) for b in doc.blocks[:5]]
    assert first == [
        ("topic", "topic", "Americas, Air power, Counterterrorism"),
        ("date", "date", "July 2, 2025"),
        ("title", "title", "No GWOT-Narco"),
        ("dek", "dek", "The perils of making war on cartels"),
        ("byline", "byline", "By Daniel DePetris and Christopher McCallion"),
    ]
    assert doc.meta["date"] == "2025-07-02"
    assert doc.name == "no-gwot-narco"


def test_headings(doc):
    headings = [(b.level, plain_text(b.content)) for b in doc.blocks if b.kind == "heading"]
    assert [t for lvl, t in headings if lvl == 2] == TOC
    assert [t for lvl, t in headings if lvl == 3] == SUBHEADINGS
    assert len(headings) == 13
    ids = [b.id for b in doc.blocks if b.kind == "heading"]
    assert ids[:3] == [
        "h-key-points",
        "h-military-force-inside-mexico-a-self-fulfilling",
        "h-mexicos-failed-war-on-drugs",
    ]
    assert "h-a-plan-colombia-for-mexico" in ids


def test_key_points(doc):
    kps = [b for b in doc.blocks if b.kind == "key_point"]
    assert [(b.id, b.number) for b in kps] == [(f"kp-{n}", n) for n in range(1, 6)]
    assert plain_text(kps[0].content).startswith(
        "The violence perpetrated by Mexico’s drug cartels"
    )
    assert plain_text(kps[4].content).endswith(
        "it can’t achieve much more than this and shouldn’t try."
    )


def test_captions(doc):
    caps = [(b.id, plain_text(b.content), b.line) for b in doc.blocks if b.kind == "caption"]
    assert caps == [
        ("cap-1", "Drug cartel activity, as of May 2025", 110),
        ("cap-2", "Mexican drug cartels, 2000–2025", 146),
    ]


def test_authors(doc):
    authors = [
        (b.id, b.kind, plain_text(b.content)) for b in doc.blocks if b.kind.startswith("author_")
    ]
    assert authors == [
        ("author-1-name", "author_name", "Daniel DePetris"),
        ("author-1-role", "author_role", "Fellow"),
        ("author-1-org", "author_org", "Defense Priorities"),
        ("author-2-name", "author_name", "Christopher McCallion"),
        ("author-2-role", "author_role", "Fellow"),
        ("author-2-org", "author_org", "Defense Priorities"),
    ]
    assert doc.blocks[-1].id == "author-2-org"


@pytest.mark.parametrize(
    "chrome",
    [
        "Select Page",
        "Download PDF",
        "Jump to Section",
        "More on Western Hemisphere",
        "Receive expert",
        "Privacy Policy",
        "Photo of",
        "Policy Topics",
        "Home / Americas",
        "How not to do multipolarity",
        "All Right Reserved",
        "Defense Priority Mono Logo",
        "Our mission is",
        "Terms and Conditions",
        "Join the hub",
        "Featuring Edward King",
        "Mission & Vision",
    ],
)
def test_no_site_chrome(doc, chrome):
    assert chrome not in all_marked(doc, skip_notes=False)


def test_no_chrome_only_blocks(doc):
    texts = {plain_text(b.content) for b in doc.blocks}
    assert not texts & {"Top", "Donate", "Contact", "Events", "\u00a0", ""}


def test_block_kinds_ids_and_lines(doc):
    from locbrief.model import BLOCK_KINDS

    assert all(b.kind in BLOCK_KINDS for b in doc.blocks)
    ids = [b.id for b in doc.blocks]
    assert len(ids) == len(set(ids))
    paras = [b for b in doc.blocks if b.kind == "paragraph"]
    assert [b.id for b in paras] == [f"p-{n}" for n in range(1, len(paras) + 1)]
    assert len(paras) == 67
    lines = BRIEF.read_text(encoding="utf-8").split("\n")
    for block in doc.blocks:
        if block.kind in ("paragraph", "heading", "caption", "title", "dek", "endnote"):
            start = plain_text(block.content)[:25]
            assert lines[block.line - 1].strip().startswith(start), block.id
    assert [b.line for b in doc.blocks] == sorted(b.line for b in doc.blocks)


def test_paragraph_spanning_a_wrapped_note_starts_on_its_first_line(doc):
    block = next(b for b in doc.blocks if NoteRef(54) in b.content)
    assert block.line == 156


def test_json_round_trip(doc):
    again = Document.from_json(doc.to_json())
    assert again.blocks == doc.blocks and again.meta == doc.meta


def _independent_body_text() -> str:
    """The brief's body (Key points … up to Endnotes) with inline copies removed,
    worked out here without the reader: each copy is "n" + the text of note n."""
    text = BRIEF.read_text(encoding="utf-8")
    body = text[text.index("\nKey points\n") : text.index("\nEndnotes\n")]
    notes_part = text[text.index("\nEndnotes\n") : text.index("\nAuthors\n")]
    notes = re.findall(r"•\s*(\d+)\n((?:    .*\n?)+)", notes_part)
    for number, note in notes:
        words = note.split()
        copy = re.compile(re.escape(number) + r"\s+".join(map(re.escape, words)))
        body, count = copy.subn("", body, count=1)
        assert count == 1, number
    return body


def test_text_round_trips(doc):
    """Every sentence of the source paragraphs (minus inline note copies) is in the blocks' text."""
    body = _independent_body_text()
    sentences = [s for s in re.split(r"(?<=[.?!”])\s+|\n", body) if len(s.split()) >= 3]
    assert len(sentences) > 300
    joined = " ".join(" ".join(plain_text(b.content).split()) for b in doc.blocks)
    missing = [s for s in sentences if " ".join(s.split()).lstrip("0123456789. ") not in joined]
    assert missing == []


# ---------------------------------------------------------------- small captures


def write(tmp_path: Path, text: str, name: str = "small.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_small_capture(tmp_path):
    warnings: list[str] = []
    doc = read_source(write(tmp_path, SMALL), warnings)
    assert warnings == []
    para = next(b for b in doc.blocks if b.kind == "paragraph")
    assert marked(para.content) == (
        "The first claim came in 2020.[1] Then a second claim followed.[2] "
        "The end of the paragraph."
    )
    assert doc.notes()[2].content == ["Note two text, with a wrapped line."]
    kinds = [b.kind for b in doc.blocks]
    assert kinds == [
        "topic",
        "date",
        "title",
        "dek",
        "byline",
        "heading",
        "paragraph",
        "heading",
        "endnote",
        "endnote",
    ]
    assert "Some related article" not in all_marked(doc, skip_notes=False)
    assert "Site Name" not in all_marked(doc, skip_notes=False)


def test_text_right_after_the_endnote_list_is_kept(tmp_path):
    text = SMALL.replace(
        "    wrapped line.\n\nMore on Trade",
        "    wrapped line.\nA closing remark.\n\nMore on Trade",
    )
    doc = read_source(write(tmp_path, text))
    assert doc.notes()[2].content == ["Note two text, with a wrapped line."]
    assert plain_text(doc.blocks[-1].content) == "A closing remark."


def test_marker_glued_to_a_year(tmp_path):
    text = SMALL.replace("came in 2020.1“Note one,”", "came in 20201“Note one,”")
    doc = read_source(write(tmp_path, text))
    para = next(b for b in doc.blocks if b.kind == "paragraph")
    assert marked(para.content).startswith("The first claim came in 2020[1] Then")


def test_inline_copy_that_differs_from_its_endnote_is_an_error(tmp_path):
    text = SMALL.replace(
        "2Note two text, with a\nwrapped line.", "2Note two text, with an\nwrapped line."
    )
    path = write(tmp_path, text)
    with pytest.raises(LocbriefError) as err:
        read_source(path)
    message = str(err.value)
    assert message.startswith(
        f"{path}:24: inline copy of note 2 does not match endnote 2 (line 32)"
    )
    assert "\n" not in message


def test_inline_copy_with_a_different_beginning_is_an_error(tmp_path):
    text = SMALL.replace("2020.1“Note one,”", "2020.1“Nota one,”")
    path = write(tmp_path, text)
    with pytest.raises(LocbriefError, match=r"small.txt:24: .*note 1.*endnote 1 \(line 30\)"):
        read_source(path)


def test_real_brief_with_one_changed_inline_copy(tmp_path):
    lines = BRIEF.read_text(encoding="utf-8").split("\n")
    assert "18–44.2“Statement from CDC’s" in lines[61]
    lines[61] = lines[61].replace(
        "18–44.2“Statement from CDC’s National Center for Injury",
        "18–44.2“Statement from CDC’s National Centre for Injury",
    )
    path = write(tmp_path, "\n".join(lines), "changed.txt")
    with pytest.raises(LocbriefError) as err:
        read_source(path)
    assert str(err.value).startswith(
        f"{path}:62: inline copy of note 2 does not match endnote 2 (line 233)"
    )
    assert "Centre" in str(err.value)


def test_unreferenced_endnote_is_kept_with_a_warning(tmp_path):
    text = SMALL.replace("2Note two text, with a\nwrapped line.", "")
    warnings: list[str] = []
    doc = read_source(write(tmp_path, text), warnings)
    assert 2 in doc.notes()
    assert any("endnote 2 is never referenced in the text; kept it" in w for w in warnings)
    assert warnings[0].startswith(str(tmp_path / "small.txt") + ":")


def test_marker_without_endnote_is_left_as_text_with_a_warning(tmp_path):
    text = SMALL.replace("The end of the paragraph.", "The end of the paragraph.3Ghost note, 2021.")
    warnings: list[str] = []
    doc = read_source(write(tmp_path, text), warnings)
    assert any("note marker 3" in w and "no endnote 3" in w for w in warnings)
    assert "paragraph.3Ghost note" in all_marked(doc)


def test_markers_out_of_order_warn(tmp_path):
    text = SMALL.replace(
        "The first claim came in 2020.1“Note one,” Publisher, 2020. Then a second claim followed.2Note two text, "
        "with a\nwrapped line.",
        "Then a second claim followed.2Note two text, with a\nwrapped line. The first claim came in 2020.1“Note "
        "one,” Publisher, 2020.",
    )
    warnings: list[str] = []
    doc = read_source(write(tmp_path, text), warnings)
    assert any("out of order: note 1 comes after note 2" in w for w in warnings)
    assert len(doc.notes()) == 2


def test_capture_without_select_page_or_contents(tmp_path):
    text = (
        "Plain brief\n\nMarch 3, 2024\n\nBy Some Body\n\nIntroduction\n\n"
        "A first paragraph that says something.\n\nA short heading\n\nAnother paragraph here.\n"
    )
    doc = read_source(write(tmp_path, text))
    got = [(b.kind, b.level, plain_text(b.content)) for b in doc.blocks]
    assert got == [
        ("title", 1, "Plain brief"),
        ("date", 0, "March 3, 2024"),
        ("byline", 0, "By Some Body"),
        ("heading", 2, "Introduction"),
        ("paragraph", 0, "A first paragraph that says something."),
        ("heading", 2, "A short heading"),
        ("paragraph", 0, "Another paragraph here."),
    ]
    assert doc.meta["date"] == "2024-03-03"


# ---------------------------------------------------------------- bad files


def test_empty_file(tmp_path):
    for content in (b"", b"  \n\n", b"\xef\xbb\xbf\n"):
        path = tmp_path / "empty.txt"
        path.write_bytes(content)
        with pytest.raises(LocbriefError) as err:
            read_source(path)
        assert (
            str(err.value)
            == f"{path}: empty file; expected a plain-text capture or an HTML page of the brief"
        )


def test_binary_file(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_bytes(b"Title\nsome text\x00\x01\x02\x03 more")
    with pytest.raises(LocbriefError) as err:
        read_source(path)
    assert str(err.value).startswith(f"{path}:2: binary file (NUL byte at byte offset 15)")
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    with pytest.raises(LocbriefError, match=r"brief.pdf: binary file \(a PDF document\)"):
        read_source(pdf)


def test_latin1_file(tmp_path):
    text = "Title line\n\nA paragraph about the caf\u00e9 and the na\u00efve plan.\n"
    path = write(tmp_path, text, "latin.txt", encoding="latin-1")
    with pytest.raises(LocbriefError) as err:
        read_source(path)
    message = str(err.value)
    assert message.startswith(f"{path}:3: not UTF-8 (byte 0xe9 at column 26, byte offset 37)")
    assert message.endswith("save the file as UTF-8")
    assert "Latin-1" in message and "\n" not in message


def test_utf16_file(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("Title\n".encode("utf-16"))
    with pytest.raises(LocbriefError, match="UTF-16 text; save the file as UTF-8"):
        read_source(path)


def test_missing_file(tmp_path):
    with pytest.raises(LocbriefError, match="no such file"):
        read_source(tmp_path / "nope.txt")


def test_chrome_only_capture(tmp_path):
    path = write(tmp_path, "Site\n  • About\n  • Jobs\nSelect Page\nDownload PDF\n")
    with pytest.raises(LocbriefError, match="no article text found"):
        read_source(path)


def test_crlf_capture_reads_like_lf(tmp_path):
    doc_lf = read_source(write(tmp_path, SMALL, "lf.txt"))
    doc_crlf = read_source(write(tmp_path, SMALL.replace("\n", "\r\n"), "crlf.txt"))
    assert [b.content for b in doc_crlf.blocks] == [b.content for b in doc_lf.blocks]
