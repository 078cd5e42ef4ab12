"""LibreTranslate over HTTP against a local server with its documented contract.

Batched ``q`` arrays, the server's language list read before anything is sent, pivots
through English or Spanish, API keys (none, missing, wrong), its limits, and broken answers.
"""

from __future__ import annotations

import pytest

from locbrief.model import Unit
from locbrief.translate.engines import EngineError, get_engine
from locbrief.translate.memory import Memory
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Termbase
from servers.base import serving
from servers.libretranslate_api import LibreTranslateServer

PLACES = (
    "Sinaloa Sonora Chihuahua Durango Jalisco Colima Guerrero Oaxaca Chiapas Tabasco Puebla Hidalgo"
)
SENTENCES = [f"The war on drugs and the cartels of {place}.{{0}}" for place in PLACES.split()]


def units(texts):
    return [Unit(msgid=t, block=f"b{i}", kind="paragraph", index=0) for i, t in enumerate(texts)]


def engine(server, **settings):
    return get_engine("libretranslate", {"url": server.url, "timeout": 2, "retries": 1, **settings})


@pytest.fixture
def no_key(monkeypatch):
    monkeypatch.delenv("LIBRETRANSLATE_API_KEY", raising=False)


def test_units_go_in_batched_q_arrays_within_the_servers_limits(no_key):
    with serving(LibreTranslateServer(batch_limit=5, char_limit=300)) as server:
        memory = Memory(None)
        out = suggest(
            units(SENTENCES),
            engine(server, batch_size=5, max_chars=300),
            "en",
            "es_MX",
            Termbase([]),
            memory,
        )
        calls = server.calls("/translate")
        assert [len(c["params"]["q"]) for c in calls] == [5, 5, 2]
        assert all(c["params"]["source"] == "en" and c["params"]["target"] == "es" for c in calls)
        assert all(c["params"]["format"] == "text" and "api_key" not in c["params"] for c in calls)
        assert server.requests[0]["path"] == "/languages"  # the language list came first
        text = out[SENTENCES[0]].text
        assert text == "El guerra contra drogas y el cárteles de Sinaloa.{0}"
        assert not out[SENTENCES[0]].problems and out[SENTENCES[0]].model == "en→es"


def test_a_pair_the_server_lacks_goes_through_spanish(no_key):
    with serving(LibreTranslateServer()) as server:
        out = suggest(
            units(SENTENCES[:2]), engine(server), "en", "pt_BR", Termbase([]), Memory(None)
        )
        hops = [(c["params"]["source"], c["params"]["target"]) for c in server.calls("/translate")]
        assert hops == [("en", "es"), ("es", "pb")]
        assert out[SENTENCES[0]].model == "en→es→pb"
        assert out[SENTENCES[0]].text.startswith("O guerra contra drogas e o cárteles")


def test_a_pair_out_of_reach_stops_before_anything_is_sent(no_key):
    with serving(LibreTranslateServer()) as server:
        with pytest.raises(EngineError) as error:
            suggest(units(SENTENCES), engine(server), "en", "ca", Termbase([]), Memory(None))
        assert "offers no en→ca, directly or through en or es" in str(error.value)
        assert not server.calls("/translate")


def test_the_key_travels_in_the_body_and_never_in_a_message(monkeypatch):
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", "lt-secret-1")
    with serving(LibreTranslateServer(keys={"lt-secret-1"})) as server:
        suggest(units(SENTENCES[:1]), engine(server), "en", "es", Termbase([]), Memory(None))
        assert server.calls("/translate")[0]["params"]["api_key"] == "lt-secret-1"
    monkeypatch.setenv("LIBRETRANSLATE_API_KEY", "lt-wrong-2")
    with serving(LibreTranslateServer(keys={"lt-secret-1"})) as server:
        with pytest.raises(EngineError) as error:
            suggest(units(SENTENCES[:1]), engine(server), "en", "es", Termbase([]), Memory(None))
        assert "refused the key in LIBRETRANSLATE_API_KEY (HTTP 403: Invalid API key)" in str(
            error.value
        )
        assert "lt-wrong-2" not in str(error.value)


def test_a_server_that_wants_a_key_says_which_variable_to_set(no_key):
    with (
        serving(LibreTranslateServer(keys={"k"})) as server,
        pytest.raises(EngineError, match="needs a key: set LIBRETRANSLATE_API_KEY"),
    ):
        engine(server).preflight("en", "es")


def test_limits_lower_than_the_batches_name_the_settings(no_key):
    with (
        serving(LibreTranslateServer(batch_limit=2)) as server,
        pytest.raises(
            EngineError,
            match="set engines.libretranslate.batch_limit and char_limit to the server's "
            "--batch-limit and --char-limit",
        ),
    ):
        suggest(units(SENTENCES), engine(server), "en", "es", Termbase([]), Memory(None))


LONG = (
    "The war on drugs and the cartels of Sinaloa, of Sonora and of Chihuahua, "
    "of Durango and of Jalisco; the war on drugs and the cartels of Colima and of Guerrero. "
    "The new policy will not work.{0}"
)


@pytest.mark.parametrize("told", [False, True])
def test_a_text_longer_than_the_per_text_limit_goes_in_clauses_and_comes_back_whole(no_key, told):
    """--char-limit counts each text (LibreTranslate 1.9.6), not the request: a 166-character
    unit under a 70-character limit goes in pieces cut at its clauses, all in one request."""
    settings = {"char_limit": 70, "max_chars": 5000} if told else {}
    with serving(LibreTranslateServer(char_limit=70)) as server:
        out = suggest(
            units([LONG, "A new report."]),
            engine(server, **settings),
            "en",
            "es",
            Termbase([]),
            Memory(None),
        )
        (call,) = server.calls("/translate")
    sent = call["params"]["q"]
    assert len(sent) > 2 and max(len(t) for t in sent) <= 70 and sum(map(len, sent)) > 70
    assert out[LONG].text == (
        "El guerra contra drogas y el cárteles de Sinaloa, de Sonora y de Chihuahua, de Durango "
        "y de Jalisco; el guerra contra drogas y el cárteles de Colima y de Guerrero. El nueva "
        "política va no funcionar.{0}"
    )
    assert not out[LONG].problems


def test_a_word_longer_than_the_per_text_limit_names_the_setting(no_key):
    word = "x" * 80
    with (
        serving(LibreTranslateServer(char_limit=70)) as server,
        pytest.raises(EngineError, match=r"a word longer than 70 characters.*char_limit"),
    ):
        suggest(units([f"The {word}."]), engine(server), "en", "es", Termbase([]), Memory(None))


@pytest.mark.parametrize(
    "fault, expected",
    [
        ("html", "answered with HTML (HTTP 200); check engines.libretranslate.url"),
        ("badjson", "answered with text that is not JSON"),
        ("truncate", "the answer was cut off"),
        ("hang", "no answer from"),
        (500, "answered HTTP 500"),
        (429, "still rate-limited"),
    ],
)
def test_a_broken_answer_is_one_line_and_nothing_is_remembered(no_key, tmp_path, fault, expected):
    memory = Memory(tmp_path / "memory.jsonl")
    with serving(LibreTranslateServer()) as server:
        server.inject("/translate", fault, fault)
        with pytest.raises(EngineError) as error:
            suggest(units(SENTENCES), engine(server, timeout=1), "en", "es", Termbase([]), memory)
    message = str(error.value)
    assert message.startswith("libretranslate: ") and expected in message and "\n" not in message
    assert memory.segments == 0


def test_a_busy_server_is_asked_again(no_key):
    with serving(LibreTranslateServer()) as server:
        server.inject("/translate", 503)
        out = suggest(units(SENTENCES[:1]), engine(server), "en", "es", Termbase([]), Memory(None))
        assert len(server.calls("/translate")) == 2 and out[SENTENCES[0]].text.startswith("El")
