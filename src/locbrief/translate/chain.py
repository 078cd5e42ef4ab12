"""Fallback chains: ``engine: [deepl, apertium]`` gives each language a list of engines.

The first engine translates what it can; when it fails or its quota ends, the
units it did not finish go to the next one. Each suggestion names the engine
that wrote it, so the PO's "machine translation:" comment is always right.
Engines not set up on this machine (no key, no package) are skipped with a
warning, as long as one remains.
"""

from __future__ import annotations

import logging

from locbrief.model import Suggestion, Unit
from locbrief.translate.engines import Engine, EngineError, choose_engine
from locbrief.translate.learn import Corrections
from locbrief.translate.memory import Memory
from locbrief.translate.probes import ProbeCache
from locbrief.translate.suggest import SOURCE_KEPT, pending, suggest
from locbrief.translate.termbase import Termbase
from locbrief.translate.variety import Variety

log = logging.getLogger("locbrief")

#: Settings of a language (config ``languages.<lang>``) that its engines receive.
LANGUAGE_SETTINGS = ("formality",)


def engine_names_of(setting: str | list[str]) -> list[str]:
    """A language's ``engine`` setting as a list: 'deepl' → ['deepl']."""
    return [setting] if isinstance(setting, str) else list(setting)


def settings_for(config: dict, lang: str, name: str) -> dict:
    """An engine's settings for one language: ``engines.<name>`` plus the language's own."""
    settings = dict((config.get("engines") or {}).get(name) or {})
    language = config.get("languages", {}).get(lang) or {}
    settings.update({k: language[k] for k in LANGUAGE_SETTINGS if k in language})
    return settings


def choose_chain(config: dict, names: list[str], source: str, target: str) -> list[Engine]:
    """The engines of a chain that are set up here; an error only if none is."""
    engines, skipped = [], []
    for name in names:
        try:
            engines.append(choose_engine(name, source, target, settings_for(config, target, name)))
        except EngineError as exc:
            skipped.append(exc.message)
    if not engines:
        raise EngineError("; ".join(skipped))
    for reason in skipped:
        log.warning("%s: skipped (%s); using %s", target, reason, engines[0].name)
    return engines


def suggest_with_fallback(
    units: list[Unit],
    engines: list[Engine],
    source: str,
    target: str,
    termbase: Termbase,
    memory: Memory,
    batch_size: int | None = None,
    variety: Variety | None = None,
    corrections: Corrections | None = None,
    probes: ProbeCache | None = None,
) -> dict[str, Suggestion]:
    """Suggestions from the first engine that can; what one leaves undone goes to the next.

    A unit whose draft lost a link, note marker or name (it holds the source text, see
    :data:`~locbrief.translate.suggest.SOURCE_KEPT`) goes to the next engine too, and keeps
    the source text only if none does better.
    """
    done: dict[str, Suggestion] = {}
    kept_source: dict[str, Suggestion] = {}
    remaining = units
    for position, engine in enumerate(engines):
        following = engines[position + 1].name if position + 1 < len(engines) else None
        try:
            found = suggest(
                remaining,
                engine,
                source,
                target,
                termbase,
                memory,
                batch_size,
                variety,
                corrections,
                probes,
            )
        except EngineError as exc:
            _keep(exc.finished or {}, done, kept_source)
            remaining = [u for u in remaining if u.msgid not in done]
            left, texts = _left(remaining, engine, source, target, termbase, memory)
            if following is None:
                raise EngineError(
                    f"{exc.message}; {left} units left untranslated{texts} (those done are "
                    "remembered: run again to resume, or add a fallback engine, e.g. "
                    f"engine: [{engine.name}, apertium])"
                ) from None
            log.warning(
                "%s; the remaining %d units go to %s%s", exc.message, left, following, texts
            )
            continue
        _keep(found, done, kept_source)
        remaining = [u for u in remaining if u.msgid not in done]
        if not remaining:
            break
        if following is not None:
            log.warning(
                "%s: %s lost a link, note marker or name in %d units; they go to %s",
                target,
                engine.name,
                len({u.msgid for u in remaining}),
                following,
            )
    done.update({m: s for m, s in kept_source.items() if m not in done})
    return done


def _keep(found: dict[str, Suggestion], done: dict, kept_source: dict) -> None:
    """Drafts that kept every protected item are done; the others wait for a better engine."""
    for msgid, suggestion in found.items():
        if SOURCE_KEPT in suggestion.problems:
            kept_source.setdefault(msgid, suggestion)
        else:
            done[msgid] = suggestion


def _left(
    units: list[Unit], engine: Engine, source: str, target: str, termbase: Termbase, memory: Memory
) -> tuple[int, str]:
    """Units left (PO entries, as every count means) and, when some differ only in protected
    items, how many distinct texts a rerun sends: (284, ", 282 distinct texts")."""
    count = len({u.msgid for u in units})
    try:
        texts = len(pending(units, engine, source, target, termbase, memory))
    except EngineError:
        texts = count
    return count, (f", {texts} distinct texts" if texts != count else "")
