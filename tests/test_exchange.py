"""A team's TMX memory and TBX/CSV glossaries come in, the reviewed memory goes out as TMX.

Input files are made by translate-toolkit (what Pootle, Weblate and Virtaal
write) or typed as OmegaT writes them; what locbrief writes is read back with
translate-toolkit. The fuzzy story runs the real ``merge`` command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import etree
from translate.storage.csvl10n import csvfile
from translate.storage.tbx import tbxfile
from translate.storage.tmx import tmxfile

from locbrief.model import LocbriefError
from locbrief.translate.exchange import export_tmx, import_terms, import_tmx
from locbrief.translate.memory import Memory
from locbrief.translate.termbase import load_termbase
from support import REPO
from support.po_project import msgfmt_check

#: As OmegaT 6 writes project_save.tmx: upper-case language codes, TMX 1.1-style ``lang`` on one
#: unit, OmegaT's own tags as text, dates on the target segment.
OMEGAT_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
   creationtoolversion="6.0.0_0_1bf1729c" segtype="sentence" srclang="EN-US"/>
  <body>
    <tu>
      <tuv xml:lang="EN-US"><seg>The war on drugs has failed.</seg></tuv>
      <tuv xml:lang="ES-MX" changeid="ana" changedate="20240501T101500Z" creationid="ana"
       creationdate="20240430T090000Z"><seg>La guerra contra las drogas ha fracasado.</seg></tuv>
    </tu>
    <tu>
      <tuv lang="EN-US"><seg>Read the &lt;f0&gt;full report&lt;/f0&gt; today.</seg></tuv>
      <tuv lang="ES"><seg>Lea hoy el &lt;f0&gt;informe completo&lt;/f0&gt;.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="EN-US"><seg>Prices <bpt i="1">&lt;em&gt;</bpt>rose<ept i="1">&lt;/em&gt;</ept> again.<ph x="2">&lt;br/&gt;</ph></seg></tuv>
      <tuv xml:lang="ES-ES"><seg>Los precios subieron otra vez, tío.</seg></tuv>
      <tuv xml:lang="ES"><seg>Los precios <bpt i="1">&lt;em&gt;</bpt>subieron<ept i="1">&lt;/em&gt;</ept> otra vez.<ph x="2">&lt;br/&gt;</ph></seg></tuv>
    </tu>
  </body>
</tmx>
"""


def team_tmx(path: Path) -> Path:
    """A TMX as translate-toolkit writes it (po2tmx, Pootle, Weblate): es-MX beside es."""
    store = tmxfile(sourcelanguage="en-US", targetlanguage="es-MX")
    store.addtranslation("Cartels move fentanyl across the border.", "en-US",
                         "Los cárteles cruzan fentanilo por la frontera.", "es-MX")  # fmt: skip
    unit = store.addsourceunit("Sanctions rarely work.", "en-US")
    unit.settarget("Las sanciones rara vez funcionan.", "es", append=True)
    unit.settarget("Las sanciones casi nunca funcionan.", "es-MX", append=True)
    store.addtranslation("Only in French.", "en-US", "Seulement en français.", "fr")
    path.write_bytes(bytes(store))
    return path


def imported(tmp_path: Path, path: Path, lang: str = "es_MX") -> dict[str, dict]:
    memory = Memory(tmp_path / "memory.jsonl")
    import_tmx(path, lang, "en", memory)
    memory.save()
    records = [json.loads(line) for line in (tmp_path / "memory.jsonl").read_text().splitlines()]
    return {r["source"]: r for r in records if r.get("kind") == "imported"}


def test_a_translate_toolkit_tmx_comes_in_with_the_most_specific_language(tmp_path):
    records = imported(tmp_path, team_tmx(tmp_path / "team.tmx"))
    assert records["Sanctions rarely work."]["text"] == "Las sanciones casi nunca funcionan."
    assert records["Cartels move fentanyl across the border."]["origin"] == {
        "file": "team.tmx",
        "tool": "Translate Toolkit " + __import__("translate").__version__.sver,
    }
    assert "Only in French." not in records


def test_an_omegat_tmx_comes_in_with_its_tags_and_dates(tmp_path):
    path = tmp_path / "project_save.tmx"
    path.write_text(OMEGAT_TMX, encoding="utf-8")
    records = imported(tmp_path, path)
    war = records["The war on drugs has failed."]
    assert war["origin"] == {"file": "project_save.tmx", "tool": "OmegaT 6.0.0_0_1bf1729c",
                             "date": "2024-05-01"}  # fmt: skip
    assert records["Read the <f0>full report</f0> today."]["text"] == (
        "Lea hoy el <f0>informe completo</f0>."
    )
    # es-ES is another language; the paired codes become the unit's tags, the standalone one {0}
    assert records["Prices <em1>rose</em1> again.{0}"]["text"] == (
        "Los precios <em1>subieron</em1> otra vez.{0}"
    )


def test_imported_translations_fill_the_units_they_cover_as_fuzzy_human_text(tmp_path):
    """Through the real merge command: markers and tags differ, the sentence still matches."""
    path = tmp_path / "project_save.tmx"
    path.write_text(OMEGAT_TMX, encoding="utf-8")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "b.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>B</title></head><body><article>'
        '<h1>B</h1><p>The war on <em>drugs</em> has failed.<sup><a href="#fn1" id="r1">1</a>'
        '</sup> Prices rose again.</p><ol><li id="fn1">A note.</li></ol></article></body></html>',
        encoding="utf-8",
    )
    po = tmp_path / "locales/es_MX/LC_MESSAGES/b.po"
    po.parent.mkdir(parents=True)
    po.touch()
    run = lambda *a: locbrief(tmp_path, *a)  # noqa: E731
    run("tm", "import", str(path), "--lang", "es_MX")
    run("read", "source/b.html", "-o", "build/doc.json")
    run("segment", "build/doc.json", "--pot", "locales/templates/b.pot", "--units", "build/u.json")
    run("suggest", "build/u.json", "--lang", "es_MX", "--engine", "pseudo",
        "--memory", "locales/es_MX/memory.jsonl", "-o", "build/s.json")  # fmt: skip
    run("merge", "--pot", "locales/templates/b.pot", "--po", str(po), "--suggestions",
        "build/s.json", "--lang", "es_MX", "--memory", "locales/es_MX/memory.jsonl",
        "-o", "build/m.json")  # fmt: skip
    entry = polib.pofile(str(po)).find("The war on <em1>drugs</em1> has failed.{0}")
    assert entry.fuzzy and entry.msgstr == "La guerra contra las drogas ha fracasado.{0}"
    assert entry.previous_msgid == "The war on drugs has failed."
    assert (
        "fuzzy match: 100% like a reviewed sentence of project_save.tmx "
        "(OmegaT 6.0.0_0_1bf1729c, 2024-05-01) (place <em1>)" in " ".join(entry.comment.split())
    )
    assert msgfmt_check(po).returncode == 0
    before = po.read_bytes()  # the wrapped note survives the next run as it was
    run("merge", "--pot", "locales/templates/b.pot", "--po", str(po), "--suggestions",
        "build/s.json", "--lang", "es_MX", "--memory", "locales/es_MX/memory.jsonl",
        "-o", "build/m.json")  # fmt: skip
    assert po.read_bytes() == before


BROKEN = [
    pytest.param(
        "<tmx version='1.4'><header/><body><tu>\n<tuv>",
        2,
        "not well-formed XML",
        id="not well-formed",
    ),  # fmt: skip
    pytest.param(
        "<tmx version='1.4'><header srclang='en'/><body>\n<tu><tuv xml:lang='en'><seg>A</seg>"
        "</tuv><tuv xml:lang='fr'><seg>B</seg></tuv></tu></body></tmx>",
        1,
        "no translation unit has segments in en and es-MX (or es); the file's languages: en, fr",
        id="no unit in the language",
    ),
    pytest.param(
        "<tmx version='1.4'><header srclang='en'/><body><tu><tuv xml:lang='en'><seg>A</seg></tuv>"
        "<tuv xml:lang='es'><seg>B</seg></tuv></tu>\n<tu><tuv xml:lang='en'><seg>See\n<bpt i='1'>"
        "&lt;div&gt;</bpt>x<ept i='1'>&lt;/div&gt;</ept></seg></tuv><tuv xml:lang='es'><seg>Ver"
        "</seg></tuv></tu></body></tmx>",
        3,
        "a <div> inside a segment",
        id="markup a unit cannot hold",
    ),
    pytest.param(
        "<tmx version='1.4'><header srclang='en'/><body><tu><tuv xml:lang='en'><seg>A note\n"
        "<sub>inside</sub></seg></tuv><tuv xml:lang='es'><seg>B</seg></tuv></tu></body></tmx>",
        2,
        "a <sub> inside a segment",
        id="a sub-flow",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_a_broken_tmx_is_one_line_naming_its_line_and_nothing_is_imported(
    tmp_path, text, line, message
):
    memory = tmp_path / "locales/es_MX/memory.jsonl"
    memory.parent.mkdir(parents=True)
    memory.write_text('{"kind": "reviewed", "msgctxt": null, "msgid": "A", "text": "B"}\n')
    before = memory.read_bytes()
    (tmp_path / "bad.tmx").write_text(text, encoding="utf-8")
    run = locbrief(tmp_path, "tm", "import", "bad.tmx", "--lang", "es_MX", check=False)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and run.stderr.startswith(
        f"locbrief: error: bad.tmx:{line}: "
    ), run.stderr
    assert message in run.stderr
    assert memory.read_bytes() == before


def test_the_reviewed_memory_goes_out_as_tmx_that_translate_toolkit_and_locbrief_read_back(
    tmp_path,
):
    memory = Memory(tmp_path / "memory.jsonl")
    reviewed = [
        (None, "The war on <em1>drugs</em1> failed.{0}", "La guerra contra las <em1>drogas</em1> fracasó.{0}"),
        ("heading", "Conclusion", "Conclusión"),
        (None, "Braces {{like this}} stay.", "Las llaves {{así}} se quedan."),
    ]  # fmt: skip
    for msgctxt, msgid, text in reviewed:
        memory.remember_reviewed_in("brief-a", msgctxt, msgid, text)
    memory.save()
    out = tmp_path / "out.tmx"
    assert export_tmx(Memory(tmp_path / "memory.jsonl"), "es_MX", "en", out, "0.1.0") == 3
    store = tmxfile.parsestring(out.read_bytes())
    back = {(u.getcontext() or None, u.source): u.gettarget("es-MX") for u in store.units}
    assert back == {(c, m): t for c, m, t in reviewed}
    assert all(u.getnotes() == "brief: brief-a" for u in store.units)
    # TMX 1.4b §3.2: the header's required attributes
    root = etree.fromstring(out.read_bytes())
    assert root.get("version") == "1.4"
    header = root.find("header")
    required = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang",
                "datatype")  # fmt: skip
    assert all(header.get(name) for name in required)
    assert header.get("creationtool") == "locbrief" and header.get("srclang") == "en"
    # a reader that shares no code with translate-toolkit: Perl's XML::TMX (Debian libxml-tmx-perl)
    if shutil.which("tmxwc") is None:
        pytest.fail("tmxwc is not installed: make test-tools installs libxml-tmx-perl")
    counted = subprocess.run(["tmxwc", str(out)], capture_output=True, text=True, check=True)
    assert counted.stdout.split() == [str(out) + ":", "3", "tu."]
    # and back in: every sentence, with its placeholders and tags, to another project's memory
    (tmp_path / "again").mkdir()
    records = imported(tmp_path / "again", out)
    assert {s: r["text"] for s, r in records.items()} == {m: t for _, m, t in reviewed}


# ---------------------------------------------------------------- glossaries

TERMBASE = "source\ttarget\tcase\tnote\tgrammar\n# names\nTrump\t=\texact\tU.S. president\n"


def termbase(tmp_path: Path) -> Path:
    path = tmp_path / "locales/es_MX/termbase.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TERMBASE, encoding="utf-8")
    return path


def team_tbx(path: Path) -> Path:
    """A glossary as translate-toolkit writes TBX (poterminology, Pootle's terminology)."""
    store = tbxfile(sourcelanguage="en")
    for source, target in [
        ("Sinaloa Cartel", "Cártel de Sinaloa"),
        ("Trump", "Trump"),
        ("border", "frontera"),
        ("Pentagon", "Pentágono"),
    ]:
        unit = store.addsourceunit(source)
        unit.settarget(target, lang="es-MX")
    path.write_bytes(bytes(store))
    return path


def test_a_tbx_glossary_adds_its_terms_keeping_the_termbase_as_it_was(tmp_path):
    path = termbase(tmp_path)
    report = import_terms(team_tbx(tmp_path / "team.tbx"), "es_MX", "en", path)
    assert report.added == ["Sinaloa Cartel", "border", "Pentagon"]
    assert report.skipped == ["Trump"] and report.conflicts == []
    text = path.read_text(encoding="utf-8")
    assert text.startswith(TERMBASE)
    terms = {t.source: t for t in load_termbase(path, "es_MX").terms}
    assert (
        terms["Sinaloa Cartel"].target == "Cártel de Sinaloa" and terms["Sinaloa Cartel"].exact_case
    )
    assert terms["border"].target == "frontera" and not terms["border"].exact_case
    # a second import adds nothing and writes nothing
    again = import_terms(tmp_path / "team.tbx", "es_MX", "en", path)
    assert again.added == [] and path.read_text(encoding="utf-8") == text


def test_a_tbx_with_gender_and_a_csv_with_a_conflict(tmp_path):
    path = termbase(tmp_path)
    tbx = tmp_path / "g.tbx"
    tbx.write_text(
        """<?xml version="1.0"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="c1"><langSet xml:lang="en"><tig><term>CIA</term></tig></langSet>
<langSet xml:lang="es-MX"><tig><term>CIA</term><termNote type="grammaticalGender">feminine</termNote>
</tig></langSet></termEntry>
</body></text></martif>""",
        encoding="utf-8",
    )
    import_terms(tbx, "es_MX", "en", path)
    cia = next(t for t in load_termbase(path, "es_MX").terms if t.source == "CIA")
    assert cia.target is None and cia.grammar == "f"
    store = csvfile()
    for source, target in [("Trump", "Triunfo"), ("cartel", "cártel")]:
        unit = store.addsourceunit(source)
        unit.target = target
    csv = tmp_path / "glossary.csv"
    csv.write_bytes(bytes(store))
    report = import_terms(csv, "es_MX", "en", path)
    assert report.added == ["cartel"]
    assert report.conflicts == ["Trump (termbase: =, glossary.csv: Triunfo)"]


def test_a_broken_glossary_is_one_line_and_the_termbase_is_untouched(tmp_path):
    path = termbase(tmp_path)
    (tmp_path / "bad.tbx").write_text("<martif><text><body>\n<termEntry>", encoding="utf-8")
    run = locbrief(tmp_path, "terms", "import", "bad.tbx", "--lang", "es_MX", check=False)
    assert run.returncode == 1 and run.stderr.startswith(
        "locbrief: error: bad.tbx:2: not well-formed XML"
    )
    assert path.read_text(encoding="utf-8") == TERMBASE
    (tmp_path / "fr.tbx").write_bytes(
        team_tbx(tmp_path / "x.tbx").read_bytes().replace(b"es-MX", b"fr")
    )
    run = locbrief(tmp_path, "terms", "import", "fr.tbx", "--lang", "es_MX", check=False)
    assert run.returncode == 1 and "no entry has terms in en and es-MX" in run.stderr
    assert run.stderr.count("\n") == 1


def locbrief(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "locbrief", *args], cwd=root, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0 or not check, run.stderr
    return run


def test_a_csv_glossary_whose_header_names_the_languages(tmp_path):
    path = termbase(tmp_path)
    (tmp_path / "sheet.csv").write_text("en,es-MX\nborder,frontera\n", encoding="utf-8")
    assert import_terms(tmp_path / "sheet.csv", "es_MX", "en", path).added == ["border"]


def test_a_tbx_v3_file_is_named_for_what_it_is(tmp_path):
    path = termbase(tmp_path)
    (tmp_path / "v3.tbx").write_text(
        '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">'
        "<text><body/></text></tbx>",
        encoding="utf-8",
    )
    with pytest.raises(LocbriefError, match=r"v3.tbx:1: not a TBX file: the root element is <tbx>"):
        import_terms(tmp_path / "v3.tbx", "es_MX", "en", path)
    assert path.read_text(encoding="utf-8") == TERMBASE
