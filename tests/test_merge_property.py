"""Many runs of the pipeline on a brief that keeps changing, with a translator at work in between.

Hypothesis draws sequences of source edits (insert, delete, reword a sentence,
add a note marker that renumbers the later ones, repeat a sentence as a
heading so it gets a msgctxt, fix a typo inside a note's cited title, which the
engine never sees) and translator edits (write a msgstr and clear fuzzy, write
one and leave it fuzzy, accept a suggestion as is). After every run of segment
→ suggest (pseudo engine) → merge:

* every msgstr a human wrote or approved is still in the PO, active or obsolete;
* every reviewed translation whose (msgctxt, msgid) is still in the template is
  byte-identical and still reviewed;
* provenance is exact: an entry counts as human work (fuzzy or reviewed) only
  with a text a person wrote or approved (fuzzy: maybe with its note markers
  renumbered, a fuzzy match of a similar sentence), and as machine only with the
  engine's.

At the end of each sequence the PO passes ``msgfmt -c`` and a rerun writes nothing.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locbrief.catalog.merge import is_human_work
from locbrief.catalog.status import Status, unit_status
from locbrief.model import Block, Document, NoteRef
from locbrief.translate.fuzzy import normalise
from locbrief.translate.memory import Memory
from support.po_project import BRIEF, Project, msgfmt_check

WORDS = ["cartels", "drones", "borders", "courts", "farmers", "ports", "banks", "clinics"]
VERBS = ["reshape", "fund", "weaken", "protect", "watch", "tax"]


class Brief:
    """The source as an editor changes it: paragraphs of one sentence, some with a note marker."""

    def __init__(self):
        self.blocks: list[tuple[str, str, bool]] = []  # (kind, sentence, has note)
        self.made = 0

    def sentence(self) -> str:
        self.made += 1
        return f"The {WORDS[self.made % 8]} {VERBS[self.made % 6]} policy number {self.made} in the region."

    def apply(self, op: tuple) -> None:
        kind, a, b = op
        n = len(self.blocks)
        if kind == "insert" or not n:
            self.blocks.insert(a % (n + 1), ("paragraph", self.sentence(), b % 2 == 0))
        elif kind == "delete":
            del self.blocks[a % n]
        elif kind == "reword":
            block_kind, text, note = self.blocks[a % n]
            words = text.split()
            words[1 + b % (len(words) - 2)] = WORDS[b % 8] if b % 2 else VERBS[b % 6]
            self.blocks[a % n] = (block_kind, " ".join(words), note)
        elif kind == "note":
            block_kind, text, _ = self.blocks[a % n]
            self.blocks[a % n] = (block_kind, text, block_kind == "paragraph")
        elif kind == "heading":
            self.blocks.insert(b % (n + 1), ("heading", self.blocks[a % n][1], False))
        elif kind == "cite":
            self.blocks.insert(a % (n + 1), ("endnote", self.citation(b), False))
        elif kind == "retitle":
            notes = [i for i, block in enumerate(self.blocks) if block[0] == "endnote"]
            if notes:
                i = notes[a % len(notes)]
                self.blocks[i] = ("endnote", self.citation(b), False)

    def citation(self, variant: int) -> str:
        """A note whose only changing words sit inside its cited title (masked for the engine)."""
        typo = ["Precusor", "Precursor", "Precursors"][variant % 3]
        return f"Smith, “{typo} chemicals and the {WORDS[variant % 8]},” Government report, 2024."

    def document(self) -> Document:
        blocks, note = [], 0
        for i, (kind, text, has_note) in enumerate(self.blocks, 1):
            content = [text]
            if has_note:
                note += 1
                content.append(NoteRef(note))
            block_id = f"note-{i}" if kind == "endnote" else f"{kind[0]}{i}"
            blocks.append(Block(kind, block_id, content, number=i if kind == "endnote" else None))
        return Document(source=f"source/{BRIEF}.txt", name=BRIEF, blocks=blocks)


class Translator:
    """Edits the PO between runs, as a person in a text editor would."""

    def __init__(self, project: Project):
        self.project, self.written = project, 0
        self.human_texts: set[str] = set()  # every msgstr a person wrote or approved

    def apply(self, op: tuple) -> None:
        kind, a, _ = op
        po = self.project.read()
        active = [e for e in po if not e.obsolete]
        if not active:
            return
        entry = active[a % len(active)]
        if kind in ("translate", "draft"):
            self.written += 1
            entry.msgstr = f"Humano {self.written} " + "".join(re.findall(r"\{\d+\}", entry.msgid))
        if kind in ("translate", "accept"):
            if set(re.findall(r"\{\d+\}", entry.msgstr)) != set(
                re.findall(r"\{\d+\}", entry.msgid)
            ):
                entry.msgstr = f"Arreglado {a} " + "".join(re.findall(r"\{\d+\}", entry.msgid))
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None
        self.human_texts.add(entry.msgstr)
        self.project.po.write_text(str(po) + "\n", encoding="utf-8")


SOURCE_OPS = st.sampled_from(["insert", "delete", "reword", "note", "heading", "cite", "retitle"])
TRANSLATOR_OPS = st.sampled_from(["translate", "draft", "accept"])
STEP = st.tuples(st.one_of(SOURCE_OPS, TRANSLATOR_OPS), st.integers(0, 50), st.integers(0, 50))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(1, 5), steps=st.lists(STEP, min_size=1, max_size=14))
def test_no_run_ever_loses_a_translators_work(start, steps):
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp))
        brief, translator = Brief(), Translator(project)
        for i in range(start):
            brief.apply(("insert", i, i))
        project.run(brief.document())
        for step in steps:
            if step[0] in ("translate", "draft", "accept"):
                translator.apply(step)
                continue
            brief.apply(step)
            before = _human_work(project)
            reviewed = _reviewed(project)
            project.run(brief.document())
            after = project.read()
            texts = {e.msgstr for e in after}
            assert before <= texts, f"lost human text: {before - texts}"
            now = {(e.msgctxt, e.msgid): e for e in after if not e.obsolete}
            for key, msgstr in reviewed.items():
                if key in now:
                    assert now[key].msgstr == msgstr and "fuzzy" not in now[key].flags, key
            _assert_exact_provenance(project, translator)
        project.run(brief.document())  # take in the translator's last edits
        result = msgfmt_check(project.po)
        assert result.returncode == 0, result.stderr
        assert project.run(brief.document()) is False


def _assert_exact_provenance(project: Project, translator: Translator) -> None:
    """Human statuses only on texts a person wrote or approved; machine only on the engine's."""
    memory = Memory(project.memory_path)
    for entry in project.read():
        if entry.obsolete or not entry.msgstr:
            continue
        status = unit_status(entry, memory)
        if status == Status.FUZZY:
            # a person's text, or a fuzzy match: one with its markers renumbered for this unit
            human = {normalise(text) for text in translator.human_texts}
            assert normalise(entry.msgstr) in human, (status, entry.msgid, entry.msgstr)
        elif status == Status.REVIEWED:
            assert entry.msgstr in translator.human_texts, (status, entry.msgid, entry.msgstr)
        else:
            assert entry.msgstr.startswith("["), (status, entry.msgid, entry.msgstr)  # pseudo


def _human_work(project: Project) -> set[str]:
    memory = Memory(project.memory_path)
    return {e.msgstr for e in project.read() if is_human_work(e, memory)}


def _reviewed(project: Project) -> dict[tuple, str]:
    return {
        (e.msgctxt, e.msgid): e.msgstr
        for e in project.read()
        if not e.obsolete and e.msgstr and "fuzzy" not in e.flags
    }
