"""The DeepL API v2 as its documentation describes it (developers.deepl.com/api-reference).

* ``Authorization: DeepL-Auth-Key <key>``; anything else is 403.
* POST /v2/translate (JSON): ``text`` (1 to 50 texts), ``target_lang`` from the target list,
  ``source_lang`` (required with a glossary), ``formality`` (only for languages that support it),
  ``tag_handling=xml`` (each text must parse as XML; tags come back unchanged), ``glossary_id``.
  Characters count against the quota; over it the answer is 456.
* GET /v2/usage, GET /v2/languages?type=target, GET /v2/glossary-language-pairs,
  POST/GET /v2/glossaries, DELETE /v2/glossaries/{id}.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from .base import ApiHandler, ApiServer
from .words import translate

#: Target languages as the API lists them (code, supports_formality).
TARGETS = {
    "ES": True,
    "ES-419": True,
    "PT-BR": True,
    "PT-PT": True,
    "FR": True,
    "DE": True,
    "EN-US": False,
}
MAX_TEXTS = 50
MAX_BODY = 128 * 1024


class DeepLServer(ApiServer):
    def __init__(self, key: str = "test-key:fx", targets=None, character_limit: int = 500_000):
        super().__init__(DeepLHandler)
        self.key = key
        self.targets = dict(TARGETS if targets is None else targets)
        self.character_limit = character_limit
        self.character_count = 0
        self.glossaries: dict[str, dict] = {}
        self.created = 0
        self._ids = itertools.count(1)


class DeepLHandler(ApiHandler):
    server: DeepLServer

    def route(self, method, path, params):
        if self.headers.get("Authorization") != f"DeepL-Auth-Key {self.server.key}":
            return 403, {"message": "Wrong authentication key"}
        if int(self.headers.get("Content-Length") or 0) > MAX_BODY:
            return 413, {"message": "Request Entity Too Large"}
        if path == "/v2/translate" and method == "POST":
            return self.translate(params)
        if path == "/v2/usage":
            return 200, {
                "character_count": self.server.character_count,
                "character_limit": self.server.character_limit,
            }
        if path == "/v2/languages":
            if params.get("type") != "target":
                return 200, [{"language": "EN", "name": "English"}]
            return 200, [
                {"language": code, "name": code, "supports_formality": formal}
                for code, formal in self.server.targets.items()
            ]
        if path == "/v2/glossary-language-pairs":
            pairs = [("en", "es"), ("en", "pt"), ("en", "fr"), ("en", "de")]
            return 200, {
                "supported_languages": [{"source_lang": s, "target_lang": t} for s, t in pairs]
            }
        if path == "/v2/glossaries" and method == "POST":
            return self.create_glossary(params)
        if path == "/v2/glossaries" and method == "GET":
            return 200, {"glossaries": [_info(g) for g in self.server.glossaries.values()]}
        if path.startswith("/v2/glossaries/") and method == "DELETE":
            found = self.server.glossaries.pop(path.rsplit("/", 1)[1], None)
            return (204, None) if found else (404, {"message": "Glossary not found"})
        return 404, {"message": "Not found"}

    def translate(self, params):
        texts = params.get("text")
        if not isinstance(texts, list) or not texts or len(texts) > MAX_TEXTS:
            return 400, {"message": "Parameter 'text' must hold 1 to 50 texts."}
        target = str(params.get("target_lang", "")).upper()
        if target not in self.server.targets:
            return 400, {"message": "Value for 'target_lang' not supported."}
        formality = params.get("formality")
        if formality not in (None, "default") and not self.server.targets[target]:
            return 400, {"message": "'formality' is not supported for given 'target_lang'."}
        glossary = None
        if "glossary_id" in params:
            glossary = self.server.glossaries.get(params["glossary_id"])
            if glossary is None:
                return 400, {"message": "Invalid glossary id"}
            if not params.get("source_lang"):
                return 400, {"message": "Use of a glossary requires the 'source_lang' parameter"}
        if params.get("tag_handling") == "xml":
            for text in texts:
                try:
                    ET.fromstring(f"<r>{text}</r>")
                except ET.ParseError:
                    return 400, {"message": "Tag handling parsing failed, please check input."}
        characters = sum(len(t) for t in texts)
        if self.server.character_count + characters > self.server.character_limit:
            return 456, {"message": "Quota Exceeded"}
        self.server.character_count += characters
        entries = glossary["entries"] if glossary else None
        source = str(params.get("source_lang", "EN"))
        return 200, {
            "translations": [
                {
                    "detected_source_language": source.upper(),
                    "text": translate(text, source, target, entries),
                    "billed_characters": len(text),
                }
                for text in texts
            ]
        }

    def create_glossary(self, params):
        if params.get("entries_format") != "tsv" or not params.get("name"):
            return 400, {"message": "Invalid glossary"}
        entries = dict(line.split("\t") for line in params["entries"].splitlines() if line)
        glossary_id = f"gl-{next(self.server._ids)}"
        glossary = {
            "glossary_id": glossary_id,
            "name": params["name"],
            "source_lang": params["source_lang"].lower(),
            "target_lang": params["target_lang"].lower(),
            "entries": entries,
        }
        self.server.glossaries[glossary_id] = glossary
        self.server.created += 1
        return 201, _info(glossary)


def _info(glossary: dict) -> dict:
    return {
        "glossary_id": glossary["glossary_id"],
        "name": glossary["name"],
        "ready": True,
        "source_lang": glossary["source_lang"],
        "target_lang": glossary["target_lang"],
        "creation_time": "2026-11-28T07:00:00.000000Z",
        "entry_count": len(glossary["entries"]),
    }
