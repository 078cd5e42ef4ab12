"""A reviewer's story: what changed between two revisions, unit by unit, and nothing else.

The first test edits the real brief and the real Spanish PO in a git repository,
reruns the pipeline stages with Apertium, and reads ``locbrief diff``; the others
are small PO files for the matching rules and the bad inputs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import html

from locbrief.cli import main
from locbrief.model import LocbriefError
from locbrief.review.diff import diff_revisions, load_revision, parse_revision, resolve_specs
from locbrief.review.diff_render import render_html, render_markdown, render_text, word_diff

REPO = Path(__file__).resolve().parents[1]
BRIEF = "no-gwot-narco"
PO = f"locales/es_MX/LC_MESSAGES/{BRIEF}.po"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def locbrief(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locbrief", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def pipeline(cwd: Path) -> None:
    """The Snakefile's read → segment → suggest → merge for es_MX, by hand (Apertium)."""
    for args in (
        ["read", f"source/{BRIEF}.txt", "-o", "build/document.json"],
        [
            "segment",
            "build/document.json",
            "--pot",
            f"locales/templates/{BRIEF}.pot",
            "--units",
            "build/units.json",
        ],
        [
            "suggest",
            "build/units.json",
            "--lang",
            "es_MX",
            "--engine",
            "apertium",
            "--memory",
            "locales/es_MX/memory.jsonl",
            "-o",
            "build/suggestions.json",
        ],
        [
            "merge",
            "--pot",
            f"locales/templates/{BRIEF}.pot",
            "--po",
            PO,
            "--suggestions",
            "build/suggestions.json",
            "--lang",
            "es_MX",
            "--memory",
            "locales/es_MX/memory.jsonl",
            "-o",
            "build/merge.json",
        ],
    ):
        run = locbrief(cwd, *args)
        assert run.returncode == 0, run.stderr


def init_repo(path: Path) -> Path:
    git(path, "init", "-q")
    git(path, "config", "user.email", "reviewer@example.org")
    git(path, "config", "user.name", "Reviewer")
    return path


@pytest.mark.slow
def test_the_diff_lists_exactly_the_edited_sentences_and_translations(tmp_path):
    repo = init_repo(tmp_path)
    (repo / "source").mkdir()
    shutil.copy2(REPO / "tests" / "data" / f"{BRIEF}.txt", repo / "source")
    (repo / Path(PO).parent).mkdir(parents=True)
    (repo / PO).write_text("")
    pipeline(repo)
    git(repo, "add", "source", "locales")
    git(repo, "commit", "-q", "-m", "first machine draft")

    # The author rewords two sentences; a translator fixes two translations.
    source = repo / "source" / f"{BRIEF}.txt"
    text = source.read_text(encoding="utf-8")
    edits = {
        "The perils of making war on cartels": "The dangers of making war on cartels",
        "Various military solutions lack promise.": "Various military options lack promise.",
    }
    for old, new in edits.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    source.write_text(text, encoding="utf-8")
    po = polib.pofile(str(repo / PO), wrapwidth=79)
    fixed = {}
    for entry in [e for e in po if e.msgid.startswith(("Key points", "Americas, Air power"))]:
        entry.msgstr = "Texto revisado: " + entry.msgid
        entry.flags.remove("fuzzy")
        fixed[entry.msgid] = entry.msgstr
    assert len(fixed) == 2
    po.save()
    pipeline(repo)

    # The PO, last commit against the working tree.
    run = locbrief(repo, "diff", "--format", "markdown", "HEAD", "--", PO)
    assert run.returncode == 0, run.stderr
    rows = [
        line for line in run.stdout.splitlines() if line.startswith("| ") and "---" not in line
    ][1:]
    assert len(rows) == 4, run.stdout
    assert "**2 changed" not in run.stdout and "4 changed (of" in run.stdout
    diff = _in(
        repo, lambda: diff_revisions(load_revision(f"HEAD:{PO}"), load_revision(str(repo / PO)))
    )
    changes = {c.new.source: c for c in diff.changes}
    assert {c.kind for c in diff.changes} == {"changed"}
    assert set(changes) == set(edits.values()) | set(fixed)
    for new in edits.values():
        assert changes[new].source_changed and changes[new].old.source in edits
    for msgid, msgstr in fixed.items():
        change = changes[msgid]
        assert not change.source_changed and change.new.translation == msgstr
        assert (change.old.status, change.new.status) == ("machine", "reviewed")

    # The brief itself: the two reworded sentences, with the changed words marked.
    run = locbrief(repo, "diff", "HEAD", "--", f"source/{BRIEF}.txt")
    assert run.returncode == 0, run.stderr
    assert "2 changed (of" in run.stdout
    assert "[-perils-]" in run.stdout and "{+dangers+}" in run.stdout
    assert "[-solutions-]" in run.stdout and "{+options+}" in run.stdout
    assert "added" not in run.stdout and "removed" not in run.stdout

    # After a commit, two revisions by name; the HTML report is one self-contained file.
    git(repo, "commit", "-q", "-am", "reviewed")
    run = locbrief(
        repo, "diff", "--format", "html", "-o", "report.html", "HEAD~1", "HEAD", "--", PO
    )
    assert run.returncode == 0, run.stderr
    page = html.parse(str(repo / "report.html")).getroot()
    assert len(page.xpath("//tr[@class='changed']")) == 4
    assert page.xpath("//del[normalize-space()='perils']") and page.xpath(
        "//ins[normalize-space()='dangers']"
    )
    assert not page.xpath("//@src") and not page.xpath("//link")


def _in(path: Path, function):
    import os

    here = os.getcwd()
    os.chdir(path)
    try:
        return function()
    finally:
        os.chdir(here)


# ---------------------------------------------------------------- matching rules, on small POs


def po_text(*entries: tuple) -> bytes:
    """A PO with (block, msgid, msgstr[, fuzzy]) entries in order."""
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Language": "es_MX", "Content-Type": "text/plain; charset=UTF-8"}
    for block, msgid, msgstr, *fuzzy in entries:
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[("brief", block)])
        if fuzzy:
            entry.flags.append("fuzzy")
            entry.comment = "machine translation: apertium eng-spa"
        po.append(entry)
    return str(po).encode()


BASE = [
    (
        "p-1",
        "Cartels control the routes north.",
        "Los cárteles controlan las rutas al norte.",
        True,
    ),
    ("p-1", "The army cannot stop them.", "El ejército no puede detenerlos.", True),
    (
        "p-2",
        "Fentanyl deaths rose sharply in 2022.",
        "Las muertes por fentanilo aumentaron en 2022.",
        True,
    ),
    (
        "p-3",
        "Washington should choose diplomacy.",
        "Washington debería elegir la diplomacia.",
        True,
    ),
    ("p-4", "Sanctions have a mixed record.", "Las sanciones tienen un historial mixto.", True),
]


def diff_of(old: list, new: list):
    return diff_revisions(
        parse_revision("old.po", "old.po", po_text(*old)),
        parse_revision("new.po", "new.po", po_text(*new)),
    )


def test_unchanged_units_are_not_listed():
    assert diff_of(BASE, BASE).changes == []
    assert "no unit changed" in render_text(diff_of(BASE, BASE))


def test_a_reworded_sentence_is_changed_not_removed_and_added():
    new = list(BASE)
    new[1] = (
        "p-1",
        "The army cannot stop them alone.",
        "El ejército solo no puede detenerlos.",
        True,
    )
    diff = diff_of(BASE, new)
    assert [(c.kind, c.source_changed, c.translation_changed) for c in diff.changes] == [
        ("changed", True, True)
    ]
    text = render_text(diff)
    assert "+ The army cannot stop them{+ alone+}." in text


def test_added_removed_and_moved_units_are_told_apart():
    new = [BASE[0], BASE[3], BASE[2], ("p-5", "A wholly new closing thought.", "")]
    diff = diff_of(BASE, new)
    kinds = sorted((c.kind, (c.new or c.old).source) for c in diff.changes)
    assert kinds == [
        ("added", "A wholly new closing thought."),
        ("moved", "Washington should choose diplomacy."),
        ("removed", "Sanctions have a mixed record."),
        ("removed", "The army cannot stop them."),
    ]


def test_a_review_without_new_words_shows_as_a_status_change():
    new = list(BASE)
    new[3] = BASE[3][:3]  # fuzzy cleared, text kept
    [change] = diff_of(BASE, new).changes
    assert change.kind == "changed" and not change.translation_changed and change.status_changed
    assert "machine → reviewed" in render_markdown(diff_of(BASE, new))


def test_word_diff_keeps_placeholders_and_tags_whole():
    old, new = word_diff("See <em1>the report</em1>.{0}", "See <em1>the new report</em1>.{1}")
    assert (True, "{0}") in old and (True, "{1}") in new
    assert (True, "new ") in new or (True, "new") in new


def test_markdown_escapes_markup_and_table_pipes():
    new = list(BASE)
    new[0] = ("p-1", "Cartels | control the <em1>routes</em1> north.", BASE[0][2], True)
    text = render_markdown(diff_of(BASE, new))
    row = [line for line in text.splitlines() if line.startswith("| changed")][0]
    assert row.count(" | ") == 4  # five cells: pipes in the text are escaped
    assert "&lt;em1&gt;" in row and "<em1>" not in row


def test_colour_only_when_asked():
    new = list(BASE)
    new[0] = ("p-1", BASE[0][1], "Los cárteles dominan las rutas al norte.", True)
    assert "\033[" not in render_text(diff_of(BASE, new))
    assert "\033[" in render_text(diff_of(BASE, new), colour=True)


def test_html_report_is_escaped_and_self_contained():
    new = list(BASE)
    new[0] = ("p-1", BASE[0][1], "<script>alert(1)</script>", True)
    page = html.fromstring(render_html(diff_of(BASE, new)))
    assert not page.xpath("//script") and "<script>" in page.text_content()


# ---------------------------------------------------------------- bad input


def run_cli(*args, capsys):
    code = main(list(args))
    return code, capsys.readouterr().err.strip()


def test_a_revision_that_does_not_exist_is_named(tmp_path, capsys, monkeypatch):
    repo = init_repo(tmp_path)
    (repo / "x.po").write_bytes(po_text(*BASE))
    git(repo, "add", "x.po")
    git(repo, "commit", "-q", "-m", "one")
    monkeypatch.chdir(repo)
    code, err = run_cli("diff", "HEAD~3", "HEAD", "--", "x.po", capsys=capsys)
    assert (
        code == 1
        and len(err.splitlines()) == 1
        and "'HEAD~3'" in err
        and "no such git revision" in err
    )
    code, err = run_cli("diff", "HEAD:gone.po", "x.po", capsys=capsys)
    assert code == 1 and "HEAD:gone.po" in err and "has no file 'gone.po'" in err
    code, err = run_cli("diff", "HEAD", "--", "x.po", capsys=capsys)
    assert code == 0


def test_a_missing_file_or_a_file_of_another_kind_is_named(tmp_path, capsys):
    po = tmp_path / "a.po"
    po.write_bytes(po_text(*BASE))
    other = tmp_path / "notes.json"
    other.write_text('{"not": "a brief"}')
    code, err = run_cli("diff", str(po), str(tmp_path / "b.po"), capsys=capsys)
    assert code == 1 and "b.po: no such file" in err
    code, err = run_cli("diff", str(po), str(other), capsys=capsys)
    assert code == 1 and err.startswith(
        f"locbrief: error: {other}: neither a PO file nor a source brief"
    )
    brief = tmp_path / "brief.txt"
    shutil.copy2(REPO / "tests" / "data" / f"{BRIEF}.txt", brief)
    code, err = run_cli("diff", str(po), str(brief), capsys=capsys)
    assert code == 1 and "is a PO file but" in err and "is a source brief" in err
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "unterminated\n')
    code, err = run_cli("diff", str(po), str(broken), capsys=capsys)
    assert code == 1 and "broken.po" in err and len(err.splitlines()) == 1


def test_two_unrelated_catalogs_are_refused():
    other = [
        ("p-1", "Completely different text about gardening.", "Texto sobre jardinería.", True),
        ("p-2", "Tomatoes need sun and water.", "Los tomates necesitan sol y agua.", True),
    ]
    with pytest.raises(LocbriefError, match="two different briefs"):
        diff_of(BASE, other)


def test_revision_syntax():
    assert resolve_specs(["a.po", "b.po"]) == ("a.po", "b.po")
    assert resolve_specs(["HEAD~1", "HEAD", "x.po"]) == ("HEAD~1:./x.po", "HEAD:./x.po")
    assert resolve_specs(["HEAD~1:x.po", "x.po"]) == ("HEAD~1:x.po", "x.po")
    with pytest.raises(LocbriefError, match="expected two revisions"):
        resolve_specs(["a.po"])


# ---------------------------------------------------------------- git diff driver


def test_git_diff_shows_po_changes_unit_by_unit(tmp_path):
    """With the repository's .gitattributes and the one-line set-up, git diff speaks in units."""
    repo = init_repo(tmp_path)
    shutil.copy2(REPO / ".gitattributes", repo / ".gitattributes")
    git(repo, "config", "diff.locbrief.textconv", f"{sys.executable} -m locbrief textconv")
    long_msgid = (
        "Cartels control the routes north, and "
        + "the army cannot stop them, " * 5
        + "says the report."
    )
    entries = BASE + [("p-9", long_msgid, "Los cárteles controlan las rutas. " * 4, True)]
    (repo / "x.po").write_bytes(po_text(*entries))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "draft")
    entries[-1] = ("p-9", long_msgid, "Los cárteles controlan las rutas del norte. " * 4)
    (repo / "x.po").write_bytes(po_text(*entries))

    out = git(repo, "diff", "x.po")
    changed = [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-== machine · p-9",
        "+== reviewed · p-9",
        "-msgstr: " + "Los cárteles controlan las rutas. " * 4,
        "+msgstr: " + "Los cárteles controlan las rutas del norte. " * 4,
    ]
    assert (
        f" msgid:  {long_msgid}" in out.splitlines()
    )  # unwrapped context: the whole source sentence
    raw = git(repo, "diff", "--no-textconv", "x.po")
    assert '"' in raw and "msgstr: " not in raw  # the file itself is untouched


def test_textconv_shows_a_file_it_cannot_parse_as_it_is(tmp_path):
    broken = tmp_path / "conflict.po"
    broken.write_text('<<<<<<< ours\nmsgid "a"\nmsgstr "b"\n=======\n')
    run = locbrief(tmp_path, "textconv", "conflict.po")
    assert run.returncode == 0 and run.stdout == broken.read_text()
    assert (
        run.stderr.startswith("locbrief: warning: conflict.po")
        and len(run.stderr.splitlines()) == 1
    )


def test_changes_outside_units_are_reported_date_title_authors_and_note_count(tmp_path):
    source = (REPO / "source" / f"{BRIEF}.txt").read_text(encoding="utf-8")
    last_note = "https://www.rand.org/pubs/research_reports/RR3140.html.\n"
    revised = (
        source.replace("July 2, 2025\n", "July 3, 2025\n", 1)
        .replace("\nNo GWOT-Narco\n", "\nNo War on Narcos\n", 1)
        .replace("Christopher\nMcCallion", "Christine\nMcCallion")
        .replace(last_note, last_note + "  • 91\n    Ana Ruiz, “A new source,” 2025.\n", 1)
    )
    (tmp_path / "new.txt").write_text(revised, encoding="utf-8")
    diff = diff_revisions(
        load_revision(str(REPO / "source" / f"{BRIEF}.txt")),
        load_revision(str(tmp_path / "new.txt")),
    )
    text = render_text(diff)
    assert "  publication date: 2025-07-02 → 2025-07-03\n" in text
    assert "  title: No GWOT-Narco → No War on Narcos\n" in text
    assert "  authors: Daniel DePetris; Christopher McCallion → Daniel DePetris; Christine" in text
    assert "  notes: 90 → 91\n" in text
    assert "- notes: 90 → 91" in render_markdown(diff)
    assert "<li>notes: 90 → 91</li>" in render_html(diff)
    # only the date changed: no unit is listed, and the summary still says what did change
    dated = source.replace("July 2, 2025\n", "July 3, 2025\n", 1)
    (tmp_path / "dated.txt").write_text(dated, encoding="utf-8")
    only_date = diff_revisions(
        load_revision(str(REPO / "source" / f"{BRIEF}.txt")),
        load_revision(str(tmp_path / "dated.txt")),
    )
    assert only_date.changes == []
    assert (
        render_text(only_date)
        .splitlines()[0]
        .endswith("no unit changed (384 units); also changed: publication date")
    )


def test_a_po_header_change_is_reported(tmp_path):
    old = polib.POFile()
    old.metadata = {
        "Language": "es_MX",
        "Last-Translator": "",
        "Content-Type": "text/plain; charset=UTF-8",
    }
    old.append(polib.POEntry(msgid="Congress should act.", msgstr="El Congreso debe actuar."))
    new = polib.POFile()
    new.metadata = {**old.metadata, "Last-Translator": "Ana Ruiz <ana@example.org>"}
    new.append(polib.POEntry(msgid="Congress should act.", msgstr="El Congreso debe actuar."))
    diff = diff_revisions(
        parse_revision("old.po", "old.po", str(old).encode()),
        parse_revision("new.po", "new.po", str(new).encode()),
    )
    assert "  Last-Translator: (none) → Ana Ruiz <ana@example.org>\n" in render_text(diff)
