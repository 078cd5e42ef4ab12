"""An OpenAI-compatible chat-completions server as the engine: prompt, structured output,
validation of every answer, retries of the failing units only, and broken servers."""

from __future__ import annotations

import json

import pytest

from locbrief.model import Unit
from locbrief.translate.engines import EngineError, get_engine
from locbrief.translate.memory import Memory
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Term, Termbase
from servers.base import serving
from servers.openai_api import OpenAIServer

SENTENCES = [
    "The war on drugs is a policy of <em1>the</em1> cartels.{0}",
    "Trump and the cartels of Sinaloa.{1}",
    "A new report on drugs.",
]
TERMS = Termbase(
    [
        Term("cartels", "cárteles", exact_case=False),
        Term("war on drugs", "guerra contra las drogas", exact_case=False),
        Term("fentanyl", "fentanilo", exact_case=False),
        Term("Trump", None, exact_case=True),
    ]
)


def units(texts):
    return [Unit(msgid=t, block=f"b{i}", kind="paragraph", index=0) for i, t in enumerate(texts)]


def engine(server, **settings):
    return get_engine(
        "openai",
        {
            "base_url": f"{server.url}/v1",
            "model": "test-model",
            "timeout": 2,
            "retries": 2,
            **settings,
        },
    )


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-9f8e")
    with serving(OpenAIServer(key="sk-test-9f8e")) as server:
        yield server


def prompt_of(request) -> tuple[str, dict]:
    messages = request["params"]["messages"]
    return messages[0]["content"], json.loads(messages[1]["content"])


def test_the_prompt_states_conventions_terms_of_the_batch_and_placeholder_rules(server, tmp_path):
    memory = Memory(tmp_path / "memory.jsonl")
    out = suggest(units(SENTENCES), engine(server, formality="more"), "en", "es_MX", TERMS, memory)
    (request,) = server.calls("/v1/chat/completions")
    params = request["params"]
    assert request["headers"]["Authorization"] == "Bearer sk-test-9f8e"
    assert params["temperature"] == 0 and params["model"] == "test-model"
    assert params["response_format"]["type"] == "json_schema"
    system, user = prompt_of(request)
    assert "Spanish (Mexico)" in system and "usted" in system and "formal address" in system
    assert (
        '"cartels" → "cárteles"' in system
        and '"war on drugs" → "guerra contra las drogas"' in system
    )
    assert "fentanyl" not in system  # only the terms that occur in the batch
    assert "<x0/>" in system and "exactly once" in system
    assert [s["id"] for s in user["sentences"]] == ["0", "1", "2"]
    assert "Trump" not in json.dumps(user)  # a do-not-translate name travels as a tag
    first = out[SENTENCES[0]]
    assert first.text == "El guerra contra las drogas es un política de <em1>el</em1> cárteles.{0}"
    assert out[SENTENCES[1]].text.startswith("Trump y el cárteles")
    assert not any(s.problems for s in out.values())
    assert first.engine == "openai" and first.model.startswith("test-model p1 termbase ")
    assert all(r["model"] == first.model for r in memory.records.values())  # model in the key


def test_only_the_failing_unit_is_asked_again(server):
    server.err("Sinaloa", "drop_tag")
    server.err("report", "markup")
    out = suggest(units(SENTENCES), engine(server), "en", "es_MX", TERMS, Memory(None))
    first, second = server.calls("/v1/chat/completions")
    assert len(prompt_of(first)[1]["sentences"]) == 3
    assert sorted(s["text"] for s in prompt_of(second)[1]["sentences"]) == sorted(
        [
            "<x0/> and the cartels of Sinaloa. <x1/>",
            "A new report on drugs.",
        ]
    )
    assert not any(s.problems for s in out.values())
    assert out[SENTENCES[1]].text.endswith("Sinaloa.{1}")


def test_a_unit_still_wrong_after_the_retries_is_flagged_for_review(server):
    server.err("Sinaloa", "invent_tag", "invent_tag", "invent_tag")
    out = suggest(units(SENTENCES), engine(server), "en", "es_MX", TERMS, Memory(None))
    assert len(server.calls("/v1/chat/completions")) == 3
    assert out[SENTENCES[1]].problems == ("engine added tokens, removed: ZX9QZ",)
    assert "ZX9QZ" not in out[SENTENCES[1]].text
    assert not out[SENTENCES[0]].problems and not out[SENTENCES[2]].problems


def test_a_term_the_model_ignores_is_asked_again(server, monkeypatch):
    server.err("cartels", "omit")
    out = suggest(units(SENTENCES[:2]), engine(server), "en", "es_MX", TERMS, Memory(None))
    assert len(server.calls("/v1/chat/completions")) == 2
    assert "cárteles" in out[SENTENCES[0]].text and "cárteles" in out[SENTENCES[1]].text


@pytest.mark.parametrize(
    "setup, expected",
    [
        (lambda s: s.inject("/v1/chat/completions", "hang"), "no answer from"),
        (lambda s: s.err("report", *["not_json"] * 3), "did not answer the promised JSON"),
        (lambda s: s.inject("/v1/chat/completions", "html"), "answered with HTML (HTTP 200)"),
        (
            lambda s: s.inject("/v1/chat/completions", "badjson"),
            "answered with text that is not JSON",
        ),
        (lambda s: s.inject("/v1/chat/completions", *["truncate"] * 3), "answer was cut off"),
        (lambda s: s.err("report", *["omit"] * 3), "left out 1 of 3 sentences"),
    ],
)
def test_a_broken_answer_is_one_line_and_nothing_is_remembered(server, tmp_path, setup, expected):
    setup(server)
    memory = Memory(tmp_path / "memory.jsonl")
    broken = engine(server, timeout=1, retries=0 if "answer from" in expected else 2)
    with pytest.raises(EngineError) as error:  # (a hang costs a timeout per try: one try)
        suggest(units(SENTENCES), broken, "en", "es_MX", TERMS, memory)
    message = str(error.value)
    assert message.startswith("openai: ") and expected in message and "\n" not in message
    assert "sk-test-9f8e" not in message
    assert memory.segments == 0


def test_an_unknown_model_names_the_setting(server):
    with pytest.raises(EngineError, match="has no model 'gpt-unknown'.*set engines.openai.model"):
        suggest(
            units(SENTENCES),
            engine(server, model="gpt-unknown"),
            "en",
            "es_MX",
            TERMS,
            Memory(None),
        )
    with pytest.raises(EngineError, match="set engines.openai.model to one of: test-model"):
        engine(server, model="gpt-unknown").preflight("en", "es_MX")


def test_a_wrong_key_is_one_line_without_the_key(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-1234")
    with pytest.raises(EngineError) as error:
        suggest(units(SENTENCES), engine(server), "en", "es_MX", TERMS, Memory(None))
    assert "refused the key in OPENAI_API_KEY (HTTP 401" in str(error.value)
    assert "sk-wrong-1234" not in str(error.value)


def test_json_object_mode_for_servers_without_json_schema(server):
    suggest(
        units(SENTENCES),
        engine(server, response_format="json_object"),
        "en",
        "es_MX",
        TERMS,
        Memory(None),
    )
    assert server.calls("/v1/chat/completions")[0]["params"]["response_format"] == {
        "type": "json_object"
    }


def test_an_answer_that_is_no_chat_completion_is_one_line(server, monkeypatch):
    from servers import openai_api

    monkeypatch.setattr(
        openai_api.OpenAIHandler, "complete", lambda self, params: (200, {"choices": "none"})
    )
    with pytest.raises(EngineError, match="did not answer a chat completion; check engines.openai"):
        suggest(units(SENTENCES), engine(server), "en", "es_MX", TERMS, Memory(None))
