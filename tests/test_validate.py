"""`scormkit validate`: kinds, rules, hostile input, reports and exit codes."""

from __future__ import annotations

import http.server
import io
import json
import os
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from scormkit.build import build_package
from scormkit.cli import cli
from scormkit.validation import members, validate_archive
from scormkit.validation.rules import registry

from .hostile.make_corpus import (
    CORPUS,
    LOWERED_LIMITS,
    MESSAGES,
    remote_dtd,
    remote_parameter_entity,
    write_corpus,
)

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
        b"<schemaversion>1.2<", b"<schemaversion>1.3<")),
     ["schemaversion-invalid", "version-mixed"]),
    (lambda f: f.pop("adlcp_rootv1p2.xsd"), ["schema-file-missing"]),
    (lambda f: f.__setitem__("extra.js", b""), ["file-unlisted"]),
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b"adlcp:", b"scorm:").replace(b"xmlns:adlcp=", b"xmlns:scorm=")),
     ["prefix-not-literal"]),
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b' adlcp:scormtype="sco"', b"")),
     ["launch-not-sco", "sco-data-ignored", "scormtype-missing"]),
    (lambda f: f.__setitem__("imsmanifest.xml", f["imsmanifest.xml"].replace(
        b"<title>", b"<bogus/><title>", 1)), ["xsd-invalid"]),
])
def test_each_rule_catches_a_broken_package(good_zip, tmp_path, edit, expected):
    assert codes(rewrite(good_zip, tmp_path / "bad.zip", edit)) == expected


class Watch:
    """Python audit events seen while validating: files opened for writing, network use."""

    active = False
    writes: list[str] = []
    network: list[str] = []

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if not cls.active:
            return
        if event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if writing:
                cls.writes.append(str(path))
        elif event in ("socket.connect", "socket.getaddrinfo") or (
                event == "urllib.Request" and not str(args[0]).startswith("file:")):
            cls.network.append(f"{event} {args!r}")
        elif event in ("os.mkdir", "os.rename", "os.replace", "os.remove", "shutil.rmtree"):
            cls.writes.append(f"{event} {args[0]!r}")

    def __enter__(self) -> Watch:
        Watch.writes, Watch.network, Watch.active = [], [], True
        return self

    def __exit__(self, *exc: object) -> None:
        Watch.active = False


sys.addaudithook(Watch.hook)


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture(scope="module")
def compiled_scorm12_schema():
    """xmlschema's SCORM 1.2 schema, compiled once outside the measured time (it explains
    the cases whose manifest libxml2 rejects; compiling under tracemalloc takes seconds)."""
    from scormkit import schemas

    schemas.compiled("scorm12", "http://www.imsproject.org/xsd/imscp_rootv1p1p2")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_corpus_is_rejected_with_its_rule(tmp_path, monkeypatch, watch, name,
                                                  compiled_scorm12_schema):
    """Each hostile package gets its own code and message, in bounded time and memory,
    with nothing written anywhere and no network use (Python's audit events are watched)."""
    path = tmp_path / name
    builder, code = CORPUS[name]
    path.write_bytes(builder())
    for limit, value in LOWERED_LIMITS.get(name, {}).items():
        monkeypatch.setattr(members, limit, value)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with watch:
            diagnostics = validate_archive(path).diagnostics
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    found = sorted(d.code for d in diagnostics)
    assert code in found
    assert any(MESSAGES[name] in d.message for d in diagnostics if d.code == code), \
        [d.message for d in diagnostics if d.code == code]
    assert time.perf_counter() - started < 5
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB"
    assert watch.writes == [] and watch.network == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing extracted


def test_corpus_generator_writes_every_file(tmp_path):
    written = write_corpus(tmp_path / "corpus")
    assert {p.name: c for p, c in written.items()} == {n: c for n, (_, c) in CORPUS.items()}


def test_folder_member_limit(tmp_path, monkeypatch):
    for n in range(5):
        (tmp_path / f"f{n}.txt").write_text("x")
    monkeypatch.setattr(members, "MAX_MEMBERS", 3)
    assert codes(tmp_path) == ["zip-too-many-members"]


def _local_server(hits: list[str]):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("builder", [remote_dtd, remote_parameter_entity])
def test_remote_dtd_and_entities_are_never_fetched(tmp_path, watch, builder):
    hits: list[str] = []
    server = _local_server(hits)
    try:
        path = tmp_path / "dtd.zip"
        path.write_bytes(builder(f"http://127.0.0.1:{server.server_address[1]}/x.dtd"))
        with watch:
            found = codes(path)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert watch.network == []
    assert found and set(found) <= {"xml-external-dtd", "xml-entity", "xsd-invalid",
                                    "manifest-doctype", "xml-remote-dtd",
                                    "xsd-unknown-root", "default-org-missing",
                                    "organizations-empty", "schema-invalid",
                                    "schemaversion-invalid", "status-never-set",
                                    "schema-set-incomplete", "file-unlisted"}


def test_exit_codes(good_zip, tmp_path):
    assert invoke(str(good_zip)).exit_code == 0
    warned = rewrite(good_zip, tmp_path / "warned.zip", lambda f: f.__setitem__("x.js", b""))
    assert invoke(str(warned)).exit_code == 0  # file-unlisted is a warning
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: f.pop("imsmanifest.xml"))
    assert invoke(str(bad)).exit_code == 1
    (tmp_path / "notzip.zip").write_bytes(b"no")
    assert invoke(str(tmp_path / "notzip.zip")).exit_code == 2
    assert invoke().exit_code == 2  # usage error: no path
    assert invoke("--lms", "brightspace", str(good_zip)).exit_code == 2
    assert invoke(str(good_zip), str(tmp_path / "notzip.zip")).exit_code == 2


def test_strict_makes_warnings_fail(good_zip, tmp_path):
    warned = rewrite(good_zip, tmp_path / "w.zip", lambda f: f.__setitem__(
        "imsmanifest.xml", f["imsmanifest.xml"].replace(b' adlcp:scormtype="sco"', b"")))
    assert invoke(str(warned)).exit_code == 0
    assert invoke("--strict", str(warned)).exit_code == 1


def test_text_report_names_file_line_code_and_hint(good_zip, tmp_path):
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: f.__setitem__(
        "imsmanifest.xml", f["imsmanifest.xml"].replace(b"<schemaversion>1.2<",
                                                        b"<schemaversion>1.2.0<")))
    result = invoke(str(good_zip), str(bad))
    assert f"{bad}!imsmanifest.xml:10: error schemaversion-invalid:" in result.output
    assert "    hint: Moodle treats" in result.output
    assert result.output.rstrip().endswith(
        "2 packages checked, 1 failed: 1 error, 0 warnings")


def test_json_report(good_zip, tmp_path):
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: f.__setitem__("x.js", b""))
    data = json.loads(invoke("--format", "json", "--strict", str(good_zip), str(bad)).output)
    assert data["version"] == 1 and data["strict"] is True and data["lms"] is None
    assert [p["valid"] for p in data["packages"]] == [True, False]
    [diagnostic] = data["packages"][1]["diagnostics"]
    assert diagnostic == {"code": "file-unlisted", "severity": "warning", "file": "x.js",
                          "line": None, "message": diagnostic["message"],
                          "hint": diagnostic["hint"]}


def check_schema(value, schema: dict, root: dict, where: str = "$") -> None:
    """The JSON Schema keywords docs/validate-report.schema.json uses (type, enum, const,
    required, properties, additionalProperties: false, items, minimum, $ref): a hand check
    keeps jsonschema out of the dependencies."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return check_schema(value, root["$defs"][name], root, where)
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        python = {"object": dict, "array": list, "string": str, "boolean": bool, "null":
                  type(None), "integer": int}
        ok = any(isinstance(value, python[t]) and not (t == "integer" and isinstance(value, bool))
                 for t in names)
        assert ok, f"{where}: {value!r} is not {names}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "const" in schema:
        assert value == schema["const"], where
    if "minimum" in schema and isinstance(value, int):
        assert value >= schema["minimum"], where
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(properties), f"{where}: extra {set(value) - set(properties)}"
        for key, item in value.items():
            if key in properties:
                check_schema(item, properties[key], root, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            check_schema(item, schema["items"], root, f"{where}[{index}]")


def test_json_report_matches_its_schema(good_zip, tmp_path):
    schema = json.loads((ROOT / "docs" / "validate-report.schema.json").read_text())
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: (
        f.__setitem__("x.js", b""), f.pop("adlcp_rootv1p2.xsd")))
    corpus = write_corpus(tmp_path / "corpus")
    paths = [str(good_zip), str(bad), *(str(p) for p in sorted(corpus))]
    for extra in ([], ["--lms", "moodle"], ["--strict"]):
        data = json.loads(invoke("--format", "json", *extra, *paths).output)
        check_schema(data, schema, schema)
    assert {d["severity"] for p in data["packages"] for d in p["diagnostics"]} == {
        "error", "warning"}
    with pytest.raises(AssertionError):
        check_schema({"version": 1}, schema, schema)  # the check does reject


def test_junit_report_has_one_case_per_rule(good_zip, tmp_path):
    bad = rewrite(good_zip, tmp_path / "bad.zip", lambda f: (
        f.__setitem__("x.js", b""), f.pop("adlcp_rootv1p2.xsd")))
    root = etree.fromstring(invoke("--format", "junit", str(bad)).output.encode())
    [suite] = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert suite.get("failures") == "0"  # two warnings: the package is valid
    assert int(suite.get("tests")) == len(cases)
    assert {"package", "schemaversion-invalid", "file-unlisted", "xsd-invalid"} <= set(cases)
    assert cases["schema-file-missing"].find("system-out") is not None  # a warning
    assert cases["file-unlisted"].find("system-out") is not None  # a warning
    assert len(cases["xsd-invalid"]) == 0  # ran, found nothing
    assert not any(name.startswith(("canvas-", "cmi5-", "moodle-")) for name in cases)
    strict = etree.fromstring(invoke("--format", "junit", "--strict", str(bad)).output.encode())
    assert strict.find("testsuite").get("failures") == "3"
    strict_cases = {c.get("name"): c for c in strict.find("testsuite").findall("testcase")}
    assert strict_cases["schema-file-missing"].find("failure").get("type") == \
        "schema-file-missing"


def test_list_rules(tmp_path):
    result = invoke("--list-rules")
    assert result.exit_code == 0
    assert "schemaversion-invalid" in result.output and "[--lms moodle]" in result.output
    moodle = invoke("--list-rules", "--lms", "scormcloud").output
    assert "openedx-launch" not in moodle
    assert "lom-description-too-long     error" in moodle
    listed = json.loads(invoke("--list-rules", "--format", "json").output)
    assert {r["code"] for r in listed} == set(registry())


def test_lms_profile_in_text_report(good_zip):
    result = invoke("--lms", "moodle", str(good_zip))
    assert result.exit_code == 0
    assert result.output.rstrip().endswith("(LMS profile: moodle)")
