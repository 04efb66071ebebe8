"""Packages made by other tools, checked without crashing and with their real defects found.

- text2qti (PyPI, BSD-3, in the test extra) writes Canvas-flavoured QTI 1.2 quizzes.
- simple-scorm-packager (npm, MIT, pinned in package.json) wraps a folder as SCORM 1.2/2004.

Both are run in a temporary folder. Without them the tests fail, unless SCORMKIT_SKIP_PEERS=1
asks to skip them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scormkit.validation import PackageReport, validate_archive

from .validate_helpers import SCO_2004, sco12

ROOT = Path(__file__).resolve().parent.parent
PACKAGER = ROOT / "node_modules" / "simple-scorm-packager"
TEXT2QTI = Path(sys.executable).with_name("text2qti")

QUIZ = """\
Quiz title: Peer quiz
Quiz description: A quiz written for text2qti.

1.  What is 2 + 3?
a)  6
b)  1
*c) 5

2.  Which numbers are even?
[*] 2
[ ] 3
[*] 4

3.  Explain why the sky is blue.
____

4.  What is 1.5 + 1?
=   2.5 +- 0.01

5.  Name the capital of France.
*   Paris
*   paris
"""


def require(ok: bool, message: str) -> None:
    if ok:
        return
    if os.environ.get("SCORMKIT_SKIP_PEERS") == "1":
        pytest.skip(message)
    pytest.fail(f"{message} (set SCORMKIT_SKIP_PEERS=1 to skip)", pytrace=False)


def found(report: PackageReport) -> dict[str, str]:
    """code -> severity of everything reported (one entry per code)."""
    return {d.code: d.severity.value for d in report.diagnostics}


@pytest.fixture(scope="module")
def text2qti_zip(tmp_path_factory) -> Path:
    require(TEXT2QTI.is_file(), "text2qti is not installed (pip install -e '.[test]')")
    folder = tmp_path_factory.mktemp("text2qti")
    (folder / "quiz.txt").write_text(QUIZ)
    subprocess.run([str(TEXT2QTI), "quiz.txt"], cwd=folder, check=True, capture_output=True,
                   timeout=120)
    return folder / "quiz.zip"


def test_text2qti_quiz(text2qti_zip):
    report = validate_archive(text2qti_zip)
    assert report.kind.key == "qti12"
    # text2qti copies Canvas's export: the manifest borrows the CC 1.1 namespace with
    # <schema>IMS Content</schema> 1.1.3 and resources of type imsqti_xmlv1p2, which the
    # CC 1.1 XSD rejects. Canvas imports it (its target); a cartridge importer would not.
    # Its QTI 1.2 assessment itself is valid, and its Canvas metadata is complete.
    assert found(report) == {"cc-namespace-borrowed": "warning"}
    assert not report.failed()


def test_text2qti_quiz_per_lms(text2qti_zip):
    assert found(validate_archive(text2qti_zip, lms="canvas")) == {
        "cc-namespace-borrowed": "warning"}
    # Moodle has no QTI importer, and its cartridge restore refuses the borrowed namespace.
    assert found(validate_archive(text2qti_zip, lms="moodle")) == {
        "moodle-qti-unsupported": "error", "cc-namespace-borrowed": "error"}
    # Blackboard drops the numerical question (question 4) and, per text2qti#60, imports
    # QTI 1.2 from other tools as an empty test.
    blackboard = validate_archive(text2qti_zip, lms="blackboard")
    assert found(blackboard) == {"blackboard-qti12": "warning",
                                 "cc-namespace-borrowed": "warning",
                                 "blackboard-question-type": "warning"}
    [numeric] = [d for d in blackboard.diagnostics if d.code == "blackboard-question-type"]
    assert "numeric" in numeric.message or "numerical" in numeric.message


def run_packager(tmp_path: Path, version: str, identifier: str | None, sco: bytes) -> Path:
    require((PACKAGER / "lib" / "index.js").is_file() and shutil.which("node") is not None,
            "simple-scorm-packager is not installed (npm install)")
    source, out = tmp_path / "source", tmp_path / "out"
    source.mkdir()
    (source / "index.html").write_bytes(sco)
    options = {"version": version, "organization": "Peer Org", "title": "Peer Course",
               "language": "en", "masteryScore": 80, "startingPage": "index.html",
               "source": str(source), "package": {"version": "1.0.0", "zip": True,
                                                  "outputFolder": str(out),
                                                  "date": "2020-01-01"}}
    if identifier is not None:
        options["identifier"] = identifier
    script = (f"require({str(PACKAGER)!r})({_json(options)}, function () {{}});")
    subprocess.run(["node", "-e", script], cwd=tmp_path, check=True, capture_output=True,
                   timeout=120)
    deadline = time.monotonic() + 20  # the zip is finished asynchronously
    while time.monotonic() < deadline:
        zips = list(out.glob("*.zip")) if out.is_dir() else []
        if zips and zips[0].stat().st_size > 0:
            time.sleep(0.2)
            return zips[0]
        time.sleep(0.1)
    raise AssertionError("simple-scorm-packager wrote no zip")


def _json(value: object) -> str:
    import json

    return json.dumps(value)


@pytest.mark.parametrize(("version", "kind", "sco"), [
    ("1.2", "scorm12", sco12()),
    ("2004 4th Edition", "scorm2004_4th", SCO_2004.encode()),
])
def test_simple_scorm_packager(tmp_path, version, kind, sco):
    report = validate_archive(run_packager(tmp_path, version, None, sco))
    assert report.kind.key == kind
    # The packager puts a <metadata> (pointing at metadata.xml) after the item's other
    # children and inside <resources>, where the CP XSDs allow none: SCORM Cloud and ADL's
    # test suite reject the manifest. It also ships metadata.xml without listing it in any
    # resource. Nothing else is wrong: the identifiers it generates are valid, the XSDs
    # are at the root, the SCO resource has its scormtype.
    assert found(report) == {"xsd-invalid": "error", "file-unlisted": "warning"}
    lines = sorted(d.location.line for d in report.diagnostics if d.code == "xsd-invalid")
    assert len(lines) == 2
    if version != "1.2":
        # Its 2004 manifest has sequencing (a primary objective with minNormalizedMeasure)
        # but no rules: Moodle's profile has nothing more to say about it.
        assert found(validate_archive(report.path, lms="moodle")) == found(report)


def test_simple_scorm_packager_readme_identifier(tmp_path):
    # The packager's README example passes identifier: '00', which it writes as the
    # manifest identifier although xs:ID values cannot start with a digit.
    report = validate_archive(run_packager(tmp_path, "1.2", "00", sco12()))
    assert found(report) == {"xsd-invalid": "error", "id-invalid": "error",
                             "file-unlisted": "warning"}
