"""The publishing gate: copy to ``site/`` only the languages that pass the configured bar.

The bar is the config's ``publish:`` (share of units a translator reviewed, most
QA errors allowed, languages that must pass). Each language held back gets one
line saying why. The new site is built in a temporary folder beside the target
and swapped in by renaming, so a half-built site never replaces a good one; when
a required language is not ready nothing is replaced at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from locbrief.locales import bcp47
from locbrief.model import LocbriefError
from locbrief.publish.shell import og_locale
from locbrief.publish.site import Edition, copy_assets, render_index, render_sitemap
from locbrief.publish.theme import Site


@dataclass(frozen=True)
class Bar:
    """What a language must reach to be published (config ``publish:``)."""

    min_reviewed: float = 1.0
    qa_errors: int = 0
    required: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: dict) -> Bar:
        settings = dict(config.get("publish") or {})
        settings["required"] = tuple(settings.get("required", ()))
        return cls(**settings)


@dataclass
class Outcome:
    published: list[Edition]
    held: list[str]  # one line per language held back
    missing_required: list[str]  # required languages not ready (then nothing was replaced)


def held_back(e: Edition, bar: Bar) -> str | None:
    """Why this language may not be published yet (None: it may)."""
    if "pdf" not in e.files:
        return f"no PDF {e.lang}/{e.brief}.pdf; run the workflow (make run) to build it"
    if e.is_source:
        return None
    units, reviewed = e.counts.get("units", 0), e.counts.get("reviewed", 0)
    if reviewed == 0 and bar.min_reviewed > 0:
        return (
            f"no unit reviewed by a translator (0 of {units}); review "
            f"locales/{e.lang}/LC_MESSAGES/{e.brief}.po in Poedit or Weblate"
        )
    if e.reviewed < bar.min_reviewed:
        return (
            f"{reviewed} of {units} units reviewed ({e.reviewed:.1%}), "
            f"below publish.min_reviewed {bar.min_reviewed:.0%}"
        )
    if e.errors > bar.qa_errors:
        return (
            f"{e.errors} QA errors, above publish.qa_errors {bar.qa_errors}; "
            f"see out/{e.lang}/{e.brief}.qa.html"
        )
    return None


def publish(editions: list[Edition], out: Path, target: Path, site: Site, bar: Bar) -> Outcome:
    """Copy the languages that pass to ``target`` (built aside, then swapped in)."""
    published, held = [], []
    for e in editions:
        reason = held_back(e, bar)
        if reason:
            held.append(f"{e.brief} ({e.lang}): held back: {reason}")
        else:
            published.append(e)
    ready = {e.lang for e in published}
    langs = {e.lang for e in editions}
    missing = [lang for lang in bar.required if lang not in langs or lang not in ready]
    outcome = Outcome(published, held, missing)
    if missing:
        return outcome
    # A translation whose original is held back (no PDF) is not published alone.
    sources = {e.brief for e in published if e.is_source}
    for e in published:
        if e.brief not in sources:
            held.append(
                f"{e.brief} ({e.lang}): held back: its original ({e.source_lang}) is held back"
            )
    outcome.published = [e for e in published if e.brief in sources]
    if outcome.published:
        _build_and_swap(outcome.published, editions, out, target, site)
    return outcome


def _build_and_swap(
    published: list[Edition], editions: list[Edition], out: Path, target: Path, site: Site
) -> None:
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=parent))
    except OSError as exc:
        raise LocbriefError(
            f"cannot write the site here ({exc.strerror}); choose a writable folder with --site",
            str(parent),
        ) from None
    try:
        _build(published, editions, out, building, site)
        os.chmod(building, 0o755)
        _swap(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _build(
    published: list[Edition], editions: list[Edition], out: Path, building: Path, site: Site
) -> None:
    shown = {(e.brief, e.lang) for e in published}
    for e in published:
        dropped = [
            o.lang for o in editions if o.brief == e.brief and (o.brief, o.lang) not in shown
        ]
        (building / e.lang).mkdir(exist_ok=True)
        page = (out / e.files["page"]).read_text(encoding="utf-8")
        (building / e.files["page"]).write_text(_without(page, dropped), encoding="utf-8")
        for kind in ("pdf", "docx"):
            if kind in e.files:
                shutil.copyfile(out / e.files[kind], building / e.files[kind])
    copy_assets(building, site)
    (building / "index.html").write_text(
        render_index(published, site, kinds=("page", "pdf", "docx")), encoding="utf-8"
    )
    (building / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + render_sitemap(published, site),
        encoding="utf-8",
    )


def _swap(building: Path, target: Path) -> None:
    """Rename the new site into place; the old one is removed only once the new one is there."""
    if not target.exists():
        os.rename(building, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    try:
        os.rename(building, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _without(page: str, langs: list[str]) -> str:
    """A page with its links to held-back languages removed (switcher, hreflang, og:locale)."""
    if not langs:
        return page
    root = lxml_html.document_fromstring(page)
    tags = {bcp47(lang) for lang in langs}
    locales = {og_locale(lang) for lang in langs}
    for node in root.xpath("//link[@rel='alternate'][@hreflang]"):
        if node.get("hreflang") in tags:
            node.getparent().remove(node)
    for node in root.xpath("//meta[@property='og:locale:alternate']"):
        if node.get("content") in locales:
            node.getparent().remove(node)
    for node in root.xpath("//nav[@class='languages']//li[a[@hreflang]]"):
        if node.find("a").get("hreflang") in tags:
            node.getparent().remove(node)
    return "<!DOCTYPE html>\n" + lxml_html.tostring(root, encoding="unicode")
