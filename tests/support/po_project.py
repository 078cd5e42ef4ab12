"""A brief in one language run the way the workflow runs it, and a translator editing its PO.

The PO stories of test_catalog, test_po_errors, test_merge_msgmerge and
test_merge_property are told with these: real segmentation, the real pseudo
engine, a real memory file, and edits made the way Poedit makes them.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import polib

from locbrief.catalog.merge import merge
from locbrief.catalog.pofile import read_po, read_template, write_po, write_template
from locbrief.catalog.status import unit_status
from locbrief.catalog.template import assign_contexts, build_template
from locbrief.files import read_bytes
from locbrief.model import Block, Document
from locbrief.translate.engines.simple import PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Termbase

BRIEF = "brief"
LANG = "es_MX"


def document(*blocks) -> Document:
    """A brief from (kind, text-or-inline) pairs, paragraph strings or blocks of another brief."""
    out = []
    for i, block in enumerate(blocks, 1):
        if isinstance(block, Block):
            out.append(block)
            continue
        kind, content = block if isinstance(block, tuple) else ("paragraph", block)
        content = [content] if isinstance(content, str) else content
        block_id = f"note-{i}" if kind == "endnote" else f"{kind[0]}{i}"
        out.append(Block(kind, block_id, content, number=i if kind == "endnote" else None))
    return Document(source=f"source/{BRIEF}.txt", name=BRIEF, blocks=out)


class Project:
    """One brief in one language in a temporary directory, run the way the workflow runs it."""

    def __init__(self, root: Path, lang: str = LANG, termbase: Termbase | None = None):
        self.root, self.lang = root, lang
        self.pot = root / "locales" / "templates" / f"{BRIEF}.pot"
        self.po = root / "locales" / lang / "LC_MESSAGES" / f"{BRIEF}.po"
        self.memory_path = root / "locales" / lang / "memory.jsonl"
        self.termbase = termbase or Termbase([])
        self.engine = PseudoEngine()

    def run(self, doc: Document, before_write: Callable[[], None] | None = None) -> bool:
        """segment → suggest → merge, as the CLI does; returns whether the PO changed.

        ``before_write`` runs between the merge and the PO's write (a translator saving then).
        """
        units = assign_contexts(segment(doc))
        previous = read_template(self.pot)
        write_template(self.pot, build_template(units, BRIEF, previous), previous)
        memory = Memory(self.memory_path)
        suggestions = suggest(units, self.engine, "en", self.lang, self.termbase, memory)
        memory.save()
        original = read_bytes(self.po)
        old = read_po(self.po, original) if original.strip() else None
        result = merge(read_po(self.pot), old, suggestions, memory, self.termbase, self.lang)
        if before_write:
            before_write()
        changed = write_po(self.po, result.po, expected=original)
        memory.save()  # the reviewed translations the merge recorded, as the CLI does
        return changed

    def read(self) -> polib.POFile:
        return read_po(self.po)

    def entry(
        self, msgid: str, msgctxt: str | None = None, obsolete: bool = False
    ) -> polib.POEntry:
        found = [
            e
            for e in self.read()
            if e.msgid == msgid and e.msgctxt == msgctxt and e.obsolete == obsolete
        ]
        assert len(found) == 1, (
            f"{msgid!r} ({msgctxt}, obsolete={obsolete}) not found once in {self.po}"
        )
        return found[0]

    def status(self, msgid: str, msgctxt: str | None = None) -> str:
        return unit_status(self.entry(msgid, msgctxt), Memory(self.memory_path))

    def edit(
        self,
        msgid: str,
        msgstr: str | None = None,
        fuzzy: bool | None = None,
        msgctxt: str | None = None,
        **fields,
    ) -> None:
        """What a translator does in Poedit: new text, clear or keep fuzzy, comments and flags."""
        po = self.read()
        entry = next(e for e in po if e.msgid == msgid and e.msgctxt == msgctxt and not e.obsolete)
        if msgstr is not None:
            entry.msgstr = msgstr
        if fuzzy is False:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None
        for name, value in fields.items():
            setattr(entry, name, value)
        self.po.write_text(str(po) + "\n", encoding="utf-8")

    def edit_header(self, **fields) -> None:
        po = self.read()
        po.metadata.update(fields)
        self.po.write_text(str(po) + "\n", encoding="utf-8")


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    """GNU msgfmt's own verdict on a PO, format strings included."""
    return subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
    )


@contextmanager
def logged_warnings():
    """The warnings on the locbrief logger while the block runs (the CLI stops it propagating)."""
    messages: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("locbrief")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
