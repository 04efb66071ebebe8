"""Inline "check your understanding" questions in lessons (scormkit.sources.checks): the
source syntax, its errors with file and line, and how checks reach the pages and nothing else
(no quiz export, no tracking, their script only where a page shows one)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from scormkit.build import build_package
from scormkit.errors import ScormkitError
from scormkit.model import Check
from scormkit.questions import SingleChoice
from scormkit.sources import load_course
from scormkit.writers import web
from scormkit.writers.base import WriterOptions

from .conftest import EXAMPLE_COURSE

LESSON = """\
---
title: Checks
---

Some text before.

::: check Which hat fits? {id: hat}
A capable team has lost heart. Which style helps?

- [ ] The drill sergeant
  > Pressure makes it worse.
- [x] The coach

> Feedback: Encouragement is the coach's job.
:::

Text between.

::: check {type: truefalse}
Projects finish on time when scope keeps growing.

- [ ] True
- [x] False
:::

Text after.
"""


def lesson_with(body: str) -> dict[str, str]:
    return {"lessons/01-checks.md": body}


def diagnostics(make_course, tmp_path, body: str) -> list[tuple[str, int | None, str]]:
    root = make_course(tmp_path, lesson_with(body))
    with pytest.raises(ScormkitError) as info:
        load_course(root)
    return [(d.code, d.location.line if d.location else None, d.message)
            for d in info.value.diagnostics()]


def test_checks_are_read_in_place(make_course, tmp_path) -> None:
    course = load_course(make_course(tmp_path, lesson_with(LESSON)))
    (lesson,) = course.lessons
    kinds = [type(part).__name__ for part in lesson.parts]
    assert kinds == ["Content", "Check", "Content", "Check", "Content"]
    first, second = lesson.checks
    assert isinstance(first.question, SingleChoice)
    assert (first.question.id, first.question.title, first.titled) == ("hat", "Which hat fits?",
                                                                       True)
    assert [c.correct for c in first.question.choices] == [False, True]
    assert first.question.choices[0].feedback.plain_text() == "Pressure makes it worse."
    assert first.source.line == 7
    # Without a title or an id: "check-<n>" (its position in the lesson), no title shown.
    assert (second.question.id, second.question.kind, second.titled) == (
        "check-2", "truefalse", False)
    # The body keeps the lesson's text and none of the checks' (it is what other consumers
    # of a lesson read); the course's quiz knows nothing of them.
    text = lesson.body.plain_text()
    assert "Text between." in text and "capable team" not in text
    assert course.quiz is None


@pytest.mark.parametrize(("body", "code", "line"), [
    # The quiz reader's own errors, at the line in the lesson file.
    ("::: check Two right {id: two}\nStem.\n\n- [x] A\n- [x] B\n:::\n", "too-many-correct", 9),
    ("::: check No answers\nJust a stem.\n:::\n", "missing-choices", 5),
    ("::: check Scored {points: 2}\nStem.\n\n- [x] A\n- [ ] B\n:::\n", "check-setting", 5),
    ("::: check Shuffled {shuffle}\nStem.\n\n- [x] A\n- [ ] B\n:::\n", "check-setting", 5),
    ("::: check Essay {type: essay}\nWrite.\n:::\n", "check-type", 5),
    ("::: check Order {type: ordering}\nSort.\n\n1. A\n2. B\n:::\n", "check-type", 5),
    ("::: check Two\nStem.\n\n- [x] A\n- [ ] B\n\n## Another\n\n- [x] C\n- [ ] D\n:::\n",
     "check-one-question", 5),
    ("- item\n\n  ::: check Nested\n  Stem.\n\n  - [x] A\n  - [ ] B\n  :::\n",
     "check-not-top-level", 7),
    ("::: check Same {id: a}\nS.\n\n- [x] A\n- [ ] B\n:::\n\n"
     "::: check Same {id: a}\nS.\n\n- [x] A\n- [ ] B\n:::\n", "duplicate-id", 12),
])
def test_check_errors_name_the_lesson_line(make_course, tmp_path, body, code, line) -> None:
    found = diagnostics(make_course, tmp_path, "---\ntitle: T\n---\n\n" + body)
    assert (code, line) in [(c, n) for c, n, _ in found], found


def test_example_course_has_a_check() -> None:
    course = load_course(EXAMPLE_COURSE)
    checks = [(lesson.id, check) for lesson in course.lessons for check in lesson.checks]
    assert len(checks) == 1
    lesson_id, check = checks[0]
    assert isinstance(check, Check) and check.question.id == "which-hat"
    assert lesson_id == "lesson-02-how-the-work-gets-done"
    # Not part of the graded quiz.
    assert "which-hat" not in {q.id for q in course.quiz.all_questions()}


def page_root(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_single_page_renders_the_check_with_the_quiz_markup() -> None:
    course = load_course(EXAMPLE_COURSE)
    root = page_root(web.single_page(course, "scorm12"))
    (check,) = root.xpath("//div[@class='sk-check']")
    section = check.xpath("ancestor::section[1]/@id")
    assert section == ["lesson-02-how-the-work-gets-done"]
    (fieldset,) = check.xpath("fieldset")
    assert fieldset.get("id") == "skc-lesson-02-how-the-work-gets-done-which-hat"
    assert "".join(fieldset.xpath("legend//text()")) == (
        "Check your understanding: Which hat fits?")
    assert fieldset.xpath(".//input[@type='radio']/@value") == ["a", "b",
                                                                                     "c"]
    data = json.loads(check.xpath("script/text()")[0])
    assert data["correct"] == ["b"] and data["strings"]["correct"] == "Correct"
    # The buttons need the script; the question itself is readable without it.
    assert check.xpath("div[@class='sk-check-actions']/@hidden")
    scripts = root.xpath("//head/script/@src")
    assert scripts[-1] == "scormkit/checks.js"
    assert "scormkit/quiz.css" in root.xpath("//link/@href")
    # The runtime config (what the tracker tracks) does not mention checks.
    config = root.xpath("//script[@id='scormkit-config']/text()")[0]
    assert "which-hat" not in config


def test_checks_js_only_where_a_page_shows_a_check(tmp_path) -> None:
    course = load_course(EXAMPLE_COURSE)
    result = build_package(course, target="cc13", out_dir=tmp_path,
                           options=WriterOptions())
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
        assert {"scormkit/checks.js", "scormkit/quiz.css"} <= names
        assert "scormkit/quiz.js" not in names, "a cartridge's quiz is QTI, not a page"
        for name in sorted(n for n in names if n.startswith("lessons/")):
            page = archive.read(name)
            has_check = b'class="sk-check"' in page
            assert (b"checks.js" in page) == has_check, name
            assert has_check == name.endswith("02-how-the-work-gets-done.html"), name


def test_no_checks_no_checks_js(make_course, tmp_path) -> None:
    course = load_course(make_course(tmp_path))
    files = web.shared_files(course, "scorm12", quiz_pages=True)
    assert not any(name.endswith(("checks.js", "quiz.css")) for name in files)


def test_checks_never_reach_quiz_exports(tmp_path) -> None:
    course = load_course(EXAMPLE_COURSE)
    for target in ("qti21", "moodlexml"):
        result = build_package(course, target=target, out_dir=tmp_path / target,
                               options=WriterOptions())
        if result.path.suffix == ".xml":  # moodlexml: the question file itself
            assert b"which-hat" not in result.path.read_bytes()
            continue
        with zipfile.ZipFile(result.path) as archive:
            for name in archive.namelist():
                assert b"which-hat" not in archive.read(name), (target, name)


def test_docs_describe_the_check_syntax() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "quiz-format.md").read_text()
    assert "::: check" in docs and "not graded" in docs.lower()
