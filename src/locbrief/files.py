"""File writing that never leaves half a file behind and never clobbers a newer edit."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import stat
import tempfile
from pathlib import Path

from locbrief.model import LocbriefError, Suggestion, Unit

#: The temporary files write_atomically creates next to their target (mkstemp's 8 random characters).
TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")

#: What to do about each file-system error, after the file's name.
_ADVICE = {
    errno.EACCES: "permission denied; check its permissions and owner, then run again",
    errno.EPERM: "operation not permitted; check its owner, permissions and attributes",
    errno.EROFS: "read-only file system; write the project somewhere writable",
    errno.ENOSPC: "no space left on device; free some space and run again",
    errno.EDQUOT: "disk quota exceeded; free some space and run again",
}
#: The same, when locbrief was writing the file.
_WRITE_ADVICE = {
    errno.EACCES: "not writable; make it writable (chmod u+w) and run again",
    errno.EPERM: "not writable (operation not permitted); check its owner, permissions and attributes",
}


#: Errors that, while creating the temporary file, are the folder's (its permissions, not the disk).
_FOLDER_ERRORS = (errno.EACCES, errno.EPERM, errno.EROFS)


def write_atomically(path: Path | str, text: str, expected: bytes | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    With ``expected`` (the bytes read at the start of a run; ``b""`` for "did not
    exist"), refuse if the file changed on disk meanwhile: someone edited it. A file
    without write permission is refused, not replaced: the rename would succeed in a
    writable folder, and a read-only PO is a translator's way of saying "hands off".
    File-system errors become one LocbriefError naming the file.
    """
    path = Path(path)
    try:
        _write(path, text, expected)
    except OSError as exc:
        raise fs_error(exc, path, writing=True) from None


def fs_error(exc: OSError, path: Path | str | None = None, writing: bool = False) -> LocbriefError:
    """A file-system error as one line: the file (or folder), what went wrong, what to do."""
    name = exc.filename or path
    if path is not None and str(name).startswith(f"{Path(path).parent}/."):
        name = path  # the temporary file's name means nothing to the user
    advice = (writing and _WRITE_ADVICE.get(exc.errno)) or _ADVICE.get(exc.errno)
    advice = advice or exc.strerror or str(exc)
    return LocbriefError(advice, str(name) if name else None)


def _write(path: Path, text: str, expected: bytes | None) -> None:
    if path.exists() and not _writable(path):
        raise PermissionError(errno.EACCES, "read-only", str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # the folder refuses new files: name it, not a temporary name
        exc.filename = f"{path.parent}/" if exc.errno in _FOLDER_ERRORS else str(path)
        raise
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


def _writable(path: Path) -> bool:
    """Writable by us, and not marked read-only by its owner (which root would otherwise ignore)."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & stat.S_IWUSR)


def remove_stale_temporaries(folder: Path | str) -> int:
    """Delete the temporary files a killed write left under ``folder``; return how many.

    Only write_atomically's own names are touched, and only while no run is writing.
    """
    removed = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if TEMPORARY.match(name):
                try:
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
                except FileNotFoundError:
                    pass
    return removed


log = logging.getLogger("locbrief")


def write_json(path: str, data) -> None:
    """A stage's JSON output (document, units, suggestions, reports), written atomically."""
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    log.debug("wrote %s", path)


def read_json(path: str):
    """A stage's JSON input; a missing or broken file is one line naming it and the fix."""
    log.debug("reading %s", path)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocbriefError(
            "file not found; run the pipeline stage that writes it first", path
        ) from None
    except ValueError as exc:
        raise LocbriefError(
            f"not valid JSON ({exc.msg}); delete it and rerun", path, exc.lineno
        ) from None


def load_units(path: str) -> list[Unit]:
    """The units JSON written by 'segment'."""
    return [Unit.from_json(u) for u in read_json(path)]


def load_suggestions(path: str | None) -> dict[str, Suggestion]:
    """The suggestions JSON written by 'suggest', by msgid (none without a path)."""
    if not path:
        return {}
    return {s["msgid"]: Suggestion.from_json(s) for s in read_json(path)}
