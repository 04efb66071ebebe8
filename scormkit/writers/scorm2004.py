"""SCORM 2004 4th Edition writer: manifest with sequencing, pages, runtime, the ADL XSD set.

Default: one SCO whose content sets completion and success itself (deliveryControls
completionSetByContent/objectiveSetByContent), the layout Moodle and SCORM Cloud handle best.
``sco_per_lesson``: one SCO per lesson in a "Lessons" cluster with choice and flow navigation;
with a quiz, the quiz is its own SCO, disabled until every lesson is complete (a precondition
rule on a global objective the lessons cluster satisfies by rollup), and mastered through
``satisfiedByMeasure``/``minNormalizedMeasure``.
"""

from __future__ import annotations

from scormkit import schemas, templating
from scormkit.model import Course
from scormkit.package import Package
from scormkit.writers import web
from scormkit.writers.base import Writer
from scormkit.writers.cp import Item, LayoutParts, Resource, Sequencing

STANDARD = "scorm2004"


class Scorm2004Writer(Writer):
    name = "scorm2004"

    def write(self, course: Course) -> Package:
        package = Package(self.name, self.package_name(course))
        package.warnings.extend(web.quiz_warnings(course, self.name))
        shared = web.shared_files(course, STANDARD, quiz_pages=True)
        if self.options.sco_per_lesson:
            pages, items, resources = self._per_lesson(course, sorted(shared))
        else:
            pages, items, resources = self._single(course, sorted(shared))
        manifest = templating.render(
            "scorm2004/imsmanifest.xml.j2",
            course=course,
            ids={"manifest": f"MAN-{course.id}", "organization": f"ORG-{course.id}"},
            items=items,
            resources=resources,
            organization_sequencing=Sequencing(control_mode=True),
            schema_location=schemas.family(self.schema_family).schema_location
            + " http://ltsc.ieee.org/xsd/LOM lom.xsd",
        )
        package.add("imsmanifest.xml", manifest, schema=self.schema_family)
        files = {**pages, **shared, **web.root_schema_files(self.schema_family)}
        for path, data in files.items():
            package.add(path, data)
        return package

    def _single(self, course: Course, shared: list[str]) -> LayoutParts:
        item = Item(
            f"ITEM-{course.id}", f"RES-{course.id}", course.title,
            sequencing=self._sco_sequencing(course),
            # The page has its own lesson navigation; the LMS's continue/previous would only
            # end the single SCO.
            hide_lms_ui=["continue", "previous"],
        )
        resource = Resource(f"RES-{course.id}", "sco", "index.html", ["index.html", *shared])
        return {"index.html": web.single_page(course, STANDARD)}, [item], [resource]

    def _sco_sequencing(self, course: Course) -> Sequencing:
        passing = course.tracking.passing_score
        return Sequencing(
            delivery=True,
            primary_objective=f"OBJ-{course.id}" if passing is not None else None,
            min_measure=round(passing / 100, 4) if passing is not None else None,
        )

    def _per_lesson(self, course: Course, shared: list[str]) -> LayoutParts:
        pages = web.lesson_pages(course, STANDARD)
        common = f"RES-{course.id}-common"
        lessons = [
            Item(f"ITEM-{le.id}", f"RES-{le.id}", le.title, sequencing=Sequencing(delivery=True))
            for le in course.lessons
        ]
        resources = [
            Resource(f"RES-{le.id}", "sco", path, [path], [common])
            for le, path in zip(course.lessons, pages, strict=True)
        ]
        quiz_pages = web.quiz_page(course, STANDARD)
        items = lessons
        if course.quiz is not None:
            (path,) = quiz_pages
            items = self._with_quiz(course, lessons)
            resources.append(Resource(f"RES-{course.quiz.id}", "sco", path, [path], [common]))
        resources.append(Resource(common, "asset", None, shared))
        return {**pages, **quiz_pages}, items, resources

    def _with_quiz(self, course: Course, lessons: list[Item]) -> list[Item]:
        """The lessons in a "Lessons" cluster, then the quiz SCO.

        - The cluster's rollup rule makes it satisfied once every lesson is completed; its
          primary objective writes that to a global objective.
        - The quiz reads the global objective into a local one of the same id, and a
          precondition rule disables it until that objective is satisfied.
        - The quiz's primary objective is satisfied by measure: cmi.score.scaled >= passing
          score / 100 (minNormalizedMeasure, which the LMS gives the SCO as
          cmi.scaled_passing_score).
        - The organization (choice + flow) rolls completion and satisfaction up by default:
          complete when the lessons and the quiz are, satisfied when the quiz is passed.
        """
        assert course.quiz is not None
        quiz = course.quiz
        lessons_done = f"GOBJ-{course.id}-lessons-completed"
        cluster = Item(
            f"ITEM-{course.id}-lessons", None, "Lessons", children=lessons,
            sequencing=Sequencing(
                control_mode=True,
                satisfied_when_children_completed=True,
                primary_objective=f"OBJ-{course.id}-lessons",
                writes_global=lessons_done,
            ),
        )
        passing = course.tracking.passing_score
        quiz_item = Item(
            f"ITEM-{quiz.id}", f"RES-{quiz.id}", quiz.title,
            sequencing=Sequencing(
                delivery=True,
                primary_objective=f"OBJ-{quiz.id}",
                min_measure=round(passing / 100, 4) if passing is not None else None,
                reads_global=lessons_done,
                disabled_unless=lessons_done,
            ),
        )
        return [cluster, quiz_item]
