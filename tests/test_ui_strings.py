"""The learner interface's texts (scormkit.ui_strings): complete tables, matching placeholders,
and a French course whose pages speak French."""

from __future__ import annotations

import json
import shutil
import string
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from scormkit import ui_strings
from scormkit.build import build_package
from scormkit.sources import load_course
from scormkit.writers import web
from scormkit.writers.base import WriterOptions
from scormkit.writers.quizpage import quiz_data

from .conftest import EXAMPLE_COURSE

RUNTIME = Path(__file__).resolve().parent.parent / "scormkit" / "runtime"
TRANSLATED = sorted(set(ui_strings.CATALOG) - {"en"})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_table_has_exactly_the_english_keys(language):
    table = ui_strings.CATALOG[language]
    assert sorted(set(ui_strings.EN) - set(table)) == [], "missing keys"
    assert sorted(set(table) - set(ui_strings.EN)) == [], "extra keys"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match_english(language):
    table = ui_strings.CATALOG[language]
    wrong = {key: (placeholders(text), placeholders(ui_strings.EN[key]))
             for key, text in table.items()
             if placeholders(text) != placeholders(ui_strings.EN[key])}
    assert wrong == {}
    assert all(text.strip() for text in table.values())


def test_language_lookup_and_fallback():
    assert ui_strings.table("fr-CA")["page.next"] == "Suivant"
    assert ui_strings.table("DE")["page.next"] == "Weiter"
    assert ui_strings.table("es-419")["page.next"] == "Siguiente"
    assert ui_strings.table("ja") == ui_strings.EN
    assert ui_strings.message("fr", "page.position", n=2, total=4) == "Leçon 2 sur 4"
    assert ui_strings.group("en", "runtime")["progress"] == (
        "Progress: {viewed} of {total} {lessons} viewed.")


def _js_messages(module: str) -> dict[str, str]:
    """The English fallback table (``MESSAGES``) a runtime module exports, read by Node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    path = RUNTIME / f"{module}.js"
    script = f"process.stdout.write(JSON.stringify(require({json.dumps(str(path))}).MESSAGES))"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("module, group", [("page/messages", "runtime"),
                                           ("quiz/messages", "quizjs")])
def test_js_fallbacks_are_the_english_table(module, group):
    assert _js_messages(module) == ui_strings.group("en", group)


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    source = tmp_path_factory.mktemp("fr") / "course"
    shutil.copytree(EXAMPLE_COURSE, source)
    yaml = source / "course.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "\nlanguage: en\n" in text
    yaml.write_text(text.replace("\nlanguage: en\n", "\nlanguage: fr\n"), encoding="utf-8")
    return load_course(source)


def _ui_texts(page: bytes) -> list[str]:
    """What the learner interface itself says on a page (not the course's own content): the
    text and labels of the elements the templates write."""
    root = etree.fromstring(page)
    texts = [root.xpath("string(//nav/@aria-label)")]
    texts += [label for label in root.xpath("//button/@aria-label")]
    classes = ("sk-skip-link", "sk-position", "sk-objectives-label", "sk-minutes", "sk-prev",
               "sk-next", "sk-to-quiz", "sk-quiz-facts", "sk-quiz-nojs", "sk-quiz-start-button",
               "sk-quiz-timer", "sk-q-number", "sk-q-points", "sk-order-help", "sk-order-button",
               "sk-quiz-submit", "sk-quiz-result-title", "sk-quiz-retry", "sk-match-select",
               "sk-q-answer", "sk-visually-hidden")
    for name in classes:
        for element in root.xpath(f"//*[contains(concat(' ', @class, ' '), ' {name} ')]"):
            own = element.xpath("text() | *[not(contains(@class, 'sk-pager-title'))]//text()")
            if name == "sk-visually-hidden":  # the labels of fill-in blanks
                own = element.xpath("self::*[local-name() = 'label']/text()")
            texts.append("".join(own).strip())
    return [text for text in texts if text]


def test_french_course_pages_are_in_french(french, tmp_path):
    result = build_package(french, target="scorm12", out_dir=tmp_path, options=WriterOptions())
    with zipfile.ZipFile(result.path) as archive:
        index = archive.read("index.html")
    texts = _ui_texts(index)
    joined = "\n".join(texts)
    fr = ui_strings.CATALOG["fr"]
    for key in ("page.skip", "page.nav", "page.objectives", "page.next", "page.previous",
                "page.to_quiz", "quiz.nojs", "quiz.start", "quiz.time_left", "quiz.submit",
                "quiz.result", "quiz.retry", "quiz.up", "quiz.down", "quiz.choose_match",
                "quiz.order_help", "quiz.essay_answer", "quiz.number_answer", "quiz.blank",
                "quiz.essays_later"):
        assert fr[key] in joined, key
    for text in ("Durée estimée : ", "Score de réussite : 80 %", "Tentatives autorisées : 3",
                 "Temps limite : 20 minutes", "Espace 1 sur 2", "Monter ", "Descendre ",
                 "corrigé par une personne"):
        assert text in joined, text
    # No English left in the interface.
    english = [text.split("{")[0].strip() for key, text in ui_strings.EN.items()
               if key.startswith(("page.", "quiz.")) and text != fr[key]
               and key != "page.title_separator"]  # punctuation, not English words
    english += ["Estimated time", "Lesson ", "Move ", "Passing score", "Time limit",
                "Attempts allowed", "graded by a person", "Blank "]
    left = sorted({word for word in english if word and any(word in t for t in texts)})
    assert left == []
    root = etree.fromstring(index)
    assert root.get("lang") == "fr"
    config = json.loads(root.xpath("string(//*[@id='scormkit-config'])"))
    assert config["strings"] == ui_strings.group("fr", "runtime")
    assert config["strings"]["noLms"].startswith("Aucune plateforme")
    data = json.loads(root.xpath("string(//*[@id='scormkit-quiz'])"))
    assert data == quiz_data(french.quiz, "fr")
    assert data["strings"]["submitAnyway"] == "Envoyer quand même"
    # True/false choices use the labels shared with the quiz exports.
    labels = root.xpath("//*[contains(@class, 'sk-q-truefalse')]//label/text()")
    assert labels and set(labels) == {"Vrai", "Faux"}


def test_french_per_lesson_pages(french):
    pages = web.lesson_pages(french, "scorm12")
    first = next(iter(pages.values()))
    texts = _ui_texts(first)
    assert f"Leçon 1 sur {len(french.lessons)}" in texts
    assert not [text for text in texts if "Lesson" in text]


def test_english_course_keeps_english(course_copy):
    course = load_course(course_copy)
    texts = _ui_texts(web.single_page(course, "scorm12"))
    for english in ("Skip to content", "In this lesson you will:", "Start the quiz",
                    "Submit answers", "Try again", "Time left:", "Passing score: 80%"):
        assert english in "\n".join(texts)


def test_template_fallbacks_are_the_english_table(course_copy, monkeypatch):
    """The templates' built-in English (used when no ``t`` is passed) is the English table."""
    from scormkit import templating

    course = load_course(course_copy)

    def pages() -> bytes:
        return b"".join([web.single_page(course, "scorm12"),
                         *web.lesson_pages(course, "scorm12").values(),
                         *web.quiz_page(course, "scorm12").values()])

    with_table = pages()
    render = templating.render

    def without_t(template: str, **context: object) -> str:
        context.pop("t")
        return render(template, **context)

    monkeypatch.setattr(templating, "render", without_t)
    assert pages() == with_table


def test_french_pager_puts_a_no_break_space_before_the_colon(tmp_path):
    import shutil

    from scormkit.build import build_package

    course = tmp_path / "course"
    shutil.copytree(Path(__file__).resolve().parent.parent / "course_src", course)
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("language: en", "language: fr"),
                    encoding="utf-8")
    result = build_package(course, "scorm12", tmp_path / "out")
    import zipfile

    page = zipfile.ZipFile(result.path).read("index.html").decode()
    assert 'Suivant<span class="sk-pager-title">\u00a0: ' in page
    assert 'Suivant<span class="sk-pager-title">: ' not in page
