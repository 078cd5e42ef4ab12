"""What changed between two revisions of a brief or of its PO: unit by unit, word by word.

Reviewers should read the sentences that changed, not a line diff of a
wrapped PO file. A revision is a file on disk or a file in git (``REV:PATH``);
both sides are read into :class:`Item` lists (one per unit), matched by msgid
(+ msgctxt), then what is left is paired by ``#| msgid``, block and position,
and difflib similarity, so a reworded sentence shows as *changed*, not as
removed + added. Unchanged units are never listed.

The renderers (terminal, Markdown, HTML) and git's textconv are in
:mod:`locbrief.review.diff_render`.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import tempfile
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locbrief.catalog.pofile import read_po
from locbrief.catalog.status import unit_status
from locbrief.model import LocbriefError, plain_text
from locbrief.read.common import SOURCE_SUFFIXES

PO_SUFFIXES = {".po", ".pot"}
NEARBY_CUTOFF = 0.45  # word similarity that pairs a reworded unit in the same block or gap
ANYWHERE_CUTOFF = 0.6  # … and anywhere else in the document
RELATED_SHARE = 0.2  # below this share of paired units, two files are different briefs
#: A word, an inline tag or a placeholder: the unit of pairing and of word diffs.
WORD = re.compile(r"<[^<>\s]+>|\{\d+\}|\s+|\w+|[^\w\s]")


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class Item:
    """One unit as one revision has it; ``translation`` is None for a source brief."""

    context: str | None
    source: str
    translation: str | None
    status: str  # reviewed, fuzzy, machine, untranslated; "" for a source brief
    block: str
    position: int
    previous: str | None = None  # ``#| msgid`` of a fuzzy entry: the source it was translated from

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.source)


@dataclass
class Revision:
    """One side of a diff: what the user named, what kind of file it is, its units."""

    label: str
    kind: str  # "po" or "brief"
    items: list[Item]
    lang: str = ""
    facts: dict[str, str] = field(default_factory=dict)  # what is not in any unit (see FACTS)


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, changed, moved
    old: Item | None
    new: Item | None
    moved: bool = False  # a changed unit can also have moved

    @property
    def source_changed(self) -> bool:
        return bool(self.old and self.new and self.old.source != self.new.source)

    @property
    def translation_changed(self) -> bool:
        return bool(self.old and self.new and self.old.translation != self.new.translation)

    @property
    def status_changed(self) -> bool:
        return bool(self.old and self.new and self.old.status != self.new.status)

    @property
    def block(self) -> str:
        return (self.new or self.old).block


@dataclass(frozen=True)
class FactChange:
    """A change outside the units: a brief's date, title, authors, note count; a PO's header."""

    name: str
    old: str
    new: str


@dataclass
class Diff:
    old: Revision
    new: Revision
    changes: list[Change]
    facts: list[FactChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {kind: 0 for kind in ("changed", "added", "removed", "moved")}
        for change in self.changes:
            counts[change.kind] += 1
        return counts


# ---------------------------------------------------------------- reading revisions


def resolve_specs(specs: list[str]) -> tuple[str, str]:
    """The command line's revisions → two specs, each a path or ``REV:PATH``.

    ``A B`` (files or ``REV:PATH``), ``REV1 REV2 [--] PATH`` and ``REV [--] PATH``
    (that revision against the working tree), like ``git diff``.
    """
    options = [s for s in specs if s.startswith("-")]
    if options:
        raise LocbriefError(
            f"{options[0]} came after '--'; put options before it, as in git: "
            "locbrief diff --format html -o report.html REV -- PATH"
        )
    if len(specs) == 3:
        rev1, rev2, path = specs
        return f"{rev1}:./{path}", f"{rev2}:./{path}"
    if len(specs) == 2:
        first, second = specs
        if not Path(first).exists() and ":" not in first and Path(second).is_file():
            return f"{first}:./{second}", second
        return first, second
    raise LocbriefError(
        f"expected two revisions to compare, got {len(specs)}; use 'locbrief diff OLD NEW' "
        "(files or REV:PATH) or 'locbrief diff REV1 REV2 -- PATH'"
    )


def load_revision(spec: str) -> Revision:
    """A file on disk, or ``REV:PATH`` from git, read as a PO or as a source brief."""
    path = Path(spec)
    if path.is_dir():
        raise LocbriefError("is a folder; name a PO file or a brief (.po, .txt, .html)", spec)
    if path.exists():
        return parse_revision(spec, path.name, path.read_bytes(), path)
    if ":" not in spec:
        raise LocbriefError(
            "no such file (for a file in git, write REV:PATH, e.g. HEAD~1:locales/…)", spec
        )
    rev, name = spec.split(":", 1)
    return parse_revision(spec, Path(name).name, git_show(rev, name, spec))


def git_show(rev: str, path: str, spec: str) -> bytes:
    """The bytes of ``path`` at ``rev``; a bad revision or path is named in one line."""
    check = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if check.returncode != 0:
        reason = check.stderr.decode(errors="replace").strip().splitlines()
        if reason and "not a git repository" in reason[-1]:
            raise LocbriefError(
                "not inside a git repository, so REV:PATH cannot be read; give two files instead",
                spec,
            )
        raise LocbriefError(f"no such git revision {rev!r}; 'git log --oneline' lists them", spec)
    shown = _git("show", f"{rev}:{path}")
    if shown.returncode != 0:
        raise LocbriefError(
            f"revision {rev} has no file {path.removeprefix('./')!r}; "
            f"'git ls-tree -r --name-only {rev}' lists its files",
            spec,
        )
    return shown.stdout


def _git(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], capture_output=True, timeout=60)
    except FileNotFoundError:
        raise LocbriefError("git is not installed; install git or compare two files") from None


def parse_revision(label: str, name: str, data: bytes, path: Path | None = None) -> Revision:
    """Bytes of a PO (by suffix, or by content) or of a brief (.txt, .html) → a revision."""
    suffix = Path(name).suffix.lower()
    if suffix in PO_SUFFIXES or (
        suffix not in SOURCE_SUFFIXES and re.search(rb'^msgid\s+"', data, re.M)
    ):
        return _po_revision(label, read_po(label, data))
    if suffix in SOURCE_SUFFIXES:
        return _brief_revision(label, name, data, path)
    raise LocbriefError(
        "neither a PO file nor a source brief; compare .po/.pot files or .txt/.html/.md/.docx briefs",
        label,
    )


def _po_revision(label: str, po: polib.POFile) -> Revision:
    entries = [e for e in po if not e.obsolete]
    items = [
        Item(e.msgctxt, e.msgid, e.msgstr, unit_status(e, None), _block_of(e), i, e.previous_msgid)
        for i, e in enumerate(entries)
    ]
    facts = {name: po.metadata.get(name, "") for name in PO_FACTS}
    return Revision(label, "po", items, po.metadata.get("Language", ""), facts)


def _block_of(entry: polib.POEntry) -> str:
    """The block id of ``#: brief:block`` (polib keeps a non-numeric "line" in the file part)."""
    return references(entry)[0] if entry.occurrences else ""


def references(entry: polib.POEntry) -> list[str]:
    """The block ids an entry stands in, from its ``#: brief:block`` lines."""
    return [
        (f"{name}:{line}" if line else name).rsplit(":", 1)[-1] for name, line in entry.occurrences
    ]


def _brief_revision(label: str, name: str, data: bytes, path: Path | None) -> Revision:
    from locbrief.read import read_source
    from locbrief.translate.segment import segment

    try:
        if path is not None:
            doc = read_source(path)
        else:
            with tempfile.TemporaryDirectory(prefix="locbrief-diff-") as tmp:
                (Path(tmp) / name).write_bytes(data)
                doc = read_source(Path(tmp) / name)
    except LocbriefError as exc:
        raise LocbriefError(exc.message, label, exc.line) from None
    seen: set[tuple] = set()
    items = []
    for unit in segment(doc):
        if unit.key not in seen:
            seen.add(unit.key)
            items.append(Item(unit.context, unit.msgid, None, "", unit.block, len(items)))
    return Revision(label, "brief", items, doc.lang, brief_facts(doc))


#: The header fields of a PO a diff reports (the dates move with every change and are left out).
PO_FACTS = ("Language", "Plural-Forms", "Last-Translator", "Language-Team")


def brief_facts(doc) -> dict[str, str]:
    """What a revision can change outside its sentences: publication date, title, authors, notes."""

    def texts(kind: str) -> list[str]:
        return [" ".join(plain_text(b.content).split()) for b in doc.blocks if b.kind == kind]

    return {
        "publication date": doc.meta.get("date", ""),
        "title": "; ".join(texts("title")) or doc.meta.get("html_title", ""),
        "authors": "; ".join(texts("author_name")),
        "notes": str(len(doc.notes())),
    }


# ---------------------------------------------------------------- comparing


def diff_revisions(old: Revision, new: Revision) -> Diff:
    """Every unit that was added, removed, changed or moved between ``old`` and ``new``."""
    if old.kind != new.kind:
        raise LocbriefError(
            f"{old.label} is a {_kind_name(old)} but {new.label} is a {_kind_name(new)}; "
            "compare two PO files or two briefs"
        )
    pairs = _pair(old.items, new.items)
    _check_related(old, new, pairs)
    moved = _moved(pairs)
    paired_old = {id(o) for o, _ in pairs}
    paired_new = {id(n) for _, n in pairs}
    changes = []
    for o, n in pairs:
        is_moved = id(n) in moved
        if o.source != n.source or o.translation != n.translation or o.status != n.status:
            changes.append(Change("changed", o, n, is_moved))
        elif is_moved:
            changes.append(Change("moved", o, n, True))
    changes += [Change("removed", o, None) for o in old.items if id(o) not in paired_old]
    changes += [Change("added", None, n) for n in new.items if id(n) not in paired_new]
    facts = [
        FactChange(name, old.facts.get(name, ""), value)
        for name, value in new.facts.items()
        if old.facts.get(name, "") != value
    ]
    return Diff(old, new, sorted(changes, key=_order_key(pairs)), facts)


def _kind_name(revision: Revision) -> str:
    return "PO file" if revision.kind == "po" else "source brief"


def _pair(old: list[Item], new: list[Item]) -> list[tuple[Item, Item]]:
    """Same msgid (+ msgctxt) first; then ``#| msgid``; then the most similar nearby source."""
    old_by_key = {o.key: o for o in old}
    pairs = [(old_by_key[n.key], n) for n in new if n.key in old_by_key]
    taken = {id(o) for o, _ in pairs} | {id(n) for _, n in pairs}
    left_old = [o for o in old if id(o) not in taken]
    left_new = [n for n in new if id(n) not in taken]
    by_source = {o.source: o for o in left_old}
    for n in list(left_new):
        o = by_source.get(n.previous or "")
        if o is not None and o in left_old:
            pairs.append((o, n))
            left_old.remove(o)
            left_new.remove(n)
    return pairs + _pair_similar(left_old, left_new, pairs)


def _pair_similar(
    old: list[Item], new: list[Item], anchors: list[tuple[Item, Item]]
) -> list[tuple[Item, Item]]:
    """Greedy best-first pairing of reworded units by word similarity; nearby ones preferred."""
    old_anchor = sorted(o.position for o, _ in anchors)
    new_anchor = sorted(n.position for _, n in anchors)
    old_words = {id(o): _words(o.source) for o in old}
    span_old, span_new = max(len(old), 1), max(len(new), 1)
    candidates = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, n in enumerate(new):
        matcher.set_seq2(_words(n.source))  # difflib caches what it learns about seq2
        gap = bisect_left(new_anchor, n.position)
        for i, o in enumerate(old):
            nearby = o.block == n.block or gap == bisect_left(old_anchor, o.position)
            cutoff = NEARBY_CUTOFF if nearby else ANYWHERE_CUTOFF
            matcher.set_seq1(old_words[id(o)])
            if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            ratio = matcher.ratio()
            if ratio >= cutoff:
                distance = abs(i / span_old - j / span_new)
                candidates.append((ratio + (0.1 if nearby else 0) - 0.1 * distance, i, j, o, n))
    pairs, used_old, used_new = [], set(), set()
    for _, _, _, o, n in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if id(o) not in used_old and id(n) not in used_new:
            pairs.append((o, n))
            used_old.add(id(o))
            used_new.add(id(n))
    return pairs


def _words(text: str) -> list[str]:
    """Word tokens for similarity: character ratios call any two English sentences ~40% alike."""
    return [t.lower() for t in WORD.findall(text) if not t.isspace()]


def _check_related(old: Revision, new: Revision, pairs: list) -> None:
    smaller = min(len(old.items), len(new.items))
    if smaller and len(pairs) < RELATED_SHARE * smaller:
        raise LocbriefError(
            f"{old.label} and {new.label} share {len(pairs)} of {smaller} units; they look like "
            "two different briefs — compare two revisions of the same brief"
        )


def _moved(pairs: list[tuple[Item, Item]]) -> set[int]:
    """Pairs outside the longest run kept in order (longest increasing subsequence) moved."""
    ordered = sorted(pairs, key=lambda p: p[1].position)
    olds = [o.position for o, _ in ordered]
    tails: list[
        int
    ] = []  # tails[k]: index into ordered of the smallest tail of a run of length k+1
    back = [-1] * len(ordered)
    for i, value in enumerate(olds):
        k = bisect_left([olds[t] for t in tails], value)
        back[i] = tails[k - 1] if k else -1
        tails[k : k + 1] = [i]
    keep, i = set(), tails[-1] if tails else -1
    while i >= 0:
        keep.add(i)
        i = back[i]
    return {id(n) for i, (_, n) in enumerate(ordered) if i not in keep}


def _order_key(pairs: list[tuple[Item, Item]]):
    """Changes in the new document's order; a removed unit where its old neighbour now stands."""
    old_to_new = sorted((o.position, n.position) for o, n in pairs)
    old_positions = [p for p, _ in old_to_new]

    def key(change: Change):
        if change.new is not None:
            return (change.new.position, 1)
        before = bisect_left(old_positions, change.old.position)
        return (old_to_new[before - 1][1] if before else -1, 2, change.old.position)

    return key
