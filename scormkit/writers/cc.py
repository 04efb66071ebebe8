"""IMS Common Cartridge 1.1 (Moodle course restore) and 1.3 (Canvas) writers.

Lessons become web content grouped in a "Lessons" module; LMSs turn the organization's
modules into their own course structure. The pages carry no tracking (a cartridge's web
content is shown by the LMS itself); the quiz, when there is one, becomes a native LMS quiz:
a CC QTI assessment (`scormkit.writers.ccquiz`) at ``<quiz id>/assessment.xml``, its own
resource (``imsqti_xmlv1p2/imscc_xmlv1pN/assessment``, no href, one file, depending on the
web content holding the images it shows) and its own "Quiz" module.
"""

from __future__ import annotations

from typing import ClassVar

from scormkit import schemas, templating
from scormkit.model import Course
from scormkit.package import Package
from scormkit.writers import ccquiz, web
from scormkit.writers import quizcommon as qc
from scormkit.writers.base import Writer
from scormkit.writers.cp import Item, Resource
from scormkit.writers.qti12base import serialize

STANDARD = "web"  # runtime: navigation only, no LMS API expected


class _CommonCartridgeWriter(Writer):
    version: ClassVar[str]
    schemaversion: ClassVar[str]

    def write(self, course: Course) -> Package:
        package = Package(self.name, self.package_name(course))
        shared = web.shared_files(course, STANDARD, quiz_pages=False)
        pages = web.lesson_pages(course, STANDARD)
        common = f"RES-{course.id}-common"
        lessons = Item(f"MOD-{course.id}-lessons", None, "Lessons", children=[
            Item(f"ITEM-{le.id}", f"RES-{le.id}", le.title) for le in course.lessons])
        resources = [
            Resource(f"RES-{le.id}", "webcontent", path, [path], [common])
            for le, path in zip(course.lessons, pages, strict=True)
        ]
        resources.append(Resource(common, "webcontent", None, sorted(shared)))
        modules = [lessons]
        assessment: tuple[str, bytes] | None = None
        quiz = course.quiz
        if quiz is not None:
            package.warnings.extend(qc.question_order_warnings(quiz, self.name))
            quiz_path = f"{quiz.id}/{ccquiz.ASSESSMENT_FILE}"
            root = ccquiz.build_assessment(quiz, qc.true_false_labels(course.language),
                                           quiz.id, self.name, package.warnings)
            assessment = (quiz_path, serialize(root, ccquiz.QTI_SCHEMA_LOCATIONS[self.name]))
            resource = f"RES-QUIZ-{quiz.id}"
            modules.append(Item(f"MOD-{course.id}-quiz", None, "Quiz", children=[
                Item(f"ITEM-QUIZ-{quiz.id}", resource, quiz.title)]))
            resources.append(Resource(resource, ccquiz.ASSESSMENT_TYPES[self.name], None,
                                      [quiz_path], [common] if quiz.assets else []))
        manifest = templating.render(
            "cc/imsmanifest.xml.j2",
            overrides=course.templates,
            v=self.version,
            schemaversion=self.schemaversion,
            course=course,
            ids={"manifest": f"MAN-{course.id}", "organization": f"ORG-{course.id}",
                 "root": f"ROOT-{course.id}"},
            modules=modules,
            resources=resources,
            schema_location=schemas.family(self.schema_family).schema_location,
        )
        package.add("imsmanifest.xml", manifest, schema=self.schema_family)
        if assessment is not None:
            # Validated against the CC QTI profile, so the build refuses invalid output. The
            # CC 1.3 profile XSD is missing: the cc13 family maps the QTI namespace to the
            # CC 1.1 profile, cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd (same namespace; see
            # schemas/catalog.toml). Both versions thus validate against that one file.
            package.add(*assessment, schema=self.schema_family)
        for path, data in {**pages, **shared}.items():
            package.add(path, data)
        return package


class CommonCartridge11Writer(_CommonCartridgeWriter):
    name = "cc11"
    version = "v1p1"
    schemaversion = "1.1.0"


class CommonCartridge13Writer(_CommonCartridgeWriter):
    name = "cc13"
    version = "v1p3"
    schemaversion = "1.3.0"
