"""What the quiz writers (qti12, qti21, qti30, moodlexml; the quiz of cc11/cc13) share, written
once.

- `QuizWriter`: the base class; finds the course's quiz and reports a course without one.
- `SUPPORT`: the question type x target table, the registry's (scormkit/formats.py).
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

from scormkit import formats
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
from scormkit.errors import Diagnostic, Severity, SourceError, UnsupportedFeature
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

SUPPORT = formats.QUESTION_SUPPORT
"""The question type x target table (native, fallback or error) lives in the registry,
scormkit/formats.py; docs/quiz-targets.md prints it and the tests check it."""

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
    # Question banks and quiz imports name the quiz (and Moodle its category) in VARCHAR(255)
    # columns: Moodle's question_categories.name (question/db/install.xml), Canvas's quiz
    # title. A quiz target writes no lesson page, so the whole package uses `listed`.
    title_limit = (255, "the LMS's quiz and category names hold 255 characters")

    def write(self, course: Course) -> Package:
        warnings: list[Diagnostic] = []
        listed = self.listed(course, warnings, lessons=False)
        package = self.write_quiz(listed, quiz_of(listed, self.name))
        package.warnings.extend(warnings)
        return package

    def write_quiz(self, course: Course, quiz: Quiz) -> Package:
        raise NotImplementedError


def quiz_of(course: Course, target: str) -> Quiz:
    """The quiz a quiz target exports, or a clear error when the course has none."""
    quiz = course.quiz
    if quiz is None:
        raise SourceError(
            "quiz-missing", f"the {target} target exports the course's quiz, and this course "
            "has none", course.source,
            "add a quiz file under quizzes/ (see docs/quiz-format.md), or build another target")
    return quiz


QUESTION_ORDER_HINTS = {
    "qti12": "Canvas Classic Quizzes has no setting for it (only question groups draw at "
             "random, and a group gives every question the same points): leave "
             "shuffle_questions out, or build qti21/qti30",
    "moodlexml": "Moodle XML holds questions, not the quiz: after adding them to the quiz, "
                 "tick Shuffle in the quiz's section settings (Questions page)",
    "cc11": "the Common Cartridge assessment profile cannot say it and Moodle's restore "
            "shows the cartridge's order: tick Shuffle in the quiz's section settings",
    "cc13": "the Common Cartridge assessment profile cannot say it: set it in the LMS",
}
"""Targets whose quiz cannot shuffle its question order, and what the author can do."""


def question_order_warnings(quiz: Quiz, target: str) -> list[Diagnostic]:
    """The warning for `shuffle_questions` on a target that cannot express it (none when
    the quiz does not ask for it, or the target can: qti21, qti30 and the quiz page)."""
    if not quiz.shuffle_questions or target not in QUESTION_ORDER_HINTS:
        return []
    return [Diagnostic(
        "quiz-question-order-fixed",
        f"{target}: the questions keep the source's order (shuffle_questions is not "
        "exported)", quiz.source, QUESTION_ORDER_HINTS[target], Severity.WARNING)]


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
            pass  # the blanks are in the prompt
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
