"""The regional layer: a language variety's usage applied to any engine's draft.

Engines write one variety of a language (Apertium's Spanish is Peninsular:
"vosotros", "EE.UU."); ``locales/<lang>/variety.tsv`` lists the rewrites that
make the draft read as the locale's own (es_MX: "ustedes", "Estados Unidos";
pt_BR: "equipe", not "equipa"). It is data, edited by translators::

    from<TAB>to<TAB>note

* ``from`` is literal text matched as whole words ("os" never inside "nosotros").
  A lower-case first letter also matches a capital, and then the result gets
  one ("Vosotros" → "Ustedes"); a capital matches only itself.
* ``*`` at the start or end of a word stands for the rest of that word, and
  ``to`` puts back what it matched, word for word: ``*áis<TAB>*an`` turns
  "tendríais" into "tendrían"; ``los Estados Unidos *aron<TAB>Estados Unidos *ó``
  makes the verb agree when the article goes ("implementaron" → "implementó");
  ``*`` alone is any one word (``, * *, y<TAB>, * * y``: no serial comma).
* ``@name<TAB>word|word|…`` defines a class of words (``*`` allowed at their
  start or end); a rule uses it as ``@name`` and ``to`` writes the word it
  matched: ``combat* @art @persona<TAB>combat* a @art @persona`` (personal "a").
  ``to`` must hold the wildcards of ``from`` in the same order.
* ``to`` = ``!`` flags instead of rewriting: the lower-case words ``from``
  matches are reported with the note (Spanish a pivot through Spanish left in
  French), and the unit goes to the PO fuzzy for a reviewer; there ``*á*`` is
  any word containing "á".
* Lines starting with ``#`` are comments; the first other line is the header.

Rules are applied until none changes the text, in file order. They never touch
note placeholders, inline tags, URLs, e-mail addresses or the protected names of
the unit (the caller passes those as ``shields``). A rule that would loop (its
result matches it again, alone or with other rules) or that would rewrite a
termbase name is refused with ``file:line``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from locbrief.model import LocbriefError
from locbrief.translate.protect import EMAIL, PLACEHOLDER, TAG, URL
from locbrief.translate.termbase import Termbase

HEADER = ("from", "to", "note")
WORD = "*"
CLASS = "@"
#: A ``to`` that flags what ``from`` matches instead of rewriting it.
FLAG = "!"
#: Shapes a rule must never match: placeholders, tags, links, e-mail addresses, tokens.
_PROTECTED_SHAPES = re.compile(f"{PLACEHOLDER}|{TAG}|{URL}|{EMAIL}|ZX\\d+QZ|[{{}}<>]")
_SHIELDED = re.compile(f"{URL}|{EMAIL}|{PLACEHOLDER}|{TAG}")
#: The same where a text has no "@" (no e-mail address): scanning each word for one was most of
#: the time the layer spent cutting drafts.
_SHIELDED_NO_EMAIL = re.compile(f"{URL}|{PLACEHOLDER}|{TAG}")
#: A stem that stands for ``*`` when a rule is tried on its own result.
_SAMPLE_STEM = "tomar"
_WILD = re.compile(r"\*[^\s*]+\*|\*[^\s*]+|[^\s*]+\*|\*|@\w+")


@dataclass(frozen=True)
class Rule:
    source: str
    target: str
    note: str = ""
    line: int = 0
    classes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the word classes the rule may use

    @property
    def suffix(self) -> bool:
        return self.source.startswith(WORD)

    @property
    def flags(self) -> bool:
        return self.target == FLAG

    @cached_property
    def pattern(self) -> re.Pattern:
        words = self.source.split(" ")
        parts = [_word_pattern(w, dict(self.classes), first=i == 0) for i, w in enumerate(words)]
        start = r"(?<!\w)" if re.match(r"[\w*@]", self.source) else ""
        return re.compile(start + " ".join(parts) + r"(?!\w)")

    @cached_property
    def needle(self) -> str:
        """The longest literal text every match contains ('' if none): texts without it are not
        searched, which keeps the layer a small part of ``suggest``'s time."""
        words = self.source.split(" ")
        return max((_needle(w, dict(self.classes), i == 0) for i, w in enumerate(words)), key=len)

    def matches(self, text: str) -> bool:
        return self.needle in text and self.pattern.search(text) is not None

    def apply(self, text: str) -> str:
        if self.needle not in text:
            return text
        return self.pattern.sub(self._replacement, text)

    def _replacement(self, match: re.Match) -> str:
        captured = iter(match.groups())
        classes = dict(self.classes)
        words = []
        for word in self.target.split(" "):
            if not _WILD.fullmatch(word) or (word.startswith(CLASS) and word[1:] not in classes):
                words.append(word)
            elif word.startswith(CLASS) or word == WORD:
                words.append(next(captured))
            elif word.startswith(WORD):
                words.append(next(captured) + word[1:])
            else:
                words.append(word[:-1] + next(captured))
        result = " ".join(words)
        if match.group(0)[:1].isupper() and result[:1].islower():
            return result[:1].upper() + result[1:]
        return result

    @property
    def sample_result(self) -> str:
        """What the rule writes, with sample words for its wildcards: to try rules on."""
        classes = dict(self.classes)

        def sample(word: str) -> str:
            if word.startswith(CLASS) and word[1:] in classes:
                return sample(classes[word[1:]][0])
            return word.replace(WORD, _SAMPLE_STEM) if WORD in word else word

        return " ".join(sample(w) for w in self.target.split(" "))


def _word_pattern(word: str, classes: dict[str, tuple[str, ...]], first: bool) -> str:
    """One word of a rule's ``from`` as a regex; wildcards and classes capture what they match."""
    if word.startswith(CLASS) and word[1:] in classes:
        return "(" + "|".join(_member(m, first) for m in classes[word[1:]]) + ")"
    if word == WORD:
        return r"(\w+)"
    if len(word) > 2 and word.startswith(WORD) and word.endswith(WORD):  # flags only
        return r"(\w*" + re.escape(word[1:-1]) + r"\w*)"
    if word.startswith(WORD):
        return r"(\w+)" + re.escape(word[1:])
    if word.endswith(WORD):
        return "(?:" + _literal(word[:-1], first) + r")(\w+)"
    return _literal(word, first)


def _needle(word: str, classes: dict[str, tuple[str, ...]], first: bool) -> str:
    """The literal part of one word that :func:`_word_pattern` matches as written."""
    if (word.startswith(CLASS) and word[1:] in classes) or word == WORD:
        return ""
    text = word.removeprefix(WORD) if len(word) > 1 else word
    text = text.removesuffix(WORD) if len(text) > 1 else text
    return text[1:] if first and text[:1].islower() and not word.startswith(WORD) else text


def _member(word: str, first: bool) -> str:
    """A word of a class, matched without capturing (the class captures the whole word)."""
    if word.startswith(WORD):
        return r"\w+" + re.escape(word[1:])
    if word.endswith(WORD):
        return _literal(word[:-1], first) + r"\w+"
    return _literal(word, first)


def _literal(text: str, first: bool) -> str:
    """Literal text; a lower-case first letter of the rule also matches a capital."""
    head, rest = text[:1], re.escape(text[1:])
    if first and head.islower():
        return f"[{re.escape(head)}{re.escape(head.upper())}]{rest}"
    return re.escape(head) + rest


class Variety:
    """The rewrite rules of one locale, applied outside protected text."""

    def __init__(self, rules: list[Rule], path: str = ""):
        self.rules = rules
        self.path = path
        self._rewriting = [r for r in rules if not r.flags]  # sorted out once, not per unit
        self._flagging = [r for r in rules if r.flags]

    def apply(self, text: str, shields: tuple[str, ...] = ()) -> str:
        """``text`` with the rules applied everywhere except in ``shields`` and protected shapes.

        A shielded name stands in the text as one word while the rules run, so a rule
        sees the sentence around it ("la DEA, y el ejército": no serial comma).
        """
        if not self.rules:
            return text
        text, names, parts = _names_as_words(text, shields)
        done = "".join(part if kept else self._rewrite(part) for part, kept in parts)
        return _names_back(done, names)

    def _rewrite(self, text: str) -> str:
        """Apply the rules until none changes the text (the loader refused rules that loop)."""
        for _ in range(len(self.rules) + 1):
            before, text = text, self._rewrite_once(text)
            if text == before:
                break
        return text

    def _rewrite_once(self, text: str) -> str:
        for rule in self._rewriting:
            text = rule.apply(text)
        return text

    def flagged(self, text: str, shields: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """(words, note) the layer's ``!`` rules find in ``text``: what it cannot fix but a
        reviewer must see (Spanish left by a pivot through Spanish). Only words that start
        lower-case are flagged: a capitalised one is a name."""
        text, names, cut = _names_as_words(text, shields)
        parts = [part for part, kept in cut if not kept]
        return [
            (m.group(0), rule.note)
            for rule in self._flagging
            for part in parts
            if rule.needle in part
            for m in rule.pattern.finditer(part)
            if m.group(0)[:1].islower()  # names ("Peña", "Córdoba") are no leak
        ]

    def forms(self) -> list[Rule]:
        """The rules, for tools that count the forms a draft should no longer have."""
        return list(self.rules)


def _names_as_words(
    text: str, shields: tuple[str, ...]
) -> tuple[str, list[str], list[tuple[str, bool]]]:
    """``text`` with each shielded name (outside protected shapes) swapped for a word no rule
    writes (``ZXV0QZ``), the names, to put back with :func:`_names_back`, and that text cut
    by :func:`_split_shielded`."""
    names: list[str] = []
    parts = _split_shielded(text, ())
    for shield in sorted({s for s in shields if s.strip()}, key=len, reverse=True):
        if shield in text and any(not kept and _whole_name(shield, part) for part, kept in parts):
            word = f"ZXV{len(names)}QZ"
            names.append(shield)
            text = "".join(part if kept else _swapped(shield, part, word) for part, kept in parts)
            parts = _split_shielded(text, ())
    return text, names, parts


def _whole_name(shield: str, text: str) -> list[int]:
    """Where ``shield`` stands in ``text`` as a whole word, left to right, not overlapping (as
    ``re.finditer`` on ``(?<!\\w)name(?!\\w)`` finds it, without compiling one regex per name:
    suggest tries every name of a unit on its draft)."""
    starts, start = [], text.find(shield)
    while start != -1:
        end = start + len(shield)
        if _edge_free(text, start - 1, shield[:1]) and _edge_free(text, end, shield[-1:]):
            starts.append(start)
            start = text.find(shield, end)
        else:
            start = text.find(shield, start + 1)
    return starts


def _edge_free(text: str, at: int, edge: str) -> bool:
    """No word character at ``at`` next to a name's ``edge`` (a name that does not start or
    end with a letter or digit has no word boundary to keep there)."""
    if not edge.isalnum() or at < 0 or at >= len(text):
        return True
    return not _word_char(text[at])


def _word_char(char: str) -> bool:
    """A character ``\\w`` matches."""
    return char.isalnum() or char == "_"


def _swapped(shield: str, text: str, word: str) -> str:
    """``text`` with every whole-word ``shield`` replaced by ``word``."""
    out, pos = [], 0
    for start in _whole_name(shield, text):
        out += [text[pos:start], word]
        pos = start + len(shield)
    return "".join([*out, text[pos:]])


def _names_back(text: str, names: list[str]) -> str:
    return re.sub(r"ZXV(\d+)QZ", lambda m: names[int(m.group(1))], text)


def _split_shielded(text: str, shields: tuple[str, ...]) -> list[tuple[str, bool]]:
    """``text`` cut into (part, shielded) pieces, shielded pieces left as they are."""
    shapes = _SHIELDED if "@" in text else _SHIELDED_NO_EMAIL
    spans = [m.span() for m in shapes.finditer(text)]
    for shield in sorted({s for s in shields if s}, key=len, reverse=True):
        for start in _occurrences(shield, text):
            end = start + len(shield)
            if all(end <= a or start >= b for a, b in spans):
                spans.append((start, end))
    parts, pos = [], 0
    for start, end in sorted(spans):
        parts += [(text[pos:start], False), (text[start:end], True)]
        pos = end
    parts.append((text[pos:], False))
    return [(p, kept) for p, kept in parts if p]


def _occurrences(needle: str, text: str) -> Iterator[int]:
    """Where ``needle`` starts in ``text``, left to right, not overlapping (as ``re.finditer``)."""
    start = text.find(needle)
    while start != -1:
        yield start
        start = text.find(needle, start + len(needle))


def variety_path(lang: str) -> Path:
    """Where a locale's variety layer lives, beside its termbase."""
    return Path("locales") / lang / "variety.tsv"


def load_variety(path: Path | str | None, termbase: Termbase | None = None) -> Variety:
    """Read a variety layer; no path or a missing file is an empty layer.

    ``termbase``: its names may not be rewritten by any rule.
    """
    if not path or not Path(path).is_file():
        return Variety([], str(path or ""))
    path = Path(path)
    rules: list[Rule] = []
    classes: dict[str, tuple[str, ...]] = {}
    header_seen = False
    names = _names_text(termbase)  # the protected names, one per line, searched at once
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if [c.strip().lower() for c in cells[:3]] != list(HEADER):
                raise LocbriefError(
                    "the first row must be the header 'from<TAB>to<TAB>note'", str(path), number
                )
            header_seen = True
            continue
        if cells[0].strip().startswith(CLASS) and " " not in cells[0].strip():
            name, members = _parse_class(cells, path, number)
            classes[name] = members
            continue
        rule = _parse_rule(cells, path, number, classes)
        _check_protected(rule, termbase, path, names)
        rules.append(rule)
        if not rule.flags:
            _check_loops(rule, [r for r in rules if not r.flags], path)
    return Variety(rules, str(path))


def _parse_class(cells: list[str], path: Path, number: int) -> tuple[str, tuple[str, ...]]:
    """``@name<TAB>word|word|…``: a class of words rules may name (``@persona``)."""
    name = cells[0].strip()[1:]
    members = tuple(m.strip() for m in (cells[1] if len(cells) > 1 else "").split("|") if m.strip())
    if not re.fullmatch(r"\w+", name) or not members:
        raise LocbriefError(
            "a class is '@name<TAB>word|word|…' (a name of letters, at least one word)",
            str(path),
            number,
        )
    for member in members:
        if " " in member or not re.fullmatch(r"\*?[^*]+|[^*]+\*", member):
            raise LocbriefError(
                f"class word {member!r}: one word, with '*' at most at its start or end",
                str(path),
                number,
            )
    return name, members


def _parse_rule(
    cells: list[str], path: Path, number: int, classes: dict[str, tuple[str, ...]]
) -> Rule:
    if len(cells) < 2 or not cells[0].strip():
        raise LocbriefError(
            "expected 'from<TAB>to<TAB>note' with a non-empty 'from'", str(path), number
        )
    source, target = cells[0].strip(), cells[1].strip()
    for word in source.split(" ") + ([] if target == FLAG else target.split(" ")):
        if WORD in word and not _WILD.fullmatch(word):
            raise LocbriefError(
                f"'*' (the rest of a word) must start or end a word, not stand inside {word!r}",
                str(path),
                number,
            )
        if word.startswith(CLASS) and word[1:] not in classes:
            raise LocbriefError(
                f"class {word!r} is not defined above; add a line '{word}<TAB>word|word'",
                str(path),
                number,
            )
    if target != FLAG and re.search(r"(?<!\S)\*\S+\*(?!\S)", source):
        raise LocbriefError(
            "'*' at both ends of a word (a word containing…) only flags: write '!' as 'to'",
            str(path),
            number,
        )
    if target != FLAG and _wildcards(source) != _wildcards(target):
        raise LocbriefError(
            "'to' must have the wildcards of 'from' ('*' and '@class' words), in the same order",
            str(path),
            number,
        )
    if source.startswith(WORD) and len(source) < 2:
        raise LocbriefError("'*' alone would match every word; add an ending", str(path), number)
    used = {w[1:] for w in source.split(" ") if w.startswith(CLASS)}
    return Rule(
        source,
        target,
        cells[2].strip() if len(cells) > 2 else "",
        number,
        tuple((name, classes[name]) for name in sorted(used)),
    )


def _wildcards(text: str) -> list[str]:
    """The wildcard words of a rule side: '@class' by name, any '*' word as '*'."""
    return [w if w.startswith(CLASS) else WORD for w in text.split(" ") if _WILD.fullmatch(w)]


def _check_protected(
    rule: Rule, termbase: Termbase | None, path: Path, names: str | None = None
) -> None:
    """A rule may not rewrite placeholders, tags, links or the names the termbase protects
    (a flag rewrites nothing, and names are shielded when it looks). ``names``: the
    termbase's :func:`_names_text`, when the caller checks many rules."""
    if _PROTECTED_SHAPES.search(rule.source.replace(CLASS, "")):
        raise LocbriefError(
            f"rule {rule.source!r} would rewrite a placeholder, tag, link or token; "
            "those are never changed: delete the rule",
            str(path),
            rule.line,
        )
    # one search of all names first (no rule matches across a line end), then the name
    names = _names_text(termbase) if names is None else names
    if not termbase or rule.flags or not rule.matches(names):
        return
    for term in termbase.terms:
        for name in (term.source, term.target or term.source):
            if rule.pattern.search(name):
                raise LocbriefError(
                    f"rule {rule.source!r} would rewrite the protected name {name!r} "
                    f"({termbase.path}:{term.line}); narrow the rule or delete it",
                    str(path),
                    rule.line,
                )


def _names_text(termbase: Termbase | None) -> str:
    """Every name the termbase protects, one per line: what a rule may not match."""
    terms = termbase.terms if termbase else ()
    return "\n".join(n for t in terms for n in (t.source, t.target or t.source))


def _check_loops(rule: Rule, rules: list[Rule], path: Path) -> None:
    """Refuse a rule whose result the rules (this one included) turn back into what it matches.

    Each rule is tried on its own result, then the whole layer is, step by step:
    if the rule's 'from' shows up again (foo → bar with bar → foo, or a → aa),
    applying the layer would never settle.
    """
    text = rule.sample_result
    for _ in range(len(rules) + 1):
        before = text
        for other in rules:
            text = other.apply(text)
            if rule.matches(text):
                raise LocbriefError(
                    f"rule {rule.source!r} → {rule.target!r} would loop: "
                    + (
                        "its result matches it again"
                        if other is rule
                        else f"line {other.line} turns its result back into {rule.source!r}"
                    ),
                    str(path),
                    rule.line,
                )
        if text == before:
            return
