# Settings and input functions the rules share. Parsing only reads: nothing here writes a file,
# because every cluster job parses the workflow again.
import re
import shlex
import shutil
import sys
from pathlib import Path

from locbrief.config import (
    check_config,
    check_engines,
    find_briefs,
    warn_unknown_sources,
)
from locbrief.translate.chain import engine_names_of
from locbrief.model import LocbriefError

CONFIG_FILE = (
    str(workflow.configfiles[-1]) if workflow.configfiles else "config/config.yaml"
)

# config/config.yaml against schemas/config.schema.yaml: that file is the package's own schema, read
# here and by `locbrief check-config` through the package (one set of rules, one-line errors that
# name the setting, locale names checked with Babel). The engines are probed once, by the process
# that plans the run, never by the jobs.
try:
    config = check_config(config, CONFIG_FILE)
    SOURCES = {
        name: str(path)
        for name, path in find_briefs(config, "source", CONFIG_FILE).items()
    }
    if workflow.is_main_process:
        warn_unknown_sources("source")
        check_engines(config, CONFIG_FILE)
        if shutil.which("locbrief") is None:
            raise LocbriefError(
                "the rules run `locbrief`, which is not on PATH; use `make run`, or activate "
                "the virtualenv first (. .venv/bin/activate)"
            )
except LocbriefError as error:
    sys.exit(f"locbrief: error: {error}")

SRC = config["source_language"]
LANGS = list(config["languages"])
BRIEFS = list(SOURCES)
#: every language a page links to in its switcher, the source first
ALL_LANGS = ",".join([SRC, *LANGS])


# The order of the jobs waiting for a core: the longest chain to the end of the run first
# (suggest → merge → page → pdf), so the PDFs, the longest jobs after suggest, start as soon as
# their page is there and the short jobs (check, review, docx) fill the cores at the end, where
# a PDF left last would run alone on one core (Snakemake picks by priority, then by input size).
PRIORITY = {"suggest": 4, "merge": 3, "page": 2, "pdf": 1}


wildcard_constraints:
    lang="|".join(map(re.escape, LANGS)),
    brief="|".join(map(re.escape, BRIEFS)),


def final_targets():
    """Every page, PDF, Word file, QA report and review page of every brief, the index and the sitemap:
    what `rule all` asks for."""
    return [
        *expand("out/{lang}/{brief}.html", lang=[SRC, *LANGS], brief=BRIEFS),
        *expand("out/{lang}/{brief}.qa.json", lang=LANGS, brief=BRIEFS),
        *expand("out/{lang}/{brief}.review.html", lang=LANGS, brief=BRIEFS),
        *expand("out/{lang}/{brief}.pdf", lang=[SRC, *LANGS], brief=BRIEFS),
        *expand("out/{lang}/{brief}.docx", lang=[SRC, *LANGS], brief=BRIEFS),
        "out/index.html",
        "out/sitemap.xml",
        *missing_po_flags(),
    ]


def missing_po_flags():
    """A flag for each translator's PO that is missing (deleted to start over, or a new
    language's), asked for by the `all` target: the po_missing rule writes it, and the merge,
    whose input it is, runs again and creates the PO. Snakemake alone does not remake an input
    that is gone while the merge's output is still there."""
    return [
        missing_flag(brief, lang)
        for brief in BRIEFS
        for lang in LANGS
        if not Path(f"locales/{lang}/LC_MESSAGES/{brief}.po").exists()
    ]


def missing_flag(brief, lang):
    """The flag that says a PO went missing after the merge last ran: named after the merge
    output's time, so each time the PO goes missing the flag is a new file (one Snakemake must
    make), and an old flag never stands for a new loss."""
    merged = Path(f"build/{brief}/{lang}.merge.json")
    stamp = merged.stat().st_mtime_ns if merged.exists() else "new"
    return f"build/{brief}/{lang}.po-missing-{stamp}"


def site_inputs(wildcards=None):
    """What a page's look depends on: the config (its site: settings) and a theme's files."""
    theme = (config.get("site") or {}).get("theme")
    files = (
        sorted(str(p) for p in Path(theme).rglob("*") if p.is_file()) if theme else []
    )
    return [CONFIG_FILE, *files]


def source_file(wildcards):
    """source/<brief>.txt, .html, .md or .docx, whichever exists (find_briefs made sure only one
    does)."""
    return SOURCES[wildcards.brief]


def template(wildcards):
    """The POT: committed with the PO files and no rule's output, so Snakemake never deletes it
    and `segment` rewrites it only when an entry changed (its creation date stays put).
    """
    return f"locales/templates/{wildcards.brief}.pot"


def po_file(wildcards):
    """The translator's PO. The merge creates it when missing and rewrites it in place, so it is
    no rule's output (Snakemake deletes a job's outputs before running it)."""
    return f"locales/{wildcards.lang}/LC_MESSAGES/{wildcards.brief}.po"


def translator_po(wildcards):
    """The PO as an input where it exists, so a translator's edit reruns what depends on it."""
    return [path] if Path(path := po_file(wildcards)).exists() else []


def translator_po_or_missing(wildcards):
    """The merge's PO input: the PO where it exists, else the flag that says it is missing
    (see missing_po_flags). An existing PO is no rule's output, so nothing ever replaces a
    translator's file."""
    return translator_po(wildcards) or [missing_flag(wildcards.brief, wildcards.lang)]


def memory(wildcards):
    """The language's translation memory, shared by every brief."""
    return f"locales/{wildcards.lang}/memory.jsonl"


def termbase(wildcards):
    """The language's termbase, where there is one."""
    return (
        [path]
        if Path(path := f"locales/{wildcards.lang}/termbase.tsv").exists()
        else []
    )


def variety(wildcards):
    """The locale's variety layer (suggest reads locales/<lang>/variety.tsv), where there is one."""
    return (
        [path] if Path(path := f"locales/{wildcards.lang}/variety.tsv").exists() else []
    )


def learned(wildcards):
    """The language's learned corrections (suggest reads locales/<lang>/learned.tsv), where there
    are some: a changed rule redrafts the unreviewed machine units it affects."""
    return (
        [path] if Path(path := f"locales/{wildcards.lang}/learned.tsv").exists() else []
    )


def tm_imports(wildcards):
    """The language's log of TMX imports (locbrief tm import), where there is one: a new import
    merges every brief of the language again, so its translations reach the POs."""
    return (
        [path]
        if Path(path := f"locales/{wildcards.lang}/tm-imports.tsv").exists()
        else []
    )


def apertium_vocabulary(wildcards):
    """The project's Apertium words, names and rules (locales/apertium/): a change redoes suggest."""
    return sorted(
        str(p)
        for p in Path("locales/apertium").glob("*")
        if p.suffix in (".tsv", ".lrx", ".t1x")
    )


def termbase_option(wildcards, input):
    """`--termbase FILE` for the stages that honour terms, or nothing."""
    return " ".join(f"--termbase {shlex.quote(path)}" for path in input.termbase)


def engine(wildcards):
    """The engine the config names for this language, or its fallback chain, space-separated."""
    return " ".join(engine_names_of(config["languages"][wildcards.lang]["engine"]))
