"""How fast fuzzy matches are found in a large memory, and whether the index misses any.

The memory: every sentence of the real documents in source/ and tests/data/
(read and segmented as the workflow does), repeated with a number appended
until it holds ``--size`` reviewed sentences. The queries: ``--queries``
sentences of it with one word changed or dropped (what a reworded sentence in
the next brief looks like), plus as many unrelated ones. For each query, the
best match by the word-pair index (:class:`locbrief.translate.fuzzy.FuzzyIndex`)
is compared with the best by difflib over every sentence of the memory.

Prints: memory size, index build time, time per query (index, exhaustive),
matches found above the threshold by each, and queries where the two disagree.

Usage: ``PYTHONPATH=src python bench/fuzzy_matches.py [--size 5000] [--queries 100]``
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from locbrief.read import read_source
from locbrief.translate.fuzzy import THRESHOLD, Candidate, FuzzyIndex, normalise, score
from locbrief.translate.segment import segment

REPO = Path(__file__).resolve().parents[1]


def sentences() -> list[str]:
    """Distinct units of the real documents with at least four words."""
    found: dict[str, None] = {}
    for path in [
        *sorted((REPO / "source").glob("*.txt")),
        *sorted((REPO / "tests/data").glob("*.html")),
    ]:
        try:
            units = segment(read_source(str(path)))
        except Exception as exc:  # a document this version cannot read: say so, go on
            print(f"skipped {path.name}: {exc}")
            continue
        found.update((u.msgid, None) for u in units if len(u.msgid.split()) >= 4)
    return list(found)


def reworded(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    i = rng.randrange(len(words))
    if rng.random() < 0.5:
        del words[i]
    else:
        words[i] = "substantially"
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(22)
    base = sentences()
    memory = [base[i % len(base)] + ("" if i < len(base) else f" ({i})") for i in range(args.size)]
    started = time.perf_counter()
    index = FuzzyIndex(Candidate(s, s, "bench") for s in memory)
    built = time.perf_counter() - started
    queries = [reworded(rng.choice(base), rng) for _ in range(args.queries)]
    queries += [
        f"Unrelated sentence number {i} about gardening and the weather."
        for i in range(args.queries)
    ]

    started = time.perf_counter()
    by_index = [index.best(q) for q in queries]
    indexed = (time.perf_counter() - started) / len(queries)
    started = time.perf_counter()
    exhaustive = []
    for q in queries:
        plain = normalise(q)
        exhaustive.append(max(score(plain, normalise(s)) for s in memory))
    full = (time.perf_counter() - started) / len(queries)

    found_index = sum(1 for m in by_index if m is not None)
    found_full = sum(1 for s in exhaustive if s >= THRESHOLD)
    disagree = sum(
        1
        for m, s in zip(by_index, exhaustive)
        if (m.score if m else None) != (s if s >= THRESHOLD else None)
    )
    print(f"memory: {len(index)} reviewed sentences ({len(base)} distinct real ones); "
          f"{len(queries)} queries ({args.queries} reworded, {args.queries} unrelated)")  # fmt: skip
    print(f"index built in {built:.2f} s")
    print(f"per query: index {indexed * 1000:.2f} ms, difflib over every sentence {full * 1000:.1f} ms "
          f"({full / indexed:.0f}x)")  # fmt: skip
    print(f"matches ≥ {THRESHOLD}%: index {found_index}, exhaustive {found_full}; "
          f"queries where the best score differs: {disagree}")  # fmt: skip


if __name__ == "__main__":
    main()
