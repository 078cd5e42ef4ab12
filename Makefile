# Quick start: `make run` (set up, then run the pipeline), `make test` (set up, then the tests).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
CORES ?= all

.PHONY: run test setup system-packages lint clean

run: setup
	@$(PY) -m locbrief check-config
	$(VENV)/bin/snakemake --cores $(CORES) --quiet rules
	@echo "Pages:"; for f in out/*/*.html; do echo "  $$f"; done

test: setup
	$(PY) -m pytest

setup: $(INSTALLED) system-packages

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Debian packages of the configured engines (and gettext), installed only where missing.
system-packages: $(INSTALLED)
	@missing=$$(for p in $$($(PY) -m locbrief system-packages); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

lint: setup
	$(VENV)/bin/snakemake --lint

clean:
	rm -rf build out logs .snakemake
