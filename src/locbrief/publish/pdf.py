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

import logging
import os
import subprocess
import tempfile
import unicodedata
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
    from weasyprint import CSS, HTML

    # WeasyPrint warns about every screen-only media query of the page (it knows media types
    # only); those rules are not for paper, so only its errors are worth a line.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = Path(page)
    if not page.is_file():
        raise LocbriefError("no such page; run the page stage (make run) first", str(page))
    check_depth(page)
    check_fonts(page, site.fonts)
    css = CSS(string=str(stylesheet(site, "pdf.css")) + pdf_rules(site))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    fetcher = project_fetcher(page, site)
    try:
        HTML(filename=str(page), media_type="print", url_fetcher=fetcher).write_pdf(
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
    from weasyprint.urls import URLFetcher

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
    """The code points of an installed font family (fontconfig finds it, fontTools reads its cmap)."""
    from fontTools.ttLib import TTCollection, TTFont

    files = _font_files(family)
    if not files:
        raise LocbriefError(
            f"font {family!r} is not installed; install it (Debian: fonts-dejavu-core for "
            "DejaVu) or change site.fonts in the config"
        )
    points: set[int] = set()
    for path in files:
        if path.endswith((".ttc", ".otc")):
            fonts = TTCollection(path).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
        for font in fonts:
            points |= set(font.getBestCmap() or {})
    return frozenset(points)


def _font_files(family: str) -> list[str]:
    try:
        run = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{file}\n", family],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise LocbriefError(f"fc-list (fontconfig) failed: {exc}; install fontconfig") from None
    files = []
    for line in run.stdout.splitlines():
        families, _, path = line.partition("\t")
        if family in families.split(","):
            files.append(path)
    return sorted(files)
