"""The workflow on a real SLURM cluster gives the same files as on one machine.

A one-node cluster of Debian's SLURM (tests/support/slurm.py) runs one small brief in one
language through the repository's SLURM profile (snakemake-executor-plugin-slurm); the pages, QA
reports, review pages, suggestions and the PO must be byte-identical to a local run's.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.slurm import OneNodeCluster, missing_tools
from support.workflow import REPO, workflow_env

pytestmark = pytest.mark.slow
BRIEF = "valley-water"


def small_repo(target: Path) -> Path:
    """.test/ narrowed to one brief: the smallest real run."""
    shutil.copytree(REPO / ".test", target)
    config = target / "config" / "config.yaml"
    config.write_text(config.read_text() + f"briefs: [{BRIEF}]\n", encoding="utf-8")
    return target


def run_workflow(workdir: Path, *extra: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--directory", str(workdir), *extra],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    missing = missing_tools()
    if missing:
        pytest.fail(f"SLURM is not installed ({', '.join(missing)}); run `make slurm` (root)")
    cluster = OneNodeCluster(tmp_path_factory.mktemp("slurm")).start()
    try:
        yield cluster
    finally:
        cluster.stop()


#: the repository's SLURM profile; this test cluster keeps no accounting database (sacct) and
#: answers at once
THROUGH_SLURM = (
    "--profile",
    str(REPO / "profiles" / "slurm"),
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "1",
)


def slurm_env(cluster: OneNodeCluster) -> dict[str, str]:
    return {**workflow_env(), "SLURM_CONF": cluster.env["SLURM_CONF"]}


def test_a_run_through_slurm_gives_the_local_runs_files(tmp_path, cluster):
    local = small_repo(tmp_path / "local")
    done = run_workflow(local, "--cores", "1", env=workflow_env())
    assert done.returncode == 0, done.stderr[-3000:]

    remote = small_repo(tmp_path / "slurm")
    done = run_workflow(remote, *THROUGH_SLURM, env=slurm_env(cluster))
    assert done.returncode == 0, done.stderr[-4000:] + cluster.logs()
    assert "slurm" in done.stderr.lower()

    produced = sorted(
        str(path.relative_to(local))
        for folder in ("out", "build", "locales")
        for path in (local / folder).rglob("*")
        if path.is_file()
    )
    assert f"out/es_MX/{BRIEF}.html" in produced
    assert f"locales/es_MX/LC_MESSAGES/{BRIEF}.po" in produced
    for name in produced:
        if name.endswith((".po", ".pot", ".pot-dates")):
            continue  # compared below, without the header's timestamps
        assert filecmp.cmp(local / name, remote / name, shallow=False), name
    for name in (n for n in produced if n.endswith(".pot-dates")):  # "<digest> <date>" lines
        digests = [
            [line.split()[0] for line in (side / name).read_text().splitlines()]
            for side in (local, remote)
        ]
        assert digests[0] == digests[1], name
    for name in (n for n in produced if n.endswith((".po", ".pot"))):
        assert without_dates(local / name) == without_dates(remote / name), name


def without_dates(path: Path) -> list[str]:
    """The catalog's lines but its creation and revision dates (the clock's, not the run's)."""
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith(('"POT-Creation-Date:', '"PO-Revision-Date:'))
    ]


#: the read job alone: enough to fail, to be killed and to resume
ONE_JOB = (f"build/{BRIEF}/document.json", *THROUGH_SLURM, "--restart-times", "0")


def test_a_job_that_fails_on_the_cluster_is_one_line_and_the_rerun_resumes(tmp_path, cluster):
    workdir = small_repo(tmp_path / "broken")
    source = workdir / "source" / f"{BRIEF}.html"
    good = source.read_bytes()
    source.write_bytes(b"%PDF-1.4 not a brief")
    failed = run_workflow(workdir, *ONE_JOB, env=slurm_env(cluster))
    assert failed.returncode != 0
    assert not (workdir / "build" / BRIEF / "document.json").exists()
    log = (workdir / "logs" / BRIEF / "read.log").read_text()
    assert log.strip().count("\n") == 0 and "a PDF document" in log, log

    source.write_bytes(good)
    resumed = run_workflow(workdir, *ONE_JOB, env=slurm_env(cluster))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert (workdir / "build" / BRIEF / "document.json").is_file()


def test_a_job_killed_on_the_cluster_is_one_line_and_the_rerun_resumes(tmp_path, cluster):
    """scancel ends the job while its step runs: no output is left, the one line names the SLURM
    job and why it ended, and the same command then finishes the work."""
    workdir = small_repo(tmp_path / "killed")
    # The read step takes well under a second; this `locbrief` first waits, so there is a running
    # step to cancel (the real command then runs, had nobody cancelled it).
    slow = tmp_path / "slow-bin"
    slow.mkdir()
    real = shutil.which("locbrief", path=workflow_env()["PATH"])
    (slow / "locbrief").write_text(f'#!/bin/sh\nsleep 120\nexec {real} "$@"\n')
    (slow / "locbrief").chmod(0o755)
    env = slurm_env(cluster)
    slow_env = {**env, "PATH": f"{slow}:{env['PATH']}"}
    command = [sys.executable, "-m", "snakemake", "--directory", str(workdir), *ONE_JOB]
    run = subprocess.Popen(command, cwd=REPO, env=slow_env, stderr=subprocess.PIPE, text=True)
    try:
        job = running_job(env)
        subprocess.run(["scancel", job], env=env, check=True)
        _, stderr = run.communicate(timeout=300)
    finally:
        run.kill()
    assert run.returncode != 0
    (line,) = [line for line in stderr.splitlines() if line.startswith("locbrief: error:")]
    assert f"the read step failed: SLURM job {job} was cancelled" in line, line
    assert "run the same command again" in line
    assert not (workdir / "build" / BRIEF / "document.json").exists()

    resumed = run_workflow(workdir, *ONE_JOB, env=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert (workdir / "build" / BRIEF / "document.json").is_file()


def running_job(env: dict[str, str], timeout: float = 120) -> str:
    """The id of the one SLURM job once it runs (squeue: "ID STATE")."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queue = subprocess.run(
            ["squeue", "-h", "-o", "%i %T"], env=env, capture_output=True, text=True
        ).stdout.split()
        if queue[1:2] == ["RUNNING"]:
            time.sleep(2)  # past the job's start: Snakemake inside it runs the step
            return queue[0]
        time.sleep(0.5)
    raise AssertionError(f"no SLURM job ran within {timeout} s: {queue}")
