"""What a command prints: the one ``locbrief`` logger on stderr, governed by -q and -v.

Summaries are INFO lines shown bare; problems read ``locbrief: warning: …``.
Standard output carries only a command's own output (diff text, package lists).
"""

from __future__ import annotations

import logging
import sys

from locbrief.markup import redact_urls

log = logging.getLogger("locbrief")


class _LevelPrefix(logging.Formatter):
    """``locbrief: warning: …`` for problems, the bare line for a command's summary (INFO).

    Every line loses the credentials of any URL it quotes (a server named in an error, say).
    """

    def format(self, record: logging.LogRecord) -> str:
        message = redact_urls(super().format(record))
        if record.levelno == logging.INFO:
            return message
        return f"locbrief: {record.levelname.lower()}: {message}"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (pytest and Snakemake swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(verbosity: int = 0) -> None:
    """One handler on the ``locbrief`` logger (its children included): -q warnings, -v debug."""
    if not any(isinstance(h, _CurrentStderr) for h in log.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(_LevelPrefix("%(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel({-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG))


def verbosity_options(parser, default=0) -> None:
    """-v and -q on ``parser`` (the command line's and each command's): what this module shows."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=1,
        default=default,
        help="also debug lines: the JSON files read and written, the time the command took",
    )
    group.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=-1,
        default=default,
        help="only warnings and errors, no summary line",
    )
