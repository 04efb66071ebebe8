"""Hypothesis strategies for the grading property tests: quiz model questions of every type
(built directly, not through the Markdown reader, so that every shape the model allows is
reached: one to three blanks with tricky answers, several numeric answers of each kind,
distractors, shared responses, pinned choices...) and responses to them in the shapes
`scormkit.grading` takes, biased towards the right answer and near misses.

`question_and_responses(kind)` draws one question of *kind* and a few responses to it.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from scormkit.content import EMPTY, BlankSlot, Content, Element
from scormkit.errors import Location
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
    Question,
    SingleChoice,
    TrueFalse,
    format_decimal,
    short_id,
)

HERE = Location("quizzes/generated.quiz.md", 1)
KINDS = ("single", "multiple", "truefalse", "fill", "numeric", "matching", "ordering", "essay")

points = st.sampled_from([Decimal(1), Decimal(2), Decimal("0.5"), Decimal(3), Decimal("1.25"),
                          Decimal(10)])
WORDS = ["kitten", "Paris", "Rome", "three", "five", "program", "x", "AB", "naïve", "Straße",
         "a b", "1/2", "C#", "50%", "a,b", "x[,]y", "{x}", "*", "~", "é"]


def para(text: str) -> Content:
    return Content.of(Element("p", (), (text,)))


def inline(text: str) -> Content:
    return Content.of(text)


def feedback(draw: st.DrawFn) -> Feedback:
    pick = draw(st.sampled_from(["none", "correct", "all"]))
    if pick == "none":
        return Feedback()
    if pick == "correct":
        return Feedback(correct=para("Right & done."))
    return Feedback(para("Right."), para("Not quite <yet>."), para("Because."))


def question_id(draw: st.DrawFn) -> str:
    # Digits in ids on purpose: Canvas once numbered matching answers by the id's digits.
    return draw(st.sampled_from(["q", "hats-3", "q04", "item_7b", "x"]))


@st.composite
def single(draw: st.DrawFn) -> SingleChoice:
    count = draw(st.integers(2, 6))
    right = draw(st.integers(0, count - 1))
    choices = tuple(Choice(short_id(n), inline(f"Choice {n}"), n == right,
                           draw(st.booleans()) and n == count - 1,
                           para("Own.") if draw(st.booleans()) else EMPTY, HERE)
                    for n in range(count))
    return SingleChoice(question_id(draw), "Pick one", para("Which?"), draw(points),
                        feedback(draw), choices, draw(st.booleans()), HERE)


@st.composite
def multiple(draw: st.DrawFn) -> MultipleResponse:
    count = draw(st.integers(2, 7))
    right = set(draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=count,
                              unique=True)))
    choices = tuple(Choice(short_id(n), inline(f"Choice {n}"), n in right, False,
                           para("Own.") if draw(st.booleans()) else EMPTY, HERE)
                    for n in range(count))
    return MultipleResponse(question_id(draw), "Pick some", para("Which?"), draw(points),
                            feedback(draw), choices, draw(st.booleans()), draw(st.booleans()),
                            HERE)


@st.composite
def true_false(draw: st.DrawFn) -> TrueFalse:
    return TrueFalse(question_id(draw), "True?", para("It is."), draw(points), feedback(draw),
                     draw(st.booleans()), para("T.") if draw(st.booleans()) else EMPTY, EMPTY,
                     HERE)


@st.composite
def fill(draw: st.DrawFn) -> FillInBlank:
    count = draw(st.integers(1, 3))
    blanks = []
    nodes: list = ["Say "]
    for n in range(1, count + 1):
        answers = tuple(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3,
                                      unique_by=str.lower)))
        blanks.append(Blank(f"b{n}", answers, HERE))
        nodes += [BlankSlot(f"b{n}"), " and "]
    prompt = Content.of(Element("p", (), tuple(nodes[:-1])))
    return FillInBlank(question_id(draw), "Fill", prompt, draw(points), feedback(draw),
                       tuple(blanks), draw(st.booleans()), draw(st.booleans()), HERE)


def _number(value: Decimal) -> Decimal:
    return Decimal(format_decimal(value))


@st.composite
def numeric(draw: st.DrawFn) -> Numeric:
    answers = []
    for base in draw(st.lists(st.integers(-50, 50), min_size=1, max_size=3, unique=True)):
        centre = _number(Decimal(base * 20) + Decimal(draw(st.sampled_from(["0", "0.5",
                                                                              "0.25"]))))
        kind = draw(st.sampled_from(["exact", "tolerance", "range"]))
        own = para("Close.") if draw(st.booleans()) else EMPTY
        if kind == "exact":
            answers.append(NumericAnswer(centre, centre, centre, None, own, HERE))
        elif kind == "tolerance":
            margin = _number(Decimal(draw(st.sampled_from(["0.5", "1", "0.05", "3"]))))
            answers.append(NumericAnswer(centre - margin, centre + margin, centre, margin, own,
                                         HERE))
        else:
            width = _number(Decimal(draw(st.sampled_from(["1", "2.5", "9"]))))
            answers.append(NumericAnswer(centre, centre + width, None, None, own, HERE))
    return Numeric(question_id(draw), "How many?", para("How many?"), draw(points),
                   feedback(draw), tuple(answers), HERE)


@st.composite
def matching(draw: st.DrawFn) -> Matching:
    premises = draw(st.integers(2, 5))
    responses = draw(st.integers(1, premises))
    distractors = draw(st.integers(0, 2))
    premise_items = [MatchItem(short_id(n), inline(f"Premise {n}"), HERE)
                     for n in range(premises)]
    response_items = [MatchItem(short_id(premises + n), inline(f"Response {n}"), HERE)
                      for n in range(responses + distractors)]
    # Every response but the distractors is used; several premises may share one.
    targets = list(range(responses)) + [draw(st.integers(0, responses - 1))
                                        for _ in range(premises - responses)]
    targets = draw(st.permutations(targets))
    pairs = tuple(MatchPair(premise_items[n], response_items[t])
                  for n, t in enumerate(targets))
    return Matching(question_id(draw), "Match", para("Match them."), draw(points),
                    feedback(draw), pairs, tuple(response_items[responses:]),
                    draw(st.booleans()), draw(st.booleans()), HERE)


@st.composite
def ordering(draw: st.DrawFn) -> Ordering:
    count = draw(st.integers(2, 6))
    items = tuple(OrderItem(short_id(n), inline(f"Step {n}"), HERE) for n in range(count))
    return Ordering(question_id(draw), "Order", para("In order."), draw(points),
                    feedback(draw), items, HERE)


@st.composite
def essay(draw: st.DrawFn) -> Essay:
    return Essay(question_id(draw), "Explain", para("Why?"), draw(points),
                 Feedback(general=para("Thanks.")) if draw(st.booleans()) else Feedback(),
                 para("Look for reasons.") if draw(st.booleans()) else EMPTY, HERE)


QUESTIONS = {"single": single, "multiple": multiple, "truefalse": true_false, "fill": fill,
             "numeric": numeric, "matching": matching, "ordering": ordering, "essay": essay}


# ------------------------------------------------------------------------------------------
# Responses


def _variant(draw: st.DrawFn, text: str) -> str:
    """*text* as a learner might type it: as is, another case, spaces around or doubled."""
    change = draw(st.sampled_from(["same", "same", "upper", "lower", "pad", "double", "other",
                                   "empty"]))
    if change == "upper":
        return text.upper()
    if change == "lower":
        return text.lower()
    if change == "pad":
        return f"  {text} "
    if change == "double":
        return text.replace(" ", "  ") if " " in text else f"{text}\t"
    if change == "other":
        return draw(st.sampled_from(WORDS))
    if change == "empty":
        return ""
    return text


def _number_text(draw: st.DrawFn, value: Decimal) -> str:
    """*value* written as a learner might: plain, with a sign, an exponent, a trailing
    point, or a leading one."""
    plain = format_decimal(value)
    form = draw(st.sampled_from(["plain", "plain", "plus", "exp", "point", "zeros"]))
    if form == "plus" and value >= 0:
        return f"+{plain}"
    if form == "exp":
        return f"{format_decimal(value / 10)}e1"
    if form == "point" and "." not in plain:
        return f"{plain}."
    if form == "zeros":
        return f"{plain}.000" if "." not in plain else f"{plain}00"
    return plain


@st.composite
def response_to(draw: st.DrawFn, question: Question):
    """One response to *question*, often right or nearly right."""
    q = question
    right = draw(st.booleans())
    match q:
        case SingleChoice():
            if right:
                return q.correct_choice.id
            return draw(st.one_of(st.none(), st.sampled_from([c.id for c in q.choices])))
        case MultipleResponse():
            ids = [c.id for c in q.choices]
            if right:
                return frozenset(c.id for c in q.correct_choices)
            return frozenset(draw(st.lists(st.sampled_from(ids), unique=True)))
        case TrueFalse():
            return q.answer if right else draw(st.sampled_from([True, False, None]))
        case FillInBlank():
            return tuple(_variant(draw, draw(st.sampled_from(blank.answers))) if right or
                         draw(st.booleans()) else draw(st.sampled_from(WORDS))
                         for blank in q.blanks)
        case Numeric():
            answer = draw(st.sampled_from(q.answers))
            where = draw(st.sampled_from(["low", "high", "inside", "below", "above", "value"]))
            step = Decimal("0.01")
            value = {"low": answer.low, "high": answer.high,
                     "inside": (answer.low + answer.high) / 2,
                     "below": answer.low - step, "above": answer.high + step,
                     "value": answer.value if answer.value is not None else answer.low}[where]
            return _number_text(draw, _number(value))
        case Matching():
            ids = [r.id for r in q.responses]
            chosen = {}
            for pair in q.pairs:
                if right or draw(st.booleans()):
                    chosen[pair.premise.id] = pair.response.id
                elif draw(st.booleans()):
                    chosen[pair.premise.id] = draw(st.sampled_from(ids))
            return chosen
        case Ordering():
            ids = tuple(item.id for item in q.items)
            return ids if right else tuple(draw(st.permutations(ids)))
        case Essay():
            return draw(st.sampled_from(["", "Because security matters.", "x"]))
    raise AssertionError(q)


@st.composite
def question_and_responses(draw: st.DrawFn, kind: str, count: int = 4):
    question = draw(QUESTIONS[kind]())
    responses = draw(st.lists(response_to(question), min_size=1, max_size=count))
    return question, responses
