"""How many PO lines a revision of the brief changes beyond the entries it really changes.

Runs read → segment → suggest (pseudo engine) → merge on the real brief in a
temporary directory, then measures, in lines of the PO file (``difflib``):

* renumbering: one sentence with a new note 1 inserted at the start, every
  later note renumbered (only the new entries should change);
* edit then revert: a sentence reworded, run, reworded back, run (0 lines);
* rewrap: the PO rewrapped by GNU ``msgcat`` (Poedit's wrapping), run (0 lines).

Usage: ``PYTHONPATH=src python bench/catalog_churn.py [source/no-gwot-narco.txt]``
"""

from __future__ import annotations

import difflib
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from locbrief.catalog.merge import merge
from locbrief.catalog.pofile import read_po, write_po, write_template
from locbrief.catalog.template import assign_contexts, build_template
from locbrief.files import read_bytes
from locbrief.model import Block, Document, NoteRef, Span
from locbrief.read import read_source
from locbrief.translate.engines.simple import PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.termbase import Termbase

LANG = "es_MX"


def run(root: Path, doc: Document) -> None:
    pot, po = root / f"{doc.name}.pot", root / f"{doc.name}.po"
    units = assign_contexts(segment(doc))
    write_template(pot, build_template(units, doc.name))
    memory = Memory(root / "memory.jsonl")
    from locbrief.translate.suggest import suggest

    suggestions = suggest(units, PseudoEngine(), "en", LANG, Termbase([]), memory)
    memory.save()
    original = read_bytes(po)
    old = read_po(po, original) if original.strip() else None
    result = merge(read_po(pot), old, suggestions, memory, Termbase([]), LANG)
    write_po(po, result.po, expected=original)
    memory.save()


def changed_lines(before: bytes, after: bytes) -> int:
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), n=0)
    return sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def renumbered(doc: Document) -> Document:
    """A new sentence with note 1 in the first paragraph; every other note one number up."""

    def shift(items):
        out = []
        for item in items:
            if isinstance(item, NoteRef):
                out.append(NoteRef(item.number + 1))
            elif isinstance(item, Span):
                out.append(Span(item.tag, item.attrs, shift(item.children)))
            else:
                out.append(item)
        return out

    blocks, added_marker, added_note = [], False, False
    for block in doc.blocks:
        block = replace(block, content=shift(block.content))
        if block.kind == "paragraph" and not added_marker:
            block.content = block.content + [" A newly cited study agrees.", NoteRef(1)]
            added_marker = True
        if block.kind == "endnote":
            if not added_note:
                new = "Ana Ruiz, “A newly cited study,” Journal of Drug Policy, 2025."
                blocks.append(Block("endnote", "note-1", [new], number=1))
                added_note = True
            block = replace(block, number=block.number + 1, id=f"note-{block.number + 1}")
        blocks.append(block)
    return replace(doc, blocks=blocks)


def reworded(doc: Document) -> Document:
    blocks = list(doc.blocks)
    for i, block in enumerate(blocks):
        if block.kind == "paragraph" and isinstance(block.content[0], str):
            blocks[i] = replace(
                block, content=["Reworded: " + block.content[0]] + block.content[1:]
            )
            break
    return replace(doc, blocks=blocks)


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "source/no-gwot-narco.txt")
    doc = read_source(source)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        po = root / f"{doc.name}.po"
        run(root, doc)
        lines = po.read_bytes().count(b"\n")
        before = po.read_bytes()
        run(root, renumbered(doc))
        print(f"{source}: PO of {lines} lines, {len(doc.notes())} notes")
        print(
            f"renumbering (1 note inserted early): {changed_lines(before, po.read_bytes())} lines"
        )
        run(root, doc)
        before, pot_before = po.read_bytes(), (root / f"{doc.name}.pot").read_bytes()
        run(root, reworded(doc))
        run(root, doc)
        print(
            f"edit then revert: {changed_lines(before, po.read_bytes())} PO lines, "
            f"{changed_lines(pot_before, (root / f'{doc.name}.pot').read_bytes())} POT lines"
        )
        before = po.read_bytes()
        subprocess.run(["msgcat", "-o", str(po), str(po)], check=True)
        rewrapped = po.read_bytes()
        run(root, doc)
        print(
            f"rewrap by msgcat: msgcat changed {changed_lines(before, rewrapped)} lines, "
            f"the next run {changed_lines(rewrapped, po.read_bytes())}"
        )


if __name__ == "__main__":
    main()
