"""Fault injection on a real run: kills, SIGTERM and Ctrl-C, a full disk, read-only files.

Every fault must end in one line that says what happened and what to do, leave nothing
half-written, and the next `locbrief run` (what `make run` calls) must finish by itself.
The runs use the smallest project (support.faults): one short brief, one language.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from locbrief.files import remove_stale_temporaries, write_atomically
from locbrief.model import LocbriefError
from locbrief.run import _clear_stale_lock, explain
from support import faults
from support.faults import LANG, OUTPUTS, PAGE, PO, leftovers, small_project, wait_for

#: (file whose appearance triggers the fault, the fault): one run each, in the order of the stages
STRIKES = [
    ("build/wordpress-guns/units.json", "kill -9 everything"),
    ("build/wordpress-guns/es_MX.suggestions.json", "SIGTERM"),
    ("build/wordpress-guns/es_MX.merge.json", "SIGINT"),
    (PAGE, "kill -9 Snakemake only"),
]


def one_line(stderr: str) -> str:
    """The line a stopped run ends with; nothing of Snakemake's, no traceback, on the terminal.

    The jobs' summaries go to stdout (the rules' tee); stderr is the runner's alone: at most a
    note that a killed run is being resumed, then the one line.
    """
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("locbrief: ") for line in lines), stderr
    assert all("resuming" in line for line in lines[:-1]), stderr
    return lines[-1]


@pytest.fixture(scope="module")
def struck(tmp_path_factory):
    """A first run struck four times at four stages, then a run that must finish alone."""
    workdir = small_project(tmp_path_factory.mktemp("faults"))
    results = []
    for path, fault in STRIKES:
        # a file an earlier stopped run got to write would be there before this run started
        (workdir / path).unlink(missing_ok=True)
        runner = faults.start(workdir)
        wait_for(workdir, path, runner)
        struck_at = time.monotonic()
        if fault == "kill -9 everything":
            faults.kill_everything(workdir, runner)
        elif fault == "kill -9 Snakemake only":
            faults.kill_snakemake_only(workdir, runner)
        else:
            runner.send_signal(signal.SIGTERM if fault == "SIGTERM" else signal.SIGINT)
            runner.wait(timeout=30)
        ended = time.monotonic() - struck_at
        _out, err = runner.communicate()
        results.append((fault, runner.returncode, err, ended, leftovers(workdir)))
    final = faults.run(workdir)
    return workdir, results, final


@pytest.mark.slow
def test_after_kills_and_signals_at_four_stages_the_next_run_finishes_by_itself(struck):
    workdir, _results, final = struck
    assert final.returncode == 0, final.stdout + final.stderr
    for output in OUTPUTS:
        assert (workdir / output).stat().st_size > 0, output
    po = polib.pofile(str(workdir / PO))
    assert len(po) > 30 and all(entry.msgstr for entry in po)
    assert not (workdir / ".snakemake" / "locks").exists() or not any(
        (workdir / ".snakemake" / "locks").iterdir()
    )
    assert leftovers(workdir) == []
    # a killed run is resumed with a note, not an error; and never a word of Snakemake's
    assert "resuming a run that was killed" in final.stderr
    assert "Snakemake" not in final.stderr and "LockException" not in final.stderr


@pytest.mark.slow
def test_sigterm_and_ctrl_c_end_the_run_within_10_s_with_one_line_and_nothing_half_written(struck):
    _workdir, results, _final = struck
    for fault, returncode, err, ended, left in results:
        if fault not in ("SIGTERM", "SIGINT"):
            continue
        assert ended < 10, f"{fault}: the run took {ended:.1f} s to end"
        assert returncode == 128 + getattr(signal, fault)
        line = one_line(err)
        assert f"stopped by {fault}" in line and "make run" in line
        assert left == [], f"{fault} left {left}"


@pytest.mark.slow
def test_a_killed_snakemake_leaves_its_jobs_to_finish_and_no_process_behind(struck):
    workdir, results, _final = struck
    from locbrief.run import snakemake_processes

    assert snakemake_processes(workdir) == []
    (killed,) = [r for r in results if r[0] == "kill -9 Snakemake only"]
    assert killed[1] == 128 + signal.SIGKILL
    assert "Snakemake was killed by SIGKILL; run `make run` again" in one_line(killed[2])


@pytest.mark.slow
def test_a_kill_9_of_the_callers_process_group_takes_snakemake_along_and_the_next_run_resumes(
    tmp_path,
):
    """A CI cancel or a closed terminal: SIGKILL to `make run`'s whole process group."""
    from locbrief.run import snakemake_processes

    workdir = small_project(tmp_path)
    runner = faults.start(workdir)  # a session of its own, as make in a terminal
    wait_for(workdir, "build/wordpress-guns/es_MX.suggestions.json", runner)
    assert snakemake_processes(workdir)
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait(timeout=10)
    deadline = time.monotonic() + 2
    while snakemake_processes(workdir) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert snakemake_processes(workdir) == []  # nothing left working in the background
    again = faults.run(workdir)
    assert again.returncode == 0, again.stderr
    assert "resuming a run that was killed" in again.stderr
    assert "another Snakemake run" not in again.stderr and "still running" not in again.stderr
    for output in OUTPUTS:
        assert (workdir / output).stat().st_size > 0, output


# ---------------------------------------------------------------- the one line


def test_a_lock_is_cleared_only_when_no_snakemake_process_holds_it(tmp_path):
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("x")
    # a process named snakemake working in this folder: the lock is live, the run is refused
    holder = subprocess.Popen(["bash", "-c", "exec -a snakemake sleep 30"], cwd=tmp_path)
    try:
        time.sleep(0.2)
        with pytest.raises(
            LocbriefError, match=f"another Snakemake run \\(process {holder.pid}\\)"
        ):
            _clear_stale_lock(tmp_path, wait=0)
        assert (locks / "0.input.lock").exists()
    finally:
        holder.kill()
        holder.wait()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".x.html.abcd1234.tmp").write_text("half")
    (tmp_path / "out" / "x.html").write_text("whole")
    _clear_stale_lock(tmp_path, wait=0)
    assert not locks.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["x.html"]


@pytest.mark.parametrize(
    "messages, expected",
    [
        (
            "Building DAG of jobs...\nLockException:\nError: Directory cannot be locked.",
            "another Snakemake run holds this folder's lock",
        ),
        (
            "Error in rule merge:\n    jobid: 4\n    log: {log} (check log file(s))\n",
            "the merge step failed: locales/es_MX/LC_MESSAGES/b.po: not writable",
        ),
        (
            "locbrief: error: config/config.yaml:3: not valid YAML (x)\n",
            "config/config.yaml:3: not valid YAML",
        ),
        (
            "Something unexpected happened\nKeyError: 'x'\n",
            "the full messages are in logs/run.log",
        ),
    ],
)
def test_a_failed_run_is_explained_in_one_line(tmp_path, messages, expected):
    log = tmp_path / "merge.log"
    log.write_text(
        "es_MX: 3 units\nlocbrief: error: locales/es_MX/LC_MESSAGES/b.po: not writable; "
        "make it writable (chmod u+w) and run again\n"
    )
    line = explain(messages.format(log=log))
    assert "\n" not in line and line.startswith("locbrief: error: ")
    assert expected in line


@pytest.mark.parametrize(
    "slurmstepd, expected",
    [
        (
            "slurmstepd: error: *** JOB 41 ON node7 CANCELLED AT 2026-11-28T10:01:02 "
            "DUE TO TIME LIMIT ***",
            "SLURM job 41 ran past its time limit (log: {log}); raise `runtime` (minutes) under "
            "default-resources in profiles/slurm/config.yaml, then run the same command again",
        ),
        (
            "slurmstepd: error: Detected 1 oom_kill event in StepId=42.batch. Some of the step "
            "tasks have been OOM Killed.",
            "SLURM job 42 ran out of memory (log: {log}); raise `mem_mb` under",
        ),
        (
            "slurmstepd: error: *** JOB 43 ON node7 CANCELLED AT 2026-11-28T10:01:02 ***",
            "SLURM job 43 was cancelled (scancel or an administrator) (log: {log}); run the same",
        ),
    ],
)
def test_a_cluster_job_ended_from_outside_says_why_in_one_line(tmp_path, slurmstepd, expected):
    """The job wrote no error of its own; SLURM's log, which Snakemake names, says who ended it."""
    job = re.search(r"\b(4\d)\b", slurmstepd).group(1)
    slurm_log = tmp_path / ".snakemake" / "slurm_logs" / "group_brief_read" / f"{job}.log"
    slurm_log.parent.mkdir(parents=True)
    slurm_log.write_text(f"Building DAG of jobs...\n{slurmstepd}\n")
    job_log = tmp_path / "read.log"
    job_log.write_text("")
    messages = (
        f"[Sat Nov 28 10:01:03 2026]\n    message: Error in group brief\n    log: {slurm_log} "
        f"(check log file(s) for error details)\n    [Sat Nov 28 10:01:03 2026]\n"
        f"    Error in rule read:\n        message: None\n        jobid: 0\n"
        f"        log: {job_log} (check log file(s) for error details)\n"
    )
    line = explain(messages)
    assert "\n" not in line
    assert line.startswith("locbrief: error: the read step failed: ")
    assert expected.format(log=slurm_log) in line


# ---------------------------------------------------------------- the file system


def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    po = tmp_path / "es.po"
    po.write_text("the translator's words\n")
    po.chmod(0o444)
    with pytest.raises(LocbriefError, match=f"^{po}: not writable; make it writable"):
        write_atomically(po, "machine words\n")
    assert po.read_text() == "the translator's words\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["es.po"]


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs: a real full disk (needs mount permission, as root in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs to fill ({done.stderr.strip()}); run as root")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_names_the_file_and_keeps_the_old_one_whole(small_disk):
    page = small_disk / "out" / "page.html"
    write_atomically(page, "the old page\n")
    with pytest.raises(LocbriefError) as raised:
        write_atomically(page, "x" * 200_000)
    assert str(raised.value) == f"{page}: no space left on device; free some space and run again"
    assert page.read_text() == "the old page\n"
    assert leftovers(small_disk) == []


#: The output of each step of the small project, where a failed step's file may come back.
STEP_OUTPUTS = {
    "read": "build/wordpress-guns/document.json",
    "segment": "build/wordpress-guns/units.json",
    "suggest": f"build/wordpress-guns/{LANG}.suggestions.json",
    "merge": f"build/wordpress-guns/{LANG}.merge.json",
    "page": PAGE,
    "source_page": "out/en/wordpress-guns.html",
    "check": f"out/{LANG}/wordpress-guns.qa.json",
    "review": f"out/{LANG}/wordpress-guns.review.html",
}


@pytest.mark.slow
def test_a_run_on_a_full_disk_stops_with_one_line_and_resumes_once_there_is_room(small_disk):
    subprocess.run(["mount", "-o", "remount,size=256k", str(small_disk)], check=True)
    workdir = small_project(small_disk)
    ballast = small_disk / "ballast"
    room = os.statvfs(small_disk)
    ballast.write_bytes(b"\0" * (room.f_bavail * room.f_frsize - 60_000))  # a job's worth left
    failed = faults.run(workdir)
    assert failed.returncode == 1
    line = one_line(failed.stderr)
    assert re.search(r": [\w/.-]+: no space left on device; free some space and run again$", line)
    assert leftovers(workdir) == []
    ballast.unlink()
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)
    again = faults.run(workdir)
    assert again.returncode == 0, again.stderr
    assert leftovers(workdir) == []


@pytest.mark.slow
def test_a_job_that_failed_on_a_full_out_folder_is_redone_even_if_its_file_comes_back(
    small_disk, tmp_path
):
    """out/ on a disk of its own fills up; the failed page's file later reappears (a restore,
    a remount), newer than its inputs: the next run still redoes the job, never ships it."""
    workdir = small_project(tmp_path / "project")
    (workdir / "out").symlink_to(small_disk, target_is_directory=True)
    room = os.statvfs(small_disk)
    (small_disk / "ballast").write_bytes(b"\0" * (room.f_bavail * room.f_frsize - 8_000))
    failed = faults.run(workdir)
    assert failed.returncode == 1
    line = one_line(failed.stderr)
    assert "no space left on device" in line
    step = re.search(r"the (\w+) step", line).group(1)
    stale = workdir / STEP_OUTPUTS[step]
    assert stale.parts[-3] == "out" and not stale.exists()
    (small_disk / "ballast").unlink()
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("a stale copy\n", encoding="utf-8")
    again = faults.run(workdir)
    assert again.returncode == 0, again.stderr
    assert stale.read_text(encoding="utf-8") != "a stale copy\n", f"{stale} taken as current"
    assert faults.run(workdir).returncode == 0  # and once done, it stays done


@pytest.mark.slow
def test_read_only_po_and_output_folder_stop_the_run_with_one_line_naming_them(tmp_path):
    workdir = small_project(tmp_path)
    assert faults.run(workdir).returncode == 0
    source = workdir / "source" / "wordpress-guns.html"
    source.write_text(
        source.read_text().replace(
            "<p>We are fighting", "<p>A new sentence for the translators.</p>\n<p>We are fighting"
        )
    )
    po = workdir / PO
    before = po.read_bytes()
    po.chmod(0o444)
    refused = faults.run(workdir)
    assert refused.returncode == 1
    line = one_line(refused.stderr)
    assert f"{PO}: not writable; make it writable" in line, line
    assert (refused.stdout + refused.stderr).count(f"{PO}: not writable") == 1  # printed once
    assert po.read_bytes() == before
    # the same fault with Snakemake run by hand: among its messages, our line (the Snakefile's
    # onerror hook), just before Snakemake's own "At least one job did not complete"
    direct = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "--quiet"],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}"),
    )
    assert direct.returncode == 1
    ours = [line for line in direct.stderr.splitlines() if line.startswith("locbrief: error: the ")]
    assert len(ours) == 1, direct.stderr[-2000:]
    assert ours[0].startswith("locbrief: error: the merge step failed: ") and PO in ours[0]
    assert po.read_bytes() == before
    po.chmod(0o644)
    folder = workdir / "out" / LANG
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("chattr +i is not permitted here (a read-only folder root cannot write to)")
    try:
        blocked = faults.run(workdir)
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert blocked.returncode == 1
    line = one_line(blocked.stderr)
    assert f"out/{LANG}" in line and "not writable" in line, line
    assert faults.run(workdir).returncode == 0


def test_stale_temporaries_are_recognised_by_name_only(tmp_path):
    keep = ["notes.tmp", ".hidden", "page.html", ".page.html.tmp"]
    for name in [*keep, ".page.html.a1b2c3d4.tmp"]:
        (tmp_path / name).write_text("x")
    assert remove_stale_temporaries(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)


def test_errno_of_a_disk_full_has_advice():
    from locbrief.files import fs_error

    error = fs_error(OSError(errno.ENOSPC, "No space left on device"), Path("out/x.html"))
    assert str(error) == "out/x.html: no space left on device; free some space and run again"


# ---------------------------------------------------------------- endurance (bench/endurance.py, short)


def test_random_edit_merge_cycles_lose_no_translators_edit(tmp_path):
    from support.endurance import endure

    tally = endure(tmp_path, cycles=80, seed=3)
    assert tally.edits >= 15 and tally.races >= 5
    assert tally.lost == []
    # a save during a merge that had something to write made it refuse (the edit is merged next run)
    assert 0 < tally.refused <= tally.races


@pytest.mark.parametrize("by", ["locbrief run", "snakemake"])
def test_a_config_that_is_not_yaml_is_one_line_naming_file_and_line(tmp_path, by):
    workdir = small_project(tmp_path)
    (workdir / "config" / "config.yaml").write_text("briefs: [wordpress-guns\nlanguages:\n")
    command = ["locbrief", "run"] if by == "locbrief run" else ["snakemake", "--cores", "1"]
    done = subprocess.run(
        [sys.executable, "-m", *command], cwd=workdir, capture_output=True, text=True
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("locbrief: error: config/config.yaml:2: not valid YAML")
    # Snakemake may say which profile it read first; nothing else, no traceback
    assert len(lines) == 1 or (by == "snakemake" and len(lines) == 2 and "profile" in lines[0])


def test_a_file_locbrief_cannot_read_is_one_line_naming_it(tmp_path):
    from locbrief.files import fs_error

    error = fs_error(PermissionError(errno.EACCES, "Permission denied", "source/brief.html"))
    assert (
        str(error)
        == "source/brief.html: permission denied; check its permissions and owner, then run again"
    )
