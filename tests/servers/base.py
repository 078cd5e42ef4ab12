"""The server frame the fake APIs share: threads, request log, queued faults."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

#: Faults a test can queue for a path: an HTTP status, or one of these behaviours.
BEHAVIOURS = ("hang", "html", "badjson", "truncate")


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        super().__init__(("127.0.0.1", 0), handler)
        self.requests: list[dict] = []
        self.faults: list[tuple[str, int | str]] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def inject(self, path: str, *faults: int | str) -> None:
        """The next requests to ``path`` get these faults, one each, in order."""
        with self.lock:
            self.faults += [(path, fault) for fault in faults]

    def take_fault(self, path: str) -> int | str | None:
        with self.lock:
            for i, (where, fault) in enumerate(self.faults):
                if path.startswith(where):
                    del self.faults[i]
                    return fault
        return None

    def calls(self, path: str) -> list[dict]:
        """The requests made to ``path`` (faulted ones included), in order."""
        return [r for r in self.requests if r["path"] == path]


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ApiServer

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet test output
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def route(self, method: str, path: str, params: dict) -> tuple[int, object]:
        raise NotImplementedError

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = _parse_body(raw, self.headers.get("Content-Type", ""))
        for key, values in parse_qs(url.query).items():
            params.setdefault(key, values[0] if len(values) == 1 else values)
        record = {
            "method": method,
            "path": url.path,
            "headers": dict(self.headers),
            "params": params,
        }
        with self.server.lock:
            self.server.requests.append(record)
        fault = self.server.take_fault(url.path)
        if fault == "hang":
            self.server.stopping.wait(30)
            return
        if fault == "html":
            self._send(
                200,
                b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>",
                "text/html",
            )
            return
        if fault == "badjson":
            self._send(200, b'{"translations": [{"text": "Hola', "application/json")
            return
        if fault == "truncate":
            status, payload = self.route(method, url.path, params)
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 100))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if isinstance(fault, int):
            self._send_json(
                fault, {"message": f"injected HTTP {fault}", "error": f"injected HTTP {fault}"}
            )
            return
        status, payload = self.route(method, url.path, params)
        self._send_json(status, payload)

    def _send_json(self, status: int, payload) -> None:
        if payload is None:
            self._send(status, b"", "application/json")
        else:
            self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _parse_body(raw: bytes, content_type: str) -> dict:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw.decode()).items()}


@contextmanager
def serving(server: ApiServer) -> Iterator[ApiServer]:
    """Run ``server`` in a thread for the duration of the block."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
