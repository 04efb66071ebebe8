"""The preview server: a local LMS page, the course of the last good build, the learner
record, a minimal cmi5 LRS and a stream of build events, on 127.0.0.1 only.

Routes (everything else is 404; nothing is ever read from the file system by URL: course
files come from the build in memory, the page's own files from a fixed list):

- ``/``: the LMS page (assets/index.html): the course in a frame, the debug view beside it.
- ``/preview/<asset>``: its script and style (ASSETS).
- ``/preview/status``: the current build (JSON, Build.report()) and the server's instance id.
- ``/preview/events``: server-sent events, one ``build`` event per rebuild.
- ``/course/<path>``: a file of the last good build.
- ``/lms/record`` (GET, POST) and ``/lms/reset`` (POST): the learner record the page's LMS
  API keeps here between sessions, so a relaunch or a reload after a rebuild resumes.
- ``/lms/cmi5/launch`` (POST) and ``/xapi/...``: the cmi5 LMS and LRS (scormkit.preview.lrs).

Requests are answered by a thread each (the event streams block); the state they share is
behind one lock.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import json
import secrets
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from scormkit.errors import ScormkitError
from scormkit.preview.builder import Build, compile_course
from scormkit.preview.lrs import Lrs

HOST = "127.0.0.1"
"""Only this machine: a preview is not something to publish on the network (it serves the
sources' course to anyone who can reach the port, and accepts learner records)."""

ASSETS = {
    "lms-api.js": "text/javascript; charset=utf-8",
    "preview.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
}
TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".xsd": "application/xml",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".mp3": "audio/mpeg", ".mp4": "video/mp4",
    ".webm": "video/webm", ".ogg": "audio/ogg", ".wav": "audio/wav", ".vtt": "text/vtt",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
}
MAX_BODY = 4 * 1024 * 1024
"""A learner record or a batch of statements is far smaller; anything larger is refused."""
KEEPALIVE_SECONDS = 15.0


class PortInUse(ScormkitError):
    code = "port-in-use"

    def __init__(self, port: int) -> None:
        super().__init__(f"port {port} on {HOST} is in use (another preview, or another "
                         "program)")
        self.port = port

    def diagnostics(self) -> list[Any]:
        from scormkit.errors import Diagnostic

        return [Diagnostic(self.code, str(self), None,
                           f"choose another with --port, e.g. --port {self.port + 1}, or "
                           "--port 0 for any free port")]


def asset(name: str) -> bytes:
    """A file of the LMS page, from the installed package (package data)."""
    return resources.files("scormkit.preview").joinpath("assets", name).read_bytes()


class Preview:
    """The state of one preview: the source, its builds, the learner record, the LRS.

    Library use: ``Preview(source, target)``, then ``start()`` (binds the port; the first
    build must have been made by ``rebuild()``), ``url``, ``rebuild()`` on each change,
    ``close()``."""

    def __init__(self, source: Path, target: str, *, port: int = 0,
                 compiler: Callable[[Path, str, int], Build] = compile_course) -> None:
        self.source = source
        self.target = target
        self.port = port
        self.compiler = compiler
        self.instance = secrets.token_hex(8)
        self.lock = threading.Condition()
        self.latest: Build | None = None
        """The most recent build, good or not."""
        self.good: Build | None = None
        """The last good build: what /course/ serves."""
        self.records: dict[str, dict[str, Any]] = {}
        self.record_seq: dict[str, int] = {}
        self.lrs = Lrs()
        self.closing = False
        self._builds = 0
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- builds ------------------------------------------------------------------------

    def rebuild(self) -> Build:
        """Compile the sources again; a good build replaces what /course/ serves, a failed
        one is shown beside it. Every open page is told (a ``build`` event)."""
        with self.lock:
            self._builds += 1
            number = self._builds
        build = self.compiler(self.source, self.target, number)
        with self.lock:
            self.latest = build
            if build.ok:
                self.good = build
            self.lock.notify_all()
        return build

    def status(self) -> dict[str, Any]:
        with self.lock:
            latest, good = self.latest, self.good
        return {
            "instance": self.instance,
            "target": self.target,
            "latest": latest.report() if latest else None,
            "good": good.report() if good else None,
        }

    def wait_for_build(self, after: int, timeout: float) -> Build | None:
        """The latest build once its number is above *after* (None on timeout or close)."""
        with self.lock:
            self.lock.wait_for(lambda: self.closing or (
                self.latest is not None and self.latest.number > after), timeout)
            if self.closing or self.latest is None or self.latest.number <= after:
                return None
            return self.latest

    # --- the learner record --------------------------------------------------------------

    def record(self, unit: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.records.get(unit)
            return json.loads(json.dumps(found)) if found is not None else None

    def store_record(self, unit: str, seq: int, record: dict[str, Any]) -> bool:
        """Keep *record* unless a later one (higher *seq*) is already kept: stores may arrive
        out of order (a beacon sent as a page goes away)."""
        with self.lock:
            if seq <= self.record_seq.get(unit, -1):
                return False
            self.record_seq[unit] = seq
            self.records[unit] = record
            return True

    def reset(self) -> None:
        with self.lock:
            self.records.clear()
            # sequence numbers stay: a late store of the old learner must not come back
            self.lrs.reset()

    # --- serving -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        """Bind 127.0.0.1:*port* (0: any free port) and serve in a thread."""
        handler = type("Handler", (_Handler,), {"preview": self})
        try:
            httpd = _Server((HOST, self.port), handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(self.port) from None
            raise
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.lrs.base_url = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(target=httpd.serve_forever, name="scormkit-preview",
                                        kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self.lock:
            self.closing = True
            self.lock.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # SO_REUSEADDR (Linux, macOS) lets a preview restart at once on the port it just left
    # (in TIME_WAIT); a port another program listens on is still refused (EADDRINUSE).
    # Windows would let two sockets share the port with it: SO_EXCLUSIVEADDRUSE instead.
    allow_reuse_address = not hasattr(socket, "SO_EXCLUSIVEADDRUSE")

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closed its connection (a reload, a closed tab) is no error; anything
        else is a bug worth its traceback on the terminal."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def server_bind(self) -> None:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        # TCPServer's bind, without HTTPServer's reverse DNS lookup of the address
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview
    protocol_version = "HTTP/1.1"
    server_version = "scormkit-preview"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass  # the terminal is for build results, not for every request

    # --- answers -------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value).encode(), "application/json", headers)

    def _not_found(self) -> None:
        self._send(404, b"not found", "text/plain; charset=utf-8")

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._send(413, b"request too large", "text/plain; charset=utf-8")
            return None
        return self.rfile.read(length) if length else b""

    def _json_body(self) -> Any:
        body = self._body()
        if body is None:
            return _NO_BODY
        try:
            return json.loads(body or b"null")
        except ValueError:
            self._send(400, b"not JSON", "text/plain; charset=utf-8")
            return _NO_BODY

    # --- routing -------------------------------------------------------------------------

    def parse_request(self) -> bool:
        """Only requests for this server's own host name: a web page whose domain is made to
        resolve to 127.0.0.1 (DNS rebinding) would otherwise read the course and the records
        from the author's browser."""
        if not super().parse_request():
            return False
        port = self.preview.port
        if (self.headers.get("Host") or "").lower() not in (f"{HOST}:{port}",
                                                            f"localhost:{port}"):
            self.close_connection = True
            self._send(403, b"this preview answers requests for its own address only",
                       "text/plain; charset=utf-8")
            return False
        return True

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        preview = self.preview
        if path == "/":
            self._send(200, _page(preview), "text/html; charset=utf-8")
        elif path.startswith("/preview/") and path[len("/preview/"):] in ASSETS:
            name = path[len("/preview/"):]
            self._send(200, asset(name), ASSETS[name])
        elif path == "/preview/status":
            self._json(200, preview.status())
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        elif path == "/preview/ended":
            self._send(200, ENDED_PAGE, "text/html; charset=utf-8")
        elif path == "/preview/events":
            self._events(query)
        elif path.startswith("/course/"):
            self._course_file(path[len("/course/"):])
        elif path == "/lms/record":
            self._json(200, {"record": preview.record(_first(query, "unit"))})
        elif path.startswith("/xapi/"):
            self._lrs("GET", path, query, None)
        else:
            self._not_found()

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        preview = self.preview
        if path == "/lms/record":
            body = self._json_body()
            if body is _NO_BODY:
                return
            if not (isinstance(body, dict) and isinstance(body.get("seq"), int)
                    and isinstance(body.get("record"), dict)):
                self._send(400, b"expected {seq, record}", "text/plain; charset=utf-8")
                return
            kept = preview.store_record(_first(query, "unit"), body["seq"], body["record"])
            self._json(200, {"kept": kept})
        elif path == "/lms/reset":
            preview.reset()
            self._json(200, {"reset": True})
        elif path == "/lms/cmi5/launch":
            body = self._json_body()
            if body is _NO_BODY:
                return
            self._json(200, preview.lrs.launch(body if isinstance(body, dict) else {}))
        elif path.startswith("/xapi/") or path.startswith("/lms/cmi5/fetch/"):
            body = self._body()
            if body is not None:
                self._lrs("POST", path, query, body)
        else:
            self._not_found()

    def do_PUT(self) -> None:  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        if parts.path.startswith("/xapi/"):
            body = self._body()
            if body is not None:
                self._lrs("PUT", parts.path, parse_qs(parts.query), body)
        else:
            self._not_found()

    def do_DELETE(self) -> None:  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        if parts.path.startswith("/xapi/"):
            self._lrs("DELETE", parts.path, parse_qs(parts.query), None)
        else:
            self._not_found()

    def _lrs(self, method: str, path: str, query: dict[str, list[str]],
             body: bytes | None) -> None:
        status, value, headers = self.preview.lrs.handle(
            method, path, {k: v[0] for k, v in query.items()}, body,
            self.headers.get("Authorization") or "")
        if value is None:
            self._send(status, b"", "text/plain", headers)
        elif isinstance(value, bytes):
            self._send(status, value, "application/json", headers)
        else:
            self._json(status, value, headers)

    def _course_file(self, relative: str) -> None:
        """A member of the last good build. The name is looked up in the build's files (a
        mapping), never joined to a folder: ``..``, absolute paths, backslashes and NUL
        find nothing; they are refused before the lookup all the same."""
        name = unquote(relative)
        if (not name or name.startswith("/") or "\\" in name or "\x00" in name
                or any(part in ("", ".", "..") for part in name.split("/"))):
            self._send(400, b"bad path", "text/plain; charset=utf-8")
            return
        with self.preview.lock:
            build = self.preview.good
        data = build.files.get(name) if build is not None else None
        if data is None:
            self._not_found()
            return
        suffix = Path(name).suffix.lower()
        self._send(200, data, TYPES.get(suffix, "application/octet-stream"))

    def _events(self, query: dict[str, list[str]]) -> None:
        """Server-sent events: the current build at once, then one event per rebuild, and a
        comment every KEEPALIVE_SECONDS (a closed page is noticed when the write fails)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        preview = self.preview
        seen = 0
        try:
            self._event("hello", preview.status())
            with preview.lock:
                seen = preview.latest.number if preview.latest else 0
            while True:
                build = preview.wait_for_build(seen, KEEPALIVE_SECONDS)
                if build is None:
                    if preview.closing:
                        break
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                seen = build.number
                self._event("build", preview.status())
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            pass  # the page went away

    def _event(self, name: str, value: Any) -> None:
        payload = json.dumps(value)
        self.wfile.write(f"event: {name}\ndata: {payload}\n\n".encode())
        self.wfile.flush()


_NO_BODY = object()
ENDED_PAGE = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Session '
              b'ended</title></head><body><main><h1>The session ended</h1><p>The course '
              b'went to its return URL. Relaunch it from the preview panel.</p></main>'
              b'</body></html>')


def _first(query: dict[str, list[str]], name: str) -> str:
    return query.get(name, [""])[0]


def _page(preview: Preview) -> bytes:
    """The LMS page with its configuration (the target, the first build) inlined."""
    config = json.dumps({"target": preview.target, "status": preview.status()})
    # In a <script> element: no "<" at all ("</script>", "<!--" change how HTML reads it).
    config = config.replace("<", "\\u003c")
    text = asset("index.html").decode("utf-8").replace("{{CONFIG}}", config)
    return text.encode("utf-8")


@contextlib.contextmanager
def running(preview: Preview) -> Iterator[Preview]:
    """*preview* started (its first build made) and closed afterwards: for tests and hosts."""
    if preview.latest is None:
        preview.rebuild()
    preview.start()
    try:
        yield preview
    finally:
        preview.close()
