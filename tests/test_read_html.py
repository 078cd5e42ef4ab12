"""The read stage on HTML: a Pandoc article, a WordPress post, small pages and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from locbrief.model import (
    BLOCK_KINDS,
    OUT_OF_FLOW_KINDS,
    Document,
    LocbriefError,
    NoteRef,
    Span,
    plain_text,
)
from locbrief.read import read_source

DATA = Path(__file__).resolve().parent / "data"
PANDOC = DATA / "pandoc-sanctions.html"
WORDPRESS = DATA / "wordpress-guns.html"


def marked(content) -> str:
    """Text with [n] for note markers and <tag>…</tag> for spans: checks position and markup."""
    out = []
    for item in content:
        if isinstance(item, NoteRef):
            out.append(f"[{item.number}]")
        elif isinstance(item, Span):
            out.append(f"<{item.tag}>{marked(item.children)}</{item.tag}>")
        else:
            out.append(item)
    return "".join(out)


def without_anchor(block) -> dict:
    """A block's attrs less its page anchor (every block of an HTML article has one)."""
    return {k: v for k, v in block.attrs.items() if k != "anchor"}


def flow(doc: Document) -> list:
    """The blocks a reader sees in the article (not the page title, description, attributes)."""
    return [b for b in doc.blocks if b.kind not in OUT_OF_FLOW_KINDS]


def by_id(doc: Document, block_id: str):
    return next(b for b in doc.blocks if b.id == block_id)


def spans(content, tag: str) -> list[Span]:
    found = []
    for item in content:
        if isinstance(item, Span):
            if item.tag == tag:
                found.append(item)
            found.extend(spans(item.children, tag))
    return found


def read(
    tmp_path: Path, html: str, name: str = "page.html", warnings: list[str] | None = None
) -> Document:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return read_source(path, warnings)


@pytest.fixture(scope="module")
def pandoc():
    warnings: list[str] = []
    return read_source(PANDOC, warnings), warnings


@pytest.fixture(scope="module")
def wordpress():
    warnings: list[str] = []
    return read_source(WORDPRESS, warnings), warnings


# ---------------------------------------------------------------- Pandoc article


def test_pandoc_header_and_meta(pandoc):
    doc, warnings = pandoc
    assert warnings == []  # the table of contents is only in-page links: the headings, kept
    head = [(b.kind, b.id, plain_text(b.content)) for b in doc.blocks[:5]]
    assert head == [
        (
            "meta_description",
            "meta-description",
            "Economic pressure on Venezuela has not changed its government’s "
            "behavior. A narrower, conditional approach would serve U.S. interests better.",
        ),
        ("title", "title", "Sanctions without strategy"),
        ("dek", "dek", "Why economic pressure on Caracas keeps missing its target"),
        ("byline", "byline", "By Jane Roe and Omar Haddad"),
        ("date", "date", "March 14, 2025"),
    ]
    assert doc.meta["date"] == "2025-03-14"
    assert doc.lang == "en" and doc.name == "pandoc-sanctions"


def test_pandoc_headings_and_toc_dropped(pandoc):
    doc, _ = pandoc
    headings = [(b.level, b.id) for b in doc.blocks if b.kind == "heading"]
    assert headings == [
        (2, "h-key-points"),
        (2, "h-a-decade-of-pressure"),
        (3, "h-what-the-numbers-show"),
        (3, "h-who-bears-the-cost"),
        (2, "h-a-better-approach"),
        (2, "h-authors"),
    ]
    text = " ".join(plain_text(b.content) for b in doc.blocks)
    assert text.count("A decade of pressure") == 1  # the TOC nav is gone


def test_pandoc_key_points_lists_and_nesting(pandoc):
    doc, _ = pandoc
    assert [(b.id, b.number) for b in doc.blocks if b.kind == "key_point"] == [
        ("kp-1", 1),
        ("kp-2", 2),
        ("kp-3", 3),
    ]
    items = [
        (b.level, b.number, plain_text(b.content)) for b in doc.blocks if b.kind == "list_item"
    ]
    assert items[:5] == [
        (1, None, "households, through food and medicine prices;"),
        (1, None, "the private sector, which lost access to credit;"),
        (2, None, "small importers above all;"),
        (2, None, "and exporters of non-oil goods."),
        (
            1,
            None,
            "neighbours such as Colombia, which host most of the 7.7 million people who have left.",
        ),
    ]
    assert [n for _, n, _ in items[5:]] == [1, 2, 3]


def test_pandoc_note_refs_in_place(pandoc):
    doc, _ = pandoc
    text = "\n".join(marked(b.content) for b in doc.blocks if b.kind != "endnote")
    assert "toward elections.[1]" in text
    assert "freezing the assets of seven officials.[2] By 2019" in text
    assert "Moscow and Beijing.[3] Revenue fell" in text
    assert "let some U.S. firms return.[4] Even then" in text
    assert "people who have left.[5]" in text
    refs = [i.number for b in doc.blocks for i in b.content if isinstance(i, NoteRef)]
    assert refs == [1, 2, 3, 4, 5]


def test_pandoc_endnotes_without_backlinks(pandoc):
    doc, _ = pandoc
    notes = doc.notes()
    assert sorted(notes) == [1, 2, 3, 4, 5]
    assert [b.id for b in doc.blocks if b.kind == "endnote"] == [f"note-{n}" for n in range(1, 6)]
    assert marked(notes[2].content) == "Executive Order 13692, March 8, 2015."
    assert marked(notes[1].content) == (
        "Francisco Rodríguez, “Sanctions and Oil Production: Evidence from "
        "Venezuela,” <em>Journal of Economic Perspectives</em>, 2023, "
        "<a>https://example.org/jep-2023</a>."
    )
    assert spans(notes[1].content, "a")[0].attrs == {"href": "https://example.org/jep-2023"}
    assert all("↩" not in plain_text(b.content) for b in notes.values())


def test_pandoc_inline_markup(pandoc):
    doc, _ = pandoc
    p1, p2, p3, p6 = (by_id(doc, f"p-{n}") for n in (1, 2, 3, 6))
    assert "<em>Petróleos de Venezuela</em>" in marked(p1.content)
    assert "<strong>cut the money</strong>" in marked(p1.content)
    abbr = spans(p2.content, "abbr")[0]
    assert abbr.attrs == {"title": "Government of Venezuela"} and abbr.children == ["GoV"]
    assert "were paid first.<br></br>Everyone else waited." in marked(p2.content)
    assert "CO<sub>2</sub> flaring" in marked(p3.content) and "<code>OFAC-GL-44</code>" in marked(
        p3.content
    )
    assert "<q>you cannot bargain with someone who has nothing left to gain</q>." in marked(
        p6.content
    )


def test_pandoc_quote_figure_table(pandoc):
    doc, _ = pandoc
    quotes = [plain_text(b.content) for b in doc.blocks if b.kind == "quote"]
    assert quotes == [
        "Sanctions are a tool, not a strategy. Used alone, they harden the positions they are "
        "meant to soften.",
        "— Former U.S. envoy, interview with the authors",
    ]
    figure = by_id(doc, "cap-1")  # figcaption aria-hidden="true" is still seen by readers
    assert plain_text(figure.content) == "Oil exports, 2014–2024"
    assert without_anchor(figure) == {
        "src": "exports.png",
        "alt": "Oil exports, 2014–2024",
        "title": "Venezuelan oil exports",
    }
    table_caption = by_id(doc, "cap-2")
    assert plain_text(table_caption.content) == "Venezuelan crude exports by year"
    assert without_anchor(table_caption) == {"table": "1"}
    cells = [b for b in doc.blocks if b.kind == "table_cell"]
    assert len(cells) == 12
    assert without_anchor(cells[0]) == {"table": "1", "row": "1", "col": "1", "header": "true"}
    assert cells[0].attrs["anchor"] == cells[0].id  # its place on the page (review links there)
    assert (cells[4].id, plain_text(cells[4].content)) == ("table-1-r2-c2", "1,960,000")
    assert "header" not in cells[4].attrs


def test_pandoc_text_round_trips(pandoc):
    """Every paragraph, list item and cell of the page (markers aside) is in the blocks, in order."""
    doc, _ = pandoc
    tree = lxml.html.parse(str(PANDOC)).getroot()
    for el in tree.xpath("//a[@role='doc-noteref'] | //a[@role='doc-backlink'] | //nav | //style"):
        el.drop_tree()
    for br in tree.iter("br"):  # a line break, not a space: "first.<br>Everyone"
        br.tail = (br.tail or "").lstrip()
    expected = [
        " ".join(el.text_content().split())
        for el in tree.xpath("//body//p | //body//td | //body//th")
    ]
    joined = " ".join(" ".join(plain_text(b.content).split()) for b in doc.blocks)
    position = 0
    for text in expected:
        found = joined.find(text, position)
        assert found >= 0, text
        position = found


# ---------------------------------------------------------------- WordPress post


def test_wordpress_header(wordpress):
    doc, warnings = wordpress
    # every block with words left out is named: one line per kind, with how many and which
    assert sorted(":".join(w.split(".html:", 1)[1].split(":")[:2]) for w in warnings) == [
        "109: left out 1 hidden block",
        "122: left out 1 related posts block",
        "125: left out 2 footer blocks",
        "135: left out 1 comments block",
        "143: left out 1 sidebar block",
        "27: left out 2 navigation blocks",
        "29: left out 1 site header block",
        "47: left out 1 breadcrumbs block",
        "57: left out 1 sharing block",
    ]
    footers = next(w for w in warnings if "footer blocks" in w)
    assert '<footer class="entry-footer"> “Tagged firearms”' in footers
    assert '<footer id="colophon" class="site-footer" role="contentinfo">' in footers
    head = [(b.kind, plain_text(b.content)) for b in doc.blocks[:6]]
    assert head == [
        (
            "meta_description",
            "Most guns recovered at Mexican crime scenes come from the United States. Enforcing "
            "existing U.S. laws would do more than strikes on cartels.",
        ),
        ("topic", "Americas, Arms control"),
        ("title", "Guns across the border"),
        ("dek", "How American firearms arm Mexico’s cartels"),
        ("date", "May 20, 2025"),
        ("byline", "By Jane Roe and Luis Ortega"),
    ]
    assert doc.meta["date"] == "2025-05-20"
    assert doc.lang == "en"  # from lang="en-US"


@pytest.mark.parametrize(
    "chrome",
    [
        "SHOULD-NOT-APPEAR",
        "Skip to content",
        "Example Institute",
        "Realism and restraint",
        "Research",
        "Explainers",
        "Share this",
        "Share on X",
        "Related",
        "Tagged",
        "firearms</a>",
        "Post navigation",
        "DOGE Has Its Sights",
        "Leave a Reply",
        "Comment",
        "Receive expert",
        "Join the hub",
        "Privacy Policy",
        "©",
        "Home",
        "Menu",
        "wp-image-2231",
        "srcset",
        "dataLayer",
        "--wp--preset",
        "↩",
        "wp:paragraph",
    ],
)
def test_wordpress_no_chrome_scripts_styles_comments_or_attributes(wordpress, chrome):
    doc, _ = wordpress
    blocks_json = json.dumps([b for b in doc.to_json()["blocks"]], ensure_ascii=False)
    assert chrome not in blocks_json


def test_wordpress_body(wordpress):
    doc, _ = wordpress
    p1, p2, p3, p4 = (by_id(doc, f"p-{n}") for n in (1, 2, 3, 4))
    assert marked(p1.content).endswith("about 70 percent were bought in the United States.[1]")
    assert (
        "They are bought by <em>straw purchasers</em>\u00a0— people with clean records who buy for "
        "someone else — at licensed dealers"
    ) in marked(p2.content)
    assert (
        "and twos.[2] The <abbr>ATF</abbr> calls this the <strong>“iron river.”</strong>"
        in marked(p2.content)
    )
    assert spans(p2.content, "abbr")[0].attrs == {
        "title": "Bureau of Alcohol, Tobacco, Firearms and Explosives"
    }
    assert marked(p3.content).endswith(
        "for tracing.[3]<br></br>Even so, the pattern has held for a decade."
    )
    link = spans(p4.content, "a")[0]
    assert link.attrs == {
        "href": "https://example.org/briefs/no-gwot-narco/",
        "title": "No GWOT-Narco: the perils of making war on cartels",
    }
    assert marked(p4.content).endswith("see our <a>earlier brief on cartels</a>.")


def test_wordpress_figures_quote_lists_notes(wordpress):
    doc, _ = wordpress
    image = by_id(doc, "cap-1")
    assert (
        image.attrs["alt"]
        == "Bar chart: share of traced guns bought in the United States, 2017 to 2021"
    )
    assert (
        plain_text(image.content)
        == "Share of traced crime guns bought in the United States, 2017–2021. Source: ATF."
    )
    kinds = [b.kind for b in doc.blocks]
    table_caption = by_id(doc, "cap-2")
    assert plain_text(table_caption.content) == "Firearms recovered in Mexico and traced by the ATF"
    assert kinds.index("table_cell") < doc.blocks.index(table_caption)
    assert kinds.count("table_cell") == 9
    assert [marked(b.content) for b in doc.blocks if b.kind == "quote"] == [
        "We are fighting criminals who are better armed than our police, and their weapons come from across "
        "the border.",
        "<cite>Marcelo Ebrard, then foreign minister, 2021</cite>",
    ]
    assert [(b.level, plain_text(b.content)[:20]) for b in doc.blocks if b.kind == "list_item"] == [
        (1, "Enforce the 2022 law"),
        (1, "Fund the ATF to trac"),
        (2, "more inspectors at b"),
        (2, "electronic records i"),
        (1, "Share trace data wit"),
    ]
    assert by_id(doc, "h-notes").level == 2
    notes = doc.notes()
    assert sorted(notes) == [1, 2, 3, 4]
    assert marked(notes[3].content) == "Ibid., 14–16."
    assert (
        marked(notes[2].content)
        == "U.S. Government Accountability Office, <em>Firearms Trafficking</em>, GAO-21-322, 2021."
    )


def test_blocks_are_valid_and_ids_unique(pandoc, wordpress):
    for doc in (pandoc[0], wordpress[0]):
        assert all(b.kind in BLOCK_KINDS for b in doc.blocks)
        ids = [b.id for b in doc.blocks]
        assert len(ids) == len(set(ids))
        assert all(b.line > 0 for b in doc.blocks)
        assert Document.from_json(json.loads(json.dumps(doc.to_json()))).blocks == doc.blocks


# ---------------------------------------------------------------- small pages


def page(body: str, head: str = "") -> str:
    return f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>T</title>{head}</head>\n<body>\n{body}\n</body>\n</html>\n'


def test_article_is_preferred_and_main_is_the_fallback(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<div class='sidebar'><p>Sidebar text.</p></div><p>Outside.</p>"
            "<article><h1>Title</h1><p>Inside the article.</p></article>"
        ),
    )
    assert [plain_text(b.content) for b in doc.blocks] == ["Title", "Inside the article."]
    doc = read(
        tmp_path,
        page(
            "<header><p>Logo</p></header><main><h1>T</h1><p>Main text.</p></main>"
            "<footer><p>Footer</p></footer>"
        ),
    )
    assert [plain_text(b.content) for b in doc.blocks] == ["T", "Main text."]


def test_only_the_first_h1_is_the_title(tmp_path):
    doc = read(tmp_path, page("<h1>First</h1><p>Text.</p><h1>Second</h1><h4>Deep</h4>"))
    assert [(b.kind, b.id, b.level) for b in doc.blocks] == [
        ("title", "title", 1),
        ("paragraph", "p-1", 0),
        ("heading", "h-second", 1),
        ("heading", "h-deep", 4),
    ]


def test_title_before_the_article(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<header class='site-header'><p class='site-title'>Site</p><nav>Menu</nav></header>"
            "<h1 class='page-title'>Real title</h1><article><p>Body text.</p></article>"
        ),
    )
    assert [(b.kind, plain_text(b.content)) for b in doc.blocks] == [
        ("title", "Real title"),
        ("paragraph", "Body text."),
    ]


def test_loose_text_and_nested_blocks(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<div>Loose <em>text</em> here.<div><p>Inner.</p></div>Tail text.</div>"
            "<ul><li><p>Para in item.</p></li></ul>"
        ),
    )
    assert [(b.kind, marked(b.content)) for b in flow(doc)] == [
        ("paragraph", "Loose <em>text</em> here."),
        ("paragraph", "Inner."),
        ("paragraph", "Tail text."),
        ("list_item", "Para in item."),
    ]


def test_attributes_scripts_comments_never_text(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<p class='CLASS-X' style='color:red' onclick='ONCLICK-X()' data-x='DATA-X' id='ID-X'>"
            "Visible<!-- COMMENT-X --> text<script>SCRIPT-X</script><style>.STYLE-X{}</style>"
            "<span title='Title attribute kept'>abbr-like</span>"
            "<img src='x.png' alt='Alt text kept'><template>TEMPLATE-X</template>.</p>",
            head="<meta name='description' content='Described.'><script>HEAD-SCRIPT-X</script>",
        ),
    )
    # the id is kept as the paragraph's anchor in the layout, never as text
    assert doc.layout[-1]["attrs"] == {"id": "ID-X"} and by_id(doc, "p-1").attrs["anchor"] == "ID-X"
    doc.layout = None
    del by_id(doc, "p-1").attrs["anchor"]
    dumped = json.dumps(doc.to_json(), ensure_ascii=False)
    for hidden in (
        "CLASS-X",
        "color:red",
        "ONCLICK-X",
        "DATA-X",
        "ID-X",
        "COMMENT-X",
        "SCRIPT-X",
        "STYLE-X",
        "TEMPLATE-X",
        "HEAD-SCRIPT-X",
    ):
        assert hidden not in dumped
    para = by_id(doc, "p-1")
    assert marked(para.content) == "Visible text<span>abbr-like</span><img></img>."
    assert spans(para.content, "span")[0].attrs == {"title": "Title attribute kept"}
    assert spans(para.content, "img")[0].attrs == {"src": "x.png", "alt": "Alt text kept"}
    assert by_id(doc, "meta-description").content == ["Described."]
    # what a reader sees in attributes is translated on its own
    attributes = [(b.attrs["name"], b.content) for b in doc.blocks if b.kind == "attribute"]
    assert attributes == [("title", ["Title attribute kept"]), ("alt", ["Alt text kept"])]


def test_noteref_shapes_and_warnings(tmp_path):
    warnings: list[str] = []
    doc = read(
        tmp_path,
        page(
            "<article><p>One.<sup id='fnref1'><a href='#fn1'>1</a></sup> "
            "Two.<a href='#fn2' class='footnote-ref'><sup>2</sup></a> "
            "Three.<a href='#fn3' role='doc-noteref'>[3]</a> "
            "Ghost.<sup><a href='#fn9'>9</a></sup> Link <a href='#section'>elsewhere</a>, "
            "<a href='#fn2'>see note two</a>.</p>"
            "<section class='footnotes'><ol><li id='fn1'>Note one. <a href='#fnref1'>↩</a></li>"
            "<li id='fn2'>Note two.</li><li id='fn3'>Note three.</li><li id='fn4'>Note four, never cited.</li>"
            "</ol></section></article>"
        ),
        warnings=warnings,
    )
    para = by_id(doc, "p-1")
    assert (
        marked(para.content)
        == "One.[1] Two.[2] Three.[3] Ghost.[9] Link <a>elsewhere</a>, <a>see note two</a>."
    )
    assert sorted(doc.notes()) == [1, 2, 3, 4]
    assert marked(doc.notes()[1].content) == "Note one."
    assert any(
        w.endswith("note marker 9 points to #fn9, which is not in the endnotes; kept the marker")
        for w in warnings
    )
    assert any("note marker 9 has no endnote 9; kept the marker" in w for w in warnings)
    assert any(
        "endnote 4 is never referenced in the text; kept it in the endnotes" in w for w in warnings
    )
    assert all(w.startswith(str(tmp_path / "page.html") + ":") for w in warnings)


def test_wordpress_block_footnotes_with_uuid_ids(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<article><p>Claim.<sup data-fn='a1b2' class='fn'><a href='#a1b2' id='a1b2-link'>1</a></sup> "
            "Other.<sup data-fn='c3d4' class='fn'><a href='#c3d4' id='c3d4-link'>2</a></sup></p>"
            "<ol class='wp-block-footnotes'><li id='a1b2'>First source. <a href='#a1b2-link' "
            "aria-label='Jump to footnote reference 1'>↩︎</a></li><li id='c3d4'>Second source. "
            "<a href='#c3d4-link'>↩︎</a></li></ol></article>"
        ),
    )
    assert marked(by_id(doc, "p-1").content) == "Claim.[1] Other.[2]"
    assert [marked(b.content) for b in doc.blocks if b.kind == "endnote"] == [
        "First source.",
        "Second source.",
    ]


def test_hidden_endnote_list_is_still_read(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<article><p>Claim.<sup><a href='#fn1'>1</a></sup></p>"
            "<div class='footnotes' style='display: none'><ol><li id='fn1'>Kept note.</li></ol>"
            "</div></article>"
        ),
    )
    assert marked(doc.notes()[1].content) == "Kept note."


def test_endnotes_outside_the_article_are_kept(tmp_path):
    doc = read(
        tmp_path,
        page(
            "<article><p>Claim.<sup><a href='#fn1'>1</a></sup></p></article>"
            "<footer class='site-footer'><section role='doc-endnotes'><ol><li id='fn1'>Outside note."
            "</li></ol></section><p>© Site</p></footer>"
        ),
    )
    assert [b.kind for b in doc.blocks if b.kind not in OUT_OF_FLOW_KINDS] == [
        "paragraph",
        "endnote",
    ]
    assert marked(doc.notes()[1].content) == "Outside note."


def test_html_dispatch_by_content(tmp_path):
    doc = read(tmp_path, page("<h1>Saved as text</h1><p>Body.</p>"), name="saved.txt")
    assert doc.blocks[0].kind == "title"


# ---------------------------------------------------------------- bad pages


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Only a head</title></head></html>",
        "<!DOCTYPE html><html><head><meta name='description' content='Meta only'></head><body>\n</body></html>",
        "<html><body><nav><a href='/'>Home</a></nav><script>var x = 1;</script><!-- nothing --></body></html>",
        "<html><body><div class='share'>Share</div><footer>© 2025</footer></body></html>",
    ],
)
def test_no_article_text(tmp_path, html):
    path = tmp_path / "nobody.html"
    path.write_text(html, encoding="utf-8")
    with pytest.raises(LocbriefError) as err:
        read_source(path)
    assert str(err.value).startswith(f"{path}: no article text found; ")
    assert "\n" not in str(err.value)


def test_latin1_html_without_charset(tmp_path):
    path = tmp_path / "latin.html"
    path.write_bytes("<html><body>\n<p>Caf\u00e9 society.</p>\n</body></html>".encode("latin-1"))
    with pytest.raises(LocbriefError) as err:
        read_source(path)
    assert str(err.value).startswith(f"{path}:2: not UTF-8 (byte 0xe9 at column 7")
    assert "declare its encoding" in str(err.value)


def test_declared_latin1_html_is_read(tmp_path):
    path = tmp_path / "declared.html"
    path.write_bytes(
        "<html><head><meta charset='iso-8859-1'></head><body><p>Caf\u00e9 society.</p></body></html>".encode(
            "latin-1"
        )
    )
    assert plain_text(read_source(path).blocks[0].content) == "Café society."


def test_unknown_declared_charset(tmp_path):
    path = tmp_path / "odd.html"
    path.write_bytes(b"<html><head><meta charset='klingon-8'></head><body><p>x</p></body></html>")
    with pytest.raises(LocbriefError, match="unknown encoding “klingon-8”"):
        read_source(path)


def test_empty_and_binary_html(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    with pytest.raises(LocbriefError, match="empty file"):
        read_source(empty)
    binary = tmp_path / "page.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(LocbriefError, match=r"binary file \(a PNG image\)"):
        read_source(binary)
