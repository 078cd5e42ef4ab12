"""Throughput of the Argos engine: one batched call against one call per sentence.

Uses the tiny copy model from tests/support/argos_models.py (or a real package given
with --package) installed into a throw-away Argos folder, so it runs offline
and leaves the user's packages alone. The tiny model measures the engine's own
overhead (tokenizing, batching, decoding), not a real model's speed.

    .venv/bin/python bench/argos_tiny.py [--sentences 400] [--package FILE --pair en es]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(workdir: Path, package: Path | None, source: str, target: str) -> None:
    """Point Argos at ``workdir`` and install the package to measure."""
    for name in ("data", "cache", "config"):
        os.environ[f"XDG_{name.upper()}_HOME"] = str(workdir / name)
    os.environ["ARGOS_PACKAGES_DIR"] = str(workdir / "packages")
    from locbrief.translate.engines.argos import install_model

    if package is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from support import argos_models

        package = argos_models.build_package(workdir / "build", source, target, max_positions=128)
    install_model(package)


def texts(count: int) -> list[str]:
    """Brief-like sentences with protected-item tokens, as the pipeline sends them."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support import argos_models

    return argos_models.sentences(count, seed=1)[:count]


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--package", type=Path, help="a real .argosmodel to measure instead")
    parser.add_argument("--pair", nargs=2, default=["en", "es"], metavar=("SOURCE", "TARGET"))
    args = parser.parse_args()
    source, target = args.pair
    with tempfile.TemporaryDirectory() as workdir:
        setup(Path(workdir), args.package, source, target)
        from locbrief.translate.engines.argos import ArgosEngine, _threads

        engine = ArgosEngine()
        batch = texts(args.sentences)
        engine.translate_batch(batch[:4], source, target)  # load the model outside the timings
        batched = timed(lambda: engine.checked_batch(batch, source, target))
        one_by_one = timed(
            lambda: [engine.translate_batch([text], source, target) for text in batch]
        )
        threads = _threads()
        print(
            f"model: {engine.model(source, target)}; {len(batch)} sentences; "
            f"{threads.inter} inter × {threads.intra} intra threads on {os.cpu_count()} cores"
        )
        print(f"one batch:          {batched:7.3f} s  {len(batch) / batched:9.1f} sentences/s")
        print(
            f"one call each:      {one_by_one:7.3f} s  {len(batch) / one_by_one:9.1f} sentences/s"
        )
        print(f"batching speed-up:  {one_by_one / batched:7.1f}×")


if __name__ == "__main__":
    main()
