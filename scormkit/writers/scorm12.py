"""SCORM 1.2 writer: imsmanifest.xml (IMS CP 1.1.2 + ADL 1.2), lesson pages, runtime, XSDs.

Default layout: one SCO (index.html) holding every lesson with in-page navigation: one
LMSInitialize/LMSFinish session, one status and one bookmark for the whole course, which is
what Moodle's and Canvas's SCORM players show best. ``sco_per_lesson``: one SCO per lesson page,
each with its own status; the LMS menu moves between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scormkit import schemas, templating
from scormkit.model import Course
from scormkit.package import Package
from scormkit.writers import web
from scormkit.writers.base import Writer


@dataclass
class _Item:
    identifier: str
    resource: str
    title: str
    mastery_score: int | None = None


@dataclass
class _Resource:
    identifier: str
    scormtype: str
    href: str | None
    files: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


class Scorm12Writer(Writer):
    name = "scorm12"
    label = "SCORM 1.2"
    schema_family = "scorm12"

    def write(self, course: Course) -> Package:
        package = Package(self.name, self.package_name(course))
        shared = {**web.runtime_files(), **web.media_files(course)}
        ids = {"manifest": f"MAN-{course.id}", "organization": f"ORG-{course.id}"}
        if self.options.sco_per_lesson:
            pages, items, resources = self._per_lesson(course, sorted(shared))
        else:
            pages, items, resources = self._single(course, sorted(shared))
        manifest = templating.render(
            "scorm12/imsmanifest.xml.j2",
            course=course,
            ids=ids,
            items=items,
            resources=resources,
            schema_location=schemas.family(self.schema_family).schema_location,
        )
        package.add("imsmanifest.xml", manifest, schema=self.schema_family)
        for path, data in {**pages, **shared, **web.root_schema_files(self.schema_family)}.items():
            package.add(path, data)
        return package

    def _config(self, course: Course, lessons: list[str], current: str | None) -> dict:
        return {
            "standard": "scorm12",
            "layout": "per-lesson" if current else "single",
            "courseId": course.id,
            "lessons": lessons,
            "current": current,
            "completion": course.tracking.completion,
            "passingScore": course.tracking.passing_score,
        }

    def _single(self, course: Course, shared: list[str]):  # type: ignore[no-untyped-def]
        page_path = "index.html"
        lessons = [
            web.PageLesson(
                lesson.id, lesson.title, lesson.objectives, lesson.minutes,
                web.localize_html(
                    lesson.body_html, page_path,
                    lambda lesson_id, fragment: f"#{fragment or lesson_id}"),
                f"#{lesson.id}",
            )
            for lesson in course.lessons
        ]
        page = web.render_page(
            course, lessons, page_path=page_path, layout="single", current=None,
            runtime_config=self._config(course, [lesson.id for lesson in course.lessons], None),
        )
        items = [_Item(f"ITEM-{course.id}", f"RES-{course.id}", course.title,
                       course.tracking.passing_score)]
        resources = [_Resource(f"RES-{course.id}", "sco", page_path, [page_path, *shared])]
        return {page_path: page}, items, resources

    def _per_lesson(self, course: Course, shared: list[str]):  # type: ignore[no-untyped-def]
        pages: dict[str, bytes] = {}
        items: list[_Item] = []
        resources: list[_Resource] = []
        common = f"RES-{course.id}-common"
        for lesson in course.lessons:
            page_path = web.lesson_page_path(lesson)

            # Links to other lessons would leave this SCO behind the LMS's back (the next page
            # would report into this SCO's record): keep only links within the lesson.
            def href(lesson_id: str, fragment: str, own: str = lesson.id) -> str | None:
                return f"#{fragment or lesson_id}" if lesson_id == own else None

            page_lesson = web.PageLesson(
                lesson.id, lesson.title, lesson.objectives, lesson.minutes,
                web.localize_html(lesson.body_html, page_path, href), "#" + lesson.id,
            )
            pages[page_path] = web.render_page(
                course, [page_lesson], page_path=page_path, layout="per-lesson",
                current=page_lesson, runtime_config=self._config(course, [lesson.id], lesson.id),
            )
            items.append(_Item(f"ITEM-{lesson.id}", f"RES-{lesson.id}", lesson.title))
            resources.append(
                _Resource(f"RES-{lesson.id}", "sco", page_path, [page_path], [common]))
        resources.append(_Resource(common, "asset", None, shared))
        return pages, items, resources
