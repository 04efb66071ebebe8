"""SCORM 2004 4th Edition writer: manifest with sequencing, pages, runtime, the ADL XSD set.

Default: one SCO whose content sets completion and success itself (deliveryControls
completionSetByContent/objectiveSetByContent), the layout Moodle and SCORM Cloud handle best.
``sco_per_lesson``: one SCO per lesson in a "Lessons" cluster with choice and flow navigation;
with a quiz, the quiz is its own SCO after the cluster, mastered through
``satisfiedByMeasure``/``minNormalizedMeasure``.

No global objectives (``imsss:mapInfo``), so the quiz is not locked until the lessons are
done. That lock needs a global objective the cluster writes and the quiz reads, and a package
with any ``imsss:mapInfo`` cannot be added to Moodle at all: its manifest parser
(moodle/moodle mod/scorm/datamodels/scormlib.php, scorm_get_manifest(), the IMSSS:MAPINFO
branch, commit f44e7d0a) assigns the collected map to ``$objectivesdata``, a variable that
does not exist (the objective is ``$objectivedata``), which PHP 8 turns into a fatal error;
and its table scorm_seq_mapinfo stores targetobjectiveid as an integer
(mod/scorm/db/install.xml, commit 45079d79: TYPE="int" LENGTH="10"), where SCORM's ids are
URIs. One package that imports everywhere was chosen over a Moodle-only variant: the lock is
a convenience (the quiz says what it covers, and the course's completion still waits for
every lesson), a package that crashes Moodle's importer is a failure, and a variant would let
the default build ship that failure to whoever does not know which LMS the package is for.
`validate --lms moodle` reports any mapInfo as an error.
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
            overrides=course.templates,
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
        """The lessons in a "Lessons" cluster, then the quiz SCO (not locked: see the module
        docstring).

        - The cluster's rollup rule makes it satisfied once every lesson is completed.
        - The quiz's primary objective is satisfied by measure: cmi.score.scaled >= passing
          score / 100 (minNormalizedMeasure, which the LMS gives the SCO as
          cmi.scaled_passing_score).
        - The organization (choice + flow) rolls completion and satisfaction up by default:
          complete when the lessons and the quiz are, satisfied when the quiz is passed.
        """
        assert course.quiz is not None
        quiz = course.quiz
        cluster = Item(
            f"ITEM-{course.id}-lessons", None, "Lessons", children=lessons,
            sequencing=Sequencing(
                control_mode=True,
                satisfied_when_children_completed=True,
                primary_objective=f"OBJ-{course.id}-lessons",
            ),
        )
        passing = course.tracking.passing_score
        quiz_item = Item(
            f"ITEM-{quiz.id}", f"RES-{quiz.id}", quiz.title,
            sequencing=Sequencing(
                delivery=True,
                primary_objective=f"OBJ-{quiz.id}",
                min_measure=round(passing / 100, 4) if passing is not None else None,
            ),
        )
        return [cluster, quiz_item]
