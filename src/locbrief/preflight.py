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
from locbrief.translate.suggest import pending, pending_units
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
            left = len(pending_units(units, engine, source, lang, termbase, memory))
            lines.append(
                f"{lang}: {engine.summary(source, lang)}: {status}; {left} units not in "
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


def cmd_check_config(args) -> int:
    """``locbrief check-config``: the briefs, each language's engines and the next run's cost."""
    from locbrief.config import check_engines, find_briefs, load_config, warn_unknown_sources

    config = load_config(args.config)
    briefs = find_briefs(config, args.source_dir, args.config)
    warn_unknown_sources(args.source_dir)
    print(f"briefs: {', '.join(briefs)}")
    check_engines(config, args.config)
    lines, usable = engine_report(config, briefs)
    print("\n".join(lines))
    return 0 if usable else 1


def cmd_system_packages(args) -> None:
    """``locbrief system-packages``: what make installs for the configured engines, the PDFs and
    pandoc (Word and Markdown briefs in, Word files out)."""
    from locbrief.config import load_config
    from locbrief.publish.pdf import DEBIAN_PACKAGES
    from locbrief.read.pandoc import DEBIAN_PACKAGES as PANDOC_PACKAGES
    from locbrief.translate.chain import engine_names_of
    from locbrief.translate.engines.apertium import ApertiumEngine

    config = load_config(args.config)
    packages = {"gettext", *DEBIAN_PACKAGES, *PANDOC_PACKAGES}
    for lang, settings in config["languages"].items():
        if {"apertium", "auto"} & set(engine_names_of(settings["engine"])):
            packages.update(ApertiumEngine().debian_packages(config["source_language"], lang))
    print(" ".join(sorted(packages)))
