"""Document + catalog → the localized page.

Every translation is decoded against its *source* unit (:func:`locbrief.segment.decode`),
so markup only ever comes from the source and text from a PO file is always
escaped by lxml. Locale data comes from Babel: the language names of the
switcher (each in its own language), text direction, and the dates and
figures that are data rather than prose (see :func:`data_values`).

The page's own strings ("Languages", "Back to text", the review banner…)
live in the package's gettext catalog, ``locale/<lang>/LC_MESSAGES/locbrief.po``,
extracted from this module with ``pybabel extract -F babel.cfg`` (``make
page-strings``). The PO files are compiled in memory with
:func:`babel.messages.mofile.write_mo` when a page is built, so no ``.mo`` file
has to be built at install time and none can be stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from lxml import etree
from lxml.html import builder as E

from .model import Block, Document, Inline, LocbriefError, NoteRef, Span, Suggestion, Unit
from .protect import QUOTED_TITLE, URL
from .segment import DecodeError, decode, join_sentences

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "locbrief"
SAFE_TAGS = {
    "em",
    "strong",
    "b",
    "i",
    "a",
    "abbr",
    "br",
    "sub",
    "sup",
    "code",
    "q",
    "cite",
    "span",
    "small",
    "s",
    "u",
    "mark",
    "dfn",
    "time",
    "bdi",
    "wbr",
}
SAFE_ATTRS = {"href", "title", "lang", "datetime", "cite"}


@dataclass
class Translation:
    """The text chosen for one unit on the page, and why."""

    inline: list[Inline]
    status: str  # reviewed, fuzzy, machine, untranslated, source
    problems: list[str] = field(default_factory=list)


@dataclass
class PageResult:
    html: str
    counts: dict[str, int]
    problems: list[str]  # one line each, file:line: what fell back and why


# ---------------------------------------------------------------- locales and page strings


def parse_locale(lang: str, where: str = "") -> Locale:
    """Babel's locale for a CLDR name; an unknown one is an error, never a page in another language."""
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        raise LocbriefError(
            f"unknown locale {lang!r}: Babel has no CLDR data for it; use a CLDR "
            "locale name such as es_MX, pt_BR, fr or ca",
            where or None,
        ) from None


def page_strings(lang: str):
    """gettext for the page's own strings ("Endnotes", "Back to text", the banner)."""
    return _page_catalog(lang)[0]


def page_strings_problem(lang: str, source_lang: str = "en") -> str | None:
    """Why some of the page's own strings will show in English for ``lang`` (None: all translated)."""
    return None if Locale.parse(lang).language == source_lang else _page_catalog(lang)[1]


@cache
def _page_catalog(lang: str) -> tuple[Translations | NullTranslations, str | None]:
    """The package catalog for ``lang`` (or its base language), compiled in memory."""
    locale = Locale.parse(lang)
    for name in dict.fromkeys(
        [
            str(locale),
            f"{locale.language}_{locale.territory}" if locale.territory else locale.language,
            locale.language,
        ]
    ):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return _compiled(path, name)
    wanted = LOCALE_DIR / locale.language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return NullTranslations(), (
        f"{wanted}: no catalog of page strings for {lang}; the page's labels "
        f"are in English — add it with `pybabel init -D {DOMAIN} -i "
        f"{LOCALE_DIR / (DOMAIN + '.pot')} -d {LOCALE_DIR} -l {locale.language}`"
    )


def _compiled(path: Path, name: str) -> tuple[Translations, str | None]:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=name, domain=DOMAIN)
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not _translated(m.string))]
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    problem = None
    if missing:
        first = missing[0] if isinstance(missing[0], str) else missing[0][0]
        problem = (
            f"{path}: {len(missing)} page string(s) untranslated or fuzzy (first: {first!r}); "
            "they show in English until translated"
        )
    return Translations(buffer, DOMAIN), problem


def _translated(string) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def language_name(lang: str) -> str:
    """The language's name in its own words ("español (México)"), from CLDR via Babel."""
    return parse_locale(lang).display_name or lang


# ---------------------------------------------------------------- translations


def choose_translations(
    units: list[Unit],
    po: polib.POFile | None,
    po_path: str,
    suggestions: dict[str, Suggestion],
    status_of,
) -> dict[tuple, Translation]:
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
                problems.append(
                    f"{po_path}:{entry.linenum}: {exc}; the page uses the machine suggestion "
                    "until the msgstr is fixed"
                )
        chosen[unit.key] = _fallback(unit, suggestions.get(unit.msgid), problems)
    return chosen


def _fallback(unit: Unit, suggestion: Suggestion | None, problems: list[str]) -> Translation:
    if suggestion is not None:
        try:
            return Translation(decode(unit, suggestion.text), "machine", problems)
        except DecodeError as exc:
            problems.append(
                f"machine suggestion for {unit.block} unusable ({exc}); source text shown"
            )
    return Translation(decode(unit, unit.msgid), "untranslated", problems)


def source_translations(units: list[Unit]) -> dict[tuple, Translation]:
    """The source page: every unit as itself."""
    return {u.key: Translation(decode(u, u.msgid), "source") for u in units}


# ---------------------------------------------------------------- data: dates and figures
#
# Dates and figures are recognised at page-build time rather than made into
# ``{n}`` placeholders: msgids stay readable for translators ("May 15, 2025",
# not "{1}"), existing PO files keep their msgids, and engines already pass
# figures through untouched (protect.py). The source unit says which values a
# sentence holds; in the translation each is found again — as in the source,
# as Babel renders it, or with the month translated in any order ("mayo 15,
# 2025", "15 de mayo de 2025") — and replaced by Babel's rendering for the
# page's locale. A value the translator reworded beyond recognition is left as
# written. Cited titles (“…” in endnotes) and URLs are never touched.

_EN_MONTHS = [Locale("en").months["format"]["wide"][m] for m in range(1, 13)]
_SOURCE_DATE = re.compile(
    r"\b(?P<month>%s)\.?(?:\s+(?P<day>\d{1,2}),)?\s+(?P<year>\d{4})\b" % "|".join(_EN_MONTHS)
)
_FIGURE = re.compile(r"(?<![\w.,/%-])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w]|[.,]\d)")


@dataclass(frozen=True)
class DataValue:
    """A date or figure in a source sentence: rendered per locale, never retyped by a translator."""

    kind: str  # "date" (day month year), "month" (month year), "number"
    source: str  # as written in the source ("May 15, 2025", "79,000")
    value: date | Decimal

    @property
    def iso(self) -> str:
        return self.value.isoformat()[:7] if self.kind == "month" else str(self.value)


def data_values(msgid: str, endnote: bool = False) -> list[DataValue]:
    """The dates and figures of a source sentence, in order (outside URLs and cited titles)."""
    text = _blank(msgid, endnote)
    values = []
    for m in _SOURCE_DATE.finditer(text):
        day = int(m.group("day") or 1)
        try:
            value = date(int(m.group("year")), _EN_MONTHS.index(m.group("month")) + 1, day)
        except ValueError:
            continue
        values.append(
            (m.start(), DataValue("date" if m.group("day") else "month", m.group(0), value))
        )
    for m in _FIGURE.finditer(text):
        values.append(
            (m.start(), DataValue("number", m.group(0), Decimal(m.group(0).replace(",", ""))))
        )
    return [v for _, v in sorted(values, key=lambda pair: pair[0])]


def render_value(value: DataValue, locale: Locale) -> str:
    """Babel's rendering of a date or figure for ``locale`` (CLDR long date, grouped figures)."""
    if value.kind == "date":
        return format_date(value.value, format="long", locale=locale)
    if value.kind == "month":
        return format_skeleton("yMMMM", value.value, locale=locale)
    decimals = -value.value.as_tuple().exponent
    pattern = locale.decimal_formats[None].pattern
    pattern = re.sub(r"\.[0#]+", "." + "0" * decimals if decimals else "", pattern)
    return format_decimal(value.value, format=pattern, locale=locale)


def localize_data(
    inline: list[Inline], values: list[DataValue], locale: Locale, endnote: bool = False
) -> list[Inline]:
    """A decoded translation with its dates and figures re-rendered by Babel for ``locale``."""
    if not values:
        return inline
    remaining = list(values)
    return _localize_items(inline, remaining, locale, endnote)


def _localize_items(
    items: list[Inline], remaining: list[DataValue], locale: Locale, endnote: bool
) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        if isinstance(item, str):
            out.extend(_localize_text(item, remaining, locale, endnote))
        elif isinstance(item, Span) and item.tag not in ("code", "time"):
            out.append(
                Span(
                    item.tag, item.attrs, _localize_items(item.children, remaining, locale, endnote)
                )
            )
        else:
            out.append(item)
    return out


def _localize_text(
    text: str, remaining: list[DataValue], locale: Locale, endnote: bool
) -> list[Inline]:
    """Each value found (once, left to right, never overlapping another) → Babel's rendering."""
    blanked = _blank(text, endnote)
    found: list[tuple[int, int, DataValue]] = []
    for value in sorted(remaining, key=lambda v: ("date", "month", "number").index(v.kind)):
        for m in _translated_pattern(value, locale).finditer(blanked):
            if all(m.end() <= s or m.start() >= e for s, e, _ in found):
                found.append((m.start(), m.end(), value))
                remaining.remove(value)
                break
    out: list[Inline] = []
    pos = 0
    for start, end, value in sorted(found, key=lambda f: f[0]):
        out.append(text[pos:start])
        rendered = render_value(value, locale)
        out.append(
            Span("time", {"datetime": value.iso}, [rendered])
            if value.kind != "number"
            else rendered
        )
        pos = end
    out.append(text[pos:])
    return [piece for piece in out if piece != ""]


def _blank(text: str, endnote: bool) -> str:
    """``text`` with URLs (and, in endnotes, cited titles) blanked out, offsets kept."""
    patterns = [URL] + ([QUOTED_TITLE] if endnote else [])
    for pattern in patterns:
        text = re.sub(pattern, lambda m: " " * len(m.group(0)), text)
    return text


@lru_cache(maxsize=4096)
def _translated_pattern(value: DataValue, locale: Locale) -> re.Pattern:
    """How ``value`` may stand in a translation: as in the source, as Babel renders it, or reworded."""
    literal = "|".join(
        re.escape(s) for s in dict.fromkeys([value.source, render_value(value, locale)])
    )
    if value.kind == "number":
        digits = value.source.replace(",", "").split(".")
        grouped = r"[,.\s\u00a0\u202f']?".join(re.findall(r"\d{1,3}(?=(?:\d{3})*$)", digits[0]))
        loose = grouped + (r"[.,]" + digits[1] if len(digits) > 1 else "")
        return re.compile(rf"(?<![\w.,]){'(?:' + literal + '|' + loose + ')'}(?![\w]|[.,]\d)")
    months = _month_names(value.value.month, locale)
    year = value.value.year
    if value.kind == "month":
        return re.compile(
            rf"{literal}|\b(?:{months})\.?,?\s+(?:de\s+|del\s+)?{year}\b", re.IGNORECASE
        )
    day = rf"0?{value.value.day}"
    # Last, the source's own shape with the month mistranslated as a word (Apertium: May → "Poder 15, 2025").
    return re.compile(
        rf"{literal}|\b{day}(?:º|°|er|\.)?\s+(?:de\s+|d[’'])?(?:{months})\.?,?\s+(?:de\s+|del\s+)?{year}\b"
        rf"|\b(?:{months})\.?\s+{day}(?:º|°|er)?,?\s+(?:de\s+|del\s+)?{year}\b"
        rf"|\b[^\W\d_]+\s+{value.value.day},\s+{year}\b",
        re.IGNORECASE,
    )


def _month_names(month: int, locale: Locale) -> str:
    """Every name of the month in English and in ``locale`` (wide and abbreviated), longest first."""
    names = set()
    for loc in (Locale("en"), locale):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                name = loc.months[context][width][month]
                names.add(re.sub(r"^(?:de\s+|d[’'])", "", name).rstrip("."))
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


# ---------------------------------------------------------------- page


def render_page(
    doc: Document,
    units: list[Unit],
    chosen: dict[tuple, Translation],
    lang: str,
    languages: list[str],
    review: bool = False,
) -> PageResult:
    """The whole HTML page for one language."""
    locale = parse_locale(lang)
    for other in languages:
        parse_locale(other)
    strings = page_strings(lang)
    by_block: dict[str, list[Unit]] = {}
    for unit in units:
        by_block.setdefault(unit.block, []).append(unit)
    page = _Page(doc, lang, locale, strings.gettext, strings.ngettext, review)
    content = {b.id: page.block_content(b, by_block.get(b.id, []), chosen) for b in doc.blocks}
    counts = _counts(units, chosen)
    title = _text_of(content, doc, "title") or doc.name
    head = E.HEAD(
        E.META(charset="utf-8"),
        E.META(name="viewport", content="width=device-width, initial-scale=1"),
        E.TITLE(title),
        E.META(
            name="description",
            content=_text_of(content, doc, "meta_description")
            or _text_of(content, doc, "dek")
            or title,
        ),
        *_alternates(doc, languages),
        E.STYLE(STYLE),
    )
    translated = lang != doc.lang
    body = E.BODY(
        _language_switcher(doc, lang, languages, page._),
        *([_banner(counts, page, doc.lang)] if translated else []),
        E.MAIN(_article(doc, content, page)),
        *([_footer(doc, page)] if translated else []),
    )
    html = E.HTML(head, body, lang=_bcp47(lang), dir=locale.text_direction)
    text = "<!DOCTYPE html>\n" + etree.tostring(
        html, encoding="unicode", method="html", pretty_print=True
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

    def block_content(self, block: Block, units: list[Unit], chosen) -> list:
        """The block's inline content in the page language, as lxml children (text escaped)."""
        if not units:
            return _inline_nodes(block.content, block, self)
        parts = []
        for unit in sorted(units, key=lambda u: u.index):
            parts.append(self.unit_content(unit, chosen[unit.key], block))
        return _inline_nodes(join_sentences(parts), block, self)

    def unit_content(self, unit: Unit, translation: Translation, block: Block) -> list[Inline]:
        """One unit: data re-rendered for the locale; source text marked as such; highlighted in review."""
        inline = translation.inline
        if translation.status != "untranslated":
            endnote = block.kind == "endnote"
            inline = localize_data(inline, data_values(unit.msgid, endnote), self.locale, endnote)
        attrs: dict[str, str] = {}
        if translation.status == "untranslated" and self.lang != self.doc.lang:
            attrs.update(lang=_bcp47(self.doc.lang), dir=parse_locale(self.doc.lang).text_direction)
        if self.review and translation.status != "source":
            attrs.update(
                {
                    "class": f"unit {translation.status}",
                    "title": self.status_label(translation.status),
                }
            )
        return [Span("span", attrs, inline)] if attrs else inline

    def status_label(self, status: str) -> str:
        _ = self._
        return {
            "reviewed": _("reviewed by a translator"),
            "fuzzy": _("needs review: the source changed"),
            "machine": _("machine translation, not reviewed"),
            "untranslated": _("not translated yet"),
        }.get(status, status)


def _alternates(doc: Document, languages: list[str]) -> list:
    links = [
        E.LINK(rel="alternate", hreflang=_bcp47(other), href=f"../{other}/{doc.name}.html")
        for other in languages
    ]
    if doc.lang in languages:
        links.append(
            E.LINK(rel="alternate", hreflang="x-default", href=f"../{doc.lang}/{doc.name}.html")
        )
    return links


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
    untranslated = counts.get("untranslated", 0)
    if untranslated:
        problems.append(
            f"{doc.name} ({lang}): {untranslated} of {counts['units']} units have no translation "
            f"and show in the source language ({doc.lang}), marked lang={_bcp47(doc.lang)}; "
            "run the suggest and merge stages or translate them in the PO"
        )
    return problems


def _bcp47(lang: str) -> str:
    return lang.replace("_", "-")


def _counts(units: list[Unit], chosen: dict[tuple, Translation]) -> dict[str, int]:
    counts: dict[str, int] = {"units": 0}
    for key in dict.fromkeys(u.key for u in units):
        counts["units"] += 1
        counts[chosen[key].status] = counts.get(chosen[key].status, 0) + 1
    return counts


def _inline_nodes(items: list[Inline], block: Block, page: _Page) -> list:
    nodes = []
    for item in items:
        if isinstance(item, str):
            nodes.extend(_linkified(item) if block.kind == "endnote" else [item])
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
    tag = span.tag if span.tag in SAFE_TAGS else "span"
    attrs = {k: v for k, v in span.attrs.items() if k in SAFE_ATTRS or k in ("class", "dir")}
    if "href" in attrs and not re.match(
        r"(https?:|mailto:|#|/|\.\.?/|[\w.-]+(?:/|$))", attrs["href"]
    ):
        del attrs["href"]
    node = etree.Element(tag, **attrs)
    append_children(node, _inline_nodes(span.children, block, page))
    return node


def _linkified(text: str) -> list:
    """Endnote text with its URLs as links."""
    nodes, pos = [], 0
    for m in re.finditer(URL, text):
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
    node = etree.Element(tag, **{k.rstrip("_"): v for k, v in attrs.items()})
    append_children(node, children)
    return node


def _text_of(content: dict, doc: Document, kind: str) -> str:
    block = next((b for b in doc.blocks if b.kind == kind), None)
    if block is None:
        return ""
    node = _element("span", content[block.id])
    return " ".join("".join(node.itertext()).split())


def _language_switcher(doc: Document, lang: str, languages: list[str], _):
    """Links to every language of the page, each named in its own language by CLDR."""
    items = []
    for other in languages:
        link = E.A(
            language_name(other),
            href=f"../{other}/{doc.name}.html",
            hreflang=_bcp47(other),
            lang=_bcp47(other),
            dir=parse_locale(other).text_direction,
        )
        if other == lang:
            link.set("aria-current", "page")
        items.append(E.LI(link))
    return E.NAV(E.UL(*items), **{"class": "languages", "aria-label": _("Languages")})


def _banner(counts: dict[str, int], page: _Page, source_lang: str):
    """How much of the page a human has reviewed: reviewed units (not fuzzy, not machine) of all units."""
    _, locale = page._, page.locale
    total = counts.get("units", 0)
    reviewed = counts.get("reviewed", 0)
    share = reviewed / total if total else 1.0
    numbers = {
        "percent": format_percent(share, locale=locale),
        "reviewed": format_decimal(reviewed, locale=locale),
        "total": format_decimal(total, locale=locale),
    }
    if reviewed == total:
        message = _("A translator has reviewed all of this page.")
    elif reviewed == 0:
        message = _(
            "No translator has reviewed this page yet: it is machine translation and may contain errors."
        )
    else:
        message = (
            page.ngettext(
                "A translator has reviewed %(percent)s of this page (%(reviewed)s of %(total)s "
                "sentence); the rest is machine translation.",
                "A translator has reviewed %(percent)s of this page (%(reviewed)s of %(total)s "
                "sentences); the rest is machine translation.",
                total,
            )
            % numbers
        )
    parts = [message]
    untranslated = counts.get("untranslated", 0)
    if untranslated:
        language = locale.languages.get(parse_locale(source_lang).language, source_lang)
        parts.append(
            page.ngettext(
                "%(count)s sentence is not translated yet and shows in %(language)s.",
                "%(count)s sentences are not translated yet and show in %(language)s.",
                untranslated,
            )
            % {"count": format_decimal(untranslated, locale=locale), "language": language}
        )
    if page.review:
        parts.append(_("Review build: sentences no translator has reviewed are highlighted."))
    return E.P(
        " ".join(parts), role="note", **{"class": "review-banner", "data-reviewed": f"{share:.4f}"}
    )


def _footer(doc: Document, page: _Page):
    """A link back to the original, named in the page's language."""
    source = parse_locale(doc.lang)
    language = page.locale.languages.get(source.language, doc.lang)
    link = E.A(
        page._("Read the original in %(language)s") % {"language": language},
        href=f"../{doc.lang}/{doc.name}.html",
        hreflang=_bcp47(doc.lang),
    )
    return E.FOOTER(E.P(link))


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


def _block_node(block: Block, children: list, doc: Document, page: _Page):
    kind = block.kind
    if kind == "date":
        return _date_node(doc, page.locale, children)
    if kind == "meta_description":
        return None
    if kind == "title":
        return _element("h1", children)
    if kind == "heading":
        return _element(f"h{min(max(block.level, 2), 6)}", children, id=block.id)
    if kind in ("key_point", "list_item"):
        return _element("li", children, id=block.id)
    if kind == "endnote":
        back = E.A(
            "↩",
            href=f"#ref-{block.number}",
            role="doc-backlink",
            **{"aria-label": page._("Back to text"), "class": "backlink"},
        )
        return _element("li", children + [" ", back], id=f"note-{block.number}", role="doc-endnote")
    if kind == "caption":
        return E.FIGURE(_element("figcaption", children))
    if kind == "quote":
        return E.BLOCKQUOTE(_element("p", children))
    classes = {
        "topic": "topic",
        "dek": "dek",
        "byline": "byline",
        "author_name": "author-name",
        "author_role": "author-role",
        "author_org": "author-org",
    }
    return _element("p", children, class_=classes.get(kind, kind.replace("_", "-")), id=block.id)


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


STYLE = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5b5b66; --accent: #0b5394; }
body { font: 1.05rem/1.6 Georgia, 'Times New Roman', serif; color: var(--ink); margin: 0 auto;
       max-width: 44rem; padding: 1rem 1.25rem 4rem; }
h1, h2, h3, .languages, .review-banner, .topic, .date, .byline, footer { font-family: system-ui, sans-serif; }
h1 { font-size: clamp(1.6rem, 6vw, 2.2rem); line-height: 1.2; margin: .4em 0; overflow-wrap: break-word; }
.dek { font-size: 1.25rem; color: var(--muted); }
.languages ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 0 0 .75rem; font-size: .9rem; }
.languages a[aria-current] { font-weight: bold; text-decoration: none; color: var(--ink); }
.review-banner { background: #fff4ce; border-inline-start: 4px solid #e0a800; padding: .5rem .75rem; font-size: .9rem; }
a { color: var(--accent); }
a.noteref { text-decoration: none; padding: 0 .1em; }
sup { line-height: 0; }
.endnotes { font-size: .9rem; overflow-wrap: anywhere; }
.endnotes li:target, a.noteref:target { background: #fff4ce; }
.key-points li { margin-bottom: .5rem; }
figure { margin: 1.5rem 0; padding: .5rem; border: 1px solid #ddd; }
img { max-width: 100%; height: auto; }
footer { margin-top: 3rem; font-size: .9rem; color: var(--muted); }
.unit.machine, .unit.untranslated { background: #ffe3e3; }
.unit.fuzzy { background: #fff4ce; }
@media (max-width: 30rem) { body { font-size: 1rem; padding: .75rem .9rem 3rem; } }
@media print { .languages, .backlink, footer { display: none; } body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; } .review-banner { border: 1px solid #999; background: none; }
  h2, h3 { break-after: avoid; } li, p { orphans: 3; widows: 3; } }
"""
