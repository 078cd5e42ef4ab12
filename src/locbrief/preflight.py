"""``locbrief check-config``'s engine report: usable engines and what the next run will cost.

For each language and each engine of its chain: is it reachable and does it
accept the key, and how many units are not in the translation memory yet,
with their cost in the engine's own unit (characters for DeepL and
LibreTranslate, tokens for a language model). Nothing is translated here.
"""

from __future__ import annotations

from pathlib import Path

from locbrief.model import Unit
from locbrief.read import read_source
from locbrief.translate.chain import choose_chain, engine_names_of
from locbrief.translate.engines import EngineError
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import pending
from locbrief.translate.termbase import load_termbase


def engine_report(config: dict, briefs: dict[str, Path]) -> tuple[list[str], bool]:
    """One line per language and engine; False if some language has no usable engine.

    ``briefs``: each brief's source file (:func:`locbrief.config.find_briefs`).
    """
    units = brief_units(briefs)
    source = config["source_language"]
    lines, all_usable = [], True
    for lang, settings in config["languages"].items():
        engines = choose_chain(config, engine_names_of(settings["engine"]), source, lang)
        folder = Path("locales") / lang
        termbase = load_termbase(
            folder / "termbase.tsv" if (folder / "termbase.tsv").exists() else None
        )
        memory = Memory(folder / "memory.jsonl")
        usable = False
        for engine in engines:
            try:
                status = engine.preflight(source, lang)
                todo = pending(units, engine, source, lang, termbase, memory)
            except EngineError as exc:
                reason = exc.message.removeprefix(f"{engine.name}: ")
                lines.append(f"{lang}: {engine.name}: NOT usable: {reason}")
                continue
            usable = True
            cost = engine.cost(todo, source, lang) if todo else ""
            lines.append(
                f"{lang}: {engine.summary(source, lang)}: {status}; {len(todo)} units not in "
                f"memory{f' ({cost})' if cost else ''}"
            )
        all_usable = all_usable and usable
    return lines, all_usable


def brief_units(briefs: dict[str, Path]) -> list[Unit]:
    """The units of every brief, as the segment stage makes them."""
    units: list[Unit] = []
    for path in briefs.values():
        units += segment(read_source(str(path)))
    return units
