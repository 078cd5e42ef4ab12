"""Sense choices the engine learns from reviews: Apertium lexical-selection rules.

Exact string edits rarely repeat, but a word choice does: where Apertium's
bilingual dictionary offers an English word several translations ("border":
borde, frontera) and reviewers keep writing one the draft did not use, the
engine itself should choose it. For every reviewed unit (learn.py's
``reviewed_pairs``) the English is run through the pair's analyser, tagger and
bilingual dictionary (the stock mode's own programs), which list each word's
options; the draft and the reviewed Spanish are analysed with the pair's Spanish
analyser, so choices match on lemmas ("fronteras" is frontera).

A choice is *seen* in a unit whose reviewed text uses that option (and no other)
where the draft did not; it is *contradicted* by a unit whose reviewed text uses
another option for the same word. A choice seen in at least :data:`MIN_SEEN`
units and never contradicted is kept, unless a hand-written rule
(``locales/apertium/<pair>.lrx``) already chooses for that word (the hand rule
wins) or the termbase requires another translation (dropped with a note). The
kept choices are written to ``locales/apertium/<pair>.learned.lrx`` (same format
as the hand rules), which apertium_vocab compiles after the hand rules.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from locbrief.model import LocbriefError
from locbrief.translate.termbase import Termbase

#: Reviewed units a choice must be seen in.
MIN_SEEN = 2
#: Parts of speech whose choices are learned (content words, as the pair tags them).
POS = ("n", "vblex", "adj", "adv")
_LU = re.compile(r"\^([^$]*)\$")


@dataclass
class Choice:
    """A learned sense choice: ``english`` (tagged ``pos``) is translated ``chosen``."""

    english: str
    pos: str
    chosen: str
    seen: set[str] = field(default_factory=set)  # msgids whose review taught it
    contradicted: set[str] = field(default_factory=set)  # msgids whose review used another option
    replaced: set[str] = field(default_factory=set)  # what the drafts had used

    @property
    def name(self) -> str:
        return f"{self.english} ({self.pos}) → {self.chosen}"

    def evidence(self) -> str:
        instead = f" instead of {', '.join(sorted(self.replaced))}" if self.replaced else ""
        return f"seen in {len(self.seen)} reviewed units{instead}"


@dataclass
class LearnedSenses:
    kept: list[Choice]
    dropped: list[tuple[Choice, str]]


def pair_for(lang: str) -> str:
    """The Apertium pair (eng-spa) that drafts English into ``lang``."""
    from locbrief.translate.engines import language_code
    from locbrief.translate.engines.apertium import CODES

    code = language_code(lang)
    return f"eng-{CODES.get(code, code)}"


def learned_lrx_path(pair: str, folder: Path = Path("locales/apertium")) -> Path:
    """Where a pair's learned choices live: beside the hand rules, so the workflow's inputs cover it."""
    return folder / f"{pair}.learned.lrx"


def learn_senses(
    pairs: list[tuple[str, str, str]],
    stock_mode: Path,
    hand_rules: Path | None = None,
    termbase: Termbase | None = None,
    min_seen: int = MIN_SEEN,
) -> LearnedSenses:
    """Choices from (msgid, draft, reviewed) triples; kept and dropped with the reason."""
    if not pairs:
        return LearnedSenses([], [])
    mode = stock_mode.read_text()
    options = _options([p[0] for p in pairs], mode)
    target = _analyser(mode)
    lemmas = _lemmas([t for p in pairs for t in p[1:]], target)
    choices: dict[tuple[str, str, str], Choice] = {}
    used: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for index, (msgid, _draft, _reviewed) in enumerate(pairs):
        draft, reviewed = lemmas[2 * index], lemmas[2 * index + 1]
        for english, pos, offered in options[index]:
            picked = [o for o in offered if o in reviewed]
            if len(picked) != 1:
                continue
            used[(english, pos)][picked[0]].add(msgid)
            if picked[0] not in draft:
                choice = choices.setdefault(
                    (english, pos, picked[0]), Choice(english, pos, picked[0])
                )
                choice.seen.add(msgid)
                choice.replaced.update(o for o in offered if o in draft)
    hand = _hand_words(hand_rules)
    kept, dropped = [], []
    for key, choice in sorted(choices.items()):
        for other, msgids in used[key[:2]].items():
            if other != choice.chosen:
                choice.contradicted |= msgids - choice.seen
        reason = _refusal(choice, hand, termbase, min_seen)
        (dropped.append((choice, reason)) if reason else kept.append(choice))
    return LearnedSenses(kept, dropped)


def _refusal(choice: Choice, hand: set[str], termbase: Termbase | None, min_seen: int) -> str:
    if len(choice.seen) < min_seen:
        return f"seen in {len(choice.seen)} reviewed unit(s), fewer than {min_seen}"
    if choice.contradicted:
        return f"contradicted in {len(choice.contradicted)} reviewed unit(s)"
    if choice.english.casefold() in hand:
        return "a hand-written rule chooses for this word"
    for term in termbase.terms if termbase else ():
        same = term.source.casefold() == choice.english.casefold()
        if same and term.target and choice.chosen.casefold() not in term.target.casefold():
            return f"the termbase requires {term.target!r} (line {term.line})"
    return ""


def rules_text(choices: list[Choice], pair: str, lang: str) -> str:
    """The learned .lrx: one rule per choice, its evidence in a comment."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- Sense choices learned from the reviewed translations (locbrief learn, for {lang});",
        f"     rewritten by it. Hand-written rules ({pair}.lrx) win over these. -->",
        "<rules>",
    ]
    for c in choices:
        lines.append(f"  <!-- {escape(c.evidence()).replace('--', '- -')} -->")
        lines.append(
            f"  <rule><match lemma={quoteattr(c.english)} tags={quoteattr(c.pos + '.*')}>"
            f"<select lemma={quoteattr(c.chosen)}/></match></rule>"
        )
    return "\n".join([*lines, "</rules>", ""])


def _hand_words(path: Path | None) -> set[str]:
    """English lemmas a hand-written rule selects a translation for."""
    if path is None or not path.is_file():
        return set()
    text = path.read_text(encoding="utf-8")
    return {m.casefold() for m in re.findall(r'<match\s+lemma="([^"]+)"[^>]*>\s*<select', text)}


def _run(command: str, text: str) -> str:
    done = subprocess.run(
        ["bash", "-c", command], input=text, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise LocbriefError(f"Apertium failed while learning sense choices: {last}")
    return done.stdout


def _batch(texts: list[str]) -> str:
    """Texts one to a paragraph (Apertium keeps blank lines), markup characters escaped."""
    clean = [re.sub(r"[\^$@\\/<>\[\]{}]", " ", " ".join(t.split())) for t in texts]
    return (
        "\n\n".join(c if c.strip() else "." for c in clean) + "\n"
    )  # an empty text keeps its place


def _paragraphs(output: str, count: int) -> list[str]:
    parts = re.split(r"\n\s*\n", output.strip("\n"))
    if len(parts) != count:
        raise LocbriefError(f"Apertium returned {len(parts)} paragraphs for {count} texts")
    return parts


def _options(texts: list[str], mode: str) -> list[list[tuple[str, str, list[str]]]]:
    """Per text, its ambiguous words: (English lemma, part of speech, the translations offered)."""
    biltrans = mode.split("| lrx-proc", 1)[0].replace("$2", "").replace("$1", "")
    out = []
    for paragraph in _paragraphs(_run(biltrans, _batch(texts)), len(texts)):
        words = []
        for unit in _LU.findall(paragraph):
            source, *offered = unit.split("/")
            pos = re.findall(r"<(\w+)>", source)[:1]
            lemmas = list(dict.fromkeys(o.split("<")[0].split("#")[0].strip() for o in offered))
            if pos and pos[0] in POS and len(lemmas) > 1 and all(lemmas):
                words.append((source.split("<")[0].lower(), pos[0], lemmas))
        out.append(words)
    return out


def _analyser(mode: str) -> Path:
    """The target language's analyser: the reverse pair's (spa-eng.automorf.bin)."""
    first = re.search(r"'([^']*/)([a-z]+)-([a-z]+)\.automorf\.bin'", mode)
    if not first:
        raise LocbriefError("cannot find the pair's analyser in its mode")
    folder, source, target = first.groups()
    path = Path(f"{folder}{target}-{source}.automorf.bin")
    if not path.is_file():
        raise LocbriefError(f"the pair has no analyser for {target} ({path} is missing)")
    return path


def _lemmas(texts: list[str], analyser: Path) -> list[set[str]]:
    """Per text, every lemma the analyser gives any of its words (lower case)."""
    output = _run(f"lt-proc '{analyser}'", _batch(texts))
    return [
        {a.split("<")[0].lower() for unit in _LU.findall(p) for a in unit.split("/")[1:]}
        for p in _paragraphs(output, len(texts))
    ]
