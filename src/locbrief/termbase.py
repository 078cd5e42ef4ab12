"""Per-locale termbase: names never translated, terms with a required translation.

``locales/<lang>/termbase.tsv`` is a tab-separated file with a header row::

    source<TAB>target<TAB>case<TAB>note

``target`` is the required translation, or ``=`` for "do not translate";
``case`` is ``exact`` (match only this spelling) or ``any`` (match any case;
a capitalised source word gets a capitalised target). Lines starting with
``#`` are comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .model import LocbriefError, TermHit

COLUMNS = ("source", "target", "case", "note")
KEEP = "="


@dataclass(frozen=True)
class Term:
    source: str
    target: str | None  # None: do not translate
    exact_case: bool
    note: str = ""
    line: int = 0

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
        return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")

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
            if term is not None:
                found.append(Match(m.start(), m.end(), term, m.group(0)))
        return found

    def hits(self, text: str) -> tuple[TermHit, ...]:
        """Distinct terms found in ``text``, for translators' comments."""
        seen: dict[str, TermHit] = {}
        for match in self.find(text):
            seen.setdefault(match.term.source, match.term.hit())
        return tuple(seen.values())


def load_termbase(path: Path | str | None) -> Termbase:
    """Read a termbase TSV; no path or a missing file is an empty termbase."""
    if not path or not Path(path).is_file():
        return Termbase([], str(path or ""))
    path = Path(path)
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
    if len(cells) < 3 or not cells[0].strip() or not cells[1].strip():
        raise LocbriefError(
            f"expected 4 tab-separated columns ({', '.join(COLUMNS)}), found {len(cells)}; "
            "use '=' as target for do-not-translate",
            str(path),
            number,
        )
    case = cells[2].strip().lower()
    if case not in ("exact", "any"):
        raise LocbriefError(f"case must be 'exact' or 'any', not {cells[2]!r}", str(path), number)
    target = cells[1].strip()
    return Term(
        cells[0].strip(),
        None if target == KEEP else target,
        case == "exact",
        cells[3].strip() if len(cells) > 3 else "",
        number,
    )
