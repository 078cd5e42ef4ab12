# The static site around the pages: a PDF and a Word file of every page, out/index.html and
# out/sitemap.xml, and the `publish` target that copies the languages passing the config's publish bar to site/.


rule pdf:
    input:
        page="out/{lang}/{brief}.html",
        site=site_inputs,
    output:
        "out/{lang}/{brief}.pdf",
    log:
        "logs/{brief}/{lang}.pdf.log",
    benchmark:
        "benchmarks/{brief}/{lang}.pdf.tsv"
    wildcard_constraints:
        lang="|".join(map(re.escape, [SRC, *LANGS])),
    priority: PRIORITY["pdf"]
    conda:
        "../envs/locbrief.yaml"
    params:
        config=CONFIG_FILE,
    shell:
        "locbrief pdf {input.page:q} --config {params.config:q} -o {output:q} 2>&1 | tee {log:q}"


# The Word file partners edit and print: the page's text with its notes as Word footnotes, the
# language set for Word's spelling, the review notice while the language is not fully reviewed.
rule docx:
    input:
        page="out/{lang}/{brief}.html",
    output:
        "out/{lang}/{brief}.docx",
    log:
        "logs/{brief}/{lang}.docx.log",
    wildcard_constraints:
        lang="|".join(map(re.escape, [SRC, *LANGS])),
    conda:
        "../envs/locbrief.yaml"
    shell:
        "locbrief docx {input.page:q} -o {output:q} 2>&1 | tee {log:q}"


rule site:
    input:
        pages=expand("out/{lang}/{brief}.html", lang=[SRC, *LANGS], brief=BRIEFS),
        pdfs=expand("out/{lang}/{brief}.pdf", lang=[SRC, *LANGS], brief=BRIEFS),
        docx=expand("out/{lang}/{brief}.docx", lang=[SRC, *LANGS], brief=BRIEFS),
        qa=expand("out/{lang}/{brief}.qa.json", lang=LANGS, brief=BRIEFS),
        reviews=expand("out/{lang}/{brief}.review.html", lang=LANGS, brief=BRIEFS),
        site=site_inputs,
    output:
        index="out/index.html",
        sitemap="out/sitemap.xml",
    log:
        "logs/site.log",
    conda:
        "../envs/locbrief.yaml"
    params:
        config=CONFIG_FILE,
    shell:
        "locbrief site {params.config:q} --out out 2>&1 | tee {log:q}"


# No output file on purpose: Snakemake deletes a rule's outputs before it runs, and the published
# site must stay until the new one is complete (locbrief publish builds aside and renames).
rule publish:
    input:
        rules.site.output,
    log:
        "logs/publish.log",
    conda:
        "../envs/locbrief.yaml"
    params:
        config=CONFIG_FILE,
    shell:
        "locbrief publish {params.config:q} --out out --site site 2>&1 | tee {log:q}"
