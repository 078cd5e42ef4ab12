"""DeepL through the official ``deepl`` package, against a local server with DeepL's contract.

The package talks HTTP to tests/servers/deepl_api.py on 127.0.0.1: the real client, the real
request shapes, the real error codes (403, 429, 456, 5xx), and faults a real service shows
(HTML from a proxy, a cut-off body, no answer).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from locbrief.model import Unit
from locbrief.read import read_source
from locbrief.translate.chain import suggest_with_fallback
from locbrief.translate.engines import EngineError, get_engine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Term, Termbase, load_termbase
from locbrief.translate.variety import load_variety
from servers.base import serving
from servers.deepl_api import DeepLServer

ROOT = Path(__file__).resolve().parents[1]
KEY = "f00dfeed-test-key:fx"
SENTENCES = [
    "The war on drugs is a policy of <em1>the</em1> cartels.{0}",
    "AT&T and <strong2>Trump</strong2> say 5 < 6 in the report.{1}",
    "Cartels and drugs: see https://example.org/report?a=1&b=2 now.",
]


def units(texts: list[str]) -> list[Unit]:
    return [Unit(msgid=t, block=f"b{i}", kind="paragraph", index=0) for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def brief_units():
    return segment(read_source(str(ROOT / "tests" / "data" / "no-gwot-narco.txt")))


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("DEEPL_AUTH_KEY", KEY)
    with serving(DeepLServer(key=KEY)) as server:
        yield server


def deepl(server, **settings):
    return get_engine("deepl", {"server_url": server.url, "timeout": 2, "retries": 2, **settings})


def termbase() -> Termbase:
    return Termbase(
        [
            Term("cartels", "cárteles", exact_case=False),
            Term("war on drugs", "guerra contra las drogas", exact_case=False),
            Term("Trump", None, exact_case=True),
        ]
    )


def test_tags_and_placeholders_come_back_exactly_with_the_glossary_and_latin_american_target(
    server, tmp_path
):
    memory = Memory(tmp_path / "memory.jsonl")
    engine = deepl(server, formality="more")
    out = suggest(units(SENTENCES), engine, "en", "es_MX", termbase(), memory)
    first, second, third = (out[s] for s in SENTENCES)
    assert first.text == "El guerra contra las drogas es un política de <em1>el</em1> cárteles.{0}"
    assert second.text.startswith("AT&T y <strong2>Trump</strong2>")
    assert "5 < 6" in second.text and second.text.endswith("{1}")
    assert "https://example.org/report?a=1&b=2" in third.text
    assert not any(s.problems for s in out.values())
    assert {s.engine for s in out.values()} == {"deepl"}
    assert first.model.startswith("ES-419 formality=more glossary ")
    (request,) = server.calls("/v2/translate")
    assert request["headers"]["Authorization"] == f"DeepL-Auth-Key {KEY}"
    params = request["params"]
    assert params["target_lang"] == "ES-419" and params["source_lang"] == "EN"
    assert params["tag_handling"] == "xml" and params["formality"] == "more"
    assert params["glossary_id"] in server.glossaries
    assert "&amp;" in params["text"][1] and "<x" in params["text"][0]  # XML, escaped


def test_plain_spanish_where_the_account_lacks_latin_american_with_the_es_mx_layer(monkeypatch):
    monkeypatch.setenv("DEEPL_AUTH_KEY", KEY)
    sentence = "You and the cartels."
    variety = load_variety(ROOT / "locales" / "es_MX" / "variety.tsv")
    with serving(DeepLServer(key=KEY, targets={"ES": True, "FR": True})) as server:
        engine = deepl(server)
        out = suggest(
            units([sentence]), engine, "en", "es_MX", Termbase([]), Memory(None), variety=variety
        )
        assert server.calls("/v2/translate")[0]["params"]["target_lang"] == "ES"
    assert out[sentence].model == "ES"
    assert out[sentence].text == "Ustedes y el cárteles."  # DeepL's Spanish said "Vosotros"


def test_glossary_is_recreated_only_when_the_termbase_changes(server, tmp_path):
    for _ in range(2):  # two runs, each a fresh process in real life
        suggest(units(SENTENCES), deepl(server), "en", "es_MX", termbase(), Memory(None))
    assert server.created == 1 and len(server.glossaries) == 1
    changed = Termbase([*termbase().terms, Term("policy", "política pública", exact_case=False)])
    out = suggest(units(SENTENCES), deepl(server), "en", "es_MX", changed, Memory(None))
    assert server.created == 2
    (glossary,) = server.glossaries.values()  # the old one was deleted
    assert glossary["entries"]["policy"] == "política pública"
    assert "política pública" in out[SENTENCES[0]].text


def test_batches_stay_within_fifty_texts(server, brief_units):
    memory = Memory(None)
    out = suggest(brief_units, deepl(server), "en", "es_MX", Termbase([]), memory)
    sizes = [len(r["params"]["text"]) for r in server.calls("/v2/translate")]
    assert max(sizes) <= 50 and sum(sizes) == memory.segments  # each distinct text once
    assert len(out) == len({u.msgid for u in brief_units})


def test_rate_limits_and_server_errors_are_retried_with_backoff(server):
    server.inject("/v2/translate", 429, 503)
    out = suggest(units(SENTENCES[:1]), deepl(server), "en", "es_MX", Termbase([]), Memory(None))
    assert len(server.calls("/v2/translate")) == 3
    assert out[SENTENCES[0]].text.startswith("El guerra")


def test_quota_exhaustion_says_how_many_units_are_left_and_the_rerun_resumes(
    monkeypatch, tmp_path, brief_units
):
    monkeypatch.setenv("DEEPL_AUTH_KEY", KEY)
    memory_path = tmp_path / "memory.jsonl"
    distinct = len({u.msgid for u in brief_units})
    with serving(DeepLServer(key=KEY, character_limit=20_000)) as server:
        memory = Memory(memory_path)
        with pytest.raises(EngineError) as error:
            suggest_with_fallback(
                brief_units, [deepl(server)], "en", "es_MX", Termbase([]), memory, batch_size=50
            )
        memory.save()
        message = str(error.value)
        assert "\n" not in message and "HTTP 456" in message
        remembered = Memory(memory_path)
        done = {record["msgid"] for record in remembered.records.values()}
        assert 0 < len(done) < distinct
        # units are PO entries; sentences that differ only in a number are one text to send
        assert re.search(
            rf"; {distinct - len(done)} units left untranslated(, \d+ distinct texts)? \(", message
        )
    with serving(DeepLServer(key=KEY)) as server:
        memory = Memory(memory_path)
        out = suggest(brief_units, deepl(server), "en", "es_MX", Termbase([]), memory)
        sent = sum(len(r["params"]["text"]) for r in server.calls("/v2/translate"))
        assert sent == memory.segments - remembered.segments  # only what was missing
        assert len(out) == distinct


@pytest.mark.parametrize(
    "fault, expected",
    [
        (403, "refused the key in DEEPL_AUTH_KEY (HTTP 403)"),
        ("html", "did not answer with the DeepL API's JSON"),
        ("badjson", "did not answer with the DeepL API's JSON"),
        ("truncate", "check the network or engines.deepl.server_url"),
        ("hang", "no answer in time"),
        (400, "Bad request"),
    ],
)
def test_a_broken_answer_is_one_line_and_nothing_is_remembered(server, tmp_path, fault, expected):
    memory = Memory(tmp_path / "memory.jsonl")
    server.inject("/v2/translate", *[fault] * 3)
    engine = deepl(server, timeout=1, retries=0)
    with pytest.raises(EngineError) as error:
        suggest(units(SENTENCES), engine, "en", "es_MX", Termbase([]), memory)
    message = str(error.value)
    assert message.startswith("deepl: ") and expected in message and "\n" not in message
    assert KEY not in message
    assert memory.segments == 0


def test_a_wrong_key_is_refused_before_anything_is_sent(monkeypatch):
    monkeypatch.setenv("DEEPL_AUTH_KEY", "not-the-key")
    with serving(DeepLServer(key=KEY)) as server:
        with pytest.raises(EngineError, match="refused the key in DEEPL_AUTH_KEY") as error:
            deepl(server).preflight("en", "es_MX")
        assert "not-the-key" not in str(error.value)


def test_without_a_key_the_engine_says_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    engine = get_engine("deepl", {})
    assert not engine.available("en", "es_MX")
    assert "DEEPL_AUTH_KEY" in engine.install_hint("en", "es_MX")


def test_the_shipped_termbase_becomes_a_glossary(server):
    tb = load_termbase(ROOT / "locales" / "es_MX" / "termbase.tsv")
    suggest(units(SENTENCES), deepl(server), "en", "es_MX", tb, Memory(None))
    (glossary,) = server.glossaries.values()
    assert glossary["entries"]["cartels"] == "cárteles"
    assert glossary["name"].startswith("locbrief en-es ")


def test_formality_where_the_language_has_none_names_the_setting(server):
    server.targets["EN-US"] = False
    with pytest.raises(EngineError, match="set languages.en_US.formality to prefer_more"):
        deepl(server, formality="more").preflight("en", "en_US")
    assert not server.calls("/v2/translate")


@pytest.mark.parametrize("path", ["/v2/languages", "/v2/translate"])
def test_a_server_answering_200_with_an_html_page_is_a_bad_answer_from_that_url(server, path):
    """A proxy's or captive portal's page is the server's fault, never "no target language"."""
    server.inject(path, *["html"] * 3)
    with pytest.raises(EngineError) as error:
        deepl(server, retries=0).translate_batch(["The war."], "en", "es_MX")
    message = str(error.value)
    assert "\n" not in message and "offers no target language" not in message
    assert f"{server.url} did not answer with the DeepL API's JSON" in message
