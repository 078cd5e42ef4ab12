"""``locbrief``: each pipeline stage as a subcommand, a thin layer over the package.

The Snakefile runs these same subcommands, so anything the workflow does can be
run (and debugged) by hand. Errors are one line on stderr and exit status 1.
What a command reports (summaries, warnings, errors) goes through the one
``locbrief`` logger on stderr, so ``-q`` and ``-v`` govern all of it; standard
output carries only a command's own output (diff and textconv text, the
engine list of check-config, the package list of system-packages).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from importlib import metadata
from pathlib import Path

from locbrief.model import Document, LocbriefError, Suggestion, Unit
from locbrief.translate.engines import engine_names

log = logging.getLogger("locbrief")

#: where the Snakefile and a user's checkout keep the config
DEFAULT_CONFIG = "config/config.yaml"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbosity)
    started = time.perf_counter()
    try:
        code = args.run(args) or 0
    except LocbriefError as exc:
        log.error("%s", exc)
        return 1
    except OSError as exc:
        from locbrief.files import fs_error

        log.error("%s", fs_error(exc))
        return 1
    except KeyboardInterrupt:
        log.error("interrupted; nothing half-written was kept")
        return 130
    log.debug("%s done in %.2f s", args.command, time.perf_counter() - started)
    return code


# ---------------------------------------------------------------- logging


class _LevelPrefix(logging.Formatter):
    """``locbrief: warning: …`` for problems, the bare line for a command's summary (INFO)."""

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno == logging.INFO:
            return message
        return f"locbrief: {record.levelname.lower()}: {message}"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (pytest and Snakemake swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(verbosity: int = 0) -> None:
    """One handler on the ``locbrief`` logger (its children included): -q warnings, -v debug."""
    if not any(isinstance(h, _CurrentStderr) for h in log.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(_LevelPrefix("%(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel({-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG))


# ---------------------------------------------------------------- options


def version() -> str:
    """The installed distribution's version (pyproject.toml is where it is set)."""
    try:
        return metadata.version("locbrief")
    except metadata.PackageNotFoundError:
        return "unknown (not installed; run make setup)"


def _verbosity_options(parser: argparse.ArgumentParser, default=0) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=1,
        default=default,
        help="also debug lines: the JSON files read and written, the time the command took",
    )
    group.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=-1,
        default=default,
        help="only warnings and errors, no summary line",
    )


def _command(sub, name: str, summary: str, description: str | None = None):
    """A subcommand whose --help opens with its summary."""
    return sub.add_parser(name, help=summary, description=description or summary)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="locbrief",
        description=__doc__.splitlines()[0].replace("``", ""),
        epilog="'locbrief COMMAND --help' describes a command's arguments.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    _verbosity_options(parser)
    sub = parser.add_subparsers(
        required=True, metavar="COMMAND", dest="command", help="the stage or tool to run:"
    )

    p = _command(sub, "read", "read a brief (text capture or HTML) into a document")
    p.add_argument("source", help="the brief: source/<brief>.txt (a page capture) or .html")
    p.add_argument("-o", "--output", required=True, metavar="JSON", help="document JSON to write")
    p.set_defaults(run=cmd_read)

    p = _command(sub, "segment", "split a document into units; write the POT template")
    p.add_argument("document", help="document JSON written by 'read'")
    p.add_argument(
        "--pot",
        required=True,
        metavar="POT",
        help="template to write (locales/templates/<brief>.pot); rewritten only when an entry changed",
    )
    p.add_argument("--units", required=True, metavar="JSON", help="units JSON to write")
    p.set_defaults(run=cmd_segment)

    p = _command(sub, "suggest", "machine-translate units (protected, remembered)")
    p.add_argument("units", help="units JSON written by 'segment'")
    p.add_argument("--lang", required=True, metavar="LOCALE", help="target locale, e.g. es_MX")
    p.add_argument(
        "--source-lang",
        default="en",
        metavar="LOCALE",
        help="the brief's language (default: %(default)s)",
    )
    p.add_argument(
        "--engine",
        default=["auto"],
        nargs="+",
        choices=("auto", *engine_names()),
        metavar="ENGINE",
        help=f"translation engine ({', '.join(('auto', *engine_names()))}), or a fallback chain "
        "(--engine deepl apertium: what the first cannot translate goes to the next); auto picks "
        "an installed Argos model, else Apertium (default: auto)",
    )
    p.add_argument(
        "--config",
        metavar="YAML",
        help="the config, for the network engines' settings (engines:) and the language's "
        "formality",
    )
    p.add_argument(
        "--termbase", metavar="TSV", help="the language's termbase (locales/<lang>/termbase.tsv)"
    )
    p.add_argument(
        "--memory",
        required=True,
        metavar="JSONL",
        help="translation memory (locales/<lang>/memory.jsonl); units found there are not sent again",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="JSON", help="suggestions JSON to write"
    )
    p.set_defaults(run=cmd_suggest)

    p = _command(sub, "merge", "merge template and suggestions into the translator's PO")
    p.add_argument("--pot", required=True, metavar="POT", help="template written by 'segment'")
    p.add_argument(
        "--po",
        required=True,
        metavar="PO",
        help="the translator's PO, updated in place (human translations are never overwritten)",
    )
    p.add_argument(
        "--suggestions", required=True, metavar="JSON", help="suggestions written by 'suggest'"
    )
    p.add_argument("--lang", required=True, metavar="LOCALE", help="the PO's locale, e.g. es_MX")
    p.add_argument(
        "--termbase", metavar="TSV", help="termbase whose hits become '#. term:' comments"
    )
    p.add_argument(
        "--memory",
        required=True,
        metavar="JSONL",
        help="translation memory; tells machine text from human text",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="JSON", help="merge summary JSON to write"
    )
    p.set_defaults(run=cmd_merge)

    p = _command(sub, "page", "build the localized HTML page")
    p.add_argument("document", help="document JSON written by 'read'")
    p.add_argument("units", help="units JSON written by 'segment'")
    p.add_argument(
        "--lang",
        required=True,
        metavar="LOCALE",
        help="the page's locale (the source language without --po)",
    )
    p.add_argument(
        "--po", metavar="PO", help="the language's PO (omit for the source-language page)"
    )
    p.add_argument(
        "--suggestions",
        metavar="JSON",
        help="suggestions to fall back on where the PO has no usable translation",
    )
    p.add_argument(
        "--memory", metavar="JSONL", help="translation memory (with --po: tells machine text)"
    )
    p.add_argument(
        "--languages",
        default="",
        metavar="LOCALES",
        help="comma-separated locales for the switcher (default: --lang only)",
    )
    p.add_argument("--review", action="store_true", help="highlight units no human has reviewed")
    p.add_argument(
        "--config",
        metavar="YAML",
        help="the config, for its site settings (theme, base URL, name, logo)",
    )
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="page to write")
    p.set_defaults(run=cmd_page)

    p = _command(sub, "check", "QA report of one language's PO")
    p.add_argument("po", help="the PO to check")
    p.add_argument("--units", required=True, metavar="JSON", help="units JSON written by 'segment'")
    p.add_argument("--lang", required=True, metavar="LOCALE", help="the PO's locale, e.g. es_MX")
    p.add_argument("--termbase", metavar="TSV", help="termbase whose rules are checked")
    p.add_argument(
        "--memory",
        required=True,
        metavar="JSONL",
        help="translation memory; tells machine text from human text",
    )
    p.add_argument("--strict", action="store_true", help="exit non-zero when there are errors")
    p.add_argument("-o", "--output", required=True, metavar="JSON", help="QA report JSON to write")
    p.add_argument("--html", metavar="HTML", help="also write the report as an HTML page")
    p.set_defaults(run=cmd_check)

    p = _command(
        sub,
        "diff",
        "units added, removed, changed, moved between two revisions of a PO or brief",
        "Units added, removed, changed and moved between two revisions of a PO file or a brief. "
        "REVISION: OLD NEW (files or git REV:PATH); or REV1 REV2 -- PATH; or REV -- PATH "
        "(against the working tree).",
    )
    p.add_argument(
        "revisions",
        nargs="+",
        metavar="REVISION",
        help="OLD NEW, REV1 REV2 -- PATH, or REV -- PATH",
    )
    p.add_argument(
        "--format",
        choices=("text", "markdown", "html"),
        default="text",
        help="text for a terminal, markdown for a pull request, html for a side-by-side report "
        "(default: %(default)s)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="file to write (default: standard output)"
    )
    p.set_defaults(run=cmd_diff)

    p = _command(
        sub,
        "textconv",
        "a PO as unit-per-block text, for git diff "
        "(git config diff.locbrief.textconv 'python -m locbrief textconv')",
    )
    p.add_argument("file", help="the PO file git passes (shown as is when it does not parse)")
    p.set_defaults(run=cmd_textconv)

    p = _command(sub, "review", "bilingual review page of one language")
    p.add_argument("document", help="document JSON written by 'read'")
    p.add_argument("units", help="units JSON written by 'segment'")
    p.add_argument("--po", required=True, metavar="PO", help="the language's PO")
    p.add_argument("--lang", required=True, metavar="LOCALE", help="the PO's locale, e.g. es_MX")
    p.add_argument("--termbase", metavar="TSV", help="termbase whose rules each unit shows")
    p.add_argument(
        "--memory",
        required=True,
        metavar="JSONL",
        help="translation memory; tells machine text from human text",
    )
    p.add_argument(
        "--qa",
        metavar="JSON",
        help="the check stage's QA report (JSON); without it the checks run here",
    )
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="review HTML to write")
    p.set_defaults(run=cmd_review)

    p = _command(
        sub,
        "terms",
        "list names and acronyms in a brief that the termbase does not cover yet",
        "List the capitalised multi-word names and acronyms of a brief that no termbase entry "
        "covers, most frequent first (titles of cited works in the endnotes are skipped).",
    )
    p.add_argument("brief", help="the brief (source/<brief>.txt or .html) or its units JSON")
    p.add_argument(
        "--termbase",
        metavar="TSV",
        help="locales/<lang>/termbase.tsv (without it: every candidate)",
    )
    p.add_argument(
        "--min-count",
        type=int,
        default=1,
        metavar="N",
        help="only names found at least N times (default: %(default)s)",
    )
    p.set_defaults(run=cmd_terms)

    p = _command(
        sub,
        "run",
        "run the whole workflow (what make run does): resumes a killed run, stops cleanly "
        "on SIGTERM or Ctrl-C, ends a failed run with one line saying what to do",
    )
    p.add_argument(
        "targets", nargs="*", metavar="TARGET", help="files to build (default: every page)"
    )
    p.add_argument(
        "--cores", default="all", help="how many jobs run at once (default: %(default)s)"
    )
    p.set_defaults(run=cmd_run)

    p = _command(sub, "pdf", "a PDF of a page, from the same HTML with the print style")
    p.add_argument("page", help="the page's HTML file in out/<lang>/")
    p.add_argument("-o", "--output", required=True, metavar="PDF", help="PDF to write")
    p.add_argument(
        "--config", metavar="YAML", help="the config, for site.paper, site.fonts and site.theme"
    )
    p.set_defaults(run=cmd_pdf)

    p = _command(sub, "site", "out/index.html (every brief and language) and out/sitemap.xml")
    p.add_argument(
        "config", nargs="?", default=DEFAULT_CONFIG, help="the config (default: %(default)s)"
    )
    p.add_argument(
        "--out", default="out", metavar="DIR", help="what the stages wrote (default: %(default)s)"
    )
    p.set_defaults(run=cmd_site)

    p = _command(
        sub,
        "publish",
        "copy to site/ only the languages that pass the config's publish bar",
        "Copy to the site folder only the languages that pass the config's publish bar "
        "(publish.min_reviewed, publish.qa_errors); one line per language held back; exit "
        "status 1, the site left as it was, if a language in publish.required is not ready.",
    )
    p.add_argument(
        "config", nargs="?", default=DEFAULT_CONFIG, help="the config (default: %(default)s)"
    )
    p.add_argument(
        "--out", default="out", metavar="DIR", help="what the stages wrote (default: %(default)s)"
    )
    p.add_argument(
        "--site",
        default="site",
        metavar="DIR",
        help="the folder to publish to (default: %(default)s)",
    )
    p.set_defaults(run=cmd_publish)

    p = _command(
        sub,
        "check-config",
        "validate config/config.yaml and the engines it names",
        "validate config/config.yaml; for each language and engine, say whether it is reachable "
        "and accepts the key, and what the units not yet in memory will cost (characters or "
        "tokens); exit 1 if a language has no usable engine",
    )
    p.add_argument(
        "config", nargs="?", default=DEFAULT_CONFIG, help="the config (default: %(default)s)"
    )
    p.add_argument(
        "--source-dir",
        default="source",
        metavar="DIR",
        help="where the briefs are (default: %(default)s)",
    )
    p.set_defaults(run=cmd_check_config)

    p = _command(sub, "install-argos", "install an Argos Translate model package")
    p.add_argument("package", nargs="?", help="a local .argosmodel file")
    p.add_argument(
        "--from-index",
        nargs=2,
        metavar=("SOURCE", "TARGET"),
        help="download the pair (or an English pivot) from the Argos index instead",
    )
    p.set_defaults(run=cmd_install_argos)

    p = _command(sub, "system-packages", "Debian packages the configured engines need (for make)")
    p.add_argument(
        "config", nargs="?", default=DEFAULT_CONFIG, help="the config (default: %(default)s)"
    )
    p.set_defaults(run=cmd_system_packages)

    for command in command_parsers(parser).values():
        # -v/-q after the command's name too; SUPPRESS keeps one given before the name
        _verbosity_options(command, default=argparse.SUPPRESS)
    return parser


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser by name, in the order of ``locbrief --help``."""
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


# ---------------------------------------------------------------- helpers


def _write_json(path: str, data) -> None:
    from locbrief.files import write_atomically

    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    log.debug("wrote %s", path)


def _read_json(path: str):
    log.debug("reading %s", path)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocbriefError(
            "file not found; run the pipeline stage that writes it first", path
        ) from None
    except ValueError as exc:
        raise LocbriefError(
            f"not valid JSON ({exc.msg}); delete it and rerun", path, exc.lineno
        ) from None


def load_units(path: str) -> list[Unit]:
    return [Unit.from_json(u) for u in _read_json(path)]


def load_suggestions(path: str | None) -> dict[str, Suggestion]:
    if not path:
        return {}
    return {s["msgid"]: Suggestion.from_json(s) for s in _read_json(path)}


# ---------------------------------------------------------------- stages


def cmd_read(args) -> None:
    from locbrief.read import read_source

    doc = read_source(args.source)  # warnings go to the locbrief logger
    _write_json(args.output, doc.to_json())
    log.info("%s: %d blocks, %d endnotes", args.source, len(doc.blocks), len(doc.notes()))


def cmd_segment(args) -> None:
    from locbrief.catalog.pofile import read_template, write_template
    from locbrief.catalog.template import assign_contexts, build_template
    from locbrief.translate.segment import segment

    doc = Document.from_json(_read_json(args.document))
    units = assign_contexts(segment(doc))
    previous = read_template(args.pot)
    write_template(args.pot, build_template(units, doc.name, previous), previous)
    _write_json(args.units, [u.to_json() for u in units])
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
    _write_json(args.output, [s.to_json() for s in suggestions.values()])
    flagged = sum(1 for s in suggestions.values() if s.problems)
    unknown = [s for s in suggestions.values() if s.unknown]
    origins = Counter(s.origin for s in suggestions.values())
    log.info(
        f"{args.lang}: {len(suggestions)} units ({', '.join(f'{o}: {n}' for o, n in origins.items())}), "
        f"{memory.segments - before} segments sent to the engine (the rest from memory), {flagged} flagged, "
        f"{sum(len(s.unknown) for s in unknown)} words the engine did not know in {len(unknown)} units"
    )


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
    _write_json(args.output, {"lang": args.lang, "po": args.po, "counts": counts})
    log.info(
        f"{args.lang}: {counts['units']} units — {counts.get('machine', 0)} machine-translated, "
        f"{counts.get('fuzzy', 0)} fuzzy, {counts.get('reviewed', 0)} reviewed by a human, "
        f"{counts.get('obsolete', 0)} obsolete kept; {args.po} {'updated' if changed else 'unchanged'}"
    )


def cmd_page(args) -> None:
    from locbrief.catalog.pofile import read_po
    from locbrief.catalog.status import unit_status
    from locbrief.config import load_config
    from locbrief.files import write_atomically
    from locbrief.publish.page import choose_translations, render_page, source_translations
    from locbrief.publish.shell import metadata_problems
    from locbrief.publish.theme import Site
    from locbrief.translate.memory import Memory

    doc = Document.from_json(_read_json(args.document))
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
    _write_json(args.output, data)
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

    doc = Document.from_json(_read_json(args.document))
    units = load_units(args.units)
    po = read_po(args.po)
    memory = Memory(args.memory)
    termbase = load_termbase(args.termbase)
    if args.qa:
        findings = [Finding(**f) for f in _read_json(args.qa)["findings"]]
    else:
        findings = check_catalog(po, args.po, units, termbase, memory)
    rows = review_rows(doc, units, po, lambda entry: unit_status(entry, memory), findings)
    write_atomically(args.output, render_review(doc, rows, args.lang, termbase))
    units = len({r.unit.key for r in rows})
    log.info(
        f"{args.lang}: review page {args.output} ({units_needing_a_look(rows)} of {units} units "
        "need a look)"
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


def cmd_run(args) -> int:
    from locbrief.run import run

    return run(args.cores, args.targets)


def cmd_pdf(args) -> None:
    from locbrief.config import load_config
    from locbrief.publish.pdf import render_pdf
    from locbrief.publish.theme import Site

    site = Site.from_config(load_config(args.config)) if args.config else Site()
    started = time.perf_counter()
    render_pdf(Path(args.page), Path(args.output), site)
    log.info(f"{args.page} → {args.output} ({site.paper}, {time.perf_counter() - started:.1f} s)")


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


def cmd_check_config(args) -> int:
    from locbrief.config import check_engines, find_briefs, load_config
    from locbrief.preflight import engine_report

    config = load_config(args.config)
    briefs = find_briefs(config, args.source_dir, args.config)
    print(f"briefs: {', '.join(briefs)}")
    check_engines(config, args.config)
    lines, usable = engine_report(config, briefs)
    print("\n".join(lines))
    return 0 if usable else 1


def cmd_install_argos(args) -> None:
    from locbrief.translate.engines.argos import install_from_index, install_model, package_name

    if bool(args.package) == bool(args.from_index):
        raise LocbriefError("give either a .argosmodel file or --from-index SOURCE TARGET")
    packages = (
        install_from_index(*args.from_index) if args.from_index else [install_model(args.package)]
    )
    for package in packages:
        log.info("installed %s", package_name(package))


def cmd_system_packages(args) -> None:
    from locbrief.config import load_config
    from locbrief.publish.pdf import DEBIAN_PACKAGES
    from locbrief.translate.chain import engine_names_of
    from locbrief.translate.engines.apertium import ApertiumEngine

    config = load_config(args.config)
    packages = {"gettext", *DEBIAN_PACKAGES}
    for lang, settings in config["languages"].items():
        if {"apertium", "auto"} & set(engine_names_of(settings["engine"])):
            packages.update(ApertiumEngine().debian_packages(config["source_language"], lang))
    print(" ".join(sorted(packages)))


if __name__ == "__main__":
    sys.exit(main())
