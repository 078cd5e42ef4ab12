"""Random edit/merge cycles: an editor changing the brief, a translator changing the PO, and the
pipeline (segment → suggest → merge) run in between, sometimes while the translator saves.

Each cycle makes one random edit and runs the merge. An *edit* is a msgstr the translator wrote;
it is *lost* when, after a run, its text is nowhere in the PO (neither active nor obsolete) and
the translator did not overwrite it themselves. A *race* is a save that lands between the
merge's read of the PO and its write: the merge must refuse to write (nothing clobbered) and the
next run must take the edit in. bench/endurance.py runs 1,000+ cycles; the tests run a few dozen.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from locbrief.model import Block, Document, LocbriefError, NoteRef

from .po_project import BRIEF, Project

WORDS = ["cartels", "drones", "borders", "courts", "farmers", "ports", "banks", "clinics"]
VERBS = ["reshape", "fund", "weaken", "protect", "watch", "tax"]


@dataclass
class Tally:
    """What the cycles did and what (if anything) went missing."""

    cycles: int = 0
    runs: int = 0
    edits: int = 0
    races: int = 0
    refused: int = 0
    lost: list[str] = field(default_factory=list)
    ops: Counter = field(default_factory=Counter)


class Endurance:
    """One brief, one PO, one random generator: ``cycle()`` does one edit and one run."""

    def __init__(self, root: Path, seed: int):
        self.project = Project(root)
        self.random = random.Random(seed)
        self.blocks: list[list] = []  # [kind, sentence, has note]
        self.made = 0
        self.expected: dict[tuple, str] = {}  # (msgctxt, msgid) → the translator's latest text
        self.tally = Tally()
        for _ in range(6):
            self.blocks.append(["paragraph", self._sentence(), False])
        self._run()

    # ------------------------------------------------------------ edits

    def _sentence(self) -> str:
        self.made += 1
        n = self.made
        return f"The {WORDS[n % 8]} {VERBS[n % 6]} policy number {n} in the region."

    def _edit_source(self, op: str) -> None:
        r, n = self.random, len(self.blocks)
        if op == "insert" or not n:
            self.blocks.insert(
                r.randrange(n + 1), ["paragraph", self._sentence(), r.random() < 0.3]
            )
        elif op == "delete" and n > 2:
            del self.blocks[r.randrange(n)]
        elif op == "reword":
            block = self.blocks[r.randrange(n)]
            words = block[1].split()
            words[1 + r.randrange(len(words) - 2)] = r.choice(WORDS + VERBS)
            block[1] = " ".join(words)
        elif op == "note":
            block = self.blocks[r.randrange(n)]
            block[2] = block[0] == "paragraph" and not block[2]
        elif op == "heading":
            self.blocks.insert(r.randrange(n + 1), ["heading", r.choice(self.blocks)[1], False])

    def _edit_po(self) -> None:
        """A translator writes a msgstr (reviewed, or left fuzzy) and saves, as Poedit would."""
        po = self.project.read()
        active = [e for e in po if not e.obsolete and e.msgid]
        if not active:
            return
        entry = self.random.choice(active)
        self.tally.edits += 1
        # the text being replaced is the translator's to replace: no longer owed
        self.expected = {k: t for k, t in self.expected.items() if t != entry.msgstr}
        placeholders = "".join(re.findall(r"\{\d+\}", entry.msgid))
        entry.msgstr = f"Traducción humana {self.tally.edits} {placeholders}".strip()
        if self.random.random() < 0.7:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None
        self.expected[(entry.msgctxt, entry.msgid)] = entry.msgstr
        self.project.po.write_text(str(po) + "\n", encoding="utf-8")

    # ------------------------------------------------------------ the pipeline

    def document(self) -> Document:
        blocks, note = [], 0
        for i, (kind, text, has_note) in enumerate(self.blocks, 1):
            content: list = [text]
            if has_note:
                note += 1
                content.append(NoteRef(note))
            blocks.append(Block(kind, f"{kind[0]}{i}", content))
        return Document(source=f"source/{BRIEF}.txt", name=BRIEF, blocks=blocks)

    def _run(self, race: bool = False) -> None:
        """segment → suggest → merge as the CLI does; with ``race`` the translator saves mid-run."""
        if race:
            self.tally.races += 1
        try:
            self.project.run(self.document(), before_write=self._edit_po if race else None)
        except LocbriefError:
            self.tally.refused += 1
        self.tally.runs += 1

    def cycle(self) -> None:
        r = self.random
        op = r.choice(["insert", "delete", "reword", "note", "heading", "po", "po", "race"])
        self.tally.ops[op] += 1
        if op == "po":
            self._edit_po()
        else:  # a race: the brief changed, and the translator saves while the merge runs
            self._edit_source(r.choice(["insert", "reword"]) if op == "race" else op)
        self._run(race=op == "race")
        self.tally.cycles += 1
        self._check()

    def _check(self) -> None:
        """Every text the translator wrote last for an entry is still in the PO somewhere."""
        texts = {e.msgstr for e in self.project.read()}
        for text in self.expected.values():
            if text not in texts and text not in self.tally.lost:
                self.tally.lost.append(text)


def endure(root: Path, cycles: int, seed: int = 17) -> Tally:
    """Run ``cycles`` random edit/merge cycles in ``root``; return the tally."""
    run = Endurance(root, seed)
    for _ in range(cycles):
        run.cycle()
    run._run()  # take in the last edits
    run._check()
    return run.tally
