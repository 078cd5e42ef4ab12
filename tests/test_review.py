"""A reviewer opens out/<lang>/<brief>.review.html: source beside translation, status, QA, terms, links.

A small brief with one unit in each state (reviewed, machine, human fuzzy,
untranslated, broken placeholder); every link must land on an element of the
localized page that page.py writes beside it.
"""

from __future__ import annotations

import json

import polib
from lxml import html

from locbrief.catalog.status import unit_status
from locbrief.cli import main
from locbrief.model import Block, Document, NoteRef, Span
from locbrief.publish.page import choose_translations, render_page
from locbrief.translate.memory import Memory
from locbrief.translate.segment import segment

DOC = Document(
    "brief.txt",
    "brief",
    [
        Block("title", "title", ["No war on cartels"]),
        Block("heading", "h-key-points", ["Key points"], level=2),
        Block(
            "key_point", "kp-1", ["Military force cannot stop ", Span("em", {}, ["fentanyl"]), "."]
        ),
        Block("heading", "h-intro", ["Introduction"], level=2),
        Block(
            "paragraph",
            "p-1",
            ["Overdoses killed 79,000 people.", NoteRef(1), " The Sinaloa Cartel is at war."],
        ),
        Block("endnote", "note-1", ["CDC, provisional data, 2025."], number=1),
    ],
)
TRANSLATIONS = {  # msgid → (msgstr, fuzzy)
    "No war on cartels": ("No a la guerra contra los cárteles", False),
    "Key points": ("Puntos clave", True),  # machine: in the memory below
    "Introduction": ("Introducción", False),
    "Military force cannot stop <em1>fentanyl</em1>.": (
        "La fuerza militar no puede detener el <em1>fentanilo</em1>.",
        True,
    ),
    "Overdoses killed 79,000 people.{0}": (
        "Las sobredosis mataron a 79,000 personas.",
        False,
    ),  # lost {0}
    "The Sinaloa Cartel is at war.": ("El Cártel de Sinaloa está en guerra.", False),
    "CDC, provisional data, 2025.": ("", False),
}


def build(tmp_path, translations=None, comments=None):
    translations = {**TRANSLATIONS, **(translations or {})}
    comments = comments or {}
    units = segment(DOC)
    po = polib.POFile()
    po.metadata = {"Language": "es_MX", "Content-Type": "text/plain; charset=UTF-8"}
    for unit in units:
        msgstr, fuzzy = translations[unit.msgid]
        po.append(
            polib.POEntry(
                msgid=unit.msgid,
                msgstr=msgstr,
                comment=comments.get(unit.msgid, ""),
                flags=["fuzzy"] if fuzzy else [],
                occurrences=[("brief", unit.block)],
            )
        )
    memory = Memory(tmp_path / "memory.jsonl")
    memory.remember(
        "apertium", "eng-spa", "Key points", "Puntos clave", "Key points", "Puntos clave"
    )
    memory.save()
    (tmp_path / "termbase.tsv").write_text(
        "source\ttarget\tcase\tnote\nSinaloa Cartel\t=\texact\tname\n"
    )
    (tmp_path / "document.json").write_text(json.dumps(DOC.to_json()))
    (tmp_path / "units.json").write_text(json.dumps([u.to_json() for u in units]))
    po.save(str(tmp_path / "brief.po"))
    chosen = choose_translations(units, po, "brief.po", {}, lambda e: unit_status(e, memory))
    (tmp_path / "brief.html").write_text(
        render_page(DOC, units, chosen, "es_MX", ["en", "es_MX"]).html
    )
    code = main(
        [
            "review",
            str(tmp_path / "document.json"),
            str(tmp_path / "units.json"),
            "--po",
            str(tmp_path / "brief.po"),
            "--lang",
            "es_MX",
            "--termbase",
            str(tmp_path / "termbase.tsv"),
            "--memory",
            str(tmp_path / "memory.jsonl"),
            "-o",
            str(tmp_path / "brief.review.html"),
        ]
    )
    assert code == 0
    return html.parse(str(tmp_path / "brief.review.html")).getroot()


def rows(page) -> dict[str, object]:
    return {" ".join(row.xpath("string(td[3])").split()): row for row in page.xpath("//tr[@id]")}


def test_each_unit_shows_source_translation_and_status(tmp_path):
    page = build(tmp_path)
    by_source = rows(page)
    assert len(by_source) == 7
    status_of = {source: row.xpath("string(td[5])") for source, row in by_source.items()}
    assert status_of == {
        "No war on cartels": "reviewed",
        "Key points": "machine",
        "Introduction": "reviewed",
        "Military force cannot stop fentanyl.": "fuzzy",
        "Overdoses killed 79,000 people.1": "reviewed",
        "The Sinaloa Cartel is at war.": "reviewed",
        "CDC, provisional data, 2025.": "untranslated",
    }
    kp = by_source["Military force cannot stop fentanyl."]
    assert kp.xpath("td[4]//em/text()") == ["fentanilo"]  # markup shown as markup
    assert kp.xpath("td[4]/@lang") == ["es-MX"]
    assert (
        "7 units (7 occurrences): 1 untranslated, 1 machine, 1 fuzzy, 4 reviewed; "
        "5 units need a look; QA: 1 errors"
    ) in page.xpath("string(//p[1])")


def test_qa_findings_and_terms_are_on_their_unit(tmp_path):
    by_source = rows(build(tmp_path))
    broken = by_source["Overdoses killed 79,000 people.1"]
    assert "has-error" in broken.get("class")
    assert "error: [placeholders] missing placeholder {0}" in broken.xpath("string(td[6])")
    assert "does not fit the source" in broken.xpath("string(td[4])")
    assert "untranslated" in by_source["CDC, provisional data, 2025."].xpath("string(td[6])")
    assert (
        by_source["The Sinaloa Cartel is at war."].xpath("string(td[7])").strip()
        == "Sinaloa Cartel (do not translate) — name"
    )
    # reviewed, but the name the termbase keeps was translated: still a look
    assert "warning: [termbase] 'Sinaloa Cartel' should appear as 'Sinaloa Cartel'" in by_source[
        "The Sinaloa Cartel is at war."
    ].xpath("string(td[6])")
    assert "open" in by_source["The Sinaloa Cartel is at war."].get("class")
    assert "done" in by_source["No war on cartels"].get("class")  # reviewed, no findings


def test_every_link_lands_on_the_unit_in_the_localized_page(tmp_path):
    page = build(tmp_path)
    localized = html.parse(str(tmp_path / "brief.html")).getroot()
    ids = set(localized.xpath("//@id"))
    links = {
        " ".join(row.xpath("string(td[3])").split()): row.xpath("td[2]/a/@href")
        for row in page.xpath("//tr[@id]")
    }
    assert links["Overdoses killed 79,000 people.1"] == ["brief.html#p-1"]
    assert links["CDC, provisional data, 2025."] == ["brief.html#note-1"]
    assert links["Key points"] == ["brief.html#h-key-points"]
    targets = [href[0].split("#")[1] for href in links.values() if href]
    assert len(targets) == 6 and set(targets) <= ids  # all but the title (an h1 without id)


def test_words_the_engine_did_not_know_are_highlighted_until_translated(tmp_path):
    engine_draft = {"The Sinaloa Cartel is at war.": ("El Sinaloa Cartel es at war.", True)}
    note = {"The Sinaloa Cartel is at war.": "engine did not know: at, war"}
    row = rows(build(tmp_path, engine_draft, note))["The Sinaloa Cartel is at war."]
    assert row.xpath("td[4]//mark[@class='unknown']/text()") == ["at", "war"]
    assert " ".join(row.xpath("string(td[4])").split()) == "El Sinaloa Cartel es at war."
    assert "the engine did not know, and left in English: at, war" in row.xpath("string(td[6])")
    fixed = {"The Sinaloa Cartel is at war.": ("El Sinaloa Cartel está en guerra.", True)}
    row = rows(build(tmp_path, fixed, note))["The Sinaloa Cartel is at war."]
    assert row.xpath("td[4]//mark") == []
