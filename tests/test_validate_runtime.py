"""`scormkit validate --runtime`: SCOs launched in headless Chromium with scorm-again as the
LMS API. Needs Debian's /usr/bin/chromium and `npm install`; like tests/e2e, the tests fail
when those are missing unless SCORMKIT_SKIP_E2E=1 asks to skip them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scormkit.cli import cli
from scormkit.validation import runtime_check, validate_files

from .validate_helpers import SCO_2004, packages, sco12, write_zip  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e

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
    monkeypatch.setattr(runtime_check, "INIT_SECONDS", 2)


def runtime_codes(files: dict[str, bytes]) -> list[tuple[str, str | None]]:
    report = validate_files(files, "t.zip", runtime=True)
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
    assert runtime_codes(files) == [
        ("runtime-api-error", "version-2004.html"),  # looked for API_1484_11
        ("runtime-api-error", "wrong-value.html"),  # 405: 'halfway' is no lesson_status
        ("runtime-network", None),
        ("runtime-no-finish", "leaky.html"),
        ("runtime-no-initialize", "no-api.html"),
        ("runtime-no-initialize", "version-2004.html"),
        ("runtime-no-status", "silent.html"),
        ("runtime-no-status", "wrong-value.html"),
    ]
    report = validate_files(files, "t.zip", runtime=True)
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
