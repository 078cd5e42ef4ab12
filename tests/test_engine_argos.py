"""The Argos engine against tiny real packages built by support/argos_models.py (no downloads, no mocks).

Each test gets its own Argos package folder, data, cache and config folders
through the environment; the engine re-reads argostranslate's settings when
that environment changes, so nothing touches the user's real packages.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import threading
import zipfile
from pathlib import Path

import pytest

from locbrief.translate.engines import (
    EngineError,
    argos,
    choose_engine,
    get_engine,
)
from locbrief.translate.engines.argos import ArgosEngine, install_from_index, install_model
from support import argos_models as fixture

BRIEF = [
    "The policy ZX3QZ costs 45%.",
    "Water and energy prices rose in rural regions ZX0QZ.",
    "Hello",
    "Growth → 7 ZX12QZ",
]


@pytest.fixture(scope="session")
def packages(tmp_path_factory) -> dict[str, Path]:
    """Built once: .argosmodel files for every model the tests install."""

    def build(name, *args, **kwargs):
        return fixture.build_package(tmp_path_factory.mktemp(name), *args, **kwargs)

    return {
        "en_es": build("copy", "en", "es"),
        "en_es_shift": build("shift", "en", "es", mapping=fixture.shift_digits),
        "en_es_lower": build("lower", "en", "es", mapping=fixture.lowercase),
        "en_es_random": build("random", "en", "es", kind="random"),
        "en_es_prefix": build("prefix", "en", "es", version="2.0", target_prefix="__es__"),
        "es_en_shift": build("es_en", "es", "en", mapping=fixture.shift_digits),
        "en_pt_shift": build("en_pt", "en", "pt", mapping=fixture.shift_digits),
        "es_pt": build("es_pt", "es", "pt"),
    }


def _dead_url() -> str:
    """An http URL on a local port nobody listens on: fails at once, never reaches the internet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def argos_home(tmp_path, monkeypatch) -> Path:
    """A private Argos setup: package folder, XDG folders, an unreachable index."""
    for key in [k for k in os.environ if k.startswith("ARGOS_")]:
        monkeypatch.delenv(key)
    for name in ("data", "cache", "config"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(tmp_path / name))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", _dead_url())
    monkeypatch.setenv("ARGOS_DEVICE_TYPE", "cpu")
    return tmp_path / "packages"


@pytest.fixture
def engine() -> ArgosEngine:
    return ArgosEngine()


# ---------------------------------------------------------------- installing


def test_install_model_goes_through_argostranslate(argos_home, packages):
    pkg = install_model(packages["en_es"])
    assert pkg.package_path == argos_home / "translate-en_es-1_0"
    assert (pkg.package_path / "model" / "model.bin").is_file()
    import argostranslate.package

    seen = argostranslate.package.get_installed_packages()  # argos' own listing agrees
    assert [(p.from_code, p.to_code) for p in seen] == [("en", "es")]


def test_settings_follow_the_environment(argos_home, packages, engine, tmp_path, monkeypatch):
    install_model(packages["en_es"])
    assert engine.available("en", "es")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "elsewhere"))
    assert not engine.available("en", "es")
    assert argos.packages_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_home))
    assert engine.available("en", "es")
    # argostranslate imported by someone else, before the environment was set
    monkeypatch.setattr(argos, "_settings_env", None)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "elsewhere"))
    assert not engine.available("en", "es")


@pytest.mark.parametrize(
    "contents, complaint",
    [
        ({"metadata.json": "{}"}, "exactly one folder"),
        ({"pkg/metadata.json": "{}", "pkg/sentencepiece.model": "x"}, "model/model.bin is missing"),
        ({"pkg/metadata.json": "{}", "pkg/model/model.bin": "x"}, "no sentencepiece.model"),
    ],
)
def test_install_model_refuses_what_is_not_a_package(argos_home, tmp_path, contents, complaint):
    path = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in contents.items():
            archive.writestr(name, text)
    with pytest.raises(EngineError, match=complaint):
        install_model(path)
    not_zip = tmp_path / "notes.argosmodel"
    not_zip.write_text("hello")
    with pytest.raises(EngineError, match="zip archive"):
        install_model(not_zip)
    assert argos.installed_packages() == []


def test_install_model_refuses_a_package_for_no_language_pair(argos_home, tmp_path):
    path = tmp_path / "odd.argosmodel"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("pkg/metadata.json", "pkg/model/model.bin", "pkg/sentencepiece.model"):
            archive.writestr(name, "{}")
    with pytest.raises(EngineError, match="names no from_code/to_code"):
        install_model(path)
    assert not (argos_home / "pkg").exists()


def test_reinstalling_replaces_the_model_in_use(argos_home, packages, engine):
    install_model(packages["en_es"])
    assert engine.translate_batch(["Costs 7"], "en", "es") == ["Costs 7"]
    install_model(packages["en_es_shift"])  # same folder name and version, other weights
    assert engine.translate_batch(["Costs 7"], "en", "es") == ["Costs 8"]


# ---------------------------------------------------------------- discovery


def test_available_for_installed_pairs_and_locale_names(argos_home, packages, engine):
    assert not engine.available("en", "es")
    install_model(packages["en_es"])
    assert engine.available("en", "es")
    assert engine.available("en_US", "es_MX")
    assert engine.available("en-GB", "es-419")
    assert not engine.available("en", "de")
    assert not engine.available("es", "en")
    assert engine.model("en", "es_MX") == "translate-en_es 1.0"


def test_locales_map_to_argos_codes():
    assert argos.argos_codes("es_MX") == ["es"]
    assert argos.argos_codes("pt-BR") == ["pb", "pt"]  # Argos' Brazilian packages first
    assert argos.argos_codes("pt_PT") == ["pt"]
    assert argos.argos_codes("zh_TW") == ["zt", "zh"]


def test_pivots_through_english_when_there_is_no_direct_package(argos_home, packages, engine):
    install_model(packages["es_en_shift"])
    install_model(packages["en_pt_shift"])
    assert engine.available("es_MX", "pt_BR")
    assert not engine.available("pt", "es")
    assert engine.model("es", "pt_BR") == "translate-es_en 1.0 + translate-en_pt 1.0"
    # each leg adds one to every digit: two legs ran, in order
    assert engine.translate_batch(["Cuesta 7 ZX1QZ", "Hola"], "es", "pt") == [
        "Cuesta 9 ZX3QZ",
        "Hola",
    ]


def test_direct_package_beats_pivot_and_newest_version_wins(argos_home, packages, engine):
    install_model(packages["es_en_shift"])
    install_model(packages["en_pt_shift"])
    install_model(packages["es_pt"])
    assert engine.model("es", "pt") == "translate-es_pt 1.0"
    assert engine.translate_batch(["Cuesta 7"], "es", "pt") == ["Cuesta 7"]
    install_model(packages["en_es"])
    install_model(packages["en_es_prefix"])
    assert engine.model("en", "es") == "translate-en_es 2.0"


def test_missing_pair_names_engine_pair_and_package_to_install(argos_home, packages, engine):
    install_model(packages["en_es"])
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["Hello"], "en", "de")
    message = str(caught.value)
    assert "\n" not in message and "argos" in message and "en→de" in message
    assert "locbrief install-argos path/to/translate-en_de.argosmodel" in message
    assert "translate-es_en and translate-en_pt" in engine.install_hint("es", "pt_BR")
    with pytest.raises(EngineError, match="install-argos"):
        choose_engine("argos", "en", "de")
    assert isinstance(choose_engine("argos", "en_US", "es"), ArgosEngine)
    assert isinstance(get_engine("argos"), ArgosEngine)


# ---------------------------------------------------------------- translating


class CountingTranslator:
    """Wraps the real ctranslate2.Translator and records each translate_batch call."""

    def __init__(self, translator):
        self.translator, self.calls = translator, []

    def translate_batch(self, source, *args, **kwargs):
        self.calls.append((len(source), kwargs))
        return self.translator.translate_batch(source, *args, **kwargs)


def test_whole_batch_goes_to_ctranslate2_in_one_call(argos_home, packages, engine, monkeypatch):
    install_model(packages["en_es"])
    counters = []

    def counting(pkg, real=argos.translator_for):
        counters.append(CountingTranslator(real(pkg)))
        return counters[-1]

    monkeypatch.setattr(argos, "translator_for", counting)
    texts = [f"{BRIEF[i % len(BRIEF)]} {i}" for i in range(70)] + ["", "   "]
    out = engine.checked_batch(texts, "en", "es")
    assert out == texts  # the copy model gives back what it got; blanks pass through
    assert [len(c.calls) for c in counters] == [1]
    size, options = counters[0].calls[0]
    assert size == 70 and options["max_batch_size"] == argos.MAX_BATCH_SIZE


def test_output_keeps_order_whitespace_and_unknown_characters(argos_home, packages, engine):
    install_model(packages["en_es"])
    texts = ["  Hello ", *BRIEF]
    assert engine.translate_batch(texts, "en", "es") == texts  # '→' is not in the vocabulary


def test_target_prefix_is_forced_and_removed(argos_home, packages, engine):
    install_model(packages["en_es_prefix"])
    # the model copies only after the forced prefix token, so exact output proves both
    assert engine.translate_batch(BRIEF, "en", "es") == BRIEF


def test_random_model_still_answers_once_per_input(argos_home, packages, engine):
    install_model(packages["en_es_random"])
    out = engine.checked_batch(BRIEF * 3, "en", "es")
    assert len(out) == len(BRIEF) * 3 and all(isinstance(text, str) for text in out)
    assert out[: len(BRIEF)] != BRIEF


def test_ctranslate2_crash_is_a_one_line_engine_error(argos_home, packages, engine):
    install_model(packages["en_es"])
    too_long = " ".join(["policy"] * 40)  # more pieces than the model has positions
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["Hello", too_long], "en", "es")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("argos crashed on en→es with translate-en_es 1.0")
    assert "position" in message and "install-argos" in message


def test_broken_model_file_is_an_engine_error(argos_home, packages, engine):
    pkg = install_model(packages["en_es"])
    (pkg.package_path / "model" / "model.bin").write_bytes(b"not a model")
    with pytest.raises(EngineError, match=r"^argos crashed on en→es .*install-argos"):
        engine.translate_batch(["Hello"], "en", "es")


def test_thread_settings_use_the_cores_or_argos_overrides(argos_home, monkeypatch):
    threads = argos._threads()
    cores = os.cpu_count() or 1
    assert threads.inter >= 1 and threads.intra >= 1
    assert cores - threads.inter < threads.inter * threads.intra <= cores
    monkeypatch.setenv("ARGOS_INTER_THREADS", "1")
    monkeypatch.setenv("ARGOS_INTRA_THREADS", "3")
    assert (argos._threads().inter, argos._threads().intra) == (1, 3)


# ---------------------------------------------------------------- protected tokens


def test_tokens_are_distinct_and_found_case_insensitively(engine):
    import re

    tokens = [engine.token(i) for i in range(200)]
    assert len(set(tokens)) == len(set(t.lower() for t in tokens)) == 200
    for i, token in enumerate(tokens):
        others = " ".join(t for j, t in enumerate(tokens) if j != i)
        assert not re.search(re.escape(token), others, re.IGNORECASE)  # ZX1QZ is not inside ZX11QZ
        assert re.fullmatch(r"[A-Z0-9]+", token)  # nothing Argos' decoding or models mangle


def _round_trip(engine, msgid: str, source="en", target="es"):
    from locbrief.translate.protect import mask, unmask
    from locbrief.translate.termbase import Termbase

    masked = mask(msgid, Termbase([]), engine.token)
    assert masked.items, "the test sentence should have protected items"
    output = engine.checked_batch([masked.text], source, target)[0]
    return output, unmask(output, masked)


MSGID = "See {1} at https://example.org/report for 45% more, from 2019 on."


def test_protected_items_survive_a_model_that_copies(argos_home, packages, engine):
    install_model(packages["en_es"])
    _, (text, problems) = _round_trip(engine, MSGID)
    assert problems == [] and text == MSGID


def test_tokens_in_another_case_are_still_recognised(argos_home, packages, engine):
    install_model(packages["en_es_lower"])
    output, (text, problems) = _round_trip(engine, MSGID)
    assert "ZX0QZ" not in output and "zx0qz" in output.lower()  # the model changed their case
    assert problems == []
    assert "{1}" in text and "https://example.org/report" in text and "45%" in text


def test_a_model_that_mangles_tokens_gets_the_unit_flagged(argos_home, packages, engine):
    install_model(packages["en_es_shift"])
    _, (_, problems) = _round_trip(engine, MSGID)
    assert any("dropped" in p for p in problems)


def test_a_garbage_model_gets_the_unit_flagged(argos_home, packages, engine):
    install_model(packages["en_es_random"])
    _, (_, problems) = _round_trip(engine, MSGID)
    assert problems


# ---------------------------------------------------------------- the package index


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def local_index(tmp_path, argos_home, monkeypatch):
    """Serve an argospm-style index.json and package files over http on 127.0.0.1."""
    root = tmp_path / "index"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", url)

    def publish(*package_files: Path) -> Path:
        entries = []
        for path in package_files:
            (root / path.name).write_bytes(path.read_bytes())
            with zipfile.ZipFile(path) as archive:
                top = archive.namelist()[0].split("/")[0]
                metadata = json.loads(archive.read(f"{top}/metadata.json"))
            entries.append({**metadata, "links": [url + path.name]})
        (root / "index.json").write_text(json.dumps(entries), encoding="utf-8")
        return root

    yield publish
    server.shutdown()
    server.server_close()


def test_install_from_index_direct(local_index, packages, engine):
    local_index(packages["en_es"], packages["es_en_shift"])
    installed = install_from_index("en_US", "es_MX")
    assert [argos.package_name(p) for p in installed] == ["translate-en_es 1.0"]
    assert engine.translate_batch(["Costs 7"], "en", "es") == ["Costs 7"]
    assert install_from_index("en", "es") == []  # already there
    assert not list(argos.argos_settings().downloads_dir.iterdir())  # downloads cleaned up


def test_install_from_index_installs_both_legs_of_a_pivot(local_index, packages, engine):
    local_index(packages["es_en_shift"], packages["en_pt_shift"], packages["en_es"])
    installed = install_from_index("es", "pt_BR")
    assert sorted(argos.package_name(p) for p in installed) == [
        "translate-en_pt 1.0",
        "translate-es_en 1.0",
    ]
    assert engine.model("es", "pt") == "translate-es_en 1.0 + translate-en_pt 1.0"
    with pytest.raises(EngineError, match="nothing for en→de"):
        install_from_index("en", "de")


def test_install_from_index_failed_download_is_a_clear_error(local_index, packages):
    served = local_index(packages["en_es"])
    (served / packages["en_es"].name).unlink()  # the index links to a file that is gone
    with pytest.raises(EngineError) as caught:
        install_from_index("en", "es")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("argos: could not download translate-en_es 1.0")
    assert "404" in message and "install-argos FILE" in message
    assert argos.installed_packages() == []


def test_install_from_index_offline_is_a_clear_error(argos_home):
    with pytest.raises(EngineError) as caught:
        install_from_index("en", "es")
    message = str(caught.value)
    assert "\n" not in message
    assert "cannot download the package index" in message and "install-argos FILE" in message
