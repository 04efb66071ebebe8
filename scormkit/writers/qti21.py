"""QTI 2.1 writer: a QTI 2.1 content package of the course's quiz.

Layout: ``imsmanifest.xml`` (QTI 2.1 profile of IMS CP 1.2), one ``items/<question id>.xml``
assessmentItem per question, the assessmentTest ``<quiz id>.xml`` and the images under
``media/``. Each item scores in its own points (``SCORE`` from 0 to ``MAXSCORE``), so it
means the same in an item bank as in the test; the test sums the item scores and sets
``PASS`` from the passing score. Pools are sections with ``selection`` and ``ordering``.

The item and test trees are built here in QTI 2.1 vocabulary; `scormkit.writers.qti30`
builds the same trees and renames them to QTI 3.0, so the scoring logic exists once.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import assert_never

from lxml import etree

from scormkit import ids, schemas, templating
from scormkit.content import Content, Resolver
from scormkit.model import Course
from scormkit.package import Package
from scormkit.questions import (
    Essay,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    NumericAnswer,
    Ordering,
    Pool,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
    format_decimal,
)
from scormkit.writers import quizcommon as qc

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TEMPLATE_BASE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
ITEM_FOLDER = "items"
XML_DECLARATION = qc.XML_DECLARATION

HTML_ELEMENTS = qc.QTI_HTML

CORRECT, INCORRECT, GENERAL = "CORRECT", "INCORRECT", "GENERAL"
"""Modal feedback identifiers of the question-level feedback (choice ids are lower case)."""


def interaction_kind(question: Question) -> str:
    """The QTI 2.1 interaction a question becomes (for the manifest's QTI metadata)."""
    match question:
        case SingleChoice() | MultipleResponse() | TrueFalse():
            return "choiceInteraction"
        case FillInBlank() | Numeric():
            return "textEntryInteraction"
        case Matching():
            return "matchInteraction"
        case Ordering():
            return "orderInteraction"
        case Essay():
            return "extendedTextInteraction"
        case _:
            assert_never(question)


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


@cache
def kebab(name: str) -> str:
    """``responseIdentifier`` -> ``response-identifier``."""
    return _CAMEL.sub(r"-\1", name).lower()


@dataclass(frozen=True)
class Vocabulary:
    """How QTI names things. The builders below speak QTI 2.1 (``assessmentItem``,
    ``responseIdentifier``); QTI 3.0 keeps the model and renames it (``qti-assessment-item``,
    ``response-identifier``), wraps feedback and rubric content in ``qti-content-body`` and
    moves the response processing templates."""

    ns: str
    qti3: bool
    template_base: str
    template_suffix: str = ""

    def tag(self, name: str) -> str:
        if not self.qti3 or name in HTML_ELEMENTS:
            return f"{{{self.ns}}}{name}"
        return f"{{{self.ns}}}qti-{kebab(name)}"

    def attrs(self, attrs: dict[str, str]) -> dict[str, str]:
        return {kebab(k): v for k, v in attrs.items()} if self.qti3 else attrs

    def template(self, name: str) -> str:
        return self.template_base + name + self.template_suffix


QTI21_VOCABULARY = Vocabulary(QTI, False, TEMPLATE_BASE)


def document_root(vocabulary: Vocabulary, tag: str, **attrs: str) -> etree._Element:
    return etree.Element(vocabulary.tag(tag), vocabulary.attrs(attrs),
                         nsmap={None: vocabulary.ns, "xsi": XSI})


def _num(value: Decimal | int) -> str:
    return format_decimal(Decimal(value))


def _exact(value: Decimal) -> bool:
    """True when *value* is written exactly with few decimals (no 0.3333...)."""
    return value == value.quantize(Decimal("0.000001"))


class _Tree:
    """Element factory in the QTI namespace, names in QTI 2.1 spelling."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.ns = vocabulary.ns
        self._names: dict[str, str] = {}

    def el(self, parent: etree._Element | None, tag: str, text: str | None = None,
           **attrs: str) -> etree._Element:
        name = self._names.get(tag) or self._names.setdefault(tag, self.vocabulary.tag(tag))
        attrs = self.vocabulary.attrs(attrs)
        if parent is None:  # a detached expression, appended by the caller
            element = etree.Element(name, attrs, nsmap={None: self.ns})
        else:
            element = etree.SubElement(parent, name, attrs)
        if text is not None:
            element.text = text
        return element

    def content(self, parent: etree._Element) -> etree._Element:
        """Where feedback or rubric content goes (QTI 3.0: a qti-content-body)."""
        return self.el(parent, "contentBody") if self.vocabulary.qti3 else parent


@dataclass
class ItemContext:
    """What an item needs besides its question: language, labels and image paths."""

    language: str
    resolver: Resolver
    """Resolves images to their src in the item document."""
    true_false: tuple[str, str] = ("True", "False")


@dataclass
class _Feedback:
    """Modal feedback an item shows: identifier -> content."""

    entries: dict[str, Content] = field(default_factory=dict)

    def add(self, identifier: str, content: Content) -> None:
        if content:
            self.entries[identifier] = content


class ItemBuilder(_Tree):
    """One question -> one QTI 2.1 assessmentItem element."""

    def __init__(self, question: Question, context: ItemContext,
                 vocabulary: Vocabulary = QTI21_VOCABULARY) -> None:
        super().__init__(vocabulary)
        self.q = question
        self.ctx = context
        self.feedback = _Feedback()
        self.root = document_root(vocabulary, "assessmentItem", identifier=question.id,
                                  title=question.title, adaptive="false", timeDependent="false")
        self.root.set(XML_LANG, context.language)
        self.declarations: list[etree._Element] = []

    # -- document ---------------------------------------------------------------------

    def build(self) -> etree._Element:
        q = self.q
        points = _num(q.points)
        responses = self.responses()
        score = self.el(self.root, "outcomeDeclaration", identifier="SCORE",
                        cardinality="single", baseType="float", normalMaximum=points)
        self.value(self.el(score, "defaultValue"), "0")
        maxscore = self.el(self.root, "outcomeDeclaration", identifier="MAXSCORE",
                           cardinality="single", baseType="float")
        self.value(self.el(maxscore, "defaultValue"), points)
        self.collect_feedback()
        if self.feedback.entries:
            self.el(self.root, "outcomeDeclaration", identifier="FEEDBACK",
                    cardinality="multiple", baseType="identifier")
        for declaration in responses:
            self.root.insert(list(self.root).index(score), declaration)
        body = self.el(self.root, "itemBody")
        self.body(body)
        self.processing()
        for identifier, content in self.feedback.entries.items():
            modal = self.el(self.root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                            showHide="show", identifier=identifier)
            self.html(self.content(modal), content)
        return self.root

    def value(self, parent: etree._Element, text: str, **attrs: str) -> etree._Element:
        return self.el(parent, "value", text, **attrs)

    def html(self, parent: etree._Element, content: Content,
             blank: qc.BlankWriter | None = None) -> None:
        qc.append_qti_content(parent, content, self.ns, resolver=self.ctx.resolver,
                              blank=blank)

    def base(self, parent: etree._Element | None, base_type: str, text: str
             ) -> etree._Element:
        return self.el(parent, "baseValue", text, baseType=base_type)

    # -- declarations -----------------------------------------------------------------

    def declare(self, identifier: str, cardinality: str, base_type: str,
                correct: list[str]) -> etree._Element:
        declaration = self.el(None, "responseDeclaration", identifier=identifier,
                              cardinality=cardinality, baseType=base_type)
        if correct:
            holder = self.el(declaration, "correctResponse")
            for text in correct:
                self.value(holder, text)
        return declaration

    def responses(self) -> list[etree._Element]:
        q = self.q
        match q:
            case SingleChoice():
                return [self.declare("RESPONSE", "single", "identifier", [q.correct_choice.id])]
            case TrueFalse():
                return [self.declare("RESPONSE", "single", "identifier",
                                     ["true" if q.answer else "false"])]
            case MultipleResponse():
                declaration = self.declare("RESPONSE", "multiple", "identifier",
                                           [c.id for c in q.correct_choices])
                if q.partial_credit:
                    unit, upper = self.unit(len(q.correct_choices))
                    mapping = self.el(declaration, "mapping", defaultValue="0",
                                      lowerBound="0", upperBound=upper)
                    for choice in q.choices:  # (R - W) / C, at least 0
                        self.el(mapping, "mapEntry", mapKey=choice.id,
                                mappedValue=unit if choice.correct else f"-{unit}")
                return [declaration]
            case FillInBlank():
                result = []
                # One blank maps straight to the points; several map to 1 each.
                value = _num(q.points) if len(q.blanks) == 1 else "1"
                for blank in q.blanks:
                    declaration = self.declare(self.blank_response(blank.id), "single",
                                               "string", [blank.answers[0]])
                    mapping = self.el(declaration, "mapping", defaultValue="0",
                                      lowerBound="0", upperBound=value)
                    for answer in qc.unique(blank.answers):
                        self.el(mapping, "mapEntry", mapKey=answer, mappedValue=value,
                                caseSensitive="true" if q.case_sensitive else "false")
                    result.append(declaration)
                return result
            case Numeric():
                first = q.answers[0]
                model = first.value if first.value is not None else (first.low + first.high) / 2
                return [self.declare("RESPONSE", "single", "float", [_num(model)])]
            case Matching():
                declaration = self.declare(
                    "RESPONSE", "multiple", "directedPair",
                    [f"{pair.premise.id} {pair.response.id}" for pair in q.pairs])
                if q.partial_credit:
                    unit, upper = self.unit(len(q.pairs))
                    mapping = self.el(declaration, "mapping", defaultValue="0", lowerBound="0",
                                      upperBound=upper)
                    for pair in q.pairs:
                        self.el(mapping, "mapEntry", mapKey=f"{pair.premise.id} "
                                f"{pair.response.id}", mappedValue=unit)
                return [declaration]
            case Ordering():
                return [self.declare("RESPONSE", "ordered", "identifier",
                                     [item.id for item in q.items])]
            case Essay():
                return [self.declare("RESPONSE", "single", "string", [])]
            case _:
                assert_never(q)

    def exact_unit(self, count: int) -> bool:
        """Whether points / *count* is written exactly (0.5, not 0.3333...)."""
        return _exact(self.q.points / count)

    def unit(self, count: int) -> tuple[str, str]:
        """Mapped value of one right part and the mapping's upper bound: points / count and
        the points when exact (mapResponse is then the score), else 1 and count (the score
        is scaled by the response processing)."""
        if self.exact_unit(count):
            return _num(self.q.points / count), _num(self.q.points)
        return "1", str(count)

    def blank_response(self, blank_id: str) -> str:
        q = self.q
        assert isinstance(q, FillInBlank)
        return "RESPONSE" if len(q.blanks) == 1 else f"RESPONSE_{blank_id}"

    # -- feedback ---------------------------------------------------------------------

    def collect_feedback(self) -> None:
        q = self.q
        match q:
            case SingleChoice() | MultipleResponse():
                for choice in q.choices:
                    self.feedback.add(choice.id, choice.feedback)
            case TrueFalse():
                self.feedback.add("true", q.true_feedback)
                self.feedback.add("false", q.false_feedback)
            case Numeric():
                for index, answer in enumerate(q.answers, start=1):
                    self.feedback.add(f"n{index}", answer.feedback)
            case FillInBlank() | Matching() | Ordering() | Essay():
                pass
            case _:
                assert_never(q)
        if not isinstance(q, Essay):
            self.feedback.add(CORRECT, q.feedback.correct)
            self.feedback.add(INCORRECT, q.feedback.incorrect)
        self.feedback.add(GENERAL, q.feedback.general)

    # -- body -------------------------------------------------------------------------

    def body(self, body: etree._Element) -> None:
        q = self.q
        if isinstance(q, FillInBlank):
            self.html(body, q.prompt, blank=self.text_entry)
            return
        self.html(body, q.prompt)
        match q:
            case SingleChoice() | MultipleResponse():
                interaction = self.el(body, "choiceInteraction", responseIdentifier="RESPONSE",
                                      shuffle=_bool(q.shuffle),
                                      maxChoices="1" if isinstance(q, SingleChoice) else "0")
                for choice in q.choices:
                    attrs = {"fixed": "true"} if choice.pinned else {}
                    element = self.el(interaction, "simpleChoice", identifier=choice.id, **attrs)
                    self.html(element, choice.text)
            case TrueFalse():
                interaction = self.el(body, "choiceInteraction", responseIdentifier="RESPONSE",
                                      shuffle="false", maxChoices="1")
                for identifier, label in zip(("true", "false"), self.ctx.true_false,
                                             strict=True):
                    self.el(interaction, "simpleChoice", label, identifier=identifier)
            case Numeric():
                paragraph = self.el(body, "p")
                self.el(paragraph, "textEntryInteraction", responseIdentifier="RESPONSE",
                        expectedLength="10")
            case Matching():
                interaction = self.el(body, "matchInteraction", responseIdentifier="RESPONSE",
                                      shuffle=_bool(q.shuffle),
                                      maxAssociations=str(len(q.pairs)))
                premises = self.el(interaction, "simpleMatchSet")
                # QTI's shuffle covers both sets. Premises are not pinned with fixed="true":
                # a player may stop at a set with no free choice (qti-components 7.27 then
                # never reaches the responses), so in QTI shuffle moves the premises too.
                for item in q.premises:
                    element = self.el(premises, "simpleAssociableChoice", identifier=item.id,
                                      matchMax="1")
                    self.html(element, item.text)
                responses = self.el(interaction, "simpleMatchSet")
                for item in q.responses:
                    element = self.el(responses, "simpleAssociableChoice", identifier=item.id,
                                      matchMax="0")
                    self.html(element, item.text)
            case Ordering():
                interaction = self.el(body, "orderInteraction", responseIdentifier="RESPONSE",
                                      shuffle="true")
                for step in q.items:
                    element = self.el(interaction, "simpleChoice", identifier=step.id)
                    self.html(element, step.text)
            case Essay():
                self.el(body, "extendedTextInteraction", responseIdentifier="RESPONSE",
                        expectedLines="10", format="xhtml")
                if q.grading:
                    rubric = self.el(body, "rubricBlock", view="scorer", use="scoring")
                    self.html(self.content(rubric), q.grading)
            case _:
                assert_never(q)

    def text_entry(self, parent: etree._Element, blank_id: str) -> etree._Element:
        q = self.q
        assert isinstance(q, FillInBlank)
        blank = q.blank(blank_id)
        longest = max(len(answer) for answer in blank.answers)
        return self.el(parent, "textEntryInteraction",
                       responseIdentifier=self.blank_response(blank_id),
                       expectedLength=str(max(longest, 5)))

    # -- response processing ----------------------------------------------------------

    def processing(self) -> None:
        q = self.q
        template = self.template()
        if template is not None:
            self.el(self.root, "responseProcessing",
                    template=self.vocabulary.template(template))
            return
        rp = self.el(self.root, "responseProcessing")
        if isinstance(q, Essay):
            if GENERAL in self.feedback.entries:
                condition = self.el(rp, "responseCondition")
                branch = self.el(condition, "responseIf")
                self.el(self.el(branch, "not"), "isNull").append(self.variable("RESPONSE"))
                self.add_feedback(branch, self.base(None, "identifier", GENERAL))
            return
        self.score_rules(rp)
        if self.feedback.entries:
            self.feedback_rules(rp)

    def template(self) -> str | None:
        """The standard template that scores this question exactly, if any (and only when
        there is no feedback to set: the templates do not set FEEDBACK)."""
        q = self.q
        if self.feedback.entries or isinstance(q, Essay | Numeric):
            return None
        if self.mapped_score():
            return "map_response"
        if isinstance(q, FillInBlank) or getattr(q, "partial_credit", False):
            return None
        return "match_correct" if q.points == 1 else None

    def mapped_score(self) -> bool:
        """Whether mapResponse(RESPONSE) is the score itself (see `unit`)."""
        q = self.q
        match q:
            case FillInBlank():
                return len(q.blanks) == 1
            case MultipleResponse(partial_credit=True):
                return self.exact_unit(len(q.correct_choices))
            case Matching(partial_credit=True):
                return self.exact_unit(len(q.pairs))
            case (SingleChoice() | MultipleResponse() | TrueFalse() | Numeric() | Matching()
                  | Ordering() | Essay()):
                return False
            case _:
                assert_never(q)

    def variable(self, identifier: str) -> etree._Element:
        return self.el(None, "variable", identifier=identifier)

    def set_score(self, parent: etree._Element, expression: etree._Element) -> None:
        self.el(parent, "setOutcomeValue", identifier="SCORE").append(expression)

    def points(self) -> etree._Element:
        return self.base(None, "float", _num(self.q.points))

    def scaled(self, fraction: etree._Element, denominator: int) -> etree._Element:
        """points * fraction / denominator."""
        divide = self.el(None, "divide")
        product = self.el(divide, "product")
        product.append(self.points())
        product.append(fraction)
        divide.append(self.base(None, "float", str(denominator)))
        return divide

    def score_rules(self, rp: etree._Element) -> None:
        q = self.q
        if self.mapped_score():
            self.set_score(rp, self.map_response("RESPONSE"))
            return
        match q:
            case MultipleResponse(partial_credit=True):
                self.set_score(rp, self.scaled(self.map_response("RESPONSE"),
                                               len(q.correct_choices)))
            case Matching(partial_credit=True):
                self.set_score(rp, self.scaled(self.map_response("RESPONSE"), len(q.pairs)))
            case FillInBlank():
                # SCORE first counts the right blanks, one answered blank at a time: a blank
                # left empty is NULL, and a sum with a NULL term is NULL (qti-components
                # 7.27 then scored two right blanks of three as one).
                for blank in q.blanks:
                    identifier = self.blank_response(blank.id)
                    condition = self.el(rp, "responseCondition")
                    branch = self.el(condition, "responseIf")
                    self.el(self.el(branch, "not"), "isNull").append(self.variable(identifier))
                    total = self.el(None, "sum")
                    total.append(self.variable("SCORE"))
                    total.append(self.map_response(identifier))
                    self.set_score(branch, total)
                if q.partial_credit:
                    self.set_score(rp, self.scaled(self.variable("SCORE"), len(q.blanks)))
                else:
                    condition = self.el(rp, "responseCondition")
                    branch = self.el(condition, "responseIf")
                    gte = self.el(branch, "gte")
                    gte.append(self.variable("SCORE"))
                    self.base(gte, "float", str(len(q.blanks)))
                    self.set_score(branch, self.points())
                    otherwise = self.el(condition, "responseElse")
                    self.set_score(otherwise, self.base(None, "float", "0"))
            case Numeric():
                condition = self.el(rp, "responseCondition")
                for index, answer in enumerate(q.answers):
                    branch = self.el(condition, "responseIf" if index == 0 else "responseElseIf")
                    branch.append(self.numeric_test(answer))
                    self.set_score(branch, self.points())
            case SingleChoice() | TrueFalse() | MultipleResponse() | Matching() | Ordering():
                condition = self.el(rp, "responseCondition")
                branch = self.el(condition, "responseIf")
                match = self.el(branch, "match")
                match.append(self.variable("RESPONSE"))
                self.el(match, "correct", identifier="RESPONSE")
                self.set_score(branch, self.points())
            case Essay():
                raise AssertionError("an essay is scored by hand: processing() returns first")
            case _:
                assert_never(q)

    def map_response(self, identifier: str) -> etree._Element:
        return self.el(None, "mapResponse", identifier=identifier)

    def numeric_test(self, answer: NumericAnswer) -> etree._Element:
        """The test an accepted answer makes: ``equal`` (exact) for an exact value, and the
        inclusive bounds ``and(gte, lte)`` for a tolerance or a range. A tolerance is not
        written as ``equal toleranceMode="absolute"``: @citolab/qti-components 7.27 ignores
        the tolerance mode (159500 scored 0 for 159010 +- 1000), while every engine we tried
        reads ``gte``/``lte``; the bounds are the model's exact decimals."""
        if answer.kind == "exact":
            assert answer.value is not None
            test = self.el(None, "equal", toleranceMode="exact")
            test.append(self.variable("RESPONSE"))
            self.base(test, "float", _num(answer.value))
            return test
        both = self.el(None, "and")
        for op, bound in (("gte", answer.low), ("lte", answer.high)):
            test = self.el(both, op)
            test.append(self.variable("RESPONSE"))
            self.base(test, "float", _num(bound))
        return both

    def add_feedback(self, parent: etree._Element, expression: etree._Element) -> None:
        setter = self.el(parent, "setOutcomeValue", identifier="FEEDBACK")
        multiple = self.el(setter, "multiple")
        multiple.append(self.variable("FEEDBACK"))
        multiple.append(expression)

    def feedback_rules(self, rp: etree._Element) -> None:
        q = self.q
        entries = self.feedback.entries
        if isinstance(q, SingleChoice | MultipleResponse | TrueFalse) and any(
                key not in (CORRECT, INCORRECT, GENERAL) for key in entries):
            # The chosen choices' own feedback: their identifiers are the modal feedbacks'.
            condition = self.el(rp, "responseCondition")
            branch = self.el(condition, "responseIf")
            self.el(self.el(branch, "not"), "isNull").append(self.variable("RESPONSE"))
            self.add_feedback(branch, self.variable("RESPONSE"))
        if isinstance(q, Numeric) and any(key.startswith("n") for key in entries):
            condition = self.el(rp, "responseCondition")
            for index, answer in enumerate(q.answers, start=1):
                branch = self.el(condition, "responseIf" if index == 1 else "responseElseIf")
                branch.append(self.numeric_test(answer))
                self.add_feedback(branch, self.base(None, "identifier", f"n{index}"))
        if CORRECT in entries or INCORRECT in entries:
            condition = self.el(rp, "responseCondition")
            branch = self.el(condition, "responseIf")
            gte = self.el(branch, "gte")
            gte.append(self.variable("SCORE"))
            gte.append(self.variable("MAXSCORE"))
            self.add_feedback(branch, self.base(None, "identifier", CORRECT))
            otherwise = self.el(condition, "responseElse")
            self.add_feedback(otherwise, self.base(None, "identifier", INCORRECT))
        if GENERAL in entries:
            self.add_feedback(rp, self.base(None, "identifier", GENERAL))


def _bool(value: bool) -> str:
    return "true" if value else "false"


# ------------------------------------------------------------------------------------------
# The test

class TestBuilder(_Tree):
    """The quiz -> one QTI 2.1 assessmentTest element referencing the item files."""

    def __init__(self, quiz: Quiz, item_href: Callable[[Question], str],
                 context: ItemContext, vocabulary: Vocabulary = QTI21_VOCABULARY) -> None:
        super().__init__(vocabulary)
        self.quiz = quiz
        self.item_href = item_href
        self.ctx = context

    def build(self) -> etree._Element:
        quiz = self.quiz
        root = document_root(self.vocabulary, "assessmentTest", identifier=quiz.id,
                             title=quiz.title)
        score = self.el(root, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                        baseType="float", normalMaximum=_num(quiz.max_points))
        self.el(self.el(score, "defaultValue"), "value", "0")
        maxscore = self.el(root, "outcomeDeclaration", identifier="MAXSCORE",
                           cardinality="single", baseType="float")
        self.el(self.el(maxscore, "defaultValue"), "value", _num(quiz.max_points))
        if quiz.passing_score is not None:
            self.el(root, "outcomeDeclaration", identifier="PASS", cardinality="single",
                    baseType="boolean")
        if quiz.time_limit is not None:
            self.el(root, "timeLimits", maxTime=str(quiz.time_limit * 60))
        # Author ids never contain '.', so these cannot collide with a question or pool id.
        part = self.el(root, "testPart", identifier="part.main", navigationMode="nonlinear",
                       submissionMode="simultaneous")
        self.el(part, "itemSessionControl", maxAttempts="1", showFeedback="true",
                allowReview="true", showSolution="false", allowComment="false",
                allowSkipping="true", validateResponses="false")
        section = self.el(part, "assessmentSection", identifier="section.main", title=quiz.title,
                          visible="true")
        if quiz.shuffle_questions:
            # The section's parts in a random order per test session; a pool is a part, and
            # keepTogether (true by default) keeps its questions together (QTI 2.1 Assessment
            # Test info model, ordering; the same in QTI 3.0).
            self.el(section, "ordering", shuffle="true")
        if quiz.intro:
            rubric = self.el(section, "rubricBlock", view="candidate", use="instructions")
            qc.append_qti_content(self.content(rubric), quiz.intro, self.ns,
                                  resolver=self.ctx.resolver)
        for item in quiz.items:
            if isinstance(item, Pool):
                self.pool(section, item)
            else:
                self.item_ref(section, item)
        processing = self.el(root, "outcomeProcessing")
        setter = self.el(processing, "setOutcomeValue", identifier="SCORE")
        self.el(self.el(setter, "sum"), "testVariables", variableIdentifier="SCORE")
        if quiz.passing_score is not None:
            threshold = quiz.max_points * quiz.passing_score / 100
            setter = self.el(processing, "setOutcomeValue", identifier="PASS")
            gte = self.el(setter, "gte")
            self.el(gte, "variable", identifier="SCORE")
            self.el(gte, "baseValue", _num(threshold), baseType="float")
        return root

    def pool(self, parent: etree._Element, pool: Pool) -> None:
        section = self.el(parent, "assessmentSection", identifier=pool.id, title=pool.title,
                          visible="false")
        if not pool.draws_all:
            self.el(section, "selection", select=str(pool.draw))
        self.el(section, "ordering", shuffle="true")
        for question in pool.questions:
            self.item_ref(section, question)

    def item_ref(self, parent: etree._Element, question: Question) -> None:
        self.el(parent, "assessmentItemRef", identifier=question.id,
                href=self.item_href(question))


# ------------------------------------------------------------------------------------------
# Serialisation and the package

def indent(root: etree._Element, html_elements: frozenset[str] = HTML_ELEMENTS) -> None:
    """Indent the structure of a QTI document, leaving mixed and XHTML content untouched (so
    whitespace inside the author's text is exactly what the model holds)."""

    def structural(element: etree._Element) -> bool:
        if etree.QName(element).localname in html_elements:
            return False
        if (element.text or "").strip():
            return False
        return all(
            isinstance(child.tag, str)
            and etree.QName(child).localname not in html_elements
            and not (child.tail or "").strip()
            for child in element)

    def walk(element: etree._Element, level: int) -> None:
        if not len(element):
            return
        if not structural(element):  # keep its whitespace; indent structure inside it
            for child in element:
                if isinstance(child.tag, str):
                    walk(child, level + 1)
            return
        pad = "\n" + "  " * (level + 1)
        element.text = pad
        for child in element:
            walk(child, level + 1)
            child.tail = pad
        element[-1].tail = "\n" + "  " * level

    walk(root, 0)


def serialize(root: etree._Element, schema_location: str) -> bytes:
    root.set(f"{{{XSI}}}schemaLocation", schema_location)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"


@dataclass(frozen=True)
class Dialect:
    """What differs between the QTI 2.1 and 3.0 packages besides element names."""

    name: str
    schema_family: str
    item_type: str
    test_type: str
    manifest_template: str
    vocabulary: Vocabulary


QTI21_DIALECT = Dialect("qti21", "qti21", "imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1",
                        "qti21/imsmanifest.xml.j2", QTI21_VOCABULARY)


@dataclass
class _Resource:
    identifier: str
    type: str
    href: str
    files: list[str]
    dependencies: list[str] = field(default_factory=list)
    interaction: str | None = None
    title: str | None = None


def write_qti_package(writer_name: str, filename: str, course: Course, quiz: Quiz,
                      dialect: Dialect) -> Package:
    """Build the QTI 2.1 or 3.0 content package of *quiz*."""
    package = Package(writer_name, filename)
    family = schemas.family(dialect.schema_family)
    item_location = family.schema_location
    language = course.language
    labels = qc.true_false_labels(language)
    media = {asset.href: asset for asset in (*quiz.assets, *course.assets)}
    media_ids = {href: ids.to_ncname(f"RES-MEDIA-{href}", "RES") for href in sorted(media)}

    def item_path(question: Question) -> str:
        return f"{ITEM_FOLDER}/{question.id}.xml"

    test_path = f"{quiz.id}.xml"
    resources: list[_Resource] = []
    item_ids: list[str] = []
    for question in quiz.all_questions():
        path = item_path(question)
        context = ItemContext(language, Resolver(_relative_src(path)), labels)
        root = ItemBuilder(question, context, dialect.vocabulary).build()
        indent(root)
        package.add(path, serialize(root, item_location), schema=dialect.schema_family)
        images = qc.question_assets(question)
        identifier = f"RES-ITEM-{question.id}"
        item_ids.append(identifier)
        resources.append(_Resource(identifier, dialect.item_type, path, [path],
                                   [media_ids[href] for href in images],
                                   interaction_kind(question), question.title))
    context = ItemContext(language, Resolver(_relative_src(test_path)), labels)
    test = TestBuilder(quiz, item_path, context, dialect.vocabulary).build()
    indent(test)
    package.add(test_path, serialize(test, item_location), schema=dialect.schema_family)
    intro_images = [media_ids[href] for href in quiz.intro.assets()]
    resources.insert(0, _Resource(f"RES-TEST-{quiz.id}", dialect.test_type, test_path,
                                  [test_path], [*item_ids, *intro_images], None, quiz.title))
    used = {dep for resource in resources for dep in resource.dependencies}
    for href in sorted(media):
        if media_ids[href] in used:
            resources.append(_Resource(media_ids[href], "webcontent", href, [href]))
            package.add(href, media[href].data)
    manifest = templating.render(
        dialect.manifest_template, overrides=course.templates,
        course=course, quiz=quiz, resources=resources,
        manifest_id=f"MAN-{quiz.id}")
    package.add("imsmanifest.xml", manifest, schema=dialect.schema_family)
    return package


def _relative_src(document_path: str) -> Callable[[str], str]:
    folder = posixpath.dirname(document_path) or "."
    return lambda href: posixpath.relpath(href, folder)




class Qti21Writer(qc.QuizWriter):
    name = "qti21"

    def write_quiz(self, course: Course, quiz: Quiz) -> Package:
        return write_qti_package(self.name, self.package_name(course), course, quiz,
                                 QTI21_DIALECT)

