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


rule merge:
    input:
        units="build/{brief}/units.json",
        po=translator_po,
        suggestions="build/{brief}/{lang}.suggestions.json",
        termbase=termbase,
        imports=tm_imports,
    output:
        "build/{brief}/{lang}.merge.json",
    log:
        "logs/{brief}/{lang}.merge.log",
    benchmark:
        "benchmarks/{brief}/{lang}.merge.tsv"
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
