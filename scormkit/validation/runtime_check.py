"""`scormkit validate --runtime`: launch each SCO as an LMS would, in headless Chromium, and
watch it from outside the page.

The package is served from its Members (streamed, never extracted) on 127.0.0.1 next to a
small LMS stand-in page (lms_player/player.html, next to this module) whose SCORM API is
scorm-again (npm, MIT). Chromium is driven over the DevTools protocol on a pipe (fds 3 and 4,
``--remote-debugging-pipe``; no Python browser driver is needed). Each SCO gets a browser
context of its own (its own renderer and storage), and everything about it is decided here,
not in the page:

- Time: each step has its deadline here (INIT_SECONDS to initialize, SETTLE_SECONDS to set a
  status, FINISH_SECONDS after the unload to finish), each SCO at most SCO_SECONDS, the whole
  check at most TOTAL_SECONDS (SCOs not reached are runtime-time-limit). A page that does not
  answer a DevTools ping for HANG_SECONDS (a SCO that loops: it holds the renderer's thread)
  is stopped (Runtime.terminateExecution, then its context is disposed) and reported
  (runtime-hang); a browser that does not recover is restarted for the next SCO.
- Dialogs (alert, confirm, prompt, beforeunload) are answered at once by the DevTools
  protocol and reported (runtime-dialog): in an LMS they block the learner's window.
- A navigation of the top window (the LMS's) is reported (runtime-top-navigation) and ends
  that SCO; uncaught exceptions, from script load on, are reported (runtime-script-error);
  a renderer crash too (runtime-crash).
- Network: Chromium's proxy is this module's server for every request, loopback included
  (``--proxy-bypass-list=<-loopback>``), WebRTC may not use UDP outside the proxy, and every
  host name but 127.0.0.1 is unresolvable. Anything but this server's own origin is refused
  and reported (runtime-network): other ports of 127.0.0.1 are never reached.
- The report channel is out of the content's reach: the page reports API calls through a
  DevTools binding installed in the LMS page's main world only, captured and deleted before
  the SCO loads, each report carrying a per-SCO random nonce. There is no report URL to post
  to, every report is validated and bounded here (a forged or broken one is dropped, it
  cannot crash this module), and the SCO cannot end its check early.
- Cleanup: Chromium runs in its own process group with a throw-away profile; both are
  removed when the check ends, however it ends: SIGTERM and SIGHUP (what CI timeouts send)
  end the check by SystemExit after cleaning up, SIGINT by KeyboardInterrupt, and a
  SIGKILLed scormkit takes Chromium with it (PR_SET_PDEATHSIG); profiles left by a process
  that no longer exists are removed at the next run.

Tools: SCORMKIT_CHROMIUM (default /usr/bin/chromium, else Chromium or Chrome on PATH) and
SCORMKIT_SCORM_AGAIN (a folder holding scorm-again's dist/, default node_modules/scorm-again
of the checkout or of the current folder, else the copy `scormkit runtime install` puts in
the per-user data directory). `validate --runtime` is an explicit request: the CLI stops with
exit code 2 and says how to get what is missing (missing_tools()); a library caller that
asks for the check without the tools gets a runtime-skipped warning.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import http.server
import json
import mimetypes
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from scormkit.errors import Diagnostic, Location, counted, printable
from scormkit.runtime_tools import (
    CHROMIUM_HINT,
    SCORM_AGAIN_HINT,
    find_chromium,
    installed_dir,
)
from scormkit.validation.members import Members
from scormkit.validation.rules import Context
from scormkit.validation.rules.scorm import scormtype

PLAYER = Path(__file__).resolve().parent / "lms_player" / "player.html"
_CHECKOUT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--mute-audio",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-quic", "--no-pings",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--disable-field-trial-config", "--metrics-recording-only", "--no-service-autorun",
    "--password-store=basic", "--disable-breakpad", "--no-default-browser-check",
    "--disable-search-engine-choice-screen",
    "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,"
    "OptimizationHintsFetching,NetworkTimeServiceQuerying,Translate,MediaRouter,"
    "DialMediaRouteProvider,CertificateTransparencyComponentUpdater,AutofillServerCommunication,"
    "SafeBrowsing,InterestFeedContentSuggestions,SignInProfileCreation,LensOverlay",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # Every request goes to the proxy (this module's server), loopback included: Chromium
    # otherwise connects to 127.0.0.1 directly, and a SCO would reach local services.
    "--proxy-bypass-list=<-loopback>",
    # WebRTC sends UDP past any proxy unless told not to.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    # A SCO that allocates without end crashes its renderer (runtime-crash), not the machine.
    "--js-flags=--max-old-space-size=512",
    "--remote-debugging-pipe",
)
BROWSER_SERVICE_HOSTS = (
    "accounts.google.com", "update.googleapis.com", "clients2.google.com",
    "clients1.google.com", "optimizationguide-pa.googleapis.com",
    "safebrowsing.googleapis.com", "content-autofill.googleapis.com",
    "android.clients.google.com", "redirector.gvt1.com", "edgedl.me.gvt1.com",
)
"""Hosts Chromium itself calls (updates, sign-in, time) despite the flags above. Requests to
them are refused like any other but not blamed on the content."""
INIT_SECONDS = 8.0
"""How long a SCO may take to call LMSInitialize/Initialize once its page is requested."""
SETTLE_SECONDS = 2.0
"""How long an initialized SCO may take to set a status."""
FINISH_SECONDS = 3.0
"""How long a SCO may take to call LMSFinish/Terminate once it is unloaded."""
LOAD_SECONDS = 10.0
"""How long the LMS stand-in page may take to load (it is ours: only a starved machine
needs that long)."""
DWELL_SECONDS = 1.5
"""The least time a SCO stays loaded before it is unloaded."""
HANG_SECONDS = 5.0
"""How long a page may leave a DevTools ping unanswered before it is stopped as hung."""
SCO_SECONDS = LOAD_SECONDS + INIT_SECONDS + SETTLE_SECONDS + FINISH_SECONDS + HANG_SECONDS
"""Upper bound of one SCO's check."""
TOTAL_SECONDS = 300.0
"""Upper bound of the whole check; SCOs not launched by then are reported, not checked."""
STARTUP_SECONDS = 20.0
MAX_RECORDS = 2000
"""API calls recorded per SCO: a SCO calling in a loop is not followed further."""
MAX_REPORT_CHARS = 64 * 1024
MAX_FINDINGS = 20
"""Diagnostics of one code reported per SCO."""
PROFILE_PREFIX = "scormkit-runtime-"
SOCKET_DIR_BYTES = 60
"""The longest TMPDIR given to Chromium: it adds about 47 bytes for its singleton socket,
and a UNIX socket's path holds 107."""


@dataclass(frozen=True)
class Tools:
    chromium: Path
    scorm_again: Path
    """scorm-again's dist/ folder."""


def find_tools() -> Tools | None:
    chromium = find_chromium()
    dist = _scorm_again_dist()
    if chromium is None or dist is None:
        return None
    return Tools(chromium, dist)


def _scorm_again_dist() -> Path | None:
    candidates = [Path(p) for p in [os.environ.get("SCORMKIT_SCORM_AGAIN")] if p]
    candidates += [_CHECKOUT / "node_modules" / "scorm-again", Path.cwd() / "node_modules"
                   / "scorm-again", installed_dir()]
    return next((c / "dist" for c in candidates
                 if (c / "dist" / "scorm12.js").is_file()
                 and (c / "dist" / "scorm2004.js").is_file()), None)


def missing_tools() -> list[tuple[str, str]]:
    """What --runtime lacks, as (what, how to get it) pairs; empty when all is there."""
    missing = []
    if find_chromium() is None:
        named = os.environ.get("SCORMKIT_CHROMIUM")
        what = f"Chromium (SCORMKIT_CHROMIUM={named} is not a file)" if named else \
            "Chromium (not at /usr/bin/chromium nor on PATH)"
        missing.append((what, CHROMIUM_HINT))
    if _scorm_again_dist() is None:
        missing.append(("scorm-again, the SCORM API library the LMS page uses",
                        SCORM_AGAIN_HINT))
    return missing


def launch_urls(context: Context) -> list[str]:
    """The SCOs of the default organization in order (each resource once), as package-relative
    launch URLs with the item's parameters; every SCO resource when no item launches one."""
    urls: dict[str, str] = {}
    organization = context.default_organization
    if organization is not None:
        for item in organization.iter(context.q("item")):
            resource = context.resources.get(item.get("identifierref", ""))
            if resource is None or resource.get("identifier") in urls:
                continue
            if scormtype(context, resource)[0] == "sco" and resource.get("href"):
                urls[resource.get("identifier", "")] = _url(resource, item.get("parameters"))
    if not urls:
        for ident, resource in context.resources.items():
            if scormtype(context, resource)[0] == "sco" and resource.get("href"):
                urls[ident] = _url(resource, None)
    return [u for u in urls.values() if _inside(u)]


def _url(resource: etree._Element, parameters: str | None) -> str:
    base = resource.get("{http://www.w3.org/XML/1998/namespace}base") or ""
    url = str(base) + str(resource.get("href", ""))
    if parameters:
        if parameters.startswith("#") or parameters.startswith("?") and "?" not in url:
            url += parameters
        else:
            url += ("&" if "?" in url else "?") + parameters.lstrip("?&")
    return url


def _inside(url: str) -> bool:
    parts = urlsplit(url)
    path = unquote(parts.path)
    return not (parts.scheme or parts.netloc or path.startswith("/") or ".." in path.split("/"))


def check_runtime(context: Context, tools: Tools | None = None) -> list[Diagnostic]:
    tools = tools or find_tools()
    if tools is None:
        return [Diagnostic("runtime-skipped", "the runtime check was skipped: /usr/bin/chromium "
                           "or node_modules/scorm-again is not available")]
    urls = launch_urls(context)
    if not urls:
        return []  # sco-no-href / organizations-empty say why
    version = "1.2" if context.kind.key == "scorm12" else "2004"
    with _cleanup_on_termination():
        return Runner(context.files, version, tools).run(urls)


@contextlib.contextmanager
def _cleanup_on_termination() -> Iterator[None]:
    """SIGTERM and SIGHUP (a CI timeout, a closed terminal) would end Python at once, leaving
    Chromium and its profile behind: while the check runs they raise SystemExit instead, so
    that every cleanup runs. SIGINT already raises KeyboardInterrupt. Only the main thread
    can install handlers; elsewhere the caller's handling stands."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# ---------------------------------------------------------------------------------------------
# What happened to one SCO, and the diagnostics it gives


@dataclass
class ScoResult:
    url: str
    loaded: bool = False
    initialized: bool = False
    status: str | None = None
    finished: bool = False
    looked_for_other: bool = False
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(function, arguments, error code, error text) of failed API calls."""
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    top_navigation: str | None = None
    hung: float | None = None
    crashed: bool = False
    records: int = 0


_STATUS = {"1.2": ("cmi.core.lesson_status",),
           "2004": ("cmi.completion_status", "cmi.success_status")}
# GetValue errors that well-behaved content meets: 2004's 403 "value not initialized".
_BENIGN_GET = {"2004": {"403"}, "1.2": set()}
_NAMES = {"1.2": ("LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit"),
          "2004": ("Initialize", "Terminate", "GetValue", "SetValue", "Commit")}


def _record(result: ScoResult, version: str, payload: str, nonce: str) -> None:
    """Add one report of the LMS page to *result*; anything malformed or forged is dropped."""
    if len(payload) > MAX_REPORT_CHARS or result.records >= MAX_RECORDS:
        return
    given, _, body = payload.partition("\n")
    if not secrets.compare_digest(given, nonce):
        return
    try:
        record = json.loads(body)
    except ValueError:
        return
    if not isinstance(record, dict):
        return
    result.records += 1
    kind = record.get("kind")
    if kind == "loaded":
        result.loaded = True
    elif kind == "other-api":
        result.looked_for_other = True
    elif kind == "call":
        fn, code, outcome = record.get("fn"), record.get("code"), record.get("result")
        text = record.get("text")
        if not (isinstance(fn, str) and isinstance(code, str) and isinstance(outcome, str)
                and isinstance(text, str)):
            return
        try:
            args = json.loads(record.get("args") or "[]")
        except (TypeError, ValueError):
            return
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            return
        init, finish, get, set_value, _ = _NAMES[version]
        if fn == init and outcome == "true":
            result.initialized = True
        if fn == finish and outcome == "true":
            result.finished = True
        if fn == set_value and args and args[0] in _STATUS[version] and outcome == "true":
            result.status = f"{args[0]}={args[1] if len(args) > 1 else ''}"
        if code != "0" and not (fn == get and code in _BENIGN_GET[version]):
            result.errors.append((fn, ", ".join(json.dumps(a[:200]) for a in args[:2]),
                                  code, text))


def diagnose(results: list[ScoResult], outside: list[str], version: str,
             not_checked: list[str], limit: float) -> list[Diagnostic]:
    init, finish = ("LMSInitialize", "LMSFinish") if version == "1.2" else \
        ("Initialize", "Terminate")
    status = "cmi.core.lesson_status" if version == "1.2" else \
        "cmi.completion_status or cmi.success_status"
    other = "API_1484_11 (SCORM 2004)" if version == "1.2" else "API (SCORM 1.2)"
    diagnostics: list[Diagnostic] = []
    for request in outside[:MAX_FINDINGS]:
        diagnostics.append(Diagnostic(
            "runtime-network", f"the content tried to reach {printable(request, 300)} "
            "(refused)", None))
    for result in results:
        where = Location(unquote(urlsplit(result.url).path))
        for fn, args, code, text in result.errors[:MAX_FINDINGS]:
            diagnostics.append(Diagnostic(
                "runtime-api-error", f"{fn}({printable(args, 300)}) failed with error "
                f"{printable(code, 20)}: {printable(text, 200)}", where))
        for kind, message in result.dialogs[:MAX_FINDINGS]:
            diagnostics.append(Diagnostic(
                "runtime-dialog", f"the SCO opened a{'n' if kind[0] in 'aeiou' else ''} {kind} "
                f"dialog ({printable(message, 200)!r}); it was dismissed", where))
        for text in result.exceptions[:MAX_FINDINGS]:
            diagnostics.append(Diagnostic(
                "runtime-script-error", f"uncaught exception: {printable(text, 500)}", where))
        if result.top_navigation is not None:
            diagnostics.append(Diagnostic(
                "runtime-top-navigation", "the SCO navigated the LMS's own window (top) to "
                f"{printable(result.top_navigation, 300)}", where))
        if result.hung is not None:
            diagnostics.append(Diagnostic(
                "runtime-hang", f"the SCO's page stopped responding for {result.hung:.0f} s "
                "(an endless loop?) and was stopped", where))
        if result.crashed:
            diagnostics.append(Diagnostic(
                "runtime-crash", "the SCO's page crashed (out of memory?)", where))
        if result.hung is not None or result.crashed or result.top_navigation is not None:
            continue  # what follows would only repeat why
        if not result.initialized:
            reason = ""
            if result.looked_for_other:
                reason = f"; it looked for {other}: the SCO is written for the other version"
                diagnostics.append(Diagnostic(
                    "runtime-api-error", f"the SCO looked for {other} in a SCORM {version} "
                    "package", where, "make the manifest's version and the SCO's API agree"))
            elif not result.loaded:
                reason = "; the page did not load"
            elif result.exceptions:
                reason = f"; the page raised: {printable(result.exceptions[0], 300)}"
            diagnostics.append(Diagnostic(
                "runtime-no-initialize", f"the SCO did not call {init}(\"\") successfully "
                f"within {INIT_SECONDS:.0f} s{reason}", where))
            continue
        if not result.status:
            diagnostics.append(Diagnostic(
                "runtime-no-status", f"the SCO initialized but set no {status}", where))
        if not result.finished:
            diagnostics.append(Diagnostic(
                "runtime-no-finish", f"the SCO did not call {finish}(\"\") within "
                f"{FINISH_SECONDS:.0f} s of being unloaded", where))
    if not_checked:
        diagnostics.append(Diagnostic(
            "runtime-time-limit", f"{counted(len(not_checked), 'SCO')} "
            f"{'was' if len(not_checked) == 1 else 'were'} not launched: the runtime "
            f"check stops after {limit:.0f} s (first not launched: "
            f"{printable(not_checked[0], 200)})", None))
    return diagnostics


# ---------------------------------------------------------------------------------------------
# The DevTools protocol over a pipe


class BrowserGone(Exception):
    """Chromium exited or stopped answering."""


class ProtocolError(Exception):
    """A DevTools command failed."""


class Cdp:
    """A DevTools protocol client on Chromium's pipe: JSON messages ended by NUL, commands
    answered by id, events queued with the session they belong to."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._out = to_browser
        self._in = from_browser
        self._next = 0
        self._lock = threading.Lock()
        self._waiting: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.gone = threading.Event()
        self._reader = threading.Thread(target=self._read, name="scormkit-cdp", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        try:
            while chunk := os.read(self._in, 1 << 16):
                buffer += chunk
                while b"\0" in buffer:
                    raw, buffer = buffer.split(b"\0", 1)
                    self._dispatch(raw)
        except OSError:
            pass
        finally:
            self.gone.set()
            with self._lock:
                for waiter in self._waiting.values():
                    waiter.put({"error": {"message": "the browser went away"}})

    def _dispatch(self, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if "id" in message:
            with self._lock:
                waiter = self._waiting.pop(message["id"], None)
            if waiter is not None:
                waiter.put(message)
        elif "method" in message:
            self.events.put(message)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 5.0) -> dict[str, Any]:
        """The result of command *method*; ProtocolError when it fails, TimeoutError when no
        answer comes in *timeout* seconds, BrowserGone when the pipe is closed."""
        waiter = self.post(method, params, session)
        try:
            answer = waiter.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"{method}: no answer in {timeout:.0f} s") from None
        if "error" in answer:
            if self.gone.is_set():
                raise BrowserGone(str(answer["error"]))
            raise ProtocolError(f"{method}: {answer['error'].get('message')}")
        result = answer.get("result")
        return result if isinstance(result, dict) else {}

    def post(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> queue.Queue[dict[str, Any]]:
        """Send a command without waiting; the returned queue receives its answer."""
        if self.gone.is_set():
            raise BrowserGone("the browser went away")
        waiter: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1)
        with self._lock:
            self._next += 1
            ident = self._next
            self._waiting[ident] = waiter
            message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            data = json.dumps(message).encode() + b"\0"
            try:
                while data:
                    data = data[os.write(self._out, data):]
            except OSError:
                self.gone.set()
                raise BrowserGone("the browser went away") from None
        return waiter

    def close(self) -> None:
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)


# ---------------------------------------------------------------------------------------------
# The server: the package, the LMS page, and the proxy that refuses everything else


class PackageServer:
    """Serves the package and the LMS page on 127.0.0.1, as the proxy of every request the
    browser makes; records what is refused."""

    def __init__(self, files: Members, version: str, tools: Tools) -> None:
        self.outside: list[str] = []
        api = tools.scorm_again / ("scorm12.js" if version == "1.2" else "scorm2004.js")
        special = {"/__scormkit__/player.html": (PLAYER.read_bytes(), "text/html"),
                   "/__scormkit__/api.js": (api.read_bytes(), "text/javascript")}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _path(self) -> str | None:
                """The path on this server asked for, or None (refused, recorded) for any
                other destination: an absolute URL (a proxy request) or CONNECT."""
                target = self.path
                if self.command == "CONNECT" or not target.startswith("/"):
                    parts = urlsplit(target if self.command != "CONNECT" else f"//{target}")
                    if (parts.hostname, parts.port) == ("127.0.0.1", server.port) \
                            and self.command != "CONNECT":
                        return parts.path + (f"?{parts.query}" if parts.query else "")
                    host = parts.hostname or ""
                    referer = self.headers.get("Referer") or ""
                    if referer.startswith(server.origin) or host not in BROWSER_SERVICE_HOSTS:
                        server.outside.append(f"{self.command} {target}")
                    self._empty(403)
                    return None
                return target

            def do_CONNECT(self) -> None:  # noqa: N802
                self._path()

            def do_GET(self) -> None:  # noqa: N802
                self._serve(head=False)

            def do_HEAD(self) -> None:  # noqa: N802
                self._serve(head=True)

            def do_POST(self) -> None:  # noqa: N802
                # Nothing is posted to this server: the LMS page reports over DevTools.
                if self._path() is not None:
                    self._empty(405)

            def _serve(self, head: bool) -> None:
                target = self._path()
                if target is None:
                    return
                path = unquote(urlsplit(target).path)
                if path in special:
                    body, kind = special[path]
                    self._headers(200, kind, len(body))
                    if not head:
                        self.wfile.write(body)
                elif path.startswith("/pkg/") and path[5:] in files:
                    name = path[5:]
                    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    self._headers(200, kind, files.size(name))
                    if not head:
                        with contextlib.suppress(Exception):
                            for chunk in files.chunks(name):
                                self.wfile.write(chunk)
                else:
                    self._empty(404)

            def _headers(self, code: int, kind: str, length: int) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(length))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()

            def _empty(self, code: int) -> None:
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.origin = f"http://127.0.0.1:{self.port}/"
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="scormkit-runtime", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


# ---------------------------------------------------------------------------------------------
# The browser and the check of each SCO


_LIBC: Any = None
with contextlib.suppress(OSError):
    _LIBC = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


class Browser:
    """Chromium with a throw-away profile, in its own process group, on a DevTools pipe."""

    def __init__(self, tools: Tools, proxy: str) -> None:
        _remove_stale_profiles()
        self.profile = tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-")
        # Chromium's TMPDIR: the profile, so that what it writes there goes with it, unless
        # that path is too long for the UNIX socket Chromium makes in it (108 bytes in all):
        # then a folder of the same name in /tmp.
        self.scratch = self.profile
        if len(os.fsencode(self.profile)) > SOCKET_DIR_BYTES and Path("/tmp").is_dir():
            self.scratch = tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-", dir="/tmp")
        # Above 3 and 4, so that placing them there in the child cannot overwrite one with
        # the other (the caller's own descriptors may leave os.pipe() anything).
        to_browser_read, to_browser, from_browser, from_browser_write = (
            _high(fd) for fd in (*os.pipe(), *os.pipe()))

        def in_child() -> None:
            # The pipe on fds 3 (commands) and 4 (answers), as --remote-debugging-pipe
            # wants; and death with scormkit, even by SIGKILL.
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)
            if _LIBC is not None:
                _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

        try:
            self.process = subprocess.Popen(
                [str(tools.chromium), *CHROMIUM_FLAGS, f"--proxy-server={proxy}",
                 f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                # HOME and TMPDIR in the profile: whatever Chromium writes goes with it.
                cwd=self.profile, env={**os.environ, "HOME": self.profile,
                                       "TMPDIR": self.scratch},
                start_new_session=True, pass_fds=(3, 4), preexec_fn=in_child)  # noqa: PLW1509
        except BaseException:
            for fd in (to_browser_read, to_browser, from_browser, from_browser_write):
                os.close(fd)
            for folder in {self.profile, self.scratch}:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.cdp = Cdp(to_browser, from_browser)

    def ready(self, timeout: float) -> bool:
        try:
            self.cdp.send("Browser.getVersion", timeout=timeout)
            self.cdp.send("Target.setDiscoverTargets", {"discover": True})
            with contextlib.suppress(ProtocolError):
                self.cdp.send("Browser.setDownloadBehavior", {"behavior": "deny"})
        except (TimeoutError, BrowserGone, ProtocolError):
            return False
        return True

    def close(self) -> None:
        """End the browser and every process of its group (started by us, nothing else), then
        remove its profile."""
        with contextlib.suppress(TimeoutError, BrowserGone, ProtocolError, OSError):
            self.cdp.send("Browser.close", timeout=2)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # helpers that outlived the browser
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pid in browser_processes(self.profile):
            # Helpers that left the group (Debian's crash handler starts its own session).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.cdp.close()
        for folder in {self.profile, self.scratch}:
            shutil.rmtree(folder, ignore_errors=True)


def _high(fd: int) -> int:
    """*fd* moved to a descriptor number of at least 10 (close-on-exec)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def browser_processes(home: str) -> list[int]:
    """Processes of this user whose HOME is *home* or below it: the browser started with that
    profile and every helper it spawned, whatever their process group (Linux /proc)."""
    wanted = os.fsencode(home)
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        for variable in environ.split(b"\0"):
            if variable.startswith(b"HOME=") and variable[5:].startswith(wanted):
                found.append(int(entry.name))
                break
    return found


def _remove_stale_profiles() -> None:
    """Profiles of scormkit processes that no longer exist (killed by SIGKILL)."""
    places = {Path(tempfile.gettempdir()), Path("/tmp")}
    for folder in (f for place in places for f in place.glob(f"{PROFILE_PREFIX}*-*")):
        match = re.fullmatch(rf"{PROFILE_PREFIX}(\d+)-.*", folder.name)
        if not match or not folder.is_dir():
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue


class Runner:
    """Checks the SCOs of one package, one after the other, within TOTAL_SECONDS."""

    def __init__(self, files: Members, version: str, tools: Tools,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.files = files
        self.version = version
        self.tools = tools
        self.clock = clock

    def run(self, urls: list[str]) -> list[Diagnostic]:
        started = self.clock()
        end = started + TOTAL_SECONDS
        server = PackageServer(self.files, self.version, self.tools)
        browser: Browser | None = None
        results: list[ScoResult] = []
        not_checked: list[str] = []
        try:
            server.start()
            browser = Browser(self.tools, f"http://127.0.0.1:{server.port}")
            if not browser.ready(STARTUP_SECONDS):
                return [Diagnostic("runtime-skipped", "the runtime check was skipped: "
                                   "Chromium did not start")]
            for index, url in enumerate(urls):
                if self.clock() + 1 > end:
                    not_checked = urls[index:]
                    break
                result = ScoResult(url)
                results.append(result)
                try:
                    _check_sco(browser.cdp, server, self.version, url, result,
                               min(end, self.clock() + SCO_SECONDS), self.clock)
                except (BrowserGone, _Stuck):
                    # The browser died or cannot get rid of a page: a fresh one for the rest.
                    browser.close()
                    browser = Browser(self.tools, f"http://127.0.0.1:{server.port}")
                    if not browser.ready(STARTUP_SECONDS):
                        not_checked = urls[index + 1:]
                        break
        finally:
            if browser is not None:
                browser.close()
            server.close()
        return diagnose(results, sorted(set(server.outside)), self.version, not_checked,
                        TOTAL_SECONDS)


class _Stuck(Exception):
    """A page that cannot be disposed of."""


def _check_sco(cdp: Cdp, server: PackageServer, version: str, url: str, result: ScoResult,
               end: float, clock: Callable[[], float]) -> None:
    """Launch *url* in a browser context of its own, as an LMS would, until *end*."""
    context = cdp.send("Target.createBrowserContext", {"disposeOnDetach": True})[
        "browserContextId"]
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank",
                                                  "browserContextId": context})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        _Sco(cdp, server, version, url, result, session, target, clock).run(end)
    finally:
        try:
            cdp.send("Target.disposeBrowserContext", {"browserContextId": context},
                     timeout=HANG_SECONDS)
        except (TimeoutError, ProtocolError) as exc:
            raise _Stuck(str(exc)) from None


class _Sco:
    """The DevTools side of one SCO's launch: events in, decisions out."""

    def __init__(self, cdp: Cdp, server: PackageServer, version: str, url: str,
                 result: ScoResult, session: str, target: str,
                 clock: Callable[[], float]) -> None:
        self.cdp, self.server, self.version, self.url = cdp, server, version, url
        self.result, self.session, self.target, self.clock = result, session, target, clock
        self.nonce = secrets.token_hex(16)
        self.binding = f"__scormkitReport{secrets.token_hex(8)}"
        self.context_id: int | None = None
        self.loaded = False
        self.started = False
        self.sco_frame: str | None = None
        self.ended = False
        self.ping: queue.Queue[dict[str, Any]] | None = None
        self.ping_sent = 0.0

    def send(self, method: str, params: dict[str, Any] | None = None,
             timeout: float = 5.0) -> dict[str, Any]:
        return self.cdp.send(method, params, self.session, timeout)

    def run(self, end: float) -> None:
        for method in ("Page.enable", "Runtime.enable"):
            self.send(method)
        query = f"version={self.version}&sco={quote(self.url, safe='')}"
        self.send("Page.navigate", {"url": f"{self.server.origin}__scormkit__/player.html?"
                                           f"{query}"})
        self._wait(lambda: self.loaded and self.context_id is not None,
                   min(end, self.clock() + LOAD_SECONDS), watch=False)
        if self.ended or not (self.loaded and self.context_id is not None):
            return
        try:
            self.send("Runtime.addBinding", {"name": self.binding,
                                             "executionContextId": self.context_id})
        except ProtocolError:
            self.send("Runtime.addBinding", {"name": self.binding})  # then the nonce guards
        self.send("Runtime.evaluate", {
            "expression": f"window.__scormkitStart({json.dumps(self.nonce)}, "
                          f"{json.dumps(self.binding)})", "contextId": self.context_id})
        self.started = True
        launched = self.clock()
        result = self.result
        self._wait(lambda: result.initialized, min(end, launched + INIT_SECONDS))
        if result.initialized:
            self._wait(lambda: result.status is not None, min(end, self.clock() + SETTLE_SECONDS))
        # Even a SCO that is done at once stays loaded DWELL_SECONDS, as a learner would
        # keep it: what it requests or does while it loads is seen.
        self._wait(lambda: False, min(end, launched + DWELL_SECONDS))
        if self.ended:  # set by the event handlers that run inside _wait
            return  # type: ignore[unreachable]
        if self.sco_frame is not None:
            # As an LMS does when the learner leaves: the SCO's frame goes, the LMS stays.
            with contextlib.suppress(ProtocolError, TimeoutError):
                self.send("Page.navigate", {"url": "about:blank", "frameId": self.sco_frame},
                          timeout=HANG_SECONDS)
        if result.initialized:
            self._wait(lambda: result.finished, min(end, self.clock() + FINISH_SECONDS))
        if not self.ended:
            # The page must answer a ping sent after the unload before it is let go: a SCO
            # that loops late (in its pagehide handler, say) is caught too.
            if self.ping is None:
                self.ping = self.cdp.post("Runtime.evaluate", {"expression": "0"}, self.session)
                self.ping_sent = self.clock()
            self._wait(lambda: self.ping is None, min(end, self.ping_sent + HANG_SECONDS + 0.5))

    def _wait(self, done: Callable[[], bool], until: float, watch: bool = True) -> None:
        """Handle events until *done*, *until*, or the SCO's end; with *watch*, ping the page
        and stop it when it stops answering."""
        while not self.ended and not done():
            now = self.clock()
            if now >= until:
                return
            if watch:
                self._watch(now)
            try:
                event = self.cdp.events.get(timeout=min(0.2, max(until - now, 0.01)))
            except queue.Empty:
                if self.cdp.gone.is_set():
                    raise BrowserGone("the browser went away") from None
                continue
            self._handle(event)

    def _watch(self, now: float) -> None:
        if self.ping is not None:
            with contextlib.suppress(queue.Empty):
                self.ping.get_nowait()
                self.ping = None
        if self.ping is None and now - self.ping_sent >= 1.0:
            self.ping = self.cdp.post("Runtime.evaluate", {"expression": "0"}, self.session)
            self.ping_sent = now
        elif self.ping is not None and now - self.ping_sent >= HANG_SECONDS:
            self.result.hung = now - self.ping_sent
            # V8 stops the running script from another thread, loop or not.
            with contextlib.suppress(ProtocolError, TimeoutError, BrowserGone):
                self.send("Runtime.terminateExecution", timeout=2)
            self.ended = True

    def _handle(self, event: dict[str, Any]) -> None:
        method = event.get("method")
        params = event.get("params") or {}
        if method == "Target.targetCreated":
            info = params.get("targetInfo") or {}
            if info.get("type") == "page" and info.get("openerId") == self.target:
                # A window the SCO opened: closed (its requests went through the proxy).
                self.cdp.post("Target.closeTarget", {"targetId": info.get("targetId")})
            return
        if event.get("sessionId") != self.session:
            return
        if method == "Runtime.executionContextCreated":
            context = params.get("context") or {}
            aux = context.get("auxData") or {}
            if aux.get("frameId") == self.target and aux.get("isDefault") and \
                    str(context.get("origin", "")).startswith(self.server.origin.rstrip("/")):
                self.context_id = context.get("id")
        elif method == "Page.loadEventFired":
            self.loaded = True
        elif method == "Runtime.bindingCalled":
            if params.get("name") == self.binding and self.started:
                _record(self.result, self.version, str(params.get("payload", "")), self.nonce)
        elif method == "Page.javascriptDialogOpening":
            kind = str(params.get("type", "alert"))
            self.result.dialogs.append((kind, str(params.get("message", ""))[:500]))
            # Accepted (a beforeunload prompt: leave), so that the page goes on.
            self.cdp.post("Page.handleJavaScriptDialog", {"accept": True}, self.session)
        elif method == "Page.frameRequestedNavigation":
            if self.started and params.get("frameId") == self.target:
                self.result.top_navigation = str(params.get("url", ""))
                self.ended = True
        elif method == "Page.frameNavigated":
            frame = params.get("frame") or {}
            if frame.get("parentId") is None:
                if self.started and frame.get("id") == self.target:
                    if self.result.top_navigation is None:
                        self.result.top_navigation = str(frame.get("url", ""))
                    self.ended = True
            elif frame.get("parentId") == self.target and \
                    str(frame.get("url", "")).startswith(f"{self.server.origin}pkg/"):
                self.sco_frame = frame.get("id")
        elif method == "Runtime.exceptionThrown" and self.started:
            self.result.exceptions.append(_exception_text(params.get("exceptionDetails") or {}))
        elif method == "Inspector.targetCrashed":
            self.result.crashed = True
            self.ended = True
        elif method == "Target.detachedFromTarget":
            self.ended = True


def _exception_text(details: dict[str, Any]) -> str:
    exception = details.get("exception") or {}
    text = str(exception.get("description") or details.get("text") or "exception")
    text = text.split("\n", 1)[0]
    url = str(details.get("url") or "")
    marker = "/pkg/"
    where = url.split(marker, 1)[1] if marker in url else url.rsplit("/", 1)[-1]
    line = details.get("lineNumber")
    if where:
        text += f" ({where}:{int(line) + 1 if isinstance(line, int) else '?'})"
    return text[:1000]
