"""Exchange with the tools teams already use: TMX memories in and out, TBX and CSV glossaries in.

Files are read and written through translate-toolkit's storage classes
(``translate.storage.tmx``, ``tbx``, ``csvl10n``), the same ones Pootle, Weblate
and Virtaal use; nothing here writes XML by hand.

* ``tm import``: each TMX unit with a segment in the source language and one in
  the target language becomes an *imported* record of the memory, with its
  origin (file, tool, date). The merge offers it as a fuzzy match (100% when the
  sentences differ only by note markers or inline tags), never as reviewed text:
  a team's memory was reviewed for other documents, so a translator confirms
  each use in context. Language tags are matched as BCP 47 lookup (RFC 4647
  §3.4): for es_MX, a segment in ``es-MX`` (or ``es_MX``, any case) wins over one
  in ``es``; ``es-ES`` is another language. The source side is filtered: ``en``
  takes ``en``, ``en-US``, ``en-GB``.
* ``tm export``: the reviewed memory as TMX 1.4; placeholders (``{0}``) and
  tags (``<em1>``) stay in the text, as OmegaT keeps its own tags.
* ``terms import``: TBX (TBX-Basic/core: ``termEntry``/``langSet``/``tig``) or CSV
  glossaries appended to ``termbase.tsv``; existing rows are kept byte for byte.

A file that is not well-formed, has no unit in the language or a segment with
markup a unit cannot hold is refused with one line naming ``file:line``, and
nothing is imported from it: memory and termbase are written once, atomically,
after the whole file has been read.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from locbrief.files import read_bytes, write_atomically
from locbrief.locales import bcp47
from locbrief.markup import INLINE_TAGS
from locbrief.model import LocbriefError
from locbrief.translate.memory import Memory

#: TMX inline elements standing for a code of their own (a line break, an image, a variable).
_STANDALONE = frozenset({"ph", "it", "x", "ut"})
#: A placeholder, a doubled brace (kept), or a lone brace (doubled, as a msgid writes it).
_BRACE = re.compile(r"\{\{|\}\}|\{\d+\}|[{}]")
#: An HTML element's name at the start of a native code (``<em>``, ``</a>``, ``<br/>``).
_NATIVE_TAG = re.compile(r"\s*</?\s*([A-Za-z][\w-]*)")


# ---------------------------------------------------------------- language tags


def _subtags(tag: str) -> list[str]:
    return [t for t in re.split(r"[-_]", tag.strip().lower()) if t]


def lookup_rank(tag: str | None, wanted: str) -> int:
    """How specifically ``tag`` names ``wanted`` (RFC 4647 lookup): 0 when it does not.

    >>> [lookup_rank(t, "es_MX") for t in ("es-MX", "ES_mx", "es", "es-ES", "pt")]
    [2, 2, 1, 0, 0]
    """
    have, want = _subtags(tag or ""), _subtags(wanted)
    return len(have) if have and want[: len(have)] == have else 0


def _looked_up(lang: str) -> str:
    """The tags a lookup for ``lang`` accepts, in words: 'es-MX (or es)'.

    >>> _looked_up("es_MX"), _looked_up("fr")
    ('es-MX (or es)', 'fr')
    """
    tags = _subtags(lang)
    return bcp47(lang) + (f" (or {tags[0]})" if len(tags) > 1 else "")


def filter_rank(tag: str | None, wanted: str) -> int:
    """``tag`` falls under ``wanted`` (RFC 4647 basic filtering) or ``wanted`` under it; 0 if not.

    >>> [filter_rank(t, "en") for t in ("en", "en-US", "EN_gb", "es")]
    [1, 1, 1, 0]
    """
    have, want = _subtags(tag or ""), _subtags(wanted)
    if not have:
        return 0
    if have[: len(want)] == want:
        return len(want)
    return lookup_rank(tag, wanted)


# ---------------------------------------------------------------- TMX import


@dataclass
class TmxImport:
    """What a TMX import did, for its summary line."""

    units: int = 0  # translation units in the file
    added: int = 0  # new or changed memory records
    unchanged: int = 0
    without_target: int = 0  # units with no segment in the language
    languages: set[str] = field(default_factory=set)
    tool: str = ""  # the tool that wrote the file, as its header says


def import_tmx(path: Path | str, lang: str, source_lang: str, memory: Memory) -> TmxImport:
    """Read a TMX file into ``memory`` (the caller saves): all its units, or an error and none."""
    from translate.storage.tmx import tmxfile

    path = Path(path)
    store = _parse(tmxfile, path, "tmx", "a TMX file")
    header = store.document.getroot().find("header")
    tool = " ".join(
        v for v in (_attr(header, "creationtool"), _attr(header, "creationtoolversion")) if v
    )
    report, pairs = TmxImport(tool=tool), []
    for unit in store.units:
        report.units += 1
        nodes = unit.getlanguageNodes()
        report.languages.update(_lang_of(n) or "?" for n in nodes)
        source = _best(nodes, source_lang, filter_rank)
        target = _best([n for n in nodes if n is not source], lang, lookup_rank)
        if source is None or target is None:
            report.without_target += source is not None
            continue
        source_text, numbers = _segment_text(unit, source, path, {})
        target_text, _ = _segment_text(unit, target, path, numbers)
        if not source_text.strip() or not target_text.strip():
            continue
        date = _date(target, unit.xmlelement, header)
        origin = {"file": path.name, "tool": tool, "date": date}
        pairs.append((source_text, target_text, {k: v for k, v in origin.items() if v}))
    if not pairs:
        body = store.document.getroot().find("body")
        raise LocbriefError(
            f"no translation unit has segments in {bcp47(source_lang)} and {_looked_up(lang)}; "
            "the file's languages: "
            f"{', '.join(sorted(report.languages)) or 'none'}; import it with the --lang it holds",
            str(path),
            body.sourceline if body is not None else 1,
        )
    for source_text, target_text, origin in pairs:
        if memory.remember_imported(source_text, target_text, origin):
            report.added += 1
        else:
            report.unchanged += 1
    return report


#: Beside the memory: one row per TMX import that added translations. The workflow's merge
#: reads it as an input, so the next run merges every brief of the language again.
IMPORTS_LOG = "tm-imports.tsv"
_IMPORTS_HEADER = "imported\tfile\ttool\tunits\n"


def log_import(memory_path: Path | str, file: Path | str, report: TmxImport) -> Path:
    """Append the import to ``tm-imports.tsv`` beside the memory (atomically); its path."""
    path = Path(memory_path).parent / IMPORTS_LOG
    original = read_bytes(path)
    text = original.decode("utf-8") or _IMPORTS_HEADER
    today = datetime.date.today().isoformat()
    text += f"{today}\t{Path(file).name}\t{report.tool}\t{report.added}\n"
    write_atomically(path, text, expected=original)
    return path


#: What to do when a file's root element is not the one its format needs.
_ROOT_HINTS = {"martif": " (TBX 2008, ISO 30042:2008, is read; save a TBX v3 file as TBX 2008)"}


def _parse(store_class, path: Path, root: str, kind: str):
    """The translate-toolkit store of ``path``; a broken file is one line naming its line."""
    data = read_bytes(path)
    if not data.strip():
        raise LocbriefError(f"empty file, not {kind}", str(path))
    try:
        document = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise LocbriefError(
            f"not well-formed XML ({exc.msg}); nothing was imported — fix the file and import again",
            str(path),
            exc.lineno,
        ) from None
    if etree.QName(document).localname != root:
        raise LocbriefError(
            f"not {kind}: the root element is <{etree.QName(document).localname}>, not <{root}>"
            + _ROOT_HINTS.get(root, ""),
            str(path),
            document.sourceline,
        )
    return store_class.parsestring(data)


def _attr(element, name: str) -> str:
    return (element.get(name) or "").strip() if element is not None else ""


def _lang_of(node) -> str | None:
    """A ``tuv``'s or ``langSet``'s language: ``xml:lang`` (TMX 1.4, TBX) or ``lang`` (TMX 1.1)."""
    return node.get("{http://www.w3.org/XML/1998/namespace}lang") or node.get("lang")


def _best(nodes: list, wanted: str, rank) -> object | None:
    """The node whose language names ``wanted`` most specifically (the first of equals)."""
    ranked = [(rank(_lang_of(n), wanted), -i, n) for i, n in enumerate(nodes)]
    ranked = [r for r in ranked if r[0]]
    return max(ranked, key=lambda r: r[:2])[2] if ranked else None


def _date(tuv, tu, header) -> str:
    """The segment's date (changed, else created; the unit's, else the file's) as YYYY-MM-DD."""
    for element in (tuv, tu, header):
        for name in ("changedate", "creationdate"):
            value = _attr(element, name)
            if re.match(r"\d{8}", value):
                return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return ""


def _segment_text(unit, tuv, path: Path, numbers: dict[str, tuple[str, int]]):
    """A ``seg`` as a msgid writes it: paired codes → ``<em1>…</em1>``, standalone → ``{n}``.

    ``numbers`` maps the source segment's ``i`` attributes to tag names and numbers,
    so the target's tags are the source's. Returns the text and that map.
    """
    seg = tuv.find(unit.namespaced("seg"))
    if seg is None:
        raise LocbriefError("a <tuv> without its <seg>", str(path), tuv.sourceline)
    numbers, parts, open_tags, standalone = dict(numbers), [_escape(seg.text)], {}, 0
    for child in seg:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name == "bpt":
            key = child.get("i") or child.get("x") or str(len(numbers) + 1)
            tag = numbers.get(key) or (_native_name(child, path), len(numbers) + 1)
            numbers[key] = open_tags[key] = tag
            parts.append(f"<{tag[0]}{tag[1]}>")
        elif name == "ept":
            tag = open_tags.pop(child.get("i") or "", None)
            if tag is None:
                raise _cannot_hold(path, child, "an <ept> closes no <bpt> of its segment")
            parts.append(f"</{tag[0]}{tag[1]}>")
        elif name in _STANDALONE:
            parts.append("{%d}" % standalone)
            standalone += 1
        elif name == "hi":
            parts.append(_escape("".join(child.itertext())))
        elif name:
            raise _cannot_hold(path, child, f"a <{name}> inside a segment")
        parts.append(_escape(child.tail))
    if open_tags:
        raise _cannot_hold(path, seg, "a <bpt> whose <ept> is missing")
    return "".join(parts), numbers


def _native_name(bpt, path: Path) -> str:
    """The tag a ``<bpt>`` opens: its HTML element when it is inline markup, else ``g`` (a code)."""
    m = _NATIVE_TAG.match("".join(bpt.itertext()))
    if m is None:
        return "g"
    name = m.group(1).lower()
    if name in INLINE_TAGS:
        return name
    if name in _BLOCK_OR_UNSAFE:
        raise _cannot_hold(path, bpt, f"a <{name}> inside a segment")
    return "g"


#: HTML elements a sentence cannot hold: blocks and what runs code or embeds documents.
_BLOCK_OR_UNSAFE = frozenset(
    re.findall(
        r"\w+",
        "p div table tr td th ul ol li dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre section article "
        "header footer nav aside figure script style iframe object embed form",
    )
)


def _cannot_hold(path: Path, element, what: str) -> LocbriefError:
    return LocbriefError(
        f"{what}: a locbrief unit holds one sentence with inline markup (em, strong, a, …) "
        "only; fix or remove that unit and import again (nothing was imported)",
        str(path),
        element.sourceline,
    )


def _escape(text: str | None) -> str:
    """Text as a msgid holds it: ``{0}`` stays a placeholder, a lone brace is doubled."""
    return _BRACE.sub(lambda m: m.group(0) * (2 if len(m.group(0)) == 1 else 1), text or "")


# ---------------------------------------------------------------- TMX export


def export_tmx(memory: Memory, lang: str, source_lang: str, path: Path | str, version: str) -> int:
    """Write the reviewed memory to ``path`` as TMX 1.4; returns the number of units."""
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=bcp47(source_lang), targetlanguage=bcp47(lang))
    header = store.document.getroot().find("header")
    header.set("creationtool", "locbrief")
    header.set("creationtoolversion", version)
    records = memory.reviewed_records()
    for record in records:
        unit = store.addsourceunit(record["msgid"], bcp47(source_lang))
        unit.settarget(record["text"], bcp47(lang))
        if record.get("msgctxt"):
            unit.setcontext(record["msgctxt"])
        if record.get("brief"):
            unit.addnote(f"brief: {record['brief']}")
    write_atomically(path, bytes(store).decode("utf-8"))
    return len(records)


# ---------------------------------------------------------------- glossaries


@dataclass
class TermsImport:
    """What a glossary import did: rows added, entries already there, conflicts left out."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    source: str
    target: str
    note: str
    grammar: str
    line: int


def import_terms(
    path: Path | str, lang: str, source_lang: str, termbase_path: Path | str
) -> TermsImport:
    """Append a TBX or CSV glossary's entries to the termbase, atomically; report what was done.

    An entry the termbase already has with the same target is skipped; with
    another target it is a conflict, listed and left out (the termbase wins).
    A name whose translation is itself becomes a do-not-translate row (``=``).
    """
    from locbrief.translate.termbase import _check_script, _parse_row, load_termbase

    path, termbase_path = Path(path), Path(termbase_path)
    if path.suffix.lower() == ".tbx":
        entries = _tbx_entries(path, lang, source_lang)
    else:
        entries = _csv_entries(path, lang, source_lang)
    original = read_bytes(termbase_path)
    known = {_term_key(t.source, t.exact_case): t for t in load_termbase(termbase_path, lang).terms}
    report, rows = TermsImport(), []
    for entry in entries:
        exact = entry.source != entry.source.lower()
        target = "=" if entry.target == entry.source else entry.target
        cells = [entry.source, target, "exact" if exact else "any", entry.note, entry.grammar]
        try:
            term = _parse_row(cells, path, entry.line)
            _check_script(term, lang, path, entry.line)
        except LocbriefError as exc:
            raise LocbriefError(
                f"{exc.message}; nothing was imported", str(path), entry.line
            ) from None
        old = known.get(_term_key(term.source, False)) or known.get(_term_key(term.source, True))
        if old is not None:
            same = old.target == term.target
            (report.skipped if same else report.conflicts).append(
                entry.source
                + ("" if same else f" (termbase: {old.target or '='}, {path.name}: {target})")
            )
            continue
        known[_term_key(term.source, exact)] = term
        rows.append("\t".join(cells).rstrip("\t"))
        report.added.append(entry.source)
    if rows:
        text = original.decode("utf-8")
        if not text.strip():
            text = "source\ttarget\tcase\tnote\tgrammar\n"
        text += "" if text.endswith("\n") else "\n"
        today = datetime.date.today().isoformat()
        text += f"# {len(rows)} from {path.name}, {today}\n" + "".join(r + "\n" for r in rows)
        write_atomically(termbase_path, text, expected=original)
    return report


def _term_key(source: str, exact: bool) -> tuple[str, bool]:
    return (source if exact else source.lower(), exact)


def _clean(text: str | None) -> str:
    """A cell of the TSV: one line, no tabs."""
    return " ".join((text or "").split())


#: TBX term notes giving the name's gender and number → the termbase's grammar column.
_GENDER = {"masculine": "m", "feminine": "f"}


def _tbx_entries(path: Path, lang: str, source_lang: str) -> list[_Entry]:
    from translate.storage.tbx import tbxfile

    store = _parse(tbxfile, path, "martif", "a TBX file")
    entries, languages = [], set()
    for unit in store.units:
        nodes = unit.getlanguageNodes()
        languages.update(_lang_of(n) or "?" for n in nodes)
        source = _best(nodes, source_lang, filter_rank)
        target = _best([n for n in nodes if n is not source], lang, lookup_rank)
        if source is None or target is None:
            continue
        sources = [t for t in unit.get_target_terms(_lang_of(source)) if not t.deprecated]
        targets = [t for t in unit.get_target_terms(_lang_of(target)) if not t.deprecated]
        if not sources or not targets or not sources[0].text.strip():
            continue
        note = next((n.text for n in (*targets[0].notes, *sources[0].notes) if n.text), "")
        entries.append(
            _Entry(
                _clean(sources[0].text),
                _clean(targets[0].text),
                _clean(note),
                _tbx_grammar(target),
                unit.xmlelement.sourceline,
            )
        )
    if not entries:
        raise _no_entries(path, store.document.getroot().sourceline, lang, source_lang, languages)
    return entries


def _tbx_grammar(lang_set) -> str:
    """``m``, ``f``, ``m.pl``, ``f.pl`` or empty, from the target term's ``termNote``s."""
    notes = {
        (n.get("type") or ""): (n.text or "").strip().lower()
        for n in lang_set.iter()
        if isinstance(n.tag, str) and etree.QName(n).localname == "termNote"
    }
    gender = _GENDER.get(notes.get("grammaticalGender", ""), "")
    plural = notes.get("grammaticalNumber") == "plural"
    return f"{gender or 'm'}.pl" if plural else gender


def _no_entries(path: Path, line: int, lang: str, source_lang: str, languages) -> LocbriefError:
    return LocbriefError(
        f"no entry has terms in {bcp47(source_lang)} and {_looked_up(lang)}; "
        f"the file's languages: {', '.join(sorted(languages)) or 'none'}",
        str(path),
        line,
    )


def _csv_entries(path: Path, lang: str, source_lang: str) -> list[_Entry]:
    """A CSV glossary: a header naming ``source``/``target`` (translate-toolkit's names) or the
    languages, else columns term, translation, note."""
    from translate.storage.csvl10n import csvfile

    data = read_bytes(path)
    try:
        store = csvfile(io.BytesIO(data), fieldnames=["source", "target", "translator_comments"])
    except (ValueError, UnicodeError) as exc:
        raise LocbriefError(f"not a CSV glossary ({exc})", str(path)) from None
    entries = []
    for unit in store.units:
        line = getattr(unit, "_line_number", 0)
        if line <= 1 and filter_rank(unit.source, source_lang) and lookup_rank(unit.target, lang):
            continue  # a header naming the languages
        if not _clean(unit.source) or not _clean(unit.target):
            continue
        entries.append(
            _Entry(_clean(unit.source), _clean(unit.target), _clean(unit.getnotes()), "", line)
        )
    if not entries:
        raise _no_entries(path, 1, lang, source_lang, set())
    return entries
