"""Random edit/merge endurance: how many translator edits survive 1,000+ cycles of a changing brief.

Each cycle makes one random edit (the editor inserts, deletes or rewords a sentence, adds a note
marker or a heading; the translator writes a msgstr; or the translator saves while the merge
runs) and then runs segment → suggest (pseudo engine) → merge as the workflow does. Prints the
edits made, the edits lost (a translator's latest text for an entry that is nowhere in the PO),
the races and how many of them the merge refused to overwrite, and the time per cycle.

    .venv/bin/python bench/endurance.py [--cycles 1000] [--seed 17]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.endurance import endure  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tally = endure(Path(tmp), args.cycles, args.seed)
    seconds = time.perf_counter() - started
    print(f"cycles: {tally.cycles} (seed {args.seed}), pipeline runs: {tally.runs}")
    print("operations: " + ", ".join(f"{op} {n}" for op, n in sorted(tally.ops.items())))
    print(f"edits made: {tally.edits}")
    print(f"edits lost: {len(tally.lost)}")
    print(f"saves during a merge: {tally.races}, merges that refused to overwrite: {tally.refused}")
    print(f"time: {seconds:.1f} s ({1000 * seconds / max(tally.cycles, 1):.0f} ms a cycle)")
    for text in tally.lost[:10]:
        print(f"  lost: {text}")
    return 1 if tally.lost else 0


if __name__ == "__main__":
    sys.exit(main())
