"""The SCORM 1.2 writer on the example course: schema validity, package rules, layout,
golden manifests and reproducibility."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from scormkit import schemas
from scormkit.build import build_package
from scormkit.errors import PackageInvalid
from scormkit.package import Package
from scormkit.sources import load_course
from scormkit.validation import validate_package
from scormkit.validation.xml import validate_xml
from scormkit.writers import WriterOptions
from scormkit.writers.scorm12 import Scorm12Writer

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course_src"
GOLDEN = Path(__file__).parent / "golden" / "scorm12"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
ROOT_XSDS = {"imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"}


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE)


@pytest.fixture(scope="module", params=[False, True], ids=["single-sco", "sco-per-lesson"])
def package(request, course) -> Package:
    return Scorm12Writer(WriterOptions(sco_per_lesson=request.param)).write(course)


def manifest_of(package: Package) -> etree._Element:
    return etree.fromstring(package.files["imsmanifest.xml"])


def test_every_xml_document_is_schema_valid_and_package_rules_hold(package):
    assert package.xml_documents == {"imsmanifest.xml": "scorm12"}
    assert validate_package(package) == []


def test_manifest_uses_literal_prefixes_moodle_needs(package):
    text = package.files["imsmanifest.xml"].decode()
    # Moodle's parser is not namespace-aware: default CP namespace, literal adlcp prefix.
    assert 'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"' in text
    assert 'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"' in text
    assert "<schema>ADL SCORM</schema>" in text
    assert "<schemaversion>1.2</schemaversion>" in text
    assert 'adlcp:scormtype="sco"' in text


def test_schema_files_ship_at_the_package_root(package):
    assert set(package.files) >= ROOT_XSDS
    hints = manifest_of(package).get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    for location in hints.split()[1::2]:
        assert location in package.files


def test_launch_resource_comes_first_and_is_a_sco(package):
    resources = manifest_of(package).find(f"{CP}resources")
    first = resources[0]
    assert first.get(f"{ADLCP}scormtype") == "sco"
    assert first.get("href") in package.files
    item = manifest_of(package).find(f"{CP}organizations/{CP}organization/{CP}item")
    assert item.get("identifierref") == first.get("identifier")


def test_lom_metadata_carries_course_fields(package, course):
    root = manifest_of(package)
    md = "{http://www.imsglobal.org/xsd/imsmd_rootv1p2p1}"
    general = root.find(f"{CP}metadata/{md}lom/{md}general")
    assert general.findtext(f"{md}title/{md}langstring") == course.title
    assert general.findtext(f"{md}language") == course.language
    assert general.findtext(f"{md}description/{md}langstring") == course.description
    keywords = [k.findtext(f"{md}langstring") for k in general.findall(f"{md}keyword")]
    assert keywords == list(course.keywords)


def test_only_referenced_media_is_shipped(package, course):
    media = {name for name in package.files if name.startswith("media/")}
    assert media == {asset.href for asset in course.assets} == {
        "media/teacher-coach-drill-sergeant.svg"}


def test_single_sco_layout_members(course):
    package = Scorm12Writer().write(course)
    assert set(package.files) == ROOT_XSDS | {
        "imsmanifest.xml", "index.html", "media/teacher-coach-drill-sergeant.svg",
        "scormkit/scormkit.css", "scormkit/scormkit.js", "scormkit/quiz.css", "scormkit/quiz.js",
        "scormkit/checks.js",  # lesson 2 has an inline check
    }
    page = etree.fromstring(package.files["index.html"])
    # Lesson links resolve to in-page anchors; media to package-relative paths.
    hrefs = {a.get("href") for a in page.iter("{*}a")}
    assert not any("scormkit-lesson:" in (h or "") or ".md" in (h or "") for h in hrefs)
    assert any(h and h.startswith("#lesson-") for h in hrefs)
    srcs = {img.get("src") for img in page.iter("{*}img")}
    assert srcs == {"media/teacher-coach-drill-sergeant.svg"}


def test_sco_per_lesson_layout(course):
    package = Scorm12Writer(WriterOptions(sco_per_lesson=True)).write(course)
    root = manifest_of(package)
    items = root.findall(f"{CP}organizations/{CP}organization/{CP}item")
    # The lessons, then the quiz as its own SCO (tests/test_quiz_in_scorm.py).
    assert [i.findtext(f"{CP}title") for i in items] == [
        lesson.title for lesson in course.lessons] + [course.quiz.title]
    scos = [r for r in root.iter(f"{CP}resource") if r.get(f"{ADLCP}scormtype") == "sco"]
    assert [r.get("href") for r in scos] == [
        f"lessons/{lesson.slug}.html" for lesson in course.lessons] + ["quiz.html"]
    for name in (r.get("href") for r in scos):
        page = etree.fromstring(package.files[name])
        # A link to another lesson would leave the SCO: it becomes plain text in this layout.
        assert not any("lessons/" in (a.get("href") or "") for a in page.iter("{*}a"))
        for img in page.iter("{*}img"):
            assert img.get("src").startswith("../media/" if "/" in name else "media/")


def test_identifiers_are_stable_and_derived_from_names(course):
    root = manifest_of(Scorm12Writer().write(course))
    assert root.get("identifier") == "MAN-tpm-skills"
    per_lesson = manifest_of(Scorm12Writer(WriterOptions(sco_per_lesson=True)).write(course))
    assert [i.get("identifier") for i in per_lesson.iter(f"{CP}item")] == [
        f"ITEM-{lesson.id}" for lesson in course.lessons] + [f"ITEM-{course.quiz.id}"]


def test_mastery_score_only_with_a_passing_score(course):
    import dataclasses

    text = Scorm12Writer().write(course).files["imsmanifest.xml"].decode()
    if course.tracking.passing_score is None:
        assert "masteryscore" not in text
    scored = dataclasses.replace(
        course, tracking=dataclasses.replace(course.tracking, passing_score=75))
    text = Scorm12Writer().write(scored).files["imsmanifest.xml"].decode()
    assert "<adlcp:masteryscore>75</adlcp:masteryscore>" in text
    unscored = dataclasses.replace(
        course, tracking=dataclasses.replace(course.tracking, passing_score=None))
    assert "masteryscore" not in Scorm12Writer().write(unscored).files["imsmanifest.xml"].decode()


@pytest.mark.parametrize(("per_lesson", "golden"), [
    (False, "imsmanifest.xml"), (True, "imsmanifest-per-lesson.xml")])
def test_golden_manifest(course, per_lesson, golden):
    """Regenerate with:
    SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_scorm12_writer.py"""
    produced = Scorm12Writer(WriterOptions(sco_per_lesson=per_lesson)).write(course).files[
        "imsmanifest.xml"]
    path = GOLDEN / golden
    if os.environ.get("SCORMKIT_UPDATE_GOLDEN"):
        path.write_bytes(produced)
    assert produced.decode() == path.read_text(encoding="utf-8")


def test_build_is_byte_identical_twice(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build_package(COURSE, "scorm12", tmp_path / "a")
    second = build_package(COURSE, "scorm12", tmp_path / "b")
    assert first.path.name == second.path.name == "tpm-skills-1.0.0-scorm12.zip"
    assert first.path.read_bytes() == second.path.read_bytes()


def test_zip_entries_are_sorted_with_fixed_time_and_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = build_package(COURSE, "scorm12", tmp_path)
    with zipfile.ZipFile(result.path) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
        assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}
        assert zf.testzip() is None
    assert [p.name for p in tmp_path.iterdir()] == [result.path.name]  # no temp file left


def test_source_date_epoch_changes_only_timestamps(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = build_package(COURSE, "scorm12", tmp_path / "a").path.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    b = build_package(COURSE, "scorm12", tmp_path / "b").path.read_bytes()
    assert a != b and len(a) == len(b)


def test_invalid_package_is_refused_and_nothing_written(tmp_path, monkeypatch, course):
    broken_manifest = Scorm12Writer().write(course).files["imsmanifest.xml"].replace(
        b"<schemaversion>1.2</schemaversion>", b"<schemaversion>1.2</schemaversion><bogus/>")

    original = Scorm12Writer.write

    def corrupt(self, course):
        package = original(self, course)
        package.files["imsmanifest.xml"] = broken_manifest
        package.files["stray.txt"] = b"not listed"
        return package

    monkeypatch.setattr(Scorm12Writer, "write", corrupt)
    with pytest.raises(PackageInvalid) as info:
        build_package(course, "scorm12", tmp_path / "dist")
    codes = sorted(d.code for d in info.value.diagnostics())
    assert codes == ["file-unlisted", "xsd-invalid"]  # every problem at once
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_validator_reports_line_of_schema_error():
    bad = (GOLDEN / "imsmanifest.xml").read_bytes().replace(
        b"<schema>ADL SCORM</schema>", b"<schema>ADL SCORM</schema><oops/>")
    [diagnostic] = validate_xml("imsmanifest.xml", bad, "scorm12")
    assert diagnostic.code == "xsd-invalid"
    assert diagnostic.location.line == bad[: bad.index(b"<oops/>")].count(b"\n") + 1


def test_schemas_install_covers_every_family_the_writers_need():
    from scormkit.writers import WRITERS

    for writer in WRITERS.values():
        if writer.schema_family:  # empty: a format without an XSD (Moodle XML)
            assert schemas.missing_files(writer.schema_family) == []
