"""Installing the official XSDs: from a folder, over HTTP, idempotently, hash-checked."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from scormkit import schema_install, schemas
from scormkit.build import build_package
from scormkit.errors import SchemaInstallError, SchemaMissing

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = ROOT / "schemas"


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Whatever a test does, downloads go to a closed port on 127.0.0.1 (except local
    servers, reached directly): a test must never depend on, or use, the real network."""
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture
def mirror(tmp_path) -> Path:
    """A mirror laid out as <family>/<file>, copied from the installed schemas."""
    target = tmp_path / "mirror"
    for name in ("scorm12", "cmi5"):
        shutil.copytree(INSTALLED / name, target / name)
    return target


@pytest.fixture
def empty_schema_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "installed"
    monkeypatch.setenv("SCORMKIT_SCHEMAS", str(folder))
    monkeypatch.delenv("SCORMKIT_SCHEMA_MIRROR", raising=False)
    schemas.compiled.cache_clear()
    yield folder
    schemas.compiled.cache_clear()


@pytest.fixture
def http_mirror(mirror):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(mirror))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_catalog_hashes_match_the_installed_files():
    for name in schemas.catalog():
        assert schemas.missing_files(name) == [], name


def test_install_from_folder_is_idempotent(mirror, empty_schema_dir):
    assert schema_install.install(["scorm12"], str(mirror)) == {"scorm12": 5}
    assert schemas.missing_files("scorm12") == []
    assert schema_install.install(["scorm12"], str(mirror)) == {"scorm12": 0}


def test_install_over_http_from_local_server(http_mirror, empty_schema_dir):
    assert schema_install.install(["scorm12", "cmi5"], http_mirror) == {"scorm12": 5, "cmi5": 1}
    assert (empty_schema_dir / "scorm12" / "imscp_rootv1p1p2.xsd").is_file()


def test_install_uses_the_pinned_addresses_without_a_mirror(http_mirror, empty_schema_dir,
                                                             monkeypatch):
    # Point the catalog's addresses at the local server (tests/test_schema_download.py
    # covers the real ones through an HTTPS proxy): the first is missing, the second works.
    real = schemas.catalog()
    fake = {name: fam for name, fam in real.items()}
    fam = real["cmi5"]
    fake["cmi5"] = schemas.Family(
        fam.name, fam.label, fam.schema_location, fam.package_root, fam.remap, fam.entries,
        tuple(schemas.SchemaFile(f.path, f.sha256, (f"{http_mirror}/gone/{f.path}",
                                                    f"{http_mirror}/cmi5/{f.path}"))
              for f in fam.files))
    monkeypatch.setattr(schemas, "catalog", lambda: fake)
    assert schema_install.install(["cmi5"]) == {"cmi5": 1}


def test_mirror_environment_variable_is_honoured(mirror, empty_schema_dir, monkeypatch):
    monkeypatch.setenv("SCORMKIT_SCHEMA_MIRROR", str(mirror))
    assert schema_install.install(["cmi5"]) == {"cmi5": 1}


def test_hash_mismatch_is_refused(mirror, empty_schema_dir):
    (mirror / "cmi5" / "CourseStructure.xsd").write_text("<tampered/>")
    with pytest.raises(SchemaInstallError) as info:
        schema_install.install(["cmi5"], str(mirror))
    message = str(info.value)
    assert f"mirror {mirror} (--from): cmi5/CourseStructure.xsd: refused: its sha256" in message
    # Then the pinned addresses were tried, in order (here: nothing reachable).
    urls = schemas.family("cmi5").files[0].urls
    assert message.index(urls[0]) < message.index(urls[1])
    assert not (empty_schema_dir / "cmi5" / "CourseStructure.xsd").exists()


def test_unreachable_source_gives_a_hint(empty_schema_dir):
    with pytest.raises(SchemaInstallError, match="SCORMKIT_SCHEMA_MIRROR") as info:
        schema_install.install(["cmi5"], "http://127.0.0.1:9")
    assert "http://127.0.0.1:9/cmi5/CourseStructure.xsd: the connection was refused" in str(
        info.value)


def test_offline_uses_only_the_mirrors(mirror, empty_schema_dir):
    (mirror / "cmi5" / "CourseStructure.xsd").unlink()
    with pytest.raises(SchemaInstallError) as info:
        schema_install.install(["cmi5"], str(mirror), offline=True)
    assert "raw.githubusercontent.com" not in str(info.value).split("hint:")[0]


def test_unknown_source_and_family_are_refused(empty_schema_dir, tmp_path):
    with pytest.raises(SchemaInstallError, match="neither a folder, a zip file nor"):
        schema_install.install(["cmi5"], str(tmp_path / "nowhere"))
    with pytest.raises(SchemaInstallError, match="unknown schema family 'scorm3'"):
        schema_install.install(["scorm3"])


def test_build_without_schemas_fails_with_one_line_hint(empty_schema_dir, tmp_path):
    with pytest.raises(SchemaMissing) as info:
        build_package(ROOT / "course_src", "scorm12", tmp_path / "dist")
    message = str(info.value)
    assert "scormkit schemas install" in message and "\n" not in message
    assert not (tmp_path / "dist").exists()


def test_default_schema_dir_in_a_checkout(monkeypatch):
    monkeypatch.delenv("SCORMKIT_SCHEMAS", raising=False)
    from scormkit.resources import schema_dir

    assert schema_dir() == INSTALLED
    assert os.environ.get("SCORMKIT_SCHEMAS") is None
