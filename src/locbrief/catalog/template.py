"""Units → the POT template: one entry per (msgctxt, msgid), with what translators are told.

The rule for ``msgctxt`` (:func:`assign_contexts`): the same words are one entry,
referenced from every block they stand in, because gettext keys on the words.
The one exception is a *label* (heading, title, author role, caption, table
cell, …) whose words also occur as running text or as a label of another kind:
a label is translated as a title or noun phrase ("Fellow" as a job title is
not "Fellow" in a sentence), so each such label gets ``msgctxt`` = its kind.
Running text never gets a context. A context that appears or disappears later
counts as a changed source: the translation is carried over, fuzzy, with
``#| msgctxt``, as msgmerge does.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace

import polib

from locbrief.catalog.pofile import WRAP, entry_key, references, template_header
from locbrief.model import Placeholder, Unit
from locbrief.translate.segment import VERBATIM, verbatim_text

#: Block kinds that are labels, not running text (see the msgctxt rule above).
LABEL_KINDS = frozenset(
    {
        "topic",
        "title",
        "heading",
        "byline",
        "caption",
        "table_cell",
        "author_name",
        "author_role",
        "author_org",
        "date",
    }
)
#: The one format flag the template decides; every other flag belongs to the translator.
FORMAT_FLAG = "python-brace-format"
KIND_LABELS = {
    "key_point": "key point",
    "endnote": "endnote",
    "heading": "heading",
    "caption": "figure caption",
    "list_item": "list item",
    "table_cell": "table cell",
    "author_name": "author name",
    "author_role": "author role",
    "author_org": "author organisation",
    "meta_description": "page description (meta)",
    "page_title": "page title",
    "term": "defined term",
    "definition": "definition",
    "attribute": "image description or tooltip",
}


def unit_comments(unit: Unit) -> list[str]:
    """What translators are told about a unit: where it stands and what ``{n}`` means.

    Note numbers are left out on purpose: adding a note renumbers all later
    ones, and the comments of every later entry would change with them (the
    reference names the block by :func:`stable_block_ids` instead).
    """
    notes = [_placeholder_comment(i, p) for i, p in enumerate(unit.placeholders)]
    tags = [
        f"<{tag}{i}> = {tag} " + " ".join(f'{k}="{v}"' for k, v in attrs)
        for i, (tag, attrs) in enumerate(unit.tags, 1)
        if attrs
    ]
    return [_kind_label(unit)] + notes + [t.strip() for t in tags]


def _placeholder_comment(index: int, placeholder: Placeholder) -> str:
    if placeholder.kind == "note":
        return f"{{{index}}} = note marker"
    if placeholder.kind == VERBATIM:
        text = " ".join(verbatim_text(placeholder).split())
        return f"{{{index}}} = “{text}” (code or a name, shown as is)"
    return f"{{{index}}} = {placeholder.kind} {placeholder.value}"


def _kind_label(unit: Unit) -> str:
    """ "heading", "key point", "endnote": the block a sentence belongs to, in words."""
    return KIND_LABELS.get(unit.kind, unit.kind.replace("_", " ")).strip()


#: Block ids that only count blocks ("p-12", "note-17", "kp-2", "p3"): renumbered by any insertion.
POSITIONAL_ID = re.compile(r"([a-z]+)-?\d+")


def stable_block_ids(units: list[Unit], previous: polib.POFile | None = None) -> dict[str, str]:
    """A reference name for each counted block that survives renumbering: its prefix + a digest.

    Inserting a note (or a paragraph) early renumbers every later one (note-17
    becomes note-18); named by their words instead ("note-3fa9c1d2"), the later
    blocks' entries keep their references and comments, so the PO files change
    only where the text did. Named ids (headings' slugs, "title") are kept; the
    page's anchors keep the numbers readers see.

    With the ``previous`` template, an edited block keeps the name its other sentences
    had there (see :func:`_inherit`), so rewording one sentence of a note does not
    rewrite the reference lines of its siblings.
    """
    texts: dict[str, list[Unit]] = {}
    for unit in units:
        texts.setdefault(unit.block, []).append(unit)
    stable: dict[str, str] = {}
    for block, members in texts.items():
        counted = POSITIONAL_ID.fullmatch(block)
        if counted:
            words = "\n".join(u.msgid for u in members)
            digest = hashlib.sha256(words.encode("utf-8")).hexdigest()[:8]
            name = f"{counted.group(1)}-{digest}"
            taken = sum(1 for other in stable.values() if other.startswith(name))
            stable[block] = f"{name}-{taken + 1}" if taken else name  # blocks of the same words
    if previous is not None:
        _inherit(stable, texts, previous)
    return stable


def _inherit(stable: dict[str, str], texts: dict[str, list[Unit]], previous: polib.POFile) -> None:
    """Give each block whose name is new the name most of its sentences had before.

    Blocks whose words did not change keep their own names first; an edited block then takes the
    old name its sentences vote for, among those no other block holds (a block split in two: the
    first part keeps it). A block with no sentence in ``previous`` keeps its new digest.
    """
    old_names: dict[tuple, list[str]] = {}
    for entry in previous:
        if not entry.obsolete:
            # "brief:note-3fa9c1d2": the block's name follows the brief's
            old_names[entry_key(entry)] = [ref.rsplit(":", 1)[-1] for ref in references(entry)]
    known = {name for names in old_names.values() for name in names}
    held = {name for name in stable.values() if name in known}
    for block, name in stable.items():
        if name in held:
            continue
        prefix = name.split("-", 1)[0] + "-"
        votes = Counter(
            old
            for unit in texts[block]
            for old in old_names.get(unit.key, [])
            if old.startswith(prefix) and old not in held
        )
        if votes:
            stable[block] = votes.most_common(1)[0][0]  # ties: the first sentence's name
            held.add(stable[block])


def assign_contexts(units: list[Unit]) -> list[Unit]:
    """Give ``msgctxt`` = kind to labels whose words also stand elsewhere in another role.

    See the module docstring for the rule; running text keeps ``context=None``.
    The segment stage calls this before writing units and template, so the page
    build and QA look entries up by the same (context, msgid) key.
    """
    roles: dict[str, set[str]] = {}
    for unit in units:
        roles.setdefault(unit.msgid, set()).add(_role(unit))
    return [
        replace(u, context=u.kind)
        if u.context is None and u.kind in LABEL_KINDS and len(roles[u.msgid]) > 1
        else u
        for u in units
    ]


def _role(unit: Unit) -> str:
    return unit.kind if unit.kind in LABEL_KINDS else "text"


def build_template(
    units: list[Unit], brief: str, previous: polib.POFile | None = None
) -> polib.POFile:
    """One entry per distinct (msgctxt, msgid), in document order, referencing every block it stands in.

    ``previous`` is the template as it was, whose block names edited blocks keep.
    """
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = f"Messages of the brief {brief}, for translation with locbrief."
    pot.metadata = template_header(brief)
    entries: dict[tuple, polib.POEntry] = {}
    stable = stable_block_ids(units, previous)
    for unit in units:
        entry = entries.get(unit.key)
        if entry is None:
            entry = polib.POEntry(
                msgid=unit.msgid,
                msgstr="",
                msgctxt=unit.context,
                flags=[FORMAT_FLAG] if "{" in unit.msgid else [],
            )
            entries[unit.key] = entry
            pot.append(entry)
        reference = (brief, stable.get(unit.block, unit.block))
        if reference not in entry.occurrences:
            entry.occurrences.append(reference)
        for comment in unit_comments(unit):
            if comment not in entry.comment.split("\n"):
                entry.comment = f"{entry.comment}\n{comment}" if entry.comment else comment
    return pot
