"""Machine-translation engines behind one small interface.

An engine translates a *batch* of protected texts (placeholders already
swapped for tokens by :mod:`locbrief.translate.protect`) from one language to another.
Engines are chosen per language in the config; ``auto`` picks the best one
installed (Argos, then Apertium). Each suggestion records the engine name and
the model/version that produced it, so the translation memory can key on them.
Network engines (``deepl``, ``libretranslate``, ``openai``) take their settings
from the config's ``engines:`` section and their keys from the environment.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from locbrief.markup import token
from locbrief.model import LocbriefError


class EngineError(LocbriefError):
    """An engine is missing, crashed, hung or answered with the wrong number of lines."""

    #: suggestions for the units finished before the engine stopped (set by suggest)
    finished: dict | None = None


class Engine(ABC):
    """Translate batches of plain-text segments; one call per batch, never per unit."""

    name: str = ""
    #: how long one batch may take before the engine is declared hung (seconds)
    timeout: float = 600.0
    #: units per batch; a network engine's batch is one request, remembered when it returns
    batch_size: int = 64
    #: batches translated at once (locbrief.translate.suggest): a network engine's quota and rate
    #: limits are per request, so one; a local engine whose process mostly waits may take more
    concurrent_batches: int = 1
    #: sent term and stand-in probes (locbrief.translate.suggest); network engines are not: probes would
    #: spend quota, and names reach them as tags they place well
    probed: bool = True

    @abstractmethod
    def available(self, source: str, target: str) -> bool:
        """True if this engine can translate source→target on this machine."""

    @abstractmethod
    def model(self, source: str, target: str) -> str:
        """Model and version used for source→target (recorded with each suggestion)."""

    @abstractmethod
    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate ``texts``; must return exactly one string per input, in order."""

    def install_hint(self, source: str, target: str) -> str:
        """What a user should install to make source→target available."""
        return f"install the {self.name} engine for {source}→{target}"

    def token(self, number: int) -> str:
        """The stand-in for protected item ``number`` that this engine passes through."""
        return token(number)

    def unknown_words(self, output: str, sent: str) -> tuple[str, tuple[str, ...]]:
        """``output`` without the engine's marks, and the words it marked as unknown.

        Engines that mark nothing return the output as it is; ``sent`` is the
        text the engine was given, so marks that were already in it stay.
        """
        return output, ()

    def use_termbase(self, termbase, source: str, target: str) -> bool:
        """True if the engine itself enforces the termbase's translations (glossary, prompt).

        Then those terms stay words in the text (the engine inflects them) and
        are checked afterwards instead of being swapped for tokens.
        """
        return False

    def summary(self, source: str, target: str) -> str:
        """What check-config prints before any network call: name and model."""
        return f"{self.name} {self.model(source, target)}"

    def preflight(self, source: str, target: str) -> str:
        """Reachable and authorised? One line for check-config; EngineError if not."""
        return "installed"

    def cost(self, texts: list[str], source: str, target: str) -> str:
        """What sending ``texts`` would cost (characters, tokens); '' for a local engine."""
        return ""

    def prepare(self, source: str, target: str) -> None:
        """Get ready to translate source→target (a local engine starts its programs), called
        once there is work: what the engine loads then overlaps the first batch's masking."""
        return None

    def checked_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """``translate_batch`` that refuses answers with the wrong number of segments."""
        if not texts:
            return []
        out = self.translate_batch(texts, source, target)
        if len(out) != len(texts):
            raise EngineError(
                f"{self.name} returned {len(out)} segments for {len(texts)} sent "
                f"({source}→{target}); first unit: {texts[0][:60]!r}"
            )
        return out


def language_code(locale: str) -> str:
    """ISO 639-1 language of a locale name, which engines pair on.

    >>> language_code("es_MX"), language_code("pt-BR"), language_code("fr")
    ('es', 'pt', 'fr')
    """
    return locale.replace("-", "_").split("_")[0].lower()


REMOTE_ENGINES = ("deepl", "libretranslate", "openai")


def engine_names() -> list[str]:
    return ["argos", "apertium", *REMOTE_ENGINES, "identity", "pseudo"]


def get_engine(name: str, settings: dict | None = None) -> Engine:
    """The engine called ``name`` (one of :func:`engine_names`), with its config settings."""
    if name in REMOTE_ENGINES:
        from importlib import import_module

        module = import_module(f".{name}", __name__)
        return module.ENGINE(settings or {})
    if name == "apertium":
        from locbrief.translate.engines.apertium import ApertiumEngine

        return ApertiumEngine()
    if name == "argos":
        from locbrief.translate.engines.argos import ArgosEngine

        return ArgosEngine()
    if name in ("identity", "pseudo"):
        from locbrief.translate.engines.simple import IdentityEngine, PseudoEngine

        return IdentityEngine() if name == "identity" else PseudoEngine()
    raise LocbriefError(
        f"unknown engine {name!r}; choose one of: auto, {', '.join(engine_names())}"
    )


def choose_engine(name: str, source: str, target: str, settings: dict | None = None) -> Engine:
    """Resolve ``auto`` to the best installed engine and check the pair is available."""
    candidates = ["argos", "apertium"] if name == "auto" else [name]
    engines = [get_engine(n, settings) for n in candidates]
    for engine in engines:
        if engine.available(source, target):
            return engine
    hints = "; or ".join(e.install_hint(source, target) for e in engines)
    if name in REMOTE_ENGINES:
        raise EngineError(f"{name} is not set up for {source}→{target}: {hints}")
    raise EngineError(f"no {name} engine installed for {source}→{target}: {hints}")
