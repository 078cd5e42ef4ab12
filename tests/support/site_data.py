"""A small brief in four languages, built into an out/ folder the way the stages leave it.

Pages from the real page builder, QA reports from the real check's report(), PDFs (when asked)
from the real PDF stage: the site, PDF, publish and browser tests share it.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib

from locbrief.model import Block, Document, NoteRef
from locbrief.publish.page import choose_translations, render_page, source_translations
from locbrief.publish.pdf import render_pdf
from locbrief.publish.theme import Site
from locbrief.review.check import Finding, report
from locbrief.translate.segment import segment

LANGS = ["en", "es_MX", "fr", "ca"]
PREFIX = {"es_MX": "Versión: ", "fr": "Élément : ", "ca": "Col·lecció: "}


def brief(paragraphs: int = 30, date: str | None = "2025-07-02", byline: bool = True) -> Document:
    """A brief long enough for a PDF of two or more pages, with one endnote and one external link."""
    blocks = [
        Block("topic", "topic", ["Security"]),
        Block("date", "date", ["July 2, 2025"]) if date else None,
        Block("title", "title", ["Cartels and the border"]),
        Block("byline", "byline", ["By Ana Ruiz and Luc Martin"]) if byline else None,
        Block("paragraph", "p-1", ["About 79,000 people died in 2024.", NoteRef(1)]),
        *(
            Block(
                "paragraph", f"p-{i}", [f"Paragraph {i} says what the cartels did in {1990 + i}."]
            )
            for i in range(2, paragraphs + 1)
        ),
        Block("heading", "h-endnotes", ["Endnotes"], level=2),
        Block(
            "endnote", "note-1", ["“A report,” May 15, 2025, https://example.org/report."], number=1
        ),
    ]
    return Document(
        "source/brief.txt", "brief", [b for b in blocks if b], meta={"date": date} if date else {}
    )


def page_result(doc: Document, lang: str, reviewed: float, site: Site | None = None, langs=LANGS):
    """The page of ``lang`` with the first ``reviewed`` share of its units reviewed, the rest machine."""
    units = segment(doc)
    if lang == doc.lang:
        return render_page(doc, units, source_translations(units), lang, langs, site=site)
    po = polib.POFile()
    for unit in units:
        po.append(polib.POEntry(msgid=unit.msgid, msgstr=PREFIX[lang] + unit.msgid))
    keys = list(dict.fromkeys(u.msgid for u in units))
    done = set(keys[: round(reviewed * len(keys))])
    chosen = choose_translations(
        units, po, f"{lang}.po", {}, lambda e: "reviewed" if e.msgid in done else "machine"
    )
    return render_page(doc, units, chosen, lang, langs, site=site)


def build_out(
    out: Path,
    reviewed: dict[str, float],
    errors: dict[str, int] | None = None,
    pdf: bool = False,
    site: Site | None = None,
    doc: Document | None = None,
) -> Path:
    """out/<lang>/brief.html (+ .qa.json, .qa.html, .review.html stand-in name, .pdf) for LANGS."""
    doc = doc or brief()
    errors = errors or {}
    for lang in LANGS:
        folder = out / lang
        folder.mkdir(parents=True, exist_ok=True)
        result = page_result(doc, lang, reviewed.get(lang, 1.0), site)
        (folder / "brief.html").write_text(result.html, encoding="utf-8")
        if lang != doc.lang:
            findings = [
                Finding(f"{lang}.po", 10 + n, "placeholders", "error", "a note marker is lost", "x")
                for n in range(errors.get(lang, 0))
            ]
            data = report(findings, lang, dict(result.counts))
            (folder / "brief.qa.json").write_text(json.dumps(data), encoding="utf-8")
        if pdf:
            render_pdf(folder / "brief.html", folder / "brief.pdf", site or Site())
    return out


def write_config(root: Path, **extra) -> Path:
    """config/config.yaml for the small brief (source/brief.txt must exist for check-config only)."""
    config = {
        "source_language": "en",
        "briefs": ["brief"],
        "languages": {lang: {"engine": "identity"} for lang in LANGS[1:]},
        **extra,
    }
    (root / "source").mkdir(exist_ok=True)
    (root / "source" / "brief.txt").write_text("Cartels and the border\n", encoding="utf-8")
    path = root / "config" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config), encoding="utf-8")
    return path
