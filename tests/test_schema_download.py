"""`scormkit schemas install` online, end to end, without the internet.

The pinned raw.githubusercontent.com addresses of the catalog are answered by a test HTTPS
proxy on 127.0.0.1 (tests/https_proxy.py): HTTPS_PROXY points at it, it answers CONNECT,
terminates TLS with a certificate from a test CA that the client trusts through SSL_CERT_FILE,
and serves the installed (verified) copy of each file. The client code under test is the real
one: proxy tunnel, certificate check, timeouts, hash check, fallback to the next address.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
import zipfile
from pathlib import Path

import pytest

from scormkit import fetch, schemas
from scormkit.errors import SchemaInstallError
from scormkit.schema_install import OFFLINE_HINT, export, install

from .https_proxy import HTTPSProxy, LocalCA, Silent, no_proxy_env

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = ROOT / "schemas"
GITHUB = "raw.githubusercontent.com"
QUICK = fetch.Limits(connect=1, read=1, total=60)


def pinned_content() -> dict[str, bytes]:
    """Every pinned address -> the installed copy of its file (what the address serves)."""
    content = {}
    for name in schemas.catalog():
        for f in schemas.family(name).files:
            data = (INSTALLED / schemas.mirror_folder(name, f) / f.path).read_bytes()
            content.update(dict.fromkeys(f.urls, data))
    return content


@pytest.fixture
def empty_schema_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "installed"
    monkeypatch.setenv("SCORMKIT_SCHEMAS", str(folder))
    monkeypatch.delenv("SCORMKIT_SCHEMA_MIRROR", raising=False)
    schemas.compiled.cache_clear()
    schemas.fast_compiled.cache_clear()
    yield folder
    schemas.compiled.cache_clear()
    schemas.fast_compiled.cache_clear()


@pytest.fixture
def ca(tmp_path, monkeypatch) -> LocalCA:
    ca = LocalCA(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.pem))
    return ca


@pytest.fixture
def proxy(ca, monkeypatch):
    with HTTPSProxy(ca, pinned_content(), hosts=(GITHUB, "registry.npmjs.org")) as running:
        no_proxy_env(monkeypatch, running.url)
        yield running


def test_catalog_pins_every_file_to_commit_addresses():
    files = {(schemas.mirror_folder(n, f), f.path): f for n in schemas.catalog()
             for f in schemas.family(n).files}
    assert len(files) == 129
    for f in files.values():
        assert f.urls, f.path
        for url in f.urls:
            # Immutable: a full 40-hex commit, never a branch name.
            owner_repo_commit = url.removeprefix(f"https://{GITHUB}/").split("/")[:3]
            assert url.startswith(f"https://{GITHUB}/"), url
            assert len(owner_repo_commit[2]) == 40, url
            int(owner_repo_commit[2], 16)
        assert f.spec
        # A URL serves one file: no address may be pinned to two different hashes.
    by_url: dict[str, set[str]] = {}
    for f in files.values():
        for url in f.urls:
            by_url.setdefault(url, set()).add(f.sha256)
    assert all(len(hashes) == 1 for hashes in by_url.values())


def test_every_family_installs_from_nothing_through_the_proxy(proxy, empty_schema_dir,
                                                               run_cli):
    started = time.monotonic()
    code, out, err = run_cli(["schemas", "install"])
    seconds = time.monotonic() - started
    assert code == 0, err
    for name in schemas.catalog():
        assert schemas.missing_files(name) == [], name
    # One progress line per file, each naming where the file came from.
    lines = [line for line in err.splitlines() if line.startswith("[")]
    assert len(lines) == 129
    assert lines[0].startswith("[  1/129] ") and lines[-1].startswith("[129/129] ")
    assert all(f"from {GITHUB}/" in line for line in lines)
    assert f"through the proxy {proxy.url}" in err
    assert "129 files installed" in out
    # Each file came from its first address: one request per file.
    assert len(proxy.requests) == 129
    print(f"129 files through the test proxy in {seconds:.2f} s")


def test_a_wrong_byte_is_refused_and_the_next_address_is_tried(proxy, empty_schema_dir):
    f = schemas.family("cmi5").files[0]
    proxy.corrupt.add(f.urls[0])
    lines: list[str] = []
    assert install(["cmi5"], limits=QUICK, progress=lines.append) == {"cmi5": 1}
    assert schemas.missing_files("cmi5") == []
    assert proxy.requests == [f.urls[0], f.urls[1]]
    assert any(f.urls[0] in line and "refused: its sha256 is" in line
               and "trying the next address" in line for line in lines)


def test_when_every_address_fails_each_is_listed(proxy, empty_schema_dir):
    f = schemas.family("cmi5").files[0]
    proxy.corrupt.add(f.urls[0])
    del proxy.content[f.urls[1]]
    with pytest.raises(SchemaInstallError) as info:
        install(["cmi5"], limits=QUICK)
    message = str(info.value)
    assert "cmi5/CourseStructure.xsd: error: no source gave the pinned file" in message
    assert f"{f.urls[0]}: refused: its sha256 is" in message
    assert f"{f.urls[1]}: HTTP 404 Not Found" in message
    for words in ("SCORMKIT_SCHEMA_MIRROR", "scormkit schemas export",
                  "scormkit schemas install --from", "HTTPS_PROXY", "SSL_CERT_FILE"):
        assert words in message
    assert not (empty_schema_dir / "cmi5" / "CourseStructure.xsd").exists()


@pytest.mark.parametrize(("knob", "expected"), [
    ("hang_hosts", "no connection within 1 s"),
    ("silent_hosts", "connected, but no answer within 1 s"),
    ("refuse_hosts", "the proxy refused the tunnel (403 Forbidden)"),
])
def test_a_host_that_does_not_answer_fails_within_the_timeout(proxy, empty_schema_dir, knob,
                                                              expected, run_cli):
    getattr(proxy, knob).add(GITHUB)
    started = time.monotonic()
    code, out, err = run_cli(["schemas", "install", "--connect-timeout", "1",
                              "--read-timeout", "1"])
    seconds = time.monotonic() - started
    assert code == 1
    # The first attempts time out together (4 at a time); every later address on the same
    # host is skipped, so all 129 files fail in about one timeout, not 129 of them.
    assert seconds < 8, seconds
    assert expected in err
    assert f"not tried: {GITHUB} failed earlier in this run" in err
    assert "129 of 129 files could not be installed" in err
    assert "SCORMKIT_SCHEMA_MIRROR" in err and "scormkit schemas export" in err
    assert "Traceback" not in err
    assert not empty_schema_dir.exists() or not any(empty_schema_dir.rglob("*.xsd"))


def test_a_server_that_accepts_and_never_answers_is_given_up(empty_schema_dir, monkeypatch):
    no_proxy_env(monkeypatch, "", "127.0.0.1")
    with Silent() as silent:
        started = time.monotonic()
        with pytest.raises(SchemaInstallError) as info:
            install(["cmi5"], f"https://127.0.0.1:{silent.port}", offline=True,
                    limits=fetch.Limits(connect=1, read=1, total=30))
        assert time.monotonic() - started < 5
    assert "no connection within 1 s" in str(info.value)


def test_an_untrusted_certificate_is_refused(proxy, empty_schema_dir, tmp_path, monkeypatch):
    (tmp_path / "other").mkdir()
    other = LocalCA(tmp_path / "other")
    monkeypatch.setenv("SSL_CERT_FILE", str(other.pem))
    with pytest.raises(SchemaInstallError) as info:
        install(["cmi5"], limits=QUICK)
    assert "certificate is not trusted" in str(info.value)
    assert proxy.requests == []  # nothing was sent over the untrusted connection


def test_the_total_time_limit_bounds_the_run(proxy, empty_schema_dir):
    proxy.silent_hosts.add(GITHUB)
    started = time.monotonic()
    with pytest.raises(SchemaInstallError) as info:
        install(["cmi5"], limits=fetch.Limits(connect=5, read=30, total=1.5))
    assert time.monotonic() - started < 5
    assert "time limit" in str(info.value) or "no answer within" in str(info.value)


@pytest.fixture
def https_mirror(ca, tmp_path):
    """An HTTPS server on 127.0.0.1 serving the installed schemas as a mirror."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(INSTALLED))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ca.server_context("127.0.0.1")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_no_proxy_hosts_are_reached_directly(https_mirror, empty_schema_dir, monkeypatch):
    # The proxy is a closed port: only NO_PROXY lets the request through.
    no_proxy_env(monkeypatch, "http://127.0.0.1:9", "localhost,127.0.0.1")
    assert install(["cmi5"], https_mirror, offline=True, limits=QUICK) == {"cmi5": 1}
    schemas.compiled.cache_clear()
    (empty_schema_dir / "cmi5" / "CourseStructure.xsd").unlink()
    no_proxy_env(monkeypatch, "http://127.0.0.1:9")
    with pytest.raises(SchemaInstallError, match="the connection was refused"):
        install(["cmi5"], https_mirror, offline=True, limits=QUICK)


# ---------------------------------------------------------------------------------------------
# Air-gapped machines: export a bundle, install from it


def test_export_then_install_from_the_zip(empty_schema_dir, tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("SCORMKIT_SCHEMAS", str(INSTALLED))
    bundle = tmp_path / "bundle.zip"
    code, out, err = run_cli(["schemas", "export", bundle])
    assert code == 0, err
    assert "129 files" in out and not err
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        sums = zf.read("SHA256SUMS").decode()
    assert {"README.txt", "SHA256SUMS", "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd"} <= names
    assert len(sums.splitlines()) == 129
    # Byte-reproducible, like every zip scormkit writes.
    again = tmp_path / "again.zip"
    assert run_cli(["schemas", "export", again])[0] == 0
    assert again.read_bytes() == bundle.read_bytes()

    monkeypatch.setenv("SCORMKIT_SCHEMAS", str(empty_schema_dir))
    code, out, err = run_cli(["schemas", "install", "--offline", "--from", bundle])
    assert code == 0, err
    assert "129 files installed" in out
    for name in schemas.catalog():
        assert schemas.missing_files(name) == []


def test_a_zip_with_an_enclosing_folder_and_over_https(proxy, empty_schema_dir, tmp_path):
    with zipfile.ZipFile(tmp_path / "wrapped.zip", "w") as zf:
        for f in schemas.family("scorm12").files:
            zf.write(INSTALLED / "scorm12" / f.path, f"schemas/scorm12/{f.path}")
    assert install(["scorm12"], str(tmp_path / "wrapped.zip"), offline=True) == {"scorm12": 5}
    # The same zip as a URL (served through the proxy like any https address).
    url = f"https://{GITHUB}/example/mirror/bundle.zip"
    proxy.content[url] = (tmp_path / "wrapped.zip").read_bytes()
    for f in schemas.family("scorm12").files:
        (empty_schema_dir / "scorm12" / f.path).unlink()
    assert install(["scorm12"], url, offline=True, limits=QUICK) == {"scorm12": 5}


def test_a_hostile_zip_is_read_without_harm(empty_schema_dir, tmp_path):
    bundle = tmp_path / "hostile.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../cmi5/CourseStructure.xsd", b"<escape/>")
        zf.writestr("cmi5/CourseStructure.xsd", b"\0" * (9 * 1024 * 1024))  # bomb-ish
    with pytest.raises(SchemaInstallError) as info:
        install(["cmi5"], str(bundle), offline=True)
    assert "larger than 8388608 bytes" in str(info.value)
    assert not (tmp_path.parent / "cmi5").exists()
    assert not any(empty_schema_dir.rglob("*.xsd")) if empty_schema_dir.exists() else True
    (tmp_path / "not.zip").write_bytes(b"PK nonsense")
    with pytest.raises(SchemaInstallError, match="not a readable zip file"):
        install(["cmi5"], str(tmp_path / "not.zip"), offline=True)


def test_the_offline_message(empty_schema_dir, tmp_path, run_cli):
    (tmp_path / "empty-mirror").mkdir()
    code, out, err = run_cli(["schemas", "install", "--offline", "--from",
                              tmp_path / "empty-mirror", "cmi5"])
    assert code == 1
    mirror = tmp_path / "empty-mirror"
    assert err.splitlines()[-4:] == [
        "cmi5/CourseStructure.xsd: error: no source gave the pinned file; tried:",
        f"    - mirror {mirror} (--from): cmi5/CourseStructure.xsd: not there "
        "[schema-install-failed]",
        "error: 1 of 1 file could not be installed [schema-install-failed]",
        "    hint: " + OFFLINE_HINT,
    ]


def test_export_with_nothing_installed_says_what_to_do(empty_schema_dir, tmp_path, run_cli):
    code, out, err = run_cli(["schemas", "export", tmp_path / "x.zip"])
    assert code == 1
    assert "run `scormkit schemas install` first" in err
    assert not (tmp_path / "x.zip").exists()


def test_export_of_an_incomplete_install_warns(empty_schema_dir, tmp_path):
    install(["cmi5"], str(INSTALLED), offline=True)
    done = export(tmp_path / "x.zip")
    assert done.files == 1 and done.complete == ("cmi5",)
    assert "scorm12" in done.incomplete


def test_ssl_context_reports_a_missing_ca_file(monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nope.pem"))
    with pytest.raises(fetch.FetchError, match="SSL_CERT_FILE names .*nope.pem"):
        fetch.ssl_context()
