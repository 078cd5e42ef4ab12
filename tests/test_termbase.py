"""The termbase a translator of the brief relies on, and the errors a broken one gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from locbrief.catalog.merge import merge
from locbrief.catalog.template import build_template
from locbrief.model import LocbriefError
from locbrief.read import read_source
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.termbase import load_termbase

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
PEOPLE = [
    "Trump",
    "Donald Trump",
    "Claudia Sheinbaum",
    "Pete Hegseth",
    "J.D. Vance",
    "Joaquín “El Chapo” Guzmán",
    "Ismael “El Mayo” Zambada",
    "Andrés Manuel López Obrador",
    "AMLO",
    "Felipe Calderón",
    "Enrique Peña Nieto",
    "Vicente Fox",
    "Pam Bondi",
    "Hillary Clinton",
    "Joe Biden",
    "Nancy Pelosi",
    "Pablo Escobar",
    "Mike Waltz",
    "Ronald Johnson",
    "Barack Obama",
    "George W. Bush",
]
ES_MX_TERMS = {
    "Sinaloa Cartel": "Cártel de Sinaloa",
    "Jalisco New Generation Cartel": "Cártel de Jalisco Nueva Generación",
    "Drug Enforcement Administration": "Administración para el Control de Drogas",
    "National Guard": "Guardia Nacional",
    "Merida Initiative": "Iniciativa Mérida",
    "Institutional Revolutionary Party": "Partido Revolucionario Institucional",
    "Gulf cartel": "Cártel del Golfo",
    "hugs, not bullets": "abrazos, no balazos",
    "fentanyl": "fentanilo",
    "kingpin": "capo",
    "kingpins": "capos",
    "cartel": "cártel",
    "cartels": "cárteles",
}


@pytest.fixture(scope="module")
def es_mx():
    return load_termbase(LOCALES / "es_MX" / "termbase.tsv")


def target_of(termbase, text):
    [match] = termbase.find(text)
    return match.term.render(match.text)


@pytest.mark.parametrize("lang", ["es_MX", "pt_BR", "fr", "ca"])
def test_every_locale_keeps_the_people_of_the_brief_untranslated(lang):
    termbase = load_termbase(LOCALES / lang / "termbase.tsv")
    for name in PEOPLE + ["CIA", "DEA", "FARC", "ISIS"]:
        assert target_of(termbase, f"Yesterday {name} spoke.") == name, name


def test_es_mx_uses_the_established_spanish_names(es_mx):
    for source, target in ES_MX_TERMS.items():
        assert target_of(es_mx, f"About the {source} today.") == target, source


def test_case_any_terms_match_any_case_and_keep_a_capital(es_mx):
    assert target_of(es_mx, "Fentanyl kills.") == "Fentanilo"
    assert target_of(es_mx, "the Gulf Cartel") == "Cártel del Golfo"
    assert es_mx.find("trump cards") == []  # names are case exact


def test_the_longest_term_wins_and_possessives_still_match(es_mx):
    found = [(m.text, m.term.source) for m in es_mx.find("Donald Trump’s Sinaloa Cartel")]
    assert found == [("Donald Trump", "Donald Trump"), ("Sinaloa Cartel", "Sinaloa Cartel")]


def test_every_term_of_a_unit_appears_as_a_comment_in_the_po(tmp_path, es_mx):
    units = segment(read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt")))
    po = merge(
        build_template(units, "no-gwot-narco"),
        None,
        {},
        Memory(tmp_path / "m.jsonl"),
        es_mx,
        "es_MX",
    ).po
    [unit] = [u for u in units if u.msgid.startswith("Mexico’s two largest criminal organizations")]
    comments = po.find(unit.msgid).comment.splitlines()
    assert "term: Sinaloa Cartel → Cártel de Sinaloa" in comments
    assert "term: Jalisco New Generation Cartel → Cártel de Jalisco Nueva Generación" in comments
    assert "term: CJNG (do not translate) — Cártel de Jalisco Nueva Generación" in comments
    [trump] = [u for u in units if u.msgid.startswith("Yet President Donald Trump has long viewed")]
    assert (
        "term: President Donald Trump → el presidente Donald Trump — title before the name"
        in po.find(trump.msgid).comment.splitlines()
    )


# ---------------------------------------------------------------- broken termbases


def write(tmp_path, *rows):
    path = tmp_path / "termbase.tsv"
    path.write_text("\n".join(["source\ttarget\tcase\tnote", *rows]) + "\n", encoding="utf-8")
    return path


def test_a_row_with_missing_columns_names_file_and_line(tmp_path):
    path = write(tmp_path, "Trump\t=\texact\t", "# a comment", "Sinaloa Cartel\tCártel de Sinaloa")
    with pytest.raises(LocbriefError) as error:
        load_termbase(path)
    assert str(error.value).startswith(f"{path}:4: expected 4 tab-separated columns")
    assert "\n" not in str(error.value)


def test_a_term_listed_twice_with_different_targets_names_both_lines(tmp_path):
    path = write(
        tmp_path, "cartel\tcártel\tany\t", "fentanyl\tfentanilo\tany\t", "Cartel\tcartel\tany\t"
    )
    with pytest.raises(LocbriefError) as error:
        load_termbase(path)
    assert str(error.value) == (
        f"{path}:4: term 'Cartel' is listed twice with different targets "
        "(line 2: 'cártel', here: 'cartel'); keep one row"
    )


def test_a_repeated_identical_row_is_harmless(tmp_path):
    termbase = load_termbase(write(tmp_path, "Trump\t=\texact\t", "Trump\t=\texact\t"))
    assert len(termbase.terms) == 1


def test_a_bad_case_or_header_is_refused(tmp_path):
    with pytest.raises(LocbriefError, match=r"termbase.tsv:2: case must be 'exact' or 'any'"):
        load_termbase(write(tmp_path, "Trump\t=\tExactly\t"))
    path = tmp_path / "termbase.tsv"
    path.write_text("Trump\t=\texact\t\n", encoding="utf-8")
    with pytest.raises(LocbriefError, match=r"termbase.tsv:1: the first row must be the header"):
        load_termbase(path)


def test_no_termbase_is_an_empty_termbase(tmp_path):
    assert load_termbase(tmp_path / "missing.tsv").find("Trump") == []


def test_a_wrong_script_target_or_an_empty_source_names_file_and_line(tmp_path):
    folder = tmp_path / "es_MX"
    folder.mkdir()
    path = folder / "termbase.tsv"
    path.write_text("source\ttarget\tcase\tnote\nTrump\t=\texact\t\nTrump\tТрамп\texact\t\n")
    with pytest.raises(
        LocbriefError, match=r"es_MX/termbase.tsv:3: target 'Трамп' has 'Т' \(CYRILLIC"
    ):
        load_termbase(path)
    path.write_text("source\ttarget\tcase\tnote\n\tGrandes Lagos\texact\t\n")
    with pytest.raises(
        LocbriefError, match=r"termbase.tsv:2: the source \(first column\) is empty"
    ):
        load_termbase(path)
    path.write_text("source\ttarget\tcase\tnote\nCIA\t=\texact\t\tfem\n")
    with pytest.raises(LocbriefError, match=r"termbase.tsv:2: grammar \(fifth column\) must be"):
        load_termbase(path)


@pytest.mark.parametrize(
    "text, found",
    [
        ("a Plan Colombia-style operation", "Plan Colombia"),
        ("Trump’s second administration", "Trump"),
        ("Trump's second administration", "Trump"),
        ("an anti-Trump rally", "Trump"),
        ("the “El Chapo” trial", "“El Chapo”"),
        ("near the Great Lakes, the regions", "Great Lakes"),
        ("both sides of the Rio Grande.", "Rio Grande"),
        ("the Defense Department’s Inspector General concluded", "Defense Department"),
        ("after Speaker Nancy Pelosi’s ill-advised trip", "Speaker Nancy Pelosi"),
    ],
)
def test_terms_match_at_hyphens_quotes_and_possessives(es_mx, text, found):
    assert [m.text for m in es_mx.find(text)][0] == found


@pytest.mark.parametrize("text", ["Vanda Felbab-Brown wrote", "the Fox-Smith report", "Trumpism"])
def test_no_term_inside_a_hyphenated_name_or_a_longer_word(text):
    termbase = load_termbase(LOCALES / "es_MX" / "termbase.tsv")
    assert [m.text for m in termbase.find(text) if m.text in ("Brown", "Fox", "Trump")] == []


@pytest.mark.parametrize("lang", ["es_MX", "pt_BR", "fr", "ca"])
def test_every_locale_covers_the_offices_places_and_programmes_of_the_brief(lang):
    termbase = load_termbase(LOCALES / lang / "termbase.tsv")
    for source in [
        "Speaker of the House",
        "Great Lakes",
        "Rio Grande",
        "Merida Initiative",
        "Inspector General",
        "Attorney General",
        "Defense Department",
        "war on drugs",
    ]:
        [match] = termbase.find(f"About the {source} today.")
        assert match.term.target, (lang, source)
    assert (
        target_of(load_termbase(LOCALES / "es_MX" / "termbase.tsv"), "the Rio Grande")
        == "río Bravo"
    )


def test_the_grammar_column_gives_the_gender_and_number_of_a_name(es_mx):
    grammar = {t.source: t.grammar for t in es_mx.terms}
    assert (grammar["CIA"], grammar["FARC"], grammar["Great Lakes"], grammar["Trump"]) == (
        "f",
        "f.pl",
        "m.pl",
        "m",
    )


def test_locbrief_terms_lists_names_and_acronyms_the_termbase_lacks(tmp_path, capsys):
    from locbrief.cli import main

    brief = tmp_path / "brief.txt"
    brief.write_text(ROOT.joinpath("tests/data/no-gwot-narco.txt").read_text(encoding="utf-8"))
    assert main(["terms", str(brief)]) == 0
    everything = capsys.readouterr().out
    assert main(["terms", str(brief), "--termbase", str(LOCALES / "es_MX" / "termbase.tsv")]) == 0
    missing = {line.split(None, 1)[1] for line in capsys.readouterr().out.splitlines()}
    listed = {line.split(None, 1)[1] for line in everything.splitlines()}
    assert {"Great Lakes", "Merida Initiative", "CJNG", "Rio Grande"} <= listed
    assert not {"Great Lakes", "Merida Initiative", "CJNG", "Rio Grande"} & missing
    assert {"Latin American", "Quintana Roo"} & listed
    assert (
        "The Trump" not in listed and "Trump" not in listed
    )  # one capitalised word is no candidate
