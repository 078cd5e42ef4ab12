"""Apertium as the pipeline uses it: its costly stages started once, clear errors when it misbehaves.

Process counts and failures are observed with small shell scripts put first on
PATH under the names of Apertium's programs: a wrapper that logs each start and
runs the real program, and fakes that hang, crash or answer short.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from locbrief.read import read_source
from locbrief.translate.engines import EngineError, choose_engine, get_engine
from locbrief.translate.engines.apertium import ApertiumEngine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase

ROOT = Path(__file__).resolve().parents[1]
REAL_APERTIUM = shutil.which("apertium")
pytestmark = pytest.mark.skipif(REAL_APERTIUM is None, reason="apertium is not installed")


def put_first_on_path(monkeypatch, folder: Path, script: str, program: str = "apertium") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / program
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return path


def log_starts(monkeypatch, folder: Path, program: str) -> Path:
    """Each start of ``program`` (its arguments) logged in a file, the real program run."""
    log = folder / f"{program}.log"
    real = shutil.which(program)
    put_first_on_path(monkeypatch, folder, f'echo "$@" >> {log}\nexec {real} "$@"\n', program)
    log.write_text("")
    return log


@pytest.fixture(scope="module")
def brief_units():
    return segment(read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt")))


def test_the_costly_stages_start_once_the_tagger_once_per_batch(tmp_path, monkeypatch, brief_units):
    """The analyser, the dictionaries, the transfer rules and the generator load once for all
    batches; the tagger, which remembers earlier sentences, starts for each."""
    taggers = log_starts(monkeypatch, tmp_path / "bin", "apertium-tagger")
    transducers = log_starts(monkeypatch, tmp_path / "bin", "lt-proc")
    transfers = log_starts(monkeypatch, tmp_path / "bin", "apertium-postchunk")
    units = brief_units[:150]
    termbase = load_termbase(ROOT / "locales" / "es_MX" / "termbase.tsv")
    engine = ApertiumEngine(ROOT / "locales" / "apertium", tmp_path / "build")
    suggestions = suggest(
        units, engine, "en", "es_MX", termbase, Memory(tmp_path / "m.jsonl"), batch_size=64
    )
    term_probe = 1  # terms, stand-in names and figures, each sent alone, in one batch
    batches = math.ceil(len({u.msgid for u in units}) / 64)
    assert len(taggers.read_text().splitlines()) == batches + term_probe
    [mode] = (tmp_path / "build").glob("eng-spa-*")
    [postchunk] = transfers.read_text().splitlines()
    assert postchunk.startswith("-z ") and "eng-spa.t3x" in postchunk
    assert str(mode) in (mode / "modes" / "locbrief-eng-spa.mode").read_text()
    assert len(suggestions) == len({u.msgid for u in units})
    # the analyser, the bilingual dictionary, the generator, the post-generator: once each (the
    # build runs lt-proc too, without -z, to try the vocabulary)
    kept = [line for line in transducers.read_text().splitlines() if line.startswith("-z ")]
    assert len(kept) == 4 and any(line.endswith("automorf.bin") for line in kept)
    taggers.write_text("")
    suggest(units[:64], engine, "en", "es_MX", termbase, Memory(tmp_path / "m2.jsonl"))
    assert len(taggers.read_text().splitlines()) == 1 + term_probe
    assert len(transfers.read_text().splitlines()) == 1  # still running, not started again
    assert transducers.read_text().splitlines()[-4:] == kept  # none started since


def test_a_pivot_pair_runs_each_hop_once_per_batch(tmp_path, monkeypatch):
    taggers = log_starts(monkeypatch, tmp_path / "bin", "apertium-tagger")
    engine = ApertiumEngine(vocabulary_dir=tmp_path)  # the pair as Debian ships it
    out = engine.checked_batch(
        ["The cartels adapt.", "Mexico is a sovereign country."], "en", "pt_BR"
    )
    models = [Path(line.split()[-1]).name for line in taggers.read_text().splitlines()]
    assert models == ["eng-spa.prob", "es-pt.prob"]
    assert out[0].endswith("adaptam.") and "país soberano" in out[1]  # Portuguese, in order
    assert engine.model("en", "pt_BR").startswith("eng-spa ") and " | es-pt_BR " in engine.model(
        "en", "pt_BR"
    )


def test_units_without_final_punctuation_do_not_bleed_into_each_other():
    out = ApertiumEngine().checked_batch(
        ["cartel", "cartels", "Cartel", "Key points"], "en", "es_MX"
    )
    assert [o.casefold() for o in out] == ["cártel", "cárteles", "cártel", "puntos claves"]


def test_each_suggestion_records_engine_model_and_version(tmp_path):
    version = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "apertium-eng-spa"], capture_output=True, text=True
    ).stdout.strip()
    units = segment(read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt")))[:2]
    stock = ApertiumEngine(vocabulary_dir=tmp_path)
    suggestions = suggest(
        units, stock, "en", "es_MX", load_termbase(None), Memory(tmp_path / "m.jsonl")
    )
    assert {(s.engine, s.model) for s in suggestions.values()} == {
        ("apertium", f"eng-spa {version} (unknown words marked)")
    }
    project = ApertiumEngine(ROOT / "locales" / "apertium", tmp_path / "build")
    assert re.fullmatch(
        rf"eng-spa {re.escape(version)} \+ locbrief vocabulary [0-9a-f]{{12}} \(unknown words marked\)",
        project.model("en", "es_MX"),
    )


# ---------------------------------------------------------------- misbehaving apertium


@pytest.mark.parametrize("program", ["apertium-destxt", "apertium-postchunk"])
def test_a_hanging_apertium_is_stopped_and_named(tmp_path, monkeypatch, program):
    """A stage run once per batch (the deformatter) or one kept running (postchunk) hangs."""
    put_first_on_path(monkeypatch, tmp_path / "bin", "sleep 30\n", program)
    engine = ApertiumEngine(vocabulary_dir=tmp_path)
    engine.timeout = 1
    with pytest.raises(EngineError) as error:
        engine.checked_batch(["Trump met Sheinbaum.", "Second unit."], "en", "es_MX")
    assert str(error.value) == (
        "apertium eng-spa hung for more than 1 s on a batch of 2 units "
        "starting 'Trump met Sheinbaum.'"
    )


@pytest.mark.parametrize("program", ["apertium-destxt", "apertium-postchunk"])
def test_a_crashing_apertium_gives_its_last_message(tmp_path, monkeypatch, program):
    put_first_on_path(
        monkeypatch,
        tmp_path / "bin",
        'echo "Error: eng-spa.t3x.bin not usable" >&2\nexit 1\n',
        program,
    )
    with pytest.raises(EngineError) as error:
        ApertiumEngine(vocabulary_dir=tmp_path).checked_batch(
            ["Trump met Sheinbaum."], "en", "es_MX"
        )
    assert str(error.value) == (
        "apertium eng-spa failed (exit 1) on a batch of 1 units starting "
        "'Trump met Sheinbaum.': Error: eng-spa.t3x.bin not usable"
    )


def test_an_apertium_whose_stages_cannot_start_is_one_line(tmp_path, monkeypatch):
    """suggest starts the stages at its first text for the engine (prepare): the same one line."""
    put_first_on_path(
        monkeypatch,
        tmp_path / "bin",
        'echo "Error: no such mode" >&2\nexit 1\n',
        "apertium-wblank-mode",
    )
    with pytest.raises(EngineError) as error:
        ApertiumEngine(vocabulary_dir=tmp_path).prepare("en", "es_MX")
    assert str(error.value) == "apertium eng-spa failed (exit 1) when starting: Error: no such mode"


def test_an_apertium_that_answers_short_is_refused(tmp_path, monkeypatch):
    put_first_on_path(monkeypatch, tmp_path / "bin", "head -n 1\n", "apertium-retxt")
    with pytest.raises(EngineError) as error:
        ApertiumEngine(vocabulary_dir=tmp_path).checked_batch(
            ["One.", "Two.", "Three."], "en", "es_MX"
        )
    assert (
        str(error.value)
        == "apertium eng-spa returned 1 segments for 3 sent; batch starts with 'One.'"
    )
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------- choosing an engine


def test_a_pair_without_an_engine_says_what_to_install():
    with pytest.raises(EngineError) as error:
        choose_engine("apertium", "en", "de")
    assert str(error.value) == (
        "no apertium engine installed for en→de: Debian has no Apertium package "
        "for en→de (choose another engine for de)"
    )


def test_a_missing_apertium_says_which_debian_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no apertium anywhere on PATH
    with pytest.raises(EngineError) as error:
        choose_engine("apertium", "en", "pt_BR")
    assert str(error.value).endswith(
        "apt-get install apertium apertium-lex-tools-dev lttoolbox-dev apertium-eng-spa apertium-es-pt"
    )


def test_auto_takes_argos_when_installed_and_apertium_otherwise():
    argos_ready = get_engine("argos").available("en", "es_MX")
    assert choose_engine("auto", "en", "es_MX").name == ("argos" if argos_ready else "apertium")
