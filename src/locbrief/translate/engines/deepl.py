"""DeepL through its official Python package (``deepl``), key from ``DEEPL_AUTH_KEY``.

Protected items go as ``<x0/>`` tags with ``tag_handling=xml``, so DeepL moves
them with their words and hands them back unchanged. The language's termbase
becomes a DeepL glossary named after a fingerprint of its entries: it is
created once and re-created only when the termbase changes. The target is the
regional variant the account offers that fits the locale: es_MX asks for
Latin-American Spanish (ES-419) where the account lists it, else ES.
The package retries 429 and 5xx answers with exponential backoff.
"""

from __future__ import annotations

import logging

import deepl

from locbrief.translate.engines import Engine, EngineError, language_code
from locbrief.translate.engines.remote import (
    QuotaExhausted,
    batches,
    digest,
    from_wire,
    rate_limited,
    redact_url,
    secret,
    to_wire,
)

log = logging.getLogger("locbrief")

#: DeepL API limits: texts per /v2/translate request, request body size (bytes).
MAX_TEXTS = 50
MAX_REQUEST_CHARS = 100_000  # below the 128 KiB body limit, UTF-8 and JSON escaping included
#: Regions that read Latin-American Spanish (UN M.49 region 419 and the US).
LATIN_AMERICA = frozenset(
    {"419", "AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA", "PE"}
    | {"PR", "PY", "SV", "US", "UY", "VE"}
)
GLOSSARY_PREFIX = "locbrief"
KEY_HINT = "set DEEPL_AUTH_KEY to your DeepL API key (DeepL account → API keys)"


def target_candidates(locale: str) -> list[str]:
    """DeepL target codes for a locale, best first.

    >>> target_candidates("es_MX")
    ['ES-MX', 'ES-419', 'ES']
    >>> target_candidates("pt_BR"), target_candidates("fr")
    (['PT-BR', 'PT'], ['FR'])
    """
    parts = locale.replace("-", "_").split("_")
    lang, region = parts[0].upper(), (parts[1].upper() if len(parts) > 1 else "")
    candidates = [f"{lang}-{region}"] if region else []
    if lang == "ES" and region in LATIN_AMERICA:
        candidates.append("ES-419")
    if lang == "PT":
        candidates.append("PT-BR" if region == "BR" else "PT-PT")
    if lang == "EN":
        candidates.append("EN-US" if region in LATIN_AMERICA | {"US", "CA"} else "EN-GB")
    return list(dict.fromkeys([*candidates, lang]))


class DeepLEngine(Engine):
    name = "deepl"
    probed = False
    batch_size = MAX_TEXTS

    def __init__(self, settings: dict):
        self.server_url = settings.get("server_url")
        self.timeout = float(settings.get("timeout", 30))
        self.retries = int(settings.get("retries", 5))
        self.formality = settings.get("formality")
        self._client: deepl.DeepLClient | None = None
        self._targets: dict[str, deepl.Language] | None = None
        self._entries: dict[str, str] = {}
        self._glossary: deepl.GlossaryInfo | None = None
        self._quota_left: int | None = None  # characters, once preflight asked /v2/usage

    # ------------------------------------------------------------ interface

    def available(self, source: str, target: str) -> bool:
        """Configured: a key in the environment (check-config asks the server)."""
        return secret(self.name) is not None

    def install_hint(self, source: str, target: str) -> str:
        return KEY_HINT

    def summary(self, source: str, target: str) -> str:
        formality = f", formality {self.formality}" if self.formality else ""
        return f"deepl (key from DEEPL_AUTH_KEY{formality})"

    def model(self, source: str, target: str) -> str:
        parts = [self.target_code(target)]
        if self.formality:
            parts.append(f"formality={self.formality}")
        if self._entries:
            parts.append(f"glossary {self._glossary_digest()}")
        return " ".join(parts)

    def use_termbase(self, termbase, source: str, target: str) -> bool:
        """Terms with a translation become a glossary where DeepL has glossaries for the pair."""
        entries = {t.source: t.target for t in termbase.terms if t.target is not None}
        pair = (language_code(source), language_code(target))
        if not entries or pair not in self._glossary_pairs():
            self._entries = {}
            return False
        self._entries = entries
        return True

    def preflight(self, source: str, target: str) -> str:
        used = self._call(lambda: self.client.get_usage()).character
        code = self.target_code(target)
        self._quota_left = used.limit - used.count if used.valid else None
        quota = f"{used.count:,} of {used.limit:,} characters used" if used.valid else "no quota"
        return f"reachable, key accepted, target {code}, {quota}"

    def cost(self, texts: list[str], source: str, target: str) -> str:
        """Characters DeepL bills (the source text), against what the quota has left."""
        chars = sum(len(t) for t in texts)
        if self._quota_left is not None and chars > self._quota_left:
            return f"{chars:,} characters, MORE than the {self._quota_left:,} left in the quota"
        return f"{chars:,} characters"

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        glossary = self._synced_glossary(source, target)
        out: list[str] = []
        wire = [to_wire(t, escape=True) for t in texts]
        for chunk in batches(wire, MAX_TEXTS, MAX_REQUEST_CHARS):
            results = self._call(
                lambda chunk=chunk: self.client.translate_text(
                    chunk,
                    source_lang=language_code(source).upper(),
                    target_lang=self.target_code(target),
                    formality=self.formality,
                    glossary=glossary,
                    tag_handling="xml",
                )
            )
            if len(results) != len(chunk):
                raise EngineError(
                    f"deepl: {self._server()} did not answer with the DeepL API's JSON "
                    f"({len(results)} translations for {len(chunk)} texts); "
                    "check engines.deepl.server_url"
                )
            out += [from_wire(r.text, unescape=True) for r in results]
        return out

    # ------------------------------------------------------------ helpers

    @property
    def client(self) -> deepl.DeepLClient:
        if self._client is None:
            key = secret(self.name)
            if key is None:
                raise EngineError(f"deepl: no key; {KEY_HINT}")
            # The package's own retry settings (module-wide): retries and the shortest timeout.
            deepl.http_client.max_network_retries = self.retries
            deepl.http_client.min_connection_timeout = self.timeout
            self._client = deepl.DeepLClient(
                key, server_url=self.server_url, send_platform_info=False
            )
        return self._client

    def target_code(self, target: str) -> str:
        """The regional code the account offers for ``target`` (ES-419 for es_MX, else ES)."""
        if self._targets is None:
            languages = self._call(lambda: self.client.get_target_languages())
            if not languages:  # the package reads an HTML page (a proxy's, a portal's) as none
                raise EngineError(
                    f"deepl: {self._server()} did not answer with the DeepL API's JSON "
                    "(no target languages at all); check engines.deepl.server_url"
                )
            self._targets = {lang.code.upper(): lang for lang in languages}
        for code in target_candidates(target):
            if code in self._targets:
                self._check_formality(code, target)
                return code
        raise EngineError(
            f"deepl: the account offers no target language for {target} "
            f"(tried {', '.join(target_candidates(target))}); choose another engine for {target}"
        )

    def _check_formality(self, code: str, target: str) -> None:
        """DeepL refuses ``more``/``less`` for languages without formality; ``prefer_*`` is safe."""
        if self.formality in ("more", "less") and self._targets[code].supports_formality is False:
            raise EngineError(
                f"deepl: {code} has no formality; set languages.{target}.formality to "
                f"prefer_{self.formality} or remove it"
            )

    def _glossary_pairs(self) -> set[tuple[str, str]]:
        pairs = self._call(lambda: self.client.get_glossary_languages())
        return {(p.source_lang.lower(), p.target_lang.lower()) for p in pairs}

    def _glossary_digest(self) -> str:
        return digest(*(f"{s}\t{t}" for s, t in sorted(self._entries.items())))

    def _synced_glossary(self, source: str, target: str) -> deepl.GlossaryInfo | None:
        """The glossary of the current termbase: found by name, else created (old ones deleted)."""
        if not self._entries or self._glossary is not None:
            return self._glossary
        src, tgt = language_code(source), language_code(target)
        prefix = f"{GLOSSARY_PREFIX} {src}-{tgt} "
        name = prefix + self._glossary_digest()
        existing = self._call(lambda: self.client.list_glossaries())
        found = next((g for g in existing if g.name == name and g.ready), None)
        if found is None:
            _check_entries(self._entries)
            found = self._call(lambda: self.client.create_glossary(name, src, tgt, self._entries))
            log.info("deepl: glossary %r created with %d entries", name, len(self._entries))
            for old in existing:
                if old.name.startswith(prefix) and old.name != name:
                    self._call(lambda old=old: self.client.delete_glossary(old))
        self._glossary = found
        return found

    def _server(self) -> str:
        return redact_url(self.server_url) if self.server_url else "the DeepL API"

    def _call(self, request):
        """Run one package call; its exceptions become one line that says what to do."""
        try:
            return request()
        except deepl.QuotaExceededException:
            raise QuotaExhausted(
                "deepl: the account's character quota for this billing period is used up (HTTP 456)"
            ) from None
        except deepl.AuthorizationException:
            raise EngineError(
                "deepl: the server refused the key in DEEPL_AUTH_KEY (HTTP 403); "
                "set it to a valid DeepL API key (free-account keys end in ':fx')"
            ) from None
        except deepl.TooManyRequestsException:
            raise rate_limited(self.name, self.retries) from None
        except deepl.ConnectionException as exc:
            reason = "no answer in time" if "timed out" in str(exc) else "connection failed"
            raise EngineError(
                f"deepl: cannot use {self._server()} ({reason} after {self.retries} retries, "
                f"timeout {self.timeout:g} s); check the network or engines.deepl.server_url"
            ) from None
        except deepl.DeepLException as exc:
            message = " ".join(str(exc).split())[:160]
            raise EngineError(f"deepl: {message}; check engines.deepl and languages") from None
        except (ValueError, TypeError, KeyError, AttributeError):
            raise EngineError(
                f"deepl: {self._server()} did not answer with the DeepL API's JSON; "
                "check engines.deepl.server_url"
            ) from None


def _check_entries(entries: dict[str, str]) -> None:
    """DeepL refuses glossary terms with tabs, newlines or control characters."""
    for term in (*entries, *entries.values()):
        try:
            deepl.validate_glossary_term(term.strip())
        except ValueError as exc:
            raise EngineError(
                f"deepl: termbase entry {term!r} cannot go into a DeepL glossary ({exc}); "
                "fix it in the termbase"
            ) from None


ENGINE = DeepLEngine
