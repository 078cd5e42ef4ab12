"""A Snakemake interpreter started ahead of its run, for ``locbrief serve``'s rebuilds.

Most of a rebuild after a PO save was Snakemake starting: Python importing Snakemake, its plugins
(the SLURM executor probes for ``sacct`` and imports pandas) and what the Snakefile imports, about
a second of CPU before the workflow is even read. A zygote has done that before the save and waits
for its command on stdin; a rebuild hands it the very command :func:`locbrief.run.run` would
start, and it runs ``python -m snakemake`` there, in the project folder, with the runner's
environment: the same Snakemake run, the same files written. The runner reads, stops and explains
it as any other process (it is :func:`~locbrief.run.run`'s ``starter``). The next zygote starts
once the run is over, not during it: on a busy machine its imports took the CPU the rebuild
needed (measured: a page after 5.0 s instead of 2.0 s, median of 4, load average 13 to 16 on 2
cores).

A zygote waits outside the project (in ``/``), so nobody counts an idle one as a run in the
folder (:func:`locbrief.run.snakemake_processes`); it moves into the project the moment it gets
its command, even while it is still importing. It dies with ``locbrief serve`` (PR_SET_PDEATHSIG)
or when serve closes it. Started as ``python -m locbrief.publish.zygote``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import runpy
import subprocess
import sys
import threading

#: Where a zygote waits for its command: no project's folder.
IDLE_FOLDER = "/"


class Zygote:
    """One pre-started interpreter at a time: a run takes the waiting one, ``prepare`` starts
    the next."""

    def __init__(self) -> None:
        self._waiting: subprocess.Popen | None = None

    def start(self, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        """``command`` (``python -m snakemake …``) in the waiting interpreter, or in a new one
        where none waits; the process, its output piped, as :func:`locbrief.run.run` reads it."""
        if command[:3] != [sys.executable, "-m", "snakemake"]:
            raise ValueError(f"a zygote runs only `{sys.executable} -m snakemake …`, not {command}")
        request = json.dumps({"argv": command[3:], "cwd": os.getcwd(), "env": env}) + "\n"
        process, self._waiting = self._waiting, None
        try:
            process = _hand(process or _spawn(env), request)
        except OSError:  # it died while it waited (killed from outside)
            process = _hand(_spawn(env), request)
        return process

    def prepare(self) -> None:
        """Start the next one, for the next run (once this one is over: a zygote warming up
        during a rebuild takes the CPU the rebuild needs)."""
        from locbrief.run import snakemake_env

        if self._waiting is None or self._waiting.poll() is not None:
            self._waiting = _spawn(snakemake_env())

    def close(self) -> None:
        """The waiting interpreter ends at once (it has run nothing: there is nothing to lose)."""
        process, self._waiting = self._waiting, None
        if process is not None:
            process.kill()
            process.wait()
            with contextlib.suppress(OSError):
                process.stdin.close()


def _spawn(env: dict[str, str]) -> subprocess.Popen:
    """This module as a new process in the idle folder, started as the runner starts Snakemake;
    PYTHONPATH's entries made absolute, so it imports what a run in this folder would."""
    from locbrief.run import ZYGOTE, start_snakemake

    idle_env = dict(env)
    if env.get("PYTHONPATH"):
        paths = env["PYTHONPATH"].split(os.pathsep)
        idle_env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(path) for path in paths)
    return start_snakemake(
        [sys.executable, "-m", ZYGOTE], idle_env, stdin=subprocess.PIPE, cwd=IDLE_FOLDER
    )


def _hand(process: subprocess.Popen, request: str) -> subprocess.Popen:
    """The command to a waiting interpreter."""
    process.stdin.write(request)
    process.stdin.close()
    return process


def warm() -> None:
    """Import what a Snakemake run of this workflow imports: Snakemake, its plugins, and what
    the Snakefile imports and reads the config with (the briefs' readers, the engines it checks)."""
    import smart_open  # noqa: F401 (Snakemake's source cache reads the Snakefile through it)
    import snakemake.cli

    snakemake.cli.get_argument_parser()  # the plugin registries: executors, storage, loggers
    import locbrief.config
    import locbrief.read.source
    import locbrief.run
    import locbrief.translate.chain
    import locbrief.translate.engines.apertium
    import locbrief.translate.engines.argos
    import locbrief.translate.engines.remote  # noqa: F401


class _Command(threading.Thread):
    """Reads the command while the interpreter warms up, and moves into its folder at once."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.request: dict | None = None

    def run(self) -> None:
        line = sys.stdin.readline()
        if line:
            self.request = json.loads(line)
            os.chdir(self.request["cwd"])


def main() -> None:
    """Warm up, wait for one command, run it as ``python -m snakemake`` would."""
    command = _Command()
    command.start()
    try:
        warm()
        command.join()
    except KeyboardInterrupt:  # Ctrl-C reached the whole process group while this waited
        sys.exit(130)
    if command.request is None:  # closed unused
        sys.exit(0)
    os.environ.clear()
    os.environ.update(command.request["env"])
    if sys.path and sys.path[0] == os.path.abspath(IDLE_FOLDER):
        sys.path[0] = os.getcwd()  # `python -m` puts the folder it starts in first
    sys.argv = ["snakemake", *command.request["argv"]]  # argv[0] becomes snakemake's __main__.py
    try:
        runpy.run_module("snakemake", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(0)


def _exit_now(code) -> None:
    """End as Python ends a program (exit handlers: logs flushed, temporary folders removed),
    without the rest: waiting for Snakemake's idle timer thread (its job rate limiter looks
    again once a second) and taking every module down. The run is over for serve 0.8 s sooner
    (measured on the seed: 0.3 to 0.5 s of waiting, 0.4 s of teardown)."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
