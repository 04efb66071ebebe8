"""QTI 3.0 writer: the QTI 2.1 package (`scormkit.writers.qti21`) in QTI 3.0 vocabulary.

QTI 3.0 keeps QTI 2.1's information model and renames it: ``assessmentItem`` becomes
``qti-assessment-item``, ``responseIdentifier`` becomes ``response-identifier``; the XHTML
subset keeps its names. So the items and the test are built by the QTI 2.1 builders, told to
speak QTI 3.0 (`QTI30_VOCABULARY`), and the scoring logic exists once. The other changes 3.0
made and the builders apply: ``qti-modal-feedback`` and ``qti-rubric-block`` wrap their content
in ``qti-content-body``; response processing templates live at
``https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/<name>.xml``; the package manifest has
its own namespace and resource types.

The schema in use is the 1EdTech SBAC profile of QTI 3.0 (the base XSD is too large to
obtain): it forbids arbitrary ``data-*`` attributes, and we emit none.
"""

from __future__ import annotations

from scormkit.model import Course
from scormkit.package import Package
from scormkit.questions import Quiz
from scormkit.writers import quizcommon as qc
from scormkit.writers.qti21 import Dialect, Vocabulary, write_qti_package

QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI30_VOCABULARY = Vocabulary(QTI3, True, "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/",
                              ".xml")
QTI30_DIALECT = Dialect("qti30", "qti30", "imsqti_item_xmlv3p0", "imsqti_test_xmlv3p0",
                        "qti30/imsmanifest.xml.j2", QTI30_VOCABULARY)


class Qti30Writer(qc.QuizWriter):
    name = "qti30"

    def write_quiz(self, course: Course, quiz: Quiz) -> Package:
        return write_qti_package(self.name, self.package_name(course), course, quiz,
                                 QTI30_DIALECT)
