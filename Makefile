# Quick start: `make run` (set up, then run the pipeline), `make test` (set up, then the tests).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
CORES ?= all

.PHONY: run test setup system-packages test-tools slurm page-strings cli-reference lint clean

# The workflow (workflow/Snakefile, settings in config/) runs `locbrief`: the virtualenv's, first on PATH.
WITH_VENV := PATH="$(abspath $(VENV))/bin:$$PATH"

run: setup
	@$(PY) -m locbrief check-config
	@$(WITH_VENV) $(PY) -m locbrief run --cores $(CORES)
	@echo "Pages (a rerun rebuilds only what changed):"; for f in out/*/*.html; do echo "  $$f"; done

test: setup test-tools
	$(PY) -m pytest

# Bytecode for locbrief's modules, compiled once here rather than from source by every job (where
# PYTHONDONTWRITEBYTECODE is set, no run writes it): 0.07 s of the 0.59 s CPU of read + segment +
# page on the seed (bench/speed.py, ratio 2). Only modules changed since are compiled again.
setup: $(INSTALLED) system-packages
	@$(PY) -m compileall -q src/locbrief

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Debian packages of the configured engines, gettext, and WeasyPrint's libraries and fonts for the
# PDFs, installed only where missing.
system-packages: $(INSTALLED)
	@missing=$$(for p in $$($(PY) -m locbrief system-packages); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

# $(call need,COMMAND,PACKAGE): install the Debian PACKAGE unless COMMAND is already on PATH.
need = command -v $(1) >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(2); }

# What the page tests drive: headless Chromium (Debian), the Nu Html Checker (npm vnu-jar, run
# with the installed Java), poppler's tools to read the PDFs back, LibreOffice Writer (to open
# the Word files and make test ones) and Perl's XML::TMX (a second reader of the exported TMX),
# each installed only where missing.
VNU_JAR := $(VENV)/npm/node_modules/vnu-jar/build/dist/vnu.jar
test-tools: $(INSTALLED) $(VNU_JAR) slurm
	@$(call need,chromium,chromium)
	@$(call need,pdftotext,poppler-utils)
	@$(call need,soffice,libreoffice-writer-nogui)
	@$(call need,strace,strace)
	@$(call need,tmxwc,libxml-tmx-perl)

$(VNU_JAR): | $(INSTALLED)
	@$(call need,java,default-jre-headless)
	npm install --prefix $(VENV)/npm --no-audit --no-fund --silent vnu-jar

# Debian's SLURM and munge, for the test that runs the workflow on a one-node cluster on this
# machine (tests/support/slurm.py starts and stops its own daemons); installed only where missing.
slurm:
	@command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null || \
	    { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q slurm-wlm munge; }

# The page's own strings: extract from page.py into the template, merge into each language's PO.
page-strings: $(INSTALLED)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k ngettext:1,2 --add-location=file --sort-by-file \
	    --project=locbrief --version=0.1 --msgid-bugs-address="locbrief maintainers" \
	    -o src/locbrief/locale/locbrief.pot .
	$(VENV)/bin/pybabel update -D locbrief -i src/locbrief/locale/locbrief.pot -d src/locbrief/locale -w 100

# The README's command reference, from `locbrief --help` (a test fails when it is stale).
cli-reference: $(INSTALLED)
	$(PY) -m locbrief.cli_reference README.md

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/snakefmt --check workflow/
	$(WITH_VENV) $(VENV)/bin/snakemake --lint

clean:
	rm -rf build out logs benchmarks .snakemake site
