"""Nothing is lost between source and page: every word, note, link and heading comes back, in order.

Each brief is read, segmented, translated by the ``identity`` engine (text as
is) and by the ``pseudo`` engine (accented, bracketed), and built into a page.
With identity the page's text equals the source document's text; with pseudo
every piece of article text is bracketed, so text that bypassed segmentation
stands out.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html

from locbrief.markup import is_verbatim
from locbrief.model import OUT_OF_FLOW_KINDS, Document, NoteRef, Span, plain_text
from locbrief.publish.page import Translation, render_page
from locbrief.read import read_source
from locbrief.translate.engines.simple import IdentityEngine, PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.segment import decode, segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Termbase
from support import words_from_locale_data

REPO = Path(__file__).resolve().parents[1]
BRIEFS = [
    REPO / "tests" / "data" / "no-gwot-narco.txt",
    REPO / "tests" / "data" / "pandoc-sanctions.html",
    REPO / "tests" / "data" / "wordpress-guns.html",
]


def build(doc: Document, engine, tmp_path: Path, lang: str = "es_MX"):
    units = segment(doc)
    suggestions = suggest(
        units, engine, "en", lang, Termbase([]), Memory(tmp_path / "memory.jsonl")
    )
    chosen = {u.key: Translation(decode(u, suggestions[u.msgid].text), "machine") for u in units}
    page = render_page(doc, units, chosen, lang, ["en", lang])
    return html.fromstring(page.html.encode("utf-8")), units


PSEUDO_LETTERS = "[áéíóúÁÉÍÓÚçñýŦšŠžŽ]"
BLOCK_TAGS = (
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "figcaption",
    "blockquote",
    "td",
    "th",
    "header",
    "section",
)


def words(text: str) -> list[str]:
    return text.split()


def page_words(article) -> list[str]:
    """The article's words, block elements kept apart as a reader sees them."""
    for element in article.iter(*BLOCK_TAGS, "br"):
        element.tail = " " + (element.tail or "")
        element.text = " " + (element.text or "")
    return words(article.text_content())


def source_links(doc: Document) -> list[str]:
    links = []

    def walk(items):
        for item in items:
            if isinstance(item, Span):
                if item.tag == "a" and item.attrs.get("href"):
                    links.append(item.attrs["href"])
                walk(item.children)

    for block in doc.blocks:
        walk(block.content)
    return links


def verbatim_texts(doc: Document) -> list[str]:
    """The texts of code, kbd, translate="no" … spans: shown as in the source, never translated."""
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, Span):
                if is_verbatim(item.tag, item.attrs):
                    found.append(plain_text(item.children))
                else:
                    walk(item.children)

    for block in doc.blocks:
        walk(block.content)
    return found


def source_notes(doc: Document) -> list[int]:
    notes = []

    def walk(items):
        for item in items:
            if isinstance(item, NoteRef):
                notes.append(item.number)
            elif isinstance(item, Span):
                walk(item.children)

    for block in doc.blocks:
        walk(block.content)
    return notes


def translated_text(doc: Document, units) -> list[str]:
    """The words of every translated block, in document order (what the page must show)."""
    translated = {u.block for u in units}
    return [
        w
        for b in doc.blocks
        if b.id in translated and b.kind not in OUT_OF_FLOW_KINDS
        for w in words(plain_text(_breaks_as_spaces(b.content)))
    ]


def _breaks_as_spaces(items):
    return [
        " "
        if isinstance(i, Span) and i.tag == "br"
        else Span(i.tag, i.attrs, _breaks_as_spaces(i.children))
        if isinstance(i, Span)
        else i
        for i in items
    ]


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.name)
def test_identity_translation_reproduces_the_source(path, tmp_path):
    doc = read_source(path)
    page, units = build(
        doc, IdentityEngine(), tmp_path, lang="en"
    )  # an es_MX page renders dates in Spanish
    article = page.xpath("//article")[0]
    markers = [int(a.text_content()) for a in page.xpath("//a[@role='doc-noteref']")]
    for noteref in article.xpath(".//a[@role='doc-noteref']"):
        noteref.drop_tree()  # markers are compared on their own below
    for back in article.xpath(".//a[@role='doc-backlink']"):
        back.drop_tree()
    shown = page_words(article)
    expected = translated_text(doc, units)
    # every translated word is on the page, in the source's order
    position = 0
    for word in expected:
        found = shown.index(word, position) if word in shown[position:] else -1
        assert found >= 0, (
            f"{path.name}: {word!r} (after {' '.join(expected[max(0, position - 5) : position])!r}) missing"
        )
        position = found + 1
    assert markers == source_notes(doc)
    page_links = [
        a.get("href") for a in article.xpath(".//a[@href]") if not a.get("href").startswith("#")
    ]
    for link in source_links(doc):
        assert link in page_links
    headings = [
        " ".join(h.text_content().split()) for h in page.xpath("//h1|//h2|//h3|//h4|//h5|//h6")
    ]
    source_headings = [
        " ".join(plain_text(b.content).split())
        for b in doc.blocks
        if b.kind in ("title", "heading")
    ]
    assert headings == source_headings


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.name)
def test_pseudo_translation_leaves_no_text_unsegmented(path, tmp_path):
    doc = read_source(path)
    page, units = build(doc, PseudoEngine(), tmp_path)
    assert units
    article = page.xpath("//article")[0]
    for node in article.xpath(".//time|.//a[@role='doc-noteref']|.//a[@role='doc-backlink']"):
        node.drop_tree()
    for url_link in article.xpath(".//a[starts-with(@href,'http')]"):
        if unquote(url_link.text_content()) == unquote(
            url_link.get("href")
        ):  # endnote URLs are linked, not translated
            url_link.drop_tree()
    text = " ".join(page_words(article))
    text = re.sub(
        r"“[^”]*”", " ", text
    )  # titles of cited works are protected, kept as in the source
    # Every word went through the pseudo engine, so every word that can carry an accent does.
    shown_as_is = {
        w for b in doc.blocks if not b.translate for w in re.findall(r"\w+", plain_text(b.content))
    } | {w for text in verbatim_texts(doc) for w in re.findall(r"\w+", text)}
    shown_as_is |= words_from_locale_data(units, "es_MX")
    leftover = [
        w
        for w in re.findall(r"[^\W\d_]{3,}", text)
        if w not in shown_as_is
        and re.search("[aeiouyAEIOUcnsSzZ]", w)
        and not re.search(PSEUDO_LETTERS, w)
    ]
    assert not leftover, f"{path.name}: text that bypassed segmentation: {leftover[:10]}"
