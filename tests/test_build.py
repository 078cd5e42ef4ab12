"""Building one page: dates and figures by Babel, page strings from the package catalog, honest fallbacks."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import polib
import pytest
from babel import Locale
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from lxml import html

from locbrief.model import Block, Document, LocbriefError, NoteRef, Span, Suggestion
from locbrief.publish import page as page_builder
from locbrief.publish import shell, strings
from locbrief.publish.localize import DataValue, data_values, render_value
from locbrief.publish.page import Translation, choose_translations, render_page, source_translations
from locbrief.publish.strings import LOCALE_DIR
from locbrief.read import read_source
from locbrief.translate.segment import segment

DOC = Document(
    "brief.txt",
    "brief",
    [
        Block("date", "date", ["July 2, 2025"]),
        Block("title", "title", ["No GWOT-Narco"]),
        Block(
            "paragraph",
            "p1",
            [
                "About 79,000 Americans died of an overdose in 2024.",
                NoteRef(1),
                " Mexico spends $16.7 billion.",
            ],
        ),
        Block("heading", "h-endnotes", ["Endnotes"], level=2),
        Block(
            "endnote",
            "note-1",
            [
                "“Data for 34.7% of May 2025,” CDC, May 15, 2025, "
                "https://www.cdc.gov/2025/05/1.5/data.htm."
            ],
            number=1,
        ),
    ],
    meta={"date": "2025-07-02"},
)

# What a translator (or Apertium: "mayo 15, 2025") wrote for each unit of DOC.
SPANISH = {
    "About 79,000 Americans died of an overdose in 2024.{0}": "Unos 79,000 estadounidenses murieron de sobredosis en 2024.{0}",
    "Mexico spends $16.7 billion.": "México gasta 16.7 mil millones de dólares.",
    "Endnotes": "Notas",
    "No GWOT-Narco": "Ninguna GWOT-Narco",
    "“Data for 34.7% of May 2025,” CDC, May 15, 2025, https://www.cdc.gov/2025/05/1.5/data.htm.": "“Data for 34.7% of May 2025,” CDC, mayo 15, 2025, https://www.cdc.gov/2025/05/1.5/data.htm.",
}


def spanish_page(lang: str, statuses=None, review: bool = False, languages=None):
    units = segment(DOC)
    po = polib.POFile()
    for unit in units:
        po.append(polib.POEntry(msgid=unit.msgid, msgstr=SPANISH[unit.msgid]))
    statuses = statuses or {}
    chosen = choose_translations(
        units, po, "es.po", {}, lambda e: statuses.get(e.msgid, "reviewed")
    )
    result = render_page(DOC, units, chosen, lang, languages or ["en", lang], review=review)
    return html.fromstring(result.html.encode("utf-8")), result


def text(node) -> str:
    return node.text_content()


# ---------------------------------------------------------------- dates and figures


def test_dates_and_figures_are_rendered_by_babel_for_each_locale():
    page, _ = spanish_page("es_MX")
    assert text(page.xpath("//p[@class='date']")[0]) == "2 de julio de 2025"
    note = page.xpath("//li[@id='note-1']")[0]
    assert "CDC, 15 de mayo de 2025, " in text(note)
    assert note.xpath(".//time/@datetime") == ["2025-05-15"]
    assert "Unos 79,000 estadounidenses" in text(page.xpath("//p[@id='p1']")[0])
    assert "16.7 mil millones" in text(page.xpath("//p[@id='p1']")[0])
    for lang, figure, decimal, cited in (
        ("es_ES", "79.000", "16,7", "15 de mayo de 2025"),
        ("fr", "79\u202f000", "16,7", "15 mai 2025"),
    ):
        page, _ = spanish_page(lang)
        paragraph = text(page.xpath("//p[@id='p1']")[0])
        assert f"Unos {figure} estadounidenses" in paragraph and f"{decimal} mil" in paragraph
        assert cited in text(page.xpath("//li[@id='note-1']")[0])


def test_cited_titles_urls_years_and_note_numbers_are_not_data():
    values = data_values(
        "“Data for 34.7% of May 2025,” CDC, May 15, 2025, "
        "https://www.cdc.gov/2025/05/1.5/data.htm.",
        endnote=True,
    )
    assert values == [DataValue("date", "May 15, 2025", date(2025, 5, 15))]
    assert data_values("In 2024, 5 of 12 cases.{0}") == []
    assert [v.source for v in data_values("In May 2025 about 1,250,000.5 people")] == [
        "May 2025",
        "1,250,000.5",
    ]


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("es_MX", ["15 de mayo de 2025", "mayo de 2025", "79,000", "1.50"]),
        ("es_ES", ["15 de mayo de 2025", "mayo de 2025", "79.000", "1,50"]),
        ("fr", ["15 mai 2025", "mai 2025", "79\u202f000", "1,50"]),
    ],
)
def test_render_value_follows_cldr(lang, expected):
    values = [
        DataValue("date", "May 15, 2025", date(2025, 5, 15)),
        DataValue("month", "May 2025", date(2025, 5, 1)),
        DataValue("number", "79,000", Decimal("79000")),
        DataValue("number", "1.50", Decimal("1.50")),
    ]
    assert [render_value(v, Locale.parse(lang)) for v in values] == expected


def test_a_date_the_translator_reworded_beyond_recognition_stays_as_written():
    units = segment(DOC)
    note = next(u for u in units if u.block == "note-1")
    chosen = source_translations(units)
    chosen[note.key] = Translation(["CDC, a mediados de mayo, https://www.cdc.gov/x."], "reviewed")
    page = html.fromstring(render_page(DOC, units, chosen, "es_MX", ["es_MX"]).html)
    assert "CDC, a mediados de mayo, " in text(page.xpath("//li[@id='note-1']")[0])


# ---------------------------------------------------------------- page strings, banner, review


def test_page_strings_come_from_the_catalog_in_the_page_language():
    page, result = spanish_page("es_MX", languages=["en", "es_MX", "pt_BR", "fr", "ca"])
    assert page.xpath("//nav/@aria-label") == ["Idiomas"]
    assert page.xpath("//a[@role='doc-backlink']/@aria-label") == ["Volver al texto"]
    assert page.xpath("//a[@role='doc-noteref']/@aria-label") == ["Nota 1"]
    assert text(page.xpath("//footer")[0]) == "Leer el original en inglés"
    assert [text(a) for a in page.xpath("//nav//a")] == [
        "English",
        "español (México)",
        "português (Brasil)",
        "français",
        "català",
    ]
    assert result.problems == []
    fr, _ = spanish_page("fr")
    assert (
        fr.xpath("//nav/@aria-label") == ["Langues"]
        and text(fr.xpath("//footer")[0]) == "Lire l’original en anglais"
    )


def test_the_banner_counts_reviewed_units_only():
    first, second = [u for u in segment(DOC) if u.block == "p1"]
    statuses = {first.msgid: "machine", second.msgid: "fuzzy"}
    page, result = spanish_page("es_MX", statuses=statuses)
    banner = page.xpath("//p[@class='review-banner']")[0]
    reviewed = result.counts["reviewed"]
    assert (reviewed, result.counts["units"]) == (3, 5)
    assert text(banner) == (
        "Un traductor revisó el 60% de esta página (3 de 5 oraciones); "
        "el resto es traducción automática."
    )
    assert banner.get("data-reviewed") == "0.6000"
    all_reviewed, _ = spanish_page("fr")
    assert (
        text(all_reviewed.xpath("//p[@class='review-banner']")[0])
        == "Un traducteur a relu toute cette page."
    )


def test_a_review_build_highlights_what_no_human_reviewed():
    first, second = [u for u in segment(DOC) if u.block == "p1"]
    page, _ = spanish_page(
        "es_MX", statuses={first.msgid: "machine", second.msgid: "fuzzy"}, review=True
    )
    assert [(s.get("class"), s.get("title")) for s in page.xpath("//p[@id='p1']/span")] == [
        ("unit machine", "traducción automática, sin revisar"),
        ("unit fuzzy", "por revisar: el original cambió"),
    ]
    assert "Versión de revisión" in text(page.xpath("//p[@class='review-banner']")[0])


def test_machine_text_says_so_on_the_published_page_until_a_translator_reviews_it():
    first, second = [u for u in segment(DOC) if u.block == "p1"]
    page, _ = spanish_page("es_MX", statuses={first.msgid: "machine", second.msgid: "fuzzy"})
    assert page.xpath("//p[@id='p1']/span/@lang") == ["es-MX-x-mtfrom-en"]
    assert "Unos 79" in text(page.xpath("//p[@id='p1']/span[@lang='es-MX-x-mtfrom-en']")[0])
    assert page.get("lang") == "es-MX"
    reviewed, _ = spanish_page("es_MX")
    assert reviewed.xpath("//*[contains(@lang, '-x-mtfrom-')]") == []
    fallback = choose_translations(
        [first],
        polib.POFile(),
        "es.po",
        {first.msgid: Suggestion(first.msgid, SPANISH[first.msgid], "apertium", "m")},
        lambda e: "reviewed",
    )
    result = render_page(DOC, [first], fallback, "pt_BR", ["en", "pt_BR"])
    assert 'lang="pt-BR-x-mtfrom-en"' in result.html


def test_untranslated_units_say_they_are_english():
    units = segment(DOC)
    chosen = choose_translations(units, polib.POFile(), "es.po", {}, lambda e: "reviewed")
    result = render_page(DOC, units, chosen, "es_MX", ["en", "es_MX"])
    page = html.fromstring(result.html)
    assert page.xpath("//p[@id='p1']/span/@lang") == ["en", "en"]
    assert "5 oraciones aún no están traducidas y se muestran en inglés." in text(
        page.xpath("//p[@role='note']")[0]
    )
    assert any("5 of 5 units have no translation" in p for p in result.problems)


# ---------------------------------------------------------------- bad input


def test_an_unknown_locale_is_a_clear_error(tmp_path):
    units = segment(DOC)
    with pytest.raises(LocbriefError, match="unknown locale 'xx_YY'.*CLDR locale name"):
        render_page(DOC, units, source_translations(units), "xx_YY", ["en"])
    document, units_json = tmp_path / "doc.json", tmp_path / "units.json"
    document.write_text(__import__("json").dumps(DOC.to_json()))
    units_json.write_text(__import__("json").dumps([u.to_json() for u in units]))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "locbrief",
            "page",
            str(document),
            str(units_json),
            "--lang",
            "en",
            "--languages",
            "en,klingon",
            "-o",
            str(tmp_path / "x.html"),
        ],
        capture_output=True,
        text=True,
    )
    assert (
        run.returncode == 1
        and run.stderr.count("\n") == 1
        and "unknown locale 'klingon'" in run.stderr
    )
    assert not (tmp_path / "x.html").exists()


def test_right_to_left_page_without_a_catalog_says_its_labels_are_english():
    units = segment(DOC)
    result = render_page(DOC, units, source_translations(units) | {}, "ar", ["en", "ar"])
    page = html.fromstring(result.html)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert page.xpath("//nav//a[@lang='ar']/@dir") == ["rtl"] and page.xpath(
        "//nav//a[@lang='en']/@dir"
    ) == ["ltr"]
    assert text(page.xpath("//p[@class='date']")[0]) == "2 يوليو 2025"
    assert page.xpath("//nav/@aria-label") == ["Languages"]
    assert any(
        "no catalog of page strings for ar" in p and "pybabel init" in p for p in result.problems
    )


def test_a_missing_page_string_falls_back_to_english_and_is_named(tmp_path, monkeypatch):
    catalog = tmp_path / "es" / "LC_MESSAGES" / "locbrief.po"
    catalog.parent.mkdir(parents=True)
    po = polib.pofile(str(LOCALE_DIR / "es" / "LC_MESSAGES" / "locbrief.po"))
    po.find("Back to text").msgstr = ""
    po.save(str(catalog))
    monkeypatch.setattr(strings, "LOCALE_DIR", tmp_path)
    strings._page_catalog.cache_clear()
    try:
        page, result = spanish_page("es_MX")
    finally:
        strings._page_catalog.cache_clear()
    assert page.xpath("//a[@role='doc-backlink']/@aria-label") == ["Back to text"]
    assert page.xpath("//nav/@aria-label") == ["Idiomas"]
    assert [
        p for p in result.problems if "1 page string(s) untranslated" in p and "'Back to text'" in p
    ]


# ---------------------------------------------------------------- the package catalogs


def test_the_template_holds_every_page_string_of_page_py_and_every_language_translates_it():
    extracted = {
        m[1] if isinstance(m[1], str) else m[1][0]
        for module in (page_builder, shell)
        for m in extract_from_file(
            "python", module.__file__, keywords={"_": None, "ngettext": (1, 2)}
        )
    }
    with open(LOCALE_DIR / "locbrief.pot", "rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert extracted == template, "run `make page-strings` and translate the new strings"
    for lang in ("es", "pt", "fr", "ca"):
        path = LOCALE_DIR / lang / "LC_MESSAGES" / "locbrief.po"
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=lang)
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} == template, (
            path
        )
        assert all(m.string and not m.fuzzy for m in catalog if m.id), path
        check = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


def test_an_inline_image_is_shown_with_its_alt_text_translated(tmp_path):
    # The HTML reader keeps an inline <img> (an icon or flag inside a sentence); the page shows
    # it with its src, and its alt text is a unit of its own, translated like any other.
    source = tmp_path / "flag.html"
    source.write_text(
        "<html><body><article><h1>Flags</h1>"
        '<p>The <img src="mx.png" alt="Mexican flag" width="20"> flies over the border.</p>'
        "</article></body></html>",
        encoding="utf-8",
    )
    doc = read_source(source)
    units = segment(doc)
    sentence = next(u for u in units if "flies" in u.msgid)
    assert sentence.msgid == "The <img1/> flies over the border."
    alt = next(u for u in units if u.kind == "attribute")
    assert alt.msgid == "Mexican flag"
    po = polib.POFile()
    po.append(polib.POEntry(msgid=sentence.msgid, msgstr="La <img1/> ondea sobre la frontera."))
    po.append(polib.POEntry(msgid=alt.msgid, msgstr="bandera mexicana"))
    chosen = choose_translations(units, po, "es.po", {}, lambda e: "reviewed")
    translated = render_page(doc, units, chosen, "es_MX", ["en", "es_MX"])
    original = render_page(doc, units, source_translations(units), "en", ["en", "es_MX"])
    for result, expected, alt_text in (
        (translated, "La ondea sobre la frontera.", "bandera mexicana"),
        (original, "The flies over the border.", "Mexican flag"),
    ):
        page = html.fromstring(result.html.encode("utf-8"))
        paragraph = page.xpath("//main//p")[-1]
        assert " ".join(paragraph.text_content().split()) == expected
        (image,) = paragraph.iter("img")
        assert (image.get("src"), image.get("alt"), image.get("width")) == (
            "mx.png",
            alt_text,
            "20",
        )
        assert not [s for s in paragraph.iter("span") if not s.text_content().strip()]


# ---------------------------------------------------------------- links come only from the source

NOTE = "“Data for 34.7% of May 2025,” CDC, May 15, 2025, https://www.cdc.gov/2025/05/1.5/data.htm."


def test_a_url_only_the_translation_has_is_text_not_a_link():
    spanish = dict(SPANISH)
    spanish[NOTE] = spanish[NOTE].replace("https://www.cdc.gov/", "https://evil.example/")
    units = segment(DOC)
    po = polib.POFile()
    for unit in units:
        po.append(polib.POEntry(msgid=unit.msgid, msgstr=spanish[unit.msgid]))
    chosen = choose_translations(units, po, "es.po", {}, lambda e: "reviewed")
    root = html.fromstring(render_page(DOC, units, chosen, "es_MX", ["en", "es_MX"]).html)
    note = root.get_element_by_id("note-1")
    assert "https://evil.example/2025/05/1.5/data.htm" in note.text_content()  # shown as written
    assert not root.xpath("//@href[contains(., 'evil.example')]")
    # the source's own URL, kept by the translator, stays a link
    page, _ = spanish_page("es_MX")
    assert page.xpath("//a[@href='https://www.cdc.gov/2025/05/1.5/data.htm']")


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/a", True),
        ("mailto:press@example.org", True),
        ("../en/brief.html", True),
        ("#note-1", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:x", False),
    ],
)
def test_every_url_attribute_of_the_source_is_scheme_filtered(url, kept):
    link = Span("a", {"href": url}, ["a link"])
    quote = Span("q", {"cite": url}, ["a quote"])
    doc = Document("b.html", "b", [Block("paragraph", "p1", ["See ", link, " and ", quote, "."])])
    units = segment(doc)
    root = html.fromstring(render_page(doc, units, source_translations(units), "en", ["en"]).html)
    assert bool(root.xpath("//article//a[@href]")) is kept
    assert bool(root.xpath("//article//q[@cite]")) is kept
    assert root.xpath("string(//article//a)") == "a link"  # the words stay either way
