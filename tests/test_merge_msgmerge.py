"""Our merge against GNU msgmerge on the same inputs (translator's PO + new template).

Where a translator's work is concerned the two must agree: what is translated,
what becomes fuzzy (with which text and which ``#| msgid``), what goes obsolete.
The intended differences, asserted here so they stay intended:

* a new sentence gets a machine suggestion (fuzzy) where msgmerge leaves it empty;
* machine text nobody reviewed is not fuzzy-matched to an edited sentence (it gets
  a fresh suggestion instead) and is not kept as obsolete when its sentence goes;
* human text carried to an edited sentence always gets ``#| msgid``, also when the
  old entry was fuzzy without one (msgmerge then writes none).
"""

from __future__ import annotations

import subprocess

import polib
import pytest

from locbrief.catalog.pofile import read_po
from locbrief.catalog.status import unit_status
from locbrief.model import NoteRef
from locbrief.translate.memory import Memory
from support.po_project import Project, document, msgfmt_check

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "msgmerge"], capture_output=True).returncode,
    reason="GNU gettext (msgmerge) is not installed",
)

REVIEWED = "The administration has presented military force as a solution to the cartel problem."
LEFT_FUZZY = "Air strikes against cartel leaders would likely fragment the organizations further."
MACHINE = "Fragmented cartels have historically been more violent toward civilians in Mexico."
REMOVED_HUMAN = "Congress has not authorized the use of force against any Mexican cartel."
REMOVED_MACHINE = "Fentanyl deaths have declined in recent months according to federal data."
WITH_NOTE = "Mexico is the largest trading partner of the United States."

NOTED = WITH_NOTE + "{0}"  # its msgid; the note is renumbered from 1 to 3 in V2
V1 = document(
    REVIEWED, LEFT_FUZZY, MACHINE, REMOVED_HUMAN, REMOVED_MACHINE, [WITH_NOTE, NoteRef(1)]
)
V2 = document(
    REVIEWED,
    LEFT_FUZZY.replace("would likely", "would probably"),
    MACHINE.replace("historically", "often"),
    "Diplomacy and public health offer better tools than bombs.",
    [WITH_NOTE, NoteRef(3)],
)


def classify(po: polib.POFile, memory: Memory) -> dict[str, set]:
    active = [e for e in po if not e.obsolete]
    return {
        "reviewed": {e.msgid for e in active if unit_status(e, memory) == "reviewed"},
        "fuzzy": {e.msgid for e in active if unit_status(e, memory) == "fuzzy"},
        "machine": {e.msgid for e in active if unit_status(e, memory) == "machine"},
        "untranslated": {e.msgid for e in active if not e.msgstr},
        "obsolete": {e.msgid for e in po if e.obsolete},
    }


def test_our_merge_agrees_with_msgmerge_on_the_translators_work(tmp_path):
    project = Project(tmp_path)
    project.run(V1)
    project.edit(
        REVIEWED, "La administración presentó la fuerza militar como solución.", fuzzy=False
    )
    project.edit(
        LEFT_FUZZY, "Los ataques aéreos fragmentarían aún más a las organizaciones (revisar)."
    )
    project.edit(REMOVED_HUMAN, "El Congreso no ha autorizado el uso de la fuerza.", fuzzy=False)
    project.edit(NOTED, "México es el mayor socio comercial de Estados Unidos.{0}", fuzzy=False)
    old_po = tmp_path / "old.po"
    old_po.write_bytes(project.po.read_bytes())

    project.run(V2)
    ours = read_po(project.po)
    gnu_po = tmp_path / "gnu.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", str(gnu_po), str(old_po), str(project.pot)],
        check=True,
    )
    gnu = read_po(gnu_po)
    memory = Memory(project.memory_path)
    mine, theirs = classify(ours, memory), classify(gnu, memory)

    assert mine["reviewed"] == theirs["reviewed"] == {REVIEWED, NOTED}
    for msgid in mine["reviewed"]:
        assert _entry(ours, msgid).msgstr == _entry(gnu, msgid).msgstr
    # human text on an edited sentence: fuzzy in both, same text
    edited = LEFT_FUZZY.replace("would likely", "would probably")
    assert mine["fuzzy"] == {edited} and edited in theirs["fuzzy"]
    assert _entry(ours, edited).msgstr == _entry(gnu, edited).msgstr
    # intended difference 3: the old entry was fuzzy without #| msgid, so msgmerge gives none; we
    # show the source the translator's text was written for
    assert (
        _entry(ours, edited).previous_msgid == LEFT_FUZZY
        and _entry(gnu, edited).previous_msgid is None
    )
    # intended difference 1: msgmerge carries unreviewed machine text to the edited sentence; we ask afresh
    reworded_machine = MACHINE.replace("historically", "often")
    assert theirs["machine"] | theirs["fuzzy"] == {edited, reworded_machine}
    assert (
        _entry(gnu, reworded_machine).msgstr == _entry(read_po(tmp_path / "old.po"), MACHINE).msgstr
    )
    assert (
        reworded_machine in mine["machine"]
        and _entry(ours, reworded_machine).previous_msgid is None
    )
    # intended difference 2: new sentences get a suggestion instead of staying empty
    assert theirs["untranslated"] == {"Diplomacy and public health offer better tools than bombs."}
    assert mine["untranslated"] == set() and theirs["untranslated"] <= mine["machine"]
    # obsolete: the same human work; msgmerge also keeps machine text nobody reviewed
    assert mine["obsolete"] == {REMOVED_HUMAN}
    assert theirs["obsolete"] == {REMOVED_HUMAN, REMOVED_MACHINE}
    assert (
        _entry(ours, REMOVED_HUMAN, obsolete=True).msgstr
        == _entry(gnu, REMOVED_HUMAN, obsolete=True).msgstr
    )
    # both outputs are valid for msgfmt, and msgmerge finds nothing to change in ours
    assert msgfmt_check(project.po).returncode == 0 and msgfmt_check(gnu_po).returncode == 0
    again = tmp_path / "again.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", str(again), str(project.po), str(project.pot)],
        check=True,
    )
    assert classify(read_po(again), memory) == mine


def _entry(po: polib.POFile, msgid: str, obsolete: bool = False) -> polib.POEntry:
    return next(e for e in po if e.msgid == msgid and e.obsolete == obsolete)
