"""A copy of the repository as a fresh clone has it, for tests that run the real workflow.

The brief is the published one from tests/data (so editing source/ never breaks the tests), the
config is the shipped one (every brief in source/), and locales/ holds only the termbases, variety
layers and the engine's vocabulary (locales/apertium/): no PO files and no translation memory, as on
the first run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import PUBLISHED_BRIEF as BRIEF
from . import REPO

#: the languages of the real pages (the ``real_pages`` fixture), source first
PAGE_LANGUAGES = ["en", "es_MX", "pt_BR", "fr", "ca"]


def copy_workflow(target: Path, languages: list[str] | None = None) -> Path:
    """workflow/ (its schema link resolved), config/, the brief in source/ and the termbases."""
    shutil.copytree(REPO / "workflow", target / "workflow")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    if languages:
        config["languages"] = {
            lang: config["languages"].get(lang, {"engine": "auto"}) for lang in languages
        }
    (target / "config").mkdir()
    (target / "config" / "config.yaml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (target / "source").mkdir()
    shutil.copy2(REPO / "tests" / "data" / f"{BRIEF}.txt", target / "source" / f"{BRIEF}.txt")
    for data in [
        *(REPO / "locales").glob("*/termbase.tsv"),
        *(REPO / "locales").glob("*/variety.tsv"),
        *(REPO / "locales" / "apertium").glob("*.*"),
    ]:
        dest = target / data.relative_to(REPO)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(data, dest)
    return target


def workflow_env() -> dict[str, str]:
    """The environment `make run` gives Snakemake: this virtualenv's `locbrief` first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def snakemake(
    workdir: Path, *extra: str, cores: int = 2, timeout: int = 900
) -> subprocess.CompletedProcess:
    """Run the workflow in ``workdir`` as `make run` does."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), *extra],
        cwd=workdir,
        env=workflow_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
