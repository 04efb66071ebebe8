"""Contract every writer honours on the example course, whatever its format."""

from __future__ import annotations

from pathlib import Path

import pytest

from scormkit.build import build_package
from scormkit.sources import load_course
from scormkit.validation import validate_package
from scormkit.writers import WRITERS, WriterOptions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "course_src")


@pytest.mark.parametrize("per_lesson", [False, True], ids=["default", "sco-per-lesson"])
@pytest.mark.parametrize("target", sorted(WRITERS))
def test_package_validates_and_every_xml_is_schema_checked(course, target, per_lesson):
    package = WRITERS[target](WriterOptions(sco_per_lesson=per_lesson)).write(course)
    assert validate_package(package) == []
    # No XML document escapes validation, except the two formats with no published XSD:
    # Moodle XML and Canvas's assessment_meta.xml (both golden-tested by their writers).
    xml_members = {name for name in package.files if name.endswith(".xml")}
    unvalidated = {name for name in xml_members - set(package.xml_documents)
                   if name != "questions.xml" and not name.endswith("/assessment_meta.xml")}
    assert not unvalidated
    # Moodle's question import takes the .xml itself (scormkit/writers/moodlexml.py).
    suffix = "xml" if target == "moodlexml" else "zip"
    assert package.filename == f"{course.id}-{course.version}-{target}.{suffix}"
    assert package.single_file == (target == "moodlexml")


@pytest.mark.parametrize("target", sorted(WRITERS))
def test_writing_is_pure_and_reproducible(course, target, tmp_path):
    first = build_package(course, target, tmp_path / "a").path.read_bytes()
    second = build_package(course, target, tmp_path / "b").path.read_bytes()
    assert first == second
