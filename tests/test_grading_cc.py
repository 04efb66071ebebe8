"""The Common Cartridge targets graded the way Moodle reads them (cc11).

Moodle's CC 1.1 restore turns each assessment item into a Moodle question
(backup/cc/entity11.quiz.class.php; `moodle_reads` in tests/test_cc_writer.py restates what it
takes) and Moodle grades it as its question types do (tests/moodle_reader.py). A question CC
splits into several items (blanks, premises, items to order) is graded item by item, each
weighted by its cc_weighting. Hypothesis draws questions of every type and responses; the
share of the points Moodle gives must equal `scormkit.grading.fraction` under the rules the
registry states for the cc11 cell. (What the restore does to the marks of the quiz is another
matter: every item becomes a mark of 1, `cc-moodle-equal-marks`.)

cc13 is for Canvas, which reads a CC 1.3 assessment through the same QTI importer as qti12;
the registry's cc13 rules are Canvas's (tests/test_grading_canvas.py grades those rules), and
the import path of CC 1.3 assessments in Canvas is unverified (lms-rules.md 3.3).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from lxml import etree

from scormkit import formats, grading
from scormkit.content import Resolver
from scormkit.errors import UnsupportedFeature
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
from scormkit.writers import ccquiz, quizcommon

from .moodle_reader import _wildcard_match
from .quiz_strategies import KINDS, question_and_responses
from .test_cc_writer import moodle_reads

LABELS = ("True", "False")


def items_of(question: Question) -> list[tuple[ccquiz.Part, etree._Element]]:
    parts = ccquiz.parts_of(question, "cc11")
    weights = ccquiz.weights(parts)
    resolver = Resolver(lambda href: href)
    return [(part, etree.fromstring(etree.tostring(
        ccquiz.CcItemBuilder(part, weight, LABELS, resolver, moodle=True).build())))
            for part, weight in zip(parts, weights, strict=True)]


def chosen_label(question: Question, part: ccquiz.Part, response: grading.Response
                 ) -> Any:
    """What the learner answers on one CC item: a label ident, a set of them, or a text."""
    q = question
    match q:
        case SingleChoice():
            return None if response is None else f"{q.id}-{response}"
        case TrueFalse():
            return None if response is None else ("true" if response else "false")
        case MultipleResponse():
            assert isinstance(response, frozenset)
            return {f"{q.id}-{choice}" for choice in response}
        case FillInBlank():
            assert isinstance(response, tuple)
            return response[part.index]
        case Numeric():
            return response
        case Matching():
            assert isinstance(response, dict)
            premise = q.pairs[part.index].premise.id
            return f"{q.id}-{response[premise]}" if premise in response else None
        case Ordering():
            assert isinstance(response, tuple)
            asked = quizcommon.scrambled(q)[part.index]
            return f"{q.id}-p{response.index(asked.id) + 1}"
        case Essay():
            return response
    raise AssertionError(q)


def moodle_grade(read: dict, answer: Any) -> Fraction | None:
    """The share of an item's mark Moodle gives (None: an essay)."""
    profile = read["profile"]
    if profile == ccquiz.ESSAY:
        return None
    if profile in (ccquiz.MULTIPLE_CHOICE, ccquiz.TRUE_FALSE):
        entry = read["answers"].get(answer) if answer is not None else None
        return Fraction(entry["score"]).limit_denominator(1000) if entry else Fraction(0)
    if profile == ccquiz.MULTIPLE_RESPONSE:
        total = sum((Fraction(read["answers"][a]["score"]).limit_denominator(1000)
                     for a in answer), Fraction(0))
        return min(max(total, Fraction(0)), Fraction(1))
    if profile == ccquiz.FILL_IN:
        # The restore makes a short answer that ignores case (usecase is not set).
        return Fraction(any(_wildcard_match(answer or "", text, False)
                            for text in read["answers"]))
    raise AssertionError(profile)


def _test_for(kind: str):
    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(drawn=question_and_responses(kind, count=6))
    def test(drawn) -> None:
        question, responses = drawn
        try:
            items = items_of(question)
        except UnsupportedFeature:
            assert isinstance(question, Numeric)  # own feedback on one of several answers
            return
        rules = formats.QUESTION_SUPPORT["cc11"][kind].rules
        for response in responses:
            want = grading.fraction(question, response, rules)
            shares = []
            for part, item in items:
                read = moodle_reads(item)
                got = moodle_grade(read, chosen_label(question, part, response))
                shares.append((got, read["weight"]))
            if want is None:
                assert all(got is None for got, _w in shares), (question, response)
                continue
            total = sum(w for _g, w in shares)
            got = sum((g * w for g, w in shares if g is not None), Fraction(0)) / total
            assert abs(got - want) < Fraction(1, 1000), (question, response, got, want)

    test.__name__ = f"test_moodle_grades_cc11_{kind}_as_the_registry_says"
    test.__doc__ = f"{kind}: Moodle's CC reading and grading == grading under its rules."
    return test


for _kind in KINDS:
    globals()[f"test_moodle_grades_cc11_{_kind}_as_the_registry_says"] = _test_for(_kind)


def test_cc13_cells_are_the_canvas_rules():
    """cc13 states Canvas's rules: the same as qti12's where CC exports the same way."""
    cc13 = formats.QUESTION_SUPPORT["cc13"]
    qti12 = formats.QUESTION_SUPPORT["qti12"]
    for kind in ("single", "multiple", "truefalse", "matching", "ordering", "essay"):
        assert cc13[kind].rules == qti12[kind].rules, kind
