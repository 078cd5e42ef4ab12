"""The page shell: everything around the article — head metadata, language switcher, banner, footer.

:mod:`locbrief.publish.page` builds the article body with lxml and serializes it once;
this module gathers what the theme's ``page.html.j2`` shows around it: the
canonical link (absolute under ``site.base_url``, else relative), ``hreflang``
alternates, Open Graph and Twitter card metadata in the page's language,
schema.org ``Article`` JSON-LD, the switcher (each language named in its own
words by CLDR), the review banner and the link back to the original.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from babel import Locale
from babel.core import get_global
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from locbrief.catalog.status import Status
from locbrief.locales import bcp47, language_name, parse_locale
from locbrief.model import Document, Span
from locbrief.publish.theme import Site, render, stylesheet


@dataclass
class Strings:
    """The page language's gettext functions and Babel locale."""

    _: object
    ngettext: object
    locale: Locale


def page_href(lang: str, brief: str) -> str:
    """A page's link from another page (or the index's folder, less the ``../``)."""
    return f"../{lang}/{brief}.html"


def page_url(site: Site, lang: str, brief: str) -> str:
    """The page's address: absolute under the site's base URL, else empty (no absolute URL known)."""
    return f"{site.base_url}{lang}/{brief}.html" if site.base_url else ""


def og_locale(lang: str) -> str:
    """Open Graph wants language_TERRITORY: es_MX as is, fr → fr_FR by CLDR's likely subtags."""
    locale = parse_locale(lang)
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    return f"{locale.language}_{territory}" if territory.isupper() else locale.language


def authors(doc: Document) -> list[str]:
    """The brief's authors: its author blocks, else the names of the byline ("By A and B")."""
    names = [_plain(b.content) for b in doc.blocks if b.kind == "author_name"]
    if names:
        return [n for n in names if n]
    byline = next((_plain(b.content) for b in doc.blocks if b.kind == "byline"), "")
    byline = byline.removeprefix("By ").removeprefix("by ")
    parts = [p.strip() for p in byline.replace(" and ", ",").split(",")]
    return [p for p in parts if p]


def metadata_problems(doc: Document) -> list[str]:
    """What the Article metadata lacks, one line each: a date or authors."""
    problems = []
    if not doc.meta.get("date"):
        problems.append(
            f"{doc.source}: the brief has no publication date, so its pages have no "
            "datePublished; add the date line (e.g. 'July 2, 2025') above the title"
        )
    if not authors(doc):
        problems.append(
            f"{doc.source}: the brief names no authors, so its pages' Article metadata has "
            "none; add a byline ('By …') or an 'About the authors' section"
        )
    return problems


def json_ld(doc: Document, lang: str, title: str, description: str, site: Site) -> Markup:
    """schema.org Article as JSON-LD, escaped so that no text can end the ``<script>`` element."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title,
        "description": description,
        "inLanguage": bcp47(lang),
        "url": page_url(site, lang, doc.name) or f"{doc.name}.html",
    }
    if doc.meta.get("date"):
        data["datePublished"] = doc.meta["date"]
    if authors(doc):
        data["author"] = [{"@type": "Person", "name": name} for name in authors(doc)]
    if site.name:
        data["publisher"] = {"@type": "Organization", "name": site.name}
    if lang != doc.lang:
        data["translationOfWork"] = {
            "@type": "Article",
            "@id": page_url(site, doc.lang, doc.name) or page_href(doc.lang, doc.name),
            "inLanguage": bcp47(doc.lang),
        }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)


def render_shell(
    doc: Document,
    lang: str,
    languages: list[str],
    article: Markup,
    title: str,
    description: str,
    counts: dict[str, int],
    strings: Strings,
    review: bool,
    site: Site,
) -> str:
    """The whole page: the theme's page template around the serialized article."""
    _ = strings._
    translated = lang != doc.lang
    page = {
        "lang": bcp47(lang),
        "dir": strings.locale.text_direction,
        "title": title,
        "description": description,
        "authors": authors(doc),
        "canonical": page_url(site, lang, doc.name) or f"{doc.name}.html",
        "absolute_url": page_url(site, lang, doc.name),
        "alternates": _alternates(doc, languages),
        "og_locale": og_locale(lang),
        "og_alternates": [og_locale(other) for other in languages if other != lang],
        "json_ld": json_ld(doc, lang, title, description, site),
        "css": stylesheet(site, "page.css"),
        "print_css": stylesheet(site, "print.css"),
        "languages_label": _("Languages"),
        "languages": _switcher(doc, lang, languages),
        "banner": _banner(counts, strings, doc.lang, review) if translated else None,
        "pdf_href": f"{doc.name}.pdf",
        "pdf_label": _("Download PDF"),
        "article": article,
        "original": _original(doc, strings) if translated else None,
    }
    return render(site, "page.html.j2", page=page)


def _alternates(doc: Document, languages: list[str]) -> list[dict]:
    links = [{"hreflang": bcp47(o), "href": page_href(o, doc.name)} for o in languages]
    if doc.lang in languages:
        links.append({"hreflang": "x-default", "href": page_href(doc.lang, doc.name)})
    return links


def _switcher(doc: Document, lang: str, languages: list[str]) -> list[dict]:
    """Every language of the page, each named in its own language by CLDR."""
    return [
        {
            "name": language_name(other),
            "href": page_href(other, doc.name),
            "hreflang": bcp47(other),
            "dir": parse_locale(other).text_direction,
            "current": other == lang,
        }
        for other in languages
    ]


def _banner(counts: dict[str, int], strings: Strings, source_lang: str, review: bool) -> dict:
    """How much of the page a human has reviewed: reviewed units (not fuzzy, not machine) of all units."""
    _, locale = strings._, strings.locale
    total = counts.get("units", 0)
    reviewed = counts.get(Status.REVIEWED, 0)
    share = reviewed / total if total else 1.0
    numbers = {
        "percent": format_percent(share, locale=locale),
        "reviewed": format_decimal(reviewed, locale=locale),
        "total": format_decimal(total, locale=locale),
    }
    if reviewed == total:
        message = _("A translator has reviewed all of this page.")
    elif reviewed == 0:
        message = _(
            "No translator has reviewed this page yet: it is machine translation and may contain errors."
        )
    else:
        message = (
            strings.ngettext(
                "A translator has reviewed %(percent)s of this page (%(reviewed)s of %(total)s "
                "sentence); the rest is machine translation.",
                "A translator has reviewed %(percent)s of this page (%(reviewed)s of %(total)s "
                "sentences); the rest is machine translation.",
                total,
            )
            % numbers
        )
    parts = [message]
    untranslated = counts.get(Status.UNTRANSLATED, 0)
    if untranslated:
        language = locale.languages.get(parse_locale(source_lang).language, source_lang)
        parts.append(
            strings.ngettext(
                "%(count)s sentence is not translated yet and shows in %(language)s.",
                "%(count)s sentences are not translated yet and show in %(language)s.",
                untranslated,
            )
            % {"count": format_decimal(untranslated, locale=locale), "language": language}
        )
    if review:
        parts.append(_("Review build: sentences no translator has reviewed are highlighted."))
    return {"text": " ".join(parts), "share": f"{share:.4f}"}


def _original(doc: Document, strings: Strings) -> dict:
    """A link back to the original, named in the page's language."""
    source = parse_locale(doc.lang)
    language = strings.locale.languages.get(source.language, doc.lang)
    return {
        "text": strings._("Read the original in %(language)s") % {"language": language},
        "href": page_href(doc.lang, doc.name),
        "hreflang": bcp47(doc.lang),
    }


def _plain(content: list) -> str:
    """The text of a block's inline content, markup dropped, spaces collapsed."""
    parts: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, Span):
                walk(item.children)

    walk(content)
    return " ".join("".join(parts).split())
