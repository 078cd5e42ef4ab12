"""The CLI documents itself: every option has help, choices come from the registries, the README's
command reference is the current ``--help``, and ``-v``/``-q`` govern everything a command reports.
"""

from __future__ import annotations

import argparse
import json
from importlib import metadata
from pathlib import Path

import pytest

from locbrief.cli import build_parser, command_parsers, main
from locbrief.cli_reference import README, with_reference
from locbrief.translate.engines import engine_names

REPO = Path(__file__).resolve().parents[1]
BRIEF_HTML = REPO / "tests" / "data" / "pandoc-sanctions.html"


def options(parser: argparse.ArgumentParser):
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]


@pytest.mark.parametrize("name", ["locbrief", *command_parsers(build_parser())])
def test_every_argument_of_every_command_says_what_it_is_for(name):
    parser = build_parser()
    parser = parser if name == "locbrief" else command_parsers(parser)[name]
    assert parser.description, f"locbrief {name} has no description"
    undocumented = [a.dest for a in options(parser) if not a.help or a.help == argparse.SUPPRESS]
    assert not undocumented, f"locbrief {name}: arguments without help: {undocumented}"


def test_the_engine_choices_are_the_engine_registry():
    (engine,) = [
        a for a in options(command_parsers(build_parser())["suggest"]) if a.dest == "engine"
    ]
    assert engine.choices == ("auto", *engine_names())


def test_an_unknown_engine_is_refused_naming_the_choices(capsys):
    with pytest.raises(SystemExit) as exit:
        main(
            ["suggest", "u.json", "--lang", "fr", "--memory", "m", "-o", "o", "--engine", "google"]
        )
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "invalid choice: 'google'" in err
    assert all(repr(name) in err for name in engine_names())


def test_version_comes_from_the_installed_package(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"locbrief {metadata.version('locbrief')}\n"


def test_the_readme_command_reference_is_the_current_help():
    readme = (REPO / README).read_text(encoding="utf-8")
    assert with_reference(readme) == readme, (
        "README.md's command reference is stale: run `make cli-reference` "
        "(python -m locbrief.cli_reference) and commit README.md"
    )


def read_brief(tmp_path, *flags, capsys):
    """``locbrief read`` of an HTML article (which warns about nothing) with the given flags."""
    code = main([*flags, "read", str(BRIEF_HTML), "-o", str(tmp_path / "doc.json")])
    captured = capsys.readouterr()
    assert code == 0 and json.loads((tmp_path / "doc.json").read_text())["blocks"]
    return captured


def test_a_summary_line_by_default_nothing_with_quiet_and_files_with_verbose(tmp_path, capsys):
    default = read_brief(tmp_path, capsys=capsys)
    assert default.out == ""  # the document is the output; the summary is a report
    assert default.err.startswith(f"{BRIEF_HTML}: ") and "endnotes" in default.err
    assert len(default.err.splitlines()) == 1
    assert read_brief(tmp_path, "-q", capsys=capsys).err == ""
    verbose = read_brief(tmp_path, "-v", capsys=capsys).err.splitlines()
    assert f"locbrief: debug: wrote {tmp_path / 'doc.json'}" in verbose
    assert verbose[-1].startswith("locbrief: debug: read done in ")


def test_verbosity_works_after_the_command_name_too_and_the_last_one_given_wins(tmp_path, capsys):
    code = main(["read", str(BRIEF_HTML), "-o", str(tmp_path / "doc.json"), "-q"])
    assert code == 0 and capsys.readouterr().err == ""
    code = main(["-q", "read", str(BRIEF_HTML), "-o", str(tmp_path / "doc.json"), "-v"])
    assert code == 0 and "locbrief: debug: read done in" in capsys.readouterr().err


def test_quiet_still_shows_warnings_and_errors_as_one_line_each(tmp_path, capsys):
    broken = tmp_path / "conflict.po"
    broken.write_text('<<<<<<< ours\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    assert main(["-q", "textconv", str(broken)]) == 0
    captured = capsys.readouterr()
    assert captured.out == broken.read_text(encoding="utf-8")  # textconv's text stays on stdout
    assert captured.err.startswith(f"locbrief: warning: {broken}:1: ")
    assert len(captured.err.splitlines()) == 1
    assert main(["-q", "check-config", str(tmp_path / "missing.yaml")]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"locbrief: error: {tmp_path / 'missing.yaml'}: config file not found; copy the example from README.md\n"
    )
