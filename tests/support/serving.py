"""`locbrief serve` started in a project folder as a person starts it in a terminal, and the
processes working in that folder (what Ctrl-C must leave behind: none)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from locbrief.run import _descendants

from .workflow import workflow_env


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Serving:
    """`locbrief serve ARGS` in ``workdir``; its terminal output collected line by line."""

    def __init__(self, workdir: Path, *args: str):
        self.workdir = workdir
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "locbrief", "serve", "--port", str(self.port), *args],
            cwd=workdir,
            env=workflow_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, text: str, seconds: float) -> str:
        """The first terminal line holding ``text``, once it is printed."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if text in line]
            if found:
                return found[0]
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                raise AssertionError(f"serve exited ({self.process.returncode}):\n{self.output}")
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} within {seconds} s:\n{self.output}")

    def wait_until_idle(self, calm: float = 1.0, seconds: float = 300) -> None:
        """Until nothing serve started has worked for ``calm`` seconds: no Snakemake in the
        folder, no CPU used by serve's processes (the rebuilds, the next zygote's imports), as
        when a translator has read the page and saves again."""
        from locbrief.run import snakemake_processes

        deadline, quiet_since, used = time.monotonic() + seconds, time.monotonic(), -1
        while time.monotonic() - quiet_since < calm:
            now = _cpu_ticks(_descendants(self.process.pid))
            if snakemake_processes(self.workdir) or now != used:
                quiet_since, used = time.monotonic(), now
            if time.monotonic() > deadline:
                raise AssertionError(f"still working after {seconds} s:\n{self.output}")
            time.sleep(0.1)

    def interrupt(self) -> float:
        """Ctrl-C, as a terminal sends it; the seconds until the process is gone."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        elapsed = time.monotonic() - started
        self._reader.join(timeout=5)
        return elapsed

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def _cpu_ticks(pids: set[int]) -> int:
    """The CPU time (clock ticks) the processes ``pids`` have used so far (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def processes_in(folder: Path) -> list[str]:
    """The command lines of every process (but this one) working in ``folder``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == folder.resolve():
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found
