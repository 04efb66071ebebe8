"""The one definition of grading: what a response to a question is worth, and what an attempt
scores. docs/quiz-format.md states these rules for authors; this module IS them, and every
target is tested against it (tests/test_grading*.py): quiz.js under node, the QTI 2.1 and 3.0
items in a real QTI engine, and the Canvas, Moodle and Common Cartridge packages as those
LMSs' importers read them.

Responses (`Response`), one shape per question type:

- single: the chosen choice id, or None;
- multiple: the set of ticked choice ids;
- truefalse: True, False or None;
- fill: the text typed in each blank, in blank order;
- numeric: the text typed (a number is read from it as `parse_number` says), or None;
- matching: premise id -> chosen response id (a premise left out is unanswered);
- ordering: the item ids in the order the learner left them (always an answer);
- essay: the text written.

Points are exact fractions (`Fraction`); consumers that compute in floating point are
compared with a tolerance.

**The essay rule** (one rule, every target): an essay's points are part of the quiz's maximum,
like every other question's; a person grades it, and until then it counts 0. So an attempt
scores the same in a SCORM package (where nobody grades the essay: it stays at 0) as in QTI,
Canvas and Moodle before grading, and passing never depends on where the quiz was exported.
A quiz whose passing score cannot be reached without its essays is reported at build time
(`pass_needs_essays`).

**Rules and deviations.** `score` takes `Rules`: the default is the documented semantics.
Where an LMS grades a question type differently and the format cannot tell it otherwise,
scormkit/formats.py records the deviation as a `Rules` value beside the type x target cell
(docs/quiz-targets.md is generated from it), and the tests check the LMS's grading against
`score(question, response, that_rules)`. A cell is *native* exactly when its rules are the
default ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import assert_never

from scormkit.grading_rules import DOCUMENTED, Rules
from scormkit.questions import (
    WHITESPACE,
    Essay,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Pool,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
    collapse,
    format_decimal,
)

Response = str | bool | frozenset[str] | tuple[str, ...] | Mapping[str, str] | None
"""One learner's answer to one question (see the module docstring for the shape per type)."""

_SPACES = re.compile(f"[{re.escape(WHITESPACE)}]+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def parse_number(text: str | None) -> Decimal | None:
    """The number a learner typed: an optional sign, digits with an optional ``.`` (no
    thousands separators), an optional exponent, white space around it allowed; None for
    anything else (which scores 0)."""
    if text is None:
        return None
    trimmed = _SPACES.sub(" ", text).strip(" ")
    if not _NUMBER.fullmatch(trimmed):
        return None
    try:
        return Decimal(trimmed)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None



def _same(a: str, b: str, case_sensitive: bool, spaces: str) -> bool:
    if spaces == "collapse":
        a, b = collapse(a), collapse(b)
    elif spaces == "trim":
        a, b = a.strip(WHITESPACE), b.strip(WHITESPACE)
    return a == b if case_sensitive else a.lower() == b.lower()


def blank_right(question: FillInBlank, index: int, given: str, rules: Rules = DOCUMENTED
                ) -> bool:
    """Whether *given* is an accepted answer of the *index*-th blank."""
    case = question.case_sensitive if rules.case_sensitive is None else rules.case_sensitive
    return any(_same(given, accepted, case, rules.spaces)
               for accepted in question.blanks[index].answers)


def fraction(question: Question, response: Response, rules: Rules = DOCUMENTED
             ) -> Fraction | None:
    """The share of *question*'s points that *response* earns, from 0 to 1; None when a
    person grades it (essays, or *rules*.human)."""
    if rules.human or isinstance(question, Essay):
        return None
    q = question
    match q:
        case SingleChoice():
            return Fraction(response == q.correct_choice.id)
        case TrueFalse():
            return Fraction(response is q.answer)
        case MultipleResponse():
            ticked = response if isinstance(response, frozenset) else frozenset()
            right = {c.id for c in q.correct_choices}
            hits = len(ticked & right)
            misses = len(ticked - right)
            if hits == len(right) and misses == 0:
                return Fraction(1)
            if not _partial(q.partial_credit, rules):
                return Fraction(0)
            return max(Fraction(0), Fraction(hits - (misses if rules.penalty else 0),
                                             len(right)))
        case FillInBlank():
            given = response if isinstance(response, tuple) else ()
            good = sum(blank_right(q, n, given[n] if n < len(given) else "", rules)
                       for n in range(len(q.blanks)))
            return _parts(good, len(q.blanks), _partial(q.partial_credit, rules))
        case Numeric() if rules.numbers_as_text:
            if any(answer.value is None or answer.tolerance is not None for answer in q.answers):
                return None
            text = response.strip(WHITESPACE) if isinstance(response, str) else ""
            return Fraction(text in {format_decimal(a.value) for a in q.answers
                                     if a.value is not None})
        case Numeric():
            number = parse_number(response if isinstance(response, str) else None)
            return Fraction(number is not None and any(a.accepts(number) for a in q.answers))
        case Matching():
            chosen = response if isinstance(response, Mapping) else {}
            good = sum(chosen.get(pair.premise.id) == pair.response.id for pair in q.pairs)
            return _parts(good, len(q.pairs), _partial(q.partial_credit, rules))
        case Ordering():
            order = response if isinstance(response, tuple) else ()
            items = tuple(item.id for item in q.items)
            if rules.ordering == "positions":
                good = sum(n < len(order) and order[n] == item for n, item in enumerate(items))
                return _parts(good, len(items), True)
            return Fraction(order == items)
        case _:
            assert_never(q)


def _partial(own: bool, rules: Rules) -> bool:
    return own if rules.partial is None else rules.partial


def _parts(good: int, total: int, partial: bool) -> Fraction:
    if good == total:
        return Fraction(1)
    return Fraction(good, total) if partial else Fraction(0)


def score(question: Question, response: Response, rules: Rules = DOCUMENTED
          ) -> Fraction | None:
    """The points *response* earns on *question*; None when a person grades it."""
    share = fraction(question, response, rules)
    return None if share is None else share * Fraction(question.points)


@dataclass(frozen=True, slots=True)
class QuizScore:
    """One attempt: points earned, the maximum, the percentage and the verdict."""

    points: Fraction
    """Automatic points plus the graders' points given (0 for an essay not graded yet)."""
    maximum: Fraction
    """Points of every question presented, essays included."""
    pending: tuple[str, ...]
    """Ids of the presented questions a person has yet to grade."""
    passed: bool | None
    """points >= passing score x maximum / 100, exactly; None when the quiz has no passing
    score."""

    @property
    def percent(self) -> Fraction | None:
        """100 x points / maximum (None when the maximum is 0)."""
        return None if not self.maximum else 100 * self.points / self.maximum


def presented_by_default(quiz: Quiz) -> tuple[Question, ...]:
    """The questions an attempt presents when no draw is given: all questions outside pools
    and the first `draw` of each pool (any draw has the same maximum)."""
    chosen: list[Question] = []
    for item in quiz.items:
        chosen.extend(item.questions[:item.draw] if isinstance(item, Pool) else (item,))
    return tuple(chosen)


def score_quiz(quiz: Quiz, responses: Mapping[str, Response], *,
               presented: Iterable[str] | None = None,
               graded: Mapping[str, Fraction] | None = None) -> QuizScore:
    """Score an attempt: *responses* by question id (a question left out is unanswered),
    *presented* the ids the attempt showed (default `presented_by_default`), *graded* the
    points a person gave to essays (an essay not in it counts 0 and is pending)."""
    shown = (presented_by_default(quiz) if presented is None
             else tuple(quiz.question(qid) for qid in presented))
    graded = graded or {}
    points = Fraction(0)
    maximum = Fraction(0)
    pending: list[str] = []
    for question in shown:
        maximum += Fraction(question.points)
        earned = score(question, responses.get(question.id))
        if earned is None:
            if question.id in graded:
                earned = min(max(Fraction(graded[question.id]), Fraction(0)),
                             Fraction(question.points))
            else:
                pending.append(question.id)
                earned = Fraction(0)
        points += earned
    passed = (None if quiz.passing_score is None
              else points * 100 >= quiz.passing_score * maximum)
    return QuizScore(points, maximum, tuple(pending), passed)


def pass_needs_essays(quiz: Quiz) -> bool:
    """Whether an attempt can pass only once a person has graded its essays: the automatic
    points of an attempt fall short of the passing score even when all are right (in a
    package scored in the browser, where nobody grades essays, such a quiz cannot be
    passed)."""
    if quiz.passing_score is None:
        return False
    shown = presented_by_default(quiz)
    maximum = sum((Fraction(q.points) for q in shown), Fraction(0))
    automatic = sum((Fraction(q.points) for q in shown if not isinstance(q, Essay)),
                    Fraction(0))
    return automatic * 100 < quiz.passing_score * maximum
