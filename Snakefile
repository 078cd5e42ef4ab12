# locbrief: source brief → document → units (POT) → per language: suggestions → PO → page, QA.
# Each rule is a thin call of one `locbrief` subcommand; the logic lives in src/locbrief/.
import os
import shlex
import sys

from snakemake.utils import min_version

min_version("8.0")

configfile: "config/config.yaml"

from locbrief.cli import main as locbrief_main, po_path
from locbrief.config import check_config, check_engines, source_path
from locbrief.model import LocbriefError

try:
    config = check_config(config, "config/config.yaml")
    SOURCES = {brief: str(source_path(brief)) for brief in config["briefs"]}
    ENGINES = check_engines(config, "config/config.yaml")
except LocbriefError as error:
    sys.exit(f"locbrief: error: {error}")

SRC = config["source_language"]
LANGS = list(config["languages"])
BRIEFS = list(config["briefs"])


def locbrief(*args, log):
    """Run one `locbrief` subcommand with this Python, its output shown and kept in the rule's log."""
    command = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "locbrief", *args) if a != "")
    shell(f"{command} 2>&1 | tee {shlex.quote(str(log))}")

# A translator's PO is an input of the merge and is rewritten by it, so no rule may own it
# (Snakemake deletes a rule's outputs before running it). Create missing ones, empty, up front.
if locbrief_main(["init-po"]) != 0:
    sys.exit(1)

wildcard_constraints:
    lang="|".join(LANGS),
    brief="|".join(BRIEFS),


def termbase(wildcards):
    path = f"locales/{wildcards.lang}/termbase.tsv"
    return [path] if os.path.exists(path) else []


def variety(wildcards):
    """The locale's variety layer (read by suggest from locales/<lang>/variety.tsv), when it has one."""
    path = f"locales/{wildcards.lang}/variety.tsv"
    return [path] if os.path.exists(path) else []


def termbase_option(input):
    return ["--termbase", input.termbase] if input.termbase else []


def memory(wildcards):
    return f"locales/{wildcards.lang}/memory.jsonl"


rule all:
    input:
        expand("out/{lang}/{brief}.html", lang=[SRC] + LANGS, brief=BRIEFS),
        expand("out/{lang}/{brief}.qa.json", lang=LANGS, brief=BRIEFS),
        expand("out/{lang}/{brief}.review.html", lang=LANGS, brief=BRIEFS),


rule read:
    input: lambda wildcards: SOURCES[wildcards.brief]
    output: "build/{brief}/document.json"
    log: "logs/{brief}/read.log"
    run: locbrief("read", input[0], "-o", output[0], log=log[0])


def template(wildcards):
    return f"locales/templates/{wildcards.brief}.pot"


# The template is committed with the PO files; like them it is no rule's output, so Snakemake never
# deletes it and `segment` rewrites it only when an entry changed (its creation date stays put).
rule segment:
    input: "build/{brief}/document.json"
    output: "build/{brief}/units.json"
    params: pot=template
    log: "logs/{brief}/segment.log"
    run: locbrief("segment", input[0], "--pot", params.pot, "--units", output[0], log=log[0])


rule suggest:
    input:
        units="build/{brief}/units.json",
        termbase=termbase,
        variety=variety,
    output: "build/{brief}/{lang}.suggestions.json"
    params:
        engine=lambda wildcards: config["languages"][wildcards.lang]["engine"],
        memory=memory,
    log: "logs/{brief}/{lang}.suggest.log"
    run:
        locbrief("suggest", input.units, "--lang", wildcards.lang, "--source-lang", SRC,
                 "--engine", params.engine, *termbase_option(input), "--memory", params.memory,
                 "-o", output[0], log=log[0])


rule merge:
    input:
        units="build/{brief}/units.json",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        suggestions="build/{brief}/{lang}.suggestions.json",
        termbase=termbase,
    output: "build/{brief}/{lang}.merge.json"
    params:
        pot=template,
        memory=memory,
    log: "logs/{brief}/{lang}.merge.log"
    run:
        locbrief("merge", "--pot", params.pot, "--po", input.po, "--suggestions", input.suggestions,
                 "--lang", wildcards.lang, *termbase_option(input), "--memory", params.memory,
                 "-o", output[0], log=log[0])


rule page:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        suggestions="build/{brief}/{lang}.suggestions.json",
        merged="build/{brief}/{lang}.merge.json",
    output: "out/{lang}/{brief}.html"
    params:
        languages=",".join([SRC] + LANGS),
        memory=memory,
    log: "logs/{brief}/{lang}.page.log"
    run:
        locbrief("page", input.document, input.units, "--lang", wildcards.lang, "--po", input.po,
                 "--suggestions", input.suggestions, "--memory", params.memory,
                 "--languages", params.languages, "-o", output[0], log=log[0])


rule source_page:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
    output: f"out/{SRC}/{{brief}}.html"
    params: languages=",".join([SRC] + LANGS)
    log: f"logs/{{brief}}/{SRC}.page.log"
    run:
        locbrief("page", input.document, input.units, "--lang", SRC, "--languages", params.languages,
                 "-o", output[0], log=log[0])


rule check:
    input:
        units="build/{brief}/units.json",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        merged="build/{brief}/{lang}.merge.json",
        termbase=termbase,
    output:
        json="out/{lang}/{brief}.qa.json",
        html="out/{lang}/{brief}.qa.html",
    params: memory=memory
    log: "logs/{brief}/{lang}.check.log"
    run:
        locbrief("check", input.po, "--units", input.units, "--lang", wildcards.lang,
                 *termbase_option(input), "--memory", params.memory, "-o", output.json,
                 "--html", output.html, log=log[0])


rule review:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        qa="out/{lang}/{brief}.qa.json",
        termbase=termbase,
    output: "out/{lang}/{brief}.review.html"
    params: memory=memory
    log: "logs/{brief}/{lang}.review.log"
    run:
        locbrief("review", input.document, input.units, "--po", input.po, "--lang", wildcards.lang,
                 *termbase_option(input), "--memory", params.memory, "--qa", input.qa,
                 "-o", output[0], log=log[0])
