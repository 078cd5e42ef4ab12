"""Translation memory: every machine suggestion, remembered.

Keyed by engine, model and the *protected* source text, so a unit already
suggested is never sent to an engine again, and a new engine version or a
changed termbase asks afresh. The memory also tells human text from machine
text: a msgstr equal to one of the suggestions made for its msgid is machine.

Stored as JSON lines in ``locales/<lang>/memory.jsonl`` (text, so it diffs
and can be committed beside the PO files), written atomically.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from .files import write_atomically
from .model import LocbriefError


class Memory:
    def __init__(self, path: Path | str | None):
        """``None``: an empty memory that cannot be saved (every msgstr then counts as human)."""
        self.path = Path(path) if path else None
        self.records: dict[tuple[str, str, str, str], dict] = {}
        self._outputs: dict[tuple[str, str, str], str] = {}
        self._machine: dict[str, set[str]] = defaultdict(set)
        self._dirty = False
        if self.path is not None and self.path.is_file():
            self._load()

    def _load(self) -> None:
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                self._index(record)
            except (ValueError, KeyError, TypeError):
                raise LocbriefError(
                    "not a translation-memory record; delete the line "
                    "(the unit will be machine-translated again)",
                    str(self.path),
                    number,
                ) from None

    def _index(self, record: dict) -> None:
        key = (record["engine"], record["model"], record["masked"])
        self.records[key + (record["msgid"],)] = record
        self._outputs[key] = record["output"]
        self._machine[record["msgid"]].update([record["text"], *record.get("earlier", ())])

    @property
    def segments(self) -> int:
        """How many distinct texts an engine has translated (for "sent to the engine" counts)."""
        return len(self._outputs)

    def lookup(self, engine: str, model: str, masked: str) -> str | None:
        """The engine's raw output for this protected text, if it was asked before."""
        return self._outputs.get((engine, model, masked))

    def remember(
        self, engine: str, model: str, masked: str, output: str, msgid: str, text: str
    ) -> None:
        """Record a suggestion; a text made earlier from the same output stays machine text.

        (It changes when the restoring rules do, e.g. an edited variety layer:
        the PO may still hold the earlier text, which no human wrote.)
        """
        old = self.records.get((engine, model, masked, msgid))
        if old is not None and old["output"] == output and old["text"] == text:
            return
        record = {
            "engine": engine,
            "model": model,
            "masked": masked,
            "output": output,
            "msgid": msgid,
            "text": text,
        }
        if old is not None:
            earlier = [*old.get("earlier", ()), old["text"]]
            earlier = [t for t in dict.fromkeys(earlier) if t != text]
            if earlier:
                record["earlier"] = earlier
        self._index(record)
        self._dirty = True

    def is_machine(self, msgid: str, msgstr: str) -> bool:
        """True if ``msgstr`` is exactly what an engine once suggested for ``msgid``.

        How a merge tells a translator's text (kept) from machine text (replaceable):

        >>> memory = Memory(None)
        >>> memory.remember("apertium", "en-es 1.0", "Prices rose.", "Los precios subieron.",
        ...                 "Prices rose.", "Los precios subieron.")
        >>> memory.is_machine("Prices rose.", "Los precios subieron.")
        True
        >>> memory.is_machine("Prices rose.", "Los precios aumentaron.")
        False
        """
        return msgstr in self._machine.get(msgid, ())

    def save(self) -> None:
        if not self._dirty or self.path is None:
            return
        lines = [
            json.dumps(r, ensure_ascii=False, sort_keys=True)
            for _, r in sorted(self.records.items())
        ]
        write_atomically(self.path, "\n".join(lines) + "\n")
        self._dirty = False
