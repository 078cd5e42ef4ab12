"""Suggestions are remembered: a reworded sentence is the only thing an engine sees again."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from locbrief.model import LocbriefError
from locbrief.read import read_source
from locbrief.translate.engines.apertium import ApertiumEngine
from locbrief.translate.engines.simple import PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.probes import ProbeCache
from locbrief.translate.protect import STAND_INS
from locbrief.translate.segment import segment
from locbrief.translate.suggest import FIGURE_PROBES, suggest
from locbrief.translate.termbase import load_termbase
from locbrief.translate.variety import load_variety
from support.apertium_reference import ProcessPerBatch

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "But making the war on drugs literal will not work."
AFTER = "But making the war on drugs literal cannot work."


class Counting:
    """Mixin for a real engine that keeps every segment it is sent."""

    def __init__(self):
        self.sent: list[str] = []

    def translate_batch(self, texts, source, target):
        self.sent.extend(texts)
        return super().translate_batch(texts, source, target)


class CountingApertium(Counting, ApertiumEngine):
    pass


class CountingPseudo(Counting, PseudoEngine):
    pass


@pytest.fixture(scope="module")
def brief():
    return read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt"))


def reworded(brief):
    doc = copy.deepcopy(brief)
    p1 = next(b for b in doc.blocks if b.id == "p-1")
    p1.content = [
        item.replace(BEFORE, AFTER) if isinstance(item, str) else item for item in p1.content
    ]
    return doc


def term_probes(lang):
    """Terms with a required target, stand-in names and the sentence of figures: each is sent
    alone once, to learn what the engine makes of it."""
    terms = load_termbase(ROOT / "locales" / lang / "termbase.tsv").terms
    stand_ins = sum(len(names) for names in STAND_INS.values())
    return sum(1 for t in terms if t.target) + stand_ins + len(FIGURE_PROBES)


def run(units, engine, lang, memory_path, probes=None):
    memory = Memory(memory_path)
    termbase = load_termbase(ROOT / "locales" / lang / "termbase.tsv")
    suggestions = suggest(units, engine, "en", lang, termbase, memory, probes=probes)
    memory.save()
    return suggestions


@pytest.mark.parametrize("lang", ["es_MX", "pt_BR", "fr", "ca"])
def test_rewording_one_sentence_sends_exactly_one_unit_per_language(tmp_path, brief, lang):
    memory = tmp_path / lang / "memory.jsonl"
    first = CountingPseudo()
    before = run(segment(brief), first, lang, memory)
    assert len(first.sent) > len(before)  # every unit, plus the termbase probe

    again = CountingPseudo()
    after = run(segment(reworded(brief)), again, lang, memory)
    assert len(again.sent) == 1 and "cannot work" in again.sent[0]
    assert set(after) == set(before) - {BEFORE} | {AFTER}
    assert all(after[m] == before[m] for m in after if m != AFTER)


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_with_apertium_the_second_run_asks_only_for_the_reworded_sentence(tmp_path, brief):
    memory = tmp_path / "memory.jsonl"
    run(segment(brief), CountingApertium(), "es_MX", memory)
    again = CountingApertium()
    after = run(segment(reworded(brief)), again, "es_MX", memory)
    # "war on drugs" is a termbase term: the engine sees it as a stand-in name
    assert again.sent == [AFTER.replace("war on drugs", "Florida")]
    assert (
        after[AFTER].text.startswith("Pero haciendo la guerra contra las drogas")
        and after[AFTER].engine == "apertium"
    )


def test_a_new_engine_model_asks_afresh(tmp_path, brief):
    units = segment(brief)[:5]
    run(units, CountingPseudo(), "es_MX", tmp_path / "m.jsonl")

    class NextPseudo(CountingPseudo):
        def model(self, source, target):
            return "pseudo-2"

    newer = NextPseudo()
    run(units, newer, "es_MX", tmp_path / "m.jsonl")
    assert len(newer.sent) == term_probes("es_MX") + len(units)


def test_a_msgid_seen_twice_is_sent_once(tmp_path, brief):
    units = segment(brief)[:3]
    engine = CountingPseudo()
    suggestions = run(units + units, engine, "es_MX", tmp_path / "m.jsonl")
    assert len(engine.sent) == term_probes("es_MX") + 3
    assert len(suggestions) == 3


def test_an_empty_memory_takes_the_probe_answers_an_earlier_run_kept(tmp_path, brief):
    """A new memory (a fresh clone, a new language) does not ask the engine its probes again, and
    ends up the same file: the kept answers are recorded in it as the engine's."""
    units = segment(brief)[:5]
    cache = ProbeCache(tmp_path / "probes")
    first, second = CountingPseudo(), CountingPseudo()
    run(units, first, "es_MX", tmp_path / "first.jsonl", probes=cache)
    run(units, second, "es_MX", tmp_path / "second.jsonl", probes=cache)
    assert len(first.sent) == term_probes("es_MX") + len(units)
    assert second.sent == first.sent[-len(units) :]  # the units, protected
    assert (tmp_path / "first.jsonl").read_bytes() == (tmp_path / "second.jsonl").read_bytes()

    [kept] = (tmp_path / "probes").iterdir()
    kept.write_text("{not json", encoding="utf-8")  # a damaged cache file: asked again, rewritten
    third = CountingPseudo()
    run(units, third, "es_MX", tmp_path / "third.jsonl", probes=cache)
    assert len(third.sent) == len(first.sent)
    assert (tmp_path / "third.jsonl").read_bytes() == (tmp_path / "first.jsonl").read_bytes()


def test_memory_tells_machine_text_from_a_translators(tmp_path, brief):
    units = segment(brief)[:3]
    suggestions = run(units, PseudoEngine(), "es_MX", tmp_path / "m.jsonl")
    memory = Memory(tmp_path / "m.jsonl")
    msgid = units[1].msgid
    assert memory.is_machine(msgid, suggestions[msgid].text)
    assert not memory.is_machine(msgid, "Texto de una traductora.")


def test_a_damaged_memory_line_names_file_and_line(tmp_path):
    path = tmp_path / "memory.jsonl"
    path.write_text('{"engine": "pseudo"}\n', encoding="utf-8")
    with pytest.raises(LocbriefError) as error:
        Memory(path)
    assert str(error.value).startswith(
        f"{path}:1: not a translation-memory record; delete the line"
    )


class OneBatchAtATime(ProcessPerBatch):
    concurrent_batches = 1


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_apertium_batches_side_by_side_write_what_one_at_a_time_writes(tmp_path, brief):
    """The speed work changes no byte: the same suggestions, and the same memory file (its lines
    in the same order), as when each of Apertium's batches runs through its own ``apertium``
    process one after the other and the probes are asked, not taken from the answers kept;
    the variety layer's shortcut (rules skip texts without their literal) rewrites exactly as
    its patterns do."""
    units = segment(brief)
    termbase = load_termbase(ROOT / "locales" / "es_MX" / "termbase.tsv")
    variety = load_variety(ROOT / "locales" / "es_MX" / "variety.tsv", termbase)
    made = {}
    probes = ProbeCache(
        tmp_path / "probes"
    )  # the second run takes the probe answers the first kept
    for name, engine in (("sequential", OneBatchAtATime()), ("side by side", ApertiumEngine())):
        memory = Memory(tmp_path / f"{name}.jsonl")
        found = suggest(
            units, engine, "en", "es_MX", termbase, memory, variety=variety, probes=probes
        )
        memory.save()
        made[name] = found, (tmp_path / f"{name}.jsonl").read_bytes()
    assert ApertiumEngine.concurrent_batches > 1 and len(units) > 2 * ApertiumEngine.batch_size
    assert made["sequential"] == made["side by side"]
    outputs = [r["output"] for r in Memory(tmp_path / "sequential.jsonl").records.values()]
    assert any(rule.needle in t for rule in variety.rules for t in outputs)
    for rule in variety.rules:
        assert all(rule.apply(t) == rule.pattern.sub(rule._replacement, t) for t in outputs)


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
@pytest.mark.parametrize("lang", ["pt_BR", "ca"])
def test_apertium_kept_running_writes_what_a_process_per_batch_writes(tmp_path, brief, lang):
    """Through a pivot (English → Spanish → Portuguese: two modes kept running) and through a
    mode with anaphora resolution and constraint grammar (Catalan: run once per batch, as the
    tagger), the seed's memory is the file ``apertium`` processes, one per batch, write."""
    units = segment(brief)
    termbase = load_termbase(ROOT / "locales" / lang / "termbase.tsv")
    files = []
    for engine in (ProcessPerBatch(), ApertiumEngine()):
        path = tmp_path / f"{len(files)}.jsonl"
        memory = Memory(path)
        suggest(units, engine, "en", lang, termbase, memory)
        memory.save()
        files.append(path.read_bytes())
    assert files[0] == files[1]
