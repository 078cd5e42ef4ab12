"""What the team's reviews teach the draft: learned corrections and proposed terms.

The memory keeps, for every msgid, the engine's draft and the translation a
person reviewed. Aligning the two word by word (difflib) shows what translators
change; an edit they make again and again ("pólizas" → "políticas", "parar los"
→ "detener a los") becomes a rule applied to every new machine draft.

A candidate is each replaced span of at most :data:`MAX_SPAN` words, bare and
with one word of context on either side. Its evidence is measured on every
(draft, reviewed) pair where it matches: applying it brings the draft closer to
the reviewed text (*seen*), or takes it further away (*contradicted*: the
translator kept or wrote something else there). A rule is kept when it was seen
in at least :data:`MIN_SEEN` units and never contradicted; a rule that would
change a protected token, loop, or rewrite a termbase name is dropped with the
reason.

The rules live in ``locales/<lang>/learned.tsv``, for a reviewer to read, edit
or veto::

    from<TAB>to<TAB>seen<TAB>veto<TAB>note

``seen`` is the number of reviewed units that taught the rule (empty: a rule a
person wrote, kept as it is when the rules are learned again); anything in
``veto`` stops the rule for good (say why). Rules apply to machine drafts only,
after the variety layer, never inside placeholders, tags, URLs or protected
names; each unit's PO comment names the rules that changed it.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from locbrief.files import write_atomically
from locbrief.model import LocbriefError
from locbrief.translate.memory import REVIEWED, Memory
from locbrief.translate.termbase import KEEP, Termbase, candidate_terms
from locbrief.translate.variety import (
    WORD,
    Rule,
    Variety,
    _check_loops,
    _check_protected,
)

HEADER = ("from", "to", "seen", "veto", "note")
#: Reviewed units a rule must have improved before it is applied to new drafts.
MIN_SEEN = 2
#: The longest replaced span (in words, on either side) that becomes a candidate rule.
MAX_SPAN = 3
#: Words and single punctuation marks: what drafts and reviews are aligned on.
_TOKEN = re.compile(r"\w+(?:[’'-]\w+)*|[^\w\s]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class LearnedRule:
    """One correction: literal words ``source`` → ``target``, with the evidence behind it."""

    source: str
    target: str
    seen: int | None = None  # units it improved; None: a rule a person wrote
    veto: str = ""
    note: str = ""
    line: int = 0

    @property
    def name(self) -> str:
        """How the PO comment and the listing name the rule."""
        return f"{self.source} → {self.target}"

    @property
    def rule(self) -> Rule:
        return Rule(self.source, self.target, self.note, self.line)

    def row(self) -> str:
        seen = "" if self.seen is None else str(self.seen)
        return "\t".join((self.source, self.target, seen, self.veto, self.note))


class Corrections:
    """The learned rules of one language, applied to machine drafts."""

    def __init__(self, rules: list[LearnedRule], path: str = ""):
        self.rules = rules
        self.path = path
        self._active = [(r, Variety([r.rule])) for r in rules if not r.veto]

    def apply(self, text: str, shields: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
        """``text`` corrected, and the names of the rules that changed it (in order)."""
        applied: list[str] = []
        for _ in range(len(self._active) + 1):
            before = text
            for rule, layer in self._active:
                changed = layer.apply(text, shields)
                if changed != text:
                    text = changed
                    applied.append(rule.name)
            if text == before:
                break
        return text, tuple(dict.fromkeys(applied))


def learned_path(lang: str) -> Path:
    """Where a language's learned rules live, beside its termbase and variety layer."""
    return Path("locales") / lang / "learned.tsv"


# ---------------------------------------------------------------- the rules file


def load_corrections(path: Path | str | None, termbase: Termbase | None = None) -> Corrections:
    """Read a rules file; no path or a missing file is no rules. A bad line names file:line."""
    if not path or not Path(path).is_file():
        return Corrections([], str(path or ""))
    path = Path(path)
    rules: list[LearnedRule] = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not header_seen:
            if [c.lower() for c in cells[: len(HEADER)]] != list(HEADER):
                raise LocbriefError(
                    "the first row must be the header 'from<TAB>to<TAB>seen<TAB>veto<TAB>note'",
                    str(path),
                    number,
                )
            header_seen = True
            continue
        rule = _parse_row(cells, path, number)
        if not rule.veto:
            _check_rule(rule, [r.rule for r in rules if not r.veto], termbase, path)
        rules.append(rule)
    return Corrections(rules, str(path))


def _parse_row(cells: list[str], path: Path, number: int) -> LearnedRule:
    cells += [""] * (len(HEADER) - len(cells))
    source, target, seen, veto, note = cells[: len(HEADER)]
    if not source or not target or source == target:
        raise LocbriefError(
            "expected 'from<TAB>to<TAB>seen<TAB>veto<TAB>note' with 'from' and 'to' "
            "non-empty and different; fix the line or delete it",
            str(path),
            number,
        )
    if not seen.isdigit() and seen:
        raise LocbriefError(
            f"'seen' must be a number of units, or empty for your own rule (not {seen!r})",
            str(path),
            number,
        )
    return LearnedRule(source, target, int(seen) if seen else None, veto, note, number)


def _check_rule(rule: LearnedRule, earlier: list[Rule], termbase, path: Path) -> None:
    """Refuse what no rule may do: touch protected text or numbers, or loop (variety's checks)."""
    _check_protected(rule.rule, termbase, path)
    for term in termbase.terms if termbase else ():
        for name in {term.source, term.target or term.source}:
            if _count(name, rule.source) > _count(name, rule.target):
                raise LocbriefError(
                    f"rule {rule.name!r} would rewrite the protected name {name!r} "
                    f"({termbase.path}:{term.line}); narrow the rule or delete it",
                    str(path),
                    rule.line,
                )
    if WORD in rule.source or WORD in rule.target or _DIGIT.search(rule.source + rule.target):
        raise LocbriefError(
            f"rule {rule.name!r} would change a number or use '*'; "
            "numbers are protected: delete the rule",
            str(path),
            rule.line,
        )
    _check_loops(rule.rule, [*earlier, rule.rule], path)


def _count(name: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def rules_text(rules: list[LearnedRule], lang: str) -> str:
    """The rules file: a comment saying how to use it, the header, one rule a line."""
    head = (
        f"# Corrections learned from the reviewed translations of {lang} "
        f"(locbrief learn --lang {lang}); applied to new machine drafts.\n"
        "# seen: reviewed units that taught the rule (empty: your own rule, kept when relearning);"
        " veto: anything here stops the rule (say why).\n"
    )
    return head + "\t".join(HEADER) + "\n" + "".join(r.row() + "\n" for r in rules)


def save_rules(path: Path, text: str, expected: bytes) -> bool:
    """Write the rules file atomically, only when its content changes; True when written.

    ``expected``: the bytes read before learning; a reviewer's edit made meanwhile is
    never overwritten (the write is refused, naming the file).
    """
    if text.encode("utf-8") == expected:
        return False
    write_atomically(path, text, expected=expected)
    return True


# ---------------------------------------------------------------- learning


@dataclass
class Evidence:
    """What the reviewed pairs say about one candidate rule."""

    seen: set[str] = field(default_factory=set)  # msgids it improved
    contradicted: set[str] = field(default_factory=set)  # msgids it made worse


@dataclass
class Learned:
    """The outcome of learning: rules kept, and candidates dropped with the reason."""

    kept: list[LearnedRule]
    dropped: list[tuple[LearnedRule, str]]


def reviewed_pairs(memory: Memory) -> list[tuple[str, str, str]]:
    """(msgid, machine draft, reviewed text) for every reviewed unit an engine drafted.

    The draft is the text before learned corrections (``draft`` in the record),
    so relearning sees the engine's own mistakes, not the rules' results.
    """
    drafts: dict[str, set[str]] = defaultdict(set)
    reviewed: dict[str, set[str]] = defaultdict(set)
    for key, record in memory.records.items():
        if key[0] == REVIEWED:
            reviewed[record["msgid"]].add(record["text"])
        else:
            drafts[record["msgid"]].add(record.get("draft", record["text"]))
    return [
        (msgid, draft, text)
        for msgid in sorted(reviewed)
        for draft in sorted(drafts.get(msgid, ()))
        for text in sorted(reviewed[msgid])
    ]


def learn(
    pairs: list[tuple[str, str, str]], termbase: Termbase | None = None, min_seen: int = MIN_SEEN
) -> Learned:
    """The corrections translators repeat in ``pairs``, most general first, each checked."""
    examples: dict[tuple[str, str], str] = {}
    for msgid, draft, reviewed in pairs:
        for candidate in _candidates(draft, reviewed):
            examples.setdefault(candidate, msgid)
    evidence = _evidence(list(examples), pairs)
    kept: list[LearnedRule] = []
    dropped: list[tuple[LearnedRule, str]] = []
    ordered = sorted(examples, key=lambda c: (_words(c[0]), -len(evidence[c].seen), c))
    valid = [c for c in ordered if len(evidence[c].seen) >= min_seen]
    targets = defaultdict(list)
    for source, target in valid:
        if not evidence[source, target].contradicted:
            targets[source.casefold()].append(target)
    for source, target in valid:
        found = evidence[(source, target)]
        rule = LearnedRule(source, target, len(found.seen), note=_excerpt(examples[source, target]))
        if found.contradicted:
            dropped.append((rule, f"contradicted in {len(found.contradicted)} reviewed unit(s)"))
            continue
        others = [t for t in targets[source.casefold()] if t != target]
        if others:
            dropped.append((rule, f"translators disagree: also {', '.join(map(repr, others))}"))
            continue
        if _redundant(rule, kept):
            continue
        try:
            _check_rule(rule, [r.rule for r in kept], termbase, Path("learned"))
        except LocbriefError as error:
            dropped.append((rule, error.message))
            continue
        kept.append(rule)
    return Learned(_application_order(kept), dropped)


def _candidates(draft: str, reviewed: str):
    """(from, to) of each replaced span of the alignment, bare and with a word of context."""
    a, b = _tokens(draft), _tokens(reviewed)
    matcher = difflib.SequenceMatcher(None, [t for t, _, _ in a], [t for t, _, _ in b], False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or i2 - i1 > MAX_SPAN or j2 - j1 > MAX_SPAN:
            continue
        before, after = i1 > 0 and j1 > 0, i2 < len(a) and j2 < len(b)  # equal words around
        if i2 > i1 and j2 > j1:
            yield _span(draft, a, i1, i2), _span(reviewed, b, j1, j2)
        if i2 == i1:  # an insertion: a word each side, or its result would match it again
            if before and after:
                yield _span(draft, a, i1 - 1, i2 + 1), _span(reviewed, b, j1 - 1, j2 + 1)
            continue
        if before:
            yield _span(draft, a, i1 - 1, i2), _span(reviewed, b, j1 - 1, j2)
        if after:
            yield _span(draft, a, i1, i2 + 1), _span(reviewed, b, j1, j2 + 1)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _span(text: str, tokens, start: int, end: int) -> str:
    return text[tokens[start][1] : tokens[end - 1][2]]


def _evidence(
    candidates: list[tuple[str, str]], pairs: list[tuple[str, str, str]]
) -> dict[tuple[str, str], Evidence]:
    """For each candidate, the units where applying it helps and where it hurts."""
    evidence = {c: Evidence() for c in candidates}
    folded = [
        (
            msgid,
            draft,
            _words_of(reviewed),
            draft.casefold(),
            _closeness(_words_of(draft), _words_of(reviewed)),
        )
        for msgid, draft, reviewed in pairs
    ]
    for source, target in candidates:
        rule, found, needle = Rule(source, target), evidence[source, target], source.casefold()
        for msgid, draft, reviewed, lower, base in folded:
            if needle not in lower:
                continue
            for match in rule.pattern.finditer(draft):
                edited = draft[: match.start()] + rule.apply(match.group(0)) + draft[match.end() :]
                gain = _closeness(_words_of(edited), reviewed) - base
                if gain > 0:
                    found.seen.add(msgid)
                elif gain < 0:
                    found.contradicted.add(msgid)
    return evidence


def _words_of(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _closeness(words: list[str], reviewed: list[str]) -> float:
    """How alike two texts are, word by word (difflib's ratio on tokens)."""
    return difflib.SequenceMatcher(None, words, reviewed, False).ratio()


def _words(text: str) -> int:
    return len(_TOKEN.findall(text))


def _redundant(rule: LearnedRule, kept: list[LearnedRule]) -> bool:
    """True when the rules kept already turn this rule's 'from' into its 'to'."""
    text, _ = Corrections(kept).apply(rule.source)
    return text == rule.target


def _application_order(rules: list[LearnedRule]) -> list[LearnedRule]:
    """Longest 'from' first, so a rule with context acts before a bare one it overlaps."""
    return sorted(rules, key=lambda r: (-_words(r.source), -(r.seen or 0), r.source, r.target))


def _excerpt(msgid: str, width: int = 70) -> str:
    text = " ".join(msgid.split())
    return "e.g. " + (text if len(text) <= width else text[: width - 1] + "…")


def relearn(existing: Corrections, learned: Learned) -> list[LearnedRule]:
    """The new rules file: a person's rules and vetoes kept, learned rules replaced."""
    vetoed = {(r.source, r.target): r for r in existing.rules if r.veto}
    own = [r for r in existing.rules if r.seen is None and not r.veto]
    fresh = {(r.source, r.target): r for r in learned.kept}
    mine = vetoed.keys() | {(r.source, r.target) for r in own}
    rules = [r for r in learned.kept if (r.source, r.target) not in mine]
    for key, rule in vetoed.items():
        seen = fresh[key].seen if key in fresh else rule.seen
        rules.append(LearnedRule(rule.source, rule.target, seen, rule.veto, rule.note))
    return own + rules


# ---------------------------------------------------------------- terms


@dataclass(frozen=True)
class TermProposal:
    """A termbase entry the reviewed units suggest: the name, its translation, the units."""

    source: str
    target: str  # KEEP ("=") when translators kept the name as it is
    units: int

    def row(self) -> str:
        """A termbase.tsv line: source, target, case, note."""
        return f"{self.source}\t{self.target}\texact\tlearned from {self.units} reviewed unit(s)"


#: Small words a name may hold in the target language ("Cártel de Sinaloa").
_TARGET_JOINERS = (
    "de",
    "del",
    "la",
    "las",
    "los",
    "el",
    "y",
    "para",
    "contra",
    "do",
    "da",
    "du",
    "des",
    "et",
    "i",
)
#: Articles that open a sentence before a name ("El Departamento de Defensa").
_TARGET_ARTICLES = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "unas",
        "o",
        "a",
        "os",
        "as",
        "um",
        "uma",
        "le",
        "les",
        "l’",
        "une",
        "des",
        "els",
        "en",
        "y",
    ]
)
_CAPITAL_WORD = r"[^\W\d_a-z][\w’'.-]*"
_TARGET_NAME = re.compile(
    rf"(?<![\w’'-]){_CAPITAL_WORD}(?:\s+(?:(?:{'|'.join(_TARGET_JOINERS)})\s+)*{_CAPITAL_WORD})*"
)


def propose_terms(memory: Memory, termbase: Termbase, min_units: int = 1) -> list[TermProposal]:
    """Names of the reviewed sources the termbase lacks, each with the target name aligned to it.

    A source name's translation is the capitalised name of the reviewed texts that
    stands in the same units (Dice coefficient over units), closest in spelling on
    a tie; kept unchanged by the translators, it is proposed as do-not-translate.
    """
    units = _reviewed_units(memory)
    sources = candidate_terms([msgid for msgid, _ in units], termbase)
    targets = [set(_target_names(text)) for _, text in units]
    proposals = []
    for candidate in sources:
        where = [i for i, (msgid, _) in enumerate(units) if _has_words(msgid, candidate.text)]
        if len(where) < min_units:
            continue
        target = _aligned_name(candidate.text, where, targets)
        if target is not None:
            target = _with_office(candidate.text, target, units[where[0]][1])
            same = target == candidate.text
            proposals.append(TermProposal(candidate.text, KEEP if same else target, len(where)))
    return proposals


def _reviewed_units(memory: Memory) -> list[tuple[str, str]]:
    return [
        (record["msgid"], record["text"])
        for key, record in sorted(memory.records.items())
        if key[0] == REVIEWED
    ]


def _has_words(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _target_names(text: str) -> list[str]:
    """Capitalised names of a translation, trailing small words and sentence dots taken off."""
    names = []
    for m in _TARGET_NAME.finditer(text):
        words = m.group(0).rstrip(".").split()
        while words and words[-1] in _TARGET_JOINERS:
            words.pop()
        while words and words[0].lower() in _TARGET_ARTICLES:  # a sentence's first word
            words.pop(0)
        names.append(" ".join(words))
    return [n for n in names if n]


def _aligned_name(source: str, where: list[int], targets: list[set[str]]) -> str | None:
    """The target name standing in every one of ``where``'s units that shares most of the source's words.

    Words are shared when they look alike (cognates: "Defense" and "Defensa",
    "Mexico" and "México"); the name is cut to the span of those words, so a
    sentence's article or a following name stay out. Among equals, the name
    found in the fewest other units (Dice over units) wins.
    """
    counts = Counter(name for i in where for name in targets[i])
    total = Counter(name for names in targets for name in names)
    best, best_score = None, (0.0, 0.0)
    for name, count in counts.items():
        if count < len(where):
            continue
        span, share = _cognate_span(source, name)
        score = (share, 2 * count / (len(where) + total[name]))
        if span and share >= MIN_SHARED and score > best_score:
            best, best_score = span, score
    return best


#: Share of a name's words a translation must share (as look-alikes) to be proposed.
MIN_SHARED = 0.6


def _cognate_span(source: str, name: str) -> tuple[str, float]:
    """The part of ``name`` from its first to its last word like a word of ``source``, and the share."""
    words = [w for w in re.findall(r"[\w.]+", source) if w.lower() not in _NAME_WORDS]
    words = [re.sub(r"[’']s$", "", w) for w in words]
    target = name.split()
    matched = {j for w in words for j, t in enumerate(target) if _alike(w, t)}
    shared = sum(any(_alike(w, t) for t in target) for w in words)
    if not matched or not words:
        return "", 0.0
    return " ".join(target[min(matched) : max(matched) + 1]), shared / len(words)


def _with_office(source: str, target: str, text: str) -> str:
    """The target name with the lower-case words before it that translate the source's
    ("el presidente Donald Trump", "el secretario de Defensa Pete Hegseth")."""
    found = re.search(rf"((?:[^\W\d_]+\s+){{1,3}}){re.escape(target)}(?!\w)", text)
    if found is None:
        return target
    words = [w for w in re.findall(r"[\w.]+", source) if w.lower() not in _NAME_WORDS]
    before = found.group(1).split()
    keep = len(before)
    for k in range(len(before) - 1, -1, -1):
        word = before[k]
        if word in _TARGET_JOINERS:
            continue
        if not any(_alike(w, word) for w in words):
            break
        keep = k
    while keep < len(before) and before[keep] in _TARGET_JOINERS:
        keep += 1
    return " ".join([*before[keep:], target])


def _alike(word: str, other: str) -> bool:
    """Look-alike words (cognates); short ones and acronyms must be the same."""
    word, other = word.casefold(), other.casefold()
    if min(len(word), len(other)) <= 3:
        return word == other
    return difflib.SequenceMatcher(None, word, other).ratio() >= 0.6


#: Small words of a source name that need no counterpart ("Department of Defense").
_NAME_WORDS = frozenset({"of", "the", "for", "on", "to", "and", "de", "del", "la", "al"})
