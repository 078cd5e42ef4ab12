"""How much of a workflow run is the stages' own work, and how much is Snakemake's.

Builds a corpus of real briefs in a temporary copy of the repository: the seed brief and the
HTML articles in tests/data, plus prose HTML manuals found on this machine (Debian's
/usr/share/doc: libffi's manual, base-passwd, zlib, the Python policy), translated into four
languages with Apertium. Then, in one go, it measures and prints:

* a cold run with ``--cores 1``: wall time against the sum of every job's own process time
  (Snakemake's ``benchmark:`` files), i.e. what Snakemake adds per job (limit 1.3x);
* the same cold run with ``--cores 2`` against ``--cores 1`` (limit 0.6x);
* a run with nothing to do (limit 2 s + 0.05 s per brief);
* a run after one sentence of one brief was reworded: the jobs rerun and the time.

Usage: .venv/bin/python bench/workflow_speed.py [--briefs N] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ("es_MX", "pt_BR", "fr", "ca")
SEED = REPO / "tests" / "data" / "no-gwot-narco.txt"
#: Prose HTML on a Debian machine, in the order they are taken (index pages left out).
FOUND_ON_THIS_MACHINE = (
    "/usr/share/doc/base-passwd/users-and-groups.html",
    "/usr/share/doc/zlib1g-dev/examples/zlib_how.html",
    "/usr/share/doc/python3/python-policy.html",
    "/usr/share/doc/libffi8/html/[A-HJ-Z]*.html",
)
EDITED = (
    "The violence perpetrated by Mexico’s drug cartels",
    "The brutal violence of Mexico’s cartels",
)


def corpus(limit: int) -> dict[str, Path]:
    """Brief name → source file: the seed, tests/data's HTML briefs, then what this machine has."""
    import glob

    from locbrief.config import brief_pattern

    briefs = {SEED.stem: SEED}
    for path in sorted((REPO / "tests" / "data").glob("*.html")):
        briefs[path.stem] = path
    for pattern in FOUND_ON_THIS_MACHINE:
        for found in sorted(glob.glob(pattern)):
            path = Path(found)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{path.parent.name}-{path.stem}".lower())
            if re.fullmatch(brief_pattern(), name) and len(briefs) < limit:
                briefs[name] = path
    return briefs


def make_repo(target: Path, briefs: dict[str, Path]) -> Path:
    shutil.copytree(REPO / "workflow", target / "workflow")
    (target / "config").mkdir()
    languages = "".join(f"  {lang}: {{engine: apertium}}\n" for lang in LANGUAGES)
    (target / "config" / "config.yaml").write_text(
        f"source_language: en\nlanguages:\n{languages}", encoding="utf-8"
    )
    (target / "source").mkdir()
    for name, path in briefs.items():
        shutil.copy2(path, target / "source" / f"{name}{path.suffix}")
    for termbase in (REPO / "locales").glob("*/termbase.tsv"):
        (target / termbase.relative_to(REPO)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(termbase, target / termbase.relative_to(REPO))
    return target


def run(workdir: Path, cores: int) -> tuple[float, int, float, float]:
    """One `snakemake` run as `make run` starts it: wall seconds, jobs run, CPU seconds used (all
    processes), and the CPU seconds of Snakemake's own process (its scheduler, not the jobs)."""
    import psutil  # a Snakemake dependency

    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    cpu = _children_cpu()
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stderr:
        snakemake = subprocess.Popen(
            [sys.executable, "-m", "snakemake", "--cores", str(cores)],
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
        own = 0.0
        while snakemake.poll() is None:
            with contextlib.suppress(psutil.Error):
                times = psutil.Process(snakemake.pid).cpu_times()
                own = times.user + times.system
            time.sleep(0.2)
        wall = time.perf_counter() - start
        stderr.seek(0)
        messages = stderr.read()
    if snakemake.returncode != 0:
        sys.exit(f"snakemake failed in {workdir}:\n{messages[-3000:]}")
    jobs = re.search(r"^total\s+(\d+)", messages, re.M)
    # `all` is no job of its own
    return wall, int(jobs.group(1)) - 1 if jobs else 0, _children_cpu() - cpu, own


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and their children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stage_seconds(workdir: Path) -> dict[str, float]:
    """Each rule's summed process time, from the `benchmark:` file Snakemake writes per job."""
    totals: dict[str, float] = {}
    for tsv in (workdir / "benchmarks").rglob("*.tsv"):
        rule = tsv.stem.rsplit(".", 1)[-1]
        rows = list(csv.DictReader(tsv.open(encoding="utf-8"), delimiter="\t"))
        totals[rule] = totals.get(rule, 0.0) + float(rows[-1]["s"])
    return totals


def cold_state(workdir: Path) -> None:
    """Back to a fresh clone: no outputs, no PO files or memories, no Snakemake records."""
    for name in ("build", "out", "logs", "benchmarks", ".snakemake"):
        shutil.rmtree(workdir / name, ignore_errors=True)
    for lang in LANGUAGES:
        shutil.rmtree(workdir / "locales" / lang / "LC_MESSAGES", ignore_errors=True)
        (workdir / "locales" / lang / "memory.jsonl").unlink(missing_ok=True)
    shutil.rmtree(workdir / "locales" / "templates", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=24, help="corpus size (default 24)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    args = parser.parse_args()
    briefs = corpus(args.briefs)
    workdir = make_repo(Path(tempfile.mkdtemp(prefix="locbrief-speed-")), briefs)
    n = len(briefs)
    print(f"corpus: {n} briefs × {len(LANGUAGES)} languages (apertium), in {workdir}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")

    cold1, jobs, cpu1, own1 = run(workdir, cores=1)
    stages = stage_seconds(workdir)
    work = sum(stages.values())
    print(
        f"cold, --cores 1: {cold1:.1f} s wall for {jobs} jobs; their own process time {work:.1f} s; "
        f"CPU {cpu1:.1f} s ({cpu1 / cold1:.2f} of {os.cpu_count()} cores busy on average), "
        f"of which Snakemake's own process {own1:.1f} s"
    )
    for rule, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"    {rule:<12} {seconds:6.1f} s")
    print(f"  ratio wall / stages' own time: {cold1 / work:.2f} (limit 1.30)")

    noop, _, noop_cpu, _ = run(workdir, cores=1)
    limit = 2 + 0.05 * n
    print(
        f"no-op run: {noop:.2f} s wall, {noop_cpu:.2f} s CPU "
        f"(limit {limit:.2f} s = 2 s + 0.05 s × {n} briefs)"
    )

    seed = workdir / "source" / f"{SEED.stem}.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace(*EDITED, 1), encoding="utf-8")
    edit, edit_jobs, edit_cpu, _ = run(workdir, cores=1)
    print(
        f"one reworded sentence in one brief: {edit:.1f} s wall, {edit_cpu:.1f} s CPU, "
        f"{edit_jobs} jobs rerun"
    )

    cold_state(workdir)
    seed.write_text(seed.read_text(encoding="utf-8").replace(*reversed(EDITED), 1), "utf-8")
    cold2, _, cpu2, own2 = run(workdir, cores=2)
    print(
        f"cold, --cores 2: {cold2:.1f} s wall, CPU {cpu2:.1f} s ({cpu2 / cold2:.2f} cores busy), "
        f"of which Snakemake's own process {own2:.1f} s; ratio to --cores 1: {cold2 / cold1:.2f} "
        "(limit 0.60)"
    )
    # A --cores 1 run already keeps more than one core busy (Snakemake's scheduler, Apertium's
    # pipeline of processes); --cores 2 can at best spread all the CPU time over both cores.
    print(
        f"  best --cores 2 could do here: all of its CPU time on {os.cpu_count()} cores, "
        f"{cpu2 / os.cpu_count():.1f} s, a ratio of {cpu2 / os.cpu_count() / cold1:.2f}"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end (other work on the machine skews the ratios)"
    )
    if not args.keep:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
