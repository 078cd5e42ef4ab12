"""A translator's PO with a mistake: ``locbrief merge`` stops with one line naming file:line, or
keeps the translator's text untouched; never a traceback, never a silent rewrite."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from locbrief.catalog.pofile import write_template
from locbrief.catalog.template import assign_contexts, build_template
from locbrief.model import NoteRef, Span
from locbrief.translate.engines.simple import PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Termbase
from support.po_project import LANG, Project, document, msgfmt_check

BRIEF_DOC = document(
    "Congress should act.",
    ["Cartels adapt quickly.", NoteRef(1)],
    ["Read the ", Span("em", {}, ["report"]), " today."],
)
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es_MX\\n"\n\n'
)


@pytest.fixture
def inputs(tmp_path):
    """POT, suggestions and memory on disk, as the segment and suggest stages leave them."""
    project = Project(tmp_path)
    units = assign_contexts(segment(BRIEF_DOC))
    write_template(project.pot, build_template(units, "brief"))
    memory = Memory(project.memory_path)
    suggestions = suggest(units, PseudoEngine(), "en", LANG, Termbase([]), memory)
    memory.save()
    (tmp_path / "sug.json").write_text(json.dumps([s.to_json() for s in suggestions.values()]))
    project.po.parent.mkdir(parents=True, exist_ok=True)
    return project


def merge_cli(project: Project) -> subprocess.CompletedProcess:
    root = project.root
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "locbrief",
            "merge",
            "--pot",
            str(project.pot),
            "--po",
            str(project.po),
            "--suggestions",
            str(root / "sug.json"),
            "--lang",
            LANG,
            "--memory",
            str(project.memory_path),
            "-o",
            str(root / "merge.json"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )


def assert_stops_at(project: Project, content: bytes, line: int, words: str) -> None:
    project.po.write_bytes(content)
    result = merge_cli(project)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"locbrief: error: {project.po}:{line}: ")
    assert words in result.stderr
    assert project.po.read_bytes() == content


@pytest.mark.parametrize(
    "body, line",
    [
        ('msgid "Congress should act."\nmsgstr "El Congreso\n', 7),  # string not closed
        ('msgid "Congress should act."\n\nmsgid "Cartels"\nmsgstr ""\n', 8),  # msgid without msgstr
        ('msgid "Congress should act."\nmsgstr "a"\nmsgstr "b"\n', 8),  # two msgstr
        ('msgid "Congress should act."\nmsgstr "El \\q Congreso"\n', 7),  # invalid escape
        ('msgid "Congress should act."\nmsgstr "a" b\n', 7),  # junk after the string
    ],
)
def test_a_syntax_error_stops_the_merge_with_file_and_line(inputs, body, line):
    assert_stops_at(inputs, (HEADER + body).encode(), line, "PO syntax error")


def test_a_wrong_charset_stops_the_merge(inputs):
    content = (
        HEADER.replace("UTF-8", "ISO-8859-1") + 'msgid "Congress should act."\nmsgstr "Acción"\n'
    )
    assert_stops_at(inputs, content.encode("latin-1"), 3, "declares charset ISO-8859-1")


def test_bytes_that_are_not_utf8_stop_the_merge(inputs):
    content = HEADER + 'msgid "Congress should act."\nmsgstr "Acción"\n'
    assert_stops_at(inputs, content.encode("latin-1"), 7, "not valid UTF-8")


def test_a_duplicate_msgid_stops_the_merge(inputs):
    body = (
        'msgid "Congress should act."\nmsgstr "uno"\n\nmsgid "Congress should act."\nmsgstr "dos"\n'
    )
    assert_stops_at(inputs, (HEADER + body).encode(), 9, "appears twice (first at line 6)")


def test_a_missing_template_stops_the_merge(inputs):
    inputs.pot.unlink()
    result = merge_cli(inputs)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"locbrief: error: {inputs.pot}: file not found; "
        "run the pipeline stage that writes it first"
    )


def test_a_bom_and_windows_line_endings_are_read(inputs):
    body = 'msgid "Congress should act."\nmsgstr "El Congreso debe actuar."\n'
    inputs.po.write_bytes(b"\xef\xbb\xbf" + (HEADER + body).replace("\n", "\r\n").encode())
    assert merge_cli(inputs).returncode == 0
    assert inputs.entry("Congress should act.").msgstr == "El Congreso debe actuar."


def test_broken_placeholders_and_foreign_markup_are_left_exactly_as_the_translator_wrote_them(
    inputs,
):
    """check.py reports them and the page falls back to the suggestion; the merge must not 'fix' them."""
    assert merge_cli(inputs).returncode == 0
    inputs.edit(
        "Cartels adapt quickly.{0}", "Los cárteles se adaptan.", fuzzy=False
    )  # note dropped
    inputs.edit(
        "Read the <em1>report</em1> today.", "Lea el <b>informe</b> hoy.", fuzzy=False
    )  # markup added
    inputs.edit("Congress should act.", "El Congreso {1} debe actuar.")  # fuzzy, bad {1}
    before = msgfmt_check(inputs.po)
    assert "{0}" not in inputs.entry("Cartels adapt quickly.{0}").msgstr and before.returncode != 0
    assert merge_cli(inputs).returncode == 0
    assert inputs.entry("Cartels adapt quickly.{0}").msgstr == "Los cárteles se adaptan."
    assert "fuzzy" not in inputs.entry("Cartels adapt quickly.{0}").flags
    assert inputs.entry("Read the <em1>report</em1> today.").msgstr == "Lea el <b>informe</b> hoy."
    assert inputs.entry("Congress should act.").msgstr == "El Congreso {1} debe actuar."
    after = msgfmt_check(inputs.po)
    # msgfmt finds the translator's mistake, and only it, at the same place as before the merge
    assert after.returncode == before.returncode
    assert re.sub(r"^.*?:\d+:", "", after.stderr, flags=re.M) == re.sub(
        r"^.*?:\d+:", "", before.stderr, flags=re.M
    )
