"""Text reaches every target as the author wrote it (issue 13): no-break spaces (U+00A0),
the narrow no-break space of French typography (U+202F) and thin spaces (U+2009) in titles,
choices and lesson text are kept in all nine targets, never made plain spaces."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest

from scormkit.build import BuildResult, build
from scormkit.writers import WRITERS
from scormkit.writers.base import WriterOptions

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
def packages(tmp_path_factory, compiled_schemas) -> dict[str, str]:
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


# --- long titles -----------------------------------------------------------------------------

LONG = " ".join(f"mot{n:03d}" for n in range(50))  # 349 characters, words of 6
LIMITS = {"scorm12": 200, "scorm2004": 200, "scorm12-per-lesson": 200,
          "scorm2004-per-lesson": 200, "cc11": 255, "cc13": 255, "qti12": 255,
          "qti21": 255, "qti30": 255, "moodlexml": 255}


@pytest.fixture(scope="module")
def long_titles(tmp_path_factory, compiled_schemas):
    from .conftest import write_course

    where = tmp_path_factory.mktemp("long")
    root = write_course(where / "course", {
        "course.yaml": COURSE.replace(COURSE_TITLE, "Court"),
        "lessons/01.md": f"---\ntitle: {LONG}\n---\n\nText.\n",
        "quiz.quiz.md": f"---\ntitle: Q {LONG}\n---\n\n## Q\n\n- [x] a\n- [ ] b\n",
    })
    outcomes = {o.target: o for o in build(root, sorted(WRITERS), where / "dist")}
    # One SCO per lesson: the manifest lists each lesson and the quiz by title.
    for outcome in build(root, ["scorm12", "scorm2004"], where / "per-lesson",
                         WriterOptions(sco_per_lesson=True)):
        outcomes[f"{outcome.target}-per-lesson"] = outcome
    return root, outcomes


def _members(path: Path) -> dict[str, str]:
    if path.suffix != ".zip":
        return {path.name: path.read_text(encoding="utf-8")}
    with zipfile.ZipFile(path) as archive:
        return {name: html.unescape(archive.read(name).decode("utf-8"))
                for name in archive.namelist() if name.endswith((".xml", ".html"))}


@pytest.mark.parametrize("target", [*sorted(WRITERS), "scorm12-per-lesson",
                                    "scorm2004-per-lesson"])
def test_long_titles_build_and_are_shortened_only_where_limited(long_titles, target):
    root, outcomes = long_titles
    outcome = outcomes[target]
    assert isinstance(outcome, BuildResult), outcome
    members = _members(Path(outcome.path))
    shortened = [w for w in outcome.warnings if w.code == "title-shortened"]
    limit = LIMITS.get(target)
    if limit is None:  # cmi5: no limit in the course structure, nor in an LMS we know
        assert not shortened
        assert LONG in members["index.html"]
        return
    whats = sorted(w.message.split(" title ", 1)[0] for w in shortened)
    # What each package lists by title: a single SCO only the course (short here).
    both = ["the lesson", "the quiz"]
    assert whats == {"scorm12": [], "scorm2004": [], "cc11": both, "cc13": both,
                     "scorm12-per-lesson": both, "scorm2004-per-lesson": both}.get(
        target, ["the quiz"])
    for warning in shortened:
        assert warning.severity == "warning"
        assert warning.location.path.endswith(("lessons/01.md", "quiz.quiz.md"))
        assert f"allows {limit}" in warning.message
    manifest = members.get("imsmanifest.xml", "")
    for title in re.findall(r"<title>([^<]*)</title>", manifest):
        assert len(title) <= limit, title
    if target in ("scorm12-per-lesson", "scorm2004-per-lesson", "cc11", "cc13"):
        short = re.findall(r"<title>(mot000[^<]*)</title>", manifest)
        assert short and all(t.endswith("…") and len(t) <= limit for t in short)
        # The page keeps the title in full.
        assert any(LONG in text for name, text in members.items() if name.endswith(".html"))


def test_shorten_cuts_at_a_word_and_marks_the_cut():
    from scormkit.writers.base import shorten

    assert shorten("short", 10) == "short"
    cut = shorten(LONG, 200)
    assert len(cut) <= 200 and cut.endswith("…") and LONG.startswith(cut[:-1])
    assert cut[:-1].split(" ")[-1] in LONG.split(" ")  # no word cut in half
    assert len(shorten("x" * 300, 200)) == 200


# --- authors ---------------------------------------------------------------------------------

AUTHORS = ["Marie Curie", "Dupont, Durand & Fils; SARL", f"Zoé{NBSP}Martin"]
AUTHOR_PLACES = {
    # target: (member, what holds each author)
    "scorm12": ("imsmanifest.xml", "imsmd:vcard"),
    "scorm2004": ("imsmanifest.xml", "lom:entity"),
    "cc11": ("imsmanifest.xml", "lomimscc:entity"),
    "cc13": ("imsmanifest.xml", "lomimscc:entity"),
}


@pytest.fixture(scope="module")
def with_authors(tmp_path_factory, compiled_schemas):
    from .conftest import write_course

    where = tmp_path_factory.mktemp("authors")
    authors = "".join(f"  - \"{a}\"\n" for a in AUTHORS)
    root = write_course(where / "course", {
        "course.yaml": COURSE.replace("quiz: quiz.quiz.md\n", f"quiz: quiz.quiz.md\nauthors:\n"
                                                              f"{authors}"),
        "lessons/01.md": "---\ntitle: L\n---\n\nText.\n",
        "quiz.quiz.md": "---\ntitle: Q\n---\n\n## Q\n\n- [x] a\n- [ ] b\n",
    })
    # Every package passed the XSD validation the build runs before writing.
    return {o.target: o for o in build(root, sorted(WRITERS), where / "dist")}


@pytest.mark.parametrize("target", sorted(AUTHOR_PLACES))
def test_authors_reach_the_lom_metadata_as_vcards(with_authors, target):
    outcome = with_authors[target]
    assert isinstance(outcome, BuildResult), outcome
    member, element = AUTHOR_PLACES[target]
    with zipfile.ZipFile(outcome.path) as archive:
        manifest = archive.read(member).decode("utf-8")
    cards = re.findall(f"<{element}>(.*?)</{element}>", manifest, re.S)
    names = [re.search(r"^FN:(.*)$", html.unescape(card), re.M).group(1) for card in cards]
    # vCard escapes ',' and ';' in FN (RFC 2426 4.); XML escapes '&'.
    assert names == ["Marie Curie", "Dupont\\, Durand & Fils\\; SARL", f"Zoé{NBSP}Martin"]
    for card in cards:
        assert card.startswith("BEGIN:VCARD\nVERSION:3.0\n") and card.endswith("END:VCARD")


@pytest.mark.parametrize("target", ["scorm12", "scorm2004", "cmi5", "cc11", "cc13"])
def test_authors_are_named_in_every_page(with_authors, target):
    with zipfile.ZipFile(with_authors[target].path) as archive:
        pages = [html.unescape(archive.read(n).decode()) for n in archive.namelist()
                 if n.endswith(".html")]
    assert pages
    expected = f'<meta name="author" content="{", ".join(AUTHORS)}" />'
    assert all(expected in page for page in pages)


def test_no_authors_no_contribute(long_titles):
    _root, outcomes = long_titles
    for target in AUTHOR_PLACES:
        with zipfile.ZipFile(outcomes[target].path) as archive:
            manifest = archive.read("imsmanifest.xml").decode()
        assert "contribute" not in manifest and "VCARD" not in manifest
