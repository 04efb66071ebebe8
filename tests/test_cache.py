"""The per-user cache of validation results (scormkit/cache.py, scormkit/validation/xml.py).

A rebuild must give the same bytes with the cache, without it and with a damaged one; a
cached pass must skip the XSD work; a file that is corrupt, foreign or unwritable must fall
back to validating; concurrent writers must never leave a torn file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from scormkit import cache, schemas
from scormkit.build import build
from scormkit.validation import xml as xml_pass

from .conftest import CACHE_DAMAGES, EXAMPLE_COURSE, damaged

TARGETS = ["cc11", "qti21", "qti30", "scorm2004"]


@pytest.fixture
def xsd_runs(monkeypatch) -> list[str]:
    """The documents the XSD pass validated (in this process)."""
    seen: list[str] = []
    real = xml_pass.validate_tree

    def counting(path, root, family, **kw):
        seen.append(path)
        return real(path, root, family, **kw)

    monkeypatch.setattr(xml_pass, "validate_tree", counting)
    return seen


def _zips(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.*"))}  # moodlexml: .xml


def _build(out: Path, targets: list[str] = TARGETS) -> dict[str, bytes]:
    outcomes = build(EXAMPLE_COURSE, targets, out, jobs=1)
    assert [o.target for o in outcomes] == targets
    assert not [o for o in outcomes if not hasattr(o, "path")], outcomes
    return _zips(out)


def test_a_warm_cache_skips_validation_and_changes_no_byte(tmp_path, own_cache, xsd_runs,
                                                            monkeypatch):
    cold = _build(tmp_path / "cold")
    validated = len(xsd_runs)
    assert validated > 40  # every manifest, assessment and item
    files = sorted(p.name for p in (own_cache / "validation").iterdir())
    assert {f.split("-")[0] for f in files} >= {"cc11", "qti21", "qti30", "scorm2004_4th"}
    warm = _build(tmp_path / "warm")
    assert len(xsd_runs) == validated  # nothing validated again
    assert warm == cold
    monkeypatch.setenv(cache.ENV, "off")
    assert _build(tmp_path / "off") == cold
    assert len(xsd_runs) == 2 * validated
    assert cache.cache_dir() is None


def test_only_changed_documents_are_validated_again(tmp_path, own_cache, xsd_runs,
                                                    course_copy):
    build(course_copy, ["qti21"], tmp_path / "a", jobs=1)
    first = list(xsd_runs)
    quiz = next(course_copy.glob("**/*.quiz.md"))
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("## ", "## Edited: ", 1), encoding="utf-8")
    build(course_copy, ["qti21"], tmp_path / "b", jobs=1)
    again = xsd_runs[len(first):]
    # the edited item, the test that lists its title, nothing else
    assert 1 <= len(again) <= 3 and len(again) < len(first) / 4, again


def _cache_files(folder: Path) -> list[Path]:
    return sorted((folder / "validation").glob("*.valid"))


@pytest.mark.parametrize("damage", CACHE_DAMAGES)
def test_a_corrupt_cache_file_is_ignored_and_replaced(tmp_path, own_cache, xsd_runs, damage):
    cold = _build(tmp_path / "cold", ["qti21"])
    validated = len(xsd_runs)
    [path] = [p for p in _cache_files(own_cache) if p.name.startswith("qti21-")]
    path.write_bytes(damaged(path.read_bytes(), damage, b"scormkit-valid 1"))
    assert _build(tmp_path / "again", ["qti21"]) == cold
    assert len(xsd_runs) == 2 * validated  # all of it validated again...
    assert _build(tmp_path / "third", ["qti21"]) == cold
    assert len(xsd_runs) == 2 * validated  # ...and the file rewritten whole


def test_a_forged_digest_in_a_foreign_cache_file_is_not_trusted(tmp_path, own_cache,
                                                                xsd_runs):
    """A cache file writable by others (or owned by another user) could name the digest of
    a document that fails its XSD: such a file is not read."""
    _build(tmp_path / "cold", ["qti21"])
    validated = len(xsd_runs)
    [path] = [p for p in _cache_files(own_cache) if p.name.startswith("qti21-")]
    os.chmod(path, 0o666)
    _build(tmp_path / "again", ["qti21"])
    assert len(xsd_runs) == 2 * validated
    os.chmod(path, 0o600)
    os.chmod(path.parent, 0o777)
    _build(tmp_path / "third", ["qti21"])
    assert len(xsd_runs) == 3 * validated
    os.chmod(path.parent, 0o700)
    if os.geteuid() == 0:  # only root can give a file away
        os.chown(path, 12345, 12345)
        _build(tmp_path / "fourth", ["qti21"])
        assert len(xsd_runs) == 4 * validated


def test_an_unusable_cache_folder_only_costs_time(tmp_path, monkeypatch, xsd_runs):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    first = _build(tmp_path / "one", ["qti12"])
    validated = len(xsd_runs)
    assert _build(tmp_path / "two", ["qti12"]) == first
    assert len(xsd_runs) == 2 * validated
    assert cache.entries() == []


def test_a_symlinked_cache_file_is_not_followed(tmp_path, own_cache, xsd_runs):
    _build(tmp_path / "cold", ["qti12"])
    validated = len(xsd_runs)
    for path in _cache_files(own_cache):
        real = path.with_suffix(".real")
        path.rename(real)
        path.symlink_to(real)
    _build(tmp_path / "again", ["qti12"])
    assert len(xsd_runs) == 2 * validated


def test_the_key_covers_the_schema_hashes_and_versions(monkeypatch):
    before = schemas.validity_key("qti21")
    assert before == schemas.validity_key("qti21")
    assert before != schemas.validity_key("qti30")
    family = schemas.family("qti21")
    changed = dataclasses.replace(family.files[0], sha256="0" * 64)
    catalog = dict(schemas.catalog())
    catalog["qti21"] = dataclasses.replace(family, files=(changed, *family.files[1:]))
    schemas.validity_key.cache_clear()
    monkeypatch.setattr(schemas, "catalog", lambda: catalog)
    try:
        assert schemas.validity_key("qti21") != before
        monkeypatch.setattr("scormkit.version.__version__", "99.0")
        catalog["qti21"] = family
        schemas.validity_key.cache_clear()
        assert schemas.validity_key("qti21") != before
    finally:
        schemas.validity_key.cache_clear()


def _writer(folder: str, worker: int, rounds: int) -> None:
    os.environ[cache.ENV] = folder
    for n in range(rounds):
        digests = cache.DigestSet("validation", "shared.valid", "k" * 64)
        digests.add(hashlib.sha256(f"{worker}-{n}-{i}".encode()).digest() for i in range(50))
        digests.save()


def _check(path: Path) -> bool:
    data = path.read_bytes()
    head = b"scormkit-valid 1\n" + b"k" * 64 + b"\n"
    body = data[len(head) + 32:]
    return data.startswith(head) and hashlib.sha256(body).digest() == data[len(head):][:32]


def test_concurrent_writers_never_leave_a_torn_file(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(folder), w, 25)) for w in range(4)]
    for process in writers:
        process.start()
    path = folder / "validation" / "shared.valid"
    reads = 0
    while any(p.is_alive() for p in writers):
        if path.exists():
            assert _check(path)
            reads += 1
    for process in writers:
        process.join()
        assert process.exitcode == 0
    assert _check(path)
    digests = cache.DigestSet("validation", "shared.valid", "k" * 64)
    # Entries may be lost to a concurrent rename (a cache may forget, never lie) but each
    # writer's last save is there unless another's rename came after it.
    last = [hashlib.sha256(f"{w}-24-0".encode()).digest() for w in range(4)]
    assert any(d in digests for d in last)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_cache_info_and_clear(tmp_path, own_cache, run_cli):
    _build(tmp_path / "out", ["qti12"])
    from scormkit.resources import catalog_file

    schemas._parsed_catalog(catalog_file().read_bytes())  # this process parsed it already
    code, out, _ = run_cli(["cache", "info"], tmp_path)
    assert code == 0
    assert "validation/qti12-" in out and "validation/imscp-" in out
    assert "catalog/catalog-" in out
    assert "markdown/: 1 file, " in out  # the quiz (qti12 reads no lesson)
    keep = own_cache / "not-ours.txt"
    keep.write_text("an unrelated file in the folder SCORMKIT_CACHE names")
    code, out, _ = run_cli(["cache", "clear"], tmp_path)
    assert code == 0 and "cleared" in out
    assert not (own_cache / "validation").exists() and not (own_cache / "catalog").exists()
    assert not (own_cache / "markdown").exists()
    assert keep.read_text().startswith("an unrelated file")
    assert cache.entries() == []


def test_cache_folders_are_private(tmp_path, own_cache):
    _build(tmp_path / "out", ["qti12"])
    for folder in (own_cache, own_cache / "validation"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in _cache_files(own_cache):
        assert not stat.S_IMODE(path.stat().st_mode) & 0o077


def test_the_qti30_manifest_schema_compiles_with_libxml2():
    """Its CP extension imports xlink from an address not in the catalog: both validators
    now read xmlschema's bundled xlink.xsd, so libxml2 validates QTI 3.0 manifests too."""
    namespace = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
    assert schemas.fast_compiled("qti30", namespace) is not None
    mapped = schemas._mapper("qti30")(
        "https://purl.imsglobal.org/spec/w3/1999/schema/xsd/xlink.xsd")
    assert mapped.endswith(os.path.join("xmlschema", "schemas", "XLINK", "xlink.xsd"))


def test_the_parsed_catalog_is_cached_and_a_damaged_copy_parsed_again(own_cache, monkeypatch):
    """schemas.catalog() reads the catalog's TOML once per machine: the cached JSON gives
    the same tables in the same order, and a damaged copy is parsed again and replaced."""
    import tomllib

    from scormkit.resources import catalog_file

    data = catalog_file().read_bytes()
    expected = tomllib.loads(data.decode("utf-8"))
    assert schemas._parsed_catalog(data) == expected
    [path] = (own_cache / "catalog").glob("catalog-*.json")
    good = path.read_bytes()
    parses: list[str] = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parses.append(text) or real(text))
    cached = schemas._parsed_catalog(data)
    assert cached == expected and list(cached) == list(expected) and parses == []
    path.write_bytes(good[:-3] + b"]]]")  # still JSON-like, but not what the SHA-256 names
    assert schemas._parsed_catalog(data) == expected and len(parses) == 1
    assert path.read_bytes() == good
    edited = data + b"\n# an edited catalog is another key\n"
    assert schemas._parsed_catalog(edited) == expected and len(parses) == 2
    assert len(list((own_cache / "catalog").glob("catalog-*.json"))) == 2
    os.chmod(path, 0o664)  # group-writable: not read
    schemas._parsed_catalog(data)
    assert len(parses) == 3
