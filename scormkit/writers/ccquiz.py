"""The course's quiz as a Common Cartridge assessment (cc11 for Moodle, cc13 for Canvas).

The assessment is a ``questestinterop`` document in the CC profile of QTI 1.2.1
(``ccv1p1_qtiasiv1p2p1_v1p0.xsd``): one ``assessment`` with the CC metadata (``cc_profile``
``cc.exam.v0p1``, ``qmd_assessmenttype`` Examination, ``cc_maxattempts``, ``qmd_timelimit``),
one ``section`` holding only items, and items whose ``itemmetadata`` carries ``cc_profile`` and
``cc_weighting``. The profile is much smaller than QTI 1.2: no ``or``, no ``vargte``/``varlte``,
``setvar`` only with the action Set, one ``SCORE`` outcome, no selection (pools), no nested
sections. Its embedded Schematron adds rules the XSD cannot check (``cc_weighting`` a whole
number from 1 to 99, ``qmd_computerscored`` No on essays, at least three choices on a
multiple-choice item...); tests/test_cc_writer.py runs them on what we write.

The response processing is laid out so that Moodle's CC 1.1 importer
(``backup/cc/entity11.quiz.class.php``) reads it as meant, which constrains it beyond QTI:

- it takes every ``displayfeedback`` of a ``continue="Yes"`` condition as the question's
  *general* feedback, so only general feedback is shown from such a condition; right/wrong and
  per-choice feedback sit in ``continue="No"`` conditions;
- it reads a choice's score and feedback from the conditions whose first ``varequal`` names
  that choice; true/false labels must be named ``true`` and ``false`` (anything else aborts
  the import);
- for a multiple-response item it finds the right choices as the ``varequal case="Yes"``
  (outside ``not``) of the condition that sets SCORE to 100;
- for a fill-in item it takes the accepted answers from the first condition that sets SCORE
  to ``100``: all accepted answers are sibling ``varequal``s of that one condition (the
  profile has no ``or``; both Moodle and Canvas read siblings as alternatives).

What CC cannot express becomes something it can (`quizcommon.SUPPORT` under cc11 and cc13,
docs/quiz-targets.md, section "Common Cartridge"); a few cases stop the build with
``quiz-unsupported``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import reduce
from math import gcd, lcm
from typing import Literal, assert_never

from lxml import etree

from scormkit.content import EMPTY, BlankSlot, Content, Element, Resolver, to_xhtml
from scormkit.errors import Diagnostic, Severity, UnsupportedFeature
from scormkit.questions import (
    Choice,
    Essay,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    NumericAnswer,
    Ordering,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
    format_decimal,
)
from scormkit.writers import quizcommon as qc
from scormkit.writers.qti12base import ItemBase, el, metadata_fields, questestinterop

# Validation: both versions validate their assessment against the CC 1.1 QTI profile,
# cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd. CC 1.3's own profile XSD is missing from the schema mirror
# (shared/schemas/README.md); it has the same namespace, and the cc13 catalog family maps that
# namespace to the CC 1.1 file (schemas/catalog.toml), so a cc13 build and `scormkit validate`
# of a CC 1.3 cartridge check its assessments against the CC profile, not plain QTI 1.2.

ASSESSMENT_TYPES = {
    "cc11": "imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
    "cc13": "imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
}
"""Manifest resource type of an assessment, per version (the manifest XSDs' enumerations)."""

QTI_SCHEMA_LOCATIONS = {
    "cc11": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 "
            "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd",
    "cc13": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 "
            "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_qtiasiv1p2p1_v1p0.xsd",
}
"""The xsi:schemaLocation of an assessment: the official address of each version's profile."""

ASSESSMENT_FILE = "assessment.xml"
FILEBASE = "$IMS-CC-FILEBASE$"
"""Prefix of a link from a cartridge's XML to a file of the cartridge; the path after it is
relative to the folder of the XML document (CC 1.1 and 1.3; Moodle resolves it that way)."""

MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
MULTIPLE_RESPONSE = "cc.multiple_response.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
FILL_IN = "cc.fib.v0p1"
ESSAY = "cc.essay.v0p1"

MAX_WEIGHT = 99
"""``cc_weighting`` is a whole number from 1 to 99 (profile Schematron rule 2c; Moodle's
importer ignores anything else and uses 1)."""
MAX_ATTEMPTS = 5
"""``cc_maxattempts`` takes 1 to 5 or ``unlimited`` (profile Schematron rule 1i)."""
PERCENT = qc.PERCENT


PartLayout = Literal["single", "multiple", "truefalse", "fill", "blank", "numeric",
                     "numeric-essay", "match", "order", "essay"]
"""How a CC item asks (a part of) a question: the question types, as CC can ask them."""


@dataclass(frozen=True, slots=True)
class Part:
    """One CC item: a whole question, or one piece of a question CC splits."""

    question: Question
    ident: str
    title: str
    layout: PartLayout
    share: Fraction = Fraction(1)
    """Share of the question's points."""
    index: int = 0
    """The blank, premise or (scrambled) item this part asks about."""

    @property
    def points(self) -> Fraction:
        return Fraction(self.question.points) * self.share


def parts_of(question: Question, target: str) -> list[Part]:
    """The item(s) *question* becomes; several for the types CC can only ask piece by piece.

    Part identifiers add ``.<piece id>`` to the question id: question ids cannot contain a
    dot, so they never collide with another question's."""
    q = question

    def pieces(layout: PartLayout, ids: Sequence[str]) -> list[Part]:
        count = len(ids)
        return [Part(q, f"{q.id}.{piece}", f"{q.title} ({number}/{count})", layout,
                     Fraction(1, count), number - 1)
                for number, piece in enumerate(ids, start=1)]

    match q:
        case SingleChoice():
            return [Part(q, q.id, q.title, "single")]
        case MultipleResponse():
            return [Part(q, q.id, q.title, "multiple")]
        case TrueFalse():
            return [Part(q, q.id, q.title, "truefalse")]
        case FillInBlank() if len(q.blanks) == 1:
            return [Part(q, q.id, q.title, "fill")]
        case FillInBlank():
            return pieces("blank", [blank.id for blank in q.blanks])
        case Numeric() if all(answer.kind == "exact" for answer in q.answers):
            with_feedback = [a for a in q.answers if a.feedback]
            if len(q.answers) > 1 and with_feedback:
                raise qc.unsupported(
                    q, target, "feedback for one numeric answer among several",
                    "the Common Cartridge fill-in item accepts all the answers in one "
                    "condition (Moodle reads only that one), so an answer cannot have its "
                    "own feedback: move it to the question's Correct: feedback")
            return [Part(q, q.id, q.title, "numeric")]
        case Numeric():
            return [Part(q, q.id, q.title, "numeric-essay")]
        case Matching():
            return pieces("match", [premise.id for premise in q.premises])
        case Ordering():
            return pieces("order", [item.id for item in qc.scrambled(q)])
        case Essay():
            return [Part(q, q.id, q.title, "essay")]
        case _:
            assert_never(q)


def weights(parts: Sequence[Part]) -> list[int]:
    """``cc_weighting`` of each part: whole numbers from 1 to 99 in the parts' proportions.

    The points themselves when they already are; otherwise the smallest whole numbers in the
    same proportions (a matching question of 1 point split into 3 items of 1/3 makes every
    weight of the quiz three times its points). When those would pass 99 (many distinct
    points, or splits of 3, 4, 5... parts in one quiz), the closest whole numbers the profile
    allows: the heaviest part gets the weight from 1 to 99 that keeps every part's share of
    the total nearest to its exact share (`weight_drift` says how near).
    """
    points = [part.points for part in parts]
    if all(p.denominator == 1 and 1 <= p <= MAX_WEIGHT for p in points):
        return [int(p) for p in points]
    scale = reduce(lcm, (p.denominator for p in points), 1)
    whole = [int(p * scale) for p in points]
    common = reduce(gcd, whole)
    exact = [w // common for w in whole]
    if max(exact) <= MAX_WEIGHT:
        return exact
    heaviest = max(points)
    best: list[int] = []
    best_drift: Fraction | None = None
    for top in range(MAX_WEIGHT, 0, -1):
        candidate = [max(1, min(MAX_WEIGHT, round(p * top / heaviest))) for p in points]
        drift = weight_drift(parts, candidate)
        if best_drift is None or drift < best_drift:
            best, best_drift = candidate, drift
    return best


def weight_drift(parts: Sequence[Part], item_weights: Sequence[int]) -> Fraction:
    """The largest difference, in percentage points of the quiz total, between a question's
    share under *item_weights* and its share under its points (0 when they are
    proportional)."""
    total_points = sum((part.points for part in parts), Fraction(0))
    total_weight = sum(item_weights)
    if not total_points or not total_weight:
        return Fraction(0)
    by_question: dict[str, tuple[Fraction, int]] = {}
    for part, weight in zip(parts, item_weights, strict=True):
        points, weights_so_far = by_question.get(part.question.id, (Fraction(0), 0))
        by_question[part.question.id] = (points + part.points, weights_so_far + weight)
    return max(abs(Fraction(100) * weight / total_weight - 100 * points / total_points)
               for points, weight in by_question.values())


def weight_warnings(quiz: Quiz, parts: Sequence[Part], item_weights: Sequence[int],
                    target: str) -> list[Diagnostic]:
    """What the author should know about the weights: approximated ones, and (cc11, the
    target for Moodle) Moodle's restore giving every question the same mark."""
    warnings = []
    drift = weight_drift(parts, item_weights)
    if drift:
        warnings.append(Diagnostic(
            "cc-weights-approximate",
            f"{target}: the quiz's points cannot be written exactly as Common Cartridge "
            f"weights (whole numbers from 1 to {MAX_WEIGHT}); the closest ones change a "
            f"question's share of the total by up to {float(drift):.2f} percentage points",
            quiz.source,
            "use fewer distinct points, or fewer blanks, pairs and items in the questions a "
            "cartridge splits; qti12 and moodlexml keep the points exactly",
            Severity.WARNING))
    if target == "cc11" and len(set(item_weights)) > 1:
        marks = len(parts)
        warnings.append(Diagnostic(
            "cc-moodle-equal-marks",
            f"{target}: Moodle's Common Cartridge restore gives every item of the assessment "
            "a mark of 1, whatever its weight (moodle backup/cc/sheets/"
            "course_modules_mod_quiz_question_instance.xml, line 4): this quiz's "
            f"{format_decimal(sum((q.points for q in quiz.all_questions()), Decimal(0)))} "
            f"points become {marks} equal marks in Moodle, a question split into parts "
            "counting once per part",
            quiz.source,
            "for a graded quiz in Moodle, build --target moodlexml, import the questions "
            "(Question bank > Import > Moodle XML) and add them to a quiz: their points are "
            "kept; or set the marks by hand after the restore",
            Severity.WARNING))
    return warnings


class CcItemBuilder(ItemBase):
    """One `Part` -> one ``item`` of the CC QTI profile."""

    def __init__(self, part: Part, weight: int, labels: tuple[str, str],
                 resolver: Resolver, *, moodle: bool = False) -> None:
        super().__init__(part.question, labels, resolver)
        self.part = part
        self.weight = weight
        self.moodle = moodle
        """The cartridge is for Moodle (cc11): a typed answer's ``*`` is written ``\\*``,
        because Moodle's restore makes the answers short-answer patterns, where a bare star
        matches any text."""

    def meta(self, item: etree._Element, profile: str) -> None:
        fields = [("cc_profile", profile), ("cc_weighting", str(self.weight))]
        if profile == ESSAY:
            fields.append(("qmd_computerscored", "No"))  # Schematron rule 8f
        self.item_metadata(item, fields)

    # -- feedback ---------------------------------------------------------------------

    def general(self, rp: etree._Element, extra: Content = EMPTY) -> None:
        """General feedback: the only kind in a ``continue="Yes"`` condition."""
        content = self.q.feedback.general + extra
        if content:
            respcondition, conditionvar = self.condition(rp, cont=True)
            self.el(conditionvar, "other")
            self.show(respcondition, "general_fb", content)

    def incorrect(self, rp: etree._Element) -> None:
        """Reached when no full-marks condition matched (unanswered included)."""
        if self.q.feedback.incorrect:
            respcondition, conditionvar = self.condition(rp)
            self.el(conditionvar, "other")
            self.show(respcondition, "general_incorrect_fb", self.q.feedback.incorrect)

    def full_marks(self, respcondition: etree._Element, own_feedback: Content = EMPTY,
                   own_ident: str = "") -> None:
        self.setvar(respcondition, PERCENT)
        if own_feedback:
            self.show(respcondition, f"{own_ident}_fb", own_feedback)
        self.show(respcondition, "correct_fb", self.q.feedback.correct)

    # -- the item ---------------------------------------------------------------------

    def build(self) -> etree._Element:
        part = self.part
        item = self.el(None, "item", ident=part.ident, title=part.title)
        q = self.q
        match part.layout:
            case "single":
                assert isinstance(q, SingleChoice)
                self.single(item, q)
            case "multiple":
                assert isinstance(q, MultipleResponse)
                self.multiple(item, q)
            case "truefalse":
                assert isinstance(q, TrueFalse)
                self.true_false(item, q)
            case "fill" | "blank":
                assert isinstance(q, FillInBlank)
                self.fill(item, q)
            case "numeric":
                assert isinstance(q, Numeric)
                self.numeric(item, q)
            case "numeric-essay":
                assert isinstance(q, Numeric)
                self.essay(item, q.prompt, accepted(q.answers))
            case "match":
                assert isinstance(q, Matching)
                self.match(item, q)
            case "order":
                assert isinstance(q, Ordering)
                self.order(item, q)
            case "essay":
                self.essay(item, q.prompt)
            case _:
                assert_never(part.layout)
        self.feedbacks(item)
        return item

    def pick_one(self, item: etree._Element, options: Sequence[tuple[str, bool, Content]]
                 ) -> None:
        """Response processing of a one-answer choice: (label, right?, own feedback) each.

        One ``continue="No"`` condition per label: the right one sets SCORE to 100 and shows
        its feedback and the correct feedback; a wrong one shows its own feedback and the
        incorrect feedback (so Moodle attaches them to that answer)."""
        rp = self.outcomes(item)
        self.general(rp)
        for ident, right, feedback in options:
            if right:
                respcondition, conditionvar = self.condition(rp)
                self.varequal(conditionvar, "response1", ident)
                self.full_marks(respcondition, feedback, ident)
        for ident, right, feedback in options:
            if not right and (feedback or self.q.feedback.incorrect):
                respcondition, conditionvar = self.condition(rp)
                self.varequal(conditionvar, "response1", ident)
                self.show(respcondition, f"{ident}_fb", feedback)
                self.show(respcondition, "general_incorrect_fb", self.q.feedback.incorrect)
        self.incorrect(rp)

    def single(self, item: etree._Element, q: SingleChoice) -> None:
        answer_ids = [self.label_id(c.id) for c in q.choices]
        self.meta(item, MULTIPLE_CHOICE)
        self.choices_presentation(item, q, answer_ids)
        self.pick_one(item, [(ident, c.correct, c.feedback)
                             for c, ident in zip(q.choices, answer_ids, strict=True)])

    def true_false(self, item: etree._Element, q: TrueFalse) -> None:
        # Moodle's importer requires exactly these label names (else the restore aborts).
        answer_ids = ["true", "false"]
        self.meta(item, TRUE_FALSE)
        self.true_false_presentation(item, q, answer_ids)
        self.pick_one(item, [("true", q.answer, q.true_feedback),
                             ("false", not q.answer, q.false_feedback)])

    def multiple(self, item: etree._Element, q: MultipleResponse) -> None:
        answer_ids = [self.label_id(c.id) for c in q.choices]
        self.meta(item, MULTIPLE_RESPONSE)
        self.choices_presentation(item, q, answer_ids)
        rp = self.outcomes(item)
        self.general(rp)
        respcondition, conditionvar = self.condition(rp)
        both = self.el(conditionvar, "and")
        for choice, ident in zip(q.choices, answer_ids, strict=True):
            if choice.correct:
                # case="Yes": how Moodle's importer recognises the right choices.
                self.varequal(both, "response1", ident, case="Yes")
            else:
                self.varequal(self.el(both, "not"), "response1", ident)
        self.full_marks(respcondition)
        for choice, ident in zip(q.choices, answer_ids, strict=True):
            if choice.feedback:
                respcondition, conditionvar = self.condition(rp)
                self.varequal(conditionvar, "response1", ident)
                self.show(respcondition, f"{ident}_fb", choice.feedback)
                if not choice.correct:
                    self.show(respcondition, "general_incorrect_fb", q.feedback.incorrect)
        self.incorrect(rp)

    def typed(self, item: etree._Element, prompt: Content, accepted: Sequence[str], *,
              case: bool = False, own_feedback: Content = EMPTY,
              blanks: Callable[[BlankSlot], Content] | None = None) -> None:
        """A cc.fib item: every accepted answer in one full-marks condition."""
        self.meta(item, FILL_IN)
        presentation = self.el(item, "presentation")
        self.material(presentation, prompt, blanks=blanks)
        self.text_response(presentation)
        rp = self.outcomes(item)
        self.general(rp)
        respcondition, conditionvar = self.condition(rp)
        for answer in qc.unique(accepted):
            if self.moodle:
                answer = answer.replace("*", "\\*")
            if case:
                self.varequal(conditionvar, "response1", answer, case="Yes")
            else:
                self.varequal(conditionvar, "response1", answer)
        self.full_marks(respcondition, own_feedback, self.label_id("n1"))
        self.incorrect(rp)

    def fill(self, item: etree._Element, q: FillInBlank) -> None:
        asked = q.blanks[self.part.index]
        self.typed(item, q.prompt, asked.answers, case=q.case_sensitive,
                   blanks=lambda slot: Content.of("_____" if slot.blank == asked.id else "…"))

    def numeric(self, item: etree._Element, q: Numeric) -> None:
        values = [format_decimal(a.value) for a in q.answers if a.value is not None]
        own = q.answers[0].feedback if len(q.answers) == 1 else EMPTY
        self.typed(item, q.prompt, values, own_feedback=own)

    def one_of(self, item: etree._Element, prompt: Content,
               options: Sequence[tuple[str, Content]], right: str, *, shuffle: bool) -> None:
        """A cc.multiple_choice item built from (id, inline content) options."""
        choices = [Choice(option_id, text, option_id == right, False, EMPTY, self.q.source)
                   for option_id, text in options]
        answer_ids = [self.label_id(option_id) for option_id, _text in options]
        self.meta(item, MULTIPLE_CHOICE)
        self.choice_presentation(item, prompt, choices, answer_ids, single=True,
                                 shuffle=shuffle)
        self.pick_one(item, [(ident, c.correct, EMPTY)
                             for c, ident in zip(choices, answer_ids, strict=True)])

    def match(self, item: etree._Element, q: Matching) -> None:
        pair = q.pairs[self.part.index]
        self.one_of(item, q.prompt + emphasised(pair.premise.text),
                    [(r.id, r.text) for r in q.responses], pair.response.id,
                    shuffle=q.shuffle)

    def order(self, item: etree._Element, q: Ordering) -> None:
        asked = qc.scrambled(q)[self.part.index]
        positions = qc.position_labels(len(q.items))
        right = positions[q.items.index(asked)]
        self.one_of(item, q.prompt + emphasised(asked.text),
                    [(f"p{position}", Content.of(position)) for position in positions],
                    f"p{right}", shuffle=False)

    def essay(self, item: etree._Element, prompt: Content, note: Content = EMPTY) -> None:
        self.meta(item, ESSAY)
        presentation = self.el(item, "presentation")
        self.material(presentation, prompt)
        self.text_response(presentation)
        rp = self.outcomes(item)
        respcondition, conditionvar = self.condition(rp, cont=True)
        self.el(conditionvar, "other")
        self.show(respcondition, "general_fb", self.q.feedback.general + note)


def emphasised(inline: Content) -> Content:
    """The piece a split item asks about, as a paragraph under the prompt."""
    return Content.of(Element("p", (), (Element("strong", (), inline.nodes),)))


def accepted(answers: Sequence[NumericAnswer]) -> Content:
    """The accepted answers of a numeric question, for the person who grades it (and the
    learner after submitting): ``11``, ``159010 ± 1000``, ``10 – 12``."""
    entries: list[Element] = []
    for answer in answers:
        if answer.kind == "range":
            text = f"{format_decimal(answer.low)} – {format_decimal(answer.high)}"
        elif answer.kind == "tolerance":
            assert answer.value is not None and answer.tolerance is not None
            text = f"{format_decimal(answer.value)} ± {format_decimal(answer.tolerance)}"
        else:
            assert answer.value is not None
            text = format_decimal(answer.value)
        feedback = (": ", *answer.feedback.nodes) if answer.feedback else ()
        entries.append(Element("li", (), (text, *feedback)))
    return Content.of(Element("ul", (), tuple(entries)))


def assessment_metadata(quiz: Quiz, target: str) -> list[tuple[str, str]]:
    if quiz.max_attempts is not None and quiz.max_attempts > MAX_ATTEMPTS:
        raise UnsupportedFeature(
            "quiz-unsupported", f"quiz '{quiz.id}': {target} cannot express "
            f"{quiz.max_attempts} attempts", quiz.source,
            f"Common Cartridge allows 1 to {MAX_ATTEMPTS} attempts or unlimited: set "
            f"attempts: {MAX_ATTEMPTS} or less, or leave it out for unlimited attempts")
    fields = [
        ("cc_profile", "cc.exam.v0p1"),
        ("qmd_assessmenttype", "Examination"),
        ("cc_maxattempts", str(quiz.max_attempts) if quiz.max_attempts else "unlimited"),
    ]
    if quiz.time_limit is not None:
        fields.append(("qmd_timelimit", str(quiz.time_limit)))  # minutes
    return fields


def build_assessment(quiz: Quiz, labels: tuple[str, str], folder: str, target: str,
                     warnings: list[Diagnostic] | None = None) -> etree._Element:
    """The ``questestinterop`` document of *quiz*, written to ``<folder>/assessment.xml``;
    what the weights could not keep is appended to *warnings* (`weight_warnings`).

    Pools are flattened: CC has no selection, so every question of a pool is in the
    assessment (each learner answers all of them; the maximum score grows accordingly)."""

    def src(href: str) -> str:
        return FILEBASE + posixpath.relpath(href, folder)

    resolver = Resolver(src)

    parts = [part for question in quiz.all_questions() for part in parts_of(question, target)]
    item_weights = weights(parts)
    if warnings is not None:
        warnings.extend(weight_warnings(quiz, parts, item_weights, target))
    root = questestinterop()
    assessment = el(root, "assessment", ident=quiz.id, title=quiz.title)
    metadata_fields(el(assessment, "qtimetadata"), assessment_metadata(quiz, target))
    if quiz.intro:
        flow_mat = el(el(assessment, "presentation_material"), "flow_mat")
        el(el(flow_mat, "material"), "mattext", to_xhtml(quiz.intro, resolver),
           texttype="text/html")
    section = el(assessment, "section", ident="root_section")
    for part, weight in zip(parts, item_weights, strict=True):
        section.append(CcItemBuilder(part, weight, labels, resolver,
                                     moodle=target == "cc11").build())
    return root
