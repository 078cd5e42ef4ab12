"""Cost of one enormous paragraph: each stage at 1×, 4× and 16× the size, time and memory.

A source that is one paragraph of a single "sentence" (no full stop until the end) is the worst
case for the segmenter, the protection patterns and the engine. Each stage runs as the workflow
runs it (`locbrief read`, `segment`, `suggest`, `merge`, `page`, `pdf`) on an HTML brief of
``--base`` bytes times 1, 4 and 16; the table gives wall seconds and peak memory (GNU time) per
stage, and seconds per MB, which stays flat when the cost grows linearly.

    .venv/bin/python bench/huge_paragraph.py [--base 128000] [--engine apertium] [--pdf]
                                             [--shape words|token]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "the",
    "cartels",
    "moved",
    "guns",
    "across",
    "the",
    "border",
    "while",
    "officials",
    "in",
    "Mexico",
    "and",
    "the",
    "United",
    "States",
    "argued",
    "about",
    "policy,",
    "money,",
    "trade,",
    "migration",
    "and",
    "the",
    "costs",
    "of",
    "enforcement",
]


def brief(size: int, shape: str = "words") -> str:
    """An HTML brief whose body is one paragraph of ``size`` bytes with one full stop, at the end:
    words, or (``shape="token"``) one run of letters and dots without a space, the worst case for
    the e-mail and URL patterns."""
    rng, words, length = random.Random(size), [], 0
    while length < size:
        words.append(rng.choice(WORDS))
        length += len(words[-1]) + 1
    text = " ".join(words) if shape == "words" else ".".join(words).replace(",", "")
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Huge</title></head><body><article>"
        f"<h1>Huge</h1><p>{text}.</p></article></body></html>"
    )


def stages(engine: str, pdf: bool) -> list[tuple[str, list[str]]]:
    locbrief = [sys.executable, "-m", "locbrief", "-q"]
    termbase = str(ROOT / "locales" / "es_MX" / "termbase.tsv")
    steps = [
        ("read", [*locbrief, "read", "huge.html", "-o", "doc.json"]),
        ("segment", [*locbrief, "segment", "doc.json", "--pot", "huge.pot", "--units", "units.json"]),
        ("suggest", [*locbrief, "suggest", "units.json", "--lang", "es_MX", "--engine", engine,
                     "--termbase", termbase, "--memory", "memory.jsonl", "-o", "sugg.json"]),
        ("merge", [*locbrief, "merge", "--pot", "huge.pot", "--po", "es_MX.po", "--lang", "es_MX",
                   "--suggestions", "sugg.json", "--memory", "memory.jsonl", "-o", "merge.json"]),
        ("page", [*locbrief, "page", "doc.json", "units.json", "--lang", "es_MX", "--po", "es_MX.po",
                  "--memory", "memory.jsonl", "-o", "out/es_MX/huge.html"]),
    ]  # fmt: skip
    if pdf:
        steps.append(("pdf", [*locbrief, "pdf", "out/es_MX/huge.html", "-o", "out/es_MX/huge.pdf"]))
    return steps


def measure(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident kilobytes of one stage (GNU time)."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command], cwd=cwd, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"{command[4]} failed: {done.stderr.strip().splitlines()[-2:]}")
    seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=128_000, help="bytes of the 1× paragraph")
    parser.add_argument("--engine", default="apertium", help="engine for the suggest stage")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF step")
    parser.add_argument(
        "--shape", choices=("words", "token"), default="words", help="words, or one long token"
    )
    args = parser.parse_args()
    print(f"{'stage':8} {'size':>9} {'seconds':>8} {'s/MB':>7} {'peak MB':>8}")
    for factor in (1, 4, 16):
        size = args.base * factor
        with tempfile.TemporaryDirectory() as folder:
            cwd = Path(folder)
            (cwd / "huge.html").write_text(brief(size, args.shape), encoding="utf-8")
            total = 0.0
            for name, command in stages(args.engine, args.pdf):
                seconds, kilobytes = measure(command, cwd)
                total += seconds
                print(
                    f"{name:8} {size:>9} {seconds:>8.2f} {seconds / size * 1e6:>7.2f} "
                    f"{kilobytes / 1024:>8.0f}"
                )
            print(f"{'all':8} {size:>9} {total:>8.2f} {total / size * 1e6:>7.2f}")


if __name__ == "__main__":
    main()
