"""The publish group's commands: ``page``, ``pdf``, ``docx``, ``site``, ``publish``, ``serve``.

Each takes the parsed arguments of its ``locbrief`` subcommand (cli.py) and does the
stage's work through the package's functions; the Snakefile runs the same commands.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from locbrief.files import load_suggestions, load_units, read_json
from locbrief.model import Document

log = logging.getLogger("locbrief")


def cmd_page(args) -> None:
    from locbrief.catalog.pofile import read_po
    from locbrief.catalog.status import unit_status
    from locbrief.config import load_config
    from locbrief.files import write_atomically
    from locbrief.publish.page import choose_translations, render_page, source_translations
    from locbrief.publish.shell import metadata_problems
    from locbrief.publish.theme import Site
    from locbrief.translate.memory import Memory

    doc = Document.from_json(read_json(args.document))
    units = load_units(args.units)
    if args.po:
        memory = Memory(args.memory)
        chosen = choose_translations(
            units,
            read_po(args.po),
            args.po,
            load_suggestions(args.suggestions),
            lambda entry: unit_status(entry, memory),
        )
    else:
        chosen = source_translations(units)
    languages = [lang for lang in args.languages.split(",") if lang] or [args.lang]
    site = Site.from_config(load_config(args.config)) if args.config else Site()
    result = render_page(doc, units, chosen, args.lang, languages, review=args.review, site=site)
    write_atomically(args.output, result.html)
    problems = result.problems + (metadata_problems(doc) if args.lang == doc.lang else [])
    for problem in problems:
        log.warning("%s", problem)
    log.info(
        f"{args.lang}: page {args.output} ({result.counts.get('units', 0)} units, "
        f"{result.counts.get('reviewed', 0)} reviewed)"
    )


def cmd_pdf(args) -> None:
    from locbrief.config import load_config
    from locbrief.publish.pdf import render_pdf
    from locbrief.publish.theme import Site

    site = Site.from_config(load_config(args.config)) if args.config else Site()
    started = time.perf_counter()
    render_pdf(Path(args.page), Path(args.output), site)
    log.info(f"{args.page} → {args.output} ({site.paper}, {time.perf_counter() - started:.1f} s)")


def cmd_docx(args) -> None:
    from locbrief.publish.docx import render_docx

    for warning in render_docx(Path(args.page), Path(args.output)):
        log.warning("%s", warning)
    log.info(f"{args.page} → {args.output}")


def _site_of(args):
    """The config, its site settings and every brief × language read back from out/."""
    from locbrief.config import find_briefs, load_config
    from locbrief.publish.site import collect
    from locbrief.publish.theme import Site

    config = load_config(args.config)
    briefs = list(find_briefs(config, "source", args.config))
    editions = collect(Path(args.out), briefs, config["source_language"], list(config["languages"]))
    return config, Site.from_config(config), editions


def cmd_site(args) -> None:
    from functools import partial

    from locbrief.publish.publish import Bar, held_back
    from locbrief.publish.site import write_site

    config, site, editions = _site_of(args)
    gate = partial(held_back, bar=Bar.from_config(config))
    for note in write_site(Path(args.out), editions, site, gate):
        log.warning("%s", note)
    log.info(f"{args.out}/index.html: {len(editions)} pages listed; {args.out}/sitemap.xml")


def cmd_publish(args) -> int:
    from locbrief.publish.publish import Bar, publish

    config, site, editions = _site_of(args)
    outcome = publish(editions, Path(args.out), Path(args.site), site, Bar.from_config(config))
    for line in outcome.held:
        print(line)
    if outcome.missing_required:
        log.error(
            f"required language(s) not ready: {', '.join(outcome.missing_required)} "
            f"(publish.required in {args.config}); {args.site}/ left as it was"
        )
        return 1
    if not outcome.published:
        log.info(f"nothing passes the publish bar; {args.site}/ left as it was")
        return 0
    langs = sorted({e.lang for e in outcome.published})
    log.info(f"{args.site}/: published {len(outcome.published)} pages ({', '.join(langs)})")
    return 0


def cmd_serve(args) -> int:
    from locbrief.publish.serve import plan, serve

    return serve(plan(args.config, args.brief, args.lang), args.port, args.config)
