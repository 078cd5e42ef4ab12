"""The draft learns from the team: corrections translators repeat, terms they settle on.

A translator fixes "pólizas" → "políticas" in one unit after another; once the
memory has seen it often enough, and never seen it refused, new machine drafts
come with the fix, named in the PO, and a reviewer can read, edit or veto the
rule in locales/<lang>/learned.tsv. Real Apertium and the real workflow where
users meet them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import sacrebleu

from locbrief.catalog.template import assign_contexts
from locbrief.model import LEARNED_PREFIX, LocbriefError
from locbrief.read import read_source
from locbrief.translate.engines import choose_engine
from locbrief.translate.engines.apertium import VOCABULARY_DIR, ApertiumEngine
from locbrief.translate.learn import (
    Corrections,
    LearnedRule,
    learn,
    load_corrections,
    reviewed_pairs,
)
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.senses import learn_engine
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Term, Termbase, load_termbase
from locbrief.translate.variety import load_variety
from support import DATA, PUBLISHED_BRIEF, REPO
from support.workflow import copy_workflow, snakemake, workflow_env

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium is not installed"
)
REFERENCE = DATA / "draft-reference.es_MX.po"

# ---------------------------------------------------------------- learning, small cases

POLICY = [
    ("a", "Estas pólizas fallaron.", "Estas políticas fallaron."),
    ("b", "Las pólizas de México cambian.", "Las políticas de México cambian."),
    ("c", "Nuevas pólizas llegan.", "Nuevas políticas llegan."),
]


def rules(learned) -> set[tuple[str, str]]:
    return {(r.source, r.target) for r in learned.kept}


def test_an_edit_translators_repeat_becomes_a_rule_with_its_evidence():
    learned = learn(POLICY)
    (rule,) = [r for r in learned.kept if r.source == "pólizas"]
    assert (rule.target, rule.seen) == ("políticas", 3)
    assert rule.note.startswith("e.g. ")  # an English example for the reviewer


def test_an_edit_seen_once_is_not_a_rule():
    assert ("pólizas", "políticas") not in rules(learn(POLICY[:1]))


def test_a_rule_the_translators_refused_once_is_dropped_with_the_reason():
    kept = ("d", "Las pólizas de seguro subieron.", "Las pólizas de seguro subieron.")
    learned = learn([*POLICY, kept])
    assert ("pólizas", "políticas") not in rules(learned)
    assert any(r.source == "pólizas" and "contradicted in 1" in why for r, why in learned.dropped)


def test_translators_who_disagree_teach_no_rule():
    pairs = [
        ("a", "Acción militar fallará.", "La acción militar fallará."),
        ("b", "Acción rápida ayuda.", "La acción rápida ayuda."),
        ("c", "Acción directa dañará.", "Una acción directa dañará."),
        ("d", "Acción conjunta servirá.", "Una acción conjunta servirá."),
    ]
    learned = learn(pairs)
    assert not [r for r in learned.kept if r.source == "Acción"]
    assert any("translators disagree" in why for _, why in learned.dropped)


@pytest.mark.parametrize(
    "draft, reviewed, why",
    [
        ("Vio a Triunfo aquí {0}.", "Vio a Trump aquí {0}.", "protected name"),  # termbase target
        ("Costó 5 pesos.", "Costó 6 pesos.", "number"),
        ("Para parar los cárteles.", "Para detener los cárteles.", None),  # a sane control
    ],
    ids=["termbase-name", "number", "control"],
)
def test_a_rule_that_would_touch_protected_text_is_dropped(draft, reviewed, why):
    termbase = Termbase([Term("Triunfo", None, True, line=2)], "termbase.tsv")
    pairs = [(f"{i}", f"{draft} Uno{i}", f"{reviewed} Uno{i}") for i in range(3)]
    learned = learn(pairs, termbase)
    if why is None:
        assert learned.kept and not learned.dropped
    else:
        assert not learned.kept
        assert any(why in reason for _, reason in learned.dropped)


def test_an_insertion_is_learned_with_a_word_on_each_side_so_it_cannot_loop():
    pairs = [
        (f"{i}", f"Hay que debilitar los cárteles {i}.", f"Hay que debilitar a los cárteles {i}.")
        for i in range(3)
    ]
    learned = learn(pairs)
    assert ("debilitar los", "debilitar a los") in rules(learned)
    text, _ = Corrections(learned.kept).apply("Deben debilitar los grupos y debilitar a los otros.")
    assert text == "Deben debilitar a los grupos y debilitar a los otros."


def test_corrections_never_touch_placeholders_tags_urls_or_protected_names():
    corrections = Corrections([LearnedRule("pólizas", "políticas", 3)])
    text = "Las pólizas {0} <em1>pólizas</em1> https://x.org/pólizas Pólizas Unidas y pólizas."
    fixed, names = corrections.apply(text, shields=("Pólizas Unidas",))
    assert (
        fixed
        == "Las políticas {0} <em1>políticas</em1> https://x.org/pólizas Pólizas Unidas y políticas."
    )
    assert names == ("pólizas → políticas",)
    assert corrections.apply("Nada que cambiar.") == ("Nada que cambiar.", ())


# ---------------------------------------------------------------- the rules file

HEADER = "from\tto\tseen\tveto\tnote\n"


@pytest.mark.parametrize(
    "row, message",
    [
        ("pólizas\n", "'from' and 'to'"),
        ("pólizas\tpólizas\t2\n", "'from' and 'to'"),
        ("pólizas\tpolíticas\tmany\n", "'seen' must be a number"),
        ("{0}\tpolíticas\t2\n", "placeholder"),
        ("Trump\tTriunfo\t\n", "protected name"),
        ("los\tlos dos\t2\n", "would loop"),
        ("5 pesos\tcinco pesos\t2\n", "number"),
    ],
    ids=["one-cell", "same", "seen-word", "placeholder", "termbase", "loop", "number"],
)
def test_a_bad_line_in_the_rules_file_is_one_error_naming_file_and_line(tmp_path, row, message):
    path = tmp_path / "learned.tsv"
    path.write_text("# comment\n" + HEADER + "parar\tdetener\t2\t\tok\n" + row, encoding="utf-8")
    termbase = Termbase([Term("Trump", None, True, line=3)], "termbase.tsv")
    with pytest.raises(LocbriefError) as error:
        load_corrections(path, termbase)
    assert str(error.value).startswith(f"{path}:4: ") and message in str(error.value)


def test_a_vetoed_rule_is_read_but_never_applied(tmp_path):
    path = tmp_path / "learned.tsv"
    path.write_text(HEADER + "pólizas\tpolíticas\t3\tinsurance brief\n", encoding="utf-8")
    assert load_corrections(path).apply("Las pólizas.") == ("Las pólizas.", ())


# ---------------------------------------------------------------- the commands


def locbrief(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locbrief", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=workflow_env(),
        timeout=120,
    )


def memory_with(tmp_path: Path, pairs) -> Path:
    path = tmp_path / "locales" / "es_MX" / "memory.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    memory = Memory(path)
    for msgid, draft, reviewed in pairs:
        memory.remember("apertium", "m", msgid, draft, msgid, draft)
        memory.remember_reviewed(None, msgid, reviewed)
    memory.save()
    return path


def test_locbrief_learn_writes_the_rules_lists_their_evidence_and_keeps_a_veto(tmp_path):
    memory_with(tmp_path, POLICY)
    first = locbrief("learn", "--lang", "es_MX", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "   3  pólizas → políticas" in first.stdout
    rules_file = tmp_path / "locales" / "es_MX" / "learned.tsv"
    assert "pólizas\tpolíticas\t3\t\te.g. " in rules_file.read_text(encoding="utf-8")

    # The reviewer vetoes it and adds a rule of their own; learning again keeps both.
    text = rules_file.read_text(encoding="utf-8").replace("\t3\t\te.g.", "\t3\tinsurance\te.g.")
    rules_file.write_text(text + "Finalmente\tPor último\t\t\tmine\n", encoding="utf-8")
    again = locbrief("learn", "--lang", "es_MX", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "vetoed: insurance" in again.stdout and "own  Finalmente → Por último" in again.stdout
    kept = rules_file.read_bytes()
    assert b"\tinsurance\t" in kept and b"Finalmente\tPor \xc3\xbaltimo\t\t\tmine" in kept
    assert load_corrections(rules_file).apply("Las pólizas. Finalmente") == (
        "Las pólizas. Por último",
        ("Finalmente → Por último",),
    )
    before = rules_file.stat().st_mtime_ns
    assert locbrief("learn", "--lang", "es_MX", cwd=tmp_path).returncode == 0
    assert rules_file.stat().st_mtime_ns == before  # nothing learned anew: not rewritten


def test_a_bad_rules_file_stops_learn_with_file_and_line(tmp_path):
    memory_with(tmp_path, POLICY)
    rules_file = tmp_path / "locales" / "es_MX" / "learned.tsv"
    rules_file.write_text(HEADER + "pólizas\tpolíticas\tlots\n", encoding="utf-8")
    done = locbrief("learn", "--lang", "es_MX", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "locales/es_MX/learned.tsv:2: 'seen' must be a number" in done.stderr


def test_terms_learn_proposes_entries_and_writes_the_termbase_only_when_asked(tmp_path):
    pairs = [
        ("The DEA asked the Defense Department.", "La DEA pidió al Departamento de Defensa."),
        ("The Defense Department said no.", "El Departamento de Defensa dijo que no."),
        ("Defense Secretary Pete Hegseth agreed.", "El secretario de Defensa Pete Hegseth aceptó."),
    ]
    sources = [s for s, _ in pairs]
    pairs = [("", "x", r) for _, r in pairs]
    memory_with(tmp_path, [(s, d, r) for s, (_, d, r) in zip(sources, pairs)])
    termbase = tmp_path / "locales" / "es_MX" / "termbase.tsv"
    termbase.write_text("source\ttarget\tcase\tnote\n", encoding="utf-8")
    shown = locbrief("terms", "--learn", "--lang", "es_MX", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "DEA\t=\texact\t" in shown.stdout
    assert (
        "Defense Department\tDepartamento de Defensa\texact\tlearned from 2 reviewed unit(s)"
        in shown.stdout
    )
    assert "Defense Secretary Pete Hegseth\tsecretario de Defensa Pete Hegseth\t" in shown.stdout
    assert termbase.read_text(encoding="utf-8") == "source\ttarget\tcase\tnote\n"
    written = locbrief("terms", "--learn", "--lang", "es_MX", "--write", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert load_termbase(termbase, "es_MX").find("the Defense Department")[0].term.target == (
        "Departamento de Defensa"
    )


# ---------------------------------------------------------------- with real Apertium


def reference_units():
    reference = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(REFERENCE))}
    units = {
        u.key: u
        for u in segment(read_source(DATA / f"{PUBLISHED_BRIEF}.txt"))
        if u.key in reference
    }
    return list(units.values()), reference


@needs_apertium
def test_reviewing_half_a_brief_improves_the_draft_of_the_other_half(tmp_path):
    units, reference = reference_units()
    reviewed, held_back = units[: len(units) // 2], units[len(units) // 2 :]
    engine = choose_engine("apertium", "en", "es_MX")
    termbase = load_termbase(REPO / "locales" / "es_MX" / "termbase.tsv")
    variety = load_variety(REPO / "locales" / "es_MX" / "variety.tsv", termbase)
    memory = Memory(tmp_path / "memory.jsonl")

    def chrf(corrections=None, engine=engine) -> float:
        drafts = suggest(
            units, engine, "en", "es_MX", termbase, memory, variety=variety, corrections=corrections
        )
        return sacrebleu.corpus_chrf(
            [drafts[u.msgid].text for u in held_back], [[reference[u.key] for u in held_back]]
        ).score

    before = chrf()
    for unit in reviewed:
        memory.remember_reviewed(unit.context, unit.msgid, reference[unit.key])
    learned = learn(reviewed_pairs(memory), termbase)
    after = chrf(Corrections(learned.kept))
    assert after > before
    # The memory keeps each draft as the engine wrote it: learning again finds the same rules.
    assert rules(learn(reviewed_pairs(memory), termbase)) == rules(learned)
    # The engine learns from the same half (choices and words): its own drafts improve too.
    vocabulary = tmp_path / "apertium"
    shutil.copytree(REPO / VOCABULARY_DIR, vocabulary)
    taught = learn_engine(reviewed_pairs(memory), "es_MX", vocabulary, tmp_path / "build", termbase)
    for path, text in taught.texts.items():
        path.write_text(text, encoding="utf-8")
    assert any(choice.new for choice in taught.kept)
    assert chrf(engine=ApertiumEngine(vocabulary, tmp_path / "build")) > before


#: The reference of a second brief nobody tuned the engine or the learning to (its X-Brief header
#: names the brief); the held-back test drafts it, never learns from it.
UNSEEN_REFERENCE = DATA / "reference-remittance-tax.es_MX.po"


def units_of(reference_po: Path):
    """The units of the brief a reference PO translates, and the reference, by unit key."""
    po = polib.pofile(str(reference_po))
    reference = {(e.msgctxt, e.msgid): e.msgstr for e in po if e.msgstr}
    brief = read_source(REPO / po.metadata["X-Brief"])
    units = {u.key: u for u in assign_contexts(segment(brief)) if u.key in reference}
    assert len(units) == len(reference)
    return list(units.values()), reference


@needs_apertium
def test_reviewing_a_brief_improves_the_draft_of_an_unseen_brief(tmp_path):
    """Held back: the team reviews the seed brief; the engine and the corrections learn from it
    alone, and the draft of another brief (another subject) comes out closer to its reference."""
    seed, seed_reference = reference_units()
    unseen, reference = units_of(UNSEEN_REFERENCE)
    termbase = load_termbase(REPO / "locales" / "es_MX" / "termbase.tsv")
    variety = load_variety(REPO / "locales" / "es_MX" / "variety.tsv", termbase)
    memory = Memory(tmp_path / "memory.jsonl")

    def chrf(engine, corrections=None) -> float:
        drafts = suggest(
            seed + unseen, engine, "en", "es_MX", termbase, memory, variety=variety,
            corrections=corrections,
        )  # fmt: skip
        return sacrebleu.corpus_chrf(
            [drafts[u.msgid].text for u in unseen], [[reference[u.key] for u in unseen]]
        ).score

    before = chrf(ApertiumEngine(REPO / VOCABULARY_DIR, tmp_path / "build"))
    for unit in seed:
        memory.remember_reviewed(unit.context, unit.msgid, seed_reference[unit.key])
    pairs = reviewed_pairs(memory)
    assert {msgid for msgid, _, _ in pairs} == {u.msgid for u in seed}  # nothing of the unseen
    vocabulary = tmp_path / "apertium"
    shutil.copytree(REPO / VOCABULARY_DIR, vocabulary)
    engine_learned = learn_engine(pairs, "es_MX", vocabulary, tmp_path / "build", termbase)
    for path, text in engine_learned.texts.items():
        path.write_text(text, encoding="utf-8")
    assert engine_learned.kept
    corrections = Corrections(learn(pairs, termbase).kept)
    after = chrf(ApertiumEngine(vocabulary, tmp_path / "build"), corrections)
    assert after > before


@needs_apertium
@pytest.mark.slow
def test_a_changed_rules_file_redrafts_machine_units_and_never_reviewed_ones(tmp_path):
    workdir = copy_workflow(tmp_path, languages=["es_MX"])
    target = f"build/{PUBLISHED_BRIEF}/es_MX.merge.json"
    first = snakemake(workdir, target)
    assert first.returncode == 0, first.stderr[-3000:]
    po_path = workdir / "locales" / "es_MX" / "LC_MESSAGES" / f"{PUBLISHED_BRIEF}.po"
    _, reference = reference_units()
    po = polib.pofile(str(po_path))
    for entry in po:  # the translator reviews the units the reference covers
        if (entry.msgctxt, entry.msgid) in reference:
            entry.msgstr = reference[entry.msgctxt, entry.msgid]
            entry.flags.remove("fuzzy")
    po.save()
    assert snakemake(workdir, target).returncode == 0  # the reviews reach the memory
    before = {e.msgid: e for e in polib.pofile(str(po_path))}

    learned = locbrief("learn", "--lang", "es_MX", cwd=workdir)
    assert learned.returncode == 0, learned.stderr
    corrections = load_corrections(workdir / "locales" / "es_MX" / "learned.tsv")
    senses = workdir / "locales" / "apertium" / "eng-spa.learned.lrx"
    rerun = snakemake(workdir, target)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "rule suggest" in rerun.stdout + rerun.stderr  # the rules file is suggest's input

    changed = 0
    for entry in polib.pofile(str(po_path)):
        old = before[entry.msgid]
        comments = [c for c in entry.comment.split("\n") if c.startswith(LEARNED_PREFIX)]
        if "fuzzy" not in old.flags:
            assert entry.msgstr == old.msgstr and not comments  # human text is never touched
        elif entry.msgstr != old.msgstr:
            changed += 1
            expected, names = corrections.apply(old.msgstr)
            if not names:  # the engine itself changed: `learn` also taught it sense choices
                assert senses.exists() and not comments
            elif not senses.exists():
                assert comments == [LEARNED_PREFIX + "; ".join(names)]
                assert entry.msgstr == expected
            else:  # the rules ran on the engine's new draft: those that matched it are named
                assert len(comments) <= 1
                named = comments[0].removeprefix(LEARNED_PREFIX).split("; ") if comments else []
                assert set(named) <= {rule.name for rule in corrections.rules}
    assert changed > 0
    assert "Nothing to be done" in (again := snakemake(workdir, target)).stdout + again.stderr
