"""Units → the POT template; template + translator's PO + suggestions → merged PO.

Modelled on Babel's ``Catalog.update`` and GNU msgmerge, with what they lack
for a pipeline that writes machine suggestions into files humans edit:

* unchanged source: the translation is kept byte for byte, reviewed stays reviewed;
* edited source: the old *human* translation is kept, fuzzy, with ``#| msgid``;
* removed source: the entry becomes obsolete (``#~``) and is revived if it returns;
* human work (:func:`is_human_work`: any reviewed msgstr, and any fuzzy msgstr
  that is not exactly a suggestion recorded in the memory) is never replaced by a
  machine suggestion and never dropped: carried, taken over, or kept obsolete;
* the PO is written atomically, only if it changed, and never over edits made
  while the run was going (see :func:`locbrief.files.write_atomically`).

The rule for ``msgctxt`` (:func:`assign_contexts`): the same words are one entry,
referenced from every block they stand in, because gettext keys on the words.
The one exception is a *label* (heading, title, author role, caption, table
cell, …) whose words also occur as running text or as a label of another kind:
a label is translated as a title or noun phrase ("Fellow" as a job title is
not "Fellow" in a sentence), so each such label gets ``msgctxt`` = its kind.
Running text never gets a context. A context that appears or disappears later
counts as a changed source: the translation is carried over, fuzzy, with
``#| msgctxt``, as msgmerge does.

Intended differences from ``msgmerge --previous`` (asserted in
tests/test_merge_msgmerge.py): new entries get the machine suggestion (fuzzy)
instead of staying empty; machine text nobody reviewed is neither fuzzy-matched
to a new source nor kept as obsolete (the memory has it); text carried to an
edited source always gets ``#| msgid``, even when the old entry was fuzzy without
one; similarity is difflib's ratio (cutoff :data:`FUZZY_CUTOFF`), not msgmerge's.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
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
#: How many candidates (most words in common) difflib compares for each new sentence.
SHORTLIST = 5
MACHINE_PREFIX = "machine translation: "
QA_PREFIX = "QA: "
TERM_PREFIX = "term: "
_GENERATED_COMMENT = (MACHINE_PREFIX, QA_PREFIX, TERM_PREFIX)
#: Block kinds that are labels, not running text (see the msgctxt rule above).
LABEL_KINDS = frozenset(
    {
        "topic",
        "title",
        "heading",
        "byline",
        "caption",
        "table_cell",
        "author_name",
        "author_role",
        "author_org",
        "date",
    }
)
#: The one format flag the template decides; every other flag belongs to the translator.
FORMAT_FLAG = "python-brace-format"
KIND_LABELS = {
    "key_point": "key point",
    "endnote": "endnote",
    "heading": "heading",
    "caption": "figure caption",
    "list_item": "list item",
    "table_cell": "table cell",
    "author_name": "author name",
    "author_role": "author role",
    "author_org": "author organisation",
    "meta_description": "page description (meta)",
}


# ---------------------------------------------------------------- template


def unit_comments(unit: Unit) -> list[str]:
    """What translators are told about a unit: where it stands and what ``{n}`` means.

    Note numbers are left out on purpose: adding a note renumbers all later
    ones, and the comments of every later entry would change with them.
    """
    notes = [
        f"{{{i}}} = note marker" if p.kind == "note" else f"{{{i}}} = {p.kind} {p.value}"
        for i, p in enumerate(unit.placeholders)
    ]
    tags = [
        f"<{tag}{i}> = {tag} " + " ".join(f'{k}="{v}"' for k, v in attrs)
        for i, (tag, attrs) in enumerate(unit.tags, 1)
        if attrs
    ]
    return [_kind_label(unit)] + notes + [t.strip() for t in tags]


def _kind_label(unit: Unit) -> str:
    """ "heading", "key point", "endnote 17": the block a sentence belongs to, in words."""
    label = KIND_LABELS.get(unit.kind, unit.kind.replace("_", " ")).strip()
    number = re.search(r"(\d+)$", unit.block)
    return f"{label} {number.group(1)}" if unit.kind == "endnote" and number else label


def assign_contexts(units: list[Unit]) -> list[Unit]:
    """Give ``msgctxt`` = kind to labels whose words also stand elsewhere in another role.

    See the module docstring for the rule; running text keeps ``context=None``.
    The segment stage calls this before writing units and template, so the page
    build and QA look entries up by the same (context, msgid) key.
    """
    roles: dict[str, set[str]] = {}
    for unit in units:
        roles.setdefault(unit.msgid, set()).add(_role(unit))
    return [
        replace(u, context=u.kind)
        if u.context is None and u.kind in LABEL_KINDS and len(roles[u.msgid]) > 1
        else u
        for u in units
    ]


def _role(unit: Unit) -> str:
    return unit.kind if unit.kind in LABEL_KINDS else "text"


def build_template(units: list[Unit], brief: str) -> polib.POFile:
    """One entry per distinct (msgctxt, msgid), in document order, referencing every block it stands in."""
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = f"Messages of the brief {brief}, for translation with locbrief."
    pot.metadata = template_header(brief)
    entries: dict[tuple, polib.POEntry] = {}
    for unit in units:
        entry = entries.get(unit.key)
        if entry is None:
            entry = polib.POEntry(
                msgid=unit.msgid,
                msgstr="",
                msgctxt=unit.context,
                flags=[FORMAT_FLAG] if "{" in unit.msgid else [],
            )
            entries[unit.key] = entry
            pot.append(entry)
        entry.occurrences.append((brief, unit.block))
        for comment in unit_comments(unit):
            if comment not in entry.comment.split("\n"):
                entry.comment = f"{entry.comment}\n{comment}" if entry.comment else comment
    return pot


def template_header(brief: str) -> dict[str, str]:
    return {
        "Project-Id-Version": brief,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _now(),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Generated-By": f"locbrief {__version__}",
    }


def write_template(path: Path | str, pot: polib.POFile) -> bool:
    """Write the POT, keeping its creation date when no entry changed (small, stable diffs).

    Returns whether the bytes changed. Unchanged bytes are not rewritten, only
    touched, so the workflow sees the stage as done and nothing else moves.
    """
    path = Path(path)
    before = read_bytes(path)
    if before:
        old = read_po(path, before)
        if _entries_text(old) == _entries_text(pot):
            pot.metadata["POT-Creation-Date"] = old.metadata.get(
                "POT-Creation-Date", pot.metadata["POT-Creation-Date"]
            )
    text = str(pot) + "\n"
    if text.encode("utf-8") == before:
        path.touch()
        return False
    write_atomically(path, text)
    return True


def _entries_text(po: polib.POFile) -> str:
    return "\n".join(str(e) for e in po)


# ---------------------------------------------------------------- reading


def read_po(path: Path | str, data: bytes | None = None) -> polib.POFile:
    """Parse a PO/POT file; any problem is a one-line error with file and line."""
    path = Path(path)
    if data is None:
        if not path.exists():
            raise LocbriefError(
                "file not found; run the pipeline stage that writes it first", str(path)
            )
        data = read_bytes(path)
    text = _decode(data, path)
    _check_syntax(text, path)
    try:
        po = polib.pofile(_with_obsolete_previous(text), wrapwidth=WRAP, encoding="utf-8")
    except (OSError, ValueError, IndexError, KeyError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise LocbriefError(
            f"PO syntax error ({_reason(exc)}); fix the entry in Poedit or a text editor "
            "('msgfmt -c' shows details)",
            str(path),
            int(match.group(1)) if match else None,
        ) from None
    _check_duplicates(po, path)
    return po


def _decode(data: bytes, path: Path) -> str:
    """The file's text; only UTF-8 (with or without BOM) is accepted, as declared in the header."""
    charset = re.search(rb'^"Content-Type:.*charset=([^\\"\s]+)', data, re.M)
    if charset and charset.group(1).upper() not in (b"UTF-8", b"UTF8", b"CHARSET"):
        line = data[: charset.start()].count(b"\n") + 1
        raise LocbriefError(
            f"declares charset {charset.group(1).decode('ascii', 'replace')}; locbrief reads "
            "and writes UTF-8 only — convert with 'msgconv --to-code=UTF-8'",
            str(path),
            line,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LocbriefError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); convert it with "
            "'msgconv --to-code=UTF-8' or save it as UTF-8 in Poedit",
            str(path),
            line,
        ) from None
    return text.replace("\r\n", "\n")


_KEYWORD_LINE = re.compile(r'^(?:#~\s*)?(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*(".*)$')
_QUOTED = re.compile(r'"(?:[^"\\]|\\["\\abfnrtv0-7x])*"')
#: Which keyword may follow which: an entry is [msgctxt] msgid [msgid_plural] msgstr…
_NEXT = {
    None: {"msgctxt", "msgid"},
    "msgctxt": {"msgid"},
    "msgid": {"msgid_plural", "msgstr"},
    "msgid_plural": {"msgstr[n]"},
    "msgstr": {"msgctxt", "msgid"},
    "msgstr[n]": {"msgstr[n]", "msgctxt", "msgid"},
}


def _check_syntax(text: str, path: Path) -> None:
    """What polib lets through but msgfmt rejects: broken strings, keywords out of order."""
    last, last_line = None, 0
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if (
            not stripped
            or (stripped.startswith("#") and not stripped.startswith("#~"))
            or stripped.startswith("#~|")
        ):
            continue
        match = _KEYWORD_LINE.match(stripped)
        if not match or not _QUOTED.fullmatch(match.group(2).rstrip()):
            raise LocbriefError(
                'PO syntax error (expected a keyword and one "quoted string", '
                "closed, with valid escapes); fix the line in Poedit or a text editor",
                str(path),
                number,
            )
        keyword = match.group(1) and re.sub(r"\[\d+\]", "[n]", match.group(1))
        if keyword is None and last is None:
            raise LocbriefError(
                "PO syntax error (a string continues no keyword)", str(path), number
            )
        if keyword is not None:
            if keyword not in _NEXT[last]:
                expected = " or ".join(sorted(_NEXT[last]))
                raise LocbriefError(
                    f"PO syntax error ({keyword} where {expected} was expected); "
                    "an entry is [msgctxt] msgid msgstr",
                    str(path),
                    number,
                )
            last, last_line = keyword, number
    if last in ("msgctxt", "msgid", "msgid_plural"):
        raise LocbriefError(
            f"PO syntax error (the file ends after {last}, without msgstr)", str(path), last_line
        )


def _with_obsolete_previous(text: str) -> str:
    """polib skips ``#~| msgid`` lines; read them as ``#|`` so obsolete entries keep their previous source.

    The line count is unchanged, so line numbers in errors stay right.
    """
    return re.sub(r"^#~\|", "#|", text, flags=re.M)


def _reason(exc: Exception) -> str:
    return re.sub(r"\s*\(line \d+\)|\s+in po file.*?(?=\(|$)", "", str(exc)).strip() or "unreadable"


def _check_duplicates(po: polib.POFile, path: Path) -> None:
    """Two entries with one key (obsolete ones too): msgfmt and msgmerge reject it, and so do we."""
    seen: dict[tuple, int] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise LocbriefError(
                f"msgid {entry.msgid[:40]!r} appears twice (first at line {seen[key]}); "
                "merge the two entries into one",
                str(path),
                entry.linenum,
            )
        seen[key] = entry.linenum


# ---------------------------------------------------------------- merge


@dataclass
class MergeResult:
    po: polib.POFile
    counts: Counter


def new_catalog(lang: str, brief: str) -> polib.POFile:
    """An empty PO for a language; the header is the translator's from then on."""
    po = polib.POFile(wrapwidth=WRAP)
    po.header = f"{_language_name(lang)} translation of the brief {brief}."
    po.metadata = {
        **template_header(brief),
        "PO-Revision-Date": _now(),
        "Last-Translator": "",
        "Language-Team": "",
        "Language": lang,
    }
    return po


def _language_name(lang: str) -> str:
    try:
        return Locale.parse(lang).english_name or lang
    except (UnknownLocaleError, ValueError):
        return lang


def merge(
    pot: polib.POFile,
    old: polib.POFile | None,
    suggestions: dict[str, Suggestion],
    memory: Memory,
    termbase: Termbase,
    lang: str,
) -> MergeResult:
    """The new PO: template order, translators' work carried forward, gaps filled by machine."""
    po = _with_header(pot, old, lang)
    previous = _by_key(old)
    orphans = _orphaned_human_work(pot, previous, memory)
    fresh = []
    for tmpl in pot:
        match = _same_key(tmpl, previous, orphans, memory)
        if match is not None:
            po.append(_carry_forward(tmpl, match, suggestions.get(tmpl.msgid), memory))
        else:
            fresh.append(_copy_template(tmpl))
            po.append(fresh[-1])
    _fill_fresh(fresh, previous, suggestions, memory)
    for entry in po:
        _annotate(entry, suggestions.get(entry.msgid), memory, termbase)
    _keep_obsolete(po, previous, memory)
    _keep_template_date(po, old)
    return MergeResult(po, count_status(po, memory))


def _keep_template_date(po: polib.POFile, old: polib.POFile | None) -> None:
    """Nothing changed in the entries: keep the old POT-Creation-Date, so the PO is not rewritten.

    The workflow deletes the POT before regenerating it, so the template's own
    date moves even when its entries did not.
    """
    if (
        old is not None
        and "POT-Creation-Date" in old.metadata
        and _entries_text(po) == _entries_text(old)
    ):
        po.metadata["POT-Creation-Date"] = old.metadata["POT-Creation-Date"]


def _with_header(pot: polib.POFile, old: polib.POFile | None, lang: str) -> polib.POFile:
    """An empty PO with the translator's header (comments, team, dates) and our managed fields."""
    po = new_catalog(lang, pot.metadata.get("Project-Id-Version", ""))
    if old is not None:
        po.header, po.metadata_is_fuzzy = old.header, old.metadata_is_fuzzy
        po.metadata.update(old.metadata)
    po.metadata.update(_managed_header(pot, lang))
    return po


def _by_key(old: polib.POFile | None) -> dict[tuple, polib.POEntry]:
    """The old entries, active ones first then obsolete, each in file order (keys are unique)."""
    entries = [e for e in old or [] if not e.obsolete] + [e for e in old or [] if e.obsolete]
    return {(e.msgctxt, e.msgid): e for e in entries}


def _same_key(
    tmpl: polib.POEntry, previous: dict[tuple, polib.POEntry], orphans: set[str], memory: Memory
) -> polib.POEntry | None:
    """The old entry with the template entry's key, taken out of ``previous``.

    Not when it holds no human work while the same words under a context that
    is gone do (``orphans``): then the entry counts as new, so that the human
    text is taken over rather than left obsolete.
    """
    key = (tmpl.msgctxt, tmpl.msgid)
    match = previous.get(key)
    if match is not None and not is_human_work(match, memory) and tmpl.msgid in orphans:
        return None
    return previous.pop(key, None)


def _orphaned_human_work(
    pot: polib.POFile, previous: dict[tuple, polib.POEntry], memory: Memory
) -> set[str]:
    """Msgids of human translations whose (msgctxt, msgid) is no longer in the template."""
    template_keys = {(e.msgctxt, e.msgid) for e in pot}
    return {
        key[1]
        for key, e in previous.items()
        if key not in template_keys and is_human_work(e, memory)
    }


def _managed_header(pot: polib.POFile, lang: str) -> dict[str, str]:
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise LocbriefError(
            f"unknown locale {lang!r}; use a CLDR locale name such as es_MX, pt_BR, fr"
        ) from None
    plural = get_plural(locale)
    return {
        "Project-Id-Version": pot.metadata.get("Project-Id-Version", ""),
        "Language": lang,
        "POT-Creation-Date": pot.metadata.get("POT-Creation-Date", ""),
        "Plural-Forms": f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def _copy_template(tmpl: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgid=tmpl.msgid,
        msgctxt=tmpl.msgctxt,
        msgstr="",
        comment=tmpl.comment,
        occurrences=list(tmpl.occurrences),
        flags=list(tmpl.flags),
    )


def is_human_work(entry: polib.POEntry, memory: Memory) -> bool:
    """A msgstr a person wrote or approved: anything but a machine suggestion still marked fuzzy."""
    return bool(entry.msgstr) and status(entry, memory) != "machine"


def _carry_forward(
    tmpl: polib.POEntry, old: polib.POEntry, suggestion: Suggestion | None, memory: Memory
) -> polib.POEntry:
    """Same key as before: keep the translator's msgstr, flags and comments; refresh ours.

    Only text that is not human work (empty, or a fuzzy machine suggestion) gives
    way to a newer suggestion.
    """
    entry = _copy_template(tmpl)
    entry.msgstr, entry.tcomment = old.msgstr, old.tcomment
    entry.flags = _merge_flags(tmpl.flags, old.flags)
    if "fuzzy" in old.flags:
        entry.previous_msgid, entry.previous_msgctxt = old.previous_msgid, old.previous_msgctxt
    if suggestion is not None and not is_human_work(old, memory) and old.msgstr != suggestion.text:
        entry.msgstr, entry.previous_msgid, entry.previous_msgctxt = suggestion.text, None, None
        _set_fuzzy(entry)
    return entry


def _merge_flags(template_flags: list[str], old_flags: list[str]) -> list[str]:
    """Translator's flags (fuzzy, no-wrap, no-python-brace-format, …) plus the format flag we decide."""
    kept = [f for f in old_flags if f != FORMAT_FLAG]
    return kept + [f for f in template_flags if f not in kept and f"no-{f}" not in kept]


def _fill_fresh(
    fresh: list[polib.POEntry],
    leftovers: dict[tuple, polib.POEntry],
    suggestions: dict[str, Suggestion],
    memory: Memory,
) -> None:
    """New keys: take over a close human translation (fuzzy, ``#| msgid``), else the machine's.

    A taken-over entry leaves ``leftovers``, so its text lives on in exactly one place.
    """
    pool = {key: e for key, e in leftovers.items() if is_human_work(e, memory)}
    for entry in fresh:
        key = _closest(entry, pool)
        if key is not None:
            del pool[key]
            _take_over(entry, leftovers.pop(key))
        elif entry.msgid in suggestions:
            entry.msgstr = suggestions[entry.msgid].text
        if entry.msgstr:
            _set_fuzzy(entry)


def _closest(entry: polib.POEntry, pool: dict[tuple, polib.POEntry]) -> tuple | None:
    """The same words under another context first, else the most similar source (difflib, as Babel)."""
    by_msgid: dict[str, tuple] = {}
    for key in pool:
        by_msgid.setdefault(key[1], key)
    if entry.msgid in by_msgid:
        return by_msgid[entry.msgid]
    words = _words(entry.msgid)
    shortlist = heapq.nlargest(
        SHORTLIST, by_msgid, key=lambda msgid: _shared_words(words, _words(msgid))
    )
    close = difflib.get_close_matches(entry.msgid, shortlist, n=1, cutoff=FUZZY_CUTOFF)
    return by_msgid[close[0]] if close else None


@lru_cache(maxsize=4096)
def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def _shared_words(a: Counter, b: Counter) -> float:
    """A cheap first cut before difflib's character ratio, which is slow on a whole brief of edits."""
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def _take_over(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Carry a translation to a changed source; ``#|`` shows the source it was last reviewed against.

    Like msgmerge, an entry already fuzzy keeps its older previous msgid, so the
    translator diffs against what they actually translated.
    """
    entry.msgstr, entry.tcomment = old.msgstr, old.tcomment
    entry.flags = _merge_flags(entry.flags, old.flags)
    if "fuzzy" in old.flags and old.previous_msgid is not None:
        entry.previous_msgid, entry.previous_msgctxt = old.previous_msgid, old.previous_msgctxt
    else:
        entry.previous_msgid, entry.previous_msgctxt = old.msgid, old.msgctxt


def _set_fuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")


def _annotate(
    entry: polib.POEntry, suggestion: Suggestion | None, memory: Memory, termbase: Termbase
) -> None:
    """Our ``#.`` lines: template comments, termbase hits, engine and QA notes for machine text."""
    lines = [c for c in entry.comment.split("\n") if c and not c.startswith(_GENERATED_COMMENT)]
    lines += [hit.comment() for hit in termbase.hits(entry.msgid)]
    if suggestion is not None and entry.msgstr == suggestion.text:
        lines.append(MACHINE_PREFIX + suggestion.origin)
        lines += [QA_PREFIX + problem for problem in suggestion.problems]
    elif entry.msgstr and memory.is_machine(entry.msgid, entry.msgstr):
        lines.append(MACHINE_PREFIX + "earlier suggestion")
    entry.comment = "\n".join(lines)


def _keep_obsolete(po: polib.POFile, leftovers: dict[tuple, polib.POEntry], memory: Memory) -> None:
    """Vanished human work stays as ``#~`` (revived if it returns); unreviewed machine text is dropped."""
    for old in leftovers.values():
        if old.obsolete or is_human_work(old, memory):
            old.obsolete = True
            po.append(old)


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
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
