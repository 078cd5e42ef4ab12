# locbrief: source brief → document → units (POT) → per language: suggestions → PO → page, QA.
# Each rule is a thin call of one `locbrief` subcommand; the logic lives in src/locbrief/.
import os
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
LOCBRIEF = f"{sys.executable} -m locbrief"

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


rule all:
    input:
        expand("out/{lang}/{brief}.html", lang=[SRC] + LANGS, brief=BRIEFS),
        expand("out/{lang}/{brief}.qa.json", lang=LANGS, brief=BRIEFS),


rule read:
    input: lambda wildcards: SOURCES[wildcards.brief]
    output: "build/{brief}/document.json"
    log: "logs/{brief}/read.log"
    shell: "{LOCBRIEF} read {input} -o {output} 2>&1 | tee {log}"


rule segment:
    input: "build/{brief}/document.json"
    output:
        pot="locales/templates/{brief}.pot",
        units="build/{brief}/units.json",
    log: "logs/{brief}/segment.log"
    shell: "{LOCBRIEF} segment {input} --pot {output.pot} --units {output.units} 2>&1 | tee {log}"


rule suggest:
    input:
        units="build/{brief}/units.json",
        termbase=termbase,
    output: "build/{brief}/{lang}.suggestions.json"
    params:
        engine=lambda wildcards: config["languages"][wildcards.lang]["engine"],
        termbase=lambda wildcards, input: f"--termbase {input.termbase}" if input.termbase else "",
    log: "logs/{brief}/{lang}.suggest.log"
    shell:
        "{LOCBRIEF} suggest {input.units} --lang {wildcards.lang} --source-lang {SRC} "
        "--engine {params.engine} {params.termbase} --memory locales/{wildcards.lang}/memory.jsonl "
        "-o {output} 2>&1 | tee {log}"


rule merge:
    input:
        pot="locales/templates/{brief}.pot",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        suggestions="build/{brief}/{lang}.suggestions.json",
        termbase=termbase,
    output: "build/{brief}/{lang}.merge.json"
    params:
        termbase=lambda wildcards, input: f"--termbase {input.termbase}" if input.termbase else "",
    log: "logs/{brief}/{lang}.merge.log"
    shell:
        "{LOCBRIEF} merge --pot {input.pot} --po {input.po} --suggestions {input.suggestions} "
        "--lang {wildcards.lang} {params.termbase} --memory locales/{wildcards.lang}/memory.jsonl "
        "-o {output} 2>&1 | tee {log}"


rule page:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        suggestions="build/{brief}/{lang}.suggestions.json",
        merged="build/{brief}/{lang}.merge.json",
    output: "out/{lang}/{brief}.html"
    params: languages=",".join([SRC] + LANGS)
    log: "logs/{brief}/{lang}.page.log"
    shell:
        "{LOCBRIEF} page {input.document} {input.units} --lang {wildcards.lang} --po {input.po} "
        "--suggestions {input.suggestions} --memory locales/{wildcards.lang}/memory.jsonl "
        "--languages {params.languages} -o {output} 2>&1 | tee {log}"


rule source_page:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
    output: f"out/{SRC}/{{brief}}.html"
    params: languages=",".join([SRC] + LANGS)
    log: f"logs/{{brief}}/{SRC}.page.log"
    shell:
        "{LOCBRIEF} page {input.document} {input.units} --lang {SRC} --languages {params.languages} "
        "-o {output} 2>&1 | tee {log}"


rule check:
    input:
        units="build/{brief}/units.json",
        po="locales/{lang}/LC_MESSAGES/{brief}.po",
        merged="build/{brief}/{lang}.merge.json",
        termbase=termbase,
    output: "out/{lang}/{brief}.qa.json"
    params:
        termbase=lambda wildcards, input: f"--termbase {input.termbase}" if input.termbase else "",
    log: "logs/{brief}/{lang}.check.log"
    shell:
        "{LOCBRIEF} check {input.po} --units {input.units} --lang {wildcards.lang} {params.termbase} "
        "--memory locales/{wildcards.lang}/memory.jsonl -o {output} 2>&1 | tee {log}"
