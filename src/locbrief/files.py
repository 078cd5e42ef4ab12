"""File writing that never leaves half a file behind and never clobbers a newer edit."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .model import LocbriefError


def write_atomically(path: Path | str, text: str, expected: bytes | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    With ``expected`` (the bytes read at the start of a run; ``b""`` for "did not
    exist"), refuse if the file changed on disk meanwhile: someone edited it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if expected is not None and read_bytes(path) != expected:
            raise LocbriefError(
                "changed on disk while locbrief was running; nothing was written — "
                "rerun to merge your latest edits",
                str(path),
            )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _mode_for(path: Path) -> int:
    """The file's current permissions, or the umask's default for a new file.

    ``mkstemp`` creates 0600 files; without this a translator's PO would lose
    its group/other read bits on the first merge.
    """
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, or ``b""`` if it does not exist."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return b""
