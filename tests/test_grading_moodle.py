"""The moodlexml target read and graded the way Moodle does (tests/moodle_reader.py, written
from moodle/moodle's Moodle XML import and question types): hypothesis draws questions of every
type and responses; Moodle's grade must equal `scormkit.grading.score` under the rules the
registry states for the moodlexml cell. Plus the Cloze feedback escaping of issue 10."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from lxml import etree

from scormkit import formats, grading
from scormkit.content import EMPTY
from scormkit.errors import Location, UnsupportedFeature
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
from scormkit.writers import quizcommon
from scormkit.writers.moodlexml import questions_xml

from . import moodle_reader
from .quiz_strategies import KINDS, para, question_and_responses

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT / "course_src")


def moodle_file(question: Question) -> bytes:
    quiz = Quiz("generated", "generated", "Generated", EMPTY, (question,), None, None, None, (),
                Location("quizzes/generated.quiz.md", 1))
    return questions_xml(dataclasses.replace(COURSE, quiz=quiz), quiz)


def moodle_answer(question: Question, read: moodle_reader.MoodleQuestion,
                  response: grading.Response) -> Any:
    q = question
    match q:
        case SingleChoice():
            ids = [c.id for c in q.choices]
            return None if response is None else ids.index(response)
        case MultipleResponse():
            assert isinstance(response, frozenset)
            return {n for n, c in enumerate(q.choices) if c.id in response}
        case TrueFalse():
            return response
        case FillInBlank():
            assert isinstance(response, tuple)
            return response[0] if len(q.blanks) == 1 else list(response)
        case Numeric():
            return response
        case Matching():
            assert isinstance(response, dict)
            texts = {r.id: r.text.plain_text() for r in q.responses}
            return [texts[response[p.id]] if p.id in response else None for p in q.premises]
        case Ordering():
            assert isinstance(response, tuple)
            position = {item: str(n) for n, item in enumerate(response, start=1)}
            return [position[item.id] for item in quizcommon.scrambled(q)]
        case Essay():
            return response
    raise AssertionError(q)


def _test_for(kind: str):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(drawn=question_and_responses(kind, count=6))
    def test(drawn) -> None:
        question, responses = drawn
        try:
            data = moodle_file(question)
        except UnsupportedFeature:
            assert isinstance(question, MultipleResponse)  # 1/C not a Moodle grade
            return
        read = moodle_reader.read_questions(data)[question.id]
        rules = formats.QUESTION_SUPPORT["moodlexml"][kind].rules
        for response in responses:
            got = moodle_reader.grade(read, moodle_answer(question, read, response))
            want = grading.score(question, response, rules)
            if want is None:
                assert got is None
                continue
            # Moodle stores a fraction with 7 decimals (33.33333 %): 3 x 1/3 is 0.9999999.
            want_in_moodle = want / Fraction(question.points) * read.defaultgrade
            assert got is not None and abs(got - want_in_moodle) < Fraction(1, 10**6) * max(
                1, read.defaultgrade), (question, response, got, want_in_moodle)

    test.__name__ = f"test_moodle_grades_{kind}_as_the_registry_says"
    test.__doc__ = f"{kind}: Moodle's reading and grading == grading.score under its rules."
    return test


for _kind in KINDS:
    globals()[f"test_moodle_grades_{_kind}_as_the_registry_says"] = _test_for(_kind)


def test_cloze_feedback_is_escaped_in_the_question_text():
    """Issue 10 (known bug): Cloze feedback went into the question HTML as unescaped text, so
    a '<' or '&' in it broke the question text."""
    from scormkit.content import BlankSlot, Content, Element
    from scormkit.questions import Blank

    here = Location("quizzes/q.md", 1)
    prompt = Content.of(Element("p", (), ("A ", BlankSlot("b1"), " and ", BlankSlot("b2"))))
    question = FillInBlank("cloze", "Cloze", prompt, Decimal(2),
                           Feedback(para("Use a < b & c"), para("Not <this>")),
                           (Blank("b1", ("x",), here), Blank("b2", ("y",), here)), False,
                           True, here)
    read = moodle_reader.read_questions(moodle_file(question))["cloze"]
    root = etree.fromstring(moodle_file(question))
    text = root.findtext(".//question[@type='multianswer']/questiontext/text")
    # The question text is HTML: it parses, and shows the feedback as written.
    fragment = etree.fromstring(f"<div>{text}</div>")
    shown = "".join(fragment.itertext())
    assert "Use a < b & c" in shown and "Not <this>" in shown
    assert [a["text"] for sub in read.cloze for a in sub["answers"]] == ["x", "*", "y", "*"]
    assert moodle_reader.grade(read, ["x", "nope"]) == Fraction(1)
