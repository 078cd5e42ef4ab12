# Per brief and language: machine suggestions, then the merge into the translator's PO.


rule suggest:
    input:
        units="build/{brief}/units.json",
        termbase=termbase,
        variety=variety,
        learned=learned,
        vocabulary=apertium_vocabulary,
    output:
        "build/{brief}/{lang}.suggestions.json",
    log:
        "logs/{brief}/{lang}.suggest.log",
    benchmark:
        "benchmarks/{brief}/{lang}.suggest.tsv"
    priority: PRIORITY["suggest"]
    conda:
        "../envs/locbrief.yaml"
    params:
        engine=engine,
        config=CONFIG_FILE,
        source_lang=SRC,
        memory=memory,
        termbase=termbase_option,
    shell:
        "locbrief suggest {input.units:q} --lang {wildcards.lang} --source-lang {params.source_lang}"
        " --engine {params.engine} --config {params.config:q} {params.termbase}"
        " --memory {params.memory:q}"
        " -o {output:q} 2>&1 | tee {log:q}"


rule po_missing:
    output:
        "build/{brief}/{lang}.po-missing-{stamp}",
    log:
        "logs/{brief}/{lang}.po-missing-{stamp}.log",
    wildcard_constraints:
        stamp=r"\d+|new",
    conda:
        "../envs/locbrief.yaml"
    params:
        earlier="build/{brief}/{lang}.po-missing-*",
    shell:
        "rm -f {params.earlier}; echo 'locales/{wildcards.lang}/LC_MESSAGES/{wildcards.brief}.po"
        " is missing: the merge creates it' | tee {output:q} {log:q}"


rule merge:
    input:
        units="build/{brief}/units.json",
        po=translator_po_or_missing,
        suggestions="build/{brief}/{lang}.suggestions.json",
        termbase=termbase,
        imports=tm_imports,
    output:
        "build/{brief}/{lang}.merge.json",
    log:
        "logs/{brief}/{lang}.merge.log",
    benchmark:
        "benchmarks/{brief}/{lang}.merge.tsv"
    priority: PRIORITY["merge"]
    conda:
        "../envs/locbrief.yaml"
    params:
        pot=template,
        po=po_file,
        memory=memory,
        termbase=termbase_option,
    shell:
        "locbrief merge --pot {params.pot:q} --po {params.po:q}"
        " --suggestions {input.suggestions:q} --lang {wildcards.lang} {params.termbase}"
        " --memory {params.memory:q} -o {output:q} 2>&1 | tee {log:q}"
