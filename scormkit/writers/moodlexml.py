"""Moodle XML writer: the quiz as a Moodle question bank file.

Moodle core imports no QTI; its question bank imports "Moodle XML" (Question bank > Import).
The package is the XML file itself, ``<id>-<version>-moodlexml.xml``, not a zip: the import
form accepts a file only when its MIME type is the format's (question/format.php,
qformat_default::can_import_file compares it with mime_type(), and qformat_xml::mime_type()
in question/format/xml/format.php is 'application/xml'), so a zip is refused as the wrong
file type. Images travel inside the XML, base64-encoded in ``<file>`` elements next to the
text that shows them, as Moodle's own export writes them (qformat_xml::import_files_as_draft
decodes them), and the text points at them as ``@@PLUGINFILE@@/<path>``. In memory the
package's one member is ``questions.xml`` (what `validate` reports against).

Categories: ``$course$/<quiz title>`` holds the quiz's questions and every pool becomes a
subcategory ``$course$/<quiz title>/<pool title>``; a Moodle quiz draws "N random questions"
from such a category (the category's info text says how many). Moodle XML carries questions
only: the passing score, attempts and time limit are quiz activity settings, made in Moodle.

Moodle has no XSD for this format; tests check the structure (tests/test_quiz_writers.py).
Type mapping, fallbacks and errors: `quizcommon.SUPPORT`, docs/quiz-targets.md.
"""

from __future__ import annotations

import base64
import posixpath
from collections.abc import Callable
from decimal import Decimal
from typing import assert_never
from urllib.parse import quote

from lxml import etree

from scormkit.content import EMPTY, BlankSlot, Content, Element, Raw, Resolver, to_xhtml
from scormkit.errors import UnsupportedFeature, counted, shown
from scormkit.model import Course
from scormkit.package import Package
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
from scormkit.writers import quizcommon as qc

PLUGINFILE = "@@PLUGINFILE@@/"
QUESTIONS_FILE = "questions.xml"
MAX_TEXT_NODE = 10_000_000
"""libxml2's longest text node (XML_MAX_TEXT_LENGTH) unless a parser asks for XML_PARSE_HUGE.
`scormkit validate` parses hostile packages without it (scormkit/validation/xml.py, "Text
node too long"), and so do PHP's XML parsers unless told otherwise (the xml extension Moodle
imports with gained XML_OPTION_PARSE_HUGE only in PHP 8.4). An image travels as one base64
text node, so the largest one Moodle XML can carry is MAX_EMBEDDED_BYTES."""
MAX_EMBEDDED_BYTES = MAX_TEXT_NODE // 4 * 3
"""7,500,000 bytes (7.2 MiB): base64 writes 4 characters for every 3 bytes."""

MOODLE_FRACTIONS = (
    Decimal("1"), Decimal("0.9"), Decimal("0.8333333"), Decimal("0.8"), Decimal("0.75"),
    Decimal("0.7"), Decimal("0.6666667"), Decimal("0.6"), Decimal("0.5"), Decimal("0.4"),
    Decimal("0.3333333"), Decimal("0.3"), Decimal("0.25"), Decimal("0.2"),
    Decimal("0.1666667"), Decimal("0.1428571"), Decimal("0.125"), Decimal("0.1111111"),
    Decimal("0.1"), Decimal("0.05"), Decimal("0"),
)
"""The grades Moodle accepts for an answer (and their negatives). Its import refuses any
other value ("Match grades: error if grade not listed" is the default)."""


def moodle_fraction(count: int) -> Decimal | None:
    """The listed grade equal to 1 / *count* (within Moodle's tolerance), or None."""
    wanted = Decimal(1) / count
    for grade in MOODLE_FRACTIONS:
        if abs(grade - wanted) < Decimal("0.00001"):
            return grade
    return None


def percent(fraction: Decimal) -> str:
    """A Moodle ``fraction`` attribute: the grade in percent (``33.33333``)."""
    return format_decimal(fraction * 100)


def category_path(*names: str) -> str:
    """``$course$/Quiz/Pool``; a '/' inside a name is doubled, as Moodle expects."""
    return "/".join(["$course$", *(name.replace("/", "//") for name in names)])


def cloze_escape(text: str) -> str:
    """Escape the characters that have a meaning inside a Cloze answer or feedback."""
    for char in ("\\", "}", "#", "~", "/", '"'):
        text = text.replace(char, "\\" + char)
    return text


class _Writer:
    """Builds the <quiz> document; knows the media so every text can carry its files."""

    def __init__(self, course: Course, quiz: Quiz) -> None:
        self.course = course
        self.quiz = quiz
        self.media = {asset.href: asset for asset in (*quiz.assets, *course.assets)}
        self.labels = qc.true_false_labels(course.language)
        self.resolver = Resolver(lambda href: PLUGINFILE + quote(href))
        """Images point at the ``<file>`` next to the text that shows them."""

    # -- text fields ------------------------------------------------------------------

    def text(self, parent: etree._Element, tag: str, content: Content, *,
             fmt: str = "html", blanks: Callable[[BlankSlot], Content] | None = None,
             **attrs: str) -> etree._Element:
        """``<tag format="html"><text>...</text><file .../>*</tag>``; *blanks* says what a
        fill-in prompt shows in place of each blank."""
        attrib = {"format": fmt, **attrs}
        element = etree.SubElement(parent, tag, attrib)
        self.fill(element, content, blanks)
        return element

    def fill(self, element: etree._Element, content: Content,
             blanks: Callable[[BlankSlot], Content] | None = None) -> None:
        resolver = Resolver(self.resolver.asset, blank=blanks) if blanks else self.resolver
        etree.SubElement(element, "text").text = to_xhtml(content, resolver)
        for href in content.assets():
            folder, name = posixpath.split(href)
            file = etree.SubElement(element, "file", name=name, path=f"/{folder}/"
                                    if folder else "/", encoding="base64")
            file.text = base64.b64encode(self.embeddable(href)).decode()

    def embeddable(self, href: str) -> bytes:
        """The bytes of the asset *href*, or an error when they are too large to embed (the
        package would fail `validate`; see MAX_TEXT_NODE)."""
        asset = self.media[href]
        if len(asset.data) > MAX_EMBEDDED_BYTES:
            raise UnsupportedFeature(
                "moodlexml-media-too-large",
                f"image {shown(href)} has {len(asset.data) / 2**20:.1f} MiB; Moodle XML embeds "
                f"each image as base64 text, which XML parsers read up to {MAX_TEXT_NODE:,} "
                f"characters: at most {MAX_EMBEDDED_BYTES / 2**20:.1f} MiB an image",
                asset.used_at,
                "make the image smaller (scale it down, or save a photo as JPEG or WebP); "
                "other targets package it as a file of its own")
        return asset.data

    def plain(self, parent: etree._Element, tag: str, text: str) -> etree._Element:
        element = etree.SubElement(parent, tag)
        etree.SubElement(element, "text").text = text
        return element

    # -- document ---------------------------------------------------------------------

    def build(self) -> etree._Element:
        quiz = self.quiz
        root = etree.Element("quiz")
        self.category(root, category_path(quiz.title), quiz.intro)
        for entry in quiz.items:
            if not isinstance(entry, Pool):
                self.question(root, entry)
        for pool in quiz.pools:
            info = Content.of(Element("p", (), (
                f"Pool of {counted(len(pool.questions), 'question')}: each attempt draws "
                f"{min(pool.draw, len(pool.questions))} of them at random.",)))
            self.category(root, category_path(quiz.title, pool.title), info)
            for question in pool.questions:
                self.question(root, question)
        return root

    def category(self, root: etree._Element, path: str, info: Content) -> None:
        question = etree.SubElement(root, "question", type="category")
        self.plain(question, "category", path)
        self.text(question, "info", info)

    def question(self, root: etree._Element, q: Question) -> None:
        kind = moodle_type(q)
        element = etree.SubElement(root, "question", type=kind)
        self.plain(element, "name", q.title)
        blanks = None
        if isinstance(q, FillInBlank):
            blanks = self.cloze(q) if kind == "multianswer" else (
                lambda _slot: Content.of("_____"))
        self.text(element, "questiontext", q.prompt, blanks=blanks)
        self.text(element, "generalfeedback", q.feedback.general)
        etree.SubElement(element, "defaultgrade").text = format_decimal(q.points)
        etree.SubElement(element, "penalty").text = "0"
        etree.SubElement(element, "hidden").text = "0"
        etree.SubElement(element, "idnumber").text = q.id
        match q:
            case SingleChoice() | MultipleResponse():
                self.multichoice(element, q)
            case TrueFalse():
                self.true_false(element, q)
            case FillInBlank() if kind == "shortanswer":
                self.short_answer(element, q)
            case FillInBlank():
                pass  # multianswer: everything is in the question text
            case Numeric():
                self.numerical(element, q)
            case Matching():
                self.matching(element, q, [(p.text, r.text) for p, r in
                                           ((pair.premise, pair.response) for pair in q.pairs)],
                              [d.text for d in q.distractors], q.shuffle)
            case Ordering():
                positions = qc.position_labels(len(q.items))
                place = {item.id: Content.of(positions[n]) for n, item in enumerate(q.items)}
                self.matching(element, q, [(item.text, place[item.id])
                                           for item in qc.scrambled(q)], [], True)
            case Essay():
                self.essay(element, q)
            case _:
                assert_never(q)

    def combined(self, element: etree._Element, q: Question) -> None:
        self.text(element, "correctfeedback", q.feedback.correct)
        self.text(element, "partiallycorrectfeedback", q.feedback.incorrect)
        self.text(element, "incorrectfeedback", q.feedback.incorrect)

    def multichoice(self, element: etree._Element, q: SingleChoice | MultipleResponse) -> None:
        single = isinstance(q, SingleChoice)
        pinned = any(choice.pinned for choice in q.choices)
        etree.SubElement(element, "single").text = "true" if single else "false"
        # Moodle cannot pin a choice: a question with one is not shuffled at all.
        etree.SubElement(element, "shuffleanswers").text = (
            "true" if q.shuffle and not pinned else "false")
        etree.SubElement(element, "answernumbering").text = "abc"
        etree.SubElement(element, "showstandardinstruction").text = "0"
        self.combined(element, q)
        if isinstance(q, SingleChoice):
            fractions = {c.id: Decimal(1) if c.correct else Decimal(0) for c in q.choices}
        else:
            right = len(q.correct_choices)
            share = moodle_fraction(right)
            if share is None:
                raise qc.unsupported(
                    q, "Moodle XML", f"a multiple-response question with {right} correct "
                    "choices", "Moodle only accepts answer grades from a fixed list (1/1 to "
                    "1/10 and 1/20 of the marks): use at most 10 correct choices")
            fractions = {c.id: share if c.correct else -share for c in q.choices}
        for choice in q.choices:
            answer = self.text(element, "answer", choice.text,
                               fraction=percent(fractions[choice.id]))
            self.text(answer, "feedback", choice.feedback)
        if not single:
            etree.SubElement(element, "shownumcorrect")

    def true_false(self, element: etree._Element, q: TrueFalse) -> None:
        # Moodle's true/false has per-answer feedback only: the question's correct and
        # incorrect feedback are added to the right and the wrong answer's.
        for value, own in ((True, q.true_feedback), (False, q.false_feedback)):
            right = value == q.answer
            extra = q.feedback.correct if right else q.feedback.incorrect
            answer = etree.SubElement(element, "answer", fraction="100" if right else "0",
                                      format="moodle_auto_format")
            etree.SubElement(answer, "text").text = "true" if value else "false"
            self.text(answer, "feedback", own + extra)

    def short_answer(self, element: etree._Element, q: FillInBlank) -> None:
        etree.SubElement(element, "usecase").text = "1" if q.case_sensitive else "0"
        for text in qc.unique(q.blanks[0].answers):
            answer = etree.SubElement(element, "answer", fraction="100",
                                      format="moodle_auto_format")
            etree.SubElement(answer, "text").text = _star(text)
            self.text(answer, "feedback", q.feedback.correct)
        self.anything_else(element, q.feedback.incorrect)

    def anything_else(self, element: etree._Element, content: Content) -> None:
        """Incorrect feedback for types without combined feedback: a '*' answer (any other
        response) worth nothing."""
        if content:
            answer = etree.SubElement(element, "answer", fraction="0",
                                      format="moodle_auto_format")
            etree.SubElement(answer, "text").text = "*"
            self.text(answer, "feedback", content)

    def cloze(self, q: FillInBlank) -> Callable[[BlankSlot], Content]:
        """What each blank of the question text becomes: an embedded SHORTANSWER
        subquestion, in Moodle's Cloze syntax (`Raw`: its escaping is Moodle's, not XHTML's).

        Moodle adds up the blanks' weights to get the question's mark: each blank weighs
        points / blanks when that is a whole number, else 1 (set the mark in the quiz).
        """
        share = q.points / len(q.blanks)
        weight = str(int(share)) if share == int(share) and share >= 1 else "1"
        kind = "SHORTANSWER_C" if q.case_sensitive else "SHORTANSWER"
        # The Cloze code sits in the question's HTML: the feedback (plain text: Cloze
        # feedback holds no markup) is escaped for Cloze, then for HTML like the answers, so
        # a "<" or "&" in it cannot break the question text.
        right = _escape(cloze_escape(q.feedback.correct.plain_text()))
        wrong = _escape(cloze_escape(q.feedback.incorrect.plain_text()))

        def embed(slot: BlankSlot) -> Content:
            # "*" is short answer's wildcard (a Cloze blank is one): "\\*" keeps it a star,
            # as in a short answer question (or an answer "*" would accept anything).
            answers = [f"%100%{_star(_escape(cloze_escape(text)))}"
                       + (f"#{right}" if right else "")
                       for text in qc.unique(q.blank(slot.blank).answers)]
            if wrong:
                answers.append(f"%0%*#{wrong}")
            return Content.of(Raw("{" + f"{weight}:{kind}:" + "~".join(answers) + "}"))

        return embed

    def numerical(self, element: etree._Element, q: Numeric) -> None:
        # No combined feedback in Moodle's numerical type: see true_false().
        for entry in q.answers:
            centre, half = qc.numeric_bounds(entry.low, entry.high)
            value = entry.value if entry.value is not None else centre
            margin = entry.tolerance if entry.tolerance is not None else (
                Decimal(0) if entry.value is not None else half)
            answer = etree.SubElement(element, "answer", fraction="100",
                                      format="moodle_auto_format")
            etree.SubElement(answer, "text").text = format_decimal(value)
            self.text(answer, "feedback", entry.feedback + q.feedback.correct)
            etree.SubElement(answer, "tolerance").text = format_decimal(margin)
        self.anything_else(element, q.feedback.incorrect)
        etree.SubElement(element, "unitgradingtype").text = "0"
        etree.SubElement(element, "unitpenalty").text = "0"
        etree.SubElement(element, "showunits").text = "3"
        etree.SubElement(element, "unitsleft").text = "0"

    def matching(self, element: etree._Element, q: Question,
                 pairs: list[tuple[Content, Content]], distractors: list[Content],
                 shuffle: bool) -> None:
        """Moodle's matching: HTML questions, plain-text answers (dropdown entries)."""
        etree.SubElement(element, "shuffleanswers").text = "true" if shuffle else "false"
        self.combined(element, q)
        for question_text, answer in pairs:
            sub = self.text(element, "subquestion", question_text)
            self.plain(sub, "answer", answer.plain_text())
        for answer in distractors:
            sub = self.text(element, "subquestion", EMPTY)
            self.plain(sub, "answer", answer.plain_text())

    def essay(self, element: etree._Element, q: Essay) -> None:
        etree.SubElement(element, "responseformat").text = "editor"
        etree.SubElement(element, "responserequired").text = "1"
        etree.SubElement(element, "responsefieldlines").text = "15"
        etree.SubElement(element, "attachments").text = "0"
        etree.SubElement(element, "attachmentsrequired").text = "0"
        self.text(element, "graderinfo", q.grading)
        self.text(element, "responsetemplate", EMPTY)


def _star(text: str) -> str:
    """A literal ``*`` in a short answer (Moodle reads a bare one as "any text")."""
    return text.replace("*", "\\*")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def moodle_type(question: Question) -> str:
    match question:
        case SingleChoice() | MultipleResponse():
            return "multichoice"
        case TrueFalse():
            return "truefalse"
        case FillInBlank():
            return "shortanswer" if len(question.blanks) == 1 else "multianswer"
        case Numeric():
            return "numerical"
        case Matching() | Ordering():
            return "matching"
        case Essay():
            return "essay"
        case _:
            assert_never(question)


def questions_xml(course: Course, quiz: Quiz) -> bytes:
    root = _Writer(course, quiz).build()
    etree.indent(root, space="  ")
    return qc.XML_DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"


class MoodleXmlWriter(qc.QuizWriter):
    name = "moodlexml"
    """Moodle XML has no XSD: the tests check its structure and golden files."""

    def package_name(self, course: Course) -> str:
        return f"{course.id}-{course.version}-{self.name}.xml"

    def write_quiz(self, course: Course, quiz: Quiz) -> Package:
        package = Package(self.name, self.package_name(course), single_file=True)
        package.warnings.extend(qc.question_order_warnings(quiz, self.name))
        package.add(QUESTIONS_FILE, questions_xml(course, quiz))
        return package
