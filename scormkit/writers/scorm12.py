"""SCORM 1.2 writer: imsmanifest.xml (IMS CP 1.1.2 + ADL 1.2), lesson pages, runtime, XSDs.

Default layout: one SCO (index.html) holding every lesson with in-page navigation, and the
quiz as its last section: one LMSInitialize/LMSFinish session, one status and one bookmark
for the whole course, which is what Moodle's and Canvas's SCORM players show best; its item
carries adlcp:masteryscore = the passing score. ``sco_per_lesson``: one SCO per lesson page,
each with its own status, and the quiz as the last SCO (quiz.html, with the mastery score);
the LMS menu moves between them.
"""

from __future__ import annotations

from scormkit import schemas, templating
from scormkit.model import Course
from scormkit.package import Package
from scormkit.writers import web
from scormkit.writers.base import Writer
from scormkit.writers.cp import Item as _Item
from scormkit.writers.cp import LayoutParts
from scormkit.writers.cp import Resource as _Resource


class Scorm12Writer(Writer):
    name = "scorm12"

    def write(self, course: Course) -> Package:
        package = Package(self.name, self.package_name(course))
        package.warnings.extend(web.quiz_warnings(course, self.name))
        shared = web.shared_files(course, "scorm12", quiz_pages=True)
        ids = {"manifest": f"MAN-{course.id}", "organization": f"ORG-{course.id}"}
        if self.options.sco_per_lesson:
            pages, items, resources = self._per_lesson(course, sorted(shared))
        else:
            pages, items, resources = self._single(course, sorted(shared))
        manifest = templating.render(
            "scorm12/imsmanifest.xml.j2",
            overrides=course.templates,
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

    def _single(self, course: Course, shared: list[str]) -> LayoutParts:
        page = web.single_page(course, "scorm12")
        items = [_Item(f"ITEM-{course.id}", f"RES-{course.id}", course.title,
                       course.tracking.passing_score)]
        resources = [_Resource(f"RES-{course.id}", "sco", "index.html", ["index.html", *shared])]
        return {"index.html": page}, items, resources

    def _per_lesson(self, course: Course, shared: list[str]) -> LayoutParts:
        pages = web.lesson_pages(course, "scorm12")
        common = f"RES-{course.id}-common"
        items = [_Item(f"ITEM-{le.id}", f"RES-{le.id}", le.title) for le in course.lessons]
        resources = [
            _Resource(f"RES-{le.id}", "sco", path, [path], [common])
            for le, path in zip(course.lessons, pages, strict=True)
        ]
        quiz_pages = web.quiz_page(course, "scorm12")
        if course.quiz is not None:
            # The quiz is its own SCO after the lessons; its mastery score is the passing
            # score, so an LMS's "mastery overrides status" agrees with the quiz's verdict.
            (path,) = quiz_pages
            quiz = course.quiz
            items.append(_Item(f"ITEM-{quiz.id}", f"RES-{quiz.id}", quiz.title,
                               course.tracking.passing_score))
            resources.append(_Resource(f"RES-{quiz.id}", "sco", path, [path], [common]))
        resources.append(_Resource(common, "asset", None, shared))
        return {**pages, **quiz_pages}, items, resources
