"""The OpenAI chat-completions API (platform.openai.com/docs/api-reference/chat) as compatible
servers (llama.cpp, vLLM, Ollama) implement it, with a "model" that follows locbrief's prompt.

* ``Authorization: Bearer <key>`` when the server has a key; else 401 ``invalid_api_key``.
* POST /v1/chat/completions: ``model`` must be served (404 ``model_not_found``),
  ``messages``, ``temperature``, ``response_format`` json_schema or json_object. The answer is
  ``choices[0].message.content`` (a JSON string), ``finish_reason``, ``usage``.
* GET /v1/models: ``{"object": "list", "data": [{"id": ...}]}``.

The model translates each sentence of the user message with the word list and applies the
terms the system prompt lists. ``mistakes`` makes it err on a sentence that contains a given
text, once per queued mistake: ``drop_tag``, ``invent_tag``, ``omit``, ``markup``, ``not_json``.
"""

from __future__ import annotations

import json
import re

from .base import ApiHandler, ApiServer
from .words import translate

_TERM_LINE = re.compile(r'^- "(.+)" → "(.+)"$', re.MULTILINE)


class OpenAIServer(ApiServer):
    def __init__(self, key: str | None = None, models=("test-model",)):
        super().__init__(OpenAIHandler)
        self.key = key
        self.models = list(models)
        self.mistakes: list[tuple[str, str]] = []

    def err(self, containing: str, *mistakes: str) -> None:
        self.mistakes += [(containing, m) for m in mistakes]

    def take_mistake(self, text: str) -> str | None:
        with self.lock:
            for i, (containing, mistake) in enumerate(self.mistakes):
                if containing in text:
                    del self.mistakes[i]
                    return mistake
        return None


class OpenAIHandler(ApiHandler):
    server: OpenAIServer

    def route(self, method, path, params):
        if self.server.key and self.headers.get("Authorization") != f"Bearer {self.server.key}":
            return 401, {
                "error": {
                    "message": "Incorrect API key provided.",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        if path == "/v1/models" and method == "GET":
            return 200, {
                "object": "list",
                "data": [{"id": m, "object": "model"} for m in self.server.models],
            }
        if path == "/v1/chat/completions" and method == "POST":
            return self.complete(params)
        return 404, {"error": {"message": f"Unknown request URL: {method} {path}", "code": None}}

    def complete(self, params):
        model = params.get("model")
        if model not in self.server.models:
            return 404, {
                "error": {
                    "message": f"The model `{model}` does not exist or you do not have access to it.",
                    "code": "model_not_found",
                }
            }
        messages = params.get("messages")
        kind = (params.get("response_format") or {}).get("type")
        if not isinstance(messages, list) or kind not in ("json_schema", "json_object"):
            return 400, {"error": {"message": "messages and response_format are required"}}
        system = next(m["content"] for m in messages if m["role"] == "system")
        user = json.loads(next(m["content"] for m in messages if m["role"] == "user"))
        terms = dict(_TERM_LINE.findall(system))
        answers, broken = [], False
        for sentence in user["sentences"]:
            text = translate(sentence["text"], "en", "es", terms)
            mistake = self.server.take_mistake(sentence["text"])
            if mistake == "omit":
                continue
            if mistake == "drop_tag":
                text = re.sub(r"<x\d+/>", "", text, count=1)
            elif mistake == "invent_tag":
                text += " <x9/>"
            elif mistake == "markup":
                text = f"<b>{text}</b>"
            elif mistake == "not_json":
                broken = True
            answers.append({"id": sentence["id"], "text": text})
        content = (
            "Sure! Here are the translations:"
            if broken
            else json.dumps({"translations": answers}, ensure_ascii=False)
        )
        return 200, {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": len(system) // 4,
                "completion_tokens": len(content) // 4,
                "total_tokens": (len(system) + len(content)) // 4,
            },
        }
