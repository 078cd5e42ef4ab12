"""Fuzzy matches: the reviewed translation of a similar sentence, from any brief of the language.

A CAT tool's "fuzzy match", done the way a PO file shows it: a unit nobody has
translated yet gets the translation a person reviewed for a similar source, as
fuzzy, with the old source in ``#| msgid``, and its note markers (``{0}``) and
inline tags (``<em1>``) renumbered to the new unit's.

The score is difflib's ratio (2·matches / total characters, as Babel's
``Catalog.update`` uses) between the two sources with note markers and inline
tags taken out and spaces collapsed, as a percentage: "Prices rose in 2020.{0}"
and "Prices <em1>rose</em1> in 2020." score 100. A match needs :data:`THRESHOLD`.

Comparing a sentence with every reviewed one is quadratic; the index keeps, for
each pair of adjacent words (their first letters; the sentence's start and end
count as words), the sources that hold it, and difflib scores only the :data:`SHORTLIST` sources that
share most pairs and whose length allows the threshold.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

#: The lowest score (percent) a similar source needs for its translation to be offered.
THRESHOLD = 75
#: How many of the sources sharing most word pairs difflib scores for each sentence.
SHORTLIST = 8
#: How many letters of each word the index keeps (a crude stem).
STEM = 5
#: A note marker or inline placeholder (``{0}``), a literal brace (``{{``, ``}}``), an inline
#: tag (``<em1>``, ``</em1>``, ``<br2/>``; OmegaT writes ``<f0>``), as the segmenter writes them.
_TOKEN = re.compile(r"\{\{|\}\}|\{(\d+)\}|<(/?)([a-z]+)(\d+)(/?)>")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A reviewed translation the index can offer: its source, its text, where it comes from."""

    source: str  # as a msgid: placeholders {n}, tags <name n>
    text: str
    origin: str  # a brief's name, or an imported file with its tool and date


@dataclass(frozen=True)
class FuzzyMatch:
    """A candidate's translation made to fit a new unit."""

    candidate: Candidate
    score: int  # percent
    text: str  # placeholders and tags renumbered to the new unit's
    unplaced: tuple[str, ...]  # the new unit's tags the translation has no place for

    def note(self) -> str:
        """The PO comment naming the match: '87% like a sentence of brief-a (place <em1>)'."""
        where = f"{self.score}% like a reviewed sentence of {self.candidate.origin}"
        return where + (f" (place {', '.join(self.unplaced)})" if self.unplaced else "")


def normalise(text: str) -> str:
    """The words a score compares: no note markers, no tags, single spaces.

    >>> normalise("Prices <em1>rose</em1>  sharply.{0}")
    'Prices rose sharply.'
    """
    plain = _TOKEN.sub(lambda m: m.group(0)[0] if m.group(0) in ("{{", "}}") else "", text)
    return " ".join(plain.split())


def score(a: str, b: str) -> int:
    """Similarity of two normalised sources in percent (difflib's ratio).

    >>> score("The war on drugs failed.", "The war on drugs has failed.")
    92
    """
    return round(100 * SequenceMatcher(None, a, b, autojunk=False).ratio())


class FuzzyIndex:
    """Reviewed translations indexed by word pairs, for fast lookup of similar sources."""

    def __init__(self, candidates: Iterable[Candidate]):
        self._candidates: list[Candidate] = []
        self._plain: list[str] = []
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        for candidate in candidates:
            plain = normalise(candidate.source)
            if not plain:
                continue
            number = len(self._candidates)
            self._candidates.append(candidate)
            self._plain.append(plain)
            for pair in set(_pairs(plain)):
                self._postings[pair].append(number)

    def __len__(self) -> int:
        return len(self._candidates)

    def best(self, source: str, threshold: int = THRESHOLD) -> FuzzyMatch | None:
        """The most similar reviewed source at or above ``threshold``, its translation adapted."""
        plain = normalise(source)
        found = None
        for number in self._shortlist(plain, threshold):
            other = self._plain[number]
            matcher = SequenceMatcher(None, plain, other, autojunk=False)
            # upper bounds first (cheap), each rounded as the score is
            if round(100 * matcher.real_quick_ratio()) < threshold:
                continue
            if round(100 * matcher.quick_ratio()) < threshold:
                continue
            value = round(100 * matcher.ratio())
            if value >= threshold and (found is None or value > found[0]):
                found = (value, number)
        if found is None:
            return None
        candidate = self._candidates[found[1]]
        text, unplaced = adapt(candidate.source, candidate.text, source)
        return FuzzyMatch(candidate, found[0], text, unplaced)

    def _shortlist(self, plain: str, threshold: int) -> list[int]:
        """The sources sharing most word pairs with ``plain`` whose length can reach the threshold."""
        shared: Counter = Counter()
        for pair in set(_pairs(plain)):
            for number in self._postings.get(pair, ()):
                shared[number] += 1
        length = len(plain)
        fits = [n for n in shared if _length_allows(length, len(self._plain[n]), threshold)]
        fits.sort(key=lambda n: (-shared[n], n))
        return fits[:SHORTLIST]


def _length_allows(a: int, b: int, threshold: int) -> bool:
    """Whether texts of these lengths can score ``threshold``: at best 2·min / (a + b)."""
    return round(200 * min(a, b) / (a + b)) >= threshold


def _pairs(plain: str) -> list[tuple[str, str]]:
    """Adjacent words, the sentence's start and end counting as words; each word cut to its
    first :data:`STEM` letters, lower case, so "policy"/"policies" still share their pairs."""
    words = ["^", *(w[:STEM] for w in _WORD.findall(plain.lower())), "$"]
    return list(zip(words, words[1:]))


# ---------------------------------------------------------------- adapting a translation


def adapt(old_source: str, text: str, new_source: str) -> tuple[str, tuple[str, ...]]:
    """``text`` (translating ``old_source``) with the placeholders and tags of ``new_source``.

    Placeholders pair in order: the old source's first marker becomes the new
    one's first; a marker the new source lacks goes, one it adds goes at the
    end (where note markers stand). Tags pair by name in order, then the rest in
    order; an old tag with no partner is unwrapped (its words stay). The new
    source's tags left over are returned, for the translator to place.

    >>> adapt("Prices rose.{3}", "Los precios subieron.{3}", "Prices <em1>rose</em1> again.{0}{1}")
    ('Los precios subieron.{0}{1}', ('<em1>',))
    >>> adapt("<b1>War</b1> failed.", "La <b1>guerra</b1> fracasó.", "<em1>War</em1> failed.")
    ('La <em1>guerra</em1> fracasó.', ())
    """
    placeholders = dict(zip(_placeholders(old_source), _placeholders(new_source)))
    tags = _pair_tags(_tags(old_source), _tags(new_source))
    used: list[str] = []

    def renumber(m: re.Match) -> str:
        if m.group(1) is not None:
            new = placeholders.get(m.group(1))
            if new is None or new in used:
                return ""
            used.append(new)
            return "{%s}" % new
        if m.group(3) is not None:
            new = tags.get((m.group(3), m.group(4)))
            return f"<{m.group(2)}{new[0]}{new[1]}{m.group(5)}>" if new else ""
        return m.group(0)

    adapted = _TOKEN.sub(renumber, text)
    missing = [p for p in _placeholders(new_source) if p not in used]
    adapted += "".join("{%s}" % p for p in missing)
    placed = set(tags.values())
    unplaced = tuple(
        f"<{name}{number}{'/' if void else ''}>"
        for name, number, void in _tags(new_source)
        if (name, number) not in placed
    )
    return adapted, unplaced


def _placeholders(text: str) -> list[str]:
    """The placeholder numbers of a source, in order of first appearance."""
    return list(dict.fromkeys(m.group(1) for m in _TOKEN.finditer(text) if m.group(1) is not None))


def _tags(text: str) -> list[tuple[str, str, bool]]:
    """(name, number, void) of each tag a source opens, in order."""
    found = {}
    for m in _TOKEN.finditer(text):
        if m.group(3) is not None and not m.group(2):
            found.setdefault((m.group(3), m.group(4)), bool(m.group(5)))
    return [(name, number, void) for (name, number), void in found.items()]


def _pair_tags(old: list, new: list) -> dict[tuple[str, str], tuple[str, str]]:
    """Old (name, number) → new (name, number): same name in order, then the rest in order.

    A void tag (``<br1/>``) pairs only with a void one.
    """
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    free = list(new)
    for same_name in (True, False):
        for name, number, void in old:
            if (name, number) in pairs:
                continue
            partner = next(
                (t for t in free if t[2] == void and (t[0] == name or not same_name)), None
            )
            if partner is not None:
                free.remove(partner)
                pairs[(name, number)] = (partner[0], partner[1])
    return pairs
