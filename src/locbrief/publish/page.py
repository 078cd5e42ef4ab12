"""Document + catalog → the localized page.

Every translation is decoded against its *source* unit (:func:`locbrief.translate.segment.decode`),
so markup only ever comes from the source and text from a PO file is always
escaped by lxml. Locale data comes from Babel: the language names of the
switcher (each in its own language, :mod:`locbrief.locales`), text direction,
and the dates and figures that are data rather than prose (:mod:`locbrief.publish.localize`).
The page's own strings come from :mod:`locbrief.publish.strings`; the shell around the
article (head metadata, switcher, banner, footer) is the theme's Jinja2
template, filled by :mod:`locbrief.publish.shell`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import polib
from babel import Locale
from babel.dates import format_date
from lxml import etree
from lxml.html import builder as E
from markupsafe import Markup

from locbrief.catalog.pofile import entry_key
from locbrief.catalog.status import Status, tally
from locbrief.locales import bcp47, machine_translation_tag, parse_locale
from locbrief.markup import (
    INLINE_TAGS,
    PAGE_ATTRS,
    TRANSLATED_ATTRS,
    UNSAFE_TAGS,
    absolute_url,
    drawing_element,
    drawing_root,
    is_verbatim,
    remote_url,
    safe_attrs,
    text_alternative,
    verbatim_attrs,
)
from locbrief.model import (
    OUT_OF_FLOW_KINDS,
    Block,
    Document,
    Inline,
    LocbriefError,
    NoteRef,
    Span,
    Suggestion,
    Unit,
    plain_text,
)
from locbrief.publish.localize import data_values, localize_data
from locbrief.publish.shell import Strings, render_shell
from locbrief.publish.strings import page_strings, page_strings_problem
from locbrief.publish.theme import Site
from locbrief.translate.protect import URL
from locbrief.translate.segment import DecodeError, decode, join_sentences

#: The attribute naming each sentence's unit on the page (``<block id>/<index>``): a neutral hook
#: that `locbrief serve` resolves to the unit's PO entry, which itself never reaches out/.
UNIT_ATTR = "data-unit"

#: The style sheet's class for blocks of these kinds.
KIND_CLASSES = {
    "topic": "topic",
    "dek": "dek",
    "byline": "byline",
    "date": "date",
    "author_name": "author-name",
    "author_role": "author-role",
    "author_org": "author-org",
}


@dataclass
class Translation:
    """The text chosen for one unit on the page, and why."""

    inline: list[Inline]
    status: Status
    problems: list[str] = field(default_factory=list)
    #: the text ``inline`` was decoded from: units with the same msgid (one PO entry) but other
    #: placeholder values (notes, code) decode it again with their own
    text: str | None = None

    def for_unit(self, unit: Unit) -> list[Inline]:
        """The inline content for one unit of this msgid, with that unit's notes and code."""
        if self.text is None or not unit.placeholders:
            return self.inline
        try:
            return decode(unit, self.text)
        except DecodeError:
            return self.inline


@dataclass
class PageResult:
    html: str
    counts: dict[str, int]
    problems: list[str]  # one line each, file:line: what fell back and why


# ---------------------------------------------------------------- translations


def choose_translations(
    units: list[Unit],
    po: polib.POFile | None,
    po_path: str,
    suggestions: dict[str, Suggestion],
    status_of,
) -> dict[tuple, Translation]:
    """For each unit: the PO's msgstr if it fits the source, else the machine suggestion, else the source."""
    entries = {entry_key(e): e for e in po or [] if not e.obsolete}
    chosen: dict[tuple, Translation] = {}
    for unit in units:
        if unit.key in chosen:
            continue
        entry = entries.get(unit.key)
        problems = []
        if entry is not None and entry.msgstr:
            try:
                chosen[unit.key] = Translation(
                    decode(unit, entry.msgstr), status_of(entry), text=entry.msgstr
                )
                continue
            except DecodeError as exc:
                problems.append(
                    f"{po_path}:{entry.linenum}: {exc}; the page uses the machine suggestion "
                    "until the msgstr is fixed"
                )
        chosen[unit.key] = _fallback(unit, suggestions.get(unit.msgid), problems)
    return chosen


def _fallback(unit: Unit, suggestion: Suggestion | None, problems: list[str]) -> Translation:
    if suggestion is not None:
        try:
            return Translation(
                decode(unit, suggestion.text), Status.MACHINE, problems, suggestion.text
            )
        except DecodeError as exc:
            problems.append(
                f"machine suggestion for {unit.block} unusable ({exc}); source text shown"
            )
    return Translation(decode(unit, unit.msgid), Status.UNTRANSLATED, problems, unit.msgid)


def source_translations(units: list[Unit]) -> dict[tuple, Translation]:
    """The source page: every unit as itself."""
    return {u.key: Translation(decode(u, u.msgid), Status.SOURCE, text=u.msgid) for u in units}


# ---------------------------------------------------------------- page


def render_page(
    doc: Document,
    units: list[Unit],
    chosen: dict[tuple, Translation],
    lang: str,
    languages: list[str],
    review: bool = False,
    site: Site | None = None,
) -> PageResult:
    """The whole HTML page for one language: the article built here, in the theme's page shell."""
    locale = parse_locale(lang)
    for other in languages:
        parse_locale(other)
    strings = page_strings(lang)
    by_block: dict[str, list[Unit]] = {}
    for unit in units:
        by_block.setdefault(unit.block, []).append(unit)
    page = _Page(doc, lang, locale, strings.gettext, strings.ngettext, review)
    content = page.contents(by_block, chosen)
    counts = _counts(units, chosen)
    title = _text_of(content, doc, "title") or _text_of(content, doc, "page_title") or doc.name
    description = (
        _text_of(content, doc, "meta_description") or _text_of(content, doc, "dek") or title
    )
    body = _layout_article(doc, content, page) if doc.layout else _article(doc, content, page)
    article = etree.tostring(body, encoding="unicode", method="html", pretty_print=True)
    text = render_shell(
        doc,
        lang,
        languages,
        Markup(article),
        title,
        description,
        counts,
        Strings(strings.gettext, strings.ngettext, locale),
        review,
        site or Site(),
    )
    return PageResult(text, counts, _problems(doc, lang, chosen, counts))


@dataclass
class _Page:
    """What every part of one page needs: its language, Babel locale and page strings."""

    doc: Document
    lang: str
    locale: Locale
    _: object
    ngettext: object
    review: bool
    #: source text of an alt or title attribute → its text on this page
    attr_text: dict[str, str] = field(default_factory=dict)

    def contents(self, by_block: dict[str, list[Unit]], chosen) -> dict[str, list]:
        """Every block's content; attribute texts first, so elements carrying them are translated."""
        blocks = sorted(self.doc.blocks, key=lambda b: b.kind != "attribute")
        content: dict[str, list] = {}
        for block in blocks:
            content[block.id] = self.block_content(block, by_block.get(block.id, []), chosen)
            if block.kind == "attribute":
                node = _element("span", list(content[block.id]))
                self.attr_text[plain_text(block.content)] = " ".join(
                    "".join(node.itertext()).split()
                )
        return content

    def attributes(self, attrs: dict[str, str]) -> dict[str, str]:
        """Source attributes for the page: alt and title texts in the page language."""
        return {
            k: self.attr_text.get(" ".join(v.split()), v) if k in TRANSLATED_ATTRS else v
            for k, v in attrs.items()
        }

    def block_content(self, block: Block, units: list[Unit], chosen) -> list:
        """The block's inline content in the page language, as lxml children (text escaped)."""
        if not units:
            return _inline_nodes(block.content, block, self)
        parts = []
        for unit in sorted(units, key=lambda u: u.index):
            parts.append(self.unit_content(unit, chosen[unit.key], block))
        return _inline_nodes(join_sentences(parts), block, self)

    def unit_content(self, unit: Unit, translation: Translation, block: Block) -> list[Inline]:
        """One unit, in a span naming it (:data:`UNIT_ATTR`): data re-rendered for the locale; source
        text and machine text tagged as such (``lang="en"``, ``lang="es-MX-x-mtfrom-en"`` until a
        translator reviews it); highlighted in review."""
        inline = translation.for_unit(unit)
        if translation.status != Status.UNTRANSLATED:
            endnote = block.kind == "endnote"
            inline = localize_data(
                inline,
                data_values(unit.msgid, endnote),
                self.locale,
                endnote,
                as_written=translation.status == Status.SOURCE,
            )
        attrs: dict[str, str] = {UNIT_ATTR: unit_ref(unit)}
        if translation.status == Status.UNTRANSLATED and self.lang != self.doc.lang:
            attrs.update(lang=bcp47(self.doc.lang), dir=parse_locale(self.doc.lang).text_direction)
        if translation.status == Status.MACHINE:
            attrs.update(lang=machine_translation_tag(self.lang, self.doc.lang))
        if self.review and translation.status != Status.SOURCE:
            attrs.update(
                {
                    "class": f"unit {translation.status}",
                    "title": self.status_label(translation.status),
                }
            )
        return [Span("span", attrs, inline)]

    def status_label(self, status: str) -> str:
        _ = self._
        return {
            Status.REVIEWED: _("reviewed by a translator"),
            Status.FUZZY: _("needs review: the source changed"),
            Status.MACHINE: _("machine translation, not reviewed"),
            Status.UNTRANSLATED: _("not translated yet"),
        }.get(status, status)


def unit_ref(unit: Unit) -> str:
    """The value of a unit's :data:`UNIT_ATTR`: its block and its place there, unique on a page."""
    return f"{unit.block}/{unit.index}"


def _problems(
    doc: Document, lang: str, chosen: dict[tuple, Translation], counts: dict[str, int]
) -> list[str]:
    """What fell back and why, one line each: bad msgstrs, missing page strings, a page not translated."""
    problems = [p for t in chosen.values() for p in t.problems]
    if lang == doc.lang:
        return problems
    strings = page_strings_problem(lang, parse_locale(doc.lang).language)
    if strings:
        problems.append(strings)
    untranslated = counts.get(Status.UNTRANSLATED, 0)
    if untranslated:
        problems.append(
            f"{doc.name} ({lang}): {untranslated} of {counts['units']} units have no translation "
            f"and show in the source language ({doc.lang}), marked lang={bcp47(doc.lang)}; "
            "run the suggest and merge stages or translate them in the PO"
        )
    return problems


def _counts(units: list[Unit], chosen: dict[tuple, Translation]) -> dict[str, int]:
    """Units per status, as every report counts them (:func:`locbrief.catalog.status.tally`)."""
    return dict(tally((u.key, chosen[u.key].status) for u in units))


def _inline_nodes(items: list[Inline], block: Block, page: _Page, in_link: bool = False) -> list:
    nodes = []
    for item in items:
        if isinstance(item, str):
            nodes.extend(
                _linkified(item, _source_urls(block))
                if block.kind == "endnote" and not in_link
                else [item]
            )
        elif isinstance(item, NoteRef):
            nodes.append(
                E.A(
                    E.SUP(str(item.number)),
                    href=f"#note-{item.number}",
                    id=f"ref-{item.number}",
                    role="doc-noteref",
                    **{
                        "class": "noteref",
                        "aria-label": page._("Note %(number)s") % {"number": item.number},
                    },
                )
            )
        else:
            nodes.append(_span_node(item, block, page))
    return nodes


def _span_node(span: Span, block: Block, page: _Page):
    """An inline element of the table in :mod:`locbrief.markup`; anything else becomes a ``<span>``.

    Verbatim spans (code, kbd, translate="no", …) are written exactly as read.
    """
    if is_verbatim(span.tag, span.attrs):
        return _verbatim_element(span.tag, span.attrs, span.children)
    tag = span.tag if span.tag in INLINE_TAGS else "span"
    attrs = safe_attrs(
        {k: v for k, v in span.attrs.items() if k in PAGE_ATTRS or k in ("class", "dir", UNIT_ATTR)}
    )  # every URL attribute scheme-filtered (markup.safe_url)
    if tag == "img" and remote_url(attrs.get("src", "")):
        return remote_image_link(page.attributes(attrs))
    node = etree.Element(tag, **page.attributes(attrs))
    append_children(node, _inline_nodes(span.children, block, page, tag == "a"))
    return node


def remote_image_link(attrs: dict[str, str]):
    """An image on another site becomes a link to it (its alt text, else its URL): a page never
    makes a reader's browser, or the PDF step, fetch from another site."""
    src = absolute_url(attrs["src"].strip())
    return E.A(text_alternative(attrs) or src, href=src, **{"class": "remote-image"})


def _source_urls(block: Block) -> frozenset[str]:
    """The URLs written in the source block's own text: the only ones its page may link to."""
    return frozenset(re.findall(URL, plain_text(block.content)))


def _linkified(text: str, allowed: frozenset[str]) -> list:
    """Endnote text with the source's URLs as links.

    A URL that appears only in a translation stays text: a msgstr that swaps a note's
    link for another would otherwise publish a live link to any site.
    """
    nodes, pos = [], 0
    for m in re.finditer(URL, text):
        if m.group(0) not in allowed:
            continue
        nodes.append(text[pos : m.start()])
        href = m.group(0) if m.group(0).startswith("http") else "https://" + m.group(0)
        nodes.append(E.A(m.group(0), href=href))
        pos = m.end()
    nodes.append(text[pos:])
    return [n for n in nodes if not isinstance(n, str) or n]


def append_children(node, children: list) -> None:
    """Add text and elements to an lxml node in order (text becomes .text or the last child's .tail)."""
    for child in children:
        if isinstance(child, str):
            if len(node):
                node[-1].tail = (node[-1].tail or "") + child
            else:
                node.text = (node.text or "") + child
        else:
            node.append(child)


def _element(tag: str, children: list, **attrs):
    node = etree.Element(tag, **{k.rstrip("_"): v for k, v in attrs.items() if v is not None})
    append_children(node, children)
    return node


def _text_of(content: dict, doc: Document, kind: str) -> str:
    block = next((b for b in doc.blocks if b.kind == kind), None)
    if block is None:
        return ""
    node = _element("span", content[block.id])
    return " ".join("".join(node.itertext()).split())


def _article(doc: Document, content: dict, page: _Page):
    header, sections = E.HEADER(), []
    current = None
    lists: dict[str, object] = {}
    for block in doc.blocks:
        node = _block_node(block, content[block.id], doc, page)
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
        if block.kind == "endnote" and current.get("role") is None:
            _endnotes_section(current, page)
        container = _list_for(block, current, lists)
        container.append(node)
    return E.ARTICLE(header, *sections)


def _layout_article(doc: Document, content: dict, page: _Page):
    """The article in the source's own structure (HTML sources), each block's text put in its place."""
    blocks = {b.id: b for b in doc.blocks}
    article = E.ARTICLE()
    append_children(article, _layout_nodes(doc.layout or [], blocks, content, doc, page))
    return article


def _layout_nodes(nodes: list, blocks: dict, content: dict, doc: Document, page: _Page) -> list:
    out: list = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif "block" in node:
            block = blocks[node["block"]]
            children = content[block.id]
            if block.kind == "date" and doc.meta.get("date"):
                children = list(_date_node(doc, page.locale, children))
            out.extend(children)
        elif "note" in node:
            block = blocks[node["note"]]
            note = _block_node(block, content[block.id], doc, page)
            _note_blocks(note, _layout_nodes(node.get("children", []), blocks, content, doc, page))
            out.append(note)
        elif node.get("verbatim"):
            out.append(_verbatim_element(node["tag"], node["attrs"], node["children"]))
        else:
            out.append(_layout_element(node, blocks, content, doc, page))
    return out


def _note_blocks(note, nodes: list) -> None:
    """A note of several blocks: its paragraphs, ``pre`` and lists after its text, before its
    back-link (the last child), each a block of the ``li``, never inside the text's span."""
    if not nodes:
        return
    back = note[-1]
    holder = etree.Element("div")
    append_children(holder, nodes)
    if holder.text:  # text between the note's blocks (whitespace, as a rule)
        previous = back.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + holder.text
        else:
            note.text = (note.text or "") + holder.text
    for child in list(holder):
        back.addprevious(child)


def _layout_element(node: dict, blocks: dict, content: dict, doc: Document, page: _Page):
    """One structural element: its source tag and attributes (the reader gave it its anchor)."""
    attrs = page.attributes(safe_attrs(node.get("attrs", {})))
    if node["tag"] == "img" and remote_url(attrs.get("src", "")):
        return remote_image_link(attrs)
    element = etree.Element(node["tag"], **attrs)
    children = node.get("children", [])
    append_children(element, _layout_nodes(children, blocks, content, doc, page))
    own = [blocks[c["block"]] for c in children if isinstance(c, dict) and "block" in c]
    if len(own) == 1 and own[0].kind in KIND_CLASSES and "class" not in attrs:
        element.set("class", KIND_CLASSES[own[0].kind])  # the style sheet's dek, byline, …
    if node.get("endnotes"):
        element.set("role", "doc-endnotes")
        if not any(isinstance(c, dict) and c.get("tag", "").startswith("h") for c in children):
            element.set("aria-label", page._("Endnotes"))
        for ol in element.iterchildren("ol"):
            ol.set("class", "endnotes")
    return element


def _verbatim_element(tag: str, attrs: dict, children: list, drawing: str = ""):
    """Text shown exactly as in the source (pre, code, math, svg, translate="no"): every character
    kept; inside SVG and MathML only the drawing's allow-list, whatever the document says."""
    drawing = drawing_root(tag, drawing)
    element = etree.Element(tag, **verbatim_attrs(attrs, drawing))
    for child in children:
        if isinstance(child, str):
            append_children(element, [child])
            continue
        inner = (
            (child.tag, child.attrs, child.children)
            if isinstance(child, Span)
            else (child["tag"], child.get("attrs", {}), child["children"])
        )
        if inner[0].lower() not in UNSAFE_TAGS and drawing_element(inner[0], drawing):
            element.append(_verbatim_element(*inner, drawing))
    return element


def _endnotes_section(section, page: _Page) -> None:
    """The section holding the endnotes is the doc-endnotes landmark, labelled even without a heading."""
    section.set("role", "doc-endnotes")
    if section.get("aria-labelledby") is None:
        section.set("aria-label", page._("Endnotes"))


def _list_for(block: Block, section, lists: dict):
    """Key points and endnotes go into one ordered list per section; other blocks straight in."""
    kinds = {
        "key_point": ("ol", {"class": "key-points"}),
        "endnote": ("ol", {"class": "endnotes"}),
        "list_item": ("ul", {}),
    }
    if block.kind not in kinds:
        lists.clear()
        return section
    if block.kind not in lists:
        tag, attrs = kinds[block.kind]
        lists.clear()
        lists[block.kind] = etree.SubElement(section, tag, **attrs)
    return lists[block.kind]


#: Kinds whose element on the page has no id of its own (see :func:`_block_node`).
_UNANCHORED_KINDS = OUT_OF_FLOW_KINDS | {"title", "date", "caption", "quote"}


def block_anchor(block: Block) -> str | None:
    """The fragment of the block's element on the page, or None: the review page links to it.

    An endnote is ``note-<number>`` (the number readers see); an HTML article's element keeps the
    anchor the reader gave it; other blocks are named by their id.
    """
    if block.kind == "endnote":
        return f"note-{block.number}" if block.number is not None else None
    if block.attrs.get("anchor"):
        return block.attrs["anchor"]
    return None if block.kind in _UNANCHORED_KINDS else block.id


def _block_node(block: Block, children: list, doc: Document, page: _Page):
    kind = block.kind
    if kind == "date":
        return _date_node(doc, page.locale, children)
    if kind in OUT_OF_FLOW_KINDS:
        return None
    if kind == "title":
        return _element("h1", children)
    if kind == "heading":
        return _element(f"h{min(max(block.level, 2), 6)}", children, id=block_anchor(block))
    if kind in ("key_point", "list_item"):
        return _element("li", children, id=block_anchor(block))
    if kind == "endnote":
        back = E.A(
            "↩",
            href=f"#ref-{block.number}",
            role="doc-backlink",
            **{"aria-label": page._("Back to text"), "class": "backlink"},
        )
        return _element("li", children + [" ", back], id=block_anchor(block), role="doc-endnote")
    if kind == "caption":
        return E.FIGURE(_element("figcaption", children))
    if kind == "quote":
        return E.BLOCKQUOTE(_element("p", children))
    return _element(
        "p", children, class_=KIND_CLASSES.get(kind, kind.replace("_", "-")), id=block_anchor(block)
    )


def _date_node(doc: Document, locale: Locale, children: list):
    """The publication date, rendered by Babel for the page's locale from the source value."""
    iso = doc.meta.get("date")
    if not iso:
        return _element("p", children, class_="date")
    try:
        value = date.fromisoformat(iso)
    except ValueError:
        raise LocbriefError(
            f"publication date {iso!r} is not an ISO date (YYYY-MM-DD); fix the date line "
            "of the brief",
            doc.source,
        ) from None
    return E.P(
        E.TIME(format_date(value, format="long", locale=locale), datetime=iso), **{"class": "date"}
    )
