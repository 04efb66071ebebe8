"""Common Cartridge 1.1 and 1.3: Moodle's namespace sniff, modules, golden manifests, and the
quiz as a CC QTI assessment.

- lessons: web content in a "Lessons" module (the first tests);
- the quiz: an assessment resource in its own "Quiz" module, golden assessment per target
  (regenerate with ``SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
  tests/test_cc_writer.py``), every document against its XSD (xmlschema and libxml2) and
  against the Schematron rules embedded in the CC XSDs, which XSD validators ignore;
- how Moodle's CC 1.1 importer reads each question type (`moodle_reads`, a small reader
  written from backup/cc/entity11.quiz.class.php's rules), and the fallback of every type CC
  cannot express (docs/quiz-targets.md, "Common Cartridge");
- generated quizzes (hypothesis, the quiz writers' strategy): a valid assessment or a
  located ``quiz-unsupported`` error, never a dropped question;
- the example course builds for both targets from the CLI and `scormkit validate` is clean;
- the cc13 catalog entry: CC 1.3 assessments validate against the CC 1.1 QTI profile.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree, isoschematron

from scormkit import schema_install, schemas
from scormkit.content import EMPTY, Content, Element
from scormkit.errors import Location, Severity, UnsupportedFeature
from scormkit.questions import Essay, Feedback, NumericAnswer
from scormkit.sources import load_course
from scormkit.sources.quiz import parse_quiz
from scormkit.validation import validate_files, validate_package
from scormkit.validation.xml import validate_xml
from scormkit.writers import WRITERS, ccquiz, quizcommon
from tests.conftest import xhtml
from tests.test_quiz_writers import quiz_sources

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("SCORMKIT_UPDATE_GOLDEN"))
NAMESPACES = {"cc11": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
              "cc13": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"}
TARGETS = ("cc11", "cc13")
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
Q = f"{{{QTI}}}"
NS = {"q": QTI}
SCH = "http://purl.oclc.org/dsdl/schematron"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
EXAMPLE_ASSESSMENT = "tpm-skills-quiz/assessment.xml"

DOT_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
           '<circle cx="2" cy="2" r="2"/></svg>\n')

SCENARIO_QUIZ = """\
---
id: cc-scenario
title: CC scenario
attempts: 2
time_limit: 15
shuffle: true
---

One question of each type, as Common Cartridge gets them. ![A dot](../media/dot.svg)

## Pick one {id: single, points: 2}

Which colour is a clear daytime sky? ![A dot](../media/dot.svg)

- [ ] Green
  > Grass is green.
- [x] *Blue*
- [ ] None of the above {pin}

> Correct: Right.
> Incorrect: Look up.
> Feedback: Rayleigh scattering.

## Two options {id: two-options, shuffle: false}

Pick A.

- [x] A
- [ ] B

## Pick the primes {id: multiple-partial, type: multiple, partial}

Which numbers are prime?

- [x] 2
- [x] 3
- [ ] 4
  > 4 is 2 x 2.

> Correct: Both primes.

## Round earth {id: truefalse, type: truefalse}

The earth is round.

- [x] True
  > Yes, roughly.
- [ ] False

> Feedback: It is an oblate spheroid.

## One blank {id: fill-one, type: fill, case: true}

A young cat is a [[kitten|kitty]].

> Incorrect: Think of a baby cat.

## Two blanks {id: fill-two, type: fill, partial, points: 2}

The capital of France is [[Paris]] and of Italy [[Rome|Roma]].

## Sides {id: numeric-exact, type: numeric}

How many sides has a hexagon?

- 6
  > Six, like a honeycomb cell.

## A prime {id: numeric-several, type: numeric}

Name a prime between 10 and 14.

- 11
- 13

## Pi {id: numeric-tolerance, type: numeric}

What is pi to two decimals?

- 3.14 +- 0.005
  > Close enough.
- 3.1..3.2
- 22

> Correct: Well done.
> Feedback: Pi is about 3.14159.

## Capitals {id: matching, type: matching, partial, points: 3}

Match each country to its capital.

- France -> Paris
- Italy -> Rome
- Spain -> Madrid
- -> Berlin

## Lifecycle {id: ordering, type: ordering, points: 3}

Put the stages in order.

1. Plan
2. Build
3. Review

## Why {id: essay, type: essay, points: 5}

Explain why projects fail.

> Grading: Look for at least two causes.
> Feedback: Thank you.

# Warm-up pool {id: warmup, draw: 1}

## First pick {id: pool-a}

Pick A.

- [x] A
- [ ] B
- [ ] C

## Second pick {id: pool-b}

Pick B.

- [ ] A
- [x] B
- [ ] C
"""

SCENARIO_ITEMS = (
    "single", "two-options", "multiple-partial", "truefalse", "fill-one", "fill-two.b1",
    "fill-two.b2", "numeric-exact", "numeric-several", "numeric-tolerance", "matching.a",
    "matching.b", "matching.c", "ordering.{0}", "ordering.{1}", "ordering.{2}", "essay",
    "pool-a", "pool-b")


# ------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "course_src")


@pytest.fixture(scope="module")
def example(course):
    return {target: WRITERS[target]().write(course) for target in TARGETS}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cc-scenario") / "course"
    files = {
        "lessons/01-intro.md": ("---\ntitle: Introduction\nobjectives:\n  - Know the course.\n"
                                "minutes: 5\n---\n\n## Welcome\n\nThis is the first lesson.\n"),
        "media/dot.svg": DOT_SVG,
        "quizzes/scenario.quiz.md": SCENARIO_QUIZ,
        "course.yaml": ("id: cc-course\ntitle: CC course\ndescription: A test course.\n"
                        "language: en\nversion: \"1.0.0\"\nlessons:\n  - lessons/01-intro.md\n"
                        "quiz: quizzes/scenario.quiz.md\n"),
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return load_course(folder)


@pytest.fixture(scope="module")
def scenario_packages(scenario):
    return {target: WRITERS[target]().write(scenario) for target in TARGETS}


@pytest.fixture(scope="module")
def items(scenario_packages):
    """ident -> item of the scenario's CC 1.1 assessment."""
    root = etree.fromstring(scenario_packages["cc11"].files["cc-scenario/assessment.xml"])
    return {item.get("ident"): item for item in root.iter(f"{Q}item")}


def parse_one(text: str, *, front: str = "id: one\ntitle: One"):
    errors: list = []
    quiz = parse_quiz(f"---\n{front}\n---\n\n{text}", "quizzes/one.quiz.md", ROOT, errors)
    assert not errors, [e.render() for e in errors]
    return quiz


def schematron(xsd: Path) -> isoschematron.Schematron:
    """The Schematron rules embedded in an IMS XSD (``xs:appinfo``), as an ISO schema.

    The IMS files name their patterns with a non-ISO ``name`` attribute, so the schema is
    compiled without checking its own grammar."""
    source = etree.parse(str(xsd))
    wrapper = etree.Element(f"{{{SCH}}}schema", nsmap={"sch": SCH})
    for element in source.iter(f"{{{SCH}}}ns", f"{{{SCH}}}pattern"):
        wrapper.append(element.__copy__())
    assert len(wrapper) > 1, xsd
    return isoschematron.Schematron(wrapper, validate_schema=False, store_report=True)


QTI_RULES = schematron(schemas.file_path("cc11", "ccv1p1_qtiasiv1p2p1_v1p0.xsd"))
MANIFEST_RULES = {
    "cc11": schematron(schemas.file_path("cc11", "ccv1p1_imscp_v1p2_v1p0.xsd")),
    "cc13": schematron(schemas.file_path("cc13", "ccv1p3_imscp_v1p2_v1p0.xsd")),
}


def failed_rules(rules: isoschematron.Schematron, data: bytes) -> list[str]:
    """``[RULE 4d] ...`` messages of every failed assertion."""
    rules.validate(etree.fromstring(data))
    return [" ".join((failed.findtext(f"{SVRL}text") or "").split())
            for failed in rules.validation_report.iter(f"{SVRL}failed-assert")]


def fields(holder: etree._Element) -> dict[str, str]:
    return {f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry")
            for f in holder.iterfind(f"{Q}qtimetadata/{Q}qtimetadatafield")}


def profile(item: etree._Element) -> str:
    return fields(item.find(f"{Q}itemmetadata"))["cc_profile"]


def feedback_text(item: etree._Element, ident: str) -> str:
    return item.findtext(f"{Q}itemfeedback[@ident='{ident}']/{Q}flow_mat/{Q}material/{Q}mattext")


def moodle_reads(item: etree._Element) -> dict:
    """What Moodle's CC 1.1 importer takes from an item (backup/cc/entity11.quiz.class.php),
    restated as rules: general feedback = feedback shown by ``continue="Yes"`` conditions; a
    choice's score and feedback = those of the conditions whose first direct ``varequal``
    names it (the last such condition's ``setvar`` decides; an empty or "0" one scores 0); a
    multiple-response item's right choices = ``varequal case="Yes"`` outside ``not`` in the
    condition setting SCORE to 100, each scoring 1/C; a fill-in item's answers = the direct
    ``varequal``s of the first condition whose ``setvar`` is the text "100"."""
    conditions = item.findall(f"{Q}resprocessing/{Q}respcondition")

    def shown(condition: etree._Element) -> list[str]:
        return [feedback_text(item, d.get("linkrefid"))
                for d in condition.iterfind(f"{Q}displayfeedback")]

    general = [text for c in conditions if (c.get("continue") or "").lower() == "yes"
               for text in shown(c)]
    result: dict = {"profile": profile(item), "general": general,
                    "weight": int(fields(item.find(f"{Q}itemmetadata"))["cc_weighting"])}
    kind = result["profile"]
    if kind in (ccquiz.MULTIPLE_CHOICE, ccquiz.TRUE_FALSE, ccquiz.MULTIPLE_RESPONSE):
        answers = {}
        for label in item.iterfind(f".//{Q}response_label"):
            ident = label.get("ident")
            score, feedback = 0.0, []
            for c in conditions:
                first = c.find(f"{Q}conditionvar/{Q}varequal")
                if first is not None and (first.text or "").lower() == ident.lower():
                    setvar = c.findtext(f"{Q}setvar") or ""
                    score = 1.0 if setvar not in ("", "0") else 0.0
                    feedback += shown(c)
            answers[ident] = {"score": score, "feedback": feedback,
                              "text": label.findtext(f"{Q}material/{Q}mattext")}
        if kind == ccquiz.MULTIPLE_RESPONSE:
            right = item.xpath(
                ".//q:setvar[@varname='SCORE'][.=100]/../q:conditionvar//"
                "q:varequal[@case='Yes'][not(parent::q:not)]/text()", namespaces=NS)
            for ident, answer in answers.items():
                answer["score"] = 1 / len(right) if ident in right else answer["score"]
        result["answers"] = answers
    elif kind == ccquiz.FILL_IN:
        full = next(c for c in conditions if c.findtext(f"{Q}setvar") == "100")
        result["answers"] = [v.text for v in full.iterfind(f"{Q}conditionvar/{Q}varequal")]
        result["case"] = {v.get("case", "No") for v in full.iter(f"{Q}varequal")}
    return result


# ------------------------------------------------------------------------------------------
# Lessons and manifest (the lead's part)


@pytest.mark.parametrize("target", TARGETS)
def test_moodle_sniff_finds_the_namespace_in_the_first_500_bytes(example, target):
    head = example[target].files["imsmanifest.xml"][:500].decode().lower()
    # Moodle lower-cases, strips whitespace and quotes, then looks for the declaration.
    sniff = "".join(head.split()).replace('"', "").replace("'", "")
    assert f"xmlns={NAMESPACES[target]}" in sniff


@pytest.mark.parametrize("target", TARGETS)
def test_lessons_are_web_content_in_a_module(course, example, target):
    package = example[target]
    root = etree.fromstring(package.files["imsmanifest.xml"])
    ns = f"{{{NAMESPACES[target]}}}"
    assert root.findtext(f"{ns}metadata/{ns}schema") == "IMS Common Cartridge"
    organization = root.find(f"{ns}organizations/{ns}organization")
    assert organization.get("structure") == "rooted-hierarchy"
    modules = organization.find(f"{ns}item").findall(f"{ns}item")
    assert [m.findtext(f"{ns}title") for m in modules] == ["Lessons", "Quiz"]
    assert [i.findtext(f"{ns}title") for i in modules[0].findall(f"{ns}item")] == [
        lesson.title for lesson in course.lessons]
    types = {r.get("type") for r in root.iter(f"{ns}resource")}
    assert "webcontent" in types
    # Web content in a cartridge is shown by the LMS itself: no SCORM API is expected.
    page = package.files[f"lessons/{course.lessons[0].slug}.html"].decode()
    assert '"standard": "web"' in page


@pytest.mark.parametrize("target", TARGETS)
def test_golden_manifest(example, target):
    """Regenerate: SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_cc_writer.py"""
    produced = example[target].files["imsmanifest.xml"]
    path = GOLDEN / target / "imsmanifest.xml"
    if UPDATE:
        path.write_bytes(produced)
    assert produced.decode() == path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------
# The quiz as an assessment


@pytest.mark.parametrize("target", TARGETS)
def test_golden_assessment(example, target):
    """Regenerate: SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_cc_writer.py"""
    produced = example[target].files[EXAMPLE_ASSESSMENT]
    path = GOLDEN / target / "assessment.xml"
    if UPDATE:
        path.write_bytes(produced)
    assert produced.decode() == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("target", TARGETS)
def test_quiz_is_an_assessment_in_its_own_module(course, example, target):
    package = example[target]
    ns = f"{{{NAMESPACES[target]}}}"
    root = etree.fromstring(package.files["imsmanifest.xml"])
    quiz_module = root.find(f"{ns}organizations/{ns}organization/{ns}item")[-1]
    assert quiz_module.findtext(f"{ns}title") == "Quiz"
    [entry] = quiz_module.findall(f"{ns}item")
    assert entry.findtext(f"{ns}title") == course.quiz.title
    resources = {r.get("identifier"): r for r in root.iter(f"{ns}resource")}
    resource = resources[entry.get("identifierref")]
    assert resource.get("type") == {
        "cc11": "imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
        "cc13": "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"}[target]
    # CC rules 3b/3c: one file, no href (Moodle opens the first file).
    assert resource.get("href") is None
    assert [f.get("href") for f in resource.iter(f"{ns}file")] == [EXAMPLE_ASSESSMENT]
    # The quiz shows an image: the assessment depends on the web content that holds it.
    [dependency] = resource.iter(f"{ns}dependency")
    common = resources[dependency.get("identifierref")]
    assert common.get("type") == "webcontent"
    assert "media/teacher-coach-drill-sergeant.svg" in {
        f.get("href") for f in common.iter(f"{ns}file")}
    # Validated at build time against the CC QTI profile (for CC 1.3 too, see the catalog).
    assert package.xml_documents[EXAMPLE_ASSESSMENT] == target
    assert schemas.compiled(target, QTI).url.endswith("/cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd")


@pytest.mark.parametrize("target", TARGETS)
def test_assessment_metadata(course, example, target):
    root = etree.fromstring(example[target].files[EXAMPLE_ASSESSMENT])
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == (
        f"{QTI} http://www.imsglobal.org/profile/cc/ccv1p{target[-1]}/"
        f"ccv1p{target[-1]}_qtiasiv1p2p1_v1p0.xsd")
    [assessment] = root
    assert (assessment.get("ident"), assessment.get("title")) == (
        course.quiz.id, course.quiz.title)
    assert fields(assessment) == {"cc_profile": "cc.exam.v0p1",
                                  "qmd_assessmenttype": "Examination",
                                  "cc_maxattempts": "3", "qmd_timelimit": "20"}
    assert "This check covers the whole unit" in assessment.findtext(
        f"{Q}presentation_material/{Q}flow_mat/{Q}material/{Q}mattext")
    [section] = assessment.findall(f"{Q}section")
    assert {child.tag for child in section} == {f"{Q}item"}


def test_course_without_quiz_has_no_assessment(make_course, tmp_path):
    course = load_course(make_course(tmp_path))
    for target in TARGETS:
        package = WRITERS[target]().write(course)
        assert b"imsqti_xmlv1p2" not in package.files["imsmanifest.xml"]
        assert b"<title>Quiz</title>" not in package.files["imsmanifest.xml"]
        assert validate_package(package) == []


# ------------------------------------------------------------------------------------------
# Schemas: XSD (xmlschema and libxml2) and the embedded Schematron


@pytest.mark.parametrize("target", TARGETS)
def test_every_document_validates_with_both_validators(example, scenario_packages, target):
    for package in (example[target], scenario_packages[target]):
        assert validate_package(package) == []
        for path, family in package.xml_documents.items():
            data = package.files[path]
            assert validate_xml(path, data, family) == [], path
            namespace = etree.QName(etree.fromstring(data)).namespace
            fast = schemas.fast_compiled(family, namespace)
            assert fast is not None and fast.validate(etree.fromstring(data)), path
            if namespace == QTI:
                # Either family resolves the namespace to the same CC QTI profile.
                assert validate_xml(path, data, "cc11") == []
                assert validate_xml(path, data, "cc13") == []


@pytest.mark.parametrize("target", TARGETS)
def test_example_passes_the_profiles_schematron_rules(example, target):
    package = example[target]
    assert failed_rules(QTI_RULES, package.files[EXAMPLE_ASSESSMENT]) == []
    assert failed_rules(MANIFEST_RULES[target], package.files["imsmanifest.xml"]) == []


def test_scenario_breaks_only_the_three_choice_rule(scenario_packages):
    """Rule 4d wants three choices on a multiple-choice item: the two-choice question
    keeps its two choices (docs/quiz-targets.md explains why)."""
    package = scenario_packages["cc11"]
    failures = failed_rules(QTI_RULES, package.files["cc-scenario/assessment.xml"])
    assert failures and all(f.startswith("[RULE 4d]") for f in failures)
    assert len(failures) == 1  # two-options; the pool questions have three
    assert failed_rules(MANIFEST_RULES["cc11"], package.files["imsmanifest.xml"]) == []


def test_schematron_catches_what_the_xsd_lets_through(example):
    """The harness works: documents the XSD accepts but the profile rules refuse."""
    root = etree.fromstring(example["cc11"].files[EXAMPLE_ASSESSMENT])
    weight = root.find(f".//{Q}qtimetadatafield[{Q}fieldlabel='cc_weighting']/{Q}fieldentry")
    weight.text = "100"
    essay = root.find(f".//{Q}item[@ident='security-plan']")
    scored = essay.find(f".//{Q}qtimetadatafield[{Q}fieldlabel='qmd_computerscored']")
    scored.getparent().remove(scored)
    data = etree.tostring(root)
    assert validate_xml("a.xml", data, "cc11") == []
    codes = {failure.split("]")[0] + "]" for failure in failed_rules(QTI_RULES, data)}
    assert codes == {"[RULE 2c]", "[RULE 8f]"}


# ------------------------------------------------------------------------------------------
# Each question type, and how Moodle's importer reads it


def test_scenario_items_in_order(scenario, items):
    order = [q.id for q in scenario.quiz.all_questions()]
    assert order[-2:] == ["pool-a", "pool-b"]  # the pool (draw 1 of 2) is flattened
    scrambled = [item.id for item in quizcommon.scrambled(scenario.quiz.question("ordering"))]
    expected = [i.format(*scrambled) for i in SCENARIO_ITEMS]
    assert list(items) == expected


def test_weights_are_the_points_when_they_are_whole(items):
    weights = {ident: moodle_reads(item)["weight"] for ident, item in items.items()}
    assert weights["single"] == 2 and weights["essay"] == 5 and weights["truefalse"] == 1
    # Split questions: points / parts each (2 points, 2 blanks; 3 points, 3 pairs or items).
    assert {weights["fill-two.b1"], weights["fill-two.b2"]} == {1}
    assert {weights[i] for i in items if i.startswith(("matching.", "ordering."))} == {1}


def test_single_choice(items):
    item = items["single"]
    read = moodle_reads(item)
    assert read["profile"] == ccquiz.MULTIPLE_CHOICE
    labels = item.findall(f".//{Q}response_label")
    assert [label.get("rshuffle") for label in labels] == [None, None, "No"]  # the pin
    assert item.find(f".//{Q}render_choice").get("shuffle") == "Yes"
    answers = read["answers"]
    assert [a["score"] for a in answers.values()] == [0, 1, 0]
    assert answers["single-a"]["feedback"] == ["<p>Grass is green.</p>\n", "<p>Look up.</p>\n"]
    assert answers["single-b"]["feedback"] == ["<p>Right.</p>\n"]
    assert answers["single-c"]["feedback"] == ["<p>Look up.</p>\n"]
    assert read["general"] == ["<p>Rayleigh scattering.</p>\n"]
    # The image of the stem points into the package relative to the assessment's folder.
    stem = item.findtext(f"{Q}presentation/{Q}material/{Q}mattext")
    assert 'src="$IMS-CC-FILEBASE$../media/dot.svg"' in stem


def test_two_choices_stay_a_multiple_choice(items):
    read = moodle_reads(items["two-options"])
    assert read["profile"] == ccquiz.MULTIPLE_CHOICE
    assert [a["score"] for a in read["answers"].values()] == [1, 0]


def test_multiple_response_scores_the_exact_set(items):
    item = items["multiple-partial"]
    read = moodle_reads(item)
    assert read["profile"] == ccquiz.MULTIPLE_RESPONSE
    # The package: full marks only for {2, 3} without 4 (no Add in the profile).
    [full] = item.xpath(".//q:respcondition[q:setvar='100']", namespaces=NS)
    assert [(v.text, v.getparent().tag == f"{Q}not")
            for v in full.iter(f"{Q}varequal")] == [
        ("multiple-partial-a", False), ("multiple-partial-b", False),
        ("multiple-partial-c", True)]
    assert not item.xpath(".//q:setvar[@action!='Set']", namespaces=NS)
    # Moodle: half a mark per right choice, nothing for the wrong one (its own rule).
    assert {i: a["score"] for i, a in read["answers"].items()} == {
        "multiple-partial-a": 0.5, "multiple-partial-b": 0.5, "multiple-partial-c": 0}
    assert read["answers"]["multiple-partial-c"]["feedback"] == ["<p>4 is 2 x 2.</p>\n"]
    assert read["general"] == []


@pytest.mark.parametrize("language, shown", [("en", ["True", "False"]),
                                             ("fr", ["Vrai", "Faux"])])
def test_true_false_labels_are_named_true_and_false(scenario, language, shown):
    course = dataclasses.replace(scenario, language=language)
    root = etree.fromstring(WRITERS["cc11"]().write(course).files["cc-scenario/assessment.xml"])
    item = root.find(f".//{Q}item[@ident='truefalse']")
    read = moodle_reads(item)
    assert read["profile"] == ccquiz.TRUE_FALSE
    # Moodle aborts the restore unless the labels are exactly "true" and "false".
    assert list(read["answers"]) == ["true", "false"]
    assert [a["text"] for a in read["answers"].values()] == shown
    assert [a["score"] for a in read["answers"].values()] == [1, 0]
    assert read["answers"]["true"]["feedback"] == ["<p>Yes, roughly.</p>\n"]
    assert read["general"] == ["<p>It is an oblate spheroid.</p>\n"]


def test_fill_in_one_blank(items):
    item = items["fill-one"]
    read = moodle_reads(item)
    assert read["profile"] == ccquiz.FILL_IN
    assert read["answers"] == ["kitten", "kitty"]
    assert read["case"] == {"Yes"}  # `case: true` (Moodle's import ignores it)
    stem = item.findtext(f"{Q}presentation/{Q}material/{Q}mattext")
    assert "A young cat is a _____." in stem
    assert item.find(f"{Q}presentation/{Q}response_str/{Q}render_fib") is not None


def test_several_blanks_become_one_item_per_blank(items):
    first, second = items["fill-two.b1"], items["fill-two.b2"]
    assert first.get("title") == "Two blanks (1/2)" and second.get("title") == "Two blanks (2/2)"
    assert moodle_reads(first)["answers"] == ["Paris"]
    assert moodle_reads(second)["answers"] == ["Rome", "Roma"]
    assert "France is _____ and of Italy …." in first.findtext(f".//{Q}mattext")
    assert "France is … and of Italy _____." in second.findtext(f".//{Q}mattext")


def test_numeric_exact_answers_become_text_answers(items):
    read = moodle_reads(items["numeric-exact"])
    assert read["profile"] == ccquiz.FILL_IN and read["answers"] == ["6"]
    assert feedback_text(items["numeric-exact"], "numeric-exact-n1_fb") == (
        "<p>Six, like a honeycomb cell.</p>\n")
    assert moodle_reads(items["numeric-several"])["answers"] == ["11", "13"]


def test_numeric_tolerance_becomes_an_essay_with_the_accepted_answers(items):
    item = items["numeric-tolerance"]
    read = moodle_reads(item)
    assert read["profile"] == ccquiz.ESSAY
    assert fields(item.find(f"{Q}itemmetadata"))["qmd_computerscored"] == "No"
    assert read["general"] == [
        "<p>Pi is about 3.14159.</p>\n<ul><li>3.14 ± 0.005: <p>Close enough.</p>\n</li>"
        "<li>3.1 – 3.2</li><li>22</li></ul>"]
    assert not list(item.iter(f"{Q}varequal"))


def test_numeric_answer_feedback_among_several_is_an_error(scenario):
    quiz = parse_one("## Prime {id: prime, type: numeric}\n\nA prime?\n\n- 11\n  > Yes.\n- 13\n")
    course = dataclasses.replace(scenario, quiz=quiz)
    for target in TARGETS:
        with pytest.raises(UnsupportedFeature) as info:
            WRITERS[target]().write(course)
        diagnostic = info.value.diagnostics()[0]
        assert diagnostic.code == "quiz-unsupported"
        assert diagnostic.location == Location("quizzes/one.quiz.md", 6)  # the heading
        assert "feedback for one numeric answer among several" in diagnostic.message


def test_matching_becomes_one_choice_per_premise(items):
    parts = [items[f"matching.{p}"] for p in "abc"]
    assert [p.get("title") for p in parts] == [
        "Capitals (1/3)", "Capitals (2/3)", "Capitals (3/3)"]
    for part, (premise, capital) in zip(parts, [("France", "Paris"), ("Italy", "Rome"),
                                                ("Spain", "Madrid")], strict=True):
        read = moodle_reads(part)
        assert read["profile"] == ccquiz.MULTIPLE_CHOICE
        assert f"<p><strong>{premise}</strong></p>" in part.findtext(f".//{Q}mattext")
        texts = {a["text"]: a["score"] for a in read["answers"].values()}
        assert set(texts) == {"Paris", "Rome", "Madrid", "Berlin"}  # the distractor too
        assert [t for t, score in texts.items() if score] == [capital]


def test_ordering_becomes_one_choice_per_item(scenario, items):
    question = scenario.quiz.question("ordering")
    shown = quizcommon.scrambled(question)
    assert [i.id for i in shown] != [i.id for i in question.items]
    for number, entry in enumerate(shown, start=1):
        part = items[f"ordering.{entry.id}"]
        assert part.get("title") == f"Lifecycle ({number}/3)"
        assert f"<p><strong>{xhtml(entry.text)}</strong></p>" in part.findtext(f".//{Q}mattext")
        read = moodle_reads(part)
        assert [a["text"] for a in read["answers"].values()] == ["1", "2", "3"]
        right = [a["text"] for a in read["answers"].values() if a["score"]]
        assert right == [str(question.items.index(entry) + 1)]


def test_essay(items):
    item = items["essay"]
    read = moodle_reads(item)
    assert read["profile"] == ccquiz.ESSAY and read["weight"] == 5
    assert read["general"] == ["<p>Thank you.</p>\n"]
    assert b"Look for at least two causes" not in etree.tostring(item)  # grading notes


def test_pool_questions_are_all_included(items):
    assert {"pool-a", "pool-b"} <= set(items)


def test_assessment_settings_of_the_scenario(scenario_packages):
    root = etree.fromstring(scenario_packages["cc13"].files["cc-scenario/assessment.xml"])
    assert fields(root[0]) == {"cc_profile": "cc.exam.v0p1",
                               "qmd_assessmenttype": "Examination",
                               "cc_maxattempts": "2", "qmd_timelimit": "15"}


@pytest.mark.parametrize("front, expected", [("", "unlimited"), ("attempts: 5\n", "5")])
def test_attempts(scenario, front, expected):
    quiz = parse_one("## T {id: t, type: truefalse}\n\nYes.\n\n- [x] True\n- [ ] False\n",
                     front=f"id: one\ntitle: One\n{front}".rstrip("\n"))
    course = dataclasses.replace(scenario, quiz=quiz)
    root = etree.fromstring(WRITERS["cc11"]().write(course).files["one/assessment.xml"])
    assert fields(root[0])["cc_maxattempts"] == expected
    assert "qmd_timelimit" not in fields(root[0])


def test_more_than_five_attempts_is_an_error(scenario):
    quiz = parse_one("## T {id: t, type: truefalse}\n\nYes.\n\n- [x] True\n- [ ] False\n",
                     front="id: one\ntitle: One\nattempts: 6")
    course = dataclasses.replace(scenario, quiz=quiz)
    with pytest.raises(UnsupportedFeature) as info:
        WRITERS["cc13"]().write(course)
    diagnostic = info.value.diagnostics()[0]
    assert diagnostic.code == "quiz-unsupported"
    assert diagnostic.location.path == "quizzes/one.quiz.md"
    assert "6 attempts" in diagnostic.message


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(source=quiz_sources())
def test_any_quiz_becomes_a_valid_assessment_or_a_located_error(scenario, source):
    """Generated quizzes (the quiz writers' strategy): every question reaches the assessment
    (as one item or as its split items), the document is valid against the XSD and the
    profile's Schematron (but for two-choice items, rule 4d), and Moodle's reading finds the
    right answers; or the build stops with a located quiz-unsupported error."""
    errors: list = []
    quiz = parse_quiz(source, "quizzes/generated.quiz.md", ROOT, errors)
    assert quiz is not None, source
    course = dataclasses.replace(scenario, quiz=quiz)
    try:
        package = WRITERS["cc11"]().write(course)
    except UnsupportedFeature as unsupported:
        diagnostic = unsupported.diagnostics()[0]
        assert diagnostic.code == "quiz-unsupported"
        assert diagnostic.location.path == "quizzes/generated.quiz.md"
        assert diagnostic.location.line, source
        return
    assert validate_package(package) == [], source
    data = package.files["generated/assessment.xml"]
    assert all(f.startswith("[RULE 4d]") for f in failed_rules(QTI_RULES, data)), source
    items = {i.get("ident"): i for i in etree.fromstring(data).iter(f"{Q}item")}
    for question in quiz.all_questions():
        mine = [i for i in items if i == question.id or i.startswith(f"{question.id}.")]
        assert mine, (question.id, source)
        for ident in mine:
            read = moodle_reads(items[ident])
            if read["profile"] in (ccquiz.MULTIPLE_CHOICE, ccquiz.TRUE_FALSE,
                                   ccquiz.MULTIPLE_RESPONSE):
                assert sum(a["score"] for a in read["answers"].values()) == pytest.approx(1)
            elif read["profile"] == ccquiz.FILL_IN:
                assert read["answers"], source


# ------------------------------------------------------------------------------------------
# Weights


def _part(points: str, share: Fraction = Fraction(1)) -> ccquiz.Part:
    question = Essay("e", "E", Content.of(Element("p", (), ("E",))), Decimal(points),
                     Feedback(), EMPTY, Location("quizzes/q.md", 3))
    return ccquiz.Part(question, "e", "E", "essay", share)


def test_weights_scale_to_the_smallest_whole_numbers():
    assert ccquiz.weights([_part("1"), _part("2"), _part("99")]) == [1, 2, 99]
    thirds = [_part("1", Fraction(1, 3))] * 3
    assert ccquiz.weights([_part("1"), *thirds, _part("2")]) == [3, 1, 1, 1, 6]
    assert ccquiz.weights([_part("0.5"), _part("1.5")]) == [1, 3]
    assert ccquiz.weights([_part("200"), _part("100")]) == [2, 1]


def test_example_weights_keep_the_percentages(example, course):
    root = etree.fromstring(example["cc11"].files[EXAMPLE_ASSESSMENT])
    weights = {i.get("ident"): int(fields(i.find(f"{Q}itemmetadata"))["cc_weighting"])
               for i in root.iter(f"{Q}item")}
    # Matching in 3, ordering in 4 and a two-blank fill-in make every point weigh 12.
    assert weights["core-activities"] == 12 and weights["security-plan"] == 24
    assert {weights[i] for i in weights if i.startswith("three-hats.")} == {4}
    assert {weights[i] for i in weights if i.startswith("lifecycle-order.")} == {3}
    total = sum(q.points for q in course.quiz.all_questions())
    assert sum(weights.values()) == 12 * total


def _ordinary_quiz(count: int) -> str:
    """A quiz of *count* questions as people write them: mostly 1 point, a few worth 2, 5
    and 10, one matching of 3 pairs, one ordering of 5 items, one fill-in of 2 blanks (split
    into 3, 5 and 2 items: exact weights would be 30 per point, 300 for the 10-point one)."""
    extra = [
        "## Pairs {id: pairs, type: matching}\n\n- A -> 1\n- B -> 2\n- C -> 3\n",
        "## Order {id: order, type: ordering}\n\n1. a\n2. b\n3. c\n4. d\n5. e\n",
        "## Blanks {id: blanks, type: fill}\n\nOne [[x]] two [[y]].\n",
        "## Heavy {id: heavy, points: 10}\n\n- [x] Yes\n- [ ] No\n- [ ] Maybe\n",
        "## Two {id: two, points: 2}\n\n- [x] Yes\n- [ ] No\n- [ ] Maybe\n",
        "## Five {id: five, points: 5}\n\n- [x] Yes\n- [ ] No\n- [ ] Maybe\n",
    ]
    plain = [f"## Q{n} {{id: q{n}}}\n\n- [x] Yes\n- [ ] No\n- [ ] Maybe\n"
             for n in range(count - len(extra))]
    return "\n".join(extra + plain)


@pytest.mark.parametrize("count", [14, 40])
def test_ordinary_quizzes_build_with_the_closest_weights(scenario, count):
    """Issue 10: a 14-question quiz ("weights would reach 100") and a 40-question one could
    not be built as a cartridge. Now the weights are the closest whole numbers from 1 to 99,
    every question's share of the total moves by less than 1 percentage point, and the build
    says so (and, for Moodle's cc11, that its restore makes every mark 1)."""
    quiz = parse_one(_ordinary_quiz(count))
    assert len(quiz.all_questions()) == count
    parts = [part for q in quiz.all_questions() for part in ccquiz.parts_of(q, "cc11")]
    exact = Fraction(300)  # the heavy question's exact weight: 10 points x 30
    assert max(part.points for part in parts) * 30 == exact > ccquiz.MAX_WEIGHT
    for target in TARGETS:
        package = WRITERS[target]().write(dataclasses.replace(scenario, quiz=quiz))
        assert validate_package(package) == []
        root = etree.fromstring(package.files["one/assessment.xml"])
        weights = {i.get("ident"): int(fields(i.find(f"{Q}itemmetadata"))["cc_weighting"])
                   for i in root.iter(f"{Q}item")}
        assert all(1 <= w <= ccquiz.MAX_WEIGHT for w in weights.values())
        assert weights["heavy"] == max(weights.values())
        total_points = sum(q.points for q in quiz.all_questions())
        total_weight = sum(weights.values())
        for question in quiz.all_questions():
            weight = sum(w for ident, w in weights.items()
                         if ident == question.id or ident.startswith(f"{question.id}."))
            share = Fraction(100 * weight, total_weight)
            assert abs(share - Fraction(100 * question.points / total_points)) < 1
        codes = [w.code for w in package.warnings]
        assert codes == (["cc-weights-approximate", "cc-moodle-equal-marks"]
                         if target == "cc11" else ["cc-weights-approximate"])
        assert all(w.severity is Severity.WARNING and w.location.path == "quizzes/one.quiz.md"
                   for w in package.warnings)


def test_exact_weights_give_no_approximation_warning(example):
    assert [w.code for w in example["cc11"].warnings] == ["cc-moodle-equal-marks"]
    assert example["cc13"].warnings == []


def test_moodle_equal_marks_warning_names_the_marks(example):
    """Issue 10: the example's 20 points (pool included: CC keeps every question) become 24
    equal marks in Moodle; the build says so and points at moodlexml."""
    [warning] = example["cc11"].warnings
    assert "20 points become 24 equal marks" in warning.message
    assert "moodlexml" in warning.hint


def test_accepted_answers_for_graders():
    at = Location("quizzes/q.md", 3)
    ok = Content.of(Element("p", (), ("Ok.",)))
    answers = [
        NumericAnswer(Decimal("1.50"), Decimal("1.50"), Decimal("1.50"), None, EMPTY, at),
        NumericAnswer(Decimal("9"), Decimal("11"), Decimal("10"), Decimal("1"), ok, at),
        NumericAnswer(Decimal("-2"), Decimal("2.5"), None, None, EMPTY, at),
    ]
    assert xhtml(ccquiz.accepted(answers)) == (
        "<ul><li>1.5</li><li>10 ± 1: <p>Ok.</p></li><li>-2 – 2.5</li></ul>")


# ------------------------------------------------------------------------------------------
# Build, CLI, validate, catalog


def test_example_course_builds_and_validates_from_the_cli(run_cli, tmp_path):
    code, out, err = run_cli(["build", ROOT / "course_src", "-t", "cc11", "-t", "cc13",
                              "--out", tmp_path])
    assert code == 0, err
    for target in TARGETS:
        built = tmp_path / f"tpm-skills-1.0.0-{target}.zip"
        assert built.is_file()
        code, out, err = run_cli(["validate", "--strict", built])
        assert code == 0, out + err
        assert "0 errors, 0 warnings" in out
    code, out, err = run_cli(["validate", "--strict", "--lms", "moodle",
                              tmp_path / "tpm-skills-1.0.0-cc11.zip"])
    assert code == 0, out + err


def test_validate_checks_cc13_assessments_against_the_cc_profile(example):
    """`or` is plain QTI 1.2 but not in the CC profile: only the cc13 catalog entry (the CC
    1.1 QTI profile) catches it in a CC 1.3 cartridge."""
    files = dict(example["cc13"].files)
    assert validate_files(files).diagnostics == []
    files[EXAMPLE_ASSESSMENT] = files[EXAMPLE_ASSESSMENT].replace(
        b"<and>", b"<or><and>", 1).replace(b"</and>", b"</and></or>", 1)
    diagnostics = validate_files(files).diagnostics
    assert [(d.code, d.location.path) for d in diagnostics] == [
        ("xsd-invalid", EXAMPLE_ASSESSMENT)]
    assert "IMS Common Cartridge 1.3" in diagnostics[0].message
    assert validate_xml(EXAMPLE_ASSESSMENT, files[EXAMPLE_ASSESSMENT], "qti12") == []


def test_cc13_installs_the_qti_profile_into_the_cc11_folder(course, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for name in ("cc11", "cc13"):
        shutil.copytree(ROOT / "schemas" / name, mirror / name)
    installed = tmp_path / "installed"
    monkeypatch.setenv("SCORMKIT_SCHEMAS", str(installed))
    schemas.compiled.cache_clear()
    schemas.fast_compiled.cache_clear()
    try:
        assert schemas.missing_files("cc13") == [
            f.path for f in schemas.family("cc13").files]
        fetched = schema_install.install(["cc13"], str(mirror))
        assert fetched == {"cc13": len(schemas.family("cc13").files)}
        assert (installed / "cc11" / "ccv1p1_qtiasiv1p2p1_v1p0.xsd").is_file()
        assert not (installed / "cc13" / "ccv1p1_qtiasiv1p2p1_v1p0.xsd").exists()
        assert schemas.missing_files("cc13") == []
        assert schema_install.install(["cc13"], str(mirror)) == {"cc13": 0}
        # A CC 1.3 cartridge, assessment included, validates with only cc13 installed.
        assert schemas.missing_files("cc11") != []
        assert validate_package(WRITERS["cc13"]().write(course)) == []
        # cc11 shares the file: installing it fetches everything else, not that one again.
        assert schema_install.install(["cc11"], str(mirror)) == {
            "cc11": len(schemas.family("cc11").files) - 1}
        assert schemas.compiled("cc13", QTI).url.endswith(
            "/cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd")
    finally:
        schemas.compiled.cache_clear()
        schemas.fast_compiled.cache_clear()


def test_support_table_has_the_cc_columns():
    doc = (ROOT / "docs" / "quiz-targets.md").read_text(encoding="utf-8")
    assert "| cc11 (Moodle) | cc13 (Canvas) |" in doc
    assert "## Common Cartridge" in doc
    for target in TARGETS:
        statuses = {kind: support.status for kind, support in quizcommon.SUPPORT[target].items()}
        assert statuses == {"single": "native", "multiple": "fallback", "truefalse": "native",
                            "fill": "fallback", "numeric": "fallback", "matching": "fallback",
                            "ordering": "fallback", "essay": "native"}
    # Only multiple response differs: Moodle's restore gives a wrong choice 0, Canvas -1/C.
    assert not quizcommon.SUPPORT["cc11"]["multiple"].rules.penalty
    assert quizcommon.SUPPORT["cc13"]["multiple"].rules.penalty


# ------------------------------------------------------------------------------------------
# Lesson pages as Moodle shows them


XHTML = ""  # the pages are HTML5 in XHTML syntax, without a namespace


def moodle_shows(page: bytes) -> etree._Element:
    """A cartridge page as Moodle's restore shows it (issue 11, seen in Moodle 4.5): the
    body's content inside Moodle's own page, after its HTML filter dropped the HTML5 elements
    it does not know while keeping their content (main, header, footer, nav, section)."""
    root = etree.fromstring(page)
    body = root.find(f"{XHTML}body")
    for name in ("main", "header", "footer", "nav", "section"):
        for element in list(body.iter(f"{XHTML}{name}")):
            parent = element.getparent()
            index = parent.index(element)
            for child in reversed(list(element)):
                parent.insert(index, child)
            parent.remove(element)
    return body


@pytest.mark.parametrize("target", TARGETS)
def test_lesson_pages_as_moodle_shows_them(example, target):
    pages = {path: data for path, data in example[target].files.items()
             if path.endswith(".html")}
    assert pages
    for path, data in pages.items():
        # As the cartridge holds it: one <main>, the skip link's target inside it.
        root = etree.fromstring(data)
        (main,) = root.iter(f"{XHTML}main")
        assert [e.get("id") for e in main.iter() if e.get("id") == "content"] == ["content"]
        assert not list(root.iter(f"{XHTML}h1")), f"{path}: Moodle's page has the <h1>"
        # As Moodle shows it: the skip link still has a target, no empty paragraphs.
        body = moodle_shows(data)
        (skip,) = body.xpath(".//*[@class='sk-skip-link']")
        target_id = skip.get("href").removeprefix("#")
        assert body.xpath(f".//*[@id='{target_id}']"), f"{path}: the skip link goes nowhere"
        empty = [p for p in body.iter(f"{XHTML}p")
                 if not "".join(p.itertext()).strip() and not len(p)]
        assert empty == [], f"{path}: empty paragraphs {[p.get('id') for p in empty]}"
        assert not list(body.iter(f"{XHTML}h1"))
        titles = body.xpath(".//*[@class='sk-lesson-title']")
        assert [t.tag for t in titles] == [f"{XHTML}h2"]
