"""The quiz model: what the quiz reader produces and every quiz writer consumes.

Frozen dataclasses with tuples, like `scormkit.model`. HTML fragments (``*_html``) are rendered
once by the reader with the shared Markdown parser (raw HTML off), so they are well-formed
XHTML; images in them use ``scormkit-asset:<package path>`` like lesson bodies do.

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
from typing import TYPE_CHECKING, ClassVar

from scormkit.errors import Location

if TYPE_CHECKING:
    from scormkit.model import Asset

QUESTION_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
"""Quiz, pool and question ids (use ``fullmatch``): an NCName without '.', at most 64
characters."""

MAX_CHOICES = 26
"""Choices (or matching premises + responses, or ordering items) per question: one letter each."""

BLANK_TAG = '<span class="scormkit-blank" data-blank="{id}"></span>'
"""How a blank appears in `FillInBlank.prompt_html`; use `FillInBlank.prompt_parts` to split."""
_BLANK_RE = re.compile(r'<span class="scormkit-blank" data-blank="([A-Za-z0-9_-]+)"></span>')


def short_id(index: int) -> str:
    """The id of the *index*-th (0-based) choice: ``a`` ... ``z``."""
    if not 0 <= index < MAX_CHOICES:
        raise ValueError(f"at most {MAX_CHOICES} choices per question")
    return chr(ord("a") + index)


def format_decimal(value: Decimal) -> str:
    """Plain decimal notation without exponent or trailing zeros: ``11``, ``0.5``, ``-2.25``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Feedback:
    """Question-level feedback; an empty string means none."""

    correct_html: str = ""
    """Shown when the answer earns full marks."""
    incorrect_html: str = ""
    """Shown when it does not (including partially right answers)."""
    general_html: str = ""
    """Shown after any answer (explanations, references)."""

    def __bool__(self) -> bool:
        return bool(self.correct_html or self.incorrect_html or self.general_html)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a single-choice or multiple-response question."""

    id: str
    """``a``, ``b``, ... in source order (`short_id`)."""
    text_html: str
    """Inline XHTML when the choice is one paragraph (the usual case), block XHTML otherwise."""
    correct: bool
    pinned: bool
    """Keeps its position when choices are shuffled (e.g. "None of the above")."""
    feedback_html: str
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
    feedback_html: str
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
    text_html: str
    """Inline XHTML."""
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class MatchPair:
    premise: MatchItem
    response: MatchItem
    """Several premises may share one response (the same MatchItem)."""


@dataclass(frozen=True, slots=True)
class OrderItem:
    id: str
    text_html: str
    """Inline XHTML."""
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class SingleChoice:
    """Exactly one correct choice."""

    kind: ClassVar[str] = "single"
    id: str
    title: str
    """Plain text from the ``##`` heading (QTI/Moodle/Canvas question title)."""
    prompt_html: str
    """The stem: block XHTML."""
    points: Decimal
    feedback: Feedback
    choices: tuple[Choice, ...]
    shuffle: bool
    source: Location = field(compare=False)

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

    kind: ClassVar[str] = "multiple"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    choices: tuple[Choice, ...]
    shuffle: bool
    partial_credit: bool
    source: Location = field(compare=False)

    @property
    def correct_choices(self) -> tuple[Choice, ...]:
        return tuple(choice for choice in self.choices if choice.correct)


@dataclass(frozen=True, slots=True)
class TrueFalse:
    """A statement the learner judges. The labels shown ("True"/"False") are the writer's,
    in the course language."""

    kind: ClassVar[str] = "truefalse"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    answer: bool
    true_feedback_html: str
    """Shown when the learner answers "true"; may be empty."""
    false_feedback_html: str
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class FillInBlank:
    """Text with one or more gaps. `prompt_html` holds one `BLANK_TAG` per blank.

    With `partial_credit`, each right blank earns ``points / len(blanks)``; without it, full
    points only when every blank is right.
    """

    kind: ClassVar[str] = "fill"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    blanks: tuple[Blank, ...]
    case_sensitive: bool
    partial_credit: bool
    source: Location = field(compare=False)

    def prompt_parts(self) -> tuple[str | Blank, ...]:
        """The prompt as XHTML pieces and the Blank that goes between them, in order."""
        by_id = {blank.id: blank for blank in self.blanks}
        pieces = _BLANK_RE.split(self.prompt_html)
        parts: list[str | Blank] = []
        for index, piece in enumerate(pieces):
            if index % 2:
                parts.append(by_id[piece])
            elif piece:
                parts.append(piece)
        return tuple(parts)

    def matches(self, blank: Blank, response: str) -> bool:
        """Whether *response* is an accepted answer of *blank* (spaces collapsed, case rule)."""
        given = " ".join(response.split())
        if self.case_sensitive:
            return given in blank.answers
        return given.casefold() in {answer.casefold() for answer in blank.answers}


@dataclass(frozen=True, slots=True)
class Numeric:
    """A number; any of the accepted answers gives full points."""

    kind: ClassVar[str] = "numeric"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    answers: tuple[NumericAnswer, ...]
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class Matching:
    """Premises matched to responses; `distractors` are responses that match no premise.

    With `partial_credit`, each right pair earns ``points / len(pairs)``.
    """

    kind: ClassVar[str] = "matching"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    pairs: tuple[MatchPair, ...]
    distractors: tuple[MatchItem, ...]
    shuffle: bool
    """Shuffle the responses (premises keep their order)."""
    partial_credit: bool
    source: Location = field(compare=False)

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

    kind: ClassVar[str] = "ordering"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    items: tuple[OrderItem, ...]
    source: Location = field(compare=False)


@dataclass(frozen=True, slots=True)
class Essay:
    """Free text graded by a person. Only `feedback.general_html` is used."""

    kind: ClassVar[str] = "essay"
    id: str
    title: str
    prompt_html: str
    points: Decimal
    feedback: Feedback
    grading_html: str
    """Notes for the grader (never shown to learners); may be empty."""
    source: Location = field(compare=False)


Question = (
    SingleChoice | MultipleResponse | TrueFalse | FillInBlank | Numeric | Matching | Ordering
    | Essay
)
QUESTION_CLASSES: dict[str, type] = {
    cls.kind: cls
    for cls in (SingleChoice, MultipleResponse, TrueFalse, FillInBlank, Numeric, Matching,
                Ordering, Essay)
}
"""Type keyword (``{type: ...}`` in the source) -> question class."""


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
    intro_html: str
    """Block XHTML written before the first heading; may be empty."""
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
