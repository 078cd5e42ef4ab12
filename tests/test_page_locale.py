"""A reader in Mexico, Brazil, France or Catalonia opens the brief in their language.

The real brief goes through the real workflow (Snakemake, Apertium) in a copy
of the repository; each page must be in its language from <html lang> to the
dates and figures Babel renders from the source values, and link to the others.
The pages are built once per test session (the ``real_pages`` fixture) and shared
with the HTML-validity and browser tests.
"""

from __future__ import annotations

import pytest
from lxml import html

from support import PUBLISHED_BRIEF as BRIEF
from support.workflow import PAGE_LANGUAGES as LANGUAGES

pytestmark = pytest.mark.slow


@pytest.fixture
def page(real_pages):
    """The built page of a language, parsed."""
    return lambda lang: html.parse(str(real_pages / "out" / lang / f"{BRIEF}.html")).getroot()


def text(node) -> str:
    return " ".join(node.text_content().split())


EXPECTED = {
    # lang: (html lang, switcher's own name, publication date, endnote 1 date, 79,000 by CLDR, "Languages")
    "en": ("en", "English", "July 2, 2025", "May 15, 2025", "79,000", "Languages"),
    "es_MX": (
        "es-MX",
        "español (México)",
        "2 de julio de 2025",
        "15 de mayo de 2025",
        "79,000",
        "Idiomas",
    ),
    "pt_BR": (
        "pt-BR",
        "português (Brasil)",
        "2 de julho de 2025",
        "15 de maio de 2025",
        "79.000",
        "Idiomas",
    ),
    "fr": ("fr", "français", "2 juillet 2025", "15 mai 2025", "79\u202f000", "Langues"),
    "ca": ("ca", "català", "2 de juliol del 2025", "15 de maig del 2025", "79.000", "Llengües"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_page_is_in_its_language_from_head_to_endnotes(lang, page):
    root = page(lang)
    html_lang, own_name, published, cited, figure, languages_label = EXPECTED[lang]
    assert root.get("lang") == html_lang and root.get("dir") == "ltr"
    title = root.findtext(".//title")
    assert title and title == text(root.xpath("//h1")[0])
    assert root.xpath("//meta[@name='description']/@content")[0].strip()
    alternates = dict(
        zip(
            root.xpath("//link[@rel='alternate']/@hreflang"),
            root.xpath("//link[@rel='alternate']/@href"),
        )
    )
    assert alternates == {
        **{l.replace("_", "-"): f"../{l}/{BRIEF}.html" for l in LANGUAGES},
        "x-default": f"../en/{BRIEF}.html",
    }
    nav = root.xpath("//nav[@class='languages']")[0]
    assert nav.get("aria-label") == languages_label
    current = nav.xpath(".//a[@aria-current='page']")[0]
    assert (text(current), current.get("lang")) == (own_name, html_lang)
    assert text(root.xpath("//p[@class='date']/time")[0]) == published
    assert cited in text(root.xpath("//li[@id='note-1']")[0])
    assert figure in root.xpath("//main")[0].text_content()  # "about 79,000 Americans died…"


def test_the_switcher_names_every_language_in_its_own_words_on_every_page(page):
    names = {EXPECTED[lang][1] for lang in LANGUAGES}
    for lang in LANGUAGES:
        links = page(lang).xpath("//nav[@class='languages']//a")
        assert {text(a) for a in links} == names
        assert [a.get("href") for a in links] == [f"../{l}/{BRIEF}.html" for l in LANGUAGES]


@pytest.mark.parametrize("lang", ["es_MX", "pt_BR", "fr", "ca"])
def test_translated_pages_say_how_much_a_human_reviewed_and_link_the_original(lang, page):
    root = page(lang)
    banner = root.xpath("//p[@class='review-banner']")[0]
    assert banner.get("data-reviewed") == "0.0000"  # a fresh run: machine translation only
    assert "Review" not in text(banner) and "translator" not in text(
        banner
    )  # in the page's language
    footer = root.xpath("//footer//a")[0]
    assert footer.get("href") == f"../en/{BRIEF}.html" and footer.get("hreflang") == "en"
    assert root.xpath("//a[@role='doc-backlink']/@aria-label")[0] != "Back to text"


def test_the_english_page_comes_from_the_same_template_without_banner(page):
    root = page("en")
    assert not root.xpath("//p[@class='review-banner']") and not root.xpath("//footer")
    assert len(root.xpath("//li[@role='doc-endnote']")) == 90
    assert root.xpath("//section[@role='doc-endnotes']")


def test_dates_in_citations_are_rendered_by_babel_not_retyped(page):
    """Most dates of the endnotes come out as Babel's long date for es_MX, with the ISO value kept."""
    times = page("es_MX").xpath("//ol[@class='endnotes']//time")
    source_dates = page("en").xpath("//ol[@class='endnotes']//time")
    assert len(source_dates) >= 80
    assert len(times) >= 0.9 * len(source_dates), (len(times), len(source_dates))
    assert all(not any(m in text(t) for m in ("January", "May ", "June", "July")) for t in times)
