"""QA of one language's PO against its units: what would break or mislead on the page.

Each finding names the PO file and line, the check, and the severity:
``error`` (the page cannot use the text, or a link or engine token is broken:
placeholders, tags, URLs) or ``warning`` (worth a translator's look:
untranslated, same as source, termbase, numbers, spacing, punctuation,
quotes and brackets, length). Checks that translate-toolkit's ``pofilter``
already does well (double spaces, repeated words, punctuation spacing,
brackets, quotes, unchanged text) are its checks, called through
``translate.filters.checks``; the rest know our placeholders, termbase and locales.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache

import polib
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from lxml.html import builder as E

from locbrief.catalog.pofile import entry_key
from locbrief.catalog.status import Status, unit_status
from locbrief.locales import find_locale
from locbrief.model import QA_PREFIX, UNKNOWN_PREFIX, Unit
from locbrief.review.reports import report_page
from locbrief.translate.memory import Memory
from locbrief.translate.protect import NUMBER, PLACEHOLDER, PUT_BACK, TAG, URL, enforced_terms
from locbrief.translate.segment import check_translation
from locbrief.translate.termbase import Termbase

#: pofilter checks used as they are: (pofilter name, our check name, what the finding says).
TOOLKIT_CHECKS = (
    ("doublespacing", "spacing", "double spaces where the source has none"),
    ("doublewords", "doubled-words", "a word is repeated"),
    ("puncspacing", "punctuation-spacing", "spacing around punctuation differs from the source"),
    ("brackets", "brackets", "brackets do not balance as in the source"),
    ("doublequoting", "quotes", "quotation marks do not balance as in the source"),
)
DOUBLED_PUNCTUATION = re.compile(r"([,;:!?])\1|(?<!\.)\.\.(?!\.)|[,;:]\s*[.,;:]|\.\s*,")
LENGTH_MIN_SOURCE = 40  # characters of source text before the length ratio means anything
LENGTH_SPREAD = 2.0  # a unit whose length ratio is this far off the catalog's median is an outlier
_MARKUP = re.compile(f"{PLACEHOLDER}|{TAG}")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    check: str
    severity: str  # error | warning
    message: str
    msgid: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.check}] {self.message}"


def check_catalog(
    po: polib.POFile, path: str, units: list[Unit], termbase: Termbase, memory: Memory
) -> list[Finding]:
    """All findings for the active entries of a PO, in file order (the PO's Language sets the locale)."""
    lang = po.metadata.get("Language", "") or "en"
    by_key = {u.key: u for u in units}
    pairs = [(e, by_key[entry_key(e)]) for e in po if not e.obsolete and entry_key(e) in by_key]
    outliers = length_outliers([e for e, _ in pairs])
    findings = []
    for entry, unit in pairs:
        found = list(_entry_findings(entry, unit, termbase, memory, lang))
        if id(entry) in outliers:
            found.append(("length", "warning", outliers[id(entry)]))
        for check, severity, message in found:
            findings.append(Finding(path, entry.linenum, check, severity, message, entry.msgid))
    return findings


#: HTML-looking tags that are not the numbered tags of a unit (<em1>, </a2>, <br3/>).
FOREIGN_MARKUP = re.compile(r"</?(?![a-z]+\d+/?>)[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def _entry_findings(
    entry: polib.POEntry, unit: Unit, termbase: Termbase, memory: Memory, lang: str
):
    if not entry.msgstr:
        yield (
            "untranslated",
            "warning",
            "no translation; the page shows the machine suggestion or the source",
        )
        return
    for problem in check_translation(unit, entry.msgstr):
        yield "placeholders", "error", problem
    for line in entry.comment.split("\n"):
        # term problems are the termbase check's (a warning); lost tokens are errors, tokens
        # put back in place a warning (the reviewer checks where they went)
        if (
            line.startswith(QA_PREFIX)
            and not line.startswith(QA_PREFIX + "term ")
            and unit_status(entry, memory) == Status.MACHINE
        ):
            problem = line.removeprefix(QA_PREFIX)
            yield "engine", "warning" if problem.startswith(PUT_BACK) else "error", problem
    yield from _unknown_word_findings(entry)
    source_tags = set(FOREIGN_MARKUP.findall(entry.msgid))
    foreign = [
        t for t in dict.fromkeys(FOREIGN_MARKUP.findall(entry.msgstr)) if t not in source_tags
    ]
    if foreign:
        yield (
            "markup",
            "error",
            (
                "markup not in the source is shown as text: "
                + ", ".join(foreign)
                + "; use the numbered tags of the msgid, such as <em1>…</em1>"
            ),
        )
    for url in re.findall(URL, entry.msgid):
        if url not in entry.msgstr:
            yield "urls", "error", f"URL {url} missing or altered"
    yield from _termbase_findings(entry, unit, termbase)
    yield from number_findings(entry.msgid, entry.msgstr, lang)
    yield from _same_as_source(entry, unit, termbase, lang)
    yield from toolkit_findings(
        _text(entry.msgid), _text(entry.msgstr), lang
    )  # markup: the placeholders check
    doubled = _doubled_punctuation(entry.msgstr) - _doubled_punctuation(entry.msgid)
    if doubled:
        yield (
            "punctuation",
            "warning",
            "doubled punctuation: " + ", ".join(repr(d) for d in sorted(doubled)),
        )


def unknown_words(entry: polib.POEntry) -> list[str]:
    """Words the engine did not know (the PO comment lists them) still in the translation."""
    listed = [
        word
        for line in entry.comment.split("\n")
        if line.startswith(UNKNOWN_PREFIX)
        for word in line[len(UNKNOWN_PREFIX) :].split(", ")
    ]
    return [w for w in listed if w and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", entry.msgstr)]


def _unknown_word_findings(entry: polib.POEntry):
    """English left behind: words the engine did not know, still untranslated."""
    words = unknown_words(entry)
    if words:
        yield (
            "untranslated-words",
            "warning",
            "the engine did not know, and left in English: " + ", ".join(words),
        )


def _doubled_punctuation(msg: str) -> set[str]:
    return {m.group(0) for m in DOUBLED_PUNCTUATION.finditer(_text(msg))}


def _termbase_findings(entry: polib.POEntry, unit: Unit, termbase: Termbase):
    for hit in enforced_terms(entry.msgid, termbase, quoted_titles=unit.kind == "endnote"):
        wanted = hit.term.render(hit.text)
        if wanted.lower() not in entry.msgstr.lower():
            rule = "do not translate" if hit.term.target is None else "required translation"
            yield "termbase", "warning", f"{hit.text!r} should appear as {wanted!r} ({rule})"


def _same_as_source(entry: polib.POEntry, unit: Unit, termbase: Termbase, lang: str):
    """Identical text is fine for endnote citations and names kept by the termbase; elsewhere, look."""
    if entry.msgstr != entry.msgid or unit.kind == "endnote" or lang.split("_")[0] == "en":
        return
    words = _text(re.sub(URL, " ", entry.msgid))
    for hit in termbase.find(words):
        words = words.replace(hit.text, " ")
    if len(re.findall(r"[^\W\d_]{2,}", words)) >= 2:
        yield "same-as-source", "warning", "the translation is the English source text"


def _text(msg: str) -> str:
    return _MARKUP.sub("", msg)


# ---------------------------------------------------------------- numbers


def number_findings(msgid: str, msgstr: str, lang: str):
    """Every number of the source in the translation, written as the target locale writes it."""
    missing, unlocalized = [], []
    target_digits = _digits(msgstr)
    for number in re.findall(NUMBER, msgid):
        forms = localized_numbers(number, lang)
        if any(form in msgstr for form in forms):
            continue
        if number in msgstr:
            unlocalized.append(f"{number} (write {forms[0]})")
        elif _digits(number) not in target_digits:
            missing.append(number)
    if missing:
        yield "numbers", "warning", "numbers not found in the translation: " + ", ".join(missing)
    if unlocalized:
        yield "numbers", "warning", f"numbers not in {lang} format: " + ", ".join(unlocalized)


def localized_numbers(number: str, lang: str) -> list[str]:
    """How the target locale writes an English figure ("1,200.50" → "1.200,50" in es); first is preferred.

    From Babel's CLDR data; where the locale groups with a narrow or no-break
    space, a plain space is accepted too:

    >>> localized_numbers("79,000", "pt_BR")
    ['79.000']
    >>> localized_numbers("79,000", "fr")
    ['79\u202f000', '79 000']
    >>> localized_numbers("79,000", "es_MX")
    ['79,000']
    """
    core = re.sub(r"^[$€£]|\s?%$", "", number)
    symbols = _symbols(lang)
    if symbols is None or not re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?|\d+(\.\d+)?", core):
        return [core]
    whole, _, fraction = core.partition(".")
    forms = [whole.replace(",", symbols[0]) + (symbols[1] + fraction if fraction else "")]
    try:
        grouped = "," in whole
        forms.append(
            format_decimal(
                parse_decimal(core, locale="en"),
                locale=lang,
                group_separator=grouped,
                decimal_quantization=False,
            )
        )
    except (NumberFormatError, ValueError):
        pass
    if symbols[0] in ("\u202f", "\u00a0"):
        forms += [f.replace(symbols[0], " ") for f in forms]
    return list(dict.fromkeys(forms))


@cache
def _symbols(lang: str) -> tuple[str, str] | None:
    locale = find_locale(lang)
    if locale is None:
        return None
    return get_group_symbol(locale), get_decimal_symbol(locale)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# ---------------------------------------------------------------- pofilter and length


def toolkit_findings(msgid: str, msgstr: str, lang: str):
    """pofilter's own checks (translate.filters.checks), each a warning with pofilter's reason."""
    from translate.filters.checks import FilterFailure

    checker = _checker(lang.split("_")[0])
    for name, check, what in TOOLKIT_CHECKS:
        try:
            getattr(checker, name)(msgid, msgstr)
        except FilterFailure as failure:
            yield check, "warning", f"{what} (pofilter {name}: {failure})"


@cache
def _checker(language: str):
    from translate.filters import checks

    return checks.StandardChecker(checkerconfig=checks.CheckerConfig(targetlanguage=language))


def length_outliers(entries: list[polib.POEntry]) -> dict[int, str]:
    """Translations much longer or shorter than this catalog usually is (ratio to the median)."""
    ratios = {
        id(e): len(_text(e.msgstr)) / len(_text(e.msgid))
        for e in entries
        if e.msgstr and len(_text(e.msgid)) >= LENGTH_MIN_SOURCE
    }
    if len(ratios) < 5:
        return {}
    median = statistics.median(ratios.values())
    out = {}
    for key, ratio in ratios.items():
        if ratio > median * LENGTH_SPREAD or ratio < median / LENGTH_SPREAD:
            out[key] = (
                f"{'longer' if ratio > median else 'shorter'} than usual: {ratio:.2f}× the source "
                f"length (this catalog's median is {median:.2f}×); is something missing or repeated?"
            )
    return out


# ---------------------------------------------------------------- reports


def report(findings: list[Finding], lang: str, counts: dict) -> dict:
    return {
        "lang": lang,
        "counts": counts,
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "checks": dict(Counter(f.check for f in findings).most_common()),
        "findings": [asdict(f) for f in findings],
    }


def render_report(data: dict, title: str) -> str:
    """The JSON report as a self-contained HTML page: totals, then one row per finding."""
    summary = f"{data['errors']} errors, {data['warnings']} warnings; " + ", ".join(
        f"{check}: {n}" for check, n in data.get("checks", {}).items()
    )
    rows = [E.TR(E.TH("where"), E.TH("severity"), E.TH("check"), E.TH("finding"), E.TH("source"))]
    for f in data["findings"]:
        rows.append(
            E.TR(
                E.TD(E.CODE(f"{f['path']}:{f['line']}")),
                E.TD(f["severity"]),
                E.TD(f["check"]),
                E.TD(f["message"]),
                E.TD(f["msgid"]),
                **{"class": f["severity"]},
            )
        )
    counts = ", ".join(f"{k}: {v}" for k, v in data.get("counts", {}).items())
    return report_page(
        title,
        REPORT_STYLE,
        E.P(summary),
        E.P(E.SMALL(counts)),
        E.TABLE(*rows) if data["findings"] else E.P("No findings."),
    )


REPORT_STYLE = """
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ddd; padding: .35rem .55rem; vertical-align: top; text-align: left; }
tr.error td:nth-child(2) { color: #b00020; font-weight: bold; }
tr.warning td:nth-child(2) { color: #8a6d00; }
"""
