"""QA of one language's PO against its units: what would break or mislead on the page.

Each finding names the PO file and line, the check, and the severity:
``error`` (the page cannot use the text: placeholders, tags) or ``warning``
(worth a translator's look: untranslated, termbase, numbers, URLs).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import polib

from .memory import Memory
from .model import Unit
from .catalog import status
from .protect import NUMBER, URL
from .segment import check_translation
from .termbase import Termbase


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    check: str
    severity: str        # error | warning
    message: str
    msgid: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.check}] {self.message}"


def check_catalog(po: polib.POFile, path: str, units: list[Unit], termbase: Termbase, memory: Memory) -> list[Finding]:
    """All findings for the active entries of a PO, in file order."""
    by_key = {u.key: u for u in units}
    findings = []
    for entry in po:
        unit = by_key.get((entry.msgctxt, entry.msgid))
        if entry.obsolete or unit is None:
            continue
        for check, severity, message in _entry_findings(entry, unit, termbase, memory):
            findings.append(Finding(path, entry.linenum, check, severity, message, entry.msgid))
    return findings


def _entry_findings(entry: polib.POEntry, unit: Unit, termbase: Termbase, memory: Memory):
    if not entry.msgstr:
        yield "untranslated", "warning", "no translation; the page shows the machine suggestion or the source"
        return
    for problem in check_translation(unit, entry.msgstr):
        yield "placeholders", "error", problem
    for line in entry.comment.split("\n"):
        if line.startswith("QA: ") and status(entry, memory) == "machine":
            yield "engine", "error", line[4:]
    for url in re.findall(URL, entry.msgid):
        if url not in entry.msgstr:
            yield "urls", "error", f"URL {url} missing or altered"
    for hit in termbase.find(entry.msgid):
        wanted = hit.term.render(hit.text)
        if wanted.lower() not in entry.msgstr.lower():
            rule = "do not translate" if hit.term.target is None else "required translation"
            yield "termbase", "warning", f"{hit.text!r} should appear as {wanted!r} ({rule})"
    missing = [n for n in re.findall(NUMBER, entry.msgid) if _digits(n) not in _digits(entry.msgstr)]
    if missing:
        yield "numbers", "warning", "numbers not found in the translation: " + ", ".join(missing)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def report(findings: list[Finding], lang: str, counts: dict) -> dict:
    return {"lang": lang, "counts": counts,
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings),
            "findings": [asdict(f) for f in findings]}
