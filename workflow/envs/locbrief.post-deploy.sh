#!/usr/bin/env bash
# Snakemake runs this in the new conda environment, from the run's working directory: install the
# locbrief package from the repository the workflow was started in.
set -euo pipefail
pip install --no-deps "$(git rev-parse --show-toplevel)"
