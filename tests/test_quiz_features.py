"""Quiz features of issue 10 in every target: question-order shuffle (`shuffle_questions`),
exported where the target can say it, a warning naming what to do where it cannot."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from lxml import etree

from scormkit.build import build_package
from scormkit.sources.quiz import parse_quiz

from .test_quiz_writers import SCENARIO_QUIZ, scenario_files, write_files

SHUFFLED = SCENARIO_QUIZ.replace("title: Scenario quiz\n",
                                 "title: Scenario quiz\nshuffle_questions: true\n", 1)


@pytest.fixture(scope="module")
def shuffled_dir(tmp_path_factory):
    return write_files(tmp_path_factory.mktemp("shuffled") / "course", scenario_files(SHUFFLED))


def parsed(text: str, tmp_path):
    errors: list = []
    folder = write_files(tmp_path / "course", scenario_files(text))
    quiz = parse_quiz(text, "quizzes/scenario.quiz.md", folder, errors)
    assert quiz is not None, errors
    return quiz


def test_shuffle_questions_is_read_from_the_front_matter(tmp_path):
    assert parsed(SHUFFLED, tmp_path).shuffle_questions is True
    assert parsed(SCENARIO_QUIZ, tmp_path).shuffle_questions is False


@pytest.mark.parametrize("target, tag", [
    ("qti21", "{http://www.imsglobal.org/xsd/imsqti_v2p1}"),
    ("qti30", "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"),
])
def test_qti_tests_shuffle_their_main_section(shuffled_dir, tmp_path, target, tag):
    """QTI says it: the main section's ordering shuffles its parts, a pool (an invisible
    section, keepTogether by default) moving as one; the build validated the XML."""
    result = build_package(shuffled_dir, target, tmp_path)
    assert not [w for w in result.warnings if w.code == "quiz-question-order-fixed"]
    with zipfile.ZipFile(result.path) as archive:
        name = next(n for n in archive.namelist()
                    if n.endswith(".xml") and b"section.main" in archive.read(n))
        root = etree.fromstring(archive.read(name))
    section_tag = "assessmentSection" if target == "qti21" else "qti-assessment-section"
    ordering_tag = "ordering" if target == "qti21" else "qti-ordering"
    main = next(s for s in root.iter(tag + section_tag) if s.get("identifier") == "section.main")
    ordering = main.find(tag + ordering_tag)
    assert ordering is not None and ordering.get("shuffle") == "true"


@pytest.mark.parametrize("target", ["qti12", "moodlexml", "cc11", "cc13"])
def test_targets_without_question_shuffle_warn(shuffled_dir, tmp_path, target):
    result = build_package(shuffled_dir, target, tmp_path)
    [warning] = [w for w in result.warnings if w.code == "quiz-question-order-fixed"]
    assert warning.location.path.endswith("scenario.quiz.md") and warning.hint


@pytest.mark.parametrize("target", ["scorm12", "scorm2004", "cmi5"])
def test_the_quiz_page_gets_one_block_per_item(shuffled_dir, tmp_path, target):
    """The player shuffles the items (tests/js/quiz.test.js: attempt order; e2e: the page):
    the page gives it one block per question or pool to move."""
    result = build_package(shuffled_dir, target, tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        page = next(archive.read(n).decode() for n in archive.namelist()
                    if n.endswith(".html") and 'id="scormkit-quiz"' in archive.read(n).decode())
    data = json.loads(re.search(r'<script[^>]*id="scormkit-quiz"[^>]*>(.*?)</script>', page,
                                re.S).group(1))
    assert data["shuffleQuestions"] is True
    blocks = page.count('class="sk-quiz-group"')
    assert blocks == len(data["groups"]) > 1


# --------------------------------------------------------------------------------------------
# Questions without a title

UNTITLED = """\
---
title: Untitled questions
---

## {type: truefalse}

Rayleigh scattering makes the daytime sky look blue rather than any other colour of light.

- [x] True
- [ ] False

## {id: capital, type: fill}

The capital of France is [[Paris]].

## A titled one

- [x] Yes
- [ ] No
"""


def test_a_question_without_a_title_is_named_by_its_stem(tmp_path):
    quiz = parsed(UNTITLED, tmp_path)
    first, blank, titled = quiz.all_questions()
    assert (first.titled, blank.titled, titled.titled) == (False, False, True)
    assert first.title == "Rayleigh scattering makes the daytime sky look blue rather\u2026"
    assert len(first.title) <= 60
    assert first.id == "rayleigh-scattering-makes-the-daytime-sky-look-blue-rather"
    assert blank.title == "The capital of France is ." and "Paris" not in blank.title, (
        "a blank's answer never shows in the name")


def test_a_question_needs_a_title_or_a_text(tmp_path):
    errors: list = []
    text = "---\ntitle: T\n---\n\n## {type: essay}\n\n## Fine\n\n- [x] a\n- [ ] b\n"
    assert parse_quiz(text, "quizzes/q.quiz.md", tmp_path, errors) is None
    [error] = errors
    assert (error.code, error.location.line) == ("missing-title", 5)


@pytest.fixture(scope="module")
def untitled_dir(tmp_path_factory):
    files = scenario_files()
    files["quizzes/scenario.quiz.md"] = UNTITLED
    return write_files(tmp_path_factory.mktemp("untitled") / "course", files)


@pytest.mark.parametrize("target", ["scorm12", "scorm2004", "cmi5", "qti12", "qti21", "qti30",
                                    "moodlexml", "cc11", "cc13"])
def test_untitled_questions_build_everywhere(untitled_dir, tmp_path, target):
    """Every target needs a name for a question (QTI's required title, Moodle's name, Canvas's
    item title): it gets the stem's start; the learner's page shows the number alone."""
    result = build_package(untitled_dir, target, tmp_path)
    if result.path.suffix == ".xml":  # moodlexml: the question file itself
        texts = {result.path.name: result.path.read_text(encoding="utf-8")}
    else:
        with zipfile.ZipFile(result.path) as archive:
            texts = {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                     if n.endswith((".xml", ".html"))}
    everything = "\n".join(texts.values())
    if target in ("scorm12", "scorm2004", "cmi5"):
        page = next(t for t in texts.values() if 'id="scormkit-quiz"' in t)
        legends = re.findall(r'<legend class="sk-q-legend">(.*?)</legend>', page, re.S)
        assert len(legends) == 3
        assert "sk-q-title" not in legends[0] and "sk-q-title" in legends[2]
    else:
        assert "Rayleigh scattering makes the daytime sky look blue rather\u2026" in everything


# --------------------------------------------------------------------------------------------
# Pool membership by tag

TAGGED = """\
---
title: Tagged pools
---

## First {id: first}

- [x] a
- [ ] b

# Hard ones {id: hard, draw: 2, points: 3}

## Under the heading {id: under}

- [x] a
- [ ] b

# Section B {id: section-b}

## Outside {id: outside}

- [x] a
- [ ] b

## Tagged later {id: later, pool: hard}

- [x] a
- [ ] b
"""


def test_a_question_joins_a_pool_by_its_id(tmp_path):
    """{pool: id} puts a question in a pool wherever it is written (outside pools, or under
    another '#' heading): the pool keeps its questions in source order and is presented
    where its heading stands."""
    tagged = TAGGED.replace("## First {id: first}",
                            "## Tagged early {id: early, pool: hard}\n\n- [x] a\n- [ ] b\n\n"
                            "## First {id: first}")
    quiz = parsed(tagged, tmp_path)
    first, pool, section = quiz.items
    assert [q.id for q in pool.questions] == ["early", "under", "later"]
    assert (pool.draw, {q.points for q in pool.questions}) == (2, {3}), (
        "the pool's points apply to tagged questions")
    assert first.id == "first" and [q.id for q in section.questions] == ["outside"]
    assert quiz.max_points == 1 + 2 * 3 + 1


def test_a_pool_can_be_only_tags(tmp_path):
    text = TAGGED.replace("## Under the heading {id: under}\n\n- [x] a\n- [ ] b\n\n", "")
    text = text.replace("## First {id: first}", "## First {id: first, pool: hard}")
    text = text.replace("draw: 2", "draw: 1")
    [pool, section] = parsed(text, tmp_path).items
    assert [q.id for q in pool.questions] == ["first", "later"] and pool.draw == 1
    assert [q.id for q in section.questions] == ["outside"]


@pytest.mark.parametrize("edit, code", [
    (("pool: hard}", "pool: hardd}"), "unknown-pool"),
    (("draw: 2,", "draw: 3,"), "pool-draw-too-large"),
    (("pool: hard}", "pool: [1]}"), "bad-value"),
    (("## Outside {id: outside}", "## Outside {id: outside, pool: hard}"), "empty-pool"),
])
def test_pool_tags_are_checked(tmp_path, edit, code):
    errors: list = []
    text = TAGGED.replace(*edit)
    assert parse_quiz(text, "quizzes/q.quiz.md", tmp_path, errors) is None
    [error] = [e for e in errors if e.code == code]
    assert error.hint and error.location.line > 1, errors


@pytest.mark.parametrize("target", ["qti21", "scorm2004"])
def test_a_tagged_pool_draws_in_the_package(tmp_path, target):
    """The pool with a tagged member is an ordinary pool for the writers: QTI 2.1 selects 1
    of its 2 questions, the quiz page's data draws from the same 2."""
    files = scenario_files()
    files["quizzes/scenario.quiz.md"] = TAGGED.replace("draw: 2", "draw: 1")
    folder = write_files(tmp_path / "course", files)
    result = build_package(folder, target, tmp_path / "dist")
    with zipfile.ZipFile(result.path) as archive:
        if target == "qti21":
            name = next(n for n in archive.namelist()
                        if n.endswith(".xml") and b"section.main" in archive.read(n))
            root = etree.fromstring(archive.read(name))
            ns = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
            hard = next(s for s in root.iter(ns + "assessmentSection")
                        if s.get("identifier") == "hard")
            assert hard.find(ns + "selection").get("select") == "1"
            assert [r.get("identifier") for r in hard.iter(ns + "assessmentItemRef")] == [
                "under", "later"]
        else:
            page = next(archive.read(n).decode() for n in archive.namelist()
                        if n.endswith(".html") and b'id="scormkit-quiz"' in archive.read(n))
            data = json.loads(re.search(r'<script[^>]*id="scormkit-quiz"[^>]*>(.*?)</script>',
                                        page, re.S).group(1))
            ids = [q["id"] for q in data["questions"]]
            pools = [[ids[n] for n in g["questions"]] for g in data["groups"]]
            assert ["under", "later"] in pools
