"""Text reaches every target as the author wrote it (issue 13): no-break spaces (U+00A0),
the narrow no-break space of French typography (U+202F) and thin spaces (U+2009) in titles,
choices and lesson text are kept in all nine targets, never made plain spaces."""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pytest

from scormkit.build import BuildResult, build
from scormkit.writers import WRITERS

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"
COURSE_TITLE = f"Cours{NBSP}: l{NNBSP}’essentiel"
LESSON_TITLE = f"Étape{NBSP}finale{THIN}!"
QUIZ_TITLE = f"Quiz{NBSP}:{NNBSP}bilan"
QUESTION_TITLE = f"Combien{NNBSP}?"
CHOICE = f"10{THIN}000{NBSP}€"
BODY = f"«{NNBSP}Bonjour{NNBSP}»"

COURSE = f"""\
id: t
title: "{COURSE_TITLE}"
language: fr
version: "1.0.0"
lessons:
  - lessons/01.md
quiz: quiz.quiz.md
"""
# Which of the texts each target carries (a question bank has no lesson; every target
# has the course or quiz title somewhere).
LESSON_TARGETS = {"scorm12", "scorm2004", "cmi5", "cc11", "cc13"}


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, str]:
    from .conftest import write_course

    where = tmp_path_factory.mktemp("nbsp")
    root = write_course(where / "course", {
        "course.yaml": COURSE,
        "lessons/01.md": f"---\ntitle: \"{LESSON_TITLE}\"\n---\n\n{BODY}\n",
        "quiz.quiz.md": f"---\ntitle: \"{QUIZ_TITLE}\"\n---\n\n## {QUESTION_TITLE}\n\n"
                        f"- [x] {CHOICE}\n- [ ] 12\n",
    })
    outcomes = build(root, sorted(WRITERS), where / "dist")
    texts: dict[str, str] = {}
    for outcome in outcomes:
        assert isinstance(outcome, BuildResult), outcome
        path = Path(outcome.path)
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                texts[outcome.target] = "\n".join(
                    html.unescape(archive.read(name).decode("utf-8"))
                    for name in archive.namelist()
                    if name.endswith((".xml", ".html", ".js", ".json", ".css")))
        else:
            texts[outcome.target] = html.unescape(path.read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize("target", sorted(WRITERS))
def test_typographic_spaces_reach_every_target(packages, target):
    text = packages[target]
    expected = [QUESTION_TITLE, CHOICE]
    expected += [COURSE_TITLE, LESSON_TITLE, BODY] if target in LESSON_TARGETS else []
    expected += [QUIZ_TITLE] if target not in ("moodlexml",) else []
    for value in expected:
        assert value in text, (target, value)
    for value in expected:
        # No plain-space copy of the same text anywhere (a title made plain in one field).
        flattened = value.replace(NBSP, " ").replace(NNBSP, " ").replace(THIN, " ")
        assert flattened not in text, (target, flattened)
