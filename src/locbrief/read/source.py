"""Read stage: a source file (plain-text capture, HTML article, Markdown, Word) → Document.

``read_source`` checks the bytes first (missing, empty, binary, wrong
encoding), because a clear one-line error about the file beats a confusing
one about its contents later; then it hands the decoded text to the reader
for its shape: :mod:`.capture` for a plain-text capture of a web page,
:mod:`.html` for an HTML article, :mod:`.pandoc` for Markdown and Word files
(pandoc makes an HTML page of them for :mod:`.html`).

Problems that do not stop the read (an endnote nobody refers to, a number
that looks like a note marker but has no endnote) are *warnings*: each names
the file, the line and exactly what was kept or skipped. They are logged on
the ``locbrief.read`` logger and, if the caller passes a list, appended to it.

The small helpers both readers share (ids, slugs, dates) live in
:mod:`locbrief.read.common`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from locbrief.model import Document, LocbriefError
from locbrief.read.capture import parse_capture
from locbrief.read.common import HTML_SUFFIXES, Warner

# Magic numbers of files people save by mistake instead of the page itself.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .epub?)"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|article|main|\?xml)\b",
    re.IGNORECASE | re.DOTALL,
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", re.IGNORECASE
)


# ---------------------------------------------------------------- entry point


def read_source(path: str | Path, warnings: list[str] | None = None) -> Document:
    """Read one brief: a ``.txt`` capture, an ``.html``/``.htm`` article, ``.md`` or ``.docx``.

    Raises LocbriefError (with path and line) when the file cannot be read
    as a brief; appends non-fatal warnings to ``warnings`` if given.
    """
    path_text = str(path)
    data = _read_bytes(path_text)
    warn = Warner(path_text, warnings)
    name = Path(path_text).stem
    suffix = Path(path_text).suffix.lower()
    # each reader is imported when a file needs it: lxml and pandoc's are a tenth of a second
    if suffix == ".docx":  # a ZIP archive: its own checks (read.pandoc.open_docx)
        from locbrief.read.pandoc import read_docx

        return read_docx(data, path_text, name, warn)
    check_bytes(data, path_text)
    if suffix in (".md", ".markdown"):
        from locbrief.read.pandoc import read_markdown

        return read_markdown(decode_utf8(data, path_text), path_text, name, warn)
    if looks_like_html(path_text, data):
        from locbrief.read.html import parse_html

        return parse_html(decode_html(data, path_text), path_text, name, warn)
    return parse_capture(decode_utf8(data, path_text), path_text, name, warn)


# ---------------------------------------------------------------- byte checks


def _read_bytes(path: str) -> bytes:
    """The file's bytes, or an error a user can act on (never a traceback)."""
    p = Path(path)
    if p.is_dir():
        raise LocbriefError(
            "is a folder, not a source file; name the .txt or .html file of the brief", path
        )
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise LocbriefError("no such file; check the path (briefs live in source/)", path) from None
    except OSError as exc:
        raise LocbriefError(
            f"cannot read the file ({exc.strerror}); check its permissions", path
        ) from None


def check_bytes(data: bytes, path: str) -> None:
    """Refuse empty and binary files before any reader sees them."""
    if not data.lstrip(b"\xef\xbb\xbf").strip():
        raise LocbriefError(
            "empty file; expected a plain-text capture or an HTML page of the brief", path
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LocbriefError("UTF-16 text; save the file as UTF-8", path)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise LocbriefError(
                f"binary file ({what}), not text; save the web page as HTML "
                "or copy its text into a UTF-8 .txt file",
                path,
            )
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise LocbriefError(
            f"binary file (NUL byte at byte offset {nul}), not text; save the page "
            "as HTML or copy its text into a UTF-8 .txt file",
            path,
            line,
        )


def looks_like_html(path: str, data: bytes) -> bool:
    """HTML by extension, or by content for files named otherwise (e.g. a .txt that is markup)."""
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return True
    return bool(_HTML_START.match(data.lstrip(b"\xef\xbb\xbf")[:4096]))


def decode_utf8(data: bytes, path: str, hint: str = "save the file as UTF-8") -> str:
    """Text of a UTF-8 file, newlines normalised; errors point at the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad_encoding_error(data, exc, "UTF-8", path, hint) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_html(data: bytes, path: str) -> str:
    """Text of an HTML file: the declared charset if any, else UTF-8."""
    head = data[:2048]
    declared = _XML_ENCODING.match(head) or _CHARSET.search(head)
    if data.startswith(codecs.BOM_UTF8) or not declared:
        return decode_utf8(
            data, path, 'save the file as UTF-8 or declare its encoding with <meta charset="…">'
        )
    name = declared.group(1).decode("ascii", "replace")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise LocbriefError(
            f"unknown encoding “{name}” declared in the page; "
            'save it as UTF-8 with <meta charset="utf-8">',
            path,
        ) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise bad_encoding_error(
            data, exc, name, path, f"save the file as {name}, or as UTF-8 and fix <meta charset>"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def bad_encoding_error(
    data: bytes, exc: UnicodeDecodeError, expected: str, path: str, hint: str
) -> LocbriefError:
    """Name the first bad byte by line and column, so the user can find it in an editor."""
    pos = exc.start
    line = data.count(b"\n", 0, pos) + 1
    line_start = data.rfind(b"\n", 0, pos) + 1
    column = len(data[line_start:pos].decode("utf-8", "replace")) + 1
    guess = " (it looks like Latin-1/Windows-1252)" if _is_latin1_like(data) else ""
    return LocbriefError(
        f"not {expected} (byte 0x{data[pos]:02x} at column {column}, "
        f"byte offset {pos}){guess}; {hint}",
        path,
        line,
    )


def _is_latin1_like(data: bytes) -> bool:
    """Bytes ≥ 0x80 that are mostly lone Western letters suggest a Latin-1 save."""
    high = [b for b in data if b >= 0x80]
    return bool(high) and sum(0xC0 <= b <= 0xFF for b in high) >= len(high) / 2
