"""The static site in ``out/``: an index of every brief × language, a sitemap, the theme's assets.

Everything is read back from what the stages wrote (the pages, the QA reports
and the PDFs beside them), so the index says what is really there. All links
are relative; the sitemap's addresses are absolute only under ``site.base_url``
(the sitemap protocol wants absolute ones: without a base URL it lists paths
relative to itself and the site stage says so).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from locbrief.files import write_atomically
from locbrief.locales import bcp47, language_name
from locbrief.model import LocbriefError
from locbrief.publish.shell import page_url
from locbrief.publish.theme import Site, render, stylesheet

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: The files of one brief in one language, beside its page in out/<lang>/, and their index labels.
EDITION_FILES = {
    "page": ("{brief}.html", "page"),
    "pdf": ("{brief}.pdf", "PDF"),
    "docx": ("{brief}.docx", "Word"),
    "review": ("{brief}.review.html", "review page"),
    "qa": ("{brief}.qa.html", "QA report"),
}


@dataclass
class Edition:
    """One brief in one language, as the stages left it in out/."""

    brief: str
    lang: str
    source_lang: str
    title: str
    counts: dict[str, int] = field(default_factory=dict)  # from the QA report; empty for the source
    errors: int = 0
    warnings: int = 0
    files: dict[str, str] = field(default_factory=dict)  # kind → path relative to out/

    @property
    def is_source(self) -> bool:
        return self.lang == self.source_lang

    @property
    def reviewed(self) -> float:
        """Share of units a translator reviewed (1.0 for the source page)."""
        if self.is_source:
            return 1.0
        units = self.counts.get("units", 0)
        return self.counts.get("reviewed", 0) / units if units else 0.0


def collect(out: Path, briefs: list[str], source_lang: str, languages: list[str]) -> list[Edition]:
    """Every brief × language of the config, read from out/; a missing page or QA report is an error."""
    editions = []
    for brief in briefs:
        for lang in [source_lang, *languages]:
            editions.append(_edition(out, brief, lang, source_lang))
    return editions


def _edition(out: Path, brief: str, lang: str, source_lang: str) -> Edition:
    page = out / lang / f"{brief}.html"
    if not page.is_file():
        raise LocbriefError("no such page; run the workflow (make run) first", str(page))
    title = (lxml_html.parse(str(page)).findtext(".//title") or brief).strip()
    edition = Edition(brief, lang, source_lang, title)
    for kind, (name, _label) in EDITION_FILES.items():
        if (out / lang / name.format(brief=brief)).is_file():
            edition.files[kind] = f"{lang}/{name.format(brief=brief)}"
    if not edition.is_source:
        qa = out / lang / f"{brief}.qa.json"
        data = _read_qa(qa)
        edition.counts = data.get("counts", {})
        edition.errors, edition.warnings = data.get("errors", 0), data.get("warnings", 0)
    return edition


def _read_qa(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocbriefError(
            "no QA report; run the check stage (make run) first", str(path)
        ) from None
    except ValueError as exc:
        raise LocbriefError(f"not valid JSON ({exc}); delete it and rerun", str(path)) from None


def render_index(editions: list[Edition], site: Site, gate=None, kinds=tuple(EDITION_FILES)) -> str:
    """The index page: per brief, one row per language with its reviewed share, QA and links.

    ``gate`` (edition → reason held back, or None) adds the publishing column.
    """
    briefs = {}
    for e in editions:
        brief = briefs.setdefault(e.brief, {"name": e.brief, "editions": []})
        if e.is_source:
            brief.update(title=e.title, lang=bcp47(e.lang))
        brief["editions"].append(_row(e, gate, kinds))
    title = f"{site.name}: briefs" if site.name else "Briefs"
    return render(
        site,
        "index.html.j2",
        title=title,
        briefs=list(briefs.values()),
        with_gate=gate is not None,
        css=stylesheet(site, "index.css"),
    )


def _row(e: Edition, gate, kinds) -> dict:
    held = gate(e) if gate else None
    if e.is_source:
        reviewed, qa = "original", "—"
    else:
        units = e.counts.get("units", 0)
        reviewed = f"{e.reviewed:.0%} ({e.counts.get('reviewed', 0)} of {units} units)"
        qa = f"{e.errors} errors, {e.warnings} warnings"
    classes = ["held" if held else "ready"] + (["errors"] if e.errors else [])
    return {
        "language": language_name(e.lang),
        "hreflang": bcp47(e.lang),
        "reviewed_text": reviewed,
        "qa_text": qa,
        "gate_text": f"held back: {held}" if held else "ready",
        "row_class": " ".join(classes),
        "links": {"page": e.files.get("page", "")},
        "file_links": [
            (EDITION_FILES[kind][1], e.files[kind]) for kind in kinds if kind in e.files
        ],
    }


def render_sitemap(editions: list[Edition], site: Site) -> str:
    """sitemap.xml: every page, with its language alternates (``xhtml:link hreflang``)."""
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    by_brief: dict[str, list[Edition]] = {}
    for e in editions:
        by_brief.setdefault(e.brief, []).append(e)
    for group in by_brief.values():
        for e in group:
            url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = _address(site, e)
            for other in group:
                etree.SubElement(
                    url,
                    f"{{{XHTML_NS}}}link",
                    rel="alternate",
                    hreflang=bcp47(other.lang),
                    href=_address(site, other),
                )
            source = next((o for o in group if o.is_source), None)
            if source is not None:
                etree.SubElement(
                    url,
                    f"{{{XHTML_NS}}}link",
                    rel="alternate",
                    hreflang="x-default",
                    href=_address(site, source),
                )
    return etree.tostring(urlset, encoding="unicode", pretty_print=True, xml_declaration=False)


def _address(site: Site, e: Edition) -> str:
    return page_url(site, e.lang, e.brief) or f"{e.lang}/{e.brief}.html"


def copy_assets(target: Path, site: Site) -> None:
    """The logo, where the pages' header finds it (out/assets/)."""
    if site.logo:
        logo = Path(site.logo)
        if not logo.is_file():
            raise LocbriefError("logo file not found; fix setting site.logo", site.logo)
        (target / "assets").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(logo, target / "assets" / logo.name)


def write_site(out: Path, editions: list[Edition], site: Site, gate=None) -> list[str]:
    """out/index.html, out/sitemap.xml and out/assets/; returns notes for the user, one line each."""
    index = render_index(editions, site, gate)
    sitemap = '<?xml version="1.0" encoding="UTF-8"?>\n' + render_sitemap(editions, site)
    try:
        copy_assets(out, site)
        write_atomically(out / "index.html", index)
        write_atomically(out / "sitemap.xml", sitemap)
    except OSError as exc:
        raise LocbriefError(
            f"cannot write the site's index here ({exc.strerror}); fix the folder's "
            "permissions or give another --out",
            str(exc.filename or out),
        ) from None
    if not site.base_url:
        return [
            f"{out / 'sitemap.xml'}: addresses are relative to the sitemap; set site.base_url "
            "in the config for search engines (they want absolute URLs)"
        ]
    return []
