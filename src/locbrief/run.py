"""``locbrief run``: the workflow as `make run` starts it, with faults ending in one line.

Snakemake alone leaves a stale lock after a kill, asks for ``--rerun-incomplete`` after a crash,
may wait forever after SIGTERM, and under ``--quiet`` says nothing at all when it stops. This
runner starts it, resumes a killed run by itself (every locbrief write is atomic, so redoing an
unfinished job is safe), stops it within seconds on SIGTERM or Ctrl-C, and when a run fails,
reads Snakemake's messages and prints one line: what happened and what to do.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from locbrief.files import remove_stale_temporaries
from locbrief.model import LocbriefError

#: Where Snakemake's own messages of the last run go (the terminal gets only job output and one line).
RUN_LOG = Path("logs") / "run.log"
#: The folders locbrief writes into; an interrupted run may leave temporary files there.
OUTPUT_FOLDERS = ("build", "out", "locales", "logs")
#: Seconds a stopping run gets to end by itself before it is killed.
STOP_GRACE = 3.0
#: Seconds to wait for the last jobs of a killed run (they run on and finish by themselves).
ORPHAN_WAIT = 60.0
RESUME = "run `make run` again: it resumes where this run stopped"
#: The module of ``locbrief serve``'s pre-started Snakemake (:mod:`locbrief.publish.zygote`):
#: once handed its command, a Snakemake process like any other.
ZYGOTE = "locbrief.publish.zygote"


def check_config_file(path: str = "config/config.yaml") -> None:
    """For the Snakefile, before ``configfile:``: a config that is not valid YAML (or not valid)
    ends the run with one line naming file and line, where Snakemake would print a screenful."""
    from locbrief.config import load_config

    if Path(path).exists():
        try:
            load_config(path)
        except LocbriefError as error:
            sys.exit(f"locbrief: error: {error}")


def snakefile(root: Path = Path(".")) -> Path:
    """The conventional workflow/Snakefile where it exists, else the top-level Snakefile."""
    for candidate in (root / "workflow" / "Snakefile", root / "Snakefile"):
        if candidate.exists():
            return candidate
    raise LocbriefError("no Snakefile here; run from the project folder (where the Makefile is)")


def run(
    cores: str = "all",
    targets: list[str] | None = None,
    config: str = "config/config.yaml",
    stop_grace: float = STOP_GRACE,
    starter=None,
) -> int:
    """Run the workflow in the current folder; return its exit status (0 when all is well).

    ``stop_grace``: seconds a stopped run gets to end by itself (``locbrief serve`` must be gone
    within 2 s of Ctrl-C; every write is atomic, so a killed job loses nothing).
    ``starter``: what starts the Snakemake command (:func:`start_snakemake`, or ``locbrief
    serve``'s pre-started interpreter, :class:`locbrief.publish.zygote.Zygote`); the runner
    reads, stops and explains the process it returns all the same.
    """
    from locbrief.config import load_config

    # until Snakemake runs, SIGTERM is Ctrl-C: the CLI's one line, nothing to stop yet
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        load_config(config)  # a YAML or settings error: one line naming the file and line
        workflow = snakefile()
        _clear_stale_lock(Path.cwd())
    finally:
        signal.signal(signal.SIGTERM, previous)
    redo = _failed_before()
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(workflow), "--cores", str(cores),
        "--rerun-incomplete", *(["--forcerun", *redo] if redo else []),
        "--", *(targets or ["all"]),
    ]  # fmt: skip
    log = _open_log()
    started = time.time()
    process = (starter or start_snakemake)(command, snakemake_env())
    messages: list[str] = []
    readers = [
        threading.Thread(target=_collect, args=(process.stderr, log, messages)),
        threading.Thread(target=_forward, args=(process.stdout, log)),
    ]
    for reader in readers:
        reader.start()
    stopped = _wait_or_stop(process, stop_grace)
    for reader in readers:  # killed jobs may hold the pipes a moment
        reader.join(timeout=stop_grace if stopped else STOP_GRACE)
    if log is not None:
        with contextlib.suppress(OSError):
            log.close()
    _remember_failures(redo, "".join(messages), process.returncode)
    if stopped:
        _after_stop()
        print(
            f"locbrief: stopped by {signal.Signals(stopped).name}; finished files are kept and "
            f"nothing half-written is left — {RESUME}",
            file=sys.stderr,
        )
        return 128 + stopped
    if process.returncode < 0:  # Snakemake itself was killed (OOM killer, kill -9)
        killer = signal.Signals(-process.returncode).name
        print(f"locbrief: Snakemake was killed by {killer}; {RESUME}", file=sys.stderr)
        return 128 - process.returncode
    if process.returncode:
        print(explain("".join(messages), since=started), file=sys.stderr)
    return process.returncode


def snakemake_env() -> dict[str, str]:
    """The environment Snakemake runs in: this interpreter's `locbrief` first on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return dict(os.environ, PATH=path)


def start_snakemake(command: list[str], env: dict[str, str], **popen) -> subprocess.Popen:
    """A new process for ``command``, its output piped to the runner.

    Snakemake stays in the caller's process group (a kill -9 of `make run`'s group, a CI
    cancel, takes it and its jobs along) and dies with this runner (PR_SET_PDEATHSIG).
    """
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_die_with_parent,
        **popen,
    )


def _open_log():
    """logs/run.log for Snakemake's messages, or None where it cannot be written (a full disk)."""
    try:
        RUN_LOG.parent.mkdir(parents=True, exist_ok=True)
        return open(RUN_LOG, "w", encoding="utf-8")  # noqa: SIM115 (closed by run())
    except OSError:
        return None


def _collect(stream, log, messages: list[str]) -> None:
    """Keep Snakemake's messages in the run log and in memory, off the terminal.

    The log is best effort: on a full disk the messages are still read (Snakemake must never
    block on a full pipe) and explained from memory.
    """
    for line in stream:
        messages.append(line)
        if log is not None:
            try:
                log.write(line)
                log.flush()
            except OSError:
                log = None


def _forward(stream, log) -> None:
    """The jobs' output to the terminal, but their error lines only to the run log: the runner's
    one line says the same with the step named, and each failure is printed once."""
    for line in stream:
        if line.startswith("locbrief: error:"):
            if log is not None:
                with contextlib.suppress(OSError, ValueError):
                    log.write(line)
            continue
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.write(line)
            sys.stdout.flush()


def _wait_or_stop(process: subprocess.Popen, grace: float = STOP_GRACE) -> int:
    """Wait for the run; on SIGTERM, SIGINT or SIGHUP stop Snakemake and every job below it,
    so nothing keeps running after the runner returns. Returns the signal that stopped it, or 0.
    """
    received: list[int] = []

    def handler(signum, frame):
        received.append(signum)

    previous = {
        s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    }
    try:
        while process.poll() is None and not received:
            time.sleep(0.1)
        if received:
            _stop_tree(process, grace)
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
    return received[0] if received else 0


def _stop_tree(process: subprocess.Popen, grace: float = STOP_GRACE) -> None:
    """SIGTERM to Snakemake and its jobs; SIGKILL to whatever still runs after ``grace``.

    They share the caller's process group (make's, a terminal's), which is not ours to signal:
    the processes below Snakemake are found in /proc before any of them is told to stop.
    """
    pids = {process.pid} | _descendants(process.pid)
    for signum in (signal.SIGTERM, signal.SIGKILL):
        pids |= _descendants(process.pid)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if process.poll() is not None and not any(map(_alive, pids)):
                return
            time.sleep(0.1)


def _descendants(root: int) -> set[int]:
    """Every process below ``root`` (children, their children…), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(
                    int(entry.name)
                )
    found, todo = set(), [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """A process that still runs (a zombie waiting for its parent has stopped)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _after_stop() -> None:
    """Once the stopped run is gone: drop its lock and temporary files, so the next run starts clean."""
    if not snakemake_processes(Path.cwd()):
        _tidy(Path.cwd())


def _die_with_parent() -> None:
    """In the Snakemake process, before it starts: SIGTERM when the runner dies (even by SIGKILL)."""
    import ctypes

    PR_SET_PDEATHSIG = 1  # noqa: N806 - <linux/prctl.h>
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# ---------------------------------------------------------------- a failed job is redone


#: The outputs of jobs that failed, until a run succeeds: they are redone (``--forcerun``) even
#: if a file of the same name comes back meanwhile (a restore, a remount) and looks up to date.
FAILED_OUTPUTS = Path(".snakemake") / "locbrief-failed-outputs"


def failed_outputs(messages: str) -> list[str]:
    r"""The output files of every job Snakemake reports failed (its "Error in rule" blocks).

    >>> failed_outputs("Error in rule page:\n    jobid: 3\n    output: out/es/b.html, out/x\n")
    ['out/es/b.html', 'out/x']
    """
    found: list[str] = []
    for block in re.finditer(r"^[ \t]*Error in rule \S+:\n((?:[ \t]+.*\n?)*)", messages, re.M):
        output = re.search(r"^\s+output: (.*)$", block.group(1), re.M)
        if output:
            found += [path.strip() for path in output.group(1).split(", ") if path.strip()]
    return found


def _failed_before() -> list[str]:
    with contextlib.suppress(OSError):
        return FAILED_OUTPUTS.read_text(encoding="utf-8").split("\n")[:-1]
    return []


def _remember_failures(before: list[str], messages: str, returncode: int) -> None:
    """Keep the failed outputs (those of earlier runs too) until a run succeeds (best effort:
    on a full disk the note may not be written, and Snakemake has removed the outputs anyway)."""
    failed = [] if returncode == 0 else list(dict.fromkeys(before + failed_outputs(messages)))
    try:
        if failed:
            FAILED_OUTPUTS.parent.mkdir(exist_ok=True)
            FAILED_OUTPUTS.write_text("".join(f"{path}\n" for path in failed), encoding="utf-8")
        else:
            FAILED_OUTPUTS.unlink(missing_ok=True)
    except OSError:
        pass


# ---------------------------------------------------------------- resume after a kill


def snakemake_processes(folder: Path) -> list[tuple[int, bool]]:
    """(pid, is a job) of every Snakemake process working in ``folder``, from /proc.

    A job is a sub-process Snakemake starts with ``--nolock`` for one rule; the main process is
    the one that holds the lock.
    """
    found = []
    mine = _ancestors()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if not is_snakemake(argv):
                continue
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:  # gone meanwhile, or not ours to look at
            continue
        if cwd == folder.resolve():
            found.append((int(entry.name), b"--nolock" in argv))
    return found


def is_snakemake(argv: list[bytes]) -> bool:
    """Whether a command line runs Snakemake: ``snakemake …``, ``python -m snakemake …``,
    ``python …/bin/snakemake …`` or a zygote (not a ``grep snakemake`` or an editor on the
    Snakefile). An idle zygote waits outside every project: it works in no folder.

    >>> is_snakemake([b"/v/bin/python", b"-m", b"snakemake", b"--cores", b"2"])
    True
    >>> is_snakemake([b"/v/bin/python", b"/v/bin/snakemake", b"all"]), is_snakemake([b"grep", b"snakemake"])
    (True, False)
    >>> is_snakemake([b"/v/bin/python", b"-m", b"locbrief.publish.zygote", b""])
    True
    """
    names = [os.path.basename(part) for part in argv[:3]]
    if not names or names[0] == b"snakemake":
        return bool(names)
    if not names[0].startswith(b"python"):
        return False
    return (
        names[1:3] in ([b"-m", b"snakemake"], [b"-m", ZYGOTE.encode()])
        or names[1:2] == [b"snakemake"]
        or (len(argv) > 1 and argv[1].endswith(b"snakemake/__main__.py"))
    )


def _ancestors() -> set[int]:
    """This process and its parents (make, a shell): never "another run"."""
    pids, pid = set(), os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return pids


def _clear_stale_lock(folder: Path, wait: float = ORPHAN_WAIT) -> None:
    """Remove the lock a killed run left, but only when no Snakemake process holds it.

    The last jobs of a run killed with SIGKILL keep running until they finish; they are waited for
    (up to ``wait`` seconds), never killed. A live main process means a second run: refused.
    """
    locks = folder / ".snakemake" / "locks"
    if not locks.is_dir() or not any(locks.iterdir()):
        return
    deadline = time.monotonic() + wait
    while True:
        processes = snakemake_processes(folder)
        main = [pid for pid, job in processes if not job]
        if main:
            raise LocbriefError(
                f"another Snakemake run (process {main[0]}) is working in this folder; "
                "wait for it to finish, or stop it, then run again"
            )
        if not processes:
            break
        if time.monotonic() >= deadline:
            raise LocbriefError(
                f"jobs of an interrupted run (process {processes[0][0]}) are still running in this "
                "folder; wait for them to finish, then run again"
            )
        time.sleep(0.5)
    _tidy(folder)
    print("locbrief: resuming a run that was killed (its stale lock was cleared)", file=sys.stderr)


def _tidy(folder: Path) -> None:
    """What a killed run leaves: Snakemake's lock and locbrief's temporary files (never data)."""
    shutil.rmtree(folder / ".snakemake" / "locks", ignore_errors=True)
    for name in OUTPUT_FOLDERS:
        remove_stale_temporaries(folder / name)


# ---------------------------------------------------------------- the one line


def explain(messages: str, log: str = str(RUN_LOG), since: float = 0.0) -> str:
    """One line from Snakemake's messages of a failed run: what happened, what to do.

    A failed job's own error line (from its log, if written since ``since``) says it best;
    where Snakemake failed around the job (removing an old output, say), its error does.
    """
    own = re.findall(r"^locbrief: error: .*$", messages, re.M)
    # a cluster job's rules are a group job's, and their messages are indented under it
    failed = re.search(r"^[ \t]*Error in rule (\S+):", messages, re.M)
    if failed:
        rule = failed.group(1).rstrip(":")
        block = messages[failed.end() :]
        where = re.search(r"^\s+wildcards: (.*)$", block, re.M)
        job_log = re.search(r"^\s+log: (\S+)", block, re.M)
        cause = _job_error(job_log.group(1), since) if job_log else None
        cause = cause or _cluster_fault(messages) or _snakemake_fault(messages[: failed.start()])
        what = f"the {rule} step" + (f" ({where.group(1)})" if where else "")
        if cause:
            return f"locbrief: error: {what} failed: {cause.removeprefix('locbrief: error: ')}"
        return f"locbrief: error: {what} failed; see {job_log.group(1) if job_log else log}, then {RESUME}"
    command = re.search(r"locbrief (\w[\w-]*) .*\| tee '?([^\s']+)'?' returned non-zero", messages)
    if command:  # under --quiet Snakemake names the failed command, not the rule
        cause = _job_error(command.group(2), since) or f"see {command.group(2)}"
        return f"locbrief: error: the {command.group(1)} step failed: {cause.removeprefix('locbrief: error: ')}"
    if own:
        return own[-1]
    if "LockException" in messages:
        return (
            "locbrief: error: another Snakemake run holds this folder's lock; wait for it to finish "
            "(if none runs, `make run` clears the lock by itself)"
        )
    if "IncompleteFilesException" in messages:
        return f"locbrief: error: a killed run left unfinished files; {RESUME} (it redoes them)"
    fault = _snakemake_fault(messages)
    if fault:
        return f"locbrief: error: {fault}"
    errors = re.findall(r"^(\w*(?:Error|Exception)\w*):[ \t]*\n?[ \t]*(.*)$", messages, re.M)
    detail = f": {errors[-1][0]}: {errors[-1][1][:200]}" if errors else ""
    return f"locbrief: error: the run stopped{detail}; the full messages are in {log}"


_SNAKEMAKE_FAULTS = [
    (
        r"Write-protected output files for rule \S+(?:\n.*?)*?affected files:\s*\n\s*(\S+)",
        "{0}: write-protected output; make it writable (chmod u+w) or delete it, then run again",
    ),
    (
        r"(?:PermissionError|Permission denied)\S*:?.*?'([^']+)'",
        "{0}: not writable (permission denied); check its and its folder's permissions, then run again",
    ),
    (  # a job's log could not be written: `tee: logs/…/segment.log: No space left on device`
        r"^\S+: ([^\s:]+): No space left on device",
        "{0}: no space left on device; free some space and run again",
    ),
    (
        r"No space left on device.*?'([^']+)'",
        "{0}: no space left on device; free some space and run again",
    ),
    (  # Snakemake's own write (metadata, benchmark) failed, naming no file: the project's disk
        r"OSError: \[Errno 28\] No space left on device\s*$",
        "{cwd}: no space left on device; free some space and run again",
    ),
    (
        r"MissingOutputException.*?\n.*?\n?\s*(\S+)",
        "a step did not write {0}; see the log named above, then run again",
    ),
]


#: what SLURM's job step daemon writes into a job's log when the job is ended from outside, and
#: what to change before running again (nothing, for a job cancelled, preempted or orphaned)
_CLUSTER_ENDS = [
    (r"DUE TO TIME LIMIT", "ran past its time limit", "raise `runtime` (minutes)"),
    (r"DUE TO PREEMPTION", "was preempted by the cluster", ""),
    (r"DUE TO NODE FAILURE", "lost its node", ""),
    (r"CANCELLED", "was cancelled (scancel or an administrator)", ""),
]
_CLUSTER_RESUME = "run the same command again: it resumes where this run stopped"
_CLUSTER_SETTINGS = "under default-resources in profiles/slurm/config.yaml"


def _cluster_fault(messages: str) -> str | None:
    """Why a cluster job ended, from the SLURM log Snakemake names for it (``slurm_logs/…/N.log``).

    A job killed from outside writes no error of its own: slurmstepd's last line says who ended it.
    """
    for path in reversed(re.findall(r"^\s+log: (\S*slurm_logs\S*\.log)", messages, re.M)):
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        ended = re.findall(r"\*\*\* JOB (\d+) ON \S+ (CANCELLED AT .*?) \*\*\*", text)
        if ended:
            job, how = ended[-1]
            what, fix = next((w, f) for pattern, w, f in _CLUSTER_ENDS if re.search(pattern, how))
        elif re.search(r"oom[-_]kill|Out Of Memory", text, re.I):
            job, what, fix = "", "ran out of memory", "raise `mem_mb`"
        else:
            continue
        fix = f"{fix} {_CLUSTER_SETTINGS}, then " if fix else ""
        return f"SLURM job {job or Path(path).stem} {what} (log: {path}); {fix}{_CLUSTER_RESUME}"
    return None


def _snakemake_fault(messages: str) -> str | None:
    """A file-system error of Snakemake's own, as "FILE: what happened; what to do"."""
    for pattern, what in _SNAKEMAKE_FAULTS:
        found = list(re.finditer(pattern, messages, re.M))
        if found:  # the last one: the error nearest to the failure
            return what.format(*found[-1].groups(), cwd=os.getcwd())
    return None


def explain_log(paths: str | list[str] | None) -> str:
    """The one line for a run started with ``snakemake`` itself, from its log file(s).

    Under ``--quiet`` Snakemake's log does not name the failed job; then the job logs written
    since the run started say which one failed.
    """
    paths = [paths] if isinstance(paths, str) else list(paths or [])
    messages = ""
    for path in paths:
        with contextlib.suppress(OSError):
            messages += Path(path).read_text(encoding="utf-8", errors="replace")
    since = _started(paths[-1]) if paths else 0.0
    line = explain(messages, paths[-1] if paths else ".snakemake/log/", since)
    if "Error in rule" in messages or not paths:
        return line
    failed = _failed_job_logs(since)
    if failed:
        step = failed.stem.rsplit(".", 1)[-1]
        cause = _job_error(str(failed)) or f"see {failed}"
        return f"locbrief: error: the {step} step failed: {cause.removeprefix('locbrief: error: ')}"
    return line


def _started(path: str) -> float:
    """When a run began, from its Snakemake log's name (2026-11-28T073844.299916.snakemake.log)."""
    stamp = Path(path).name.split(".snakemake.log")[0]
    try:
        return time.mktime(time.strptime(stamp.split(".")[0], "%Y-%m-%dT%H%M%S"))
    except ValueError:
        return 0.0


def _failed_job_logs(since: float) -> Path | None:
    """The newest job log written since ``since`` that reports an error or a traceback."""
    logs = [p for p in Path("logs").glob("**/*.log") if p != RUN_LOG and p.stat().st_mtime >= since]
    for log in sorted(logs, key=lambda p: p.stat().st_mtime, reverse=True):
        text = log.read_text(encoding="utf-8", errors="replace")
        if "locbrief: error:" in text or "Traceback (most recent call last)" in text:
            return log
    return None


def _job_error(path: str, since: float = 0.0) -> str | None:
    """The error a failed job wrote to its log: its own one line, or a traceback's last line.

    A log older than the run is a previous run's: the job did not get to run this time.
    """
    try:
        if Path(path).stat().st_mtime < since:
            return None
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    errors = [line for line in lines if line.startswith("locbrief: error:")]
    if errors:
        return errors[-1]
    if any(line.startswith("Traceback") for line in lines):
        tail = [line.strip() for line in lines if line.strip()]
        return f"{tail[-1]} (log: {path})"
    return None


def cmd_run(args) -> int:
    """``locbrief run``: what ``make run`` calls."""
    return run(args.cores, args.targets)
