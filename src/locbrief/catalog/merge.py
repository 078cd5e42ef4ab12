"""Template + translator's PO + suggestions → merged PO.

Modelled on Babel's ``Catalog.update`` and GNU msgmerge, with what they lack
for a pipeline that writes machine suggestions into files humans edit:

* unchanged source: the translation is kept byte for byte, reviewed stays reviewed;
* edited source: the old *human* translation is kept, fuzzy, with ``#| msgid``;
* removed source: the entry becomes obsolete (``#~``) and is revived if it returns;
* human work (:func:`is_human_work`: any reviewed msgstr, and any fuzzy msgstr
  that is not exactly a suggestion recorded in the memory) is never replaced by a
  machine suggestion and never dropped: carried, taken over, or kept obsolete;
* the PO is written atomically, only if it changed, and never over edits made
  while the run was going (see :func:`locbrief.files.write_atomically`).

Intended differences from ``msgmerge --previous`` (asserted in
tests/test_merge_msgmerge.py): new entries get the machine suggestion (fuzzy)
instead of staying empty; machine text nobody reviewed is neither fuzzy-matched
to a new source nor kept as obsolete (the memory has it); text carried to an
edited source always gets ``#| msgid``, even when the old entry was fuzzy without
one; similarity is difflib's ratio (cutoff :data:`FUZZY_CUTOFF`), not msgmerge's.

Across briefs (what msgmerge cannot see): a unit no person has translated (new,
or still the machine's draft) whose source is similar to a reviewed unit of any
brief of the language, or to a team's imported translation, gets that
translation, fuzzy, with ``#| msgid`` showing the other source and a
``#. fuzzy match:`` comment naming it and the score (:mod:`locbrief.translate.fuzzy`).

"""

from __future__ import annotations

import difflib
import heapq
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import polib

from locbrief.catalog.pofile import entries_text, entry_key, new_catalog, plural_forms
from locbrief.catalog.status import Status, count_status, unit_status
from locbrief.catalog.template import FORMAT_FLAG
from locbrief.model import (
    GENERATED_COMMENT,
    LEARNED_PREFIX,
    MACHINE_PREFIX,
    MATCH_PREFIX,
    QA_PREFIX,
    UNKNOWN_PREFIX,
    Suggestion,
)
from locbrief.translate.memory import Memory
from locbrief.translate.termbase import Termbase

FUZZY_CUTOFF = 0.6
#: How many candidates (most words in common) difflib compares for each new sentence.
SHORTLIST = 5


@dataclass
class MergeResult:
    po: polib.POFile
    counts: Counter


def merge(
    pot: polib.POFile,
    old: polib.POFile | None,
    suggestions: dict[str, Suggestion],
    memory: Memory,
    termbase: Termbase,
    lang: str,
) -> MergeResult:
    """The new PO: template order, translators' work carried forward, gaps filled by machine."""
    po = _with_header(pot, old, lang)
    previous = _by_key(old)
    orphans = _orphaned_human_work(pot, previous, memory)
    fresh = []
    for tmpl in pot:
        match = _same_key(tmpl, previous, orphans, memory)
        if match is not None:
            po.append(_carry_forward(tmpl, match, suggestions.get(tmpl.msgid), memory))
        else:
            fresh.append(_copy_template(tmpl))
            po.append(fresh[-1])
    _fill_fresh(fresh, previous, suggestions, memory)
    brief = pot.metadata.get("Project-Id-Version", "")
    _remember_reviewed(po, memory, brief)  # this brief's reviews count for its own units too
    _fill_from_similar(po, memory)
    for entry in po:
        _review_again(entry, memory)
        _annotate(entry, suggestions.get(entry.msgid), memory, termbase)
    _keep_obsolete(po, previous, memory)
    _keep_template_date(po, old)
    _remember_reviewed(po, memory, brief)
    return MergeResult(po, count_status(po, memory))


def _remember_reviewed(po: polib.POFile, memory: Memory, brief: str) -> None:
    """Record every reviewed translation, so it comes back with its sentence and is offered
    to similar ones of any brief (the caller saves)."""
    for entry in po:
        if entry.msgstr and "fuzzy" not in entry.flags:
            memory.remember_reviewed_in(brief, entry.msgctxt, entry.msgid, entry.msgstr)


def _fill_from_similar(po: polib.POFile, memory: Memory) -> None:
    """Units no person translated get the reviewed translation of a similar source, fuzzy.

    Below the threshold the machine's draft stands; human text is never touched.
    """
    for entry in po:
        if is_human_work(entry, memory):
            continue
        match = memory.similar(entry.msgid)
        if match is None or memory.is_machine(entry.msgid, match.text):
            continue  # nothing a person wrote: the engine's text for this very sentence
        entry.msgstr = match.text
        old_source = match.candidate.source
        entry.previous_msgid = old_source if old_source != entry.msgid else None
        entry.previous_msgctxt = None
        lines = [c for c in entry.comment.split("\n") if c and not c.startswith(MATCH_PREFIX)]
        entry.comment = "\n".join([*lines, MATCH_PREFIX + match.note()])
        _set_fuzzy(entry)


def _review_again(entry: polib.POEntry, memory: Memory) -> None:
    """A fuzzy entry whose source came back to the text its translation was reviewed for is reviewed.

    msgmerge leaves such an entry fuzzy with a ``#| msgid`` equal to its msgid,
    and the translator approves an unchanged translation again. Decided from the
    memory's record of reviews; without one the meaningless ``#|`` line alone goes.
    """
    if "fuzzy" not in entry.flags or not entry.msgstr:
        return
    if (entry.previous_msgid, entry.previous_msgctxt) != (entry.msgid, entry.msgctxt):
        return  # a real change to show, or fuzzy set by the translator (no ``#|``)
    if memory.reviewed(entry.msgctxt, entry.msgid) == entry.msgstr:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgctxt = None


def _keep_template_date(po: polib.POFile, old: polib.POFile | None) -> None:
    """Nothing changed in the entries: keep the old POT-Creation-Date, so the PO is not rewritten.

    The workflow deletes the POT before regenerating it, so the template's own
    date moves even when its entries did not.
    """
    if (
        old is not None
        and "POT-Creation-Date" in old.metadata
        and entries_text(po) == entries_text(old)
    ):
        po.metadata["POT-Creation-Date"] = old.metadata["POT-Creation-Date"]


def _with_header(pot: polib.POFile, old: polib.POFile | None, lang: str) -> polib.POFile:
    """An empty PO with the translator's header (comments, team, dates) and our managed fields."""
    po = new_catalog(lang, pot.metadata.get("Project-Id-Version", ""))
    if old is not None:
        po.header, po.metadata_is_fuzzy = old.header, old.metadata_is_fuzzy
        po.metadata.update(old.metadata)
    po.metadata.update(_managed_header(pot, old, lang))
    return po


def _by_key(old: polib.POFile | None) -> dict[tuple, polib.POEntry]:
    """The old entries, active ones first then obsolete, each in file order (keys are unique)."""
    entries = [e for e in old or [] if not e.obsolete] + [e for e in old or [] if e.obsolete]
    return {entry_key(e): e for e in entries}


def _same_key(
    tmpl: polib.POEntry, previous: dict[tuple, polib.POEntry], orphans: set[str], memory: Memory
) -> polib.POEntry | None:
    """The old entry with the template entry's key, taken out of ``previous``.

    Not when it holds no human work while the same words under a context that
    is gone do (``orphans``): then the entry counts as new, so that the human
    text is taken over rather than left obsolete.
    """
    key = entry_key(tmpl)
    match = previous.get(key)
    if match is not None and not is_human_work(match, memory) and tmpl.msgid in orphans:
        return None
    return previous.pop(key, None)


def _orphaned_human_work(
    pot: polib.POFile, previous: dict[tuple, polib.POEntry], memory: Memory
) -> set[str]:
    """Msgids of human translations whose (msgctxt, msgid) is no longer in the template."""
    template_keys = {entry_key(e) for e in pot}
    return {
        key[1]
        for key, e in previous.items()
        if key not in template_keys and is_human_work(e, memory)
    }


def _managed_header(pot: polib.POFile, old: polib.POFile | None, lang: str) -> dict[str, str]:
    """Header fields the merge decides; none from a library's data of the day (see plural_forms)."""
    return {
        "Project-Id-Version": pot.metadata.get("Project-Id-Version", ""),
        "Language": lang,
        "POT-Creation-Date": pot.metadata.get("POT-Creation-Date", ""),
        "Plural-Forms": plural_forms(old, lang),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def _copy_template(tmpl: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgid=tmpl.msgid,
        msgctxt=tmpl.msgctxt,
        msgstr="",
        comment=tmpl.comment,
        occurrences=list(tmpl.occurrences),
        flags=list(tmpl.flags),
    )


def is_human_work(entry: polib.POEntry, memory: Memory) -> bool:
    """A msgstr a person wrote or approved: anything but a machine suggestion still marked fuzzy."""
    return bool(entry.msgstr) and unit_status(entry, memory) != Status.MACHINE


def _carry_forward(
    tmpl: polib.POEntry, old: polib.POEntry, suggestion: Suggestion | None, memory: Memory
) -> polib.POEntry:
    """Same key as before: keep the translator's msgstr, flags and comments; refresh ours.

    Only text that is not human work (empty, or a fuzzy machine suggestion) gives
    way to a newer suggestion.
    """
    entry = _copy_template(tmpl)
    entry.msgstr, entry.tcomment = old.msgstr, old.tcomment
    entry.flags = _merge_flags(tmpl.flags, old.flags)
    if "fuzzy" in old.flags:
        entry.previous_msgid, entry.previous_msgctxt = old.previous_msgid, old.previous_msgctxt
    if "fuzzy" in old.flags and is_human_work(old, memory):
        entry.comment = "\n".join(filter(None, [entry.comment, *_match_notes(old)]))
    if suggestion is not None and not is_human_work(old, memory) and old.msgstr != suggestion.text:
        entry.msgstr, entry.previous_msgid, entry.previous_msgctxt = suggestion.text, None, None
        _set_fuzzy(entry)
    return entry


def _match_notes(entry: polib.POEntry) -> list[str]:
    """The ``#. fuzzy match:`` note of a fuzzy entry, kept until a translator reviews it.

    A long note was wrapped onto several ``#.`` lines: the lines after it that
    carry no prefix of ours are its continuation, joined back into one.
    """
    notes: list[str] = []
    for line in entry.comment.split("\n"):
        if line.startswith(MATCH_PREFIX):
            notes.append(line)
        elif notes and line and not line.startswith(GENERATED_COMMENT):
            notes[-1] += " " + line
        elif notes:
            break
    return notes[:1]


def _merge_flags(template_flags: list[str], old_flags: list[str]) -> list[str]:
    """Translator's flags (fuzzy, no-wrap, no-python-brace-format, …) plus the format flag we decide."""
    kept = [f for f in old_flags if f != FORMAT_FLAG]
    return kept + [f for f in template_flags if f not in kept and f"no-{f}" not in kept]


def _fill_fresh(
    fresh: list[polib.POEntry],
    leftovers: dict[tuple, polib.POEntry],
    suggestions: dict[str, Suggestion],
    memory: Memory,
) -> None:
    """New keys: the same words' human translation, else the translation last reviewed for them
    (the memory's), else a close human translation (fuzzy, ``#| msgid``), else the machine's.

    A taken-over entry leaves ``leftovers``, so its text lives on in exactly one place.
    A sentence that returns gets its reviewed translation back even when a
    similar sentence took that text over meanwhile.
    """
    pool = {key: e for key, e in leftovers.items() if is_human_work(e, memory)}
    for entry in fresh:
        key = _closest(entry, pool)
        reviewed = memory.reviewed(entry.msgctxt, entry.msgid)
        if key is not None and (key[1] == entry.msgid or reviewed is None):
            del pool[key]
            _take_over(entry, leftovers.pop(key))
        elif reviewed is not None:
            entry.msgstr = reviewed
            continue
        elif entry.msgid in suggestions:
            entry.msgstr = suggestions[entry.msgid].text
        if entry.msgstr:
            _set_fuzzy(entry)


def _closest(entry: polib.POEntry, pool: dict[tuple, polib.POEntry]) -> tuple | None:
    """The same words under another context first, else the most similar source (difflib, as Babel)."""
    by_msgid: dict[str, tuple] = {}
    for key in pool:
        by_msgid.setdefault(key[1], key)
    if entry.msgid in by_msgid:
        return by_msgid[entry.msgid]
    words = _words(entry.msgid)
    shortlist = heapq.nlargest(
        SHORTLIST, by_msgid, key=lambda msgid: _shared_words(words, _words(msgid))
    )
    close = difflib.get_close_matches(entry.msgid, shortlist, n=1, cutoff=FUZZY_CUTOFF)
    return by_msgid[close[0]] if close else None


@lru_cache(maxsize=4096)
def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def _shared_words(a: Counter, b: Counter) -> float:
    """A cheap first cut before difflib's character ratio, which is slow on a whole brief of edits."""
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def _take_over(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Carry a translation to a changed source; ``#|`` shows the source it was last reviewed against.

    Like msgmerge, an entry already fuzzy keeps its older previous msgid, so the
    translator diffs against what they actually translated.
    """
    entry.msgstr, entry.tcomment = old.msgstr, old.tcomment
    entry.flags = _merge_flags(entry.flags, old.flags)
    if "fuzzy" in old.flags and old.previous_msgid is not None:
        entry.previous_msgid, entry.previous_msgctxt = old.previous_msgid, old.previous_msgctxt
    else:
        entry.previous_msgid, entry.previous_msgctxt = old.msgid, old.msgctxt


def _set_fuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")


def _annotate(
    entry: polib.POEntry, suggestion: Suggestion | None, memory: Memory, termbase: Termbase
) -> None:
    """Our ``#.`` lines: template comments, termbase hits, engine and QA notes for machine text."""
    lines = [c for c in entry.comment.split("\n") if c and not c.startswith(GENERATED_COMMENT)]
    lines += [hit.comment() for hit in termbase.hits(entry.msgid)]
    if suggestion is not None and entry.msgstr == suggestion.text:
        lines.append(MACHINE_PREFIX + suggestion.origin)
        lines += [QA_PREFIX + problem for problem in suggestion.problems]
        if suggestion.unknown:
            lines.append(UNKNOWN_PREFIX + ", ".join(suggestion.unknown))
        if suggestion.learned:
            lines.append(LEARNED_PREFIX + "; ".join(suggestion.learned))
    elif entry.msgstr and memory.is_machine(entry.msgid, entry.msgstr):
        lines.append(MACHINE_PREFIX + memory.machine_origin(entry.msgid, entry.msgstr))
    entry.comment = "\n".join(lines)


def _keep_obsolete(po: polib.POFile, leftovers: dict[tuple, polib.POEntry], memory: Memory) -> None:
    """Vanished human work stays as ``#~`` (revived if it returns); unreviewed machine text is dropped.

    So is a fuzzy copy of a translation that is back, unchanged, on the sentence
    it was reviewed for (its ``#|`` source): nothing is lost, and editing the
    brief then reverting the edit leaves the PO as it was.
    """
    active = {entry_key(e): e.msgstr for e in po if not e.obsolete and "fuzzy" not in e.flags}
    for old in leftovers.values():
        origin = (old.previous_msgctxt, old.previous_msgid)
        if "fuzzy" in old.flags and old.previous_msgid and active.get(origin) == old.msgstr:
            continue
        if old.obsolete or is_human_work(old, memory):
            old.obsolete = True
            po.append(old)
