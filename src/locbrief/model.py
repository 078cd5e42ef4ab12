"""The vocabulary every stage shares: documents, units, suggestions, errors.

Defined once here and passed from stage to stage (read → segment → suggest →
merge → page), the way Babel's ``Message``/``Catalog`` are its only words.
Everything here is plain data with JSON round trips, so Snakemake rules can
hand documents and units to each other through files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class LocbriefError(Exception):
    """An error a user can act on: names the file (and line) and the fix.

    The CLI prints ``str(error)`` as one line and exits non-zero; never a traceback.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message, self.path, self.line = message, path, line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


# ---------------------------------------------------------------- PO comments

# Prefixes of the ``#.`` lines locbrief writes into PO files (the merge writes
# them, QA, review and diff read them). Lines with another prefix are the
# template's or a translator's and are left alone.
MACHINE_PREFIX = "machine translation: "
QA_PREFIX = "QA: "
TERM_PREFIX = "term: "
#: Words the engine did not know and left in the source language.
UNKNOWN_PREFIX = "engine did not know: "
#: The learned corrections (``locales/<lang>/learned.tsv``) that changed a machine draft.
LEARNED_PREFIX = "learned correction: "
#: A fuzzy match: the reviewed translation of a similar sentence, its score and where it is from.
#: Kept while the entry stays fuzzy (not regenerated: the match is not looked up again).
MATCH_PREFIX = "fuzzy match: "
GENERATED_COMMENT = (MACHINE_PREFIX, QA_PREFIX, TERM_PREFIX, UNKNOWN_PREFIX, LEARNED_PREFIX)


# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class NoteRef:
    """A numbered endnote marker standing in running text."""

    number: int


@dataclass
class Span:
    """Inline markup (em, strong, a, abbr, br, …) around inline content.

    Only the tag and the attributes from the *source* ever become markup in a
    page; translations refer to spans by position, never bring their own.
    """

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Inline] = field(default_factory=list)


Inline = str | NoteRef | Span


@dataclass
class Block:
    """One block of the document: heading, paragraph, list item, caption, endnote, …

    ``kind`` is one of BLOCK_KINDS; ``id`` is stable within the document
    ("p12", "h2-3", "note-17") and ends up in PO references and page anchors.
    """

    kind: str
    id: str
    content: list[Inline]
    level: int = 0  # heading level, list nesting
    number: int | None = None  # endnote number, list item number
    line: int = 0  # where it starts in the source file (1-based)
    translate: bool = True  # False for text shown as-is (e.g. a bare URL line)
    attrs: dict[str, str] = field(default_factory=dict)  # e.g. img src/alt of a figure


BLOCK_KINDS = (
    "topic",
    "date",
    "title",
    "dek",
    "byline",
    "heading",
    "paragraph",
    "key_point",
    "list_item",
    "quote",
    "caption",
    "table_cell",
    "endnote",
    "author_name",
    "author_role",
    "author_org",
    "meta_description",
    "page_title",  # the page's <title> when the article has no h1 (from og:title or <title>)
    "term",  # a definition list's <dt>
    "definition",  # a definition list's <dd>
    "attribute",  # the text of an alt or title attribute, translated on its own
)
#: Kinds whose text stands in the page head or in attributes, not in the article's flow.
OUT_OF_FLOW_KINDS = frozenset({"meta_description", "page_title", "attribute"})


@dataclass
class Document:
    """A brief as a sequence of blocks plus what the page needs around them."""

    source: str  # path of the source file, for messages and PO references
    name: str  # the brief's name (file stem), e.g. "no-gwot-narco"
    blocks: list[Block]
    lang: str = "en"
    meta: dict[str, str] = field(default_factory=dict)  # date (ISO), site name, …
    #: The article's structure (HTML sources): nested nodes ``{"tag", "attrs", "children"}``
    #: where ``{"block": id}`` stands for a block's text, ``{"note": id}`` for an endnote,
    #: and a node with ``"verbatim": true`` is shown exactly as in the source. None: the page
    #: builds its own structure from the blocks (plain-text captures).
    layout: list | None = None

    def notes(self) -> dict[int, Block]:
        return {b.number: b for b in self.blocks if b.kind == "endnote" and b.number is not None}

    def to_json(self) -> dict:
        data = {
            "source": self.source,
            "name": self.name,
            "lang": self.lang,
            "meta": self.meta,
            "blocks": [_block_to_json(b) for b in self.blocks],
        }
        if self.layout is not None:
            data["layout"] = self.layout
        return data

    @classmethod
    def from_json(cls, data: dict) -> Document:
        blocks = [
            Block(**{**b, "content": [inline_from_json(i) for i in b["content"]]})
            for b in data["blocks"]
        ]
        return cls(
            source=data["source"],
            name=data["name"],
            blocks=blocks,
            lang=data.get("lang", "en"),
            meta=data.get("meta", {}),
            layout=data.get("layout"),
        )


def _block_to_json(block: Block) -> dict:
    data = asdict(block)
    data["content"] = [inline_to_json(i) for i in block.content]
    return data


def inline_to_json(item: Inline):
    """Inline content as JSON (a placeholder keeps a verbatim span this way, see segment)."""
    if isinstance(item, str):
        return item
    if isinstance(item, NoteRef):
        return {"note": item.number}
    return {
        "tag": item.tag,
        "attrs": item.attrs,
        "children": [inline_to_json(c) for c in item.children],
    }


def inline_from_json(data) -> Inline:
    """The inverse of :func:`inline_to_json`."""
    if isinstance(data, str):
        return data
    if "note" in data:
        return NoteRef(data["note"])
    return Span(data["tag"], dict(data["attrs"]), [inline_from_json(c) for c in data["children"]])


def plain_text(content: list[Inline]) -> str:
    """The words of inline content, markers and markup dropped (for search, QA).

    >>> plain_text(["Read ", Span("em", {}, ["the report"]), NoteRef(3), "."])
    'Read the report.'
    """
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Span):
            out.append(plain_text(item.children))
    return "".join(out)


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class Placeholder:
    """What a ``{n}`` in a msgid stands for: a note marker, or data rendered per locale."""

    kind: str  # "note" | "number" | "date"
    value: str  # note number, or the source text of the figure/date

    def to_json(self) -> dict:
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class TermHit:
    """A termbase entry found in a unit: what translators must do with it."""

    source: str
    target: str | None  # None: do not translate
    note: str = ""

    def comment(self) -> str:
        rule = f"→ {self.target}" if self.target else "(do not translate)"
        return f"{TERM_PREFIX}{self.source} {rule}" + (f" — {self.note}" if self.note else "")


@dataclass(frozen=True)
class Unit:
    """One translatable sentence: the msgid with ``{n}`` placeholders and inline tags.

    ``msgid`` is what translators see and what gettext keys on (with
    ``context``); note numbers live in ``placeholders``, so renumbering notes
    never changes a msgid. ``tags`` holds the source attributes of each inline
    tag ``<em1>`` … ``</em1>`` by its number.
    """

    msgid: str
    block: str  # block id
    kind: str  # block kind
    index: int  # sentence index within the block
    placeholders: tuple[Placeholder, ...] = ()
    tags: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (tag, attrs) per number-1
    context: str | None = None
    line: int = 0
    terms: tuple[TermHit, ...] = ()

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def notes(self) -> tuple[int, ...]:
        return tuple(int(p.value) for p in self.placeholders if p.kind == "note")

    def to_json(self) -> dict:
        return {
            "msgid": self.msgid,
            "block": self.block,
            "kind": self.kind,
            "index": self.index,
            "placeholders": [p.to_json() for p in self.placeholders],
            "tags": [[t, [list(a) for a in attrs]] for t, attrs in self.tags],
            "context": self.context,
            "line": self.line,
            "terms": [[t.source, t.target, t.note] for t in self.terms],
        }

    @classmethod
    def from_json(cls, d: dict) -> Unit:
        return cls(
            msgid=d["msgid"],
            block=d["block"],
            kind=d["kind"],
            index=d["index"],
            placeholders=tuple(Placeholder(**p) for p in d["placeholders"]),
            tags=tuple((t, tuple(tuple(a) for a in attrs)) for t, attrs in d["tags"]),
            context=d.get("context"),
            line=d.get("line", 0),
            terms=tuple(TermHit(*t) for t in d.get("terms", [])),
        )


# ---------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class Suggestion:
    """A machine translation of one unit, with where it came from.

    ``problems`` lists protected tokens the engine lost or mangled; a unit
    with problems goes to the PO fuzzy with a QA note, never silently.
    ``unknown`` lists the words the engine said it did not know (left in the
    source language): the PO comment, QA and the review page show them.
    ``learned`` names the learned corrections that changed the draft.
    """

    msgid: str
    text: str
    engine: str  # "apertium", "argos", "identity", "pseudo"
    model: str  # e.g. "eng-spa 0.8.1"
    problems: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    learned: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        return f"{self.engine} {self.model}".strip()

    def to_json(self) -> dict:
        return {
            "msgid": self.msgid,
            "text": self.text,
            "engine": self.engine,
            "model": self.model,
            "problems": list(self.problems),
            "unknown": list(self.unknown),
            **({"learned": list(self.learned)} if self.learned else {}),
        }

    @classmethod
    def from_json(cls, d: dict) -> Suggestion:
        return cls(
            d["msgid"],
            d["text"],
            d["engine"],
            d["model"],
            tuple(d.get("problems", ())),
            tuple(d.get("unknown", ())),
            tuple(d.get("learned", ())),
        )
