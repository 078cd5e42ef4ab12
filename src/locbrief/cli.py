"""``locbrief``: each pipeline stage as a subcommand, a thin layer over the package.

The Snakefile runs these same subcommands, so anything the workflow does can be
run (and debugged) by hand. Errors are one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .model import Document, LocbriefError, Suggestion, Unit


def main(argv: list[str] | None = None) -> int:
    _log_warnings_once()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except LocbriefError as exc:
        print(f"locbrief: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"locbrief: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("locbrief: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


def _log_warnings_once() -> None:
    """Stages report what they skipped on the ``locbrief`` logger: one line each on stderr."""
    logger = logging.getLogger("locbrief")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("locbrief: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
        logging.addLevelName(logging.WARNING, "warning")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="locbrief", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("read", help="read a brief (text capture or HTML) into a document")
    p.add_argument("source")
    p.add_argument("-o", "--output", required=True, help="document JSON to write")
    p.set_defaults(run=cmd_read)

    p = sub.add_parser("segment", help="split a document into units; write the POT template")
    p.add_argument("document")
    p.add_argument("--pot", required=True)
    p.add_argument("--units", required=True, help="units JSON to write")
    p.set_defaults(run=cmd_segment)

    p = sub.add_parser("suggest", help="machine-translate units (protected, remembered)")
    p.add_argument("units")
    p.add_argument("--lang", required=True)
    p.add_argument("--source-lang", default="en")
    p.add_argument("--engine", default="auto")
    p.add_argument("--termbase", help="locales/<lang>/termbase.tsv")
    p.add_argument("--memory", required=True, help="translation memory (JSON lines)")
    p.add_argument("-o", "--output", required=True, help="suggestions JSON to write")
    p.set_defaults(run=cmd_suggest)

    p = sub.add_parser("merge", help="merge template and suggestions into the translator's PO")
    p.add_argument("--pot", required=True)
    p.add_argument("--po", required=True)
    p.add_argument("--suggestions", required=True)
    p.add_argument("--lang", required=True)
    p.add_argument("--termbase")
    p.add_argument("--memory", required=True)
    p.add_argument("-o", "--output", required=True, help="merge summary JSON to write")
    p.set_defaults(run=cmd_merge)

    p = sub.add_parser("page", help="build the localized HTML page")
    p.add_argument("document")
    p.add_argument("units")
    p.add_argument("--lang", required=True)
    p.add_argument("--po", help="the language's PO (omit for the source-language page)")
    p.add_argument("--suggestions")
    p.add_argument("--memory")
    p.add_argument("--languages", default="", help="comma-separated locales for the switcher")
    p.add_argument("--review", action="store_true", help="highlight units no human has reviewed")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(run=cmd_page)

    p = sub.add_parser("check", help="QA report of one language's PO")
    p.add_argument("po")
    p.add_argument("--units", required=True)
    p.add_argument("--lang", required=True)
    p.add_argument("--termbase")
    p.add_argument("--memory", required=True)
    p.add_argument("--strict", action="store_true", help="exit non-zero when there are errors")
    p.add_argument("-o", "--output", required=True, help="QA report JSON to write")
    p.add_argument("--html", help="also write the report as an HTML page")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser(
        "diff",
        help="units added, removed, changed, moved between two revisions of a PO or brief",
        description="OLD NEW: files or git REV:PATH; or REV1 REV2 -- PATH; or REV -- PATH "
        "(against the working tree)",
    )
    p.add_argument("revisions", nargs="+", metavar="REVISION")
    p.add_argument("--format", choices=("text", "markdown", "html"), default="text")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(run=cmd_diff)

    p = sub.add_parser(
        "textconv",
        help="a PO as unit-per-block text, for git diff "
        "(git config diff.locbrief.textconv 'python -m locbrief textconv')",
    )
    p.add_argument("file")
    p.set_defaults(run=cmd_textconv)

    p = sub.add_parser("review", help="bilingual review page of one language")
    p.add_argument("document")
    p.add_argument("units")
    p.add_argument("--po", required=True)
    p.add_argument("--lang", required=True)
    p.add_argument("--termbase")
    p.add_argument("--memory", required=True)
    p.add_argument(
        "--qa", help="the check stage's QA report (JSON); without it the checks run here"
    )
    p.add_argument("-o", "--output", required=True, help="review HTML to write")
    p.set_defaults(run=cmd_review)

    p = sub.add_parser("check-config", help="validate config/config.yaml and the engines it names")
    p.add_argument("config", nargs="?", default="config/config.yaml")
    p.add_argument("--source-dir", default="source")
    p.set_defaults(run=cmd_check_config)

    p = sub.add_parser("install-argos", help="install an Argos Translate model package")
    p.add_argument("package", nargs="?", help="a local .argosmodel file")
    p.add_argument(
        "--from-index",
        nargs=2,
        metavar=("SOURCE", "TARGET"),
        help="download the pair (or an English pivot) from the Argos index instead",
    )
    p.set_defaults(run=cmd_install_argos)

    p = sub.add_parser(
        "system-packages", help="Debian packages the configured engines need (for make)"
    )
    p.add_argument("config", nargs="?", default="config/config.yaml")
    p.set_defaults(run=cmd_system_packages)

    p = sub.add_parser(
        "init-po", help="create empty PO files the workflow will fill (never touches existing ones)"
    )
    p.add_argument("config", nargs="?", default="config/config.yaml")
    p.set_defaults(run=cmd_init_po)
    return parser


# ---------------------------------------------------------------- helpers


def _write_json(path: str, data) -> None:
    from .files import write_atomically

    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _read_json(path: str):
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


def po_path(lang: str, brief: str) -> Path:
    return Path("locales") / lang / "LC_MESSAGES" / f"{brief}.po"


# ---------------------------------------------------------------- stages


def cmd_read(args) -> None:
    from .read import read_source

    doc = read_source(args.source)  # warnings go to the locbrief logger
    _write_json(args.output, doc.to_json())
    print(f"{args.source}: {len(doc.blocks)} blocks, {len(doc.notes())} endnotes")


def cmd_segment(args) -> None:
    from .pofile import write_template
    from .segment import segment
    from .template import assign_contexts, build_template

    doc = Document.from_json(_read_json(args.document))
    units = assign_contexts(segment(doc))
    write_template(args.pot, build_template(units, doc.name))
    _write_json(args.units, [u.to_json() for u in units])
    print(f"{doc.name}: {len(units)} units, {len({u.key for u in units})} distinct → {args.pot}")


def cmd_suggest(args) -> None:
    from .engines import choose_engine
    from .memory import Memory
    from .suggest import suggest
    from .termbase import load_termbase

    units = load_units(args.units)
    engine = choose_engine(args.engine, args.source_lang, args.lang)
    memory = Memory(args.memory)
    before = memory.segments
    suggestions = suggest(
        units, engine, args.source_lang, args.lang, load_termbase(args.termbase), memory
    )
    memory.save()
    _write_json(args.output, [s.to_json() for s in suggestions.values()])
    flagged = sum(1 for s in suggestions.values() if s.problems)
    print(
        f"{args.lang}: {engine.name} ({engine.model(args.source_lang, args.lang)}): {len(suggestions)} units, "
        f"{memory.segments - before} segments sent to the engine (the rest from memory), {flagged} flagged"
    )


def cmd_merge(args) -> None:
    from .files import read_bytes
    from .memory import Memory
    from .merge import merge
    from .pofile import read_po, write_po
    from .termbase import load_termbase

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
    counts = dict(result.counts)
    _write_json(args.output, {"lang": args.lang, "po": args.po, "counts": counts})
    print(
        f"{args.lang}: {counts['units']} units — {counts.get('machine', 0)} machine-translated, "
        f"{counts.get('fuzzy', 0)} fuzzy, {counts.get('reviewed', 0)} reviewed by a human, "
        f"{counts.get('obsolete', 0)} obsolete kept; {args.po} {'updated' if changed else 'unchanged'}"
    )


def cmd_page(args) -> None:
    from .files import write_atomically
    from .memory import Memory
    from .page import choose_translations, render_page, source_translations
    from .pofile import read_po
    from .status import unit_status

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
    result = render_page(doc, units, chosen, args.lang, languages, review=args.review)
    write_atomically(args.output, result.html)
    for problem in result.problems:
        print(f"locbrief: warning: {problem}", file=sys.stderr)
    print(
        f"{args.lang}: page {args.output} ({result.counts.get('units', 0)} units, "
        f"{result.counts.get('reviewed', 0)} reviewed)"
    )


def cmd_check(args) -> int:
    from .check import check_catalog, report
    from .memory import Memory
    from .pofile import read_po
    from .status import count_status
    from .termbase import load_termbase

    po = read_po(args.po)
    memory = Memory(args.memory)
    findings = check_catalog(
        po, args.po, load_units(args.units), load_termbase(args.termbase), memory
    )
    data = report(findings, args.lang, dict(count_status(po, memory)))
    _write_json(args.output, data)
    if args.html:
        from .check import render_report
        from .files import write_atomically

        write_atomically(args.html, render_report(data, f"QA: {args.po} ({args.lang})"))
    for finding in findings:
        if finding.severity == "error":
            print(f"locbrief: {finding}", file=sys.stderr)
    print(f"{args.lang}: QA {data['errors']} errors, {data['warnings']} warnings → {args.output}")
    return 1 if args.strict and data["errors"] else 0


def cmd_diff(args) -> None:
    from .diff import diff_revisions, load_revision, resolve_specs
    from .diff_render import render_html, render_markdown, render_text
    from .files import write_atomically

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
        print(f"{len(diff.changes)} units listed → {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_textconv(args) -> None:
    """git runs this on both sides of a diff; a PO it cannot parse (conflict markers) is shown as is."""
    from .diff_render import textconv
    from .pofile import read_po

    data = Path(args.file).read_bytes()
    try:
        text = textconv(read_po(args.file, data))
    except LocbriefError as exc:
        print(f"locbrief: warning: {exc}; showing the file as it is", file=sys.stderr)
        text = data.decode("utf-8", errors="replace")
    sys.stdout.write(text)


def cmd_review(args) -> None:
    from .check import Finding, check_catalog
    from .files import write_atomically
    from .memory import Memory
    from .pofile import read_po
    from .review import render_review, review_rows
    from .status import unit_status
    from .termbase import load_termbase

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
    print(
        f"{args.lang}: review page {args.output} ({sum(r.needs_look for r in rows)} of {len(rows)} units "
        "need a look)"
    )


def cmd_check_config(args) -> None:
    from .config import check_engines, load_config, source_path

    config = load_config(args.config)
    for brief in config["briefs"]:
        source_path(brief, args.source_dir, args.config)
    for lang, engine in check_engines(config, args.config).items():
        print(f"{lang}: {engine}")


def cmd_install_argos(args) -> None:
    from .engines.argos import install_from_index, install_model, package_name

    if bool(args.package) == bool(args.from_index):
        raise LocbriefError("give either a .argosmodel file or --from-index SOURCE TARGET")
    packages = (
        install_from_index(*args.from_index) if args.from_index else [install_model(args.package)]
    )
    for package in packages:
        print(f"installed {package_name(package)}")


def cmd_system_packages(args) -> None:
    from .config import load_config
    from .engines.apertium import ApertiumEngine

    config = load_config(args.config)
    packages = {"gettext"}
    for lang, settings in config["languages"].items():
        if settings["engine"] in ("apertium", "auto"):
            packages.update(ApertiumEngine().debian_packages(config["source_language"], lang))
    print(" ".join(sorted(packages)))


def cmd_init_po(args) -> None:
    from .config import load_config
    from .files import write_atomically
    from .pofile import new_catalog

    config = load_config(args.config)
    for brief in config["briefs"]:
        for lang in config["languages"]:
            path = po_path(lang, brief)
            if not path.exists():
                write_atomically(path, str(new_catalog(lang, brief)) + "\n", expected=b"")


if __name__ == "__main__":
    sys.exit(main())
