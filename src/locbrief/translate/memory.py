"""Translation memory: every machine suggestion and every reviewed translation, remembered.

Two kinds of record, one JSON object a line in ``locales/<lang>/memory.jsonl``
(text, so it diffs and can be committed beside the PO files):

* machine: keyed by engine, model, the *protected* source text and the msgid,
  so a unit already suggested is never sent to an engine again, and a new engine
  version or a changed termbase asks afresh. A suggestion reused under another
  msgid (a typo fixed inside a cited title leaves the protected text as it was)
  gets its own record, so the memory tells human text from machine text for
  every msgid: a msgstr equal to one of the suggestions made for its msgid is
  machine.
* reviewed (``"kind": "reviewed"``): the last translation a person reviewed for
  a (msgctxt, msgid), so a sentence that returns gets it back, reviewed; with the
  brief it was first reviewed in, so a fuzzy match can name it.
* imported (``"kind": "imported"``): a team's human translation brought in from a
  TMX file (``locbrief tm import``), keyed by its source and kept with its origin
  (file, tool, date); offered as fuzzy matches, never as reviewed text.

A line from a newer locbrief (a ``format`` above :data:`FORMAT`, or a kind this
version does not know) is kept as it is and not used. Several jobs of one
language may save at once: :meth:`Memory.save` takes a lock, merges what is on
disk with what it learned and writes atomically, so no record is lost.
"""

from __future__ import annotations

import fcntl
import json
import logging
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from locbrief.files import read_bytes, write_atomically
from locbrief.model import LocbriefError

#: The record format this version reads and writes.
FORMAT = 1
REVIEWED = "reviewed"
IMPORTED = "imported"
log = logging.getLogger("locbrief")


class Memory:
    def __init__(self, path: Path | str | None):
        """``None``: an empty memory that cannot be saved (every msgstr then counts as human)."""
        self.path = Path(path) if path else None
        self.records: dict[tuple, dict] = {}
        self.foreign: dict[str, None] = {}  # lines of a newer format, kept verbatim
        self._outputs: dict[tuple[str, str, str], str] = {}
        self._machine: dict[str, dict[str, str]] = defaultdict(dict)  # msgid → text → engine model
        self._learned: dict[tuple, dict] = {}
        self._similar = None  # the fuzzy-match index, built when first asked
        if self.path is not None:
            self._load(read_bytes(self.path), warn=True)

    def _load(self, data: bytes, warn: bool) -> None:
        newer = []
        for number, raw in enumerate(data.split(b"\n"), 1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8").rstrip("\r")
                record = json.loads(line)
                if _is_newer(record):
                    self.foreign[line] = None
                    newer.append(number)
                    continue
                self._index(record)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise LocbriefError(
                    "not a translation-memory record; delete the line "
                    "(the unit will be machine-translated again)",
                    str(self.path),
                    number,
                ) from None
        if newer and warn:
            log.warning(
                "%s:%d: %d record(s) from a newer locbrief; kept as they are but not used — "
                "upgrade locbrief to use them",
                self.path,
                newer[0],
                len(newer),
            )

    def _index(self, record: dict) -> tuple:
        if record.get("kind") == REVIEWED:
            key = (REVIEWED, record["msgctxt"] or "", record["msgid"], "")
            str(record["text"])
        elif record.get("kind") == IMPORTED:
            key = (IMPORTED, "", str(record["source"]), "")
            str(record["text"]), dict(record["origin"])
            self._similar = None
        else:
            key = (record["engine"], record["model"], record["masked"], record["msgid"])
            self._outputs[key[:3]] = record["output"]
            origin = f"{record['engine']} {record['model']}".strip()
            for text in (record["text"], *record.get("earlier", ())):
                self._machine[record["msgid"]].setdefault(text, origin)
        self.records[key] = record
        return key

    @property
    def segments(self) -> int:
        """How many distinct texts an engine has translated (for "sent to the engine" counts)."""
        return len(self._outputs)

    def lookup(self, engine: str, model: str, masked: str) -> str | None:
        """The engine's raw output for this protected text, if it was asked before."""
        return self._outputs.get((engine, model, masked))

    def remember(
        self,
        engine: str,
        model: str,
        masked: str,
        output: str,
        msgid: str,
        text: str,
        draft: str | None = None,
    ) -> None:
        """Record a suggestion for ``msgid``; one already recorded as it is changes nothing.

        ``draft``: the text before learned corrections, when they changed it (what
        ``locbrief learn`` compares with the reviewed text).

        A text made earlier from the same output stays machine text (it changes
        when the restoring rules do, e.g. an edited variety layer: the PO may
        still hold the earlier text, which no human wrote).
        """
        old = self.records.get((engine, model, masked, msgid))
        draft = None if draft == text else draft
        if old is not None and (old["output"], old["text"], old.get("draft")) == (
            output,
            text,
            draft,
        ):
            return
        record = {
            "engine": engine,
            "model": model,
            "masked": masked,
            "output": output,
            "msgid": msgid,
            "text": text,
            **({"draft": draft} if draft is not None else {}),
        }
        if old is not None:
            earlier = [*old.get("earlier", ()), old["text"]]
            earlier = [t for t in dict.fromkeys(earlier) if t != text]
            if earlier:
                record["earlier"] = earlier
        self._learn(record)

    def remember_reviewed(self, msgctxt: str | None, msgid: str, text: str) -> None:
        """Record the translation a person reviewed for (msgctxt, msgid), the latest one winning."""
        self._learn({"kind": REVIEWED, "msgctxt": msgctxt, "msgid": msgid, "text": text})

    def _learn(self, record: dict) -> None:
        key = self._index(record)
        self._learned[key] = record

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
        return msgstr in self._machine.get(msgid, {})

    def machine_origin(self, msgid: str, msgstr: str) -> str | None:
        """The engine and model that suggested exactly ``msgstr`` for ``msgid``, if one did."""
        return self._machine.get(msgid, {}).get(msgstr)

    def reviewed(self, msgctxt: str | None, msgid: str) -> str | None:
        """The last translation a person reviewed for this (msgctxt, msgid), if any."""
        record = self.records.get((REVIEWED, msgctxt or "", msgid, ""))
        return record["text"] if record else None

    # ------------------------------------------------ fuzzy matches, imported translations

    def remember_reviewed_in(self, brief: str, msgctxt: str | None, msgid: str, text: str) -> None:
        """:meth:`remember_reviewed`, naming the brief; the brief that first had this text keeps it
        (two briefs sharing a reviewed sentence would otherwise rename it on every run)."""
        key = (REVIEWED, msgctxt or "", msgid, "")
        old = self.records.get(key)
        kept = old.get("brief") if old is not None and old["text"] == text else None
        self.remember_reviewed(msgctxt, msgid, text)
        record = self.records[key]
        if record.get("brief") != (kept or brief):
            self._learn({**record, "brief": kept or brief})
        self._similar = None

    def remember_imported(self, source: str, text: str, origin: dict[str, str]) -> bool:
        """Record a team's translation of ``source`` (msgid form) from a TMX file; True if new or
        changed (the latest import of a source wins)."""
        old = self.records.get((IMPORTED, "", source, ""))
        if old is not None and old["text"] == text and old["origin"] == origin:
            return False
        self._learn({"kind": IMPORTED, "source": source, "text": text, "origin": origin})
        return True

    def reviewed_records(self) -> list[dict]:
        """The reviewed translations (msgctxt, msgid, text, brief), sorted by key: what a TMX
        export writes."""
        return [r for k, r in sorted(self.records.items()) if k[0] == REVIEWED]

    def similar(self, msgid: str):
        """The best fuzzy match for ``msgid`` among reviewed and imported translations, or None
        (see :mod:`locbrief.translate.fuzzy`)."""
        from locbrief.translate.fuzzy import FuzzyIndex

        if self._similar is None:
            self._similar = FuzzyIndex(self._fuzzy_candidates())
        return self._similar.best(msgid)

    def _fuzzy_candidates(self):
        from locbrief.translate.fuzzy import Candidate

        for key, record in sorted(self.records.items()):
            if key[0] == REVIEWED:
                yield Candidate(record["msgid"], record["text"], record.get("brief") or "memory")
            elif key[0] == IMPORTED:
                yield Candidate(record["source"], record["text"], origin_text(record["origin"]))

    def save(self) -> None:
        """Add what this run learned to the file, under a lock, atomically; unchanged: no write.

        Another job may have saved since this one loaded: its records are read
        again under the lock and kept, so parallel jobs lose nothing.
        """
        if not self._learned or self.path is None:
            return
        with _locked(self.path):
            before = read_bytes(self.path)
            on_disk = Memory(None)
            on_disk.path = self.path
            on_disk._load(before, warn=False)
            on_disk.records.update(self._learned)
            text = on_disk._text()
            if text.encode("utf-8") != before:
                write_atomically(self.path, text)
        self._learned.clear()

    def _text(self) -> str:
        """Machine records, then reviewed ones, each sorted by key; newer-format lines last."""
        ordered = sorted(self.records.items(), key=lambda item: (item[0][0] == REVIEWED, item[0]))
        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for _, r in ordered]
        return "".join(line + "\n" for line in lines + list(self.foreign))


def _is_newer(record: dict) -> bool:
    """A record written by a later locbrief: a higher format, or a kind this version lacks."""
    return record.get("format", FORMAT) > FORMAT or record.get("kind", "machine") not in (
        "machine",
        REVIEWED,
        IMPORTED,
    )


def origin_text(origin: dict[str, str]) -> str:
    """An imported translation's origin in words: 'team.tmx (OmegaT 6.0.0, 2024-05-01)'."""
    details = ", ".join(origin[k] for k in ("tool", "date") if origin.get(k))
    return origin.get("file", "an imported file") + (f" ({details})" if details else "")


@contextmanager
def _locked(path: Path):
    """An exclusive lock beside the memory (``.memory.jsonl.lock``), held while it is merged and written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
