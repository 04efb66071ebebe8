"""The cmi5 writer on the example course: cmi5.xml validity, layout, identifiers, moveOn and
masteryScore, golden files, reproducibility."""

from __future__ import annotations

import dataclasses
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from scormkit.build import build_package
from scormkit.errors import PackageInvalid
from scormkit.package import Package
from scormkit.sources import load_course
from scormkit.validation import validate_package
from scormkit.validation.xml import validate_xml
from scormkit.writers import WRITERS, WriterOptions
from scormkit.writers.cmi5 import Cmi5Writer, course_iri, mastery_score

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course_src"
GOLDEN = Path(__file__).parent / "golden" / "cmi5"
NS = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE)


@pytest.fixture(scope="module", params=[False, True], ids=["one-au", "au-per-lesson"])
def package(request, course) -> Package:
    return Cmi5Writer(WriterOptions(sco_per_lesson=request.param)).write(course)


def structure(package: Package) -> etree._Element:
    return etree.fromstring(package.files["cmi5.xml"])


def aus(package: Package) -> list[etree._Element]:
    return structure(package).findall(f"{NS}au")


def test_registered_as_a_target():
    assert WRITERS["cmi5"] is Cmi5Writer
    assert Cmi5Writer.schema_family == "cmi5"


def test_cmi5_xml_at_the_root_is_schema_valid(package):
    assert package.xml_documents == {"cmi5.xml": "cmi5"}
    assert validate_xml("cmi5.xml", package.files["cmi5.xml"], "cmi5") == []
    assert validate_package(package) == []
    assert "imsmanifest.xml" not in package.files
    assert not [name for name in package.files if name.endswith(".xsd")]


def test_every_au_url_is_a_relative_page_of_the_package(package):
    for au in aus(package):
        url = au.findtext(f"{NS}url")
        assert "://" not in url and not url.startswith("/") and ".." not in url
        assert url in package.files
        assert au.get("launchMethod") == "AnyWindow"
    assert "scormkit/scormkit.js" in package.files
    for page in (au.findtext(f"{NS}url") for au in aus(package)):
        assert b'"standard": "cmi5"' in package.files[page]


def test_course_and_titles(package, course):
    root = structure(package)
    (node,) = root.findall(f"{NS}course")
    assert node.get("id") == "https://scormkit.invalid/courses/tpm-skills" == course_iri(course)
    assert node.findtext(f"{NS}title/{NS}langstring") == course.title
    assert node.find(f"{NS}title/{NS}langstring").get("lang") == course.language
    assert node.findtext(f"{NS}description/{NS}langstring") == course.description


def test_single_au_layout(course):
    package = Cmi5Writer().write(course)
    (au,) = aus(package)
    assert au.get("id") == "https://scormkit.invalid/courses/tpm-skills/au"
    assert au.findtext(f"{NS}url") == "index.html"
    # The example course has a passing score (its quiz): completed and passed moves on.
    assert course.tracking.passing_score == 80
    assert au.get("moveOn") == "CompletedAndPassed"
    assert au.get("masteryScore") == "0.8"
    assert not [name for name in package.files if name.startswith("lessons/")]


def test_au_per_lesson_layout(course):
    package = Cmi5Writer(WriterOptions(sco_per_lesson=True)).write(course)
    units = aus(package)
    lessons = units[:len(course.lessons)]
    assert [au.get("id") for au in lessons] == [
        f"https://scormkit.invalid/courses/tpm-skills/lessons/{lesson.id}"
        for lesson in course.lessons]
    assert [au.findtext(f"{NS}url") for au in lessons] == [
        f"lessons/{lesson.slug}.html" for lesson in course.lessons]
    assert {au.get("moveOn") for au in lessons} == {"Completed"}
    assert all(au.get("masteryScore") is None for au in lessons)
    if course.quiz is not None and len(units) > len(lessons):
        (quiz,) = units[len(lessons):]
        assert quiz.get("id") == (
            f"https://scormkit.invalid/courses/tpm-skills/quizzes/{course.quiz.id}")
        assert quiz.get("moveOn") == "CompletedAndPassed"
        assert quiz.get("masteryScore") == "0.8"


def test_without_passing_score_completion_moves_on(course):
    plain = dataclasses.replace(
        course, quiz=None, tracking=dataclasses.replace(course.tracking, passing_score=None))
    (au,) = aus(Cmi5Writer().write(plain))
    assert au.get("moveOn") == "Completed"
    assert au.get("masteryScore") is None


@pytest.mark.parametrize(("percent", "expected"), [
    (None, None), (80, "0.8"), (100, "1"), (0, "0"), (75, "0.75"), (33, "0.33")])
def test_mastery_score(percent, expected):
    assert mastery_score(percent) == expected


def test_identifiers_do_not_depend_on_version_or_title(course):
    changed = dataclasses.replace(course, version="9.9.9", title="Another title")
    before = [au.get("id") for au in aus(Cmi5Writer().write(course))]
    after = [au.get("id") for au in aus(Cmi5Writer().write(changed))]
    assert before == after


def test_invalid_structure_is_refused(course, monkeypatch, tmp_path):
    """A cmi5.xml the schema rejects never reaches the output folder."""
    from scormkit.writers import cmi5

    monkeypatch.setattr(cmi5, "mastery_score", lambda passing: "1.5")
    with pytest.raises(PackageInvalid):
        build_package(course, "cmi5", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("per_lesson", "golden"), [
    (False, "cmi5.xml"), (True, "cmi5-per-lesson.xml")])
def test_golden_structure(course, per_lesson, golden):
    """Regenerate with:
    SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_cmi5_writer.py"""
    produced = Cmi5Writer(WriterOptions(sco_per_lesson=per_lesson)).write(course)
    data = produced.files["cmi5.xml"]
    path = GOLDEN / golden
    if os.environ.get("SCORMKIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data.decode() == path.read_text(encoding="utf-8")


def test_build_writes_a_reproducible_zip(course, tmp_path):
    first = build_package(course, "cmi5", tmp_path / "a")
    second = build_package(course, "cmi5", tmp_path / "b")
    assert first.path.name == "tpm-skills-1.0.0-cmi5.zip"
    assert first.path.read_bytes() == second.path.read_bytes()
    with zipfile.ZipFile(first.path) as archive:
        names = archive.namelist()
    assert "cmi5.xml" in names and "index.html" in names
