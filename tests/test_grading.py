"""The grading reference itself (scormkit/grading.py): the documented rules on worked examples,
the essay rule, and the build warning for a quiz that cannot be passed without its essays.
The targets are held to it by tests/test_grading_{quizjs,qti,canvas,moodle,cc}.py."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from scormkit import grading
from scormkit.build import build_package
from scormkit.sources import load_course
from scormkit.sources.quiz import parse_quiz

ROOT = Path(__file__).resolve().parent.parent


def parse(text: str, front: str = "id: one\ntitle: One"):
    errors: list = []
    quiz = parse_quiz(f"---\n{front}\n---\n\n{text}", "quizzes/one.quiz.md", ROOT, errors)
    assert not errors, [e.render() for e in errors]
    return quiz


def test_multiple_response_partial_credit_is_r_minus_w_over_c():
    quiz = parse("## M {id: m, type: multiple, partial, points: 3}\n\n- [x] a\n- [x] b\n"
                 "- [x] c\n- [ ] d\n")
    [q] = quiz.all_questions()
    assert grading.score(q, frozenset("abc")) == 3
    assert grading.score(q, frozenset("ab")) == 2
    assert grading.score(q, frozenset("abd")) == 1
    assert grading.score(q, frozenset("ad")) == 0
    assert grading.score(q, frozenset("d")) == 0  # never below 0
    assert grading.score(q, frozenset("ab"), grading.Rules(partial=True, penalty=False)) == 2
    assert grading.score(q, frozenset("abd"), grading.Rules(partial=True, penalty=False)) == 2


def test_fill_in_compares_collapsed_and_by_case_rule():
    quiz = parse("## F {id: f, type: fill, partial, points: 2}\n\n"
                 "[[New York|NYC]] and [[five  years]].\n")
    [q] = quiz.all_questions()
    assert grading.score(q, ("  new   york ", "Five years")) == 2
    assert grading.score(q, ("nyc", "six")) == 1
    assert grading.score(q, ("new york", "five\u00a0years")) == 2  # a no-break space is a space
    assert grading.score(q, ("new\x1cyork", "x")) == 0  # U+001C is not (JavaScript's \s)
    assert grading.score(q, ("  new york ", "five years"), grading.Rules(spaces="exact")) == 1
    strict = parse("## C {id: c, type: fill, case}\n\n[[Paris]]\n")
    [c] = strict.all_questions()
    assert grading.score(c, ("paris",)) == 0 and grading.score(c, (" Paris",)) == 1
    assert grading.score(c, ("paris",), grading.Rules(case_sensitive=False)) == 1


def test_numbers_are_read_as_documented():
    assert grading.parse_number(" 1.5e3 ") == Decimal(1500)
    assert grading.parse_number("+.5") == Decimal("0.5")
    assert grading.parse_number("5.") == Decimal(5)
    for wrong in ("1,5", "159,010", "12abc", "", "e3", "1e", None):
        assert grading.parse_number(wrong) is None, wrong
    quiz = parse("## N {id: n, type: numeric}\n\n- 159010 +- 1000\n- 10 .. 12\n")
    [q] = quiz.all_questions()
    assert [grading.score(q, t) for t in ("158010", "160010.0", "160010.01", "12", "9.99")] \
        == [1, 1, 0, 1, 0]
    as_text = grading.Rules(numbers_as_text=True)
    assert grading.score(q, "159010", as_text) is None  # a tolerance: a person grades it
    exact = parse("## E {id: e, type: numeric}\n\n- 11\n").all_questions()[0]
    assert [grading.score(exact, t, as_text) for t in ("11", " 11 ", "11.0")] == [1, 1, 0]


def test_ordering_all_or_nothing_or_by_position():
    quiz = parse("## O {id: o, type: ordering, points: 4}\n\n1. a\n2. b\n3. c\n4. d\n")
    [q] = quiz.all_questions()
    assert grading.score(q, ("a", "b", "c", "d")) == 4
    assert grading.score(q, ("a", "b", "d", "c")) == 0
    assert grading.score(q, ("a", "b", "d", "c"), grading.Rules(ordering="positions")) == 2


def test_the_essay_rule_counts_essays_in_the_maximum_at_zero_until_graded():
    """Issue 10's example: 18 of 20 automatic points and a 5-point essay. The same answers
    score 18/25 = 72 % everywhere until the essay is graded (SCORM said 90 %, QTI failed
    it), and a grader's points are added when given."""
    questions = "".join(f"## Q{n} {{id: q{n}, points: 2}}\n\n- [x] y\n- [ ] n\n\n"
                        for n in range(10))
    quiz = parse(questions + "## Essay {id: e, type: essay, points: 5}\n\nWhy?\n",
                 front="id: one\ntitle: One\npassing_score: 75")
    answers = {f"q{n}": "a" for n in range(9)} | {"q9": "b", "e": "Because."}
    before = grading.score_quiz(quiz, answers)
    assert (before.points, before.maximum, before.pending) == (18, 25, ("e",))
    assert before.percent == 72 and before.passed is False
    after = grading.score_quiz(quiz, answers, graded={"e": Fraction(4)})
    assert (after.points, after.pending, after.passed) == (22, (), True)
    assert grading.score(quiz.question("e"), "Because.") is None


def test_pools_count_what_they_draw():
    course = load_course(ROOT / "course_src")
    quiz = course.quiz
    assert grading.score_quiz(quiz, {}).maximum == quiz.max_points == 19
    drawn = [q.id for q in grading.presented_by_default(quiz)]
    other = [*[d for d in drawn if d != "growth-rate"], "entry-route"]
    assert grading.score_quiz(quiz, {}, presented=other).maximum == 19


@pytest.mark.parametrize("target", ["scorm12", "scorm2004", "cmi5"])
def test_a_quiz_that_needs_its_essays_to_pass_is_reported(make_course, tmp_path, target):
    quiz = ("---\ntitle: Q\npassing_score: 80\n---\n\n## A {id: a}\n\n- [x] y\n- [ ] n\n\n"
            "## E {id: e, type: essay, points: 4}\n\nWhy?\n")
    course = make_course(tmp_path, {"quizzes/q.quiz.md": quiz})
    (course / "course.yaml").write_text((course / "course.yaml").read_text()
                                        + "quiz: quizzes/q.quiz.md\n")
    [warning] = build_package(course, target, tmp_path / "out").warnings
    assert warning.code == "quiz-pass-needs-essays"
    assert "at most 20 %" in warning.message and "passing_score to 20" in warning.hint
    assert build_package(course, "qti21", tmp_path / "out").warnings == ()
    assert build_package(ROOT / "course_src", target, tmp_path / "ex").warnings == ()
