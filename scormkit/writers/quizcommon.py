"""What the quiz writers (qti12, qti21, qti30, moodlexml; the quiz of cc11/cc13) share, written
once.

- `QuizWriter`: the base class; finds the course's quiz and reports a course without one.
- The support table `SUPPORT` (question type x target: native, fallback or error), which
  docs/quiz-targets.md prints and the tests check.
- Content helpers: every piece of content a question holds (`question_content`, to find the
  images it shows), and the walk that writes content as QTI 2.x/3.0 XHTML elements
  (`append_qti_content`); XHTML text comes from `scormkit.content.to_xhtml`.
- Scoring helpers shared by the formats that score in percent (QTI 1.2, Moodle).
- The ordering fallback (matching items to positions) used where a target has no ordering
  question.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import ClassVar, assert_never

from lxml import etree

from scormkit.content import (
    BlankSlot,
    Content,
    Element,
    Image,
    LessonLink,
    Node,
    Raw,
    Resolver,
    reference_element,
    xml_attribute,
    xml_text,
)
from scormkit.errors import SourceError, UnsupportedFeature
from scormkit.model import Course
from scormkit.package import Package
from scormkit.questions import (
    Essay,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    OrderItem,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from scormkit.writers.base import Writer

NATIVE = "native"
FALLBACK = "fallback"
ERROR = "error"

QUESTION_KINDS = ("single", "multiple", "truefalse", "fill", "numeric", "matching", "ordering",
                  "essay")

_COMMON_CARTRIDGE: dict[str, tuple[str, str]] = {
    "single": (NATIVE, "cc.multiple_choice; a pinned choice keeps its place (rshuffle=\"No\"), "
               "but Moodle's import reads neither shuffle nor pins"),
    "multiple": (FALLBACK, "cc.multiple_response with full marks for exactly the right set: "
                 "the CC profile cannot express partial credit (setvar only sets, no Add). "
                 "Moodle's import gives each right choice 1/C and a wrong one 0, Canvas "
                 "grades multiple answers with its own partial credit: in both LMSs every "
                 "multiple response question gets partial credit"),
    "truefalse": (NATIVE, "cc.true_false, labels named true and false (the names Moodle "
                  "requires), showing True/False in the course language"),
    "fill": (FALLBACK, "one blank: cc.fib, the accepted answers as alternatives (case=\"Yes\" "
             "for `case: true`, which Moodle's import ignores). Several blanks: one cc.fib "
             "item per blank, each worth points/blanks, so each blank is graded on its own"),
    "numeric": (FALLBACK, "CC has no numeric question. Exact answers: cc.fib accepting each "
                "value as text. A tolerance or a range: cc.essay graded by a person, the "
                "accepted answers listed in the general feedback. Error when one of several "
                "exact answers has its own feedback"),
    "matching": (FALLBACK, "one cc.multiple_choice item per premise (every response a choice), "
                 "each worth points/pairs: credit per right pair"),
    "ordering": (FALLBACK, "one cc.multiple_choice item per item, asking its position (1, 2, "
                 "3...), items in a fixed scrambled order, each worth points/items: credit per "
                 "right position"),
    "essay": (NATIVE, "cc.essay (qmd_computerscored No); grading notes are not exported: the "
              "profile has no field for graders"),
}
"""Common Cartridge 1.1 and 1.3 (writers/ccquiz.py): the same CC profile of QTI 1.2.1."""

SUPPORT: dict[str, dict[str, tuple[str, str]]] = {
    "qti12": {
        "single": (NATIVE, "multiple_choice_question"),
        "multiple": (FALLBACK, "multiple_answers_question; the package scores exactly the "
                     "model's rule, but Canvas Classic Quizzes always grades multiple answers "
                     "with its own partial credit, so an all-or-nothing question is graded "
                     "with partial credit in Canvas"),
        "truefalse": (NATIVE, "true_false_question"),
        "fill": (FALLBACK, "one blank: short_answer_question; several: "
                 "fill_in_multiple_blanks_question. Canvas compares answers without regard "
                 "to case and grades each blank separately, so `case: true` and all-or-nothing "
                 "scoring are not enforced by Canvas (the package still encodes them)"),
        "numeric": (NATIVE, "numerical_question (varequal plus vargte/varlte bounds)"),
        "matching": (FALLBACK, "matching_question; Canvas always gives credit per right "
                     "pair, so all-or-nothing matching is graded with partial credit"),
        "ordering": (FALLBACK, "Classic Quizzes has no ordering question: a "
                     "matching_question that pairs each item with its position (1, 2, 3...), "
                     "items listed in a scrambled order; Canvas gives credit per right "
                     "position"),
        "essay": (NATIVE, "essay_question (grading notes are not shown to learners, so they "
                  "are not exported)"),
    },
    "qti21": {
        "single": (NATIVE, "choiceInteraction maxChoices=1"),
        "multiple": (NATIVE, "choiceInteraction; match_correct, or map_response for "
                     "partial credit"),
        "truefalse": (NATIVE, "choiceInteraction with two choices"),
        "fill": (NATIVE, "one textEntryInteraction per blank, mapped answers"),
        "numeric": (NATIVE, "textEntryInteraction baseType float; equal with tolerance, or "
                    "gte/lte for a range"),
        "matching": (NATIVE, "matchInteraction (directedPair)"),
        "ordering": (NATIVE, "orderInteraction"),
        "essay": (NATIVE, "extendedTextInteraction; grading notes in a scorer rubricBlock"),
    },
    "qti30": {
        "single": (NATIVE, "qti-choice-interaction max-choices=1"),
        "multiple": (NATIVE, "qti-choice-interaction; match_correct or map_response"),
        "truefalse": (NATIVE, "qti-choice-interaction with two choices"),
        "fill": (NATIVE, "one qti-text-entry-interaction per blank"),
        "numeric": (NATIVE, "qti-text-entry-interaction base-type float; qti-equal or "
                    "qti-gte/qti-lte"),
        "matching": (NATIVE, "qti-match-interaction"),
        "ordering": (NATIVE, "qti-order-interaction"),
        "essay": (NATIVE, "qti-extended-text-interaction; grading notes in a scorer "
                  "qti-rubric-block"),
    },
    "moodlexml": {
        "single": (NATIVE, "multichoice, single"),
        "multiple": (FALLBACK, "multichoice, several answers: each right choice +1/C, "
                     "each wrong one -1/C, which is exactly the partial-credit rule; Moodle "
                     "core has no all-or-nothing multiple response, so such questions get "
                     "partial credit. Error when 100/C is not one of Moodle's grades "
                     "(C = 11..19 or more than 20 correct choices)"),
        "truefalse": (NATIVE, "truefalse"),
        "fill": (FALLBACK, "one blank: shortanswer (usecase for `case: true`); several: "
                 "multianswer (Cloze SHORTANSWER / SHORTANSWER_C), which always grades "
                 "each blank separately, so all-or-nothing becomes per-blank credit"),
        "numeric": (NATIVE, "numerical: value and tolerance (a range becomes its centre "
                    "+- half its width)"),
        "matching": (FALLBACK, "matching; Moodle gives credit per right pair, and its "
                     "answers are plain text (images in responses become their alt text)"),
        "ordering": (FALLBACK, "Moodle core has no ordering question: a matching question "
                     "that pairs each item with its position (1, 2, 3...), with credit per "
                     "right position"),
        "essay": (NATIVE, "essay (HTML editor); grading notes as graderinfo"),
    },
    "cc11": _COMMON_CARTRIDGE,
    "cc13": _COMMON_CARTRIDGE,
}

TRUE_FALSE_LABELS = {
    "en": ("True", "False"),
    "fr": ("Vrai", "Faux"),
    "de": ("Wahr", "Falsch"),
    "es": ("Verdadero", "Falso"),
    "it": ("Vero", "Falso"),
    "nl": ("Waar", "Onwaar"),
    "pt": ("Verdadeiro", "Falso"),
}
"""What the two choices of a true/false question say, by course language (English when the
language is not listed)."""


def true_false_labels(language: str) -> tuple[str, str]:
    return TRUE_FALSE_LABELS.get(language.split("-")[0].lower(), TRUE_FALSE_LABELS["en"])


class QuizWriter(Writer):
    """Base of the writers whose package is the course's quiz."""

    uses_quiz: ClassVar[bool] = True

    def write(self, course: Course) -> Package:
        return self.write_quiz(course, quiz_of(course, self.name))

    def write_quiz(self, course: Course, quiz: Quiz) -> Package:
        raise NotImplementedError


def quiz_of(course: Course, target: str) -> Quiz:
    """The quiz a quiz target exports, or a clear error when the course has none."""
    quiz = getattr(course, "quiz", None)
    if quiz is None:
        raise SourceError(
            "quiz-missing", f"the {target} target exports the course's quiz, and this course "
            "has none", course.source,
            "add a quiz file under quizzes/ (see docs/quiz-format.md), or build another target")
    return quiz


def unsupported(question: Question, target: str, what: str, hint: str) -> UnsupportedFeature:
    """The error for a question *target* cannot express, located at the question's source."""
    return UnsupportedFeature(
        "quiz-unsupported", f"question '{question.id}': {target} cannot express {what}",
        question.source, hint)


# ------------------------------------------------------------------------------------------
# Content

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def question_content(question: Question) -> list[Content]:
    """Every piece of content a question holds (to find the images it shows)."""
    q = question
    parts = [q.prompt, q.feedback.correct, q.feedback.incorrect, q.feedback.general]
    match q:
        case SingleChoice() | MultipleResponse():
            for choice in q.choices:
                parts += [choice.text, choice.feedback]
        case TrueFalse():
            parts += [q.true_feedback, q.false_feedback]
        case Numeric():
            parts += [answer.feedback for answer in q.answers]
        case Matching():
            parts += [item.text for item in (*q.premises, *q.responses)]
        case Ordering():
            parts += [item.text for item in q.items]
        case Essay():
            parts.append(q.grading)
        case FillInBlank():
            pass
        case _:
            assert_never(q)
    return parts


def question_assets(question: Question) -> list[str]:
    """Package paths of the images a question shows, in order, once each."""
    return unique(href for part in question_content(question) for href in part.assets())


# --- QTI 2.x / 3.0 content --------------------------------------------------------------

QTI_HTML = frozenset((
    "a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "dd", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "q", "samp", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "ul",
    "var"))
"""The XHTML subset QTI 2.1 and 3.0 embed in their namespace (QTI 3.0 adds HTML5 elements we
do not need); every other QTI element is QTI's own vocabulary."""
_QTI_ATTRS = {
    "a": ("href",),
    "img": ("src", "alt", "width", "height"),
    "th": ("colspan", "rowspan", "scope"),
    "td": ("colspan", "rowspan"),
    "col": ("span",),
    "colgroup": ("span",),
}
_INLINE_SPAN = frozenset(("s", "del", "strike", "ins", "u", "mark"))
_TEXT_ALIGN = re.compile(r"text-align:\s*(left|right|center)")

BlankWriter = Callable[[etree._Element, str], etree._Element]
"""Appends what stands in a blank's place (its text entry interaction) to an element."""


def append_qti_content(
    parent: etree._Element,
    content: Content,
    ns: str,
    *,
    resolver: Resolver,
    blank: BlankWriter | None = None,
) -> None:
    """Append *content* to *parent* as QTI content in namespace *ns*.

    QTI 2.1 and 3.0 embed a fixed XHTML subset in their own namespace. Markdown renders
    little beyond it; what differs is mapped so no content is lost: strike-through becomes
    ``<span class="strikethrough">``, table cell alignment (a ``style``) becomes ``align``,
    attributes outside the subset (``title``, ``start``, ``role``, ``id``) are dropped.
    Images are resolved by *resolver*; a blank becomes what *blank(parent, blank_id)* appends
    (the caller's text entry interaction). Text and attribute values are written as an XML
    parser reads them (line ends, white space in attributes), as the XHTML text is.
    """
    for node in content.nodes:
        _append_node(parent, node, ns, resolver, blank)


def _append_node(parent: etree._Element, node: Node, ns: str, resolver: Resolver,
                 blank: BlankWriter | None) -> None:
    match node:
        case str():
            _copy_text(parent, xml_text(node))
        case Element():
            _append_element(parent, node, ns, resolver, blank)
        case Image() | LessonLink():
            _append_element(parent, reference_element(node, resolver), ns, resolver, blank)
        case BlankSlot():
            if blank is None:
                raise ValueError(f"blank '{node.blank}' outside a fill-in-the-blank prompt")
            blank(parent, node.blank)
        case Raw():
            raise ValueError("raw markup cannot be embedded in QTI content")
        case _:
            assert_never(node)


def _copy_text(parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _append_element(
    parent: etree._Element,
    element: Element,
    ns: str,
    resolver: Resolver,
    blank: BlankWriter | None,
) -> None:
    tag = element.tag
    attrs: dict[str, str] = {}
    if tag in QTI_HTML:
        for name in _QTI_ATTRS.get(tag, ()):
            value = element.get(name)
            if value is not None:
                attrs[name] = xml_attribute(value)
        if css_class := element.get("class"):
            attrs["class"] = xml_attribute(css_class)
        if tag in ("th", "td"):
            align = _TEXT_ALIGN.search(xml_attribute(element.get("style") or ""))
            if align:
                attrs["align"] = align.group(1)
    elif tag in _INLINE_SPAN:
        tag, attrs = "span", {"class": "strikethrough" if tag in ("s", "del", "strike")
                              else tag}
    else:
        tag = "div" if tag in ("section", "article", "aside", "figure", "details") else "span"
    out = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    for child in element.children:
        _append_node(out, child, ns, resolver, blank)


# ------------------------------------------------------------------------------------------
# Scoring

PERCENT = Decimal(100)


def percent_share(count: int) -> Decimal:
    """100 / *count*, rounded to four decimals (QTI 1.2 scores run from 0 to 100)."""
    return (PERCENT / count).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


def numeric_bounds(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    """Centre and half-width of [low, high]."""
    return (low + high) / 2, (high - low) / 2


# ------------------------------------------------------------------------------------------
# Ordering fallback: match each item to its position

def scrambled(question: Ordering) -> tuple[OrderItem, ...]:
    """The items of *question* in a fixed order that is never the answer.

    The order comes from a hash of the question and item ids (stable across rebuilds and
    typo fixes, and independent of the content); if it happens to be the correct order, it
    is rotated by one.
    """
    def key(item: OrderItem) -> str:
        return hashlib.sha256(f"{question.id}:{item.id}".encode()).hexdigest()

    shown = tuple(sorted(question.items, key=key))
    if len(shown) > 1 and shown == question.items:
        shown = shown[1:] + shown[:1]
    return shown


def position_labels(count: int) -> tuple[str, ...]:
    """The positions an ordering question's items are matched to: ``1``, ``2``, ..."""
    return tuple(str(number) for number in range(1, count + 1))


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
