"""The status of a translated unit, decided in one place.

Modelled on translate-toolkit's named unit states: every stage that shows or
counts a unit's status (merge, page, QA, review, diff) asks :func:`unit_status`.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

import polib

from .memory import Memory
from .model import MACHINE_PREFIX


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


def count_status(po: polib.POFile, memory: Memory) -> Counter:
    """How many active units have each status, with the totals of units and obsolete entries."""
    counts = Counter(str(unit_status(e, memory)) for e in po if not e.obsolete)
    counts["units"] = sum(1 for e in po if not e.obsolete)
    counts["obsolete"] = sum(1 for e in po if e.obsolete)
    return counts
