"""`build` and `validate` are one pipeline: what `build` writes passes `validate --strict`.

Every course the tests define (the example course, in English and French, the smallest
course, the quiz scenario with every question type, the Common Cartridge scenario and the
quiz-with-an-image course of the source tests) is built for every target in every layout
the registry gives it; each zip is then read back from disk and checked by
`scormkit validate --strict`, which must find nothing at all. And `build` refuses what
`validate` would report, warnings included: a writer that goes wrong is stopped before the
package reaches the output folder.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from scormkit import formats
from scormkit.build import build_package
from scormkit.cli import cli
from scormkit.errors import PackageInvalid, SourceError, UnsupportedFeature
from scormkit.formats import Layout
from scormkit.validation import validate_archive
from scormkit.writers import WriterOptions
from scormkit.writers.moodlexml import MAX_EMBEDDED_BYTES, MoodleXmlWriter
from scormkit.writers.quizcommon import QuizWriter
from scormkit.writers.scorm12 import Scorm12Writer

from . import test_cc_writer, test_quiz_source, test_quiz_writers
from .conftest import EXAMPLE_COURSE, write_course


def _example(folder: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE_COURSE, folder))


def _example_in_french(folder: Path) -> Path:
    course = _example(folder)
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("\nlanguage: en\n",
                                                             "\nlanguage: fr\n"),
                    encoding="utf-8")
    return course


def _quiz_with_image(folder: Path) -> Path:
    return write_course(folder, {
        "course.yaml": test_quiz_source.COURSE_YAML,
        "lessons/01-intro.md": "---\ntitle: Lesson\n---\n\nText.\n",
        "quizzes/check.quiz.md": test_quiz_source.QUIZ,
        "media/c.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
    })


COURSES: dict[str, Callable[[Path], Path]] = {
    "example": _example,
    "example-fr": _example_in_french,
    "minimal": write_course,
    "quiz-scenario": lambda folder: write_course(folder, test_quiz_writers.scenario_files()),
    "cc-scenario": lambda folder: write_course(
        folder, test_quiz_writers.scenario_files(test_cc_writer.SCENARIO_QUIZ)),
    "quiz-with-image": _quiz_with_image,
}
"""Every valid course the tests define, by name -> a function writing it into a folder."""

HAS_QUIZ = {"example", "example-fr", "quiz-scenario", "cc-scenario", "quiz-with-image"}


def exports_only_the_quiz(target: str) -> bool:
    return issubclass(formats.FORMATS[target].writer_class(), QuizWriter)


def test_the_scenarios_are_the_tests_own():
    """The scenario courses are the ones their test modules use (no private copies)."""
    assert "{id: fill-two" in test_quiz_writers.SCENARIO_QUIZ
    assert "id: cc-scenario" in test_cc_writer.SCENARIO_QUIZ
    assert "quiz: quizzes/check.quiz.md" in test_quiz_source.COURSE_YAML


WRITER_WARNINGS = {"cc-moodle-equal-marks", "cc-weights-approximate", "quiz-pass-needs-essays",
                   "quiz-question-order-fixed"}
"""The writers' own warnings (Package.warnings): what an LMS will do otherwise than asked."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """course -> "<target>/<layout>" -> the zip `build` wrote."""
    root = tmp_path_factory.mktemp("every-course")
    result: dict[str, dict[str, Path]] = {}
    for name, write in COURSES.items():
        source = write(root / "src" / name)
        zips: dict[str, Path] = {}
        for target, chosen in formats.FORMATS.items():
            for layout in sorted(chosen.layouts):
                options = WriterOptions(sco_per_lesson=layout is Layout.SCO_PER_LESSON)
                out = root / "out" / name / target / layout
                try:
                    made = build_package(source, target, out, options)
                except SourceError as error:
                    # Only a quiz target asked for a course without a quiz may refuse.
                    assert name not in HAS_QUIZ and exports_only_the_quiz(target), error
                    assert [d.code for d in error.diagnostics()] == ["quiz-missing"]
                    continue
                # No option the target cannot honour; what a writer can only approximate
                # for an LMS (Package.warnings) is reported and allowed.
                assert {w.code for w in made.warnings} <= WRITER_WARNINGS, made.warnings
                zips[f"{target}/{layout}"] = made.path
        result[name] = zips
    return result


@pytest.mark.parametrize("course", sorted(COURSES))
def test_every_package_passes_validate_strict(built, course):
    zips = built[course]
    expected = {f"{target}/{layout}" for target, chosen in formats.FORMATS.items()
                for layout in chosen.layouts
                if course in HAS_QUIZ or not exports_only_the_quiz(target)}
    assert set(zips) == expected
    for key, path in sorted(zips.items()):
        report = validate_archive(path)
        assert report.diagnostics == [], (key, [d.render() for d in report.diagnostics])
        assert not report.failed(strict=True)
        target = key.split("/")[0]
        assert report.kind is not None and report.kind.key in formats.FORMATS[target].kinds
        assert report.kind.label == formats.KINDS[report.kind.key].label


def test_the_cli_agrees(built):
    """The same zips through `scormkit validate --strict`, the command users run."""
    paths = sorted(str(p) for zips in built.values() for p in zips.values())
    result = CliRunner().invoke(cli, ["validate", "--strict", *paths])
    assert result.exit_code == 0, result.output
    assert f"{len(paths)} packages checked, 0 failed: 0 errors, 0 warnings" in \
        result.output


# ---------------------------------------------------------------------------------------------
# build refuses what validate reports


def test_a_rule_without_an_xsd_stops_the_build(tmp_path, monkeypatch):
    """Moodle XML has no XSD: before the one pipeline, `build` checked nothing in it and
    wrote what `validate` then rejected. A question without a name is moodlexml-invalid."""
    original = MoodleXmlWriter.write_quiz

    def nameless(self, course, quiz):
        package = original(self, course, quiz)
        root = etree.fromstring(package.files["questions.xml"])
        question = next(q for q in root.iter("question") if q.get("type") != "category")
        question.remove(question.find("name"))
        package.files["questions.xml"] = etree.tostring(root, xml_declaration=True,
                                                        encoding="UTF-8")
        return package

    monkeypatch.setattr(MoodleXmlWriter, "write_quiz", nameless)
    with pytest.raises(PackageInvalid) as info:
        build_package(EXAMPLE_COURSE, "moodlexml", tmp_path / "dist")
    assert [d.code for d in info.value.diagnostics()] == ["moodlexml-invalid"]
    assert not (tmp_path / "dist").exists()


def test_a_warning_stops_the_build_too(tmp_path, monkeypatch):
    """A warning `validate --strict` would fail on (here href-query) is not written either."""
    original = Scorm12Writer.write

    def with_query(self, course):
        package = original(self, course)
        manifest = package.files["imsmanifest.xml"]
        package.files["imsmanifest.xml"] = manifest.replace(
            b'href="index.html">', b'href="index.html?start=1">', 1)
        return package

    monkeypatch.setattr(Scorm12Writer, "write", with_query)
    with pytest.raises(PackageInvalid) as info:
        build_package(EXAMPLE_COURSE, "scorm12", tmp_path / "dist")
    assert [(d.code, d.severity.value) for d in info.value.diagnostics()] == [
        ("href-query", "warning")]
    assert not (tmp_path / "dist").exists()


def _png(size: int) -> bytes:
    """*size* bytes that start as a PNG does (images are recognised by their signature) and
    do not compress (what compresses 200 times is a zip bomb to `validate`)."""
    head = b"\x89PNG\r\n\x1a\n"
    return head + random.Random(size).randbytes(size - len(head))


def _big_image_course(tmp_path: Path, size: int) -> Path:
    return write_course(tmp_path / "course", {
        "course.yaml": test_quiz_source.COURSE_YAML,
        "lessons/01-intro.md": "---\ntitle: Lesson\n---\n\nText.\n",
        "quizzes/check.quiz.md": test_quiz_source.QUIZ.replace("c.svg", "big.png"),
        "media/big.png": _png(size),
    })


def test_a_quiz_image_too_large_for_one_xml_text_node(tmp_path):
    """Issue 12's disagreement: a quiz image of more than 7.5 MB (7.2 MiB) becomes one base64
    text node in Moodle XML longer than the 10,000,000 characters libxml2 reads without its
    huge-tree option, which `validate` keeps off for hostile packages. `build` refuses it
    before writing anything, at the line that shows the image; the other targets package it
    as a file."""
    course = _big_image_course(tmp_path, MAX_EMBEDDED_BYTES + 1)
    with pytest.raises(UnsupportedFeature) as info:
        build_package(course, "moodlexml", tmp_path / "dist")
    [diagnostic] = info.value.diagnostics()
    assert diagnostic.code == "moodlexml-media-too-large"
    assert diagnostic.location is not None
    assert diagnostic.location.path.endswith("quizzes/check.quiz.md")
    assert diagnostic.location.line == 8
    assert diagnostic.message == (
        "image 'media/big.png' has 7.2 MiB; Moodle XML embeds each image as base64 text, "
        "which XML parsers read up to 10,000,000 characters: at most 7.2 MiB an image")
    assert not (tmp_path / "dist").exists()
    made = build_package(course, "qti21", tmp_path / "dist")
    assert validate_archive(made.path).diagnostics == []


def test_the_largest_image_moodle_xml_carries_passes_validate(tmp_path):
    """The limit is exact: an image of MAX_EMBEDDED_BYTES is a text node of 10,000,000
    characters, which `validate` (libxml2 without huge-tree) reads."""
    course = _big_image_course(tmp_path, MAX_EMBEDDED_BYTES)
    made = build_package(course, "moodlexml", tmp_path / "dist")
    assert validate_archive(made.path).diagnostics == []
