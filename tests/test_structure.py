"""Any article, structure intact: real HTML documents of six origins through read → segment → page.

With every unit translated to itself, the page's article has the source article's content tree:
the same elements in the same order and nesting, the attributes that matter, the same text
(modulo whitespace; ``pre`` and code text exactly), and every in-page link lands. A pseudo
translation shows that no visible text bypasses segmentation and that no ``pre``/``code`` text
reaches the engine. The documents and their origins are listed in tests/data/README.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html

from locbrief.engines.simple import PseudoEngine
from locbrief.markup import is_verbatim
from locbrief.memory import Memory
from locbrief.model import Span
from locbrief.page import Translation, render_page, source_translations
from locbrief.read import read_source
from locbrief.read.html import article_tree
from locbrief.read.source import decode_html
from locbrief.segment import decode, segment
from locbrief.suggest import suggest
from locbrief.termbase import Termbase

DATA = Path(__file__).resolve().parent / "data"
#: One real document per origin (tests/data/README.md says where each comes from).
DOCUMENTS = {
    "pandoc": DATA / "pandoc-sanctions.html",
    "wordpress": DATA / "wordpress-guns.html",
    "sphinx": DATA / "sphinx-python-policy.html",
    "docbook": DATA / "docbook-users-and-groups.html",
    "docbook-xsl": DATA / "docbook-xsl-valgrind-quick-start.html",
    "texinfo": DATA / "texinfo-libffi-closure.html",
    "handwritten": DATA / "zlib-how.html",
}

#: Elements of the content tree; every other element is a wrapper (div, section, span, font,
#: and time, which the page adds around dates it renders for the locale)
#: whose children stand in its place.
CONTENT = frozenset(
    [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "img",
        "blockquote",
        "pre",
        "hr",
        "sup",
        "sub",
        "abbr",
        "code",
        "kbd",
        "samp",
        "var",
        "em",
        "strong",
        "b",
        "i",
        "a",
        "q",
        "cite",
        "small",
        "mark",
        "s",
        "u",
        "dfn",
        "math",
        "svg",
        "br",
    ]
)
#: Attributes that carry meaning for a reader (in-page hrefs are checked by resolution instead).
MEANINGFUL = ("start", "reversed", "type", "value", "colspan", "rowspan", "cite", "src")
MEANINGFUL += ("width", "height", "alt", "title", "href")
VERBATIM_EXACT = frozenset({"pre", "code", "kbd", "samp", "var", "math", "svg", "tt"})
RENAMED = {"tt": "code", "listing": "pre", "xmp": "pre"}


def is_marker(el) -> bool:
    """A note marker (compared by the reader's tests, drawn by the page its own way)."""
    if el.get("role") in ("doc-noteref", "doc-backlink"):
        return True
    link = el if el.tag == "a" else next(iter(el.findall(".//a")), None)
    if link is None or not (link.get("href") or "").startswith("#"):
        return False
    text = el.text_content().strip()
    return el.tag in ("sup", "a") and bool(re.fullmatch(r"[\[(]?\d{1,3}[\])]?|↩︎?", text))


def canonical(el, skip) -> list:
    """The content tree under ``el``: [(tag, attrs, children)] and whitespace-normalised text."""
    return _normalised(_raw(el, skip))


def _normalised(items: list) -> list:
    return [
        " ".join(i.split()) if isinstance(i, str) else i
        for i in items
        if not isinstance(i, str) or i.split()
    ]


def _raw(el, skip) -> list:
    out: list = []

    def text(value):
        if value:
            out.append(value)

    text(el.text)
    for child in el:
        if isinstance(child.tag, str) and child not in skip and not is_marker(child):
            out.extend(node(child, skip))
        text(child.tail)
    merged: list = []
    for item in out:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    return merged


def node(el, skip) -> list:
    tag = RENAMED.get(el.tag, el.tag)
    if is_verbatim(tag, dict(el.attrib)) and tag in VERBATIM_EXACT:
        return [(tag, (), el.text_content())]  # every character, whitespace included
    if tag not in CONTENT or (tag == "a" and not el.get("href")):
        return _raw(el, skip)
    attrs = tuple(
        (k, " ".join(el.get(k).split()))
        for k in MEANINGFUL
        if el.get(k) is not None and not (k == "href" and el.get(k).startswith("#"))
    )
    return [(tag, attrs, canonical(el, skip))]


def count(tree: list) -> int:
    return sum(
        1 + count(c[2]) if isinstance(c[2], list) else 1 for c in tree if isinstance(c, tuple)
    )


def source_tree(path: Path):
    article, notes = article_tree(decode_html(path.read_bytes(), str(path)), str(path))
    return article, set(notes)


def page_of(doc, units, chosen, lang="en"):
    result = render_page(doc, units, chosen, lang, ["en", lang] if lang != "en" else ["en"])
    return html.fromstring(result.html.encode("utf-8"))


def in_page_links(root) -> tuple[int, list[str]]:
    """How many href="#…" links the tree has, and those whose target it lacks."""
    targets = set(root.xpath("//@id")) | set(root.xpath("//a/@name"))
    links = [a.get("href")[1:] for a in root.xpath("//a[starts-with(@href, '#')]")]
    links = [link for link in links if link]
    return len(links), [link for link in links if link not in targets]


@pytest.mark.parametrize("origin", DOCUMENTS, ids=str)
def test_identity_page_has_the_source_content_tree(origin):
    path = DOCUMENTS[origin]
    doc = read_source(path)
    units = segment(doc)
    page = page_of(doc, units, source_translations(units))
    article = page.xpath("//main/article")[0]
    notes_sections = set(article.xpath(".//*[@role='doc-endnotes']"))
    expected_tree = canonical(*source_tree(path))
    shown_tree = canonical(article, notes_sections)
    assert count(shown_tree) == count(expected_tree) > 0
    assert shown_tree == expected_tree
    # endnotes: as many on the page as the reader found
    assert len(article.xpath(".//li[@role='doc-endnote']")) == len(doc.notes())
    # every in-page link that lands in the source article lands on the page
    source_root = html.fromstring(decode_html(path.read_bytes(), str(path)).encode("utf-8"))
    total, broken_in_source = in_page_links(source_root)
    links, broken = in_page_links(page)
    assert broken == [], f"{origin}: in-page links without a target: {broken[:10]}"


class RecordingPseudo(PseudoEngine):
    """The pseudo engine, keeping every text it was sent."""

    sent: list[str]

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        self.sent.extend(texts)
        return super().translate_batch(texts, source, target)


def verbatim_texts(root) -> list[str]:
    """Texts of the never-translated elements: pre and code exactly, others modulo whitespace."""
    texts = []
    for el in root.iter():
        if isinstance(el.tag, str) and is_verbatim(el.tag, dict(el.attrib)):
            text = el.text_content()
            exact = RENAMED.get(el.tag, el.tag) in VERBATIM_EXACT
            texts.append(text if exact else " ".join(text.split()))
    return texts


PSEUDO_LETTERS = "[áéíóúÁÉÍÓÚçñýŦšŠžŽ]"


@pytest.mark.parametrize("origin", DOCUMENTS, ids=str)
def test_pseudo_page_every_word_through_segmentation_and_no_code_to_the_engine(origin, tmp_path):
    path = DOCUMENTS[origin]
    doc = read_source(path)
    units = segment(doc)
    engine = RecordingPseudo()
    engine.sent = []
    suggestions = suggest(
        units, engine, "en", "es_MX", Termbase([]), Memory(tmp_path / "memory.jsonl")
    )
    chosen = {
        u.key: Translation(
            decode(u, suggestions[u.msgid].text), "machine", [], suggestions[u.msgid].text
        )
        for u in units
    }
    page = page_of(doc, units, chosen, "es_MX")
    article = page.xpath("//main/article")[0]
    source, _ = source_tree(path)
    # pre and code: byte-identical on the page, never in what the engine was sent
    verbatim, shown = verbatim_texts(source), verbatim_texts(article)
    assert all(text in shown for text in verbatim)
    assert not [t for t in verbatim if "\n" in t.strip() and t.strip() in "\n".join(engine.sent)]
    # every other word went through the engine: it carries the pseudo accents
    for el in list(article.iter()):
        if isinstance(el.tag, str) and (
            is_verbatim(el.tag, dict(el.attrib))
            or el.get("role") in ("doc-noteref", "doc-backlink")
            or el.tag == "time"
        ):
            el.drop_tree()
    for link in article.xpath(".//a[@href]"):
        href = unquote(link.get("href"))
        if link.text_content().strip() in (href, href.replace("mailto:", "")):
            link.drop_tree()  # a URL shown as its own text is kept as is
    as_is = {w for b in doc.blocks if not b.translate for w in re.findall(r"\w+", _text(b))}
    words = re.findall(r"[^\W\d_]{3,}", re.sub(r"“[^”]*”", " ", article.text_content()))
    leftover = [
        w
        for w in words
        if w not in as_is
        and re.search("[aeiouyAEIOUcnsSzZ]", w)
        and not re.search(PSEUDO_LETTERS, w)
    ]
    assert not leftover, f"{origin}: text that bypassed segmentation: {leftover[:10]}"


@pytest.mark.parametrize("origin", DOCUMENTS, ids=str)
def test_no_verbatim_text_reaches_the_engine(origin, tmp_path):
    """Every pre/code/notranslate text marked with a sentinel: none is sent, all are shown."""
    doc = read_source(DOCUMENTS[origin])
    sentinels = _mark_verbatim(doc)
    units = segment(doc)
    engine = RecordingPseudo()
    engine.sent = []
    suggestions = suggest(
        units, engine, "en", "es_MX", Termbase([]), Memory(tmp_path / "memory.jsonl")
    )
    sent = "\n".join(engine.sent)
    assert not [s for s in sentinels if s in sent]
    chosen = {
        u.key: Translation(
            decode(u, suggestions[u.msgid].text), "machine", [], suggestions[u.msgid].text
        )
        for u in units
    }
    page = render_page(doc, units, chosen, "es_MX", ["en", "es_MX"]).html
    assert [s for s in sentinels if s not in page] == []
    assert "{{" not in page.replace("{{{{", "")


def _mark_verbatim(doc) -> list[str]:
    """Replace the text of every verbatim span and layout node with a numbered sentinel."""
    sentinels: list[str] = []

    def sentinel() -> str:
        sentinels.append(f"VRB{len(sentinels)}Q")
        return sentinels[-1]

    def spans(items, inside=False):
        for i, item in enumerate(items):
            if isinstance(item, str) and inside and item.strip():
                items[i] = sentinel()
            elif isinstance(item, Span):
                spans(item.children, inside or is_verbatim(item.tag, item.attrs))

    def nodes(items, inside=False):
        for i, item in enumerate(items):
            if isinstance(item, str) and inside and item.strip():
                items[i] = sentinel()
            elif isinstance(item, dict):
                nodes(item.get("children", []), inside or bool(item.get("verbatim")))

    for block in doc.blocks:
        spans(block.content)
    nodes(doc.layout or [])
    return sentinels


def _text(block) -> str:
    from locbrief.model import plain_text

    return plain_text(block.content)
