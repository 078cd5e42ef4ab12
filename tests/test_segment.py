"""Sentence units of the real brief: where a sentence ends, and what stays in its msgid."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from locbrief.model import Block, NoteRef, Span
from locbrief.read import read_source
from locbrief.translate.segment import (
    check_translation,
    decode,
    encode,
    join_sentences,
    segment,
    segment_block,
    split_sentences,
)

BRIEF = Path(__file__).resolve().parents[1] / "tests" / "data" / "no-gwot-narco.txt"


@pytest.fixture(scope="module")
def brief():
    return read_source(str(BRIEF))


@pytest.fixture(scope="module")
def units(brief):
    return segment(brief)


def sentences_of(units, block_id):
    return [u.msgid for u in units if u.block == block_id]


# ---------------------------------------------------------------- the brief's abbreviations


def test_us_inside_a_sentence_does_not_end_it(units):
    assert (
        "The diplomatic repercussions would be significant as well: Mexico would view U.S. "
        "military force without its consent as an act of war."
    ) in sentences_of(units, "kp-3")


def test_us_at_the_end_of_a_sentence_ends_it(units):
    p1 = sentences_of(units, "p-1")
    assert p1[0].endswith("stem the tide of drugs coming into the U.S.")
    assert p1[1] == "But making the war on drugs literal will not work."


def test_initials_of_a_name_stay_in_the_sentence(units):
    [sentence] = [m for m in sentences_of(units, "p-5") if "J.D. Vance" in m]
    assert sentence.startswith("Trump’s second administration is staffed")
    assert "Vice President J.D. Vance, Defense Secretary Pete Hegseth" in sentence


def test_doctor_starts_a_sentence_and_keeps_the_name(units):
    assert any(
        m.startswith("Dr. David Mansfield, an expert on Afghanistan’s drug markets, arrived")
        for m in sentences_of(units, "p-45")
    )


def test_a_citation_with_washington_dc_and_eds_is_one_unit(units):
    first = sentences_of(units, "note-76")
    assert len(first) == 1
    assert (
        "in Shared Responsibility: U.S.–Mexico Policy Options for Confronting Organized Crime, eds. "
        "Eric L. Olson, David Shirk, and Andrew Selee (Washington, D.C.: Wilson Center, 2010)"
        in first[0]
    )
    assert (
        "How Can U.S.-Mexico Cooperation Address Shared Security Concerns?” Modern War Institute"
        in first[0]
    )


def test_court_case_volume_and_et_al_stay_whole(units):
    assert sentences_of(units, "note-58")[0].startswith(
        "United States of America v. Ivan Archivaldo Guzman Salazar et al, no. 23-crim-180 (Southern District"
    )
    assert len(sentences_of(units, "note-58")) == 1
    assert sentences_of(units, "note-83")[0].startswith(
        "“International Narcotics Control Strategy Report, Vol. I: Drug and Chemical Control,” United States"
    )
    assert sentences_of(units, "note-90")[0].startswith(
        "Gregory Midgette, et al., What America’s Users Spend on Illegal Drugs, 2006-2016 (Santa Monica, CA"
    )
    assert (
        "(Princeton, N.J.: Princeton University Press, 2009); Audrey Kurth Cronin"
        in sentences_of(units, "note-53")[0]
    )


# ---------------------------------------------------------------- endnotes


def test_a_cited_title_ending_in_a_question_mark_does_not_end_the_citation(units):
    assert sentences_of(units, "note-4") == [
        "Salvador Rizzo, “Do Mexican drug cartels make $500 billion a year?” Washington Post, June 24, 2019, "
        "https://www.washingtonpost.com/politics/2019/06/24/do-mexican-drug-cartels-make-billion-year/."
    ]
    assert sentences_of(units, "note-82")[0].startswith(
        "Zongyuan Zoe Liu, “What Is China’s Role in Combating the Illegal Fentanyl Trade?” Council on Foreign"
    )


def test_a_title_closed_by_a_comma_and_quotes_continues(units):
    note = sentences_of(units, "note-38")
    assert len(note) == 2
    assert "Lessons from the U.S. Experience in Afghanistan,’” Special Inspector General" in note[0]
    assert note[1].startswith("In Iraq, after U.S. troops withdrew in 2011")


def test_question_marks_and_dots_inside_urls_do_not_split(units):
    assert sentences_of(units, "note-8")[0].endswith(
        "https://www.justice.gov/ag/media/1388546/dl?inline."
    )
    assert sentences_of(units, "note-28")[0].endswith("/p/DEVTAD3zuO5/?img_index=1.")
    assert len(sentences_of(units, "note-64")) == 1


def test_prose_in_an_endnote_is_split_from_its_citation(units):
    note = sentences_of(units, "note-43")
    assert note == [
        "Some scholars have tested these assumptions.",
        "In his study, Bryan Price concludes that “decapitated terrorist groups have a significantly higher "
        "mortality rate than nondecapitated groups.”",
        "Bryan Price, “Targeting Top Terrorists: How Leadership Decapitation Contributes to Counterterrorism,” "
        "International Security 36, no. 4 (2012): 9–46.",
    ]


def test_no_unit_of_the_brief_starts_in_the_middle_of_a_sentence(units):
    starts = [u.msgid for u in units if u.msgid[0].islower()]
    assert starts == []


# ---------------------------------------------------------------- small cases for the rules


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Sen. Lindsey Graham disagreed. Gen. Glen VanHerck agreed.",
            ["Sen. Lindsey Graham disagreed.", "Gen. Glen VanHerck agreed."],
        ),
        (
            "See Vol. IV of the report, No. 12. Then read Smith v. Jones.",
            ["See Vol. IV of the report, No. 12.", "Then read Smith v. Jones."],
        ),
        ("Paul et al. Paths to Victory, 2013.", ["Paul et al. Paths to Victory, 2013."]),
        (
            "As Paul et al. argue, it fails. But it continues.",
            ["As Paul et al. argue, it fails.", "But it continues."],
        ),
        ("He asked, “Why now?” Then he left.", ["He asked, “Why now?”", "Then he left."]),
        ("The Washington, D.C. Metro was closed.", ["The Washington, D.C. Metro was closed."]),
        (
            "They went to Washington, D.C. But nothing changed.",
            ["They went to Washington, D.C.", "But nothing changed."],
        ),
    ],
)
def test_sentence_rules(text, expected):
    assert split_sentences(text) == expected


def test_a_title_question_mark_ends_a_sentence_in_prose_but_not_in_a_citation():
    text = "Rizzo, “Do cartels make $500 billion?” Washington Post, 2019."
    assert split_sentences(text, endnote=True) == [text]


def test_a_sentence_end_is_never_inside_a_tag_pair_and_keeps_its_note_marker():
    text = "<em1>First sentence. Second sentence.</em1> Third.{0} Fourth."
    assert split_sentences(text) == [
        "<em1>First sentence. Second sentence.</em1>",
        "Third.{0}",
        "Fourth.",
    ]


# ---------------------------------------------------------------- placeholders and notes


def test_note_markers_are_positional_per_unit_and_braces_are_escaped():
    block = Block(
        "paragraph",
        "p-9",
        [
            "A set {x} costs $5.",
            NoteRef(7),
            " It rose.",
            NoteRef(8),
            Span("em", {}, ["Really"]),
            " so.",
            NoteRef(9),
        ],
    )
    first, second = segment_block(block)
    assert first.msgid == "A set {{x}} costs $5.{0}"
    assert first.notes == (7,)
    assert second.msgid == "It rose.{0}<em1>Really</em1> so.{1}"
    assert second.notes == (8, 9)
    assert first.msgid.format("†") == "A set {x} costs $5.†"  # python-brace-format holds


def test_decode_restores_notes_and_tags_from_the_source_unit_only():
    block = Block(
        "paragraph", "p-9", ["It rose.", NoteRef(8), Span("a", {"href": "https://x.org"}, ["here"])]
    )
    [unit] = segment_block(block)
    inline = decode(unit, "Subió.{0} <a1>aquí</a1> {{sic}}")
    assert inline == [
        "Subió.",
        NoteRef(8),
        " ",
        Span("a", {"href": "https://x.org"}, ["aquí"]),
        " {sic}",
    ]
    assert check_translation(unit, "Subió. <a1>aquí</a1>") == ["missing placeholder {0}"]
    assert check_translation(unit, "Subió.{0}{0} <a1>aquí</a1>") == ["placeholder repeated: {0}"]
    assert check_translation(unit, "Subió.{0} <b1>aquí</b1>") == [
        "tag <b1> is not in the source sentence"
    ]
    assert join_sentences([["Uno."], ["Dos.", NoteRef(3)]]) == ["Uno. Dos.", NoteRef(3)]


def test_adding_a_note_early_renumbers_notes_but_changes_only_the_edited_msgid(brief, units):
    edited = copy.deepcopy(brief)
    for block in edited.blocks:
        _shift_notes(block)
    p2 = next(b for b in edited.blocks if b.id == "p-2")
    fentanyl = next(
        i
        for i, item in enumerate(p2.content)
        if isinstance(item, str) and "Fentanyl, a synthetic opioid" in item
    )
    first_note = next(b for b in edited.blocks if b.kind == "endnote")
    sentence_end = p2.content[fentanyl].index("United States.") + len("United States.")
    text = p2.content[fentanyl]
    p2.content[fentanyl : fentanyl + 1] = [text[:sentence_end], NoteRef(3), text[sentence_end:]]
    new_note = Block(
        "endnote", "note-new", ["“Fentanyl Facts,” CDC, 2025."], number=3, line=first_note.line
    )
    edited.blocks.insert(edited.blocks.index(first_note) + 2, new_note)

    after = segment(edited)
    before_ids, after_ids = {u.msgid for u in units}, {u.msgid for u in after}
    changed = (
        "Fentanyl, a synthetic opioid that is both easy to produce and 50 to 100 times more potent "
        "than morphine, continues to ravage communities across the United States."
    )
    assert before_ids - after_ids == {changed}
    assert after_ids - before_ids == {changed + "{0}", "“Fentanyl Facts,” CDC, 2025."}
    renumbered = {u.msgid: u.notes for u in after}
    assert all(
        renumbered[u.msgid] == tuple(n + 1 if n >= 3 else n for n in u.notes)
        for u in units
        if u.msgid != changed and u.notes
    )
    assert renumbered[changed + "{0}"] == (3,)


def _shift_notes(block: Block) -> None:
    """Renumber notes 3 and up by one, as inserting a new note 3 does."""
    if block.kind == "endnote" and block.number and block.number >= 3:
        block.number += 1
    block.content = [_shifted(item) for item in block.content]


def _shifted(item):
    if isinstance(item, NoteRef):
        return NoteRef(item.number + 1) if item.number >= 3 else item
    if isinstance(item, Span):
        item.children = [_shifted(c) for c in item.children]
    return item


def test_encode_counts_tags_in_document_order():
    enc = encode(["a ", Span("em", {}, ["b"]), Span("br", {}, []), NoteRef(4)])
    assert enc.text == "a <em1>b</em1><br2/>{0}"


# ---------------------------------------------------------------- text that looks like our markup

HOSTILE_TEXTS = [
    "A literal <b2>tag</b2> in prose.",
    "Tags <em1>one</em1> and <br3/> and </a9> unpaired.",
    "Braces {0} and {{1}} and a lone { and } here.",
    "A brace {",
    "Angle < and > and <<a1>> doubled.",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_text_shaped_like_our_markup_is_escaped_and_comes_back_as_the_same_text(text):
    link = Span("a", {"href": "https://example.org/"}, ["a real link"])
    block = Block("paragraph", "p1", [f"{text} Then ", link, " and ", NoteRef(4), " <a1>x</a1>."])
    units = segment_block(block)  # today: IndexError for <b2> in a unit with one tag
    decoded = join_sentences([decode(u, u.msgid) for u in units])
    assert decoded == block.content  # the same words, the one real link, nothing more
    spans = [i for u in units for i in decode(u, u.msgid) if isinstance(i, Span)]
    assert spans == [link]


def test_a_literal_tag_becomes_a_placeholder_the_template_explains():
    (unit,) = segment_block(Block("paragraph", "p1", ["Write <em1>x</em1> here."]))
    assert unit.msgid == "Write {0}x{1} here."
    assert [(p.kind, p.value) for p in unit.placeholders] == [
        ("literal", "<em1>"),
        ("literal", "</em1>"),
    ]
    assert unit.tags == ()
    # a translation that writes a tag the source does not have is refused, not rendered
    assert check_translation(unit, "Escriba <em1>{0}x{1}</em1> aquí.")
