"""cmi5 run-time behaviour of freshly built packages, in Chromium, against a real LRS.

The pieces, all on 127.0.0.1:

- **LRS**: Ralph (PyPI ``ralph-malph[lrs]``), its FastAPI app run by uvicorn in a subprocess
  (tests/e2e/run_ralph.py) with the file-system backend in a temporary folder and HTTP Basic
  users from a bcrypt-hashed auth file. It stores and validates (strict xAPI models) every
  statement.
- **LRS endpoint** the AU is given (``/xapi/``, its own origin, so the AU's requests are
  cross-origin with CORS preflights as in real deployments): statements are passed through to
  Ralph unchanged (Ralph checks the AU's token), and the xAPI State API, which Ralph does not
  implement, is served by the test itself (LMS.LaunchData and the AU's own documents).
  LMSs commonly front their LRS this way.
- **test LMS** (another origin): serves the unpacked package, the one-time ``fetch`` URL that
  hands out the AU's auth token (once; an error afterwards), writes ``LMS.LaunchData`` and sends
  the ``launched`` statement before the AU is opened with the five cmi5 launch parameters.

Each test drives Chromium through the AU, leaves it (``terminated`` goes out in a keepalive
request while the page unloads), then reads the registration's statements back from Ralph and
checks them against the cmi5 rules: order and verbs, context (registration, categories, session
id), results and durations, no duplicates; and the fetch URL was called exactly once.
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
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from lxml import etree

from tests.e2e.conftest import COURSE_DIR, Network, _new_context, _unpack, require

pytestmark = pytest.mark.e2e

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
VERB = "http://adlnet.gov/expapi/verbs/"
CMI5_VERBS = {"initialized", "completed", "passed", "failed", "terminated"}
ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
STRUCTURE_NS = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"
VISIBLE_NEXT = "section.sk-lesson:not([hidden]) .sk-next"
LMS_HOME = "https://lms.scormkit.invalid"


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
    au_token: str
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

    def statements(self, registration: str) -> list[dict[str, Any]]:
        """The registration's statements, in the order the LRS stored them."""
        query = urlencode({"registration": registration, "limit": 100})
        found = self.request("GET", f"/xAPI/statements?{query}")["statements"]
        found = [s for s in found if s.get("context", {}).get("registration") == registration]
        return sorted(found, key=lambda s: s["stored"])

    def wait_for(self, registration: str, verb: str, count: int = 1) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 10
        while True:
            found = self.statements(registration)
            if sum(s["verb"]["id"] == VERB + verb for s in found) >= count:
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
    passwords = {"lms": secrets.token_urlsafe(16), "au": secrets.token_urlsafe(16)}

    def user(name: str, scopes: list[str]) -> dict[str, Any]:
        digest = bcrypt.hashpw(passwords[name].encode(), bcrypt.gensalt(rounds=4)).decode()
        agent = {"account": {"homePage": LMS_HOME, "name": f"scormkit-test-{name}"}}
        return {"agent": agent, "scopes": scopes, "username": name, "hash": digest}

    auth_file = root / "auth.json"
    auth_file.write_text(json.dumps([
        user("lms", ["all"]),
        user("au", ["statements/write", "statements/read/mine"]),
    ]))
    (root / "data").mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("RALPH_")}
    env.update({
        "RALPH_APP_DIR": str(root / "app"),
        "RALPH_AUTH_FILE": str(auth_file),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "data"),
    })
    port = free_port()
    log = root / "ralph.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("run_ralph.py")), str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT, cwd=root,
        )
    server = Ralph(f"http://127.0.0.1:{port}", basic("lms", passwords["lms"]),
                   basic("au", passwords["au"]), log)
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
# The test LMS and the LRS endpoint it gives AUs
# --------------------------------------------------------------------------------------------


@dataclass
class Lms:
    root: Path
    ralph: Ralph
    base_url: str = ""
    endpoint: str = ""
    fetch_calls: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    """Fetch key -> the auth token it hands out (once)."""
    documents: dict[tuple[str, str, str, str], bytes] = field(default_factory=dict)
    """(activityId, agent, registration, stateId) -> state document."""
    endpoint_log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def agent_key(agent: Any) -> str:
        return json.dumps(agent, sort_keys=True, separators=(",", ":"))

    def state_key(self, query: dict[str, str]) -> tuple[str, str, str, str]:
        agent = self.agent_key(json.loads(query["agent"]))
        return (query["activityId"], agent, query.get("registration", ""), query["stateId"])

    def document(self, activity: str, actor: Any, registration: str, state_id: str) -> Any:
        data = self.documents.get((activity, self.agent_key(actor), registration, state_id))
        return None if data is None else json.loads(data)


class _LmsHandler(http.server.SimpleHTTPRequestHandler):
    lms: Lms

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
        key = path.removeprefix("/fetch/")
        lms = self.lms
        with lms.lock:
            lms.fetch_calls[key] = lms.fetch_calls.get(key, 0) + 1
            first = lms.fetch_calls[key] == 1
        if key in lms.tokens and first:
            status, body = 200, {"auth-token": lms.tokens[key]}
        else:
            # cmi5 8.2.3: the fetch URL can be used once; later calls get an error.
            status, body = 400, {"error-code": "1", "error-text": "already in use"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _EndpointHandler(http.server.BaseHTTPRequestHandler):
    """The xAPI endpoint AUs get: /xapi/statements -> Ralph, /xapi/activities/state here."""

    lms: Lms
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

    def reply(self, status: int, body: bytes = b"", content_type: str = "application/json",
              ) -> None:
        self.send_response(status)
        self.cors()
        self.send_header("X-Experience-API-Version", "1.0.3")
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.record(b"")
        self.send_response(204)
        self.cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self.handle_xapi()

    def do_POST(self) -> None:  # noqa: N802
        self.handle_xapi()

    def do_PUT(self) -> None:  # noqa: N802
        self.handle_xapi()

    def record(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        with self.lms.lock:
            self.lms.endpoint_log.append({
                "method": self.command,
                "path": parts.path,
                "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                "authorization": self.headers.get("Authorization"),
                "version": self.headers.get("X-Experience-API-Version"),
                "origin": self.headers.get("Origin"),
                "body": body.decode("utf-8", "replace"),
            })

    def handle_xapi(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.record(body)
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        issued = {f"Basic {token}" for token in self.lms.tokens.values()}
        if self.headers.get("Authorization") not in issued:
            self.reply(401, b'{"error": "unknown credentials"}')
            return
        if self.headers.get("X-Experience-API-Version") != "1.0.3":
            self.reply(400, b'{"error": "X-Experience-API-Version 1.0.3 required"}')
            return
        if parts.path == "/xapi/statements":
            self.forward(parts.query, body)
        elif parts.path == "/xapi/activities/state":
            self.state(query, body)
        else:
            self.reply(404)

    def forward(self, query: str, body: bytes) -> None:
        """Pass the request through to Ralph with the AU's own credentials."""
        request = urllib.request.Request(
            self.lms.ralph.url + "/xAPI/statements" + (f"?{query}" if query else ""),
            data=body or None, method=self.command, headers={
                "Authorization": self.headers["Authorization"],
                "X-Experience-API-Version": "1.0.3",
                "Content-Type": self.headers.get("Content-Type", "application/json"),
            })
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                self.reply(response.status, response.read())
        except urllib.error.HTTPError as error:
            self.reply(error.code, error.read())

    def state(self, query: dict[str, str], body: bytes) -> None:
        try:
            key = self.lms.state_key(query)
        except (KeyError, ValueError):
            self.reply(400, b'{"error": "stateId, activityId and agent are required"}')
            return
        with self.lms.lock:
            if self.command == "GET":
                data = self.lms.documents.get(key)
                if data is None:
                    self.reply(404)
                else:
                    self.reply(200, data)
                return
            if key[3] == "LMS.LaunchData":
                self.reply(403, b'{"error": "LMS.LaunchData is read-only for the AU"}')
                return
            self.lms.documents[key] = body
        self.reply(204)


def _serve(handler: type, lms: Lms) -> tuple[http.server.ThreadingHTTPServer, str]:
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
def lms(ralph: Ralph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lms]:
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
    lms = Lms(root, ralph)
    site, lms.base_url = _serve(_LmsHandler, lms)
    endpoint, endpoint_url = _serve(_EndpointHandler, lms)
    lms.endpoint = endpoint_url + "/xapi/"
    try:
        yield lms
    finally:
        for httpd in (site, endpoint):
            httpd.shutdown()
            httpd.server_close()


# --------------------------------------------------------------------------------------------
# Launching
# --------------------------------------------------------------------------------------------


def au_list(package: Path) -> list[dict[str, str]]:
    tree = etree.parse(str(package / "cmi5.xml"))
    return [
        {"id": au.get("id"), "url": au.findtext(f"{STRUCTURE_NS}url"),
         "moveOn": au.get("moveOn"), "masteryScore": au.get("masteryScore")}
        for au in tree.iter(f"{STRUCTURE_NS}au")
    ]


@dataclass
class Launch:
    url: str
    registration: str
    session: str
    actor: dict[str, Any]
    activity: str
    fetch_key: str
    package: str


def launch_au(lms: Lms, package: str = "cmi5", au: int = 0, *, registration: str | None = None,
              mode: str = "Normal", learner: str = "learner-1") -> Launch:
    """Do what an LMS does before opening an AU; returns the launch URL and its data."""
    unit = au_list(lms.root / package)[au]
    registration = registration or str(uuid.uuid4())
    session = str(uuid.uuid4())
    actor = {"objectType": "Agent", "name": "Test Learner",
             "account": {"homePage": LMS_HOME, "name": learner}}
    fetch_key = secrets.token_urlsafe(8)
    lms.tokens[fetch_key] = lms.ralph.au_token
    au_url = f"{lms.base_url}/{package}/{unit['url']}"
    template = {
        "contextActivities": {"grouping": [{"id": f"{unit['id']}#course",
                                            "objectType": "Activity"}]},
        "extensions": {SESSION_ID: session},
    }
    launch_data = {
        "contextTemplate": template,
        "launchMode": mode,
        "launchParameters": "",
        "moveOn": unit["moveOn"],
        "returnURL": f"{lms.base_url}/done.html",
    }
    if unit["masteryScore"] is not None:
        launch_data["masteryScore"] = float(unit["masteryScore"])
    key = (unit["id"], lms.agent_key(actor), registration, "LMS.LaunchData")
    lms.documents[key] = json.dumps(launch_data).encode()
    context = json.loads(json.dumps(template))
    context["registration"] = registration
    context["contextActivities"]["category"] = [{"id": CMI5, "objectType": "Activity"}]
    context["extensions"].update({
        EXT + "launchmode": mode, EXT + "launchurl": au_url, EXT + "moveon": unit["moveOn"],
        EXT + "launchparameters": "",
    })
    lms.ralph.request("POST", "/xAPI/statements", {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": VERB + "launched", "display": {"en-US": "launched"}},
        "object": {"id": unit["id"], "objectType": "Activity"},
        "context": context,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
    })
    query = urlencode({
        "endpoint": lms.endpoint,
        "fetch": f"{lms.base_url}/fetch/{fetch_key}",
        "actor": json.dumps(actor),
        "registration": registration,
        "activityId": unit["id"],
    }, quote_via=quote)
    return Launch(f"{au_url}?{query}", registration, session, actor, unit["id"], fetch_key,
                  package)


@dataclass
class Cmi5Network(Network):
    """Like Network, with the LRS endpoint's origin allowed too."""

    also: tuple[str, ...] = ()

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return super().is_local(url) or f"{parts.scheme}://{parts.netloc}" in self.also


@pytest.fixture
def au_page(browser: Any, lms: Lms) -> Iterator[tuple[Any, Cmi5Network]]:
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
    protocol working: xAPI answers 404 for a state document that does not exist yet (the AU's
    own document on a first launch), and *expected* (e.g. a spent fetch URL) answers an error."""
    def expected_failure(message: str) -> bool:
        if "Failed to load resource" not in message:
            return False
        return ("status of 404" in message and "stateId=scormkit.state" in message) or any(
            f"({url})" in message for url in expected)

    network.console[:] = [m for m in network.console if not expected_failure(m)]
    network.assert_clean()


def open_au(page: Any, launch: Launch) -> dict[str, Any]:
    page.goto(launch.url)
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    return page.evaluate("() => window.scormkit.getState()")


def wait_idle(page: Any) -> dict[str, Any]:
    page.wait_for_function("() => window.scormkit.getState().pending === 0")
    return page.evaluate("() => window.scormkit.getState()")


def leave(page: Any, lms: Lms) -> None:
    """The learner leaves the AU: the page unloads (terminated is sent on pagehide)."""
    wait_idle(page)
    page.goto(f"{lms.base_url}/done.html")


def visible_lesson(page: Any) -> str:
    ids = page.eval_on_selector_all("section.sk-lesson:not([hidden])", "els => els.map(e => e.id)")
    assert len(ids) == 1, ids
    return ids[0]


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERB) for s in statements]


def assert_au_statements(statements: list[dict[str, Any]], launch: Launch) -> None:
    """Every statement the AU sent follows the cmi5 rules for this launch."""
    for statement in statements:
        verb = statement["verb"]["id"].removeprefix(VERB)
        if verb == "launched":
            continue
        assert verb in CMI5_VERBS, verb
        assert UUID.match(statement["id"]), statement["id"]
        assert statement["actor"]["account"] == launch.actor["account"]
        assert statement["object"]["id"] == launch.activity
        context = statement["context"]
        assert context["registration"] == launch.registration
        categories = {a["id"] for a in context["contextActivities"]["category"]}
        assert CMI5 in categories
        assert (MOVEON in categories) == (verb in ("completed", "passed", "failed")), statement
        # The LaunchData contextTemplate is the base of the context.
        assert context["contextActivities"]["grouping"][0]["id"] == f"{launch.activity}#course"
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
                        statement["timestamp"])
        assert statement["verb"]["display"]["en-US"] == verb
        if verb != "initialized":
            assert seconds(statement["result"]["duration"]) >= 0
        if verb == "completed":
            assert statement["result"]["completion"] is True
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids))


def session_of(statements: list[dict[str, Any]], session: str) -> list[dict[str, Any]]:
    return [s for s in statements if s["context"].get("extensions", {}).get(SESSION_ID) == session]


def endpoint_requests(lms: Lms, registration: str) -> list[dict[str, Any]]:
    """What reached the LRS endpoint about *registration* (CORS preflights aside)."""
    return [e for e in lms.endpoint_log if e["method"] != "OPTIONS"
            and (e["query"].get("registration") == registration or registration in e["body"])]


def assert_endpoint_use(lms: Lms, launch: Launch) -> None:
    """The AU called the fetch URL once and used its token, and the xAPI version, everywhere."""
    assert lms.fetch_calls.get(launch.fetch_key) == 1
    used = endpoint_requests(lms, launch.registration)
    assert used, "the AU never reached the endpoint"
    assert {e["authorization"] for e in used} == {f"Basic {lms.tokens[launch.fetch_key]}"}
    assert {e["version"] for e in used} == {"1.0.3"}
    assert {e["origin"] for e in used} == {lms.base_url}
    assert {e["path"] for e in used} <= {"/xapi/statements", "/xapi/activities/state"}


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_full_session_statements(au_page, lms) -> None:
    page, network = au_page
    launch = launch_au(lms)
    state = open_au(page, launch)
    assert state["standard"] == "cmi5" and state["connected"] is True, state
    assert state["errors"] == []
    assert state["masteryScore"] == 0.8
    lessons = state["lessons"]
    for index in range(1, len(lessons)):
        page.locator(VISIBLE_NEXT).click()
        assert visible_lesson(page) == lessons[index]
    state = wait_idle(page)
    assert state["complete"] is True and state["errors"] == []
    leave(page, lms)

    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "completed", "terminated"]
    assert_au_statements(statements, launch)
    assert len(session_of(statements, launch.session)) == 4
    completed, terminated = statements[2], statements[3]
    assert seconds(terminated["result"]["duration"]) >= seconds(completed["result"]["duration"])
    stamps = [s["timestamp"] for s in statements[1:]]
    assert stamps == sorted(stamps)
    saved = lms.document(launch.activity, launch.actor, launch.registration, "scormkit.state")
    assert saved["completed"] is True and saved["passed"] is False
    assert saved["location"] == lessons[-1]
    assert_endpoint_use(lms, launch)
    # The one-time fetch URL really is one-time: a second call is an error.
    request = urllib.request.Request(f"{lms.base_url}/fetch/{launch.fetch_key}", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=5)
    assert_clean(network)


def test_leaving_at_once_loses_nothing(au_page, lms) -> None:
    """The learner closes the AU right after the last lesson: `completed` may still be on its
    way; keepalive requests deliver it and `terminated` anyway."""
    page, network = au_page
    launch = launch_au(lms, learner="learner-in-a-hurry")
    state = open_au(page, launch)
    for _ in state["lessons"][1:]:
        page.locator(VISIBLE_NEXT).click()
    page.goto(f"{lms.base_url}/done.html")
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    statements = lms.ralph.wait_for(launch.registration, "completed")
    by_time = sorted(statements[1:], key=lambda s: s["timestamp"])
    assert verbs(statements[:1]) + verbs(by_time) == [
        "launched", "initialized", "completed", "terminated"]
    assert_au_statements(statements, launch)
    deadline = time.monotonic() + 5
    while True:   # the last state PUT (keepalive too) may land after the statements
        saved = lms.document(launch.activity, launch.actor, launch.registration,
                             "scormkit.state") or {}
        if saved.get("location") == state["lessons"][-1] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert saved["completed"] is True and saved["location"] == state["lessons"][-1]
    assert_clean(network)

def test_resume_in_a_second_session(au_page, lms) -> None:
    page, network = au_page
    first = launch_au(lms)
    state = open_au(page, first)
    lessons = state["lessons"]
    page.locator(f'.sk-nav-link[data-lesson="{lessons[1]}"]').click()
    assert visible_lesson(page) == lessons[1]
    leave(page, lms)
    statements = lms.ralph.wait_for(first.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "terminated"]

    second = launch_au(lms, registration=first.registration)
    state = open_au(page, second)
    assert state["resumed"] is True
    assert visible_lesson(page) == lessons[1]
    assert state["viewed"] == lessons[:2]
    for _ in lessons[2:]:
        page.locator(VISIBLE_NEXT).click()
    leave(page, lms)
    statements = lms.ralph.wait_for(first.registration, "terminated", count=2)
    assert verbs(statements) == ["launched", "initialized", "terminated",
                                 "launched", "initialized", "completed", "terminated"]
    assert_au_statements(session_of(statements, first.session), first)
    assert_au_statements(session_of(statements, second.session), second)
    assert verbs(session_of(statements, second.session)) == [
        "launched", "initialized", "completed", "terminated"]
    assert_endpoint_use(lms, first)
    assert_endpoint_use(lms, second)
    assert_clean(network)


def test_browse_mode_sends_no_completion(au_page, lms) -> None:
    page, network = au_page
    launch = launch_au(lms, mode="Browse")
    state = open_au(page, launch)
    assert state["mode"] == "browse"
    assert "Browse mode" in page.locator("#scormkit-connection").inner_text()
    for _ in state["lessons"][1:]:
        page.locator(VISIBLE_NEXT).click()
    scored = page.evaluate("() => window.scormkit.tracker.reportScore({raw: 9, max: 10})")
    assert scored is False
    leave(page, lms)
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "terminated"]
    assert_au_statements(statements, launch)
    assert_clean(network)


def test_scores_pass_and_fail(au_page, lms) -> None:
    """What the quiz player reports becomes failed/passed statements, within cmi5's rules."""
    page, network = au_page
    launch = launch_au(lms)
    open_au(page, launch)
    results = page.evaluate(
        """async () => { const t = window.scormkit.tracker;
            await new Promise((resolve) => t.ready(resolve));
            return [
              t.info().masteryScore,
              t.recordInteraction({id: 'q1', type: 'true-false', response: true}),
              t.reportScore({raw: 3, max: 10, passed: true}),   // LMS mastery 0.8 decides
              t.reportScore({raw: 2, max: 10, passed: false}),  // no second failed: refused
              t.reportScore({raw: 9, min: 0, max: 10, passed: false}),
              t.reportScore({raw: 10, max: 10, passed: true}),  // no second passed
              t.reportScore({raw: 1, max: 10, passed: false}),  // no failed after passed
              t.complete(),
              t.saveState('probe', 'v1:a;b'),
              t.info().success,
            ]; }"""
    )
    assert results == [0.8, False, True, False, True, False, False, True, True, "passed"]
    leave(page, lms)
    statements = lms.ralph.wait_for(launch.registration, "terminated")
    assert verbs(statements) == ["launched", "initialized", "failed", "passed", "completed",
                                 "terminated"]
    assert_au_statements(statements, launch)
    failed, passed = statements[2], statements[3]
    assert failed["result"]["success"] is False
    assert failed["result"]["score"] == {"scaled": 0.3, "raw": 3, "min": 0, "max": 10}
    assert passed["result"]["success"] is True
    assert passed["result"]["score"]["scaled"] == 0.9
    saved = lms.document(launch.activity, launch.actor, launch.registration, "scormkit.state")
    assert saved["passed"] is True and saved["completed"] is True
    assert "|probe=v1:a%3Bb" in saved["suspendData"]

    # The same registration later: passed and completed are not sent again.
    again = launch_au(lms, registration=launch.registration)
    open_au(page, again)
    assert page.evaluate(
        "() => [window.scormkit.tracker.reportScore({raw: 10, max: 10}),"
        " window.scormkit.tracker.loadState('probe')]") == [False, "v1:a;b"]
    leave(page, lms)
    statements = lms.ralph.wait_for(launch.registration, "terminated", count=2)
    assert verbs(session_of(statements, again.session)) == ["launched", "initialized",
                                                            "terminated"]
    assert_clean(network)


def test_spent_fetch_url_means_no_session(au_page, lms) -> None:
    page, network = au_page
    launch = launch_au(lms)
    request = urllib.request.Request(f"{lms.base_url}/fetch/{launch.fetch_key}", method="POST")
    urllib.request.urlopen(request, timeout=5).close()   # someone else used the token URL
    page.goto(launch.url)
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    state = page.evaluate("() => window.scormkit.getState()")
    assert state["connected"] is False
    assert "could not start this session" in page.locator("#scormkit-connection").inner_text()
    page.locator(VISIBLE_NEXT).click()   # the course still works
    page.goto(f"{lms.base_url}/done.html")
    assert lms.fetch_calls[launch.fetch_key] == 2
    assert verbs(lms.ralph.statements(launch.registration)) == ["launched"]
    assert endpoint_requests(lms, launch.registration) == []
    assert_clean(network, expected=[f"{lms.base_url}/fetch/{launch.fetch_key}"])


def test_per_lesson_aus(au_page, lms) -> None:
    page, network = au_page
    units = au_list(lms.root / "cmi5-per-lesson")
    lessons = [u for u in units if "/lessons/" in u["id"]]
    assert lessons and all(u["moveOn"] == "Completed" for u in lessons)
    registration = str(uuid.uuid4())
    for index in range(len(lessons)):
        launch = launch_au(lms, "cmi5-per-lesson", index, registration=registration)
        state = open_au(page, launch)
        assert state["layout"] == "per-lesson" and state["complete"] is True
        leave(page, lms)
        statements = lms.ralph.wait_for(registration, "terminated", count=index + 1)
        mine = [s for s in statements if s["object"]["id"] == launch.activity]
        assert verbs(mine) == ["launched", "initialized", "completed", "terminated"]
        assert_au_statements(mine, launch)
    assert_clean(network)
