"""The quiz player (the quiz page of the SCORM 1.2, SCORM 2004 and cmi5 packages) scores as the
grading reference: hypothesis draws questions of every type and responses; the runtime's
scoreQuestion (scormkit/runtime/quiz/scoring.js, loaded under node as the bundle includes it),
run on the quiz JSON the writers embed (quizpage.quiz_data), must give the points
`scormkit.grading.score` gives (an essay: 0 until graded, there is nobody to grade it)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scormkit import grading
from scormkit.content import EMPTY
from scormkit.errors import Location
from scormkit.questions import (
    Essay,
    Feedback,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from scormkit.sources import load_course
from scormkit.writers.quizpage import quiz_data

from .quiz_strategies import KINDS, question_and_responses

ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(__file__).resolve().parent / "quizjs" / "harness.cjs"

HERE = Location("quizzes/q.quiz.md", 1)


class QuizJs:
    def __init__(self) -> None:
        self.process = subprocess.Popen(["node", str(HARNESS)], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer
        return dict(answer)

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def quizjs() -> Iterator[QuizJs]:
    if shutil.which("node") is None:
        pytest.fail("node is missing", pytrace=False)
    runner = QuizJs()
    yield runner
    runner.close()


def data_of(*questions: Question, passing: int | None = None) -> dict[str, Any]:
    quiz = Quiz("q", "q", "Q", EMPTY, questions, passing, None, None, (),
                Location("quizzes/q.quiz.md", 1))
    return quiz_data(quiz)


def entry(question: Question, response: grading.Response, index: int = 0) -> dict[str, Any]:
    """*response* as quiz.js keeps it in an attempt's entry (QuizPlayer.collect)."""
    q = question
    out: dict[str, Any] = {"q": index}
    match q:
        case SingleChoice() | TrueFalse():
            out["answer"] = response
        case MultipleResponse():
            ticked = response if isinstance(response, frozenset) else frozenset()
            out["answer"] = [c.id for c in q.choices if c.id in ticked]
        case FillInBlank():
            out["answer"] = list(response) if isinstance(response, tuple) else []
        case Numeric():
            out["answer"] = response if response is not None else ""
        case Matching():
            chosen = response if isinstance(response, dict) else {}
            out["answer"] = [chosen.get(p.id, "") for p in q.premises]
        case Ordering():  # no response: the order shown, here the source's
            out["order"] = list(response if isinstance(response, tuple)
                                else (item.id for item in q.items))
            out["answer"] = None
        case Essay():
            out["answer"] = response or ""
    return out


def _test_for(kind: str):
    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(drawn=question_and_responses(kind, count=6))
    def test(quizjs, drawn) -> None:
        question, responses = drawn
        [data] = data_of(question)["questions"]
        for response in responses:
            result = quizjs.ask({"question": data, "entry": entry(question, response)})
            want = grading.score(question, response)
            want = Fraction(0) if want is None else want
            assert result["points"] == pytest.approx(float(want), abs=1e-4), (
                question, response, result)

    test.__name__ = f"test_quizjs_scores_{kind}_as_documented"
    test.__doc__ = f"{kind}: quiz.js's scoreQuestion == grading.score."
    return test


for _kind in KINDS:
    globals()[f"test_quizjs_scores_{_kind}_as_documented"] = _test_for(_kind)


def test_an_attempt_with_an_essay_counts_its_points_in_the_maximum(quizjs):
    """The essay rule: the example quiz's essay (2 points) is part of the maximum in every
    target; quiz.js left it out (18/20 = 90 % in SCORM, 18/25 failing in QTI)."""
    quiz = load_course(ROOT / "course_src").quiz
    data = quiz_data(quiz)
    shown = grading.presented_by_default(quiz)
    index = {q.id: n for n, q in enumerate(quiz.all_questions())}
    state = {"entries": [entry(q, None, index[q.id]) for q in shown]}
    result = quizjs.ask({"data": data, "state": state})
    reference = grading.score_quiz(quiz, {})
    assert any(isinstance(q, Essay) for q in shown)
    assert Fraction(str(result["max"])) == reference.maximum


@st.composite
def attempts(draw: st.DrawFn):
    """A quiz of 1 to 6 questions of any type, one response to each, and a passing score
    (often the attempt's own percentage, rounded, so the verdict is at its edge)."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6))
    questions = []
    responses: dict[str, grading.Response] = {}
    for n, kind in enumerate(kinds):
        question, [response] = draw(question_and_responses(kind, count=1))
        question = dataclasses.replace(question, id=f"q{n}")
        questions.append(question)
        responses[question.id] = response
    return tuple(questions), responses, draw(st.integers(0, 100) | st.just(-1))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=attempts())
def test_quizjs_scores_attempts_as_documented(quizjs, drawn) -> None:
    """A whole attempt: quiz.js's points, maximum, percentage and verdict (passedAt, as the
    player reports it) == grading.score_quiz, the essay rule included; the verdict is tested
    at its edge (a passing score equal to the attempt's rounded percentage)."""
    questions, responses, passing = drawn
    reference = grading.score_quiz(data_quiz(questions), responses)
    if passing == -1:  # the edge: the percentage itself, rounded down and up
        percent = reference.percent or Fraction(0)
        passing = int(percent) + (1 if percent != int(percent) and passing % 2 else 0)
    quiz = data_quiz(questions, passing)
    reference = grading.score_quiz(quiz, responses)
    data = quiz_data(quiz)
    state = {"entries": [entry(q, responses[q.id], n) for n, q in enumerate(questions)]}
    result = quizjs.ask({"data": data, "state": state})
    assert result["points"] == pytest.approx(float(reference.points), abs=1e-4)
    assert result["max"] == pytest.approx(float(reference.maximum), abs=1e-9)
    assert result["passed"] is reference.passed, (reference, result)


def data_quiz(questions: tuple[Question, ...], passing: int | None = None) -> Quiz:
    return Quiz("q", "q", "Q", EMPTY, questions, passing, None, None, (),
                Location("quizzes/q.quiz.md", 1))


def test_the_verdict_is_not_taken_from_the_rounded_percentage(quizjs):
    """1000 of 1250.03 points is 79.998 %, shown as 80 %: it does not pass 80 (the reference
    compares points x 100 with passing x maximum). The player used to compare the rounded
    percentage, and passed it."""
    right = TrueFalse("a", "A", EMPTY, Decimal(1000), Feedback(), True, EMPTY, EMPTY, HERE)
    other = TrueFalse("b", "B", EMPTY, Decimal("250.03"), Feedback(), True, EMPTY, EMPTY, HERE)
    quiz = data_quiz((right, other), 80)
    responses: dict[str, grading.Response] = {"a": True, "b": False}
    reference = grading.score_quiz(quiz, responses)
    assert reference.passed is False and round(reference.percent, 2) == 80
    state = {"entries": [entry(right, True, 0), entry(other, False, 1)]}
    result = quizjs.ask({"data": quiz_data(quiz), "state": state})
    assert (result["percent"], result["passed"]) == (80, False)
