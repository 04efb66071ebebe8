"""The one slug function (scormkit.ids.slug) and every name derived with it: heading anchors
keep letters of every script, identifiers that reach XML, LMS databases and zip member
names are ASCII transliterations of the same text. Property tests check each use's rules
on arbitrary text; scenario tests check the names a course gets."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scormkit import ids
from scormkit.questions import QUESTION_ID
from scormkit.sources import load_course

from .conftest import xhtml

# XML 1.0 (5th edition) NCName, as the XSD type xs:ID/xs:NCName: what an element id in an
# XHTML page must match (an anchor is part of one).
_NAME_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
               "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
               "\U00010000-\U000effff")
XML_NCNAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
# SCORM 1.2 CMIIdentifier (interaction ids) and the ASCII NCName of manifests.
_CMI_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]+")

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@given(text)
@settings(max_examples=300, deadline=None)
def test_anchor_is_deterministic_nonempty_and_valid_in_an_element_id(title):
    anchor = ids.heading_slug(title)
    assert anchor == ids.heading_slug(title)
    assert anchor and not re.search(r"\s", anchor)
    assert not anchor.startswith("-") and not anchor.endswith("-")
    # The page id is "<lesson id>--<anchor>": an NCName (xs:ID) whatever the heading.
    assert XML_NCNAME.fullmatch(f"lesson-x--{anchor}"), anchor


@given(text)
@settings(max_examples=300, deadline=None)
def test_ascii_ids_are_cmi_identifiers_and_question_ids(title):
    value = ids.ascii_id(title, "single")
    assert value == ids.ascii_id(title, "single")
    assert QUESTION_ID.fullmatch(value), value
    assert _CMI_IDENTIFIER.fullmatch(value) and ids.is_ncname(value)


@given(text)
@settings(max_examples=300, deadline=None)
def test_names_from_file_stems_are_ascii_ncname_parts(stem):
    name = ids.name_slug(stem)
    assert name == ids.name_slug(stem)
    assert re.fullmatch(r"[A-Za-z0-9._-]*", name)
    assert ids.is_ncname(ids.to_ncname(name or "lesson", "lesson"))


@given(st.lists(text, max_size=12))
@settings(max_examples=200, deadline=None)
def test_anchors_are_unique_within_a_page(titles):
    names = ids.UniqueNames()
    claimed = [names.claim(ids.heading_slug(title)) for title in titles]
    assert len(set(claimed)) == len(claimed)


@given(st.text(st.characters(categories=("Lu", "Ll", "Lo")), min_size=1, max_size=20))
@settings(max_examples=300, deadline=None)
def test_a_letter_is_never_dropped(word):
    """Text made of letters only keeps at least one character in every form (a heading of
    CJK or accented letters never falls back to 'section', a file name never loses its
    accented letters)."""
    assert ids.slug(word)
    assert ids.slug(word, ascii=True) or not any(
        char.isascii() for char in __import__("anyascii").anyascii(word))


def test_the_same_heading_gives_the_same_word_in_every_use():
    assert ids.heading_slug("Étape finale") == "étape-finale"
    assert ids.ascii_id("Étape finale", "single") == "etape-finale"
    assert ids.name_slug("03 Élève résumé") == "03-Eleve-resume"
    assert ids.heading_slug("## Straße") == "straße"
    assert ids.ascii_id("Straße", "single") == "strasse"


def test_cjk_headings_get_distinct_anchors():
    names = ids.UniqueNames()
    anchors = [names.claim(ids.heading_slug(t)) for t in ("第一章", "第二章", "概要", "まとめ")]
    assert anchors == ["第一章", "第二章", "概要", "まとめ"]
    assert ids.ascii_id("第一章", "single") != ids.ascii_id("第二章", "single")


COURSE = """\
id: t
title: T
language: fr
version: "1.0.0"
lessons:
  - lessons/03 Élève résumé.md
  - lessons/第一章.md
quiz: quiz.quiz.md
"""
QUIZ = """\
---
title: Quiz
---

## Étape finale

- [x] Oui
- [ ] Non

## 第一章

- [x] 是
- [ ] 否
"""


def test_a_course_gets_consistent_names_in_every_script(tmp_path, make_course):
    root = make_course(tmp_path, {
        "course.yaml": COURSE,
        "lessons/03 Élève résumé.md": "---\ntitle: Résumé\n---\n\n## Étape finale\n\n"
                                      "Voir [la suite](#étape-finale) et [là](#%C3%A9tape-finale)."
                                      "\n\n## 第一章\n\n## 第二章\n",
        "lessons/第一章.md": "---\ntitle: 第一章\n---\n\n## 概要\n\n"
                          "[前へ](03%20Élève%20résumé.md#第一章)\n",
        "quiz.quiz.md": QUIZ,
    })
    course = load_course(root)
    first, second = course.lessons
    assert first.id == "lesson-03-Eleve-resume"
    assert first.slug == "03-Eleve-resume"
    assert second.id == "DiYiZhang" and second.slug == "DiYiZhang"
    html = xhtml(first.body)
    assert re.findall(r'<h3 id="([^"]+)"', html) == [
        "lesson-03-Eleve-resume--étape-finale", "lesson-03-Eleve-resume--第一章",
        "lesson-03-Eleve-resume--第二章"]
    assert [q.id for q in course.quiz.items] == ["etape-finale", "diyizhang"]
