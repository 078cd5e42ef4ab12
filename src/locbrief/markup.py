"""The inline markup a brief's sentences may carry, defined once for reader, segmenter and pages.

The table follows HTML's *phrasing content* (WHATWG HTML, §3.2.5.2.5,
https://html.spec.whatwg.org/multipage/dom.html#phrasing-content), narrowed to
the elements that carry meaning inside running text. The HTML reader keeps
exactly these as :class:`locbrief.model.Span` (every other inline element is
unwrapped to its text), the segmenter turns them into numbered tags
(``<em1>…</em1>``), and the page writes them back as they are; anything else
on a page is a ``<span>``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Phrasing elements kept from the source and written back on the page.
INLINE_TAGS = frozenset(
    {
        "em",
        "strong",
        "b",
        "i",
        "a",
        "abbr",
        "br",
        "sub",
        "sup",
        "code",
        "q",
        "cite",
        "small",
        "mark",
        "s",
        "u",
        "dfn",
        "kbd",
        "var",
        "samp",
        "time",
        "img",
    }
)
#: Void elements: no content, written ``<br1/>`` in a msgid.
VOID_TAGS = frozenset({"br", "img", "wbr"})
#: Attributes the reader keeps on inline elements (never class, style or on*).
KEPT_ATTRS = frozenset(
    {"href", "title", "lang", "datetime", "src", "alt", "cite", "width", "height", "translate"}
)
#: Of those, the ones a page writes back (all of them: images are shown, with their size).
PAGE_ATTRS = KEPT_ATTRS
#: Attributes whose text a reader sees, so each is translated as a unit of its own.
TRANSLATED_ATTRS = ("alt", "title")

#: Elements whose text is never translated nor sent to an engine: what a computer
#: reads or writes (code, kbd, samp, var, tt), preformatted text, formulas, drawings.
VERBATIM_TAGS = frozenset(
    {"code", "kbd", "samp", "var", "tt", "pre", "listing", "xmp", "math", "svg"}
)
#: Verbatim elements that are blocks of their own when they stand between blocks.
VERBATIM_BLOCK_TAGS = frozenset({"pre", "listing", "xmp", "math", "svg"})

#: Attributes of a structural element (list, table, cell, figure, quote, …) that a page
#: keeps as they are: numbering, spans, sizes, sources, citations, anchors.
LAYOUT_ATTRS = frozenset(
    {
        "id",
        "start",
        "reversed",
        "type",
        "value",
        "colspan",
        "rowspan",
        "scope",
        "headers",
        "span",
        "cite",
        "datetime",
        "lang",
        "dir",
        "src",
        "width",
        "height",
        "href",
        "translate",
    }
)
#: Images embedded in the page (Pandoc --embed-resources); never SVG, which can carry script.
SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|jpe?g|gif|webp);base64,", re.IGNORECASE)
#: Elements never written from a verbatim subtree: they run code or embed other documents.
UNSAFE_TAGS = frozenset({"script", "style", "foreignobject", "iframe", "object", "embed"})
#: Attribute names an lxml element accepts (namespaced ones such as xlink:href are not kept).
ATTR_NAME = re.compile(r"[A-Za-z_][\w.-]*")


def is_verbatim(tag: str, attrs: dict[str, str]) -> bool:
    """An element never translated: a verbatim tag, ``translate="no"`` or ``class="notranslate"``."""
    return (
        tag in VERBATIM_TAGS
        or (attrs.get("translate") or "").strip().lower() == "no"
        or "notranslate" in (attrs.get("class") or "").split()
    )


def safe_attrs(attrs: dict[str, str]) -> dict[str, str]:
    """Attributes a page may write as they are: no event handlers, no script links, valid names."""
    kept = {}
    for name, value in attrs.items():
        if not ATTR_NAME.fullmatch(name) or name.lower().startswith("on") or value is None:
            continue
        url = value.strip()
        if name.lower() in URL_ATTRS and not (
            safe_url(url) or (name.lower() == "src" and SAFE_DATA_IMAGE.match(url))
        ):
            continue
        kept[name] = value
    return kept


#: Attributes whose value is a URL a browser follows or fetches: each passes :func:`safe_url`.
URL_ATTRS = frozenset({"href", "src", "cite", "action", "formaction", "poster", "srcset"})
#: The schemes a page may link to; a URL without a scheme is relative (or a #fragment).
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_url(value: str) -> bool:
    """True for an http(s), mailto, relative or #fragment URL; false for javascript:, data: and
    anything a browser would read differently (control characters, which it strips).

    >>> [safe_url(u) for u in ("https://x.org", "../en/a.html", "#note-1", "JavaScript:alert(1)")]
    [True, True, True, False]
    >>> safe_url("java\tscript:alert(1)"), safe_url(" data:text/html,x"), safe_url("MAILTO:a@b.org")
    (False, False, True)
    """
    if _CONTROL.search(value):
        return False
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES or (not scheme and ":" not in value.split("/")[0])


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text_alternative(attrs: dict[str, str]) -> str:
    """What an inline image says in words (its alt, else its title): pages show it as text."""
    return attrs.get("alt") or attrs.get("title") or ""


#: Any token (match ignoring case: engines lower-case words).
TOKEN = r"ZX\d+QZ"


def token(number: int) -> str:
    """The stand-in for protected item ``number``: upper-case letters around the number, 'ZX3QZ'.

    NMT models copy all-caps alphanumeric codes (like 'G20', 'COVID19')
    verbatim, and SentencePiece splits this into a few plain pieces; no
    punctuation, which models drop or translate ('<x1>', '[1]') and which
    Argos' own decoding changes ('_' becomes a space). Letters on both sides
    keep ZX1QZ from matching inside ZX12QZ or merging with a nearby number.
    """
    return f"ZX{number}QZ"
