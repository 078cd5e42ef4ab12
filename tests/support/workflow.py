"""A copy of the repository as a fresh clone has it, for tests that run the real Snakefile.

The brief is the published one from tests/data (so editing source/ never breaks the tests), the
config is the shipped one limited to that brief, and locales/ holds only the termbases and variety
layers: no PO files and no translation memory, as on the first run.
"""

from __future__ import annotations

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
    shutil.copy2(REPO / "Snakefile", target / "Snakefile")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["briefs"] = [BRIEF]
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
    ]:
        dest = target / data.relative_to(REPO)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(data, dest)
    return target


def snakemake(workdir: Path, *extra: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """The real Snakefile in ``workdir`` on two cores, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *extra],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
