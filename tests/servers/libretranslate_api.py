"""LibreTranslate's HTTP API as documented (libretranslate.com/docs) and as its own tests pin it.

* GET /languages: ``[{"code", "name", "targets"}]``.
* POST /translate (JSON or form): ``q`` (a text or a list), ``source``, ``target``, ``format``,
  ``api_key``. With keys enabled: no key → 400 "Please contact the server operator to get an
  API key", a wrong one → 403 "Invalid API key". ``--batch-limit`` (texts in a request) and
  ``--char-limit`` (characters of each text, LibreTranslate 1.9.6's app.py) → 400 "Invalid
  request: request (N) exceeds text limit (M)". A list in, ``translatedText`` list out.
* GET /frontend/settings: ``{"charLimit": N, …}`` (-1: no limit).

``drops_tokens``: the answer loses the protected tokens (``ZX3QZ``), as an Argos model behind
a real LibreTranslate did with every URL of a brief (issue 24).
"""

from __future__ import annotations

import re

from .base import ApiHandler, ApiServer
from .words import translate

#: Pairs a small LibreTranslate install offers (Argos models en↔es, es→pt as "pb").
PAIRS = {("en", "es"), ("es", "en"), ("es", "pb"), ("en", "fr")}
NAMES = {"en": "English", "es": "Spanish", "pb": "Portuguese (Brazil)", "fr": "French"}


class LibreTranslateServer(ApiServer):
    def __init__(
        self,
        keys=(),
        pairs=PAIRS,
        batch_limit: int = -1,
        char_limit: int = -1,
        drops_tokens: bool = False,
    ):
        super().__init__(LibreTranslateHandler)
        self.drops_tokens = drops_tokens
        self.keys = set(keys)
        self.pairs = set(pairs)
        self.batch_limit = batch_limit
        self.char_limit = char_limit


class LibreTranslateHandler(ApiHandler):
    server: LibreTranslateServer

    def route(self, method, path, params):
        if path == "/languages" and method == "GET":
            codes = sorted({c for pair in self.server.pairs for c in pair})
            return 200, [
                {
                    "code": code,
                    "name": NAMES.get(code, code),
                    "targets": sorted(t for s, t in self.server.pairs if s == code),
                }
                for code in codes
            ]
        if path == "/frontend/settings" and method == "GET":
            return 200, {"charLimit": self.server.char_limit, "apiKeys": bool(self.server.keys)}
        if path == "/translate" and method == "POST":
            return self.translate(params)
        return 404, {"error": "Not Found"}

    def translate(self, params):
        if self.server.keys:
            key = params.get("api_key")
            if not key:
                return 400, {"error": "Please contact the server operator to get an API key"}
            if key not in self.server.keys:
                return 403, {"error": "Invalid API key"}
        q, source, target = params.get("q"), params.get("source"), params.get("target")
        if not q or not source or not target:
            return 400, {"error": "Invalid request: missing q, source or target parameter"}
        texts = q if isinstance(q, list) else [q]
        if self.server.batch_limit != -1 and len(texts) > self.server.batch_limit:
            return 400, {
                "error": f"Invalid request: request ({len(texts)}) exceeds text limit "
                f"({self.server.batch_limit})"
            }
        longest = max(len(t) for t in texts)
        if self.server.char_limit != -1 and longest > self.server.char_limit:
            return 400, {
                "error": f"Invalid request: request ({longest}) exceeds text limit "
                f"({self.server.char_limit})"
            }
        if (source, target) not in self.server.pairs:
            return 400, {"error": f"{source} ({source}) is not available as a source language"}
        out = [translate(t, source, target) for t in texts]
        if self.server.drops_tokens:
            out = [" ".join(re.sub(r"ZX\d+QZ", " ", t, flags=re.I).split()) for t in out]
        return 200, {"translatedText": out if isinstance(q, list) else out[0]}
