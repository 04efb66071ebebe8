"""A Moodle XML question file read and graded the way Moodle does: the checker
tests/test_grading_moodle.py holds the moodlexml target to.

Restated from moodle/moodle (GPL: read, not copied): question/format/xml/format.php (what the
import takes from each question), and each question type's grading:
question/type/multichoice/question.php (single: the chosen answer's fraction; multiple: the
sum of the chosen answers' fractions, kept within 0..1), question/type/truefalse,
question/type/shortanswer/question.php (compare_string_with_wildcard: the trimmed response
against each answer, ``\\*`` a literal asterisk, case as ``usecase`` says; the first match's
fraction), question/type/numerical/question.php (qtype_numerical_answer
get_tolerance_interval, nominal tolerance: answer +- (tolerance + 1e-14 x max(|tolerance|,
|answer|))), question/type/match (a part per sub-question with text; identical answer texts
are one choice), question/type/multianswer (Cloze: each {weight:SHORTANSWER:...} a
sub-question, the grade the weighted mean) and the essay (graded by a person).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from lxml import etree

from scormkit.questions import WHITESPACE


@dataclass
class MoodleQuestion:
    type: str
    name: str
    idnumber: str
    defaultgrade: Fraction
    single: bool = True
    usecase: bool = False
    answers: list[dict[str, Any]] = field(default_factory=list)
    """text, fraction (0..1), tolerance (numerical)."""
    stems: list[tuple[str, str]] = field(default_factory=list)
    """Matching: (sub-question text, answer text) of the sub-questions with text."""
    choices: list[str] = field(default_factory=list)
    """Matching: every answer text once (distractors included)."""
    cloze: list[dict[str, Any]] = field(default_factory=list)
    """Cloze sub-questions: weight, case sensitive, answers (text, fraction)."""


def read_questions(data: bytes) -> dict[str, MoodleQuestion]:
    """Questions by idnumber (categories skipped)."""
    root = etree.fromstring(data)
    questions = {}
    for element in root.iterfind("question"):
        kind = element.get("type", "")
        if kind == "category":
            continue
        question = MoodleQuestion(kind, element.findtext("name/text") or "",
                                  element.findtext("idnumber") or "",
                                  Fraction(Decimal(element.findtext("defaultgrade") or "1")))
        if kind == "multichoice":
            question.single = element.findtext("single") == "true"
        if kind == "shortanswer":
            question.usecase = element.findtext("usecase") == "1"
        for answer in element.iterfind("answer"):
            question.answers.append({
                "text": answer.findtext("text") or "",
                "fraction": Fraction(Decimal(answer.get("fraction", "0"))) / 100,
                "tolerance": answer.findtext("tolerance")})
        for sub in element.iterfind("subquestion"):
            text = sub.findtext("text") or ""
            answer = sub.findtext("answer/text") or ""
            if answer not in question.choices:
                question.choices.append(answer)
            if text.strip():
                question.stems.append((text, answer))
        if kind == "multianswer":
            question.cloze = parse_cloze(element.findtext("questiontext/text") or "")
        questions[question.idnumber] = question
    return questions


_CLOZE = re.compile(r"\{(\d+):(SHORTANSWER|SHORTANSWER_C|SA|MW):((?:\\.|[^}\\])*)\}")


def parse_cloze(text: str) -> list[dict[str, Any]]:
    r"""The sub-questions of a Cloze question text (question/type/multianswer/questiontype.php,
    qtype_multianswer_extract_question): answers split at unescaped ``~``, each
    ``%fraction%text#feedback``; the Cloze escapes (``\}`` ``\#`` ``\~`` ``\/`` ``\"``
    ``\\``) undone; the HTML entities of the question text decoded."""
    found = []
    for weight, kind, body in _CLOZE.findall(text):
        answers = []
        for part in re.split(r"(?<!\\)~", body):
            mark = re.match(r"%(-?\d+(?:\.\d+)?)%", part)
            fraction = Fraction(Decimal(mark.group(1))) / 100 if mark else Fraction(1)
            part = part[mark.end():] if mark else part.lstrip("=")
            answer = re.split(r"(?<!\\)#", part, maxsplit=1)[0]
            # The Cloze escapes are undone; "\*" stays, for short answer's wildcard rule.
            answer = html.unescape(re.sub(r"\\([}#~/\"\\])", r"\1", answer))
            answers.append({"text": answer, "fraction": fraction})
        found.append({"weight": int(weight), "case": kind == "SHORTANSWER_C",
                      "answers": answers})
    return found


def _wildcard_match(response: str, answer: str, usecase: bool) -> bool:
    """compare_string_with_wildcard: the trimmed response; ``*`` in the answer matches
    anything unless escaped."""
    given = response.strip(WHITESPACE)
    parts = re.split(r"(?<!\\)\*+", answer)
    pattern = ".*".join(re.escape(p.replace("\\*", "*")) for p in parts)
    return re.fullmatch(pattern, given, 0 if usecase else re.IGNORECASE) is not None


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip(WHITESPACE))
    except InvalidOperation:
        return None


def grade(question: MoodleQuestion, answer: Any) -> Fraction | None:
    """The points Moodle gives *answer* (None: an essay, graded by a person).

    *answer* by type: multichoice: the index of the chosen answer (single) or the set of
    chosen indexes; truefalse: True/False/None; shortanswer and numerical: the text;
    matching: one answer text per stem (None: not answered); multianswer: one text per
    sub-question."""
    grade_of = question.defaultgrade
    kind = question.type
    if kind == "essay":
        return None
    if kind == "multichoice" and question.single:
        return (question.answers[answer]["fraction"] * grade_of if answer is not None
                else Fraction(0))
    if kind == "multichoice":
        total = sum((question.answers[i]["fraction"] for i in answer), Fraction(0))
        return min(max(Fraction(0), total), Fraction(1)) * grade_of
    if kind == "truefalse":
        if answer is None:
            return Fraction(0)
        chosen = next(a for a in question.answers if a["text"] == ("true" if answer else
                                                                      "false"))
        return chosen["fraction"] * grade_of
    if kind == "shortanswer":
        for entry in question.answers:
            text = entry["text"]
            if text != "*" and _wildcard_match(answer or "", text, question.usecase):
                return entry["fraction"] * grade_of
        return Fraction(0)
    if kind == "numerical":
        value = _number(answer or "")
        if value is None:
            return Fraction(0)
        for entry in question.answers:
            if entry["text"] == "*":
                continue
            centre = Decimal(entry["text"])
            tolerance = abs(Decimal(entry["tolerance"] or "0"))
            slack = tolerance + Decimal("1e-14") * max(tolerance, abs(centre), Decimal("1e-14"))
            if centre - slack <= value <= centre + slack:
                return entry["fraction"] * grade_of
        return Fraction(0)
    if kind == "matching":
        right = sum(1 for (_stem, text), chosen in zip(question.stems, answer, strict=True)
                    if chosen is not None and chosen == text)
        return Fraction(right, len(question.stems)) * grade_of
    if kind == "multianswer":
        total_weight = sum(sub["weight"] for sub in question.cloze)
        earned = Fraction(0)
        for sub, given in zip(question.cloze, answer, strict=True):
            for entry in sub["answers"]:
                if entry["text"] != "*" and _wildcard_match(given or "", entry["text"],
                                                            sub["case"]):
                    earned += entry["fraction"] * sub["weight"]
                    break
        return earned / total_weight * grade_of
    raise AssertionError(kind)
