"""QTI 1.2 writer in the Canvas Classic Quizzes flavour, inside an IMS content package.

Layout (what Canvas's "QTI .zip file" import reads):

- ``imsmanifest.xml``: plain IMS CP 1.1.4 (namespace ``imscp_v1p1``). Canvas exports a
  manifest in the CC 1.1 namespace that the CC schema rejects; its importer takes
  ``imsqti_xmlv1p2`` resources from any content package, so we write plain CP and validate
  it (lms-rules.md 3.3, "Manifest choice").
- ``<quiz id>/<quiz id>.xml``: the ``questestinterop`` assessment. Every item carries
  Canvas's ``qtimetadata`` (``question_type``, ``points_possible``, ``original_answer_ids``,
  ``assessment_question_identifierref``), scores ``SCORE`` from 0 to 100 with
  ``decvar``/``setvar`` (Canvas scales it by ``points_possible``) and shows feedback with
  ``displayfeedback``/``itemfeedback`` under the identifiers Canvas uses (``correct_fb``,
  ``general_incorrect_fb``, ``general_fb``, ``<answer id>_fb``). Pools are nested sections
  with ``selection_ordering`` (Canvas question groups).
- ``<quiz id>/assessment_meta.xml``: Canvas's quiz settings (namespace cccv1p0; no XSD is
  published, so it is checked for well-formedness and by golden tests only).
- images under ``media/``, referenced as ``$IMS-CC-FILEBASE$/media/...`` like Canvas's
  own exports.

Where Canvas has no equivalent, see `quizcommon.SUPPORT` and docs/quiz-targets.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from lxml import etree

from scormkit import ids, schemas, templating
from scormkit.content import Content, Resolver, to_xhtml
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
from scormkit.writers.qti12base import (
    ItemBase,
    el,
    metadata_fields,
    questestinterop,
    serialize,
)

FILEBASE = "$IMS-CC-FILEBASE$/"
"""How Canvas's own exports point quiz HTML at files of the package."""

CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "truefalse": "true_false_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "essay": "essay_question",
}


def canvas_type(question: Question) -> str:
    if isinstance(question, FillInBlank):
        return ("short_answer_question" if len(question.blanks) == 1
                else "fill_in_multiple_blanks_question")
    return CANVAS_TYPES[question.kind]


def canvas_src(href: str) -> str:
    """An image's src the Canvas way: its package path after the file base."""
    return FILEBASE + href


CANVAS = Resolver(canvas_src)


def _num(value: Decimal) -> str:
    return format_decimal(value)


def _shares(count: int) -> list[Decimal]:
    """*count* shares of 100 (four decimals) that add up to exactly 100."""
    share = qc.percent_share(count)
    return [share] * (count - 1) + [qc.PERCENT - share * (count - 1)]


class ItemBuilder(ItemBase):
    """One question -> one Canvas-flavoured QTI 1.2 ``item``."""

    def __init__(self, question: Question, labels: tuple[str, str]) -> None:
        super().__init__(question, labels, CANVAS)

    def meta(self, item: etree._Element, answer_ids: list[str]) -> None:
        q = self.q
        self.item_metadata(item, [
            ("question_type", canvas_type(q)),
            ("points_possible", _num(q.points)),
            ("original_answer_ids", ",".join(answer_ids)),
            ("assessment_question_identifierref", f"aq-{q.id}"),
        ])

    def general(self, rp: etree._Element) -> None:
        """General feedback first, shown whatever the answer (Canvas's own layout)."""
        if self.q.feedback.general:
            respcondition, conditionvar = self.condition(rp, cont=True)
            self.el(conditionvar, "other")
            self.show(respcondition, "general_fb", self.q.feedback.general)

    def incorrect(self, rp: etree._Element) -> None:
        """Reached only when no full-marks condition stopped processing."""
        if self.q.feedback.incorrect:
            respcondition, conditionvar = self.condition(rp, cont=True)
            self.el(conditionvar, "other")
            self.show(respcondition, "general_incorrect_fb", self.q.feedback.incorrect)

    # -- the item ---------------------------------------------------------------------

    def build(self) -> etree._Element:
        q = self.q
        item = self.el(None, "item", ident=q.id, title=q.title)
        match q:
            case SingleChoice() | MultipleResponse():
                self.choices(item, q)
            case TrueFalse():
                self.true_false(item, q)
            case FillInBlank() if len(q.blanks) == 1:
                self.short_answer(item, q)
            case FillInBlank():
                self.blanks(item, q)
            case Numeric():
                self.numeric(item, q)
            case Matching():
                self.matching(item, q)
            case Ordering():
                self.ordering(item, q)
            case Essay():
                self.essay(item, q)
            case _:
                assert_never(q)
        self.feedbacks(item)
        return item

    def choices(self, item: etree._Element, q: SingleChoice | MultipleResponse) -> None:
        answer_ids = [self.label_id(c.id) for c in q.choices]
        self.meta(item, answer_ids)
        self.choices_presentation(item, q, answer_ids)
        rp = self.outcomes(item)
        self.general(rp)
        for choice, ident in zip(q.choices, answer_ids, strict=True):
            if choice.feedback:
                respcondition, conditionvar = self.condition(rp, cont=True)
                self.varequal(conditionvar, "response1", ident)
                self.show(respcondition, f"{ident}_fb", choice.feedback)
        respcondition, conditionvar = self.condition(rp)
        if isinstance(q, SingleChoice):
            self.varequal(conditionvar, "response1", self.label_id(q.correct_choice.id))
        else:
            both = self.el(conditionvar, "and")
            for choice, ident in zip(q.choices, answer_ids, strict=True):
                if choice.correct:
                    self.varequal(both, "response1", ident)
                else:
                    self.varequal(self.el(both, "not"), "response1", ident)
        self.setvar(respcondition, qc.PERCENT)
        self.show(respcondition, "correct_fb", q.feedback.correct)
        self.incorrect(rp)

    def true_false(self, item: etree._Element, q: TrueFalse) -> None:
        answer_ids = [self.label_id("true"), self.label_id("false")]
        self.meta(item, answer_ids)
        self.true_false_presentation(item, q, answer_ids)
        rp = self.outcomes(item)
        self.general(rp)
        for ident, content in zip(answer_ids, (q.true_feedback, q.false_feedback), strict=True):
            if content:
                respcondition, conditionvar = self.condition(rp, cont=True)
                self.varequal(conditionvar, "response1", ident)
                self.show(respcondition, f"{ident}_fb", content)
        respcondition, conditionvar = self.condition(rp)
        self.varequal(conditionvar, "response1", answer_ids[0 if q.answer else 1])
        self.setvar(respcondition, qc.PERCENT)
        self.show(respcondition, "correct_fb", q.feedback.correct)
        self.incorrect(rp)

    def short_answer(self, item: etree._Element, q: FillInBlank) -> None:
        blank = q.blanks[0]
        self.meta(item, [])
        presentation = self.el(item, "presentation")
        self.material(presentation, q.prompt, blanks=lambda _slot: Content.of("_____"))
        self.text_response(presentation)
        rp = self.outcomes(item)
        self.general(rp)
        # One condition per accepted answer, each a single varequal (as Canvas's own export
        # and text2qti write them): QTI 1.2 readers find the alternatives as sibling
        # conditions, not inside an <or>. continue="No" chains them: the first match decides.
        for answer in qc.unique(blank.answers):
            respcondition, conditionvar = self.condition(rp)
            self.varequal(conditionvar, "response1", answer)
            self.setvar(respcondition, qc.PERCENT)
            self.show(respcondition, "correct_fb", q.feedback.correct)
        self.incorrect(rp)

    def blanks(self, item: etree._Element, q: FillInBlank) -> None:
        labels = {blank.id: [self.label_id(f"{blank.id}-{n}")
                             for n in range(1, len(qc.unique(blank.answers)) + 1)]
                  for blank in q.blanks}
        self.meta(item, [ident for blank in q.blanks for ident in labels[blank.id]])
        presentation = self.el(item, "presentation")
        self.material(presentation, q.prompt, blanks=lambda slot: Content.of(f"[{slot.blank}]"))
        for blank in q.blanks:
            lid = self.el(presentation, "response_lid", ident=f"response_{blank.id}")
            self.el(self.el(lid, "material"), "mattext", blank.id)
            render = self.el(lid, "render_choice")
            for ident, answer in zip(labels[blank.id], qc.unique(blank.answers), strict=True):
                label = self.el(render, "response_label", ident=ident)
                self.el(self.el(label, "material"), "mattext", answer, texttype="text/plain")
        self.parts(item, [(f"response_{b.id}", labels[b.id]) for b in q.blanks],
                   partial=q.partial_credit)

    def parts(self, item: etree._Element, parts: list[tuple[str, list[str]]], *,
              partial: bool) -> None:
        """Response processing of a question answered part by part (blanks, matching
        premises): full marks and the correct feedback when every part is right; otherwise
        one condition per accepted answer of each part, adding the part's share of 100 with
        *partial* and 0 without it; then the incorrect feedback.

        The per-part conditions are what QTI 1.2 readers see. Canvas links a matching
        premise to its answer only through a condition that tests that pair and adds to
        SCORE (canvas-lms gems/plugins/qti_exporter/lib/qti/associate_interaction.rb,
        get_canvas_answers, ``setOutcomeValue[identifier=SCORE] sum`` once Canvas's QTI
        migration tool has turned setvar Add into a sum); readers that look for a blank's
        answers find them as single varequals rather than inside an <or>. Adding 0 keeps an
        all-or-nothing question all or nothing. The full-marks condition comes first
        (continue="No": when it matches, nothing after it runs), and Canvas attaches to a
        premise the feedback of the last condition that names it first, so the correct
        feedback stays the question's."""
        rp = self.outcomes(item)
        self.general(rp)
        q = self.q
        respcondition, conditionvar = self.condition(rp)
        both = self.el(conditionvar, "and")
        for respident, accepted in parts:
            holder = self.el(both, "or") if len(accepted) > 1 else both
            for ident in accepted:
                self.varequal(holder, respident, ident)
        self.setvar(respcondition, qc.PERCENT)
        self.show(respcondition, "correct_fb", q.feedback.correct)
        shares = _shares(len(parts)) if partial else [Decimal(0)] * len(parts)
        for (respident, accepted), share in zip(parts, shares, strict=True):
            for ident in accepted:
                respcondition, conditionvar = self.condition(rp, cont=True)
                self.varequal(conditionvar, respident, ident)
                self.setvar(respcondition, share, "Add")
        self.incorrect(rp)

    def numeric(self, item: etree._Element, q: Numeric) -> None:
        self.meta(item, [])
        presentation = self.el(item, "presentation")
        self.material(presentation, q.prompt)
        self.text_response(presentation, decimal=True)
        rp = self.outcomes(item)
        self.general(rp)
        for index, answer in enumerate(q.answers, start=1):
            respcondition, conditionvar = self.condition(rp)
            self.numeric_test(conditionvar, answer)
            self.setvar(respcondition, qc.PERCENT)
            self.show(respcondition, f"{self.label_id(f'n{index}')}_fb", answer.feedback)
            self.show(respcondition, "correct_fb", q.feedback.correct)
        self.incorrect(rp)

    def numeric_test(self, conditionvar: etree._Element, answer: NumericAnswer) -> None:
        """Canvas's shape: the exact value, or the inclusive bounds."""
        if answer.value is None:
            bounds = self.el(conditionvar, "and")
        else:
            either = self.el(conditionvar, "or")
            self.varequal(either, "response1", _num(answer.value))
            bounds = self.el(either, "and")
        self.el(bounds, "vargte", _num(answer.low), respident="response1")
        self.el(bounds, "varlte", _num(answer.high), respident="response1")

    def matching(self, item: etree._Element, q: Matching) -> None:
        self.match_items(item, q.prompt,
                         [(p.id, p.text) for p in q.premises],
                         [(r.id, r.text) for r in q.responses],
                         {pair.premise.id: pair.response.id for pair in q.pairs},
                         partial=q.partial_credit)

    def ordering(self, item: etree._Element, q: Ordering) -> None:
        positions = qc.position_labels(len(q.items))
        correct = {entry.id: str(index) for index, entry in enumerate(q.items, start=1)}
        self.match_items(item, q.prompt,
                         [(entry.id, entry.text) for entry in qc.scrambled(q)],
                         [(position, Content.of(position)) for position in positions], correct,
                         partial=False)

    def match_items(self, item: etree._Element, prompt: Content,
                    premises: list[tuple[str, Content]], responses: list[tuple[str, Content]],
                    correct: dict[str, str], *, partial: bool) -> None:
        """A matching_question: one response_lid per premise, every response a label.
        Canvas shows both sides as plain text (images become their alt text). With
        *partial*, each right pair adds its share of 100 (see `parts`).

        Canvas numbers the responses by the first run of digits in their identifiers
        (associate_interaction.rb, get_canvas_matches, ``/(\\d+)/``), so each response's
        identifier starts with its own number (``r1-<question id>``): a digit in the question
        id can no longer make every premise match the same answer."""
        response_ids = {rid: f"r{number}-{self.q.id}"
                        for number, (rid, _text) in enumerate(responses, start=1)}
        self.meta(item, list(response_ids.values()))
        presentation = self.el(item, "presentation")
        self.material(presentation, prompt)
        for pid, text in premises:
            lid = self.el(presentation, "response_lid", ident=f"response_{pid}")
            self.material(lid, text, plain=True)
            render = self.el(lid, "render_choice")
            for rid, rtext in responses:
                label = self.el(render, "response_label", ident=response_ids[rid])
                self.material(label, rtext, plain=True)
        self.parts(item, [(f"response_{pid}", [response_ids[correct[pid]]])
                          for pid, _text in premises], partial=partial)

    def essay(self, item: etree._Element, q: Essay) -> None:
        self.meta(item, [])
        presentation = self.el(item, "presentation")
        self.material(presentation, q.prompt)
        self.text_response(presentation)
        rp = self.outcomes(item)
        respcondition, conditionvar = self.condition(rp)
        self.el(conditionvar, "other")
        self.show(respcondition, "general_fb", q.feedback.general)


def build_assessment(quiz: Quiz, labels: tuple[str, str]) -> etree._Element:
    root = questestinterop()
    assessment = el(root, "assessment", ident=quiz.id, title=quiz.title)
    fields = [("cc_maxattempts", str(quiz.max_attempts) if quiz.max_attempts else "unlimited")]
    if quiz.time_limit is not None:
        fields.append(("qmd_timelimit", str(quiz.time_limit)))
    metadata_fields(el(assessment, "qtimetadata"), fields)
    section = el(assessment, "section", ident="root_section")
    for entry in quiz.items:
        if isinstance(entry, Pool) and entry.draws_all:
            # A group that draws every question is only a heading. Canvas turns every
            # section with selection_ordering into a question group whose points_per_item
            # replaces each question's own points, so these items go straight in the quiz.
            for question in entry.questions:
                section.append(ItemBuilder(question, labels).build())
        elif isinstance(entry, Pool):
            group = el(section, "section", ident=entry.id, title=entry.title)
            ordering = el(group, "selection_ordering")
            selection = el(ordering, "selection")
            el(selection, "selection_number", str(entry.draw))
            extension = el(selection, "selection_extension")
            el(extension, "points_per_item", _num(entry.questions[0].points))
            for question in entry.questions:
                group.append(ItemBuilder(question, labels).build())
        else:
            section.append(ItemBuilder(entry, labels).build())
    return root


def canvas_shuffle(quiz: Quiz) -> bool:
    """Canvas shuffles the answers of every question of a quiz or of none, and cannot pin
    a choice: shuffle only when every choice question asks for it and pins nothing."""
    flags = []
    for question in quiz.all_questions():
        if isinstance(question, SingleChoice | MultipleResponse):
            flags.append(question.shuffle and not any(c.pinned for c in question.choices))
        elif isinstance(question, Matching):
            flags.append(question.shuffle)
    return bool(flags) and all(flags)


class Qti12Writer(qc.QuizWriter):
    name = "qti12"
    manifest_family = "imscp"

    def write_quiz(self, course: Course, quiz: Quiz) -> Package:
        package = Package(self.name, self.package_name(course))
        package.warnings.extend(qc.question_order_warnings(quiz, self.name))
        folder = quiz.id
        assessment_path = f"{folder}/{quiz.id}.xml"
        meta_path = f"{folder}/assessment_meta.xml"
        root = build_assessment(quiz, qc.true_false_labels(course.language))
        package.add(assessment_path,
                    serialize(root, schemas.family(self.schema_family).schema_location),
                    schema=self.schema_family)
        meta = templating.render(
            "qti12/assessment_meta.xml.j2", overrides=course.templates,
            quiz=quiz, course=course,
            description=to_xhtml(quiz.intro, CANVAS),
            shuffle=canvas_shuffle(quiz), points=_num(quiz.max_points),
            attempts=quiz.max_attempts if quiz.max_attempts else -1)
        package.add(meta_path, meta)
        media = {asset.href: asset for asset in (*quiz.assets, *course.assets)}
        shown = qc.unique([*quiz.intro.assets(),
                           *(href for q in quiz.all_questions() for href in qc.question_assets(q))])
        images = [(ids.to_ncname(f"RES-MEDIA-{href}", "RES"), href) for href in sorted(shown)]
        manifest = templating.render(
            "qti12/imsmanifest.xml.j2", overrides=course.templates,
            quiz=quiz, course=course,
            manifest_id=f"MAN-{quiz.id}", assessment_path=assessment_path,
            meta_path=meta_path, images=images,
            schema_location=schemas.family(self.manifest_family).schema_location)
        package.add("imsmanifest.xml", manifest, schema=self.manifest_family)
        for _identifier, href in images:
            package.add(href, media[href].data)
        return package

