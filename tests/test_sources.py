"""The source readers (course.yaml, lesson front matter, Markdown bodies) on scenario courses.

Every bad-input case checks the whole list of (code, "path:line") pairs, so an extra or a
missing diagnostic fails the test, and the message or hint where its wording matters.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from scormkit import ids
from scormkit.content import Element, Image, LessonLink
from scormkit.errors import Diagnostic, ScormkitError, SourceError, SourceErrors
from scormkit.model import Lesson
from scormkit.sources import files, load_course

from .conftest import xhtml
from .test_slugs import XML_NCNAME

# A valid course.yaml; line numbers below refer to it.
COURSE_YAML = """\
id: test-course
title: Test course
language: en
version: "1.0.0"
lessons:
  - lessons/01-intro.md
"""
# Front matter of a lesson: the body starts on line 5.
FM = "---\ntitle: Lesson\n---\n\n"
LESSON = "lessons/01-intro.md"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'
EXAMPLE_IDS = [
    "lesson-01-is-this-role-for-you",
    "lesson-02-how-the-work-gets-done",
    "lesson-03-education-experience-and-ways-in",
    "lesson-04-knowledge-business-and-security-skills",
]


def where(diagnostic: Diagnostic, root: Path) -> str:
    """The diagnostic's "path:line" with the path made relative to the course folder."""
    assert diagnostic.location is not None, diagnostic
    path = Path(diagnostic.location.path)
    if not path.is_absolute():
        path = Path.cwd() / path
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    return f"{rel}:{diagnostic.location.line}" if diagnostic.location.line else rel


@pytest.fixture
def errors_of(tmp_path, make_course):
    """errors_of(files) -> (course folder, diagnostics) for a course that must fail to load."""

    def run(files: dict[str, str | bytes | None]) -> tuple[Path, list[Diagnostic]]:
        root = make_course(tmp_path, files)
        with pytest.raises(ScormkitError) as info:
            load_course(root)
        return root, info.value.diagnostics()

    return run


@pytest.fixture
def pairs_of(errors_of):
    """pairs_of(files) -> the [(code, "path:line"), ...] of a course that must fail to load."""

    def run(files: dict[str, str | bytes | None]) -> list[tuple[str, str]]:
        root, diagnostics = errors_of(files)
        return [(d.code, where(d, root)) for d in diagnostics]

    return run


@pytest.fixture
def load(tmp_path, make_course):
    """load(files) -> the Course of a scenario course that must load cleanly."""
    return lambda files: load_course(make_course(tmp_path, files))


def only(errors_of, files) -> Diagnostic:
    _root, diagnostics = errors_of(files)
    assert len(diagnostics) == 1, diagnostics
    return diagnostics[0]


# --- the example course and the default scenario --------------------------------------------


def test_example_course_loads(course_copy):
    course = load_course(course_copy)
    assert course.id == "tpm-skills"
    assert course.language == "en"
    assert course.version == "1.0.0"
    assert len(course.lessons) == 4
    assert [lesson.id for lesson in course.lessons] == EXAMPLE_IDS
    for lesson in course.lessons:
        assert ids.is_ncname(lesson.id)
        assert lesson.objectives and all(lesson.objectives)
        assert lesson.title and lesson.minutes
    assert [(a.href, a.media_type) for a in course.assets] == [
        ("media/teacher-coach-drill-sergeant.svg", "image/svg+xml")
    ]
    assert course.assets[0].source_path == (
        course_copy / "media" / "teacher-coach-drill-sergeant.svg"
    ).resolve()


def test_example_ids_are_stable(course_copy):
    first = load_course(course_copy)
    # A content edit (typo fix) must not change any identifier.
    lesson = course_copy / "lessons" / "01-is-this-role-for-you.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("quick", "short"), "utf-8")
    second = load_course(course_copy)
    assert second.lessons[0].body != first.lessons[0].body
    assert [x.id for x in second.lessons] == [x.id for x in first.lessons] == EXAMPLE_IDS
    assert second.id == first.id


def lesson_links(lesson: Lesson) -> list[tuple[str, str]]:
    """(lesson id, heading id) of every link to a lesson, in order."""
    return [(node.lesson, node.anchor) for node in lesson.body.walk()
            if isinstance(node, LessonLink)]


def test_example_lesson_links_become_placeholders(course_copy):
    course = load_course(course_copy)
    hrefs = [node.get("href") or "" for node in course.lessons[0].body.walk()
             if isinstance(node, Element) and node.tag == "a"]
    assert ("lesson-02-how-the-work-gets-done", "") in lesson_links(course.lessons[0])
    assert not any(h.endswith(".md") for h in hrefs)


def test_default_scenario_course_loads(load):
    course = load({})
    assert course.id == "test-course"
    assert [lesson.id for lesson in course.lessons] == ["lesson-01-intro"]
    assert course.lessons[0].objectives == ("Say what this course is about.",)
    assert course.assets == ()


# --- rendering --------------------------------------------------------------------------------


def test_lesson_links_and_anchors_become_placeholders(load):
    course = load({
        LESSON: FM + "## Hello\n\n[next](02-next.md) [part](02-next.md#there) [up](#hello)\n",
        "lessons/02-next.md": FM + "## There\n\n[back](./01-intro.md)\n",
    })
    first, second = (lesson_links(lesson) for lesson in course.lessons)
    assert ("lesson-02-next", "") in first
    assert ("lesson-02-next", "lesson-02-next--there") in first
    assert ("lesson-01-intro", "lesson-01-intro--hello") in first
    assert ("lesson-01-intro", "") in second


def test_page_names_are_safe_and_unique(load):
    course = load({
        "course.yaml": COURSE_YAML.replace("  - lessons/01-intro.md\n", "".join(
            f"  - '{name}'\n" for name in (
                "a/intro.md", "b/intro.md", "c/Intro.md", "lessons/my lesson#1?.md",
                "lessons/.hidden.md", "lessons/café.md",
            ))),
        "a/intro.md": "---\ntitle: A\nid: a-intro\n---\n",
        "b/intro.md": "---\ntitle: B\nid: b-intro\n---\n",
        "c/Intro.md": "---\ntitle: C\n---\n",
        "lessons/my lesson#1?.md": "---\ntitle: D\n---\n",
        "lessons/.hidden.md": "---\ntitle: E\n---\n",
        "lessons/café.md": "---\ntitle: F\n---\n",
    })
    assert [lesson.slug for lesson in course.lessons] == [
        "intro", "intro-2", "Intro-3", "my-lesson-1", "hidden", "cafe",
    ]
    assert [lesson.id for lesson in course.lessons] == [
        "a-intro", "b-intro", "Intro", "my-lesson-1", "lesson-.hidden", "cafe",
    ]


def test_example_page_names_are_the_file_stems(course_copy):
    assert [lesson.slug for lesson in load_course(course_copy).lessons] == [
        name.removeprefix("lesson-") for name in EXAMPLE_IDS
    ]


def test_front_matter_id_is_used_for_links(load):
    course = load({
        LESSON: "---\ntitle: One\nid: welcome\n---\n\n## Start\n\n[self](#start)\n",
    })
    assert course.lessons[0].id == "welcome"
    assert ("welcome", "welcome--start") in lesson_links(course.lessons[0])


def test_external_links_are_kept_with_noopener(load):
    html = xhtml(load({LESSON: FM + "[site](https://example.org/a?b=1) [mail](mailto:a@b.c)\n"}
                      ).lessons[0].body)
    assert '<a href="https://example.org/a?b=1" rel="noopener">site</a>' in html
    assert '<a href="mailto:a@b.c">mail</a>' in html


def test_callouts_render_as_notes(load):
    html = xhtml(load({LESSON: FM + "::: note\nRemember this.\n:::\n\n::: warning Mind the gap\n"
                       "Careful.\n:::\n"}).lessons[0].body)
    assert '<div class="callout callout-note" role="note">' in html
    assert '<p class="callout-title">Note</p>' in html
    assert "<p>Remember this.</p>" in html
    assert '<div class="callout callout-warning" role="note">' in html
    assert '<p class="callout-title">Mind the gap</p>' in html


def test_tables_render(load):
    html = xhtml(load({LESSON: FM + "| Theme | Detail |\n| --- | --- |\n| People | Trust |\n"}
                      ).lessons[0].body)
    assert "<table>" in html
    assert re.search(r"<th[^>]*>Theme</th>", html)
    assert re.search(r"<td[^>]*>Trust</td>", html)


def test_headings_shift_one_level_with_page_unique_ids(load):
    html = xhtml(load({LESSON: FM + "## Intro\n\n### Detail\n\n## Intro\n\n## Über & co\n"}
                      ).lessons[0].body)
    assert re.findall(r"<(h\d) id=\"([^\"]+)\">", html) == [
        ("h3", "lesson-01-intro--intro"),
        ("h4", "lesson-01-intro--detail"),
        ("h3", "lesson-01-intro--intro-2"),
        ("h3", "lesson-01-intro--über-co"),
    ]
    assert "<h2" not in html and "<h1" not in html
    for element_id in re.findall(r'id="([^"]+)"', html):
        assert XML_NCNAME.fullmatch(element_id)  # anchors keep letters of every script


def test_images_become_asset_placeholders(load):
    course = load({
        LESSON: FM + "![A small square](../media/dot.svg)\n",
        "media/dot.svg": SVG,
    })
    assert Image("media/dot.svg", "A small square") in course.lessons[0].body.walk()
    assert [(a.href, a.media_type) for a in course.assets] == [("media/dot.svg", "image/svg+xml")]


def test_raw_html_is_escaped_not_passed_through(load):
    html = xhtml(load({LESSON: FM + "Text <script>alert(1)</script> & more\n"}).lessons[0].body)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp; more" in html


def test_crlf_and_bom_files_keep_their_line_numbers(pairs_of):
    text = "\ufeff---\r\ntitle: T\r\nbad: 1\r\n---\r\n\r\n# Top\r\n"
    assert pairs_of({LESSON: text}) == [
        ("unknown-key", f"{LESSON}:3"),
        ("heading-level", f"{LESSON}:6"),
    ]


# --- course.yaml --------------------------------------------------------------------------------


def test_unknown_key_in_course_yaml_suggests_the_right_one(errors_of):
    root, diagnostics = errors_of({"course.yaml": COURSE_YAML + "desciption: About\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("unknown-key", "course.yaml:7")]
    assert diagnostics[0].message == "unknown key 'desciption' in the top level"
    assert diagnostics[0].hint == "did you mean 'description'?"


def test_unknown_key_without_a_close_match_lists_the_allowed_ones(errors_of):
    diagnostic = only(errors_of, {"course.yaml": COURSE_YAML + "zzz: 1\n"})
    assert diagnostic.hint is not None and diagnostic.hint.startswith("allowed keys: id, title")


def test_unknown_key_in_tracking(pairs_of, errors_of):
    files = {"course.yaml": COURSE_YAML + "tracking:\n  passing_scor: 80\n"}
    assert pairs_of(files) == [("unknown-key", "course.yaml:8")]
    diagnostic = only(errors_of, files)
    assert diagnostic.message == "unknown key 'passing_scor' in tracking"
    assert diagnostic.hint == "did you mean 'passing_score'?"


def test_non_string_keys_are_reported_on_their_own_line(pairs_of):
    assert pairs_of({"course.yaml": COURSE_YAML + "title2: x\n2: two\nyes: no\n~: null\n"}) == [
        ("unknown-key", "course.yaml:7"),
        ("unknown-key", "course.yaml:8"),
        ("unknown-key", "course.yaml:9"),
        ("unknown-key", "course.yaml:10"),
    ]


def test_missing_required_keys(errors_of):
    root, diagnostics = errors_of({"course.yaml": "title: T\nlessons:\n  - lessons/01-intro.md\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("missing-key", "course.yaml:1"),
        ("missing-key", "course.yaml:1"),
        ("missing-key", "course.yaml:1"),
    ]
    assert [d.message for d in diagnostics] == [
        f"required key '{key}' is missing in the top level" for key in ("id", "language", "version")
    ]
    assert diagnostics[0].hint == "add a line 'id: ...'"


def test_empty_course_yaml_misses_every_required_key(pairs_of):
    assert pairs_of({"course.yaml": ""}) == [("missing-key", "course.yaml:1")] * 5


def test_course_yaml_that_is_not_a_mapping(pairs_of):
    assert pairs_of({"course.yaml": "- a\n- b\n"}) == [("yaml-not-mapping", "course.yaml:1")]


def test_yaml_syntax_error_in_course_yaml(errors_of):
    text = COURSE_YAML.replace("title: Test course", "title: Intro: the basics")
    root, diagnostics = errors_of({"course.yaml": text})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("yaml-syntax", "course.yaml:2")]
    assert diagnostics[0].message.startswith("this is not valid YAML: ")
    assert "quote" in (diagnostics[0].hint or "")


def test_yaml_syntax_error_line_further_down(pairs_of):
    text = COURSE_YAML + "keywords:\n  - one\n  - [two\n"
    assert pairs_of({"course.yaml": text}) == [("yaml-syntax", "course.yaml:10")]


def test_yaml_tab_indentation(pairs_of):
    assert pairs_of({"course.yaml": COURSE_YAML + "tracking:\n\tcompletion: launch\n"}) == [
        ("yaml-syntax", "course.yaml:8")
    ]


def test_yaml_line_numbers_ignore_unicode_line_separators(pairs_of):
    # YAML counts U+2028 / U+0085 as line breaks; editors (and our messages) do not.
    text = COURSE_YAML.replace("Test course", '"Test\u2028course\x85one"') + "titel: x\n"
    assert pairs_of({"course.yaml": text}) == [("unknown-key", "course.yaml:7")]
    text = COURSE_YAML.replace("Test course", '"Test\u2028course"') + "tracking: [\n"
    assert pairs_of({"course.yaml": text}) == [("yaml-syntax", "course.yaml:8")]


def test_missing_course_yaml(tmp_path, make_course):
    root = make_course(tmp_path, {"course.yaml": None})
    with pytest.raises(SourceError) as info:
        load_course(root)
    (diagnostic,) = info.value.diagnostics()
    assert (diagnostic.code, where(diagnostic, root)) == ("file-missing", "course.yaml")
    assert diagnostic.message.startswith("no course.yaml in ")
    assert "course.yaml" in (diagnostic.hint or "")


def test_missing_course_folder(tmp_path):
    with pytest.raises(SourceError) as info:
        load_course(tmp_path / "nowhere")
    assert [d.code for d in info.value.diagnostics()] == ["file-missing"]


def test_paths_are_shown_relative_to_the_working_directory(tmp_path, make_course, monkeypatch):
    root = make_course(tmp_path, {"course.yaml": COURSE_YAML + "titel: x\n"})
    monkeypatch.chdir(root)
    with pytest.raises(SourceErrors) as info:
        load_course(".")
    assert str(info.value) == (
        "course.yaml:7: error: unknown key 'titel' in the top level [unknown-key]\n"
        "    hint: did you mean 'title'?"
    )


def test_missing_lesson_file(errors_of):
    root, diagnostics = errors_of({
        "course.yaml": COURSE_YAML + "  - lessons/02-missing.md\n",
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [("file-missing", "course.yaml:7")]
    assert diagnostics[0].message == "lesson file 'lessons/02-missing.md' does not exist"
    assert diagnostics[0].hint is not None


def test_duplicate_lesson_entry(errors_of):
    root, diagnostics = errors_of({"course.yaml": COURSE_YAML + "  - lessons/01-intro.md\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("duplicate-lesson", "course.yaml:7")
    ]
    assert "first at line 6" in diagnostics[0].message


def test_duplicate_lesson_entry_spelled_differently(pairs_of):
    assert pairs_of({"course.yaml": COURSE_YAML + "  - lessons//01-intro.md\n"}) == [
        ("duplicate-lesson", "course.yaml:7")
    ]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ("../outside.md", "path-outside-course"),
        ("/etc/passwd.md", "path-outside-course"),
        ("lessons\\01-intro.md", "path-outside-course"),
        ("lessons/notes.txt", "bad-lesson-file"),
        ("{a: 1}", "bad-value"),
        ('""', "bad-value"),
    ],
)
def test_bad_lesson_entries(pairs_of, entry, code):
    assert pairs_of({"course.yaml": COURSE_YAML + f"  - {entry}\n"}) == [
        (code, "course.yaml:7")
    ]


@pytest.mark.parametrize("value", ["", " lessons/01-intro.md", " []", " {}"])
def test_lessons_must_be_a_non_empty_list(pairs_of, value):
    text = COURSE_YAML.replace("lessons:\n  - lessons/01-intro.md\n", f"lessons:{value}\n")
    assert pairs_of({"course.yaml": text}) == [("bad-value", "course.yaml:5")]


def test_duplicate_lesson_ids_from_front_matter(errors_of):
    root, diagnostics = errors_of({
        "lessons/01-a.md": "---\ntitle: A\nid: same\n---\n\nText.\n",
        "lessons/02-b.md": "---\ntitle: B\nid: same\n---\n\nText.\n",
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("duplicate-id", "lessons/02-b.md:1")
    ]
    assert diagnostics[0].message.startswith("lesson id 'same' is already used by ")
    assert diagnostics[0].message.endswith("01-a.md")


def test_front_matter_id_colliding_with_a_derived_id(pairs_of):
    assert pairs_of({
        "lessons/01-a.md": FM + "Text.\n",
        "lessons/02-b.md": "---\ntitle: B\nid: lesson-01-a\n---\n",
    }) == [("duplicate-id", "lessons/02-b.md:1")]


@pytest.mark.parametrize(
    ("line", "code", "lineno"),
    [
        ("id: 1-course", "bad-course-id", 1),
        ("id: my course", "bad-course-id", 1),
        ("id: kurs-ü", "bad-course-id", 1),
        ("id: " + "a" * 65, "bad-course-id", 1),
        ("language: english", "bad-language", 3),
        ("language: en_GB", "bad-language", 3),
        ("version: 1.10", "bad-version", 4),
        ("version: 2.0", "bad-version", 4),
        ('version: "1 0"', "bad-version", 4),
        ("version: v1/2", "bad-version", 4),
    ],
)
def test_bad_course_id_language_and_version(pairs_of, line, code, lineno):
    key = line.split(":")[0]
    text = re.sub(rf"(?m)^{key}: .*$", lambda _m: line, COURSE_YAML)
    assert pairs_of({"course.yaml": text}) == [(code, f"course.yaml:{lineno}")]


def test_float_version_explains_the_quoting(errors_of):
    diagnostic = only(errors_of, {"course.yaml": COURSE_YAML.replace('"1.0.0"', "1.10")})
    assert diagnostic.message == "version 1.1 was read as a number"
    assert diagnostic.hint == 'quote it, e.g. version: "1.10", so that 1.10 does not become 1.1'


def test_bad_language_message(errors_of):
    diagnostic = only(errors_of, {"course.yaml": COURSE_YAML.replace("en", "English")})
    assert diagnostic.message == "'English' is not a BCP 47 language tag"
    assert diagnostic.hint == "use a tag such as en, en-GB, fr or pt-BR"


@pytest.mark.parametrize("value", ["101", "-1", "80.5", '"80"', "true", "[80]"])
def test_passing_score_out_of_range(pairs_of, value):
    text = COURSE_YAML + f"tracking:\n  completion: all-lessons\n  passing_score: {value}\n"
    assert pairs_of({"course.yaml": text}) == [("bad-value", "course.yaml:9")]


@pytest.mark.parametrize("value", [0, 80, 100])
def test_passing_score_in_range(load, value):
    text = COURSE_YAML + f"tracking:\n  passing_score: {value}\n"
    assert load({"course.yaml": text}).tracking.passing_score == value


def test_passing_score_message(errors_of):
    diagnostic = only(errors_of, {"course.yaml": COURSE_YAML + "tracking:\n  passing_score: 101\n"})
    assert diagnostic.message == "passing_score must be a whole percentage from 0 to 100, not 101"
    assert diagnostic.hint == "for example: passing_score: 80"


def test_tracking_must_be_a_mapping_and_completion_known(pairs_of):
    assert pairs_of({"course.yaml": COURSE_YAML + "tracking: all-lessons\n"}) == [
        ("bad-value", "course.yaml:7")
    ]
    assert pairs_of({"course.yaml": COURSE_YAML + "tracking:\n  completion: passed\n"}) == [
        ("bad-value", "course.yaml:8")
    ]


def test_wrong_value_types_in_course_yaml(pairs_of):
    text = COURSE_YAML.replace("title: Test course", "title: {a: 1}") + (
        "description: 2024-01-01\nkeywords: {a: 1}\nauthors:\n  - Ann\n  - [x]\n"
    )
    assert pairs_of({"course.yaml": text}) == [
        ("bad-value", "course.yaml:2"),
        ("bad-value", "course.yaml:7"),
        ("bad-value", "course.yaml:11"),
        ("bad-value", "course.yaml:8"),
    ]


def test_long_titles_are_kept_in_full(load):
    """Titles are not refused for length (issue 13): the pages keep them, and writers
    shorten them with a warning only where a format limits them (tests/test_text_kept.py)."""
    course = load({"course.yaml": COURSE_YAML.replace("Test course", "x" * 301),
                   LESSON: "---\ntitle: " + "y" * 300 + "\n---\n"})
    assert course.title == "x" * 301
    assert course.lessons[0].title == "y" * 300


def test_description_too_long(pairs_of):
    text = COURSE_YAML + "description: " + "x" * 1001 + "\n"
    assert pairs_of({"course.yaml": text}) == [("value-too-long", "course.yaml:7")]


def test_unsafe_yaml_tags_are_refused(pairs_of):
    text = COURSE_YAML + "description: !!python/object/apply:os.system [echo hi]\n"
    assert pairs_of({"course.yaml": text}) == [("yaml-syntax", "course.yaml:7")]


def test_non_utf8_course_yaml(errors_of):
    root, diagnostics = errors_of({"course.yaml": (COURSE_YAML + "description: caf\xe9\n").encode(
        "latin-1")})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("not-utf8", "course.yaml:7")]
    assert diagnostics[0].hint.startswith("save the file as UTF-8")


def test_control_character_in_course_yaml(errors_of):
    root, diagnostics = errors_of({"course.yaml": COURSE_YAML + "description: a\x01b\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("illegal-character", "course.yaml:7")
    ]
    assert diagnostics[0].message == "control character U+0001 cannot appear in a YAML file"
    assert diagnostics[0].hint


def test_escaped_control_characters_in_yaml_strings(errors_of):
    # YAML escapes can spell characters no XML document may hold; they must not reach a writer.
    text = COURSE_YAML.replace("Test course", '"Test\\x01course"') + (
        'description: "a\\uFFFEb"\nkeywords:\n  - fine\n  - "a\\x0c\\x1bb"\n'
    )
    root, diagnostics = errors_of({"course.yaml": text})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("illegal-character", "course.yaml:2"),
        ("illegal-character", "course.yaml:7"),
        ("illegal-character", "course.yaml:10"),
    ]
    assert diagnostics[0].message == "'title' contains control character U+0001"
    assert diagnostics[2].message == "item 2 of 'keywords' contains control character U+000C"
    assert all(d.hint for d in diagnostics)


@pytest.mark.parametrize("char", ["\\x1c", "\\x1f", "\\x0b", "\\x00"])
def test_control_characters_python_counts_as_spaces_are_still_refused(pairs_of, char):
    # str.split() treats U+000B, U+000C and U+001C-U+001F as whitespace; they must not be
    # silently turned into spaces in one place and refused in another.
    text = COURSE_YAML.replace("Test course", f'"Test{char}course"')
    assert pairs_of({"course.yaml": text}) == [("illegal-character", "course.yaml:2")]


def test_tabs_and_line_breaks_in_quoted_values_become_spaces(load):
    """Breaking white space becomes one space; a no-break space is the author's and stays
    (issue 13: French typography)."""
    text = COURSE_YAML.replace("Test course", '"Test\\tcourse\\n\\u2028 one\\u00a0two"')
    assert load({"course.yaml": text}).title == "Test course one\u00a0two"


def test_yaml_alias_bomb_is_refused_quickly(load):
    # Nested aliases share nodes: the file is refused from its node graph, before anything
    # expands it (10**8 items here), at the line where it passes the limit.
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8)
    )
    text = COURSE_YAML + "tracking:\n  <<: {completion: launch}\n" + "x-" + bomb.replace(
        "\na", "\nx-a")
    started = time.perf_counter()
    with pytest.raises(SourceError) as info:
        load({"course.yaml": text})
    assert time.perf_counter() - started < 5
    [diagnostic] = info.value.diagnostics()
    line = COURSE_YAML.count("\n") + 3 + 4  # x-a4, the first to pass 100,000 (111,111)
    assert (diagnostic.code, diagnostic.location.line) == ("yaml-too-large", line)
    assert diagnostic.message == ("this YAML expands to more than 100000 values once its "
                                  "aliases (*name) are followed")


def _unreadable(monkeypatch, name: str) -> None:
    # (chmod 000 does not stop root, who runs the tests in CI containers)
    real = os.open

    def open_file(path, *args, **kwargs):
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", open_file)


def test_unreadable_course_yaml(tmp_path, make_course, monkeypatch):
    root = make_course(tmp_path, {})
    _unreadable(monkeypatch, "course.yaml")
    with pytest.raises(SourceError) as info:
        load_course(root)
    (diagnostic,) = info.value.diagnostics()
    assert (diagnostic.code, where(diagnostic, root)) == ("file-unreadable", "course.yaml")
    assert diagnostic.message == "cannot read course.yaml: Permission denied"
    assert diagnostic.hint


def test_unreadable_lesson(pairs_of, monkeypatch):
    _unreadable(monkeypatch, "01-intro.md")
    assert pairs_of({}) == [("file-unreadable", LESSON)]


# --- front matter ---------------------------------------------------------------------------


def test_unknown_key_in_front_matter(errors_of):
    root, diagnostics = errors_of({LESSON: "---\ntitle: T\nobjective: Learn\n---\n\nText.\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("unknown-key", f"{LESSON}:3")]
    assert diagnostics[0].hint == "did you mean 'objectives'?"


def test_missing_title_in_front_matter(errors_of):
    root, diagnostics = errors_of({LESSON: "---\nminutes: 5\n---\n\nText.\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("missing-key", f"{LESSON}:2")]
    assert diagnostics[0].message == "required key 'title' is missing in the top level"


def test_empty_front_matter(pairs_of):
    assert pairs_of({LESSON: "---\n---\n\nText.\n"}) == [("missing-key", f"{LESSON}:2")]


def test_yaml_syntax_error_in_front_matter(pairs_of):
    text = "---\ntitle: T\nminutes: 5\nobjectives: Learn: things\n---\n\nText.\n"
    assert pairs_of({LESSON: text}) == [("yaml-syntax", f"{LESSON}:4")]


def test_front_matter_that_is_not_a_mapping(pairs_of):
    assert pairs_of({LESSON: "---\n- a\n---\n\nText.\n"}) == [("yaml-not-mapping", f"{LESSON}:2")]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("minutes: 0", "bad-value"),
        ("minutes: 2.5", "bad-value"),
        ("minutes: ten", "bad-value"),
        ("id: 1st", "bad-id"),
        ("id: a b", "bad-id"),
        ("objectives: {a: 1}", "bad-value"),
        ("title: [a]", "bad-value"),
    ],
)
def test_bad_front_matter_values(pairs_of, line, code):
    assert pairs_of({LESSON: f"---\ntitle: T\nminutes: 5\n{line}\n---\n\nText.\n"}) == [
        (code, f"{LESSON}:4")
    ]


def test_escaped_control_characters_in_front_matter(pairs_of):
    text = '---\ntitle: "a\\x01"\nobjectives:\n  - ok\n  - "\\x02"\n---\n\nText.\n'
    assert pairs_of({LESSON: text}) == [
        ("illegal-character", f"{LESSON}:2"),
        ("illegal-character", f"{LESSON}:5"),
    ]


def test_missing_front_matter(errors_of):
    root, diagnostics = errors_of({LESSON: "## Welcome\n\nText.\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("missing-front-matter", f"{LESSON}:1")
    ]
    assert diagnostics[0].hint == "start the file with '---', then 'title: ...', then '---'"


def test_unclosed_front_matter(pairs_of):
    assert pairs_of({LESSON: "---\ntitle: T\n\nText.\n"}) == [
        ("missing-front-matter", f"{LESSON}:1")
    ]


# --- lesson bodies: characters and encodings --------------------------------------------------


def test_control_character_in_a_lesson(errors_of):
    root, diagnostics = errors_of({LESSON: FM + "Fine.\n\nPasted\x0btext.\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("illegal-character", f"{LESSON}:7")
    ]
    assert diagnostics[0].message == "control character U+000B cannot appear in a lesson"
    assert diagnostics[0].hint is not None


def test_control_character_in_front_matter_line(pairs_of):
    assert pairs_of({LESSON: "---\ntitle: A\x1fB\n---\n"}) == [("illegal-character", f"{LESSON}:2")]


def test_character_yaml_refuses_in_front_matter(errors_of):
    # U+0080 is legal XML (so the body check lets it through) but not legal YAML.
    root, diagnostics = errors_of({LESSON: "---\nminutes: 3\ntitle: A\x80B\n---\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("illegal-character", f"{LESSON}:3")
    ]
    assert diagnostics[0].message == "control character U+0080 cannot appear in a YAML file"


def test_non_utf8_lesson(errors_of):
    root, diagnostics = errors_of({LESSON: (FM + "Line.\n\nCaf\xe9.\n").encode("latin-1")})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("not-utf8", f"{LESSON}:7")]
    assert diagnostics[0].hint.startswith("save the file as UTF-8")


def test_lesson_with_only_front_matter_loads(load):
    assert xhtml(load({LESSON: "---\ntitle: T\n---"}).lessons[0].body) == ""


# --- images -------------------------------------------------------------------------------


def test_image_without_alt_text(errors_of):
    root, diagnostics = errors_of({
        LESSON: FM + "Intro.\n\n![](../media/dot.svg)\n", "media/dot.svg": SVG,
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("image-missing-alt", f"{LESSON}:7")
    ]
    assert diagnostics[0].message == "image '../media/dot.svg' has no alt text"
    assert "alt" in (diagnostics[0].hint or "") or "describe" in (diagnostics[0].hint or "")


def test_image_file_missing(errors_of):
    root, diagnostics = errors_of({LESSON: FM + "![A dot](../media/dot.png)\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("file-missing", f"{LESSON}:5")]
    assert diagnostics[0].message == (
        "image '../media/dot.png' does not exist (looked for media/dot.png)"
    )


@pytest.mark.parametrize(
    "src", ["https://example.org/a.png", "//cdn.example.org/a.png", "/media/a.png"]
)
def test_external_image(pairs_of, src):
    assert pairs_of({LESSON: FM + f"![A dot]({src})\n"}) == [("external-resource", f"{LESSON}:5")]


@pytest.mark.parametrize("src", ["../../secret.png", "../../../etc/a.svg", ".."])
def test_image_path_escaping_the_course(pairs_of, src):
    assert pairs_of({LESSON: FM + f"![A dot]({src})\n"}) == [
        ("path-outside-course", f"{LESSON}:5")
    ]


def test_unsupported_image_type(errors_of):
    root, diagnostics = errors_of({
        LESSON: FM + "![A dot](../media/dot.bmp)\n", "media/dot.bmp": "BM",
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("unsupported-media", f"{LESSON}:5")
    ]
    assert diagnostics[0].hint == "use one of: .gif, .jpeg, .jpg, .png, .svg, .webp"


def test_image_line_is_found_inside_a_multi_line_paragraph_and_table(pairs_of):
    text = FM + "One\ntwo\nthree ![](../media/a.svg)\n\n"
    text += "| a | b |\n| - | - |\n| x | ![](../b.svg) |\n"
    assert pairs_of({LESSON: text, "media/a.svg": SVG, "b.svg": SVG}) == [
        ("image-missing-alt", f"{LESSON}:7"),
        ("image-missing-alt", f"{LESSON}:11"),
    ]


# --- links --------------------------------------------------------------------------------


def test_broken_link_to_a_non_lesson_markdown_file(errors_of):
    root, diagnostics = errors_of({
        LESSON: FM + "See [the notes](../notes/extra.md).\n",
        "notes/extra.md": "---\ntitle: Notes\n---\n",
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [("broken-link", f"{LESSON}:5")]
    assert diagnostics[0].message == (
        "link '../notes/extra.md' does not point to a lesson of this course"
    )
    assert "01-intro.md" in (diagnostics[0].hint or "")


def test_link_to_a_missing_heading_anchor(errors_of):
    root, diagnostics = errors_of({
        LESSON: FM + "## Here\n\nSee [there](02-next.md#nowhere) and [here](#nope).\n",
        "lessons/02-next.md": FM + "## There\n\nText.\n",
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("broken-link", f"{LESSON}:7"),
        ("broken-link", f"{LESSON}:7"),
    ]
    assert diagnostics[0].message == (
        "link '02-next.md#nowhere': 'lessons/02-next.md' has no heading '#nowhere'"
    )
    assert diagnostics[0].hint == "headings there: there"
    assert diagnostics[1].hint == "headings there: here"


def test_broken_link_line_with_a_percent_encoded_url(pairs_of):
    # The parser percent-encodes 'café.md'; the line must still be the link's own line.
    assert pairs_of({LESSON: FM + "One\ntwo\n[x](café.md)\n"}) == [("broken-link", f"{LESSON}:7")]


def test_links_to_an_unreadable_lesson_are_not_reported_twice(pairs_of):
    assert pairs_of({
        LESSON: "No front matter.\n",
        "lessons/02-next.md": FM + "[back](01-intro.md) [part](01-intro.md#x) [gone](03.md)\n",
    }) == [
        ("missing-front-matter", f"{LESSON}:1"),
        ("broken-link", "lessons/02-next.md:5"),
    ]


def test_link_to_course_yaml_is_broken(pairs_of):
    assert pairs_of({LESSON: FM + "[cfg](../course.yaml)\n"}) == [("broken-link", f"{LESSON}:5")]


# --- headings -----------------------------------------------------------------------------


def test_level_one_heading_in_body(errors_of):
    root, diagnostics = errors_of({LESSON: FM + "# Title again\n\nText.\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("heading-level", f"{LESSON}:5")]
    assert diagnostics[0].message == "a lesson body cannot use a level-1 heading ('#')"


def test_setext_level_one_heading_in_body(pairs_of):
    assert pairs_of({LESSON: FM + "Title\n=====\n"}) == [("heading-level", f"{LESSON}:5")]


def test_skipped_heading_level(errors_of):
    root, diagnostics = errors_of({LESSON: FM + "## Two\n\nText.\n\n#### Four\n"})
    assert [(d.code, where(d, root)) for d in diagnostics] == [("heading-level", f"{LESSON}:9")]
    assert diagnostics[0].message == "heading level 4 follows level 2: a level is skipped"
    assert diagnostics[0].hint is not None and diagnostics[0].hint.startswith("use ### here")


def test_first_heading_at_level_three_skips_a_level(pairs_of):
    assert pairs_of({LESSON: FM + "### Three\n"}) == [("heading-level", f"{LESSON}:5")]


def test_too_deep_heading(pairs_of):
    text = FM + "## 2\n### 3\n#### 4\n##### 5\n###### 6\n"
    assert pairs_of({LESSON: text}) == [("heading-level", f"{LESSON}:9")]


# --- several problems at once -------------------------------------------------------------


def test_every_problem_of_a_run_is_reported(errors_of):
    root, diagnostics = errors_of({
        "course.yaml": COURSE_YAML.replace("en", "english") + (
            "  - lessons/02-second.md\n  - lessons/03-gone.md\n  - lessons/04-bad.md\n"
            "tracking:\n  passing_score: 200\n"
        ),
        LESSON: FM + "# One\n\n![](../media/none.png)\n",
        "lessons/02-second.md": "---\ntitle: Second\nminuts: 3\n---\n\n[x](01-intro.md#nope)\n",
        "lessons/04-bad.md": "no front matter\n",
    })
    assert [(d.code, where(d, root)) for d in diagnostics] == [
        ("bad-language", "course.yaml:3"),
        ("file-missing", "course.yaml:8"),
        ("bad-value", "course.yaml:11"),
        # first pass, lesson by lesson: front matter and heading structure
        ("heading-level", f"{LESSON}:5"),
        ("unknown-key", "lessons/02-second.md:3"),
        ("missing-front-matter", "lessons/04-bad.md:1"),
        # second pass, once every anchor is known: images and links
        ("image-missing-alt", f"{LESSON}:7"),
        ("file-missing", f"{LESSON}:7"),
        ("broken-link", "lessons/02-second.md:6"),
    ]
    assert all(d.hint for d in diagnostics)


def test_source_errors_render_every_diagnostic(errors_of, tmp_path, make_course):
    root = make_course(tmp_path, {LESSON: FM + "# One\n\n#### Four\n"})
    with pytest.raises(SourceErrors) as info:
        load_course(root)
    text = str(info.value)
    assert text.count("error: ") == 2
    assert text.count("    hint: ") == 2
    assert "01-intro.md:5: error: a lesson body cannot use a level-1 heading" in text


def test_symlinked_image_outside_the_course_is_refused(tmp_path):
    from scormkit import load_course
    from scormkit.errors import SourceErrors, shown

    from .conftest import write_course

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    course = write_course(tmp_path / "course", {
        "lessons/01-a.md": "---\ntitle: A\n---\n\n![A picture](../media/x.png)\n"})
    (course / "media").mkdir(exist_ok=True)
    (course / "media" / "x.png").symlink_to(secret)
    with pytest.raises(SourceErrors) as info:
        load_course(course)
    [diagnostic] = info.value.diagnostics()
    assert diagnostic.code == "path-outside-course"
    # The target is quoted as every message quotes a path (cut when long: pytest's tmp_path
    # is longer under xdist or on CI).
    assert diagnostic.message == ("image '../media/x.png' leads outside the course folder "
                                  f"through a link (to {shown(secret.as_posix())})")
