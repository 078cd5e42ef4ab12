"""Read an HTML article (a saved web page, a CMS export, Pandoc output) into a Document.

The article is the ``<article>`` (the one with most text), else ``<main>``,
else ``<body>``. Only what a reader sees becomes text: scripts, styles,
comments, navigation, site header/footer, share and related-post boxes are
dropped, and attributes never become text except the reader-visible ones
(``title``, image ``alt``, ``<meta name="description">``).

Inline markup a translation must keep (em, strong, a, abbr, br, …) becomes
Span; note references (``<sup><a href="#fn1">``, ``role="doc-noteref"``,
``class="footnote-ref"``) become NoteRef; endnote lists (``role="doc-endnotes"``,
``section.footnotes``, an ``ol`` of ``li id="fn…"``) become endnote blocks
with their back-links ("↩") removed.

The article's structure is kept beside the blocks as ``Document.layout``: every
structural element (section, list, table, figure, quote, …) with the attributes
that matter (:data:`locbrief.markup.LAYOUT_ATTRS`), a ``{"block": id}`` where a
block's text stands, and verbatim nodes (``pre``, ``math``, ``svg``,
``translate="no"``) that the page writes back exactly. Text runs take their kind
from the nearest structural element (li → list_item, td → table_cell, dd →
definition, …). Ids and ``<a name>`` anchors are kept or remapped so that every
in-page link of the source still lands; a block with words that is left out is
named in a warning.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from locbrief.markup import (
    INLINE_TAGS,
    KEPT_ATTRS,
    LAYOUT_ATTRS,
    TRANSLATED_ATTRS,
    UNSAFE_TAGS,
    VERBATIM_BLOCK_TAGS,
    VOID_TAGS,
    drawing_element,
    drawing_root,
    is_verbatim,
    safe_attrs,
    tex_math_pieces,
    unclosed_tex_math,
    verbatim_attrs,
)
from locbrief.model import (
    OUT_OF_FLOW_KINDS,
    Block,
    Document,
    Inline,
    LocbriefError,
    NoteRef,
    Span,
    plain_text,
)
from locbrief.read.common import KEY_POINTS_HEADING, BlockIds, Warner, parse_date

BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "hr",
    "pre",
    "address",
    "details",
    "summary",
    "hgroup",
    "center",
    "fieldset",
    "form",
}
NEVER_TEXT = {
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "canvas",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "link",
    "meta",
    "dialog",
    "video",
    "audio",
    "source",
    "map",
}
#: Never-text elements whose words are code or boilerplate, left out without a warning.
SILENT_TAGS = {"head", "script", "style", "noscript", "template", "link", "meta", "svg"}
CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu"}
CHROME_TOKEN = re.compile(
    r"^(share|sharing|sharedaddy|social|related|jp-relatedposts|newsletter|subscribe|breadcrumbs?|"
    r"comments?|comment-respond|sidebar|widget|widget-area|skip-link|menu|site-header|site-footer|"
    r"masthead|cookie|advert|ads?|post-navigation|nav-links|navigation|pagination|print-link|"
    r"screen-reader-text|entry-footer|author-box|tags?-links)([-_].*)?$",
    re.IGNORECASE,
)
NOTE_ID = re.compile(r"(?:fn|footnote|note|endnote|en)\D{0,3}?(\d+)$", re.IGNORECASE)
MARKER_TEXT = re.compile(r"[\[(]?\d{1,3}[\])]?")  # "7", "[7]", "(7)": how a marker reads
NOTES_CONTAINER_CLASS = re.compile(
    r"^(footnotes|endnotes|wp-block-footnotes|notes)$", re.IGNORECASE
)
BACKLINK_TEXT = {"↩", "↩︎", "^", "↑", "⏎", "[return]", "back"}
HINT_CLASSES = (
    (
        "date",
        re.compile(
            r"^(date|entry-date|published|posted-on|pubdate|post-date|dateline|"
            r"wp-block-post-date)$",
            re.I,
        ),
    ),
    (
        "byline",
        re.compile(
            r"^(byline|author|authors|entry-author|post-author|wp-block-post-author(-name)?)$", re.I
        ),
    ),
    ("dek", re.compile(r"^(dek|deck|subtitle|standfirst|subhead|strapline|entry-subtitle)$", re.I)),
    (
        "topic",
        re.compile(
            r"^(topic|topics|kicker|eyebrow|cat-links|categories|category|wp-block-post-terms)$",
            re.I,
        ),
    ),
)
SINGLETONS = {"title", "dek", "date", "topic", "byline"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: The kind of the text inside a structural element (the nearest such element counts).
CONTEXT_KINDS = {
    "li": "list_item",
    "dt": "term",
    "dd": "definition",
    "td": "table_cell",
    "th": "table_cell",
    "caption": "caption",
    "figcaption": "caption",
    "blockquote": "quote",
}
#: Block id prefixes of the kinds numbered in reading order.
ID_PREFIXES = {"quote": "q", "term": "dt", "definition": "dd"}
#: Elements always read as one block of text, whatever they hold.
LEAF_TAGS = {*HEADINGS, "p", "dt", "caption", "summary"}
#: Obsolete elements written under their HTML5 name on the page.
RENAMED = {"center": "div", "tt": "code", "listing": "pre", "xmp": "pre"}
#: Links that only point at their own heading (Sphinx's ¶, other generators' § or #).
PERMALINK_TEXT = {"¶", "§", "#", "🔗", "link"}
#: Separators between a page's own title and the site's name in <title>.
TITLE_SEPARATORS = (" | ", " — ", " – ", " :: ", " · ", " - ")
_SPACE = re.compile(r"[ \t\n\r\f]+")
#: What Sphinx appends to a project's name in <title> (``html_title``: "<project> <release>
#: documentation"; sphinx/builders/html/__init__.py).
SPHINX_TITLE_SUFFIX = re.compile(r"\s+(?:v?\d[\w.+-]*\s+)?documentation$", re.IGNORECASE)


def parse_html(text: str, source: str, name: str, warn: Warner | None = None) -> Document:
    """Turn an HTML page's text into a Document (see the module docstring)."""
    return HtmlReader(source, warn or Warner(source)).read(text, name)


def article_tree(text: str, source: str):
    """The cleaned article element of a page and its endnote containers (what tests compare)."""
    reader = HtmlReader(source, Warner(source, []))
    article = reader.clean_article(reader._parse(text))
    return article, reader.note_containers


class HtmlReader:
    """One read of one page: clean the tree, find the notes, walk the article."""

    def __init__(self, source: str, warn: Warner):
        self.source, self.warn = source, warn
        self.ids = BlockIds()
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}
        self.note_ids: dict[str, int] = {}  # element id of an endnote → its number
        self.note_items: dict[int, lxml.html.HtmlElement] = {}
        self.note_containers: list = []
        self.refs: dict[int, int] = {}  # note number → line of its first marker
        self.emitted: set[int] = set()  # id() of note containers already read
        self.table_count = 0
        self.list_depth = 0
        self.items: dict = {}  # li → (number, level, list tag)
        self.cells: dict = {}  # td/th → (block id, attrs)
        self.captions: dict = {}  # caption/figcaption → attrs of its caption block
        self.markers: set = set()  # note marker elements and their descendants
        self.verbatim_inline: set = set()  # inline elements kept verbatim (they keep their ids)
        self.anchored: set[str] = set()  # ids written as empty anchors
        self.id_map: dict[str, str] = {}  # source id → the page's id for the same place
        self.attr_texts: set[str] = set()  # texts of alt/title attributes already a block
        self.notes_read: set[int] = set()
        self.left_out: dict[str, list[tuple[int | None, str]]] = {}  # kind → (line, element)

    def read(self, text: str, name: str) -> Document:
        root = self._parse(text)
        lang = (
            root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "en"
        ).strip()
        self._read_head(root)
        base = _base_url(root)  # before the head's link and meta elements are dropped
        source_ids = _ids(root)
        article = self.clean_article(root)
        # generated ids never take a source id (both end up as anchors of the page)
        self.ids.used.update(source_ids - set(self.note_ids) - SINGLETONS)
        layout = self._title_outside(root, article)
        layout += self._walk(article)
        layout += self._endnotes_outside()
        self._check_notes()
        self._warn_left_out()
        self._page_title()
        layout = self._link_anchors(layout, source_ids)
        _resolve_relative_urls(base, self.blocks, layout)
        if not any(
            plain_text(b.content).strip() for b in self.blocks if b.kind not in OUT_OF_FLOW_KINDS
        ) and not _verbatim_text(layout):
            raise LocbriefError(
                "no article text found; the page has no headings or paragraphs in its "
                "<article>, <main> or <body> — save the article page itself",
                self.source,
            )
        return Document(
            source=self.source,
            name=name,
            blocks=self.blocks,
            lang=lang.split("-")[0] or "en",
            meta=self.meta,
            layout=layout,
        )

    # ------------------------------------------------------------ tree

    def clean_article(self, root):
        """The article element as the reader walks it: endnotes found, chrome and scripts gone."""
        self._find_endnotes(root)
        article = self._article(root)
        self._skipped_outside(root, article)
        self._drop_chrome(article)
        self._drop_never_text(root, article)
        return article

    def _parse(self, text: str):
        """The parsed page; an XML declaration is dropped (lxml refuses it in a str)."""
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        try:  # huge_tree: past libxml2's 256 levels the rest of the page was silently lost
            root = lxml.html.document_fromstring(text, parser=_PARSER)
        except (lxml.etree.ParserError, ValueError):
            raise LocbriefError(
                "no article text found; the file holds no HTML elements", self.source
            ) from None
        _check_depth(root, self.source)
        for node in root.xpath("//comment() | //processing-instruction()"):
            _remove_keep_tail(node)
        return root

    def _read_head(self, root) -> None:
        """<meta name="description"> becomes a block (readers see it in search results);
        the publication date goes to meta["date"]."""
        for meta in root.xpath(
            "//meta[translate(@name,'DESCRIPTION','description')='description']"
        )[:1]:
            if (meta.get("content") or "").strip():
                self._add(
                    "meta_description",
                    "meta-description",
                    [" ".join(meta.get("content").split())],
                    meta.sourceline or 0,
                )
        published = root.xpath("//meta[@property='article:published_time']/@content")
        if published and parse_date(published[0][:10]):
            self.meta["date"] = parse_date(published[0][:10]) or ""
        title = root.xpath("//head/title/text()")
        if title and title[0].strip():
            self.meta["html_title"] = " ".join(title[0].split())
        for key, prop in (("og_title", "og:title"), ("site_name", "og:site_name")):
            value = root.xpath(f"//meta[@property='{prop}']/@content")
            if value and value[0].strip():
                self.meta[key] = " ".join(value[0].split())
        if not any(b.kind == "meta_description" for b in self.blocks):
            for value in root.xpath("//meta[@property='og:description']/@content")[:1]:
                if value.strip():
                    self._add("meta_description", "meta-description", [" ".join(value.split())], 0)

    def _article(self, root):
        """<article> with the most text, else <main>, else the body."""
        articles = root.xpath("//article")
        if articles:
            return max(articles, key=lambda el: len(el.text_content()))
        main = root.xpath("//main | //*[@role='main']")
        if main:
            return main[0]
        body = root.find("body")
        if body is None:
            raise LocbriefError(
                "no article text found; the page has no <body> — save the article page "
                "itself, not only its head",
                self.source,
            )
        return body

    def _drop_chrome(self, article) -> None:
        """Remove navigation, share boxes, related posts, site header/footer, permalink signs
        (a heading's ¶) — but never notes."""
        for link in article.xpath(".//a[@href]"):
            if _is_permalink(link):
                _remove_keep_tail(link)
        for el in list(article.iter()):
            if el is article or not isinstance(el.tag, str) or el.getparent() is None:
                continue
            if _is_chrome(el, article) and not self._is_note_area(el):
                if not _is_ancestor(article, el):
                    continue  # inside something already dropped
                holder = self._note_container_inside(el)
                self._skipped(el, "navigation, sharing or related-posts box, site furniture")
                if holder is not None:
                    el.getparent().replace(el, holder)
                else:
                    _remove_keep_tail(el, keep_tail=True)

    def _skipped(self, el, why: str) -> None:
        """Note a block with words that is left out of the brief; :meth:`_warn_left_out` names
        them all, one line per kind: nothing goes silently."""
        words = " ".join(" ".join(_visible_texts(el)).split())
        if not re.search(r"\w", words) or _table_of_contents(el, words):
            return
        kind = left_out_kind(el, why)
        names = " ".join(f'{k}="{v}"' for k, v in el.attrib.items() if k in ("id", "class", "role"))
        shown = words if len(words) <= 40 else words[:37] + "…"
        self.left_out.setdefault(kind, []).append(
            (el.sourceline, f"<{el.tag}{' ' + names if names else ''}> “{shown}”")
        )

    def _skipped_outside(self, root, article) -> None:
        """The page's blocks around the article (site header, menus, breadcrumbs, sidebars,
        footers) are left out too: noted like those inside it."""
        body = root.find("body")
        title_outside = not article.xpath(".//h1")
        for inner in [article, *article.iterancestors()]:
            parent = inner.getparent()
            if parent is None or inner is body:
                break
            for el in parent:
                if (
                    el is not inner
                    and isinstance(el.tag, str)
                    and el.tag not in SILENT_TAGS
                    and not self._holds_notes(el)
                    and not (title_outside and el.xpath("descendant-or-self::h1"))
                ):
                    self._skipped(el, "outside the article")

    def _warn_left_out(self) -> None:
        """One warning line per kind of block left out, with how many and which."""
        for kind, found in self.left_out.items():
            found.sort(key=lambda item: item[0] or 0)
            listed = "; ".join(name for _, name in found[:3]) + ("; …" if len(found) > 3 else "")
            count = f"{len(found)} {kind} block{'s' if len(found) > 1 else ''}"
            self.warn(
                f"left out {count}: {listed} — move one into the article if it is part of "
                "the brief",
                found[0][0],
            )

    def _drop_never_text(self, root, article) -> None:
        """Scripts, styles, forms, embeds, nav and hidden elements: never text, wherever they are
        (a hidden endnote list is still kept: notes are never dropped silently). Those with words
        inside the article are named in a warning."""
        for el in list(root.iter()):
            if not isinstance(el.tag, str) or el.getparent() is None or self._holds_notes(el):
                continue
            if el.tag in NEVER_TEXT or _hidden(el) or _decorative(el):
                if el.tag not in SILENT_TAGS and _is_ancestor(article, el):
                    self._skipped(
                        el, "hidden from readers" if _hidden(el) else "a form, embed or menu"
                    )
                _remove_keep_tail(el)

    def _title_outside(self, root, article) -> list:
        """A page title h1 placed before the <article> (some themes do) is still the title."""
        if article.xpath(".//h1"):
            return []
        for h1 in root.xpath("//body//h1"):
            if not any(_is_chrome(a, article) for a in h1.iterancestors()):
                return [
                    {"tag": "h1", "attrs": self._layout_attrs(h1), "children": self._heading(h1, 1)}
                ]
        return []

    def _names_the_document(self, heading: str) -> bool:
        """An h1 is the document's title unless the page's own title (og:title, <title>, less
        the site's name) says otherwise: a Sphinx single page's first h1 is "Abstract", its
        title "Debian Python Policy"."""
        title = self.meta.get("og_title") or self.meta.get("html_title") or ""
        title = strip_site_name(title, self.meta.get("site_name", "")).casefold()
        heading = " ".join(heading.replace("¶", "").split()).casefold()
        return not title or heading in title or title in heading

    def _page_title(self) -> None:
        """No h1 in the article: the page's <title> comes from og:title, else <title>, less the site's name."""
        if any(b.kind == "title" for b in self.blocks):
            return
        title = self.meta.get("og_title") or self.meta.get("html_title") or ""
        title = strip_site_name(title, self.meta.get("site_name", ""))
        if title:
            self._add("page_title", "page-title", [title], 0)

    def _link_anchors(self, layout: list, source_ids: set[str]) -> list:
        """In-page links keep landing: remapped ids (notes, markers) rewritten, links to this same
        document by a file name made in-page ("index.html#x" in a single-page build saved as
        another name), and an anchor at the top of the article for a target the page does not
        carry (a dropped menu, the page top)."""
        carried = self.anchored | _layout_ids(layout) | _span_ids(self.blocks)
        hrefs: list[str] = []
        for block in self.blocks:
            _rewrite_hrefs(block.content, lambda h: hrefs.append(h) or h)
        _rewrite_layout_hrefs(layout, lambda h: hrefs.append(h) or h)
        itself = _self_paths(hrefs, source_ids, self.source)
        missing: list[str] = []

        def fix(href: str) -> str:
            path, _, target = href.partition("#")
            if path and path not in itself or not target:
                return href
            if target in self.id_map:
                return "#" + self.id_map[target]
            if target in source_ids and target not in carried and target not in missing:
                missing.append(target)
            return "#" + target

        for block in self.blocks:
            _rewrite_hrefs(block.content, fix)
        _rewrite_layout_hrefs(layout, fix)
        return [{"tag": "a", "attrs": {"id": m}, "children": []} for m in missing] + layout

    # ------------------------------------------------------------ notes

    def _find_endnotes(self, root) -> None:
        """Index every endnote by element id before anything is removed."""
        for container in root.iter():
            if not isinstance(container.tag, str) or not _is_notes_container(container):
                continue
            if any(container is c or _is_ancestor(c, container) for c in self.note_containers):
                continue
            self.note_containers.append(container)
            for position, item in enumerate(_note_items(container), start=1):
                self._index_note(item, position)

    def _index_note(self, item, position: int) -> None:
        """Number an endnote by its id ("fn7" → 7), else by its place in the list."""
        note_id = item.get("id") or ""
        m = NOTE_ID.search(note_id)
        number = int(m.group(1)) if m else position
        if number in self.note_items:
            self.warn(
                f"endnote {number} appears twice in the endnotes; kept the first", item.sourceline
            )
            return
        self.note_items[number] = item
        if note_id:
            self.note_ids[note_id] = number

    def _is_note_area(self, el) -> bool:
        """el is an endnote container or inside one."""
        return any(el is c or _is_ancestor(c, el) for c in self.note_containers)

    def _holds_notes(self, el) -> bool:
        """el is, is inside, or contains an endnote container."""
        return self._is_note_area(el) or self._note_container_inside(el) is not None

    def _note_container_inside(self, el):
        return next((c for c in self.note_containers if _is_ancestor(el, c)), None)

    def _note_number(self, el) -> int | None:
        """The note a marker element refers to, or None if it is no note marker."""
        link = el if el.tag == "a" else _only_link(el)
        if link is None:
            return None
        href = link.get("href") or ""
        target = href[1:] if href.startswith("#") else ""
        if not target:
            return None
        marked = (
            link.get("role") == "doc-noteref"
            or "footnote-ref" in _classes(link) | _classes(el)
            or el.tag == "sup"
            or link.find("sup") is not None
        )
        text = link.text_content().strip()
        if target in self.note_ids and (marked or MARKER_TEXT.fullmatch(text)):
            return self.note_ids[target]
        digits = re.sub(r"\D", "", text)
        if marked and NOTE_ID.search(target) and digits:
            number = int(digits)
            self.warn(
                f"note marker {number} points to #{target}, which is not in the endnotes; "
                "kept the marker",
                el.sourceline,
            )
            return number
        return None

    def _endnotes_outside(self) -> list:
        """Endnote lists outside the article (after it, in a footer) are still the brief's notes."""
        nodes: list = []
        for container in self.note_containers:
            if id(container) not in self.emitted:
                nodes += self._endnotes(container)
        return nodes

    def _endnotes(self, container) -> list:
        """One endnote block per note, back-links dropped; headings inside the container kept."""
        if id(container) in self.emitted:
            return []
        self.emitted.add(id(container))
        children: list = []
        for heading in container.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
            if not _inside(heading, _note_items(container)):
                attrs = self._layout_attrs(heading)
                own = self._heading(heading, int(heading.tag[1]))
                self._anchor_block(attrs, own)
                children.append({"tag": heading.tag, "attrs": attrs, "children": own})
        notes = []
        for number, item in sorted(self.note_items.items()):
            if not _is_ancestor(container, item) or number in self.notes_read:
                continue
            self.notes_read.add(number)
            notes.append(self._note(item, number))
        for note_id, number in self.note_ids.items():
            self.id_map.setdefault(note_id, f"note-{number}")
        children.append({"tag": "ol", "attrs": {}, "children": notes})
        attrs = {"id": container.get("id")} if container.get("id") else {}
        return [{"tag": "section", "attrs": attrs, "endnotes": True, "children": children}]

    def _note(self, item, number: int) -> dict:
        """One endnote: its text the endnote block; a note of several blocks (paragraphs, a
        ``pre``, a list) keeps them after its first as blocks of their own, so its ``pre`` never
        ends up inside the note's text."""
        rest = self._note_blocks(item)
        content = self._inline(item, drop_backlinks=True)
        block_id = self.ids.unique(f"note-{number}")
        self._add("endnote", block_id, content, item.sourceline or 0, number=number)
        if not rest:
            return {"note": block_id}
        holder = lxml.html.Element("div")
        holder.extend(rest)
        return {"note": block_id, "children": self._walk(holder)}

    def _note_blocks(self, item) -> list:
        """The blocks of a note after its first paragraph (or its opening text), taken out of
        ``item``, its back-links dropped; none for a note of one paragraph."""
        for link in [a for a in item.iter("a") if _is_backlink(a)]:
            _remove_keep_tail(link)
        blocks = [c for c in item if isinstance(c.tag, str) and self._is_structural(c)]
        if not blocks or (len(blocks) == 1 and blocks[0].tag == "p"):
            return []
        children = list(item)
        start = children.index(blocks[0])
        before = (item.text or "") + "".join(
            c.text_content() + (c.tail or "") for c in children[:start]
        )
        if not before.strip() and blocks[0].tag == "p":
            start += 1  # the first paragraph is the note's own text
        rest = children[start:]
        for child in rest:
            _remove_keep_tail(child, keep_tail=False)
        return rest

    def _check_notes(self) -> None:
        """Warn about endnotes never referenced (kept) — silently unreferenced notes hide mistakes."""
        for number, item in sorted(self.note_items.items()):
            if number not in self.refs:
                self.warn(
                    f"endnote {number} is never referenced in the text; kept it in the endnotes",
                    item.sourceline,
                )

    # ------------------------------------------------------------ blocks

    def _walk(self, el, kind: str = "paragraph") -> list:
        """Layout nodes of a container in document order; loose text between blocks is a block."""
        nodes: list = []
        run: list = [el.text] if el.text else []
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif self._is_structural(child):
                nodes += self._run(run, el, kind)
                run = []
                nodes += self._node(child, kind)
            else:
                run.append(child)
            if child.tail:
                run.append(child.tail)
        nodes += self._run(run, el, kind)
        return nodes

    def _is_structural(self, el) -> bool:
        return _is_block(el) or el in self.note_containers or _is_verbatim_block(el)

    def _node(self, el, kind: str) -> list:
        """One structural element as layout nodes: its tag, the attributes that matter, its content."""
        tag = el.tag
        if el in self.note_containers:
            return self._endnotes(el)
        if _is_verbatim_block(el):
            return [_verbatim(el)]
        attrs = self._layout_attrs(el)
        context = kind if tag == "li" else CONTEXT_KINDS.get(tag, kind)
        if tag in HEADINGS:
            children = self._heading(el, int(tag[1]))
        elif tag in ("hr", "br"):
            children = []
        elif tag in ("ul", "ol"):
            children = self._list(el, kind)
        elif tag == "table":
            children = self._table(el, kind)
        elif tag == "figure":
            children = self._figure(el, kind)
        elif tag in LEAF_TAGS or not any(self._is_structural(c) for c in el):
            children = self._leaf(el, context)
        else:
            children = self._walk(el, context)
        self._anchor_block(attrs, children)
        return [{"tag": RENAMED.get(tag, tag), "attrs": attrs, "children": children}]

    def _anchor_block(self, attrs: dict[str, str], children: list) -> None:
        """An element holding one block is that block's place in the page (review links there):
        its source id, else the block's id."""
        own = [c["block"] for c in children if isinstance(c, dict) and "block" in c]
        if len(own) != 1:
            return
        block = next(b for b in reversed(self.blocks) if b.id == own[0])
        attrs.setdefault("id", block.id)
        block.attrs["anchor"] = attrs["id"]

    def _run(self, run: list, parent, kind: str) -> list:
        """Text and inline elements standing between blocks: one block, or what it holds besides words."""
        if not run:
            return []
        content = self._inline_nodes(run)
        anchors = self._anchors(run)
        if not _has_words(content):
            return anchors + self._bare(run)
        block_id = self._text_block(kind, parent, content, _line_of(run, parent))
        return anchors + [{"block": block_id}]

    def _leaf(self, el, kind: str) -> list:
        """An element read as one block of text; class hints (byline, date, dek, topic) pick its kind."""
        content = self._inline(el)
        anchors = self._anchors(list(el))
        if not _has_words(content):
            return anchors + self._bare(list(el))
        hint = _hinted_kind(el) if kind == "paragraph" else None
        if hint == "date":
            stamp = el.find(".//time")
            iso = parse_date((stamp.get("datetime") or "")[:10]) if stamp is not None else None
            self.meta.setdefault("date", iso or parse_date(plain_text(content)) or "")
        return anchors + [{"block": self._text_block(hint or kind, el, content, el.sourceline)}]

    def _text_block(self, kind: str, el, content: list[Inline], line: int | None) -> str:
        """Add a block of ``kind`` read from ``el`` (or a run inside it); its id and extras by kind."""
        extra: dict = {}
        if kind in ("list_item", "key_point"):
            item = el if el.tag == "li" else _ancestor(el, ("li",))
            number, level, list_tag = self.items.get(item, (None, 1, "ul"))
            if kind == "key_point":
                block_id, extra = self.ids.next("kp"), {"number": number}
            else:
                block_id = self.ids.next("li")
                extra = {"level": level, "number": number, "attrs": {"list": list_tag}}
        elif kind == "table_cell":
            cell = el if el.tag in ("td", "th") else _ancestor(el, ("td", "th"))
            block_id, attrs = self.cells.get(cell, (None, {}))
            block_id = self.ids.unique(block_id) if block_id else self.ids.next("cell")
            extra = {"attrs": dict(attrs)}
        elif kind == "caption":
            holder = el if el.tag in ("caption", "figcaption") else None
            holder = holder if holder is not None else _ancestor(el, ("caption", "figcaption"))
            block_id, extra = self.ids.next("cap"), {"attrs": dict(self.captions.get(holder, {}))}
        elif kind in SINGLETONS:
            block_id = kind
        else:
            block_id = self.ids.next(ID_PREFIXES.get(kind, "p"))
        self._add(kind, block_id, content, line or 0, **extra)
        return self.blocks[-1].id if self.blocks[-1].kind == kind else block_id

    def _heading(self, el, level: int) -> list:
        content = self._inline(el)
        anchors = self._anchors(list(el))
        text = plain_text(content).strip()
        if not text:
            return anchors + self._bare(list(el))
        if level == 1 and "title" not in self.ids.used and self._names_the_document(text):
            self._add("title", "title", content, el.sourceline or 0, level=1)
            return anchors + [{"block": "title"}]
        block_id = self.ids.heading(text)
        self._add("heading", block_id, content, el.sourceline or 0, level=level)
        return anchors + [{"block": block_id}]

    def _list(self, el, kind: str) -> list:
        """A list's items (numbering in number, nesting in level); the layout keeps start/reversed/type.

        A top-level list right after a "Key points" heading holds key points, as in captures.
        """
        self.list_depth += 1
        try:
            start = el.get("start") or ""
            number = int(start) if start.lstrip("-").isdigit() else 1
            items = [li for li in el.iterchildren("li")]
            step = -1 if el.get("reversed") is not None else 1
            if step < 0 and not start.lstrip("-").isdigit():
                number = len(items)
            for li in items:
                value = li.get("value") or ""
                if value.lstrip("-").isdigit():
                    number = int(value)
                self.items[li] = (number if el.tag == "ol" else None, self.list_depth, el.tag)
                number += step
            key = self.list_depth == 1 and self._after_key_points_heading()
            return self._walk(el, "key_point" if key else "list_item")
        finally:
            self.list_depth -= 1

    def _after_key_points_heading(self) -> bool:
        last = next((b for b in reversed(self.blocks) if b.kind != "attribute"), None)
        return (
            last is not None
            and last.kind == "heading"
            and bool(KEY_POINTS_HEADING.match(plain_text(last.content).strip()))
        )

    def _figure(self, el, kind: str) -> list:
        """A figure as it stands; its caption block keeps the first image's src/alt/title in attrs."""
        caption = el.find(".//figcaption")
        images = [
            img for img in el.iter("img") if caption is None or not _is_ancestor(caption, img)
        ]
        if caption is not None and images:
            self.captions[caption] = {
                k: images[0].get(k) for k in ("src", "alt", "title") if images[0].get(k)
            }
        return self._walk(el, kind)

    def _table(self, el, kind: str) -> list:
        """Every cell its own block, row/col (and header) in attrs; the layout keeps the table itself."""
        self.table_count += 1
        t = self.table_count
        caption = el.find("caption")
        if caption is not None:
            self.captions[caption] = {"table": str(t)}
        rows = el.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        for r, row in enumerate(rows, start=1):
            for c, cell in enumerate(row.xpath("./td | ./th"), start=1):
                attrs = {"table": str(t), "row": str(r), "col": str(c)}
                if cell.tag == "th":
                    attrs["header"] = "true"
                for span in ("colspan", "rowspan"):
                    if cell.get(span):
                        attrs[span] = cell.get(span)
                self.cells[cell] = (f"table-{t}-r{r}-c{c}", attrs)
        return self._walk(el, kind)

    def _layout_attrs(self, el) -> dict[str, str]:
        """The attributes of a structural element the page keeps; alt and title become units."""
        attrs = {
            k: v
            for k, v in el.attrib.items()
            if (k in LAYOUT_ATTRS or k in TRANSLATED_ATTRS) and v is not None
        }
        if el.tag not in ("img", "a", "area") and "src" in attrs and el.tag not in ("img",):
            del attrs["src"]
        self._attribute_blocks(attrs, el.sourceline)
        return safe_attrs(attrs)

    def _bare(self, nodes: list) -> list:
        """What a run without words still holds: images, anchors, links around images."""
        out: list = []
        for node in nodes:
            if isinstance(node, str) or not isinstance(node.tag, str):
                continue
            if node.tag in ("img", "br"):
                attrs = {k: v for k, v in self._layout_attrs(node).items() if k != "id"}
                out.append({"tag": node.tag, "attrs": attrs, "children": []})
            elif is_verbatim(node.tag, dict(node.attrib)) and node.tag in ("svg", "math"):
                out.append(_verbatim(node))
            elif (
                node.tag in INLINE_TAGS
                and node.tag not in ("br",)
                and node.find(".//img") is not None
            ):
                out.append(
                    {
                        "tag": node.tag,
                        "attrs": self._layout_attrs(node),
                        "children": self._bare(list(node)),
                    }
                )
            else:
                out.extend(self._bare(list(node)))
        return out

    def _anchors(self, nodes: list) -> list:
        """Empty anchors for the ids and names inside inline content (spans keep no ids).

        In-page links to them still land: on the block they stand in.
        """
        out = []
        for node in nodes:
            if isinstance(node, str) or not isinstance(node.tag, str):
                continue
            for el in node.iter():
                if not isinstance(el.tag, str) or el in self.markers:
                    continue
                if el in self.verbatim_inline or any(
                    a in self.verbatim_inline for a in el.iterancestors()
                ):
                    continue
                for name in dict.fromkeys(
                    [el.get("id"), el.get("name") if el.tag == "a" else None]
                ):
                    if name and name not in self.anchored:
                        self.anchored.add(name)
                        out.append({"tag": "a", "attrs": {"id": name}, "children": []})
        return out

    # ------------------------------------------------------------ inline

    def _inline(self, el, skip: tuple[str, ...] = (), drop_backlinks: bool = False) -> list[Inline]:
        """Inline content of an element: text, Span for kept markup, NoteRef for markers."""
        nodes = ([el.text] if el.text else []) + [c for c in el if isinstance(c.tag, str)]
        nodes_with_tails = []
        for node in nodes:
            nodes_with_tails.append(node)
            if not isinstance(node, str) and node.tail:
                nodes_with_tails.append(node.tail)
        return self._inline_nodes(nodes_with_tails, skip, drop_backlinks, top=True)

    def _inline_nodes(
        self,
        nodes: list,
        skip: tuple[str, ...] = (),
        drop_backlinks: bool = False,
        top: bool = True,
    ) -> list[Inline]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            else:
                out.extend(self._inline_element(node, skip, drop_backlinks))
        return _normalise(out) if top else out

    def _inline_element(self, el, skip, drop_backlinks) -> list[Inline]:
        """One element inside running text (its tail is handled by the caller)."""
        tag = el.tag
        if not isinstance(tag, str) or tag in skip or tag in NEVER_TEXT:
            return []
        if drop_backlinks and _is_backlink(el):
            return []
        number = self._note_number(el) if tag in ("a", "sup", "span") else None
        if number is not None:
            for part in el.iter():
                self.markers.add(part)
                if part.get("id"):
                    self.id_map.setdefault(part.get("id"), f"ref-{number}")
            self.refs.setdefault(number, el.sourceline or 0)
            if number not in self.note_items:
                self.warn(
                    f"note marker {number} has no endnote {number}; kept the marker", el.sourceline
                )
            return [NoteRef(number)]
        if is_verbatim(tag, dict(el.attrib)):
            self.verbatim_inline.add(el)
            return [_verbatim_span(el)]
        children = self._children(el, skip, drop_backlinks)
        if tag == "br":
            return [Span("br")]
        if tag == "img":
            return [Span("img", _kept_attrs(el))] if el.get("src") else []
        if tag == "a" and not el.get("href"):
            return children  # a bare anchor: its id goes to the block (see _anchors)
        if tag in INLINE_TAGS:
            return [Span(tag, _kept_attrs(el), children)]
        if el.get("title"):
            return [
                Span(tag if tag not in BLOCK_TAGS else "span", {"title": el.get("title")}, children)
            ]
        if _is_block(el):
            return [" ", *children, " "]  # a p inside an li or td: keep words apart
        return children

    def _children(self, el, skip, drop_backlinks) -> list[Inline]:
        out: list[Inline] = [el.text] if el.text else []
        for child in el:
            if isinstance(child.tag, str):
                out.extend(self._inline_element(child, skip, drop_backlinks))
            if child.tail:
                out.append(child.tail)
        return out

    def _add(self, kind: str, block_id: str, content: list[Inline], line: int, **extra) -> None:
        """Add a block; text shown as is when it holds nothing to translate (code, figures only
        stay translatable: figures are localized); alt/title texts inside become blocks after it."""
        if block_id in SINGLETONS:
            block_id = self.ids.unique(block_id)
        if not _has_prose(content):
            extra["translate"] = False
        self.blocks.append(Block(kind=kind, id=block_id, content=content, line=line or 0, **extra))
        self._span_attribute_blocks(content, line)
        self._warn_unclosed_math(self.blocks[-1])

    def _warn_unclosed_math(self, block: Block) -> None:
        """A formula opened and never closed: the rest of its text is kept as written, said once."""
        for item in block.content:
            opener = unclosed_tex_math(item) if isinstance(item, str) else None
            if opener:
                self.warn(
                    f"block {block.id}: math {opener} is never closed; the text after it is kept "
                    "as written, untranslated (close the formula in the source)",
                    block.line,
                )
                return

    def _span_attribute_blocks(self, content: list[Inline], line: int) -> None:
        for item in content:
            if isinstance(item, Span) and not is_verbatim(item.tag, item.attrs):
                self._attribute_blocks(item.attrs, line)
                self._span_attribute_blocks(item.children, line)

    def _attribute_blocks(self, attrs: dict[str, str], line: int | None) -> None:
        """Each distinct alt or title text a reader sees is a unit (the page puts its translation back)."""
        for name in TRANSLATED_ATTRS:
            text = " ".join((attrs.get(name) or "").split())
            if text and text not in self.attr_texts:
                self.attr_texts.add(text)
                self.blocks.append(
                    Block(
                        "attribute",
                        self.ids.next("attr"),
                        [text],
                        line=line or 0,
                        attrs={"name": name},
                    )
                )


# ---------------------------------------------------------------- tree helpers


#: Kinds of blocks a reader leaves out, each with the tags, roles and class or id words that
#: say it (WAI-ARIA landmark roles; the class names of common themes, see CHROME_TOKEN).
LEFT_OUT_KINDS = (
    ("breadcrumbs", (), (), re.compile(r"breadcrumb", re.I)),
    ("navigation", ("nav",), ("navigation", "menu", "menubar", "search"),
     re.compile(r"^(nav|navigation|menu|pagination|nav-links|post-navigation|skip-link|toc)"
                r"([-_].*)?$|sidebar-nav|site-nav", re.I)),
    ("site header", ("header",), ("banner",), re.compile(r"^(masthead|site-header|header)$", re.I)),
    ("footer", ("footer",), ("contentinfo",), re.compile(r"footer", re.I)),
    ("sharing", (), (), re.compile(r"^(share|sharing|sharedaddy|social)", re.I)),
    ("related posts", (), (), re.compile(r"related", re.I)),
    ("comments", (), (), re.compile(r"^comment", re.I)),
    ("sidebar", ("aside",), ("complementary",), re.compile(r"sidebar|widget", re.I)),
    ("newsletter", (), (), re.compile(r"newsletter|subscribe", re.I)),
)  # fmt: skip


def left_out_kind(el, why: str) -> str:
    """What a left-out block is, for the warning that counts them: its tag, landmark role or
    class says it; else why it was dropped (hidden, a form) or "other"."""
    tokens = _classes(el) | {el.get("id") or "", el.get("aria-label") or ""}
    for kind, tags, roles, words in LEFT_OUT_KINDS:
        if el.tag in tags or el.get("role") in roles or any(words.search(t) for t in tokens if t):
            return kind
    if why == "hidden from readers":
        return "hidden"
    return "form or embed" if why == "a form, embed or menu" else "other"


def _table_of_contents(el, words: str) -> bool:
    """Only links within the page (a table of contents): its words are the headings, kept."""
    links = el.xpath(".//a[@href]")
    linked = " ".join(" ".join(a.itertext()) for a in links)
    return (
        bool(links)
        and all(a.get("href", "").startswith("#") for a in links)
        and not re.sub(r"[\W_]", "", words).replace(re.sub(r"[\W_]", "", linked), "", 1)
    )


def _visible_texts(el) -> list[str]:
    """The texts under ``el`` a reader sees (no script or style), apart: a menu's links stay
    separate words."""
    if not isinstance(el.tag, str) or el.tag in SILENT_TAGS:
        return []
    texts = [el.text or ""]
    for child in el:
        texts += _visible_texts(child) + [child.tail or ""]
    return texts


def _has_words(content: list[Inline]) -> bool:
    """Worth a block: some text, or at least a note marker."""
    return bool(plain_text(content).strip()) or any(isinstance(i, NoteRef) for i in content)


def _hidden(el) -> bool:
    """Hidden from every reader: the hidden attribute or display:none.

    Not aria-hidden: Pandoc marks visible figcaptions aria-hidden="true" (the
    alt already says it to screen readers), and sighted readers still see them.
    """
    return el.get("hidden") is not None or "display:none" in (el.get("style") or "").replace(
        " ", ""
    )


def _remove_keep_tail(node, keep_tail: bool = True) -> None:
    """Remove a node but keep the text that follows it (lxml stores it on the node)."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail if keep_tail else None
    prev = node.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def _is_chrome(el, article) -> bool:
    """Site furniture inside the article area: nav, share/related boxes, site header/footer."""
    if el.tag in ("aside", "nav"):
        return True
    if el.get("role") in CHROME_ROLES:
        return True
    if el.tag == "footer" and el.getparent() is not None and el.getparent().tag != "blockquote":
        return True
    if el.tag == "header" and (
        el.find(".//nav") is not None or el.find(".//h1") is None and article.tag == "body"
    ):
        return True
    tokens = _classes(el) | ({el.get("id")} if el.get("id") else set())
    return any(CHROME_TOKEN.match(t) for t in tokens)


def _is_notes_container(el) -> bool:
    """doc-endnotes role, a footnotes class, or an ol whose items are all id'd like notes."""
    if el.get("role") in ("doc-endnotes", "doc-footnotes"):
        return True
    if el.tag in ("section", "div", "aside", "footer", "ol") and any(
        NOTES_CONTAINER_CLASS.match(c) for c in _classes(el) | {el.get("id") or ""}
    ):
        return el.find(".//li") is not None or el.xpath(".//*[@role='doc-endnote']") != []
    if el.tag == "ol":
        items = list(el.iterchildren("li"))
        return bool(items) and all(NOTE_ID.fullmatch(i.get("id") or "") for i in items)
    return False


def _note_items(container) -> list:
    """The items of an endnote list: li children of its (first) list, or doc-endnote elements."""
    explicit = container.xpath(".//*[@role='doc-endnote']")
    if explicit:
        return explicit
    lists = [container] if container.tag == "ol" else container.xpath(".//ol | .//ul")
    return list(lists[0].iterchildren("li")) if lists else []


def _is_backlink(el) -> bool:
    """A "↩" link from a note back to its marker: navigation, not note text."""
    if el.tag != "a":
        return False
    href = el.get("href") or ""
    text = el.text_content().strip()
    return (
        el.get("role") == "doc-backlink"
        or bool(
            _classes(el)
            & {"footnote-back", "footnote-backref", "fn-back", "backlink", "reversefootnote"}
        )
        or text in BACKLINK_TEXT
        or (
            href.startswith("#")
            and re.search(r"(fnref|ref|backref)", href) is not None
            and len(text) <= 3
        )
    )


def _only_link(el):
    """The single <a> of a sup/span marker whose whole text is that link."""
    links = el.findall(".//a")
    if len(links) != 1:
        return None
    return links[0] if links[0].text_content().strip() == el.text_content().strip() else None


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _kept_attrs(el) -> dict[str, str]:
    return {k: v for k, v in el.attrib.items() if k in KEPT_ATTRS and v is not None}


def _is_block(el) -> bool:
    return isinstance(el.tag, str) and el.tag in BLOCK_TAGS


def _is_ancestor(a, b) -> bool:
    """True if a is a proper ancestor of b."""
    node = b.getparent()
    while node is not None:
        if node is a:
            return True
        node = node.getparent()
    return False


def _inside(el, items: list) -> bool:
    return any(_is_ancestor(i, el) for i in items)


def _hinted_kind(el) -> str | None:
    """byline/date/dek/topic from class names, or a lone <time>: where the CMS says what a line is."""
    tokens = _classes(el)
    for kind, pattern in HINT_CLASSES:
        if any(pattern.match(t) for t in tokens):
            return kind
    children = [c for c in el if isinstance(c.tag, str)]
    if (
        len(children) == 1
        and children[0].tag == "time"
        and not (el.text or "").strip()
        and not (children[0].tail or "").strip()
    ):
        return "date"
    return None


def _line_of(run: list, parent) -> int:
    for node in run:
        if not isinstance(node, str) and node.sourceline:
            return node.sourceline
    return parent.sourceline or 0


def _normalise(content: list[Inline]) -> list[Inline]:
    """Collapse HTML whitespace (no-break spaces kept), trim the block's ends, merge text pieces."""
    state = {"space": True}
    out = _collapse(content, state)
    _trim_end(out)
    return out


def _collapse(content: list[Inline], state: dict) -> list[Inline]:
    out: list[Inline] = []
    for item in content:
        if isinstance(item, str):
            text = _SPACE.sub(" ", item)
            if state["space"] and text.startswith(" "):
                text = text[1:]
            if not text:
                continue
            state["space"] = text.endswith(" ")
            if out and isinstance(out[-1], str):
                out[-1] += text
            else:
                out.append(text)
        elif isinstance(item, Span) and is_verbatim(item.tag, item.attrs):
            state["space"] = False
            out.append(item)
        elif isinstance(item, Span):
            if item.tag == "br":
                if out and isinstance(out[-1], str):
                    out[-1] = out[-1].rstrip(" ")
                state["space"] = True
            children = _collapse(item.children, state)
            if children or item.tag in VOID_TAGS:  # empty <a id="…"></a> anchors go
                out.append(Span(item.tag, item.attrs, children))
            if item.tag == "img":  # it stands for words (its alt): the space after it stays
                state["space"] = False
        else:
            state["space"] = False
            out.append(item)
    return out


def _trim_end(content: list[Inline]) -> None:
    """Strip trailing spaces at the very end of a block, inside spans too."""
    while content:
        last = content[-1]
        if isinstance(last, str):
            content[-1] = last.rstrip(" ")
            if content[-1]:
                return
            content.pop()
        elif (
            isinstance(last, Span)
            and last.tag not in VOID_TAGS
            and last.children
            and not is_verbatim(last.tag, last.attrs)
        ):
            _trim_end(last.children)
            return
        else:
            return


# ---------------------------------------------------------------- verbatim, anchors, titles


#: Elements nested deeper than this are refused: the reader, the page and WeasyPrint walk the
#: tree recursively (real articles nest 10–40 deep; WeasyPrint's layout ran out of Python's
#: stack at 196 nested divs, measured on the PDF step; the page shell adds about 6 levels).
MAX_DEPTH = 100
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def _check_depth(root, source: str) -> None:
    """One line naming the file and the depth, never a page silently cut short or a crash."""
    deepest = max(
        (sum(1 for _ in el.iterancestors()) for el in root.iter() if not len(el)), default=0
    )
    if deepest > MAX_DEPTH:
        raise LocbriefError(
            f"the page nests its elements {deepest} deep; locbrief reads at most {MAX_DEPTH} "
            "levels: save the article itself, or flatten the nesting",
            source,
        )


def _is_verbatim_block(el) -> bool:
    """pre, math, svg, or a block marked translate="no"/notranslate standing between blocks."""
    if not isinstance(el.tag, str):
        return False
    return el.tag in VERBATIM_BLOCK_TAGS or (
        el.tag in BLOCK_TAGS and is_verbatim(el.tag, dict(el.attrib))
    )


def _verbatim(el) -> dict:
    """A layout node shown exactly as in the source: every character of its text, its elements."""
    return _verbatim_tree(
        el,
        lambda tag, attrs, children: {
            "tag": tag,
            "attrs": attrs,
            "verbatim": True,
            "children": children,
        },
    )


def _verbatim_tree(el, make, drawing: str = ""):
    """``make(tag, attrs, children)`` for ``el`` and each element inside it, every text kept;
    inside SVG and MathML only the drawing's allow-list (markup.drawing_element)."""
    drawing = drawing_root(el.tag, drawing)
    children: list = [el.text] if el.text else []
    for child in el:
        if (
            isinstance(child.tag, str)
            and child.tag.lower() not in UNSAFE_TAGS
            and drawing_element(child.tag, drawing)
        ):
            children.append(_verbatim_tree(child, make, drawing))
        if child.tail:
            children.append(child.tail)
    attrs = verbatim_attrs({k: v for k, v in el.attrib.items() if k != "style"}, drawing)
    return make(RENAMED.get(el.tag, el.tag), attrs, children)


def _verbatim_text(nodes: list, inside: bool = False) -> bool:
    """Some text in the layout's verbatim nodes (a page of code alone is still a page)."""
    for node in nodes:
        if isinstance(node, str):
            if inside and node.strip():
                return True
        elif _verbatim_text(node.get("children", []), inside or bool(node.get("verbatim"))):
            return True
    return False


def _verbatim_span(el) -> Span:
    """Inline text never translated (code, kbd, translate="no"…), as a span tree, whitespace kept."""
    return _verbatim_tree(el, Span)


def _has_prose(content: list[Inline]) -> bool:
    """Some letters or digits outside verbatim spans (else the block is shown as is)."""
    for item in content:
        if isinstance(item, str) and any(
            re.search(r"\w", piece) for math, piece in tex_math_pieces(item) if not math
        ):
            return True
        if (
            isinstance(item, Span)
            and not is_verbatim(item.tag, item.attrs)
            and _has_prose(item.children)
        ):
            return True
    return False


def _decorative(el) -> bool:
    """An icon drawing hidden from assistive technology (share buttons, arrows): not content."""
    return el.tag == "svg" and (el.get("aria-hidden") or "").lower() == "true"


def _is_permalink(link) -> bool:
    """A heading's own permalink sign ("¶"), not a link a reader follows."""
    text = link.text_content().strip()
    href = link.get("href") or ""
    return href.startswith("#") and (
        "headerlink" in _classes(link)
        or (
            text in PERMALINK_TEXT
            and link.getparent() is not None
            and link.getparent().tag in HEADINGS + ("dt", "caption", "figcaption")
        )
    )


def _ancestor(el, tags: tuple[str, ...]):
    node = el.getparent()
    while node is not None and node.tag not in tags:
        node = node.getparent()
    return node


def _ids(root) -> set[str]:
    """Every id (and a name anchor) a link in the page may point at."""
    ids = set(root.xpath("//@id"))
    ids.update(root.xpath("//a/@name"))
    return {i for i in ids if i}


def _layout_ids(nodes: list) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, dict):
            if node.get("attrs", {}).get("id"):
                found.add(node["attrs"]["id"])
            if node.get("tag") == "a" and node.get("attrs", {}).get("name"):
                found.add(node["attrs"]["name"])
            found |= _layout_ids(node.get("children", []))
    return found


def _span_ids(blocks: list[Block]) -> set[str]:
    """Ids kept inside verbatim spans (they keep every attribute)."""
    found: set[str] = set()

    def walk(items):
        for item in items:
            if isinstance(item, Span):
                if item.attrs.get("id"):
                    found.add(item.attrs["id"])
                walk(item.children)

    for block in blocks:
        walk(block.content)
    return found


def _rewrite_hrefs(items: list[Inline], fix) -> None:
    for item in items:
        if isinstance(item, Span):
            if item.attrs.get("href"):
                item.attrs["href"] = fix(item.attrs["href"])
            _rewrite_hrefs(item.children, fix)


def _rewrite_layout_hrefs(nodes: list, fix) -> None:
    for node in nodes:
        if isinstance(node, dict):
            if node.get("attrs", {}).get("href") and not node.get("verbatim"):
                node["attrs"]["href"] = fix(node["attrs"]["href"])
            _rewrite_layout_hrefs(node.get("children", []), fix)


def _self_paths(hrefs: list[str], source_ids: set[str], source: str) -> set[str]:
    """Relative file names that name this very document: its own file name, or one linked at
    least twice, always with a fragment, every fragment an id of this document."""
    own = source.replace("\\", "/").rsplit("/", 1)[-1]
    by_path: dict[str, list[str]] = {}
    for href in hrefs:
        path, hash_, target = href.partition("#")
        if path and not re.match(r"[a-z][\w+.-]*:|/", path, re.I) and "/" not in path:
            by_path.setdefault(path, []).append(target if hash_ else "")
    return {
        path
        for path, targets in by_path.items()
        if path == own or (len(targets) >= 2 and all(t and t in source_ids for t in targets))
    }


def strip_site_name(title: str, site_name: str = "") -> str:
    """A page title without the site's name after it ("Sanctions | Policy Center" → "Sanctions").

    The part after the last separator goes when it is the site's name (og:site_name) or when the
    separator is one that sites use for it (|, —, –, ::, ·); a plain " - " only with a known name.

    >>> strip_site_name("Sanctions | Policy Center"), strip_site_name("Guns - Site", "Site")
    ('Sanctions', 'Guns')
    >>> strip_site_name("Step-by-step - a guide"), strip_site_name("Abstract¶")
    ('Step-by-step - a guide', 'Abstract')

    Sphinx's default ``html_title`` ends with the release and "documentation":

    >>> strip_site_name("Debian Python Policy 0.12.0.0 documentation")
    'Debian Python Policy'
    >>> strip_site_name("radiomics.shape module — pyradiomics v3.1.0 documentation")
    'radiomics.shape module'
    """
    title = SPHINX_TITLE_SUFFIX.sub("", " ".join(title.replace("¶", "").split())) or title
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        if site_name and tail.strip().lower() == site_name.strip().lower():
            return head.strip()
        if sep != " - " and head.strip():
            return head.strip()
    return title


# ---------------------------------------------------------------- relative URLs (issue 25)


def _base_url(root) -> str:
    """Where the source page lived, when it says so (``<base href>``, its canonical link, og:url)."""
    for value in root.xpath(
        "//base/@href | //link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
    ):
        if urlsplit(value.strip()).scheme in ("http", "https"):
            return value.strip()
    return ""


def _resolve_relative_urls(base: str, blocks: list[Block], layout: list) -> None:
    """Links and image sources relative to the source's own site, made absolute there: on our
    page they would point into out/ (a file a browser or the PDF step would try to read)."""
    if not base:
        return

    def fix(url: str) -> str:
        if not url or url.startswith("#") or urlsplit(url).scheme:
            return url
        return urljoin(base, url)

    for block in blocks:
        _rewrite_urls(block.content, fix)
    _rewrite_urls(layout, fix)


def _rewrite_urls(nodes: list, fix) -> None:
    """``href`` and ``src`` of spans and layout nodes (never inside verbatim ones) through ``fix``."""
    for node in nodes:
        if isinstance(node, Span):
            attrs, children = node.attrs, node.children
        elif isinstance(node, dict) and not node.get("verbatim"):
            attrs, children = node.get("attrs", {}), node.get("children", [])
        else:
            continue
        for name in ("href", "src"):
            if attrs.get(name):
                attrs[name] = fix(attrs[name])
        _rewrite_urls(children, fix)
