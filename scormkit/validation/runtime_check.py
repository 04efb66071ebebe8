"""`scormkit validate --runtime`: launch each SCO as an LMS would, in headless Chromium.

The package is served from memory on 127.0.0.1 next to a small LMS stand-in page
(lms_player/player.html, next to this module) whose SCORM API is scorm-again (npm, MIT).
Chromium runs headless with a throw-away profile in a private temporary folder, every host
name but 127.0.0.1 unresolvable and the same local server as its proxy: every request that
is not for 127.0.0.1 arrives there as a proxy request, is refused and reported
(runtime-network), so the content cannot reach the network. The page launches each SCO,
unloads it, and POSTs what happened; this module turns that into runtime-* diagnostics.

No Python browser driver is needed: Chromium is started as a plain process and killed when
the report arrives (or at the time limit).

Tools: SCORMKIT_CHROMIUM (default /usr/bin/chromium, else Chromium or Chrome on PATH) and
SCORMKIT_SCORM_AGAIN (a folder holding scorm-again's dist/, default node_modules/scorm-again
of the checkout or of the current folder, else the copy `scormkit runtime install` puts in
the per-user data directory). `validate --runtime` is an explicit request: the CLI stops with
exit code 2 and says how to get what is missing (missing_tools()); a library caller that
asks for the check without the tools gets a runtime-skipped warning.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import mimetypes
import os
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from scormkit.errors import Diagnostic, Location
from scormkit.runtime_tools import (
    CHROMIUM_HINT,
    SCORM_AGAIN_HINT,
    find_chromium,
    installed_dir,
)
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
)
# And --proxy-server=<our own server>: anything not on loopback is sent to it as a proxy
# request, recorded (runtime-network) and refused.
BROWSER_SERVICE_HOSTS = (
    "accounts.google.com", "update.googleapis.com", "clients2.google.com",
    "clients1.google.com", "optimizationguide-pa.googleapis.com",
    "safebrowsing.googleapis.com", "content-autofill.googleapis.com",
    "android.clients.google.com", "redirector.gvt1.com", "edgedl.me.gvt1.com",
)
"""Hosts Chromium itself calls (updates, sign-in, time) despite the flags above. Requests to
them are refused like any other but not blamed on the content."""
INIT_SECONDS = 8
"""How long a SCO may take to call LMSInitialize/Initialize."""
SECONDS_PER_SCO = INIT_SECONDS + 8
"""Upper bound of the player's waits for one SCO (8 s to initialize, 2 s for a status,
3 s to finish) plus margin."""
STARTUP_SECONDS = 20


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
    url = base + resource.get("href", "")
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
    report = run_player(context.files, urls, version, tools)
    if report is None:
        return [Diagnostic("runtime-skipped", "the runtime check was skipped: Chromium did "
                           "not report back in time")]
    return diagnose(report, version)


def diagnose(report: dict[str, Any], version: str) -> list[Diagnostic]:
    init, finish = ("LMSInitialize", "LMSFinish") if version == "1.2" else \
        ("Initialize", "Terminate")
    status = "cmi.core.lesson_status" if version == "1.2" else \
        "cmi.completion_status or cmi.success_status"
    other = "API_1484_11 (SCORM 2004)" if version == "1.2" else "API (SCORM 1.2)"
    diagnostics: list[Diagnostic] = []
    for request in report.get("outside", [])[:20]:
        diagnostics.append(Diagnostic(
            "runtime-network", f"the content tried to reach {request} (refused)", None))
    for result in report.get("results", []):
        where = Location(unquote(urlsplit(str(result.get("url", ""))).path))
        for error in result.get("errors", [])[:20]:
            args = ", ".join(json.dumps(a) for a in error.get("args", []))
            diagnostics.append(Diagnostic(
                "runtime-api-error", f"{error.get('fn')}({args}) failed with error "
                f"{error.get('code')}: {error.get('text')}", where))
        if not result.get("initialized"):
            reason = ""
            if result.get("lookedForOther"):
                reason = f"; it looked for {other}: the SCO is written for the other version"
                diagnostics.append(Diagnostic(
                    "runtime-api-error", f"the SCO looked for {other} in a SCORM {version} "
                    "package", where, "make the manifest's version and the SCO's API agree"))
            elif not result.get("loaded"):
                reason = "; the page did not load"
            elif result.get("pageErrors"):
                reason = f"; the page raised: {result['pageErrors'][0]}"
            diagnostics.append(Diagnostic(
                "runtime-no-initialize", f"the SCO did not call {init}(\"\") successfully "
                f"within 8 s{reason}", where))
            continue
        if not result.get("status"):
            diagnostics.append(Diagnostic(
                "runtime-no-status", f"the SCO initialized but set no {status}", where))
        if not result.get("finished"):
            diagnostics.append(Diagnostic(
                "runtime-no-finish", f"the SCO did not call {finish}(\"\") within 3 s of "
                "being unloaded", where))
    return diagnostics


# ---------------------------------------------------------------------------------------------
# Serving and launching


def run_player(files: dict[str, bytes], urls: list[str], version: str, tools: Tools
               ) -> dict[str, Any] | None:
    """Serve the package and the player, run Chromium until the player reports."""
    done = threading.Event()
    received: dict[str, Any] = {}
    outside: list[str] = []
    api = (tools.scorm_again / ("scorm12.js" if version == "1.2" else "scorm2004.js"))
    special = {"/__scormkit__/player.html": (PLAYER.read_bytes(), "text/html"),
               "/__scormkit__/api.js": (api.read_bytes(), "text/javascript")}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _refuse_outside(self) -> bool:
            """A proxy request (absolute URL or CONNECT) is refused. It is blamed on the
            content when the page sent it (its Referer is this server), or, for an HTTPS
            tunnel (which carries no Referer), when the host is not one Chromium calls for
            its own services."""
            if self.command == "CONNECT" or not self.path.startswith("/"):
                host = (self.path.split(":", 1)[0] if self.command == "CONNECT"
                        else urlsplit(self.path).hostname or "")
                referer = self.headers.get("Referer") or ""
                if referer.startswith(origin) or (
                        self.command == "CONNECT" and host not in BROWSER_SERVICE_HOSTS):
                    outside.append(f"{self.command} {self.path}")
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return True
            return False

        def do_CONNECT(self) -> None:  # noqa: N802
            self._refuse_outside()

        def do_GET(self) -> None:  # noqa: N802
            if self._refuse_outside():
                return
            path = unquote(urlsplit(self.path).path)
            if path in special:
                self._send(*special[path])
            elif path.startswith("/pkg/") and path[5:] in files:
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                self._send(files[path[5:]], kind)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            if self._refuse_outside():
                return
            if self.path != "/__scormkit__/report":
                self.send_response(404)
                self.end_headers()
                return
            length = min(int(self.headers.get("Content-Length") or 0), 16 * 1024 * 1024)
            with contextlib.suppress(ValueError):
                received.update(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()
            done.set()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="scormkit-runtime",
                              daemon=True)
    thread.start()
    port = server.server_address[1]
    origin = f"http://127.0.0.1:{port}/"
    query = (f"version={version}&init={INIT_SECONDS * 1000}"
             f"&scos={quote(json.dumps(urls), safe='')}")
    url = f"http://127.0.0.1:{port}/__scormkit__/player.html?{query}"
    try:
        with tempfile.TemporaryDirectory(prefix="scormkit-runtime-",
                                         ignore_cleanup_errors=True) as profile:
            # Its own process group, so that the browser's helper processes end with it.
            process = subprocess.Popen(
                [str(tools.chromium), *CHROMIUM_FLAGS, f"--proxy-server=http://127.0.0.1:{port}",
                 "--proxy-bypass-list=127.0.0.1", f"--user-data-dir={profile}", url],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd=profile, env={**os.environ, "HOME": profile}, start_new_session=True)
            try:
                done.wait(STARTUP_SECONDS + SECONDS_PER_SCO * len(urls))
            finally:
                _stop(process)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    if not done.is_set():
        return None
    received["outside"] = sorted(set(outside))
    return received


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the browser and every process of its group (started by us, nothing else)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=5)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()
