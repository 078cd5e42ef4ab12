"""What the network engines (DeepL, LibreTranslate, OpenAI-compatible) share.

Secrets come from environment variables only and never appear in a message;
requests are retried with exponential backoff on 429 and 5xx; every failure
becomes one :class:`~locbrief.translate.engines.EngineError` line that names the engine
and says what to do. Protected items travel as XML-like ``<x0/>`` tags, which
translation services and language models carry through unchanged, and come
back as the ``ZX0QZ`` tokens :mod:`locbrief.translate.protect` restores.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from locbrief.markup import SECRET_PARAMETER, TOKEN, redact_url, token
from locbrief.translate.engines import EngineError

if (
    TYPE_CHECKING
):  # requests takes a fifth of a second to import; every config check reads this module
    import requests

#: The environment variable that holds each engine's secret (never the config).
SECRET_VARIABLES = {
    "deepl": "DEEPL_AUTH_KEY",
    "libretranslate": "LIBRETRANSLATE_API_KEY",
    "openai": "OPENAI_API_KEY",
}
RETRY_STATUSES = {429, 500, 502, 503, 504}
_TOKEN = re.compile(f"({TOKEN})")
_WIRE_TAG = re.compile(r"<x(\d+)\s*/>")


class QuotaExhausted(EngineError):
    """The account's quota is spent: the remaining units must wait or go to the next engine."""


def rate_limited(engine: str, retries: int, detail: str = "") -> EngineError:
    """The one line for a server that still answers 429 after every retry."""
    answer = f"HTTP 429: {detail}" if detail else "HTTP 429"
    return EngineError(
        f"{engine}: still rate-limited after {retries} retries ({answer}); "
        "wait a minute and run again (translated units are remembered)"
    )


def secret(engine: str) -> str | None:
    """The engine's key from its environment variable ('' counts as unset)."""
    return os.environ.get(SECRET_VARIABLES[engine]) or None


def to_wire(text: str, escape: bool = False) -> str:
    """``ZX0QZ`` tokens → ``<x0/>`` tags; with ``escape`` the rest is XML-escaped (DeepL's XML mode).

    >>> to_wire("AT&T ZX0QZ and ZX1QZ", escape=True)
    'AT&amp;T <x0/> and <x1/>'
    """
    parts = _TOKEN.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<x{_number(part)}/>")
        else:
            out.append(html.escape(part, quote=False) if escape else part)
    return "".join(out)


def from_wire(text: str, unescape: bool = False) -> str:
    """``<x0/>`` tags → ``ZX0QZ`` tokens (an invented tag becomes a token unmask reports).

    >>> from_wire("AT&amp;T <x0 /> y <x7/>", unescape=True)
    'AT&T ZX0QZ y ZX7QZ'
    """
    parts = _WIRE_TAG.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(token(int(part)))
        else:
            out.append(html.unescape(part) if unescape else part)
    return "".join(out)


def tokens(text: str) -> list[str]:
    """The protected tokens in ``text``, sorted: input and output must have the same list."""
    return sorted(_TOKEN.findall(text))


def _number(token_text: str) -> int:
    """The item number inside a token: 'ZX12QZ' → 12."""
    return int(re.search(r"\d+", token_text).group(0))


def digest(*parts: str) -> str:
    """A short stable fingerprint (termbase in a model name, glossary name)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def batches(texts: list[str], max_units: int, max_chars: int) -> Iterator[list[str]]:
    """Consecutive slices with at most ``max_units`` texts and ``max_chars`` characters each.

    >>> list(batches(["aa", "bb", "cc", "dddd"], max_units=2, max_chars=5))
    [['aa', 'bb'], ['cc'], ['dddd']]
    """
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= max_units or size + len(text) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


#: Where a text too long for a service's per-text limit may be cut, best first: after a
#: sentence, then after a clause (semicolon, colon, dash, comma), then between words.
CUT_POINTS = (r"(?<=[.!?…])\s+", r"(?<=[;:])\s+|\s+(?=[—–]\s)", r"(?<=,)\s+", r"\s+")


def within_limit(text: str, limit: int) -> list[str] | None:
    """``text`` in pieces of at most ``limit`` characters, cut where its sentences or clauses
    end (words as a last resort); None when one word alone is longer. Joined with single
    spaces, the pieces are the text again (its spacing normalised at the cuts).

    >>> within_limit("One clause, another one; and a last sentence. Then more.", 30)
    ['One clause, another one;', 'and a last sentence.', 'Then more.']
    >>> within_limit("x" * 12, 10) is None
    True
    """
    if limit <= 0 or len(text) <= limit:
        return [text]
    parts = _cut(text, limit, CUT_POINTS)
    return None if any(len(p) > limit for p in parts) else _packed(parts, limit)


def _cut(text: str, limit: int, cuts: tuple[str, ...]) -> list[str]:
    """``text`` cut at the first kind of point; a part still too long, at the next kind."""
    if len(text) <= limit or not cuts:
        return [text]
    return [
        piece for part in re.split(cuts[0], text) for piece in _cut(part, limit, cuts[1:]) if piece
    ]


def _packed(parts: list[str], limit: int) -> list[str]:
    """Consecutive parts joined by spaces into as few pieces as the limit allows."""
    pieces: list[str] = []
    for part in parts:
        if pieces and len(pieces[-1]) + 1 + len(part) <= limit:
            pieces[-1] += " " + part
        else:
            pieces.append(part)
    return pieces


class HttpClient:
    """JSON over HTTP for one engine: timeout, retries with backoff, one-line errors."""

    def __init__(self, engine: str, timeout: float, retries: int, backoff: float = 1.0):
        self.engine = engine
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        import requests

        self.session = requests.Session()

    def request(self, method: str, url: str, *, fix: str, **kwargs) -> requests.Response:
        """The response of the first attempt that is neither 429 nor 5xx nor a dropped connection.

        ``fix`` says what to check when the server cannot be reached at all.
        """
        import requests

        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            response = None
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
                response.content  # noqa: B018 - read it all here: a truncated body raises now
            except requests.Timeout:
                if last:
                    raise EngineError(
                        f"{self.engine}: no answer from {_where(url)} within {self.timeout:g} s "
                        f"({attempt + 1} tries); {fix} or raise engines.{self.engine}.timeout"
                    ) from None
            except requests.RequestException as exc:
                if last:
                    raise EngineError(
                        f"{self.engine}: no usable answer from {_where(url)} ({_reason(exc)}); {fix}"
                    ) from None
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
            time.sleep(_delay(self.backoff, attempt, response))
        raise AssertionError("unreachable")

    def json(self, response: requests.Response, fix: str):
        """The decoded JSON body; HTML or broken JSON is an error that says what to check."""
        try:
            return response.json()
        except ValueError:
            kind = "HTML" if response.text.lstrip()[:1] == "<" else "text that is not JSON"
            raise EngineError(
                f"{self.engine}: {_where(response.url)} answered with {kind} "
                f"(HTTP {response.status_code}); {fix}"
            ) from None


def server_message(response: requests.Response) -> str:
    """The error text a JSON API put in its answer (``error``, ``message`` or ``detail``)."""
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict):
        error = data.get("error", data.get("message", data.get("detail", "")))
        if isinstance(error, dict):
            error = error.get("message", "")
        return " ".join(str(error).split())[:200]  # one line, whatever the server sent
    return ""


def _delay(backoff: float, attempt: int, response) -> float:
    """Retry-After when the server sends one (capped at a minute), else exponential backoff."""
    retry_after = response.headers.get("Retry-After", "") if response is not None else ""
    if retry_after.isdigit():
        return min(float(retry_after), 60.0)
    return backoff * (2**attempt)


def _where(url: str) -> str:
    """The URL without query string (an API key may travel there) nor user name and password."""
    return redact_url(url.split("?")[0])


def secret_in_url(url: str) -> str:
    """What in a URL is a credential: "a user name and password" or "the query parameter X"; "".

    >>> secret_in_url("http://apikey:s3cret@host/v1"), secret_in_url("http://h/t?auth_key=x&q=1")
    ('a user name or password', "the query parameter 'auth_key'")
    >>> secret_in_url("http://localhost:5000")
    ''
    """
    parts = urlsplit(url)
    if "@" in parts.netloc:
        return "a user name or password"
    for name, _ in parse_qsl(parts.query, keep_blank_values=True):
        if SECRET_PARAMETER.search(name):
            return f"the query parameter {name!r}"
    return ""


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "IncompleteRead" in text or "ChunkedEncoding" in type(exc).__name__:
        return "the answer was cut off"
    if "Connection refused" in text:
        return "connection refused"
    return type(exc).__name__


def compact(data) -> str:
    """JSON without spaces, for prompts and request bodies."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
