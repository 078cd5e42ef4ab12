# Per brief and language: the page, the QA report and the review page; the source-language page.


rule page:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
        po=translator_po,
        suggestions="build/{brief}/{lang}.suggestions.json",
        merged="build/{brief}/{lang}.merge.json",
        site=site_inputs,
    output:
        "out/{lang}/{brief}.html",
    log:
        "logs/{brief}/{lang}.page.log",
    benchmark:
        "benchmarks/{brief}/{lang}.page.tsv"
    priority: PRIORITY["page"]
    conda:
        "../envs/locbrief.yaml"
    params:
        po=po_file,
        memory=memory,
        languages=ALL_LANGS,
        config=CONFIG_FILE,
    shell:
        "locbrief page {input.document:q} {input.units:q} --lang {wildcards.lang}"
        " --po {params.po:q} --suggestions {input.suggestions:q} --memory {params.memory:q}"
        " --languages {params.languages} --config {params.config:q} -o {output:q} 2>&1"
        " | tee {log:q}"


rule source_page:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
        site=site_inputs,
    output:
        f"out/{SRC}/{{brief}}.html",
    log:
        f"logs/{{brief}}/{SRC}.page.log",
    benchmark:
        f"benchmarks/{{brief}}/{SRC}.page.tsv"
    priority: PRIORITY["page"]
    conda:
        "../envs/locbrief.yaml"
    params:
        source_lang=SRC,
        languages=ALL_LANGS,
        config=CONFIG_FILE,
    shell:
        "locbrief page {input.document:q} {input.units:q} --lang {params.source_lang}"
        " --languages {params.languages} --config {params.config:q} -o {output:q} 2>&1"
        " | tee {log:q}"


rule check:
    input:
        units="build/{brief}/units.json",
        po=translator_po,
        merged="build/{brief}/{lang}.merge.json",
        termbase=termbase,
    output:
        json="out/{lang}/{brief}.qa.json",
        html="out/{lang}/{brief}.qa.html",
    log:
        "logs/{brief}/{lang}.check.log",
    benchmark:
        "benchmarks/{brief}/{lang}.check.tsv"
    conda:
        "../envs/locbrief.yaml"
    params:
        po=po_file,
        memory=memory,
        termbase=termbase_option,
    shell:
        "locbrief check {params.po:q} --units {input.units:q} --lang {wildcards.lang}"
        " {params.termbase} --memory {params.memory:q} -o {output.json:q}"
        " --html {output.html:q} 2>&1 | tee {log:q}"


rule review:
    input:
        document="build/{brief}/document.json",
        units="build/{brief}/units.json",
        po=translator_po,
        qa="out/{lang}/{brief}.qa.json",
        termbase=termbase,
    output:
        "out/{lang}/{brief}.review.html",
    log:
        "logs/{brief}/{lang}.review.log",
    benchmark:
        "benchmarks/{brief}/{lang}.review.tsv"
    conda:
        "../envs/locbrief.yaml"
    params:
        po=po_file,
        memory=memory,
        termbase=termbase_option,
    shell:
        "locbrief review {input.document:q} {input.units:q} --po {params.po:q}"
        " --lang {wildcards.lang} {params.termbase} --memory {params.memory:q}"
        " --qa {input.qa:q} -o {output:q} 2>&1 | tee {log:q}"
