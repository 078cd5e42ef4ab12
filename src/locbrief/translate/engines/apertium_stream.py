"""Apertium's pipeline with its costly stages started once per run, not once per batch.

An ``apertium`` process starts a dozen programs that load the analyser, the bilingual
dictionary, the transfer rules and the generator: about 0.25 s of CPU each time on the
2-core machine, as much as translating 60 sentences. The seed's seven batches (six of
units, one of probes) paid it seven times (2.8 s of CPU against 1.25 s for the same
text in one process).

Here a mode's stages are cut into steps. The stages that carry nothing from one chunk to
the next are kept running for the whole run in null-flush mode (``-z``: each NUL-ended
chunk goes through every stage and comes out NUL-ended): the analyser before the tagger,
and everything after it (apertium 3.8's transfer, interchunk and postchunk reset their
variables at each NUL; lt-proc, lrx-proc and pretransfer read word by word). The tagger
(and what stands beside it: constraint grammar, anaphora resolution) starts afresh for
each batch, as in ``apertium``: it adds each ambiguity class it meets to its model, so
its choices depend on every sentence it read before ("near" came out an adjective after
three other batches, a verb alone). The deformatter and the reformatter also run once per
batch. So a batch gets what its own ``apertium`` process gave, byte for byte
(tests/test_suggest.py compares). The stages are those ``apertium-wblank-mode`` writes for
the mode, which is what the ``apertium`` script runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import weakref
from collections import deque
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from functools import cache
from pathlib import Path

#: Programs that carry nothing from one NUL-ended chunk to the next (see the module's docstring).
STATELESS = frozenset(
    {
        "apertium-pretransfer",
        "apertium-transfer",
        "apertium-interchunk",
        "apertium-postchunk",
        "apertium-wblank-detach",
        "lt-proc",
        "lrx-proc",
    }
)
#: What ``apertium`` passes the mode: ``$1`` the generator's option (``-g``: unknown words
#: marked, as without ``-u``), ``$2`` the tagger's (nothing: no ambiguity shown).
MODE_ARGUMENTS = {"$1": ["-g"], "$2": []}


class PipelineError(Exception):
    """A stage failed: its exit status and the last line it wrote to stderr."""

    def __init__(self, status: int, last: str):
        super().__init__(last)
        self.status, self.last = status, last


class ModeStream:
    """One mode: ``translate`` sends a batch through its steps, the kept-running ones shared;
    several threads may translate at once."""

    def __init__(self, mode_file: Path):
        self.steps = split_mode(mode_file)
        self._running: dict[int, _Running] = {}
        self._starting = threading.Lock()

    def start(self) -> None:
        """Start the kept-running steps now (they load their dictionaries while the caller
        prepares the first batch)."""
        for number, (kept, _) in enumerate(self.steps):
            if kept:
                self._started(number)

    def translate(self, text: str, timeout: float) -> str:
        """Apertium's output for ``text``; PipelineError, or TimeoutError after ``timeout`` s."""
        data = text.encode("utf-8")
        for number, (kept, stages) in enumerate(self.steps):
            if not kept:
                data = run_once(stages, data, timeout)
                continue
            running = self._started(number)
            try:
                output = running.submit(data).result(timeout)
            except FutureTimeout:
                running.stop()
                raise TimeoutError from None
            if not output.endswith(_final_blank(data)):  # cut short: a stage ended mid-chunk
                raise running.failure()
            data = output
        return data.decode("utf-8")

    def _started(self, number: int) -> _Running:
        with self._starting:
            if number not in self._running or not self._running[number].alive:
                self._running[number] = _Running(self.steps[number][1])
            return self._running[number]


def split_mode(mode_file: Path) -> list[tuple[bool, list[list[str]]]]:
    """The mode's steps, each (kept running, stages): the deformatter once per batch; the
    stateless stages before the tagger kept running (null-flush); the tagger and what runs
    beside it once per batch; the stateless stages after it kept running; the reformatter."""
    plain = _stages(_wblank_mode(mode_file))
    flushing = _stages(_wblank_mode(mode_file, "-z"))
    if [s[0] for s in plain] != [s[0] for s in flushing]:
        return [(False, [["apertium-destxt"], *plain, ["apertium-retxt"]])]
    stateless = [Path(stage[0]).name in STATELESS for stage in plain]
    first = next((i for i, free in enumerate(stateless) if not free), len(plain))
    last = len(plain)
    while last > first and stateless[last - 1]:
        last -= 1
    steps = [(False, [["apertium-destxt"]]), (True, flushing[:first])]
    steps += [(False, plain[first:last]), (True, flushing[last:]), (False, [["apertium-retxt"]])]
    return [(kept, stages) for kept, stages in steps if stages]


def _wblank_mode(mode_file: Path, *options: str) -> str:
    """The mode's pipeline with the word-bound-blank stages, as the ``apertium`` script runs it."""
    done = subprocess.run(
        ["apertium-wblank-mode", *options, str(mode_file)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise PipelineError(done.returncode, _last_line(done.stderr) or f"cannot read {mode_file}")
    return done.stdout


def _stages(pipeline: str) -> list[list[str]]:
    """A mode's shell pipeline as argument lists, ``$1`` and ``$2`` given as ``apertium`` gives them."""
    lexer = shlex.shlex(pipeline, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for word in lexer:
        if word == "|":
            stages.append([])
        else:
            stages[-1].extend(MODE_ARGUMENTS.get(word, [word]))
    return [s for s in stages if s]


def _shell(stages: list[list[str]]) -> list[str]:
    """The command that runs the stages as a pipeline (one stage: itself, no shell)."""
    if len(stages) == 1:
        return stages[0]
    return ["bash", "-c", "set -o pipefail; " + " | ".join(shlex.join(s) for s in stages)]


def run_once(stages: list[list[str]], data: bytes, timeout: float) -> bytes:
    """The stages' output for ``data``, in a process group stopped whole if it hangs."""
    process = subprocess.Popen(
        _shell(stages),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
        start_new_session=True,
    )
    try:
        out, err = process.communicate(data, timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise TimeoutError from None
    if process.returncode != 0:
        raise PipelineError(process.returncode, _last_line(err.decode("utf-8", "replace")))
    return out


class _Running:
    """The null-flush stages, started once: chunks in, their outputs back in the same order."""

    def __init__(self, stages: list[list[str]]):
        errors = tempfile.TemporaryFile()  # noqa: SIM115 (the reader reads and closes it)
        self._process = subprocess.Popen(
            _shell(stages),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=environment(),
            start_new_session=True,
        )
        self._queue = _Queue()
        self._reader = threading.Thread(
            target=self._queue.read, args=(self._process, errors), daemon=True
        )
        self._reader.start()
        # closing stdin ends every stage when the stream is dropped or Python exits
        weakref.finalize(self, _close, self._process)

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def submit(self, data: bytes) -> Future:
        """The output of ``data`` as one chunk, when it comes."""
        future: Future = Future()
        with self._queue.lock:  # the chunk's place in the queue is its place in the pipe
            if self._queue.ended is not None:
                future.set_exception(self._queue.ended)
                return future
            self._queue.pending.append(future)
            try:
                self._process.stdin.write(data + b"\0")
                self._process.stdin.flush()
            except (OSError, ValueError):  # the stages ended: the reader fails the chunks left
                pass
        return future

    def failure(self) -> PipelineError:
        """Why the stages ended (each writes one NUL more when its input ends, so a stage that
        fails mid-chunk hands the chunk on cut short)."""
        with self._queue.lock, contextlib.suppress(OSError):
            self._process.stdin.close()  # the stages before the failed one end too
        self._reader.join(5)
        if self._reader.is_alive():
            self.stop()
            self._reader.join(5)
        return self._queue.ended or PipelineError(1, "a batch came back cut short")

    def stop(self) -> None:
        """Stop every stage (a chunk hung: the outputs after it would be out of step)."""
        _kill(self._process)


class _Queue:
    """The chunks waiting for their output, in the order they went in (shared with the reader,
    which holds no reference to the stream, so a dropped stream is closed)."""

    def __init__(self):
        self.pending: deque[Future] = deque()
        self.lock = threading.Lock()
        self.ended: PipelineError | None = None

    def read(self, process: subprocess.Popen, errors) -> None:
        """Hand each NUL-ended output to the oldest waiting chunk; at the end, fail those left."""
        pieces: list[bytes] = []  # of the output not yet ended, joined once at its NUL
        while chunk := process.stdout.read1(1 << 16):
            while (end := chunk.find(b"\0")) >= 0:
                output, pieces, chunk = b"".join([*pieces, chunk[:end]]), [], chunk[end + 1 :]
                if self.pending:  # a stage writes one NUL more when its input ends
                    self.pending.popleft().set_result(output)
            pieces.append(chunk)
        status = process.wait()
        with errors:
            errors.seek(0)
            last = _last_line(errors.read().decode("utf-8", "replace"))
        with self.lock:
            self.ended = PipelineError(status or 1, last or "stopped before the end of its input")
            while self.pending:
                self.pending.popleft().set_exception(self.ended)


def _close(process: subprocess.Popen) -> None:
    """End the stages: each ends once it has read its input to the end. Not waited for: they
    free their dictionaries on their own (0.1 s at the end of every suggest), and subprocess
    reaps them."""
    with contextlib.suppress(OSError):
        process.stdin.close()


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _final_blank(data: bytes) -> bytes:
    """The superblank a deformatted chunk ends with (``[\\n]``), which every stage passes on last."""
    return data[data.rfind(b"[") :] if data.endswith(b"]") else b""


def _last_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[-1]


def environment() -> dict[str, str]:
    """The environment ``apertium`` gives its stages: the first UTF-8 locale as LC_CTYPE."""
    locale = _utf8_locale()
    return {**os.environ, **({"LC_CTYPE": locale} if locale else {})}


@cache
def _utf8_locale() -> str | None:
    done = subprocess.run(["locale", "-a"], capture_output=True, text=True)
    return next((n for n in done.stdout.split() if re.search(r"utf[.-]*8", n, re.I)), None)
