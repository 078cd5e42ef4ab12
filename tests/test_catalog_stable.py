"""Catalogs that never lie and never churn (issue 11, issue 17 item 7).

Each test is a story on a small brief run the way the workflow runs it
(real segmentation, the pseudo engine, a real memory file): where every entry's
text came from, which bytes a run may change, and what happens to a PO saved
by another tool or with a problem in it.
"""

from __future__ import annotations

import difflib
import json
import multiprocessing
import subprocess

import pytest

from locbrief.catalog.pofile import read_po, references
from locbrief.catalog.status import Status, count_status
from locbrief.catalog.template import assign_contexts
from locbrief.model import LocbriefError, NoteRef
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Termbase
from support.po_project import document, logged_warnings, msgfmt_check

TITLE_TYPO = "Smith, “Precusor chemicals and the cartels,” Government report, 2024."
TITLE_FIXED = "Smith, “Precursor chemicals and the cartels,” Government report, 2024."
BODY = "Fentanyl is made from chemicals shipped from abroad."


def _brief(note_text: str, *more):
    return document(("paragraph", [BODY, NoteRef(2)]), ("endnote", note_text), *more)


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


# ---------------------------------------------------------------- 1. provenance


def test_a_suggestion_reused_under_a_new_msgid_is_machine_text_not_human_work(project):
    """The issue's case: a typo fixed inside a cited title leaves the protected text as it was."""
    project.run(_brief(TITLE_TYPO))
    before = project.po.read_bytes()
    project.run(_brief(TITLE_FIXED))
    entry = project.entry(TITLE_FIXED)
    assert "Precursor" in entry.msgstr and "Precusor" not in entry.msgstr
    assert project.status(TITLE_FIXED) == Status.MACHINE
    assert "machine translation: pseudo pseudo-1" in entry.comment
    counts = count_status(project.read(), Memory(project.memory_path))
    assert counts["fuzzy"] == 0 and counts["obsolete"] == 0
    records = [json.loads(line) for line in project.memory_path.read_text().splitlines()]
    assert {r["msgid"] for r in records if r.get("kind") != "reviewed"} >= {
        TITLE_TYPO,
        TITLE_FIXED,
    }
    project.run(_brief(TITLE_TYPO))  # revert: the old machine text, nothing kept obsolete
    assert project.po.read_bytes() == before
    assert "Precusor" in project.entry(TITLE_TYPO).msgstr


def test_every_entry_says_where_its_text_came_from(project):
    project.run(_brief(TITLE_TYPO, "Congress should act."))
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.edit(BODY + "{0}", "El fentanilo se hace con químicos importados.{0}")  # still fuzzy
    project.run(_brief(TITLE_FIXED, "Congress should act."))
    memory = Memory(project.memory_path)
    statuses = {e.msgid: count_status([e], memory) for e in project.read()}
    assert statuses[TITLE_FIXED]["machine"] == 1
    assert statuses["Congress should act."]["reviewed"] == 1
    assert statuses[BODY + "{0}"]["fuzzy"] == 1  # a person's draft, never replaced by a suggestion
    assert "machine translation" not in project.entry(BODY + "{0}").comment


def test_machine_text_kept_without_a_current_suggestion_names_its_engine_from_memory(project):
    from locbrief.catalog.merge import merge

    project.run(_brief(TITLE_TYPO))
    memory = Memory(project.memory_path)
    result = merge(read_po(project.pot), project.read(), {}, memory, Termbase([]), project.lang)
    entry = next(e for e in result.po if e.msgid == TITLE_TYPO)
    assert "machine translation: pseudo pseudo-1" in entry.comment.split("\n")


# ---------------------------------------------------------------- 2. byte-stable files


def test_editing_the_brief_and_reverting_leaves_pot_and_po_byte_identical(project):
    v1 = _brief(TITLE_TYPO, "Congress should act.", "Cartels adapt quickly.")
    project.run(v1)
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.run(v1)
    pot, po = project.pot.read_bytes(), project.po.read_bytes()
    edited = _brief(TITLE_FIXED, "Congress should act now.", "Cartels adapt.", "A new sentence.")
    project.run(edited)
    assert project.pot.read_bytes() != pot and project.po.read_bytes() != po
    project.run(v1)
    assert project.pot.read_bytes() == pot
    assert project.po.read_bytes() == po


def test_dates_move_only_when_an_entry_changes(project):
    v1 = _brief(TITLE_TYPO, "Congress should act.")
    project.run(v1)
    date = read_po(project.pot).metadata["POT-Creation-Date"]
    pot = project.pot.read_bytes()
    assert project.run(v1) is False
    assert project.pot.read_bytes() == pot
    project.run(_brief(TITLE_TYPO, "Congress should act now."))
    assert (project.pot.with_name(project.pot.name + "-dates")).read_text().count("\n") == 2
    assert read_po(project.pot).metadata["POT-Creation-Date"] >= date


# ---------------------------------------------------------------- 3. renumbering


def test_inserting_a_note_early_touches_only_the_new_entrys_lines(project):
    notes = [f"Author {i}, “Report number {i} on drugs,” 2024." for i in range(1, 8)]
    body = [("paragraph", [f"Claim number {i} holds.", NoteRef(i)]) for i in range(1, 8)]

    def brief(extra: list[str]):
        texts = extra + notes
        paragraphs = [("paragraph", ["A new claim holds.", NoteRef(1)])] if extra else []
        return document(*paragraphs, *body, *[("endnote", t) for t in texts])

    project.run(brief([]))
    before = project.po.read_bytes()
    project.run(brief(["Newcomer, “An inserted source,” 2025."]))
    changed = _changed_lines(before, project.po.read_bytes())
    new_entries = {"A new claim holds.{0}", "Newcomer, “An inserted source,” 2025."}
    after = project.po.read_text()
    allowed = {"+"}
    for block in after.split("\n\n"):
        if any(f'msgid "{m}"' in block for m in new_entries):
            allowed |= {"+" + line for line in block.splitlines()}
    header = [line for line in changed if "POT-Creation-Date" in line]  # an entry changed
    assert [line for line in changed if line not in allowed and line not in header] == []


def test_rewording_one_sentence_of_a_note_leaves_its_other_sentences_entries_alone(project):
    """A note's reference name comes from its words; edited, it keeps the name its other
    sentences had, so only the reworded sentence's entry changes."""
    note = "Smith, “Seizures at the border,” 2024. It counts every seizure. The counts are rough."
    others = ["Smith, “Seizures at the border,” 2024.", "It counts every seizure."]
    project.run(_brief(note))
    before = _entries(project.po.read_text(), others)
    project.run(_brief(note.replace("are rough", "are only rough")))
    assert _entries(project.po.read_text(), others) == before
    assert project.entry("The counts are only rough.").occurrences == (
        project.entry(others[1]).occurrences
    )
    (named,) = references(project.entry(others[1]))
    project.run(_brief("A new note replaces it all."))  # nothing in common: a name of its own
    (renamed,) = references(project.entry("A new note replaces it all."))
    assert renamed.startswith("brief:note-") and renamed != named


def _entries(po_text: str, msgids: list[str]) -> list[str]:
    """The text of the entries with these msgids, comments and references included."""
    return [b for b in po_text.split("\n\n") for m in msgids if f'msgid "{m}"' in b]


# ---------------------------------------------------------------- 4 and 17.7: reviewed again


def test_a_source_reworded_and_reworded_back_is_reviewed_again(project):
    v1 = _brief(TITLE_TYPO, "Congress should act on the cartels.")
    project.run(v1)
    project.edit("Congress should act on the cartels.", "El Congreso debe actuar.", fuzzy=False)
    project.run(v1)
    reviewed = project.po.read_bytes()
    project.run(_brief(TITLE_TYPO, "Congress should act against the cartels."))
    moved = project.entry("Congress should act against the cartels.")
    assert "fuzzy" in moved.flags and moved.previous_msgid == "Congress should act on the cartels."
    project.run(v1)
    back = project.entry("Congress should act on the cartels.")
    assert back.msgstr == "El Congreso debe actuar." and "fuzzy" not in back.flags
    assert back.previous_msgid is None
    assert project.po.read_bytes() == reviewed


def test_a_returning_sentence_gets_its_reviewed_translation_back_from_a_similar_one(project):
    """Issue 17 item 7: the similar sentence that took the text over keeps its own copy."""
    original, similar = "Congress should act on the cartels.", "Congress should act on cartels now."
    project.run(_brief(TITLE_TYPO, original))
    project.edit(original, "El Congreso debe actuar contra los cárteles.", fuzzy=False)
    project.run(_brief(TITLE_TYPO, original))
    project.run(_brief(TITLE_TYPO, similar))  # the original is gone, the similar takes it over
    assert project.entry(similar).msgstr == "El Congreso debe actuar contra los cárteles."
    project.run(_brief(TITLE_TYPO, similar, original))
    back = project.entry(original)
    assert back.msgstr == "El Congreso debe actuar contra los cárteles."
    assert project.status(original) == Status.REVIEWED
    assert project.status(similar) == Status.FUZZY
    assert msgfmt_check(project.po).returncode == 0


def test_a_translator_who_marks_a_reviewed_entry_fuzzy_is_not_overruled(project):
    project.run(_brief(TITLE_TYPO, "Congress should act."))
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.run(_brief(TITLE_TYPO, "Congress should act."))
    entry_flags = project.entry("Congress should act.").flags
    project.edit("Congress should act.", flags=["fuzzy", *entry_flags])
    project.run(_brief(TITLE_TYPO, "Congress should act."))
    assert "fuzzy" in project.entry("Congress should act.").flags


# ---------------------------------------------------------------- 5. files as GNU gettext writes them


def test_files_are_written_as_msgcat_writes_them(project):
    long = "A very long sentence " * 8 + "about cartels."
    project.run(_brief(TITLE_TYPO, long))
    project.edit(long, "Una frase muy larga " * 9 + "sobre cárteles.", fuzzy=False)
    project.run(_brief(TITLE_TYPO, long))
    for path in (project.pot, project.po):
        rewrapped = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
        assert rewrapped == path.read_bytes(), path


def test_a_po_rewrapped_by_msgcat_or_saved_unwrapped_is_not_rewritten(project):
    long = "A very long sentence " * 8 + "about cartels."
    project.run(_brief(TITLE_TYPO, long))
    for options in (["--width=60"], ["--no-wrap"], []):
        subprocess.run(["msgcat", *options, "-o", str(project.po), str(project.po)], check=True)
        saved = project.po.read_bytes()
        assert project.run(_brief(TITLE_TYPO, long)) is False
        assert project.po.read_bytes() == saved


# ---------------------------------------------------------------- 7. concurrent writers


def _suggest_one_brief(args) -> int:
    memory_path, index, barrier = args
    sentences = [f"Brief {index} sentence {n} about ports." for n in range(40)]
    units = assign_contexts(segment(document(*sentences)))
    memory = Memory(memory_path)
    from locbrief.translate.engines.simple import PseudoEngine

    suggest(units, PseudoEngine(), "en", "es_MX", Termbase([]), memory)
    barrier.wait()
    memory.save()
    return len(sentences)


def test_parallel_jobs_of_one_language_lose_no_memory_record(tmp_path):
    path = tmp_path / "memory.jsonl"
    jobs = 6
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(jobs)
        with context.Pool(jobs) as pool:
            made = pool.map(_suggest_one_brief, [(path, i, barrier) for i in range(jobs)])
    msgids = {json.loads(line)["msgid"] for line in path.read_text().splitlines()}
    briefs = {m for m in msgids if m.startswith("Brief ")}  # not the engine's probes
    assert len(briefs) == sum(made) == 240
    assert not list(tmp_path.glob(".memory.jsonl.*.tmp"))


# ---------------------------------------------------------------- bad input


def test_a_memory_line_from_a_newer_locbrief_is_kept_and_named_once(project):
    project.run(_brief(TITLE_TYPO))
    future = json.dumps({"format": 2, "msgid": "x", "vector": [0.1, 0.2]})
    with project.memory_path.open("a") as handle:
        handle.write(future + "\n")
    lines = project.memory_path.read_text().count("\n")
    with logged_warnings() as warnings:
        project.run(_brief(TITLE_FIXED))
    assert len({w for w in warnings if "newer locbrief" in w}) == 1
    assert f"{project.memory_path}:{lines}:" in warnings[0]
    assert future in project.memory_path.read_text().splitlines()
    assert project.status(TITLE_FIXED) == Status.MACHINE


@pytest.mark.parametrize("style", ["crlf", "bom", "both"])
def test_a_po_saved_with_crlf_or_a_bom_keeps_its_style_and_is_not_rewritten(project, style):
    v1 = _brief(TITLE_TYPO, "Congress should act.")
    project.run(v1)
    data = project.po.read_bytes()
    if style in ("crlf", "both"):
        data = data.replace(b"\n", b"\r\n")
    if style in ("bom", "both"):
        data = b"\xef\xbb\xbf" + data
    project.po.write_bytes(data)
    assert project.run(v1) is False and project.po.read_bytes() == data
    project.run(_brief(TITLE_TYPO, "Congress should act now."))
    after = project.po.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == (style != "crlf")
    lone_lf = b"\n" in after.replace(b"\r\n", b"")
    assert (b"\r\n" in after, lone_lf) == ((False, True) if style == "bom" else (True, False))
    assert "Congress should act now." in project.read().find("Congress should act now.").msgid


def test_a_po_with_conflict_markers_is_reported_as_such_with_the_line(project):
    project.run(_brief(TITLE_TYPO, "Congress should act."))
    lines = project.po.read_text().splitlines()
    at = lines.index('msgid "Congress should act."') + 1
    lines[at:at] = ["<<<<<<< HEAD", 'msgstr "A"', "=======", 'msgstr "B"', ">>>>>>> theirs"]
    project.po.write_text("\n".join(lines) + "\n")
    before = project.po.read_bytes()
    with pytest.raises(LocbriefError) as error:
        project.run(_brief(TITLE_TYPO, "Congress should act."))
    message = str(error.value)
    assert message.startswith(f"{project.po}:{at + 1}: unresolved merge conflict")
    assert "\n" not in message
    assert project.po.read_bytes() == before


# ---------------------------------------------------------------- 6. one definition of every count


def test_every_report_counts_units_the_same_way(project, tmp_path, capsys):
    """A sentence standing twice is one unit in the merge, the page banner, QA and the review page."""
    from locbrief.catalog.status import tally, unit_status
    from locbrief.publish.page import choose_translations, render_page
    from locbrief.review.check import check_catalog, report
    from locbrief.review.review import render_review, review_rows, units_needing_a_look

    doc = _brief(TITLE_TYPO, "Congress should act.", "Cartels adapt.", "Congress should act.")
    project.run(doc)
    project.edit("Cartels adapt.", "Los cárteles se adaptan.", fuzzy=False)
    project.run(doc)
    units = assign_contexts(segment(doc))
    memory = Memory(project.memory_path)
    po = project.read()
    merged = count_status(po, memory)
    status_of = lambda entry: unit_status(entry, memory)  # noqa: E731
    page = render_page(
        doc, units, choose_translations(units, po, "x.po", {}, status_of), "es_MX", ["en"]
    )
    qa = report(check_catalog(po, "x.po", units, Termbase([]), memory), "es_MX", merged)
    rows = review_rows(doc, units, po, status_of, [])
    reviewed = tally((r.unit.key, r.status) for r in rows)
    assert len(units) == 5 and len(rows) == 5
    for counts in (merged, page.counts, qa["counts"], reviewed):
        assert counts["units"] == 4 and counts["reviewed"] == 1 and counts["machine"] == 3
    assert units_needing_a_look(rows) == 3
    assert "4 units (5 occurrences): 3 machine, 1 reviewed; 3 units need a look" in render_review(
        doc, rows, "es_MX", Termbase([])
    )
    assert 'data-reviewed="0.2500"' in page.html  # the banner: 1 of 4 units
