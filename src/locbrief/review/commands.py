"""The review group's commands: ``check``, ``diff``, ``textconv``, ``review``.

Each takes the parsed arguments of its ``locbrief`` subcommand (cli.py) and does the
stage's work through the package's functions; the Snakefile runs the same commands.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from locbrief.files import load_units, read_json, write_json
from locbrief.model import Document, LocbriefError

log = logging.getLogger("locbrief")


def cmd_check(args) -> int:
    from locbrief.catalog.pofile import read_po
    from locbrief.catalog.status import count_status
    from locbrief.review.check import check_catalog, report
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase

    po = read_po(args.po)
    memory = Memory(args.memory)
    findings = check_catalog(
        po, args.po, load_units(args.units), load_termbase(args.termbase), memory
    )
    data = report(findings, args.lang, dict(count_status(po, memory)))
    write_json(args.output, data)
    if args.html:
        from locbrief.files import write_atomically
        from locbrief.review.check import render_report

        write_atomically(args.html, render_report(data, f"QA: {args.po} ({args.lang})"))
    for finding in findings:
        if finding.severity == "error":
            log.error("%s:%s: [%s] %s", finding.path, finding.line, finding.check, finding.message)
    log.info(
        f"{args.lang}: QA {data['errors']} errors, {data['warnings']} warnings → {args.output}"
    )
    return 1 if args.strict and data["errors"] else 0


def cmd_diff(args) -> None:
    from locbrief.files import write_atomically
    from locbrief.review.diff import diff_revisions, load_revision, resolve_specs
    from locbrief.review.diff_render import render_html, render_markdown, render_text

    old, new = resolve_specs(args.revisions)
    diff = diff_revisions(load_revision(old), load_revision(new))
    if args.format == "html":
        text = render_html(diff)
    elif args.format == "markdown":
        text = render_markdown(diff)
    else:
        text = render_text(diff, colour=not args.output and sys.stdout.isatty())
    if args.output:
        write_atomically(args.output, text)
        log.info("%d units listed → %s", len(diff.changes), args.output)
    else:
        sys.stdout.write(text)


def cmd_textconv(args) -> None:
    """git runs this on both sides of a diff; a PO it cannot parse (conflict markers) is shown as is."""
    from locbrief.catalog.pofile import read_po
    from locbrief.review.diff_render import textconv

    data = Path(args.file).read_bytes()
    try:
        text = textconv(read_po(args.file, data))
    except LocbriefError as exc:
        log.warning("%s; showing the file as it is", exc)
        text = data.decode("utf-8", errors="replace")
    sys.stdout.write(text)


def cmd_review(args) -> None:
    from locbrief.catalog.pofile import read_po
    from locbrief.catalog.status import unit_status
    from locbrief.files import write_atomically
    from locbrief.review.check import Finding, check_catalog
    from locbrief.review.review import render_review, review_rows, units_needing_a_look
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase

    doc = Document.from_json(read_json(args.document))
    units = load_units(args.units)
    po = read_po(args.po)
    memory = Memory(args.memory)
    termbase = load_termbase(args.termbase)
    if args.qa:
        findings = [Finding(**f) for f in read_json(args.qa)["findings"]]
    else:
        findings = check_catalog(po, args.po, units, termbase, memory)
    rows = review_rows(doc, units, po, lambda entry: unit_status(entry, memory), findings)
    write_atomically(args.output, render_review(doc, rows, args.lang, termbase))
    units = len({r.unit.key for r in rows})
    log.info(
        f"{args.lang}: review page {args.output} ({units_needing_a_look(rows)} of {units} units "
        "need a look)"
    )
