"""The source format without silent traps (issue 13): every case that used to build with exit
0 while showing learners something else than the author wrote, or that was diagnosed at the
wrong place or in misleading words, with the exact message it gets now."""

from __future__ import annotations

import pytest

from scormkit.errors import Diagnostic, ScormkitError
from scormkit.sources import load_course

COURSE_YAML = """\
id: test-course
title: Test course
language: en
version: "1.0.0"
lessons:
  - lessons/01-intro.md
"""
QUIZ_COURSE_YAML = COURSE_YAML + "quiz: quiz.quiz.md\n"
FM = "---\ntitle: Lesson\n---\n\n"  # a lesson's body starts on line 5
QUIZ_FM = "---\ntitle: Quiz\n---\n\n"
LESSON = "lessons/01-intro.md"


@pytest.fixture
def diagnose(tmp_path, make_course):
    """diagnose(lesson body, quiz body=None) -> the diagnostics of a course that must fail."""

    def run(body: str, quiz: str | None = None) -> list[Diagnostic]:
        files = {"course.yaml": COURSE_YAML if quiz is None else QUIZ_COURSE_YAML,
                 LESSON: FM + body}
        if quiz is not None:
            files["quiz.quiz.md"] = QUIZ_FM + quiz
        with pytest.raises(ScormkitError) as info:
            load_course(make_course(tmp_path, files))
        return info.value.diagnostics()

    return run


def at(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    """(code, "path:line") of each diagnostic, the path relative to the course folder."""
    return [(d.code, str(d.location).split("/course/", 1)[-1]) for d in diagnostics]


# --- containers ------------------------------------------------------------------------------

def test_unclosed_callout_is_located_at_its_opening_fence(diagnose):
    [d] = diagnose("Intro.\n\n::: tip Remember\nInside.\n\n## Later section\n\nMore.\n")
    assert at([d]) == [("unclosed-container", "lessons/01-intro.md:7")]
    assert d.message == ("'::: tip Remember' at line 7 is never closed: everything after it "
                         "would go inside it")
    assert d.hint == "end it with a line holding only ':::' where it should stop"


def test_unclosed_callout_in_a_list_item_and_in_a_quote(diagnose):
    found = diagnose("- item\n\n  ::: note\n  text\n- next\n\n> ::: warning\n> quoted\n")
    assert at(found) == [("unclosed-container", "lessons/01-intro.md:7"),
                         ("unclosed-container", "lessons/01-intro.md:11")]


def test_unclosed_check_is_located(diagnose):
    found = diagnose("::: check Pick one\n- [x] Yes\n- [ ] No\n")
    assert ("unclosed-container", "lessons/01-intro.md:5") in at(found)


def test_unknown_container_kind_names_the_kinds_and_guesses(diagnose):
    [d] = diagnose("Text.\n\n::: caution\nHot.\n:::\n")
    assert at([d]) == [("unknown-container", "lessons/01-intro.md:7")]
    assert d.message == ("unknown container kind 'caution': learners would see the ':::' "
                         "line as text")
    assert d.hint == ("did you mean '::: warning'? the kinds are: '::: note', '::: tip', "
                      "'::: warning', '::: check'")


def test_unknown_kind_with_a_title_and_never_closed(diagnose):
    # As an author appends it: a titled callout of a kind we do not have, at the file's end.
    found = diagnose("Text.\n\n::: caution Careful\nHot.\n")
    assert at(found) == [("unknown-container", "lessons/01-intro.md:7")]
    assert found[0].hint.startswith("did you mean '::: warning'?")


@pytest.mark.parametrize(("kind", "guess"), [("Note", "note"), ("tipp", "tip"),
                                             ("info", "note"), ("warnings", "warning")])
def test_unknown_kind_did_you_mean(diagnose, kind, guess):
    [d] = diagnose(f"::: {kind}\nx\n:::\n")
    assert d.code == "unknown-container"
    assert d.hint.startswith(f"did you mean '::: {guess}'?")


def test_unknown_kind_without_a_near_one_lists_the_kinds(diagnose):
    [d] = diagnose("::: sidebar\nx\n:::\n")
    assert d.hint == "the kinds are: '::: note', '::: tip', '::: warning', '::: check'"


def test_a_closing_fence_that_closes_nothing(diagnose):
    [d] = diagnose("::: note\nx\n:::\n\nText\n:::\n")
    assert at([d]) == [("stray-container-end", "lessons/01-intro.md:10")]


def test_quiz_containers_are_checked_too(diagnose):
    found = diagnose("Fine.\n", quiz="## Q\n\n::: danger\nx\n:::\n\n- [x] a\n- [ ] b\n")
    assert at(found) == [("unknown-container", "quiz.quiz.md:7")]
    assert found[0].hint == ("did you mean '::: warning'? the kinds are: '::: note', "
                             "'::: tip', '::: warning'")


def test_closed_callouts_still_build(tmp_path, make_course):
    course = load_course(make_course(tmp_path, {
        "course.yaml": COURSE_YAML,
        LESSON: FM + "::: note\nA\n:::\n\n- item\n\n  ::: tip\n  B\n  :::\n\n"
                     ":::: warning\nC\n::::\n",
    }))
    assert course.lessons[0].body


# --- exact diagnoses -------------------------------------------------------------------------

def test_box_glued_to_the_text_says_a_space_is_missing(diagnose):
    [d] = diagnose("x\n", quiz="## Q\n\n- [x]Paris\n- [ ] Lyon\n")
    assert at([d]) == [("choice-marker-space", "quiz.quiz.md:7")]
    assert d.message == "a space is missing after '[x]'"
    assert d.hint == "put a space between the box and the text: '- [x] Paris'"


@pytest.mark.parametrize("bullet", ["*", "+"])
def test_star_and_plus_bullets_are_choices_as_in_commonmark(tmp_path, make_course, bullet):
    course = load_course(make_course(tmp_path, {
        "course.yaml": QUIZ_COURSE_YAML, LESSON: FM + "x\n",
        "quiz.quiz.md": QUIZ_FM + f"## Q\n\n{bullet} [x] Paris\n{bullet} [ ] Lyon\n"}))
    [question] = course.quiz.items
    assert [c.correct for c in question.choices] == [True, False]


def test_a_change_of_bullet_is_diagnosed_at_its_line(diagnose):
    [d] = diagnose("x\n", quiz="## Q\n\n- [x] Paris\n- [ ] Lyon\n* [ ] Nice\n")
    assert at([d]) == [("answer-list-split", "quiz.quiz.md:9")]
    assert d.message == "this line starts a new list: its bullet '*' is not the '-' of the " \
        "lines above"
    assert d.hint.startswith("use '-' for every line of the answer list")


def test_a_star_list_in_the_question_text_still_separates_from_the_choices(tmp_path,
                                                                            make_course):
    course = load_course(make_course(tmp_path, {
        "course.yaml": QUIZ_COURSE_YAML, LESSON: FM + "x\n",
        "quiz.quiz.md": QUIZ_FM + "## Q\n\nWhich?\n\n* one\n* two\n- [x] a\n- [ ] b\n"}))
    assert len(course.quiz.items[0].choices) == 2


@pytest.mark.parametrize(("quiz", "line"), [
    ("## Q\n\n- [x] Paris\n> Yes, the capital.\n- [ ] Lyon\n", 8),
    ("## Q\n\n- [x] Paris\n\n> Yes, the capital.\n\n- [ ] Lyon\n", 9),
    ("## Q\n\n- [x] Paris\n- [ ] Lyon\n> No, Lyon is not.\n", 9),
])
def test_dedented_choice_feedback_says_indent_it(diagnose, quiz, line):
    [d] = diagnose("x\n", quiz=quiz)
    assert at([d]) == [("feedback-not-indented", f"quiz.quiz.md:{line}")]
    assert d.message == "this quote is not indented under a choice, so it ends the answer list"
    assert d.hint.startswith("indent it under the choice it belongs to")


def test_indented_choice_feedback_still_reads(tmp_path, make_course):
    course = load_course(make_course(tmp_path, {
        "course.yaml": QUIZ_COURSE_YAML, LESSON: FM + "x\n",
        "quiz.quiz.md": QUIZ_FM + "## Q\n\n- [x] Paris\n  > Yes.\n- [ ] Lyon\n"}))
    assert course.quiz.items[0].choices[0].feedback.plain_text().strip() == "Yes."


@pytest.mark.parametrize(("data", "message"), [
    ((FM + "Caf\xe9\n").encode("latin-1"),
     "the file is not UTF-8: invalid byte 0xE9 at offset 26 (line 5, column 4)"),
    (b"\xef\xbb\xbf" + (FM + "\xe9t\xe9 \x9b\n").encode("utf-8").replace(b"\xc2\x9b", b"\x9b"),
     "the file is not UTF-8: invalid byte 0x9B at offset 32 (line 5, column 5)"),
])
def test_not_utf8_names_the_byte_its_offset_line_and_column(tmp_path, make_course, data,
                                                            message):
    root = make_course(tmp_path, {"course.yaml": COURSE_YAML, LESSON: data})
    with pytest.raises(ScormkitError) as info:
        load_course(root)
    [d] = info.value.diagnostics()
    assert (d.code, d.message) == ("not-utf8", message)
    assert d.location.line == 5
    assert d.hint.startswith("save the file as UTF-8")
