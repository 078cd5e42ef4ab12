"""Units → the POT template; template + translator's PO + suggestions → merged PO.

Modelled on Babel's ``Catalog.update`` and GNU msgmerge, with what they lack
for a pipeline that writes machine suggestions into files humans edit:

* unchanged source: the translation is kept byte for byte, reviewed stays reviewed;
* edited source: the old *human* translation is kept, fuzzy, with ``#| msgid``;
* removed source: the entry becomes obsolete (``#~``) and is revived if it returns;
* a human msgstr (anything that is not exactly a recorded machine suggestion) is
  never replaced by a machine suggestion, fuzzy or not;
* the PO is written atomically, only if it changed, and never over edits made
  while the run was going (see :func:`locbrief.files.write_atomically`).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from . import __version__
from .files import read_bytes, write_atomically
from .memory import Memory
from .model import LocbriefError, Suggestion, Unit
from .termbase import Termbase

WRAP = 79
FUZZY_CUTOFF = 0.6
MACHINE_PREFIX = "machine translation: "
QA_PREFIX = "QA: "
TERM_PREFIX = "term: "
_GENERATED_COMMENT = (MACHINE_PREFIX, QA_PREFIX, TERM_PREFIX)
KIND_LABELS = {"key_point": "key point", "endnote": "endnote", "heading": "heading",
               "caption": "figure caption", "list_item": "list item", "table_cell": "table cell",
               "author_name": "author name", "author_role": "author role", "author_org": "author organisation",
               "meta_description": "page description (meta)"}


# ---------------------------------------------------------------- template

def unit_comments(unit: Unit) -> list[str]:
    """What translators are told about a unit: where it stands and what ``{n}`` means."""
    label = KIND_LABELS.get(unit.kind, unit.kind.replace("_", " "))
    notes = [f"{{{i}}} = note marker {p.value}" if p.kind == "note" else f"{{{i}}} = {p.kind} {p.value}"
             for i, p in enumerate(unit.placeholders)]
    tags = [f"<{tag}{i}> = {tag} " + " ".join(f'{k}="{v}"' for k, v in attrs)
            for i, (tag, attrs) in enumerate(unit.tags, 1) if attrs]
    return [label.strip()] + notes + [t.strip() for t in tags]


def build_template(units: list[Unit], brief: str) -> polib.POFile:
    """One entry per distinct msgid, in document order, referencing every block it stands in."""
    pot = polib.POFile(wrapwidth=WRAP)
    pot.metadata = template_header(brief)
    entries: dict[tuple, polib.POEntry] = {}
    for unit in units:
        entry = entries.get(unit.key)
        if entry is None:
            entry = polib.POEntry(msgid=unit.msgid, msgstr="", msgctxt=unit.context,
                                  flags=["python-brace-format"] if "{" in unit.msgid else [])
            entries[unit.key] = entry
            pot.append(entry)
        entry.occurrences.append((brief, unit.block))
        for comment in unit_comments(unit):
            if comment not in entry.comment.split("\n"):
                entry.comment = f"{entry.comment}\n{comment}" if entry.comment else comment
    return pot


def template_header(brief: str) -> dict[str, str]:
    return {"Project-Id-Version": brief, "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": _now(), "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
            "Generated-By": f"locbrief {__version__}"}


def write_template(path: Path | str, pot: polib.POFile) -> None:
    """Write the POT, keeping its creation date when no entry changed (small, stable diffs)."""
    path = Path(path)
    if path.exists():
        old = read_po(path)
        if _entries_text(old) == _entries_text(pot):
            pot.metadata["POT-Creation-Date"] = old.metadata.get("POT-Creation-Date", pot.metadata["POT-Creation-Date"])
    write_atomically(path, str(pot) + "\n")


def _entries_text(po: polib.POFile) -> str:
    return "\n".join(str(e) for e in po)


# ---------------------------------------------------------------- reading

def read_po(path: Path | str, data: bytes | None = None) -> polib.POFile:
    """Parse a PO/POT file; any problem is a one-line error with file and line."""
    path = Path(path)
    data = read_bytes(path) if data is None else data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LocbriefError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); convert it with "
                            "'msgconv --to-code=UTF-8' or save it as UTF-8 in Poedit", str(path), line) from None
    charset = re.search(r'^"Content-Type:.*charset=([^\\"\s]+)', text, re.M)
    if charset and charset.group(1).upper() not in ("UTF-8", "UTF8", "CHARSET"):
        line = text[:charset.start()].count("\n") + 1
        raise LocbriefError(f"declares charset {charset.group(1)}; locbrief reads and writes UTF-8 only — "
                            "convert with 'msgconv --to-code=UTF-8'", str(path), line)
    try:
        po = polib.pofile(text, wrapwidth=WRAP, encoding="utf-8")
    except (OSError, ValueError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise LocbriefError(f"PO syntax error ({_reason(exc)}); fix the entry in Poedit or a text editor "
                            "('msgfmt -c' shows details)", str(path), int(match.group(1)) if match else None) from None
    _check_duplicates(po, path)
    return po


def _reason(exc: Exception) -> str:
    return re.sub(r"\s*\(line \d+\)|\s+in po file.*?(?=\(|$)", "", str(exc)).strip() or "unreadable"


def _check_duplicates(po: polib.POFile, path: Path) -> None:
    seen: dict[tuple, int] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise LocbriefError(f"msgid {entry.msgid[:40]!r} appears twice (first at line {seen[key]}); "
                                "merge the two entries into one", str(path), entry.linenum)
        seen[key] = entry.linenum


# ---------------------------------------------------------------- merge

@dataclass
class MergeResult:
    po: polib.POFile
    counts: Counter


def new_catalog(lang: str, brief: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = {**template_header(brief), "PO-Revision-Date": _now(),
                   "Last-Translator": "", "Language-Team": "", "Language": lang}
    return po


def merge(pot: polib.POFile, old: polib.POFile | None, suggestions: dict[str, Suggestion],
          memory: Memory, termbase: Termbase, lang: str) -> MergeResult:
    """The new PO: template order, translators' work carried forward, gaps filled by machine."""
    po = new_catalog(lang, pot.metadata.get("Project-Id-Version", ""))
    if old is not None:
        po.metadata.update(old.metadata)
    po.metadata.update(_managed_header(pot, lang))
    active = {(e.msgctxt, e.msgid): e for e in old or [] if not e.obsolete}
    obsolete = {(e.msgctxt, e.msgid): e for e in old or [] if e.obsolete}
    matched: set[tuple] = set()
    fresh = []
    for tmpl in pot:
        key = (tmpl.msgctxt, tmpl.msgid)
        previous = active.get(key) or obsolete.get(key)
        if previous is not None:
            matched.add(key)
            po.append(_carry_forward(tmpl, previous, suggestions.get(tmpl.msgid), memory))
        else:
            entry = _copy_template(tmpl)
            po.append(entry)
            fresh.append(entry)
    _fill_fresh(fresh, active, obsolete, matched, suggestions, memory)
    for entry in po:
        _annotate(entry, suggestions.get(entry.msgid), memory, termbase)
    _keep_obsolete(po, active, obsolete, matched, memory)
    return MergeResult(po, count_status(po, memory))


def _managed_header(pot: polib.POFile, lang: str) -> dict[str, str]:
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise LocbriefError(f"unknown locale {lang!r}; use a CLDR locale name such as es_MX, pt_BR, fr") from None
    plural = get_plural(locale)
    return {"Project-Id-Version": pot.metadata.get("Project-Id-Version", ""), "Language": lang,
            "POT-Creation-Date": pot.metadata.get("POT-Creation-Date", ""),
            "Plural-Forms": f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
            "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit"}


def _copy_template(tmpl: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(msgid=tmpl.msgid, msgctxt=tmpl.msgctxt, msgstr="", comment=tmpl.comment,
                         occurrences=list(tmpl.occurrences), flags=list(tmpl.flags))


def _carry_forward(tmpl: polib.POEntry, old: polib.POEntry, suggestion: Suggestion | None,
                   memory: Memory) -> polib.POEntry:
    """Same msgid as before: keep the translator's msgstr, flags and comments; refresh ours."""
    entry = _copy_template(tmpl)
    entry.msgstr = old.msgstr
    entry.tcomment = old.tcomment
    entry.flags = _merge_flags(tmpl.flags, old.flags)
    entry.previous_msgid = old.previous_msgid if "fuzzy" in old.flags else None
    entry.previous_msgctxt = old.previous_msgctxt if "fuzzy" in old.flags else None
    machine_only = not old.msgstr or ("fuzzy" in old.flags and memory.is_machine(old.msgid, old.msgstr))
    if suggestion is not None and machine_only and old.msgstr != suggestion.text:
        entry.msgstr = suggestion.text
        _set_fuzzy(entry)
    return entry


def _merge_flags(template_flags: list[str], old_flags: list[str]) -> list[str]:
    """Translator's flags (fuzzy, no-wrap, …) plus the format flag the template decides."""
    kept = [f for f in old_flags if not f.endswith("-format")]
    return kept + [f for f in template_flags if f not in kept]


def _fill_fresh(fresh, active, obsolete, matched, suggestions, memory) -> None:
    """New msgids: reuse a close human translation (fuzzy, with ``#| msgid``), else the machine's."""
    pool = {key: e for key, e in list(active.items()) + list(obsolete.items())
            if key not in matched and e.msgstr and not memory.is_machine(e.msgid, e.msgstr)}
    for entry in fresh:
        close = difflib.get_close_matches(entry.msgid, [k[1] for k in pool], n=1, cutoff=FUZZY_CUTOFF)
        key = next((k for k in pool if close and k[1] == close[0]), None)
        if key is not None:
            old = pool.pop(key)
            matched.add(key)
            entry.msgstr, entry.tcomment = old.msgstr, old.tcomment
            entry.previous_msgid, entry.previous_msgctxt = old.msgid, old.msgctxt
        elif entry.msgid in suggestions:
            entry.msgstr = suggestions[entry.msgid].text
        if entry.msgstr:
            _set_fuzzy(entry)


def _set_fuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")


def _annotate(entry: polib.POEntry, suggestion: Suggestion | None, memory: Memory, termbase: Termbase) -> None:
    """Our ``#.`` lines: template comments, termbase hits, engine and QA notes for machine text."""
    lines = [c for c in entry.comment.split("\n") if c and not c.startswith(_GENERATED_COMMENT)]
    lines += [hit.comment() for hit in termbase.hits(entry.msgid)]
    if suggestion is not None and entry.msgstr == suggestion.text:
        lines.append(MACHINE_PREFIX + suggestion.origin)
        lines += [QA_PREFIX + problem for problem in suggestion.problems]
    elif entry.msgstr and memory.is_machine(entry.msgid, entry.msgstr):
        lines.append(MACHINE_PREFIX + "earlier suggestion")
    entry.comment = "\n".join(lines)


def _keep_obsolete(po, active, obsolete, matched, memory) -> None:
    """Vanished entries with a translation stay as ``#~``; machine-only ones are dropped."""
    for key, old in list(active.items()) + list(obsolete.items()):
        if key in matched or not old.msgstr:
            continue
        if old.obsolete or not memory.is_machine(old.msgid, old.msgstr) or "fuzzy" not in old.flags:
            old.obsolete = True
            po.append(old)
            matched.add(key)


# ---------------------------------------------------------------- status

def status(entry: polib.POEntry, memory: Memory) -> str:
    """reviewed, machine (fuzzy machine suggestion), fuzzy (human text to re-check) or untranslated."""
    if not entry.msgstr:
        return "untranslated"
    if "fuzzy" not in entry.flags:
        return "reviewed"
    return "machine" if memory.is_machine(entry.msgid, entry.msgstr) else "fuzzy"


def count_status(po: polib.POFile, memory: Memory) -> Counter:
    counts = Counter(status(e, memory) for e in po if not e.obsolete)
    counts["units"] = sum(1 for e in po if not e.obsolete)
    counts["obsolete"] = sum(1 for e in po if e.obsolete)
    return counts


def write_po(path: Path | str, po: polib.POFile, expected: bytes) -> bool:
    """Write the merged PO if its text changed; ``expected`` guards against concurrent edits."""
    text = str(po) + "\n"
    if text.encode("utf-8") == expected:
        return False
    write_atomically(path, text, expected=expected)
    return True


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
