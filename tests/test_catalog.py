"""The translator's PO across pipeline runs: what is kept, what is marked, what is never touched.

Each test is a short story: the pipeline runs on a small brief (real
segmentation, the real pseudo engine, a real memory file), a translator edits
the PO as they would in a text editor, the source changes, the pipeline runs
again. The helpers are in support/po_project.py; the ``project`` fixture is in conftest.py.
"""

from __future__ import annotations

import re

import pytest

from locbrief.catalog.merge import merge
from locbrief.catalog.pofile import read_po, write_po
from locbrief.catalog.template import assign_contexts
from locbrief.files import read_bytes
from locbrief.model import LocbriefError, NoteRef, Unit
from locbrief.translate.engines.simple import PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase
from support.po_project import LANG, Project, document, logged_warnings, msgfmt_check

BRIEF_V1 = document(
    ("title", "No war on cartels"),
    ("key_point", "Military force will not stop the flow of drugs."),
    ("heading", "Conclusion"),
    ["Cartels adapt quickly.", NoteRef(1), " Air strikes kill civilians."],
    "Congress should act.",
    ("endnote", "Report of the commission, 2024."),
)


# ---------------------------------------------------------------- template and header


def test_first_run_writes_a_complete_header_and_a_valid_po(project):
    project.run(BRIEF_V1)
    po = project.read()
    for field in (
        "Project-Id-Version",
        "POT-Creation-Date",
        "PO-Revision-Date",
        "Last-Translator",
        "Language-Team",
        "MIME-Version",
        "Content-Transfer-Encoding",
    ):
        assert field in po.metadata
    assert po.metadata["Language"] == LANG
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"  # gettext's, not CLDR's
    assert po.header.startswith("Spanish (Mexico) translation")
    assert msgfmt_check(project.po).returncode == 0, msgfmt_check(project.po).stderr


@pytest.mark.parametrize(
    "lang, expected",
    [("fr", "(n > 1)"), ("pt_BR", "(n > 1)"), ("ca", "(n != 1)"), ("es_MX", "(n != 1)")],
)
def test_plural_forms_come_from_gettexts_table_whatever_babel_says(
    tmp_path, monkeypatch, lang, expected
):
    """CLDR 42 gave es, fr, pt and ca a third form: a newer Babel must not rewrite the header."""
    import babel.messages.plurals

    def cldr_of_another_day(locale):
        raise AssertionError("Plural-Forms must not come from Babel for a language in the table")

    monkeypatch.setattr(babel.messages.plurals, "get_plural", cldr_of_another_day)
    project = Project(tmp_path, lang)
    project.run(document("Congress should act."))
    assert project.read().metadata["Plural-Forms"] == f"nplurals=2; plural={expected};"
    assert msgfmt_check(project.po).returncode == 0


def test_a_valid_plural_forms_of_the_translator_is_kept_byte_for_byte(project):
    project.run(BRIEF_V1)
    cldr = "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"
    project.edit_header(**{"Plural-Forms": cldr})
    before = project.po.read_bytes()
    assert project.run(BRIEF_V1) is False
    assert project.po.read_bytes() == before


@pytest.mark.parametrize(
    "header, message",
    [
        (None, "has no Plural-Forms; added the standard one for es_MX"),
        ("nplurals=2; plural=n+1;", "gives 2 for n=1, but there are only 2 forms"),
        ("nplurals=2 plural=(n != 1)", "is not 'nplurals=N; plural=EXPRESSION;'"),
    ],
)
def test_a_missing_or_wrong_plural_forms_is_replaced_with_one_line(
    project, caplog, header, message
):
    project.run(BRIEF_V1)
    project.edit("Cartels adapt quickly.{0}", "Los cárteles se adaptan.{0}", fuzzy=False)
    po = project.read()
    if header is None:
        del po.metadata["Plural-Forms"]
    else:
        po.metadata["Plural-Forms"] = header
    project.po.write_text(str(po) + "\n", encoding="utf-8")
    with logged_warnings() as warnings:
        project.run(BRIEF_V1)
    assert len(warnings) == 1 and message in warnings[0], warnings
    assert warnings[0].startswith(f"{project.po}:")
    assert project.read().metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert project.entry("Cartels adapt quickly.{0}").msgstr == "Los cárteles se adaptan.{0}"
    assert msgfmt_check(project.po).returncode == 0


def test_translator_header_survives_every_run(project):
    project.run(BRIEF_V1)
    project.edit_header(
        **{
            "Last-Translator": "Ana Ruiz <ana@example.org>",
            "Language-Team": "Spanish <es@example.org>",
            "PO-Revision-Date": "2026-01-02 10:00-0600",
        }
    )
    text = project.po.read_text(encoding="utf-8")
    project.po.write_text("# Revisado por Ana.\n" + text.split("\n", 1)[1], encoding="utf-8")
    project.run(document(*BRIEF_V1.blocks[:3], "A new sentence was added."))
    po = project.read()
    assert po.metadata["Last-Translator"] == "Ana Ruiz <ana@example.org>"
    assert po.metadata["Language-Team"] == "Spanish <es@example.org>"
    assert po.metadata["PO-Revision-Date"] == "2026-01-02 10:00-0600"
    assert po.header == "Revisado por Ana."


def test_entries_tell_translators_where_they_stand(tmp_path):
    tsv = tmp_path / "termbase.tsv"
    tsv.write_text(
        "source\ttarget\tcase\tnote\nCongress\tCongreso\texact\tUS Congress\n", encoding="utf-8"
    )
    project = Project(tmp_path, termbase=load_termbase(tsv))
    project.run(BRIEF_V1)
    assert project.entry("Military force will not stop the flow of drugs.").comment.startswith(
        "key point"
    )
    note = project.entry("Report of the commission, 2024.")
    assert note.comment.startswith("endnote\n")  # no number: renumbering must not touch it
    assert re.search(r"^#: brief:note-[0-9a-f]{8}$", str(note), re.M)
    entry = project.entry("Cartels adapt quickly.{0}")
    assert re.search(r"^#: brief:p-[0-9a-f]{8}$", str(entry), re.M)
    assert "{0} = note marker" in entry.comment and "python-brace-format" in entry.flags
    assert (
        "term: Congress → Congreso — US Congress" in project.entry("Congress should act.").comment
    )


def test_same_words_in_two_places_are_one_entry_unless_one_is_a_label(project):
    project.run(
        document(
            ("author_role", "Fellow"),
            ("author_role", "Fellow"),
            ("heading", "Conclusion"),
            "Conclusion",
            "Fellow",
        )
    )
    po = project.read()
    assert [(e.msgctxt, e.msgid) for e in po] == [
        ("author_role", "Fellow"),
        ("heading", "Conclusion"),
        (None, "Conclusion"),
        (None, "Fellow"),
    ]
    assert re.search(
        r"#: brief:a-([0-9a-f]{8}) brief:a-\1-2\n", str(project.entry("Fellow", "author_role"))
    )


def test_rerun_with_nothing_changed_writes_nothing(project):
    project.run(BRIEF_V1)
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.run(BRIEF_V1)
    pot, po = project.pot.read_bytes(), project.po.read_bytes()
    po_mtime = project.po.stat().st_mtime_ns
    assert project.run(BRIEF_V1) is False
    assert project.pot.read_bytes() == pot and project.po.read_bytes() == po
    assert project.po.stat().st_mtime_ns == po_mtime


# ---------------------------------------------------------------- machine and human text


def test_machine_suggestions_are_fuzzy_and_name_their_engine(project):
    project.run(BRIEF_V1)
    entry = project.entry("Congress should act.")
    assert "fuzzy" in entry.flags and entry.msgstr.startswith("[")
    assert "machine translation: pseudo pseudo-1" in entry.comment
    assert project.status("Congress should act.") == "machine"
    project.edit("Congress should act.", fuzzy=False)
    project.run(BRIEF_V1)
    assert project.status("Congress should act.") == "reviewed"


def test_unchanged_source_keeps_the_translation_byte_for_byte(project):
    project.run(BRIEF_V1)
    text = 'El Congreso  debe\tactuar…\n"ya".'
    project.edit(
        "Congress should act.", text, fuzzy=False, tcomment="revisar con Ana", flags=["no-wrap"]
    )
    project.run(document(*BRIEF_V1.blocks, "One more sentence."))
    entry = project.entry("Congress should act.")
    assert entry.msgstr == text and entry.tcomment == "revisar con Ana"
    assert entry.flags == ["no-wrap"]


def test_human_text_left_fuzzy_is_never_replaced_by_a_new_suggestion(project):
    project.run(BRIEF_V1)
    project.edit("Congress should act.", "El Congreso debe actuar (borrador).")  # still fuzzy
    project.engine = type("PseudoV2", (PseudoEngine,), {"model": lambda self, s, t: "pseudo-2"})()
    project.run(BRIEF_V1)
    entry = project.entry("Congress should act.")
    assert entry.msgstr == "El Congreso debe actuar (borrador)."
    assert project.status("Congress should act.") == "fuzzy"
    assert "Air strikes kill civilians." in [e.msgid for e in project.read()]
    assert (
        "pseudo-2" in project.entry("Air strikes kill civilians.").comment
    )  # machine text moved on


def test_edited_source_keeps_the_old_translation_fuzzy_with_the_previous_msgid(project):
    project.run(BRIEF_V1)
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.run(document(*BRIEF_V1.blocks[:4], "Congress should act now.", BRIEF_V1.blocks[5]))
    entry = project.entry("Congress should act now.")
    assert entry.msgstr == "El Congreso debe actuar."
    assert "fuzzy" in entry.flags and entry.previous_msgid == "Congress should act."
    assert not [e for e in project.read() if e.obsolete]


def test_a_reviewed_machine_suggestion_counts_as_human_work_when_the_source_changes(project):
    project.run(BRIEF_V1)
    accepted = project.entry("Congress should act.").msgstr
    project.edit("Congress should act.", fuzzy=False)
    project.run(document(*BRIEF_V1.blocks[:4], "Congress should act now.", BRIEF_V1.blocks[5]))
    entry = project.entry("Congress should act now.")
    assert entry.msgstr == accepted and entry.previous_msgid == "Congress should act."


def test_twice_edited_source_points_back_to_what_was_translated(project):
    project.run(BRIEF_V1)
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.run(document(*BRIEF_V1.blocks[:4], "Congress should act now."))
    project.run(document(*BRIEF_V1.blocks[:4], "Congress should act right now."))
    entry = project.entry("Congress should act right now.")
    assert entry.msgstr == "El Congreso debe actuar."
    assert entry.previous_msgid == "Congress should act."


def test_removed_sentence_goes_obsolete_and_comes_back_with_its_translation(project):
    project.run(BRIEF_V1)
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False, tcomment="ok")
    machine = project.entry("Military force will not stop the flow of drugs.").msgstr
    project.run(document(BRIEF_V1.blocks[0]))
    obsolete = project.entry("Congress should act.", obsolete=True)
    assert obsolete.msgstr == "El Congreso debe actuar."
    assert machine not in [e.msgstr for e in project.read()]  # unreviewed machine text is not kept
    assert '#~ msgid "Congress should act."' in project.po.read_text(encoding="utf-8")
    project.run(BRIEF_V1)
    assert project.entry("Congress should act.").msgstr == "El Congreso debe actuar."
    assert project.status("Congress should act.") == "reviewed"
    assert project.entry("Congress should act.").tcomment == "ok"
    assert not [e for e in project.read() if e.obsolete]


def test_obsolete_entries_keep_their_previous_msgid(project):
    project.run(BRIEF_V1)
    project.edit("Congress should act.", "El Congreso debe actuar.", fuzzy=False)
    project.run(document(*BRIEF_V1.blocks[:4], "Congress should act now."))
    project.run(document(*BRIEF_V1.blocks[:4]))
    text = project.po.read_text(encoding="utf-8")
    assert '#~| msgid "Congress should act."\n#~ msgid "Congress should act now."' in text
    assert project.run(document(*BRIEF_V1.blocks[:4])) is False
    assert (
        project.entry("Congress should act now.", obsolete=True).previous_msgid
        == "Congress should act."
    )


def test_a_label_that_loses_its_context_keeps_its_translation_for_review(project):
    project.run(document(("heading", "Conclusion"), "Conclusion"))
    project.edit("Conclusion", "Conclusión", fuzzy=False, msgctxt="heading")
    project.run(document(("heading", "Conclusion")))
    entry = project.entry("Conclusion")
    assert entry.msgstr == "Conclusión" and "fuzzy" in entry.flags
    assert entry.previous_msgctxt == "heading"
    assert msgfmt_check(project.po).returncode == 0


def test_translator_flags_survive_and_the_format_flag_follows_the_source(project):
    project.run(BRIEF_V1)
    project.edit(
        "Cartels adapt quickly.{0}",
        "Los cárteles se adaptan rápido.{0}",
        fuzzy=False,
        flags=["no-wrap", "no-python-brace-format"],
    )
    project.run(BRIEF_V1)
    # in the order GNU gettext writes them (format flags, then wrapping)
    assert project.entry("Cartels adapt quickly.{0}").flags == ["no-python-brace-format", "no-wrap"]
    assert msgfmt_check(project.po).returncode == 0
    project.edit("Cartels adapt quickly.{0}", flags=["no-wrap"])
    project.run(BRIEF_V1)
    assert project.entry("Cartels adapt quickly.{0}").flags == ["python-brace-format", "no-wrap"]


def test_every_po_the_pipeline_writes_passes_msgfmt_including_after_translator_edits(project):
    project.run(BRIEF_V1)
    project.edit(
        "Cartels adapt quickly.{0}", "Los cárteles se adaptan <b>rápido</b>.{0}", fuzzy=False
    )
    project.edit("Congress should act.", 'El Congreso debe "actuar" {{ya}}.')
    project.edit_header(**{"Last-Translator": "Ana Ruiz <ana@example.org>"})
    assert msgfmt_check(project.po).returncode == 0
    project.run(
        document(*BRIEF_V1.blocks[:3], ["Cartels adapt fast.", NoteRef(1)], "Congress acts.")
    )
    result = msgfmt_check(project.po)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- files


def test_a_po_edited_during_the_run_is_not_overwritten(project):
    project.run(BRIEF_V1)
    original = read_bytes(project.po)
    memory = Memory(project.memory_path)
    units = assign_contexts(segment(BRIEF_V1))
    suggestions = suggest(units, project.engine, "en", LANG, project.termbase, memory)
    result = merge(
        read_po(project.pot),
        read_po(project.po, original),
        suggestions,
        memory,
        project.termbase,
        LANG,
    )
    result.po.metadata["Generated-By"] = "a newer locbrief"  # so there is something to write
    project.edit(
        "Congress should act.", "Editado mientras tanto.", fuzzy=False
    )  # the translator saves
    edited = project.po.read_bytes()
    with pytest.raises(LocbriefError, match="changed on disk.*rerun to merge your latest edits"):
        write_po(project.po, result.po, expected=original)
    assert project.po.read_bytes() == edited
    assert [p.name for p in project.po.parent.iterdir()] == [project.po.name]  # no temp file left


def test_the_merge_keeps_the_po_file_permissions(project):
    project.run(BRIEF_V1)
    project.po.chmod(0o664)
    project.run(document(*BRIEF_V1.blocks, "Another sentence."))
    assert project.po.stat().st_mode & 0o777 == 0o664


def test_a_missing_template_is_an_error_not_an_empty_catalog(tmp_path):
    with pytest.raises(LocbriefError, match="file not found"):
        read_po(tmp_path / "nowhere.pot")


def test_units_keep_their_keys_consistent_with_the_template():
    units = assign_contexts(segment(document(("heading", "Conclusion"), "Conclusion")))
    assert [u.key for u in units] == [("heading", "Conclusion"), (None, "Conclusion")]
    assert all(isinstance(u, Unit) for u in units)


def test_a_regenerated_template_with_the_same_entries_leaves_the_po_alone(project):
    """Snakemake deletes the POT before the segment rule reruns, so its creation date moves."""
    project.run(BRIEF_V1)
    po = project.po.read_bytes()
    pot = project.pot.read_text(encoding="utf-8")
    project.pot.write_text(
        re.sub(r"POT-Creation-Date: [^\\]*", "POT-Creation-Date: 2031-01-01 00:00+0000", pot),
        encoding="utf-8",
    )
    memory = Memory(project.memory_path)
    suggestions = suggest(
        assign_contexts(segment(BRIEF_V1)), project.engine, "en", LANG, project.termbase, memory
    )
    result = merge(
        read_po(project.pot), read_po(project.po), suggestions, memory, project.termbase, LANG
    )
    assert write_po(project.po, result.po, expected=po) is False
    assert project.po.read_bytes() == po
