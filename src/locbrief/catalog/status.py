"""The status of a translated unit, decided in one place.

Modelled on translate-toolkit's named unit states: every stage that shows or
counts a unit's status (merge, page, QA, review, diff) asks :func:`unit_status`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

import polib

from locbrief.catalog.pofile import entry_key
from locbrief.model import MACHINE_PREFIX
from locbrief.translate.memory import Memory


class Status(StrEnum):
    """How far a unit's text can be trusted; the value is what reports and CSS classes show."""

    UNTRANSLATED = "untranslated"  # no msgstr: the page shows a suggestion or the source
    MACHINE = "machine"  # a machine suggestion nobody has reviewed (fuzzy)
    FUZZY = "fuzzy"  # human text to re-check: the source changed
    REVIEWED = "reviewed"  # a translator's text, not fuzzy
    SOURCE = "source"  # the source page: the unit as itself


#: Most work first: how reports list the statuses.
STATUS_ORDER = (Status.UNTRANSLATED, Status.MACHINE, Status.FUZZY, Status.REVIEWED)


def unit_status(entry: polib.POEntry, memory: Memory | None) -> Status:
    """Reviewed, machine (fuzzy machine suggestion), fuzzy (human text to re-check) or untranslated.

    Without a memory (diff reads PO revisions alone), the merge's
    ``machine translation:`` comment stands in for it.
    """
    if not entry.msgstr:
        return Status.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return Status.REVIEWED
    if memory is not None:
        machine = memory.is_machine(entry.msgid, entry.msgstr)
    else:
        machine = any(line.startswith(MACHINE_PREFIX) for line in entry.comment.split("\n"))
    return Status.MACHINE if machine else Status.FUZZY


#: The counts every summary, banner, review page and QA report shows, defined once here.
#: A *unit* is one distinct (msgctxt, msgid): one PO entry, translated once however often
#: it stands in the brief. *Occurrences* are the places units stand (the review page has a
#: row for each). Statuses count units.
UNITS = "units"
OCCURRENCES = "occurrences"
OBSOLETE = "obsolete"


def tally(keyed_statuses: Iterable[tuple[tuple, str]]) -> Counter:
    """Units (distinct keys), occurrences (every pair) and units per status, from (key, status) pairs.

    >>> dict(tally([(("", "Hi"), "machine"), (("", "Hi"), "machine"), (("", "Yes"), "reviewed")]))
    {'occurrences': 3, 'units': 2, 'machine': 1, 'reviewed': 1}
    """
    counts: Counter = Counter()
    seen: set[tuple] = set()
    for key, status in keyed_statuses:
        counts[OCCURRENCES] += 1
        if key not in seen:
            seen.add(key)
            counts[UNITS] += 1
            counts[str(status)] += 1
    return counts


def count_status(po: polib.POFile, memory: Memory | None) -> Counter:
    """Units of a PO per status (see :data:`UNITS`), with its obsolete entries; no occurrences
    (a PO lists each unit once)."""
    counts = tally((entry_key(e), unit_status(e, memory)) for e in po if not e.obsolete)
    del counts[OCCURRENCES]
    counts[UNITS] += 0
    counts[OBSOLETE] = sum(1 for e in po if e.obsolete)
    return counts


def summary(counts: Counter) -> str:
    """ "384 units (385 occurrences): 380 machine, 4 reviewed": the one wording of a tally."""
    where = f" ({counts[OCCURRENCES]} occurrences)" if counts.get(OCCURRENCES) else ""
    parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]
    return f"{counts[UNITS]} units{where}: " + (", ".join(parts) or "none")
