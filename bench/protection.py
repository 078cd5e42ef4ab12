"""What survives machine translation of the real brief: note markers, URLs, numbers, termbase names.

Runs the suggest stage as the pipeline does (segment → protect → engine →
restore) with a fresh translation memory, so every unit reaches the engine,
then counts in the suggestions what had to come through unchanged.

    .venv/bin/python bench/protection.py [--lang es_MX] [--engine apertium] [--brief source/no-gwot-narco.txt]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from locbrief.read import read_source
from locbrief.translate.engines import choose_engine
from locbrief.translate.memory import Memory
from locbrief.translate.protect import EMAIL, QUOTED_TITLE, URL
from locbrief.translate.segment import check_translation, segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase

ROOT = Path(__file__).resolve().parents[1]


class TimedEngine:
    """The chosen engine, with the seconds and units of every batch it is sent."""

    def __init__(self, engine):
        self.engine, self.seconds, self.units, self.batches = engine, 0.0, 0, 0

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def checked_batch(self, texts, source, target):
        start = time.perf_counter()
        out = self.engine.checked_batch(texts, source, target)
        self.seconds += time.perf_counter() - start
        self.units += len(texts)
        self.batches += 1 if texts else 0
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brief", default=str(ROOT / "source" / "no-gwot-narco.txt"))
    parser.add_argument("--lang", default="es_MX")
    parser.add_argument("--engine", default="apertium")
    args = parser.parse_args()

    units = segment(read_source(args.brief))
    termbase = load_termbase(ROOT / "locales" / args.lang / "termbase.tsv")
    engine = TimedEngine(choose_engine(args.engine, "en", args.lang))
    with tempfile.TemporaryDirectory() as tmp:
        suggestions = suggest(
            units, engine, "en", args.lang, termbase, Memory(Path(tmp) / "memory.jsonl")
        )
    report(units, suggestions, termbase, engine, args)


def report(units, suggestions, termbase, engine, args) -> None:
    distinct = {u.msgid: u for u in units}
    rows = [
        ("note markers", *_count(distinct, suggestions, _notes_kept)),
        ("URLs", *_count(distinct, suggestions, _kept(URL))),
        ("e-mail addresses", *_count(distinct, suggestions, _kept(EMAIL))),
        (
            "numbers",
            *_count(
                distinct,
                suggestions,
                _kept(r"(?<![\w.])\d[\d,.]*\d(?![\w])|(?<![\w.$])\d(?![\w,.]\d)"),
            ),
        ),
        (
            "do-not-translate names",
            *_count(distinct, suggestions, _names_kept(termbase, keep=True)),
        ),
        (
            "terms with a required target",
            *_count(distinct, suggestions, _names_kept(termbase, keep=False)),
        ),
    ]
    print(
        f"{args.brief}: {len(units)} units, {len(distinct)} distinct msgids → {args.lang} with "
        f"{engine.name} ({engine.model('en', args.lang)})"
    )
    for name, kept, total in rows:
        print(f"  {name:30s} {kept:5d} / {total:<5d} kept  {_percent(kept, total)}")
    with_problems = [s for s in suggestions.values() if s.problems]
    unusable = [m for m, s in suggestions.items() if check_translation(distinct[m], s.text)]
    triunfo = [
        m for m, s in suggestions.items() if "Trump" in m and re.search(r"triunf", s.text, re.I)
    ]
    print(
        f"  {'suggestions with problems':30s} {len(with_problems):5d} / {len(suggestions):<5d} "
        f"(go to the PO fuzzy with a QA note)"
    )
    print(f"  {'placeholders/tags unusable':30s} {len(unusable):5d} / {len(suggestions):<5d}")
    print(f"  {'“Trump” became “Triunfo”':30s} {len(triunfo):5d}")
    per_unit = engine.seconds / engine.units * 1000 if engine.units else 0.0
    print(
        f"  engine: {engine.units} segments (units and term probes) in {engine.batches} batches, "
        f"{engine.seconds:.2f} s, {per_unit:.1f} ms per segment"
    )
    for problem, count in Counter(
        p.split(" '")[0] for s in with_problems for p in s.problems
    ).most_common():
        print(f"    problem: {problem} × {count}")


def _count(distinct, suggestions, kept_in) -> tuple[int, int]:
    """(kept, total) summed over the distinct msgids."""
    pairs = [kept_in(unit, suggestions[msgid].text) for msgid, unit in distinct.items()]
    return sum(k for k, _ in pairs), sum(t for _, t in pairs)


def _notes_kept(unit, text: str) -> tuple[int, int]:
    markers = re.findall(r"(?<!\{)\{\d+\}(?!\})", unit.msgid)
    return sum(1 for m in markers if text.count(m) == 1), len(markers)


def _kept(pattern: str):
    def kept_in(unit, text: str) -> tuple[int, int]:
        found = re.findall(pattern, unit.msgid)
        return sum(1 for f in found if f in text), len(found)

    return kept_in


def _names_kept(termbase, keep: bool):
    """Term occurrences whose required rendering (the name itself, or the target) is in the text.

    Terms inside a link or a cited title (kept as published) are not counted.
    """

    def kept_in(unit, text: str) -> tuple[int, int]:
        verbatim = [m.span() for m in re.finditer(URL, unit.msgid)]
        if unit.kind == "endnote":
            verbatim += [m.span() for m in re.finditer(QUOTED_TITLE, unit.msgid)]
        matches = [
            m
            for m in termbase.find(unit.msgid)
            if (m.term.target is None) == keep
            and all(m.end <= a or m.start >= b for a, b in verbatim)
        ]
        return sum(1 for m in matches if m.term.render(m.text).casefold() in text.casefold()), len(
            matches
        )

    return kept_in


def _percent(kept: int, total: int) -> str:
    return f"{100 * kept / total:5.1f} %" if total else "    – "


if __name__ == "__main__":
    sys.exit(main())
