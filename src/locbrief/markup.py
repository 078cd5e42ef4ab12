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

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


#: Classes of what generators write for formulas and API signatures, shown byte for byte:
#: Pandoc's TeX math (``span.math``, https://pandoc.org/MANUAL.html#math), KaTeX's rendering
#: (``katex``, ``katex-display``), MathJax 2 and 3 output (``MathJax``, ``MathJax_Display``,
#: ``MathJax_Preview``; Python-Markdown's ``arithmatex``); Sphinx's signatures (``dt.sig``,
#: ``sig-param``, ``sig-name``/``descname``, ``sig-prename``/``descclassname``, ``sig-paren``;
#: sphinx/writers/html5.py), Doxygen's (``memproto``, ``memname``, ``paramname``, ``paramtype``)
#: and Javadoc's (``member-signature``, ``type-signature``).
VERBATIM_CLASSES = frozenset(
    {
        "notranslate",
        "math",
        "katex",
        "katex-display",
        "MathJax",
        "MathJax_Display",
        "MathJax_Preview",
        "MathJax_SVG",
        "arithmatex",
        "sig",
        "sig-object",
        "sig-param",
        "sig-name",
        "sig-prename",
        "sig-paren",
        "descname",
        "descclassname",
        "memproto",
        "memname",
        "paramname",
        "paramtype",
        "member-signature",
        "type-signature",
    }
)
#: MathJax 3's own elements (``<mjx-container>``, ``<mjx-math>``…): rendered formulas.
VERBATIM_TAG_PREFIX = "mjx-"


def is_verbatim(tag: str, attrs: dict[str, str]) -> bool:
    """An element never translated: a verbatim tag, ``translate="no"``, ``class="notranslate"``,
    or a formula or API signature (:data:`VERBATIM_CLASSES`)."""
    return (
        tag in VERBATIM_TAGS
        or tag.startswith(VERBATIM_TAG_PREFIX)
        or (attrs.get("translate") or "").strip().lower() == "no"
        or not VERBATIM_CLASSES.isdisjoint((attrs.get("class") or "").split())
    )


def safe_attrs(attrs: dict[str, str]) -> dict[str, str]:
    """Attributes a page may write as they are: no event handlers, no script links, valid names."""
    kept = {}
    for name, value in attrs.items():
        if not ATTR_NAME.fullmatch(name) or name.lower().startswith("on") or value is None:
            continue
        url = value.strip()
        if name.lower() in URL_ATTRS:
            if not (safe_url(url) or (name.lower() == "src" and SAFE_DATA_IMAGE.match(url))):
                continue
            if climbs_out_of_site(url):
                continue
            value = absolute_url(url)
        kept[name] = value
    return kept


#: A URL a browser reads as "same scheme, another host": ``//host/x`` (and ``\\host``, ``/\host``,
#: which browsers read the same way, WHATWG URL §4.4 "special authority slashes").
_PROTOCOL_RELATIVE = re.compile(r"^[/\\]{2,}")


def absolute_url(value: str) -> str:
    r"""A protocol-relative URL made absolute with https (a page never inherits file: or http:).

    >>> absolute_url("//evil.example/x"), absolute_url("/\\h/x"), absolute_url("#n1")
    ('https://evil.example/x', 'https://h/x', '#n1')
    """
    if _PROTOCOL_RELATIVE.match(value):
        return "https://" + _PROTOCOL_RELATIVE.sub("", value)
    return value


def climbs_out_of_site(value: str) -> bool:
    """A relative path that leaves the site from a page in ``out/<lang>/`` (``../../etc/x``):
    a browser reading the page from disk, or the PDF step, would reach the machine's own files.

    >>> climbs_out_of_site("../../../etc/hostname"), climbs_out_of_site("../en/a.html")
    (True, False)
    """
    if urlsplit(value).scheme or value.startswith(("/", "\\", "#")):
        return False
    path = posixpath.normpath(posixpath.join("out/lang", urlsplit(value).path.replace("\\", "/")))
    return not path.startswith("out/")


def remote_url(value: str) -> bool:
    """A URL on another site (http, https or protocol-relative): never fetched by a page or PDF.

    >>> remote_url("https://x.org/a.png"), remote_url("//x.org/a.png"), remote_url("a.png")
    (True, True, False)
    """
    url = absolute_url(value.strip())
    return urlsplit(url).scheme.lower() in ("http", "https") if not _CONTROL.search(url) else True


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


#: TeX math as MathJax and KaTeX find it in a page's text, with their default delimiters
#: (``\\( … \\)``, ``\\[ … \\]``, ``$$ … $$``, ``\\begin{env} … \\end{env}``): never words.
TEX_MATH = (
    r"\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$"
    r"|\\begin\{(?P<env>[A-Za-z]+\*?)\}.*?\\end\{(?P=env)\}"
)
#: An opening delimiter never closed in the same text: what follows it is kept as it is.
UNCLOSED_TEX_MATH = r"(?:\\\(|\\\[|\$\$|\\begin\{[A-Za-z]+\*?\}).*"


def tex_math_pieces(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into (is_math, piece): closed formulas, and an unclosed one with the rest.

    >>> tex_math_pieces(r"Let \\(x \\to y\\) hold; $$\\sum a")
    [(False, 'Let '), (True, '\\\\(x \\\\to y\\\\)'), (False, ' hold; '), (True, '$$\\\\sum a')]
    """
    pieces, pos = [], 0
    for m in _TEX_MATH.finditer(text):
        if m.start() > pos:
            pieces.append((False, text[pos : m.start()]))
        pieces.append((True, m.group(0)))
        pos = m.end()
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return pieces


_TEX_MATH = re.compile(f"{TEX_MATH}|{UNCLOSED_TEX_MATH}", re.DOTALL)


def unclosed_tex_math(text: str) -> str | None:
    """The opening delimiter of a formula that ``text`` never closes, or None."""
    for is_math, piece in tex_math_pieces(text):
        if is_math and not re.fullmatch(TEX_MATH, piece, re.DOTALL):
            return re.match(r"\\begin\{[^}]*\}|\\.|\$\$", piece).group(0)
    return None


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


# ---------------------------------------------------------------- verbatim drawings (SVG, MathML)
#
# A source's SVG and MathML are shown as they are, but only their drawing: the elements and
# attributes below, an allow-list narrowed from DOMPurify's (src/tags.js ``svg``, ``svgFilters``,
# ``mathMl``; src/attrs.js ``svg``, ``mathMl``; https://github.com/cure53/DOMPurify) and the SVG 2
# element index (https://www.w3.org/TR/SVG2/eltindex.html). Left out on purpose: every animation
# element (animate, set, animateMotion, animateTransform, animateColor: they can set any
# attribute, href included, to a script URL), foreignObject, script, style, image, feImage and
# mglyph (they embed or fetch), maction and annotation-xml (they hold HTML or toggle links).
# Names are lower case: the HTML parser reads them so, and browsers restore SVG's camelCase.


def _names(text: str) -> frozenset[str]:
    """A table of names written as one string, the way the specifications list them."""
    return frozenset(text.split())


#: Drawing elements of SVG (shapes, text, paint servers, clipping, markers, filters).
SVG_TAGS = _names(
    "svg g defs desc title symbol use switch a path rect circle ellipse line polyline polygon "
    "text tspan textpath marker pattern clippath mask lineargradient radialgradient stop filter "
    "feblend fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting "
    "fedisplacementmap fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr "
    "fegaussianblur femerge femergenode femorphology feoffset fepointlight fespecularlighting "
    "fespotlight fetile feturbulence"
)
#: MathML presentation elements (MathML Core and MathML 3), and semantics with a text annotation.
MATHML_TAGS = _names(
    "math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom menclose "
    "mfenced msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr "
    "mtd mlabeledtr semantics annotation"
)
#: The allowed elements inside each drawing root.
DRAWING_TAGS = {"svg": SVG_TAGS, "math": MATHML_TAGS}
#: Attributes of any drawing element: identity, language, accessibility.
_COMMON_DRAWING_ATTRS = (
    "id class lang dir role aria-label aria-labelledby aria-describedby aria-hidden"
)
#: SVG geometry, paint and filter-parameter attributes (none runs code or fetches).
SVG_ATTRS = frozenset(
    (
        _COMMON_DRAWING_ATTRS + " version width height x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d "
        "points transform viewbox preserveaspectratio pathlength dx dy rotate textlength "
        "lengthadjust startoffset method spacing side refx refy markerwidth markerheight "
        "markerunits orient patternunits patterncontentunits patterntransform gradientunits "
        "gradienttransform spreadmethod offset clippathunits maskunits maskcontentunits filterunits "
        "primitiveunits in in2 result stddeviation mode operator k1 k2 k3 k4 values type "
        "tablevalues slope intercept amplitude exponent scale xchannelselector ychannelselector "
        "basefrequency numoctaves seed stitchtiles radius order kernelmatrix divisor bias targetx "
        "targety edgemode kernelunitlength preservealpha surfacescale diffuseconstant "
        "specularconstant specularexponent azimuth elevation pointsatx pointsaty pointsatz z "
        "limitingconeangle flood-color flood-opacity lighting-color stop-color stop-opacity fill "
        "fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin "
        "stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity color "
        "display visibility clip-path clip-rule mask filter marker-start marker-mid marker-end "
        "font-family font-size font-style font-weight font-variant font-stretch text-anchor "
        "dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing "
        "text-decoration writing-mode direction vector-effect shape-rendering text-rendering "
        "color-interpolation color-interpolation-filters paint-order overflow href"
    ).split()
)
#: MathML layout attributes (no href: MathML 3 made every element a link).
MATHML_ATTRS = frozenset(
    (
        _COMMON_DRAWING_ATTRS + " display displaystyle mathvariant mathsize mathcolor "
        "mathbackground scriptlevel fence separator stretchy symmetric largeop movablelimits "
        "accent accentunder lspace rspace minsize maxsize form linethickness numalign denomalign "
        "bevelled notation open close separators columnalign rowalign columnspan rowspan "
        "columnlines rowlines frame framespacing columnspacing rowspacing width height depth "
        "voffset encoding alttext"
    ).split()
)
DRAWING_ATTRS = {"svg": SVG_ATTRS, "math": MATHML_ATTRS}
#: A paint or clip reference inside the drawing itself (``url(#grad)``); any other url() fetches.
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#", re.IGNORECASE)


def drawing_root(tag: str, inside: str = "") -> str:
    """The drawing a verbatim element belongs to ("svg", "math", or "" for plain HTML)."""
    return inside or (tag.lower() if tag.lower() in DRAWING_TAGS else "")


def drawing_element(tag: str, inside: str) -> bool:
    """Whether an element inside a drawing is on its allow-list (always true outside drawings)."""
    return not inside or tag.lower() in DRAWING_TAGS[inside]


def drawing_attrs(attrs: dict[str, str], inside: str) -> dict[str, str]:
    """The allowed attributes of a drawing element: links only to ``#fragment``, ``url(#…)`` only."""
    kept = {}
    for name, value in attrs.items():
        key = name.lower()
        if key not in DRAWING_ATTRS[inside] or value is None or _CONTROL.search(value):
            continue
        if key == "href" and not value.strip().startswith("#"):
            continue
        if "url(" in value.lower() and len(_LOCAL_URL.findall(value)) != value.lower().count(
            "url("
        ):
            continue
        kept[key] = value
    return kept


def verbatim_attrs(attrs: dict[str, str], inside: str) -> dict[str, str]:
    """What a verbatim element keeps: the drawing allow-list inside SVG/MathML, else safe_attrs."""
    return drawing_attrs(attrs, inside) if inside else safe_attrs(attrs)


#: Query parameters that carry a credential (``?auth_key=…``, ``?api_key=…``, ``?token=…``).
SECRET_PARAMETER = re.compile(r"key|token|secret|passw|auth|signature|sig$|credential", re.I)


def redact_url(url: str) -> str:
    """A URL fit for a message or log: no user name, password or credential parameters.

    >>> redact_url("http://apikey:s3cret@host:5000/t?auth_key=x&q=1")
    'http://host:5000/t?q=1'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a URL that cannot be read)"
    netloc = parts.netloc.rpartition("@")[2]
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not SECRET_PARAMETER.search(k)
        ]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


#: A URL in running text, as a message may quote one.
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.I)


def redact_urls(text: str) -> str:
    """``text`` with every URL in it redacted: what any message or log line goes through.

    >>> redact_urls("no answer from http://k:s3cret@host:5000/translate?api_key=x (timed out)")
    'no answer from http://host:5000/translate (timed out)'
    """
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(
        lambda m: (
            m.group(0)
            if "@" not in m.group(0) and "?" not in m.group(0)
            else redact_url(m.group(0))
        ),
        text,
    )
