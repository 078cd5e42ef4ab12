"""PO and POT files: reading with one-line errors, writing only when the text changed.

Reading accepts what msgfmt accepts and nothing else: UTF-8 only, keywords in
order, closed strings, no duplicate keys; every problem names the file and line.
Writing is atomic, only if the text changed, and never over edits made while
the run was going (see :func:`locbrief.files.write_atomically`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import polib

from . import __version__
from .files import read_bytes, write_atomically
from .locales import find_locale
from .model import LocbriefError

WRAP = 79


def entry_key(entry: polib.POEntry) -> tuple[str | None, str]:
    """The key gettext looks an entry up by; the same shape as :attr:`locbrief.model.Unit.key`."""
    return (entry.msgctxt, entry.msgid)


# ---------------------------------------------------------------- reading


def read_po(path: Path | str, data: bytes | None = None) -> polib.POFile:
    """Parse a PO/POT file; any problem is a one-line error with file and line."""
    path = Path(path)
    if data is None:
        if not path.exists():
            raise LocbriefError(
                "file not found; run the pipeline stage that writes it first", str(path)
            )
        data = read_bytes(path)
    text = _decode(data, path)
    _check_syntax(text, path)
    try:
        po = polib.pofile(_with_obsolete_previous(text), wrapwidth=WRAP, encoding="utf-8")
    except (OSError, ValueError, IndexError, KeyError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise LocbriefError(
            f"PO syntax error ({_reason(exc)}); fix the entry in Poedit or a text editor "
            "('msgfmt -c' shows details)",
            str(path),
            int(match.group(1)) if match else None,
        ) from None
    _check_duplicates(po, path)
    return po


def _decode(data: bytes, path: Path) -> str:
    """The file's text; only UTF-8 (with or without BOM) is accepted, as declared in the header."""
    charset = re.search(rb'^"Content-Type:.*charset=([^\\"\s]+)', data, re.M)
    if charset and charset.group(1).upper() not in (b"UTF-8", b"UTF8", b"CHARSET"):
        line = data[: charset.start()].count(b"\n") + 1
        raise LocbriefError(
            f"declares charset {charset.group(1).decode('ascii', 'replace')}; locbrief reads "
            "and writes UTF-8 only — convert with 'msgconv --to-code=UTF-8'",
            str(path),
            line,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LocbriefError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); convert it with "
            "'msgconv --to-code=UTF-8' or save it as UTF-8 in Poedit",
            str(path),
            line,
        ) from None
    return text.replace("\r\n", "\n")


_KEYWORD_LINE = re.compile(r'^(?:#~\s*)?(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*(".*)$')
_QUOTED = re.compile(r'"(?:[^"\\]|\\["\\abfnrtv0-7x])*"')
#: Which keyword may follow which: an entry is [msgctxt] msgid [msgid_plural] msgstr…
_NEXT = {
    None: {"msgctxt", "msgid"},
    "msgctxt": {"msgid"},
    "msgid": {"msgid_plural", "msgstr"},
    "msgid_plural": {"msgstr[n]"},
    "msgstr": {"msgctxt", "msgid"},
    "msgstr[n]": {"msgstr[n]", "msgctxt", "msgid"},
}


def _check_syntax(text: str, path: Path) -> None:
    """What polib lets through but msgfmt rejects: broken strings, keywords out of order."""
    last, last_line = None, 0
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if (
            not stripped
            or (stripped.startswith("#") and not stripped.startswith("#~"))
            or stripped.startswith("#~|")
        ):
            continue
        match = _KEYWORD_LINE.match(stripped)
        if not match or not _QUOTED.fullmatch(match.group(2).rstrip()):
            raise LocbriefError(
                'PO syntax error (expected a keyword and one "quoted string", '
                "closed, with valid escapes); fix the line in Poedit or a text editor",
                str(path),
                number,
            )
        keyword = match.group(1) and re.sub(r"\[\d+\]", "[n]", match.group(1))
        if keyword is None and last is None:
            raise LocbriefError(
                "PO syntax error (a string continues no keyword)", str(path), number
            )
        if keyword is not None:
            if keyword not in _NEXT[last]:
                expected = " or ".join(sorted(_NEXT[last]))
                raise LocbriefError(
                    f"PO syntax error ({keyword} where {expected} was expected); "
                    "an entry is [msgctxt] msgid msgstr",
                    str(path),
                    number,
                )
            last, last_line = keyword, number
    if last in ("msgctxt", "msgid", "msgid_plural"):
        raise LocbriefError(
            f"PO syntax error (the file ends after {last}, without msgstr)", str(path), last_line
        )


def _with_obsolete_previous(text: str) -> str:
    """polib skips ``#~| msgid`` lines; read them as ``#|`` so obsolete entries keep their previous source.

    The line count is unchanged, so line numbers in errors stay right.
    """
    return re.sub(r"^#~\|", "#|", text, flags=re.M)


def _reason(exc: Exception) -> str:
    return re.sub(r"\s*\(line \d+\)|\s+in po file.*?(?=\(|$)", "", str(exc)).strip() or "unreadable"


def _check_duplicates(po: polib.POFile, path: Path) -> None:
    """Two entries with one key (obsolete ones too): msgfmt and msgmerge reject it, and so do we."""
    seen: dict[tuple, int] = {}
    for entry in po:
        key = entry_key(entry)
        if key in seen:
            raise LocbriefError(
                f"msgid {entry.msgid[:40]!r} appears twice (first at line {seen[key]}); "
                "merge the two entries into one",
                str(path),
                entry.linenum,
            )
        seen[key] = entry.linenum


# ---------------------------------------------------------------- writing


def template_header(brief: str) -> dict[str, str]:
    return {
        "Project-Id-Version": brief,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now(),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Generated-By": f"locbrief {__version__}",
    }


def new_catalog(lang: str, brief: str) -> polib.POFile:
    """An empty PO for a language; the header is the translator's from then on."""
    po = polib.POFile(wrapwidth=WRAP)
    po.header = f"{_language_name(lang)} translation of the brief {brief}."
    po.metadata = {
        **template_header(brief),
        "PO-Revision-Date": now(),
        "Last-Translator": "",
        "Language-Team": "",
        "Language": lang,
    }
    return po


def _language_name(lang: str) -> str:
    locale = find_locale(lang)
    return (locale.english_name if locale else None) or lang


def write_template(path: Path | str, pot: polib.POFile) -> bool:
    """Write the POT, keeping its creation date when no entry changed (small, stable diffs).

    Returns whether the bytes changed. Unchanged bytes are not rewritten, only
    touched, so the workflow sees the stage as done and nothing else moves.
    """
    path = Path(path)
    before = read_bytes(path)
    if before:
        old = read_po(path, before)
        if entries_text(old) == entries_text(pot):
            pot.metadata["POT-Creation-Date"] = old.metadata.get(
                "POT-Creation-Date", pot.metadata["POT-Creation-Date"]
            )
    text = str(pot) + "\n"
    if text.encode("utf-8") == before:
        path.touch()
        return False
    write_atomically(path, text)
    return True


def entries_text(po: polib.POFile) -> str:
    """The entries alone, without the header: what decides whether a file changed."""
    return "\n".join(str(e) for e in po)


def write_po(path: Path | str, po: polib.POFile, expected: bytes) -> bool:
    """Write the merged PO if its text changed; ``expected`` guards against concurrent edits."""
    text = str(po) + "\n"
    if text.encode("utf-8") == expected:
        return False
    write_atomically(path, text, expected=expected)
    return True


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
