"""How long a PO save takes to reach the page `locbrief serve` shows, and where the time goes.

Copies the project as a fresh clone has it (es_MX only), starts `locbrief serve --lang es_MX`,
then saves the PO N times (one msgstr changed each time, the whole file written as an editor
does) and follows the page's event stream as an open page does: on each reload announced, the
page is fetched, until it shows the new text. Prints each save's seconds and the CPU seconds it
cost (serve, Snakemake and the jobs, Snakemake's wind-down after the page included; so are the
imports of the zygote that ran it, done before the save), their medians, the load average before
and after, and for comparison a Snakemake run of the same target with nothing to do (started
cold, as `make run` does) and the merge and page jobs' own time (Snakemake's benchmark files).

    .venv/bin/python bench/serve.py [--saves 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
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


def listen(url: str, reloads: list[float]) -> None:
    """The page's event stream, as an open page follows it: when each reload was announced."""
    with urllib.request.urlopen(url, timeout=900) as stream:
        for line in stream:
            if line.startswith(b"event: reload"):
                reloads.append(time.monotonic())


def shown(url: str, text: str, reloads: list[float], since: float, seconds: float = 300) -> bool:
    """Whether a reload announced after ``since`` brings a page that shows ``text``: what an
    open page does (the page fetched again on each announcement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(t > since for t in reloads):
            with urllib.request.urlopen(url, timeout=30) as response:
                if text in response.read().decode("utf-8"):
                    return True
            since = reloads[-1]
        time.sleep(0.01)
    return False


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and of the children it has waited for (Snakemake, and through it
    the jobs): what a rebuild costs whatever else the machine is doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime … cstime


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
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = copy_workflow(Path(tmp) / "project", ["es_MX"])
        po = workdir / "locales" / "es_MX" / "LC_MESSAGES" / f"{BRIEF}.po"
        page = f"/es_MX/{BRIEF}.html"
        with Serving(workdir, "--lang", "es_MX") as serving:
            serving.wait_for("serving http://", 900)
            reloads: list[float] = []
            threading.Thread(
                target=listen, args=(serving.url("/__locbrief/events"), reloads), daemon=True
            ).start()
            times, cpu = [], []
            for n in range(args.saves):
                serving.wait_until_idle()  # the previous save's runs
                text = f"Los peligros de la guerra contra los cárteles ({n})"
                started, used = time.monotonic(), cpu_seconds(serving.process.pid)
                built = serving.output.count("built in")
                save(po, DEK, text)
                if not shown(serving.url(page), text, reloads, started):
                    sys.exit(f"save {n} never reached the page:\n{serving.output}")
                times.append(time.monotonic() - started)
                while serving.output.count("built in") == built:  # Snakemake waited for
                    time.sleep(0.05)
                cpu.append(cpu_seconds(serving.process.pid) - used)
                print(f"save {n + 1}: {times[-1]:.2f} s ({cpu[-1]:.2f} s of CPU)", flush=True)
            serving.interrupt()
        merge, page_job = job_seconds(workdir, "merge"), job_seconds(workdir, "page")
        noop = noop_run(workdir, f"out/es_MX/{BRIEF}.html")
    print(
        f"PO save → served page: median {statistics.median(times):.2f} s over {len(times)} saves, "
        f"{statistics.median(cpu):.2f} s of CPU (serve, Snakemake and the jobs)"
    )
    print(f"  of which jobs: merge {merge:.2f} s, page {page_job:.2f} s (last save)")
    print(f"  a Snakemake run of the same target with nothing to do: {noop:.2f} s")
    print(f"  load average (1, 5, 15 min) before {load_before}, after {os.getloadavg()}")


if __name__ == "__main__":
    main()
