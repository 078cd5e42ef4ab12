"""PO and POT files: reading with one-line errors, writing only when the text changed.

Reading accepts what msgfmt accepts and nothing else: UTF-8 only, keywords in
order, closed strings, no duplicate keys; every problem names the file and line.
Writing is atomic, only if the text changed, and never over edits made while
the run was going (see :func:`locbrief.files.write_atomically`).
"""

from __future__ import annotations

import gettext
import hashlib
import json
import logging
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import polib

from locbrief import __version__
from locbrief.files import read_bytes, write_atomically
from locbrief.model import LocbriefError

WRAP = 79
BOM = b"\xef\xbb\xbf"
log = logging.getLogger("locbrief")


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
    _check_conflicts(text, path)
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
    po.fpath = str(path)
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


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.M)


def _check_conflicts(text: str, path: Path) -> None:
    """Git's ``<<<<<<<`` / ``=======`` / ``>>>>>>>`` lines: say so, not "syntax error"."""
    match = _CONFLICT.search(text)
    if match:
        raise LocbriefError(
            f"unresolved merge conflict ({match.group(1)} line); keep one side of each "
            "conflict (or run 'msgcat --use-first' on the two versions) and rerun",
            str(path),
            text[: match.start()].count("\n") + 1,
        )


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
        "Plural-Forms": default_plural_forms(lang),
    }
    return po


def _language_name(lang: str) -> str:
    from locbrief.locales import find_locale  # Babel: 7 ms of 'segment', which has no language

    locale = find_locale(lang)
    return (locale.english_name if locale else None) or lang


def read_template(path: Path | str) -> polib.POFile | None:
    """The template as the last run wrote it, or None before the first run."""
    data = read_bytes(Path(path))
    return read_po(path, data) if data else None


def write_template(
    path: Path | str, pot: polib.POFile, previous: polib.POFile | None = None
) -> bool:
    """Write the POT; its creation date moves only when an entry changed (small, stable diffs).

    Returns whether the bytes changed. Unchanged bytes are not rewritten, only
    touched, so the workflow sees the stage as done and nothing else moves. A
    template whose entries come back to an earlier state gets that state's date
    back (see :class:`TemplateDates`), so editing the brief and reverting the
    edit leaves the POT, and the PO files, byte for byte as they were.
    ``previous`` is the file as :func:`read_template` read it, if the caller has it.
    """
    path = Path(path)
    before = read_bytes(path)
    dates = TemplateDates(path)
    old = previous if previous is not None else read_po(path, before) if before else None
    if old is not None:
        dates.add(entries_digest(old), old.metadata.get("POT-Creation-Date", ""))
    digest = entries_digest(pot)
    date = dates.get(digest) or pot.metadata.get("POT-Creation-Date") or now()
    pot.metadata["POT-Creation-Date"] = date
    dates.add(digest, date)
    dates.save()
    text = gettext_text(pot)
    if text.encode("utf-8") == before:
        path.touch()
        return False
    write_atomically(path, text)
    return True


class TemplateDates:
    """When each state of a template's entries was first written: ``<brief>.pot-dates`` beside it.

    One line per state, ``<digest> <date>``, the last :data:`KEEP` kept; committed
    with the POT, so a fresh clone knows them too.
    """

    KEEP = 50

    def __init__(self, pot_path: Path):
        self.path = pot_path.with_name(pot_path.name + "-dates")
        self.original = read_bytes(self.path)
        self.dates: dict[str, str] = {}
        for line in self.original.decode("utf-8", errors="replace").splitlines():
            digest, _, date = line.partition(" ")
            if digest and date:
                self.dates[digest] = date

    def get(self, digest: str) -> str | None:
        return self.dates.get(digest)

    def add(self, digest: str, date: str) -> None:
        """Remember a state's date; a state already known keeps its first date."""
        if date and digest not in self.dates:
            self.dates[digest] = date

    def save(self) -> None:
        kept = list(self.dates.items())[-self.KEEP :]
        text = "".join(f"{digest} {date}\n" for digest, date in kept)
        if text.encode("utf-8") != self.original:
            write_atomically(self.path, text)


def entries_digest(po: polib.POFile) -> str:
    """A short fingerprint of the entries alone (not the header, not the wrapping)."""
    fields = [
        (
            e.msgctxt,
            e.msgid,
            e.msgstr,
            e.comment,
            e.tcomment,
            references(e),
            e.flags,
            bool(e.obsolete),
        )
        for e in po
    ]
    data = json.dumps(fields, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def references(entry: polib.POEntry) -> list[str]:
    """The ``#:`` references as written (polib keeps a non-numeric "line" in the file part)."""
    return [f"{name}:{line}" if line else name for name, line in entry.occurrences]


def entries_text(po: polib.POFile) -> str:
    """The entries alone, without the header: what decides whether a file changed."""
    return "\n".join(str(e) for e in po)


def write_po(path: Path | str, po: polib.POFile, expected: bytes) -> bool:
    """Write the merged PO if its content changed; ``expected`` guards against concurrent edits.

    The file keeps the translator's byte order mark and line ends (a PO saved on
    Windows stays CRLF), and a file that differs from ours only in how its lines
    are wrapped is not rewritten.
    """
    text = gettext_text(po)
    if text.encode("utf-8") == expected:
        return False
    styled = _in_style(text, expected)
    if styled.encode("utf-8") == expected or (
        expected.strip() and _same_content(text, expected, path)
    ):
        return False
    write_atomically(path, styled, expected=expected)
    return True


def _in_style(text: str, original: bytes) -> str:
    """``text`` with the original file's BOM and CRLF line ends, if it had them."""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    return "\ufeff" + text if original.startswith(BOM) else text


def _same_content(text: str, original: bytes, path: Path | str) -> bool:
    """True if the original, written as GNU gettext writes it, is ``text``: it differs in wrapping only."""
    try:
        return _msgcat(_decode(original, Path(path)), path) == text
    except LocbriefError:
        return False


def gettext_text(po: polib.POFile) -> str:
    """The file as GNU gettext writes it (``msgcat``'s wrapping, which Poedit shares).

    polib breaks long lines in other places, so a file saved by Poedit or msgcat
    would be rewrapped by every run; passing our text through msgcat makes the
    two agree line for line.
    """
    return _msgcat(str(po) + "\n", po.fpath or "PO file")


def _msgcat(text: str, path: Path | str) -> str:
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise LocbriefError(
            "GNU gettext's msgcat is not installed; install the Debian package gettext "
            "(make setup does)",
            str(path),
        )
    done = subprocess.run(
        [msgcat, "--force-po", "-"], input=text.encode("utf-8"), capture_output=True, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"]
        raise LocbriefError(f"msgcat could not write the file: {reason[0]}", str(path))
    return done.stdout.decode("utf-8")


# ---------------------------------------------------------------- header


#: Plural-Forms of a new PO, from the GNU gettext manual ("Plural forms"), full locale first,
#: then the language. Not Babel's: CLDR's rules change between versions (CLDR 42 gave es, fr,
#: pt and ca a third form), and the header must not change with the library installed.
PLURAL_FORMS = {
    **dict.fromkeys(("ja", "ko", "zh", "vi", "th", "id", "ms"), "nplurals=1; plural=0;"),
    **dict.fromkeys(
        [
            "en",
            "de",
            "nl",
            "sv",
            "da",
            "nb",
            "nn",
            "no",
            "fi",
            "et",
            "es",
            "pt",
            "it",
            "ca",
            "gl",
            "eu",
            "el",
            "bg",
            "hu",
            "he",
            "eo",
            "af",
            "sq",
            "tr",
            "ast",
            "fy",
            "ka",
            "kk",
            "ky",
            "mn",
            "ur",
            "sw",
        ],
        "nplurals=2; plural=(n != 1);",
    ),
    **dict.fromkeys(("fr", "pt_BR", "oc", "br", "fil", "tl"), "nplurals=2; plural=(n > 1);"),
    **dict.fromkeys(
        ("ru", "uk", "be", "sr", "hr", "bs"),
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    ),
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    **dict.fromkeys(("cs", "sk"), "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"),
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
    ": n%100>=11 ? 4 : 5);",
}


def plural_forms(old: polib.POFile | None, lang: str) -> str:
    """The PO's Plural-Forms: the translator's if it is valid, else the fixed table's.

    A missing or invalid one is replaced, with one warning naming the file and line.
    """
    current = old.metadata.get("Plural-Forms") if old is not None else None
    if current is not None:
        problem = plural_forms_problem(current)
        if problem is None:
            return current
        log.warning(
            "%s: Plural-Forms %r %s; replaced by the standard one for %s",
            _header_place(old, "Plural-Forms"),
            current,
            problem,
            lang,
        )
    elif old is not None:
        log.warning(
            "%s: the header has no Plural-Forms; added the standard one for %s",
            _header_place(old, "Content-Type"),
            lang,
        )
    return default_plural_forms(lang)


def default_plural_forms(lang: str) -> str:
    """The fixed table's entry for ``lang``; Babel's only for a language the table lacks."""
    language = lang.split("_")[0].split("@")[0]
    known = PLURAL_FORMS.get(lang) or PLURAL_FORMS.get(language)
    if known:
        return known
    from babel.messages.plurals import get_plural

    from locbrief.locales import find_locale

    plural = get_plural(find_locale(lang) or "en")
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def plural_forms_problem(value: str) -> str | None:
    """What is wrong with a Plural-Forms value, as msgfmt would see it; None if nothing.

    >>> plural_forms_problem("nplurals=2; plural=(n > 1);") is None
    True
    >>> plural_forms_problem("nplurals=2; plural=n+1;")
    'gives 2 for n=1, but there are only 2 forms'
    """
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", value)
    if not match:
        return "is not 'nplurals=N; plural=EXPRESSION;'"
    count = int(match.group(1))
    try:
        rule = gettext.c2py(match.group(2))
    except (ValueError, SyntaxError, RecursionError):
        return "has an expression gettext cannot read"
    if count < 1:
        return "declares no forms"
    for n in range(0, 1001):
        form = rule(n)
        if not 0 <= form < count:
            return f"gives {form} for n={n}, but there are only {count} forms"
    return None


def _header_place(po: polib.POFile, field: str) -> str:
    """``file:line`` of a header field (the file alone where it cannot be found)."""
    path = po.fpath or "PO file"
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return path
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f'"{field}:'):
            return f"{path}:{number}"
    return path


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
