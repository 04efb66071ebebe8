"""cmi5 writer: ``cmi5.xml`` (CourseStructure.xsd) at the zip root, pages, runtime, media.

cmi5 (AICC/ADL, Quartz edition) is xAPI with launch rules: the LMS launches an Assignable Unit
(AU) with ``endpoint``, ``fetch``, ``actor``, ``registration`` and ``activityId`` in the URL, and
the AU reports to the LMS's Learning Record Store with statements (scormkit.js, assembled with
the cmi5 transport, scormkit/runtime/lms/cmi5.js). There is no manifest and no file list:
``cmi5.xml`` names only the AUs' launch URLs, relative to the package root, so there is no
"every file is listed" rule to check.

Layouts:

- default: one AU for the whole course, ``index.html`` (every lesson, and the quiz when the
  course has one, with in-page navigation), like the single SCO of the SCORM targets;
- ``sco_per_lesson``: one AU per lesson (``lessons/<slug>.html``), plus the quiz as its own AU
  (``quiz.html``) when the course has one.

``moveOn``: ``CompletedAndPassed`` for an AU with a passing score (course.yaml ``tracking.
passing_score``; the AU that holds the quiz), with ``masteryScore`` = passing score / 100;
otherwise ``Completed``. Every AU opens in any window (``launchMethod="AnyWindow"``): the page
works in an LMS frame as well as on its own.

Identifiers (IRIs) are derived from course.yaml's ``id`` only, never from the version, the
title or a random value, so that an LMS that replaces the package keeps learner records:

- course:          ``https://scormkit.invalid/courses/<course id>``
- the single AU:   ``https://scormkit.invalid/courses/<course id>/au``
- a lesson's AU:   ``https://scormkit.invalid/courses/<course id>/lessons/<lesson id>``
- the quiz's AU:   ``https://scormkit.invalid/courses/<course id>/quizzes/<quiz id>``

``scormkit.invalid`` is a reserved name (RFC 2606) that can never resolve: the IRIs identify,
they are not addresses (cmi5 and xAPI never dereference them). Ids are percent-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from scormkit import templating
from scormkit.model import Course
from scormkit.package import Package
from scormkit.writers import web
from scormkit.writers.base import Writer
from scormkit.writers.quizpage import QUIZ_PAGE

STANDARD = "cmi5"
IRI_BASE = "https://scormkit.invalid/courses/"
MANIFEST = "cmi5.xml"


def course_iri(course: Course) -> str:
    """The course's stable IRI (see the module docstring)."""
    return IRI_BASE + quote(course.id, safe="")


def mastery_score(passing_score: int | None) -> str | None:
    """course.yaml's passing percentage as cmi5's masteryScore (0..1, at most 4 decimals)."""
    if passing_score is None:
        return None
    text = f"{passing_score / 100:.4f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True, slots=True)
class AssignableUnit:
    id: str
    title: str
    description: str
    url: str
    move_on: str
    mastery_score: str | None


class Cmi5Writer(Writer):
    name = "cmi5"

    def write(self, course: Course) -> Package:
        package = Package(self.name, self.package_name(course))
        package.warnings.extend(web.quiz_warnings(course, self.name))
        if self.options.sco_per_lesson:
            pages, aus = self._per_lesson(course)
        else:
            pages, aus = self._single(course)
        structure = templating.render(
            "cmi5/cmi5.xml.j2", overrides=course.templates,
            course=course, course_iri=course_iri(course), aus=aus)
        package.add(MANIFEST, structure, schema=self.schema_family)
        for path, data in {**pages, **web.shared_files(course, STANDARD, quiz_pages=True)}.items():
            package.add(path, data)
        return package

    @staticmethod
    def _scored(course: Course) -> tuple[str, str | None]:
        score = mastery_score(course.tracking.passing_score)
        return ("CompletedAndPassed" if score is not None else "Completed"), score

    def _single(self, course: Course) -> tuple[dict[str, bytes], list[AssignableUnit]]:
        move_on, score = self._scored(course)
        au = AssignableUnit(
            f"{course_iri(course)}/au", course.title, course.description or course.title,
            "index.html", move_on, score)
        return {"index.html": web.single_page(course, STANDARD)}, [au]

    def _per_lesson(self, course: Course) -> tuple[dict[str, bytes], list[AssignableUnit]]:
        pages = web.lesson_pages(course, STANDARD)
        aus = [
            AssignableUnit(
                f"{course_iri(course)}/lessons/{quote(lesson.id, safe='')}", lesson.title,
                " ".join(lesson.objectives) or lesson.title, path, "Completed", None)
            for lesson, path in zip(course.lessons, pages, strict=True)
        ]
        quiz_pages = web.quiz_page(course, STANDARD)
        if course.quiz is not None and quiz_pages:
            move_on, score = self._scored(course)
            aus.append(AssignableUnit(
                f"{course_iri(course)}/quizzes/{quote(course.quiz.id, safe='')}",
                course.quiz.title, course.quiz.title, QUIZ_PAGE, move_on, score))
        return {**pages, **quiz_pages}, aus
