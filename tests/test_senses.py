"""The engine learns word choices from reviews: Apertium itself drafts the reviewers' sense.

Apertium's dictionary offers "drug" as droga or fármaco and drafts "drogas";
reviewers who write "fármacos" in unit after unit teach ``locbrief learn`` a
lexical-selection rule, and a NEW sentence with the word comes out of the real
engine with "fármacos". A choice reviewers contradict is not learned.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from locbrief.translate.engines.apertium import ApertiumEngine
from locbrief.translate.memory import Memory
from locbrief.translate.senses import learn_senses
from locbrief.translate.termbase import Term, Termbase
from support.workflow import workflow_env

STOCK = Path("/usr/share/apertium/modes/eng-spa.mode")
pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/eng-spa.mode").exists(),
    reason="apertium eng-spa is not installed",
)

REVIEWED = [
    # msgid, engine draft, reviewed translation
    ("The drugs are cheap.", "Las drogas son baratas.", "Los fármacos son baratos."),
    ("Doctors prescribe new drugs.", "Los doctores prescriben drogas nuevas.",
     "Los médicos recetan fármacos nuevos."),
    ("This drug works.", "Esta droga trabaja.", "Este fármaco funciona."),
    # "report": reportaje in two units, but informe in a third: contradicted
    ("The report was broadcast.", "El informe fue emitido.", "El reportaje fue emitido."),
    ("A long report aired.", "Un informe largo emitió.", "Un reportaje largo se emitió."),
    ("The report was published.", "El informe fue publicado.", "El informe fue publicado."),
]  # fmt: skip


def project(tmp_path: Path) -> Path:
    memory = Memory(tmp_path / "locales" / "es_MX" / "memory.jsonl")
    for msgid, draft, reviewed in REVIEWED:
        memory.remember("apertium", "m", msgid, draft, msgid, draft)
        memory.remember_reviewed(None, msgid, reviewed)
    memory.save()
    return tmp_path


def learn(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locbrief", "learn", "--lang", "es_MX"],
        cwd=cwd, capture_output=True, text=True, env=workflow_env(), timeout=300,
    )  # fmt: skip


def translate(cwd: Path, text: str) -> str:
    engine = ApertiumEngine(cwd / "locales" / "apertium", cwd / "build" / "apertium")
    return engine.translate_batch([text], "en", "es_MX")[0]


def test_reviewed_word_choices_become_the_engines_choice_for_new_sentences(tmp_path):
    cwd = project(tmp_path)
    new = "Drugs are sold online."
    assert "drogas" in translate(cwd, new).lower()  # Apertium's own choice

    done = learn(cwd)
    assert done.returncode == 0, done.stderr
    assert "engine: drug (n) → fármaco" in done.stdout and "seen in 3 reviewed units" in done.stdout
    learned = cwd / "locales" / "apertium" / "eng-spa.learned.lrx"
    assert 'lemma="drug"' in learned.read_text(encoding="utf-8")
    assert "fármacos" in translate(cwd, new).lower()

    # reviewers wrote both reportaje and informe for "report": no choice learned
    assert 'lemma="report"' not in learned.read_text(encoding="utf-8")
    assert "engine dropped: report (n) → reportaje: contradicted in 1" in done.stdout

    before = learned.stat().st_mtime_ns
    assert learn(cwd).returncode == 0
    assert learned.stat().st_mtime_ns == before  # nothing new: not rewritten


def test_a_hand_written_rule_wins_over_a_learned_choice(tmp_path):
    cwd = project(tmp_path)
    rules = cwd / "locales" / "apertium" / "eng-spa.lrx"
    rules.parent.mkdir(parents=True)
    rules.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rules><rule><match lemma="drug" tags="n.*">'
        '<select lemma="droga"/></match></rule></rules>\n',
        encoding="utf-8",
    )
    done = learn(cwd)
    assert done.returncode == 0, done.stderr
    assert "engine dropped: drug (n) → fármaco: a hand-written rule chooses" in done.stdout
    assert "drogas" in translate(cwd, "Drugs are sold online.").lower()


def test_a_choice_the_termbase_contradicts_is_dropped_with_the_reason():
    termbase = Termbase([Term("drug", "droga", exact_case=False, line=7)], "termbase.tsv")
    learned = learn_senses(REVIEWED, STOCK, None, termbase)
    assert not learned.kept
    assert [(c.name, why) for c, why in learned.dropped if "termbase" in why] == [
        ("drug (n) → fármaco", "the termbase requires 'droga' (line 7)")
    ]


# ---------------------------------------------------------------- words the dictionary lacks

#: (English, the word of the engine's draft, the reviewer's word): "achieve" is only "conseguir"
#: in the dictionary; "lawmakers" is a word the engine does not know (left in English).
NEW_WORDS = [
    ("The government cannot achieve its goals.", "conseguir", "lograr"),
    ("The plan angered lawmakers in both parties.", "lawmakers", "legisladores"),
]  # fmt: skip


def model(cwd: Path) -> str:
    """The engine's model name, which the memory keys machine drafts on."""
    engine = ApertiumEngine(cwd / "locales" / "apertium", cwd / "build" / "apertium")
    return engine.model("en", "es_MX")


def reviewed_drafts(cwd: Path, units) -> list[tuple[str, str, str]]:
    """(msgid, the real engine's draft, the draft with the reviewer's word) for each unit."""
    engine = ApertiumEngine(cwd / "locales" / "apertium", cwd / "build" / "apertium")
    out = []
    for msgid, drafted, reviewed in units:
        raw = engine.translate_batch([msgid], "en", "es_MX")[0]
        draft = engine.unknown_words(raw, msgid)[0]
        assert drafted in draft, draft
        out.append((msgid, draft, draft.replace(drafted, reviewed)))
    return out


def test_a_word_the_dictionary_lacks_is_learned_listed_and_vetoable(tmp_path):
    project(tmp_path)
    memory = Memory(tmp_path / "locales" / "es_MX" / "memory.jsonl")
    for msgid, draft, reviewed in reviewed_drafts(tmp_path, NEW_WORDS):
        memory.remember("apertium", "m", msgid, draft, msgid, draft)
        memory.remember_reviewed(None, msgid, reviewed)
    memory.save()
    assert "consiguen" in translate(tmp_path, "They achieve results.").lower()
    models = [model(tmp_path)]

    done = learn(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "engine: achieve (vblex) → lograr (new word)" in done.stdout
    words = tmp_path / "locales" / "apertium" / "eng-spa.learned.tsv"
    text = words.read_text(encoding="utf-8")
    assert (
        "# seen in 1 reviewed units instead of conseguir; e.g. The government cannot achieve its"
        " goals.\nachieve\tvblex\tlograr\n"
    ) in text
    # the engine's unknown word, with its English lemma and the reviewed word's gender
    assert "lawmaker\tn\tlegislador\tm\n" in text
    assert "logran" in translate(tmp_path, "They achieve results.").lower()
    assert "legislador" in translate(tmp_path, "A lawmaker spoke.").lower()
    models.append(model(tmp_path))

    # The reviewer vetoes "lograr": it stays in the file, out of the engine, and relearning keeps it.
    words.write_text(
        text.replace("achieve\tvblex\tlograr", "#veto achieve\tvblex\tlograr\tconseguir is fine"),
        encoding="utf-8",
    )
    again = learn(tmp_path)
    assert again.returncode == 0, again.stderr
    assert (
        "engine dropped: achieve (vblex) → lograr (new word): vetoed by a reviewer" in again.stdout
    )
    assert "#veto achieve\tvblex\tlograr\tconseguir is fine" in words.read_text(encoding="utf-8")
    assert "consiguen" in translate(tmp_path, "They achieve results.").lower()
    assert "legislador" in translate(tmp_path, "A lawmaker spoke.").lower()
    # the engine's model name changes with what it learned: machine drafts are made again
    models.append(model(tmp_path))
    assert len(set(models)) == 3


def test_a_word_reviewers_translate_another_way_elsewhere_is_not_learned(tmp_path):
    pairs = reviewed_drafts(tmp_path, NEW_WORDS[:1])
    kept = [("Both countries can achieve peace.", "Ambos países pueden conseguir paz.",
             "Ambos países pueden conseguir la paz.")]  # fmt: skip
    learned = learn_senses(pairs + kept, STOCK)
    assert not [c for c in learned.kept if c.english == "achieve"]
    assert [(c.name, why) for c, why in learned.dropped if c.english == "achieve"] == [
        ("achieve (vblex) → lograr (new word)", "contradicted in 1 reviewed unit(s)")
    ]
    # a word the engine did not know, which another reviewer put another way
    pairs = reviewed_drafts(tmp_path, NEW_WORDS[1:])
    other = [("Some lawmakers objected.", "Algunos lawmakers objetaron.",
              "Algunos miembros del Congreso se opusieron.")]  # fmt: skip
    assert [c.name for c in learn_senses(pairs, STOCK).kept] == [
        "lawmaker (n) → legislador (new word)"
    ]
    assert not learn_senses(pairs + other, STOCK).kept
