"""The quiz targets: qti12 (Canvas), qti21, qti30 and moodlexml.

- a scenario course with one question of each type (and the variants that change the
  output: partial credit, one or several blanks, feedback, a pinned choice, a pool, images);
- golden files per question per target (regenerate with
  ``SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_quiz_writers.py``);
- every XML document against its XSD, with xmlschema and with the libxml2 fast path;
- Canvas and Moodle rules the XSDs cannot express (Moodle XML has no XSD at all);
- a hypothesis round trip: quiz source -> model -> QTI 2.1 -> read back (by the small QTI 2.1
  reader below, which exists only for this test) gives the same questions;
- the example course builds for every target, through the API and the CLI;
- what a target cannot express: documented fallbacks and UnsupportedFeature errors.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import posixpath
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from scormkit import formats
from scormkit.build import build_package
from scormkit.content import EMPTY, BlankSlot, Content, Element, Image, Node
from scormkit.errors import Location, SourceError, UnsupportedFeature
from scormkit.package import Package
from scormkit.questions import (
    Blank,
    Choice,
    Essay,
    Feedback,
    FillInBlank,
    Matching,
    MatchItem,
    MatchPair,
    MultipleResponse,
    Numeric,
    NumericAnswer,
    Ordering,
    OrderItem,
    Pool,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from scormkit.sources import load_course
from scormkit.sources.quiz import parse_quiz
from scormkit.validation import validate_archive, validate_package
from scormkit.validation.xml import validate_xml
from scormkit.writers import WRITERS, quizcommon
from scormkit.writers.moodlexml import MOODLE_FRACTIONS
from scormkit.writers.qti12 import canvas_shuffle

from .conftest import xhtml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "course_src"
GOLDEN = Path(__file__).parent / "golden"
QUIZ_TARGETS = ("qti12", "qti21", "qti30", "moodlexml")
UPDATE = bool(os.environ.get("SCORMKIT_UPDATE_GOLDEN"))

Q21 = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
Q12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"

DOT_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
           '<circle cx="2" cy="2" r="2"/></svg>\n')

SCENARIO_QUIZ = """\
---
id: scenario
title: Scenario quiz
passing_score: 70
attempts: 2
time_limit: 15
---

One question of each type. ![A dot](../media/dot.svg)

## Pick one {id: single, points: 2, shuffle: true}

Which colour is a clear daytime sky? ![A dot](../media/dot.svg)

- [ ] Green
  > Grass is green.
- [x] *Blue*
- [ ] None of the above {pin}

> Correct: Right.
> Incorrect: Look up.
> Feedback: Rayleigh scattering.

## Pick the primes {id: multiple-partial, type: multiple, partial}

Which numbers are prime?

- [x] 2
- [x] 3
- [ ] 4
  > 4 is 2 x 2.

## Pick the even numbers {id: multiple-all, type: multiple}

Which numbers are even?

- [x] 2
- [ ] 3
- [x] 4

> Correct: Both.

## Round earth {id: truefalse, type: truefalse}

The earth is round.

- [x] True
  > Yes, roughly.
- [ ] False

> Feedback: It is an oblate spheroid.

## One blank {id: fill-one, type: fill}

A young cat is a [[kitten|kitty]].

> Incorrect: Think of a baby cat.

## Two blanks {id: fill-two, type: fill, case: true, partial, points: 2}

The capital of France is [[Paris]] and of Italy [[Rome|Roma]].

## Pi {id: numeric, type: numeric}

What is pi to two decimals?

- 3.14 +- 0.005
  > Close enough.
- 3.1..3.2
- 22

## Capitals {id: matching, type: matching, partial, points: 3}

Match each country to its capital.

- France -> Paris
- Italy -> Rome
- -> Berlin

## Lifecycle {id: ordering, type: ordering}

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

## Second pick {id: pool-b}

Pick B.

- [ ] A
- [x] B
"""

SCENARIO_IDS = ("single", "multiple-partial", "multiple-all", "truefalse", "fill-one",
                "fill-two", "numeric", "matching", "ordering", "essay", "pool-a", "pool-b")


def scenario_files(quiz_text: str = SCENARIO_QUIZ) -> dict[str, str]:
    return {
        "lessons/01-intro.md": ("---\ntitle: Introduction\nobjectives:\n  - Know the course.\n"
                                "minutes: 5\n---\n\n## Welcome\n\nThis is the first lesson.\n"),
        "media/dot.svg": DOT_SVG,
        "quizzes/scenario.quiz.md": quiz_text,
        "course.yaml": ("id: test-course\ntitle: Test course\ndescription: A test course.\n"
                        "language: en\nversion: \"1.0.0\"\nlessons:\n  - lessons/01-intro.md\n"
                        "quiz: quizzes/scenario.quiz.md\n"),
    }


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("scenario") / "course", scenario_files())


def write_files(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scenario(scenario_dir):
    return load_course(scenario_dir)


@pytest.fixture(scope="module")
def packages(scenario) -> dict[str, Package]:
    return {target: WRITERS[target]().write(scenario) for target in QUIZ_TARGETS}


def test_scenario_uses_every_question_type(scenario):
    kinds = {q.kind for q in scenario.quiz.all_questions()}
    assert kinds == set(formats.QUESTION_KINDS)
    assert tuple(q.id for q in scenario.quiz.all_questions()) == SCENARIO_IDS


# ------------------------------------------------------------------------------------------
# Golden files

def golden(path: Path, produced: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(produced)
    assert path.is_file(), f"missing golden file {path}; run with SCORMKIT_UPDATE_GOLDEN=1"
    assert produced.decode() == path.read_text(encoding="utf-8"), path.name


def fragment(element: etree._Element) -> bytes:
    return etree.tostring(element, encoding="UTF-8", with_tail=False) + b"\n"


@pytest.mark.parametrize("target", ["qti21", "qti30"])
def test_golden_qti2_package(packages, target):
    package = packages[target]
    for path, data in package.files.items():
        if path.endswith(".xml"):
            golden(GOLDEN / target / path, data)
    items = {p for p in package.files if p.startswith("items/")}
    assert items == {f"items/{qid}.xml" for qid in SCENARIO_IDS}


def test_golden_qti12_per_question(packages):
    package = packages["qti12"]
    golden(GOLDEN / "qti12" / "imsmanifest.xml", package.files["imsmanifest.xml"])
    golden(GOLDEN / "qti12" / "assessment_meta.xml",
           package.files["scenario/assessment_meta.xml"])
    golden(GOLDEN / "qti12" / "scenario.xml", package.files["scenario/scenario.xml"])
    root = etree.fromstring(package.files["scenario/scenario.xml"])
    items = root.findall(f".//{Q12}item")
    assert [item.get("ident") for item in items] == list(SCENARIO_IDS)
    for item in items:
        golden(GOLDEN / "qti12" / "items" / f"{item.get('ident')}.xml", fragment(item))


def test_golden_moodlexml_per_question(packages):
    data = packages["moodlexml"].files["questions.xml"]
    golden(GOLDEN / "moodlexml" / "questions.xml", data)
    root = etree.fromstring(data)
    for question in root.iter("question"):
        if question.get("type") != "category":
            golden(GOLDEN / "moodlexml" / "questions" / f"{question.findtext('idnumber')}.xml",
                   fragment(question))


# ------------------------------------------------------------------------------------------
# Schema validation

@pytest.mark.parametrize("target", QUIZ_TARGETS)
def test_package_is_valid_and_every_xml_document_is_validated(packages, target):
    package = packages[target]
    assert validate_package(package) == []
    xml_members = {p for p in package.files if p.endswith(".xml")}
    expected_unvalidated = {
        "qti12": {"scenario/assessment_meta.xml"},  # Canvas publishes no XSD for it
        "moodlexml": {"questions.xml"},  # Moodle XML has no XSD
    }.get(target, set())
    assert set(package.xml_documents) == xml_members - expected_unvalidated
    for path in expected_unvalidated:
        etree.fromstring(package.files[path])  # well-formed


@pytest.mark.parametrize("target", ["qti12", "qti21", "qti30"])
def test_every_document_is_valid_for_both_validators(packages, target):
    package = packages[target]
    for path, family in package.xml_documents.items():
        assert validate_xml(path, package.files[path], family) == [], path
        assert validate_xml(path, package.files[path], family, fast=True) == [], path


def test_qti12_documents_use_the_expected_families(packages):
    assert packages["qti12"].xml_documents == {
        "imsmanifest.xml": "imscp", "scenario/scenario.xml": "qti12"}


@pytest.mark.parametrize("target", ["qti21", "qti30"])
def test_fast_path_explains_an_invalid_document_with_xmlschema(packages, target):
    package = packages[target]
    path = "items/single.xml"
    broken = package.files[path].replace(b'cardinality="single"', b'cardinality="sometimes"', 1)
    family = package.xml_documents[path]
    slow = validate_xml(path, broken, family)
    fast = validate_xml(path, broken, family, fast=True)
    assert slow and fast == slow
    assert all(d.code == "xsd-invalid" and d.location.line == 3 for d in fast)


def test_every_document_takes_the_fast_path(packages, monkeypatch):
    """libxml2 validates every document first, whatever the package's size."""
    from scormkit import schemas

    calls = []
    real = schemas.fast_compiled
    monkeypatch.setattr(schemas, "fast_compiled", lambda *a: calls.append(a) or real(*a))
    assert validate_package(packages["qti21"]) == []
    assert len(calls) == len(packages["qti21"].xml_documents)


# ------------------------------------------------------------------------------------------
# QTI 1.2 (Canvas) rules

CANVAS_QUESTION_TYPES = {
    "multiple_choice_question", "true_false_question", "multiple_answers_question",
    "short_answer_question", "fill_in_multiple_blanks_question", "multiple_dropdowns_question",
    "matching_question", "numerical_question", "calculated_question", "essay_question",
    "file_upload_question", "text_only_question"}


def canvas_meta(item: etree._Element) -> dict[str, str]:
    return {field.findtext(f"{Q12}fieldlabel"): field.findtext(f"{Q12}fieldentry") or ""
            for field in item.iterfind(f"{Q12}itemmetadata/{Q12}qtimetadata/"
                                       f"{Q12}qtimetadatafield")}


def test_canvas_item_metadata_and_scores(packages, scenario):
    root = etree.fromstring(packages["qti12"].files["scenario/scenario.xml"])
    types = {}
    for item in root.iter(f"{Q12}item"):
        meta = canvas_meta(item)
        assert set(meta) == {"question_type", "points_possible", "original_answer_ids",
                             "assessment_question_identifierref"}
        assert meta["question_type"] in CANVAS_QUESTION_TYPES
        question = scenario.quiz.question(item.get("ident"))
        assert Decimal(meta["points_possible"]) == question.points
        labels = [label.get("ident") for label in item.iter(f"{Q12}response_label")
                  if label.getparent().tag == f"{Q12}render_choice"]
        if meta["original_answer_ids"]:
            assert set(meta["original_answer_ids"].split(",")) == set(labels)
        types[item.get("ident")] = meta["question_type"]
        decvar = item.find(f"{Q12}resprocessing/{Q12}outcomes/{Q12}decvar")
        assert decvar.attrib == {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                 "vartype": "Decimal"}
        for setvar in item.iter(f"{Q12}setvar"):
            # Add 0 links a part to its answer for Canvas in an all-or-nothing question.
            assert 0 <= Decimal(setvar.text) <= 100
            assert Decimal(setvar.text) or setvar.get("action") == "Add"
        links = {d.get("linkrefid") for d in item.iter(f"{Q12}displayfeedback")}
        assert links == {f.get("ident") for f in item.iter(f"{Q12}itemfeedback")}
    assert types == {
        "single": "multiple_choice_question", "multiple-partial": "multiple_answers_question",
        "multiple-all": "multiple_answers_question", "truefalse": "true_false_question",
        "fill-one": "short_answer_question", "fill-two": "fill_in_multiple_blanks_question",
        "numeric": "numerical_question", "matching": "matching_question",
        "ordering": "matching_question", "essay": "essay_question",
        "pool-a": "multiple_choice_question", "pool-b": "multiple_choice_question"}


def test_canvas_scores_follow_the_partial_credit_setting(packages):
    root = etree.fromstring(packages["qti12"].files["scenario/scenario.xml"])
    for ident in ("fill-two", "matching", "ordering", "fill-one"):
        item = root.find(f".//{Q12}item[@ident='{ident}']")
        added = [Decimal(s.text) for s in item.iter(f"{Q12}setvar") if s.get("action") == "Add"]
        # One Add per accepted answer of each part (fill-two's second blank has two).
        assert sum(added) == {"fill-two": 150, "matching": 100}.get(ident, 0), ident
        full = [s.text for s in item.iter(f"{Q12}setvar") if s.get("action") == "Set"]
        # A one-blank question sets 100 once per accepted answer (kitten, kitty).
        assert full == ["100"] * (2 if ident == "fill-one" else 1), ident


def test_canvas_pool_is_a_question_group(packages):
    root = etree.fromstring(packages["qti12"].files["scenario/scenario.xml"])
    group = root.find(f".//{Q12}section[@ident='warmup']")
    assert group.get("title") == "Warm-up pool"
    assert group.findtext(f"{Q12}selection_ordering/{Q12}selection/{Q12}selection_number") == "1"
    assert group.findtext(f".//{Q12}selection_extension/{Q12}points_per_item") == "1"
    assert [i.get("ident") for i in group.iter(f"{Q12}item")] == ["pool-a", "pool-b"]


def test_canvas_numeric_has_exact_value_and_bounds(packages):
    root = etree.fromstring(packages["qti12"].files["scenario/scenario.xml"])
    item = root.find(f".//{Q12}item[@ident='numeric']")
    first = item.find(f"{Q12}resprocessing/{Q12}respcondition/{Q12}conditionvar/{Q12}or")
    assert first.findtext(f"{Q12}varequal") == "3.14"
    assert first.findtext(f"{Q12}and/{Q12}vargte") == "3.135"
    assert first.findtext(f"{Q12}and/{Q12}varlte") == "3.145"


def test_canvas_manifest_is_plain_ims_cp_and_lists_everything(packages):
    package = packages["qti12"]
    manifest = etree.fromstring(package.files["imsmanifest.xml"])
    assert manifest.tag == f"{CP}manifest"
    types = {r.get("type"): r for r in manifest.iter(f"{CP}resource")}
    assert set(types) == {"imsqti_xmlv1p2",
                          "associatedcontent/imscc_xmlv1p1/learning-application-resource",
                          "webcontent"}
    assert types["imsqti_xmlv1p2"].find(f"{CP}file").get("href") == "scenario/scenario.xml"
    assert set(package.files) == {"imsmanifest.xml", "scenario/scenario.xml",
                                  "scenario/assessment_meta.xml", "media/dot.svg"}
    assessment = package.files["scenario/scenario.xml"].decode()
    assert "$IMS-CC-FILEBASE$/media/dot.svg" in assessment


def test_canvas_assessment_meta(packages, scenario):
    meta = etree.fromstring(packages["qti12"].files["scenario/assessment_meta.xml"])
    ns = "{http://canvas.instructure.com/xsd/cccv1p0}"
    assert meta.tag == f"{ns}quiz"
    assert meta.findtext(f"{ns}title") == "Scenario quiz"
    assert Decimal(meta.findtext(f"{ns}points_possible")) == scenario.quiz.max_points == 19
    assert meta.findtext(f"{ns}allowed_attempts") == "2"
    assert meta.findtext(f"{ns}time_limit") == "15"
    assert meta.findtext(f"{ns}quiz_type") == "assignment"
    assert meta.findtext(f"{ns}assignment/{ns}submission_types") == "online_quiz"
    assert "dot.svg" in meta.findtext(f"{ns}description")


def test_canvas_does_not_shuffle_when_a_choice_is_pinned(scenario):
    quiz = scenario.quiz
    assert canvas_shuffle(quiz) is False  # "None of the above" is pinned
    unpinned = replace_question(quiz, "single", lambda q: dataclasses.replace(
        q, choices=tuple(dataclasses.replace(c, pinned=False) for c in q.choices)))
    assert canvas_shuffle(unpinned) is False  # other questions do not shuffle
    every = replace_all(unpinned, lambda q: dataclasses.replace(q, shuffle=True) if isinstance(
        q, SingleChoice | MultipleResponse | Matching) else q)
    assert canvas_shuffle(every) is True


def test_ordering_fallback_matches_items_to_positions(packages, scenario):
    question = scenario.quiz.question("ordering")
    shown = quizcommon.scrambled(question)
    assert shown != question.items and sorted(shown, key=lambda i: i.id) == list(question.items)
    root = etree.fromstring(packages["qti12"].files["scenario/scenario.xml"])
    item = root.find(f".//{Q12}item[@ident='ordering']")
    premises = [lid.findtext(f"{Q12}material/{Q12}mattext")
                for lid in item.iterfind(f"{Q12}presentation/{Q12}response_lid")]
    assert premises == [xhtml(i.text) for i in shown]
    positions = [m.text for m in item.iterfind(
        f"{Q12}presentation/{Q12}response_lid[1]/{Q12}render_choice/{Q12}response_label/"
        f"{Q12}material/{Q12}mattext")]
    assert positions == ["1", "2", "3"]
    moodle = etree.fromstring(packages["moodlexml"].files["questions.xml"])
    question_el = next(q for q in moodle.iter("question") if q.findtext("idnumber") == "ordering")
    assert question_el.get("type") == "matching"
    pairs = [(s.findtext("text"), s.findtext("answer/text"))
             for s in question_el.iter("subquestion")]
    order = {xhtml(item.text): str(n) for n, item in enumerate(question.items, start=1)}
    assert pairs == [(xhtml(i.text), order[xhtml(i.text)]) for i in shown]


# ------------------------------------------------------------------------------------------
# QTI 2.1 / 3.0 specifics

def test_qti21_manifest_resources_and_dependencies(packages):
    package = packages["qti21"]
    manifest = etree.fromstring(package.files["imsmanifest.xml"])
    resources = {r.get("identifier"): r for r in manifest.iter(f"{CP}resource")}
    test = resources["RES-TEST-scenario"]
    assert test.get("type") == "imsqti_test_xmlv2p1"
    deps = [d.get("identifierref") for d in test.iter(f"{CP}dependency")]
    assert deps[:len(SCENARIO_IDS)] == [f"RES-ITEM-{qid}" for qid in SCENARIO_IDS]
    single = resources["RES-ITEM-single"]
    assert single.get("type") == "imsqti_item_xmlv2p1"
    assert [d.get("identifierref") for d in single.iter(f"{CP}dependency")] == [
        "RES-MEDIA-media-dot.svg"]
    item = etree.fromstring(package.files["items/single.xml"])
    assert item.find(f".//{Q21}img").get("src") == "../media/dot.svg"


def test_qti21_templates_where_they_fit(packages):
    def template(qid: str) -> str | None:
        item = etree.fromstring(packages["qti21"].files[f"items/{qid}.xml"])
        return item.find(f"{Q21}responseProcessing").get("template")

    base = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
    assert template("ordering") == template("pool-a") == base + "match_correct"
    # 3 points over 2 pairs: each right pair maps to 1.5, so mapResponse is the score.
    assert template("matching") == base + "map_response"
    # Feedback to show, points other than 1, several blanks, numbers: custom rules.
    for qid in ("single", "multiple-partial", "multiple-all", "fill-one", "fill-two",
                "numeric", "essay"):
        assert template(qid) is None, qid


def test_qti21_pool_selection_and_test_outcomes(packages):
    test = etree.fromstring(packages["qti21"].files["scenario.xml"])
    pool = test.find(f".//{Q21}assessmentSection[@identifier='warmup']")
    assert pool.find(f"{Q21}selection").get("select") == "1"
    assert pool.find(f"{Q21}ordering").get("shuffle") == "true"
    assert test.find(f"{Q21}timeLimits").get("maxTime") == "900"
    threshold = test.find(f".//{Q21}setOutcomeValue[@identifier='PASS']/{Q21}gte/{Q21}baseValue")
    assert Decimal(threshold.text) == Decimal("13.3")  # 70 % of 19 points


def test_qti30_has_no_data_attributes_and_only_qti_names(packages):
    for path, data in packages["qti30"].files.items():
        if not path.startswith("items/"):
            continue
        root = etree.fromstring(data)
        for element in root.iter():
            assert not any(name.startswith("data-") for name in element.attrib), path
            local = etree.QName(element).localname
            assert local.startswith("qti-") or local in quizcommon.QTI_HTML, local


# ------------------------------------------------------------------------------------------
# Moodle XML rules (no XSD exists)

ALLOWED = {Decimal(f) * 100 for f in MOODLE_FRACTIONS} | {-Decimal(f) * 100
                                                          for f in MOODLE_FRACTIONS}


def moodle_rules(data: bytes) -> list[str]:
    """Structural problems in a Moodle XML file, as Moodle's importer would meet them."""
    problems: list[str] = []
    root = etree.fromstring(data)
    if root.tag != "quiz":
        return ["root element is not <quiz>"]
    category_seen = False
    for question in root.iterfind("question"):
        kind = question.get("type")
        for text_holder in question.iter():
            text = text_holder.findtext("text") or ""
            names = {(f.get("path") + f.get("name")).lstrip("/")
                     for f in text_holder.iterfind("file")}
            for ref in re.findall(r"@@PLUGINFILE@@/([^\"']+)", text):
                if ref not in names:
                    problems.append(f"{ref} has no <file> next to the text")
        if kind == "category":
            category_seen = True
            if not (question.findtext("category/text") or "").startswith("$course$/"):
                problems.append("category outside $course$")
            continue
        name = question.findtext("idnumber")
        if not category_seen:
            problems.append(f"{name}: question before any category")
        if not (question.findtext("name/text") or "").strip():
            problems.append(f"{name}: no name")
        if question.find("questiontext/text") is None:
            problems.append(f"{name}: no questiontext")
        fractions = [Decimal(a.get("fraction")) for a in question.iterfind("answer")]
        for fraction in fractions:
            if not any(abs(fraction - allowed) < Decimal("0.001") for allowed in ALLOWED):
                problems.append(f"{name}: grade {fraction} is not one Moodle accepts")
        if kind == "multichoice":
            positive = sum(f for f in fractions if f > 0)
            single = question.findtext("single") == "true"
            if single and (max(fractions) != 100 or fractions.count(Decimal(100)) != 1):
                problems.append(f"{name}: a single-answer question needs one 100% answer")
            if not single and abs(positive - 100) > Decimal("0.001"):
                problems.append(f"{name}: positive grades add up to {positive}, not 100")
        elif kind == "truefalse":
            texts = sorted(a.findtext("text") for a in question.iterfind("answer"))
            if texts != ["false", "true"] or sorted(fractions) != [0, 100]:
                problems.append(f"{name}: true/false answers are wrong")
        elif kind in ("shortanswer", "numerical"):
            if max(fractions, default=Decimal(0)) != 100:
                problems.append(f"{name}: no answer gets full marks")
            if kind == "numerical" and any(
                    a.find("tolerance") is None for a in question.iterfind("answer")
                    if a.findtext("text") != "*"):
                problems.append(f"{name}: numerical answer without tolerance")
        elif kind == "matching":
            subs = question.findall("subquestion")
            real = [s for s in subs if (s.findtext("text") or "").strip()]
            if len(real) < 2 or any(not s.findtext("answer/text") for s in subs):
                problems.append(f"{name}: matching needs 2+ questions, each with an answer")
        elif kind == "multianswer":
            if not re.search(r"\{\d+:SHORTANSWER(_C)?:", question.findtext(
                    "questiontext/text") or ""):
                problems.append(f"{name}: Cloze question without an embedded answer")
        elif kind == "essay":
            if question.find("graderinfo") is None:
                problems.append(f"{name}: essay without graderinfo")
        else:
            problems.append(f"{name}: unexpected type {kind}")
    return problems


def test_moodle_structure(packages):
    assert moodle_rules(packages["moodlexml"].files["questions.xml"]) == []


def test_moodle_rules_catch_problems(packages):
    data = packages["moodlexml"].files["questions.xml"]
    assert moodle_rules(data.replace(b'fraction="50"', b'fraction="45"', 1))
    assert moodle_rules(data.replace(b"<name>", b"<nom>", 1).replace(b"</name>", b"</nom>", 1))
    assert moodle_rules(data.replace(b'<file name="dot.svg"', b'<file name="other.svg"', 1))


def test_moodle_types_categories_and_media(packages):
    root = etree.fromstring(packages["moodlexml"].files["questions.xml"])
    types = {q.findtext("idnumber"): q.get("type") for q in root.iter("question")
             if q.get("type") != "category"}
    assert types == {
        "single": "multichoice", "multiple-partial": "multichoice",
        "multiple-all": "multichoice", "truefalse": "truefalse", "fill-one": "shortanswer",
        "fill-two": "multianswer", "numeric": "numerical", "matching": "matching",
        "ordering": "matching", "essay": "essay", "pool-a": "multichoice",
        "pool-b": "multichoice"}
    categories = [q.findtext("category/text") for q in root.iter("question")
                  if q.get("type") == "category"]
    assert categories == ["$course$/Scenario quiz", "$course$/Scenario quiz/Warm-up pool"]
    cloze = next(q for q in root.iter("question") if q.findtext("idnumber") == "fill-two")
    text = cloze.findtext("questiontext/text")
    assert "{1:SHORTANSWER_C:%100%Paris}" in text
    assert "{1:SHORTANSWER_C:%100%Rome~%100%Roma}" in text
    single = next(q for q in root.iter("question") if q.findtext("idnumber") == "single")
    assert single.findtext("shuffleanswers") == "false"  # pinned "None of the above"
    assert single.find("questiontext/file").get("name") == "dot.svg"
    numeric = next(q for q in root.iter("question") if q.findtext("idnumber") == "numeric")
    answers = [(a.findtext("text"), a.findtext("tolerance")) for a in numeric.iter("answer")]
    assert answers == [("3.14", "0.005"), ("3.15", "0.05"), ("22", "0")]


def test_moodle_package_is_the_xml_file_moodle_imports(scenario_dir, tmp_path):
    """Moodle's question import takes the .xml itself (qformat_xml::mime_type() is
    application/xml; the import form refuses other types), with media embedded."""
    result = build_package(scenario_dir, "moodlexml", tmp_path)
    assert result.path.name == "test-course-1.0.0-moodlexml.xml"
    assert sorted(p.name for p in tmp_path.iterdir()) == [result.path.name]  # no temp left
    data = result.path.read_bytes()
    assert not zipfile.is_zipfile(result.path)
    assert data == WRITERS["moodlexml"]().write(load_course(scenario_dir)).files[
        "questions.xml"]
    root = etree.fromstring(data)
    assert root.tag == "quiz"
    assert result.size == len(data) and result.files == 1
    # Rebuilt: byte for byte the same.
    again = build_package(scenario_dir, "moodlexml", tmp_path / "again")
    assert again.path.read_bytes() == data
    # `validate` takes the file as it is.
    report = validate_archive(result.path)
    assert report.kind.key == "moodlexml" and report.diagnostics == []


def test_moodle_refuses_grades_it_cannot_store(scenario):
    many = "\n".join(f"- [x] Right {n}" for n in range(11)) + "\n- [ ] Wrong\n"
    quiz = parse_one(f"## Many {{id: many, type: multiple, partial}}\n\nPick.\n\n{many}")
    course = dataclasses.replace(scenario, quiz=quiz)
    with pytest.raises(UnsupportedFeature) as info:
        WRITERS["moodlexml"]().write(course)
    diagnostic = info.value.diagnostics()[0]
    assert diagnostic.code == "quiz-unsupported"
    assert diagnostic.location.line == 6  # the question's heading
    assert "11 correct choices" in diagnostic.message
    for target in ("qti12", "qti21", "qti30"):  # the others can
        assert validate_package(WRITERS[target]().write(course)) == []


# ------------------------------------------------------------------------------------------
# Support table, errors, the example course

DOC_TARGETS = (*QUIZ_TARGETS, "cc11", "cc13")
"""The columns of the type x target table in docs/quiz-targets.md: the quiz targets, then the
Common Cartridge targets (courses whose quiz becomes a CC assessment, tests/test_cc_writer.py)."""


def test_support_table_is_complete_and_documented():
    doc = (ROOT / "docs" / "quiz-targets.md").read_text(encoding="utf-8")
    assert set(formats.QUESTION_SUPPORT) == set(DOC_TARGETS)
    for target, table in formats.QUESTION_SUPPORT.items():
        assert set(table) == set(formats.QUESTION_KINDS), target
        for kind, support in table.items():
            assert support.status in (formats.NATIVE, formats.FALLBACK, formats.ERROR)
            assert f"| {kind} | " in doc, kind
    assert formats.question_table() in doc  # generated: tests/test_formats.py


@pytest.mark.parametrize("target", QUIZ_TARGETS)
def test_course_without_quiz_is_a_clear_error(make_course, tmp_path, target):
    course_dir = make_course(tmp_path)
    with pytest.raises(SourceError) as info:
        build_package(course_dir, target, tmp_path / "dist")
    assert info.value.diagnostics()[0].code == "quiz-missing"
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("target", QUIZ_TARGETS)
def test_example_course_builds(tmp_path, target):
    result = build_package(EXAMPLE, target, tmp_path)
    assert result.path.name == f"tpm-skills-1.0.0-{target}.{_suffix(target)}"
    if target == "moodlexml":
        assert etree.parse(result.path).getroot().tag == "quiz"
        return
    with zipfile.ZipFile(result.path) as zf:
        assert zf.testzip() is None


def _suffix(target: str) -> str:
    return "xml" if target == "moodlexml" else "zip"


@pytest.mark.parametrize("target", QUIZ_TARGETS)
def test_example_course_builds_from_the_cli(run_cli, tmp_path, target):
    code, out, err = run_cli(["build", EXAMPLE, "--target", target, "--out", tmp_path])
    assert code == 0, err
    assert f"tpm-skills-1.0.0-{target}.{_suffix(target)}" in out
    assert (tmp_path / f"tpm-skills-1.0.0-{target}.{_suffix(target)}").is_file()


def test_example_quiz_contents_reach_every_target():
    course = load_course(EXAMPLE)
    ids = [q.id for q in course.quiz.all_questions()]
    for target in QUIZ_TARGETS:
        package = WRITERS[target]().write(course)
        text = b"".join(package.files[p] for p in package.files if p.endswith(".xml")).decode()
        for qid in ids:
            assert qid in text, (target, qid)
        if target == "moodlexml":
            assert moodle_rules(package.files["questions.xml"]) == []


@pytest.mark.parametrize("target", QUIZ_TARGETS)
def test_builds_are_byte_identical(scenario_dir, tmp_path, target):
    first = build_package(scenario_dir, target, tmp_path / "a").path.read_bytes()
    second = build_package(scenario_dir, target, tmp_path / "b").path.read_bytes()
    assert first == second


# ------------------------------------------------------------------------------------------
# Round trip: source -> model -> QTI 2.1 -> model

def canon(content: Content) -> str:
    """Equivalent XHTML compares equal (attribute quoting, empty elements, escapes)."""
    html_text = xhtml(content)
    if not html_text:
        return html_text
    return etree.tostring(etree.fromstring(f"<div>{html_text}</div>"), method="c14n").decode()


def normalized(value):
    """A model value with all its content canonicalised. Partial credit on a question with
    one blank changes nothing (all or nothing is the same), and QTI does not tell them apart;
    nor does it tell a tolerance from a range: both are written as their bounds (gte/lte,
    which every QTI engine reads)."""
    if isinstance(value, FillInBlank) and len(value.blanks) == 1:
        value = dataclasses.replace(value, partial_credit=False)
    if isinstance(value, NumericAnswer) and value.kind == "tolerance":
        value = dataclasses.replace(value, value=None, tolerance=None)
    if isinstance(value, tuple):
        return tuple(normalized(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            if isinstance(current, Content):
                changes[f.name] = canon(current)
            elif isinstance(current, tuple) or dataclasses.is_dataclass(current):
                changes[f.name] = normalized(current)
        return dataclasses.replace(value, **changes)
    return value


class Qti21Reader:
    """Reads a QTI 2.1 package written by scormkit back into the quiz model (test only)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        manifest = etree.fromstring(files["imsmanifest.xml"])
        test_href = next(r.get("href") for r in manifest.iter(f"{CP}resource")
                         if r.get("type") == "imsqti_test_xmlv2p1")
        self.test = etree.fromstring(files[test_href])
        self.folder = posixpath.dirname(test_href)

    def html(self, element: etree._Element, stop: etree._Element | None = None,
             skip: tuple[str, ...] = ()) -> Content:
        nodes: list[Node] = [element.text or ""]
        for child in element:
            if child is stop:
                break
            if etree.QName(child).localname in skip:
                continue
            nodes += [self.node(child), child.tail or ""]
        return Content(tuple(nodes))

    def node(self, element: etree._Element) -> Node:
        tag = etree.QName(element).localname
        if tag == "img":  # back to the package path the model holds
            path = posixpath.normpath(posixpath.join(self.folder, element.get("src")))
            return Image(path, element.get("alt"), element.get("title"))
        if tag == "blank":
            return BlankSlot(element.get("id"))
        children: list[Node] = [element.text or ""]
        for child in element:
            children += [self.node(child), child.tail or ""]
        return Element(tag, tuple(element.attrib.items()), tuple(children))

    def quiz(self, template: Quiz) -> Quiz:
        test = self.test
        main = test.find(f".//{Q21}assessmentSection")
        intro = main.find(f"{Q21}rubricBlock")
        intro_content = self.html(intro) if intro is not None else EMPTY
        items: list[Question | Pool] = []
        for child in main:
            local = etree.QName(child).localname
            if local == "assessmentItemRef":
                items.append(self.item(child.get("href")))
            elif local == "assessmentSection":
                questions = tuple(self.item(ref.get("href"))
                                  for ref in child.iter(f"{Q21}assessmentItemRef"))
                selection = child.find(f"{Q21}selection")
                draw = int(selection.get("select")) if selection is not None else len(questions)
                items.append(Pool(child.get("identifier"), child.get("title"), draw, questions,
                                  template.source))
        maximum = Decimal(test.findtext(f"{Q21}outcomeDeclaration[@identifier='MAXSCORE']/"
                                        f"{Q21}defaultValue/{Q21}value"))
        threshold = test.findtext(f".//{Q21}setOutcomeValue[@identifier='PASS']/{Q21}gte/"
                                  f"{Q21}baseValue")
        limit = test.find(f"{Q21}timeLimits")
        return Quiz(
            id=test.get("identifier"), slug=template.slug, title=test.get("title"),
            intro=intro_content, items=tuple(items),
            passing_score=(int(Decimal(threshold) * 100 / maximum)
                           if threshold is not None else None),
            max_attempts=template.max_attempts,  # a delivery setting: not part of QTI
            time_limit=int(limit.get("maxTime")) // 60 if limit is not None else None,
            assets=template.assets, source=template.source)

    def item(self, href: str) -> Question:
        root = etree.fromstring(self.files[href])
        self.folder = posixpath.dirname(href)
        here = Location(href)
        body = root.find(f"{Q21}itemBody")
        feedback = {m.get("identifier"): self.html(m) for m in root.iter(f"{Q21}modalFeedback")}
        common = {
            "id": root.get("identifier"), "title": root.get("title"),
            "points": Decimal(root.findtext(f"{Q21}outcomeDeclaration[@identifier='MAXSCORE']/"
                                            f"{Q21}defaultValue/{Q21}value")),
            "feedback": Feedback(feedback.get("CORRECT", EMPTY), feedback.get("INCORRECT", EMPTY),
                                 feedback.get("GENERAL", EMPTY)),
            "source": here,
        }
        declarations = {d.get("identifier"): d for d in root.iter(f"{Q21}responseDeclaration")}
        correct = [v.text for v in declarations[next(iter(declarations))].iterfind(
            f"{Q21}correctResponse/{Q21}value")]
        interaction = next(e for e in body.iter() if isinstance(e.tag, str)
                           and etree.QName(e).localname.endswith("Interaction"))
        kind = etree.QName(interaction).localname
        holder = interaction
        while holder.getparent() is not body:  # e.g. the <p> around a numeric text entry
            holder = holder.getparent()
        prompt = self.html(body, stop=holder)
        if kind == "choiceInteraction":
            choices = interaction.findall(f"{Q21}simpleChoice")
            if [c.get("identifier") for c in choices] == ["true", "false"]:
                return TrueFalse(**common, prompt=prompt, answer=correct == ["true"],
                                 true_feedback=feedback.get("true", EMPTY),
                                 false_feedback=feedback.get("false", EMPTY))
            model = tuple(Choice(c.get("identifier"), self.html(c),
                                 c.get("identifier") in correct, c.get("fixed") == "true",
                                 feedback.get(c.get("identifier"), EMPTY), here) for c in choices)
            shuffle = interaction.get("shuffle") == "true"
            if declarations["RESPONSE"].get("cardinality") == "single":
                return SingleChoice(**common, prompt=prompt, choices=model,
                                    shuffle=shuffle)
            return MultipleResponse(**common, prompt=prompt, choices=model,
                                    shuffle=shuffle, partial_credit=declarations[
                                        "RESPONSE"].find(f"{Q21}mapping") is not None)
        if kind == "textEntryInteraction" and declarations[
                interaction.get("responseIdentifier")].get("baseType") == "float":
            return Numeric(**common, prompt=prompt,
                           answers=self.numeric_answers(root, feedback, here))
        if kind == "textEntryInteraction":
            blanks = []
            prompt_root = copy.deepcopy(body)
            for number, entry in enumerate(prompt_root.iter(f"{Q21}textEntryInteraction"), 1):
                declaration = declarations[entry.get("responseIdentifier")]
                blank_id = f"b{number}"
                answers = [e.get("mapKey") for e in declaration.iter(f"{Q21}mapEntry")]
                case = declaration.find(f".//{Q21}mapEntry").get("caseSensitive") == "true"
                blanks.append(Blank(blank_id, tuple(answers), here))
                span = etree.Element("blank", id=blank_id)  # a BlankSlot (see node)
                span.tail = entry.tail
                entry.getparent().replace(entry, span)
            partial = root.find(f".//{Q21}divide") is not None
            return FillInBlank(**common, prompt=self.html(prompt_root), blanks=tuple(blanks),
                               case_sensitive=case, partial_credit=partial)
        if kind == "matchInteraction":
            premise_set, response_set = interaction.findall(f"{Q21}simpleMatchSet")
            premises = {c.get("identifier"): MatchItem(c.get("identifier"), self.html(c), here)
                        for c in premise_set}
            responses = {c.get("identifier"): MatchItem(c.get("identifier"), self.html(c), here)
                         for c in response_set}
            pairs = tuple(MatchPair(premises[p], responses[r])
                          for p, r in (value.split() for value in correct))
            used = {pair.response.id for pair in pairs}
            return Matching(**common, prompt=prompt, pairs=pairs,
                            distractors=tuple(r for rid, r in responses.items() if rid not in used),
                            shuffle=interaction.get("shuffle") == "true",
                            partial_credit=declarations["RESPONSE"].find(
                                f"{Q21}mapping") is not None)
        if kind == "orderInteraction":
            texts = {c.get("identifier"): self.html(c)
                     for c in interaction.iter(f"{Q21}simpleChoice")}
            return Ordering(**common, prompt=prompt,
                            items=tuple(OrderItem(i, texts[i], here) for i in correct))
        assert kind == "extendedTextInteraction", kind
        rubric = body.find(f"{Q21}rubricBlock")
        return Essay(**common, prompt=prompt,
                     grading=self.html(rubric) if rubric is not None else EMPTY)

    def numeric_answers(self, root, feedback, here) -> tuple[NumericAnswer, ...]:
        condition = root.find(f"{Q21}responseProcessing/{Q21}responseCondition")
        answers = []
        for number, branch in enumerate(condition, start=1):
            test = branch[0]
            text = feedback.get(f"n{number}", EMPTY)
            if etree.QName(test).localname == "and":
                low, high = (Decimal(t.findtext(f"{Q21}baseValue")) for t in test)
                answers.append(NumericAnswer(low, high, None, None, text, here))
                continue
            assert test.get("toleranceMode") == "exact"
            value = Decimal(test.findtext(f"{Q21}baseValue"))
            answers.append(NumericAnswer(value, value, value, None, text, here))
        return tuple(answers)


def test_round_trip_of_the_scenario(scenario):
    package = WRITERS["qti21"]().write(scenario)
    back = Qti21Reader(package.files).quiz(scenario.quiz)
    assert normalized(back) == normalized(scenario.quiz)


WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa")

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
styled = st.tuples(words, st.sampled_from(["", "*", "**", "`"])).map(
    lambda t: f"{t[1]}{t[0]}{t[1]}")
sentence = st.lists(styled, min_size=1, max_size=3).map(
    lambda parts: " ".join(parts)[:1].upper() + " ".join(parts)[1:])
points = st.sampled_from(["1", "2", "0.5", "3"])
flag = st.booleans()


@st.composite
def feedback_lines(draw, labels=("Correct", "Incorrect", "Feedback")) -> str:
    lines = [f"> {label}: {draw(sentence)}" for label in labels if draw(flag)]
    return ("\n" + "\n".join(lines) + "\n") if lines else ""


@st.composite
def choice_question(draw, qid: str, kind: str) -> str:
    count = draw(st.integers(2, 5))
    texts = [f"{draw(sentence)} {n}" for n in range(count)]
    if kind == "single":
        right = {draw(st.integers(0, count - 1))}
    else:
        right = set(draw(st.lists(st.integers(0, count - 1), min_size=1, unique=True)))
    shuffle = draw(flag)
    settings_ = [f"id: {qid}", f"type: {kind}", f"points: {draw(points)}",
                 f"shuffle: {'true' if shuffle else 'false'}"]
    if kind == "multiple" and draw(flag):
        settings_.append("partial")
    lines = []
    for n, text in enumerate(texts):
        pin = " {pin}" if draw(flag) and n == count - 1 else ""
        lines.append(f"- [{'x' if n in right else ' '}] {text}{pin}")
        if draw(flag):
            lines.append(f"  > {draw(sentence)}")
    return (f"## {draw(sentence)} {{{', '.join(settings_)}}}\n\n{draw(sentence)}?\n\n"
            + "\n".join(lines) + "\n" + draw(feedback_lines()))


@st.composite
def true_false_question(draw, qid: str) -> str:
    answer = draw(flag)
    true_fb = f"\n  > {draw(sentence)}" if draw(flag) else ""
    return (f"## {draw(sentence)} {{id: {qid}, type: truefalse}}\n\n{draw(sentence)}.\n\n"
            f"- [{'x' if answer else ' '}] True{true_fb}\n- [{' ' if answer else 'x'}] False\n"
            + draw(feedback_lines()))


@st.composite
def fill_question(draw, qid: str) -> str:
    blanks = draw(st.integers(1, 3))
    parts = []
    for _n in range(blanks):
        answers = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True))
        parts.append(f"{draw(words)} [[{'|'.join(answers)}]]")
    extra = ["type: fill", f"points: {draw(points)}"]
    if draw(flag):
        extra.append("case: true")
    if draw(flag):
        extra.append("partial")
    return (f"## {draw(sentence)} {{id: {qid}, {', '.join(extra)}}}\n\n"
            f"{' '.join(parts).capitalize()} end.\n" + draw(feedback_lines()))


@st.composite
def numeric_question(draw, qid: str) -> str:
    lines = []
    for base in draw(st.lists(st.integers(-5, 5), min_size=1, max_size=3, unique=True)):
        base *= 20  # far apart: accepted answers never overlap
        kind = draw(st.sampled_from(["exact", "tolerance", "range"]))
        if kind == "exact":
            lines.append(f"- {base}")
        elif kind == "tolerance":
            lines.append(f"- {base}.5 +- 0.25")
        else:
            lines.append(f"- {base}..{base + draw(st.integers(1, 9))}")
        if draw(flag):
            lines.append(f"  > {draw(sentence)}")
    return (f"## {draw(sentence)} {{id: {qid}, type: numeric}}\n\n{draw(sentence)}?\n\n"
            + "\n".join(lines) + "\n" + draw(feedback_lines()))


@st.composite
def matching_question(draw, qid: str) -> str:
    count = draw(st.integers(2, 4))
    lines = [f"- {draw(words)} {n} -> {WORDS[n].capitalize()} {n}" for n in range(count)]
    if draw(flag):
        lines.append(f"- -> Spare {draw(words)}")
    extra = ", partial" if draw(flag) else ""
    shuffle = "true" if draw(flag) else "false"
    return (f"## {draw(sentence)} {{id: {qid}, type: matching, shuffle: {shuffle}{extra}}}\n\n"
            f"{draw(sentence)}.\n\n" + "\n".join(lines) + "\n" + draw(feedback_lines()))


@st.composite
def ordering_question(draw, qid: str) -> str:
    count = draw(st.integers(2, 5))
    lines = [f"{n + 1}. {draw(sentence)} {n}" for n in range(count)]
    return (f"## {draw(sentence)} {{id: {qid}, type: ordering}}\n\n{draw(sentence)}.\n\n"
            + "\n".join(lines) + "\n" + draw(feedback_lines()))


@st.composite
def essay_question(draw, qid: str) -> str:
    grading = f"> Grading: {draw(sentence)}\n" if draw(flag) else ""
    general = f"> Feedback: {draw(sentence)}\n" if draw(flag) else ""
    body = grading + general
    return (f"## {draw(sentence)} {{id: {qid}, type: essay, points: {draw(points)}}}\n\n"
            f"{draw(sentence)}.\n" + (f"\n{body}" if body else ""))


MAKERS = {
    "single": lambda qid: choice_question(qid, "single"),
    "multiple": lambda qid: choice_question(qid, "multiple"),
    "truefalse": true_false_question,
    "fill": fill_question,
    "numeric": numeric_question,
    "matching": matching_question,
    "ordering": ordering_question,
    "essay": essay_question,
}


@st.composite
def quiz_sources(draw) -> str:
    kinds = draw(st.lists(st.sampled_from(sorted(MAKERS)), min_size=1, max_size=6))
    questions = [draw(MAKERS[kind](f"q{n}")) for n, kind in enumerate(kinds)]
    pool = ""
    if draw(flag):
        size = draw(st.integers(1, 3))
        pooled = [f"## Pooled {n} {{id: p{n}}}\n\nPick {n}.\n\n- [x] Yes {n}\n- [ ] No {n}\n"
                  for n in range(size)]
        pool = (f"\n# {draw(sentence)} {{id: pool, draw: {draw(st.integers(1, size))}}}\n\n"
                + "\n".join(pooled))
    front = ["id: generated", f"title: {draw(words)}"]
    if draw(flag):
        front.append(f"passing_score: {draw(st.integers(1, 100))}")
    if draw(flag):
        front.append(f"time_limit: {draw(st.integers(1, 90))}")
    intro = f"{draw(sentence)}.\n\n" if draw(flag) else ""
    return ("---\n" + "\n".join(front) + "\n---\n\n" + intro + "\n".join(questions) + pool)


def parse_one(text: str, *, front: str = "id: one\ntitle: One") -> Quiz:
    errors: list = []
    quiz = parse_quiz(f"---\n{front}\n---\n\n{text}", "quizzes/one.quiz.md", ROOT, errors)
    assert not errors, [e.render() for e in errors]
    return quiz


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(source=quiz_sources())
def test_round_trip_source_model_qti21(scenario, source):
    errors: list = []
    quiz = parse_quiz(source, "quizzes/generated.quiz.md", ROOT, errors)
    assert quiz is not None, "\n".join(e.render() for e in errors) + "\n\n" + source
    course = dataclasses.replace(scenario, quiz=quiz)
    package = WRITERS["qti21"]().write(course)
    back = Qti21Reader(package.files).quiz(quiz)
    assert normalized(back) == normalized(quiz), source


# ------------------------------------------------------------------------------------------
# Helpers

def replace_question(quiz: Quiz, qid: str, change) -> Quiz:
    return replace_all(quiz, lambda q: change(q) if q.id == qid else q)


def replace_all(quiz: Quiz, change) -> Quiz:
    items = []
    for item in quiz.items:
        if isinstance(item, Pool):
            items.append(dataclasses.replace(item, questions=tuple(
                change(q) for q in item.questions)))
        else:
            items.append(change(item))
    return dataclasses.replace(quiz, items=tuple(items))


RICH_STEM = """\
Read the table, then answer.

| Role | Share |
|:-----|------:|
| Lead | ~~40~~ 50 % |

3. third
4. fourth

```python
print("x < y")
```

> A quotation with a [link](https://example.org "title") and `code`.

::: note
Callouts are kept as plain blocks.
:::
"""


@pytest.mark.parametrize("target", QUIZ_TARGETS)
def test_rich_markdown_in_stems_and_feedback_stays_valid(scenario, target):
    quiz = parse_one(f"## Rich {{id: rich}}\n\n{RICH_STEM}\n- [x] **Yes**\n"
                     f"  > ~~No~~ yes.\n- [ ] No\n\n> Feedback: {RICH_STEM.splitlines()[0]}\n")
    package = WRITERS[target]().write(dataclasses.replace(scenario, quiz=quiz))
    assert validate_package(package) == []
    text = b"".join(package.files.values()).decode()
    assert "third" in text and "Callouts are kept" in text
    if target == "moodlexml":
        assert moodle_rules(package.files["questions.xml"]) == []
    if target in ("qti21", "qti30"):
        root = etree.fromstring(package.files["items/rich.xml"])
        body = etree.tostring(next(e for e in root if etree.QName(e).localname in (
            "itemBody", "qti-item-body"))).decode()
        assert 'class="strikethrough"' in body and 'align="right"' in body
        assert "style=" not in body and "role=" not in body and "title=" not in body


def test_unsupported_feature_is_reported_by_the_cli_with_file_and_line(tmp_path, run_cli):
    many = "\n".join(f"- [x] Right {n}" for n in range(11)) + "\n- [ ] Wrong\n"
    quiz = SCENARIO_QUIZ + f"\n# Big {{id: big}}\n\n## Many {{id: many, type: multiple}}\n\n" \
                           f"Pick.\n\n{many}"
    course_dir = write_files(tmp_path / "course", scenario_files(quiz))
    code, _out, err = run_cli(["build", course_dir, "--target", "moodlexml", "--out",
                               tmp_path / "dist"])
    line = quiz.splitlines().index("## Many {id: many, type: multiple}") + 1
    assert code == 1
    assert f"quizzes/scenario.quiz.md:{line}: error:" in err
    assert "[quiz-unsupported]" in err and "Traceback" not in err
    assert not (tmp_path / "dist" / "test-course-1.0.0-moodlexml.xml").exists()
