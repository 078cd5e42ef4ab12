"""Does the draft learn from the team? chrF of the draft as more of a brief is reviewed.

Simulates a team on the references: the brief's units are drafted by the engine
(through locbrief's suggest stage: protection, termbase, variety layer); the
first k% of them (document order) are then "reviewed", their reviewed text taken
from the reference translation; locbrief learns its corrections from those
(draft, reviewed) pairs (``translate/learn.py``, the defaults of ``locbrief
learn``) and drafts again. For k = 0, 25, 50, 75, 100 it prints the chrF (sacrebleu)
against the reference of:

* the brief's remaining units (those not reviewed), without and with the learned
  corrections (the same units, so the difference is what learning did);
* with ``--engine apertium``, the same after the engine also learned its sense
  choices and words (``translate/senses.py``: lexical-selection rules and
  dictionary entries compiled into the pair, the drafts made again through it),
  alone and with the corrections (at 100% no unit remains: only the second brief);
* a second brief, never reviewed: ``--second`` (default: the first
  ``tests/data/reference-<brief>.<lang>.po``, whose ``X-Brief`` header names its
  brief; without one, the reference's second half is held out as the second
  brief and the first half is the brief).

    .venv/bin/python bench/learning.py [--engine apertium] [--lang es_MX]
        [--reference tests/data/draft-reference.es_MX.po] [--second PO] [--min-seen N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import polib
import sacrebleu

from locbrief.catalog.template import assign_contexts
from locbrief.model import LocbriefError, Unit
from locbrief.read import read_source
from locbrief.translate.engines import choose_engine
from locbrief.translate.engines.apertium import MODES_DIR, VOCABULARY_DIR, ApertiumEngine
from locbrief.translate.learn import Corrections, learn, reviewed_pairs
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.senses import MIN_SEEN, learn_engine, pair_for
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase
from locbrief.translate.variety import load_variety

ROOT = Path(__file__).resolve().parents[1]
SHARES = (0, 25, 50, 75, 100)


def main() -> None:
    try:
        run(_arguments())
    except LocbriefError as error:
        sys.exit(f"learning: error: {error}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="apertium")
    parser.add_argument("--lang", default="es_MX")
    parser.add_argument("--reference", default=str(ROOT / "tests/data/draft-reference.es_MX.po"))
    parser.add_argument(
        "--second",
        help="a reference PO of another brief (default: tests/data/reference-*.<lang>.po, "
        "else the reference's second half)",
    )
    parser.add_argument(
        "--min-seen", type=int, default=MIN_SEEN, help="reviewed units an engine choice needs"
    )
    args = parser.parse_args()
    seconds = sorted((ROOT / "tests/data").glob(f"reference-*.{args.lang}.po"))
    args.second = args.second or (str(seconds[0]) if seconds else None)
    return args


def reference_units(path: str) -> tuple[list[Unit], dict]:
    """The units of the brief a reference PO translates (its ``X-Brief``, else the seed), in order."""
    po = polib.pofile(path)
    reference = {(e.msgctxt, e.msgid): e.msgstr for e in po if e.msgstr}
    brief = ROOT / po.metadata.get("X-Brief", "tests/data/no-gwot-narco.txt")
    units = {u.key: u for u in assign_contexts(segment(read_source(brief))) if u.key in reference}
    if len(units) < len(reference):
        raise LocbriefError(f"{len(reference) - len(units)} units are not in {brief}", path)
    return list(units.values()), reference


def run(args: argparse.Namespace) -> None:
    brief, reference = reference_units(args.reference)
    if args.second:
        second, second_reference = reference_units(args.second)
        reference = {**second_reference, **reference}
    else:
        brief, second = brief[: len(brief) // 2], brief[len(brief) // 2 :]
    engine = choose_engine(args.engine, "en", args.lang)
    termbase = load_termbase(ROOT / "locales" / args.lang / "termbase.tsv")
    variety = load_variety(ROOT / "locales" / args.lang / "variety.tsv", termbase)
    print(
        f"brief: {len(brief)} units of {args.reference}; second brief: {len(second)} units of "
        f"{args.second or 'its second half (held out)'}; {engine.name} "
        f"({engine.model('en', args.lang)}) → {args.lang}"
    )
    print(
        f"  {'reviewed':>8s} {'rules':>5s} {'senses':>6s}   remaining units chrF: "
        "draft → rules | senses | both   second brief chrF: draft → rules | senses | both"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for share in SHARES:
            memory = Memory(Path(tmp) / f"{share}.jsonl")
            units = brief + second

            def drafts(corrections=None, engine=engine, memory=memory, units=units):
                found = suggest(
                    units, engine, "en", args.lang, termbase, memory, variety=variety,
                    corrections=corrections,
                )  # fmt: skip
                return lambda group: chrf(group, found, reference)

            before = drafts()
            count = round(len(brief) * share / 100)
            for unit in brief[:count]:
                memory.remember_reviewed(unit.context, unit.msgid, reference[unit.key])
            pairs = reviewed_pairs(memory)
            rules = learn(pairs, termbase).kept
            after = drafts(Corrections(rules))
            senses, learned_engine = _engine_learning(args, pairs, termbase, Path(tmp) / str(share))
            scores = [before, after]
            if learned_engine is not None:
                scores += [
                    drafts(engine=learned_engine),
                    drafts(Corrections(rules), learned_engine),
                ]
            rest = brief[count:]
            print(
                f"  {share:>3d}% {count:>3d} {len(rules):>5d} {senses:>6d}   "
                f"{_row(scores, rest):>36s}   {_row(scores, second):>36s}"
            )


def _engine_learning(args, pairs, termbase, folder: Path):
    """(choices learned, an Apertium engine drafting with them) from the reviewed pairs."""
    if args.engine != "apertium" or not (MODES_DIR / f"{pair_for(args.lang)}.mode").is_file():
        return 0, None
    vocab, build = folder / "vocabulary", ROOT / "build" / "apertium"
    shutil.copytree(ROOT / VOCABULARY_DIR, vocab)
    learned = learn_engine(pairs, args.lang, vocab, build, termbase, args.min_seen)
    for path, text in learned.texts.items():
        path.write_text(text, encoding="utf-8")
    return len(learned.kept), ApertiumEngine(vocab, build)


def _row(scores, units) -> str:
    if not units:  # all of the brief reviewed: nothing remains
        return "—"
    first, *rest = [score(units) for score in scores]
    return f"{first:6.2f} → " + " | ".join(f"{s:6.2f} ({s - first:+.2f})" for s in rest)


def chrf(units: list[Unit], drafts: dict, reference: dict) -> float:
    """chrF of the drafts of ``units`` against the reference."""
    return sacrebleu.corpus_chrf(
        [drafts[u.msgid].text for u in units], [[reference[u.key] for u in units]]
    ).score


if __name__ == "__main__":
    sys.exit(main())
