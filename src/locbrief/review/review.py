"""The bilingual review page: every unit of a brief, source beside translation, with what to look at.

A reviewer reads it top to bottom like the brief itself: status (machine,
fuzzy, reviewed, untranslated, from :func:`locbrief.catalog.status.unit_status`), the QA
findings of :mod:`locbrief.review.check`, the termbase's rules, the words the engine
did not know and left in English (highlighted in the translation), and a link to the
unit's place in the localized page (``<brief>.html#<block anchor>``, beside
this page in ``out/<lang>/``). One self-contained HTML file; no script: a
checkbox hides what needs no look, through CSS alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polib
from lxml import etree
from lxml.html import builder as E

from locbrief.catalog.pofile import entry_key
from locbrief.catalog.status import Status, tally
from locbrief.catalog.status import summary as status_summary
from locbrief.locales import bcp47
from locbrief.markup import INLINE_TAGS, text_alternative
from locbrief.model import TERM_PREFIX, Document, Inline, NoteRef, Span, Unit
from locbrief.publish.page import append_children, block_anchor
from locbrief.review.check import Finding, unknown_words
from locbrief.review.reports import report_page
from locbrief.translate.segment import DecodeError, decode
from locbrief.translate.termbase import Termbase


@dataclass(frozen=True)
class ReviewRow:
    """One unit as the reviewer sees it."""

    unit: Unit
    translation: str
    status: str
    findings: tuple[Finding, ...]
    anchor: str | None
    unknown: tuple[str, ...] = ()  # words the engine did not know, still in the translation

    @property
    def needs_look(self) -> bool:
        return self.status != Status.REVIEWED or bool(self.findings)


def review_rows(
    doc: Document, units: list[Unit], po: polib.POFile, status_of, findings: list[Finding]
) -> list[ReviewRow]:
    """The rows in document order; ``status_of(entry)`` is :func:`locbrief.catalog.status.unit_status` with the language's memory."""
    entries = {entry_key(e): e for e in po if not e.obsolete}
    blocks = {b.id: b for b in doc.blocks}
    by_msgid: dict[str, list[Finding]] = {}
    for finding in findings:
        by_msgid.setdefault(finding.msgid, []).append(finding)
    rows = []
    for unit in units:
        entry = entries.get(unit.key)
        text = entry.msgstr if entry is not None else ""
        state = status_of(entry) if entry is not None else Status.UNTRANSLATED
        block = blocks.get(unit.block)
        rows.append(
            ReviewRow(
                unit,
                text,
                state,
                tuple(by_msgid.get(unit.msgid, ())),
                block_anchor(block) if block else None,
                tuple(unknown_words(entry)) if entry is not None else (),
            )
        )
    return rows


def units_needing_a_look(rows: list[ReviewRow]) -> int:
    """Units (distinct keys, as everywhere; see :data:`locbrief.catalog.status.UNITS`) with a row that needs a look."""
    return len({r.unit.key for r in rows if r.needs_look})


def render_review(doc: Document, rows: list[ReviewRow], lang: str, termbase: Termbase) -> str:
    """The whole review page for one language."""
    title = f"Review: {doc.name} ({lang})"
    counts = tally((r.unit.key, r.status) for r in rows)
    errors = sum(f.severity == "error" for r in rows for f in r.findings)
    warnings = sum(f.severity == "warning" for r in rows for f in r.findings)
    summary = E.P(
        f"{status_summary(counts)}; {units_needing_a_look(rows)} units need a look; "
        f"QA: {errors} errors, {warnings} warnings. ",
        E.A("Open the page", href=f"{doc.name}.html"),
        " · ",
        E.A("QA report", href=f"{doc.name}.qa.html"),
    )
    toggle = E.P(
        E.LABEL(
            E.INPUT(type="checkbox", id="open"),
            " show only units that need a look (not reviewed, or with QA findings)",
        )
    )
    header = E.TR(
        E.TH("#"),
        E.TH("unit"),
        E.TH(f"source ({doc.lang})"),
        E.TH(f"translation ({lang})"),
        E.TH("status"),
        E.TH("QA"),
        E.TH("terms"),
    )
    table = E.TABLE(header, *[_row(i, row, doc, lang, termbase) for i, row in enumerate(rows, 1)])
    return report_page(title, REVIEW_STYLE, summary, toggle, table)


def _row(number: int, row: ReviewRow, doc: Document, lang: str, termbase: Termbase):
    unit = row.unit
    where = (
        E.A(unit.block, href=f"{doc.name}.html#{row.anchor}") if row.anchor else E.SPAN(unit.block)
    )
    qa = E.UL(
        *[
            E.LI(f"{f.severity}: [{f.check}] {f.message}", **{"class": f.severity})
            for f in row.findings
        ]
    )
    terms = E.UL(
        *[E.LI(hit.comment().removeprefix(TERM_PREFIX)) for hit in termbase.hits(unit.msgid)]
    )
    classes = f"{row.status} {'open' if row.needs_look else 'done'}"
    if any(f.severity == "error" for f in row.findings):
        classes += " has-error"
    return E.TR(
        E.TD(str(number)),
        E.TD(where, E.BR(), E.SMALL(unit.kind.replace("_", " "))),
        E.TD(*_rendered(unit, unit.msgid), lang=bcp47(doc.lang)),
        E.TD(*_rendered(unit, row.translation, row.unknown), lang=bcp47(lang)),
        E.TD(row.status),
        E.TD(qa),
        E.TD(terms),
        id=f"u{number}",
        **{"class": classes},
    )


def _rendered(unit: Unit, text: str, unknown: tuple[str, ...] = ()) -> list:
    """The text with its markup shown as markup (note markers as superscripts); raw if it does not decode.

    Words in ``unknown`` (the engine did not know them) are marked.
    """
    if not text:
        return [E.EM("(no translation)", **{"class": "missing"})]
    try:
        return _nodes(decode(unit, text), _unknown_pattern(unknown))
    except DecodeError as exc:
        return [
            E.CODE(text),
            E.BR(),
            E.SMALL(f"does not fit the source: {exc}", **{"class": "error"}),
        ]


def _unknown_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?!\w)"
    )


def _nodes(items: list[Inline], unknown: re.Pattern | None = None) -> list:
    out = []
    for item in items:
        if isinstance(item, str):
            out += _marked(item, unknown)
        elif isinstance(item, NoteRef):
            out.append(E.SUP(str(item.number), **{"class": "note"}))
        else:
            out.append(_span(item, unknown))
    return out


def _marked(text: str, unknown: re.Pattern | None) -> list:
    """``text`` with each word the engine did not know in a <mark>."""
    if unknown is None:
        return [text]
    out: list = []
    for i, part in enumerate(unknown.split(text)):
        if i % 2:
            out.append(E.MARK(part, title=UNKNOWN_TITLE, **{"class": "unknown"}))
        elif part:
            out.append(part)
    return out


UNKNOWN_TITLE = "the engine did not know this word and left it in English"


def _span(span: Span, unknown: re.Pattern | None = None):
    if span.tag == "img":
        return text_alternative(span.attrs)
    # Links are not followed from a review page: the target shows as the title.
    tag = span.tag if span.tag in INLINE_TAGS and span.tag != "a" else "span"
    node = etree.Element(tag, **({"title": span.attrs["href"]} if "href" in span.attrs else {}))
    append_children(node, _nodes(span.children, unknown))
    return node


REVIEW_STYLE = """
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ddd; padding: .35rem .55rem; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th:nth-child(1) { width: 2.5rem; }
th:nth-child(2) { width: 6.5rem; }
th:nth-child(3), th:nth-child(4) { width: 26%; }
th:nth-child(5) { width: 6rem; }
td:nth-child(3), td:nth-child(4) { font-family: Georgia, serif; }
td ul { margin: 0; padding-left: 1rem; font-size: .85rem; }
tr.machine td:nth-child(5), tr.untranslated td:nth-child(5) { background: #ffe3e3; }
tr.fuzzy td:nth-child(5) { background: #fff4ce; }
tr.reviewed td:nth-child(5) { background: #e3f7e3; }
tr.has-error td:first-child { border-left: 4px solid #b00020; }
li.error, small.error { color: #b00020; }
sup.note { color: #0b5394; }
mark.unknown { background: #ffd6a5; text-decoration: underline wavy #b00020; }
body:has(#open:checked) tr.done { display: none; }
"""
