"""What the tests share that is not a fixture: builders, stories and the repository's paths.

Fixtures live in ``tests/conftest.py``; these modules are plain Python that test
modules (and the benchmarks) import, so no test module imports another:

* :mod:`support.po_project`: a brief run through segment → suggest → merge in a
  temporary directory, with a translator's edits (the PO stories);
* :mod:`support.workflow`: a copy of the repository as a fresh clone has it, and
  the real workflow (workflow/Snakefile) run in it;
* :mod:`support.argos_models`: tiny but real Argos Translate packages, built here;
* :mod:`support.capture`: a small page capture for the read stage;
* :mod:`support.apertium_reference`: Apertium run as its own command runs it, one process
  per batch, the reference the engine's long-running stages must match byte for byte;
* :mod:`support.slurm`: a one-node SLURM cluster on this machine, started and stopped by a test.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
#: the published brief the end-to-end tests run (tests/data/no-gwot-narco.txt)
PUBLISHED_BRIEF = "no-gwot-narco"


def words_from_locale_data(units, lang: str) -> set[str]:
    """Words a page shows that no engine wrote: figures with a scale or currency ("130 millones",
    "13 mil millones de dólares") are written from the locale's data, like numbers."""
    import re

    from locbrief.translate.quantity import quantities

    return {
        w for u in units for q in quantities(u.msgid, lang) for w in re.findall(r"\w+", q.rendered)
    }
