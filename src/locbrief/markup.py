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
KEPT_ATTRS = frozenset({"href", "title", "lang", "datetime", "src", "alt", "cite"})
#: Of those, the ones a page writes back (an image's src is not: pages show no images).
PAGE_ATTRS = frozenset({"href", "title", "lang", "datetime", "cite"})


def text_alternative(attrs: dict[str, str]) -> str:
    """What an inline image says in words (its alt, else its title): pages show it as text."""
    return attrs.get("alt") or attrs.get("title") or ""
