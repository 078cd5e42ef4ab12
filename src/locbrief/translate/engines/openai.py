"""Any OpenAI-compatible chat-completions server: llama.cpp, vLLM, Ollama or a hosted service.

``engines.openai.base_url`` and ``model`` come from the config, the key (if the
server wants one) from ``OPENAI_API_KEY``. One request per batch, temperature 0,
structured JSON output: ``{"translations": [{"id", "text"}]}``. The prompt
states the locale's conventions, the termbase entries found in the batch and
the placeholder rules. Every answer is validated (count, ids, protected tags,
stray markup, required terms); only the failing units are asked again, and a
unit still wrong after the retries keeps its last answer, which the QA notes
flag (the PO gets it fuzzy). An answer that is not the promised JSON is never
used: after the retries the run stops with one line.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from locbrief.translate.engines import Engine, EngineError
from locbrief.translate.engines.remote import (
    HttpClient,
    compact,
    digest,
    from_wire,
    rate_limited,
    secret,
    server_message,
    to_wire,
    tokens,
)

if TYPE_CHECKING:  # the stage passes a termbase in; engines import nothing above them
    from locbrief.translate.termbase import Termbase

#: Bump when the prompt changes: it is part of the model name, so the memory asks afresh.
PROMPT_VERSION = "p1"
#: What a translator of each locale is told beyond the language name.
CONVENTIONS = {
    "es_MX": "Spanish as written in Mexico for a general, educated audience: Mexican vocabulary "
    "and spelling, formal address (usted, never vosotros), numbers with a decimal point.",
    "pt_BR": "Brazilian Portuguese: Brazilian vocabulary and spelling, 'você' for the reader.",
    "fr": "French as written in France: « guillemets » with non-breaking spaces, formal 'vous'.",
    "ca": "Catalan (central standard), formal 'vostè' for the reader.",
}
FORMALITY = {
    "more": "Use formal address throughout.",
    "prefer_more": "Prefer formal address.",
    "less": "Use informal address throughout.",
    "prefer_less": "Prefer informal address.",
}
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")
_SCHEMA = {
    "type": "object",
    "properties": {
        "translations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
                "required": ["id", "text"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["translations"],
    "additionalProperties": False,
}


class OpenAIEngine(Engine):
    name = "openai"
    probed = False

    def __init__(self, settings: dict):
        self.base_url = str(settings.get("base_url", "")).rstrip("/")
        self.model_name = str(settings.get("model", ""))
        self.batch_size = int(settings.get("batch_size", 20))
        self.response_format = settings.get("response_format", "json_schema")
        self.formality = settings.get("formality")
        self.http = HttpClient(
            self.name, float(settings.get("timeout", 120)), int(settings.get("retries", 2))
        )
        self.termbase: Termbase | None = None  # the stage gives it (use_termbase)

    # ------------------------------------------------------------ interface

    def available(self, source: str, target: str) -> bool:
        return bool(self.base_url and self.model_name)

    def install_hint(self, source: str, target: str) -> str:
        return "set engines.openai.base_url and engines.openai.model in config/config.yaml"

    def summary(self, source: str, target: str) -> str:
        return f"openai {self.model_name} at {self.base_url}"

    def model(self, source: str, target: str) -> str:
        terms = [f"{t.source}\t{t.target}" for t in self._terms() if t.target]
        tail = f" termbase {digest(*terms)}" if terms else ""
        return f"{self.model_name} {PROMPT_VERSION}{tail}"

    def _terms(self):
        return self.termbase.terms if self.termbase else []

    def _find_terms(self, text: str):
        return self.termbase.find(text) if self.termbase else []

    def use_termbase(self, termbase: Termbase, source: str, target: str) -> bool:
        """The prompt lists the batch's terms, so they stay words the model can inflect."""
        self.termbase = termbase
        return True

    def preflight(self, source: str, target: str) -> str:
        fix = "check engines.openai.base_url (it usually ends in /v1)"
        response = self.http.request(
            "GET", f"{self.base_url}/models", headers=self._headers(), fix=fix
        )
        if response.status_code == 404:
            return "reachable (the server lists no models)"
        self._raise_for_status(response)
        data = self.http.json(response, fix)
        listed = data.get("data", []) if isinstance(data, dict) else []
        models = [m.get("id") for m in listed if isinstance(m, dict)]
        if self.model_name not in models:
            raise EngineError(
                f"openai: the server at {self.base_url} has no model {self.model_name!r}; set "
                f"engines.openai.model to one of: {', '.join(map(str, models[:8])) or '(none)'}"
            )
        key = "key accepted" if secret(self.name) else "no key needed"
        return f"reachable, {key}, model {self.model_name} listed"

    def cost(self, texts: list[str], source: str, target: str) -> str:
        """Tokens estimated at 4 characters each: prompt per batch, input, and as much output."""
        prompt = len(self._system_prompt(texts[: self.batch_size], source, target)) if texts else 0
        batches = -(-len(texts) // self.batch_size)
        chars = prompt * batches + 2 * sum(len(to_wire(t)) + 20 for t in texts)
        return f"about {chars // 4:,} tokens, estimated at 4 characters a token"

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        out: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            out += self._translate_validated(texts[start : start + self.batch_size], source, target)
        return out

    # ------------------------------------------------------------ validation and retries

    def _translate_validated(self, texts: list[str], source: str, target: str) -> list[str]:
        """Ask, validate each unit, ask again only for the failing ones; keep the last answers."""
        answers: dict[int, str] = {}
        failing = list(range(len(texts)))
        tries = self.http.retries + 1
        for _attempt in range(tries):
            got = self._ask({i: texts[i] for i in failing}, source, target)
            answers.update(got)
            failing = [i for i in failing if i not in got or self._problem(texts[i], got[i])]
            if not failing:
                break
        missing = [i for i in range(len(texts)) if i not in answers]
        if len(missing) == len(texts):
            raise EngineError(
                f"openai: model {self.model_name} did not answer the promised JSON "
                f'({{"translations": [{{"id", "text"}}]}}) in {tries} tries; check that the '
                "server supports structured output, or set engines.openai.response_format: "
                "json_object, or choose another model"
            )
        if missing:
            raise EngineError(
                f"openai: model {self.model_name} left out {len(missing)} of {len(texts)} "
                f"sentences in {tries} tries (first: {texts[missing[0]][:60]!r}); lower "
                "engines.openai.batch_size"
            )
        return [answers[i] for i in range(len(texts))]

    def _problem(self, source_text: str, output: str) -> str:
        """Why an answer is wrong ('' if it is fine): tokens, invented markup, required terms."""
        if tokens(source_text) != tokens(output):
            return "protected items differ"
        if _MARKUP.findall(output):
            return "markup the source does not have"
        for match in self._find_terms(source_text):
            required = match.term.render(match.text)
            if match.term.target and required.casefold() not in output.casefold():
                return f"term {match.text!r} not rendered as {required!r}"
        return ""

    def _ask(self, texts: dict[int, str], source: str, target: str) -> dict[int, str]:
        """One request; the answers by input index (ids the model invented are ignored)."""
        body = {
            "model": self.model_name,
            "temperature": 0,
            "messages": [
                {
                    "role": "system",
                    "content": self._system_prompt(list(texts.values()), source, target),
                },
                {
                    "role": "user",
                    "content": compact(
                        {
                            "sentences": [
                                {"id": str(i), "text": to_wire(t)} for i, t in texts.items()
                            ]
                        }
                    ),
                },
            ],
            "response_format": self._response_format(),
        }
        content = self._complete(body)
        try:
            items = json.loads(content)["translations"]
            pairs = [(str(item["id"]), item["text"]) for item in items]
        except (ValueError, TypeError, KeyError):
            return {}  # not the promised JSON: nothing from it is used; the caller asks again
        wanted = {str(i): i for i in texts}
        return {wanted[k]: from_wire(v) for k, v in pairs if k in wanted and isinstance(v, str)}

    def _complete(self, body: dict) -> str:
        """The assistant message of one chat completion; transport and HTTP errors stop the run."""
        fix = "check engines.openai.base_url (it usually ends in /v1)"
        response = self.http.request(
            "POST", f"{self.base_url}/chat/completions", json=body, headers=self._headers(), fix=fix
        )
        self._raise_for_status(response)
        data = self.http.json(response, fix)
        choices = data.get("choices") if isinstance(data, dict) else None
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            raise EngineError(
                f"openai: {self.base_url}/chat/completions did not answer a chat completion; {fix}"
            )
        if choice.get("finish_reason") == "length":
            return ""  # cut off: not valid JSON, asked again
        content = message.get("content")
        return content if isinstance(content, str) else ""

    # ------------------------------------------------------------ request parts

    def _system_prompt(self, texts: list[str], source: str, target: str) -> str:
        lines = [
            f"You translate sentences of a policy brief from {_language(source)} into "
            f"{_language(target)}.",
            CONVENTIONS.get(target, ""),
            FORMALITY.get(self.formality or "", ""),
            "Tags such as <x0/> stand for note markers, markup, names, numbers and links: copy "
            "every tag of a sentence exactly once, unchanged, where it belongs in the "
            "translation; never add a tag or any other markup.",
        ]
        terms = self._terms_in(texts)
        if terms:
            lines.append(
                "Translate these terms exactly as given (adjust only case and agreement "
                "around them):"
            )
            lines += [f'- "{s}" → "{t}"' for s, t in terms]
        lines.append(
            'Answer with JSON only: {"translations": [{"id": "<id>", "text": "<translation>"}]}, '
            "one entry for every input id, ids unchanged."
        )
        return "\n".join(line for line in lines if line)

    def _terms_in(self, texts: list[str]) -> list[tuple[str, str]]:
        found = {}
        for text in texts:
            for match in self._find_terms(text):
                if match.term.target:
                    found[match.term.source] = match.term.target
        return sorted(found.items())

    def _response_format(self) -> dict:
        if self.response_format == "json_object":
            return {"type": "json_object"}
        return {
            "type": "json_schema",
            "json_schema": {"name": "translations", "strict": True, "schema": _SCHEMA},
        }

    def _headers(self) -> dict:
        key = secret(self.name)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _raise_for_status(self, response) -> None:
        status = response.status_code
        if status < 400:
            return
        message = server_message(response)
        if status in (401, 403):
            what = "refused the key in" if secret(self.name) else "needs a key: set"
            raise EngineError(
                f"openai: the server {what} OPENAI_API_KEY (HTTP {status}: {message})"
            )
        if status == 404 and "model" in message.lower():
            raise EngineError(
                f"openai: the server has no model {self.model_name!r} (HTTP 404: {message}); "
                "set engines.openai.model to one it serves (GET /v1/models lists them)"
            )
        if status == 400 and "response_format" in message:
            raise EngineError(
                f"openai: the server does not accept the structured-output request ({message}); "
                "set engines.openai.response_format: json_object"
            )
        if status == 429:
            raise rate_limited(self.name, self.http.retries, message)
        raise EngineError(
            f"openai: {response.url} answered HTTP {status}{': ' + message if message else ''}; "
            "check engines.openai.base_url and model"
        )


def _language(locale: str) -> str:
    """English name of a locale for the prompt: 'Spanish (Mexico)'."""
    try:
        return f"{Locale.parse(locale).english_name} ({locale})"
    except (UnknownLocaleError, ValueError):
        return locale


ENGINE = OpenAIEngine
