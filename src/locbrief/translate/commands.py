"""The translate group's commands: ``segment``, ``suggest``, ``terms``, ``install-argos``.

Each takes the parsed arguments of its ``locbrief`` subcommand (cli.py) and does the
stage's work through the package's functions; the Snakefile runs the same commands.
"""

from __future__ import annotations

import logging

from locbrief.files import load_units, read_json, write_json
from locbrief.model import Document, LocbriefError

log = logging.getLogger("locbrief")


def cmd_segment(args) -> None:
    from locbrief.catalog.pofile import read_template, write_template
    from locbrief.catalog.template import assign_contexts, build_template
    from locbrief.translate.segment import segment

    doc = Document.from_json(read_json(args.document))
    units = assign_contexts(segment(doc))
    previous = read_template(args.pot)
    write_template(args.pot, build_template(units, doc.name, previous), previous)
    write_json(args.units, [u.to_json() for u in units])
    # units are distinct (msgctxt, msgid), occurrences the places they stand (status.UNITS)
    log.info(
        f"{doc.name}: {len({u.key for u in units})} units ({len(units)} occurrences) → {args.pot}"
    )


def cmd_suggest(args) -> None:
    from collections import Counter

    from locbrief.config import load_config
    from locbrief.translate.chain import choose_chain, suggest_with_fallback
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase
    from locbrief.translate.variety import load_variety, variety_path

    units = load_units(args.units)
    config = load_config(args.config) if args.config else {}
    engines = choose_chain(config, args.engine, args.source_lang, args.lang)
    memory = Memory(args.memory)
    before = memory.segments
    termbase = load_termbase(args.termbase)
    variety = load_variety(variety_path(args.lang), termbase)
    try:
        suggestions = suggest_with_fallback(
            units, engines, args.source_lang, args.lang, termbase, memory, variety=variety
        )
    finally:
        memory.save()  # the batches that came back, so a rerun resumes
    write_json(args.output, [s.to_json() for s in suggestions.values()])
    flagged = sum(1 for s in suggestions.values() if s.problems)
    unknown = [s for s in suggestions.values() if s.unknown]
    origins = Counter(s.origin for s in suggestions.values())
    log.info(
        f"{args.lang}: {len(suggestions)} units ({', '.join(f'{o}: {n}' for o, n in origins.items())}), "
        f"{memory.segments - before} segments sent to the engine (the rest from memory), {flagged} flagged, "
        f"{sum(len(s.unknown) for s in unknown)} words the engine did not know in {len(unknown)} units"
    )


def cmd_terms(args) -> None:
    import re

    from locbrief.translate.protect import QUOTED_TITLE
    from locbrief.translate.termbase import candidate_terms, load_termbase

    if args.brief.endswith(".json"):
        units = load_units(args.brief)
    else:
        from locbrief.read import read_source
        from locbrief.translate.segment import segment

        units = segment(read_source(args.brief))
    # Titles of cited works are kept as published: their words are not terms.
    texts = [
        re.sub(QUOTED_TITLE, " | ", u.msgid) if u.kind == "endnote" else u.msgid for u in units
    ]
    found = [
        c for c in candidate_terms(texts, load_termbase(args.termbase)) if c.count >= args.min_count
    ]
    for candidate in found:
        print(f"{candidate.count:4d}  {candidate.text}")
    log.info(f"{len(found)} candidate terms not in {args.termbase or 'any termbase'}")


def cmd_install_argos(args) -> None:
    from locbrief.translate.engines.argos import install_from_index, install_model, package_name

    if bool(args.package) == bool(args.from_index):
        raise LocbriefError("give either a .argosmodel file or --from-index SOURCE TARGET")
    packages = (
        install_from_index(*args.from_index) if args.from_index else [install_model(args.package)]
    )
    for package in packages:
        log.info("installed %s", package_name(package))
