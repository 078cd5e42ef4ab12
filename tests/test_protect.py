"""What must not change survives machine translation, or the unit is flagged for a person."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from locbrief.catalog.merge import merge
from locbrief.catalog.template import build_template
from locbrief.model import Block, NoteRef
from locbrief.read import read_source
from locbrief.translate.engines import Engine, choose_engine
from locbrief.translate.memory import Memory
from locbrief.translate.protect import mask, unmask
from locbrief.translate.segment import check_translation, segment, segment_block
from locbrief.translate.suggest import SOURCE_KEPT, suggest
from locbrief.translate.termbase import load_termbase

ROOT = Path(__file__).resolve().parents[1]
ES_MX = ROOT / "locales" / "es_MX" / "termbase.tsv"
needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium is not installed"
)


def token(n: int) -> str:
    return f"ZX{n}QZ"


@pytest.fixture(scope="module")
def termbase():
    return load_termbase(ES_MX)


@pytest.fixture(scope="module")
def brief_units():
    return segment(read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt")))


def unit_of(text: str, kind: str = "paragraph", notes: tuple[int, ...] = ()):
    content = [text] + [NoteRef(n) for n in notes]
    return segment_block(Block(kind, "p-1", content))[0]


# ---------------------------------------------------------------- mask and unmask


def test_everything_that_must_not_change_becomes_a_token(termbase):
    msgid = (
        "Trump wrote to press@example.org that 79,000 Americans died, see "
        "https://www.cdc.gov/nchs/data.htm.{0}"
    )
    masked = mask(msgid, termbase, token)
    kinds = {item.original: item.kind for item in masked.items}
    assert kinds == {
        "Trump": "term",
        "press@example.org": "email",
        "79,000": "number",
        "https://www.cdc.gov/nchs/data.htm": "url",
        "{0}": "placeholder",
    }
    assert "Trump" not in masked.text and "{0}" not in masked.text
    assert unmask(masked.text, masked) == (msgid, [])


def test_a_cited_title_is_protected_in_endnotes_only(termbase):
    msgid = (
        "Salvador Rizzo, “Do Mexican drug cartels make $500 billion a year?” Washington Post, 2019."
    )
    in_note = mask(msgid, termbase, token, quoted_titles=True)
    assert [i.original for i in in_note.items if i.kind == "title"] == [
        "“Do Mexican drug cartels make $500 billion a year?”"
    ]
    in_prose = mask(msgid, termbase, token)
    assert not [i for i in in_prose.items if i.kind == "title"]


def test_a_term_comes_back_as_its_required_translation(termbase):
    masked = mask("The Sinaloa Cartel and the Merida Initiative.", termbase, token)
    engine_output = f"El {masked.items[0].token} y la {masked.items[1].token}."
    assert unmask(engine_output, masked) == ("El Cártel de Sinaloa y la Iniciativa Mérida.", [])


def test_dropped_repeated_and_mangled_tokens_are_problems(termbase):
    masked = mask("Trump said 2024 was worse.{0}", termbase, token)
    t_trump, t_year, t_note = (i.token for i in masked.items)
    assert unmask(f"{t_trump} dijo que fue peor.{t_note}", masked)[1] == [
        "engine dropped number '2024'"
    ]
    assert unmask(f"{t_trump} dijo {t_year} {t_year} peor.{t_note}", masked)[1] == [
        "engine repeated number '2024'"
    ]
    # a mangled token goes back where the engine wrote it, with a note for the reviewer
    text, problems = unmask(f"{t_trump} dijo {t_year} peor.ZX 2 QZ", masked)
    assert text == "Trump dijo 2024 peor.{0}"
    assert problems == ["put back placeholder '{0}' (the engine mangled it: 'ZX 2 QZ')"]
    # a token the engine invented is taken out, never shown
    assert unmask(f"{t_trump} dijo {t_year} peor.{t_note} ZX7QZ", masked) == (
        "Trump dijo 2024 peor.{0}",
        ["engine added tokens, removed: ZX7QZ"],
    )


def test_a_figure_left_to_the_engine_is_checked(termbase):
    masked = mask("With 350–370 people in 2024.", termbase, token, keep_figures=True)
    assert masked.text == "With 350–370 people in 2024." and not masked.items
    assert unmask("Con 350–370 personas en 2024.", masked) == ("Con 350–370 personas en 2024.", [])
    assert unmask("Con 350 personas en 2024.", masked)[1] == ["engine dropped number '350–370'"]


def test_a_term_left_to_the_engine_is_checked(termbase):
    masked = mask("The cartels adapt.", termbase, token, engine_terms=frozenset({"cartels"}))
    assert masked.text == "The cartels adapt." and masked.checked_terms == (
        ("cartels", "cárteles"),
    )
    assert unmask("Los cárteles se adaptan.", masked) == ("Los cárteles se adaptan.", [])
    assert unmask("Los carteles se adaptan.", masked)[1] == ["term 'cartels' should be 'cárteles'"]


# ---------------------------------------------------------------- a broken engine


class BrokenEngine(Engine):
    """An engine that loses the first protected token of every segment, as a real one sometimes does."""

    name = "broken"
    probed = False  # asked nothing: its figures are tokens too, which it may lose

    def available(self, source, target):
        return True

    def model(self, source, target):
        return "broken-1"

    def translate_batch(self, texts, source, target):
        return [text.replace(self.token(0), "", 1) for text in texts]


def test_a_suggestion_that_lost_a_note_marker_goes_to_the_po_fuzzy_with_a_qa_note(
    tmp_path, termbase
):
    # lost inside the sentence: nowhere safe to put it back, so the draft is the source text
    units = [unit_of("About 79,000 Americans died of a drug overdose in 2024.", notes=(2,))]
    suggestions = suggest(
        units, BrokenEngine(), "en", "es_MX", termbase, Memory(tmp_path / "m.jsonl")
    )
    suggestion = suggestions[units[0].msgid]
    assert suggestion.problems == ("engine dropped number '79,000'", SOURCE_KEPT)
    assert suggestion.text == units[0].msgid

    # lost at the end (a note marker): put back there, the reviewer told
    units = [unit_of("Drug overdoses remain the leading cause of death.", notes=(2,))]
    suggestion = suggest(
        units, BrokenEngine(), "en", "es_MX", termbase, Memory(tmp_path / "n.jsonl")
    )[units[0].msgid]
    assert suggestion.problems == ("put back placeholder '{0}' at the end (the engine dropped it)",)
    assert suggestion.text.endswith(".{0}")
    assert check_translation(units[0], suggestion.text) == []

    po = merge(
        build_template(units, "brief"),
        None,
        {units[0].msgid: suggestion},
        Memory(tmp_path / "n.jsonl"),
        termbase,
        "es_MX",
    ).po
    entry = po.find(units[0].msgid)
    assert "fuzzy" in entry.flags
    assert (
        "QA: put back placeholder '{0}' at the end (the engine dropped it)"
        in entry.comment.splitlines()
    )


# ---------------------------------------------------------------- Apertium on the brief


@needs_apertium
def test_apertium_keeps_names_notes_and_links_of_real_sentences(tmp_path, termbase, brief_units):
    wanted = (
        [u for u in brief_units if "Trump" in u.msgid and u.notes][:3]
        + [u for u in brief_units if "Sinaloa Cartel" in u.msgid and u.kind == "paragraph"][:2]
        + [u for u in brief_units if "https://" in u.msgid][:3]
    )
    engine = choose_engine("apertium", "en", "es_MX")
    suggestions = suggest(wanted, engine, "en", "es_MX", termbase, Memory(tmp_path / "m.jsonl"))
    for unit in wanted:
        suggestion = suggestions[unit.msgid]
        assert suggestion.problems == ()
        assert check_translation(unit, suggestion.text) == []
        assert ("Trump" in suggestion.text) == ("Trump" in unit.msgid)
        assert "riunf" not in suggestion.text  # never "Triunfo"
        for url in [w for w in unit.msgid.split() if w.startswith("https://")]:
            assert url.rstrip(".,;") in suggestion.text
        if "Sinaloa Cartel" in unit.msgid and unit.kind == "paragraph":
            assert "Cártel de Sinaloa" in suggestion.text
        assert suggestion.engine == "apertium" and suggestion.model.startswith("eng-spa ")


@needs_apertium
def test_plural_terms_keep_their_agreement_because_apertium_already_knows_them(tmp_path, termbase):
    units = [unit_of("The cartels are strong.")]
    engine = choose_engine("apertium", "en", "es_MX")
    [suggestion] = suggest(
        units, engine, "en", "es_MX", termbase, Memory(tmp_path / "m.jsonl")
    ).values()
    assert suggestion.text == "Los cárteles son fuertes." and suggestion.problems == ()


@needs_apertium
def test_source_text_shaped_like_a_token_comes_back_as_written(tmp_path, termbase):
    """A source that says "ZX0QZ" (a code, a quote of this very tool) keeps it in the draft."""
    units = [unit_of("The code ZX0QZ and zx 12 qz were seen.", notes=(1,))]
    masked = mask(units[0].msgid, termbase, token)
    assert [i.kind for i in masked.items][:2] == ["token", "token"]
    engine = choose_engine("apertium", "en", "es_MX")
    [suggestion] = suggest(
        units, engine, "en", "es_MX", termbase, Memory(tmp_path / "m.jsonl")
    ).values()
    assert suggestion.problems == ()
    assert "ZX0QZ" in suggestion.text and "zx 12 qz" in suggestion.text
