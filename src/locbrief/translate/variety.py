"""The regional layer: a language variety's usage applied to any engine's draft.

Engines write one variety of a language (Apertium's Spanish is Peninsular:
"vosotros", "EE.UU."); ``locales/<lang>/variety.tsv`` lists the rewrites that
make the draft read as the locale's own (es_MX: "ustedes", "Estados Unidos";
pt_BR: "equipe", not "equipa"). It is data, edited by translators::

    from<TAB>to<TAB>note

* ``from`` is literal text matched as whole words ("os" never inside "nosotros").
  A lower-case first letter also matches a capital, and then the result gets
  one ("Vosotros" → "Ustedes"); a capital matches only itself.
* A leading ``*`` on both sides stands for the rest of a word, for verb
  endings: ``*áis<TAB>*an`` turns "tendríais" into "tendrían".
* Lines starting with ``#`` are comments; the first other line is the header.

Rules are applied until none changes the text, in file order. They never touch
note placeholders, inline tags, URLs, e-mail addresses or the protected names of
the unit (the caller passes those as ``shields``). A rule that would loop (its
result matches it again, alone or with other rules) or that would rewrite a
termbase name is refused with ``file:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from locbrief.model import LocbriefError
from locbrief.translate.protect import EMAIL, PLACEHOLDER, TAG, URL
from locbrief.translate.termbase import Termbase

HEADER = ("from", "to", "note")
WORD = "*"
#: Shapes a rule must never match: placeholders, tags, links, e-mail addresses, tokens.
_PROTECTED_SHAPES = re.compile(f"{PLACEHOLDER}|{TAG}|{URL}|{EMAIL}|ZX\\d+QZ|[{{}}<>]")
_SHIELDED = re.compile(f"{URL}|{EMAIL}|{PLACEHOLDER}|{TAG}")
#: A stem that stands for ``*`` when a rule is tried on its own result.
_SAMPLE_STEM = "tomar"


@dataclass(frozen=True)
class Rule:
    source: str
    target: str
    note: str = ""
    line: int = 0

    @property
    def suffix(self) -> bool:
        return self.source.startswith(WORD)

    @cached_property
    def pattern(self) -> re.Pattern:
        text = self.source.removeprefix(WORD)
        first, rest = text[:1], re.escape(text[1:])
        if first.islower():
            head = f"[{re.escape(first)}{re.escape(first.upper())}]"
        else:
            head = re.escape(first)
        stem = r"(?P<stem>\w+)" if self.suffix else r"(?<!\w)"
        return re.compile(f"{stem}{head}{rest}(?!\\w)")

    def apply(self, text: str) -> str:
        return self.pattern.sub(self._replacement, text)

    def _replacement(self, match: re.Match) -> str:
        target = self.target.removeprefix(WORD)
        if self.suffix:
            return match.group("stem") + target
        if match.group(0)[:1].isupper() and target[:1].islower():
            return target[:1].upper() + target[1:]
        return target

    @property
    def sample_result(self) -> str:
        """What the rule writes, with a sample stem for ``*``: to try rules on."""
        return _SAMPLE_STEM + self.target[1:] if self.suffix else self.target


class Variety:
    """The rewrite rules of one locale, applied outside protected text."""

    def __init__(self, rules: list[Rule], path: str = ""):
        self.rules = rules
        self.path = path

    def apply(self, text: str, shields: tuple[str, ...] = ()) -> str:
        """``text`` with the rules applied everywhere except in ``shields`` and protected shapes."""
        if not self.rules:
            return text
        parts = _split_shielded(text, shields)
        return "".join(part if kept else self._rewrite(part) for part, kept in parts)

    def _rewrite(self, text: str) -> str:
        """Apply the rules until none changes the text (the loader refused rules that loop)."""
        for _ in range(len(self.rules) + 1):
            before, text = text, self._rewrite_once(text)
            if text == before:
                break
        return text

    def _rewrite_once(self, text: str) -> str:
        for rule in self.rules:
            text = rule.apply(text)
        return text

    def forms(self) -> list[Rule]:
        """The rules, for tools that count the forms a draft should no longer have."""
        return list(self.rules)


def _split_shielded(text: str, shields: tuple[str, ...]) -> list[tuple[str, bool]]:
    """``text`` cut into (part, shielded) pieces, shielded pieces left as they are."""
    spans = [m.span() for m in _SHIELDED.finditer(text)]
    for shield in sorted({s for s in shields if s}, key=len, reverse=True):
        for m in re.finditer(re.escape(shield), text):
            if all(m.end() <= a or m.start() >= b for a, b in spans):
                spans.append(m.span())
    parts, pos = [], 0
    for start, end in sorted(spans):
        parts += [(text[pos:start], False), (text[start:end], True)]
        pos = end
    parts.append((text[pos:], False))
    return [(p, kept) for p, kept in parts if p]


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
    header_seen = False
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
        rule = _parse_rule(cells, path, number)
        _check_protected(rule, termbase, path)
        rules.append(rule)
        _check_loops(rule, rules, path)
    return Variety(rules, str(path))


def _parse_rule(cells: list[str], path: Path, number: int) -> Rule:
    if len(cells) < 2 or not cells[0].strip():
        raise LocbriefError(
            "expected 'from<TAB>to<TAB>note' with a non-empty 'from'", str(path), number
        )
    source, target = cells[0].strip(), cells[1].strip()
    if source.startswith(WORD) != target.startswith(WORD) or WORD in source[1:] + target[1:]:
        raise LocbriefError(
            "'*' (the rest of a word) must start both 'from' and 'to', and only there",
            str(path),
            number,
        )
    if source.startswith(WORD) and len(source) < 2:
        raise LocbriefError("'*' alone would match every word; add an ending", str(path), number)
    return Rule(source, target, cells[2].strip() if len(cells) > 2 else "", number)


def _check_protected(rule: Rule, termbase: Termbase | None, path: Path) -> None:
    """A rule may not rewrite placeholders, tags, links or the names the termbase protects."""
    if _PROTECTED_SHAPES.search(rule.source):
        raise LocbriefError(
            f"rule {rule.source!r} would rewrite a placeholder, tag, link or token; "
            "those are never changed: delete the rule",
            str(path),
            rule.line,
        )
    for term in termbase.terms if termbase else ():
        for name in (term.source, term.target or term.source):
            if rule.pattern.search(name):
                raise LocbriefError(
                    f"rule {rule.source!r} would rewrite the protected name {name!r} "
                    f"({termbase.path}:{term.line}); narrow the rule or delete it",
                    str(path),
                    rule.line,
                )


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
            if rule.pattern.search(text):
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
