"""The qti12 target (Canvas Classic Quizzes) read and graded the way Canvas does.

tests/canvas_reader.py restates, from canvas-lms and Canvas's QTI migration tool, how Canvas
imports a QTI 1.2 item (type detection, points_possible, answer linking, groups) and grades
an answer. Hypothesis draws questions of every type and responses to them; the checker's
grade must equal `scormkit.grading.score` under the rules the registry states for the
qti12 cell. Then the quiz level: groups, points, the defects of issue 10.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from lxml import etree

from scormkit import formats, grading
from scormkit.questions import (
    Essay,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)
from scormkit.sources import load_course
from scormkit.sources.quiz import parse_quiz
from scormkit.writers import WRITERS
from scormkit.writers.qti12 import ItemBuilder, build_assessment, canvas_type

from . import canvas_reader
from .quiz_strategies import KINDS, question_and_responses

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("True", "False")


def canvas_item(question: Question) -> etree._Element:
    return etree.fromstring(etree.tostring(ItemBuilder(question, LABELS).build()))


def canvas_answer(question: Question, response: grading.Response) -> Any:
    """*response* as the answer a learner gives in Canvas's form for the imported question."""
    q = question
    match q:
        case SingleChoice():
            return None if response is None else f"{q.id}-{response}"
        case TrueFalse():
            return None if response is None else f"{q.id}-{'true' if response else 'false'}"
        case MultipleResponse():
            assert isinstance(response, frozenset)
            return {f"{q.id}-{choice}" for choice in response}
        case FillInBlank():
            assert isinstance(response, tuple)
            if len(q.blanks) == 1:
                return response[0]
            return {blank.id: text for blank, text in zip(q.blanks, response, strict=True)}
        case Numeric() | Essay():
            return response
        case Matching():
            assert isinstance(response, dict)
            number = {r.id: n for n, r in enumerate(q.responses, start=1)}
            return {f"response_{premise}": f"r{number[chosen]}-{q.id}"
                    for premise, chosen in response.items()}
        case Ordering():
            assert isinstance(response, tuple)
            return {f"response_{item}": f"r{position}-{q.id}"
                    for position, item in enumerate(response, start=1)}
    raise AssertionError(q)


def _check(question: Question, responses: list, target: str = "qti12") -> None:
    read = canvas_reader.read_item(canvas_item(question))
    assert read.question_type == quizcommon_type(question)
    assert Fraction(read.points_possible) == Fraction(question.points)
    rules = formats.QUESTION_SUPPORT[target][question.kind].rules
    for response in responses:
        got = canvas_reader.grade(read, canvas_answer(question, response))
        want = grading.score(question, response, rules)
        if want is None:
            assert got is None, (question, response)
        else:
            assert got is not None and abs(got - want) < Fraction(1, 10**6), (
                question, response, got, want, read)


def quizcommon_type(question: Question) -> str:
    return canvas_type(question)


def _test_for(kind: str):
    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(drawn=question_and_responses(kind, count=6))
    def test(drawn) -> None:
        question, responses = drawn
        _check(question, responses)

    test.__name__ = f"test_canvas_grades_{kind}_as_the_registry_says"
    test.__doc__ = f"{kind}: Canvas's reading and grading == grading.score under its rules."
    return test


for _kind in KINDS:
    globals()[f"test_canvas_grades_{_kind}_as_the_registry_says"] = _test_for(_kind)


# ------------------------------------------------------------------------------------------
# The quiz level and the defects of issue 10


def canvas_quiz(course) -> canvas_reader.CanvasQuiz:
    package = WRITERS["qti12"]().write(course)
    quiz = course.quiz
    return canvas_reader.read_assessment(package.files[f"{quiz.id}/{quiz.id}.xml"])


def test_the_example_quiz_keeps_its_points_in_canvas():
    """Issue 10: every '#' section became a question group with points_per_item 1, so the
    2-point questions counted 1 and the example totalled 17 instead of 19 points. Only the
    pool that draws 2 of 3 is a group now, worth 2 x 1; every other question keeps its
    points."""
    course = load_course(ROOT / "course_src")
    read = canvas_quiz(course)
    assert [(ident, pick, per) for ident, pick, per, _items in read.groups] == [
        ("career-facts", 2, 1.0)]
    for question in course.quiz.all_questions():
        assert Fraction(read.points[question.id]) == Fraction(question.points), question.id
    assert read.points_possible == course.quiz.max_points == 19


def test_matching_and_ordering_link_every_pair_in_canvas():
    """Issue 10: the ordering question (all or nothing) imported with no correct pair, and a
    question id with a digit (hats-3) made every premise match the first answer."""
    course = load_course(ROOT / "course_src")
    read = canvas_quiz(course)
    quiz = course.quiz
    for qid in ("lifecycle-order", "three-hats"):
        question = read.questions[qid]
        assert question.question_type == "matching_question"
        assert all(a["match_id"] is not None for a in question.answers), qid
        assert len({m["match_id"] for m in question.matches}) == len(question.matches)
    order = quiz.question("lifecycle-order")
    assert isinstance(order, Ordering)
    right = tuple(item.id for item in order.items)
    assert canvas_reader.grade(read.questions["lifecycle-order"],
                               canvas_answer(order, right)) == 1
    digits = parse_one("## Hats {id: hats-3, type: matching}\n\n- A -> 1\n- B -> 2\n"
                       "- C -> 3\n- -> 4\n")
    [question] = digits.all_questions()
    read_hats = canvas_reader.read_item(canvas_item(question))
    assert [a["right"] for a in read_hats.answers] == ["1", "2", "3"]


def test_short_answer_alternatives_are_sibling_conditions():
    """Issue 10: the alternatives of a short answer sat in one <or>, which QTI 1.2 readers
    other than Canvas do not read; each is now a condition of its own with one varequal."""
    quiz = parse_one("## Cat {id: cat, type: fill}\n\nA young cat is a [[kitten|kitty]].\n")
    [question] = quiz.all_questions()
    item = canvas_item(question)
    q12 = canvas_reader.Q12
    assert not list(item.iter(f"{q12}or"))
    answers = [c.findtext(f"{q12}conditionvar/{q12}varequal")
               for c in item.iter(f"{q12}respcondition")
               if c.findtext(f"{q12}setvar") == "100"]
    assert answers == ["kitten", "kitty"]
    assert [a["text"] for a in canvas_reader.read_item(item).answers] == ["kitten", "kitty"]


def parse_one(text: str):
    errors: list = []
    quiz = parse_quiz(f"---\nid: one\ntitle: One\n---\n\n{text}", "quizzes/one.quiz.md", ROOT,
                      errors)
    assert not errors, [e.render() for e in errors]
    return quiz


def test_the_scenario_pool_points_are_the_group_points():
    course = load_course(ROOT / "course_src")
    quiz = course.quiz
    root = build_assessment(quiz, LABELS)
    data = etree.tostring(root)
    read = canvas_reader.read_assessment(data)
    for _ident, _pick, per, items in read.groups:
        assert {Fraction(quiz.question(i).points) for i in items} == {Fraction(per)}
    assert Decimal(str(read.points_possible)) == quiz.max_points
    assert dataclasses.is_dataclass(read)
