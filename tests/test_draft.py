"""A draft Mexican readers can read: names the engine can place, Mexican Spanish, no silent English.

The grammar set puts protected names in the four places a name takes in a
sentence (subject, possessive, attributive, after a preposition), with the
gender and number the termbase gives them, and runs it through every offline
engine: Apertium (real) and Argos (tiny real models from support.argos_models).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from locbrief.catalog.merge import merge
from locbrief.catalog.template import build_template
from locbrief.model import LocbriefError, Unit
from locbrief.review.check import check_catalog
from locbrief.translate.engines import choose_engine
from locbrief.translate.memory import Memory
from locbrief.translate.protect import mask
from locbrief.translate.suggest import suggest, usable_stand_ins
from locbrief.translate.termbase import load_termbase
from locbrief.translate.variety import load_variety
from support import argos_models

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium is not installed"
)


class Case(NamedTuple):
    id: str
    source: str
    expected: str  # what the es_MX draft must read (protected)


GRAMMAR_SET = [
    Case("subject", "Sheinbaum said the plan would fail.", "Sheinbaum dijo que el plan fallaría."),
    Case("possessive", "Hegseth’s plan would fail.", "El plan de Hegseth fallaría."),
    Case(
        "attributive",
        "The Trump administration is strong.",
        "La administración de Trump es fuerte.",
    ),
    Case(
        "prepositional",
        "The plan was announced by Hegseth in Mexico.",
        "El plan estuvo anunciado por Hegseth en México.",
    ),
    Case("feminine", "The CIA is strong.", "La CIA es fuerte."),
    Case("feminine term", "The Merida Initiative is new.", "La Iniciativa Mérida es nueva."),
    Case("plural term", "The Great Lakes are beautiful.", "Los Grandes Lagos son bellos."),
    Case("title", "Speaker Nancy Pelosi said no.", "La presidenta de la Cámara de Representantes"),
    Case("hyphenated", "A Plan Colombia-style operation", "Plan Colombia"),
]


def draft(sentences: list[str], engine, lang="es_MX", tmp_path=None, termbase=None):
    units = [Unit(s, f"p{i}", "paragraph", 0) for i, s in enumerate(sentences)]
    termbase = termbase or load_termbase(LOCALES / lang / "termbase.tsv")
    variety = load_variety(LOCALES / lang / "variety.tsv", termbase)
    memory = Memory(tmp_path / "m.jsonl" if tmp_path else None)
    return suggest(units, engine, "en", lang, termbase, memory, variety=variety)


# ---------------------------------------------------------------- names keep the grammar


@needs_apertium
def test_protected_names_read_as_well_as_unprotected_ones_in_apertium(tmp_path):
    engine = choose_engine("apertium", "en", "es_MX")
    sentences = [case.source for case in GRAMMAR_SET]
    protected = draft(sentences, engine, tmp_path=tmp_path)
    raw = dict(zip(sentences, engine.checked_batch(sentences, "en", "es_MX")))
    for case in GRAMMAR_SET:
        suggestion = protected[case.source]
        assert suggestion.text.startswith(case.expected) or case.expected in suggestion.text, (
            case.id,
            suggestion.text,
            raw[case.source],
        )
        assert suggestion.problems == (), case.id
    # the unprotected engine misreads the names ("Triunfo", "*Hegseth la administración")
    assert "Triunfo" in raw["The Trump administration is strong."]
    assert "Lagos Sumos" in raw["The Great Lakes are beautiful."]


@needs_apertium
def test_the_old_opaque_token_broke_the_sentence_the_stand_in_does_not(tmp_path):
    engine = choose_engine("apertium", "en", "es_MX")
    termbase = load_termbase(LOCALES / "es_MX" / "termbase.tsv")
    opaque = mask("The Trump administration is strong.", termbase, engine.token)
    assert engine.checked_batch([opaque.text], "en", "es_MX")[0].startswith("El *ZX0QZ la")
    names = usable_stand_ins(engine, "en", "es_MX", Memory(tmp_path / "m.jsonl"))
    named = mask("The Trump administration is strong.", termbase, engine.token, stand_ins=names)
    assert named.text == "The Chicago administration is strong."


@needs_apertium
@pytest.mark.parametrize("lang", ["es_MX", "pt_BR", "fr", "ca"])
def test_every_stand_in_kept_for_a_language_comes_back_unchanged(lang, tmp_path):
    """The probe keeps only names the whole chain passes through (Florida → Flórida is dropped)."""
    engine = choose_engine("apertium", "en", lang)
    names = usable_stand_ins(engine, "en", lang, Memory(tmp_path / "m.jsonl"))
    kept = [n for group in names.values() for n in group]
    assert len(names["m"]) >= 5 and len(names["f"]) >= 2, names
    outputs = engine.checked_batch([f"{n} said no." for n in kept], "en", lang)
    for name, output in zip(kept, outputs):
        assert engine.unknown_words(output, "")[0].startswith(name), (name, output)


@needs_apertium
def test_stand_ins_have_the_gender_the_table_gives_them():
    engine = choose_engine("apertium", "en", "es_MX")
    from locbrief.translate.protect import STAND_INS

    articles = {"m": "El", "f": "La", "m.pl": "Los", "f.pl": "Las"}
    for grammar, names in STAND_INS.items():
        outputs = engine.checked_batch([f"The {n} is beautiful." for n in names], "en", "es")
        for name, output in zip(names, outputs):
            assert output.startswith(f"{articles[grammar]} {name} "), (grammar, output)


@pytest.fixture(scope="module")
def argos_packages(tmp_path_factory):
    def build(name, **kwargs):
        return argos_models.build_package(tmp_path_factory.mktemp(name), "en", "es", **kwargs)

    return {"copy": build("copy"), "lower": build("lower", mapping=argos_models.lowercase)}


@pytest.fixture
def argos_home(tmp_path, monkeypatch):
    for name in ("data", "cache", "config"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(tmp_path / name))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    monkeypatch.setenv("ARGOS_DEVICE_TYPE", "cpu")


def test_protected_names_read_as_well_as_unprotected_ones_in_argos(
    argos_home, argos_packages, tmp_path
):
    """A copying model gives back the sentence: protected output is the unprotected output,
    with the termbase's targets in place of the terms."""
    from locbrief.translate.engines.argos import ArgosEngine, install_model

    install_model(argos_packages["copy"])
    engine = ArgosEngine()
    termbase = load_termbase(LOCALES / "es_MX" / "termbase.tsv")
    names = usable_stand_ins(engine, "en", "es_MX", Memory(tmp_path / "m.jsonl"))
    assert names["m"] and names["f"]  # the copying model passes the stand-ins through
    sentences = [case.source for case in GRAMMAR_SET]
    protected = draft(sentences, engine, tmp_path=tmp_path, termbase=termbase)
    raw = engine.checked_batch(sentences, "en", "es_MX")
    for sentence, unprotected in zip(sentences, raw):
        for match in termbase.find(sentence):
            unprotected = unprotected.replace(match.text, match.term.render(match.text))
        unprotected = unprotected[:1].upper() + unprotected[1:]
        assert protected[sentence].text == unprotected
        assert not protected[sentence].problems


def test_a_model_that_changes_the_stand_ins_gets_tokens_instead(
    argos_home, argos_packages, tmp_path
):
    from locbrief.translate.engines.argos import ArgosEngine, install_model

    install_model(argos_packages["lower"])
    engine = ArgosEngine()
    assert usable_stand_ins(engine, "en", "es_MX", Memory(tmp_path / "m.jsonl"))["m"] == ()
    [suggestion] = draft(["Hegseth’s plan would fail."], engine, tmp_path=tmp_path).values()
    assert "Hegseth" in suggestion.text and not suggestion.problems


# ---------------------------------------------------------------- Mexican Spanish


@needs_apertium
def test_the_es_mx_draft_has_no_peninsular_forms(tmp_path):
    engine = choose_engine("apertium", "en", "es_MX")
    sentences = [
        "You should go to your house.",
        "They have a presence in every U.S. state.",
        "Americans died in the United States.",
        "The costs are high.",
    ]
    raw = engine.checked_batch(sentences, "en", "es_MX")
    assert "vuestra" in raw[0] and "EE.UU.." in raw[1] and "americanos" in raw[2]
    texts = [s.text for s in draft(sentences, engine, tmp_path=tmp_path).values()]
    assert "su casa" in texts[0] and "vuestra" not in texts[0]
    assert texts[1].endswith("estado de Estados Unidos.") and "EE.UU" not in texts[1]
    assert "estadounidenses" in texts[2] and "en Estados Unidos" in texts[2]
    assert "costos" in texts[3]


def write(tmp_path, name, *rows, header="from\tto\tnote"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


VARIETY_CASES = [
    ("vosotros", "Vosotros tendríais que ir.", "Ustedes tendrían que ir."),
    ("possessive", "Es vuestra casa y vuestros amigos.", "Es su casa y sus amigos."),
    ("clitic", "Os digo que sois libres.", "Les digo que son libres."),
    ("stem change first", "Tenéis razón y podéis ir.", "Tienen razón y pueden ir."),
    ("future", "Hablaréis mañana.", "Hablarán mañana."),
    (
        "abbreviation",
        "Viven en EE.UU.. Y en EE.UU. hoy.",
        "Viven en Estados Unidos. Y en Estados Unidos hoy.",
    ),
    ("article", "Los Estados Unidos y los Estados Unidos.", "Estados Unidos y Estados Unidos."),
    ("whole words", "nosotros y los ositos", "nosotros y los ositos"),
    (
        "singular after the dropped article",
        "Los Estados Unidos implementaron un plan, pero los Estados Unidos no tienen tropas.",
        "Estados Unidos implementó un plan, pero Estados Unidos no tiene tropas.",
    ),
    (
        "not the subject",
        "Los ciudadanos de los Estados Unidos tienen derechos.",
        "Los ciudadanos de Estados Unidos tienen derechos.",
    ),
    (
        "serial comma",
        "La policía, el ejército, y la marina.",
        "La policía, el ejército y la marina.",
    ),
    (
        "clause comma",
        "El ejército atacó, y la policía huyó.",
        "El ejército atacó, y la policía huyó.",
    ),
    (
        "personal a",
        "Deben combatir los cárteles y forzar los cárteles para negociar.",
        "Deben combatir a los cárteles y forzar a los cárteles a negociar.",
    ),
    ("no personal a for things", "Deben combatir la corrupción.", "Deben combatir la corrupción."),
    ("lo que", "Aquello que dijo fue cierto.", "Lo que dijo fue cierto."),
    (
        "protected",
        "Véase {0} en https://x.org/EE.UU./vosotros y <em1>vosotros</em1>.",
        "Véase {0} en https://x.org/EE.UU./vosotros y <em1>ustedes</em1>.",
    ),
]


@pytest.mark.parametrize("case, text, expected", VARIETY_CASES, ids=[c[0] for c in VARIETY_CASES])
def test_the_es_mx_layer_rewrites_peninsular_usage(case, text, expected):
    layer = load_variety(LOCALES / "es_MX" / "variety.tsv")
    assert layer.apply(text) == expected


def test_a_protected_name_is_a_word_of_the_sentence_the_rules_see():
    layer = load_variety(LOCALES / "es_MX" / "variety.tsv")
    shields = ("Administración para el Control de Drogas",)
    text = "La policía, la Administración para el Control de Drogas, y el ejército."
    assert layer.apply(text, shields) == (
        "La policía, la Administración para el Control de Drogas y el ejército."
    )


FIGURES = [
    ("es_MX", "The cartels earned $13 billion in 2021.", "13 mil millones de dólares"),
    ("es_MX", "It has more than 130 million people.", "130 millones de personas"),
    ("es_MX", "It was a waystation during the 1970s.", "la década de 1970"),
    ("es_MX", "Its budget is only $16.7 billion.", "16.7 mil millones de dólares"),
    ("ca", "The cartels earned $13 billion in 2021.", "13 milers de milions de dòlars"),
    ("ca", "It has more than 130 million people.", "130 milions de persones"),
    ("fr", "The cartels earned $13 billion in 2021.", "13 milliards de dollars"),
    ("pt_BR", "The cartels earned $13 billion in 2021.", "13 bilhões de dólares"),
    ("pt_BR", "It was a waystation during the 1970s and 1980s.", "as décadas de 1970 e 1980"),
]


@needs_apertium
@pytest.mark.parametrize("lang, source, expected", FIGURES, ids=[f"{f[0]}-{f[2]}" for f in FIGURES])
def test_figures_keep_their_size_and_read_as_the_locale_writes_them(
    tmp_path, lang, source, expected
):
    [suggestion] = draft([source], choose_engine("apertium", "en", lang), lang, tmp_path).values()
    assert expected in suggestion.text and "$" not in suggestion.text, suggestion.text


@needs_apertium
def test_french_and_portuguese_keep_no_spanish_from_the_pivot(tmp_path):
    sentences = ["The U.S. military fought the army.", "They profit from human smuggling."]
    fr = list(draft(sentences, choose_engine("apertium", "en", "fr"), "fr", tmp_path).values())
    assert "États-Unis" in fr[0].text and "EE.UU" not in fr[0].text and not fr[0].problems
    assert fr[1].problems == ("Spanish left by the pivot: contrabando",)
    pt = list(draft(sentences[:1], choose_engine("apertium", "en", "pt_BR"), "pt_BR").values())
    assert "EE.UU" not in pt[0].text


def test_a_flag_rule_reports_lower_case_words_only():
    layer = load_variety(LOCALES / "fr" / "variety.tsv")
    assert layer.flagged("Le contrabando de Peña et Córdoba.") == [
        ("contrabando", "Spanish left by the pivot")
    ]
    assert layer.apply("le contrabando") == "le contrabando"


def test_the_layer_never_touches_a_protected_name():
    layer = load_variety(LOCALES / "es_MX" / "variety.tsv")
    assert layer.apply("Vosotros leéis a los americanos", shields=("los americanos",)) == (
        "Ustedes leen a los americanos"
    )


def test_a_protected_name_is_shielded_only_where_it_is_a_whole_word():
    layer = load_variety(LOCALES / "es_MX" / "variety.tsv")
    # "otros" inside "Vosotros" is no name: the rule still turns it into "Ustedes"
    assert layer.apply("Vosotros y otros leéis.", shields=("otros",)) == "Ustedes y otros leen."


def test_the_same_mechanism_makes_portuguese_brazilian():
    layer = load_variety(LOCALES / "pt_BR" / "variety.tsv")
    assert layer.apply("A equipa do facto tem o objectivo.") == "A equipe do fato tem o objetivo."


@pytest.mark.parametrize(
    "rows, complaint",
    [
        (["foo\tbar baz", "bar\tfoo"], r"v.tsv:3: rule 'bar' → 'foo' would loop: line 2 turns"),
        (["EE.UU.\tEE.UU. de"], r"v.tsv:2: rule 'EE.UU.' → 'EE.UU. de' would loop: its result"),
        (["Trump\ttriunfo"], r"v.tsv:2: rule 'Trump' would rewrite the protected name"),
        (["{0}\t{1}"], r"v.tsv:2: rule '\{0\}' would rewrite a placeholder"),
        (["*áis\tan"], r"v.tsv:2: 'to' must have the wildcards of 'from'"),
        (["ha*bla\thabla"], r"v.tsv:2: '\*' \(the rest of a word\) must start or end a word"),
        (["@verbo a\t@verbo"], r"v.tsv:2: class '@verbo' is not defined above"),
        (["@art\t"], r"v.tsv:2: a class is '@name<TAB>word\|word\|…'"),
        (["@art\tel|la", "@art *\t* @art"], r"v.tsv:3: 'to' must have the wildcards"),
        (["\tles"], r"v.tsv:2: expected 'from<TAB>to<TAB>note' with a non-empty 'from'"),
    ],
)
def test_a_bad_rule_is_one_line_naming_file_and_line(tmp_path, rows, complaint):
    termbase = load_termbase(LOCALES / "es_MX" / "termbase.tsv")
    with pytest.raises(LocbriefError, match=complaint):
        load_variety(write(tmp_path, "v.tsv", *rows), termbase)


def test_every_shipped_layer_loads_against_its_termbase():
    for lang in ("es_MX", "pt_BR", "fr", "ca"):
        termbase = load_termbase(LOCALES / lang / "termbase.tsv")
        assert load_variety(LOCALES / lang / "variety.tsv", termbase).rules


# ---------------------------------------------------------------- English left behind


@needs_apertium
def test_words_the_engine_did_not_know_reach_the_po_and_qa(tmp_path):
    engine = choose_engine("apertium", "en", "es_MX")
    units = [Unit("The administration has been dithering over strikes.", "p1", "paragraph", 0)]
    suggestions = draft([units[0].msgid], engine, tmp_path=tmp_path)
    [suggestion] = suggestions.values()
    assert suggestion.unknown == ("dithering",)
    assert "*" not in suggestion.text and "dithering" in suggestion.text
    memory = Memory(tmp_path / "m.jsonl")
    memory.remember(engine.name, suggestion.model, "x", "x", suggestion.msgid, suggestion.text)
    termbase = load_termbase(LOCALES / "es_MX" / "termbase.tsv")
    po = merge(build_template(units, "b"), None, suggestions, memory, termbase, "es_MX").po
    assert "engine did not know: dithering" in po[0].comment.splitlines()
    [finding] = [
        f
        for f in check_catalog(po, "b.po", units, termbase, memory)
        if f.check == "untranslated-words"
    ]
    assert finding.severity == "warning" and "dithering" in finding.message
    po[0].msgstr = po[0].msgstr.replace("dithering", "titubeando")
    assert not [
        f
        for f in check_catalog(po, "b.po", units, termbase, memory)
        if f.check == "untranslated-words"
    ]


@needs_apertium
def test_marks_already_in_the_source_are_text_not_marks():
    engine = choose_engine("apertium", "en", "es_MX")
    sent = "Follow @dancrenshawtx on this day."
    [output] = engine.checked_batch([sent], "en", "es_MX")
    text, unknown = engine.unknown_words(output, sent)
    assert text == "Sigue @dancrenshawtx en este día." and unknown == ("dancrenshawtx",)


# ---------------------------------------------------------------- the development reference


def test_the_reference_is_forty_units_of_the_brief_with_their_placeholders():
    import polib

    from locbrief.read import read_source
    from locbrief.translate.segment import check_translation, segment

    reference = polib.pofile(str(ROOT / "tests" / "data" / "draft-reference.es_MX.po"))
    units = {
        u.key: u for u in segment(read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt")))
    }
    assert len(reference) >= 40
    for entry in reference:
        unit = units[(entry.msgctxt, entry.msgid)]
        assert entry.msgstr and not check_translation(unit, entry.msgstr), entry.msgid
        assert "vosotros" not in entry.msgstr and "EE.UU" not in entry.msgstr
