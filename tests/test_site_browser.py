"""A reader in a real browser goes through the site: index → page → note → back → another
language → the PDF, all by clicking links (headless Chromium over the DevTools protocol)."""

from __future__ import annotations

import json

from locbrief.publish.site import collect, write_site
from locbrief.publish.theme import Site
from support.site_data import LANGS, build_out
from test_browser import IN_VIEW, chromium  # noqa: F401 (the fixture)


def loaded(browser, path_end: str):
    return browser.wait_for(
        f"location.pathname.endsWith({json.dumps(path_end)}) && document.readyState == 'complete'"
    )


def test_a_reader_clicks_from_the_index_to_a_note_another_language_and_the_pdf(
    chromium,  # noqa: F811
    tmp_path,
):
    out = build_out(tmp_path / "out", {"es_MX": 0.5}, pdf=True)
    write_site(out, collect(out, ["brief"], "en", LANGS[1:]), Site())
    chromium.open(out / "index.html")
    chromium.click("tbody th a[hreflang='es-MX']")
    loaded(chromium, "/es_MX/brief.html")
    assert chromium.evaluate("document.documentElement.lang") == "es-MX"
    chromium.click("#ref-1")
    assert chromium.wait_for("location.hash") == "#note-1"
    chromium.wait_for(IN_VIEW.format(json.dumps("#note-1")))
    chromium.click("#note-1 a[role=doc-backlink]")
    assert chromium.wait_for("location.hash == '#ref-1' && location.hash") == "#ref-1"
    chromium.click("nav.languages a[hreflang='fr']")
    loaded(chromium, "/fr/brief.html")
    assert chromium.evaluate("document.documentElement.lang") == "fr"
    assert chromium.evaluate("document.querySelector('.download a').textContent") == (
        "Télécharger le PDF"
    )
    chromium.events.clear()
    chromium.click(".download a")
    chromium.wait_for("location.pathname.endsWith('/fr/brief.pdf')")
    opened = [
        e["params"]["frame"]
        for e in chromium.events
        if e.get("method") == "Page.frameNavigated"
        and "parentId" not in e["params"]["frame"]  # the tab itself, not the viewer's frames
    ]
    assert [(f["url"].rsplit("/out/", 1)[-1], f["mimeType"]) for f in opened] == [
        ("fr/brief.pdf", "application/pdf")  # Chromium opened it as a PDF
    ]
