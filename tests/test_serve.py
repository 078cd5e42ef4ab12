"""A translator previews the page while editing its PO: `locbrief serve`.

Real HTTP requests for what the server answers (and refuses); headless Chromium for what a
translator sees: a PO save on the open page without reloading by hand, each sentence's PO
reference on hover, a broken PO's one line over the last good page, Ctrl-C leaving nothing behind.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest
from lxml import html

from locbrief.catalog.template import assign_contexts
from locbrief.files import write_json
from locbrief.model import Block, Document, NoteRef
from locbrief.publish.page import choose_translations, render_page
from locbrief.publish.serve import PreviewServer, Served, merged, snapshot
from locbrief.run import _alive, _descendants, snakemake_processes
from locbrief.translate.segment import segment
from support import PUBLISHED_BRIEF as BRIEF
from support.serving import Serving, free_port, processes_in
from support.workflow import copy_workflow, workflow_env
from test_browser import Chromium

PAGE = f"/es_MX/{BRIEF}.html"
DEK = "The perils of making war on cartels"
HEADING = "Key points"


# ---------------------------------------------------------------- a small out/ and its server


def small_project(root: Path) -> Path:
    """out/es_MX/brief.html as the workflow writes it, build/brief/units.json and the PO; the
    same words as a sentence and as a heading (which gets a msgctxt), a sentence with quotes and
    markup."""
    doc = Document(
        "brief.txt",
        "brief",
        [
            Block("title", "title", ["A short title"]),
            Block("paragraph", "p1", ['Cartels grew "fast" & <b>far</b>.', NoteRef(1), " Again."]),
            Block("heading", "h-again", ["Again."], level=2),
            Block("endnote", "note-1", ["A report, 2025."], number=1),
        ],
    )
    units = assign_contexts(segment(doc))
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for context, msgid in dict.fromkeys(unit.key for unit in units):
        po.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgid.upper()))
    (root / "locales" / "es_MX" / "LC_MESSAGES").mkdir(parents=True)
    po.save(str(root / "locales" / "es_MX" / "LC_MESSAGES" / "brief.po"))
    write_json(root / "build" / "brief" / "units.json", [u.to_json() for u in units])
    chosen = choose_translations(units, po, "brief.po", {}, lambda entry: "reviewed")
    page = root / "out" / "es_MX" / "brief.html"
    page.parent.mkdir(parents=True)
    page.write_text(render_page(doc, units, chosen, "es_MX", ["en", "es_MX"]).html)
    (root / "config").mkdir()
    (root / "config" / "config.yaml").write_text("secret: do not serve\n")
    return page


@pytest.fixture
def server(tmp_path, monkeypatch):
    small_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    preview = PreviewServer(0, Served("en", ("es_MX",), ("brief",)))
    thread = threading.Thread(target=preview.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield preview
    preview.shutdown()
    preview.server_close()
    thread.join()


def get(server, path: str, host: str | None = None) -> tuple[int, bytes]:
    """One request with the path sent exactly as given (no client-side normalising)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


@pytest.mark.parametrize(
    "path",
    [
        "/../config/config.yaml",
        "/%2e%2e/config/config.yaml",
        "/%2E%2E/config/config.yaml",
        "/es_MX/../../config/config.yaml",
        "/es_MX/%2e%2e/%2e%2e/config/config.yaml",
        "/..%2fconfig%2fconfig.yaml",
        "/..%5cconfig%5cconfig.yaml",
        "/%252e%252e/config/config.yaml",
        "//etc/passwd",
        "/%c0%ae%c0%ae/config/config.yaml",
        "/outside/config.yaml",  # a symbolic link in out/ pointing out of it
        "/es_MX/brief.html%00.png",
    ],
)
def test_no_path_leads_out_of_out(server, path):
    (Path("out") / "outside").symlink_to(Path("config").resolve())
    status, body = get(server, path)
    assert status == 404
    assert b"do not serve" not in body


def test_a_page_carries_each_units_po_reference_only_as_served(server):
    on_disk = Path("out/es_MX/brief.html").read_bytes()
    status, body = get(server, "/es_MX/brief.html")
    assert status == 200
    assert Path("out/es_MX/brief.html").read_bytes() == on_disk  # out/ never changes
    assert b"data-msgid" not in on_disk and b"EventSource" not in on_disk
    page = html.fromstring(body)
    po = polib.pofile("locales/es_MX/LC_MESSAGES/brief.po")
    units = page.xpath("//*[@data-unit]")
    assert len(units) == 5  # the title, the paragraph's two sentences, the heading, the note
    for element in units:
        entry = po.find(element.get("data-msgid"), msgctxt=element.get("data-msgctxt"))
        assert entry is not None, element.get("data-msgid")
        assert element.get("data-po") == f"locales/es_MX/LC_MESSAGES/brief.po:{entry.linenum}"
    # the source's quotes and markup stay attribute text: nothing of a msgid becomes markup
    first = page.xpath("//p[@id='p1']/span[@data-unit]")[0]
    assert first.get("data-msgid").startswith('Cartels grew "fast" & <b>far</b>.')
    assert page.xpath("//b") == []
    # "Again." as a sentence and as a heading: two entries, the heading's with its msgctxt
    assert {e.get("data-msgctxt") for e in units if e.get("data-msgid") == "Again."} == {
        None,
        "heading",
    }
    assert b'<script id="locbrief-serve">' in body and body.rstrip().endswith(b"</html>")


def test_the_server_answers_only_to_its_own_address(server):
    assert server.server_address[0] == "127.0.0.1"
    status, _ = get(server, "/es_MX/brief.html", host=f"evil.example:{server.server_port}")
    assert status == 403  # a page of another site that had its name point here
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:  # no packet leaves: this only asks which address would face the network
            probe.connect(("192.0.2.1", 9))
            outward = probe.getsockname()[0]
        except OSError:  # no network at all: nothing else can reach the port
            outward = "127.0.0.1"
    if outward != "127.0.0.1":
        with pytest.raises(OSError):
            socket.create_connection((outward, server.server_port), timeout=2)


def test_a_missing_page_keeps_its_last_good_copy(server):
    """Snakemake removes a job's output before the job runs: the page stays readable meanwhile."""
    _, first = get(server, "/es_MX/brief.html")
    Path("out/es_MX/brief.html").unlink()
    status, again = get(server, "/es_MX/brief.html")
    assert (status, again) == (200, first)


TWO_BRIEFS = Served("en", ("en", "es_MX"), ("b1", "b2"))


@pytest.mark.parametrize(
    ("saved", "rebuilt"),
    [
        ("locales/es_MX/LC_MESSAGES/b1.po", ["out/es_MX/b1.html"]),
        ("locales/es_MX/termbase.tsv", ["out/es_MX/b1.html", "out/es_MX/b2.html"]),
        ("locales/pt_BR/LC_MESSAGES/b1.po", []),  # a language not served
        ("source/b2.txt", ["out/en/b2.html", "out/es_MX/b2.html"]),
        ("config/config.yaml", TWO_BRIEFS.pages()),
    ],
)
def test_a_save_rebuilds_only_the_pages_it_affects(saved, rebuilt):
    assert TWO_BRIEFS.affected(Path(saved)) == rebuilt


def test_what_the_stages_write_is_no_save(tmp_path, monkeypatch):
    """The memory, the template, Poedit's MO file and editors' temporaries start no rebuild."""
    monkeypatch.chdir(tmp_path)
    names = [
        "locales/es_MX/LC_MESSAGES/b1.po",
        "locales/es_MX/LC_MESSAGES/b1.mo",
        "locales/es_MX/LC_MESSAGES/.b1.po.swp",
        "locales/es_MX/LC_MESSAGES/b1.po~",
        "locales/es_MX/memory.jsonl",
        "locales/templates/b1.pot",
        "source/b1.txt",
        "config/config.yaml",
    ]
    for name in names:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("x")
    assert sorted(map(str, snapshot())) == [
        "config/config.yaml",
        "locales/es_MX/LC_MESSAGES/b1.po",
        "source/b1.txt",
    ]


def test_a_po_the_merge_has_read_is_no_save(tmp_path, monkeypatch):
    """The merge rewrites the PO during a rebuild (and writes its output after): no second
    rebuild for that. A save after the merge, a PO whose merge failed (no output), are saves."""
    monkeypatch.chdir(tmp_path)
    po, output = Path("locales/es_MX/LC_MESSAGES/b1.po"), Path("build/b1/es_MX.merge.json")
    for path in (po, output):
        path.parent.mkdir(parents=True)
        path.write_text("x")
    assert not merged(Path("locales/es_MX/termbase.tsv"))  # no merge reads it
    base = time.time_ns()
    for po_time, output_time, expected in [
        (base, base + 10**6, True),  # rewritten by the merge, then its output
        (base + 10**6, base, False),  # saved after the merge
        (base, base, False),  # the same tick (a coarse clock): a save, to be safe
    ]:
        os.utime(po, ns=(po_time, po_time))
        os.utime(output, ns=(output_time, output_time))
        assert merged(po) is expected
    output.unlink()
    assert not merged(po)


def serve_once(workdir, *args: str) -> subprocess.CompletedProcess:
    """`locbrief serve ARGS` where it is expected to refuse at once."""
    return subprocess.run(
        [sys.executable, "-m", "locbrief", "serve", *args],
        cwd=workdir,
        env=workflow_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_port_in_use_is_one_line_and_nothing_is_built(tmp_path):
    workdir = copy_workflow(tmp_path / "project", ["es_MX"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        run = serve_once(workdir, "--port", str(port))
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"locbrief: error: port {port} on 127.0.0.1 is in use (another `locbrief serve`, or "
        "another server); stop it or pick another port with --port N"
    ]
    assert not (workdir / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "de"], "config/config.yaml: --lang de: not a language of the config"),
        (["other-brief"], "other-brief: no such brief in source/ (briefs: no-gwot-narco)"),
        (["--port", "70000"], "--port 70000: not a port"),
    ],
)
def test_a_brief_language_or_port_it_cannot_serve_is_one_line(tmp_path, args, message):
    workdir = copy_workflow(tmp_path / "project", ["es_MX"])
    run = serve_once(workdir, *args)
    assert run.returncode == 1
    assert len(run.stderr.splitlines()) == 1 and message in run.stderr


def test_a_project_without_briefs_is_one_line(tmp_path):
    workdir = copy_workflow(tmp_path / "project", ["es_MX"])
    (workdir / "source" / f"{BRIEF}.txt").unlink()
    run = serve_once(workdir)
    assert run.returncode == 1
    assert run.stderr.startswith("locbrief: error: source: no briefs in source/; add a .txt")
    assert len(run.stderr.splitlines()) == 1 and not (workdir / "out").exists()


# ---------------------------------------------------------------- the real brief, in Chromium


@pytest.fixture(scope="module")
def preview_project(tmp_path_factory) -> Path:
    """A fresh clone's project in es_MX only; the first `serve` builds its page."""
    return copy_workflow(tmp_path_factory.mktemp("serve"), ["es_MX"])


@pytest.fixture
def browser(tmp_path):
    chromium = Chromium(tmp_path / "profile")
    yield chromium
    chromium.close()


def visit(browser, url: str) -> None:
    browser.events.clear()
    browser.send("Page.navigate", url=url)
    while not any(e.get("method") == "Page.loadEventFired" for e in browser.events):
        browser.events.append(json.loads(browser.socket.recv()))


def wait_until(browser, expression: str, seconds: float):
    """The expression's value once truthy; a page reloading meanwhile is waited out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = browser.evaluate(expression)
        except AssertionError:  # the page is between two documents
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never true within {seconds} s: {expression}")


def unit_text(msgid: str) -> str:
    return f"document.querySelector('[data-msgid={json.dumps(msgid)}]')?.textContent"


def save_msgstr(po: Path, translations: dict[str, str]) -> None:
    """What an editor does on save: the whole file written again with the new msgstrs."""
    catalog = polib.pofile(str(po))
    for msgid, msgstr in translations.items():
        catalog.find(msgid).msgstr = msgstr
    po.write_text(str(catalog), encoding="utf-8")


def serving(preview_project) -> Serving:
    """`locbrief serve --lang es_MX`, once its page is built (the first time: the whole brief)."""
    started = Serving(preview_project, "--lang", "es_MX")
    started.wait_for("serving http://", 900)
    return started


@pytest.mark.slow
def test_a_po_save_shows_on_the_open_page_by_itself_and_a_save_during_a_rebuild_too(
    browser, preview_project
):
    po = preview_project / "locales" / "es_MX" / "LC_MESSAGES" / f"{BRIEF}.po"
    with serving(preview_project) as server:
        visit(browser, server.url(PAGE))
        dek = f"document.querySelector('[data-msgid={json.dumps(DEK)}]')"
        assert browser.evaluate(f"{dek}.dataset.po").startswith(
            f"locales/es_MX/LC_MESSAGES/{BRIEF}.po:"
        )
        assert f'msgid "{DEK}"' in browser.evaluate(f"{dek}.title")  # what hovering shows
        server.wait_until_idle()  # the first build's runs are over, as when a translator starts
        new = f"Los peligros de hacerle la guerra a los cárteles ({time.time():.0f})"
        assert browser.evaluate(unit_text(DEK)) != new
        browser.evaluate("window.neverReloaded = true")
        saved = time.monotonic()
        save_msgstr(po, {DEK: new})
        wait_until(browser, f"{unit_text(DEK)} == {json.dumps(new)}", 120)
        shown = time.monotonic() - saved
        assert browser.evaluate("window.neverReloaded") is None  # the page reloaded by itself
        print(f"\nPO save → shown in Chromium: {shown:.2f} s")
        load = os.getloadavg()[0]
        assert shown < 3, f"the save took {shown:.2f} s to show (load average {load:.1f})"

        save_msgstr(po, {DEK: "Los riesgos de la guerra contra los cárteles"})
        deadline = time.monotonic() + 60
        while not snakemake_processes(preview_project) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert snakemake_processes(preview_project), "the save started no rebuild"
        save_msgstr(po, {HEADING: "Puntos clave"})  # while that rebuild runs
        wait_until(browser, f"{unit_text(HEADING)} == 'Puntos clave'", 120)
        assert browser.evaluate(unit_text(DEK)) == "Los riesgos de la guerra contra los cárteles"
        server.interrupt()
    on_disk = (preview_project / "out" / PAGE.lstrip("/")).read_text(encoding="utf-8")
    assert "Puntos clave" in on_disk
    assert "data-msgid" not in on_disk and "locbrief-serve" not in on_disk


@pytest.mark.slow
def test_a_broken_po_shows_its_one_line_over_the_last_good_page(browser, preview_project):
    po = preview_project / "locales" / "es_MX" / "LC_MESSAGES" / f"{BRIEF}.po"
    with serving(preview_project) as server:
        visit(browser, server.url(PAGE))
        good = po.read_text(encoding="utf-8")  # serve has built it by now, whatever ran before
        before = browser.evaluate(unit_text(DEK))
        po.write_text(good.replace(f'msgid "{HEADING}"', f'msgid "{HEADING}', 1), encoding="utf-8")
        overlay = "document.getElementById('locbrief-serve-error')?.textContent"
        line = wait_until(browser, overlay, 120)
        assert line.startswith("locbrief: error: ") and "\n" not in line
        where = re.search(rf"locales/es_MX/LC_MESSAGES/{BRIEF}\.po:\d+", line)
        assert where, line
        assert browser.evaluate(unit_text(DEK)) == before  # the last good page
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", PAGE)
        assert before in connection.getresponse().read().decode()
        # a page opened now shows it too
        visit(browser, server.url(PAGE))
        assert wait_until(browser, overlay, 10) == line
        po.write_text(good.replace(f'msgstr "{before}"', 'msgstr "Arreglado"', 1), encoding="utf-8")
        wait_until(browser, f"{unit_text(DEK)} == 'Arreglado'", 120)
        # the page reloads once its file is rewritten, and still shows the last run's failure
        # until this run is over (Snakemake winds down after the page job)
        wait_until(browser, "!document.getElementById('locbrief-serve-error')", 30)
        server.wait_until_idle()
        waiting = _descendants(server.process.pid)  # the next run's zygote, outside the folder
        assert waiting, "no zygote waits for the next save"
        stopped = server.interrupt()
    assert where.group(0) in server.output  # the terminal said it too
    assert stopped < 2, f"Ctrl-C took {stopped:.2f} s"
    assert processes_in(preview_project) == []
    assert not [pid for pid in waiting if _alive(pid)]


@pytest.mark.slow
def test_ctrl_c_during_a_rebuild_stops_everything_within_2_s(preview_project):
    po = preview_project / "locales" / "es_MX" / "LC_MESSAGES" / f"{BRIEF}.po"
    with serving(preview_project) as server:
        save_msgstr(po, {DEK: "Los peligros de la guerra"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            " page " in p or " merge " in p for p in processes_in(preview_project)
        ):
            time.sleep(0.02)
        assert processes_in(preview_project), "the save started no rebuild"
        stopped = server.interrupt()
    assert stopped < 2, f"Ctrl-C took {stopped:.2f} s"
    # every job was killed; the kernel may take a moment to tear them down on a loaded machine
    # (this VM's, under a load of 10 on 2 cores: up to 1.5 s for a killed `sleep | cat`)
    deadline = time.monotonic() + 3
    while processes_in(preview_project) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in(preview_project) == []
    assert snakemake_processes(preview_project) == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)
    assert os.path.exists(preview_project / "out" / PAGE.lstrip("/"))
