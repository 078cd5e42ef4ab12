"""Document + catalog → the localized page.

Every translation is decoded against its *source* unit (:func:`locbrief.segment.decode`),
so markup only ever comes from the source and text from a PO file is always
escaped by lxml. Locale data (dates, language names, text direction) comes
from Babel; the page's own strings come from the package's gettext catalog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polib
from babel import Locale
from babel.dates import format_date
from babel.support import Translations
from lxml import etree
from lxml.html import builder as E

from .model import Block, Document, Inline, NoteRef, Span, Suggestion, Unit
from .protect import URL
from .segment import DecodeError, decode, join_sentences

LOCALE_DIR = Path(__file__).parent / "locale"
SAFE_TAGS = {"em", "strong", "b", "i", "a", "abbr", "br", "sub", "sup", "code", "q", "cite", "span", "small", "s", "u", "mark", "dfn", "time", "bdi", "wbr"}
SAFE_ATTRS = {"href", "title", "lang", "datetime", "cite"}


@dataclass
class Translation:
    """The text chosen for one unit on the page, and why."""
    inline: list[Inline]
    status: str                  # reviewed, fuzzy, machine, untranslated, source
    problems: list[str] = field(default_factory=list)


@dataclass
class PageResult:
    html: str
    counts: dict[str, int]
    problems: list[str]          # one line each, file:line: what fell back and why


def page_strings(lang: str):
    """gettext for the page's own strings ("Endnotes", "Back to text", the banner)."""
    return Translations.load(str(LOCALE_DIR), [lang, lang.split("_")[0]], domain="locbrief")


def choose_translations(units: list[Unit], po: polib.POFile | None, po_path: str,
                        suggestions: dict[str, Suggestion], status_of) -> dict[tuple, Translation]:
    """For each unit: the PO's msgstr if it fits the source, else the machine suggestion, else the source."""
    entries = {(e.msgctxt, e.msgid): e for e in po or [] if not e.obsolete}
    chosen: dict[tuple, Translation] = {}
    for unit in units:
        if unit.key in chosen:
            continue
        entry = entries.get(unit.key)
        problems = []
        if entry is not None and entry.msgstr:
            try:
                chosen[unit.key] = Translation(decode(unit, entry.msgstr), status_of(entry))
                continue
            except DecodeError as exc:
                problems.append(f"{po_path}:{entry.linenum}: {exc}; the page uses the machine suggestion "
                                "until the msgstr is fixed")
        chosen[unit.key] = _fallback(unit, suggestions.get(unit.msgid), problems)
    return chosen


def _fallback(unit: Unit, suggestion: Suggestion | None, problems: list[str]) -> Translation:
    if suggestion is not None:
        try:
            return Translation(decode(unit, suggestion.text), "machine", problems)
        except DecodeError as exc:
            problems.append(f"machine suggestion for {unit.block} unusable ({exc}); source text shown")
    return Translation(decode(unit, unit.msgid), "untranslated", problems)


def source_translations(units: list[Unit]) -> dict[tuple, Translation]:
    """The source page: every unit as itself."""
    return {u.key: Translation(decode(u, u.msgid), "source") for u in units}


# ---------------------------------------------------------------- page

def render_page(doc: Document, units: list[Unit], chosen: dict[tuple, Translation], lang: str,
                languages: list[str], review: bool = False) -> PageResult:
    """The whole HTML page for one language."""
    locale = Locale.parse(lang)
    _ = page_strings(lang).gettext
    by_block: dict[str, list[Unit]] = {}
    for unit in units:
        by_block.setdefault(unit.block, []).append(unit)
    content = {b.id: _block_content(b, by_block.get(b.id, []), chosen, review) for b in doc.blocks}
    counts = _counts(units, chosen)
    title = _text_of(content, doc, "title") or doc.name
    head = E.HEAD(E.META(charset="utf-8"),
                  E.META(name="viewport", content="width=device-width, initial-scale=1"),
                  E.TITLE(title),
                  E.META(name="description", content=_text_of(content, doc, "meta_description")
                         or _text_of(content, doc, "dek") or title),
                  *[E.LINK(rel="alternate", hreflang=_bcp47(other), href=f"../{other}/{doc.name}.html")
                    for other in languages],
                  E.STYLE(STYLE))
    body = E.BODY(_language_switcher(doc, lang, languages, _),
                  *([_banner(counts, _)] if lang != doc.lang else []),
                  _article(doc, content, lang, locale, _))
    html = E.HTML(head, body, lang=_bcp47(lang), dir=locale.text_direction)
    text = "<!DOCTYPE html>\n" + etree.tostring(html, encoding="unicode", method="html", pretty_print=True)
    problems = [p for t in chosen.values() for p in t.problems]
    return PageResult(text, counts, problems)


def _bcp47(lang: str) -> str:
    return lang.replace("_", "-")


def _counts(units: list[Unit], chosen: dict[tuple, Translation]) -> dict[str, int]:
    counts: dict[str, int] = {"units": 0}
    for key in dict.fromkeys(u.key for u in units):
        counts["units"] += 1
        counts[chosen[key].status] = counts.get(chosen[key].status, 0) + 1
    return counts


def _block_content(block: Block, units: list[Unit], chosen, review: bool) -> list:
    """The block's inline content in the page language, as lxml children (text escaped)."""
    if not units:
        return _inline_nodes(block.content, block)
    parts = []
    for unit in sorted(units, key=lambda u: u.index):
        translation = chosen[unit.key]
        if review:
            parts.append([Span("span", {"class": f"unit {translation.status}",
                                        "title": translation.status}, translation.inline)])
        else:
            parts.append(translation.inline)
    return _inline_nodes(join_sentences(parts), block)


def _inline_nodes(items: list[Inline], block: Block) -> list:
    nodes = []
    for item in items:
        if isinstance(item, str):
            nodes.extend(_linkified(item) if block.kind == "endnote" else [item])
        elif isinstance(item, NoteRef):
            nodes.append(E.A(E.SUP(str(item.number)), href=f"#note-{item.number}",
                             id=f"ref-{item.number}", role="doc-noteref", **{"class": "noteref"}))
        else:
            nodes.append(_span_node(item, block))
    return nodes


def _span_node(span: Span, block: Block):
    tag = span.tag if span.tag in SAFE_TAGS else "span"
    attrs = {k: v for k, v in span.attrs.items() if k in SAFE_ATTRS or k == "class"}
    if "href" in attrs and not re.match(r"(https?:|mailto:|#|/|\.\.?/|[\w.-]+(?:/|$))", attrs["href"]):
        del attrs["href"]
    node = etree.Element(tag, **attrs)
    _append_children(node, _inline_nodes(span.children, block))
    return node


def _linkified(text: str) -> list:
    """Endnote text with its URLs as links."""
    nodes, pos = [], 0
    for m in re.finditer(URL, text):
        nodes.append(text[pos:m.start()])
        href = m.group(0) if m.group(0).startswith("http") else "https://" + m.group(0)
        nodes.append(E.A(m.group(0), href=href))
        pos = m.end()
    nodes.append(text[pos:])
    return [n for n in nodes if not isinstance(n, str) or n]


def _append_children(node, children: list) -> None:
    for child in children:
        if isinstance(child, str):
            if len(node):
                node[-1].tail = (node[-1].tail or "") + child
            else:
                node.text = (node.text or "") + child
        else:
            node.append(child)


def _element(tag: str, children: list, **attrs):
    node = etree.Element(tag, **{k.rstrip("_"): v for k, v in attrs.items()})
    _append_children(node, children)
    return node


def _text_of(content: dict, doc: Document, kind: str) -> str:
    block = next((b for b in doc.blocks if b.kind == kind), None)
    if block is None:
        return ""
    node = _element("span", content[block.id])
    return " ".join("".join(node.itertext()).split())


def _language_switcher(doc: Document, lang: str, languages: list[str], _):
    items = []
    for other in languages:
        name = Locale.parse(other).display_name or other
        link = E.A(name, href=f"../{other}/{doc.name}.html", hreflang=_bcp47(other), lang=_bcp47(other))
        if other == lang:
            link.set("aria-current", "page")
        items.append(E.LI(link))
    return E.NAV(E.UL(*items), **{"class": "languages", "aria-label": _("Languages")})


def _banner(counts: dict[str, int], _):
    total = max(counts.get("units", 0), 1)
    reviewed = counts.get("reviewed", 0)
    percent = round(100 * reviewed / total)
    message = _("%(percent)d%% of this page has been reviewed by a translator; "
                "the rest is machine translation.") % {"percent": percent}
    return E.P(message, role="note", **{"class": "review-banner", "data-reviewed": str(percent)})


def _article(doc: Document, content: dict, lang: str, locale: Locale, _):
    header, sections = E.HEADER(), []
    current = None
    lists: dict[str, object] = {}
    for block in doc.blocks:
        node = _block_node(block, content[block.id], doc, locale, _)
        if node is None:
            continue
        if block.kind in ("topic", "date", "title", "dek", "byline") and current is None:
            header.append(node)
            continue
        if block.kind == "heading" and block.level <= 2:
            current = E.SECTION(node, **{"aria-labelledby": block.id})
            sections.append(current)
            lists = {}
            continue
        if current is None:
            current = E.SECTION()
            sections.append(current)
        container = _list_for(block, current, lists)
        container.append(node)
    return E.ARTICLE(header, *sections)


def _list_for(block: Block, section, lists: dict):
    """Key points and endnotes go into one ordered list per section; other blocks straight in."""
    kinds = {"key_point": ("ol", {"class": "key-points"}), "endnote": ("ol", {"class": "endnotes", "role": "doc-endnotes"}),
             "list_item": ("ul", {})}
    if block.kind not in kinds:
        lists.clear()
        return section
    if block.kind not in lists:
        tag, attrs = kinds[block.kind]
        lists.clear()
        lists[block.kind] = etree.SubElement(section, tag, **attrs)
    return lists[block.kind]


def _block_node(block: Block, children: list, doc: Document, locale: Locale, _):
    kind = block.kind
    if kind == "date":
        return _date_node(doc, locale, children)
    if kind == "meta_description":
        return None
    if kind == "title":
        return _element("h1", children)
    if kind == "heading":
        return _element(f"h{min(max(block.level, 2), 6)}", children, id=block.id)
    if kind in ("key_point", "list_item"):
        return _element("li", children, id=block.id)
    if kind == "endnote":
        back = E.A("↩", href=f"#ref-{block.number}", role="doc-backlink",
                   **{"aria-label": _("Back to text"), "class": "backlink"})
        return _element("li", children + [" ", back], id=f"note-{block.number}", role="doc-endnote")
    if kind == "caption":
        return E.FIGURE(_element("figcaption", children))
    if kind == "quote":
        return E.BLOCKQUOTE(_element("p", children))
    classes = {"topic": "topic", "dek": "dek", "byline": "byline", "author_name": "author-name",
               "author_role": "author-role", "author_org": "author-org"}
    return _element("p", children, class_=classes.get(kind, kind.replace("_", "-")), id=block.id)


def _date_node(doc: Document, locale: Locale, children: list):
    """The publication date, rendered by Babel for the page's locale from the source value."""
    iso = doc.meta.get("date")
    if not iso:
        return _element("p", children, class_="date")
    value = date.fromisoformat(iso)
    return E.P(E.TIME(format_date(value, format="long", locale=locale), datetime=iso), **{"class": "date"})


STYLE = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5b5b66; --accent: #0b5394; }
body { font: 1.05rem/1.6 Georgia, 'Times New Roman', serif; color: var(--ink); margin: 0 auto;
       max-width: 44rem; padding: 1rem 1.25rem 4rem; }
h1, h2, h3, .languages, .review-banner, .topic, .date, .byline { font-family: system-ui, sans-serif; }
h1 { font-size: 2.2rem; line-height: 1.2; margin: .4em 0; }
.dek { font-size: 1.25rem; color: var(--muted); }
.languages ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; font-size: .9rem; }
.languages a[aria-current] { font-weight: bold; text-decoration: none; color: var(--ink); }
.review-banner { background: #fff4ce; border-left: 4px solid #e0a800; padding: .5rem .75rem; font-size: .9rem; }
a { color: var(--accent); }
a.noteref { text-decoration: none; }
sup { line-height: 0; }
.endnotes { font-size: .9rem; overflow-wrap: anywhere; }
.endnotes li:target, a.noteref:target { background: #fff4ce; }
.key-points li { margin-bottom: .5rem; }
figure { margin: 1.5rem 0; padding: .5rem; border: 1px solid #ddd; }
.unit.machine, .unit.untranslated { background: #ffe3e3; }
.unit.fuzzy { background: #fff4ce; }
@media print { .languages, .review-banner, .backlink { display: none; } body { max-width: none; }
  a { color: inherit; } }
"""
