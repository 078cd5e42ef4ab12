"""``python -m locbrief`` runs the CLI (the Snakefile calls it this way, with the venv's Python)."""

import sys

from locbrief.cli import main

sys.exit(main())
