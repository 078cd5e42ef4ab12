"""The catalog group's command: ``merge`` (template + suggestions → the translator's PO).

Each takes the parsed arguments of its ``locbrief`` subcommand (cli.py) and does the
stage's work through the package's functions; the Snakefile runs the same commands.
"""

from __future__ import annotations

import logging

from locbrief.files import load_suggestions, write_json

log = logging.getLogger("locbrief")


def cmd_merge(args) -> None:
    from locbrief.catalog.merge import merge
    from locbrief.catalog.pofile import read_po, write_po
    from locbrief.files import read_bytes
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase

    original = read_bytes(args.po)
    old = read_po(args.po, original) if original.strip() else None
    pot = read_po(args.pot)
    memory = Memory(args.memory)
    result = merge(
        pot,
        old,
        load_suggestions(args.suggestions),
        memory,
        load_termbase(args.termbase),
        args.lang,
    )
    changed = write_po(args.po, result.po, expected=original)
    memory.save()  # the reviewed translations the merge recorded
    counts = dict(result.counts)
    write_json(args.output, {"lang": args.lang, "po": args.po, "counts": counts})
    log.info(
        f"{args.lang}: {counts['units']} units — {counts.get('machine', 0)} machine-translated, "
        f"{counts.get('fuzzy', 0)} fuzzy, {counts.get('reviewed', 0)} reviewed by a human, "
        f"{counts.get('obsolete', 0)} obsolete kept; {args.po} {'updated' if changed else 'unchanged'}"
    )
