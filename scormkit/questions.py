"""The quiz model: what the quiz reader produces and every quiz writer consumes.

Frozen dataclasses with tuples, like `scormkit.model`. Prompts, choices and feedback are
`Content` trees (`scormkit.content`) built once by the reader from the shared Markdown parser
(raw HTML off): images in them are `Image` references to assets, and a fill-in-the-blank
prompt holds a `BlankSlot` per blank; each writer resolves them for its own package.

Questions form a closed union (`Question`); writers ``match`` on the class. Every node keeps
its `source` Location (excluded from ``==``, so a model parsed back from a package compares
equal to the one read from the sources).

Identifiers:

- quiz, pool and question ids are author-chosen (``{id: ...}``) or derived from the heading
  (never from a content hash) and match `QUESTION_ID` (an NCName without '.', so SCORM 1.2's
  CMIIdentifier takes them as they are);
- choices, ordering items and matching sides get one-letter ids from `short_id` in source
  order (``a``, ``b``, ``c``...), valid as SCORM 1.2 short identifiers and QTI identifiers.
  A matching question numbers its premises first and its responses after them, so every id
  is unique within the question.

Scoring rules the writers implement (docs/quiz-format.md states them for authors):

- a question is all-or-nothing unless `partial_credit` is set (multiple response, matching,
  fill-in-the-blank); then see each class;
- a pool that draws N questions contributes N x its (common) question points to the maximum.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal

from scormkit.content import EMPTY, Asset, Content
from scormkit.errors import Location

QUESTION_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
"""Quiz, pool and question ids (use ``fullmatch``): an NCName without '.', at most 64
characters."""

QuestionKind = Literal["single", "multiple", "truefalse", "fill", "numeric", "matching",
                       "ordering", "essay"]
"""A question type keyword (``{type: ...}`` in the source): each class's `kind`. Readers and
writers that dispatch on it end in `assert_never`, so a new type fails type checking at every
place that does not handle it yet."""

MAX_CHOICES = 26
"""Choices (or matching premises + responses, or ordering items) per question: one letter each."""


def short_id(index: int) -> str:
    """The id of the *index*-th (0-based) choice: ``a`` ... ``z``."""
    if not 0 <= index < MAX_CHOICES:
        raise ValueError(f"at most {MAX_CHOICES} choices per question")
    return chr(ord("a") + index)


WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
             "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
"""What counts as white space in a typed answer: ECMAScript's ``\\s``, the set quiz.js and
the QTI engines in browsers compare with (Python's ``str.split()`` also splits at U+001C to
U+001F, which they do not)."""
_SPACES = re.compile(f"[{re.escape(WHITESPACE)}]+")


def collapse(text: str) -> str:
    """*text* without white space at either end and with every inner run made one space."""
    return _SPACES.sub(" ", text).strip(" ")


def format_decimal(value: Decimal) -> str:
    """Plain decimal notation without exponent or trailing zeros: ``11``, ``0.5``, ``-2.25``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Feedback:
    """Question-level feedback (block content); empty content means none."""

    correct: Content = EMPTY
    """Shown when the answer earns full marks."""
    incorrect: Content = EMPTY
    """Shown when it does not (including partially right answers)."""
    general: Content = EMPTY
    """Shown after any answer (explanations, references)."""

    def __bool__(self) -> bool:
        return bool(self.correct or self.incorrect or self.general)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a single-choice or multiple-response question."""

    id: str
    """``a``, ``b``, ... in source order (`short_id`)."""
    text: Content
    """Inline content when the choice is one paragraph (the usual case), blocks otherwise."""
    correct: bool
    pinned: bool
    """Keeps its position when choices are shuffled (e.g. "None of the above")."""
    feedback: Content
    """Shown when the learner picks this choice; may be empty."""
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class Blank:
    """One gap of a fill-in-the-blank question."""

    id: str
    """``b1``, ``b2``, ... in reading order."""
    answers: tuple[str, ...]
    """Accepted answers (plain text, spaces collapsed), the first being the model answer."""
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class NumericAnswer:
    """An accepted numeric answer: every value from `low` to `high` (inclusive) is right."""

    low: Decimal
    high: Decimal
    value: Decimal | None
    """The exact value or the centre of a tolerance; ``None`` for a range."""
    tolerance: Decimal | None
    """The ``+-`` margin; ``None`` for an exact value and for a range."""
    feedback: Content
    source: Location = field(compare=False)

    @property
    def kind(self) -> str:
        """``exact``, ``tolerance`` or ``range``: how the author wrote it."""
        if self.value is None:
            return "range"
        return "exact" if self.tolerance is None else "tolerance"

    def accepts(self, number: Decimal) -> bool:
        return self.low <= number <= self.high


@dataclass(frozen=True, slots=True)
class MatchItem:
    """A premise (left side) or a response (right side) of a matching question."""

    id: str
    text: Content
    """Inline content."""
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class MatchPair:
    premise: MatchItem
    response: MatchItem
    """Several premises may share one response (the same MatchItem)."""


@dataclass(frozen=True, slots=True)
class OrderItem:
    id: str
    text: Content
    """Inline content."""
    source: Location = field(compare=False)


UNTITLED_LENGTH = 60
"""A question without a title gets, where a target needs a name (the LMS's question bank, QTI
titles), the start of its stem: at most this many characters, cut at a word, with an ellipsis
(as Moodle's GIFT import names an untitled question). The learner's page shows no title."""


def title_from(text: str) -> str:
    """The name of an untitled question: the start of its stem's plain *text*."""
    words = collapse(text)
    if len(words) <= UNTITLED_LENGTH:
        return words
    cut = words[:UNTITLED_LENGTH - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True, slots=True)
class SingleChoice:
    """Exactly one correct choice."""

    kind: ClassVar[QuestionKind] = "single"
    id: str
    title: str
    """Plain text from the ``##`` heading (QTI/Moodle/Canvas question title)."""
    prompt: Content
    """The stem (block content)."""
    points: Decimal
    feedback: Feedback
    choices: tuple[Choice, ...]
    shuffle: bool
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""

    @property
    def correct_choice(self) -> Choice:
        return next(choice for choice in self.choices if choice.correct)


@dataclass(frozen=True, slots=True)
class MultipleResponse:
    """One or more correct choices; the learner ticks every one of them.

    With `partial_credit`, the score is ``points * max(0, (R - W) / C)`` where R is the number
    of correct choices ticked, W the number of wrong choices ticked and C the number of correct
    choices; without it, full points only for exactly the correct set.
    """

    kind: ClassVar[QuestionKind] = "multiple"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    choices: tuple[Choice, ...]
    shuffle: bool
    partial_credit: bool
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""

    @property
    def correct_choices(self) -> tuple[Choice, ...]:
        return tuple(choice for choice in self.choices if choice.correct)


@dataclass(frozen=True, slots=True)
class TrueFalse:
    """A statement the learner judges. The labels shown ("True"/"False") are the writer's,
    in the course language."""

    kind: ClassVar[QuestionKind] = "truefalse"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    answer: bool
    true_feedback: Content
    """Shown when the learner answers "true"; may be empty."""
    false_feedback: Content
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""


@dataclass(frozen=True, slots=True)
class FillInBlank:
    """Text with one or more gaps. `prompt` holds one `BlankSlot` per blank, in order.

    With `partial_credit`, each right blank earns ``points / len(blanks)``; without it, full
    points only when every blank is right.
    """

    kind: ClassVar[QuestionKind] = "fill"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    blanks: tuple[Blank, ...]
    case_sensitive: bool
    partial_credit: bool
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""

    def blank(self, blank_id: str) -> Blank:
        """The blank a `BlankSlot` of the prompt names."""
        return next(blank for blank in self.blanks if blank.id == blank_id)

    def matches(self, blank: Blank, response: str) -> bool:
        """Whether *response* is an accepted answer of *blank* (spaces collapsed, case rule);
        `scormkit.grading` scores with it."""
        given = collapse(response)
        if self.case_sensitive:
            return given in blank.answers
        return given.lower() in {answer.lower() for answer in blank.answers}


@dataclass(frozen=True, slots=True)
class Numeric:
    """A number; any of the accepted answers gives full points."""

    kind: ClassVar[QuestionKind] = "numeric"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    answers: tuple[NumericAnswer, ...]
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""


@dataclass(frozen=True, slots=True)
class Matching:
    """Premises matched to responses; `distractors` are responses that match no premise.

    With `partial_credit`, each right pair earns ``points / len(pairs)``.
    """

    kind: ClassVar[QuestionKind] = "matching"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    pairs: tuple[MatchPair, ...]
    distractors: tuple[MatchItem, ...]
    shuffle: bool
    """Shuffle the responses (premises keep their order)."""
    partial_credit: bool
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""

    @property
    def premises(self) -> tuple[MatchItem, ...]:
        return tuple(pair.premise for pair in self.pairs)

    @property
    def responses(self) -> tuple[MatchItem, ...]:
        """Every response once, in id order (distractors included)."""
        seen: dict[str, MatchItem] = {}
        for item in (*(pair.response for pair in self.pairs), *self.distractors):
            seen.setdefault(item.id, item)
        return tuple(sorted(seen.values(), key=lambda item: item.id))


@dataclass(frozen=True, slots=True)
class Ordering:
    """Items to put in order; `items` is the correct order. Always shown shuffled; scored
    all-or-nothing."""

    kind: ClassVar[QuestionKind] = "ordering"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    items: tuple[OrderItem, ...]
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""


@dataclass(frozen=True, slots=True)
class Essay:
    """Free text graded by a person. Only `feedback.general` is used."""

    kind: ClassVar[QuestionKind] = "essay"
    id: str
    title: str
    prompt: Content
    points: Decimal
    feedback: Feedback
    grading: Content
    """Notes for the grader (never shown to learners); may be empty."""
    source: Location = field(compare=False)
    titled: bool = True
    """False: the heading has no title; `title` is then made from the stem (`title_from`)."""


Question = (
    SingleChoice | MultipleResponse | TrueFalse | FillInBlank | Numeric | Matching | Ordering
    | Essay
)
QUESTION_CLASSES: dict[QuestionKind, type[Question]] = {
    cls.kind: cls
    for cls in (SingleChoice, MultipleResponse, TrueFalse, FillInBlank, Numeric, Matching,
                Ordering, Essay)
}
"""Type keyword (``{type: ...}`` in the source) -> question class."""


def question_kind(value: object) -> QuestionKind | None:
    """*value* (as read from a source) as a question type keyword, or None when it is none."""
    return next((kind for kind in QUESTION_CLASSES if kind == value), None)


@dataclass(frozen=True, slots=True)
class Pool:
    """A ``#`` group of questions; each attempt uses `draw` of them, picked at random.

    When `draw` equals the number of questions the pool is a plain section (all are used).
    Every question of a pool that draws fewer than all has the same points (Canvas groups
    need that, and it keeps the maximum score the same for every draw).
    """

    id: str
    title: str
    draw: int
    questions: tuple[Question, ...]
    source: Location = field(compare=False)

    @property
    def draws_all(self) -> bool:
        return self.draw >= len(self.questions)

    @property
    def max_points(self) -> Decimal:
        if self.draws_all:
            return sum((q.points for q in self.questions), Decimal(0))
        return self.questions[0].points * self.draw


@dataclass(frozen=True, slots=True)
class Quiz:
    id: str
    slug: str
    """File name without ``.quiz.md`` (or ``.md``), for file names in packages."""
    title: str
    intro: Content
    """Block content written before the first heading; may be empty."""
    items: tuple[Question | Pool, ...]
    """Questions and pools in source order."""
    passing_score: int | None
    """Percentage of `max_points` needed to pass; ``None`` when the quiz only practises."""
    max_attempts: int | None
    """``None``: unlimited."""
    time_limit: int | None
    """Minutes; ``None``: untimed."""
    assets: tuple[Asset, ...]
    """Every image the quiz shows, once each, sorted by package path."""
    source: Location = field(compare=False)
    shuffle_questions: bool = False
    """Each attempt shows the items (questions, and pools as a whole) in a new random order."""

    def all_questions(self) -> tuple[Question, ...]:
        """Every question, pooled or not, in source order."""
        return tuple(self._walk())

    def _walk(self) -> Iterator[Question]:
        for item in self.items:
            if isinstance(item, Pool):
                yield from item.questions
            else:
                yield item

    @property
    def pools(self) -> tuple[Pool, ...]:
        return tuple(item for item in self.items if isinstance(item, Pool))

    @property
    def max_points(self) -> Decimal:
        """Points available in one attempt (pools count what they draw)."""
        return sum(
            (item.max_points if isinstance(item, Pool) else item.points for item in self.items),
            Decimal(0),
        )

    @property
    def questions_per_attempt(self) -> int:
        return sum(item.draw if isinstance(item, Pool) else 1 for item in self.items)

    def question(self, question_id: str) -> Question:
        for question in self._walk():
            if question.id == question_id:
                return question
        raise KeyError(question_id)
