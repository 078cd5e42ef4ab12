"""QA before publishing: each check catches its own mistake, and --strict gates on errors.

Small PO files whose translations carry one mistake each; the real brief's
Apertium draft for what the checks say about machine text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import html

from locbrief.model import Placeholder, Unit
from locbrief.review.check import check_catalog, localized_numbers
from locbrief.translate.memory import Memory
from locbrief.translate.termbase import Term, Termbase

TERMS = Termbase([Term("Sinaloa Cartel", None, True), Term("fentanyl", "fentanilo", False)])
FINE = [
    (
        "Cartels control the routes north of Sinaloa.",
        "Los cárteles controlan las rutas al norte de Sinaloa.",
    ),
    (
        "The army has been deployed across the country since then.",
        "El ejército está desplegado en el país desde entonces.",
    ),
    (
        "Washington should choose diplomacy over force in Mexico.",
        "Washington debería elegir la diplomacia en México.",
    ),
    (
        "Sanctions have a mixed record against criminal groups.",
        "Las sanciones tienen un historial mixto contra grupos criminales.",
    ),
    (
        "Most of the drugs enter through legal ports of entry.",
        "La mayoría de las drogas entra por puertos legales.",
    ),
]


def findings_for(
    msgid: str,
    msgstr: str,
    lang: str = "es_MX",
    placeholders=(),
    kind="paragraph",
    fuzzy=False,
    tmp_path: Path | None = None,
):
    """The findings of one unit, checked among a few fine ones (so the length ratio has a median)."""
    po = polib.POFile()
    po.metadata = {"Language": lang}
    units = []
    for i, (source, target) in enumerate(FINE + [(msgid, msgstr)]):
        entry = polib.POEntry(
            msgid=source, msgstr=target, flags=["fuzzy"] if fuzzy and source == msgid else []
        )
        po.append(entry)
        units.append(
            Unit(
                source,
                f"p-{i}",
                kind if source == msgid else "paragraph",
                0,
                placeholders=tuple(placeholders) if source == msgid else (),
            )
        )
    found = check_catalog(po, "x.po", units, TERMS, Memory("/nonexistent"))
    return {(f.check, f.severity) for f in found if f.msgid == msgid}, found


@pytest.mark.parametrize(
    "msgid, msgstr, expected",
    [
        ("Deaths rose in 2024.{0}", "Las muertes aumentaron en 2024.", ("placeholders", "error")),
        (
            "See https://example.org/report for details.",
            "Ver https://example.org/informe para detalles.",
            ("urls", "error"),
        ),
        (
            "About 79,000 Americans died.",
            "Murieron unos 7,900 estadounidenses.",
            ("numbers", "warning"),
        ),
        ("The army cannot stop them.", "", ("untranslated", "warning")),
        ("The army cannot stop them.", "The army cannot stop them.", ("same-as-source", "warning")),
        ("The army cannot stop them.", "El ejército  no puede detenerlos.", ("spacing", "warning")),
        (
            "The army cannot stop them.",
            "El ejército no no puede detenerlos.",
            ("doubled-words", "warning"),
        ),
        (
            "The army cannot stop them.",
            "El ejército no puede detenerlos..",
            ("punctuation", "warning"),
        ),
        (
            "The army (not the police) cannot stop them.",
            "El ejército (no la policía no puede detenerlos.",
            ("brackets", "warning"),
        ),
        ("He called it “a war.”", "Lo llamó “una guerra.", ("quotes", "warning")),
        (
            "The Sinaloa Cartel is at war.",
            "El Cártel de Sinaloa está en guerra.",
            ("termbase", "warning"),
        ),
        ("Fentanyl kills.", "El fentanil mata.", ("termbase", "warning")),
        (
            "The army has been deployed across the country since then.",
            "El ejército está desplegado en todo el país desde entonces, y desde entonces ha estado en cada ciudad, "
            "cada pueblo y cada carretera, sin que nadie sepa cuándo terminará ni cómo.",
            ("length", "warning"),
        ),
    ],
)
def test_each_mistake_is_found(msgid, msgstr, expected):
    found, _ = findings_for(
        msgid, msgstr, placeholders=[Placeholder("note", "3")] if "{0}" in msgid else []
    )
    assert expected in found


def test_a_good_translation_has_no_findings():
    found, everything = findings_for(
        "The Sinaloa Cartel sells fentanyl worth $1,200.50 a kilo, up 30% since 2019.{0}",
        "El Sinaloa Cartel vende fentanilo a $1,200.50 el kilo, 30% más que en 2019.{0}",
        placeholders=[Placeholder("note", "4")],
    )
    assert found == set() and everything == []


def test_endnote_citations_may_stay_in_english():
    found, _ = findings_for(
        "Ibid., Congressional Research Service report.",
        "Ibid., Congressional Research Service report.",
        kind="endnote",
    )
    assert found == set()


def test_numbers_must_be_written_as_the_locale_writes_them():
    assert localized_numbers("1,200.50", "es_MX")[0] == "1,200.50"
    assert localized_numbers("1,200.50", "es")[0] == "1.200,50"
    assert "1 200,50" in localized_numbers("1,200.50", "fr")
    assert localized_numbers("2024", "fr")[0] == "2024"
    found, everything = findings_for(
        "About 79,000 Americans died in 2024.",
        "Environ 79,000 Américains sont morts en 2024.",
        lang="fr",
    )
    assert ("numbers", "warning") in found
    assert any("79,000 (write 79\u202f000)" in f.message for f in everything)
    found, _ = findings_for(
        "About 79,000 Americans died in 2024.",
        "Environ 79 000 Américains sont morts en 2024.",
        lang="fr",
    )
    assert ("numbers", "warning") not in found


def write_catalog(tmp_path: Path, msgstr: str) -> tuple[Path, Path]:
    po = polib.POFile()
    po.metadata = {"Language": "es_MX", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(
        polib.POEntry(
            msgid="Deaths rose in 2024.{0}", msgstr=msgstr, occurrences=[("brief", "p-1")]
        )
    )
    po.save(str(tmp_path / "x.po"))
    unit = Unit(
        "Deaths rose in 2024.{0}", "p-1", "paragraph", 0, placeholders=(Placeholder("note", "3"),)
    )
    (tmp_path / "units.json").write_text(json.dumps([unit.to_json()]))
    return tmp_path / "x.po", tmp_path / "units.json"


def check(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "locbrief",
            "check",
            "x.po",
            "--units",
            "units.json",
            "--lang",
            "es_MX",
            "--memory",
            "memory.jsonl",
            "-o",
            "qa.json",
            "--html",
            "qa.html",
            *extra,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_strict_gates_publishing_on_errors_and_the_report_is_json_and_html(tmp_path):
    write_catalog(tmp_path, "Las muertes aumentaron en 2024.")  # the note marker is lost
    assert check(tmp_path).returncode == 0
    run = check(tmp_path, "--strict")
    assert run.returncode == 1
    assert "x.po:" in run.stderr and "[placeholders] missing placeholder {0}" in run.stderr
    data = json.loads((tmp_path / "qa.json").read_text())
    assert data["errors"] == 1 and data["checks"] == {"placeholders": 1}
    page = html.parse(str(tmp_path / "qa.html")).getroot()
    assert page.xpath("//tr[@class='error']/td[3]/text()") == ["placeholders"]

    write_catalog(tmp_path, "Las muertes aumentaron en 2024.{0}")
    assert check(tmp_path, "--strict").returncode == 0
    assert json.loads((tmp_path / "qa.json").read_text())["errors"] == 0


def test_a_translator_typing_letter_o_for_zero_is_told_which_placeholders_exist():
    from locbrief.model import Placeholder, Unit
    from locbrief.translate.segment import check_translation

    unit = Unit("Overdoses fell in 2024.{0}", "p-2", "paragraph", 0, (Placeholder("note", "1"),))
    assert check_translation(unit, "Las sobredosis bajaron en 2024.{O}") == [
        "{O} is not a placeholder of the source sentence (those are {0})"
    ]


def test_markup_a_translator_adds_is_an_error_naming_the_tags():
    import polib

    from locbrief.model import Unit
    from locbrief.review.check import check_catalog
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import Termbase

    unit = Unit("A <em1>sharp</em1> fall.", "p-1", "paragraph", 0, tags=(("em", ()),))
    po = polib.POFile()
    po.metadata = {"Language": "es_MX"}
    po.append(polib.POEntry(msgid=unit.msgid, msgstr="Una <b>fuerte</b> <em1>caída</em1>."))
    findings = check_catalog(po, "x.po", [unit], Termbase([]), Memory("/nonexistent/memory.jsonl"))
    markup = [f for f in findings if f.check == "markup"]
    assert markup and markup[0].severity == "error" and "<b>, </b>" in markup[0].message
