"""Every page we publish is valid HTML5 by the Nu Html Checker (vnu-jar, installed by `make test-tools`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from locbrief.model import Block, Document, NoteRef
from locbrief.publish.page import Translation, render_page
from locbrief.translate.segment import decode, segment
from support import PUBLISHED_BRIEF as BRIEF
from support import REPO
from support.workflow import PAGE_LANGUAGES as LANGUAGES

VNU_JAR = REPO / ".venv" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(*pages: Path) -> list[str]:
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR}: the Nu Html Checker is missing; run `make test-tools`")
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages]


@pytest.mark.slow
def test_the_real_brief_in_every_language_is_valid_html5(real_pages):
    workdir = real_pages
    assert vnu_errors(*(workdir / "out" / lang / f"{BRIEF}.html" for lang in LANGUAGES)) == []


def test_review_build_and_right_to_left_page_are_valid_html5(tmp_path):
    doc = Document(
        "brief.txt",
        "brief",
        [
            Block("title", "title", ["A title"]),
            Block("paragraph", "p1", ["About 79,000 people.", NoteRef(1), " Nothing else."]),
            Block("heading", "h-notes", ["Endnotes"], level=2),
            Block(
                "endnote", "note-1", ["“A report,” May 15, 2025, https://example.org/r."], number=1
            ),
        ],
        meta={"date": "2025-07-02"},
    )
    units = segment(doc)
    chosen = {
        u.key: Translation(decode(u, u.msgid), "machine" if i % 2 else "reviewed")
        for i, u in enumerate(units)
    }
    pages = []
    for lang, review in (("es_MX", True), ("ar", False)):
        pages.append(tmp_path / f"{lang}.html")
        pages[-1].write_text(
            render_page(doc, units, chosen, lang, ["en", lang], review=review).html,
            encoding="utf-8",
        )
    assert vnu_errors(*pages) == []
