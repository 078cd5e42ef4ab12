"""Dates and figures in a translation, re-rendered by Babel for the page's locale.

Dates and figures are recognised at page-build time rather than made into
``{n}`` placeholders: msgids stay readable for translators ("May 15, 2025",
not "{1}"), existing PO files keep their msgids, and engines already pass
figures through untouched (protect.py). The source unit says which values a
sentence holds; in the translation each is found again — as in the source,
as Babel renders it, or with the month translated in any order ("mayo 15,
2025", "15 de mayo de 2025") — and replaced by Babel's rendering for the
page's locale. A value the translator reworded beyond recognition is left as
written. Cited titles (“…” in endnotes) and URLs are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from locbrief.markup import is_verbatim
from locbrief.model import Inline, Span
from locbrief.translate.protect import URL, cited_title_spans

_EN_MONTHS = [Locale("en").months["format"]["wide"][m] for m in range(1, 13)]
_SOURCE_DATE = re.compile(
    r"\b(?:(?P<dday>\d{1,2})\s+)?(?P<month>%s)\.?(?:\s+(?P<day>\d{1,2}),)?\s+(?P<year>\d{4})\b"
    % "|".join(_EN_MONTHS)
)
#: A figure: grouped thousands ("79,000") or a decimal ("2.5"); never part of a longer
#: dotted number ("1.2.3", "1.2.x"), a range inside a name ("G-20"), a path or a version.
_FIGURE = re.compile(r"(?<![\w.,/%-])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w]|[.,]\w)")
#: Words before a decimal that make it a name rather than a quantity: "Python 3.3",
#: "Section 2.1", "version 1.2" — a capitalised word (a product, a part of a document) or
#: one of these, unless the capitalised word only starts the sentence (QUANTITY_LEADS).
_NAME_BEFORE = re.compile(
    r"(?:\b(?:version|versions|release|rev|revision|section|sections|chapter|part|step|"
    r"figure|table|article|clause|no|§)|\b[A-Z][\w+#-]*|§)\.?\s*$"
)
#: A decimal listed after another one ("3.4 and", "2.1, ", "2.5 to "): it is what that one is.
_LISTED_AFTER = re.compile(r"(?<![\w.,])(\d+\.\d+)\s*(?:,\s*|\s(?:and|or|to|through)\s+|[–-]\s*)$")
QUANTITY_LEADS = frozenset(
    [
        "About",
        "Around",
        "Almost",
        "Nearly",
        "Over",
        "Under",
        "Only",
        "Just",
        "Some",
        "Roughly",
        "Approximately",
        "More",
        "Less",
        "Fewer",
        "Between",
        "From",
        "To",
        "By",
        "In",
        "Of",
        "On",
        "At",
        "For",
        "With",
        "Than",
        "Up",
        "Down",
        "And",
        "Or",
        "But",
        "The",
        "A",
        "An",
        "Each",
        "Every",
        "Another",
        "Just",
        "Another",
        "Barely",
        "Fully",
        "Still",
        "Even",
        "Another",
    ]
)


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
    """The dates and figures of a source sentence, in order (outside URLs and cited titles).

    >>> sentence = "About 79,000 died between May 2024 and July 2, 2025 (https://x.org/2,000)."
    >>> [(v.kind, v.source, v.iso) for v in data_values(sentence)]
    [('number', '79,000', '79000'), ('month', 'May 2024', '2024-05'), ('date', 'July 2, 2025', '2025-07-02')]
    """
    text = _blank(msgid, endnote)
    values = []
    for m in _SOURCE_DATE.finditer(text):
        given = m.group("day") or m.group("dday")
        try:
            value = date(
                int(m.group("year")), _EN_MONTHS.index(m.group("month")) + 1, int(given or 1)
            )
        except ValueError:
            continue
        values.append((m.start(), DataValue("date" if given else "month", m.group(0), value)))
    for m in _FIGURE.finditer(text):
        if not is_quantity(text, m.start(), m.group(0)):
            continue
        values.append(
            (m.start(), DataValue("number", m.group(0), Decimal(m.group(0).replace(",", ""))))
        )
    return [v for _, v in sorted(values, key=lambda pair: pair[0])]


def is_quantity(text: str, start: int, figure: str) -> bool:
    """Only quantities are localized: a decimal that numbers a section ("2.1. Scope") or names a
    version ("Python 3.3", "Section 2.1") stays as written. Grouped figures are always quantities.

    >>> [is_quantity(t, t.index(f), f) for t, f in (("2.1. Scope", "2.1"), ("Python 3.3 is", "3.3"),
    ...     ("rose 2.5 percent", "2.5"), ("About 7.7 million", "7.7"), ("see Section 4.2", "4.2"))]
    [False, False, True, True, False]
    >>> [is_quantity(t, t.rindex(f), f) for t, f in (("Python 3.4 and 3.5", "3.5"),
    ...     ("versions 2.6, 2.7 or 3.1", "3.1"), ("from 2.5 to 3.5 percent", "3.5"))]
    [False, False, True]
    """
    if "," in figure:
        return True
    before = text[:start]
    if not before.strip() and text[start + len(figure) : start + len(figure) + 1] in (".", ")", ""):
        return False  # "2.1. Scope", "3.2) Versions", a heading that is only a number
    listed = _LISTED_AFTER.search(before)
    if listed:  # "Python 3.4 and 3.5", "sections 2.1, 2.2 or 2.4": as the figure before it
        return is_quantity(text, listed.start(1), listed.group(1))
    name = _NAME_BEFORE.search(before)
    if name is None:
        return True
    word = name.group(0).strip().rstrip(".")
    return word in QUANTITY_LEADS


def render_value(value: DataValue, locale: Locale) -> str:
    """Babel's rendering of a date or figure for ``locale`` (CLDR long date, grouped figures).

    >>> figure, day = data_values("About 79,000 died by July 2, 2025.")
    >>> [render_value(figure, Locale.parse(lang)) for lang in ("es_MX", "pt_BR", "fr")]
    ['79,000', '79.000', '79\u202f000']
    >>> render_value(day, Locale.parse("es_MX")), render_value(day, Locale.parse("fr"))
    ('2 de julio de 2025', '2 juillet 2025')
    """
    if value.kind == "date":
        return format_date(value.value, format="long", locale=locale)
    if value.kind == "month":
        return format_skeleton("yMMMM", value.value, locale=locale)
    decimals = -value.value.as_tuple().exponent
    pattern = locale.decimal_formats[None].pattern
    pattern = re.sub(r"\.[0#]+", "." + "0" * decimals if decimals else "", pattern)
    return format_decimal(value.value, format=pattern, locale=locale)


def localize_data(
    inline: list[Inline],
    values: list[DataValue],
    locale: Locale,
    endnote: bool = False,
    as_written: bool = False,
) -> list[Inline]:
    """A decoded translation with its dates and figures re-rendered by Babel for ``locale``.

    ``as_written``: the source page, where each value keeps the author's words ("11 December
    2005" stays so) and only gains its machine-readable ``<time datetime>``.
    """
    if not values:
        return inline
    remaining = list(values)
    return _localize_items(inline, remaining, locale, endnote, as_written)


def _localize_items(
    items: list[Inline],
    remaining: list[DataValue],
    locale: Locale,
    endnote: bool,
    as_written: bool = False,
) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        if isinstance(item, str):
            out.extend(_localize_text(item, remaining, locale, endnote, as_written))
        elif (
            isinstance(item, Span) and item.tag != "time" and not is_verbatim(item.tag, item.attrs)
        ):
            out.append(
                Span(
                    item.tag,
                    item.attrs,
                    _localize_items(item.children, remaining, locale, endnote, as_written),
                )
            )
        else:
            out.append(item)
    return out


def _localize_text(
    text: str, remaining: list[DataValue], locale: Locale, endnote: bool, as_written: bool = False
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
        rendered = text[start:end] if as_written else render_value(value, locale)
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
    text = re.sub(URL, lambda m: " " * len(m.group(0)), text)
    for start, end in cited_title_spans(text) if endnote else ():
        text = text[:start] + " " * (end - start) + text[end:]
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
