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

from locbrief.catalog.template import unit_comments
from locbrief.markup import (
    TEX_MATH,
    UNCLOSED_TEX_MATH,
    absolute_url,
    is_verbatim,
    remote_url,
    text_alternative,
)
from locbrief.model import Span
from locbrief.publish.page import Translation, render_page, source_translations
from locbrief.read import read_source
from locbrief.read.html import article_tree
from locbrief.read.source import decode_html
from locbrief.translate.engines.simple import PseudoEngine
from locbrief.translate.memory import Memory
from locbrief.translate.protect import IDENTIFIER
from locbrief.translate.segment import decode, segment
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import Termbase
from support import words_from_locale_data

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
    "pandoc-mathjax": DATA / "pandoc-math.html",
    "sphinx-autodoc": DATA / "sphinx-autodoc-radiomics.html",
    "jekyll-mathjax": DATA / "jekyll-mathjax.html",
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
    if tag == "img" and remote_url(el.get("src") or ""):  # a link to it, never fetched
        src = absolute_url(el.get("src").strip())
        return [("a", (("href", src),), [" ".join((text_alternative(el.attrib) or src).split())])]
    attrs = tuple(
        (k, " ".join(el.get(k).split()))
        for k in MEANINGFUL
        if el.get(k) is not None and not (k == "href" and _in_document(el.get(k)))
    )
    return [(tag, attrs, canonical(el, skip))]


def _in_document(href: str) -> bool:
    """A link within the document ("#x", or "index.html#x" in a single-page build): checked by
    whether it lands, since the page may remap it."""
    return "#" in href and not re.match(r"[a-z][\w+.-]*:|/", href, re.I)


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
    links, broken = in_page_links(page)
    assert broken == [], f"{origin}: in-page links without a target: {broken[:10]}"
    # the review page links each unit to its block's place on the page: that place exists
    page_ids = set(page.xpath("//@id"))
    assert {b.attrs["anchor"] for b in doc.blocks if "anchor" in b.attrs} <= page_ids


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
    as_is |= words_from_locale_data(units, "es_MX")
    # identifiers ("radiomics.shape", "--tool") and TeX math (one left open: to the end of its
    # text) are shown as written, like URLs
    text = re.sub(f"{IDENTIFIER}|{TEX_MATH}|{UNCLOSED_TEX_MATH}", " ", article.text_content())
    words = re.findall(r"[^\W\d_]{3,}", re.sub(r"“[^”]*”", " ", text))
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


# ---------------------------------------------------------------- small pages, one item each


def shout(msgid: str) -> str:
    """A stand-in translation: the words upper-cased, placeholders and tags kept."""
    return re.sub(
        r"(\{\d+\}|</?[a-z]+\d+/?>)|([^{<]+)", lambda m: m.group(1) or m.group(2).upper(), msgid
    )


def built(tmp_path, body: str, head: str = "<title>T</title>", lang: str = "es_MX"):
    """The source page's document and units, and the page translated by :func:`shout`."""
    path = tmp_path / "page.html"
    path.write_text(f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{body}</body></html>")
    warnings: list[str] = []
    doc = read_source(path, warnings)
    units = segment(doc)
    chosen = {
        u.key: Translation(decode(u, shout(u.msgid)), "reviewed", [], shout(u.msgid)) for u in units
    }
    result = render_page(doc, units, chosen, lang, ["en", lang])
    page = html.fromstring(result.html.encode("utf-8"))
    for span in page.xpath("//span[@data-unit]"):  # each sentence's hook (serve), not structure
        if len(span.attrib) == 1:
            span.drop_tag()
    return doc, units, page, warnings


def test_lists_keep_numbering_nesting_and_definitions(tmp_path):
    _, _, page, _ = built(
        tmp_path,
        "<article><ol start='3' reversed type='a'><li>Third step<ol type='i'><li>inner</li></ol></li>"
        "<li value='7'>Seventh</li></ol><dl><dt>Term</dt><dd>Its meaning.</dd></dl></article>",
    )
    ol = page.xpath("//article/ol")[0]
    assert (ol.get("start"), ol.get("reversed"), ol.get("type")) == ("3", "", "a")
    assert ol.xpath("./li[1]/ol/@type") == ["i"] and ol.xpath("./li[2]/@value") == ["7"]
    assert [li.text.strip() for li in ol.xpath("./li")] == ["THIRD STEP", "SEVENTH"]
    assert [(e.tag, e.text_content()) for e in page.xpath("//article/dl/*")] == [
        ("dt", "TERM"),
        ("dd", "ITS MEANING."),
    ]


def test_tables_keep_headers_spans_and_each_cell_is_a_unit(tmp_path):
    _, units, page, _ = built(
        tmp_path,
        "<article><table><caption>Exports</caption><thead><tr><th scope='col' colspan='2'>Year and "
        "buyer</th></tr></thead><tbody><tr><td rowspan='2'>2014</td><td>United States</td></tr>"
        "<tr><td>China<table><tr><td>Inner cell</td></tr></table></td></tr></tbody></table></article>",
    )
    assert {u.msgid for u in units if u.kind == "table_cell"} >= {
        "Year and buyer",
        "United States",
        "Inner cell",
    }
    th = page.xpath("//th")[0]
    assert (th.get("scope"), th.get("colspan"), th.text) == ("col", "2", "YEAR AND BUYER")
    assert page.xpath("//td[@rowspan='2']")[0].text == "2014"
    assert page.xpath("//caption")[0].text == "EXPORTS"
    assert page.xpath("//td/table//td")[0].text == "INNER CELL"  # a table nested in a cell


def test_figures_quotes_and_attributes_a_reader_sees_are_translated(tmp_path):
    _, units, page, _ = built(
        tmp_path,
        "<article><p>Intro.</p><figure><img src='chart.png' width='640' height='480' alt='A bar chart'>"
        "<figcaption>Exports by year</figcaption></figure><hr><blockquote cite='https://ex.org/q'>"
        "<p>Quoted words.</p></blockquote><p>The <abbr title='Bureau of Alcohol'>ATF</abbr> said "
        "CO<sub>2</sub> rose<sup>*</sup>.</p></article>",
    )
    img = page.xpath("//figure/img")[0]
    assert (img.get("src"), img.get("width"), img.get("height"), img.get("alt")) == (
        "chart.png",
        "640",
        "480",
        "A BAR CHART",
    )
    assert page.xpath("//figcaption")[0].text == "EXPORTS BY YEAR"
    assert page.xpath("//article/hr") and page.xpath("//blockquote/@cite") == ["https://ex.org/q"]
    assert page.xpath("//abbr/@title") == ["BUREAU OF ALCOHOL"]
    assert page.xpath("//sub")[0].text == "2" and page.xpath("//sup")[0].text == "*"
    assert {"A bar chart", "Bureau of Alcohol"} <= {u.msgid for u in units if u.kind == "attribute"}


def test_what_must_not_be_translated_is_byte_identical_and_never_a_msgid(tmp_path):
    code = "if (x) {\n    return {a: 1};\n}\n"
    doc, units, page, _ = built(
        tmp_path,
        f"<article><p>Run <code>make {{all}}</code> then <kbd>Ctrl+C</kbd>, <var>n</var>, "
        f"<samp>OK</samp> and <span translate='no'>Acme Widget</span>.</p><pre>{code}</pre>"
        "<div class='notranslate'><p>Keep this paragraph.</p></div>"
        "<p>Area <math><mi>x</mi><mo>=</mo><mn>2</mn></math> and <svg width='10'><text>Label</text></svg>.</p>"
        "</article>",
    )
    msgids = "\n".join(u.msgid for u in units)
    for text in ("make", "Ctrl", "Acme", "return", "Keep this", "Label", "{{"):
        assert text not in msgids
    (sentence,) = [u for u in units if u.msgid.startswith("Run")]
    assert sentence.msgid == "Run {0} then {1}, {2}, {3} and {4}."
    assert page.xpath("//pre")[0].text == code
    assert page.xpath("//code")[0].text == "make {all}"
    assert page.xpath("//kbd")[0].text == "Ctrl+C"
    assert page.xpath("//span[@translate='no']")[0].text == "Acme Widget"
    assert page.xpath("//div[@class='notranslate']/p")[0].text == "Keep this paragraph."
    assert "".join(page.xpath("//math")[0].itertext()) == "x=2"
    assert page.xpath("//svg/text")[0].text == "Label"
    assert page.xpath("//p[starts-with(., 'RUN')]")[0].text_content() == (
        "RUN make {all} THEN Ctrl+C, n, OK AND Acme Widget."
    )
    # translators see what each placeholder shows
    assert "{0} = “make {all}” (code or a name, shown as is)" in unit_comments(sentence)


def test_verbatim_markup_and_images_never_carry_script(tmp_path):
    _, _, page, _ = built(
        tmp_path,
        "<article><p>Text.</p><svg onload='alert(1)'><script>alert(2)</script><a href='javascript:x'>"
        "<text>Label</text></a></svg><img src='data:image/png;base64,iVBORw0KGgo=' alt='Dot'>"
        "<img src='data:image/svg+xml;base64,PHN2Zz4=' alt='Bad'><p class='byline'>By Jane Roe</p></article>",
    )
    svg = page.xpath("//svg")[0]
    assert (
        svg.get("onload") is None
        and not svg.xpath(".//script")
        and "alert" not in page.text_content()
    )
    assert svg.xpath(".//a/@href") == [] and svg.xpath(".//text")[0].text == "Label"
    assert page.xpath("//img/@src") == ["data:image/png;base64,iVBORw0KGgo="]
    assert page.xpath("//p[@class='byline']")[0].text == "BY JANE ROE"  # styled as before


def test_in_page_links_land_and_external_links_are_kept(tmp_path):
    _, _, page, _ = built(
        tmp_path,
        "<div id='top'></div><article><p><a href='#sec'>Jump</a>, <a href='#old'>old anchor</a>, "
        "<a href='#top'>top</a>, <a href='#x'>span</a> and <a href='https://ex.org/a?b=1&amp;c'>out</a>."
        "</p><h2 id='sec'>Section</h2><p><a name='old'></a>Old-style anchor and a <span id='x'>"
        "spanned</span> word.</p></article>",
    )
    links, broken = in_page_links(page)
    assert links >= 4 and broken == []
    assert page.xpath("//a[text()='OUT']/@href") == ["https://ex.org/a?b=1&c"]


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ("<title>Sanctions | Policy Center</title>", "<main><p>Text.</p></main>", "SANCTIONS"),
        (
            "<title>Site - Home</title><meta property='og:title' content='Real title - Policy Center'>"
            "<meta property='og:site_name' content='Policy Center'>",
            "<main><p>Text.</p></main>",
            "REAL TITLE",
        ),
        (
            "<title>Abstract | Site</title>",
            "<article><h1>Abstract<a class='headerlink' href='#abstract'>¶</a></h1><p>T.</p></article>",
            "ABSTRACT",
        ),
        (  # the document's own title, not its first heading (issue 24)
            "<title>Python Policy 0.12 documentation</title>",
            "<article><h1>Abstract<a class='headerlink' href='#abstract'>¶</a></h1><p>T.</p></article>",
            "PYTHON POLICY",
        ),
    ],
)
def test_page_title_comes_from_the_article_without_permalinks_or_site_names(
    tmp_path, head, body, title
):
    _, _, page, _ = built(tmp_path, body, head=head)
    assert page.xpath("//title")[0].text == title
    assert "¶" not in page.xpath("//article")[0].text_content()


def test_meta_description_from_og_description(tmp_path):
    _, _, page, _ = built(
        tmp_path,
        "<article><h1>T</h1><p>Text.</p></article>",
        head="<title>T</title><meta property='og:description' content='What it is about.'>",
    )
    assert page.xpath("//meta[@name='description']/@content") == ["WHAT IT IS ABOUT."]


# ---------------------------------------------------------------- bad input


def test_malformed_html_keeps_every_word(tmp_path):
    doc, _, page, _ = built(
        tmp_path,
        "<article><p>First <em>unclosed emphasis<p>Second para</div> after a stray close."
        "<ul><li>one<li>two</ul><table><tr><td>cell one<td>cell two</table>Trailing words</article>",
    )
    text = " ".join(page.xpath("//article")[0].text_content().split())
    for words in (
        "FIRST",
        "UNCLOSED EMPHASIS",
        "SECOND PARA",
        "AFTER A STRAY CLOSE.",
        "ONE",
        "TWO",
    ):
        assert words in text
    assert "CELL ONE" in text and "CELL TWO" in text and "TRAILING WORDS" in text


def test_a_list_of_5000_items_is_read_whole(tmp_path):
    items = "".join(f"<li>Item number {n} of the list</li>" for n in range(5000))
    doc, units, page, _ = built(tmp_path, f"<article><ol>{items}</ol></article>")
    assert len([b for b in doc.blocks if b.kind == "list_item"]) == 5000
    assert len(page.xpath("//article/ol/li")) == 5000
    assert page.xpath("//article/ol/li")[-1].text == "ITEM NUMBER 4999 OF THE LIST"


def test_no_article_element_reads_the_body(tmp_path):
    doc, _, page, warnings = built(
        tmp_path, "<h1>Title</h1><div><p>Body text.</p></div><p>More.</p>"
    )
    assert [e.text for e in page.xpath("//article//p")] == ["BODY TEXT.", "MORE."]
    assert warnings == []


def test_a_page_of_code_alone_is_kept(tmp_path):
    doc, units, page, _ = built(tmp_path, "<article><pre>make all\n  make test</pre></article>")
    assert [u.kind for u in units] == ["page_title"]
    assert page.xpath("//pre")[0].text == "make all\n  make test"
