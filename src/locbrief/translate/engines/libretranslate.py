"""A LibreTranslate server (``engines.libretranslate.url``), optional key from ``LIBRETRANSLATE_API_KEY``.

One POST /translate per batch with ``q`` as a list. The server's language
list (GET /languages) is read before the first batch: a pair it lacks goes
through English or Spanish when the server has both hops. Batches respect
the server's limits, named as the server names them: ``batch_limit`` texts per
request (``--batch-limit``; ``batch_size`` is the older name) and ``char_limit``
characters per text (``--char-limit``, which the server also announces in GET
/frontend/settings); ``max_chars`` caps a request's characters, all texts
together (locbrief's own, to keep each request short). A text longer than the
per-text limit is sent in pieces cut where its clauses end, and rejoined.
"""

from __future__ import annotations

from locbrief.translate.engines import Engine, EngineError, language_code
from locbrief.translate.engines.remote import (
    HttpClient,
    batches,
    rate_limited,
    secret,
    server_message,
    within_limit,
)

PIVOTS = ("en", "es")
#: LibreTranslate codes of regional locales where they differ from ``lang-REGION``.
REGIONAL_CODES = {"pt_BR": "pb", "zh_TW": "zt", "zh_Hant": "zt", "zh_CN": "zh-Hans"}


class LibreTranslateEngine(Engine):
    name = "libretranslate"
    probed = False

    def __init__(self, settings: dict):
        self.url = str(settings.get("url", "")).rstrip("/")
        self.batch_size = int(settings.get("batch_limit", settings.get("batch_size", 25)))
        self.char_limit = int(settings.get("char_limit", -1))  # per text; -1: the server's
        self.max_chars = int(settings.get("max_chars", 5000))  # per request, all texts
        self.http = HttpClient(
            self.name, float(settings.get("timeout", 60)), int(settings.get("retries", 3))
        )
        self._targets: dict[str, set[str]] | None = None

    def available(self, source: str, target: str) -> bool:
        return bool(self.url)

    def install_hint(self, source: str, target: str) -> str:
        return "set engines.libretranslate.url in config/config.yaml (e.g. http://localhost:5000)"

    def summary(self, source: str, target: str) -> str:
        return f"libretranslate at {self.url}"

    def model(self, source: str, target: str) -> str:
        return "→".join(self.route(source, target))

    def route(self, source: str, target: str) -> list[str]:
        """Server codes from source to target: direct, or through en/es."""
        targets = self.languages()
        src, tgt = self._code(source), self._code(target)
        if tgt in targets.get(src, ()):
            return [src, tgt]
        for pivot in PIVOTS:
            if (
                pivot not in (src, tgt)
                and pivot in targets.get(src, ())
                and tgt in targets.get(pivot, ())
            ):
                return [src, pivot, tgt]
        raise EngineError(
            f"libretranslate: the server at {self.url} offers no {src}→{tgt}, directly or "
            f"through {' or '.join(PIVOTS)}; install that language on the server or choose "
            f"another engine for {target}"
        )

    def languages(self) -> dict[str, set[str]]:
        """The server's language list: source code → target codes (GET /languages)."""
        if self._targets is None:
            fix = "check engines.libretranslate.url"
            response = self.http.request("GET", f"{self.url}/languages", fix=fix)
            self._raise_for_status(response)
            data = self.http.json(response, fix)
            try:
                self._targets = {
                    item["code"]: set(item.get("targets", [])) for item in data if item["code"]
                }
            except (TypeError, KeyError):
                raise EngineError(
                    f"libretranslate: {self.url}/languages is not LibreTranslate's language "
                    f"list; {fix}"
                ) from None
        return self._targets

    def preflight(self, source: str, target: str) -> str:
        route = self.route(source, target)
        self._post(["ok"], route[0], route[1])
        key = "key from LIBRETRANSLATE_API_KEY accepted" if secret(self.name) else "no key needed"
        return f"reachable, {key}, route {'→'.join(route)}"

    def cost(self, texts: list[str], source: str, target: str) -> str:
        hops = len(self.route(source, target)) - 1
        return f"{sum(len(t) for t in texts) * hops:,} characters"

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        route = self.route(source, target)
        lines = texts
        for a, b in zip(route, route[1:]):
            lines = self._hop(lines, a, b)
        return lines

    def _hop(self, texts: list[str], source: str, target: str) -> list[str]:
        """One language pair: each text within the per-text limit (in pieces if it must be),
        the pieces in requests within the batch and request limits, each text rejoined."""
        limit = self.text_limit()
        pieces = [self._pieces(text, limit) for text in texts]
        flat = [piece for parts in pieces for piece in parts]
        done: list[str] = []
        for chunk in batches(flat, self.batch_size, self.max_chars):
            done += self._post(chunk, source, target)
        out, at = [], 0
        for parts in pieces:
            out.append(" ".join(p.strip() for p in done[at : at + len(parts)]))
            at += len(parts)
        return out

    def text_limit(self) -> int:
        """Characters one text may have (0: no limit): the smallest of ``char_limit`` (else the
        server's own ``charLimit``) and ``max_chars`` (a longer text fits in no request)."""
        if self.char_limit == -1:
            self.char_limit = self._server_char_limit()
        return min((n for n in (self.char_limit, self.max_chars) if n > 0), default=0)

    def _server_char_limit(self) -> int:
        """The per-text limit the server announces (GET /frontend/settings ``charLimit``); 0 when
        it says none or does not say."""
        try:
            response = self.http.request("GET", f"{self.url}/frontend/settings", fix="")
            limit = response.json().get("charLimit", -1) if response.status_code == 200 else -1
        except (EngineError, ValueError, AttributeError):
            return 0
        return limit if isinstance(limit, int) and limit > 0 else 0

    def _pieces(self, text: str, limit: int) -> list[str]:
        pieces = within_limit(text, limit)
        if pieces is None:
            raise EngineError(
                f"libretranslate: a text of {len(text):,} characters has a word longer than "
                f"{limit:,} characters, the most one text may have (engines.libretranslate."
                "char_limit, the server's --char-limit, and max_chars); raise them: "
                f"{text[:60]!r}"
            )
        return pieces

    def _post(self, texts: list[str], source: str, target: str) -> list[str]:
        body = {"q": texts, "source": source, "target": target, "format": "text"}
        key = secret(self.name)
        if key:
            body["api_key"] = key
        fix = "check engines.libretranslate.url"
        response = self.http.request("POST", f"{self.url}/translate", json=body, fix=fix)
        self._raise_for_status(response)
        data = self.http.json(response, fix)
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if (
            not isinstance(translated, list)
            or len(translated) != len(texts)
            or not all(isinstance(t, str) for t in translated)
        ):
            raise EngineError(
                f"libretranslate: {self.url}/translate did not answer one text per text sent "
                f"({len(texts)}); {fix} (a LibreTranslate server, version 1.3 or later)"
            )
        return translated

    def _raise_for_status(self, response) -> None:
        """LibreTranslate's error codes as one line each (400 key/limits, 403 key, 429, 5xx)."""
        status = response.status_code
        if status < 400:
            return
        message = server_message(response)
        if status == 403 or (status == 400 and "API key" in message):
            what = "refused the key in" if secret(self.name) else "needs a key: set"
            raise EngineError(
                f"libretranslate: the server {what} LIBRETRANSLATE_API_KEY (HTTP {status}: "
                f"{message}); ask the server's operator for a valid key"
            )
        if status == 400 and "limit" in message:
            raise EngineError(
                f"libretranslate: a request is over the server's limits ({message}); set "
                "engines.libretranslate.batch_limit and char_limit to the server's --batch-limit "
                f"and --char-limit (now {self.batch_size} texts a request, "
                f"{self.text_limit() or 'no limit on'} characters a text)"
            )
        if status == 429:
            raise rate_limited(self.name, self.http.retries, message)
        raise EngineError(
            f"libretranslate: {response.url.split('?')[0]} answered HTTP {status}"
            f"{': ' + message if message else ''}; check engines.libretranslate.url and the server"
        )

    def _code(self, locale: str) -> str:
        """The server's code for a locale: a regional one it lists (pb, pt-BR), else the language."""
        normal = locale.replace("-", "_")
        codes = self.languages()
        for code in (REGIONAL_CODES.get(normal), normal.replace("_", "-")):
            if code and code in codes:
                return code
        return language_code(locale)


ENGINE = LibreTranslateEngine
