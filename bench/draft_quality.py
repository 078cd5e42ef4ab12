"""How good is the draft? chrF and BLEU of the raw engine and of locbrief's draft against a reference.

The reference (``tests/data/draft-reference.es_MX.po``) holds units of the
brief translated by hand into Mexican Spanish. Each of its units is sent to the
engine twice: as it is (the raw engine) and through locbrief's suggest stage
(protected names and terms, the termbase, the locale's variety layer). Both
outputs are scored with sacrebleu against the reference, and counted for:

* forms of another variety: matches of the locale's variety rules
  (``locales/<lang>/variety.tsv``: vosotros, "EE.UU.", "coste"…) still in the text;
* English left behind: words of the output that are also words of the English
  unit and that Apertium's Spanish analyser does not know (so "no", "me" and
  "plan" are not counted, "mulling" and "firearms" are).

    .venv/bin/python bench/draft_quality.py [--engine apertium] [--lang es_MX]
        [--reference tests/data/draft-reference.es_MX.po] [--show 5]

A network engine takes its settings from the config (``engines:`` and the
language's ``formality``) and its key from the environment, as in a run:

    DEEPL_AUTH_KEY=… .venv/bin/python bench/draft_quality.py --engine deepl --config config/config.yaml
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
import sacrebleu

from locbrief.config import load_config
from locbrief.model import LocbriefError
from locbrief.read import read_source
from locbrief.translate.chain import settings_for
from locbrief.translate.engines import choose_engine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase
from locbrief.translate.variety import load_variety

ROOT = Path(__file__).resolve().parents[1]
SPANISH_ANALYSER = Path("/usr/share/apertium/apertium-eng-spa/spa-eng.automorf.bin")
_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")


def main() -> None:
    try:
        run(_arguments())
    except LocbriefError as error:
        sys.exit(f"draft_quality: error: {error}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engine",
        default="apertium",
        help="auto, argos, apertium, deepl, libretranslate, openai, …",
    )
    parser.add_argument(
        "--config", help="config/config.yaml: a network engine's settings (engines:, formality)"
    )
    parser.add_argument("--lang", default="es_MX")
    parser.add_argument("--reference", default=str(ROOT / "tests/data/draft-reference.es_MX.po"))
    parser.add_argument("--brief", default=str(ROOT / "tests/data/no-gwot-narco.txt"))
    parser.add_argument("--show", type=int, default=0, help="print this many units, worst first")
    return parser.parse_args()


def run(args: argparse.Namespace) -> None:
    """Score the raw engine and locbrief's draft on the reference's units."""

    reference = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(args.reference)}
    units = {u.key: u for u in segment(read_source(args.brief)) if u.key in reference}
    missing = set(reference) - set(units)
    if missing:
        sys.exit(f"{args.reference}: {len(missing)} units are not in {args.brief}")
    units = list(units.values())
    config = load_config(args.config) if args.config else {}
    engine = choose_engine(
        args.engine, "en", args.lang, settings_for(config, args.lang, args.engine)
    )
    termbase = load_termbase(ROOT / "locales" / args.lang / "termbase.tsv")
    variety = load_variety(ROOT / "locales" / args.lang / "variety.tsv", termbase)

    sources = [u.msgid for u in units]
    raw = [
        engine.unknown_words(out, src)[0]
        for src, out in zip(sources, engine.checked_batch(sources, "en", args.lang))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        memory = Memory(Path(tmp) / "memory.jsonl")
        suggestions = suggest(units, engine, "en", args.lang, termbase, memory, variety=variety)
    drafts = [suggestions[u.msgid].text for u in units]
    refs = [reference[u.key] for u in units]

    known = spanish_words(raw + drafts) if args.lang.startswith("es") else None
    print(
        f"{args.reference}: {len(units)} units → {args.lang} with {engine.name} "
        f"({engine.model('en', args.lang)})"
    )
    print(
        f"  {'':28s} {'chrF':>6s} {'BLEU':>6s} {'other-variety forms':>20s} {'English left':>13s}"
    )
    for name, outputs in (("raw engine", raw), ("locbrief draft", drafts)):
        chrf = sacrebleu.corpus_chrf(outputs, [refs]).score
        bleu = sacrebleu.corpus_bleu(outputs, [refs]).score
        forms = sum(variety_forms(o, variety) for o in outputs)
        english = sum(len(english_left(o, s, known)) for o, s in zip(outputs, sources))
        print(f"  {name:28s} {chrf:6.1f} {bleu:6.1f} {forms:20d} {english:13d}")
    if args.show:
        show(units, raw, drafts, refs, args.show)


def variety_forms(text: str, variety) -> int:
    """How often the variety layer's rules would still fire on ``text``."""
    return sum(len(rule.pattern.findall(text)) for rule in variety.rules)


def english_left(output: str, source: str, known: set[str] | None) -> list[str]:
    """Words of the output that are words of the English source and not words of the target."""
    english = {w.casefold() for w in _WORD.findall(source)}
    return [
        w
        for w in _WORD.findall(output)
        if w.casefold() in english
        and w[:1].islower()  # names are kept on purpose
        and (known is None or w.casefold() not in known)
    ]


def spanish_words(texts: list[str]) -> set[str] | None:
    """The lower-cased words of ``texts`` that Apertium's Spanish analyser knows."""
    if not SPANISH_ANALYSER.exists() or shutil.which("lt-proc") is None:
        print("  (no Spanish analyser: every shared word counts as English)", file=sys.stderr)
        return None
    words = sorted({w.casefold() for t in texts for w in _WORD.findall(t)})
    done = subprocess.run(
        ["lt-proc", str(SPANISH_ANALYSER)],
        input="\n".join(words) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    analysed = re.findall(r"\^([^/$]+)/([^$]*)\$", done.stdout)
    return {surface for surface, readings in analysed if not readings.startswith("*")}


def show(units, raw, drafts, refs, count: int) -> None:
    """The units where the draft is furthest from the reference."""
    scored = sorted(
        zip(units, raw, drafts, refs),
        key=lambda row: sacrebleu.sentence_chrf(row[2], [row[3]]).score,
    )
    for unit, r, d, ref in scored[:count]:
        print(f"\n  EN  {unit.msgid}\n  RAW {r}\n  LB  {d}\n  REF {ref}")


if __name__ == "__main__":
    sys.exit(main())
