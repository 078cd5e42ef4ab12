"""The smallest real project for fault injection, and the ways to hurt a run of it.

One short HTML brief, one language and the pseudo engine: every stage runs for real (Snakemake,
`locbrief run`, the atomic writes) in about half a minute, so a test can kill it several times.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from locbrief.run import snakemake_processes

from . import DATA, REPO

BRIEF = "wordpress-guns"
LANG = "es_MX"
PO = f"locales/{LANG}/LC_MESSAGES/{BRIEF}.po"
PAGE = f"out/{LANG}/{BRIEF}.html"
#: Every file a complete run leaves in out/.
OUTPUTS = [
    f"out/en/{BRIEF}.html",
    PAGE,
    f"out/{LANG}/{BRIEF}.qa.json",
    f"out/{LANG}/{BRIEF}.qa.html",
    f"out/{LANG}/{BRIEF}.review.html",
]


def small_project(target: Path) -> Path:
    """A project folder with the repository's workflow, one brief and one language."""
    if (REPO / "workflow").is_dir():
        shutil.copytree(REPO / "workflow", target / "workflow", symlinks=True)
    else:
        shutil.copy2(REPO / "Snakefile", target / "Snakefile")
    (target / "config").mkdir()
    (target / "config" / "config.yaml").write_text(
        f"source_language: en\nbriefs:\n  - {BRIEF}\nlanguages:\n  {LANG}:\n    engine: pseudo\n",
        encoding="utf-8",
    )
    (target / "source").mkdir()
    shutil.copy2(DATA / f"{BRIEF}.html", target / "source" / f"{BRIEF}.html")
    return target


def start(workdir: Path, *targets: str) -> subprocess.Popen:
    """`locbrief run` (what `make run` calls) in its own session, as a terminal would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "locbrief", "run", "--cores", "2", *targets],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def run(workdir: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """`locbrief run` to the end."""
    process = start(workdir)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def wait_for(workdir: Path, path: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Poll until ``path`` exists: the moment to strike (the run is between two jobs, or in one)."""
    deadline = time.monotonic() + timeout
    while not (workdir / path).exists():
        if process.poll() is not None:
            raise AssertionError(f"the run ended before {path} appeared: {process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout} s")
        time.sleep(0.02)


def kill_everything(workdir: Path, runner: subprocess.Popen) -> None:
    """SIGKILL to the runner and every Snakemake process of the folder: a power cut, an OOM kill."""
    victims = [runner.pid] + [pid for pid, _job in snakemake_processes(workdir)]
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    runner.wait(timeout=10)


def kill_snakemake_only(workdir: Path, runner: subprocess.Popen) -> None:
    """SIGKILL to Snakemake's main process alone: its running jobs go on and finish by themselves."""
    main = [pid for pid, job in snakemake_processes(workdir) if not job]
    assert main, "no Snakemake main process to kill"
    os.kill(main[0], signal.SIGKILL)
    runner.wait(timeout=30)


def leftovers(workdir: Path) -> list[str]:
    """Temporary files (write_atomically's) anywhere in the project: a half-written file."""
    return sorted(
        str(p.relative_to(workdir)) for p in workdir.rglob("*.tmp") if ".snakemake" not in p.parts
    )
