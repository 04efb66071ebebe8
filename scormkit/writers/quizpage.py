"""The graded quiz as learners see it in web packages (SCORM 1.2, SCORM 2004, cmi5).

`quiz_view` turns the quiz model (scormkit.questions) into what
``templates/_shared/quiz.html.j2`` renders: every question of the quiz (pooled ones too) as
accessible form markup, with all feedback already rendered and hidden, plus `quiz_data`, the
JSON the browser scores with (the quiz player, ``scormkit/runtime/quiz/``). The page shows no
answer: the key travels in that JSON, as it must for a quiz scored in the browser.

Element ids: the quiz section uses the quiz id (unique among lesson ids, checked by the
reader); everything inside starts with ``skq-<question id>`` (question ids are unique within
the quiz and contain no ``.``), so nothing clashes with lesson ids or heading ids
(``<lesson id>--<slug>``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, assert_never

from scormkit import ui_strings
from scormkit.content import BlankSlot, Content, Element, Resolver, to_xhtml
from scormkit.model import Check, Course
from scormkit.questions import (
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
    format_decimal,
)
from scormkit.writers.quizcommon import true_false_labels

QUIZ_PAGE = "quiz.html"
"""The quiz's own page (its own SCO) in per-lesson layouts."""

BLANK_MAXLENGTH = 100
"""Characters a learner can type in one blank (keeps the saved state small)."""


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: str
    dom_id: str
    label_html: str
    """Inline XHTML (inside <label>) unless `block`."""
    block: bool
    feedback_html: str


@dataclass(frozen=True, slots=True)
class NumericFeedbackView:
    index: int
    feedback_html: str


@dataclass(frozen=True, slots=True)
class PremiseView:
    id: str
    dom_id: str
    label_html: str


@dataclass(frozen=True, slots=True)
class OptionView:
    id: str
    text: str
    """Plain text: <option> holds no markup."""


@dataclass(frozen=True, slots=True)
class OrderItemView:
    id: str
    dom_id: str
    text_html: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: str
    dom_id: str
    kind: str
    number: int
    """Position in source order; the browser renumbers what an attempt presents."""
    title: str
    """"" for a question without a title: the legend shows its number and points only."""
    points_text: str
    stem_html: str
    """The prompt; for fill-in-the-blank it holds the labelled text inputs."""
    correct_html: str
    incorrect_html: str
    general_html: str
    choices: tuple[ChoiceView, ...] = ()
    """single, multiple, truefalse (values "true"/"false")."""
    numeric_feedback: tuple[NumericFeedbackView, ...] = ()
    premises: tuple[PremiseView, ...] = ()
    options: tuple[OptionView, ...] = ()
    """Matching responses, in id order (the browser shuffles them when asked)."""
    items: tuple[OrderItemView, ...] = ()
    """Ordering items, in source order (the browser always shows them shuffled)."""


@dataclass(frozen=True, slots=True)
class GroupView:
    id: str | None
    title: str | None
    """The ``#`` heading of a group or pool; None for questions outside groups."""
    draw: int | None
    """How many questions an attempt uses; None: all of them."""
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True, slots=True)
class QuizView:
    id: str
    """The id of the quiz's <section> (the quiz id)."""
    title: str
    href: str
    intro_html: str
    facts: tuple[str, ...]
    groups: tuple[GroupView, ...]
    data: dict[str, Any] = field(hash=False)
    """The JSON quiz.js reads (`quiz_data`)."""
    timed: bool


def _points_text(points: Decimal, text: dict[str, str]) -> str:
    return text["quiz.points_one" if points == 1 else "quiz.points_other"].format(
        n=format_decimal(points))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def quiz_view(course: Course, quiz: Quiz, resolver: Resolver) -> QuizView:
    """Everything the quiz markup needs; *resolver* places images relative to the page."""
    true_label, false_label = true_false_labels(course.language)
    text = ui_strings.table(course.language)
    number = 0
    groups: list[GroupView] = []
    for item in quiz.items:
        members = item.questions if isinstance(item, Pool) else (item,)
        views = []
        for question in members:
            number += 1
            views.append(_question_view(question, number, resolver, true_label, false_label,
                                        text))
        if isinstance(item, Pool):
            groups.append(GroupView(item.id, item.title,
                                    None if item.draws_all else item.draw, tuple(views)))
        elif groups and groups[-1].id is None and not quiz.shuffle_questions:
            # Questions outside pools share a block; with shuffle_questions each has its
            # own, which quiz.js moves as the attempt's order says.
            previous = groups[-1]
            groups[-1] = GroupView(None, None, None, (*previous.questions, *views))
        else:
            groups.append(GroupView(None, None, None, tuple(views)))

    essays = [q for q in quiz.all_questions() if isinstance(q, Essay)]
    count = quiz.questions_per_attempt
    facts = [text["quiz.questions_one" if count == 1 else "quiz.questions_other"].format(n=count)]
    if quiz.passing_score is not None:
        facts.append(text["quiz.passing_score"].format(n=quiz.passing_score))
    if quiz.max_attempts is not None:
        facts.append(text["quiz.attempts_allowed"].format(n=quiz.max_attempts))
    if quiz.time_limit is not None:
        minutes = quiz.time_limit
        facts.append(text["quiz.time_limit_one" if minutes == 1 else "quiz.time_limit_other"]
                     .format(n=minutes))
    if essays:
        facts.append(text["quiz.essays_later"])
    return QuizView(
        id=quiz.id,
        title=quiz.title,
        href=f"#{quiz.id}",
        intro_html=to_xhtml(quiz.intro, resolver),
        facts=tuple(facts),
        groups=tuple(groups),
        data=quiz_data(quiz, course.language),
        timed=quiz.time_limit is not None,
    )


@dataclass(frozen=True, slots=True)
class CheckView:
    """An inline check (scormkit.model.Check) as _shared/check.html.j2 renders it."""

    question: QuestionView
    titled: bool
    data: dict[str, Any] = field(hash=False)
    """The question's JSON for quiz/checks.js: `_question_data` and ``strings``, the result
    words in the course language."""


CHECK_STRINGS = ("correct", "partlyCorrect", "incorrect", "unanswered")
"""The quiz player's texts a check shows (group ``quizjs``)."""


def check_view(check: Check, lesson_id: str, resolver: Resolver, language: str) -> CheckView:
    """The check *check* of lesson *lesson_id* on a page whose images *resolver* places.
    Element ids start with ``skc-<lesson id>-<check id>``: check ids are unique within their
    lesson, and nothing else on a page starts so."""
    true_label, false_label = true_false_labels(language)
    text = ui_strings.table(language)
    question = check.question
    view = _question_view(question, 0, resolver, true_label, false_label, text,
                          dom=f"skc-{lesson_id}-{question.id}")
    strings = ui_strings.group(language, "quizjs")
    data = {**_question_data(question), "strings": {key: strings[key] for key in CHECK_STRINGS}}
    return CheckView(view, check.titled, data)


def _question_view(question: Question, number: int, resolver: Resolver, true_label: str,
                   false_label: str, text: dict[str, str], *, dom: str | None = None
                   ) -> QuestionView:
    dom = dom or f"skq-{question.id}"
    feedback = question.feedback

    def local(content: Content) -> str:
        return to_xhtml(content, resolver)

    stem = resolver
    if isinstance(question, FillInBlank):  # a labelled text input in each blank
        stem = dataclasses.replace(resolver, blank=_blank_inputs(question, dom, text), key=None)
    common: dict[str, Any] = {
        "id": question.id,
        "dom_id": dom,
        "kind": question.kind,
        "number": number,
        "title": question.title if question.titled else "",
        "points_text": _points_text(question.points, text),
        "stem_html": to_xhtml(question.prompt, stem),
        "correct_html": local(feedback.correct),
        "incorrect_html": local(feedback.incorrect),
        "general_html": local(feedback.general),
    }
    match question:
        case SingleChoice() | MultipleResponse():
            common["choices"] = tuple(
                ChoiceView(c.id, f"{dom}-{c.id}", local(c.text), c.text.starts_with_block(),
                           local(c.feedback))
                for c in question.choices)
        case TrueFalse():
            common["choices"] = (
                ChoiceView("true", f"{dom}-true", true_label, False,
                           local(question.true_feedback)),
                ChoiceView("false", f"{dom}-false", false_label, False,
                           local(question.false_feedback)),
            )
        case FillInBlank():
            pass  # the stem holds the inputs
        case Numeric():
            common["numeric_feedback"] = tuple(
                NumericFeedbackView(index, local(answer.feedback))
                for index, answer in enumerate(question.answers) if answer.feedback)
        case Matching():
            common["premises"] = tuple(
                PremiseView(p.id, f"{dom}-{p.id}", local(p.text)) for p in question.premises)
            common["options"] = tuple(
                OptionView(r.id, r.text.plain_text()) for r in question.responses)
        case Ordering():
            common["items"] = tuple(
                OrderItemView(i.id, f"{dom}-{i.id}", local(i.text), i.text.plain_text())
                for i in question.items)
        case Essay():
            common["points_text"] = text["quiz.points_essay"].format(
                points=common["points_text"])
        case _:
            assert_never(question)
    return QuestionView(**common)


def _blank_inputs(question: FillInBlank, dom: str, text: dict[str, str]
                  ) -> Callable[[BlankSlot], Content]:
    """What stands in each blank of the prompt: a labelled text input."""
    count = len(question.blanks)
    positions = {blank.id: number for number, blank in enumerate(question.blanks, start=1)}

    def inputs(slot: BlankSlot) -> Content:
        input_id = f"{dom}-{slot.blank}"
        label = (text["quiz.blank_of"].format(n=positions[slot.blank], total=count)
                 if count > 1 else text["quiz.blank"])
        return Content.of(
            Element("label", (("class", "sk-visually-hidden"), ("for", input_id)), (label,)),
            Element("input", (("type", "text"), ("class", "sk-blank"), ("id", input_id),
                              ("data-blank", slot.blank), ("size", "12"),
                              ("maxlength", str(BLANK_MAXLENGTH)), ("autocomplete", "off"),
                              ("autocapitalize", "off"), ("spellcheck", "false"))))

    return inputs


def quiz_data(quiz: Quiz, language: str = "en") -> dict[str, Any]:
    """The quiz as quiz.js scores it: settings, groups and one entry per question, and
    ``strings``, quiz.js's interface texts in *language* (scormkit.ui_strings, group ``quizjs``).

    Questions are listed in source order (``Quiz.all_questions``) and referred to by index;
    choice, matching and ordering ids are the model's one-letter ids.
    """
    questions = quiz.all_questions()
    index = {question.id: n for n, question in enumerate(questions)}
    groups = []
    for item in quiz.items:
        if isinstance(item, Pool):
            groups.append({
                "questions": [index[q.id] for q in item.questions],
                "draw": None if item.draws_all else item.draw,
            })
        else:
            groups.append({"questions": [index[item.id]], "draw": None})
    return {
        "id": quiz.id,
        "title": quiz.title,
        "passingScore": quiz.passing_score,
        "attempts": quiz.max_attempts,
        "timeLimit": quiz.time_limit,
        "shuffleQuestions": quiz.shuffle_questions,
        "groups": groups,
        "questions": [_question_data(q) for q in questions],
        "strings": ui_strings.group(language, "quizjs"),
    }


def _question_data(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "kind": question.kind,
        "title": question.title,
        "points": _number(question.points),
    }
    match question:
        case SingleChoice() | MultipleResponse():
            data["choices"] = [c.id for c in question.choices]
            data["correct"] = [c.id for c in question.choices if c.correct]
            data["pinned"] = [c.id for c in question.choices if c.pinned]
            data["shuffle"] = question.shuffle
            data["partial"] = isinstance(question, MultipleResponse) and question.partial_credit
        case TrueFalse():
            data["answer"] = question.answer
        case FillInBlank():
            data["blanks"] = [{"id": b.id, "answers": list(b.answers)} for b in question.blanks]
            data["case"] = question.case_sensitive
            data["partial"] = question.partial_credit
        case Numeric():
            data["answers"] = [[_number(a.low), _number(a.high)] for a in question.answers]
        case Matching():
            data["premises"] = [p.id for p in question.premises]
            data["responses"] = [r.id for r in question.responses]
            data["pairs"] = {pair.premise.id: pair.response.id for pair in question.pairs}
            data["shuffle"] = question.shuffle
            data["partial"] = question.partial_credit
        case Ordering():
            data["items"] = [i.id for i in question.items]
        case Essay():
            pass
        case _:
            assert_never(question)
    return data
