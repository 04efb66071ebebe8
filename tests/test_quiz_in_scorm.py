"""The graded quiz inside web packages (SCORM 1.2 and 2004): the quiz markup and its JSON, the
manifests (items, mastery score, SCORM 2004 sequencing) and the quiz runtime's static rules.
The browser side is tested in tests/e2e/test_quiz_scorm12.py and test_quiz_scorm2004.py."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from scormkit import jsbundle
from scormkit.questions import Essay, Pool
from scormkit.sources import load_course
from scormkit.validation import validate_package
from scormkit.writers import WriterOptions, web
from scormkit.writers.quizpage import QUIZ_PAGE, quiz_data
from scormkit.writers.scorm12 import Scorm12Writer
from scormkit.writers.scorm2004 import Scorm2004Writer

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "scormkit" / "runtime"
CP12 = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP12 = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
SS = "{http://www.imsglobal.org/xsd/imsss}"


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "course_src")


@pytest.fixture(scope="module")
def no_quiz(course):
    return dataclasses.replace(course, quiz=None)


def page_of(data: bytes) -> etree._Element:
    return etree.fromstring(data)  # XHTML syntax: well-formed XML


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def test_single_page_ends_with_the_quiz(course):
    root = page_of(web.single_page(course, "scorm12"))
    quiz = course.quiz
    sections = root.xpath("//main/section")
    assert [s.get("id") for s in sections] == [le.id for le in course.lessons] + [quiz.id]
    assert sections[-1].get("class") == "sk-lesson sk-quiz"
    assert root.xpath("//nav//a/@href")[-1] == f"#{quiz.id}"
    # The last lesson leads to the quiz; the quiz leads back to the last lesson.
    assert sections[-2].xpath(".//button[@data-lesson]/@data-lesson")[-1] == quiz.id
    assert sections[-1].xpath(".//div[@class='sk-pager']/button/@data-lesson") == [
        course.lessons[-1].id]
    # Runtime files: quiz.js before scormkit.js (its pagehide listener must run first).
    assert root.xpath("//script[@src]/@src") == ["scormkit/quiz.js", "scormkit/scormkit.js"]
    assert root.xpath("//link[@rel='stylesheet']/@href") == [
        "scormkit/scormkit.css", "scormkit/quiz.css"]
    config = json.loads(root.xpath("string(//script[@id='scormkit-config'])"))
    assert config["lessons"] == [le.id for le in course.lessons]
    assert config["quiz"] == quiz.id and config["passingScore"] == 80


def test_page_without_quiz_loads_no_quiz_runtime(no_quiz):
    root = page_of(web.single_page(no_quiz, "scorm12"))
    assert root.xpath("//script[@src]/@src") == ["scormkit/scormkit.js"]
    assert not root.xpath("//*[@id='scormkit-quiz']") and not root.xpath("//*[@class='sk-quiz']")
    assert web.quiz_page(no_quiz, "scorm12") == {}


def test_quiz_page_is_its_own_sco(course):
    (path, data), = web.quiz_page(course, "scorm2004").items()
    assert path == QUIZ_PAGE == "quiz.html"
    root = page_of(data)
    assert root.xpath("string(//title)") == f"{course.quiz.title} – {course.title}"
    # No lesson section (the runtime tracks no lesson views here) and no lesson progress line.
    assert not root.xpath("//section[contains(@class, 'sk-lesson')]")
    assert root.xpath("//section/@class") == ["sk-quiz"]
    assert not root.xpath("//*[@id='scormkit-progress']") and not root.xpath("//nav")
    config = json.loads(root.xpath("string(//script[@id='scormkit-config'])"))
    assert config["lessons"] == [] and config["standard"] == "scorm2004"
    assert root.xpath("//img/@src") == ["media/teacher-coach-drill-sergeant.svg"]
    levels = [int(el.tag[1]) for el in root.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_every_question_is_an_accessible_fieldset(course):
    root = page_of(web.quiz_page(course, "scorm12")[QUIZ_PAGE])
    questions = course.quiz.all_questions()
    fieldsets = root.xpath("//fieldset[@data-question]")
    assert [f.get("data-question") for f in fieldsets] == [q.id for q in questions]
    for fieldset, question in zip(fieldsets, questions, strict=True):
        legend = fieldset[0]
        assert legend.tag == "legend" and question.title in "".join(legend.itertext())
        controls = fieldset.xpath(".//input | .//select | .//textarea")
        if question.kind != "ordering":
            assert controls, question.id
        for control in controls:
            labelled = control.get("aria-labelledby") or root.xpath(
                f"//label[@for='{control.get('id')}']")
            assert labelled, (question.id, etree.tostring(control))
        # Feedback is rendered but hidden until the quiz is submitted.
        (feedback,) = fieldset.xpath("div[@class='sk-q-feedback']")
        assert feedback.get("hidden") == "hidden"
    kinds = {f.get("class").split()[1] for f in fieldsets}
    assert kinds == {f"sk-q-{k}" for k in ("single", "multiple", "truefalse", "fill", "numeric",
                                           "matching", "ordering", "essay")}
    # One text input per blank, one select per matching premise, up/down per ordering item.
    fill = course.quiz.question("experience-years")
    assert len(root.xpath(f"//fieldset[@data-question='{fill.id}']//input[@type='text']")) == 2
    assert len(root.xpath("//fieldset[@data-question='three-hats']//select")) == 3
    assert len(root.xpath("//fieldset[@data-question='lifecycle-order']//button")) == 8
    assert root.xpath("//input[@id='skq-keep-improving-true']/following-sibling::label/text()") \
        == ["True"]
    # The answer key is not in the markup (only in the JSON the browser scores with).
    assert not root.xpath("//*[@data-correct]")


def test_quiz_json_matches_the_model(course):
    quiz = course.quiz
    data = quiz_data(quiz)
    assert data["id"] == quiz.id and data["passingScore"] == 80
    assert data["attempts"] == 3 and data["timeLimit"] == 20
    assert [q["id"] for q in data["questions"]] == [q.id for q in quiz.all_questions()]
    pools = [g for g in data["groups"] if g["draw"] is not None]
    assert [(p["draw"], len(p["questions"])) for p in pools] == [
        (item.draw, len(item.questions)) for item in quiz.items
        if isinstance(item, Pool) and not item.draws_all]
    by_id = {q["id"]: q for q in data["questions"]}
    assert by_id["where-they-work"]["pinned"] == ["d"]
    assert by_id["median-pay"]["answers"] == [[158010, 160010]]
    assert by_id["three-hats"]["pairs"] == {"a": "d", "b": "e", "c": "f"}
    assert by_id["three-hats"]["responses"] == ["d", "e", "f", "g"]
    assert by_id["lifecycle-order"]["items"] == ["a", "b", "c", "d"]
    assert by_id["experience-years"]["blanks"][0]["answers"] == ["3", "three"]
    assert by_id["optional-knowledge"]["points"] == 2
    auto = sum(q.points for q in quiz.all_questions() if not isinstance(q, Essay))
    assert auto > 0
    # Embedded as the page's JSON, unchanged.
    root = page_of(web.single_page(course, "scorm12"))
    assert json.loads(root.xpath("string(//script[@id='scormkit-quiz'])")) == data


# --------------------------------------------------------------------------------------------
# Manifests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("writer", [Scorm12Writer, Scorm2004Writer])
@pytest.mark.parametrize("per_lesson", [False, True], ids=["single-sco", "sco-per-lesson"])
def test_packages_with_the_quiz_are_valid(course, writer, per_lesson):
    package = writer(WriterOptions(sco_per_lesson=per_lesson)).write(course)
    assert validate_package(package) == []
    assert {"scormkit/quiz.js", "scormkit/quiz.css"} <= set(package.files)
    assert (QUIZ_PAGE in package.files) is per_lesson


def test_scorm12_mastery_score_on_the_quiz_item(course):
    single = etree.fromstring(Scorm12Writer().write(course).files["imsmanifest.xml"])
    (item,) = single.iter(f"{CP12}item")
    assert item.findtext(f"{ADLCP12}masteryscore") == "80"
    per_lesson = etree.fromstring(Scorm12Writer(WriterOptions(sco_per_lesson=True))
                                  .write(course).files["imsmanifest.xml"])
    items = list(per_lesson.iter(f"{CP12}item"))
    assert items[-1].get("identifier") == f"ITEM-{course.quiz.id}"
    assert items[-1].findtext(f"{ADLCP12}masteryscore") == "80"
    assert all(i.find(f"{ADLCP12}masteryscore") is None for i in items[:-1])
    (resource,) = per_lesson.xpath(
        "//cp:resource[@href='quiz.html']", namespaces={"cp": CP12[1:-1]})
    assert resource.get(f"{ADLCP12}scormtype") == "sco"


def test_scorm2004_quiz_sco_sequencing(course):
    package = Scorm2004Writer(WriterOptions(sco_per_lesson=True)).write(course)
    assert validate_package(package) == []
    root = etree.fromstring(package.files["imsmanifest.xml"])
    organization = root.find(f"{CP}organizations/{CP}organization")
    control = organization.find(f"{SS}sequencing/{SS}controlMode")
    assert (control.get("choice"), control.get("flow")) == ("true", "true")
    cluster, quiz = organization.findall(f"{CP}item")
    global_id = f"GOBJ-{course.id}-lessons-completed"

    # The cluster holds the lessons and satisfies its objective when all are completed.
    assert cluster.get("identifierref") is None
    assert [i.get("identifier") for i in cluster.findall(f"{CP}item")] == [
        f"ITEM-{le.id}" for le in course.lessons]
    seq = cluster.find(f"{SS}sequencing")
    assert seq.find(f"{SS}controlMode").get("flow") == "true"
    rule = seq.find(f"{SS}rollupRules/{SS}rollupRule")
    assert rule.get("childActivitySet") == "all"
    assert rule.find(f"{SS}rollupConditions/{SS}rollupCondition").get("condition") == "completed"
    assert rule.find(f"{SS}rollupAction").get("action") == "satisfied"
    write = seq.find(f"{SS}objectives/{SS}primaryObjective/{SS}mapInfo")
    assert write.get("targetObjectiveID") == global_id
    assert write.get("writeSatisfiedStatus") == "true"

    # The quiz: disabled until that objective is satisfied, mastered by measure.
    assert quiz.get("identifierref") == f"RES-{course.quiz.id}"
    seq = quiz.find(f"{SS}sequencing")
    pre = seq.find(f"{SS}sequencingRules/{SS}preConditionRule")
    assert pre.find(f"{SS}ruleAction").get("action") == "disabled"
    conditions = pre.find(f"{SS}ruleConditions")
    assert conditions.get("conditionCombination") == "any"
    assert {(c.get("referencedObjective"), c.get("operator"), c.get("condition"))
            for c in conditions} == {(global_id, "not", "satisfied"),
                                     (global_id, "not", "objectiveStatusKnown")}
    primary = seq.find(f"{SS}objectives/{SS}primaryObjective")
    assert primary.get("satisfiedByMeasure") == "true"
    assert primary.findtext(f"{SS}minNormalizedMeasure") == "0.8"
    (read,) = seq.findall(f"{SS}objectives/{SS}objective")
    assert read.get("objectiveID") == global_id
    info = read.find(f"{SS}mapInfo")
    assert (info.get("targetObjectiveID"), info.get("readSatisfiedStatus")) == (global_id, "true")
    delivery = seq.find(f"{SS}deliveryControls")
    assert delivery.get("completionSetByContent") == delivery.get("objectiveSetByContent") == "true"
    (resource,) = root.xpath("//cp:resource[@href='quiz.html']", namespaces={"cp": CP[1:-1]})
    assert resource.get("{http://www.adlnet.org/xsd/adlcp_v1p3}scormType") == "sco"


def test_scorm2004_without_quiz_keeps_the_flat_lesson_list(no_quiz):
    package = Scorm2004Writer(WriterOptions(sco_per_lesson=True)).write(no_quiz)
    assert validate_package(package) == []
    root = etree.fromstring(package.files["imsmanifest.xml"])
    items = root.findall(f"{CP}organizations/{CP}organization/{CP}item")
    assert [i.get("identifier") for i in items] == [f"ITEM-{le.id}" for le in no_quiz.lessons]
    assert b"GOBJ-" not in package.files["imsmanifest.xml"]


def test_scorm2004_practice_quiz_has_no_measure(course):
    practice = dataclasses.replace(
        course, tracking=dataclasses.replace(course.tracking, passing_score=None),
        quiz=dataclasses.replace(course.quiz, passing_score=None))
    package = Scorm2004Writer(WriterOptions(sco_per_lesson=True)).write(practice)
    assert validate_package(package) == []
    assert b"minNormalizedMeasure" not in package.files["imsmanifest.xml"]
    assert b"preConditionRule" in package.files["imsmanifest.xml"]


# --------------------------------------------------------------------------------------------
# The quiz runtime's static rules (as tests/e2e/test_runtime_static.py checks scormkit.js)
# --------------------------------------------------------------------------------------------


def test_quiz_runtime_makes_no_external_requests():
    js = jsbundle.assemble(web.QUIZ_BUNDLE).decode("utf-8")
    css = (RUNTIME / "quiz.css").read_text(encoding="utf-8")
    for text in (js, css):
        assert not re.search(r"https?://|//[a-z0-9-]+\.[a-z]", text, re.I)
    for forbidden in ("eval(", "new Function", "XMLHttpRequest", "fetch(", "sendBeacon",
                      "import ", "document.write", "innerHTML", "=>", "let ", "const ",
                      "class "):
        assert forbidden not in js, forbidden
    # Its require() calls are the bundle's own, between the quiz's modules; none is the
    # runtime's (the tracker is reached through window.scormkit.tracker only).
    members = jsbundle.modules(web.QUIZ_BUNDLE)
    assert set(re.findall(r"\brequire\(([^)]*)\)", js)) <= {
        f"'{path}'" for member in members for path, _ in member.requires}
    assert {m.id.split("/")[0] for m in members} == {"quiz", "util"}
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
