"""How good is the draft? chrF and BLEU of the raw engine and of locbrief's draft against a reference.

A reference is a PO file of units of a brief translated by hand, placeholders
kept: ``tests/data/draft-reference.es_MX.po`` (the seed brief), and
``tests/data/reference-<brief>.<lang>.po`` for a second policy text written and
translated after the engine work of its round began, by someone who did not
tune the engine or the layers (its ``X-Brief`` header names the brief). Each
unit is translated three ways: by stock Apertium as Debian ships it
(``apertium -u``, the pair or the pivot chain), by the engine locbrief runs
(with the project's dictionaries where there are any), and through locbrief's
suggest stage (protected names and terms, the termbase, the locale's variety
layer). The outputs are scored with sacrebleu against the reference, and
counted for:

* forms of another variety: matches of the locale's variety rules
  (``locales/<lang>/variety.tsv``: vosotros, "EE.UU.", "coste"…) still in the text;
* English left behind: words of the output that are also words of the English
  unit and that Apertium's Spanish analyser does not know (so "no", "me" and
  "plan" are not counted, "mulling" and "firearms" are).

* words the engine did not know: every word Apertium marked ``*``, names
  included (stock and locbrief's engine), and those locbrief's draft lists in its
  PO comment (names the engine passes through as they are not listed there).

``--all`` also counts, on the whole seed brief, the words the engine did not
know: every word Apertium marks ``*``, names included (distinct words per unit,
as the suggest stage lists them), in the protected texts the suggest stage sends
(termbase names are stand-ins), with Debian's pair and with the project's
vocabulary; for pt_BR and fr, the first leg (English → Spanish) of the pivot.

    .venv/bin/python bench/draft_quality.py [--engine apertium] [--lang es_MX]
        [--reference tests/data/draft-reference.es_MX.po] [--show 5]
    .venv/bin/python bench/draft_quality.py --all     # every reference in tests/data, one table
    .venv/bin/python bench/draft_quality.py --seed [--words]   # words not known on the seed

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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib
import sacrebleu

from locbrief.catalog.template import assign_contexts
from locbrief.config import load_config
from locbrief.markup import TOKEN
from locbrief.model import LocbriefError
from locbrief.read import read_source
from locbrief.translate.chain import settings_for
from locbrief.translate.engines import choose_engine
from locbrief.translate.engines.apertium import (
    BUILD_DIR,
    VOCABULARY_DIR,
    ApertiumEngine,
    unmarked,
)
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import pending, suggest
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
    parser.add_argument("--lang", help="the reference's language (default: its Language header)")
    parser.add_argument("--reference", default=str(ROOT / "tests/data/draft-reference.es_MX.po"))
    parser.add_argument(
        "--brief", help="the brief (default: the reference's X-Brief, else the seed)"
    )
    parser.add_argument("--show", type=int, default=0, help="print this many units, worst first")
    parser.add_argument(
        "--all", action="store_true", help="every reference in tests/data, one row each"
    )
    parser.add_argument(
        "--seed", action="store_true", help="only the words not known on the seed brief"
    )
    parser.add_argument(
        "--words", action="store_true", help="with --seed or --all: list those words, most first"
    )
    return parser.parse_args()


@dataclass
class Outputs:
    """One way of translating the reference's units, and the words it did not know."""

    name: str
    texts: list[str]
    unknown: int


def run(args: argparse.Namespace) -> None:
    """Score stock Apertium, locbrief's engine and locbrief's draft on the reference's units."""
    if args.all:
        print(
            f"{'reference':44s} {'lang':6s} {'units':>5s} {'chrF stock':>10s} {'chrF engine':>11s} "
            f"{'chrF draft':>10s} {'unknown stock':>13s} {'unknown engine':>14s} "
            f"{'unknown draft':>13s}"
        )
        for reference in REFERENCES():
            units, refs, outputs, _ = translate(reference, None, None, args)
            stock, alone, draft = outputs
            print(
                f"{reference.relative_to(ROOT)!s:44s} {language(reference):6s} {len(units):5d} "
                f"{chrf(stock.texts, refs):10.1f} {chrf(alone.texts, refs):11.1f} "
                f"{chrf(draft.texts, refs):10.1f} {stock.unknown:13d} {alone.unknown:14d} "
                f"{draft.unknown:13d}"
            )
        seed_unknown_table(args.words)
        return
    if args.seed:
        seed_unknown_table(args.words)
        return
    reference = Path(args.reference)
    units, refs, outputs, variety = translate(reference, args.lang, args.brief, args)
    lang = args.lang or language(reference)
    sources = [u.msgid for u in units]
    known = spanish_words([t for o in outputs for t in o.texts]) if lang.startswith("es") else None
    print(f"{reference}: {len(units)} units → {lang} with {args.engine}")
    print(
        f"  {'':28s} {'chrF':>6s} {'BLEU':>6s} {'other-variety forms':>20s} {'English left':>13s} "
        f"{'not known':>10s}"
    )
    for output in outputs:
        bleu = sacrebleu.corpus_bleu(output.texts, [refs]).score
        forms = sum(variety_forms(o, variety) for o in output.texts)
        english = sum(len(english_left(o, s, known)) for o, s in zip(output.texts, sources))
        print(
            f"  {output.name:28s} {chrf(output.texts, refs):6.1f} {bleu:6.1f} {forms:20d} "
            f"{english:13d} {output.unknown:10d}"
        )
    if args.show:
        show(units, outputs[0].texts, outputs[-1].texts, refs, args.show)


def REFERENCES() -> list[Path]:
    """The seed's reference first, then every second-text reference in tests/data."""
    data = ROOT / "tests" / "data"
    return [data / "draft-reference.es_MX.po", *sorted(data.glob("reference-*.po"))]


def language(reference: Path) -> str:
    return polib.pofile(str(reference)).metadata["Language"]


def chrf(outputs: list[str], refs: list[str]) -> float:
    return sacrebleu.corpus_chrf(outputs, [refs]).score


def translate(reference: Path, lang: str | None, brief: str | None, args):
    """The reference's units, its translations, and the three ways of translating them."""
    po = polib.pofile(str(reference))
    lang = lang or po.metadata["Language"]
    brief = brief or str(ROOT / po.metadata.get("X-Brief", "tests/data/no-gwot-narco.txt"))
    wanted = {(e.msgctxt, e.msgid): e.msgstr for e in po}
    units = {u.key: u for u in assign_contexts(segment(read_source(brief))) if u.key in wanted}
    missing = set(wanted) - set(units)
    if missing:
        sys.exit(f"{reference}: {len(missing)} units are not in {brief}")
    units = list(units.values())
    config = load_config(args.config) if args.config else {}
    engine = choose_engine(args.engine, "en", lang, settings_for(config, lang, args.engine))
    termbase = load_termbase(ROOT / "locales" / lang / "termbase.tsv")
    variety = load_variety(ROOT / "locales" / lang / "variety.tsv", termbase)

    sources = [u.msgid for u in units]
    answers = list(zip(sources, engine.checked_batch(sources, "en", lang)))
    raw = [engine.unknown_words(out, src)[0] for src, out in answers]
    marked = sum(len(unmarked(out, src)[1]) for src, out in answers)  # names included
    with tempfile.TemporaryDirectory() as tmp:
        memory = Memory(Path(tmp) / "memory.jsonl")
        suggestions = suggest(units, engine, "en", lang, termbase, memory, variety=variety)
    drafts = [suggestions[u.msgid] for u in units]
    outputs = [
        stock_apertium(sources, lang),
        Outputs("locbrief's engine alone", raw, marked),
        Outputs("locbrief draft", [d.text for d in drafts], sum(len(d.unknown) for d in drafts)),
    ]
    return units, [wanted[u.key] for u in units], outputs, variety


def stock_apertium(sources: list[str], lang: str) -> Outputs:
    """Apertium as Debian ships it: the pair's (or the pivot chain's) stock modes, marks counted."""
    modes = STOCK_MODES[lang]
    text = "\n\n".join(s.replace("\n", " ") for s in sources)
    for mode in modes:
        text = subprocess.run(
            ["apertium", "-f", "txt", mode], input=text, capture_output=True, text=True, check=True
        ).stdout
    outputs = text.strip("\n").split("\n\n")
    if len(outputs) != len(sources):
        sys.exit(f"stock apertium gave {len(outputs)} paragraphs for {len(sources)} units")
    unknown = sum(len(_UNKNOWN.findall(o)) for o in outputs)
    return Outputs("stock Apertium", [_MARK.sub("", o).strip() for o in outputs], unknown)


#: Debian's stock modes for each locale the bench scores (pt_BR and fr go through Spanish).
STOCK_MODES = {
    "es_MX": ["eng-spa"],
    "ca": ["eng-cat"],
    "pt_BR": ["eng-spa", "es-pt_BR"],
    "fr": ["eng-spa", "es-fr"],
}
_UNKNOWN = re.compile(r"(?<![\w*])\*\w")
_MARK = re.compile(r"(?<![\w*#@])[*#@]+(?=\w)")


SEED = ROOT / "tests" / "data" / "no-gwot-narco.txt"


def seed_unknown_table(words: bool = False) -> None:
    """Words the engine did not know on the seed, Debian's pair → the project's vocabulary."""
    print(
        "\nwords the engine did not know on the seed brief (every * mark, names included; "
        "units with any; without names)"
    )
    units = assign_contexts(segment(read_source(SEED)))
    with tempfile.TemporaryDirectory() as empty:
        stock = ApertiumEngine(vocabulary_dir=Path(empty), build_dir=Path(empty))
        project = ApertiumEngine(ROOT / VOCABULARY_DIR, ROOT / BUILD_DIR)
        for lang in STOCK_MODES:
            before = seed_unknown(units, stock, lang)
            after = seed_unknown(units, project, lang)
            hop = "" if len(project.chain("en", lang)) == 1 else " (first leg, en→es)"
            print(
                f"  {lang + hop:24s} {before[0]:4d} in {before[1]:3d} units ({before[2]:3d}) → "
                f"{after[0]:4d} in {after[1]:3d} units ({after[2]:3d})"
            )
            if words:
                print("    " + ", ".join(f"{w} {n}" for w, n in after[3].most_common()))


def seed_unknown(units, engine: ApertiumEngine, lang: str) -> tuple[int, int, int, Counter]:
    """(words not known, units with one, the same count without names, the words) on the first hop."""
    termbase = load_termbase(ROOT / "locales" / lang / "termbase.tsv")
    with tempfile.TemporaryDirectory() as tmp:
        texts = pending(units, engine, "en", lang, termbase, Memory(Path(tmp) / "memory.jsonl"))
    first = engine.chain("en", lang)[0]
    words, units_with, without_names, seen = 0, 0, 0, Counter()
    for text, output in zip(texts, engine.checked_batch(texts, *first)):
        marked = [w for w in dict.fromkeys(unmarked(output, text)[1]) if not re.fullmatch(TOKEN, w)]
        words += len(marked)
        units_with += bool(marked)
        without_names += len(engine.unknown_words(output, text)[1])
        seen.update(marked)
    return words, units_with, without_names, seen


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
