"""Fixtures shared by the test modules; the helpers they are built from are in tests/support/."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import PUBLISHED_BRIEF
from support.po_project import Project
from support.workflow import PAGE_LANGUAGES, copy_workflow, snakemake


@pytest.fixture
def project(tmp_path) -> Project:
    """An empty project in es_MX for a PO story (see support.po_project)."""
    return Project(tmp_path)


@pytest.fixture(scope="session")
def real_pages(tmp_path_factory) -> Path:
    """A copy of the repository where the workflow built out/<lang>/no-gwot-narco.html for every
    language in PAGE_LANGUAGES; built once per session (minutes) and shared by the page tests."""
    workdir = copy_workflow(tmp_path_factory.mktemp("pages"))
    targets = [f"out/{lang}/{PUBLISHED_BRIEF}.html" for lang in PAGE_LANGUAGES]
    run = snakemake(workdir, *targets, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return workdir
