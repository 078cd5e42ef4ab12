"""A hostile source stays inert: the build reads no network and no file outside the project,
writes no key anywhere, and a page nested too deep is refused in one line, never cut short."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import DATA
from support.faults import small_project
from support.workflow import workflow_env

#: A 1×1 PNG: what the trap server answers, what the allowed images are.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
#: The key a test plants in the environment; no file a run writes may contain it.
PLANTED_KEY = "planted-key-8c1e5d"


@pytest.fixture
def trap():
    """A local HTTP server that records every request: a build must send it none."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.hits = hits
    server.address = f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()


def locbrief(cwd: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "locbrief", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=workflow_env(),
    )


def nested(depth: int) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Deep</title></head><body><article>"
        "<h1>Deep</h1><p>Top.</p>" + "<div>" * depth + "<p>Bottom text.</p>" + "</div>" * depth
        + "</article></body></html>"
    )  # fmt: skip


# ---------------------------------------------------------------- the PDF reads only the project


def test_the_pdf_reads_only_data_urls_and_files_of_the_project(tmp_path, trap):
    project, outside = tmp_path / "project", tmp_path / "outside.png"
    outside.write_bytes(PIXEL)
    page = project / "out" / "en" / "p.html"
    page.parent.mkdir(parents=True)
    (page.parent / "own.png").write_bytes(PIXEL)
    data = "data:image/png;base64," + base64.b64encode(PIXEL).decode()
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><title>P</title>"
        f"<link rel='stylesheet' href='http://{trap.address}/style.css'>"
        f"<style>body {{ background: url(http://{trap.address}/bg.png) }}</style></head><body>"
        f"<p>Remote <img src='http://{trap.address}/tracker.png'> and"
        f" <img src='//{trap.address}/pixel.png'> and <img src='file:///etc/hostname'> and"
        f" <img src='../../../outside.png'> and <img src='{data}'> and <img src='own.png'>.</p>"
        f"<svg width='10' height='10'><image href='http://{trap.address}/svg.png' width='10'"
        " height='10'/></svg></body></html>",
        encoding="utf-8",
    )
    trace = tmp_path / "trace"
    done = locbrief(
        project,
        "pdf",
        "out/en/p.html",
        "-o",
        "out/en/p.pdf",
        prefix=("strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", str(trace)),
    )
    assert done.returncode == 0, done.stderr
    assert trap.hits == []
    opened = trace.read_text(encoding="utf-8", errors="replace")
    assert "/etc/hostname" not in opened and str(outside) not in opened
    assert "own.png" in opened  # the check itself sees what the fetcher does open
    for refused in (f"http://{trap.address}/tracker.png", "file:///etc/hostname", "outside.png"):
        assert any(
            "the PDF does not fetch" in line and refused in line
            for line in done.stderr.splitlines()
        ), refused
    images = subprocess.run(
        ["pdfimages", "-list", str(page.with_suffix(".pdf"))], capture_output=True, text=True
    )
    kinds = [line.split()[2] for line in images.stdout.splitlines()[2:]]
    assert kinds.count("image") == 2  # the data: image and own.png only


# ---------------------------------------------------------------- depth


@pytest.mark.parametrize("depth", [150, 400])
def test_a_page_nested_deeper_than_the_reader_reads_is_refused_in_one_line(tmp_path, depth):
    (tmp_path / "deep.html").write_text(nested(depth), encoding="utf-8")
    done = locbrief(tmp_path, "read", "deep.html", "-o", "deep.json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert f"deep.html: the page nests its elements {depth + 3} deep" in done.stderr
    assert not (tmp_path / "deep.json").exists()


def test_a_page_within_the_limit_is_read_to_its_last_word(tmp_path):
    (tmp_path / "deep.html").write_text(nested(90), encoding="utf-8")
    done = locbrief(tmp_path, "read", "deep.html", "-o", "deep.json")
    assert done.returncode == 0, done.stderr
    assert "Bottom text." in (tmp_path / "deep.json").read_text(encoding="utf-8")


def test_the_pdf_step_refuses_a_page_too_deep_for_it_in_one_line(tmp_path):
    page = tmp_path / "out" / "en" / "deep.html"
    page.parent.mkdir(parents=True)
    page.write_text(nested(300), encoding="utf-8")
    done = locbrief(tmp_path, "pdf", "out/en/deep.html", "-o", "out/en/deep.pdf")
    assert done.returncode == 1 and "RecursionError" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "the page nests its elements 303 deep; the PDF step lays out at most" in done.stderr


# ---------------------------------------------------------------- a whole run of a hostile brief


@pytest.mark.slow
def test_a_run_of_a_hostile_brief_fetches_nothing_and_writes_no_key(tmp_path, trap):
    """The hostile page (remote images, SVG image and paint from a server, a theme whose CSS
    points at it) through `locbrief run` with a planted engine key: no request, no key written."""
    project = small_project(tmp_path / "project")
    source = (DATA / "hostile.html").read_text(encoding="utf-8")
    (project / "source" / "wordpress-guns.html").write_text(
        source.replace("127.0.0.1:9", trap.address), encoding="utf-8"
    )
    theme = project / "theme"
    theme.mkdir()
    print_css = Path(__file__).parents[1] / "src/locbrief/publish/templates/print.css"
    shutil.copy2(print_css, theme / "print.css")
    with open(theme / "print.css", "a", encoding="utf-8") as css:
        css.write(f"\nbody {{ background: url(http://{trap.address}/theme.png); }}\n")
    config = project / "config" / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "engine: pseudo", "engine: [libretranslate, pseudo]"
        )
        + "engines:\n  libretranslate: {url: 'http://127.0.0.1:9', timeout: 2, retries: 0}\n"
        + "site: {theme: theme}\n",
        encoding="utf-8",
    )
    env_key = {"LIBRETRANSLATE_API_KEY": PLANTED_KEY}
    done = subprocess.run(
        [sys.executable, "-m", "locbrief", "run", "--cores", "2"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**workflow_env(), **env_key},
    )
    assert done.returncode == 0, done.stderr
    assert trap.hits == []
    assert (project / "out" / "es_MX" / "wordpress-guns.pdf").exists()
    written = [p for p in project.rglob("*") if p.is_file()]
    assert len(written) > 20
    for path in written:
        assert PLANTED_KEY.encode() not in path.read_bytes(), path
    assert PLANTED_KEY not in done.stdout + done.stderr
    pdf_log = (project / "logs" / "wordpress-guns" / "en.pdf.log").read_text(encoding="utf-8")
    assert f"the PDF does not fetch http://{trap.address}/theme.png" in pdf_log


def test_past_the_depth_check_weasyprint_running_out_of_stack_is_still_one_line(
    tmp_path, monkeypatch
):
    from locbrief.model import LocbriefError
    from locbrief.publish import pdf
    from locbrief.publish.theme import Site

    monkeypatch.setattr(pdf, "PDF_MAX_DEPTH", 10_000)
    page = tmp_path / "out" / "en" / "deep.html"
    page.parent.mkdir(parents=True)
    page.write_text(nested(400), encoding="utf-8")
    with pytest.raises(LocbriefError, match="nested too deep for the PDF step"):
        pdf.render_pdf(page, page.with_suffix(".pdf"), Site())
    assert list(page.parent.iterdir()) == [page]  # no PDF, no temporary file


def test_relative_links_of_a_page_that_names_its_address_become_absolute_there(tmp_path):
    """On our page a source's relative link would point into out/; where the source says where
    it lived (canonical link, <base>, og:url), links and images resolve against that address."""
    from locbrief.publish.page import render_page, source_translations
    from locbrief.read import read_source
    from locbrief.translate.segment import segment

    source = tmp_path / "brief.html"
    source.write_text(
        "<!DOCTYPE html><html lang='en'><head><title>T</title>"
        "<link rel='canonical' href='https://example.org/briefs/brief.html'></head><body>"
        "<article><h1>T</h1><p>See <a href='../about.html'>about</a>, <a href='#t'>top</a> and"
        " <img src='chart.png' alt='the chart'>.</p><figure><img src='/img/map.png' alt='A map'>"
        "</figure></article></body></html>",
        encoding="utf-8",
    )
    doc = read_source(str(source))
    units = segment(doc)
    html = render_page(doc, units, source_translations(units), "en", ["en"]).html
    assert 'href="https://example.org/about.html"' in html
    assert 'href="https://example.org/briefs/chart.png"' in html  # an image there: a link to it
    assert 'href="https://example.org/img/map.png"' in html
    assert "<img" not in html and 'href="#t"' in html


def test_no_message_quotes_a_url_with_its_credentials(capsys):
    """Whatever an engine or a stage quotes in a message, the line printed loses the credentials."""
    from locbrief.console import configure_logging, log

    configure_logging()
    log.error(
        "libretranslate: no answer from http://apikey:s3cret@127.0.0.1:5000/translate (timed out)"
    )
    log.warning("deepl: https://api.deepl.com/v2/translate?auth_key=s3cret&x=1 answered 500")
    err = capsys.readouterr().err
    assert "s3cret" not in err and "apikey" not in err
    assert (
        "http://127.0.0.1:5000/translate" in err and "https://api.deepl.com/v2/translate?x=1" in err
    )
