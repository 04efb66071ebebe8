"""What the quiz writers (qti12, qti21, qti30, moodlexml; the quiz of cc11/cc13) share, written
once.

- `QuizWriter`: the base class; finds the course's quiz and reports a course without one.
- `SUPPORT`: the question type x target table, the registry's (scormkit/formats.py).
- HTML helpers: the quiz model holds XHTML fragments with ``scormkit-asset:`` image sources;
  writers need them with package-relative (or LMS-specific) sources, as plain text, or
  rebuilt as QTI content (`append_qti_html`).
- Scoring helpers shared by the formats that score in percent (QTI 1.2, Moodle).
- The ordering fallback (matching items to positions) used where a target has no ordering
  question.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import ClassVar, assert_never

from lxml import etree

from scormkit import formats
from scormkit.errors import SourceError, UnsupportedFeature
from scormkit.model import Course
from scormkit.package import Package
from scormkit.questions import (
    BLANK_TAG,
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
from scormkit.sources.media import ASSET_SCHEME
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
# HTML fragments

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def question_html(question: Question) -> list[str]:
    """Every XHTML fragment of a question (to find the images it shows)."""
    q = question
    parts = [q.prompt_html, q.feedback.correct_html, q.feedback.incorrect_html,
             q.feedback.general_html]
    match q:
        case SingleChoice() | MultipleResponse():
            for choice in q.choices:
                parts += [choice.text_html, choice.feedback_html]
        case TrueFalse():
            parts += [q.true_feedback_html, q.false_feedback_html]
        case Numeric():
            parts += [answer.feedback_html for answer in q.answers]
        case Matching():
            parts += [item.text_html for item in (*q.premises, *q.responses)]
        case Ordering():
            parts += [item.text_html for item in q.items]
        case Essay():
            parts.append(q.grading_html)
        case FillInBlank():
            pass  # the blanks are in the prompt
        case _:
            assert_never(q)
    return parts


_BLANK_RE = re.compile(re.escape(BLANK_TAG).replace(re.escape("{id}"), "([A-Za-z0-9_-]+)"))


def fragment(html_text: str) -> etree._Element:
    """Parse an XHTML fragment of the model into a ``<div>`` wrapper (no namespace)."""
    return etree.fromstring(f"<div>{html_text}</div>")


def serialize_children(wrapper: etree._Element) -> str:
    inner = html.escape(wrapper.text or "", quote=False)
    return inner + "".join(etree.tostring(child, encoding="unicode") for child in wrapper)


def asset_hrefs(html_text: str) -> list[str]:
    """Package paths of the images *html_text* shows, in order, once each."""
    if ASSET_SCHEME not in html_text:
        return []
    found: dict[str, None] = {}
    for img in fragment(html_text).iter("img"):
        src = img.get("src", "")
        if src.startswith(ASSET_SCHEME):
            found.setdefault(src[len(ASSET_SCHEME):], None)
    return list(found)


def rewrite_assets(html_text: str, src: Callable[[str], str]) -> str:
    """*html_text* with each image source ``scormkit-asset:<path>`` replaced by src(path)."""
    if ASSET_SCHEME not in html_text:
        return html_text
    wrapper = fragment(html_text)
    for img in wrapper.iter("img"):
        value = img.get("src", "")
        if value.startswith(ASSET_SCHEME):
            img.set("src", src(value[len(ASSET_SCHEME):]))
    return serialize_children(wrapper)


def plain_text(html_text: str) -> str:
    """The text of a fragment, images replaced by their alt text, spaces collapsed."""
    if "<" not in html_text:
        return " ".join(html.unescape(html_text).split())
    wrapper = fragment(html_text)
    for img in list(wrapper.iter("img")):
        img.tail = (img.get("alt") or "") + (img.tail or "")
    return " ".join("".join(wrapper.itertext()).split())


def replace_blanks(html_text: str, replacement: Callable[[str], str]) -> str:
    """*html_text* with each blank placeholder replaced by replacement(blank id) (markup)."""
    return _BLANK_RE.sub(lambda m: replacement(m.group(1)), html_text)


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


def append_qti_html(
    parent: etree._Element,
    html_text: str,
    ns: str,
    *,
    src: Callable[[str], str],
    blank: Callable[[etree._Element, str], etree._Element] | None = None,
) -> None:
    """Append the XHTML fragment *html_text* to *parent* as QTI content in namespace *ns*.

    QTI 2.1 and 3.0 embed a fixed XHTML subset in their own namespace. Markdown renders
    little beyond it; what differs is mapped so no content is lost: strike-through becomes
    ``<span class="strikethrough">``, table cell alignment (a ``style``) becomes ``align``,
    attributes outside the subset (``title``, ``start``, ``role``, ``id``) are dropped.
    Image sources go through *src*; a fill-in blank placeholder is replaced by what
    *blank(parent, blank_id)* appends (the caller's text entry interaction).
    """
    wrapper = fragment(html_text)
    _copy_text(parent, wrapper.text)
    for child in wrapper:
        _append_element(parent, child, ns, src, blank)
        _copy_text(parent, child.tail)


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
    element: etree._Element,
    ns: str,
    src: Callable[[str], str],
    blank: Callable[[etree._Element, str], etree._Element] | None,
) -> None:
    if not isinstance(element.tag, str):  # comments and processing instructions
        return
    tag = element.tag
    if tag == "span" and element.get("class") == "scormkit-blank" and blank is not None:
        blank(parent, element.get("data-blank", ""))
        return
    attrs: dict[str, str] = {}
    if tag in QTI_HTML:
        for name in _QTI_ATTRS.get(tag, ()):
            value = element.get(name)
            if value is not None:
                attrs[name] = src(value[len(ASSET_SCHEME):]) if (
                    name == "src" and value.startswith(ASSET_SCHEME)) else value
        if element.get("class") and tag != "span":
            attrs["class"] = element.get("class", "")
        if tag == "span" and element.get("class") and element.get("class") != "scormkit-blank":
            attrs["class"] = element.get("class", "")
        if tag in ("th", "td"):
            align = _TEXT_ALIGN.search(element.get("style", ""))
            if align:
                attrs["align"] = align.group(1)
    elif tag in _INLINE_SPAN:
        tag, attrs = "span", {"class": "strikethrough" if tag in ("s", "del", "strike")
                              else tag}
    else:
        tag = "div" if tag in ("section", "article", "aside", "figure", "details") else "span"
    out = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    out.text = element.text
    for child in element:
        _append_element(out, child, ns, src, blank)
        _copy_text(out, child.tail)


def is_block_html(html_text: str) -> bool:
    """True when the fragment starts with a block element (``<p>``, ``<ul>``...)."""
    stripped = html_text.lstrip()
    return bool(re.match(r"<(p|div|ul|ol|pre|blockquote|table|h[1-6]|hr|dl)\b", stripped))


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
