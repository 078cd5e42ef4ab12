"""Figures with a scale word or a currency, and decades: rendered for the target before the engine.

Why here and not in the engine's output: "130 million" and "$13 billion" are
facts whose size must survive every engine, and the words for them are locale
data (CLDR), not vocabulary. Left to the engine, a number token broke the
phrase ("ZX0QZ million people" → "personas de millón"), Apertium's Catalan made
"$13 billion" "$13 bilions" (a thousand times too much; Catalan "bilió" is
10¹²), the French pivot "mil millions", and the dollar sign stayed a dollar
sign, which a Mexican reader takes for pesos. So the whole quantity becomes one
protected item whose text is written here from Babel's CLDR data for the
target ("13 mil millones de dólares", "13 milliards de dollars", "13 bilhões de
dólares"), and the engine only places it in the sentence.

A scale word is a noun in the Romance languages ("130 millones *de*
personas"): when a noun follows the quantity, the engine is shown "ZX0QZ of
people", and makes the preposition its own way ("de personas", "d'habitants").

Decades ("the 1970s") are shown to the engine as "the decade of 1970", which
every engine renders as the locale writes it ("la década de 1970"); left alone,
Apertium could not transfer "1970s" at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_decimal, format_decimal, get_currency_name

#: An English figure with a currency sign, a scale word, or both: "$13 billion", "130 million",
#: "$500,000", "16.7 billion dollars".
QUANTITY = re.compile(
    r"(?<![\w.,$€£])(?P<currency>[$€£])?(?P<figure>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:[\s\u00a0](?P<scale>thousand|million|billion|trillion)(?![\w-]))?"
    r"(?:\s(?P<currency_word>dollars|euros|pounds)(?!\w))?(?![\w%]|[.,]\d)"
)
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "dollars": "USD", "euros": "EUR", "pounds": "GBP"}
#: The preposition between a scale noun (millón, milliard, milhão, milió) and what it counts,
#: per language whose scale words are nouns; a language not listed keeps figures as the
#: engine writes them. Those marked elide before a vowel ("13 milliards d'euros").
OF = {"es": ("de", False), "pt": ("de", False), "fr": ("de", True), "ca": ("de", True)}
#: English words after "130 million" that do not start what it counts: no "of" goes before them.
_NOT_COUNTED = frozenset(
    re.findall(
        r"\w+",
        "a an the in on of from to for per by with and or but than as at each every this that "
        "these those more less over under is are was were be been being has have had will would "
        "could should may might must can do does did not who which whom whose year years annually",
    )
)
_NEXT_WORD = re.compile(r"[ \u00a0]([a-z][\w-]*)")
DECADES = re.compile(r"(?<![\w-])(?P<the>[Tt]he) (?P<first>\d{3}0)s(?: and (?P<second>\d{3}0)s)?\b")


@dataclass(frozen=True)
class Quantity:
    """A figure found in the source: where, what the target reads, and whether a noun follows."""

    start: int
    end: int
    rendered: str
    counts_a_noun: bool  # "130 million people": the engine is shown "ZX0QZ of people"


def quantities(text: str, lang: str | None) -> list[Quantity]:
    """The figures of ``text`` with a currency or a scale word, rendered for ``lang``.

    >>> [q.rendered for q in quantities("About $13 billion and 130 million people", "es_MX")]
    ['13 mil millones de dólares', '130 millones']
    >>> [q.rendered for q in quantities("$16.7 billion, or $500,000", "fr")]
    ['16,7 milliards de dollars', '500\\u202f000 dollars']
    >>> quantities("$13 billion", "de")
    []
    """
    locale = _locale(lang)
    if locale is None:
        return []
    found = []
    for m in QUANTITY.finditer(text):
        currency = CURRENCIES.get(m.group("currency") or m.group("currency_word") or "")
        scale = m.group("scale")
        if currency is None and scale in (None, "thousand"):
            continue  # a plain figure: the number protection takes it
        rendered = render_quantity(m.group("figure"), scale, currency, locale)
        if rendered is None:
            continue
        follower = _NEXT_WORD.match(text, m.end())
        counts = currency is None and follower is not None
        counts = counts and follower.group(1) not in _NOT_COUNTED
        counts = counts and not follower.group(1).endswith("ed")  # "2 million died"
        counts = counts and not re.search(
            r"(?<!\w)[Aa]n? $", text[: m.start()]
        )  # "a 2 million fund"
        found.append(Quantity(m.start(), m.end(), rendered, counts))
    return found


def render_quantity(figure: str, scale: str | None, currency: str | None, locale: Locale):
    """The quantity as ``locale`` writes it, from CLDR: compact long form for millions and up,
    the currency's name (its first word: "$" in a U.S. brief is the U.S. dollar) after it."""
    try:
        number = Decimal(figure.replace(",", ""))
    except InvalidOperation:
        return None
    value = number * SCALES.get(scale or "", 1)
    decimals = max(0, -number.as_tuple().exponent)
    if scale and scale != "thousand":
        text = format_compact_decimal(
            value, format_type="long", locale=locale, fraction_digits=decimals
        )
        if not re.search(r"\d", text):  # "mille" for 1000: not a figure any more
            return None
    else:
        text = format_decimal(value, locale=locale)
    if currency is None:
        return text
    name = get_currency_name(currency, count=value, locale=locale).split()[0].lower()
    if scale and scale != "thousand":
        preposition, elides = OF[locale.language]
        if elides and name[:1] in "aeiouhéè":
            return f"{text} {preposition[0]}’{name}"
        return f"{text} {preposition} {name}"
    return f"{text} {name}"


def spell_out_decades(text: str, lang: str | None) -> str:
    """ "the 1970s and 1980s" → "the decades of 1970 and 1980": what engines can translate
    into a language that names a decade so ("la década de 1970"); other targets get the text as is.

    >>> spell_out_decades("During the 1970s and 1980s, and in the 1990s.", "es_MX")
    'During the decades of 1970 and 1980, and in the decade of 1990.'
    >>> spell_out_decades("In the 1950s.", "en")
    'In the 1950s.'
    """
    if _locale(lang) is None:
        return text

    def spelled(m: re.Match) -> str:
        if m.group("second"):
            return f"{m.group('the')} decades of {m.group('first')} and {m.group('second')}"
        return f"{m.group('the')} decade of {m.group('first')}"

    return DECADES.sub(spelled, text)


def _locale(lang: str | None) -> Locale | None:
    """The Babel locale of a target whose scale words are nouns (see :data:`OF`), else None."""
    if not lang:
        return None
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    return locale if locale.language in OF else None
