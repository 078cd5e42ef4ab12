"""``locbrief serve``: out/ on 127.0.0.1 while a translator works, rebuilt through the workflow.

A translator saves a PO file in Poedit; the page that shows it is rebuilt by the same Snakemake
run ``make run`` starts (:func:`locbrief.run.run`, targeting only the pages the change affects),
and every open page reloads itself through server-sent events. What the preview adds (the reload
script, the error overlay, each sentence's PO reference) goes into the bytes as they are served,
never into out/: the files stay what ``make run`` writes. Standard library only: http.server, and
a watcher that polls the modification times and sizes of a few dozen files.
"""

from __future__ import annotations

import errno
import hashlib
import html
import json
import logging
import mimetypes
import queue
import re
import signal
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from stat import S_ISREG
from urllib.parse import unquote, urlsplit

from locbrief.model import LocbriefError

log = logging.getLogger("locbrief")

#: The only address the preview listens on: it is for the person at this machine.
HOST = "127.0.0.1"
#: What the preview serves and what it watches (the workflow's inputs a person edits).
OUT = Path("out")
WATCHED = ("source", "locales", "config")
#: Seconds between two looks at the watched files (a look at the seed's 15 files: 1 ms).
POLL_SECONDS = 0.1
#: The preview's own URLs; no file of out/ can have this name (out/ holds languages).
EVENTS_URL = "/__locbrief/events"
#: Seconds between two keep-alive comments on an idle event stream.
KEEPALIVE_SECONDS = 15
#: Seconds a rebuild stopped by Ctrl-C gets to end before it is killed: the preview is gone
#: within 2 s (every write is atomic, and the next run redoes a killed job).
STOP_GRACE = 0.2
#: Exit statuses of a run stopped by Ctrl-C, SIGTERM or SIGHUP (128 + the signal).
STOPPED = {128 + s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
#: Files in the watched folders that are no one's input: editors' and locbrief's temporaries,
#: the memory the stages write, the MO files Poedit compiles (and, by folder, the templates
#: segment writes: see :func:`snapshot`).
IGNORED_NAMES = re.compile(r"^\.|~$|\.(swp|swx|tmp|mo)$|^memory\.jsonl$|^4913$")


# ---------------------------------------------------------------- what is served


@dataclass(frozen=True)
class Served:
    """The pages this preview builds: its briefs × languages (the source language first)."""

    source_lang: str
    langs: tuple[str, ...]
    briefs: tuple[str, ...]

    def pages(self) -> list[str]:
        return [page_of(lang, brief) for brief in self.briefs for lang in self.langs]

    def affected(self, path: Path) -> list[str]:
        """The served pages a change to ``path`` (relative to the project) may change."""
        parts = path.parts
        if parts[0] == "locales" and len(parts) == 4 and parts[2] == "LC_MESSAGES":
            wanted = [page_of(parts[1], path.stem)]  # one PO: one page
        elif parts[0] == "locales":
            wanted = [page_of(parts[1], brief) for brief in self.briefs]
        elif parts[0] == "source":
            wanted = [page_of(lang, path.stem) for lang in self.langs]
        else:  # config/: the languages, engines and the site's look
            wanted = self.pages()
        return [page for page in self.pages() if page in wanted]


def page_of(lang: str, brief: str) -> str:
    """The page the workflow writes for a language and brief (its ``page`` rule's output)."""
    return f"{OUT}/{lang}/{brief}.html"


def plan(config_path: str, brief: str | None = None, lang: str | None = None) -> Served:
    """What to serve, from the config and source/; a brief or language it lacks is one line."""
    from locbrief.config import find_briefs, load_config

    config = load_config(config_path)
    briefs = list(find_briefs(config, "source", config_path))
    langs = [config["source_language"], *config["languages"]]
    if brief is not None and brief not in briefs:
        raise LocbriefError(
            f"{brief}: no such brief in source/ (briefs: {', '.join(briefs) or 'none'}); "
            "name one of them or drop the argument"
        )
    if lang is not None and lang not in langs:
        raise LocbriefError(
            f"--lang {lang}: not a language of the config (languages: {', '.join(langs)})",
            config_path,
        )
    return Served(
        config["source_language"],
        tuple([lang] if lang else langs),
        tuple([brief] if brief else briefs),
    )


# ---------------------------------------------------------------- watching


def snapshot(roots=WATCHED) -> dict[Path, tuple[int, int]]:
    """(modification time, size) of every watched file: a change to either is a save."""
    stamps = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if IGNORED_NAMES.search(path.name) or path.parts[:2] == ("locales", "templates"):
                continue
            try:
                stat = path.stat()
            except OSError:  # gone meanwhile
                continue
            if S_ISREG(stat.st_mode):
                stamps[path] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def changes(before: dict, after: dict) -> list[Path]:
    """Files saved, created or deleted between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def merged(path: Path) -> bool:
    """Whether ``path`` is a translator's PO that the merge has read as it is now: its output
    (build/<brief>/<lang>.merge.json, written after the merge rewrites the PO) is newer. Such a
    change is the merge's own rewrite during the last rebuild, or a save the page job read after
    it; Snakemake, deciding by the same times, would find nothing to do (a failed merge leaves no
    output, so a save it refused is still a change)."""
    parts = path.parts
    if not (len(parts) == 4 and parts[0] == "locales" and parts[2] == "LC_MESSAGES"):
        return False
    po, output = _stamp(path), _stamp(Path("build", path.stem, f"{parts[1]}.merge.json"))
    return po is not None and output is not None and po[0] < output[0]


def outdated_by(path: Path) -> list[Path]:
    """Outputs of the jobs that read ``path`` and write later: a save while such a job ran is
    older than its output, so Snakemake would take the output as current. Removing it makes the
    next run redo the job. (A PO needs none: the page job reads it again after the merge.)"""
    parts = path.parts
    if parts[0] == "source":
        return [Path("build", path.stem, "document.json")]
    if parts[0] == "locales" and "LC_MESSAGES" not in parts:
        return sorted(Path("build").glob(f"*/{parts[1]}.suggestions.json"))
    if parts[0] == "config":
        return sorted(Path("build").glob("*/units.json"))
    return []


# ---------------------------------------------------------------- events to open pages


class Events:
    """Server-sent events to every open page: ``reload`` (paths), ``failed`` (a line), ``ok``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._streams: set[queue.Queue] = set()
        self.failure: str | None = None

    def subscribe(self) -> queue.Queue:
        stream: queue.Queue = queue.Queue()
        with self._lock:
            if self.failure:  # a page opened after a failed rebuild shows it at once
                stream.put(("failed", self.failure))
            self._streams.add(stream)
        return stream

    def unsubscribe(self, stream: queue.Queue) -> None:
        with self._lock:
            self._streams.discard(stream)

    def send(self, kind: str, data) -> None:
        with self._lock:
            if kind == "failed":
                self.failure = data
            elif kind == "ok":
                self.failure = None
            for stream in self._streams:
                stream.put((kind, data))

    def close(self) -> None:
        with self._lock:
            for stream in self._streams:
                stream.put(None)


# ---------------------------------------------------------------- what a served page carries


@dataclass(frozen=True)
class Reference:
    """Where a translator finds a unit: the PO file (and line) and the entry's msgctxt/msgid."""

    po: str
    msgctxt: str | None
    msgid: str

    def attributes(self) -> str:
        """As attributes of the unit's element, every value escaped (msgids are untrusted text)."""
        pairs = [("data-po", self.po), ("data-msgid", self.msgid)]
        if self.msgctxt is not None:
            pairs.append(("data-msgctxt", self.msgctxt))
        return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in pairs)


def reference_files(lang: str, brief: str, source_lang: str) -> tuple[Path, Path]:
    """The units JSON under build/ and the PO a page's units are found in (the template for
    the source-language page)."""
    po = (
        Path("locales") / "templates" / f"{brief}.pot"
        if lang == source_lang
        else Path("locales") / lang / "LC_MESSAGES" / f"{brief}.po"
    )
    return Path("build") / brief / "units.json", po


def references(units_json: Path, po: Path) -> dict[str, Reference]:
    """Each unit of a page by its hook (:data:`locbrief.publish.page.UNIT_ATTR`). A PO that does
    not parse (a save in progress, a syntax error) still gives the msgids, without lines."""
    from locbrief.catalog.pofile import entry_key, read_po
    from locbrief.files import load_units
    from locbrief.publish.page import unit_ref

    units = load_units(str(units_json))
    try:
        lines = {entry_key(e): e.linenum for e in read_po(po) if not e.obsolete}
    except LocbriefError:
        lines = {}
    return {
        unit_ref(u): Reference(
            f"{po}:{lines[u.key]}" if u.key in lines else str(po), u.context, u.msgid
        )
        for u in units
    }


#: A unit's hook inside a start tag (text cannot hold a raw ``<``, so this is always markup).
_UNIT_HOOK = re.compile(r'<[a-zA-Z][^<>]*?\sdata-unit="([^"<>]*)"')

#: What every served page gets before ``</body>``: the reload and overlay client, the hover
#: reference. Text reaches the page only through textContent, dataset and title, never markup.
CLIENT = """<style id="locbrief-serve-style">
#locbrief-serve-error{position:fixed;top:0;left:0;right:0;z-index:2147483647;margin:0;
padding:.75em 1em;background:#8b0000;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap}
[data-msgid]:hover{outline:1px dashed #888;cursor:help}
</style>
<script id="locbrief-serve">(() => {
  const here = decodeURIComponent(location.pathname).replace(/\\/$/, "/index.html");
  const show = (line) => {
    let box = document.getElementById("locbrief-serve-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "locbrief-serve-error";
      box.setAttribute("role", "alert");
      document.body.append(box);
    }
    box.textContent = line;
  };
  const hide = () => document.getElementById("locbrief-serve-error")?.remove();
  for (const unit of document.querySelectorAll("[data-msgid]")) {
    const context = unit.dataset.msgctxt;
    unit.title = [unit.title, unit.dataset.po,
      context === undefined ? "" : "msgctxt " + JSON.stringify(context),
      "msgid " + JSON.stringify(unit.dataset.msgid)].filter(Boolean).join("\\n");
  }
  document.addEventListener("click", (event) => {
    const unit = event.altKey && event.target.closest("[data-msgid]");
    if (unit && navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(unit.dataset.msgid);
    }
  });
  const events = new EventSource("EVENTS_URL");
  events.addEventListener("reload", (e) => JSON.parse(e.data).includes(here) && location.reload());
  events.addEventListener("failed", (e) => show(JSON.parse(e.data)));
  events.addEventListener("ok", hide);
})();</script>
""".replace("EVENTS_URL", EVENTS_URL)


def inject(page: bytes, refs: dict[str, Reference]) -> bytes:
    """The served bytes of a page: each unit's reference on its element, the client before
    ``</body>`` (at the end where a page has none)."""
    text = page.decode("utf-8", errors="replace")
    text = _UNIT_HOOK.sub(
        lambda m: m.group(0) + (refs[m.group(1)].attributes() if m.group(1) in refs else ""), text
    )
    end = text.lower().rfind("</body>")
    end = len(text) if end < 0 else end
    return (text[:end] + CLIENT + text[end:]).encode("utf-8")


# ---------------------------------------------------------------- the server


class PreviewServer(ThreadingHTTPServer):
    """out/ over HTTP on 127.0.0.1, with the last good copy of each page kept in memory: while
    a page job runs (Snakemake removes its output first) or after one failed, readers get it."""

    daemon_threads = True

    def __init__(self, port: int, served: Served):
        if not 0 <= port <= 65535:
            raise LocbriefError(f"--port {port}: not a port; give one from 1 to 65535")
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise LocbriefError(
                    f"port {port} on {HOST} is in use (another `locbrief serve`, or another "
                    "server); stop it or pick another port with --port N"
                ) from None
            raise LocbriefError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
        self.root = OUT.resolve()
        self.served = served
        self.events = Events()
        self.last_good: dict[Path, bytes] = {}
        #: (units JSON, PO) → their (mtime, size) when read, and the references read from them
        self._references: dict[tuple[Path, Path], tuple] = {}
        self.hosts = {f"{HOST}:{self.server_port}", f"localhost:{self.server_port}"}

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.server_port}{path}"

    def resolve(self, url_path: str) -> Path | None:
        """The file under out/ a URL path names, or None for anything that leads elsewhere:
        ``..`` segments (also percent-encoded), backslashes, NUL, hidden files, symbolic links
        pointing out of out/."""
        try:
            path = unquote(url_path, errors="strict")
        except UnicodeDecodeError:
            return None
        if not path.startswith("/") or "\\" in path or "\0" in path:
            return None
        parts = [part for part in path.split("/") if part]
        if any(part.startswith(".") for part in parts):
            return None
        candidate = self.root.joinpath(*parts)
        if candidate.is_dir() or path.endswith("/"):
            candidate = candidate / "index.html"
        real = candidate.resolve()
        return real if real.is_relative_to(self.root) else None

    def page_bytes(self, file: Path) -> bytes | None:
        """A file's bytes; for a page missing now, its last good copy."""
        try:
            data = file.read_bytes()
        except OSError:
            return self.last_good.get(file) if file.suffix == ".html" else None
        if file.suffix == ".html":
            self.last_good[file] = data
        return data

    def served_page(self, file: Path, data: bytes) -> bytes:
        """A page as served: with its units' references (where build/ has its units) and the client."""
        relative = file.relative_to(self.root)
        if len(relative.parts) != 2 or relative.parts[1].count(".") != 1:
            return inject(data, {})  # the index, a review page
        files = reference_files(relative.parts[0], file.stem, self.served.source_lang)
        stamps = tuple(_stamp(f) for f in files)
        cached = self._references.get(files)
        if cached is None or cached[0] != stamps:
            try:
                cached = (stamps, references(*files))
            except LocbriefError:  # no units yet: the page is served as it is
                cached = (stamps, {})
            self._references[files] = cached
        return inject(data, cached[1])


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "locbrief-serve"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format, *args) -> None:
        log.debug("serve: %s %s", self.address_string(), format % args)

    def _answer(self, body: bool) -> None:
        host = self.headers.get("Host")
        if host is not None and host not in self.server.hosts:  # a DNS-rebinding page
            return self._send(
                403, b"locbrief serve answers only on 127.0.0.1\n", "text/plain", body
            )
        path = urlsplit(self.path).path
        if path == EVENTS_URL:
            return self._stream()
        if path == "/" and not (self.server.root / "index.html").exists():
            first = self.server.served.pages()[0].removeprefix(f"{OUT}")
            self.send_response(302)
            self.send_header("Location", first)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        file = self.server.resolve(path)
        data = self.server.page_bytes(file) if file is not None else None
        if file is None or data is None:
            return self._send(404, b"not found\n", "text/plain", body)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = self.server.served_page(file, data)
        return self._send(200, data, kind, body)

    def _send(self, status: int, data: bytes, kind: str, body: bool) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith("text/") else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _stream(self) -> None:
        """One page's event stream, open until the page goes or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        stream = self.server.events.subscribe()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                try:
                    item = stream.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                if item is None:
                    return
                kind, data = item
                self.wfile.write(f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            pass
        finally:
            self.server.events.unsubscribe(stream)


# ---------------------------------------------------------------- the loop


def serve(served: Served, port: int, config_path: str) -> int:
    """Serve until Ctrl-C: build what is missing, then rebuild what each save affects."""
    from locbrief.publish.zygote import Zygote

    server = PreviewServer(port, served)
    zygote = Zygote()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    thread.start()
    try:
        seen = snapshot()
        _build(server, zygote, served.pages(), "building what is missing", seen)
        pages = ", ".join(server.url(p.removeprefix(f"{OUT}")) for p in served.pages())
        log.info("serving %s on %s only (Ctrl-C stops)", pages, HOST)
        while True:
            time.sleep(POLL_SECONDS)
            seen = _follow(server, zygote, seen, config_path)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        zygote.close()
        server.events.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=1)
    log.info("locbrief serve stopped")
    return 0


def _follow(server: PreviewServer, zygote, seen: dict, config_path: str) -> dict:
    """One look at the watched files: the pages the saves since ``seen`` affect are rebuilt.
    Returns the snapshot the next look compares with (taken before the rebuild, so a save
    during it is the next look's change)."""
    now = snapshot()
    changed = [path for path in changes(seen, now) if not merged(path)]
    if any(p.parts[0] in ("source", "config") for p in changed):
        server.served = _replan(server.served, config_path) or server.served
    pages = sorted({page for path in changed for page in server.served.affected(path)})
    if pages:
        _build(server, zygote, pages, f"{', '.join(map(str, changed))} changed", now)
    return now


def _replan(served: Served, config_path: str) -> Served | None:
    """The served pages after a change in source/ or config/ (a new brief, a new language)."""
    brief = served.briefs[0] if len(served.briefs) == 1 else None
    lang = served.langs[0] if len(served.langs) == 1 else None
    try:
        return plan(config_path, brief, lang)
    except LocbriefError:
        return None  # the run says what is wrong, in the terminal and on the pages


def _build(server: PreviewServer, zygote, pages: list[str], why: str, seen: dict) -> None:
    """One workflow run for ``pages``; open pages that changed reload, a failure shows on all.
    A job's output that a save during the run (since ``seen``) may have beaten is removed, so the
    next run redoes it (:func:`outdated_by`). Snakemake starts in the ``zygote``
    (:class:`locbrief.publish.zygote.Zygote`), an interpreter that has imported it already; the next
    one starts once the run is over.

    Raises KeyboardInterrupt when Ctrl-C (or SIGTERM) stopped the run.
    """
    from locbrief.run import RUN_LOG, explain, run

    log.info("locbrief serve: %s; building %s", why, ", ".join(pages))
    started = time.time()
    watch = _PageWatch(server, pages)
    watch.start()
    try:
        code = run("all", pages, stop_grace=STOP_GRACE, starter=zygote.start)
    except LocbriefError as error:  # a config that does not load, another run in the folder
        log.error("%s", error)
        server.events.send("failed", f"locbrief: error: {error}")
        return
    finally:
        changed = watch.finish()
        for path in changes(seen, snapshot()):
            for output in outdated_by(path):
                output.unlink(missing_ok=True)
    if code in STOPPED:
        raise KeyboardInterrupt
    zygote.prepare()
    if code:
        try:
            messages = RUN_LOG.read_text(encoding="utf-8", errors="replace")
        except OSError:
            messages = ""
        server.events.send("failed", explain(messages, since=started))
        log.warning("the rebuild failed (above); the last good pages stay served")
        return
    server.events.send("ok", None)
    log.info(
        "locbrief serve: built in %.1f s; %d page(s) changed%s",
        time.time() - started,
        len(changed),
        ", open ones reload" if changed else "",
    )


class _PageWatch(threading.Thread):
    """Open pages reload as soon as their file is rewritten with new content: Snakemake takes
    about a second more to finish after its last job (measured: 1.1 s of a 4.2 s rebuild)."""

    def __init__(self, server: PreviewServer, pages: list[str]):
        super().__init__(daemon=True)
        self.server = server
        self.before = {page: (_stamp(Path(page)), _digest(page)) for page in pages}
        self.changed: list[str] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.announce()

    def announce(self) -> None:
        """A reload for each page whose file now holds other bytes (a page removed while its job
        runs is not one)."""
        fresh = []
        for page, (stamp, digest) in self.before.items():
            now = _stamp(Path(page))
            if page in self.changed or now in (stamp, None):
                continue
            if _digest(page) in (digest, None):  # rewritten with the same bytes
                self.before[page] = (now, digest)
            else:
                fresh.append(page)
        if fresh:
            self.changed += fresh
            self.server.events.send("reload", [page.removeprefix(f"{OUT}") for page in fresh])

    def finish(self) -> list[str]:
        """Once the run is over: the pages it changed, every one announced."""
        self.done.set()
        self.join()
        self.announce()
        return self.changed


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
