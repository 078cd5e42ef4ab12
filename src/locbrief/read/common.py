"""What both readers share, so both give the same kind of block the same kind of id.

The source suffixes, the warning format (:class:`Warner`), block ids and slugs,
the key-points heading and the date formats a brief's date line may take.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter

from locbrief.model import LocbriefError

log = logging.getLogger("locbrief.read")

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
#: Briefs pandoc converts for the HTML reader (see :mod:`locbrief.read.pandoc`).
PANDOC_SUFFIXES = (".md", ".markdown", ".docx")
#: What a brief in source/ may be called: a plain-text capture, an HTML article, Markdown, Word.
SOURCE_SUFFIXES = (".txt", *sorted(HTML_SUFFIXES), *PANDOC_SUFFIXES)


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
