"""cmi5 run-time behaviour of freshly built packages, in Chromium, against a rule-enforcing
cmi5 LMS and a real LRS.

The pieces, all on 127.0.0.1:

- **LRS**: Ralph (PyPI ``ralph-malph[lrs]``), its FastAPI app run by uvicorn in a subprocess
  (tests/e2e/run_ralph.py) with the file-system backend in a temporary folder and HTTP Basic
  users from a bcrypt-hashed auth file. It stores what the LMS lets through and is where the
  tests read the statements back.
- **LMS** (tests/e2e/cmi5_lms.py): the site serving the unpacked packages and the one-time
  fetch URLs, and the xAPI endpoint the AU is given (its own origin, so the AU's requests are
  cross-origin with CORS preflights as in real deployments). It launches AUs as a cmi5 LMS
  does and refuses, with the rule number, every request that breaks a cmi5 rule for AUs; what
  passes goes to Ralph with the LMS's credentials. It evaluates moveOn and records
  ``satisfied`` for the course, and ``abandoned`` for a session that never ended.

Every test drives Chromium through an AU as a learner would (lessons, the quiz, the exit
control, or closing the page), then reads the statements back from Ralph and checks them; and
every test ends with no request refused by the LMS unless it is about refusals.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.e2e import quizdriver as qd
from tests.e2e.cmi5_lms import (
    CMI5,
    COURSE_TYPE,
    LMS_HOME,
    MASTERY,
    MOVEON,
    REQUIREMENTS,
    SESSION_ID,
    Cmi5Lms,
    Launch,
)
from tests.e2e.conftest import COURSE_DIR, Network, _new_context, _unpack, require

pytestmark = pytest.mark.e2e

VERB = "http://adlnet.gov/expapi/verbs/"
ADL_VERB = "https://w3id.org/xapi/adl/verbs/"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
CMI5_VERBS = {"initialized", "completed", "passed", "failed", "terminated"}
ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
VISIBLE_NEXT = "section.sk-lesson:not([hidden]) .sk-next"
# xAPI 1.0.3 Data 2.4.4.1 (Interaction Activities): the correct responses pattern / response
# syntax of each interaction type the quiz sends ("[,]" between items, "[.]" in a pair, "[:]"
# in a range). Fill-in items may hold any text.
PATTERNS = {
    "choice": re.compile(r"^[^\[\]\s]+(\[,\][^\[\]\s]+)*$"),
    "sequencing": re.compile(r"^[^\[\]\s]+(\[,\][^\[\]\s]+)*$"),
    "true-false": re.compile(r"^(true|false)$"),
    "matching": re.compile(r"^[^\[\]\s]+\[\.\][^\[\]\s]+(\[,\][^\[\]\s]+\[\.\][^\[\]\s]+)*$"),
    "numeric": re.compile(r"^(-?\d+(\.\d+)?|-?\d*(\.\d+)?\[:\]-?\d*(\.\d+)?)$"),
    "fill-in": re.compile(r"^(?!\{).*$", re.S),
    "long-fill-in": re.compile(r"^(?!\{).*$", re.S),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seconds(duration: str) -> float:
    match = ISO_DURATION.match(duration)
    assert match and duration != "PT", duration
    hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


# --------------------------------------------------------------------------------------------
# Ralph, the LRS
# --------------------------------------------------------------------------------------------


@dataclass
class Ralph:
    url: str
    lms_token: str
    log: Path

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Basic {self.lms_token}",
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        })
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def post(self, statements: list[dict[str, Any]]) -> tuple[int, bytes]:
        """Store statements with the LMS's credentials (the LMS's way into its LRS)."""
        request = urllib.request.Request(
            self.url + "/xAPI/statements", data=json.dumps(statements).encode(),
            method="POST", headers={"Authorization": f"Basic {self.lms_token}",
                                    "X-Experience-API-Version": "1.0.3",
                                    "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def statements(self, registration: str) -> list[dict[str, Any]]:
        """The registration's statements in timestamp order (cmi5's order, 9.3; stored order
        breaks ties)."""
        query = urlencode({"registration": registration, "limit": 1000})
        found = self.request("GET", f"/xAPI/statements?{query}")["statements"]
        found = [s for s in found if s.get("context", {}).get("registration") == registration]
        return sorted(found, key=lambda s: (s["timestamp"], s["stored"]))

    def wait_for(self, registration: str, verb: str, count: int = 1) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 10
        while True:
            found = self.statements(registration)
            if sum(s["verb"]["id"].endswith("/" + verb) for s in found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no {verb} statement arrived: {verbs(found)}")
            time.sleep(0.05)


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    try:
        import bcrypt  # noqa: F401 - installed with ralph-malph[lrs]
        import ralph  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        require(False, f"the cmi5 e2e tests need Ralph ({error}): pip install -e '.[test]'")
    import bcrypt

    root = tmp_path_factory.mktemp("ralph")
    password = secrets.token_urlsafe(16)
    digest = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    auth_file = root / "auth.json"
    auth_file.write_text(json.dumps([{
        "agent": {"account": {"homePage": LMS_HOME, "name": "scormkit-test-lms"}},
        "scopes": ["all"], "username": "lms", "hash": digest,
    }]))
    (root / "data").mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("RALPH_")}
    env.update({
        "RALPH_APP_DIR": str(root / "app"),
        "RALPH_AUTH_FILE": str(auth_file),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "data"),
    })
    port = free_port()
    log = root / "ralph.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("run_ralph.py")), str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT, cwd=root,
        )
    server = Ralph(f"http://127.0.0.1:{port}", basic("lms", password), log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"Ralph exited with {process.returncode}:\n{log.read_text()}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(server.url + "/__heartbeat__", timeout=1).close()
                break
            if time.monotonic() > deadline:
                pytest.fail(f"Ralph did not start within 30 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------------------------
# The LMS: its site (packages, fetch URLs) and its xAPI endpoint, over HTTP
# --------------------------------------------------------------------------------------------


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    lms: Cmi5Lms

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        path = urlsplit(self.path).path
        if not path.startswith("/fetch/"):
            self.send_error(404)
            return
        reply = self.lms.fetch(path.removeprefix("/fetch/"))
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


class _EndpointHandler(http.server.BaseHTTPRequestHandler):
    """The xAPI endpoint AUs get (/xapi/...): every request goes through Cmi5Lms.handle."""

    lms: Cmi5Lms
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.lms.base_url)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers",
                         "Authorization, Content-Type, X-Experience-API-Version")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Vary", "Origin")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.send_response(204)
        self.cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_xapi(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        if parts.path.startswith("/xapi/"):
            reply = self.lms.handle(self.command, parts.path.removeprefix("/xapi/"), query,
                                    headers, body)
            status, data, kind = reply.status, reply.body, reply.content_type
        else:
            status, data, kind = 404, b"", "application/json"
        self.send_response(status)
        self.cors()
        self.send_header("X-Experience-API-Version", "1.0.3")
        if data:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = handle_xapi  # noqa: N815


def _serve(handler: type, lms: Cmi5Lms) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler_class = type(handler.__name__, (handler,), {"lms": lms})
    factory: Any = (partial(handler_class, directory=str(lms.root))
                    if issubclass(handler, http.server.SimpleHTTPRequestHandler) else handler_class)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, name=f"e2e-{handler.__name__}",
                     daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _build_cmi5(out_dir: Path, per_lesson: bool) -> Path:
    from scormkit.build import build_package
    from scormkit.sources import load_course
    from scormkit.writers.base import WriterOptions

    result = build_package(load_course(COURSE_DIR), "cmi5", out_dir,
                           WriterOptions(sco_per_lesson=per_lesson))
    return Path(result.path)


@pytest.fixture(scope="session")
def lms_site(ralph: Ralph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cmi5Lms]:
    require(REQUIREMENTS.is_file(), f"{REQUIREMENTS} is missing: run `npm ci`")
    root = tmp_path_factory.mktemp("lms")
    builds = tmp_path_factory.mktemp("cmi5-builds")
    for name, per_lesson in (("cmi5", False), ("cmi5-per-lesson", True)):
        zip_path = _build_cmi5(builds / name, per_lesson)
        with zipfile.ZipFile(zip_path) as archive:
            assert "cmi5.xml" in archive.namelist()
        _unpack(zip_path, root / name)
    (root / "done.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>'
        '<link rel="icon" href="data:," /></head>'
        "<body><p>Back in the LMS.</p></body></html>")
    # AUs open in the top window here (launchMethod AnyWindow), where browsers ask for one.
    (root / "favicon.ico").write_bytes(b"")
    lms = Cmi5Lms(root, ralph.post)
    site, lms.base_url = _serve(_SiteHandler, lms)
    endpoint, endpoint_url = _serve(_EndpointHandler, lms)
    lms.endpoint = endpoint_url + "/xapi/"
    lms.ralph = ralph  # type: ignore[attr-defined]
    try:
        yield lms
    finally:
        for httpd in (site, endpoint):
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture
def lms(lms_site: Cmi5Lms) -> Iterator[Cmi5Lms]:
    """The LMS, with the test's refusals checked at the end: none, unless the test took them
    (``take_refusals``)."""
    lms_site.refusals.clear()
    lms_site.faults.clear()
    yield lms_site
    refusals, lms_site.refusals[:] = list(lms_site.refusals), []
    assert refusals == [], f"the LMS refused requests: {refusals}"


def take_refusals(lms: Cmi5Lms) -> list[dict[str, Any]]:
    taken, lms.refusals[:] = list(lms.refusals), []
    return taken


@dataclass
class Cmi5Network(Network):
    """Like Network, with the LRS endpoint's origin allowed too."""

    also: tuple[str, ...] = ()

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return super().is_local(url) or f"{parts.scheme}://{parts.netloc}" in self.also


@pytest.fixture
def au_page(browser: Any, lms: Cmi5Lms) -> Iterator[tuple[Any, Cmi5Network]]:
    endpoint = urlsplit(lms.endpoint)
    network = Cmi5Network(lms.base_url, also=(f"{endpoint.scheme}://{endpoint.netloc}",))
    context = _new_context(browser, network, block=False, viewport={"width": 1024, "height": 800})
    try:
        yield context.new_page(), network
    finally:
        context.close()
    outside = [url for url in network.requests if not network.is_local(url)]
    assert not outside and not network.blocked, f"requests left 127.0.0.1: {outside}"


def assert_clean(network: Network, expected: tuple[str, ...] | list[str] = ()) -> None:
    """Network.assert_clean, less the console's "Failed to load resource" errors that are the
    protocol working: xAPI answers 404 for a document that does not exist yet (the AU's own
    state on a first launch, learner preferences nobody set), and *expected* (e.g. a statement
    the LMS refused on purpose)."""
    def expected_failure(message: str) -> bool:
        if "Failed to load resource" not in message:
            return False
        return ("status of 404" in message and ("stateId=scormkit.state" in message or
                                                "profileId=cmi5LearnerPreferences" in message)
                ) or any(text in message for text in expected)

    network.console[:] = [m for m in network.console if not expected_failure(m)]
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Driving an AU
# --------------------------------------------------------------------------------------------


def open_au(page: Any, launch: Launch) -> dict[str, Any]:
    page.goto(launch.url)
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    return page.evaluate("() => window.scormkit.getState()")


def state_of(page: Any) -> dict[str, Any]:
    return page.evaluate("() => window.scormkit.getState()")


def wait_idle(page: Any) -> dict[str, Any]:
    page.wait_for_function("() => window.scormkit.getState().pending === 0")
    return state_of(page)


def leave(page: Any, lms: Cmi5Lms) -> None:
    """The learner closes the AU (another page replaces it): terminated goes on pagehide."""
    wait_idle(page)
    page.goto(f"{lms.base_url}/done.html")


def exit_au(page: Any, launch: Launch) -> None:
    """The learner presses the exit control; the AU ends the session and goes to returnURL."""
    button = page.get_by_role("button", name="Exit")
    assert button.is_visible()
    with page.expect_navigation(url=launch.return_url):
        button.click()


def view_all_lessons(page: Any) -> None:
    """Next, from the lesson on screen to the last one."""
    lessons = state_of(page)["lessons"]
    for _ in lessons[lessons.index(visible_lesson(page)) + 1:]:
        page.locator(VISIBLE_NEXT).click()


def visible_lesson(page: Any) -> str:
    ids = page.eval_on_selector_all("section.sk-lesson:not([hidden])", "els => els.map(e => e.id)")
    assert len(ids) == 1, ids
    return ids[0]


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]


def defined(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cmi5-defined statements (category cmi5) and the LMS's own."""
    return [s for s in statements if any(
        a["id"] == CMI5 for a in s["context"]["contextActivities"].get("category", []))]


def session_of(statements: list[dict[str, Any]], session: str) -> list[dict[str, Any]]:
    return [s for s in statements if s["context"].get("extensions", {}).get(SESSION_ID) == session]


def assert_au_statements(statements: list[dict[str, Any]], launch: Launch) -> None:
    """What the test itself checks of every statement the AU sent (the LMS checked the rest)."""
    for statement in statements:
        verb = verbs([statement])[0]
        if verb in ("launched", "abandoned", "satisfied"):
            continue
        assert UUID.match(statement["id"]), statement["id"]
        assert statement["actor"]["account"] == launch.actor["account"]
        context = statement["context"]
        assert context["registration"] == launch.registration
        assert context["extensions"][SESSION_ID] == launch.session
        assert context["contextActivities"]["grouping"][0]["id"] == launch.publisher_id
        categories = {a["id"] for a in context["contextActivities"].get("category", [])}
        if verb == "answered":
            assert categories == set()    # "cmi5 allowed"
            assert context["contextActivities"]["parent"] == [
                {"id": launch.activity, "objectType": "Activity"}]
            continue
        assert verb in CMI5_VERBS, verb
        assert statement["object"]["id"] == launch.activity
        assert CMI5 in categories
        assert (MOVEON in categories) == (verb in ("completed", "passed", "failed")), statement
        assert statement["verb"]["display"]["en-US"] == verb
        if verb != "initialized":
            assert seconds(statement["result"]["duration"]) >= 0
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids))


def assert_interactions(answered: list[dict[str, Any]]) -> None:
    """`answered` statements: xAPI cmi.interaction activities with the xAPI pattern syntax."""
    assert answered
    for statement in answered:
        obj = statement["object"]
        assert obj["id"].startswith("https://scormkit.invalid/courses/tpm-skills/questions/")
        definition = obj["definition"]
        assert definition["type"] == INTERACTION
        kind = definition["interactionType"]
        assert kind in PATTERNS, kind
        assert definition["name"]["en"]
        for pattern in definition.get("correctResponsesPattern", []):
            assert PATTERNS[kind].match(pattern), (kind, pattern)
        response = statement.get("result", {}).get("response")
        if response is not None:
            assert PATTERNS[kind].match(response) or kind == "numeric", (kind, response)


def assert_endpoint_use(lms: Cmi5Lms, launch: Launch) -> None:
    """The AU called the fetch URL once, read LaunchData and the learner preferences before
    `initialized`, and used its token and the xAPI version everywhere."""
    assert lms.fetch_calls.get(launch.fetch_key) == 1
    used = lms.requests_of(launch)
    assert used, "the AU never reached the endpoint"
    assert {e["version"] for e in used} == {"1.0.3"}
    assert {e["origin"] for e in used} == {lms.base_url}
    assert {e["path"] for e in used} <= {"statements", "activities/state", "agents/profile"}
    first_post = next(i for i, e in enumerate(used) if e["method"] == "POST")
    before = [(e["method"], e["path"], e["query"].get("stateId") or e["query"].get("profileId"))
              for e in used[:first_post]]
    assert before == [("GET", "activities/state", "LMS.LaunchData"),
                      ("GET", "agents/profile", "cmi5LearnerPreferences"),
                      ("GET", "activities/state", "scormkit.state")]
    assert '"initialized"' in used[first_post]["body"]


def state_puts(lms: Cmi5Lms, launch: Launch) -> int:
    return sum(e["method"] == "PUT" and e["path"] == "activities/state"
               for e in lms.requests_of(launch))


def take_quiz(page: Any, right: bool) -> dict[str, Any]:
    """Open the quiz (single layout: from the lesson list), answer it and submit."""
    qd.wait_ready(page)
    if page.locator(".sk-nav-link.sk-nav-quiz").count():
        qd.open_quiz(page)
    qd.start(page)
    qd.answer(page, qd.presented(page), right=right)
    qd.submit(page)
    return wait_idle(page)


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_full_session_and_the_exit_control(au_page, lms) -> None:
    """Every lesson, then the exit control: terminated, and the learner is back at returnURL.
    The one AU's moveOn is CompletedAndPassed, so the lessons alone do not satisfy it."""
    page, network = au_page
    launch = lms.launch()
    state = open_au(page, launch)
    assert state["standard"] == "cmi5" and state["connected"] is True, state
    assert state["errors"] == [] and state["masteryScore"] == 0.8
    assert state["returnURL"] == launch.return_url
    lessons = state["lessons"]
    for index in range(1, len(lessons)):
        page.locator(VISIBLE_NEXT).click()
        assert visible_lesson(page) == lessons[index]
    state = wait_idle(page)
    assert state["complete"] is True and state["errors"] == []
    exit_au(page, launch)
    assert page.url == launch.return_url

    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "completed", "terminated"]
    assert_au_statements(statements, launch)
    completed, terminated = statements[2], statements[3]
    # One clock per session: terminated (the whole session) is never shorter than completed.
    assert seconds(terminated["result"]["duration"]) >= seconds(completed["result"]["duration"])
    saved = lms.document(launch, "scormkit.state")
    assert saved["completed"] is True and saved["passed"] is False
    assert saved["location"] == lessons[-1]
    progress = lms.registration(launch.registration).progress[launch.activity]
    assert (progress.completed, progress.passed, progress.satisfied) == (True, False, False)
    assert_endpoint_use(lms, launch)
    # The one-time fetch URL really is one-time: a second call gets an error (in a 200, 8.2.2).
    request = urllib.request.Request(f"{lms.base_url}/fetch/{launch.fetch_key}", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["error-code"] == "1"
    assert_clean(network)


def test_leaving_at_once_loses_nothing(au_page, lms) -> None:
    """The learner closes the AU right after the last lesson: `completed` may still be on its
    way when `terminated` goes (pagehide); the LMS orders them by timestamp and takes both."""
    page, network = au_page
    launch = lms.launch(learner="learner-in-a-hurry")
    state = open_au(page, launch)
    view_all_lessons(page)
    page.goto(f"{lms.base_url}/done.html")
    lms.ralph.wait_for(launch.registration, "terminated")
    statements = lms.ralph.wait_for(launch.registration, "completed")
    assert verbs(statements) == ["launched", "initialized", "completed", "terminated"]
    assert_au_statements(statements, launch)
    deadline = time.monotonic() + 5
    while True:   # the last state PUT (keepalive too) may land after the statements
        saved = lms.document(launch, "scormkit.state") or {}
        if saved.get("location") == state["lessons"][-1] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert saved["completed"] is True and saved["location"] == state["lessons"][-1]
    assert_clean(network)


def test_resume_in_a_second_session(au_page, lms) -> None:
    page, network = au_page
    first = lms.launch()
    state = open_au(page, first)
    lessons = state["lessons"]
    page.locator(f'.sk-nav-link[data-lesson="{lessons[1]}"]').click()
    assert visible_lesson(page) == lessons[1]
    leave(page, lms)
    statements = lms.ralph.wait_for(first.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "terminated"]

    second = lms.launch(registration=first.registration)
    state = open_au(page, second)
    assert state["resumed"] is True
    assert visible_lesson(page) == lessons[1]
    assert state["viewed"] == lessons[:2]
    view_all_lessons(page)
    exit_au(page, second)
    statements = lms.ralph.wait_for(first.registration, "terminated", count=2)
    assert verbs(session_of(statements, first.session)) == ["launched", "initialized",
                                                           "terminated"]
    assert verbs(session_of(statements, second.session)) == [
        "launched", "initialized", "completed", "terminated"]
    assert_au_statements(session_of(statements, first.session), first)
    assert_au_statements(session_of(statements, second.session), second)
    assert_endpoint_use(lms, first)
    assert_endpoint_use(lms, second)
    assert_clean(network)


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_send_no_judgement(au_page, lms, mode) -> None:
    """10.2.2: only initialized and terminated, whatever the learner does (the quiz too)."""
    page, network = au_page
    launch = lms.launch(mode=mode)
    state = open_au(page, launch)
    assert state["mode"] == mode.lower()
    assert f"{mode} mode" in page.locator("#scormkit-connection").inner_text()
    view_all_lessons(page)
    take_quiz(page, right=True)
    scored = page.evaluate("() => window.scormkit.tracker.reportScore({raw: 9, max: 10})")
    assert scored is False
    exit_au(page, launch)
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "terminated"]
    assert_au_statements(statements, launch)
    assert_clean(network)


def test_scores_pass_and_fail(au_page, lms) -> None:
    """What page scripts report becomes failed/passed statements, within cmi5's rules: one of
    passed and failed per session (9.3.0.0-3), so `failed` waits for the end of the session
    with the last failing score, and a pass in a later session still counts."""
    page, network = au_page
    launch = lms.launch()
    open_au(page, launch)
    results = page.evaluate(
        """async () => { const t = window.scormkit.tracker;
            await new Promise((resolve) => t.ready(resolve));
            return [
              t.info().masteryScore,
              t.reportScore({raw: 3, max: 10, passed: true}),   // LMS mastery 0.8 decides
              t.reportScore({raw: 2, max: 10, passed: false}),  // the session's last failure
              t.info().success,
            ]; }"""
    )
    assert results == [0.8, True, True, "failed"]
    leave(page, lms)
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "failed", "terminated"]
    assert_au_statements(statements, launch)
    failed = statements[2]
    assert failed["result"]["success"] is False
    assert failed["result"]["score"] == {"scaled": 0.2, "raw": 2, "min": 0, "max": 10}
    assert failed["context"]["extensions"][MASTERY] == 0.8   # 9.6.3.2-2

    again = lms.launch(registration=launch.registration)
    open_au(page, again)
    results = page.evaluate(
        """() => { const t = window.scormkit.tracker;
            return [
              t.reportScore({raw: 1, max: 10}),                  // failed, then ...
              t.reportScore({raw: 9, min: 0, max: 10, passed: false}),   // ... passed: sent
              t.reportScore({raw: 10, max: 10, passed: true}),  // no second passed
              t.reportScore({raw: 1, max: 10, passed: false}),  // no failed after passed
              t.reportScore({raw: 40.5, max: 50}),              // (passed already)
              t.complete(),
              t.saveState('probe', 'v1:a;b'),
              t.info().success,
            ]; }""")
    assert results == [True, True, False, False, False, True, True, "passed"]
    leave(page, lms)
    statements = lms.ralph.wait_for(launch.registration, "terminated", count=2)
    mine = session_of(statements, again.session)
    assert verbs(mine) == ["launched", "initialized", "passed", "completed", "satisfied",
                           "terminated"]
    assert verbs(statements)[-3:] == ["completed", "satisfied", "terminated"]
    assert_au_statements(mine, again)
    passed = mine[2]
    assert passed["result"]["success"] is True
    assert passed["result"]["score"] == {"scaled": 0.9, "raw": 9, "min": 0, "max": 10}
    assert passed["context"]["extensions"][MASTERY] == 0.8
    saved = lms.document(launch, "scormkit.state")
    assert saved["passed"] is True and saved["completed"] is True
    assert "|probe=v1:a%3Bb" in saved["suspendData"]

    # The same registration later: passed and completed are not sent again.
    third = lms.launch(registration=launch.registration)
    open_au(page, third)
    assert page.evaluate(
        "() => [window.scormkit.tracker.reportScore({raw: 10, max: 10}),"
        " window.scormkit.tracker.loadState('probe')]") == [False, "v1:a;b"]
    leave(page, lms)
    statements = lms.ralph.wait_for(launch.registration, "terminated", count=3)
    assert verbs(session_of(statements, third.session)) == ["launched", "initialized",
                                                            "terminated"]
    assert_clean(network)


def test_passing_the_quiz_satisfies_the_course(au_page, lms) -> None:
    """Single AU: lessons, the quiz passed, exit. Statement sequence of a passing session,
    per-question `answered` statements, moveOn CompletedAndPassed met, the course satisfied."""
    page, network = au_page
    launch = lms.launch()
    open_au(page, launch)
    view_all_lessons(page)
    state = take_quiz(page, right=True)
    assert state["success"] == "passed" and state["status"] == "ok" and state["alert"] == ""
    exit_au(page, launch)
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    answered = [s for s in statements if verbs([s])[0] == "answered"]
    presented = len(answered)
    assert verbs(statements) == (["launched", "initialized", "completed"] +
                                 ["answered"] * presented + ["passed", "satisfied", "terminated"])
    assert_au_statements(statements, launch)
    assert_interactions(answered)
    kinds = {s["object"]["definition"]["interactionType"] for s in answered}
    assert {"choice", "true-false", "fill-in", "matching", "sequencing", "numeric",
            "long-fill-in"} <= kinds
    assert all(s["result"].get("success") is True for s in answered
               if s["object"]["definition"]["interactionType"] != "long-fill-in")
    passed = statements[-3]
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] >= 0.8
    assert passed["context"]["extensions"][MASTERY] == 0.8
    satisfied = statements[-2]
    assert satisfied["object"]["definition"]["type"] == COURSE_TYPE
    assert satisfied["object"]["id"] != "https://scormkit.invalid/courses/tpm-skills"
    assert satisfied["context"]["extensions"][SESSION_ID] == launch.session
    assert lms.registration(launch.registration).satisfied is True
    # State writes are batched: lesson changes, the submission and the end, not every answer.
    puts = state_puts(lms, launch)
    assert puts <= len(state["lessons"]) + 4, puts
    assert_endpoint_use(lms, launch)
    assert_clean(network)


def test_failing_then_passing_in_a_relaunch(au_page, lms) -> None:
    """A failed attempt, the AU closed mid-way into the next one, a relaunch that resumes
    and passes: failed then passed in the registration (never failed after passed)."""
    page, network = au_page
    first = lms.launch()
    open_au(page, first)
    view_all_lessons(page)
    state = take_quiz(page, right=False)
    assert state["success"] == "failed"
    page.locator(".sk-quiz-retry").click()
    leave(page, lms)
    lms.ralph.wait_for(first.registration, "terminated")

    second = lms.launch(registration=first.registration)
    state = open_au(page, second)
    assert state["resumed"] is True
    state = take_quiz(page, right=True)
    assert state["success"] == "passed"
    exit_au(page, second)
    statements = lms.ralph.wait_for(first.registration, "terminated", count=2)
    mine = [v for v in verbs(statements) if v != "answered"]
    assert mine == ["launched", "initialized", "completed", "failed", "terminated",
                    "launched", "initialized", "passed", "satisfied", "terminated"]
    assert_au_statements(session_of(statements, first.session), first)
    assert_au_statements(session_of(statements, second.session), second)
    assert_clean(network)


def test_per_lesson_aus_and_the_quiz_au_satisfy_the_course(au_page, lms) -> None:
    page, network = au_page
    course = lms.course("cmi5-per-lesson")
    lessons = [u for u in course.aus if "/lessons/" in u.publisher_id]
    assert lessons and all(u.move_on == "Completed" for u in lessons)
    quiz_au = course.aus[-1]
    assert "/quizzes/" in quiz_au.publisher_id and quiz_au.move_on == "CompletedAndPassed"
    registration = str(uuid.uuid4())
    for index in range(len(lessons)):
        launch = lms.launch("cmi5-per-lesson", index, registration=registration)
        state = open_au(page, launch)
        assert state["layout"] == "per-lesson" and state["complete"] is True
        exit_au(page, launch)
        statements = lms.ralph.wait_for(registration, "terminated", count=index + 1)
        mine = [s for s in statements if s["object"]["id"] == launch.activity]
        assert verbs(mine) == ["launched", "initialized", "completed", "terminated"]
        assert_au_statements(mine, launch)
        assert lms.registration(registration).progress[launch.activity].satisfied is True
    assert lms.registration(registration).satisfied is False
    launch = lms.launch("cmi5-per-lesson", len(course.aus) - 1, registration=registration)
    open_au(page, launch)
    state = take_quiz(page, right=True)
    assert state["success"] == "passed"
    exit_au(page, launch)
    statements = lms.ralph.wait_for(registration, "terminated", count=len(lessons) + 1)
    quiz = [s for s in statements if s["context"]["extensions"].get(SESSION_ID) == launch.session]
    assert [v for v in verbs(quiz) if v != "answered"] == [
        "launched", "initialized", "passed", "completed", "satisfied", "terminated"]
    assert_interactions([s for s in quiz if verbs([s])[0] == "answered"])
    assert lms.registration(registration).satisfied is True
    assert_clean(network)


def test_abandoned_session_then_relaunch(au_page, lms) -> None:
    """The browser crashes mid-session (no pagehide, no terminated): the next launch of the
    registration makes the LMS record `abandoned`; the new session works and resumes from the
    last checkpoint."""
    page, network = au_page
    first = lms.launch()
    state = open_au(page, first)
    lessons = state["lessons"]
    page.locator(VISIBLE_NEXT).click()
    wait_idle(page)
    # A crash: the page goes without its pagehide handler ever running (Chromium's own
    # Page.crash stalls Playwright, so the handler is taken away instead).
    page.evaluate("() => { window.scormkit.page.tracker.finish = () => false; }")
    page.goto(f"{lms.base_url}/done.html")

    second = lms.launch(registration=first.registration)
    state = open_au(page, second)
    assert state["resumed"] is True and visible_lesson(page) == lessons[1]
    exit_au(page, second)
    statements = lms.ralph.wait_for(first.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "abandoned", "launched",
                                 "initialized", "terminated"]
    abandoned = statements[2]
    assert abandoned["context"]["extensions"][SESSION_ID] == first.session
    assert seconds(abandoned["result"]["duration"]) >= 0
    assert lms.session(first.session).abandoned
    assert_clean(network)


def test_a_refused_statement_is_shown_to_the_learner(au_page, lms) -> None:
    """The LMS refuses `completed` (the registration already has one, 9.3.0.0-6: the AU's own
    state was lost meanwhile). The learner is told, in plain words, with the rule; nothing
    pretends the progress is saved."""
    page, network = au_page
    first = lms.launch()
    open_au(page, first)
    view_all_lessons(page)
    exit_au(page, first)
    lms.ralph.wait_for(first.registration, "terminated")
    key = (first.activity, json.dumps(first.actor, sort_keys=True, separators=(",", ":")),
           first.registration, "scormkit.state")
    del lms.documents[key]      # an LMS administrator reset the AU's data

    second = lms.launch(registration=first.registration)
    open_au(page, second)
    view_all_lessons(page)
    page.wait_for_function("() => window.scormkit.getState().status === 'refused'")
    state = state_of(page)
    alert = page.get_by_role("alert")
    text = alert.inner_text()
    assert text == state["alert"]
    assert "refused to record your progress (error 403, rule 9.3.0.0-6)" in text
    assert "tell your course administrator" in text
    connection = page.locator("#scormkit-connection").inner_text()
    assert connection == text and "progress is saved" not in connection
    page.screenshot(path=str(Path(os.environ.get("SCORMKIT_SHOTS", "/tmp")) /
                             "cmi5-refused.png"))
    refusals = take_refusals(lms)
    assert [r["rule"] for r in refusals] == ["9.3.0.0-6 (d2)"]
    exit_au(page, second)
    statements = lms.ralph.wait_for(first.registration, "terminated", count=2)
    assert verbs(session_of(statements, second.session)) == ["launched", "initialized",
                                                            "terminated"]
    assert_clean(network, expected=["the server responded with a status of 403"])


def test_statements_are_retried_while_the_lms_fails(au_page, lms) -> None:
    """503 twice on the statement that completes the AU: the learner is told it is being
    retried, it is stored once when the LMS recovers, and the notice says so."""
    page, network = au_page
    launch = lms.launch()
    open_au(page, launch)
    lms.faults[:] = [503, 503]
    view_all_lessons(page)
    page.wait_for_function("() => window.scormkit.getState().status === 'retrying'")
    assert "trying again" in page.locator("#scormkit-connection").inner_text()
    page.wait_for_function("() => window.scormkit.getState().status === 'ok'", timeout=15_000)
    assert "your progress is saved" in page.locator("#scormkit-connection").inner_text()
    assert lms.faults == []
    exit_au(page, launch)
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "completed", "terminated"]
    assert_clean(network, expected=["the server responded with a status of 503"])


def test_learner_preferences_are_read_and_applied(au_page, lms) -> None:
    """11.0.0.0-3: the preferences are read before initialized; audioPreference "off" mutes
    the page's media; the language list is matched against the course's one language."""
    page, network = au_page
    launch = lms.launch(learner="learner-with-preferences")
    lms.set_preferences(launch.actor, {"languagePreference": "fr-FR,en-GB",
                                       "audioPreference": "off"})
    state = open_au(page, launch)
    assert state["preferences"] == {"languages": ["fr-FR", "en-GB"], "audio": "off"}
    assert state["language"] == "en"
    muted = page.evaluate("""() => { const audio = document.createElement('audio');
        document.body.appendChild(audio);
        window.scormkit.page.applyPreferences(window.scormkit.getState().preferences);
        return audio.muted; }""")
    assert muted is True
    assert page.evaluate("() => window.scormkit.pickLanguage(['de'], ['en'])") is None
    exit_au(page, launch)
    assert_endpoint_use(lms, launch)
    assert_clean(network)


def test_exit_without_return_url(au_page, lms) -> None:
    page, network = au_page
    launch = lms.launch(return_url=None)
    open_au(page, launch)
    page.get_by_role("button", name="Exit").click()
    page.wait_for_function("() => window.scormkit.getState().exited === true")
    assert "you can close this window" in page.locator("#scormkit-connection").inner_text()
    assert page.get_by_role("button", name="Exit").count() == 0
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "terminated"]
    page.goto(f"{lms.base_url}/done.html")   # pagehide after exit: nothing more is sent
    time.sleep(0.3)
    assert verbs(lms.ralph.statements(launch.registration))[-1] == "terminated"
    assert_clean(network)


def test_spent_fetch_url_means_no_session(au_page, lms) -> None:
    page, network = au_page
    launch = lms.launch()
    request = urllib.request.Request(f"{lms.base_url}/fetch/{launch.fetch_key}", method="POST")
    urllib.request.urlopen(request, timeout=5).close()   # someone else used the token URL
    page.goto(launch.url)
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    state = state_of(page)
    assert state["connected"] is False
    assert "could not start this session" in page.locator("#scormkit-connection").inner_text()
    assert page.get_by_role("button", name="Exit").count() == 0
    page.locator(VISIBLE_NEXT).click()   # the course still works
    page.goto(f"{lms.base_url}/done.html")
    assert lms.fetch_calls[launch.fetch_key] == 2
    assert verbs(lms.ralph.statements(launch.registration)) == ["launched"]
    assert lms.requests_of(launch) == []
    assert_clean(network)
