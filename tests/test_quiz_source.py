"""The quiz source format (scormkit.sources.quiz) and the quiz model (scormkit.questions).

- one test per question type and per check, asserting the exact (code, line) diagnostics;
- the quiz inside a course (course.yaml's ``quiz:``, passing score precedence, assets);
- the example quiz in course_src;
- property tests: arbitrary text never crashes the reader, and model -> source -> model
  round-trips through a test-only printer.
"""

from __future__ import annotations

import json
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scormkit.content import EMPTY, BlankSlot, Content, Element, Image
from scormkit.errors import Diagnostic, ScormkitError, SourceErrors
from scormkit.questions import (
    QUESTION_CLASSES,
    Blank,
    Choice,
    Essay,
    Feedback,
    FillInBlank,
    Matching,
    MatchItem,
    MatchPair,
    MultipleResponse,
    Numeric,
    NumericAnswer,
    Ordering,
    OrderItem,
    Pool,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
    format_decimal,
    short_id,
)
from scormkit.sources import load_course
from scormkit.sources.quiz import load_quiz, parse_quiz, quiz_slug

from .conftest import EXAMPLE_COURSE, xhtml

FM = "---\ntitle: Quiz\n---\n\n"
"""Minimal front matter: the body starts on line 5."""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'


def write(root: Path, text: str, name: str = "quiz.quiz.md") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def quiz_of(tmp_path):
    """quiz_of(body, front=FM) -> the Quiz of a quiz file that must read cleanly."""

    def run(body: str, front: str = FM, name: str = "quiz.quiz.md") -> Quiz:
        return load_quiz(write(tmp_path, front + body, name), tmp_path)

    return run


@pytest.fixture
def diagnostics_of(tmp_path):
    """diagnostics_of(body, front=FM) -> the diagnostics of a quiz file that must fail."""

    def run(body: str, front: str = FM) -> list[Diagnostic]:
        with pytest.raises(SourceErrors) as info:
            load_quiz(write(tmp_path, front + body), tmp_path)
        return info.value.diagnostics()

    return run


@pytest.fixture
def pairs_of(diagnostics_of):
    """pairs_of(body, front=FM) -> [(code, line), ...] of a quiz file that must fail."""

    def run(body: str, front: str = FM) -> list[tuple[str, int | None]]:
        return [(d.code, d.location.line if d.location else None)
                for d in diagnostics_of(body, front)]

    return run


def line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based line of the first line containing *needle* (after line *start*)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if number > start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def texts(feedback: Feedback) -> tuple[str, str, str]:
    """The three kinds of question feedback as XHTML text."""
    return xhtml(feedback.correct), xhtml(feedback.incorrect), xhtml(feedback.general)


def only(quiz: Quiz) -> Question:
    [question] = quiz.items
    assert not isinstance(question, Pool)
    return question


# ------------------------------------------------------------------------------------------
# Quiz settings


def test_front_matter_settings(quiz_of):
    quiz = quiz_of("Read *carefully*.\n\n## Q\n\n- [x] a\n- [ ] b\n", front=(
        "---\nid: final-check\ntitle: Final check\npassing_score: 75\nattempts: 2\n"
        "time_limit: 30\nshuffle: true\n---\n\n"))
    assert (quiz.id, quiz.title, quiz.passing_score, quiz.max_attempts, quiz.time_limit) == (
        "final-check", "Final check", 75, 2, 30)
    assert xhtml(quiz.intro) == "<p>Read <em>carefully</em>.</p>\n"
    assert only(quiz).shuffle is True


def test_defaults_and_derived_quiz_id(quiz_of):
    quiz = quiz_of("## Q\n\n- [x] a\n- [ ] b\n", name="quizzes/01 Final.quiz.md")
    assert (quiz.id, quiz.slug) == ("quiz-01-final", "01 Final")
    assert (quiz.passing_score, quiz.max_attempts, quiz.time_limit, xhtml(quiz.intro)) == (
        None, None, None, "")
    assert only(quiz).shuffle is False
    assert quiz.source.line == 1


@pytest.mark.parametrize(("name", "slug"), [
    ("a/b/tpm.quiz.md", "tpm"), ("final.md", "final"), ("FINAL.QUIZ.MD", "FINAL"),
    (".quiz.md", ".quiz"), ("x", "x")])
def test_quiz_slug(name, slug):
    assert quiz_slug(name) == slug


@pytest.mark.parametrize(("front", "expected"), [
    ("", [("missing-front-matter", 1)]),
    ("---\ntitle: [\n---\n\n", [("yaml-syntax", 2)]),
    ("---\ntitel: Q\n---\n\n", [("unknown-key", 2), ("missing-key", 2)]),
    ("---\ntitle: Q\npassing_score: 120\n---\n\n", [("bad-value", 3)]),
    ("---\ntitle: Q\npassing_score: true\n---\n\n", [("bad-value", 3)]),
    ("---\ntitle: Q\nattempts: 0\n---\n\n", [("bad-value", 3)]),
    ("---\ntitle: Q\ntime_limit: 1.5\n---\n\n", [("bad-value", 3)]),
    ("---\ntitle: Q\nshuffle: often\n---\n\n", [("bad-value", 3)]),
    ("---\ntitle: Q\nid: 2nd.quiz\n---\n\n", [("bad-id", 3)]),
])
def test_front_matter_errors(pairs_of, front, expected):
    assert pairs_of("## Q\n\n- [x] a\n- [ ] b\n", front=front) == expected


def test_unknown_front_matter_key_suggests_the_right_one(diagnostics_of):
    [diagnostic, *_] = diagnostics_of("## Q\n\n- [x] a\n- [ ] b\n",
                                      front="---\ntitle: Q\npasing_score: 80\n---\n\n")
    assert diagnostic.hint == "did you mean 'passing_score'?"


def test_a_quiz_needs_questions(pairs_of):
    assert pairs_of("Only an introduction.\n") == [("no-questions", 1)]


# ------------------------------------------------------------------------------------------
# Question types


def test_single_choice(quiz_of):
    body = ("## Where they work {id: where, points: 2, shuffle: true}\n\n"
            "Which organisation *does not* run technical projects?\n\n"
            "- [ ] A bank\n"
            "  > Banks run many.\n"
            "- [ ] A `nonprofit`\n"
            "- [x] None of the above {pin}\n\n"
            "> Correct: Right.\n\n"
            "> Incorrect: Every one of them does.\n\n"
            "> Feedback: See lesson 1.\n")
    question = only(quiz_of(body))
    assert isinstance(question, SingleChoice)
    assert (question.id, question.title, question.points, question.shuffle) == (
        "where", "Where they work", Decimal(2), True)
    assert xhtml(question.prompt) == (
        "<p>Which organisation <em>does not</em> run technical projects?</p>\n")
    assert [(c.id, xhtml(c.text), c.correct, c.pinned) for c in question.choices] == [
        ("a", "A bank", False, False),
        ("b", "A <code>nonprofit</code>", False, False),
        ("c", "None of the above", True, True),
    ]
    assert xhtml(question.choices[0].feedback) == "<p>Banks run many.</p>\n"
    assert xhtml(question.choices[1].feedback) == ""
    assert question.correct_choice.id == "c"
    assert texts(question.feedback) == (
        "<p>Right.</p>\n", "<p>Every one of them does.</p>\n", "<p>See lesson 1.</p>\n")
    assert [c.source.line for c in question.choices] == [9, 11, 12]
    assert question.source.line == 5


def test_the_heading_is_the_question_when_there_is_no_stem(quiz_of):
    question = only(quiz_of("## Is *this* the stem?\n\n- [x] yes\n- [ ] no\n"))
    assert question.title == "Is this the stem?"
    assert xhtml(question.prompt) == "<p>Is <em>this</em> the stem?</p>\n"


def test_labelled_feedback_lines_can_share_one_quote(quiz_of):
    question = only(quiz_of("## Q\n\n- [x] a\n- [ ] b\n\n"
                            "> Correct: Well done.\n> Incorrect: Not quite,\n> read again.\n"
                            ">\n> Second paragraph.\n> Feedback: Always shown.\n"))
    assert texts(question.feedback) == (
        "<p>Well done.</p>\n", "<p>Not quite,\nread again.</p>\n<p>Second paragraph.</p>\n",
        "<p>Always shown.</p>\n")


def test_feedback_label_on_its_own_line(quiz_of):
    question = only(quiz_of("## Q\n\n- [x] a\n- [ ] b\n\n> Feedback:\n> The text.\n"))
    assert xhtml(question.feedback.general) == "<p>The text.</p>\n"


def test_multiple_response(quiz_of):
    question = only(quiz_of("## Q {type: multiple, partial}\n\n- [x] a\n- [X] b\n- [ ] c\n"))
    assert isinstance(question, MultipleResponse)
    assert question.partial_credit is True
    assert [c.id for c in question.correct_choices] == ["a", "b"]
    plain = only(quiz_of("## Q {type: multiple, partial: false}\n\n- [x] a\n- [ ] b\n"))
    assert isinstance(plain, MultipleResponse) and plain.partial_credit is False


def test_true_false(quiz_of):
    question = only(quiz_of("## Q {type: truefalse}\n\nThe sky is green.\n\n"
                            "- [x] false\n  > It is blue.\n- [ ] TRUE\n"))
    assert isinstance(question, TrueFalse)
    assert question.answer is False
    assert (xhtml(question.true_feedback), xhtml(question.false_feedback)) == (
        "", "<p>It is blue.</p>\n")


def test_fill_in_the_blank(quiz_of):
    question = only(quiz_of("## Q {type: fill, case, partial}\n\n"
                            "Employers ask for [[3|three]] to [[ 5 | five  years ]] years.\n"))
    assert isinstance(question, FillInBlank)
    assert (question.case_sensitive, question.partial_credit) == (True, True)
    assert [(b.id, b.answers, b.source.line) for b in question.blanks] == [
        ("b1", ("3", "three"), 7), ("b2", ("5", "five years"), 7)]
    assert xhtml(question.prompt) == (
        '<p>Employers ask for <span data-blank="b1"></span> to <span data-blank="b2"></span> '
        "years.</p>\n")
    assert question.prompt == Content.of(Element("p", (), (
        "Employers ask for ", BlankSlot("b1"), " to ", BlankSlot("b2"), " years.")), "\n")
    assert [question.blank(slot) for slot in ("b1", "b2")] == list(question.blanks)
    assert question.matches(question.blanks[1], "  five   years ")
    assert not question.matches(question.blanks[1], "Five years")


def test_fill_in_the_blank_is_case_insensitive_by_default(quiz_of):
    question = only(quiz_of("## Q {type: fill}\n\nA [[Cat]].\n\n- a list in the stem\n"))
    assert isinstance(question, FillInBlank)
    assert question.matches(question.blanks[0], "cAT")
    assert "<li>a list in the stem</li>" in xhtml(question.prompt)


def test_numeric(quiz_of):
    question = only(quiz_of("## Q {type: numeric}\n\n- 11\n  > Exactly.\n- 11 +- 0.5\n"
                            "- 10.25 .. 12\n- -3 ± 1e1\n- -7.50\n"))
    assert isinstance(question, Numeric)
    assert [(a.kind, a.low, a.high, a.value, a.tolerance) for a in question.answers] == [
        ("exact", 11, 11, 11, None),
        ("tolerance", Decimal("10.5"), Decimal("11.5"), 11, Decimal("0.5")),
        ("range", Decimal("10.25"), 12, None, None),
        ("tolerance", -13, 7, -3, 10),
        ("exact", Decimal("-7.5"), Decimal("-7.5"), Decimal("-7.5"), None),
    ]
    assert xhtml(question.answers[0].feedback) == "<p>Exactly.</p>\n"
    assert question.answers[2].accepts(Decimal("12")) and not question.answers[2].accepts(
        Decimal("12.01"))


def test_matching(quiz_of):
    question = only(quiz_of("## Q {type: matching, shuffle: false}\n\n"
                            "- Teacher -> explains\n- *Coach* → encourages `a->b`\n"
                            "- Mentor -> explains\n- -> shouts\n"))
    assert isinstance(question, Matching)
    assert [(p.premise.id, xhtml(p.premise.text), p.response.id, xhtml(p.response.text))
            for p in question.pairs] == [
        ("a", "Teacher", "d", "explains"),
        ("b", "<em>Coach</em>", "e", "encourages <code>a-&gt;b</code>"),
        ("c", "Mentor", "d", "explains"),
    ]
    assert [(d.id, xhtml(d.text)) for d in question.distractors] == [("f", "shouts")]
    assert [r.id for r in question.responses] == ["d", "e", "f"]
    assert [p.id for p in question.premises] == ["a", "b", "c"]
    assert (question.shuffle, question.partial_credit) == (False, False)


def test_ordering(quiz_of):
    question = only(quiz_of("## Q {type: ordering}\n\n1. Prepare\n2. Plan\n3. **Build**\n"))
    assert isinstance(question, Ordering)
    assert [(i.id, xhtml(i.text)) for i in question.items] == [
        ("a", "Prepare"), ("b", "Plan"), ("c", "<strong>Build</strong>")]


def test_essay(quiz_of):
    question = only(quiz_of("## Q {type: essay, points: 5}\n\nExplain.\n\n"
                            "> Grading: Look for two points.\n\n> Feedback: Thanks.\n"))
    assert isinstance(question, Essay)
    assert xhtml(question.grading) == "<p>Look for two points.</p>\n"
    assert texts(question.feedback) == ("", "", "<p>Thanks.</p>\n")
    assert question.points == 5


def test_every_type_keyword_has_a_class():
    assert set(QUESTION_CLASSES) == {
        "single", "multiple", "truefalse", "fill", "numeric", "matching", "ordering", "essay"}
    assert all(cls.kind == kind for kind, cls in QUESTION_CLASSES.items())


def test_pools_and_points(quiz_of):
    body = ("## Loose {points: 1.5}\n\n- [x] a\n- [ ] b\n\n"
            "# Facts {draw: 2, points: 3}\n\n"
            "## One\n\n- [x] a\n- [ ] b\n\n## Two\n\n- [x] a\n- [ ] b\n\n"
            "## Three\n\n- [x] a\n- [ ] b\n\n"
            "# Section\n\n## Four {points: 4}\n\n- [x] a\n- [ ] b\n")
    quiz = quiz_of(body)
    loose, facts, section = quiz.items
    assert isinstance(facts, Pool) and isinstance(section, Pool)
    assert (facts.id, facts.title, facts.draw, facts.draws_all) == ("facts", "Facts", 2, False)
    assert [q.points for q in facts.questions] == [3, 3, 3]
    assert (section.draw, section.draws_all) == (1, True)
    assert [q.id for q in quiz.all_questions()] == ["loose", "one", "two", "three", "four"]
    assert quiz.max_points == Decimal("1.5") + 6 + 4
    assert quiz.questions_per_attempt == 4
    assert quiz.pools == (facts, section)
    assert quiz.question("two") is facts.questions[1]
    with pytest.raises(KeyError):
        quiz.question("nope")


def test_derived_question_ids(quiz_of):
    quiz = quiz_of("## Élan, 2024 edition!\n\n- [x] a\n- [ ] b\n\n## 42\n\n- [x] a\n- [ ] b\n\n"
                   f"## {'word ' * 30}\n\n- [x] a\n- [ ] b\n")
    ids = [q.id for q in quiz.all_questions()]
    assert ids[:2] == ["elan-2024-edition", "question-42"]
    assert len(ids[2]) <= 64 and ids[2].startswith("word-word") and not ids[2].endswith("-")


def test_markdown_images_and_links(tmp_path, quiz_of):
    write(tmp_path, SVG, "media/roles.svg")
    quiz = quiz_of("## Q\n\n![Three roles](../media/roles.svg) <b>raw</b>\n\n"
                   "- [x] See [the site](https://example.org)\n"
                   "- [ ] ![A roles chart](../media/roles.svg)\n\n"
                   "> Feedback: ![Roles again](../media/roles.svg)\n",
                   name="quizzes/q.quiz.md")
    question = only(quiz)
    assert Image("media/roles.svg", "Three roles") in question.prompt.walk()
    assert "&lt;b&gt;raw&lt;/b&gt;" in xhtml(question.prompt)
    assert xhtml(question.choices[0].text) == (
        'See <a href="https://example.org" rel="noopener">the site</a>')
    assert question.choices[1].text.assets() == ("media/roles.svg",)
    assert question.feedback.general.assets() == ("media/roles.svg",)
    assert [a.href for a in quiz.assets] == ["media/roles.svg"]


def test_settings_in_braces_can_be_escaped(quiz_of):
    question = only(quiz_of("## Sets \\{a, b\\}\n\n- [x] The set \\{1, 2\\}\n- [ ] b\n"))
    assert question.title == "Sets {a, b}"
    assert xhtml(question.choices[0].text) == "The set {1, 2}"
    assert question.choices[0].pinned is False


def test_settings_are_read_as_written_not_as_markdown(quiz_of):
    # CommonMark reads `_0_` in `{id: a-_0_}` as emphasis; the settings are not Markdown.
    question = only(quiz_of("## Is *this* it? {id: a-_0_, points: 2}\n\n- [x] yes\n"
                            "- [ ] no\n"))
    assert question.id == "a-_0_"
    assert question.points == 2
    assert question.title == "Is this it?"
    assert xhtml(question.prompt) == "<p>Is <em>this</em> it?</p>\n"


def test_crlf_and_bom(tmp_path):
    path = tmp_path / "q.quiz.md"
    path.write_bytes(("\ufeff" + FM + "## Q\n\n- [x] a\n- [x] b\n").replace("\n", "\r\n")
                     .encode("utf-8"))
    with pytest.raises(SourceErrors) as info:
        load_quiz(path, tmp_path)
    assert [(d.code, d.location.line) for d in info.value.diagnostics()] == [
        ("too-many-correct", 8)]


# ------------------------------------------------------------------------------------------
# Checks: one test per rule, exact codes and lines (the body starts on line 5)

CHECKS = {
    "heading-unknown-key": ("## Q {pionts: 2}\n\n- [x] a\n- [ ] b\n", [("unknown-key", 5)]),
    "heading-yaml": ("## Q {id: [}\n\n- [x] a\n- [ ] b\n", [("yaml-syntax", 5)]),
    "heading-formatting": ("## Q {id: `x`}\n\n- [x] a\n- [ ] b\n", [("bad-settings", 5)]),
    "unknown-type": ("## Q {type: multi}\n\n- [x] a\n- [ ] b\n",
                     [("unknown-question-type", 5)]),
    "type-not-text": ("## Q {type: [a]}\n\n- [x] a\n- [ ] b\n", [("unknown-question-type", 5)]),
    "setting-not-allowed": ("## Q {case: true, partial}\n\n- [x] a\n- [ ] b\n",
                            [("setting-not-allowed", 5), ("setting-not-allowed", 5)]),
    "bad-flag": ("## Q {type: multiple, partial: 2}\n\n- [x] a\n- [ ] b\n", [("bad-value", 5)]),
    "missing-title": ("## {id: q}\n\n- [x] a\n- [ ] b\n", [("missing-title", 5)]),
    "bad-id": ("## Q {id: 1st}\n\n- [x] a\n- [ ] b\n", [("bad-id", 5)]),
    "bad-id-dot": ("## Q {id: a.b}\n\n- [x] a\n- [ ] b\n", [("bad-id", 5)]),
    "bad-id-type": ("## Q {id: true}\n\n- [x] a\n- [ ] b\n", [("bad-id", 5)]),
    "id-too-long": (f"## Q {{id: {'x' * 65}}}\n\n- [x] a\n- [ ] b\n", [("bad-id", 5)]),
    "duplicate-derived-id": ("## Same\n\n- [x] a\n- [ ] b\n\n## same\n\n- [x] a\n- [ ] b\n",
                             [("duplicate-id", 10)]),
    "duplicate-pool-id": ("# Q\n\n## Q\n\n- [x] a\n- [ ] b\n", [("duplicate-id", 7)]),
    "bad-points": ("## Q {points: 0}\n\n- [x] a\n- [ ] b\n", [("bad-value", 5)]),
    "bad-points-decimals": ("## Q {points: 0.125}\n\n- [x] a\n- [ ] b\n", [("bad-value", 5)]),
    "bad-points-text": ("## Q {points: two}\n\n- [x] a\n- [ ] b\n", [("bad-value", 5)]),
    "missing-choices": ("## Q\n\nNo list.\n", [("missing-choices", 5)]),
    "missing-answers": ("## Q {type: numeric}\n\n> Feedback: x\n", [("missing-answers", 5)]),
    "choice-marker-missing": ("## Q\n\nStem:\n- fact\n\n- [x] a\n- [ ] b\n",
                              [("choice-marker-missing", 8)]),
    "empty-choice": ("## Q\n\n- [x] a\n- [ ]\n", [("empty-choice", 8)]),
    "duplicate-choice": ("## Q\n\n- [x] Same  text\n- [ ] same text\n- [ ] c\n",
                         [("duplicate-choice", 8)]),
    "too-few-choices": ("## Q\n\n- [x] a\n", [("too-few-choices", 5)]),
    "no-correct-choice": ("## Q {type: multiple}\n\n- [ ] a\n- [ ] b\n",
                          [("no-correct-choice", 5)]),
    "too-many-correct": ("## Q\n\n- [x] a\n- [ ] b\n- [x] c\n", [("too-many-correct", 9)]),
    "too-many-choices": ("## Q\n\n" + "".join(f"- [ ] c{i}\n" for i in range(26))
                         + "- [x] last\n", [("too-many-choices", 33)]),
    "pin-bad-value": ("## Q\n\n- [x] a {pin: maybe}\n- [ ] b\n", [("bad-value", 7)]),
    "pin-unknown": ("## Q\n\n- [x] a\n- [ ] b {pinned}\n", [("unknown-key", 8)]),
    "pin-yaml": ("## Q\n\n- [x] a\n- [ ] b {pin: [}\n", [("yaml-syntax", 8)]),
    "tf-labels": ("## Q {type: truefalse}\n\n- [x] Yes\n- [ ] No\n", [("bad-true-false", 7)]),
    "tf-twice": ("## Q {type: truefalse}\n\n- [x] True\n- [ ] true\n", [("bad-true-false", 8)]),
    "tf-one-line": ("## Q {type: truefalse}\n\n- [x] True\n", [("bad-true-false", 5)]),
    "tf-both-marked": ("## Q {type: truefalse}\n\n- [x] True\n- [x] False\n",
                       [("too-many-correct", 5)]),
    "tf-none-marked": ("## Q {type: truefalse}\n\n- [ ] True\n- [ ] False\n",
                       [("no-correct-choice", 5)]),
    "no-blanks": ("## Q {type: fill}\n\nNo gap here.\n", [("no-blanks", 5)]),
    "empty-blank": ("## Q {type: fill}\n\nA [[cat|]].\n", [("empty-blank", 7)]),
    "duplicate-blank-answer": ("## Q {type: fill}\n\nA\n[[cat|Cat]].\n",
                               [("duplicate-answer", 8)]),
    "unclosed-blank": ("## Q {type: fill}\n\nA [[cat]] and\n[[dog.\n", [("unclosed-blank", 8)]),
    "bad-number": ("## Q {type: numeric}\n\n- eleven\n", [("bad-number", 7)]),
    "bad-number-thousands": ("## Q {type: numeric}\n\n- 159,010\n", [("bad-number", 7)]),
    "bad-number-huge": ("## Q {type: numeric}\n\n- 1e400\n", [("bad-number", 7)]),
    "bad-number-marker": ("## Q {type: numeric}\n\n- [x] 11\n", [("bad-number", 7)]),
    "bad-number-empty": ("## Q {type: numeric}\n\n- 1\n-\n", [("bad-number", 8)]),
    "bad-range": ("## Q {type: numeric}\n\n- 1\n- 12 .. 10\n", [("bad-range", 8)]),
    "bad-tolerance": ("## Q {type: numeric}\n\n- 5 +- -1\n", [("bad-tolerance", 7)]),
    "duplicate-number": ("## Q {type: numeric}\n\n- 5\n- 5.00\n- 4 .. 6\n- 5 +- 1\n",
                         [("duplicate-answer", 8), ("duplicate-answer", 10)]),
    "missing-match-arrow": ("## Q {type: matching}\n\n- a -> x\n- b -> y\n- c\n",
                            [("missing-match-arrow", 9)]),
    "missing-match": ("## Q {type: matching}\n\n- a -> x\n- b -> y\n- c ->\n",
                      [("missing-match", 9)]),
    "duplicate-premise": ("## Q {type: matching}\n\n- a -> x\n- A -> y\n- b -> z\n",
                          [("duplicate-choice", 8)]),
    "duplicate-distractor": ("## Q {type: matching}\n\n- a -> x\n- b -> y\n- -> x\n",
                             [("duplicate-choice", 9)]),
    "matching-too-few": ("## Q {type: matching}\n\n- a -> x\n- -> y\n", [("too-few-items", 5)]),
    "matching-too-many": ("## Q {type: matching}\n\n"
                          + "".join(f"- p{i} -> r{i}\n" for i in range(14)),
                          [("too-many-choices", 5)]),
    "matching-item-feedback": ("## Q {type: matching}\n\n- a -> x\n  > no\n- b -> y\n",
                               [("feedback-not-allowed", 8)]),
    "ordering-too-few": ("## Q {type: ordering}\n\n1. only\n", [("too-few-items", 5)]),
    "ordering-duplicate": ("## Q {type: ordering}\n\n1. a\n2. b\n3. A\n",
                           [("duplicate-choice", 9)]),
    "grading-on-choice": ("## Q\n\n- [x] a\n- [ ] b\n\n> Grading: x\n",
                          [("feedback-not-allowed", 10)]),
    "correct-on-essay": ("## Q {type: essay}\n\nWrite.\n\n> Correct: x\n",
                         [("feedback-not-allowed", 9)]),
    "duplicate-feedback": ("## Q\n\n- [x] a\n- [ ] b\n\n> Correct: x\n> Correct: y\n",
                           [("duplicate-feedback", 11)]),
    "empty-feedback": ("## Q\n\n- [x] a\n- [ ] b\n\n> Incorrect:\n", [("empty-feedback", 10)]),
    "empty-choice-feedback": ("## Q\n\n- [x] a\n  >\n- [ ] b\n", [("empty-feedback", 8)]),
    "misplaced-feedback": ("## Q\n\n> Correct: x\n\n- [x] a\n- [ ] b\n",
                           [("misplaced-feedback", 7)]),
    "content-after-answers": ("## Q\n\n- [x] a\n- [ ] b\n\nMore text.\n\n> Feedback: x\n",
                              [("content-after-answers", 10)]),
    "unlabelled-quote-after-answers": ("## Q\n\n- [x] a\n- [ ] b\n\n> Well done.\n",
                                       [("feedback-not-indented", 10)]),
    "empty-pool": ("# Pool\n\n## Q\n\n- [x] a\n- [ ] b\n\n# Empty\n", [("empty-pool", 12)]),
    "pool-draw-too-large": ("# P {draw: 3}\n\n## A\n\n- [x] a\n- [ ] b\n\n"
                            "## B\n\n- [x] a\n- [ ] b\n", [("pool-draw-too-large", 5)]),
    "pool-bad-draw": ("# P {draw: 0}\n\n## A\n\n- [x] a\n- [ ] b\n", [("bad-value", 5)]),
    "pool-unknown-key": ("# P {pick: 1}\n\n## A\n\n- [x] a\n- [ ] b\n", [("unknown-key", 5)]),
    "pool-points-differ": ("# P {draw: 1}\n\n## A\n\n- [x] a\n- [ ] b\n\n"
                           "## B {points: 2}\n\n- [x] a\n- [ ] b\n",
                           [("pool-points-differ", 12)]),
    "text-outside-question": ("# P\n\nStray text.\n\nMore.\n\n## A\n\n- [x] a\n- [ ] b\n",
                              [("text-outside-question", 7)]),
    "image-missing-alt": ("## Q\n\n![](img.svg)\n\n- [x] a\n- [ ] b\n",
                          [("image-missing-alt", 7), ("file-missing", 7)]),
    "external-image": ("## Q\n\n- [x] ![Logo](https://example.org/a.png)\n- [ ] b\n",
                       [("external-resource", 7)]),
    "image-outside-course": ("## Q\n\n- [x] a\n- [ ] b\n\n> Feedback: ![A](../../x.png)\n",
                             [("path-outside-course", 10)]),
    "link-in-quiz": ("## Q\n\nSee [lesson 1](lessons/01.md).\n\n- [x] a\n- [ ] b\n",
                     [("link-in-quiz", 7)]),
    "illegal-character": ("## Q\n\n- [x] a\x01\n- [ ] b\n", [("illegal-character", 7)]),
}


@pytest.mark.parametrize("case", CHECKS)
def test_check(pairs_of, case):
    body, expected = CHECKS[case]
    assert pairs_of(body) == expected


def test_several_problems_are_reported_together_in_line_order(pairs_of):
    body = ("## A\n\n- [x] a\n- [x] b\n\n"
            "## B {type: numeric}\n\n- 2 .. 1\n\n"
            "# P {draw: 5}\n\n## C {type: matching}\n\n- a -> x\n- b\n")
    assert pairs_of(body) == [
        ("too-many-correct", 8), ("bad-range", 12), ("pool-draw-too-large", 14),
        ("missing-match-arrow", 19)]


def test_diagnostics_carry_hints(diagnostics_of):
    [unknown] = diagnostics_of("## Q {type: multi}\n\n- [x] a\n- [ ] b\n")
    assert unknown.hint == "did you mean 'multiple'?"
    [key] = diagnostics_of("## Q {pionts: 2}\n\n- [x] a\n- [ ] b\n")
    assert key.message == "unknown key 'pionts' in the question settings"
    assert key.hint == "did you mean 'points'?"
    [many] = diagnostics_of("## Q\n\n- [x] a\n- [x] b\n")
    assert "{type: multiple}" in (many.hint or "")
    [merged] = diagnostics_of("## Q\n\nStem:\n- fact\n\n- [x] a\n- [ ] b\n")
    assert "'*' bullets" in (merged.hint or "")
    [thousands] = diagnostics_of("## Q {type: numeric}\n\n- 159,010\n")
    assert "thousands" in (thousands.hint or "")
    [pool] = diagnostics_of("# P {draw: 3}\n\n## A\n\n- [x] a\n- [ ] b\n")
    assert pool.message == "pool 'P' draws 3 questions but has only 1"


def test_not_utf8(tmp_path):
    path = tmp_path / "q.quiz.md"
    path.write_bytes((FM + "## Q\n\n").encode() + b"- [x] caf\xe9\n")
    with pytest.raises(SourceErrors) as info:
        load_quiz(path, tmp_path)
    assert [(d.code, d.location.line) for d in info.value.diagnostics()] == [("not-utf8", 7)]


def test_missing_file(tmp_path):
    with pytest.raises(SourceErrors) as info:
        load_quiz(tmp_path / "nope.quiz.md", tmp_path)
    assert [d.code for d in info.value.diagnostics()] == ["file-missing"]


# ------------------------------------------------------------------------------------------
# The quiz inside a course

COURSE_YAML = """\
id: test-course
title: Test course
language: en
version: "1.0.0"
lessons:
  - lessons/01-intro.md
quiz: quizzes/check.quiz.md
"""
QUIZ = "---\ntitle: Check\npassing_score: 70\n---\n\n## Q\n\n![A chart](../media/c.svg)\n\n" \
       "- [x] a\n- [ ] b\n"


def course_pairs(root: Path) -> list[tuple[str, str]]:
    with pytest.raises(ScormkitError) as info:
        load_course(root)
    return [(d.code, f"{Path(d.location.path).name}:{d.location.line}")
            for d in info.value.diagnostics() if d.location]


def test_course_loads_its_quiz(tmp_path, make_course):
    root = make_course(tmp_path, {"course.yaml": COURSE_YAML, "quizzes/check.quiz.md": QUIZ,
                                  "media/c.svg": SVG})
    course = load_course(root)
    assert course.quiz is not None and course.quiz.title == "Check"
    assert course.tracking.passing_score == 70
    assert "media/c.svg" in [a.href for a in course.assets]
    assert course.quiz.source.path.endswith("quizzes/check.quiz.md")


def test_course_yaml_passing_score_applies_to_a_quiz_without_one(tmp_path, make_course):
    yaml = COURSE_YAML + "tracking:\n  passing_score: 60\n"
    quiz = QUIZ.replace("passing_score: 70\n", "")
    course = load_course(make_course(tmp_path, {
        "course.yaml": yaml, "quizzes/check.quiz.md": quiz, "media/c.svg": SVG}))
    assert course.tracking.passing_score == course.quiz.passing_score == 60


def test_same_passing_score_in_both_places_is_fine(tmp_path, make_course):
    yaml = COURSE_YAML + "tracking:\n  passing_score: 70\n"
    course = load_course(make_course(tmp_path, {
        "course.yaml": yaml, "quizzes/check.quiz.md": QUIZ, "media/c.svg": SVG}))
    assert course.tracking.passing_score == course.quiz.passing_score == 70


def test_conflicting_passing_scores(tmp_path, make_course):
    yaml = COURSE_YAML + "tracking:\n  passing_score: 90\n"
    root = make_course(tmp_path, {"course.yaml": yaml, "quizzes/check.quiz.md": QUIZ,
                                  "media/c.svg": SVG})
    assert course_pairs(root) == [("passing-score-conflict", "course.yaml:7")]


def test_course_without_a_quiz(tmp_path, make_course):
    course = load_course(make_course(tmp_path, {}))
    assert course.quiz is None and course.tracking.passing_score is None


@pytest.mark.parametrize(("value", "code"), [
    ("quizzes/missing.quiz.md", "file-missing"),
    ("../outside.quiz.md", "path-outside-course"),
    ("quizzes/check.txt", "bad-quiz-file"),
    ("lessons/01-intro.md", "bad-quiz-file"),
    ("[a, b]", "bad-value"),
])
def test_bad_quiz_entries(tmp_path, make_course, value, code):
    yaml = COURSE_YAML.replace("quizzes/check.quiz.md", value)
    root = make_course(tmp_path, {"course.yaml": yaml, "quizzes/check.txt": "x"})
    assert course_pairs(root) == [(code, "course.yaml:7")]


def test_quiz_errors_are_reported_with_the_course_errors(tmp_path, make_course):
    yaml = COURSE_YAML.replace("title: Test course\n", "title: Test course\ncolour: red\n")
    root = make_course(tmp_path, {"course.yaml": yaml,
                                  "quizzes/check.quiz.md": QUIZ.replace("[ ] b", "[x] b")})
    assert course_pairs(root) == [
        ("unknown-key", "course.yaml:3"), ("file-missing", "check.quiz.md:8"),
        ("too-many-correct", "check.quiz.md:11")]


def test_quiz_id_must_differ_from_lesson_ids(tmp_path, make_course):
    quiz = QUIZ.replace("title: Check\n", "title: Check\nid: lesson-01-intro\n")
    root = make_course(tmp_path, {"course.yaml": COURSE_YAML, "quizzes/check.quiz.md": quiz,
                                  "media/c.svg": SVG})
    assert course_pairs(root) == [("duplicate-id", "check.quiz.md:1")]


def test_example_quiz():
    course = load_course(EXAMPLE_COURSE)
    quiz = course.quiz
    assert quiz is not None
    assert quiz.passing_score == course.tracking.passing_score == 80
    questions = quiz.all_questions()
    assert len(questions) >= 12
    assert {q.kind for q in questions} == set(QUESTION_CLASSES)
    assert any(not pool.draws_all for pool in quiz.pools)
    choices = [c for q in questions if isinstance(q, SingleChoice | MultipleResponse)
               for c in q.choices]
    assert any(c.pinned and "None of the above" in xhtml(c.text) for c in choices)
    assert any(c.feedback for c in choices)
    assert quiz.assets and set(quiz.assets) <= set(course.assets)
    # Everything but the essay (graded by a person) is enough to pass.
    essay = sum(q.points for q in questions if isinstance(q, Essay))
    assert (quiz.max_points - essay) * 100 >= quiz.max_points * quiz.passing_score


def test_every_diagnostic_code_is_documented():
    root = Path(__file__).resolve().parent.parent
    sources = "".join((root / "scormkit" / "sources" / name).read_text()
                      for name in ("quiz.py", "quiz_answers.py", "media.py", "markdown.py"))
    codes = set(re.findall(r'(?:error|Diagnostic)\(\s*"([a-z]+(?:-[a-z0-9]+)*)"', sources))
    codes |= {"missing-choices", "missing-answers", "unknown-key", "missing-key", "bad-value",
              "yaml-syntax", "passing-score-conflict", "bad-quiz-file"}
    assert len(codes) > 40
    documented = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`",
                                (root / "docs" / "quiz-format.md").read_text()))
    assert codes - documented == set()


# ------------------------------------------------------------------------------------------
# Model helpers


def test_short_ids_and_decimals():
    assert [short_id(i) for i in (0, 1, 25)] == ["a", "b", "z"]
    with pytest.raises(ValueError):
        short_id(26)
    assert [format_decimal(Decimal(x)) for x in ("11", "11.50", "1E+3", "-0.0", "0.125")] == [
        "11", "11.5", "1000", "0", "0.125"]


# ------------------------------------------------------------------------------------------
# Property: arbitrary text is a Quiz or a clean ScormkitError, never a crash

FRAGMENTS = [
    "---", "title: Q", "id: q", "passing_score: 80", "shuffle: true", "", "", "# Pool {draw: 2}",
    "## Question", "## Q {type: fill}", "## Q {type: numeric}", "## Q {type: matching}",
    "## Q {type: ordering}", "## Q {type: truefalse}", "## Q {type: essay}",
    "## Q {type: multiple, partial}", "## {id: x}", "## Q {points: 2.5}", "- [x] right",
    "- [ ] wrong {pin}", "- [X]", "- True", "- [ ] False", "  > feedback", "> Correct: yes",
    "> Incorrect: no", "> Feedback:", "> Grading: notes", ">", "1. first", "2. second",
    "- a -> b", "- -> c", "- 11 +- 0.5", "- 10 .. 12", "- 1e999", "Text [[a|b]] more [[",
    "![alt](media/x.png)", "[link](x.md)", "```", "    code", "| a | b |", "|---|---|",
    "::: note", ":::", "***", "Setext", "===", "- - nested", "  - [x] deep", "{", "}",
    "\\{pin}", "<b>html</b>", "[[x]]", "# ", "##", "- [x] a {pin: [}", "\t- tab",
]


@st.composite
def quiz_like_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
                          max_size=40))
    if draw(st.booleans()):
        lines = ["---", "title: Q", "---", "", *lines]
    return "\n".join(lines)


def parse_or_raise(text: str, root: Path) -> Quiz:
    errors: list[Diagnostic] = []
    quiz = parse_quiz(text, "quizzes/q.quiz.md", root, errors)
    if errors:
        raise SourceErrors(errors)
    assert quiz is not None
    return quiz


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    write(root, SVG, "media/x.png")
    return root


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(), quiz_like_text()))
def test_arbitrary_text_never_crashes(fuzz_root, text):
    try:
        quiz = parse_or_raise(text, fuzz_root)
    except ScormkitError as exc:
        for diagnostic in exc.diagnostics():
            assert diagnostic.location is not None and diagnostic.location.path
    else:
        assert isinstance(quiz, Quiz)


# ------------------------------------------------------------------------------------------
# Property: model -> source (test-only printer) -> model


def print_quiz(quiz: Quiz) -> str:
    """Write *quiz* in the quiz format (test-only; content comes from `inline_md`)."""
    out = ["---", f"id: {scalar(quiz.id)}", f"title: {json.dumps(quiz.title)}"]
    if quiz.passing_score is not None:
        out.append(f"passing_score: {quiz.passing_score}")
    if quiz.max_attempts is not None:
        out.append(f"attempts: {quiz.max_attempts}")
    if quiz.time_limit is not None:
        out.append(f"time_limit: {quiz.time_limit}")
    out += ["---", ""]
    if quiz.intro:
        out += [SOURCE[quiz.intro], ""]
    for item in quiz.items:
        if isinstance(item, Pool):
            out += [f"# {item.title} {{id: {scalar(item.id)}, draw: {item.draw}}}", ""]
            for question in item.questions:
                out += print_question(question)
        else:
            out += print_question(item)
    return "\n".join(out) + "\n"


def scalar(text: str) -> str:
    """*text* as a YAML scalar: quoted only when YAML would read it as something else."""
    return text if yaml.safe_load(text) == text else json.dumps(text)


def print_question(q: Question) -> list[str]:
    settings = [f"id: {scalar(q.id)}", f"points: {format_decimal(q.points)}"]
    if q.kind != "single":
        settings.append(f"type: {q.kind}")
    if isinstance(q, SingleChoice | MultipleResponse | Matching):
        settings.append(f"shuffle: {str(q.shuffle).lower()}")
    if isinstance(q, MultipleResponse | Matching | FillInBlank) and q.partial_credit:
        settings.append("partial")
    if isinstance(q, FillInBlank):
        settings.append(f"case: {str(q.case_sensitive).lower()}")
    out = [f"## {q.title} {{{', '.join(settings)}}}", ""]
    # A fill-in prompt's source has its [[blanks]]: two questions can share a prompt (the
    # same text, the same slots) with other answers, so it is looked up with the blanks.
    out += [FILL_SOURCE[(q.prompt, q.blanks)] if isinstance(q, FillInBlank)
            else SOURCE[q.prompt], ""]

    def feedback(content: Content) -> list[str]:
        return [f"  > {SOURCE[content]}"] if content else []

    match q:
        case SingleChoice() | MultipleResponse():
            for c in q.choices:
                pin = " {pin}" if c.pinned else ""
                out += [f"- [{'x' if c.correct else ' '}] {SOURCE[c.text]}{pin}",
                        *feedback(c.feedback)]
        case TrueFalse():
            out += [f"- [{'x' if q.answer else ' '}] True", *feedback(q.true_feedback),
                    f"- [{' ' if q.answer else 'x'}] False", *feedback(q.false_feedback)]
        case Numeric():
            for a in q.answers:
                if a.kind == "range":
                    text = f"{format_decimal(a.low)} .. {format_decimal(a.high)}"
                elif a.kind == "tolerance":
                    assert a.value is not None and a.tolerance is not None
                    text = f"{format_decimal(a.value)} +- {format_decimal(a.tolerance)}"
                else:
                    assert a.value is not None
                    text = format_decimal(a.value)
                out += [f"- {text}", *feedback(a.feedback)]
        case Matching():
            for pair in q.pairs:
                out.append(f"- {SOURCE[pair.premise.text]} -> "
                           f"{SOURCE[pair.response.text]}")
            out += [f"- -> {SOURCE[d.text]}" for d in q.distractors]
        case Ordering():
            out += [f"{n}. {SOURCE[item.text]}" for n, item in enumerate(q.items, 1)]
        case Essay():
            pass
    out.append("")
    labels = [("Correct", q.feedback.correct), ("Incorrect", q.feedback.incorrect),
              ("Feedback", q.feedback.general)]
    if isinstance(q, Essay):
        labels.append(("Grading", q.grading))
    lines = [f"> {label}: {SOURCE[content]}" for label, content in labels if content]
    return out + (lines + [""] if lines else [])


SOURCE: dict[Content, str] = {}
FILL_SOURCE: dict[tuple[Content, tuple[Blank, ...]], str] = {}
"""A fill-in prompt's Markdown, by the prompt and its blanks (the prompt alone is ambiguous)."""
"""Content -> the Markdown it was generated from (filled by the strategies)."""

_WORD = st.text(alphabet=string.ascii_letters, min_size=1, max_size=7)


@st.composite
def inline_md(draw: st.DrawFn) -> Content:
    """Inline Markdown and its content: words, some emphasised or in code; returns the
    content (the Markdown is remembered in SOURCE)."""
    words = draw(st.lists(st.tuples(_WORD, st.sampled_from(["", "*", "`"])), min_size=1,
                          max_size=5))
    md = " ".join(f"{mark}{word}{mark}" for word, mark in words)
    nodes: list[str | Element] = []
    for index, (word, mark) in enumerate(words):
        nodes += [" "] if index else []
        nodes.append({"": word, "*": Element("em", (), (word,)),
                      "`": Element("code", (), (word,))}[mark])
    content = Content(tuple(nodes))
    SOURCE[content] = md
    return content


@st.composite
def block_md(draw: st.DrawFn) -> Content:
    inline = draw(inline_md())
    block = Content.of(Element("p", (), inline.nodes), "\n")
    SOURCE[block] = SOURCE[inline]
    return block


def maybe_block(draw: st.DrawFn) -> Content:
    return draw(st.one_of(st.just(EMPTY), block_md()))


def unique_inline(draw: st.DrawFn, low: int, high: int) -> list[Content]:
    return draw(st.lists(inline_md(), min_size=low, max_size=high,
                         unique_by=lambda c: " ".join(xhtml(c).split()).casefold()))


_PLAIN = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_NUMBER = st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False,
                      allow_infinity=False)


@st.composite
def question(draw: st.DrawFn, qid: str, points: Decimal | None = None) -> Question:
    kind = draw(st.sampled_from(sorted(QUESTION_CLASSES)))
    fb = Feedback(maybe_block(draw), maybe_block(draw), maybe_block(draw))
    if kind == "essay":
        fb = Feedback(general=maybe_block(draw))
    common = {"id": qid, "title": draw(_PLAIN), "prompt": draw(block_md()),
              "points": points if points is not None else Decimal(draw(st.integers(1, 9))),
              "feedback": fb, "source": None}
    loc = None
    if kind in ("single", "multiple"):
        texts = unique_inline(draw, 2, 6)
        if kind == "single":
            correct = {draw(st.integers(0, len(texts) - 1))}
        else:
            correct = set(draw(st.lists(st.integers(0, len(texts) - 1), min_size=1)))
        choices = tuple(Choice(short_id(i), t, i in correct, draw(st.booleans()),
                               maybe_block(draw), loc) for i, t in enumerate(texts))
        if kind == "single":
            return SingleChoice(**common, choices=choices, shuffle=draw(st.booleans()))
        return MultipleResponse(**common, choices=choices, shuffle=draw(st.booleans()),
                                partial_credit=draw(st.booleans()))
    if kind == "truefalse":
        return TrueFalse(**common, answer=draw(st.booleans()),
                         true_feedback=maybe_block(draw),
                         false_feedback=maybe_block(draw))
    if kind == "fill":
        case = draw(st.booleans())
        count = draw(st.integers(1, 3))
        blanks = []
        for n in range(1, count + 1):
            answers = draw(st.lists(_PLAIN, min_size=1, max_size=3,
                                    unique_by=(lambda a: a) if case else str.casefold))
            blanks.append(Blank(f"b{n}", tuple(answers), loc))
        pieces: list[Content | Blank] = [draw(inline_md())]
        for blank in blanks:
            pieces += [blank, draw(inline_md())]
        md = " ".join(SOURCE[p] if isinstance(p, Content) else f"[[{'|'.join(p.answers)}]]"
                      for p in pieces)
        nodes: list = []
        for index, piece in enumerate(pieces):
            nodes += [" "] if index else []
            nodes += piece.nodes if isinstance(piece, Content) else [BlankSlot(piece.id)]
        prompt = Content.of(Element("p", (), tuple(nodes)), "\n")
        FILL_SOURCE[(prompt, tuple(blanks))] = md
        return FillInBlank(**{**common, "prompt": prompt}, blanks=tuple(blanks),
                           case_sensitive=case, partial_credit=draw(st.booleans()))
    if kind == "numeric":
        answers: list[NumericAnswer] = []
        for _ in range(draw(st.integers(1, 3))):
            style = draw(st.sampled_from(["exact", "tolerance", "range"]))
            a, b = draw(_NUMBER), draw(_NUMBER)
            if style == "exact":
                answer = NumericAnswer(a, a, a, None, maybe_block(draw), loc)
            elif style == "tolerance":
                answer = NumericAnswer(a - abs(b), a + abs(b), a, abs(b), maybe_block(draw), loc)
            else:
                answer = NumericAnswer(min(a, b), max(a, b), None, None, maybe_block(draw), loc)
            if all((x.low, x.high) != (answer.low, answer.high) for x in answers):
                answers.append(answer)
        return Numeric(**common, answers=tuple(answers))
    if kind == "matching":
        premises = unique_inline(draw, 2, 5)
        responses = unique_inline(draw, 1, 5)
        targets = [draw(st.integers(0, len(responses) - 1)) for _ in premises]
        extra = [r for i, r in enumerate(responses) if i not in targets]
        extra = extra[:draw(st.integers(0, len(extra)))]
        items: dict[int, MatchItem] = {}
        pairs = []
        for index, (text, target) in enumerate(zip(premises, targets, strict=True)):
            if target not in items:
                items[target] = MatchItem(short_id(len(premises) + len(items)),
                                          responses[target], loc)
            pairs.append(MatchPair(MatchItem(short_id(index), text, loc), items[target]))
        distractors = tuple(MatchItem(short_id(len(premises) + len(items) + i), text, loc)
                            for i, text in enumerate(extra))
        return Matching(**common, pairs=tuple(pairs), distractors=distractors,
                        shuffle=draw(st.booleans()), partial_credit=draw(st.booleans()))
    if kind == "ordering":
        return Ordering(**common, items=tuple(OrderItem(short_id(i), t, loc)
                                              for i, t in enumerate(unique_inline(draw, 2, 6))))
    return Essay(**common, grading=maybe_block(draw))


@st.composite
def quizzes(draw: st.DrawFn) -> Quiz:
    ids = iter(draw(st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True),
                             min_size=12, max_size=12, unique=True)))
    items: list[Question | Pool] = [draw(question(next(ids)))
                                    for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(0 if items else 1, 2))):
        pool_id = next(ids)
        size = draw(st.integers(1, 3))
        draw_count = draw(st.integers(1, size))
        shared = Decimal(draw(st.integers(1, 5))) if draw_count < size else None
        members = tuple(draw(question(next(ids), shared)) for _ in range(size))
        items.append(Pool(pool_id, draw(_PLAIN), draw_count, members, None))
    return Quiz(
        id=next(ids), slug="q", title=draw(_PLAIN),
        intro=maybe_block(draw), items=tuple(items),
        passing_score=draw(st.none() | st.integers(0, 100)),
        max_attempts=draw(st.none() | st.integers(1, 10)),
        time_limit=draw(st.none() | st.integers(1, 120)),
        assets=(), source=None,
    )


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(quiz=quizzes())
def test_round_trip(fuzz_root, quiz):
    text = print_quiz(quiz)
    try:
        parsed = parse_or_raise(text, fuzz_root)
    except ScormkitError as exc:  # pragma: no cover - shows the source on failure
        raise AssertionError(f"{exc}\n---\n{text}") from None
    assert parsed == quiz, text


def test_printer_output_is_the_documented_format():
    """The printer writes what docs/quiz-format.md shows (a sanity check of the test tool)."""
    prompt = Content.of(Element("p", (), ("Pick one.",)), "\n")
    a, b = Content.of("A"), Content.of("B")
    SOURCE.update({prompt: "Pick one.", a: "A", b: "B"})
    q = SingleChoice("pick", "Pick", prompt, Decimal(1), Feedback(), (
        Choice("a", a, True, False, EMPTY, None), Choice("b", b, False, True, EMPTY, None)),
        False, None)
    assert print_question(q) == [
        "## Pick {id: pick, points: 1, shuffle: false}", "", "Pick one.", "", "- [x] A",
        "- [ ] B {pin}", ""]
