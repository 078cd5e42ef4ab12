"""Read stage: a source file (plain-text capture or HTML article) → Document.

``read_source`` checks the bytes first (missing, empty, binary, wrong
encoding), because a clear one-line error about the file beats a confusing
one about its contents later; then it hands the decoded text to the reader
for its shape: ``read_capture`` for a plain-text capture of a web page,
``read_html`` for an HTML article.

Problems that do not stop the read (an endnote nobody refers to, a number
that looks like a note marker but has no endnote) are *warnings*: each names
the file, the line and exactly what was kept or skipped. They are logged on
the ``locbrief.read`` logger and, if the caller passes a list, appended to it.

The small helpers every reader shares (ids, slugs, dates) live here too, so
both readers give the same kind of block the same kind of id.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections import Counter
from pathlib import Path

from locbrief.model import Document, LocbriefError

log = logging.getLogger("locbrief.read")

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
#: What a brief in source/ may be called: a plain-text capture or an HTML article.
SOURCE_SUFFIXES = (".txt", *sorted(HTML_SUFFIXES))

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
    """Read one brief: a ``.txt`` capture or an ``.html``/``.htm`` article.

    Raises LocbriefError (with path and line) when the file cannot be read
    as a brief; appends non-fatal warnings to ``warnings`` if given.
    """
    path_text = str(path)
    data = _read_bytes(path_text)
    check_bytes(data, path_text)
    warn = Warner(path_text, warnings)
    name = Path(path_text).stem
    if looks_like_html(path_text, data):
        # Imported here: the readers import the helpers below from this module.
        from locbrief.read_html import parse_html

        return parse_html(decode_html(data, path_text), path_text, name, warn)
    from locbrief.read_capture import parse_capture

    return parse_capture(decode_utf8(data, path_text), path_text, name, warn)


class Warner:
    """Formats a warning like an error ("path:line: message"), logs and keeps it.

    One format for both, so a user reads warnings and errors the same way.
    """

    def __init__(self, path: str, sink: list[str] | None = None):
        self.path, self.sink = path, sink
        self.messages: list[str] = []

    def __call__(self, message: str, line: int | None = None) -> None:
        text = str(LocbriefError(message, self.path, line))
        self.messages.append(text)
        if self.sink is not None:
            self.sink.append(text)
        log.warning(text)


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


# ---------------------------------------------------------------- ids, slugs, dates

# A list right under such a heading holds the brief's key points (both readers).
KEY_POINTS_HEADING = re.compile(
    r"^(key (points|takeaways|findings|judgments|judgements)|"
    r"summary|highlights|at a glance)$",
    re.IGNORECASE,
)


def slugify(text: str, max_length: int = 50) -> str:
    """ASCII slug for readable ids: "Mexico’s failed war" → "mexicos-failed-war"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'‘`]", "", text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


class BlockIds:
    """Readable, stable block ids: "title", "h-key-points", "p-12", "note-7".

    Counters per prefix give reading-order numbers; names that repeat get
    "-2", "-3" so ids stay unique (they become page anchors and PO references).
    """

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.used: set[str] = set()

    def unique(self, base: str) -> str:
        """``base`` itself, or ``base-2``, ``base-3`` … if already given out."""
        name, n = base, 1
        while name in self.used:
            n += 1
            name = f"{base}-{n}"
        self.used.add(name)
        return name

    def next(self, prefix: str) -> str:
        """The next numbered id for a kind: p-1, p-2, …"""
        self.counts[prefix] += 1
        return self.unique(f"{prefix}-{self.counts[prefix]}")

    def heading(self, text: str) -> str:
        """h-<slug of the heading text>, so links survive re-reading the brief."""
        slug = slugify(text)
        return self.unique(f"h-{slug}") if slug else self.next("h")


_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_DATE_MDY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DATE_DMY = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> str | None:
    """ISO date of an English date line ("July 2, 2025" → "2025-07-02"), else None.

    Locale-independent (strptime's %B follows the process locale).
    """
    text = " ".join(text.split())
    if m := _DATE_ISO.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DATE_MDY.match(text):
        month, day, year = _MONTHS.get(m[1].lower(), 0), int(m[2]), int(m[3])
    elif m := _DATE_DMY.match(text):
        day, month, year = int(m[1]), _MONTHS.get(m[2].lower(), 0), int(m[3])
    else:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
