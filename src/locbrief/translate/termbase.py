"""Per-locale termbase: names never translated, terms with a required translation.

``locales/<lang>/termbase.tsv`` is a tab-separated file with a header row::

    source<TAB>target<TAB>case<TAB>note[<TAB>grammar]

``target`` is the required translation, or ``=`` for "do not translate";
``case`` is ``exact`` (match only this spelling) or ``any`` (match any case;
a capitalised source word gets a capitalised target). The optional
``grammar`` column gives the gender and number the name takes in the target
language (``m``, ``f``, ``m.pl``, ``f.pl``; empty means ``m``): the engine
sees a stand-in proper noun of that gender and number, so articles and
adjectives agree with it ("la CIA", "las FARC"). Lines starting with ``#`` are
comments.

A term matches on word boundaries: not inside another word, nor inside a
hyphenated name ("Felbab-Brown"), but before a lower-case suffix ("Plan
Colombia-style", "Trump-era"), after a lower-case prefix ("anti-Trump"), and
before a possessive or a quote ("Trump’s", "“El Chapo”").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from locbrief.model import LocbriefError, TermHit

COLUMNS = ("source", "target", "case", "note")
KEEP = "="
#: Values of the optional grammar column: gender and number in the target language.
GRAMMAR = ("m", "f", "m.pl", "f.pl")
#: The script a language's termbase targets are written in (Unicode character-name prefix);
#: languages not listed are written in Latin script.
SCRIPTS = {
    "ru": "CYRILLIC",
    "uk": "CYRILLIC",
    "bg": "CYRILLIC",
    "el": "GREEK",
    "ar": "ARABIC",
    "fa": "ARABIC",
    "ur": "ARABIC",
    "he": "HEBREW",
    "hi": "DEVANAGARI",
    "ko": "HANGUL",
    "th": "THAI",
}
#: Scripts a language writes in without them being "the wrong script" (CJK mixes several).
_NO_SCRIPT_CHECK = frozenset({"zh", "ja"})


@dataclass(frozen=True)
class Term:
    source: str
    target: str | None  # None: do not translate
    exact_case: bool
    note: str = ""
    line: int = 0
    grammar: str = "m"  # gender.number of the name in the target language (see GRAMMAR)

    def hit(self) -> TermHit:
        return TermHit(self.source, self.target, self.note)

    def render(self, matched: str) -> str:
        """The text that must stand in the translation for ``matched`` source text.

        A term matched in any case is capitalised where the source word was
        (at a sentence start); a do-not-translate term stays as it was written:

        >>> Term("cartel", "cártel", exact_case=False).render("Cartel")
        'Cártel'
        >>> Term("Sinaloa Cartel", None, exact_case=True).render("Sinaloa Cartel")
        'Sinaloa Cartel'
        """
        if self.target is None:
            return matched
        if not self.exact_case and matched[:1].isupper() and self.target[:1].islower():
            return self.target[:1].upper() + self.target[1:]
        return self.target


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    term: Term
    text: str


class Termbase:
    """The terms of one locale, matched longest first on word boundaries."""

    def __init__(self, terms: list[Term], path: str = ""):
        self.terms = terms
        self.path = path

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        if not self.terms:
            return None
        ordered = sorted(self.terms, key=lambda t: -len(t.source))
        alternatives = [f"(?{'' if t.exact_case else 'i'}:{re.escape(t.source)})" for t in ordered]
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")

    @cached_property
    def _by_key(self) -> dict[str, Term]:
        return {
            **{t.source.lower(): t for t in self.terms if not t.exact_case},
            **{t.source: t for t in self.terms if t.exact_case},
        }

    def find(self, text: str) -> list[Match]:
        """Non-overlapping term occurrences in ``text``, left to right, longest first.

        Whole words only, and the longest term wins where two overlap:

        >>> terms = Termbase([Term("cartel", "cártel", False), Term("Sinaloa Cartel", None, True)])
        >>> [(m.text, m.term.target) for m in terms.find("The Sinaloa Cartel and a cartel; cartels")]
        [('Sinaloa Cartel', None), ('cartel', 'cártel')]
        """
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(text):
            term = self._by_key.get(m.group(0)) or self._by_key.get(m.group(0).lower())
            if term is not None and _hyphen_boundary_ok(text, m.start(), m.end()):
                found.append(Match(m.start(), m.end(), term, m.group(0)))
        return found

    def hits(self, text: str) -> tuple[TermHit, ...]:
        """Distinct terms found in ``text``, for translators' comments."""
        seen: dict[str, TermHit] = {}
        for match in self.find(self.expand_coordinated(text)):
            seen.setdefault(match.term.source, match.term.hit())
        return tuple(seen.values())

    def expand_coordinated(self, text: str) -> str:
        """Names that share their last word spelled out in full, where each is a term.

        English coordinates names ("the Sinaloa and Jalisco New Generation
        Cartels"); the termbase lists each name, so each must be whole to match:

        >>> terms = Termbase([Term("Sinaloa Cartel", "Cártel de Sinaloa", False),
        ...                   Term("Jalisco New Generation Cartel", "CJNG", False)])
        >>> terms.expand_coordinated("When the Sinaloa and Jalisco New Generation Cartels fight")
        'When the Sinaloa Cartel and the Jalisco New Generation Cartel fight'
        """
        if self._pattern is None:
            return text
        return _COORDINATED.sub(lambda m: self._spelled_out(m) or m.group(0), text)

    def _spelled_out(self, m: re.Match) -> str | None:
        """``m`` (a coordination) as two whole names, or None where either is no term."""
        head = m.group("head")
        for singular in _singulars(head):
            words = m.group("first").split(" ")
            for k in range(len(words) - 1, -1, -1):  # the shortest first name that is a term
                first, second = " ".join(words[k:]), m.group("second")
                if self._is_term(f"{first} {singular}") and self._is_term(f"{second} {singular}"):
                    article = m.group("the") or ""
                    again = article.lower() if article else ""
                    return (
                        f"{' '.join(words[:k] + [''])}{article}{first} {singular} "
                        f"{m.group('conj')} {again}{second} {singular}"
                    )
        return None

    def _is_term(self, name: str) -> bool:
        found = self.find(name)
        return len(found) == 1 and found[0].start == 0 and found[0].end == len(name)


_NAME_WORD = r"[A-Z][\w’'.-]*"
#: "the Sinaloa and Jalisco New Generation Cartels": names before and after "and"/"or",
#: then the plural word they share.
_COORDINATED = re.compile(
    rf"(?<![\w’'-])(?P<the>[Tt]he )?(?P<first>{_NAME_WORD}(?: {_NAME_WORD})*) (?P<conj>and|or) "
    rf"(?P<second>{_NAME_WORD}(?: {_NAME_WORD})*?) (?P<head>[A-Za-z][a-z]+s)(?![\w-])"
)


def _singulars(plural: str) -> list[str]:
    """English singulars a plural may have ("Cartels" → "Cartel", "Agencies" → "Agency")."""
    forms = [plural[:-1]]
    if plural.endswith("ies"):
        forms.insert(0, plural[:-3] + "y")
    elif plural.endswith("es"):
        forms.append(plural[:-2])
    return forms


def _hyphen_boundary_ok(text: str, start: int, end: int) -> bool:
    """A hyphen next to a term is a boundary only towards a lower-case affix.

    "Plan Colombia-style" and "anti-Trump" are the term; "Felbab-Brown" holds
    no term "Brown", and "Brown-Smith" no term "Brown".
    """
    if text[end : end + 1] == "-" and not text[end + 1 : end + 2].islower():
        return False
    if start and text[start - 1] == "-":
        prefix = re.search(r"(\S*)-$", text[:start]).group(1)
        return prefix.isalpha() and prefix.islower()
    return True


def load_termbase(path: Path | str | None, lang: str | None = None) -> Termbase:
    """Read a termbase TSV; no path or a missing file is an empty termbase.

    ``lang`` (default: the folder name, as in ``locales/<lang>/termbase.tsv``)
    tells which script targets must be written in.
    """
    if not path or not Path(path).is_file():
        return Termbase([], str(path or ""))
    path = Path(path)
    lang = lang or path.parent.name
    terms: dict[tuple[str, bool], Term] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    header_seen = False
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            _check_header(cells, path, number)
            header_seen = True
            continue
        term = _parse_row(cells, path, number)
        _check_script(term, lang, path, number)
        key = (term.source if term.exact_case else term.source.lower(), term.exact_case)
        if key in terms and terms[key].target != term.target:
            raise LocbriefError(
                f"term {term.source!r} is listed twice with different targets "
                f"(line {terms[key].line}: {terms[key].target or KEEP!r}, here: {term.target or KEEP!r}); "
                "keep one row",
                str(path),
                number,
            )
        terms[key] = term
    return Termbase(list(terms.values()), str(path))


def _check_header(cells: list[str], path: Path, number: int) -> None:
    if [c.strip().lower() for c in cells[:4]] != list(COLUMNS):
        raise LocbriefError(
            "the first row must be the header 'source<TAB>target<TAB>case<TAB>note'",
            str(path),
            number,
        )


def _parse_row(cells: list[str], path: Path, number: int) -> Term:
    if cells and not cells[0].strip() and len(cells) > 1:
        raise LocbriefError(
            "the source (first column) is empty; write the English term or delete the line",
            str(path),
            number,
        )
    if len(cells) < 3 or not cells[1].strip():
        raise LocbriefError(
            f"expected 4 tab-separated columns ({', '.join(COLUMNS)}), found {len(cells)}; "
            "use '=' as target for do-not-translate",
            str(path),
            number,
        )
    case = cells[2].strip().lower()
    if case not in ("exact", "any"):
        raise LocbriefError(f"case must be 'exact' or 'any', not {cells[2]!r}", str(path), number)
    grammar = (cells[4].strip().lower() if len(cells) > 4 else "") or "m"
    if grammar not in GRAMMAR:
        raise LocbriefError(
            f"grammar (fifth column) must be one of {', '.join(GRAMMAR)} or empty, not {cells[4]!r}",
            str(path),
            number,
        )
    target = cells[1].strip()
    return Term(
        cells[0].strip(),
        None if target == KEEP else target,
        case == "exact",
        cells[3].strip() if len(cells) > 3 else "",
        number,
        grammar,
    )


def _check_script(term: Term, lang: str, path: Path, number: int) -> None:
    """A target must be written in its language's script ("Trump" → "Трамп" in es_MX is a paste error)."""
    code = lang.replace("-", "_").split("_")[0].lower()
    if term.target is None or code in _NO_SCRIPT_CHECK:
        return
    script = SCRIPTS.get(code, "LATIN")
    for char in term.target:
        if char.isalpha() and not unicodedata.name(char, "").startswith(script):
            raise LocbriefError(
                f"target {term.target!r} has {char!r} ({unicodedata.name(char, 'unknown')}), "
                f"not {script.lower()} script as {lang} needs; fix the target",
                str(path),
                number,
            )


# ---------------------------------------------------------------- candidates


#: Small words that may stand inside a capitalised name ("Speaker of the House").
_NAME_JOINERS = ("of", "the", "for", "on", "to", "de", "del", "la", "al")
_CAPITALISED = r"(?:[A-Z][\w’'.-]*[\w.]|[A-Z])"
#: Two or more capitalised words, joined by spaces and the small words above.
CANDIDATE_NAME = re.compile(
    rf"(?<![\w’'-]){_CAPITALISED}(?:\s+(?:(?:{'|'.join(_NAME_JOINERS)})\s+)*{_CAPITALISED})+"
)
#: An acronym: two or more capitals, with dots ("U.S.") or a plural s ("FTOs").
CANDIDATE_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}|(?<![\w.-])[A-Z]{2,}s?(?![\w-])")
#: Words that open a sentence or a name without being part of it.
_OPENERS = frozenset(
    re.findall(
        r"\w+",
        "The A An In On At But And Yet As If While When Any Both After Although By Do For From "
        "This That These Those It Its Such Since Under Until With Without So Unlike Like Many "
        "Most Some Other Even Only Then Thus However Moreover Meanwhile Despite Over Why How "
        "What According Instead Among Amid Between Because Before During Through Against",
    )
)


@dataclass(frozen=True)
class Candidate:
    """A name or acronym found in a brief that no termbase entry covers."""

    text: str
    count: int
    example: str  # the first unit it occurs in


def candidate_terms(texts: list[str], termbase: Termbase) -> list[Candidate]:
    """Capitalised multi-word names and acronyms in ``texts`` that the termbase does not cover.

    A candidate inside a termbase match ("Sinaloa" in "Sinaloa Cartel") is
    covered; most frequent first, so a translator adds what matters most.
    """
    counts: dict[str, int] = {}
    examples: dict[str, str] = {}
    for text in texts:
        covered = [(m.start, m.end) for m in termbase.find(text)]
        for start, end, name in _names_in(text):
            if any(a <= start and end <= b for a, b in covered):
                continue
            counts[name] = counts.get(name, 0) + 1
            examples.setdefault(name, text)
    ordered = sorted(counts, key=lambda n: (-counts[n], n))
    return [Candidate(n, counts[n], examples[n]) for n in ordered]


def _names_in(text: str):
    """(start, end, name) of capitalised names and acronyms, sentence openers dropped."""
    for m in CANDIDATE_NAME.finditer(text):
        start, name = m.start(), m.group(0).rstrip(".")
        first, _, rest = name.partition(" ")
        if first in _OPENERS:
            start, name = start + len(first) + 1, rest.lstrip()
            while name.split(" ")[0] in _NAME_JOINERS:
                first, _, name = name.partition(" ")
                start += len(first) + 1
        name = re.sub(r"(?:[’']s?|-[a-z][\w-]*)$", "", name)
        if " " in name:
            yield start, start + len(name), name
    for m in CANDIDATE_ACRONYM.finditer(text):
        yield m.start(), m.end(), m.group(0)
