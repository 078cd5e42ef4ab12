"""The project's Apertium vocabulary (locales/apertium/): compiled with Apertium's own tools, used by
the engine, rebuilt when it changes, refused with file:line when an entry is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from locbrief.model import LocbriefError, Unit
from locbrief.translate.engines.apertium import ApertiumEngine
from locbrief.translate.memory import Memory
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = ROOT / "locales" / "apertium"
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("apertium", "lt-comp", "lt-append", "lrx-comp")),
    reason="apertium, lttoolbox-dev and apertium-lex-tools-dev are not installed",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return ApertiumEngine(VOCABULARY, tmp_path_factory.mktemp("build"))


@pytest.mark.parametrize(
    "english, spanish",
    [
        ("The border policy threatens the rule of law.", "La política de frontera amenaza"),
        ("The border policy threatens the rule of law.", "amenaza el Estado de derecho"),
        ("Police seized the papers.", "La policía decomisó los documentos."),
        ("They were waging war on the cartels.", "Hacían la guerra contra los cárteles."),
        ("They offered money in exchange for information.", "a cambio de información"),
        ("The Treasury imposed sanctions.", "El Tesoro impuso sanciones."),
        ("The insurgents demilitarized the region.", "Los insurgentes desmilitarizaron"),
        ("They are smuggling firearms.", "Están contrabandeando armas de fuego."),
        ("The insurance policy expired.", "La póliza de seguro"),
        ("Congress passed the bill.", "aprobó el proyecto de ley"),
        ("It can’t work.", "No puede"),
    ],
)
def test_the_engine_knows_the_words_and_senses_of_policy_prose(project, english, spanish):
    """Unknown words get inflected translations; senses follow the genre (the .lrx rules)."""
    [output] = project.checked_batch([english], "en", "es_MX")
    text, unknown = project.unknown_words(output, english)
    assert spanish in text and unknown == ()


def test_catalan_has_its_own_vocabulary(project):
    english = "The border policy threatens the rule of law; they waged war on insurgents."
    [output] = project.checked_batch([english], "en", "ca")
    text, unknown = project.unknown_words(output, english)
    assert "La política de frontera amenaça l'estat de dret" in text and "insurgents" in text
    assert "fer la guerra" in text.lower() and unknown == ()


def test_the_pivots_first_leg_uses_the_vocabulary(project):
    assert "locbrief vocabulary" in project.model("en", "pt_BR").split(" | ")[0]
    english = "The insurgents seized the shipment."
    [output] = project.checked_batch([english], "en", "pt_BR")
    text, unknown = project.unknown_words(output, english)
    assert not {"insurgents", "seized", "shipment"} & set(unknown + tuple(text.split()))


def test_the_names_the_briefs_cite_are_known_words_in_every_pair(project):
    """Authors, initials and particles (locales/apertium/names.tsv) pass through as names: no mark,
    and the grammar around them is a name's ("el informe de Shirk", not "*Shirk el informe")."""
    english = [
        "David A. Shirk and Jo Tuckman wrote that Shirk's report was right.",
        "José de Córdoba, Vera Bergengruen, and Julian E. Barnes, in W.G. Pansters (Redwood City, CA).",
    ]
    for lang in ("es_MX", "ca"):  # es_MX's pair is the pivots' first leg
        outputs = project.checked_batch(english, "en", lang)
        assert "*" not in "".join(outputs), outputs
        for source, output in zip(english, outputs):
            text, unknown = project.unknown_words(output, source)
            assert unknown == ()
            for name in ("Shirk", "Tuckman", "Bergengruen", "Barnes", "Pansters", "CA"):
                assert name in text or name not in source
    [spanish] = project.checked_batch(english[:1], "en", "es_MX")
    assert "David A. Shirk y Jo Tuckman escribieron que el informe de Shirk" in spanish


def test_a_bad_english_rule_is_one_line_naming_its_line_and_the_previous_mode_stays(tmp_path):
    data, build = write(tmp_path / "vocabulary", GOOD), tmp_path / "build"
    rules = (VOCABULARY / "english.t1x").read_text(encoding="utf-8")
    (data / "english.t1x").write_text(rules, encoding="utf-8")
    [out] = ApertiumEngine(data, build).checked_batch(["She cannot."], "en", "es_MX")
    assert out == "No puede."
    [previous] = build.glob("eng-spa-*")
    broken = rules.replace('<pattern-item n="modal"/>', '<pattern-item n="modl"/>')
    (data / "english.t1x").write_text(broken, encoding="utf-8")
    with pytest.raises(LocbriefError) as error:
        ApertiumEngine(data, build).checked_batch(["She cannot."], "en", "es_MX")
    assert "\n" not in str(error.value) and "modl" in str(error.value)
    assert str(error.value).startswith(f"{data / 'english.t1x'}:")
    assert list(build.iterdir()) == [previous]


def write(folder: Path, tsv: str = "", lrx: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eng-spa.tsv").write_text(tsv, encoding="utf-8")
    if lrx is not None:
        (folder / "eng-spa.lrx").write_text(lrx, encoding="utf-8")
    return folder


GOOD = "# words\ninsurgency\tn\tinsurgencia\tf\ndemilitarize\tvblex\tdesmilitarizar\n"


def test_a_change_in_the_vocabulary_is_a_new_model_and_the_old_mode_stays(tmp_path):
    data, build = write(tmp_path / "vocabulary", GOOD), tmp_path / "build"
    before = ApertiumEngine(data, build)
    [out] = before.checked_batch(["The insurgency grew."], "en", "es_MX")
    assert out == "La insurgencia creció."
    write(data, GOOD + "smuggler\tn\tcontrabandista\tmf\n")
    after = ApertiumEngine(data, build)
    assert after.model("en", "es_MX") != before.model("en", "es_MX")  # the memory asks again
    [out] = after.checked_batch(["The smugglers grew."], "en", "es_MX")
    assert out == "Los contrabandistas crecieron."
    assert len(list(build.glob("eng-spa-*"))) == 2 and not list(build.glob(".*"))


def test_a_name_is_entered_once_and_a_pair_may_localize_it(tmp_path):
    """names.tsv serves every English pair; a pair's own entry (its localized form) wins."""
    data = write(tmp_path / "vocabulary", GOOD + "Frobnia\tnp\tFrobonia\tf\tloc\n")
    (data / "eng-cat.tsv").write_text(GOOD.replace("insurgencia", "insurgència"), encoding="utf-8")
    (data / "names.tsv").write_text(
        "# names\nFrobnia\tnp\t=\tloc\tf\nZwolinski\tnp\t=\tcog\n", encoding="utf-8"
    )
    engine = ApertiumEngine(data, tmp_path / "build")
    sent = ["Zwolinski visited Frobnia."]
    [spanish] = engine.checked_batch(sent, "en", "es_MX")
    [catalan] = engine.checked_batch(sent, "en", "ca")
    assert spanish == "Zwolinski visitó Frobonia."
    assert catalan == "Zwolinski va visitar Frobnia."


@pytest.mark.parametrize(
    "names, tsv, where, message",
    [
        ("Zwolinski\tnp\t=\tcog\nseize\tvblex\tdecomisar\n", GOOD, "names.tsv:2: ", "names only"),
        ("", GOOD + "seize\tvblex\t=\n", "eng-spa.tsv:4: ", "for names (np) only"),
        ("Zwolinski\tnp\t=\tsurname\n", GOOD, "names.tsv:1: ", "unknown option"),
    ],
)
def test_a_bad_name_is_one_line_naming_its_file_and_line(tmp_path, names, tsv, where, message):
    data = write(tmp_path / "vocabulary", tsv)
    (data / "names.tsv").write_text(names, encoding="utf-8")
    with pytest.raises(LocbriefError) as error:
        ApertiumEngine(data, tmp_path / "build").checked_batch(["x"], "en", "es_MX")
    assert "\n" not in str(error.value) and message in str(error.value)
    assert str(error.value).startswith(str(data / where))
    assert not list((tmp_path / "build").glob("eng-spa-*"))


LRX = '<rules>\n<rule><match lemma="policy" tags="n.*"><select lemma="{}"/></match></rule>\n</rules>\n'


@pytest.mark.parametrize(
    "tsv, lrx, where, message",
    [
        (GOOD + "seize\tverb\tdecomisar\n", None, "eng-spa.tsv:4: ", "unknown part of speech"),
        (GOOD + "seize\tvblex\n", None, "eng-spa.tsv:4: ", "expected ENGLISH<TAB>POS"),
        (GOOD + "ZX1QZ\tn\tcosa\tf\n", None, "eng-spa.tsv:4: ", "protected token"),
        (
            GOOD + "insurgency\tn\tinsurgencia\tf\n",
            None,
            "eng-spa.tsv:4: ",
            "already given on line 2",
        ),
        (GOOD + "seize\tvblex\tdecomisar\tcolour=red\n", None, "eng-spa.tsv:4: ", "unknown option"),
        (GOOD + "frobnicate\tvblex\tfrobnicatu\n", None, "eng-spa.tsv:4: ", "no known verb"),
        (GOOD, LRX.format("política").replace("</match>", ""), "eng-spa.lrx:", "lrx-comp"),
        (GOOD, LRX.format("cosa"), "eng-spa.lrx:2: ", "does not offer"),
    ],
)
def test_a_bad_entry_is_one_line_naming_file_and_line_and_nothing_is_written(
    tmp_path, tsv, lrx, where, message
):
    data, build = write(tmp_path / "vocabulary", GOOD), tmp_path / "build"
    ApertiumEngine(data, build).checked_batch(["The insurgency grew."], "en", "es_MX")
    [previous] = build.glob("eng-spa-*")
    write(data, tsv, lrx)
    with pytest.raises(LocbriefError) as error:
        ApertiumEngine(data, build).checked_batch(["The insurgency grew."], "en", "es_MX")
    assert "\n" not in str(error.value) and message in str(error.value)
    assert str(error.value).startswith(str(data / where))
    assert list(build.iterdir()) == [previous]  # nothing written, the previous mode kept


def test_a_noun_of_the_wrong_gender_names_its_line(tmp_path):
    data = write(tmp_path / "vocabulary", GOOD + "\nborder\tn\tfrontera\tm\n")
    with pytest.raises(LocbriefError) as error:
        ApertiumEngine(data, tmp_path / "build").checked_batch(["x"], "en", "es_MX")
    assert str(error.value) == (
        f"{data / 'eng-spa.tsv'}:5: 'frontera' is f in the pair's dictionary, not m; write f"
    )


@pytest.mark.parametrize("vocabulary", ["stock", "project"])
def test_only_the_marks_apertium_added_are_taken_out(tmp_path, vocabulary):
    """`*` unknown, `#` not inflected, `@` not transferred never reach the text; the source's stay."""
    engine = ApertiumEngine(VOCABULARY if vocabulary == "project" else tmp_path, tmp_path / "b")
    sent = [
        "In the 1970s, call f(*args, **kwargs) or follow @dancrenshawtx.",
        "The *starred* note and #hashtag stay; the zorblax perils remain.",
    ]
    outputs = engine.checked_batch(sent, "en", "es_MX")
    assert "***kwargs" in outputs[0] and ("1970*s" in outputs[0] or "@1970s" in outputs[0])
    texts = [engine.unknown_words(o, s)[0] for o, s in zip(outputs, sent)]
    assert "1970s" in texts[0] and "f(*args, **kwargs)" in texts[0]
    assert "@dancrenshawtx" in texts[0] and "@*" not in texts[0]
    assert texts[1].count("*") == 2 and "#hashtag" in texts[1]
    assert "zorblax" in texts[1] and "*zorblax" not in texts[1]
    suggestions = suggest(
        [Unit(s, f"p{i}", "paragraph", i) for i, s in enumerate(sent)],
        engine,
        "en",
        "es_MX",
        load_termbase(None),
        Memory(tmp_path / "m.jsonl"),
    )
    for source, suggestion in zip(sent, suggestions.values()):
        for mark in "*#@":
            assert suggestion.text.count(mark) == source.count(mark), suggestion.text


@pytest.mark.slow
def test_the_workflow_compiles_the_vocabulary_redoes_suggest_when_it_changes_and_stops_on_a_bad_line(
    tmp_path,
):
    from support import PUBLISHED_BRIEF
    from support.workflow import copy_workflow, snakemake

    workdir = copy_workflow(tmp_path, languages=["es_MX"])
    target = f"build/{PUBLISHED_BRIEF}/es_MX.suggestions.json"
    first = snakemake(workdir, target)
    assert first.returncode == 0, first.stderr[-3000:]
    [built] = (workdir / "build" / "apertium").glob("eng-spa-*")
    log = (workdir / "logs" / PUBLISHED_BRIEF / "es_MX.suggest.log").read_text()
    assert "locbrief vocabulary" in log
    vocabulary = workdir / "locales" / "apertium" / "eng-spa.tsv"
    lines = vocabulary.read_text(encoding="utf-8").count("\n")
    with vocabulary.open("a", encoding="utf-8") as file:
        file.write("seize\tvblex\n")
    again = snakemake(workdir, target)
    assert again.returncode != 0
    assert f"locales/apertium/eng-spa.tsv:{lines + 1}: expected ENGLISH<TAB>POS" in again.stderr
    assert list((workdir / "build" / "apertium").iterdir()) == [built]  # the previous mode kept
