"""How long a PO save takes to reach the page `locbrief serve` shows, and where the time goes.

Copies the project as a fresh clone has it (es_MX only), starts `locbrief serve --lang es_MX`,
then saves the PO N times (one msgstr changed each time, the whole file written as an editor
does) and polls the served page every 20 ms until it shows the new text. Prints each save's
seconds, their median, and for comparison the time of a Snakemake run with nothing to do on the
same target and the page and merge jobs' own time (Snakemake's benchmark files).

    .venv/bin/python bench/serve.py [--saves 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import PUBLISHED_BRIEF as BRIEF  # noqa: E402
from support.serving import Serving  # noqa: E402
from support.workflow import copy_workflow, workflow_env  # noqa: E402

DEK = "The perils of making war on cartels"


def save(po: Path, msgid: str, msgstr: str) -> None:
    import polib

    catalog = polib.pofile(str(po))
    catalog.find(msgid).msgstr = msgstr
    po.write_text(str(catalog), encoding="utf-8")


def shown(url: str, text: str, seconds: float = 300) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url, timeout=30) as response:
            if text in response.read().decode("utf-8"):
                return True
        time.sleep(0.02)
    return False


def noop_run(workdir: Path, target: str) -> float:
    """One `locbrief run` of the page with nothing to do: Snakemake's own cost."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "locbrief", "run", target],
        cwd=workdir,
        env=workflow_env(),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def job_seconds(workdir: Path, job: str) -> float:
    lines = (workdir / "benchmarks" / BRIEF / f"es_MX.{job}.tsv").read_text().splitlines()
    return float(lines[-1].split("\t")[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = copy_workflow(Path(tmp) / "project", ["es_MX"])
        po = workdir / "locales" / "es_MX" / "LC_MESSAGES" / f"{BRIEF}.po"
        page = f"/es_MX/{BRIEF}.html"
        with Serving(workdir, "--lang", "es_MX") as serving:
            serving.wait_for("serving http://", 900)
            times = []
            for n in range(args.saves):
                time.sleep(3)  # let the previous save's follow-up run (if any) finish
                text = f"Los peligros de la guerra contra los cárteles ({n})"
                started = time.monotonic()
                save(po, DEK, text)
                if not shown(serving.url(page), text):
                    sys.exit(f"save {n} never reached the page:\n{serving.output}")
                times.append(time.monotonic() - started)
                print(f"save {n + 1}: {times[-1]:.2f} s", flush=True)
            serving.interrupt()
        merge, page_job = job_seconds(workdir, "merge"), job_seconds(workdir, "page")
        noop = noop_run(workdir, f"out/es_MX/{BRIEF}.html")
    print(f"PO save → served page: median {statistics.median(times):.2f} s over {len(times)} saves")
    print(f"  of which jobs: merge {merge:.2f} s, page {page_job:.2f} s (last save)")
    print(f"  a Snakemake run of the same target with nothing to do: {noop:.2f} s")


if __name__ == "__main__":
    main()
