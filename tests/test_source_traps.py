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
