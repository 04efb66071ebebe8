"""`scormkit validate`: kinds, rules, hostile input, reports and exit codes."""

from __future__ import annotations

import functools
import http.server
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from scormkit.build import build_package
from scormkit.cli import cli
from scormkit.validate import validate_archive

from .hostile.make_corpus import CORPUS, remote_dtd, write_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def good_zip(tmp_path_factory) -> Path:
    return build_package(ROOT / "course_src", "scorm12", tmp_path_factory.mktemp("good")).path


def rewrite(source: Path, target: Path, change) -> Path:
    """Copy a zip, letting *change* edit its members dict."""
    with zipfile.ZipFile(source) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def codes(path: Path) -> list[str]:
    return sorted(d.code for d in validate_archive(path).diagnostics)


def invoke(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def test_our_package_is_clean(good_zip):
    report = validate_archive(good_zip)
    assert report.kind.key == "scorm12"
    assert report.diagnostics == []


def test_unpacked_folder_is_checked_like_the_zip(good_zip, tmp_path):
    with zipfile.ZipFile(good_zip) as zf:
        zf.extractall(tmp_path / "unpacked")
    assert validate_archive(tmp_path / "unpacked").diagnostics == []


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b"<schemaversion>1.2<", b"<schemaversion>1.3<")), ["schemaversion-invalid"]),
    (lambda f: f.pop("adlcp_rootv1p2.xsd"), ["schema-file-missing"]),
    (lambda f: f.__setitem__("extra.js", b""), ["file-unlisted"]),
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b"adlcp:", b"scorm:").replace(b"xmlns:adlcp=", b"xmlns:scorm=")),
     ["prefix-not-literal"]),
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b' adlcp:scormtype="sco"', b"")), ["scormtype-missing"]),
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b"<title>", b"<bogus/><title>", 1)), ["xsd-invalid"]),
])
def test_each_rule_catches_a_broken_package(good_zip, tmp_path, edit, expected):
    assert codes(rewrite(good_zip, tmp_path / "bad.zip", edit)) == expected


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_corpus_is_rejected_with_its_rule(tmp_path, name):
    corpus = write_corpus(tmp_path / "corpus")
    path = tmp_path / "corpus" / name
    assert corpus[path] in codes(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # nothing extracted


def test_remote_dtd_is_never_fetched(tmp_path):
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = tmp_path / "dtd.zip"
        path.write_bytes(remote_dtd(f"http://127.0.0.1:{server.server_address[1]}/x.dtd"))
        validate_archive(path)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_exit_codes(good_zip, tmp_path):
    assert invoke(str(good_zip)).exit_code == 0
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: f.__setitem__("x.js", b""))
    assert invoke(str(bad)).exit_code == 1
    (tmp_path / "notzip.zip").write_bytes(b"no")
    assert invoke(str(tmp_path / "notzip.zip")).exit_code == 2
    assert invoke().exit_code == 2  # usage error: no path


def test_strict_makes_warnings_fail(good_zip, tmp_path):
    warned = rewrite(good_zip, tmp_path / "w.zip", lambda f: f.__setitem__(
        "imsmanifest.xml", f["imsmanifest.xml"].replace(b' adlcp:scormtype="sco"', b"")))
    assert invoke(str(warned)).exit_code == 0
    assert invoke("--strict", str(warned)).exit_code == 1


def test_text_report_names_file_line_code_and_hint(good_zip, tmp_path):
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: f.__setitem__(
        "imsmanifest.xml", f["imsmanifest.xml"].replace(b"<schemaversion>1.2<",
                                                        b"<schemaversion>1.3<")))
    result = invoke(str(good_zip), str(bad))
    assert f"{bad}!imsmanifest.xml:10: error schemaversion-invalid:" in result.output
    assert "    hint: Moodle treats" in result.output
    assert result.output.rstrip().endswith(
        "2 package(s) checked, 1 failed: 1 error(s), 0 warning(s)")


def test_json_report(good_zip, tmp_path):
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: f.__setitem__("x.js", b""))
    data = json.loads(invoke("--format", "json", str(good_zip), str(bad)).output)
    assert data["version"] == 1
    assert [p["valid"] for p in data["packages"]] == [True, False]
    [diagnostic] = data["packages"][1]["diagnostics"]
    assert diagnostic == {"code": "file-unlisted", "severity": "error", "file": "x.js",
                          "line": None, "message": diagnostic["message"],
                          "hint": diagnostic["hint"]}


def test_junit_report_has_one_case_per_rule(good_zip, tmp_path):
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: (
        f.__setitem__("x.js", b""), f.pop("adlcp_rootv1p2.xsd")))
    root = etree.fromstring(invoke("--format", "junit", str(bad)).output.encode())
    [suite] = root.findall("testsuite")
    assert suite.get("failures") == "2"
    assert sorted(c.get("name") for c in suite.findall("testcase")) == [
        "file-unlisted", "package", "schema-file-missing"]
