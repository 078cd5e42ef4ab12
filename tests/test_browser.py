"""A reader in a real browser: headless Chromium, driven over the DevTools protocol.

Clicking note marker 1 lands on endnote 1; its back link returns to the marker;
the page top is saved as screenshots (desktop and phone) under out/screenshots/
for people to look at; text from a PO file never runs as script.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import polib
import pytest
import websocket

from locbrief.model import Block, Document, NoteRef
from locbrief.publish.page import choose_translations, render_page, source_translations
from locbrief.read import read_source
from locbrief.translate.segment import segment
from support import DATA, REPO
from support import PUBLISHED_BRIEF as BRIEF

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    "--window-size=1280,900",
]
SCREENSHOTS = REPO / "out" / "screenshots"


class Chromium:
    """One headless Chromium with a fresh profile, and its first tab over a DevTools websocket."""

    def __init__(self, profile: Path):
        binary = shutil.which("chromium")
        if binary is None:
            pytest.fail("chromium is not installed; run `make test-tools`")
        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._port(profile / "DevToolsActivePort")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            target = next(t for t in json.load(response) if t["type"] == "page")
        self.socket = websocket.create_connection(
            target["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.next_id = 0
        self.events: list[dict] = []
        self.send("Page.enable")

    def _port(self, active_port: Path) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if active_port.exists() and active_port.read_text().strip():
                return int(active_port.read_text().split()[0])
            if self.process.poll() is not None:
                pytest.fail(f"chromium exited with status {self.process.returncode}")
            time.sleep(0.1)
        pytest.fail("chromium did not open its DevTools port within 30 s")

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message["error"]
                return message.get("result", {})
            self.events.append(message)

    def open(self, path: Path) -> None:
        self.events.clear()
        self.send("Page.navigate", url=path.resolve().as_uri())
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(json.loads(self.socket.recv()))

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the element, scrolled into view first."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            "return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box["x"],
                y=box["y"],
                button="left",
                clickCount=1,
            )

    def wait_for(self, expression: str, seconds: float = 10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"never true: {expression}")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])
        )

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def chromium(tmp_path):
    browser = Chromium(tmp_path / "profile")
    yield browser
    browser.close()


# Within a pixel: text in another language (the machine-translation tag) may lay out a
# fraction of a pixel apart, and the browser then scrolls the target to top -0.05.
IN_VIEW = (
    "(() => {{ const r = document.querySelector({0}).getBoundingClientRect();"
    " return r.top >= -1 && r.bottom <= innerHeight + 1; }})()"
)


@pytest.mark.slow
def test_a_reader_follows_note_1_and_comes_back(chromium, real_pages):
    page = real_pages / "out" / "es_MX" / f"{BRIEF}.html"
    chromium.open(page)
    assert chromium.evaluate("document.documentElement.lang") == "es-MX"
    chromium.click("#ref-1")
    assert chromium.wait_for("location.hash") == "#note-1"
    chromium.wait_for(IN_VIEW.format(json.dumps("#note-1")))
    assert "15 de mayo de 2025" in chromium.evaluate(
        "document.querySelector('#note-1').textContent"
    )
    chromium.click("#note-1 a[role=doc-backlink]")
    assert chromium.wait_for("location.hash == '#ref-1' && location.hash") == "#ref-1"
    chromium.wait_for(IN_VIEW.format(json.dumps("#ref-1")))


@pytest.mark.slow
def test_the_page_top_reads_well_on_a_desktop_and_a_phone(chromium, real_pages):
    page = real_pages / "out" / "es_MX" / f"{BRIEF}.html"
    chromium.open(page)
    chromium.evaluate("window.scrollTo(0, 0)")
    chromium.screenshot(SCREENSHOTS / "es_MX-desktop-top.png")
    chromium.send(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=2,
        mobile=True,
    )
    chromium.open(page)
    chromium.screenshot(SCREENSHOTS / "es_MX-phone-top.png")
    # nothing wider than the phone: no sideways scrolling, long endnote URLs wrap
    assert chromium.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert (SCREENSHOTS / "es_MX-phone-top.png").stat().st_size > 10_000


def test_markup_in_a_translation_shows_as_text_and_never_runs(chromium, tmp_path):
    doc = Document(
        "brief.txt",
        "brief",
        [
            Block("title", "title", ["A safe title"]),
            Block("paragraph", "p1", ["The cartels grew.", NoteRef(1)]),
            Block("endnote", "note-1", ["A report, 2025."], number=1),
        ],
    )
    units = segment(doc)
    po = polib.POFile()
    attacks = {
        "A safe title": 'Título <img src=x onerror="window.pwned=1">',
        "The cartels grew.{0}": "Los cárteles <script>window.pwned=2</script> crecieron.{0}",
        "A report, 2025.": 'Un informe" onmouseover="window.pwned=3", 2025.',
    }
    for unit in units:
        po.append(polib.POEntry(msgid=unit.msgid, msgstr=attacks[unit.msgid]))
    chosen = choose_translations(units, po, "es_MX.po", {}, lambda entry: "reviewed")
    page = tmp_path / "es_MX" / "brief.html"
    page.parent.mkdir()
    page.write_text(
        render_page(doc, units, chosen, "es_MX", ["en", "es_MX"]).html, encoding="utf-8"
    )
    chromium.open(page)
    time.sleep(0.3)  # give an injected onerror time to fire
    assert chromium.evaluate("window.pwned === undefined")
    # the one script element is JSON-LD data, where the title is a JSON string, not markup
    assert (
        chromium.evaluate(
            "[...document.scripts].filter(s => s.type != 'application/ld+json').length"
            " + document.images.length"
        )
        == 0
    )
    assert (
        chromium.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text).headline"
        )
        == 'Título <img src=x onerror="window.pwned=1">'
    )
    assert chromium.evaluate("document.title") == 'Título <img src=x onerror="window.pwned=1">'
    assert "<script>window.pwned=2</script>" in chromium.evaluate(
        "document.querySelector('#p1').textContent"
    )
    assert chromium.evaluate(
        "[...document.querySelectorAll('*')].every(e => ![...e.attributes]"
        ".some(a => a.name.startsWith('on')))"
    )


#: What a hostile translator writes for tests/data/hostile.html: a swapped note URL, a tag the
#: source sentence does not have, markup in a title.
HOSTILE_MSGSTRS = {
    "Hostile brief": 'Título <img src=x onerror="window.pwned=1">',
    "Write {0}this{1} next to <a1>a real link</a1> and <a2>a bad one</a2>.{2}": (
        "Escriba {0}esto{1} junto a <a1>un enlace real</a1> y <a2>uno malo</a2>.{2}"
    ),
    "Literal bold?": "¿Negrita literal?",
    "and {{0}} and {0}x{1} and <q1>a quote</q1>.": (
        'y {{0}} y {0}x{1} y <q1>una cita</q1> <a1 href="https://evil.example/">aquí</a1>.'
    ),
    "A report, 2025, https://example.org/report.": "Un informe, 2025, https://evil.example/report.",
    "Drawn: {0} and {1}.": "Dibujo: {0} y {1}.",
    "Remote <img1/> and <img2/> and <img3/> and <a4>elsewhere</a4> and the code ZX0QZ.": (
        "Remota <img1/> y <img2/> y <img3/> y <a4>en otra parte</a4> y el código ZX0QZ."
    ),
    "chart": "gráfica",
    "local": "local",
}
#: The only links the pages may carry: the source's (a protocol-relative one made https, remote
#: images as links), the notes' and the language switch.
SOURCE_LINKS = {
    "https://example.org/real",
    "https://example.org/report",
    "https://evil.example/x",
    "http://127.0.0.1:9/tracker.png",
    "https://127.0.0.1:9/pixel.png",
}


def hostile_pages(folder) -> dict:
    """tests/data/hostile.html as its en page and an es_MX page of the translator's msgstrs."""
    doc = read_source(str(DATA / "hostile.html"))
    units = segment(doc)
    po = polib.POFile()
    for unit in units:
        po.append(polib.POEntry(msgid=unit.msgid, msgstr=HOSTILE_MSGSTRS[unit.msgid]))
    pages = {
        "en": source_translations(units),
        "es_MX": choose_translations(units, po, "es_MX.po", {}, lambda entry: "reviewed"),
    }
    written = {}
    for lang, chosen in pages.items():
        page = written[lang] = folder / lang / "hostile.html"
        page.parent.mkdir()
        page.write_text(
            render_page(doc, units, chosen, lang, ["en", "es_MX"]).html, encoding="utf-8"
        )
    return written


@pytest.mark.slow
def test_text_that_looks_like_markup_stays_text_and_links_come_only_from_the_source(
    chromium, tmp_path
):
    for lang, page in hostile_pages(tmp_path).items():
        chromium.open(page)
        hrefs = chromium.evaluate(
            "[...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'))"
        )
        own_files = {page.name, page.with_suffix(".pdf").name}  # canonical link, Download PDF
        external = {h for h in hrefs if not h.startswith(("#", "../")) and h not in own_files}
        assert external <= SOURCE_LINKS, f"{lang}: {external - SOURCE_LINKS}"
        assert "https://example.org/real" in external
        assert chromium.evaluate("document.querySelectorAll('[cite], [src]').length") == 0
        paragraph = chromium.evaluate("document.querySelector('#p-1').textContent")
        assert ("<a1>this</a1>" if lang == "en" else "<a1>esto</a1>") in paragraph
        assert chromium.evaluate("document.querySelectorAll('#p-1 a[href^=http]').length") == 1
        chromium.click("#p-1 a:not([href])")  # the source's javascript: link, now plain words
        time.sleep(0.2)
        assert chromium.evaluate("window.pwned === undefined")
        assert (
            chromium.evaluate(
                "[...document.scripts].filter(s => s.type != 'application/ld+json').length"
                " + [...document.images].filter(i => i.hasAttribute('src')).length"
            )
            == 0  # the image whose path climbed out of the site keeps its alt text, no src
        )
        assert "{0}" in chromium.evaluate("document.querySelector('#p-2').textContent")
    # the token-shaped words of the source are the source's words on both pages
    assert "ZX0QZ" in chromium.evaluate("document.querySelector('#p-4').textContent")
    # the translated note shows the translator's URL as words, never as a link
    assert "https://evil.example/report" in chromium.evaluate(
        "document.querySelector('#note-1').textContent"
    )


#: A page's links in document order: HTML and SVG links, whatever their href became.
ALL_LINKS = "[...document.querySelectorAll('a, [href]')]"


@pytest.mark.slow
def test_clicking_every_link_of_a_hostile_page_runs_no_script(chromium, tmp_path):
    """Animated SVG links, event handlers, foreignObject, MathML links: whatever the source
    tried, a reader's click on any link of the en and es_MX pages runs nothing."""
    for page in hostile_pages(tmp_path).values():
        chromium.open(page)
        time.sleep(0.3)  # the source's animations start at 0 s; give them time to set attributes
        count = chromium.evaluate(f"{ALL_LINKS}.length")
        assert chromium.evaluate("document.querySelectorAll('svg a').length") >= 2
        assert (
            chromium.evaluate(
                "document.querySelectorAll('animate, set, foreignObject, image, [onload]').length"
            )
            == 0
        )
        for index in range(count):
            chromium.open(page)
            time.sleep(0.1)
            box = chromium.evaluate(
                f"(() => {{ const e = {ALL_LINKS}[{index}]; e.scrollIntoView({{block: 'center'}});"
                " const r = e.getBoundingClientRect(); return [r.width * r.height, e.outerHTML]; })()"
            )
            if box[0] == 0:
                continue  # a link with no box (in <head>): nothing a reader can click
            chromium.evaluate(f"{ALL_LINKS}[{index}].setAttribute('data-click', '1')")
            chromium.click("[data-click]")
            time.sleep(0.2)
            same_page = chromium.evaluate(
                f"location.href.split('#')[0] == {json.dumps(page.as_uri())}"
            )
            assert not same_page or chromium.evaluate("window.pwned === undefined"), box[1]


def test_the_review_page_fits_a_1280_pixel_window_with_the_status_column_visible(
    chromium, tmp_path
):
    """The real brief's review page (long endnote URLs included) at the browser's 1280 px."""
    from locbrief.catalog.pofile import read_po
    from locbrief.catalog.status import unit_status
    from locbrief.catalog.template import assign_contexts
    from locbrief.read import read_source
    from locbrief.review.review import render_review, review_rows
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase

    doc = read_source(REPO / "source" / f"{BRIEF}.txt")
    units = assign_contexts(segment(doc))
    po = read_po(REPO / "locales" / "es_MX" / "LC_MESSAGES" / f"{BRIEF}.po")
    memory = Memory(REPO / "locales" / "es_MX" / "memory.jsonl")
    rows = review_rows(doc, units, po, lambda entry: unit_status(entry, memory), [])
    termbase = load_termbase(REPO / "locales" / "es_MX" / "termbase.tsv")
    page = tmp_path / "review.html"
    page.write_text(render_review(doc, rows, "es_MX", termbase), encoding="utf-8")
    chromium.open(page)
    assert chromium.evaluate("innerWidth") == 1280
    assert chromium.evaluate("document.documentElement.scrollWidth <= innerWidth")
    status_header = chromium.evaluate(
        "(() => { const r = [...document.querySelectorAll('th')].find(t => "
        "t.textContent == 'status').getBoundingClientRect(); return [r.left, r.right]; })()"
    )
    assert status_header[0] > 0 and status_header[1] <= 1280
    widest_status = chromium.evaluate(
        "Math.max(...[...document.querySelectorAll('tr[id] td:nth-child(5)')]"
        ".map(td => td.getBoundingClientRect().right))"
    )
    assert widest_status <= 1280
    chromium.screenshot(SCREENSHOTS / "es_MX-review-1280.png")
    assert (SCREENSHOTS / "es_MX-review-1280.png").stat().st_size > 10_000
