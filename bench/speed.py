"""The three speed ratios of issue 23, each measured against its anchor side by side in one run.

On the seed brief (tests/data/no-gwot-narco.txt), in a temporary copy of the project:

1. ``locbrief suggest`` (es_MX, Apertium, an empty memory each time) against raw
   ``apertium -u eng-spa`` on the same text: the units' msgids, one per paragraph (limit 1.3);
   twice: the first run ever (no probe answers kept in ``build/probes/`` either, so the
   engine is asked its 124 probes) and a new memory on a machine that ran suggest before
   (the probe answers kept: what a new language, a fresh memory or a rerun after
   ``rm memory.jsonl`` costs);
2. ``locbrief read`` + ``segment`` + ``page`` (the English page) against translate-toolkit's
   ``html2po`` + ``po2html`` on that English page (limit 2);
3. a cold four-language run (read to PDF) with ``--cores 2`` against ``--cores 1`` (limit 0.65),
   and the PDF step's seconds per page-language (Snakemake's ``benchmark:`` files; limit 1.5 s).

Pairs 1 and 2 alternate, ``--repeat`` times each, and the medians are compared: the machine's
other work then weighs on both sides alike. Every command is a new process, so Python's import
time counts. The load average is printed at the start and the end.

Usage: .venv/bin/python bench/speed.py [--repeat N] [--briefs N] [--keep] [--no-cold-runs]
(--briefs N > 1 also runs ratios 1 and 2 on each brief of the corpus bench/workflow_speed.py
builds, probe answers kept, each brief's medians summed, and ratio 3 on that corpus.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workflow_speed import LANGUAGES, SEED, cold_state, corpus, make_repo, run, stage_seconds

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]


def seconds(command: list[str] | str, cwd: Path, **kwargs) -> float:
    """Wall seconds of one command (a list, or a shell line), which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, shell=isinstance(command, str), **kwargs
    )
    if done.returncode != 0:
        sys.exit(f"{command} failed in {cwd}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def side_by_side(ours: Callable[[], float], anchor: Callable[[], float], repeat: int):
    """Medians of ``ours`` and ``anchor`` run alternately ``repeat`` times each."""
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(ours())
        theirs.append(anchor())
    return statistics.median(mine), statistics.median(theirs)


def locbrief(*args: str) -> list[str]:
    return [str(BIN / "locbrief"), *args, "-q"]


def prepare(workdir: Path, source: Path) -> None:
    """A brief read and segmented, its English page made, its msgids (one per paragraph) the text
    raw Apertium gets, and Apertium's project mode compiled (not timed)."""
    read_segment_page(workdir, source)
    units = json.loads((workdir / "build" / "units.json").read_text(encoding="utf-8"))
    text = "\n\n".join(" ".join(u["msgid"].split()) for u in units) + "\n"
    (workdir / "build" / "text.txt").write_text(text, encoding="utf-8")
    suggest(workdir)


def segment_args() -> list[str]:
    return ["segment", "build/document.json", "--pot", "build/t.pot", "--units", "build/units.json"]


def page_args() -> list[str]:
    return [
        "page", "build/document.json", "build/units.json", "--lang", "en",
        "--languages", ",".join(["en", *LANGUAGES]), "--config", "config/config.yaml",
        "-o", "out/en/page.html",
    ]  # fmt: skip


def suggest(workdir: Path, probes_kept: bool = True) -> float:
    """``locbrief suggest`` for es_MX with an empty memory (and no probe answers kept, unless
    ``probes_kept``)."""
    (workdir / "build" / "memory.jsonl").unlink(missing_ok=True)
    if not probes_kept:
        shutil.rmtree(workdir / "build" / "probes", ignore_errors=True)
    return seconds(
        locbrief(
            "suggest", "build/units.json", "--lang", "es_MX", "--engine", "apertium",
            "--config", "config/config.yaml", "--termbase", "locales/es_MX/termbase.tsv",
            "--memory", "build/memory.jsonl", "-o", "build/es_MX.suggestions.json",
        ),
        workdir,
    )  # fmt: skip


def raw_apertium(workdir: Path) -> float:
    with open(workdir / "build" / "text.txt", encoding="utf-8") as text:
        return seconds(["apertium", "-u", "eng-spa"], workdir, stdin=text)


def read_segment_page(workdir: Path, source: Path) -> float:
    return (
        seconds(locbrief("read", str(source), "-o", "build/document.json"), workdir)
        + seconds(locbrief(*segment_args()), workdir)
        + seconds(locbrief(*page_args()), workdir)
    )


def translate_toolkit(workdir: Path) -> float:
    page, po = "out/en/page.html", "build/tt.po"
    return seconds(
        [str(BIN / "html2po"), "--progress=none", "-i", page, "-o", po], workdir
    ) + seconds(
        [str(BIN / "po2html"), "--progress=none", "-t", page, "-i", po, "-o", "build/tt.html"],
        workdir,
    )


def cores_ratio(briefs: int) -> tuple[float, float, float, int]:
    """Cold run seconds with --cores 1 and 2, the PDF step's seconds per page-language, briefs."""
    chosen = corpus(briefs) if briefs > 1 else {SEED.stem: SEED}
    workdir = make_repo(Path(tempfile.mkdtemp(prefix="locbrief-speed-")), chosen)
    shutil.copytree(REPO / "locales" / "apertium", workdir / "locales" / "apertium")
    try:
        one, *_ = run(workdir, cores=1)
        pdfs = [
            float(tsv.read_text(encoding="utf-8").splitlines()[-1].split("\t")[0])
            for tsv in (workdir / "benchmarks").rglob("*.pdf.tsv")
        ]
        cold_state(workdir)
        two, *_ = run(workdir, cores=2)
        print(f"    rules' own seconds (--cores 2 run): {_stages(workdir)}")
    finally:
        shutil.rmtree(workdir)
    return one, two, statistics.mean(pdfs) if pdfs else float("nan"), len(chosen)


def _stages(workdir: Path) -> str:
    return ", ".join(f"{rule} {s:.1f}" for rule, s in sorted(stage_seconds(workdir).items()))


def pairs(workdir: Path, source: Path, repeat: int, first_run: bool) -> dict[str, tuple]:
    """Ratios 1 and 2 on one brief: (ours, anchor) medians for suggest with the probe answers
    kept (and the first run ever, if ``first_run``) and for read + segment + page."""
    prepare(workdir, source)
    found = {}
    runs = ((False, "first run ever"), (True, "probe answers kept"))
    for kept, label in runs if first_run else runs[1:]:
        found[label] = side_by_side(
            lambda kept=kept: suggest(workdir, kept), lambda: raw_apertium(workdir), repeat
        )
    found["page"] = side_by_side(
        lambda: read_segment_page(workdir, source), lambda: translate_toolkit(workdir), repeat
    )
    return found


def report(found: dict[str, tuple], where: str) -> None:
    for label, (ours, anchor) in found.items():
        if label == "page":
            print(
                f"2. {where}: read + segment + page {ours:.2f} s / html2po + po2html {anchor:.2f} s"
                f" = {ours / anchor:.2f} (limit 2.00)"
            )
        else:
            print(
                f"1. {where}: suggest (cold memory, {label}, es_MX, apertium) {ours:.2f} s / raw "
                f"apertium -u eng-spa {anchor:.2f} s = {ours / anchor:.2f} (limit 1.30)"
            )


def project(briefs: dict[str, Path]) -> Path:
    """A temporary copy of the project with these briefs, the vocabulary and es_MX's layer."""
    workdir = make_repo(Path(tempfile.mkdtemp(prefix="locbrief-speed-")), briefs)
    shutil.copytree(REPO / "locales" / "apertium", workdir / "locales" / "apertium")
    (workdir / "locales" / "es_MX" / "variety.tsv").write_bytes(
        (REPO / "locales" / "es_MX" / "variety.tsv").read_bytes()
    )
    return workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--briefs", type=int, default=1, help="briefs (1: the seed alone)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    parser.add_argument(
        "--no-cold-runs", action="store_true", help="ratios 1 and 2 only (ratio 3 takes minutes)"
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    workdir = project({SEED.stem: SEED})
    report(pairs(workdir, SEED, args.repeat, first_run=True), "seed")
    if args.briefs > 1:
        briefs = corpus(args.briefs)
        totals: dict[str, list[float]] = {}
        for source in briefs.values():  # each brief's medians, summed over the corpus
            for label, (ours, anchor) in pairs(workdir, source, args.repeat, False).items():
                total = totals.setdefault(label, [0.0, 0.0])
                total[0], total[1] = total[0] + ours, total[1] + anchor
        report({k: tuple(v) for k, v in totals.items()}, f"{len(briefs)} briefs, summed")
    if args.keep:
        print(f"   (kept {workdir})")
    else:
        shutil.rmtree(workdir)
    if not args.no_cold_runs:
        one, two, pdf, n = cores_ratio(args.briefs)
        print(
            f"3. cold run of {n} brief(s) × {len(LANGUAGES)} languages: --cores 2 {two:.1f} s / "
            f"--cores 1 {one:.1f} s = {two / one:.2f} (limit 0.65); PDF step {pdf:.2f} s per "
            "page-language (limit 1.50)"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end (other work skews the ratios)")


if __name__ == "__main__":
    main()
