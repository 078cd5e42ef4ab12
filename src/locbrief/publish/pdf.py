"""A PDF of a page, made from the same HTML with the theme's print style (WeasyPrint).

WeasyPrint lays the page out with ``print.css`` (inlined in the page) and the
paged-media rules of ``pdf.css`` (running header with the title, page numbers),
plus the paper size and fonts from the config. Note references and back links
become links inside the PDF, endnote URLs external links. The fonts are
installed files (fontconfig), embedded in the PDF; before laying out, every
character of the page is checked against them, because a missing glyph would
otherwise come silently from some other font, or print as a box.
"""

from __future__ import annotations

import ctypes.util
import gc
import logging
import os
import subprocess
import sys
import tempfile
import unicodedata
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from lxml import html as lxml_html

from locbrief.console import log
from locbrief.model import LocbriefError
from locbrief.publish.theme import PACKAGE_TEMPLATES, Site, stylesheet

#: What WeasyPrint (from PyPI) needs from Debian, and the default fonts; `make` installs them.
DEBIAN_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-dejavu-core",
)


def render_pdf(page: Path, output: Path, site: Site) -> None:
    """``page`` (an HTML file of out/) → ``output``, written atomically."""
    weasyprint = import_weasyprint()

    # WeasyPrint warns about every screen-only media query of the page (it knows media types
    # only); those rules are not for paper, so only its errors are worth a line.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = Path(page)
    if not page.is_file():
        raise LocbriefError("no such page; run the page stage (make run) first", str(page))
    check_depth(page)
    check_fonts(page, site.fonts)
    css = weasyprint.CSS(string=str(stylesheet(site, "pdf.css")) + pdf_rules(site))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    fetcher = project_fetcher(page, site)
    try:
        with collector_paused():
            weasyprint.HTML(filename=str(page), media_type="print", url_fetcher=fetcher).write_pdf(
                tmp, stylesheets=[css]
            )
        os.chmod(tmp, 0o644)
    except RecursionError:  # nesting check_depth lets through but WeasyPrint cannot lay out
        raise LocbriefError(
            "the page is nested too deep for the PDF step; flatten the source's nesting", str(page)
        ) from None
    else:
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def import_weasyprint():
    """WeasyPrint, imported without ctypes' library search on Linux.

    WeasyPrint tries several names for each library it loads (GObject, Pango, HarfBuzz,
    fontconfig…), Windows' and macOS' first; cffi answers each name dlopen cannot load with
    ``ctypes.util.find_library``, which starts ``ldconfig`` and ``gcc``: 0.3 s of every PDF job
    (measured, a third of WeasyPrint's import). Each list holds the Linux soname (``libpango-1.0.so.0``),
    which dlopen loads as it would load what find_library returns. Where that fails, the import
    runs again with the search.
    """
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:  # a library under another soname: let find_library look for it
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while WeasyPrint lays out and writes a page.

    WeasyPrint allocates millions of short-lived objects, which start hundreds of collections,
    yet leaves almost no cyclic garbage: on the seed the collections took 0.15–0.37 s of a
    1.9–2.9 s PDF and the peak memory was 104 MB with the collector on or off (measured).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fetch_roots(page: Path, site: Site) -> tuple[Path, ...]:
    """The folders a PDF may read from: the project's out/ (the page's grandparent), the package's
    templates and the site's theme. Nothing else: no network, no other file of the machine."""
    roots = [Path(page).resolve().parent.parent, PACKAGE_TEMPLATES.resolve()]
    if site.theme:
        roots.append(Path(site.theme).resolve())
    return tuple(roots)


def allowed_url(url: str, roots: tuple[Path, ...]) -> bool:
    """A ``data:`` URL, or a ``file:`` URL whose real path (links followed) is inside one of ``roots``.

    >>> allowed_url("data:image/png;base64,AAAA", ()), allowed_url("http://127.0.0.1/x.png", ())
    (True, False)
    >>> allowed_url("file:///etc/hostname", (Path("/work"),))
    False
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return False  # file://host/… is another machine's file
    path = Path(url2pathname(parts.path)).resolve()
    return any(path.is_relative_to(root) for root in roots)


def project_fetcher(page: Path, site: Site):
    """WeasyPrint's fetcher limited to :func:`allowed_url`; each refused URL is one warning naming
    the page and the URL (WeasyPrint's default fetches any URL: SSRF from a build server)."""
    URLFetcher = import_weasyprint().URLFetcher

    roots = fetch_roots(page, site)

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not allowed_url(url, roots):
                log.warning("%s: the PDF does not fetch %s (outside the project)", page, url)
                raise ValueError(f"refused: {url}")
            return super().fetch(url, headers)

    return ProjectFetcher(allow_redirects=False)


def pdf_rules(site: Site) -> str:
    """The config's part of the PDF style: paper size and font families (body, then headings).

    WeasyPrint gives these rules user origin, below the page's own style: ``!important`` lets
    the configured fonts win over the page's screen fonts.
    """
    body = ", ".join(f'"{f}"' for f in site.fonts)
    headings = ", ".join(f'"{f}"' for f in (*site.fonts[1:], site.fonts[0]))
    return (
        f"\n@page {{ size: {site.paper}; @top-center {{ font-family: {headings}; }}"
        f" @bottom-center {{ font-family: {headings}; }} }}\n"
        f"body {{ font-family: {body} !important; }}\n"
        f"h1, h2, h3, h4, .topic, .date, .byline, .review-banner {{ font-family: {headings} !important; }}\n"
    )


#: The deepest page WeasyPrint lays out within Python's stack (it failed at 200 nested divs and
#: passed at 126: measured); the reader refuses sources deeper than ``read.html.MAX_DEPTH``.
PDF_MAX_DEPTH = 128


def check_depth(page: Path) -> None:
    """A page nested deeper than :data:`PDF_MAX_DEPTH` is one line, never a RecursionError."""
    root = lxml_html.parse(str(page), parser=lxml_html.HTMLParser(huge_tree=True)).getroot()
    deepest = max(
        (sum(1 for _ in el.iterancestors()) for el in root.iter() if not len(el)), default=0
    )
    if deepest > PDF_MAX_DEPTH:
        raise LocbriefError(
            f"the page nests its elements {deepest} deep; the PDF step lays out at most "
            f"{PDF_MAX_DEPTH} levels: flatten the source's nesting (or the theme's template)",
            str(page),
        )


def check_fonts(page: Path, fonts: tuple[str, ...]) -> None:
    """Every character of the page is in one of the PDF's fonts; else one line naming it and the fix."""
    covered: set[int] = set()
    for family in fonts:
        covered |= font_coverage(family)
    root = lxml_html.parse(str(page)).getroot()
    for node in root.xpath("//script|//style"):
        node.drop_tree()
    text = root.text_content() + "0123456789 /"  # the page numbers of the footer
    for char in sorted(set(text)):
        if ord(char) in covered or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        name = unicodedata.name(char, "unnamed character")
        raise LocbriefError(
            f"the PDF fonts ({', '.join(fonts)}) lack {char!r} (U+{ord(char):04X} {name}), "
            "used on this page; add an installed font that has it to site.fonts in the config "
            "(e.g. 'Noto Serif' from Debian fonts-noto-core)",
            str(page),
        )


@cache
def font_coverage(family: str) -> frozenset[int]:
    """The code points of an installed font family, from fontconfig's charset of each of its files.

    Pango picks fonts through fontconfig, so its charset is what the PDF can print; fontconfig keeps
    it in its cache (the fonts' cmap tables, read once): 15 ms a family, where reading the cmaps
    with fontTools took 90–100 ms (measured on DejaVu Sans and Serif, the same code points).
    """
    points: set[int] = set()
    found = False
    for families, charset in _font_charsets(family):
        if family in families:
            found = True
            points.update(code_points(charset))
    if not found:
        raise LocbriefError(
            f"font {family!r} is not installed; install it (Debian: fonts-dejavu-core for "
            "DejaVu) or change site.fonts in the config"
        )
    return frozenset(points)


def code_points(charset: str) -> set[int]:
    """fontconfig's charset notation (hexadecimal code points and ranges) → the code points.

    >>> sorted(code_points("20-22 e9"))
    [32, 33, 34, 233]
    """
    points: set[int] = set()
    for part in charset.split():
        first, _, last = part.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def _font_charsets(family: str) -> list[tuple[list[str], str]]:
    """(the family names, the charset) of each font file fontconfig finds for ``family``."""
    try:
        run = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{charset}\n", family],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise LocbriefError(f"fc-list (fontconfig) failed: {exc}; install fontconfig") from None
    fonts = []
    for line in run.stdout.splitlines():
        families, _, charset = line.partition("\t")
        fonts.append((families.split(","), charset))
    return fonts
