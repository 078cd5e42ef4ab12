"""Fuzzy matches across briefs: a translator's reviewed sentence helps the next brief's draft.

The story runs the real commands (read → segment → suggest with the pseudo
engine → merge) on two HTML briefs sharing one memory, as the workflow does,
and checks the PO with GNU msgfmt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from locbrief.translate.fuzzy import THRESHOLD, Candidate, FuzzyIndex, adapt, normalise, score
from support import REPO
from support.po_project import msgfmt_check

BRIEF_A = """<!DOCTYPE html><html lang="en"><head><title>A</title></head><body><article>
<h1>Drug policy in the Americas</h1>
<p>The war on drugs has failed to reduce the supply of cocaine to the United States.<sup>
<a href="#fn1" id="r1">1</a></sup> Nobody expects the cartels to disappear.</p>
<ol><li id="fn1">A government report, 2008.</li></ol></article></body></html>"""
BRIEF_B = """<!DOCTYPE html><html lang="en"><head><title>B</title></head><body><article>
<h1>Borders and cartels</h1>
<p>The <em>war on drugs</em> has failed to reduce the supply of heroin to the United States.
Trade across the border grew quickly last year. Nobody expects the cartels to disappear soon.</p>
</article></body></html>"""
WAR_A = "The war on drugs has failed to reduce the supply of cocaine to the United States.{0}"
WAR_B = (
    "The <em1>war on drugs</em1> has failed to reduce the supply of heroin to the United States."
)
REVIEWED_A = "La guerra contra las drogas no redujo el suministro de cocaína a Estados Unidos.{0}"


def locbrief(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "locbrief", *args], cwd=root, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return run


def prepare(root: Path, brief: str, html: str) -> None:
    """read, segment and suggest one brief, as the workflow's rules do."""
    (root / "source").mkdir(exist_ok=True)
    (root / "source" / f"{brief}.html").write_text(html, encoding="utf-8")
    po = root / "locales" / "es_MX" / "LC_MESSAGES" / f"{brief}.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.touch()
    build = f"build/{brief}"
    locbrief(root, "read", f"source/{brief}.html", "-o", f"{build}/doc.json")
    locbrief(root, "segment", f"{build}/doc.json", "--pot", f"locales/templates/{brief}.pot",
             "--units", f"{build}/units.json")  # fmt: skip
    locbrief(root, "suggest", f"{build}/units.json", "--lang", "es_MX", "--engine", "pseudo",
             "--memory", "locales/es_MX/memory.jsonl", "-o", f"{build}/s.json")  # fmt: skip


def merge(root: Path, brief: str) -> polib.POFile:
    po = f"locales/es_MX/LC_MESSAGES/{brief}.po"
    locbrief(root, "merge", "--pot", f"locales/templates/{brief}.pot", "--po", po,
             "--suggestions", f"build/{brief}/s.json", "--lang", "es_MX",
             "--memory", "locales/es_MX/memory.jsonl", "-o", f"build/{brief}/m.json")  # fmt: skip
    return polib.pofile(str(root / po))


def review(root: Path, brief: str, msgid: str, msgstr: str) -> None:
    """What a translator does in Poedit: write the translation and clear fuzzy."""
    path = root / "locales" / "es_MX" / "LC_MESSAGES" / f"{brief}.po"
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    entry.msgstr, entry.flags = msgstr, [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = None
    po.save()


@pytest.fixture
def two_briefs(tmp_path) -> Path:
    """Brief A merged, one sentence reviewed and merged again; brief B prepared."""
    prepare(tmp_path, "brief-a", BRIEF_A)
    merge(tmp_path, "brief-a")
    review(tmp_path, "brief-a", WAR_A, REVIEWED_A)
    merge(tmp_path, "brief-a")
    prepare(tmp_path, "brief-b", BRIEF_B)
    return tmp_path


def test_a_similar_sentence_of_another_brief_gets_the_reviewed_translation_as_fuzzy(two_briefs):
    po = merge(two_briefs, "brief-b")
    entry = po.find(WAR_B)
    assert entry.fuzzy and entry.previous_msgid == WAR_A
    # the note marker the new sentence lacks is gone; the old source's text is offered as it is
    assert entry.msgstr == REVIEWED_A.removesuffix("{0}")
    expected = score(normalise(WAR_A), normalise(WAR_B))
    assert expected >= THRESHOLD
    assert f"fuzzy match: {expected}% like a reviewed sentence of brief-a (place <em1>)" in (
        entry.comment
    )
    # below the threshold the engine's draft stands
    trade = po.find("Trade across the border grew quickly last year.")
    assert trade.msgstr.startswith("[") and "fuzzy match" not in trade.comment
    result = msgfmt_check(two_briefs / "locales/es_MX/LC_MESSAGES/brief-b.po")
    assert result.returncode == 0, result.stderr


def test_the_match_is_stable_and_never_overwrites_a_translators_text(two_briefs):
    po = merge(two_briefs, "brief-b")
    before = (two_briefs / "locales/es_MX/LC_MESSAGES/brief-b.po").read_bytes()
    merge(two_briefs, "brief-b")
    assert (two_briefs / "locales/es_MX/LC_MESSAGES/brief-b.po").read_bytes() == before
    # B's translator writes their own text for a sentence A's translator reviews later
    soon = "Nobody expects the cartels to disappear soon."
    assert po.find(soon).msgstr.startswith("[")  # A's sentence is not reviewed yet
    review(two_briefs, "brief-b", soon, "Nadie espera que los cárteles desaparezcan pronto.")
    review(two_briefs, "brief-a", "Nobody expects the cartels to disappear.", "Nadie cree eso.")
    merge(two_briefs, "brief-a")
    po = merge(two_briefs, "brief-b")
    assert po.find(soon).msgstr == "Nadie espera que los cárteles desaparezcan pronto."
    assert not po.find(soon).fuzzy


def test_a_reviewed_match_is_remembered_and_loses_its_note(two_briefs):
    merge(two_briefs, "brief-b")
    review(two_briefs, "brief-b", WAR_B, "La <em1>guerra</em1> fracasó.")
    po = merge(two_briefs, "brief-b")
    entry = po.find(WAR_B)
    assert not entry.fuzzy and "fuzzy match" not in entry.comment
    memory = (two_briefs / "locales/es_MX/memory.jsonl").read_text(encoding="utf-8")
    assert '"brief": "brief-b"' in memory and '"brief": "brief-a"' in memory


# ---------------------------------------------------------------- the rules, case by case


@pytest.mark.parametrize(
    ("old_source", "text", "new_source", "expected", "unplaced"),
    [
        pytest.param("A.{0}", "B.{0}", "A.{0}", "B.{0}", (), id="same markers"),
        pytest.param("A{0} b.{1}", "B{0} c.{1}", "A b.{0}", "B{0} c.", (), id="a marker fewer"),
        pytest.param("A b.", "B c.", "A b.{0}{1}", "B c.{0}{1}", (), id="markers added at the end"),
        pytest.param(
            "<em1>A</em1> <b2>b</b2>",
            "<b2>B</b2> <em1>c</em1>",
            "<b1>A</b1> <em2>b</em2>",
            "<b1>B</b1> <em2>c</em2>",
            (),
            id="tags renumbered by name",
        ),
        pytest.param(
            "<f0>A</f0> b",
            "<f0>B</f0> c",
            "<em1>A</em1> b",
            "<em1>B</em1> c",
            (),
            id="OmegaT tags paired in order",
        ),  # fmt: skip
        pytest.param("<em1>A</em1> b", "<em1>B</em1> c", "A b", "B c", (), id="old tag unwrapped"),
        pytest.param("A b{{x}}", "B c{{x}}", "A b<br1/>", "B c{{x}}", ("<br1/>",), id="braces"),
    ],
)
def test_placeholders_and_tags_follow_the_new_unit(
    old_source, text, new_source, expected, unplaced
):
    assert adapt(old_source, text, new_source) == (expected, unplaced)


def test_the_index_finds_what_comparing_every_pair_finds():
    """The word-pair shortlist loses no match a full difflib comparison finds above the threshold."""
    sentences = [
        "The war on drugs has failed to reduce the supply of cocaine.",
        "The war on drugs failed to reduce supply.",
        "Mexico and the United States share a long border.",
        "Cartels move fentanyl across the border every day.",
        "Sanctions rarely change a government's behaviour.",
        "Conclusion",
    ]
    index = FuzzyIndex(Candidate(s, s.upper(), "x") for s in sentences)
    queries = [
        "The war on drugs has failed to reduce the supply of heroin.",
        "Mexico and the United States share a very long border.",
        "Cartels move fentanyl across the border each day.{0}",
        "Conclusions",
        "Something else entirely.",
    ]
    for query in queries:
        best = max(sentences, key=lambda s: score(normalise(query), s))
        exhaustive = score(normalise(query), best)
        found = index.best(query)
        if exhaustive >= THRESHOLD:
            assert found is not None and found.score == exhaustive, query
        else:
            assert found is None, query


def test_a_sentence_reviewed_in_two_briefs_keeps_the_first_brief_and_the_memory_stays_put(
    tmp_path,
):
    from locbrief.translate.memory import Memory

    path = tmp_path / "memory.jsonl"

    def merged(brief: str, text: str = "Conclusión") -> Memory:
        memory = Memory(path)
        memory.remember_reviewed_in(brief, None, "Conclusion", text)
        memory.save()
        return memory

    merged("brief-a")
    before = path.read_bytes()
    merged("brief-b")
    merged("brief-a")
    assert path.read_bytes() == before  # no rewrite each time another brief merges
    assert Memory(path).similar("Conclusions").candidate.origin == "brief-a"
    # a new text for the sentence is a new review, named after the brief that wrote it
    assert merged("brief-b", "Conclusiones").similar("Conclusions").candidate.origin == "brief-b"
