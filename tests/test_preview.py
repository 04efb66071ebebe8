"""`scormkit preview` without a browser: the server (127.0.0.1 only, a port in use, no path
out of the build), builds that fail beside the last good one, the learner record's order,
the cmi5 LMS's fetch URL and credentials, the watcher, Ctrl-C. The page in Chromium, and
our LMS API against scorm-again, are tested in tests/e2e/test_preview.py."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from scormkit.preview import PortInUse, Preview, Watcher, default_target
from scormkit.preview.server import HOST, running

BROKEN_LESSON = "---\ntitle: [unclosed\n---\n\nText.\n"


def request(preview: Preview, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request with *path* sent exactly as written (http.client does not normalise it,
    as a browser would: a hostile client need not either)."""
    connection = http.client.HTTPConnection(HOST, preview.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def live(tmp_path, make_course):
    course = make_course(tmp_path)
    with running(Preview(course, "scorm2004")) as preview:
        yield preview


def test_the_server_listens_on_127_0_0_1_only(live):
    assert live._httpd is not None
    assert live._httpd.server_address[0] == "127.0.0.1"
    assert live.url == f"http://127.0.0.1:{live.port}/"
    status, body = request(live, "GET", "/")
    assert status == 200 and b'<html lang="en">' in body
    # The machine's other addresses do not reach it.
    try:
        others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                            socket.AF_INET)} - {"127.0.0.1"}
    except socket.gaierror:  # a host name that does not resolve: nothing more to try
        others = set()
    for address in sorted(others)[:2]:
        with pytest.raises(OSError), socket.create_connection((address, live.port), 2):
            pass


def test_a_port_in_use_is_a_clear_error(tmp_path, make_course):
    course = make_course(tmp_path)
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as raised:
            Preview(course, "scorm2004", port=port).start()
        [diagnostic] = raised.value.diagnostics()
        assert diagnostic.code == "port-in-use" and str(port) in diagnostic.message
        assert "--port" in (diagnostic.hint or "")


def test_the_cli_says_port_in_use_without_a_traceback(tmp_path, make_course, run_cli):
    course = make_course(tmp_path)
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run_cli(["preview", str(course), "--no-browser", "--port", str(port)])
    assert code == 1
    assert f"error: port {port} on 127.0.0.1 is in use" in err
    assert "hint: choose another with --port" in err
    assert "Traceback" not in err and "build 1" not in out  # the port is checked first


@pytest.mark.parametrize("path", [
    "/course/../course.yaml",
    "/course/%2e%2e/course.yaml",
    "/course/..%2fcourse.yaml",
    "/course/lessons/..%2f..%2fcourse.yaml",
    "/course/%2fetc%2fpasswd",
    "/course//etc/passwd",
    "/course/..\\course.yaml",
    "/course/index.html%00.png",
    "/preview/../server.py",
    "/preview/..%2fserver.py",
    "/preview/%2e%2e/builder.py",
    "/preview/assets/lms-api.js",
    "/course.yaml",
    "/lessons/01-intro.md",
])
def test_no_path_reaches_a_file_outside_the_build(live, path):
    status, body = request(live, "GET", path)
    assert status in (400, 404), (path, status)
    assert b"test-course" not in body and b"root:" not in body and b"import" not in body


def test_the_build_and_the_page_files_are_served(live):
    status, body = request(live, "GET", "/course/index.html")
    assert status == 200 and b"Introduction" in body
    status, body = request(live, "GET", "/course/imsmanifest.xml")
    assert status == 200 and b"ADL SCORM" in body
    status, body = request(live, "GET", "/preview/lms-api.js")
    assert status == 200 and b"LMSInitialize" in body


def test_a_failed_build_keeps_the_last_good_one(live):
    lesson = live.source / "lessons" / "01-intro.md"
    good = lesson.read_text(encoding="utf-8")
    lesson.write_text(BROKEN_LESSON, encoding="utf-8")
    failed = live.rebuild()
    assert not failed.ok and failed.number == 2
    [diagnostic] = failed.diagnostics
    assert diagnostic.location is not None and diagnostic.location.line == 2
    status = json.loads(request(live, "GET", "/preview/status")[1])
    assert status["latest"]["ok"] is False and status["good"]["build"] == 1
    [shown] = status["latest"]["diagnostics"]
    assert shown["text"].startswith(f"{diagnostic.location}: error:")
    assert "01-intro.md:2" in shown["text"]
    # The course of build 1 is still served.
    assert request(live, "GET", "/course/index.html")[0] == 200
    lesson.write_text(good.replace("first lesson", "fixed lesson"), encoding="utf-8")
    fixed = live.rebuild()
    assert fixed.ok and live.good is fixed
    assert b"fixed lesson" in request(live, "GET", "/course/index.html")[1]


def test_a_first_build_that_fails_serves_no_course(tmp_path, make_course):
    course = make_course(tmp_path, {"lessons/01-intro.md": BROKEN_LESSON})
    with running(Preview(course, "scorm12")) as preview:
        assert preview.good is None
        assert request(preview, "GET", "/course/index.html")[0] == 404
        page = request(preview, "GET", "/")[1].decode()
        assert '"good": null' in page and "01-intro.md:2" in page


def test_the_event_stream_tells_each_build(live):
    connection = http.client.HTTPConnection(HOST, live.port, timeout=10)
    connection.request("GET", "/preview/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type").startswith("text/event-stream")

    def read_event() -> tuple[str, dict]:
        name, data = "", ""
        while True:
            line = response.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                return name, json.loads(data)

    assert read_event()[0] == "hello"
    threading.Thread(target=live.rebuild).start()
    name, status = read_event()
    assert name == "build" and status["latest"]["build"] == 2
    connection.close()


def test_learner_records_arrive_in_any_order(live):
    newer = {"data": {"cmi.location": "b"}}
    older = {"data": {"cmi.location": "a"}}
    assert live.store_record("u", 2, newer)
    assert not live.store_record("u", 1, older)  # a late beacon of an earlier store
    assert live.record("u") == newer
    status, body = request(live, "POST", "/lms/record?unit=u",
                           json.dumps({"seq": 3, "record": older}).encode(),
                           {"Content-Type": "application/json"})
    assert status == 200 and json.loads(body) == {"kept": True}
    assert json.loads(request(live, "GET", "/lms/record?unit=u")[1])["record"] == older
    assert request(live, "POST", "/lms/record?unit=u", b"[1]")[0] == 400
    assert request(live, "POST", "/lms/reset")[0] == 200
    assert live.record("u") is None
    # After a reset, a late store of the old learner does not come back.
    assert not live.store_record("u", 3, older)


def test_the_cmi5_lms_hands_out_the_token_once(live):
    status, body = request(live, "POST", "/lms/cmi5/launch", json.dumps({
        "href": "index.html", "activityId": "https://example.invalid/au", "mode": "review",
        "masteryScore": "0.8", "moveOn": "Passed"}).encode())
    launch = json.loads(body)
    assert status == 200 and launch["url"].startswith("/course/index.html?endpoint=")
    from urllib.parse import parse_qs, urlsplit

    query = {k: v[0] for k, v in parse_qs(urlsplit(launch["url"]).query).items()}
    assert set(query) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    fetch = urlsplit(query["fetch"]).path
    anonymous = request(live, "GET", "/xapi/statements")
    assert anonymous[0] == 401
    token = json.loads(request(live, "POST", fetch)[1])["auth-token"]
    assert json.loads(request(live, "POST", fetch)[1])["error-code"] == "1"  # cmi5 8.2.3
    auth = {"Authorization": f"Basic {token}"}
    state = ("/xapi/activities/state?stateId=LMS.LaunchData&activityId="
             "https%3A%2F%2Fexample.invalid%2Fau&registration=" + query["registration"])
    launch_data = json.loads(request(live, "GET", state, headers=auth)[1])
    assert launch_data["launchMode"] == "Review" and launch_data["masteryScore"] == 0.8
    assert launch_data["moveOn"] == "Passed"
    assert request(live, "PUT", state, b"{}", auth)[0] == 403  # read-only (10.2.1.0-5)
    statement = {"actor": json.loads(query["actor"]), "object": {"id": query["activityId"]},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"}}
    status, body = request(live, "POST", "/xapi/statements", json.dumps(statement).encode(),
                           auth)
    assert status == 200 and len(json.loads(body)) == 1
    log = json.loads(request(live, "GET", "/xapi/preview-log?since=0")[1])
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in log["statements"]] == [
        "launched", "initialized"]


def test_default_target_is_the_courses_first_web_target():
    assert default_target(("qti21", "scorm12", "cmi5")) == "scorm12"
    assert default_target(("moodlexml",)) == "scorm2004"
    assert default_target(()) == "scorm2004"


def test_the_watcher_reports_changes_and_ignores_dist(tmp_path):
    seen: list[set[str]] = []
    changed = threading.Event()

    def on_change(paths: set[str]) -> None:
        seen.append(paths)
        changed.set()

    (tmp_path / "dist").mkdir()
    watcher = Watcher(tmp_path, on_change)
    try:
        assert watcher.wait_ready()
        (tmp_path / "dist" / "course.zip").write_bytes(b"zip")
        time.sleep(0.5)
        assert not seen  # a build beside the preview is no source change
        (tmp_path / "course.yaml").write_text("id: x\n", encoding="utf-8")
        assert changed.wait(10)
        assert any(path.endswith("course.yaml") for path in seen[0])
    finally:
        watcher.stop()


def test_ctrl_c_stops_cleanly(tmp_path, make_course):
    course = make_course(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "scormkit", "preview", str(course), "--no-browser", "--port",
         "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A test runner may start us with SIGINT ignored (a background job): restore it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("build 1 (scorm2004): ok")
        assert "at http://127.0.0.1:" in lines[1]
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Preview stopped." in out
    assert err == ""  # no traceback


def test_an_earlier_sessions_token_stays_valid_until_the_learner_is_reset(live):
    from urllib.parse import parse_qs, urlsplit

    def launch() -> str:
        body = json.loads(request(live, "POST", "/lms/cmi5/launch", b'{"activityId": "a"}')[1])
        fetch = urlsplit(parse_qs(urlsplit(body["url"]).query)["fetch"][0]).path
        return json.loads(request(live, "POST", fetch)[1])["auth-token"]

    first = launch()
    launch()  # the next session: the first one's `terminated` may still be on its way
    statement = json.dumps({"actor": {"name": "x"}, "verb": {"id": "v"}, "object": {"id": "a"}})
    assert request(live, "POST", "/xapi/statements", statement.encode(),
                   {"Authorization": f"Basic {first}"})[0] == 200
    request(live, "POST", "/lms/reset")
    assert request(live, "POST", "/xapi/statements", statement.encode(),
                   {"Authorization": f"Basic {first}"})[0] == 401
    assert request(live, "GET", "/xapi/preview-log?since=abc")[0] == 200


def test_the_cli_refuses_a_source_that_is_not_a_folder(tmp_path, run_cli):
    code, _out, err = run_cli(["preview", str(tmp_path / "missing"), "--no-browser"])
    assert code == 2 and "is not a folder" in err and "Traceback" not in err


def test_requests_for_another_host_name_are_refused(live):
    """DNS rebinding: a site whose name resolves to 127.0.0.1 cannot read the preview."""
    assert request(live, "GET", "/course/index.html",
                   headers={"Host": f"evil.example:{live.port}"})[0] == 403
    assert request(live, "GET", "/course/index.html",
                   headers={"Host": f"localhost:{live.port}"})[0] == 200


@pytest.mark.parametrize("open_browser", [True, False])
def test_serve_opens_the_browser_unless_asked_not_to(tmp_path, make_course, monkeypatch,
                                                     open_browser):
    import webbrowser

    from scormkit.preview import serve

    opened: list[str] = []
    ready: list[str] = []
    builds: list[bool] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    stop = threading.Event()
    course = make_course(tmp_path)
    thread = threading.Thread(target=serve, args=(course, "scorm12"), kwargs={
        "port": 0, "open_browser": open_browser, "on_build": lambda b: builds.append(b.ok),
        "on_ready": ready.append, "stop": stop})
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not ready and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # the browser is opened from a thread of its own
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()
    assert builds == [True] and len(ready) == 1
    assert ready[0].startswith("http://127.0.0.1:")
    assert opened == (ready if open_browser else [])
