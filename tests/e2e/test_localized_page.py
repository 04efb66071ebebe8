"""A French course in Chromium without an LMS: what the runtime writes is in French.

The package is built here from a copy of the example course with ``language: fr`` and served
next to the session's other packages (tests/e2e/conftest.py)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from scormkit import ui_strings

from .conftest import COURSE_DIR, Site, _unpack
from .quizdriver import open_quiz, start, state_of, wait_ready

FR = ui_strings.CATALOG["fr"]
VISIBLE = "section.sk-lesson:not([hidden])"


@pytest.fixture(scope="module")
def french(server: Site, tmp_path_factory: pytest.TempPathFactory) -> str:
    from scormkit.build import build_package
    from scormkit.sources import load_course
    from scormkit.writers.base import WriterOptions

    work = tmp_path_factory.mktemp("french")
    source = shutil.copytree(COURSE_DIR, work / "course")
    yaml = source / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("\nlanguage: en\n",
                                                             "\nlanguage: fr\n"),
                    encoding="utf-8")
    result = build_package(load_course(source), target="scorm12", out_dir=work / "out",
                           options=WriterOptions())
    _unpack(result.path, server.root / "fr")
    return "/fr/index.html"


def _text(page: Any, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_french_page_without_lms(page, server, network, french) -> None:
    page.goto(server.url(french))
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert _text(page, "#scormkit-connection") == FR["runtime.noLms"]
    lessons = page.eval_on_selector_all("section.sk-lesson[id]:not(.sk-quiz)",
                                        "els => els.map(e => e.id)")
    total = len(lessons)
    assert _text(page, "#scormkit-progress") == f"Progression : 1 sur {total} leçons consultées."
    # The pager the runtime reveals: "Suivant : <title of the next lesson>".
    next_button = page.locator(f"{VISIBLE} .sk-next")
    assert next_button.is_visible()
    assert next_button.inner_text().startswith(FR["page.next"] + FR["page.title_separator"])
    assert "Next" not in next_button.inner_text()
    next_button.click()
    assert _text(page, f"{VISIBLE} .sk-prev").startswith(FR["page.previous"])
    assert _text(page, "#scormkit-progress") == f"Progression : 2 sur {total} leçons consultées."
    # The viewed marker in the lesson list (visually hidden, read by screen readers).
    assert page.eval_on_selector(".sk-nav-link.sk-viewed .sk-viewed-marker",
                                 "el => el.textContent") == FR["runtime.viewed"]

    # quiz.js: attempt line, question numbers, and the warning about unanswered questions.
    open_quiz(page.main_frame)
    wait_ready(page.main_frame)
    assert _text(page, ".sk-quiz-attempt") == "Tentative 1 sur 3."
    assert _text(page, ".sk-quiz-start-button") == FR["quiz.start"]
    start(page.main_frame)
    count = len(state_of(page.main_frame)["presented"])
    numbers = page.eval_on_selector_all(".sk-quiz .sk-question:not([hidden]) .sk-q-number",
                                        "els => els.map(e => e.textContent)")
    assert numbers[0] == f"Question 1 sur {count}"
    page.locator(".sk-quiz-submit").click()
    assert _text(page, ".sk-quiz-submit") == "Envoyer quand même"
    assert _text(page, ".sk-quiz-warning").startswith("Les questions 1, 2")
    assert _text(page, ".sk-quiz-warning").endswith("ou appuyez sur Envoyer quand même.")
    page.locator(".sk-quiz-submit").click()
    page.wait_for_selector(".sk-quiz-result:not([hidden])")
    assert _text(page, ".sk-quiz-score").startswith("Votre score : 0 % (0 sur ")
    assert _text(page, ".sk-quiz-verdict") == (
        "Vous n’avez pas atteint le score de réussite de 80 %.")
    assert _text(page, ".sk-quiz-note").endswith("Vous pouvez réessayer : il reste 2 tentatives.")
    result = _text(page, ".sk-quiz .sk-question:not([hidden]) .sk-q-result")
    assert result.startswith("Sans réponse : 0 sur ")
    network.assert_clean()
