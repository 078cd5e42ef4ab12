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
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from locbrief.markup import INLINE_TAGS, KEPT_ATTRS, VOID_TAGS
from locbrief.model import Block, Document, Inline, LocbriefError, NoteRef, Span, plain_text
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
    "svg",
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
_SPACE = re.compile(r"[ \t\n\r\f]+")


def parse_html(text: str, source: str, name: str, warn: Warner | None = None) -> Document:
    """Turn an HTML page's text into a Document (see the module docstring)."""
    return HtmlReader(source, warn or Warner(source)).read(text, name)


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

    def read(self, text: str, name: str) -> Document:
        root = self._parse(text)
        lang = (
            root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "en"
        ).strip()
        self._read_head(root)
        self._find_endnotes(root)
        article = self._article(root)
        self._drop_chrome(article)
        self._drop_never_text(root)
        self._title_outside(root, article)
        self._walk(article)
        self._endnotes_outside()
        self._check_notes()
        if not any(
            plain_text(b.content).strip() for b in self.blocks if b.kind != "meta_description"
        ):
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
        )

    # ------------------------------------------------------------ tree

    def _parse(self, text: str):
        """The parsed page; an XML declaration is dropped (lxml refuses it in a str)."""
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        try:
            root = lxml.html.document_fromstring(text)
        except (lxml.etree.ParserError, ValueError):
            raise LocbriefError(
                "no article text found; the file holds no HTML elements", self.source
            ) from None
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
        """Remove navigation, share boxes, related posts, site header/footer — but never notes."""
        for el in list(article.iter()):
            if el is article or not isinstance(el.tag, str) or el.getparent() is None:
                continue
            if _is_chrome(el, article) and not self._is_note_area(el):
                holder = self._note_container_inside(el)
                if holder is not None:
                    el.getparent().replace(el, holder)
                else:
                    _remove_keep_tail(el, keep_tail=True)

    def _drop_never_text(self, root) -> None:
        """Scripts, styles, forms, embeds, nav and hidden elements: never text, wherever they are
        (a hidden endnote list is still kept: notes are never dropped silently)."""
        for el in list(root.iter()):
            if not isinstance(el.tag, str) or el.getparent() is None or self._holds_notes(el):
                continue
            if el.tag in NEVER_TEXT or _hidden(el):
                _remove_keep_tail(el)

    def _title_outside(self, root, article) -> None:
        """A page title h1 placed before the <article> (some themes do) is still the title."""
        if article.xpath(".//h1"):
            return
        for h1 in root.xpath("//body//h1"):
            if not any(_is_chrome(a, article) for a in h1.iterancestors()):
                self._heading(h1, 1)
                return

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

    def _endnotes_outside(self) -> None:
        """Endnote lists outside the article (after it, in a footer) are still the brief's notes."""
        for container in self.note_containers:
            if id(container) not in self.emitted:
                self._endnotes(container)

    def _endnotes(self, container) -> None:
        """One endnote block per note, back-links dropped; headings inside the container kept."""
        if id(container) in self.emitted:
            return
        self.emitted.add(id(container))
        for heading in container.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
            if not _inside(heading, _note_items(container)):
                self._heading(heading, int(heading.tag[1]))
        for number, item in sorted(self.note_items.items()):
            if not _is_ancestor(container, item) or f"note-{number}" in self.ids.used:
                continue
            content = self._inline(item, drop_backlinks=True)
            self._add(
                "endnote",
                self.ids.unique(f"note-{number}"),
                content,
                item.sourceline or 0,
                number=number,
            )

    def _check_notes(self) -> None:
        """Warn about endnotes never referenced (kept) — silently unreferenced notes hide mistakes."""
        for number, item in sorted(self.note_items.items()):
            if number not in self.refs:
                self.warn(
                    f"endnote {number} is never referenced in the text; kept it in the endnotes",
                    item.sourceline,
                )

    # ------------------------------------------------------------ blocks

    def _walk(self, el) -> None:
        """Blocks of a container in document order; loose text between blocks becomes paragraphs."""
        if el in self.note_containers:
            self._endnotes(el)
            return
        run: list = [el.text] if el.text else []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if _is_block(child) or child in self.note_containers:
                self._loose(run, el)
                run = []
                self._block(child)
            else:
                run.append(child)
            if child.tail:
                run.append(child.tail)
        self._loose(run, el)

    def _block(self, el) -> None:
        """Dispatch one block element to the reader for its kind."""
        tag = el.tag
        if el in self.note_containers:
            self._endnotes(el)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading(el, int(tag[1]))
        elif tag in ("ul", "ol"):
            self._list(el, 1)
        elif tag == "blockquote":
            self._quote(el)
        elif tag == "figure":
            self._figure(el)
        elif tag == "table":
            self._table(el)
        elif tag in ("hr",):
            return
        elif _has_block_child(el):
            self._walk(el)
        else:
            self._leaf(el)

    def _loose(self, run: list, parent) -> None:
        """Text and inline elements standing between blocks: one paragraph."""
        content = self._inline_nodes(run)
        if _has_words(content):
            self._add("paragraph", self.ids.next("p"), content, _line_of(run, parent))

    def _leaf(self, el) -> None:
        """A paragraph-like element; class hints (byline, date, dek, topic) pick its kind."""
        content = self._inline(el)
        if not plain_text(content).strip():
            if _lone_image(el) is not None:
                self._image(_lone_image(el), [], el.sourceline)
            return
        kind = _hinted_kind(el)
        if kind == "date":
            stamp = el.find(".//time")
            iso = parse_date((stamp.get("datetime") or "")[:10]) if stamp is not None else None
            self.meta.setdefault("date", iso or parse_date(plain_text(content)) or "")
        block_id = kind if kind in SINGLETONS else self.ids.next("p")
        self._add(kind or "paragraph", block_id, content, el.sourceline or 0)

    def _heading(self, el, level: int) -> None:
        content = self._inline(el)
        text = plain_text(content).strip()
        if not text:
            return
        if level == 1 and "title" not in self.ids.used:
            self._add("title", "title", content, el.sourceline or 0, level=1)
        else:
            self._add("heading", self.ids.heading(text), content, el.sourceline or 0, level=level)

    def _list(self, el, level: int) -> None:
        """Each li a list_item (nesting in level, ol numbering in number); nested lists follow.

        A top-level list right after a "Key points" heading holds key points, as in captures.
        """
        number = int(el.get("start", "1")) if (el.get("start") or "1").lstrip("-").isdigit() else 1
        key_points = level == 1 and self._after_key_points_heading()
        for li in el.iterchildren("li"):
            content = self._inline(li, skip=("ul", "ol"))
            if _has_words(content) and key_points:
                self._add(
                    "key_point", self.ids.next("kp"), content, li.sourceline or 0, number=number
                )
            elif _has_words(content):
                self._add(
                    "list_item",
                    self.ids.next("li"),
                    content,
                    li.sourceline or 0,
                    level=level,
                    number=number if el.tag == "ol" else None,
                    attrs={"list": el.tag},
                )
            number += 1
            for sub in li.iter("ul", "ol"):
                if sub.getparent() is not None and _nearest_list_item(sub) is li:
                    self._list(sub, level + 1)

    def _after_key_points_heading(self) -> bool:
        last = self.blocks[-1] if self.blocks else None
        return (
            last is not None
            and last.kind == "heading"
            and bool(KEY_POINTS_HEADING.match(plain_text(last.content).strip()))
        )

    def _quote(self, el) -> None:
        """A blockquote: one quote block per paragraph; a loose <cite> or attribution is its own."""
        for group in _groups(el):
            content = self._inline_nodes(group) if isinstance(group, list) else self._inline(group)
            line = _line_of(group if isinstance(group, list) else [group], el)
            if plain_text(content).strip():
                self._add("quote", self.ids.next("q"), content, line)

    def _figure(self, el) -> None:
        """Images (alt and src in attrs) with the figcaption as caption; tables and quotes inside read as such."""
        caption = el.find(".//figcaption")
        images = [
            img for img in el.iter("img") if caption is None or not _is_ancestor(caption, img)
        ]
        for child in el:
            if (
                not isinstance(child.tag, str)
                or child is caption
                or child.tag in ("img", "picture")
            ):
                continue
            if child.find(".//img") is not None and not child.text_content().strip():
                continue  # an image wrapper (<a>, <div>) with no words of its own
            if _is_block(child):
                self._block(child)
        content = self._inline(caption) if caption is not None else []
        line = (caption if caption is not None else el).sourceline
        for extra in images[1:]:  # a gallery: every described image keeps its alt
            self._image(extra, [], extra.sourceline)
        self._image(images[0] if images else None, content, line)

    def _image(self, img, content: list[Inline], line: int | None) -> None:
        """A caption block for an image: the caption text, with src/alt kept in attrs."""
        attrs = {}
        if img is not None:
            attrs = {k: img.get(k) for k in ("src", "alt", "title") if img.get(k)}
        if plain_text(content).strip() or attrs.get("alt") or attrs.get("title"):
            self._add("caption", self.ids.next("cap"), content, line or 0, attrs=attrs)

    def _table(self, el) -> None:
        """Every cell a table_cell with row/col (and header) in attrs, so the table can be rebuilt."""
        self.table_count += 1
        t = self.table_count
        caption = el.find("caption")
        if caption is not None:
            self._add(
                "caption",
                self.ids.next("cap"),
                self._inline(caption),
                caption.sourceline or 0,
                attrs={"table": str(t)},
            )
        for r, row in enumerate(el.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"), start=1):
            for c, cell in enumerate(row.xpath("./td | ./th"), start=1):
                attrs = {"table": str(t), "row": str(r), "col": str(c)}
                if cell.tag == "th":
                    attrs["header"] = "true"
                for span in ("colspan", "rowspan"):
                    if cell.get(span):
                        attrs[span] = cell.get(span)
                content = self._inline(cell)
                self._add(
                    "table_cell",
                    self.ids.unique(f"table-{t}-r{r}-c{c}"),
                    content,
                    cell.sourceline or 0,
                    translate=bool(plain_text(content).strip()),
                    attrs=attrs,
                )

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
            self.refs.setdefault(number, el.sourceline or 0)
            if number not in self.note_items:
                self.warn(
                    f"note marker {number} has no endnote {number}; kept the marker", el.sourceline
                )
            return [NoteRef(number)]
        children = self._children(el, skip, drop_backlinks)
        if tag == "br":
            return [Span("br")]
        if tag == "img":
            attrs = _kept_attrs(el)
            return [Span("img", attrs)] if attrs.get("alt") or attrs.get("title") else []
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
        if block_id in SINGLETONS:
            block_id = self.ids.unique(block_id)
        self.blocks.append(Block(kind=kind, id=block_id, content=content, line=line or 0, **extra))


# ---------------------------------------------------------------- tree helpers


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


def _groups(el) -> list:
    """Children of a container as reading groups: each block child alone, runs of text and
    inline elements together (as lists)."""
    groups: list = []
    run: list = [el.text] if el.text and el.text.strip() else []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if _is_block(child):
            if run:
                groups.append(run)
            groups.append(child)
            run = []
        else:
            run.append(child)
        if child.tail and child.tail.strip():
            run.append(child.tail)
    if run:
        groups.append(run)
    return groups


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


def _has_block_child(el) -> bool:
    return any(_is_block(c) for c in el)


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


def _nearest_list_item(el):
    node = el.getparent()
    while node is not None and node.tag != "li":
        node = node.getparent()
    return node


def _lone_image(el):
    imgs = el.findall(".//img")
    return imgs[0] if len(imgs) == 1 else None


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
        elif isinstance(last, Span) and last.tag not in VOID_TAGS and last.children:
            _trim_end(last.children)
            return
        else:
            return
