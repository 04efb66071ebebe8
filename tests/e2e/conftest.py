"""Browser end-to-end harness: real packages, a local web server, scorm-again as the LMS, Chromium.

Session fixtures build fresh SCORM 1.2 and SCORM 2004 packages of the example course with the
library, unpack them into one folder served on 127.0.0.1, next to tests/e2e/player.html and
player2004.html (LMS stand-ins built on scorm-again from node_modules) and unit.html with the
runtime assembled with all its transports (/src/scormkit.js).

The players are a test LMS that stores like Moodle's mod_scorm (tests/e2e/lms-store.js says
what Moodle does, with file and commit): every Commit goes to this server (TestLms, /lms/...)
as a synchronous XMLHttpRequest and Finish/Terminate as a beacon, so Chromium's refusal of
synchronous requests during page dismissal hits a SCO that commits on its way out exactly as
it does in Moodle; ``Player.relaunch()`` starts the next session from what the server stored.
Every browser request is recorded; anything not addressed to the local server is blocked and
fails the test. (The cmi5 tests, test_cmi5_runtime.py, bring their own LMS and LRS.)

Requirements: Debian's /usr/bin/chromium and `npm install` (scorm-again, pinned in
package.json); for cmi5 also Ralph (`pip install -e '.[test]'`). When one is missing the tests
fail with a message saying so, unless SCORMKIT_SKIP_E2E=1 is set, in which case they are
skipped.

SCORMKIT_E2E_PACKAGE=<zip or folder> runs the SCORM 1.2 tests against an existing single-SCO
package instead of building one (useful to check a package made elsewhere).
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
COURSE_DIR = ROOT / "course_src"
CHROMIUM = Path(os.environ.get("SCORMKIT_CHROMIUM", "/usr/bin/chromium"))
SCORM_AGAIN_DIST = ROOT / "node_modules" / "scorm-again" / "dist"
SCORM_AGAIN_JS = "scorm12.js"  # the browser (IIFE) bundle defining the global Scorm12API
SCORM_AGAIN_2004_JS = "scorm2004.js"  # ... and the one defining Scorm2004API
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long a browser step may take before the test fails. Generous on purpose: it only bounds
# a failure, and on a shared 2-core machine under load (load average 29 seen) loading a player
# page with its SCO took more than 10 s.
TIMEOUT_MS = 30_000


def require(ok: bool, message: str) -> None:
    """Fail with *message* unless SCORMKIT_SKIP_E2E=1 asks to skip instead."""
    if ok:
        return
    if os.environ.get("SCORMKIT_SKIP_E2E") == "1":
        pytest.skip(message)
    pytest.fail(f"{message} (set SCORMKIT_SKIP_E2E=1 to skip the e2e tests)", pytrace=False)


# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------


def _unpack(zip_path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            assert not name.startswith("/") and ".." not in Path(name).parts, name
        archive.extractall(dest)
    return dest


def _build(out_dir: Path, target: str = "scorm12", **changes: Any) -> Path:
    """Build the example course for *target*; *changes*: sco_per_lesson, completion,
    shuffle_questions."""
    try:
        from scormkit.build import build_package
        from scormkit.errors import ScormkitError
        from scormkit.sources import load_course
        from scormkit.writers.base import WriterOptions
    except ImportError as error:  # pragma: no cover - the compiler is missing
        pytest.fail(f"cannot import the scormkit compiler: {error}", pytrace=False)
    try:
        course = load_course(COURSE_DIR)
        if "completion" in changes:
            tracking = dataclasses.replace(course.tracking, completion=changes["completion"])
            course = dataclasses.replace(course, tracking=tracking)
        if changes.get("shuffle_questions"):
            quiz = dataclasses.replace(course.quiz, shuffle_questions=True)
            course = dataclasses.replace(course, quiz=quiz)
        options = WriterOptions(sco_per_lesson=changes.get("sco_per_lesson", False))
        result = build_package(course, target=target, out_dir=out_dir, options=options)
    except ScormkitError as error:
        pytest.fail(f"building the example course for {target} failed: {error}", pytrace=False)
    assert result.path.is_file(), result
    return Path(result.path)


# SCORM limits the test LMS enforces on what it is asked to store (strict): SCORM 1.2 RTE
# 3.4.2 (cmi.suspend_data CMIString4096, cmi.core.lesson_location CMIString255) and the
# SCORM 2004 RTE smallest permitted maxima (cmi.suspend_data 64000, cmi.location 1000).
STORE_LIMITS = {
    "scorm12": {("core", "lesson_location"): 255, ("suspend_data",): 4096},
    "scorm2004": {("location",): 1000, ("suspend_data",): 64000},
}


@dataclass
class StoredAttempt:
    """What the test LMS's server holds of one attempt: every store request, in order."""

    records: list[dict[str, Any]] = field(default_factory=list)
    """{"kind": "commit" | "finish", "cmi": the learner data, "answer": what the SCO got}."""

    @property
    def commits(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["kind"] == "commit"]

    @property
    def finishes(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["kind"] == "finish"]

    def last_cmi(self) -> dict[str, Any] | None:
        stored = [r for r in self.records if r["answer"].startswith("true")]
        return stored[-1]["cmi"] if stored else None


class TestLms:
    """The server side of the test LMS: attempt id -> StoredAttempt. Thread-safe (the web
    server answers each request in its own thread)."""

    __test__ = False  # not a test class for pytest

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.attempts: dict[str, StoredAttempt] = {}

    def store(self, attempt: str, kind: str, body: dict[str, Any]) -> str:
        """Store one request; the answer datamodel.php would give: "true", "0" or "false", "101"
        on two lines."""
        cmi = body.get("cmi")
        problem = self._problem(cmi)
        answer = "true\n0" if problem is None else "false\n101"
        with self._lock:
            self.attempts.setdefault(attempt, StoredAttempt()).records.append(
                {"kind": kind, "cmi": cmi, "answer": answer, "problem": problem,
                 "t": time.monotonic()})
        return answer

    @staticmethod
    def _problem(cmi: Any) -> str | None:
        if not isinstance(cmi, dict) or not isinstance(cmi.get("cmi"), dict):
            return "no learner data"
        data = cmi["cmi"]
        standard = "scorm12" if isinstance(data.get("core"), dict) else "scorm2004"
        for path, limit in STORE_LIMITS[standard].items():
            value: Any = data
            for key in path:
                value = value.get(key, "") if isinstance(value, dict) else ""
            if len(str(value)) > limit:
                return f"cmi.{'.'.join(path)} is {len(str(value))} characters (limit {limit})"
        return None

    def get(self, attempt: str) -> StoredAttempt:
        """A snapshot of what the server holds of *attempt*."""
        with self._lock:
            return StoredAttempt(list(self.attempts.get(attempt, StoredAttempt()).records))

    def wait_for_finish(self, attempt: str, after: int = 0, timeout_s: float = 10.0) -> None:
        """Wait for the attempt's Finish/Terminate beacon (beacons are async) among the
        records after the first *after*."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if StoredAttempt(self.get(attempt).records[after:]).finishes:
                return
            time.sleep(0.02)
        raise AssertionError(f"the LMS server never got attempt {attempt}'s finish beacon")


@dataclass
class Site:
    """The folder the test server serves and what is in it."""

    root: Path
    base_url: str = ""
    packages: dict[str, Path] = field(default_factory=dict)
    """Package name -> unpacked folder (served at /<name>/)."""
    lms: TestLms = field(default_factory=TestLms)
    """The test LMS's server store (player.html, player2004.html)."""

    def url(self, path: str) -> str:
        return self.base_url + path

    def lessons(self, package: str = "pkg") -> list[str]:
        """Lesson ids of a single-SCO package, from the page's runtime config."""
        return config_of(self.packages[package] / "index.html")["lessons"]


def config_of(page: Path) -> dict[str, Any]:
    from lxml import etree

    tree = etree.parse(str(page))
    (script,) = tree.xpath('//script[@id="scormkit-config"]')
    return json.loads(script.text)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    require(
        (SCORM_AGAIN_DIST / SCORM_AGAIN_JS).is_file(),
        f"{SCORM_AGAIN_DIST / SCORM_AGAIN_JS} is missing: run `npm install` in {ROOT}",
    )
    root = tmp_path_factory.mktemp("site")
    builds = tmp_path_factory.mktemp("builds")
    site = Site(root)

    given = os.environ.get("SCORMKIT_E2E_PACKAGE")
    if given:
        source = Path(given)
        if source.is_dir():
            shutil.copytree(source, root / "pkg")
        else:
            _unpack(source, root / "pkg")
        site.packages["pkg"] = root / "pkg"
    else:
        variants = {
            "pkg": {},
            "per-lesson": {"sco_per_lesson": True},
            "launch": {"completion": "launch"},
            "s2004": {"target": "scorm2004"},
            "s2004-per-lesson": {"target": "scorm2004", "sco_per_lesson": True},
            "shuffled": {"sco_per_lesson": True, "shuffle_questions": True},
        }
        for name, changes in variants.items():
            zip_path = _build(builds / name, **changes)
            site.packages[name] = _unpack(zip_path, root / name)

    for name in ("player.html", "player2004.html", "unit.html", "lms-store.js"):
        shutil.copy(HERE / name, root / name)
    vendor = root / "node_modules" / "scorm-again" / "dist"
    vendor.mkdir(parents=True)
    for name in (SCORM_AGAIN_JS, SCORM_AGAIN_2004_JS):
        shutil.copy(SCORM_AGAIN_DIST / name, vendor / name)
    # unit.html loads /src/scormkit.js: the runtime assembled with every transport module, so
    # that the pure functions of all three standards are on window.scormkit.
    from scormkit import jsbundle

    src = root / "src"
    src.mkdir()
    every_transport = jsbundle.Bundle("scormkit.js with every transport (tests/e2e/unit.html)",
                                      "page/main", ("lms/scorm12", "lms/scorm2004", "lms/cmi5"))
    (src / "scormkit.js").write_bytes(jsbundle.assemble(every_transport))
    return site


# ---------------------------------------------------------------------------------------------
# Local web server
# ---------------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, and the test LMS's store: POST /lms/<attempt>/commit (synchronous
    XHR), POST /lms/<attempt>/finish (beacon), GET /lms/<attempt> (a relaunch)."""

    lms: TestLms

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _lms_path(self) -> list[str] | None:
        parts = urlsplit(self.path).path.split("/")
        return parts[2:] if len(parts) >= 3 and parts[1] == "lms" and parts[2] else None

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        path = self._lms_path()
        if path is None or len(path) != 2 or path[1] not in ("commit", "finish"):
            self._answer(404, b"not found", "text/plain")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        answer = self.lms.store(path[0], path[1], body if isinstance(body, dict) else {})
        self._answer(200, answer.encode(), "text/plain")

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self._lms_path()
        if path is None:
            super().do_GET()
            return
        stored = self.lms.get(path[0])
        body = {"cmi": stored.last_cmi(), "commits": len(stored.commits),
                "finishes": len(stored.finishes)}
        self._answer(200, json.dumps(body).encode(), "application/json")


@pytest.fixture(scope="session")
def server(site: Site) -> Iterator[Site]:
    handler = partial(type("Handler", (_QuietHandler,), {"lms": site.lms}),
                      directory=str(site.root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-http", daemon=True)
    thread.start()
    site.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    require(CHROMIUM.is_file(), f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401 - only to say what is missing
    except ImportError:  # pragma: no cover
        require(False, "the playwright Python package is not installed (pip install playwright)")
    playwright = request.getfixturevalue("playwright_driver")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class Network:
    """Every request the browser made, and those that were blocked for leaving 127.0.0.1."""

    origin: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    """Console messages of every page (type: text (url))."""

    def is_local(self, url: str) -> bool:
        if url.startswith(("about:", "data:", "blob:")):
            return True
        parts = urlsplit(url)
        return (
            parts.scheme == "http"
            and parts.hostname == "127.0.0.1"
            and (f"{parts.scheme}://{parts.netloc}" == self.origin)
        )

    def assert_clean(self) -> None:
        outside = [url for url in self.requests if not self.is_local(url)]
        assert not outside, f"requests left 127.0.0.1: {outside}"
        assert not self.blocked, f"blocked requests: {self.blocked}"
        assert not self.page_errors, f"uncaught errors in the page: {self.page_errors}"
        problems = [m for m in self.console if m.startswith(("error:", "warning:"))]
        assert not problems, f"console errors or warnings: {problems}"


@pytest.fixture
def network(server: Site) -> Iterator[Network]:
    """The test's record of browser traffic. Tests call ``network.assert_clean()``; as a
    backstop, a request that left 127.0.0.1 also fails the test at teardown."""
    network = Network(server.base_url)
    yield network
    outside = [url for url in network.requests if not network.is_local(url)]
    assert not outside and not network.blocked, f"requests left 127.0.0.1: {outside}"


def _new_context(browser: Any, network: Network, *, block: bool = True, **options: Any) -> Any:
    """A browser context whose requests are all recorded in *network*; with *block*, those
    not addressed to 127.0.0.1 are also aborted. (Playwright's request interception stalls
    `fetch(..., {keepalive: true})` requests, which the cmi5 tests need: they pass
    block=False and rely on the record, checked by Network.assert_clean.)"""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)

    def route(route: Any) -> None:
        url = route.request.url
        if network.is_local(url):
            route.continue_()
        else:
            network.blocked.append(url)
            route.abort()

    if block:
        context.route("**/*", route)
    context.on("request", lambda request: network.requests.append(request.url))
    context.on("weberror", lambda error: network.page_errors.append(str(error.error)))
    context.on(
        "console",
        lambda message: network.console.append(
            f"{message.type}: {message.text} ({message.location.get('url')})"
        ),
    )
    return context


@pytest.fixture
def context(browser: Any, network: Network) -> Iterator[Any]:
    context = _new_context(browser, network, viewport={"width": 1024, "height": 800})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def new_context(browser: Any, network: Network) -> Iterator[Any]:
    """Factory for contexts with other options (viewport, JavaScript off); closed afterwards."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        made.append(_new_context(browser, network, **options))
        return made[-1]

    try:
        yield make
    finally:
        for context in made:
            context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


# ---------------------------------------------------------------------------------------------
# Player helpers
# ---------------------------------------------------------------------------------------------


class Player:
    """Drives tests/e2e/player.html (the test LMS) and the SCO in its iframe;
    ``Player(page, site, scorm2004=True)`` drives player2004.html instead.

    Each launch is an attempt on the test LMS's server (``self.attempt``); ``relaunch()``
    starts the same attempt again from what the server stored."""

    _attempts = 0

    def __init__(self, page: Any, site: Site, scorm2004: bool = False) -> None:
        self.page = page
        self.site = site
        self.player_page = "/player2004.html" if scorm2004 else "/player.html"
        self.default_sco = "/s2004/index.html" if scorm2004 else "/pkg/index.html"
        self.finish_function = "Terminate" if scorm2004 else "LMSFinish"
        self.attempt = ""
        self.sco = self.default_sco
        self.seed: dict[str, Any] | None = None
        self.since = 0
        """How many records the server held of the attempt when this session started."""

    def launch(
        self, sco: str | None = None, cmi: dict[str, Any] | None = None, **extra: str
    ) -> Any:
        """A new attempt of *sco* (*cmi*: learner data the LMS starts it with)."""
        Player._attempts += 1
        self.attempt = f"t{os.getpid()}-{Player._attempts}"
        self.sco = sco or self.default_sco
        self.seed = cmi
        return self._open(attempt=self.attempt, **extra)

    def relaunch(self, **extra: str) -> Any:
        """Launch the last attempt's SCO again, from what the LMS's server stored (the seed
        *cmi* of launch() stays: it stands for the LMS's settings)."""
        assert self.attempt, "relaunch() needs a launch() first"
        return self._open(attempt=self.attempt, resume="1", **extra)

    def _open(self, **extra: str) -> Any:
        self.since = len(self.site.lms.get(self.attempt).records)
        query = "?sco=" + quote(self.sco, safe="/")
        if self.seed is not None:
            query += "&cmi=" + quote(json.dumps(self.seed), safe="")
        for key, value in extra.items():
            query += f"&{key}={quote(value, safe='')}"
        self.page.goto(self.site.url(self.player_page + query))
        frame = self.frame()
        frame.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
        return frame

    def frame(self) -> Any:
        self.page.wait_for_selector("#sco")
        handle = self.page.query_selector("#sco")
        frame = handle.content_frame()
        assert frame is not None
        frame.wait_for_load_state("load")
        return frame

    def state(self) -> dict[str, Any]:
        return self.frame().evaluate("() => window.scormkit.getState()")

    def unload(self) -> dict[str, Any]:
        """Navigate the SCO away (as an LMS does when the learner leaves: Chromium treats it
        as page dismissal) and return the player's record of the session once LMSFinish
        (Terminate) has been called and its beacon has reached the LMS's server."""
        self.page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
        self.page.wait_for_function(
            "(name) => window.calls.some((call) => call.fn === name)", arg=self.finish_function
        )
        # Let anything the SCO might (wrongly) do after LMSFinish arrive before asserting.
        self.page.wait_for_timeout(100)
        report = self.report()
        finished = [c for c in report["calls"] if c["fn"] == self.finish_function]
        if finished and finished[0]["ret"] == "true":
            self.site.lms.wait_for_finish(self.attempt, after=self.since)
            report["stored"] = self.stored()
        return report

    def report(self) -> dict[str, Any]:
        """The player's record of the session so far; "stored": what the server got of it."""
        report = self.page.evaluate("() => window.lmsReport()")
        report["stored"] = self.stored()
        return report

    def stored(self) -> StoredAttempt:
        """What the LMS's server got in the current session of the attempt."""
        return StoredAttempt(self.site.lms.get(self.attempt).records[self.since:])


@pytest.fixture
def player(page: Any, server: Site) -> Player:
    return Player(page, server)


@pytest.fixture
def player2004(page: Any, server: Site) -> Player:
    return Player(page, server, scorm2004=True)
