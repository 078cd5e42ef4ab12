"""A Word file of a page (``out/<lang>/<brief>.docx``) for partners who edit and print, made by pandoc.

The page's article is handed to pandoc as a small HTML document and comes back as pandoc's
document tree (JSON), where locbrief makes the changes HTML cannot say:

* each note reference becomes a real Word footnote holding the note's text (pandoc's ``Note``);
  the endnote list and its back-links go, since Word numbers and links its own notes;
* the title, subtitle (dek), byline and date become the document's metadata, so Word shows
  them in its Title/Subtitle/Author/Date styles and File → Properties;
* the review notice stays, first, in a paragraph style of its own ("Review Notice"), while the
  page has one (the language is not fully reviewed);
* the language is the document's (``w:lang`` es-MX in its default style), so Word checks the
  spelling as Spanish (Mexico); the page's machine-translation mark (``es-MX-x-mtfrom-en``),
  which Word does not know, is dropped. (pandoc 2.17's writer gives no run a language of its
  own, so a passage left in English is checked as the document's language too.)

Headings keep Word's heading styles, links stay links, tables and lists stay tables and lists.
Nothing is fetched: pandoc reads the page in its sandbox, and images are left out with a
warning each (their files are not part of the page; the docx writer, which cannot run in the
sandbox with Debian's pandoc, would fetch their addresses).
"""

from __future__ import annotations

import calendar
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from lxml import html as lxml_html

from locbrief.model import LocbriefError

#: The paragraph style of the review notice in the Word file.
NOTICE_STYLE = "Review Notice"
PANDOC_TIMEOUT_S = 300
#: Title-block paragraphs of a page (publish/page.py's classes) → pandoc's metadata fields.
TITLE_FIELDS = {"dek": "subtitle", "byline": "author", "date": "date"}
_NOTE_CLASS = "locbrief-noteref"
_NOTES_CLASS = "locbrief-notes"


def render_docx(page: Path, output: Path) -> list[str]:
    """``page`` (an HTML file of out/) → ``output`` (.docx), written atomically; warnings back."""
    page = Path(page)
    if not page.is_file():
        raise LocbriefError("no such page; run the page stage (make run) first", str(page))
    warnings: list[str] = []
    html, lang = word_html(page.read_bytes(), str(page), warnings)
    tree = json.loads(_pandoc(["-f", "html", "-t", "json"], html.encode("utf-8"), str(page)))
    authors = root_authors(html)
    tree = without_images(word_tree(tree, lang, authors))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".docx", dir=output.parent)
    os.close(fd)
    try:
        # not in the sandbox: Debian's pandoc reads its docx template from its data files, which
        # the sandbox forbids; the tree holds no Image, so the writer has nothing to fetch
        tree_json = json.dumps(tree).encode()
        _pandoc(
            ["-f", "json", "-t", "docx", "-o", tmp],
            tree_json,
            str(page),
            sandbox=False,
            env={**os.environ, "SOURCE_DATE_EPOCH": stable_epoch(page.read_bytes())},
        )
        os.chmod(tmp, 0o644)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return warnings


# ---------------------------------------------------------------- page → HTML for pandoc


def word_html(data: bytes, source: str, warnings: list[str]) -> tuple[str, str]:
    """The article of a page as plain HTML for pandoc, and the page's language (BCP 47).

    Note references become marked spans and the endnote list a list of ``div#note-N``, so the
    tree can join them; title-block paragraphs become classed divs (pandoc drops a ``p``'s class).
    """
    root = lxml_html.document_fromstring(data)
    lang = root.get("lang") or "en"
    article = root.find(".//main/article")
    if article is None:
        article = root.find(".//main")
    if article is None:
        raise LocbriefError("not a locbrief page (no <main>); rebuild it with make run", source)
    for link in article.xpath(".//a[@role='doc-noteref']"):
        number = (link.get("href") or "").rpartition("-")[2]
        span = lxml_html.Element("span", {"class": _NOTE_CLASS})
        span.text, span.tail = number, link.tail
        link.getparent().replace(link, span)
    for back in article.xpath(".//a[@role='doc-backlink']"):
        _remove(back)
    for ol in article.xpath(".//ol[li[@role='doc-endnote']]"):
        _notes_as_divs(ol)
    for section in article.xpath(".//*[@role='doc-endnotes']"):
        for heading in section.xpath("h1|h2|h3|h4|h5|h6"):
            _remove(heading)  # Word lays its own notes out (at the foot of each page)
    _title_block(article, root.findtext(".//head/title") or "")
    _languages(article, lang)
    _left_out(article, source, warnings)
    banner = root.find(".//p[@class='review-banner']")
    notice = lxml_html.Element("div", {"class": "review-banner"})
    if banner is not None and not _fully_reviewed(banner):
        paragraph = lxml_html.Element("p")
        paragraph.text = " ".join(banner.text_content().split())
        notice.append(paragraph)
    body = lxml_html.tostring(article, encoding="unicode")
    notice_html = lxml_html.tostring(notice, encoding="unicode") if len(notice) else ""
    head = '<meta charset="utf-8">'
    for author in root.xpath("//head/meta[@name='author']")[:1]:
        meta = lxml_html.Element("meta", name="author", content=author.get("content") or "")
        head += lxml_html.tostring(meta, encoding="unicode")
    page = f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body>'
    return f"{page}{notice_html}{body}</body></html>", lang


def root_authors(html: str) -> list[str]:
    """The authors' names the page gives in ``<meta name="author">`` (comma-separated)."""
    root = lxml_html.document_fromstring(html)
    content = " ".join(root.xpath("//head/meta[@name='author']/@content"))
    return [name.strip() for name in content.split(",") if name.strip()]


def _fully_reviewed(banner) -> bool:
    """The page's banner also thanks the reviewer of a finished page; the Word file says nothing then."""
    try:
        return float(banner.get("data-reviewed") or 0) >= 1
    except ValueError:
        return False


def _notes_as_divs(ol) -> None:
    """``<ol><li id=note-N>…`` → ``<div class=locbrief-notes><div id=note-N>…``."""
    holder = lxml_html.Element("div", {"class": _NOTES_CLASS})
    for item in ol.xpath("li[@role='doc-endnote']"):
        note = lxml_html.Element("div", id=item.get("id") or "")
        note.text = item.text
        for child in list(item):
            note.append(child)
        holder.append(note)
    holder.tail = ol.tail
    ol.getparent().replace(ol, holder)


def _title_block(article, page_title: str) -> None:
    """The first h1 (else the page's <title>) and the dek, byline and date paragraphs →
    ``div.title`` etc. (the metadata)."""
    for h1 in article.xpath(".//h1")[:1]:
        h1.tag = "div"
        h1.attrib.clear()
        h1.set("class", "title")
    if not article.xpath(".//div[@class='title']") and page_title.strip():
        title = lxml_html.Element("div", {"class": "title"})
        title.text = " ".join(page_title.split())
        article.insert(0, title)
    for kind in TITLE_FIELDS:
        for paragraph in article.xpath(f".//p[@class='{kind}']")[:1]:
            paragraph.tag = "div"
            paragraph.attrib.clear()
            paragraph.set("class", kind)


def _languages(article, lang: str) -> None:
    """Drop the machine-translation tags (Word knows no ``-x-`` tags); other languages stay."""
    for element in article.xpath(".//*[@lang]"):
        tag = element.get("lang")
        if tag == lang or "-x-" in tag:
            del element.attrib["lang"]
        if element.tag == "span" and not element.attrib:
            _unwrap(element)


def _left_out(article, source: str, warnings: list[str]) -> None:
    """Images and drawings have no file in the page's folder to embed: each one named."""
    for element in article.xpath(".//img | .//svg | .//*[local-name()='svg']"):
        label = element.get("alt") or element.get("src") or element.get("aria-label") or "a drawing"
        warnings.append(
            f"{source}: the Word file leaves out the image “{' '.join(label.split())[:80]}” "
            "(locbrief fetches no images); insert it in Word if partners need it"
        )
        _remove(element)


def _remove(element) -> None:
    """Remove an element, keeping the text that follows it."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _unwrap(element) -> None:
    """Replace an element by its content."""
    parent, index = element.getparent(), element.getparent().index(element)
    previous = element.getprevious()
    text = element.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else previous
    if last is not None:
        last.tail = (last.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


# ---------------------------------------------------------------- pandoc's tree


def word_tree(tree: dict, lang: str, authors: list[str]) -> dict:
    """Notes in place, the title block as metadata, the notice styled, the language set.

    ``authors``: the names for Word's Authors (one Author paragraph each), else the byline.
    """
    blocks = tree["blocks"]
    notes = _take_notes(blocks)
    meta = tree["meta"] = {}
    blocks = _take_title_block(blocks, meta)
    if authors:
        names = [{"t": "MetaInlines", "c": [{"t": "Str", "c": name}]} for name in authors]
        meta["author"] = {"t": "MetaList", "c": names}
    blocks = _map_blocks(blocks, notes)
    meta["lang"] = {"t": "MetaInlines", "c": [{"t": "Str", "c": lang}]}
    tree["blocks"] = blocks
    return tree


def _attr_classes(node: dict) -> list[str]:
    return node["c"][0][1]


def _take_notes(blocks: list) -> dict[str, list]:
    """Remove the notes' holder divs; each note's blocks by its number."""
    notes: dict[str, list] = {}

    def visit(items: list) -> list:
        kept = []
        for block in items:
            if block.get("t") == "Div" and _NOTES_CLASS in _attr_classes(block):
                for note in block["c"][1]:
                    if note.get("t") == "Div":
                        notes[note["c"][0][0].rpartition("-")[2]] = note["c"][1]
                continue
            if block.get("t") == "Div":
                block["c"][1] = visit(block["c"][1])
            kept.append(block)
        return kept

    blocks[:] = visit(blocks)
    return notes


def _take_title_block(blocks: list, meta: dict) -> list:
    """``div.title``/``.dek``/``.byline``/``.date`` → metadata fields; empty holders dropped."""
    fields = {"title": "title", **TITLE_FIELDS}

    def visit(items: list) -> list:
        kept = []
        for block in items:
            if block.get("t") == "Div":
                kinds = [c for c in _attr_classes(block) if c in fields]
                if kinds:
                    inlines = [
                        i for b in block["c"][1] if b["t"] in ("Plain", "Para") for i in b["c"]
                    ]
                    field = fields[kinds[0]]
                    value = {"t": "MetaInlines", "c": inlines}
                    meta[field] = {"t": "MetaList", "c": [value]} if field == "author" else value
                    continue
                block["c"][1] = visit(block["c"][1])
                if not block["c"][1] and not block["c"][0][0]:
                    continue
            kept.append(block)
        return kept

    return visit(blocks)


def _map_blocks(node, notes: dict[str, list]):
    """Walk the tree: note spans → ``Note``, the notice → its paragraph style."""
    if isinstance(node, list):
        return [_map_blocks(item, notes) for item in node]
    if not isinstance(node, dict) or "t" not in node:
        return node
    kind = node["t"]
    if kind == "Span" and _NOTE_CLASS in _attr_classes(node):
        number = "".join(i.get("c", "") for i in node["c"][1] if i.get("t") == "Str")
        body = notes.get(number) or [{"t": "Plain", "c": [{"t": "Str", "c": number}]}]
        return {"t": "Note", "c": _map_blocks(body, notes)}
    if kind == "Div" and "review-banner" in _attr_classes(node):
        node["c"][0][2].append(["custom-style", NOTICE_STYLE])
    if "c" in node:
        node["c"] = _map_blocks(node["c"], notes)
    return node


def without_images(node):
    """Every ``Image`` replaced by its description: pandoc's docx writer would fetch its URL."""
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Image":
                out.extend(without_images(item["c"][1]))
            else:
                out.append(without_images(item))
        return out
    if isinstance(node, dict) and "c" in node:
        node["c"] = without_images(node["c"])
    return node


# ---------------------------------------------------------------- pandoc


def stable_epoch(page: bytes) -> str:
    """The Word file's dates (its properties, its zip entries): the brief's publication date, so
    the same page always gives the same bytes (pandoc reads SOURCE_DATE_EPOCH).

    >>> stable_epoch(b'<p class="date"><time datetime="2025-09-22">22 sept</time></p>')
    '1758499200'
    >>> stable_epoch(b"<p>no date</p>")
    '0'
    """
    found = re.search(rb'<time[^>]*\bdatetime="(\d{4})-(\d{2})-(\d{2})', page)
    if not found:
        return "0"
    year, month, day = (int(g) for g in found.groups())
    return str(calendar.timegm((year, month, day, 0, 0, 0)))


def _pandoc(
    args: list[str], stdin: bytes, source: str, sandbox: bool = True, env: dict | None = None
) -> str:
    """pandoc, in its sandbox where it can be (no file but its own input and output, no network)."""
    try:
        done = subprocess.run(
            ["pandoc", *(["--sandbox"] if sandbox else []), *args],
            input=stdin,
            capture_output=True,
            timeout=PANDOC_TIMEOUT_S,
            env=env,
        )
    except FileNotFoundError:
        raise LocbriefError(
            "the Word file needs pandoc, which is not installed; `make run` installs it "
            "(Debian package pandoc)",
            source,
        ) from None
    except subprocess.TimeoutExpired:
        raise LocbriefError(
            f"pandoc did not write the Word file within {PANDOC_TIMEOUT_S} s", source
        ) from None
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise LocbriefError(f"pandoc could not write the Word file ({message})", source)
    return done.stdout.decode("utf-8")
