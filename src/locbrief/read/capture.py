"""Read a plain-text capture of a web page (what "Select all, Copy" or a text
dump of a think-tank brief gives) into a Document.

A capture is the page's words with the markup gone, so structure has to be
recovered from shapes: blank lines separate blocks, "  1. " starts a numbered
item, "  • 7" starts endnote 7, a line holding only a no-break space is where
a figure stood. Site chrome (menus, "Select Page", breadcrumbs, "Download
PDF", the "Jump to Section" list, related articles, newsletter box, footer)
is recognised by position and by those UI words, and dropped.

Note markers are the hard part. Each marker is a number glued to the text
followed by a full inline copy of the note (the page's hover pop-up), e.g.
"… in 2024.1“Provisional Drug Overdose Data,” … .htm. While this figure …".
A marker is only accepted where the number n is followed by the text of
endnote n from the Endnotes list, so digits that belong to the text ("2024.",
"18–44.", "$13 billion") are never taken for markers; the copy is removed and
a NoteRef(n) stays where the marker stood.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from locbrief.model import Block, Document, Inline, LocbriefError, NoteRef
from locbrief.read.common import KEY_POINTS_HEADING, BlockIds, Warner, parse_date

# Site UI words that are never part of a brief (exact lines).
CHROME_LINES = {
    "select page",
    "download pdf",
    "download",
    "top",
    "back to top",
    "print",
    "share",
    "skip to content",
    "menu",
    "search",
    "jump to section",
    "in this article",
    "table of contents",
    "contents",
    "on this page",
}
TOC_TITLES = {"jump to section", "in this article", "table of contents", "contents", "on this page"}
BREADCRUMB = re.compile(r"^Home\s*/\s*\S")
PHOTO = re.compile(r"^(Photo|Image|Headshot|Portrait) of\s+\S")
FOOTER_START = re.compile(
    r"^(More on\b|More from\b|Related( articles| posts| content| research| reading)?$|Read more$|"
    r"Recommended( reading)?$|You may also like|Receive\b|Subscribe\b|Sign up\b|©)",
    re.IGNORECASE,
)
NOTES_HEADING = re.compile(r"^(end ?notes|foot ?notes|notes|references|sources)$", re.IGNORECASE)
AUTHORS_HEADING = re.compile(r"^(about the )?authors?$|^contributors?$", re.IGNORECASE)
NUMBERED_ITEM = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.*)$")
BULLET_ITEM = re.compile(r"^\s*[•▪◦·*-]\s+(\S.*)$")
NOTE_NUMBER_LINE = re.compile(r"^\s*[•▪◦·*-]?\s*\[?(\d{1,3})[\].]?\s*$")
NOTE_INLINE_LINE = re.compile(r"^\s*(?:[•▪◦·*-]\s*)?(?:\[(\d{1,3})\]|(\d{1,3})\.)\s+(\S.*)$")
BYLINE = re.compile(r"^By\s+\S")
URL_ONLY = re.compile(r"^(https?://|www\.)\S+$")
FINAL_PUNCT = tuple(".!:;,")
# A run of digits; a marker is a tail of one, glued to what precedes it.
DIGIT_RUN = re.compile(r"\d+")
# A number glued on both sides like a marker: after a word/punctuation, before a quote or capital.
SUSPECT_MARKER = re.compile(r"(?<=[^\s\d$€£#–—\-/])(\d{1,3})(?=[“\"‘A-Z])")
NOTE_PREFIX_CHARS = 20


@dataclass
class Line:
    """One source line: its 1-based number, its text and what it is."""

    no: int
    text: str
    kind: str = "text"  # text | blank | figure | photo


@dataclass
class Chunk:
    """Consecutive non-blank lines: one block, or one list, in the capture."""

    lines: list[Line]
    kind: str = "text"  # text | figure | photo

    @property
    def no(self) -> int:
        return self.lines[0].no

    @property
    def text(self) -> str:
        """The chunk's lines joined with "\\n" (note copies may span lines)."""
        return "\n".join(line.text.strip() for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


@dataclass
class Endnote:
    """Canonical text of one note, from the Endnotes list."""

    number: int
    text: str
    line: int
    words: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.words = self.text.split()


# ---------------------------------------------------------------- entry point


def parse_capture(text: str, source: str, name: str, warn: Warner | None = None) -> Document:
    """Turn a capture's text into a Document (see the module docstring)."""
    return CaptureReader(text, source, warn or Warner(source)).read(name)


class CaptureReader:
    """One read of one capture: regions → chunks → blocks, with notes resolved."""

    def __init__(self, text: str, source: str, warn: Warner):
        self.source, self.warn = source, warn
        self.lines = [Line(i, t) for i, t in enumerate(text.split("\n"), start=1)]
        self.ids = BlockIds()
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}
        self.toc: list[str] = []
        self.title_hint: str | None = None
        self.finder: NoteFinder  # set once the endnotes are known

    def read(self, name: str) -> Document:
        start, end = self._article_bounds()
        region = self._classify_lines(self.lines[start:end])
        notes, note_span = self._find_endnotes(region)
        self.finder = NoteFinder(notes, self.source, self.warn)
        chunks = _chunks(
            [Line(l.no, l.text, "notes") if _within(l.no, note_span) else l for l in region]
        )
        body = self._read_header(chunks)
        self._read_body(body, notes, note_span)
        self.finder.finish(self.blocks)
        if not any(b.kind != "endnote" for b in self.blocks):
            raise LocbriefError(
                "no article text found; the capture holds only site menus "
                "and chrome — copy the whole article page",
                self.source,
            )
        return Document(source=self.source, name=name, blocks=self.blocks, meta=self.meta)

    # ------------------------------------------------------------ regions

    def _article_bounds(self) -> tuple[int, int]:
        """Indices of the first and past-the-last line of the article (menus and footer cut)."""
        texts = [line.text.strip() for line in self.lines]
        start = next((i + 1 for i, t in enumerate(texts) if t.lower() == "select page"), None)
        if start is None:
            start = _leading_menu_end(self.lines)
        notes_at = max(
            (i for i, t in enumerate(texts) if NOTE_NUMBER_LINE.match(t) or NOTES_HEADING.match(t)),
            default=start,
        )
        footer = next(
            (i for i in range(max(start, notes_at), len(texts)) if _is_footer_line(texts[i])),
            len(texts),
        )
        return start, footer

    def _classify_lines(self, lines: list[Line]) -> list[Line]:
        """Mark blank, figure, photo and chrome lines; collect the table of contents."""
        out, in_toc = [], False
        for line in lines:
            stripped = line.text.strip()
            kind, low = "text", stripped.lower()
            if not stripped:
                kind = "figure" if "\u00a0" in line.text else "blank"
            elif in_toc and (NUMBERED_ITEM.match(line.text) or BULLET_ITEM.match(line.text)):
                self.toc.append(_item_text(line.text))
                kind = "blank"
            elif low in CHROME_LINES:
                kind = "blank"
            elif BREADCRUMB.match(stripped):
                self.title_hint = stripped.rsplit("/", 1)[-1].strip()
                kind = "blank"
            elif PHOTO.match(stripped):
                kind = "photo"
            in_toc = low in TOC_TITLES or (in_toc and kind == "blank" and bool(stripped))
            out.append(Line(line.no, line.text, kind))
        return out

    def _find_endnotes(self, lines: list[Line]) -> tuple[dict[int, Endnote], tuple[int, int]]:
        """The Endnotes list (canonical note texts) and the line span it covers."""
        heading = max(
            (i for i, l in enumerate(lines) if NOTES_HEADING.match(l.text.strip())), default=None
        )
        first = next(
            (
                i
                for i, l in enumerate(lines)
                if l.kind == "text"
                and NOTE_NUMBER_LINE.match(l.text)
                and i + 1 < len(lines)
                and lines[i + 1].text.startswith(" ")
            ),
            None,
        )
        if heading is not None and (first is None or first < heading):
            first = next(
                (i for i in range(heading + 1, len(lines)) if lines[i].kind == "text"), None
            )
        if first is None:
            return {}, (0, 0)
        notes, last = _parse_note_list(lines, first, self.warn)
        if not notes:
            return {}, (0, 0)
        return notes, (lines[first].no, lines[last].no)

    # ------------------------------------------------------------ header

    def _read_header(self, chunks: list[Chunk]) -> list[Chunk]:
        """Topic, date, title, dek and byline from the top of the page; returns the rest."""
        limit = self._header_limit(chunks)
        header = [c for c in chunks[:limit] if c.kind == "text"]
        date = next((c for c in header if parse_date(c.text)), None)
        others = [c for c in header if c is not date and not BYLINE.match(c.text)]
        title = self._pick_title(others, date)
        for chunk in header:
            kind = self._header_kind(chunk, date, title)
            if kind == "date":
                self.meta["date"] = parse_date(chunk.text) or ""
                self._add("date", "date", [chunk.text], chunk.no)
            elif kind == "byline":
                self._add("byline", "byline", [" ".join(chunk.text.split())], chunk.no)
            elif kind == "title":
                self._add(
                    "title", "title", self.finder.split(chunk.text, chunk.no), chunk.no, level=1
                )
            elif kind == "topic":
                self._add("topic", "topic", [chunk.text], chunk.no)
            elif kind == "dek":
                self._add("dek", "dek", self.finder.split(chunk.text, chunk.no), chunk.no)
            else:
                self._paragraph(chunk)
        return chunks[limit:]

    def _header_kind(self, chunk: Chunk, date: Chunk | None, title: Chunk | None) -> str:
        """What one header line is; each kind is taken once, extra lines are paragraphs."""
        used = self.ids.used
        if chunk is date:
            return "date"
        if chunk is title:
            return "title"
        if BYLINE.match(chunk.text) and "byline" not in used:
            return "byline"
        if title is None:
            return "paragraph"
        if chunk.no < title.no and _topic_shape(chunk.text) and "topic" not in used:
            return "topic"
        if chunk.no > title.no and "dek" not in used and "byline" not in used:
            return "dek"
        return "paragraph"

    def _header_limit(self, chunks: list[Chunk]) -> int:
        """How many leading chunks form the page header (before the first heading or long text)."""
        toc = {_norm(t) for t in self.toc}
        for i, chunk in enumerate(chunks):
            text = chunk.text
            if (
                _norm(text) in toc
                or not chunk.single
                or len(text) > 200
                or i >= 8
                or chunk.kind != "text"
                or _list_shape(chunk)
            ):
                return i
            if BYLINE.match(text):
                return i + 1
        return len(chunks)

    def _pick_title(self, others: list[Chunk], date: Chunk | None) -> Chunk | None:
        """The title: the breadcrumb's last crumb if it names one, else the first line
        that is not a topic list standing before the date."""
        if self.title_hint:
            hit = next((c for c in others if _norm(c.text) == _norm(self.title_hint)), None)
            if hit:
                return hit
        candidates = [
            c for c in others if not (date is not None and c.no < date.no and _topic_shape(c.text))
        ]
        return (candidates or others or [None])[0]

    # ------------------------------------------------------------ body

    def _read_body(
        self, chunks: list[Chunk], notes: dict[int, Endnote], note_span: tuple[int, int]
    ) -> None:
        """Headings, lists, captions, paragraphs, endnotes and authors, in reading order."""
        toc = {_norm(t) for t in self.toc}
        numbers = itertools.count(1)
        section, author = "body", _AuthorState(numbers)
        notes_done = not notes
        for i, chunk in enumerate(chunks):
            if not notes_done and chunk.no > note_span[0]:
                self._endnotes(notes)
                notes_done = True
            nxt = chunks[i + 1] if i + 1 < len(chunks) else None
            if chunk.kind == "figure":
                continue
            if chunk.kind == "photo":
                author.new()
                continue
            level = self._heading_level(chunk, toc, nxt, section)
            if level:
                section = _section_of(chunk.text)
                author = _AuthorState(numbers)
                self._heading(chunk, level)
            elif section == "authors":
                self._author_field(chunk, author)
            elif nxt is not None and nxt.kind == "figure" and chunk.single:
                self._add(
                    "caption",
                    self.ids.next("cap"),
                    self.finder.split(chunk.text, chunk.no),
                    chunk.no,
                )
            elif _list_shape(chunk):
                self._list(chunk, key_points=(section == "key_points"))
            else:
                self._paragraph(chunk)
        if not notes_done:
            self._endnotes(notes)

    def _heading_level(self, chunk: Chunk, toc: set[str], nxt: Chunk | None, section: str) -> int:
        """2 for a table-of-contents entry, 3 for other heading-shaped lines (2 without a TOC), else 0.

        In the Authors section only TOC entries are headings: "Fellow" is a role, not a heading.
        """
        if chunk.kind != "text" or not chunk.single:
            return 0
        text = chunk.text
        if _norm(text) in toc:
            return 2
        if (
            section == "authors"
            or (nxt is not None and nxt.kind == "figure")
            or not _heading_shape(text)
        ):
            return 0
        if (
            AUTHORS_HEADING.match(text)
            or NOTES_HEADING.match(text)
            or KEY_POINTS_HEADING.match(text)
        ):
            return 2
        return 3 if toc else 2

    def _heading(self, chunk: Chunk, level: int) -> None:
        self._add(
            "heading",
            self.ids.heading(chunk.text),
            self.finder.split(chunk.text, chunk.no),
            chunk.no,
            level=level,
        )

    def _list(self, chunk: Chunk, key_points: bool) -> None:
        """Numbered or bulleted items; under "Key points" they are key points."""
        for no, number, text in _list_items(chunk):
            content = self.finder.split(text, no)
            if key_points:
                self._add("key_point", self.ids.next("kp"), content, no, number=number)
            else:
                self._add("list_item", self.ids.next("li"), content, no, level=1, number=number)

    def _paragraph(self, chunk: Chunk) -> None:
        text = chunk.text
        bare_url = chunk.single and bool(URL_ONLY.match(text))
        self._add(
            "paragraph",
            self.ids.next("p"),
            self.finder.split(text, chunk.no),
            chunk.no,
            translate=not bare_url,
        )

    def _endnotes(self, notes: dict[int, Endnote]) -> None:
        for n in sorted(notes):
            note = notes[n]
            self._add("endnote", self.ids.unique(f"note-{n}"), [note.text], note.line, number=n)

    def _author_field(self, chunk: Chunk, author: _AuthorState) -> None:
        """Name, role, organisation of one author (the name may wrap over lines)."""
        text = " ".join(chunk.text.split())
        kind = author.next_kind(text)
        if kind is None:
            self._paragraph(chunk)
            return
        self._add(
            kind,
            f"author-{author.number}-{kind.split('_')[1]}",
            [text],
            chunk.no,
            translate=(kind == "author_role"),
        )

    def _add(self, kind: str, block_id: str, content: list[Inline], line: int, **extra) -> None:
        if block_id in {"title", "dek", "date", "topic", "byline"}:
            block_id = self.ids.unique(block_id)
        self.blocks.append(Block(kind=kind, id=block_id, content=content, line=line, **extra))


class _AuthorState:
    """Which field of which author comes next in the Authors section."""

    def __init__(self, numbers: Iterator[int]):
        self.numbers = numbers  # shared by the whole read: author-1, author-2, …
        self.number, self.fields, self.started = 0, 0, False

    def new(self) -> None:
        """A photo line: the next lines describe a new author."""
        self.number, self.fields, self.started = next(self.numbers), 0, True

    def next_kind(self, text: str) -> str | None:
        """author_name, author_role, author_org in turn; None for a bio paragraph."""
        if len(text) > 80 or text.endswith("."):
            return None
        if not self.started or self.fields >= 3:
            self.new()
        kind = ("author_name", "author_role", "author_org")[self.fields]
        self.fields += 1
        return kind


# ---------------------------------------------------------------- notes


class NoteFinder:
    """Finds note markers and their inline copies, confirmed against the endnotes.

    A marker is accepted only where the number n is glued to the text and
    followed by the beginning of endnote n; the whole copy (matched with any
    whitespace, so copies wrapped over lines work) is then cut out.
    """

    def __init__(self, notes: dict[int, Endnote], source: str, warn: Warner):
        self.notes, self.source, self.warn = notes, source, warn
        self.prefixes = {n: _words_regex(_prefix_words(note.words)) for n, note in notes.items()}
        self.full = {n: _words_regex(note.words) for n, note in notes.items()}
        self.seen: dict[int, int] = {}  # note number → line of its marker
        self.last: tuple[int, int] | None = None

    def split(self, text: str, line: int) -> list[Inline]:
        """Content of a block: text pieces with NoteRef(n) where markers stood, copies removed."""
        out: list[Inline] = []
        pos = done = 0
        while m := DIGIT_RUN.search(text, pos):
            hit = self._marker_at(text, m.start(), m.end(), line)
            if hit is None:
                pos = m.end()
                continue
            number, start, end = hit
            out.append(text[done:start])
            out.append(NoteRef(number))
            self._record(number, _line_at(text, start, line))
            done = pos = end
        out.append(text[done:])
        return _tidy(out)

    def _marker_at(
        self, text: str, run_start: int, run_end: int, line: int
    ) -> tuple[int, int, int] | None:
        """(n, marker start, copy end) if some split of this digit run is marker n + copy of note n.

        The marker may be the whole run ("2024.1“…") or its tail ("in 20241“…"), never a
        number standing alone after a space.
        """
        loose = run_start == 0 or text[run_start - 1].isspace()
        for a in range(run_start + loose, run_end):
            for b in range(run_end, a, -1):
                if text[a] == "0":
                    continue
                n = int(text[a:b])
                prefix = self.prefixes.get(n)
                if prefix is None or not prefix.match(text, b):
                    continue
                full = self.full[n].match(text, b)
                if full is None:
                    self._mismatch(n, text, b, line)
                return n, a, full.end()
        return None

    def _mismatch(self, n: int, text: str, at: int, line: int) -> None:
        """The copy starts like endnote n but then differs: say where, and stop."""
        note = self.notes[n]
        src, exp = _first_difference(text[at:], note.text)
        where = _line_at(text, len(text) - len(src), line)
        raise LocbriefError(
            f"inline copy of note {n} does not match endnote {n} (line {note.line}): "
            f"the text has “{_excerpt(src)}” where the endnote has “{_excerpt(exp)}”; "
            "make the two copies agree",
            self.source,
            where,
        )

    def _record(self, n: int, line: int) -> None:
        """Remember the marker; warn about repeats and numbers out of order."""
        if n in self.seen:
            self.warn(
                f"note {n} is referenced again (first at line {self.seen[n]}); kept both markers",
                line,
            )
        elif self.last and n < self.last[0]:
            self.warn(
                f"note markers out of order: note {n} comes after note {self.last[0]} "
                f"(line {self.last[1]}); kept them as written",
                line,
            )
        self.seen.setdefault(n, line)
        self.last = (n, line)

    def finish(self, blocks: list[Block]) -> None:
        """After all blocks: markers that matched no endnote, endnotes never referenced."""
        for block in blocks:
            if block.kind == "endnote":
                continue
            self._suspects(block)
        for n, note in sorted(self.notes.items()):
            if n not in self.seen:
                self.warn(
                    f"endnote {n} is never referenced in the text; kept it in the endnotes",
                    note.line,
                )

    def _suspects(self, block: Block) -> None:
        """Numbers glued like markers but left as text: a broken copy or a missing endnote."""
        for piece in block.content:
            if not isinstance(piece, str):
                continue
            for m in SUSPECT_MARKER.finditer(piece):
                n = int(m.group(1))
                context = piece[max(0, m.start() - 20) : m.end() + 20].strip()
                if n in self.notes and n not in self.seen:
                    raise LocbriefError(
                        f"“…{context}…” looks like the marker of note {n}, but the text after it "
                        f"does not match endnote {n} (line {self.notes[n].line}); make the two copies agree",
                        self.source,
                        block.line,
                    )
                if n not in self.notes and self.notes:
                    self.warn(
                        f"“…{context}…” looks like a note marker {n}, but there is no endnote {n}; "
                        "left it as text",
                        block.line,
                    )


# ---------------------------------------------------------------- helpers


def _leading_menu_end(lines: list[Line]) -> int:
    """Without "Select Page": skip a site name plus the bullet menu that opens the page."""
    i = 0
    while i < len(lines) and not lines[i].text.strip():
        i += 1
    j = i + 1 if i < len(lines) and not BULLET_ITEM.match(lines[i].text) else i
    k = j
    while k < len(lines) and BULLET_ITEM.match(lines[k].text):
        k += 1
    return k if k > j else 0


def _is_footer_line(text: str) -> bool:
    """Start of related articles, newsletter box or footer: a short UI line."""
    return (
        bool(text) and len(text) < 80 and not text.endswith(".") and bool(FOOTER_START.match(text))
    )


def _chunks(lines: list[Line]) -> list[Chunk]:
    """Group lines into chunks: runs of text lines; figure and photo lines stand alone;
    blank, chrome and endnote-list lines separate chunks."""
    chunks: list[Chunk] = []
    run: list[Line] = []
    for line in lines + [Line(0, "", "blank")]:
        if line.kind == "text":
            run.append(line)
            continue
        if run:
            chunks.append(Chunk(run))
            run = []
        if line.kind in ("figure", "photo"):
            chunks.append(Chunk([line], line.kind))
    return chunks


def _within(line_no: int, span: tuple[int, int]) -> bool:
    return span != (0, 0) and span[0] <= line_no <= span[1]


def _parse_note_list(lines: list[Line], first: int, warn: Warner) -> tuple[dict[int, Endnote], int]:
    """Endnotes from "• n" lines each followed by indented text (wrapped lines joined with a
    space), or from "n. text" / "[n] text" lines. Returns the notes and the list's last index."""
    notes: dict[int, Endnote] = {}
    current: _PendingNote | None = None
    last = first
    for i in range(first, len(lines)):
        line = lines[i]
        if line.kind != "text":
            if current and current.parts:
                _store_note(notes, current, warn)
                current = None
            if not _note_list_goes_on(lines, i):
                break
            continue
        if m := NOTE_NUMBER_LINE.match(line.text):
            current = _next_note(notes, current, warn, int(m.group(1)), None, line.no)
        elif m := NOTE_INLINE_LINE.match(line.text):
            current = _next_note(
                notes, current, warn, int(m.group(1) or m.group(2)), m.group(3), line.no
            )
        elif current is not None and line.text.startswith(" "):
            current.add(line)
        else:
            break
        last = i
    if current:
        _store_note(notes, current, warn)
    return notes, last


@dataclass
class _PendingNote:
    """An endnote being collected line by line."""

    number: int
    line: int
    parts: list[str] = field(default_factory=list)

    def add(self, line: Line) -> None:
        if not self.parts:
            self.line = line.no  # the note's text starts here
        self.parts.append(line.text.strip())


def _next_note(
    notes: dict[int, Endnote],
    current: _PendingNote | None,
    warn: Warner,
    number: int,
    text: str | None,
    line: int,
) -> _PendingNote:
    """Store the note being collected and start note ``number``."""
    if current:
        _store_note(notes, current, warn)
    pending = _PendingNote(number, line)
    if text:
        pending.parts.append(text.strip())
    return pending


def _note_list_goes_on(lines: list[Line], i: int) -> bool:
    """After a blank line, the list continues only if the next text line is another note."""
    nxt = next((l for l in lines[i + 1 :] if l.kind == "text"), None)
    return nxt is not None and bool(
        NOTE_NUMBER_LINE.match(nxt.text) or NOTE_INLINE_LINE.match(nxt.text)
    )


def _store_note(notes: dict[int, Endnote], pending: _PendingNote, warn: Warner) -> None:
    """Keep one parsed note; warn (naming it) about empty, repeated or out-of-order notes."""
    number, line = pending.number, pending.line
    if not pending.parts:
        warn(f"endnote {number} has no text; skipped it", line)
        return
    if number in notes:
        warn(
            f"endnote {number} appears twice in the endnotes list (lines {notes[number].line} "
            f"and {line}); kept the first",
            line,
        )
        return
    if notes and number != max(notes) + 1:
        warn(f"endnotes list out of order: note {number} follows note {max(notes)}", line)
    notes[number] = Endnote(number, " ".join(pending.parts), line)


def _list_shape(chunk: Chunk) -> bool:
    """True when a chunk is a list: its first line is an indented "1." or "•" item."""
    first = chunk.lines[0].text
    return (
        chunk.kind == "text"
        and first.startswith(" ")
        and bool(NUMBERED_ITEM.match(first) or BULLET_ITEM.match(first))
    )


def _list_items(chunk: Chunk) -> list[tuple[int, int | None, str]]:
    """(line, number or None, text) per item; unmarked lines continue the item above."""
    items: list[tuple[int, int | None, str]] = []
    for line in chunk.lines:
        if m := NUMBERED_ITEM.match(line.text):
            items.append((line.no, int(m.group(1)), m.group(2).strip()))
        elif m := BULLET_ITEM.match(line.text):
            items.append((line.no, None, m.group(1).strip()))
        elif items:
            no, number, text = items[-1]
            items[-1] = (no, number, text + "\n" + line.text.strip())
    return items


def _item_text(text: str) -> str:
    m = NUMBERED_ITEM.match(text) or BULLET_ITEM.match(text)
    return (m.group(m.lastindex) if m else text).strip()


def _topic_shape(text: str) -> bool:
    """A comma list of short subject names ("Americas, Air power, Counterterrorism")."""
    items = [item.strip() for item in text.split(",")]
    return (
        not text.endswith(FINAL_PUNCT)
        and all(0 < len(item.split()) <= 4 for item in items)
        and all(item[0].isupper() for item in items)
    )


def _heading_shape(text: str) -> bool:
    """Short line without final punctuation, starting like a title: a heading."""
    words = text.split()
    return (
        0 < len(words) <= 14
        and len(text) <= 100
        and not text.endswith(FINAL_PUNCT)
        and not URL_ONLY.match(text)
        and not text[0].islower()
        and not text.startswith(" ")
    )


def _section_of(heading: str) -> str:
    if AUTHORS_HEADING.match(heading):
        return "authors"
    if NOTES_HEADING.match(heading):
        return "notes"
    if KEY_POINTS_HEADING.match(heading):
        return "key_points"
    return "body"


def _norm(text: str) -> str:
    """Comparison key for headings: case, quotes and spacing ignored."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def _prefix_words(words: list[str]) -> list[str]:
    """The first NOTE_PREFIX_CHARS characters of a note, as words (the last one cut)."""
    out, total = [], 0
    for word in words:
        if total + len(word) >= NOTE_PREFIX_CHARS:
            out.append(word[: max(1, NOTE_PREFIX_CHARS - total)])
            break
        out.append(word)
        total += len(word) + 1
    return out


def _words_regex(words: list[str]) -> re.Pattern:
    """Match these words with any whitespace between them (copies wrap where lists do not)."""
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _first_difference(text: str, expected: str) -> tuple[str, str]:
    """The two tails from the word where text and expected first differ (spacing ignored)."""
    i = j = 0
    while i < len(text) and j < len(expected):
        if text[i].isspace() and expected[j].isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            while j < len(expected) and expected[j].isspace():
                j += 1
            continue
        if text[i] != expected[j]:
            break
        i += 1
        j += 1
    while i > 0 and j > 0 and not expected[j - 1].isspace():  # back to the word's start
        i, j = i - 1, j - 1
    return text[i:], expected[j:]


def _excerpt(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text[:size] + ("…" if len(text) > size else "")


def _line_at(text: str, pos: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, pos)


def _tidy(pieces: list[Inline]) -> list[Inline]:
    """Join wrapped lines with a space and drop empty text pieces."""
    out: list[Inline] = []
    for piece in pieces:
        if isinstance(piece, str):
            piece = re.sub(r"[ \t]*\n[ \t]*", " ", piece)
            if not piece:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += piece
                continue
        out.append(piece)
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return [p for p in out if p != ""]
