"""``locbrief``: each pipeline stage as a subcommand, a thin layer over the package.

This module only parses arguments and dispatches: each command's body is a
``cmd_<name>`` function in its stage group's ``commands.py`` (read, translate,
catalog, publish, review), imported when the command runs, so ``--help`` and a
quick command import nothing else.

The Snakefile runs these same subcommands, so anything the workflow does can be
run (and debugged) by hand. Errors are one line on stderr and exit status 1.
What a command reports (summaries, warnings, errors) goes through the one
``locbrief`` logger on stderr, so ``-q`` and ``-v`` govern all of it; standard
output carries only a command's own output (diff and textconv text, the
engine list of check-config, the package list of system-packages).
"""

from __future__ import annotations

import argparse
import sys
import time

from locbrief.console import configure_logging, log, verbosity_options
from locbrief.model import LocbriefError
from locbrief.translate.engines import engine_names

#: where the Snakefile and a user's checkout keep the config
DEFAULT_CONFIG = "config/config.yaml"


def main(argv: list[str] | None = None) -> int:
    args = build_parser(_named(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    configure_logging(args.verbosity)
    started = time.perf_counter()
    try:
        code = _resolve(args.run)(args) or 0
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


# ---------------------------------------------------------------- options


class _Version(argparse.Action):
    def __call__(self, parser, *_):  # --version: importlib.metadata (0.1 s) only when asked
        parser.exit(0, print(f"{parser.prog} {version()}"))  # stdout, as argparse's own action


def version() -> str:
    """The installed distribution's version (pyproject.toml is where it is set)."""
    from importlib import metadata

    try:
        return metadata.version("locbrief")
    except metadata.PackageNotFoundError:
        return "unknown (not installed; run make setup)"


def _named(argv: list[str]) -> str | None:
    """The command ``argv`` names after nothing but -v/-q: only its parser need be built."""
    for arg in argv:
        if arg not in ("-v", "-q", "--verbose", "--quiet"):
            return None if arg.startswith("-") else arg
    return None


class _Unbuilt:
    """The parser of a command not named in argv: building all 22 took 10 ms of every run."""

    def __getattr__(self, _name):
        return lambda *_, **__: self


def _command(sub, name: str, summary: str, run: str, description: str | None = None):
    """A subcommand whose --help opens with its summary; ``run`` names its body (module:function)."""
    if sub.only not in (None, name):
        return _Unbuilt()
    parser = sub.add_parser(name, help=summary, description=description or summary)
    parser.set_defaults(run=run)
    return parser


def _resolve(target: str):
    """The function a 'module:function' string names, imported only now."""
    from importlib import import_module

    module, _, function = target.partition(":")
    return getattr(import_module(module), function)


# Options several commands share, each worded once.
def _lang(p, help="the PO's locale, e.g. es_MX") -> None:
    p.add_argument("--lang", required=True, metavar="LOCALE", help=help)


def _memory(p, required=True, help="translation memory; tells machine text from human text"):
    p.add_argument("--memory", required=required, metavar="JSONL", help=help)


def _source_lang(p) -> None:
    p.add_argument("--source-lang", default="en", metavar="LOCALE", help="source locale (en)")


def _termbase(p, help: str) -> None:
    p.add_argument("--termbase", metavar="TSV", help=help)


def _output(p, metavar: str, help: str, required=True) -> None:
    p.add_argument("-o", "--output", required=required, metavar=metavar, help=help)


def _config(p, help: str) -> None:
    p.add_argument("--config", metavar="YAML", help=help)


def _config_positional(p) -> None:
    p.add_argument(
        "config", nargs="?", default=DEFAULT_CONFIG, help="the config (default: %(default)s)"
    )


def _dir(p, flag: str, default: str, help: str) -> None:
    p.add_argument(flag, default=default, metavar="DIR", help=f"{help} (default: %(default)s)")


def _out_dir(p) -> None:
    _dir(p, "--out", "out", "what the stages wrote")


def _document_and_units(p) -> None:
    p.add_argument("document", help="document JSON written by 'read'")
    p.add_argument("units", help="units JSON written by 'segment'")


READ = "locbrief.read.commands"
TRANSLATE = "locbrief.translate.commands"
CATALOG = "locbrief.catalog.commands"
PUBLISH = "locbrief.publish.commands"
REVIEW = "locbrief.review.commands"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``only`` (when it is one) with no other's arguments."""
    parser = argparse.ArgumentParser(
        prog="locbrief",
        description=__doc__.splitlines()[0].replace("``", ""),
        epilog="'locbrief COMMAND --help' describes a command's arguments.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    verbosity_options(parser)
    sub = parser.add_subparsers(
        required=True, metavar="COMMAND", dest="command", help="the stage or tool to run:"
    )
    sub.only = only

    p = _command(
        sub, "read", "read a brief (text capture or HTML) into a document", f"{READ}:cmd_read"
    )
    p.add_argument(
        "source", help="the brief: source/<brief>.txt (a page capture), .html, .md or .docx"
    )
    _output(p, "JSON", "document JSON to write")

    p = _command(
        sub,
        "segment",
        "split a document into units; write the POT template",
        f"{TRANSLATE}:cmd_segment",
    )
    p.add_argument("document", help="document JSON written by 'read'")
    p.add_argument(
        "--pot",
        required=True,
        metavar="POT",
        help="template to write (locales/templates/<brief>.pot); rewritten only when an entry changed",
    )
    p.add_argument("--units", required=True, metavar="JSON", help="units JSON to write")

    p = _command(
        sub,
        "suggest",
        "machine-translate units (protected, remembered)",
        f"{TRANSLATE}:cmd_suggest",
    )
    p.add_argument("units", help="units JSON written by 'segment'")
    _lang(p, "target locale, e.g. es_MX")
    _source_lang(p)
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
    _config(
        p, "the config, for the network engines' settings (engines:) and the language's formality"
    )
    _termbase(p, "the language's termbase (locales/<lang>/termbase.tsv)")
    _memory(
        p,
        help="translation memory (locales/<lang>/memory.jsonl); units found there are not sent again",
    )
    _output(p, "JSON", "suggestions JSON to write")

    p = _command(
        sub,
        "merge",
        "merge template and suggestions into the translator's PO",
        f"{CATALOG}:cmd_merge",
    )
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
    _lang(p)
    _termbase(p, "termbase whose hits become '#. term:' comments")
    _memory(p)
    _output(p, "JSON", "merge summary JSON to write")

    p = _command(sub, "page", "build the localized HTML page", f"{PUBLISH}:cmd_page")
    _document_and_units(p)
    _lang(p, "the page's locale (the source language without --po)")
    p.add_argument(
        "--po", metavar="PO", help="the language's PO (omit for the source-language page)"
    )
    p.add_argument(
        "--suggestions",
        metavar="JSON",
        help="suggestions to fall back on where the PO has no usable translation",
    )
    _memory(p, required=False, help="translation memory (with --po: tells machine text)")
    p.add_argument(
        "--languages",
        default="",
        metavar="LOCALES",
        help="comma-separated locales for the switcher (default: --lang only)",
    )
    p.add_argument("--review", action="store_true", help="highlight units no human has reviewed")
    _config(p, "the config, for its site settings (theme, base URL, name, logo)")
    _output(p, "HTML", "page to write")

    p = _command(sub, "check", "QA report of one language's PO", f"{REVIEW}:cmd_check")
    p.add_argument("po", help="the PO to check")
    p.add_argument("--units", required=True, metavar="JSON", help="units JSON written by 'segment'")
    _lang(p)
    _termbase(p, "termbase whose rules are checked")
    _memory(p)
    p.add_argument("--strict", action="store_true", help="exit non-zero when there are errors")
    _output(p, "JSON", "QA report JSON to write")
    p.add_argument("--html", metavar="HTML", help="also write the report as an HTML page")

    p = _command(
        sub,
        "diff",
        "units added, removed, changed, moved between two revisions of a PO or brief",
        f"{REVIEW}:cmd_diff",
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
    _output(p, "FILE", "file to write (default: standard output)", required=False)

    p = _command(
        sub,
        "textconv",
        "a PO as unit-per-block text, for git diff "
        "(git config diff.locbrief.textconv 'python -m locbrief textconv')",
        f"{REVIEW}:cmd_textconv",
    )
    p.add_argument("file", help="the PO file git passes (shown as is when it does not parse)")

    p = _command(sub, "review", "bilingual review page of one language", f"{REVIEW}:cmd_review")
    _document_and_units(p)
    p.add_argument("--po", required=True, metavar="PO", help="the language's PO")
    _lang(p)
    _termbase(p, "termbase whose rules each unit shows")
    _memory(p)
    p.add_argument(
        "--qa",
        metavar="JSON",
        help="the check stage's QA report (JSON); without it the checks run here",
    )
    _output(p, "HTML", "review HTML to write")

    p = _command(
        sub,
        "terms",
        "list names and acronyms in a brief that the termbase does not cover yet",
        f"{TRANSLATE}:cmd_terms",
        "List the capitalised multi-word names and acronyms of a brief that no termbase entry "
        "covers, most frequent first (titles of cited works in the endnotes are skipped); "
        "or, as 'terms import FILE --lang L', add a TBX or CSV glossary to the termbase.",
    )
    p.add_argument("brief", nargs="?", help="the brief (.txt, .html, .md, .docx) or its units JSON")
    p.add_argument("file", nargs="?", help="with import: the glossary (.tbx or .csv)")
    _source_lang(p)
    _termbase(p, "locales/<lang>/termbase.tsv (without it: every candidate)")
    p.add_argument(
        "--min-count",
        type=int,
        default=1,
        metavar="N",
        help="only names found at least N times (default: %(default)s)",
    )
    p.add_argument("--learn", action="store_true", help="propose entries from reviewed units")
    p.add_argument("--lang", metavar="LOCALE", help="with --learn or import: the locale")
    _memory(p, required=False, help="with --learn (default: locales/<lang>/memory.jsonl)")
    p.add_argument("--write", action="store_true", help="with --learn: add them to the termbase")

    learn = "learn corrections (locales/<lang>/learned.tsv), engine senses, words; list them"
    p = _command(sub, "learn", learn, f"{TRANSLATE}:cmd_learn")
    _lang(p)
    _memory(p, required=False, help="default: locales/<lang>/memory.jsonl")
    _termbase(p, "names no rule may change (default: locales/<lang>/termbase.tsv)")
    p.add_argument("--min-seen", type=int, metavar="N", help="units a rule (2), a choice (1) needs")
    _output(p, "TSV", "rules file (default: locales/<lang>/learned.tsv)", required=False)

    p = _command(sub, "tm", "TMX in (fuzzy matches) and out (reviewed)", f"{TRANSLATE}:cmd_tm")
    p.add_argument("action", choices=("import", "export"), help="import FILE, or export to -o FILE")
    p.add_argument("file", nargs="?", help="with import: the TMX file (TMX 1.4 or 1.1)")
    _lang(p, "the memory's locale, e.g. es_MX (matched as BCP 47: es-MX, then es)")
    _source_lang(p)
    _memory(p, required=False, help="default: locales/<lang>/memory.jsonl")
    _output(p, "TMX", "with export: the TMX file to write", required=False)

    p = _command(
        sub,
        "run",
        "run the whole workflow (what make run does): resumes a killed run, stops cleanly "
        "on SIGTERM or Ctrl-C, ends a failed run with one line saying what to do",
        "locbrief.run:cmd_run",
    )
    p.add_argument(
        "targets", nargs="*", metavar="TARGET", help="files to build (default: every page)"
    )
    p.add_argument(
        "--cores", default="all", help="how many jobs run at once (default: %(default)s)"
    )

    serve = "preview out/ on 127.0.0.1: each save rebuilds what it affects; pages reload"
    p = _command(sub, "serve", serve, f"{PUBLISH}:cmd_serve")
    p.add_argument("brief", nargs="?", metavar="BRIEF", help="only this brief (default: all)")
    p.add_argument("--lang", metavar="LOCALE", help="only this language's pages (default: all)")
    p.add_argument("--port", type=int, default=8000, help="its port (default: %(default)s)")
    p.set_defaults(config=DEFAULT_CONFIG)

    pdf = "a PDF of a page, from the same HTML with the print style"
    p = _command(sub, "pdf", pdf, f"{PUBLISH}:cmd_pdf")
    p.add_argument("page", help="the page's HTML file in out/<lang>/")
    _output(p, "PDF", "PDF to write")
    _config(p, "the config, for site.paper, site.fonts and site.theme")

    p = _command(sub, "docx", "a Word file of a page (notes as footnotes)", f"{PUBLISH}:cmd_docx")
    p.add_argument("page", help="the page's HTML file in out/<lang>/")
    _output(p, "DOCX", "Word file to write")

    index = "out/index.html (every brief and language) and out/sitemap.xml"
    p = _command(sub, "site", index, f"{PUBLISH}:cmd_site")
    _config_positional(p)
    _out_dir(p)

    p = _command(
        sub,
        "publish",
        "copy to site/ only the languages that pass the config's publish bar",
        f"{PUBLISH}:cmd_publish",
        "Copy to the site folder only the languages that pass the config's publish bar "
        "(publish.min_reviewed, publish.qa_errors); one line per language held back; exit "
        "status 1, the site left as it was, if a language in publish.required is not ready.",
    )
    _config_positional(p)
    _out_dir(p)
    _dir(p, "--site", "site", "the folder to publish to")

    p = _command(
        sub,
        "check-config",
        "validate config/config.yaml and the engines it names",
        "locbrief.preflight:cmd_check_config",
        "validate config/config.yaml; for each language and engine, say whether it is reachable "
        "and accepts the key, and what the units not yet in memory will cost (characters or "
        "tokens); exit 1 if a language has no usable engine",
    )
    _config_positional(p)
    _dir(p, "--source-dir", "source", "where the briefs are")

    p = _command(
        sub, "install-argos", "install an Argos Translate model", f"{TRANSLATE}:cmd_install_argos"
    )
    p.add_argument("package", nargs="?", help="a local .argosmodel file")
    p.add_argument(
        "--from-index",
        nargs=2,
        metavar=("SOURCE", "TARGET"),
        help="download the pair (or an English pivot) from the Argos index instead",
    )

    debian = "Debian packages the configured engines need (for make)"
    p = _command(sub, "system-packages", debian, "locbrief.preflight:cmd_system_packages")
    _config_positional(p)

    if only and only not in sub.choices:
        return build_parser()  # not a command: argparse's error lists them all
    for command in command_parsers(parser).values():
        # -v/-q after the command's name too; SUPPRESS keeps one given before the name
        verbosity_options(command, default=argparse.SUPPRESS)
    return parser


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser by name, in the order of ``locbrief --help``."""
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


if __name__ == "__main__":
    sys.exit(main())
