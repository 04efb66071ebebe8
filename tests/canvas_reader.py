"""A QTI 1.2 package read the way Canvas (Classic Quizzes) reads it, and graded the way Canvas
grades it: the checker tests/test_grading_canvas.py holds the qti12 and cc13 targets to.

Canvas does not read QTI 1.2 itself. Its import runs Canvas's QTI migration tool (the Python
instructure/QTIMigrationTool, lib/imsqtiv1.py), which turns every item into QTI 2.x, then
reads that with the Ruby converters of canvas-lms gems/plugins/qti_exporter/lib/qti/*.rb into
its question hashes, which app/models/quizzes/quiz_question/*.rb grade. This module restates
the rules of those three steps that decide a grade, written from reading them (AGPL/BSD code:
nothing is copied; each rule cites where it comes from). Only the QTI 1.2 constructs scormkit
writes are covered; anything else fails loudly rather than being guessed.

1. `migrate`: QTI 1.2 item -> a QTI-2-shaped tree (lib/imsqtiv1.py: ResProcessing
   .AddRespCondition chains continue="No" conditions as responseIf/ElseIf and puts what
   follows one inside its responseElse; VarEqual becomes match (single identifier), member
   (multiple) or stringMatch (string); vargte/varlte on a string response become
   customOperator class="vargte"/"varlte"; SetVar Add becomes a sum with the variable; a
   conditionvar with several tests is an implicit and; <other> is the boolean true; a
   render_fib whose only child is its response_label becomes an extendedTextInteraction).
2. `read_item`: the question hash (question_type, points_possible, answers with weight,
   matches with match_id, blank_id), following assessment_item_converter.rb,
   choice_interaction.rb, extended_text_interaction.rb, fill_in_the_blank.rb,
   numeric_interaction.rb and associate_interaction.rb.
3. `grade`: the points of an answer, following quiz_question/base.rb and user_answer.rb
   (parts correct / total parts x points, minus incorrect parts for multiple answers, at least
   0; partial credit allowed by default) and each type's correct_answer_parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from lxml import etree

Q12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


# ------------------------------------------------------------------------------------------
# 1. The migration tool: QTI 1.2 -> QTI 2.x


def _el(tag: str, parent: etree._Element | None = None, text: str | None = None,
        **attrs: str) -> etree._Element:
    element = etree.Element(tag, attrs) if parent is None else etree.SubElement(parent, tag,
                                                                                 attrs)
    if text is not None:
        element.text = text
    return element


@dataclass
class _Response:
    cardinality: str
    base_type: str


def migrate(item: etree._Element) -> etree._Element:
    """The QTI 2.x assessmentItem the migration tool writes for a QTI 1.2 *item* (no
    namespace; only what Canvas's converters read)."""
    root = _el("assessmentItem", identifier=item.get("ident", ""),
               title=item.get("title", ""))
    responses: dict[str, _Response] = {}
    body = _el("itemBody", root)
    presentation = item.find(f"{Q12}presentation")
    assert presentation is not None, "an item without presentation"
    for child in presentation:
        name = _local(child)
        if name == "material":
            _el("div", body, _mattext(child))
        elif name == "response_lid":
            ident = child.get("ident", "")
            cardinality = (child.get("rcardinality") or "Single").lower()
            responses[ident] = _Response(cardinality, "identifier")
            interaction = _el("choiceInteraction", body, responseIdentifier=ident)
            material = child.find(f"{Q12}material")
            if material is not None:
                _el("prompt", interaction, _mattext(material))
            for label in child.iter(f"{Q12}response_label"):
                _el("simpleChoice", interaction, _mattext(label.find(f"{Q12}material")),
                    identifier=label.get("ident", ""))
        elif name == "response_str":
            ident = child.get("ident", "")
            responses[ident] = _Response((child.get("rcardinality") or "Single").lower(),
                                         "string")
            render = child.find(f"{Q12}render_fib")
            assert render is not None and len(render) == 1, "render_fib with one label"
            _el("extendedTextInteraction", body, responseIdentifier=ident)
        else:
            raise AssertionError(f"unexpected <{name}> in a presentation")
    processing = _el("responseProcessing", root)
    resprocessing = item.find(f"{Q12}resprocessing")
    if resprocessing is not None:
        _chain(processing, resprocessing, responses)
    for feedback in item.iterfind(f"{Q12}itemfeedback"):
        modal = _el("modalFeedback", root, identifier=feedback.get("ident", ""))
        _el("div", modal, _mattext(feedback.find(f"{Q12}flow_mat/{Q12}material")))
    return root


def _mattext(material: etree._Element | None) -> str:
    if material is None:
        return ""
    return material.findtext(f"{Q12}mattext") or ""


def _chain(processing: etree._Element, resprocessing: etree._Element,
           responses: dict[str, _Response]) -> None:
    """imsqtiv1.py ResProcessing.AddRespCondition: a continue="Yes" condition is a
    responseCondition of its own (placed in the else of the open chain, if one is open); a
    continue="No" one opens a chain, or is the next responseElseIf of the open chain."""
    add_point = processing
    open_chain: etree._Element | None = None
    continuing = True
    for condition in resprocessing.iterfind(f"{Q12}respcondition"):
        expression = _expression(condition.find(f"{Q12}conditionvar"), responses)
        rules = _rules(condition)
        go_on = (condition.get("continue") or "No").lower() == "yes"
        if go_on:
            if not continuing:
                assert open_chain is not None
                add_point = open_chain.find("responseElse")
                if add_point is None:
                    add_point = _el("responseElse", open_chain)
            rc = _el("responseCondition", add_point)
            branch = _el("responseIf", rc)
            branch.append(expression)
            branch.extend(rules)
        elif continuing:
            open_chain = _el("responseCondition", add_point)
            branch = _el("responseIf", open_chain)
            branch.append(expression)
            branch.extend(rules)
        else:
            assert open_chain is not None
            branch = etree.Element("responseElseIf")
            branch.append(expression)
            branch.extend(rules)
            otherwise = open_chain.find("responseElse")
            if otherwise is None:
                open_chain.append(branch)
            else:
                otherwise.addprevious(branch)
        continuing = go_on


def _expression(conditionvar: etree._Element | None, responses: dict[str, _Response]
                ) -> etree._Element:
    assert conditionvar is not None
    tests = [_test(child, responses) for child in conditionvar]
    if len(tests) == 1:
        return tests[0]
    both = etree.Element("and")  # ConditionVar.CloseObject: an implicit and
    both.extend(tests)
    return both


def _test(element: etree._Element, responses: dict[str, _Response]) -> etree._Element:
    name = _local(element)
    if name in ("and", "or"):
        operator = etree.Element(name)
        operator.extend(_test(child, responses) for child in element)
        return operator
    if name == "not":
        negation = etree.Element("not")
        inner = [_test(child, responses) for child in element]
        if len(inner) == 1:
            negation.append(inner[0])
        else:
            both = _el("and", negation)
            both.extend(inner)
        return negation
    if name == "other":
        return _el("baseValue", None, "true", baseType="boolean")
    ident = element.get("respident", "")
    response = responses[ident]
    value = element.text or ""
    if name == "varequal":
        if response.cardinality != "single":
            test = etree.Element("member")
            _el("baseValue", test, value, baseType=response.base_type)
            _el("variable", test, identifier=ident)
            return test
        if response.base_type == "string":
            test = etree.Element("stringMatch",
                                 caseSensitive="true" if element.get("case") == "Yes"
                                 else "false")
        else:
            test = etree.Element("match")
        _el("variable", test, identifier=ident)
        _el("baseValue", test, value, baseType=response.base_type)
        return test
    if name in ("vargte", "varlte", "vargt", "varlt"):
        assert response.base_type == "string", "numeric tests on a string response"
        test = etree.Element("customOperator", {"class": name})
        _el("variable", test, identifier=ident)
        _el("baseValue", test, value, baseType="string")
        return test
    raise AssertionError(f"unexpected <{name}> in a conditionvar")


def _rules(condition: etree._Element) -> list[etree._Element]:
    rules = []
    for child in condition:
        name = _local(child)
        if name == "setvar":
            setter = etree.Element("setOutcomeValue", identifier=child.get("varname", "SCORE"))
            value = etree.Element("baseValue", baseType="float")
            value.text = child.text
            action = (child.get("action") or "Set").lower()
            if action == "add":
                total = _el("sum", setter)
                _el("variable", total, identifier=child.get("varname", "SCORE"))
                total.append(value)
            else:
                assert action == "set", action
                setter.append(value)
            rules.append(setter)
        elif name == "displayfeedback":
            setter = etree.Element("setOutcomeValue", identifier="FEEDBACK")
            multiple = _el("multiple", setter)
            _el("variable", multiple, identifier="FEEDBACK")
            _el("baseValue", multiple, child.get("linkrefid"), baseType="identifier")
            rules.append(setter)
    return rules


# ------------------------------------------------------------------------------------------
# 2. Canvas's converters: QTI 2.x -> question hash


@dataclass
class CanvasQuestion:
    question_type: str
    points_possible: float
    answers: list[dict[str, Any]] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)


def _css_response_ifs(root: etree._Element) -> list[etree._Element]:
    """``@doc.css('responseIf, responseElseIf')``: every branch, in document order."""
    return root.xpath(".//responseIf | .//responseElseIf")


def _feedback_id(branch: etree._Element) -> str | None:
    value = branch.xpath("./setOutcomeValue[@identifier='FEEDBACK']//"
                         "baseValue[@baseType='identifier']/text()")
    return value[0].strip() if value else None


def _weight(branch: etree._Element) -> int:
    """choice_interaction.rb get_response_weight / get_base_value: 100 when the branch sets
    SCORE (or adds to it) a value above 0, else 0."""
    for path in ("./setOutcomeValue[@identifier='SCORE']/sum/baseValue",
                 "./setOutcomeValue[@identifier='SCORE']/baseValue"):
        found = branch.xpath(path)
        if found:
            return 100 if float(found[0].text or 0) > 0 else 0
    return 0


def read_item(item: etree._Element) -> CanvasQuestion:
    """What Canvas imports from a QTI 1.2 *item* (after the migration tool)."""
    meta = {f.findtext(f"{Q12}fieldlabel"): f.findtext(f"{Q12}fieldentry") or ""
            for f in item.iterfind(f"{Q12}itemmetadata/{Q12}qtimetadata/{Q12}qtimetadatafield")}
    doc = migrate(item)
    kind = meta.get("question_type", "")
    # assessment_item_converter.rb: points_possible from the metadata, else 1
    # (DEFAULT_POINTS_POSSIBLE); the question type from the metadata when it is a Canvas one.
    points = float(meta["points_possible"]) if meta.get("points_possible") else 1.0
    question = CanvasQuestion(kind, points)
    # Dispatch (assessment_item_converter.rb, self.create_instructure_question): the
    # question_type picks the converter; matching_question is "canvas_matching".
    if kind == "matching_question":
        _canvas_matching(doc, question)
    elif kind == "fill_in_multiple_blanks_question":
        _fill_in_multiple_blanks(doc, question)
    elif kind in ("multiple_choice_question", "true_false_question",
                  "multiple_answers_question"):
        _choices(doc, question)
    elif kind == "numerical_question":
        _numerical(doc, question)
    elif kind in ("short_answer_question", "essay_question"):
        _text(doc, question)
    else:
        raise AssertionError(f"question type {kind!r} not covered")
    return question


def _choices(doc: etree._Element, question: CanvasQuestion) -> None:
    """choice_interaction.rb: an answer per simpleChoice (weight 0), then the weights from
    the conditions (process_response_conditions), then the true/false check."""
    answers = {}
    for choice in doc.iter("simpleChoice"):
        answers[choice.get("identifier")] = {"migration_id": choice.get("identifier"),
                                             "text": (choice.text or "").strip(), "weight": 0}
    for condition in doc.iter("responseCondition"):
        if condition.xpath(".//responseIf//and/member"):
            # cond.at_css('responseIf and > member'), then each of
            # cond.css('responseIf > and > member') is a right answer.
            for member in condition.xpath(".//responseIf/and/member"):
                ident = member.findtext("baseValue").strip()
                answers[ident]["weight"] = 100
        else:
            for branch in condition.xpath(".//responseIf | .//responseElseIf"):
                found = branch.xpath(".//match/baseValue[@baseType='identifier'] | "
                                     ".//member/baseValue[@baseType='identifier']")
                if found and found[0].text.strip() in answers:
                    answers[found[0].text.strip()]["weight"] = _weight(branch)
    question.answers = list(answers.values())
    if question.question_type == "true_false_question":
        # process_true_false_question: two answers named /true/i and /false/i, else it is a
        # multiple choice question (graded the same).
        texts = [a["text"] for a in question.answers]
        if not (len(texts) == 2 and re.search("true", texts[0], re.I)
                and re.search("false", texts[1], re.I)):
            question.question_type = "multiple_choice_question"


def _text(doc: etree._Element, question: CanvasQuestion) -> None:
    """extended_text_interaction.rb: every stringMatch/match value in a responseCondition is
    an answer (weight 100); none makes an essay_question."""
    seen = set()
    for condition in doc.xpath("./responseProcessing/responseCondition"):
        for test in condition.xpath(".//stringMatch | .//match"):
            text = test.findtext("baseValue")
            if text and text not in seen:
                seen.add(text)
                question.answers.append({"text": text, "weight": 100})
    question.question_type = ("short_answer_question" if question.answers
                              else "essay_question")


def _fill_in_multiple_blanks(doc: etree._Element, question: CanvasQuestion) -> None:
    """fill_in_the_blank.rb process_canvas: each choiceInteraction is a blank (its
    responseIdentifier less ``response_``), each of its simpleChoices an answer, weight
    100."""
    for interaction in doc.iter("choiceInteraction"):
        blank = re.sub("^response_", "", interaction.get("responseIdentifier", ""))
        for choice in interaction.iter("simpleChoice"):
            question.answers.append({"text": (choice.text or "").strip(), "weight": 100,
                                     "blank_id": blank})


def _numerical(doc: etree._Element, question: CanvasQuestion) -> None:
    """numeric_interaction.rb get_canvas_answers: a branch with an <or> is an exact answer
    (the stringMatch value) with margin = varlte bound - exact; a branch with an <and> (and
    no <or>) is a range from the vargte to the varlte bound."""
    for branch in _css_response_ifs(doc):
        either = branch.find(".//or")
        if either is not None:
            exact = either.find(".//stringMatch/baseValue")
            if exact is None:
                continue
            upper = either.find(".//and/customOperator[@class='varlte']/baseValue")
            margin = (float(Decimal(upper.text) - Decimal(exact.text))
                      if upper is not None else 0.0)
            question.answers.append({"type": "exact_answer", "exact": float(exact.text),
                                     "margin": margin, "weight": 100})
            continue
        both = branch.find(".//and")
        if both is not None:
            lower = both.find("customOperator[@class='vargte']/baseValue")
            upper = both.find("customOperator[@class='varlte']/baseValue")
            if lower is not None or upper is not None:
                question.answers.append({
                    "type": "range_answer", "weight": 100,
                    "start": float(lower.text) if lower is not None else 0.0,
                    "end": float(upper.text) if upper is not None else 0.0})


def _canvas_matching(doc: etree._Element, question: CanvasQuestion) -> None:
    """associate_interaction.rb, canvas_matching: the matches are the simpleChoices of the
    first choiceInteraction, numbered by the first run of digits in their identifier
    (get_canvas_matches); each choiceInteraction is an answer (a premise), linked to a match
    by a branch whose first match tests that premise and which adds to SCORE (a sum:
    get_canvas_answers); then each answer's right side is its match's text."""
    match_map: dict[str, dict[str, Any]] = {}
    first = next(doc.iter("choiceInteraction"))
    for choice in first.iter("simpleChoice"):
        number = re.search(r"(\d+)", choice.get("identifier", ""))
        match = {"match_id": int(number.group(1)) if number else None,
                 "text": (choice.text or "").strip(), "identifier": choice.get("identifier")}
        question.matches.append(match)
        match_map[choice.get("identifier", "")] = match
    answers: dict[str, dict[str, Any]] = {}
    for interaction in doc.iter("choiceInteraction"):
        answer = {"text": interaction.findtext("prompt") or "", "match_id": None,
                  "premise": interaction.get("responseIdentifier")}
        answers[interaction.get("responseIdentifier", "")] = answer
        question.answers.append(answer)
    for branch in _css_response_ifs(doc):
        test = branch.find(".//match")
        if test is None:
            continue
        premise = test.find("variable").get("identifier")
        chosen = test.findtext("baseValue[@baseType='identifier']")
        if premise in answers and branch.find(".//setOutcomeValue[@identifier='SCORE']//sum"
                                              ) is not None and chosen in match_map:
            answers[premise]["match_id"] = match_map[chosen]["match_id"]
    for answer in question.answers:  # ensure_correct_format
        right = next((m for m in question.matches if m["match_id"] == answer["match_id"]),
                     None)
        answer["right"] = right["text"] if right else None


# ------------------------------------------------------------------------------------------
# 3. Canvas's grading


def _big(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text).strip())
    except InvalidOperation:
        return None


def grade(question: CanvasQuestion, answer: Any, points: float | None = None
          ) -> Fraction | None:
    """The points Canvas gives *answer* (None: graded by a person; nothing answered scores
    0: correct_answer_parts returns nil and UserAnswer keeps 0 correct parts).

    *answer* by type: multiple choice / true false: the chosen answer's migration id;
    multiple answers: the set of ticked migration ids; short answer and numerical: the text;
    fill in multiple blanks: blank id -> text; matching: premise response identifier ->
    chosen match identifier. *points*: the question's points in the quiz (a group's
    points_per_item replaces points_possible)."""
    total_points = Fraction(points if points is not None else question.points_possible)
    kind = question.question_type
    if kind == "essay_question":
        return None  # essay_question.rb: requires manual scoring
    if kind in ("multiple_choice_question", "true_false_question"):
        chosen = next((a for a in question.answers if a["migration_id"] == answer), None)
        return total_points if chosen is not None and chosen["weight"] == 100 else Fraction(0)
    if kind == "multiple_answers_question":
        # multiple_answers_question.rb: parts = right answers; each right one ticked is a
        # part, each wrong one ticked an incorrect part (user_answer.rb docks it).
        if not answer:
            return Fraction(0)
        total = sum(1 for a in question.answers if a["weight"] == 100) or 1
        right = sum(1 for a in question.answers if a["weight"] == 100
                    and a["migration_id"] in answer)
        wrong = sum(1 for a in question.answers if a["weight"] != 100
                    and a["migration_id"] in answer)
        return max(Fraction(0), Fraction(right - wrong, total) * total_points)
    if kind == "short_answer_question":
        # short_answer_question.rb matching_answer: strip.downcase on both sides.
        if answer is None:
            return Fraction(0)
        given = answer.strip().lower()
        hit = any((a["text"] or "").strip().lower() == given and a["text"].strip()
                  for a in question.answers)
        return total_points if hit else Fraction(0)
    if kind == "fill_in_multiple_blanks_question":
        # fill_in_multiple_blanks_question.rb: a part per blank; strip.downcase, weight 100.
        blanks = list(dict.fromkeys(a["blank_id"] for a in question.answers))
        if not any((answer.get(b) or "").strip() for b in blanks):
            return Fraction(0)
        good = sum(1 for b in blanks if any(
            a["blank_id"] == b and (a["text"] or "").strip().lower()
            == (answer.get(b) or "").strip().lower() and a["weight"] == 100
            for a in question.answers))
        return Fraction(good, len(blanks)) * total_points
    if kind == "numerical_question":
        # numerical_question.rb: BigDecimal; exact +- margin, or a range.
        if answer is None or not str(answer).strip():
            return Fraction(0)
        number = _big(answer)
        if number is None:
            return Fraction(0)
        for a in question.answers:
            if a["type"] == "exact_answer":
                exact = Decimal(repr(a["exact"]))
                margin = Decimal(repr(a["margin"]))
                if exact - margin <= number <= exact + margin:
                    return total_points
            else:
                low, high = sorted((Decimal(repr(a["start"])), Decimal(repr(a["end"]))))
                if low <= number <= high:
                    return total_points
        return Fraction(0)
    if kind == "matching_question":
        # matching_question.rb: a part per answer; right when the chosen match is the
        # answer's, or one whose answer has the same right side.
        if not answer:
            return Fraction(0)
        by_identifier = {m["identifier"]: m for m in question.matches}
        good = 0
        for a in question.answers:
            chosen = answer.get(a["premise"])
            if chosen is None:
                continue
            match_id = by_identifier[chosen]["match_id"]
            found = next((b for b in question.answers if b["match_id"] == match_id), None)
            if found is a or (found is not None and found["right"] is not None
                              and found["right"] == a["right"]):
                good += 1
        return Fraction(good, len(question.answers)) * total_points
    raise AssertionError(kind)


@dataclass
class CanvasQuiz:
    """The quiz as Canvas imports it: questions outside groups, and groups (pick count and
    points per question, which replace the questions' own)."""

    questions: dict[str, CanvasQuestion]
    points: dict[str, float]
    """Question ident -> the points it counts for in the quiz."""
    groups: list[tuple[str, int, float, list[str]]]
    """(section ident, pick count, points per item, item idents)."""

    @property
    def points_possible(self) -> float:
        """assessment_test_converter.rb: a group counts pick x points_per_item."""
        grouped = {ident for _s, _n, _p, idents in self.groups for ident in idents}
        return (sum(p for ident, p in self.points.items() if ident not in grouped)
                + sum(pick * per for _s, pick, per, _i in self.groups))


def read_assessment(data: bytes) -> CanvasQuiz:
    """A Canvas-flavoured questestinterop document as Canvas imports it: a section with
    selection_ordering is a question group (the migration tool writes a selection; then
    assessment_test_converter.rb process_section makes a group whose question_points, from
    points_per_item, replace each question's points_possible)."""
    root = etree.fromstring(data)
    questions: dict[str, CanvasQuestion] = {}
    points: dict[str, float] = {}
    groups = []
    for item in root.iter(f"{Q12}item"):
        question = read_item(item)
        questions[item.get("ident", "")] = question
        points[item.get("ident", "")] = question.points_possible
    for section in root.iter(f"{Q12}section"):
        number = section.findtext(f"{Q12}selection_ordering/{Q12}selection/"
                                  f"{Q12}selection_number")
        if number is None:
            continue
        per = section.findtext(f".//{Q12}selection_extension/{Q12}points_per_item")
        idents = [i.get("ident", "") for i in section.iter(f"{Q12}item")]
        per_item = float(per) if per else 1.0
        groups.append((section.get("ident", ""), int(number), per_item, idents))
        for ident in idents:
            points[ident] = per_item
    return CanvasQuiz(questions, points, groups)
