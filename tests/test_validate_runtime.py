"""`scormkit validate --runtime`: SCOs launched in headless Chromium with scorm-again as the
LMS API. Needs Debian's /usr/bin/chromium and `npm install`; like tests/e2e, the tests fail
when those are missing unless SCORMKIT_SKIP_E2E=1 asks to skip them."""

from __future__ import annotations

import http.server
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from scormkit.cli import cli
from scormkit.validation import runtime_check, validate_files
from scormkit.validation.pipeline import PackageReport
from scormkit.validation.rules import registry

from .validate_helpers import SCO_2004, packages, sco12, write_zip  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MAN" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG"><title>Runtime cases</title>{items}</organization>
  </organizations>
  <resources>{resources}</resources>
</manifest>
"""


def package_12(scos: dict[str, bytes]) -> dict[str, bytes]:
    items = "".join(f'<item identifier="I-{n}" identifierref="R-{n}"><title>{n}</title></item>'
                    for n in scos)
    resources = "".join(f'<resource identifier="R-{n}" type="webcontent" '
                        f'adlcp:scormtype="sco" href="{n}.html"><file href="{n}.html"/>'
                        "</resource>" for n in scos)
    files = {"imsmanifest.xml": MANIFEST_12.format(items=items, resources=resources).encode()}
    files.update({f"{n}.html": page for n, page in scos.items()})
    return files


@pytest.fixture(scope="module")
def tools() -> runtime_check.Tools:
    found = runtime_check.find_tools()
    if found is None:
        message = "--runtime needs /usr/bin/chromium and node_modules/scorm-again (npm install)"
        if os.environ.get("SCORMKIT_SKIP_E2E") == "1":
            pytest.skip(message)
        pytest.fail(f"{message} (set SCORMKIT_SKIP_E2E=1 to skip)", pytrace=False)
    return found


@pytest.fixture
def quick(monkeypatch):
    """Shorter deadlines for the SCOs that miss them on purpose (the product's own are for
    any SCO on any machine): one that never initializes is reported after 2 s, not 8. The
    well-behaved SCOs beside them (validate_helpers.SCO_12) set their status in the script
    that initializes, and finish in their pagehide handler: they wait on neither SETTLE
    nor FINISH, whatever their length; 2 s to initialize leaves a busy machine time to load
    the page."""
    monkeypatch.setattr(runtime_check, "INIT_SECONDS", 2)
    monkeypatch.setattr(runtime_check, "SETTLE_SECONDS", 1)
    monkeypatch.setattr(runtime_check, "FINISH_SECONDS", 1)


@pytest.fixture
def quick_hang(monkeypatch):
    """A page that loops is stopped after 2 s without an answer, not 5."""
    monkeypatch.setattr(runtime_check, "HANG_SECONDS", 2.0)


def runtime_codes(files: dict[str, bytes], report: PackageReport | None = None
                  ) -> list[tuple[str, str | None]]:
    """The runtime diagnostics of *files* (of *report*, when given, its validation)."""
    report = report or validate_files(files, "t.zip", runtime=True)
    return sorted((d.code, d.location.path if d.location else None)
                  for d in report.diagnostics if d.code.startswith("runtime-"))


def test_each_runtime_failure_is_reported(tools, quick):
    bad_status = sco12().replace(b'"incomplete"', b'"halfway"')
    beacon = sco12().replace(b"</body>", b'<img src="http://scormkit-test.invalid/b.gif" '
                             b'alt=""></body>')
    files = package_12({
        "good": sco12(), "silent": sco12(status=False), "leaky": sco12(finish=False),
        "wrong-value": bad_status, "version-2004": SCO_2004.encode(),
        "no-api": b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>",
        "beacon": beacon,
    })
    report = validate_files(files, "t.zip", runtime=True)  # one run: each SCO takes seconds
    assert runtime_codes(files, report) == [
        ("runtime-api-error", "version-2004.html"),  # looked for API_1484_11
        ("runtime-api-error", "wrong-value.html"),  # 405: 'halfway' is no lesson_status
        ("runtime-network", None),
        ("runtime-no-finish", "leaky.html"),
        ("runtime-no-initialize", "no-api.html"),
        ("runtime-no-initialize", "version-2004.html"),
        ("runtime-no-status", "silent.html"),
        ("runtime-no-status", "wrong-value.html"),
    ]
    messages = {d.code: d.message for d in report.diagnostics}
    assert "scormkit-test.invalid" in messages["runtime-network"]


def test_scorm2004_sco_passes(tools, packages):  # noqa: F811 - fixture
    assert runtime_codes(packages.get("scorm2004")) == []


@pytest.mark.parametrize("base", ["scorm12", "scorm12-per-lesson"])
def test_our_packages_pass_at_runtime(tools, packages, base, tmp_path):  # noqa: F811
    path = write_zip(packages.get(base), tmp_path / "course.zip")
    result = CliRunner().invoke(cli, ["validate", "--runtime", str(path)])
    assert result.exit_code == 0, result.output
    assert "runtime" not in result.output
    assert not list(Path(tmp_path).glob("scormkit-runtime-*"))


def test_missing_tools_skip_with_a_warning(packages, monkeypatch):  # noqa: F811 - fixture
    monkeypatch.setenv("SCORMKIT_CHROMIUM", "/nonexistent/chromium")
    report = validate_files(packages.get("scorm12"), "t.zip", runtime=True)
    [skipped] = report.diagnostics
    assert skipped.code == "runtime-skipped" and skipped.severity.value == "warning"
    assert not report.failed() and report.failed(strict=True)


def test_runtime_is_only_for_scorm(packages, monkeypatch):  # noqa: F811 - fixture
    monkeypatch.setenv("SCORMKIT_CHROMIUM", "/nonexistent/chromium")
    assert validate_files(packages.get("qti21"), "t.zip", runtime=True).diagnostics == []


# ---------------------------------------------------------------------------------------------
# Hostile SCOs (issue 12): each an error, within the per-SCO bound, and nothing left behind.


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A TMPDIR of the test's own: afterwards no profile folder and no browser process may
    be left in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert runtime_check.browser_processes(str(folder)) == []
    assert [p.name for p in folder.iterdir()] == []
    assert list(Path("/tmp").glob(f"scormkit-runtime-{os.getpid()}-*")) == []


@pytest.fixture(scope="module")
def local_service():
    """A service on another port of 127.0.0.1 that SCOs try to reach."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


PAGE = "<!DOCTYPE html><html lang='en'><head><title>x</title><script>{}</script></head>" \
       "<body>x</body></html>"
GOOD = sco12().decode()


_INIT_12 = ("var api = window.parent.API; api.LMSInitialize(''); "
            "api.LMSSetValue('cmi.core.lesson_status', 'incomplete'); "
            "window.addEventListener('pagehide', function () { api.LMSFinish(''); });")


def _hostile(port: int) -> dict[str, tuple[str, str, str]]:
    """name -> (SCO page, expected code, message fragment)."""
    hang = runtime_check.HANG_SECONDS
    return {
        "loop-at-load": (PAGE.format("while (true) {}"), "runtime-hang",
                         f"stopped responding for {hang:.0f} s (an endless loop?) and was "
                         "stopped"),
        "loop-after-initialize": (GOOD.replace('api.LMSInitialize("");',
                                               'api.LMSInitialize(""); for (;;) {}', 1),
                                  "runtime-hang", "stopped responding"),
        "loop-on-unload": (GOOD.replace("</script>", "window.addEventListener('pagehide', "
                                        "function () { for (;;) {} });</script>", 1),
                           "runtime-hang", "stopped responding"),
        "alert": (GOOD.replace("<script>", "<script>alert('Welcome!');", 1), "runtime-dialog",
                  "opened an alert dialog ('Welcome!'); it was dismissed"),
        "confirm": (GOOD.replace("<script>", "<script>confirm('Sure?');", 1), "runtime-dialog",
                    "opened a confirm dialog ('Sure?')"),
        "top-navigation": (PAGE.format("top.location.href = 'http://scormkit-test.invalid/';"),
                           "runtime-top-navigation", "navigated the LMS's own window (top) "
                           "to http://scormkit-test.invalid/"),
        "top-navigation-same-origin": (PAGE.format("window.top.location = '/pkg/x.html';"),
                                       "runtime-top-navigation", "/pkg/x.html"),
        "local-port": (PAGE.format(f"fetch('http://127.0.0.1:{port}/leak').catch(function () "
                                   "{}).then(function () { " + _INIT_12 + " });"),
                       "runtime-network",
                       f"tried to reach GET http://127.0.0.1:{port}/leak (refused)"),
        "localhost-beacon": (GOOD.replace("</script>", "navigator.sendBeacon('http://localhost:"
                                          f"{port}/beacon', 'x');</script>", 1),
                             "runtime-network", f"POST http://localhost:{port}/beacon"),
        "websocket": (GOOD.replace("</script>", f"new WebSocket('ws://127.0.0.1:{port}/');"
                                   "</script>", 1), "runtime-network",
                      f"CONNECT 127.0.0.1:{port}"),
        "exception-at-load": (PAGE.format("noSuchFunction();"), "runtime-script-error",
                              "uncaught exception: ReferenceError: noSuchFunction is not "
                              "defined (exception-at-load.html:1)"),
        # The renderer runs out of its 512 MiB heap; on a loaded machine the collector's
        # last efforts can hold the thread 5 s first, and the page is stopped as hung.
        "out-of-memory": (PAGE.format("var kept = []; (function grow() { for (var i = 0; i < "
                                      "40; i++) { kept.push(new Array(1e6).fill(i)); } "
                                      "setTimeout(grow, 0); }());"),
                          "runtime-crash|runtime-hang", "the SCO's page"),
    }


@pytest.mark.parametrize("name", ["loop-at-load", "loop-after-initialize", "loop-on-unload",
                                  "alert", "confirm",
                                  "top-navigation", "top-navigation-same-origin", "local-port",
                                  "localhost-beacon", "websocket", "exception-at-load",
                                  "out-of-memory"])
def test_each_hostile_sco_is_reported(tools, private_tmp, local_service, name, request):
    # The product's own deadlines for the page that eats memory: with 2 s to initialize, one
    # CI run got no runtime diagnostic at all for it (to be looked into, see the stop-19
    # note); with the defaults it is reported as crashed or hung in every run so far.
    if name != "out-of-memory":
        request.getfixturevalue("quick")
    if name.startswith("loop-"):
        request.getfixturevalue("quick_hang")
    port, hits = local_service
    page, code, fragment = _hostile(port)[name]
    started = time.monotonic()
    report = validate_files(package_12({name: page.encode()}), "t.zip", runtime=True)
    elapsed = time.monotonic() - started
    found = [d for d in report.diagnostics if d.code in code.split("|")]
    code = found[0].code if found else code
    assert found, [d.render() for d in report.diagnostics]
    assert any(fragment in d.message for d in found), [d.message for d in found]
    assert {d.severity.value for d in found} == {registry()[code].severity.value}
    assert elapsed < runtime_check.SCO_SECONDS + runtime_check.STARTUP_SECONDS
    assert hits == []  # no request ever reached the local service
    if code != "runtime-script-error":
        assert report.failed()


def test_a_hostile_sco_fails_the_command(tools, private_tmp, tmp_path, quick_hang):
    path = write_zip(package_12({"loop": PAGE.format("while (true) {}").encode()}),
                     tmp_path / "loop.zip")
    result = CliRunner().invoke(cli, ["validate", "--runtime", str(path)])
    assert result.exit_code == 1, result.output
    assert "error runtime-hang:" in result.output


def test_forged_reports_change_nothing(tools, private_tmp, quick):
    """A SCO that never initializes but posts a clean report to the old report URL, calls
    whatever looks like scormkit's channel, and patches the LMS window's prototypes so that
    the page's own reports would say it initialized: still runtime-no-initialize."""
    forger = PAGE.format("""
        fetch('/__scormkit__/report', {method: 'POST', body: '{"results": []}'});
        [window, parent].forEach(function (w) {
          Object.getOwnPropertyNames(w).forEach(function (k) {
            if (/scormkit/i.test(k)) { try { w[k]('x\\n{"kind": "call"}'); } catch (e) {} }
          });
        });
        var forged = {kind: 'call', fn: 'LMSInitialize', result: 'true', code: '0',
                      text: '', args: '[]'};
        parent.Object.prototype.toJSON = function () { return forged; };
        Object.defineProperty(parent.Array.prototype, '0', {set: function () {}});
    """)
    report = validate_files(package_12({"forger": forger.encode(), "good": sco12()}), "t.zip",
                            runtime=True)
    assert runtime_codes_of(report) == [("runtime-no-initialize", "forger.html")]


def runtime_codes_of(report) -> list[tuple[str, str | None]]:
    return sorted((d.code, d.location.path if d.location else None)
                  for d in report.diagnostics if d.code.startswith("runtime-"))


def test_the_whole_check_has_a_time_limit(tools, private_tmp, monkeypatch):
    """Four SCOs that loop, 7 s each at least: the check ends at its limit, reports the SCO
    it reached and names those it did not launch."""
    monkeypatch.setattr(runtime_check, "TOTAL_SECONDS", 20.0)
    loop = PAGE.format("while (true) {}").encode()
    started = time.monotonic()
    report = validate_files(package_12({"a": loop, "b": loop, "c": loop, "d": loop}), "t.zip",
                            runtime=True)
    elapsed = time.monotonic() - started
    codes = runtime_codes_of(report)
    assert ("runtime-hang", "a.html") in codes
    [limit] = [d for d in report.diagnostics if d.code == "runtime-time-limit"]
    assert re.search(r"^\d+ SCOs? (was|were) not launched: the runtime check stops after 20 s",
                     limit.message)
    assert "d.html" not in {path for _, path in codes}
    # The limit, plus the last SCO's cleanup and the browser's (each a few seconds at most).
    assert elapsed < 20 + 2 * runtime_check.HANG_SECONDS + 5


# ---------------------------------------------------------------------------------------------
# Signals: Chromium and its profile never outlive the check.


CLI = """
import sys
from scormkit.cli import cli
cli.main(["validate", "--runtime", sys.argv[1]], prog_name="scormkit")
"""


def _start_cli(package: Path, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", CLI, str(package)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not runtime_check.browser_processes(str(tmp)):
        time.sleep(0.2)
    if not runtime_check.browser_processes(str(tmp)):
        process.kill()
        raise AssertionError(f"Chromium did not start: {process.communicate()}")
    time.sleep(1)
    return process


@pytest.mark.parametrize(("sig", "exit_code"), [(signal.SIGTERM, 128 + signal.SIGTERM),
                                                (signal.SIGHUP, 128 + signal.SIGHUP),
                                                (signal.SIGINT, 1)])
def test_signals_end_the_browser_and_remove_its_profile(tools, tmp_path, sig, exit_code):
    package = write_zip(package_12({"slow": PAGE.format("").encode()}), tmp_path / "slow.zip")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process = _start_cli(package, tmp)
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    assert process.returncode == exit_code, (out, err)
    assert runtime_check.browser_processes(str(tmp)) == []
    assert [p.name for p in tmp.iterdir()] == []
    assert list(Path("/tmp").glob(f"scormkit-runtime-{process.pid}-*")) == []


def test_a_killed_check_takes_the_browser_with_it(tools, tmp_path):
    """SIGKILL cannot be handled: Chromium dies with scormkit (PR_SET_PDEATHSIG) and the
    profile left behind is removed by the next check."""
    package = write_zip(package_12({"slow": PAGE.format("").encode()}), tmp_path / "slow.zip")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process = _start_cli(package, tmp)
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and runtime_check.browser_processes(str(tmp)):
        time.sleep(0.2)
    assert runtime_check.browser_processes(str(tmp)) == []
    [stale] = list(tmp.iterdir())
    assert stale.name.startswith(f"scormkit-runtime-{process.pid}-")
    with mock.patch.object(tempfile, "tempdir", str(tmp)):
        runtime_check._remove_stale_profiles()
    assert list(tmp.iterdir()) == []
    assert list(Path("/tmp").glob(f"scormkit-runtime-{process.pid}-*")) == []
