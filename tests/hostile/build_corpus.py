"""The hostile course sources `scormkit build` must refuse cleanly (issue 12, the build side).

A course repository built in CI takes files from many contributors: each case writes such a
course (nothing binary is committed; `python -m tests.hostile.build_corpus OUT_DIR` writes
them all to look at). A case is a function ``make(course, outside)`` that edits a valid
course in the folder *course*; *outside* is a folder next to it, outside the course, holding
``secret.md``, ``secret.png`` and ``secret.svg`` with the marker SECRET in them (a build that
packages any of them leaks it).

CASES maps a case name to (make, target, expected code or None for "builds", a fragment of
the expected message). tests/test_build_hostile.py runs each in a process of its own;
tests/hostile/measure_build.py prints the closing note's table.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

SECRET = b"SECRET-7f3a9c"
"""In every file outside the course: found in a package, it leaked."""
FM = "---\ntitle: Intro\n---\n\n"
COURSE_YAML = (
    "id: hostile\ntitle: Hostile\nlanguage: en\nversion: \"1.0.0\"\n"
    "lessons:\n  - lessons/01-intro.md\n"
)
QUIZ_YAML = COURSE_YAML + "quiz: quizzes/check.quiz.md\n"
QUIZ = "---\ntitle: Check\n---\n\n## Question one\n\n- [x] a\n- [ ] b\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00" \
      b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N" \
      b"\x00\x00\x00\x00IEND\xaeB`\x82"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">{}</svg>'


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def base(course: Path, outside: Path, *, quiz: bool = False) -> None:
    """A valid course, and the secrets outside it."""
    write(course / "course.yaml", QUIZ_YAML if quiz else COURSE_YAML)
    write(course / "lessons/01-intro.md", FM + "## Welcome\n\nText.\n")
    if quiz:
        write(course / "quizzes/check.quiz.md", QUIZ)
    write(outside / "secret.md", FM.encode() + SECRET + b"\n")
    write(outside / "secret.png", PNG + SECRET)
    write(outside / "secret.svg", SVG.format("<!-- " + SECRET.decode() + " -->"))


def lesson(text: str) -> Callable[[Path, Path], None]:
    def make(course: Path, outside: Path) -> None:
        base(course, outside)
        write(course / "lessons/01-intro.md", FM + text)
    return make


def quiz(text: str) -> Callable[[Path, Path], None]:
    def make(course: Path, outside: Path) -> None:
        base(course, outside, quiz=True)
        write(course / "quizzes/check.quiz.md", text)
    return make


def image(name: str, data: bytes | str, text: str | None = None) -> Callable[[Path, Path], None]:
    """A lesson showing media/*name*, which holds *data*."""
    def make(course: Path, outside: Path) -> None:
        base(course, outside)
        write(course / "media" / name, data)
        write(course / "lessons/01-intro.md", FM + (text or f"![A picture](../media/{name})\n"))
    return make


def course_yaml(extra: str) -> Callable[[Path, Path], None]:
    def make(course: Path, outside: Path) -> None:
        base(course, outside)
        write(course / "course.yaml", COURSE_YAML + extra)
    return make


# --- links and special files -------------------------------------------------------------


def lesson_link(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "lessons/01-intro.md").unlink()
    (course / "lessons/01-intro.md").symlink_to(outside / "secret.md")


def quiz_link(course: Path, outside: Path) -> None:
    base(course, outside, quiz=True)
    (course / "quizzes/check.quiz.md").unlink()
    (course / "quizzes/check.quiz.md").symlink_to(outside / "secret.md")


def course_yaml_link(course: Path, outside: Path) -> None:
    base(course, outside)
    write(outside / "course.yaml", COURSE_YAML + "description: " + SECRET.decode() + "\n")
    (course / "course.yaml").unlink()
    (course / "course.yaml").symlink_to(outside / "course.yaml")


def lessons_folder_link(course: Path, outside: Path) -> None:
    base(course, outside)
    write(outside / "lessons/01-intro.md", FM + SECRET.decode() + "\n")
    for path in (course / "lessons").iterdir():
        path.unlink()
    (course / "lessons").rmdir()
    (course / "lessons").symlink_to(outside / "lessons")


def media_folder_link(course: Path, outside: Path) -> None:
    base(course, outside)
    write(outside / "media/x.png", PNG + SECRET)
    (course / "media").symlink_to(outside / "media")
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/x.png)\n")


def media_subfolder_link(course: Path, outside: Path) -> None:
    """A folder in the middle of the path links out; the file name itself is no link (the
    case where only the last part of the path was checked)."""
    base(course, outside)
    (course / "media").mkdir()
    (course / "media/sub").symlink_to(outside)
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/sub/secret.png)\n")


def image_link(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "media").mkdir()
    (course / "media/x.svg").symlink_to(outside / "secret.svg")
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/x.svg)\n")


def image_link_inside(course: Path, outside: Path) -> None:
    """A link that stays inside the course is fine."""
    base(course, outside)
    write(course / "assets/x.png", PNG)
    (course / "media").mkdir()
    (course / "media/x.png").symlink_to(course / "assets/x.png")
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/x.png)\n")


def image_device(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "media").mkdir()
    (course / "media/x.png").symlink_to("/dev/zero")
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/x.png)\n")


def link_loop(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "media").mkdir()
    (course / "media/x.png").symlink_to(course / "media/y.png")
    (course / "media/y.png").symlink_to(course / "media/x.png")
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/x.png)\n")


def lesson_fifo(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "lessons/01-intro.md").unlink()
    os.mkfifo(course / "lessons/01-intro.md")


def image_fifo(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "media").mkdir()
    os.mkfifo(course / "media/x.png")
    write(course / "lessons/01-intro.md", FM + "![A picture](../media/x.png)\n")


def quiz_socket(course: Path, outside: Path) -> None:
    base(course, outside, quiz=True)
    (course / "quizzes/check.quiz.md").unlink()
    # A Unix socket path is limited to about 100 bytes: bind from inside the folder.
    here = os.getcwd()
    os.chdir(course / "quizzes")
    try:
        server = socket.socket(socket.AF_UNIX)
        server.bind("check.quiz.md")
        server.close()
    finally:
        os.chdir(here)


def course_yaml_fifo(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "course.yaml").unlink()
    os.mkfifo(course / "course.yaml")


def quiz_image_link(course: Path, outside: Path) -> None:
    """The quiz reads its images through the same checks as the lessons."""
    base(course, outside, quiz=True)
    (course / "media").mkdir()
    (course / "media/x.png").symlink_to(outside / "secret.png")
    write(course / "quizzes/check.quiz.md", QUIZ.replace(
        "- [x] a", "![A chart](../media/x.png)\n\n- [x] a"))


def lesson_folder_as_file(course: Path, outside: Path) -> None:
    base(course, outside)
    (course / "lessons/01-intro.md").unlink()
    (course / "lessons/01-intro.md").mkdir()


def huge_lesson(course: Path, outside: Path) -> None:
    base(course, outside)
    with (course / "lessons/01-intro.md").open("w", encoding="utf-8") as out:
        out.write(FM)
        line = "Text " * 20 + "\n"
        for _ in range(17 * 2**20 // len(line)):
            out.write(line)


# --- YAML ----------------------------------------------------------------------------------


def alias_bomb(key: str = "k", levels: int = 9) -> str:
    """About 700 bytes that expand to 9**9 (387 million) strings."""
    lines = [f'{key}0: &{key}0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{key}{n}: &{key}{n} [" + ",".join([f"*{key}{n - 1}"] * 9) + "]"
              for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def flow_bomb() -> str:
    """The same bomb as one YAML flow mapping (a quiz heading's settings are one line)."""
    parts = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    parts += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    return "{" + ", ".join(parts) + ", id: *a8}"


def completion_bomb(course: Path, outside: Path) -> None:
    base(course, outside)
    bomb = alias_bomb("b").replace("\n", "\n  ")
    write(course / "course.yaml", COURSE_YAML + "tracking:\n  " + bomb.rstrip() +
          "\n  completion: *b8\n")


def front_matter_bomb(course: Path, outside: Path) -> None:
    base(course, outside)
    write(course / "lessons/01-intro.md", "---\ntitle: Intro\n" + alias_bomb("o") +
          "objectives: *o8\n---\n\nText.\n")


def deep_yaml(course: Path, outside: Path) -> None:
    base(course, outside)
    write(course / "course.yaml", COURSE_YAML + "keywords: " + "[" * 999 + "]" * 999 + "\n")


# --- SVG -----------------------------------------------------------------------------------

ENTITY_SVG = ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY x "&#60;script&#62;alert(1)'
              '&#60;/script&#62;">\n]>\n' + SVG.format("&x;"))


def moodle_big_image(course: Path, outside: Path) -> None:
    import random
    base(course, outside, quiz=True)
    write(course / "media/big.png", PNG[:8] + random.Random(1).randbytes(8 * 2**20))
    write(course / "quizzes/check.quiz.md", QUIZ.replace(
        "- [x] a", "![A chart](../media/big.png)\n\n- [x] a"))


def many_references(course: Path, outside: Path) -> None:
    """One image shown 20,000 times: read and checked once."""
    base(course, outside)
    write(course / "media/x.png", PNG)
    write(course / "lessons/01-intro.md", FM + "![A dot](../media/x.png)\n" * 20000)


def same_headings(course: Path, outside: Path) -> None:
    """20,000 headings with one title (82 s when ids were made unique quadratically)."""
    base(course, outside)
    write(course / "lessons/01-intro.md", FM + "## Same\n\nText.\n\n" * 20000 +
          "[Last](#same-20000)\n")


def long_values(course: Path, outside: Path) -> None:
    """Values of 400,000 characters in messages: each message quotes a bounded part."""
    base(course, outside)
    write(course / "course.yaml", COURSE_YAML.replace("id: hostile", "id: " + "x!" * 200000)
          + "tracking:\n  completion: " + "y" * 400000 + "\n")


def stale_temporary(course: Path, outside: Path) -> None:
    """dist/ holds what a build killed with SIGKILL left (an hour old): the build removes
    it (checked by the runner, which also plants a fresh one that must stay)."""
    base(course, outside)


CASES: dict[str, tuple[Callable[[Path, Path], None], str, str | None, str]] = {
    # links out of the course, special files, sizes
    "lesson-link-outside": (lesson_link, "scorm12", "path-outside-course",
                            "lesson file 'lessons/01-intro.md' leads outside the course folder"),
    "quiz-link-outside": (quiz_link, "scorm12", "path-outside-course",
                          "quiz file 'quizzes/check.quiz.md' leads outside the course folder"),
    "course-yaml-link-outside": (course_yaml_link, "scorm12", "path-outside-course",
                                 "course.yaml leads outside the course folder"),
    "lessons-folder-link": (lessons_folder_link, "scorm12", "path-outside-course",
                            "lesson file 'lessons/01-intro.md' leads outside"),
    "media-folder-link": (media_folder_link, "scorm12", "path-outside-course",
                          "image '../media/x.png' leads outside the course folder"),
    "media-subfolder-link": (media_subfolder_link, "scorm12", "path-outside-course",
                             "image '../media/sub/secret.png' leads outside"),
    "image-link-outside": (image_link, "scorm12", "path-outside-course",
                           "image '../media/x.svg' leads outside the course folder"),
    "image-link-inside": (image_link_inside, "scorm12", None, ""),
    "image-link-to-device": (image_device, "scorm12", "path-outside-course",
                             "(to '/dev/zero')"),
    "image-link-loop": (link_loop, "scorm12", "file-unreadable", "links that loop"),
    "lesson-fifo": (lesson_fifo, "scorm12", "not-a-file",
                    "is a named pipe (FIFO), not a regular file"),
    "image-fifo": (image_fifo, "scorm12", "not-a-file",
                   "image '../media/x.png' is a named pipe (FIFO)"),
    "quiz-socket": (quiz_socket, "scorm12", "not-a-file", "is a socket, not a regular file"),
    "course-yaml-fifo": (course_yaml_fifo, "scorm12", "not-a-file",
                         "course.yaml is a named pipe (FIFO), not a regular file"),
    "quiz-image-link-outside": (quiz_image_link, "scorm12", "path-outside-course",
                                "image '../media/x.png' leads outside the course folder"),
    "image-nul-in-path": (lesson("![A picture](../media/x%00.png)\n"), "scorm12",
                          "illegal-character", "contains a NUL character"),
    "lesson-is-a-folder": (lesson_folder_as_file, "scorm12", "not-a-file",
                           "is a folder, not a regular file"),
    "lesson-17-mib": (huge_lesson, "scorm12", "file-too-large",
                      "has 17.0 MiB; at most 16.0 MiB are read"),
    "control-character-in-path": (course_yaml('  - "lessons/a\\x07b.md"\n'), "scorm12",
                                  "illegal-character", "'lessons/a\\x07b.md' contains a control"),
    # YAML
    "yaml-bomb-completion": (completion_bomb, "scorm12", "yaml-too-large",
                             "expands to more than 100000 values"),
    "yaml-bomb-front-matter": (front_matter_bomb, "scorm12", "yaml-too-large",
                               "expands to more than 100000 values"),
    "yaml-bomb-quiz-heading": (quiz(QUIZ.replace("## Question one", "## Question one " +
                                                 flow_bomb())), "scorm12", "yaml-too-large",
                               "expands to more than 100000 values"),
    "yaml-recursive-alias": (course_yaml("keywords: &k [a, *k]\n"), "scorm12",
                             "yaml-recursive", "used inside its own anchor"),
    "yaml-999-levels": (deep_yaml, "scorm12", "yaml-too-deep", "nested more than 20 levels"),
    "yaml-5000-digit-number": (course_yaml("tracking:\n  passing_score: " + "9" * 5000 + "\n"),
                               "scorm12", "yaml-too-large", "a number of 5000 characters"),
    "yaml-bad-date": (course_yaml("keywords: [2001-02-30]\n"), "scorm12", "yaml-syntax",
                      "'2001-02-30' is not a valid timestamp"),
    "yaml-bad-tagged-float": (course_yaml("keywords: [!!float abc]\n"), "scorm12",
                              "yaml-syntax", "'abc' is not a valid float"),
    "yaml-2-mb": (course_yaml("# " + "x" * 2_000_000 + "\n"), "scorm12", "yaml-too-large",
                  "at most 1000000 are read"),
    "long-values": (long_values, "scorm12", "bad-course-id", "…' (400000 characters)"),
    "long-unknown-key": (course_yaml("? " + "k" * 300_000 + "\n: 1\n"), "scorm12", "unknown-key",
                         "…' (300000 characters) in the top level"),
    # (escape sequences are refused as illegal characters before any other check)
    "bidi-and-line-separator-in-answer": (
        quiz(QUIZ.replace("## Question one", "## Question one {type: numeric}").replace(
            "- [x] a\n- [ ] b\n", "- 1\u202e2\u2028error: forged [x]\n")), "scorm12",
        "bad-number", "'1\\u202e2\\u2028error: forged [x]' is not a numeric answer"),
    "escape-sequence-in-lesson": (lesson("Text \x1b[2J\x1b]0;title\x07.\n"), "scorm12",
                                  "illegal-character", ""),
    # Markdown
    "list-10-deep": (lesson("".join("  " * i + "- item\n" for i in range(10)) + "\nAfter.\n"),
                     "scorm12", "nesting-too-deep", "nested more than 20 levels deep"),
    "quotes-20-deep": (lesson("> " * 20 + "deep\n\nAfter.\n"), "scorm12", "nesting-too-deep",
                       "the parser would drop the rest of the lesson"),
    "quotes-20-deep-in-quiz": (quiz(QUIZ + "\n" + "> " * 21 + "Feedback: x\n"), "scorm12",
                               "nesting-too-deep", "the rest of the quiz"),
    "image-file-url": (lesson("![A secret](file:///etc/passwd)\n"), "scorm12", "file-url",
                       "'file:///etc/passwd' is a file: URL"),
    "link-file-url": (lesson("[the notes](file:///home/me/notes.md)\n"), "scorm12",
                      "file-url", "'file:///home/me/notes.md' is a file: URL"),
    "autolink-file-url": (lesson("<file:///etc/passwd>\n"), "scorm12", "file-url",
                          "is a file: URL"),
    "link-javascript": (lesson("[click](javascript:alert(document.cookie))\n"), "scorm12",
                        "script-url", "would run a script"),
    "reference-vbscript": (lesson("[click][x]\n\n[x]: vbscript:msgbox\n"), "scorm12",
                           "script-url", "would run a script"),
    "quiz-javascript": (quiz(QUIZ + "\n> Feedback: [more](javascript:alert(1))\n"), "scorm12",
                        "script-url", "would run a script"),
    "image-data-url": (lesson("![A dot](data:image/png;base64,iVBORw0KGgo=)\n"), "scorm12",
                       "data-url", "data: URLs are not accepted"),
    # images: content, not extension
    "html-saved-as-png": (image("x.png", "<!doctype html><script>alert(1)</script>"),
                          "scorm12", "media-type-mismatch",
                          "is named as a PNG image but holds an HTML page"),
    "svg-saved-as-png": (image("x.png", SVG.format("")), "scorm12", "media-type-mismatch",
                         "holds an SVG image"),
    "empty-png": (image("x.png", b""), "scorm12", "media-type-mismatch",
                  "holds nothing (the file is empty)"),
    "jpeg-saved-as-gif": (image("x.gif", b"\xff\xd8\xff\xe0" + b"\0" * 100), "scorm12",
                          "media-type-mismatch", "named as a GIF image but holds a JPEG"),
    "svg-script": (image("x.svg", SVG.format("<script>alert(1)</script>")), "scorm12",
                   "svg-script", "has a <script> element"),
    "svg-onload": (image("x.svg", SVG.format("").replace("<svg ", '<svg onload="alert(1)" ')),
                   "scorm12", "svg-script", "<svg> has the event attribute onload"),
    "svg-javascript-href": (image("x.svg", SVG.format(
        '<a href="java&#9;script:alert(1)"><text>x</text></a>')), "scorm12", "svg-script",
        "attribute href holds a URL that runs a script"),
    "svg-animated-href": (image("x.svg", SVG.format(
        '<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>')),
        "scorm12", "svg-script", "attribute to holds a URL"),
    "svg-foreign-iframe": (image("x.svg", SVG.format(
        '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://e.org"/>'
        "</foreignObject>")), "scorm12", "svg-script", "has a <iframe> element"),
    "svg-entities": (image("x.svg", ENTITY_SVG), "scorm12", "svg-doctype",
                     "DOCTYPE has an internal subset"),
    "svg-xml-stylesheet": (image("x.svg", '<?xml-stylesheet type="text/xsl" href="x.xsl"?>'
                                 + SVG.format("")), "scorm12", "svg-script",
                           "xml-stylesheet instruction"),
    "svg-remote-image": (image("x.svg", SVG.format('<image href="https://e.org/t.png"/>')),
                         "scorm12", "svg-external", "loads 'https://e.org/t.png'"),
    "svg-not-svg-namespace": (image("x.svg", "<svg><rect/></svg>"), "scorm12",
                              "media-type-mismatch", "not <svg> in the SVG namespace"),
    "svg-17-mib": (image("x.svg", SVG.format("<!--" + "x" * (17 * 2**20) + "-->")),
                   "scorm12", "svg-too-large", "17.0 MiB of markup; at most 16 MiB are read"),
    "svg-300000-elements": (image("x.svg", SVG.format("<g/>" * 300_000)), "scorm12",
                            "svg-too-large", "more than 200,000 elements and attributes"),
    "svg-20000-attributes-on-one-element": (
        image("x.svg", SVG.format("<g " + " ".join(f'a{n}="1"' for n in range(20_000)) +
                                  "/>")), "scorm12", "svg-too-large",
        "20,000 attributes on one element (line 1); at most 100 are read"),
    "svg-150000-elements": (image("x.svg", SVG.format('<rect width="1"/>' * 75_000)),
                            "scorm12", None, ""),  # within the bounds: built
    "svg-not-well-formed": (image("x.svg", SVG.format("<g>")), "scorm12",
                            "media-type-mismatch", "holds markup that is not well-formed XML"),
    "svg-in-quiz": (quiz(QUIZ.replace("- [x] a", "![A chart](../media/x.svg)\n\n- [x] a")
                         ), "scorm12", None, ""),  # replaced below: needs the SVG file
    # sizes and repetition
    "moodlexml-8-mib-image": (moodle_big_image, "moodlexml", "moodlexml-media-too-large",
                              "at most 7.2 MiB an image"),
    # Text over libxml2's 10,000,000 characters a node: refused by the validation build runs
    # (no package), located in the package's XML rather than in the quiz (left as it is).
    "moodlexml-10-million-character-stem": (
        quiz(QUIZ.replace("- [x] a", "word " * 2_100_000 + "\n\n- [x] a")), "moodlexml",
        "xml-malformed", "Text node too long"),
    "one-image-20000-times": (many_references, "scorm12", None, ""),
    "20000-same-headings": (same_headings, "scorm12", None, ""),
    "stale-temporary-file": (stale_temporary, "scorm12", None, ""),
}


def _svg_in_quiz(course: Path, outside: Path) -> None:
    base(course, outside, quiz=True)
    write(course / "media/x.svg", SVG.format('<circle r="1" onclick="alert(1)"/>'))
    write(course / "quizzes/check.quiz.md", QUIZ.replace(
        "- [x] a", "![A chart](../media/x.svg)\n\n- [x] a"))


CASES["svg-in-quiz"] = (_svg_in_quiz, "scorm12", "svg-script",
                        "<circle> has the event attribute onclick")


def make(case: str, folder: Path) -> tuple[Path, Path]:
    """Write *case* under *folder*: the course and the folder outside it."""
    course, outside = folder / "course", folder / "outside"
    course.mkdir(parents=True)
    outside.mkdir(parents=True)
    CASES[case][0](course, outside)
    return course, outside


if __name__ == "__main__":  # pragma: no cover
    out = Path(sys.argv[1])
    for name in CASES:
        make(name, out / name)
    print(f"{len(CASES)} cases written to {out}")
