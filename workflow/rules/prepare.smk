# Per brief: the source file → document → units, and the template (POT) translators' files follow.


rule read:
    input:
        source_file,
    output:
        "build/{brief}/document.json",
    log:
        "logs/{brief}/read.log",
    benchmark:
        "benchmarks/{brief}/read.tsv"
    conda:
        "../envs/locbrief.yaml"
    shell:
        "locbrief read {input:q} -o {output:q} 2>&1 | tee {log:q}"


rule segment:
    input:
        "build/{brief}/document.json",
    output:
        "build/{brief}/units.json",
    log:
        "logs/{brief}/segment.log",
    benchmark:
        "benchmarks/{brief}/segment.tsv"
    conda:
        "../envs/locbrief.yaml"
    params:
        pot=template,
    shell:
        "locbrief segment {input:q} --pot {params.pot:q} --units {output:q} 2>&1 | tee {log:q}"
