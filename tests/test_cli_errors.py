"""The command line on bad courses: exit code 1, 'path:line: error:' lines with a hint on
stderr, no traceback, and nothing written. Plus --version and --help everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import pytest

from scormkit import __version__
from scormkit.cli import cli

COURSE_YAML = """\
id: test-course
title: Test course
language: en
version: "1.0.0"
lessons:
  - lessons/01-intro.md
"""
FM = "---\ntitle: Lesson\n---\n\n"
LESSON = "lessons/01-intro.md"

# name -> (files, text expected on stderr, hint expected on stderr)
BAD_COURSES: dict[str, tuple[dict[str, str | bytes | None], str, str]] = {
    "unknown-key": (
        {"course.yaml": COURSE_YAML + "titel: Other\n"},
        "course/course.yaml:7: error: unknown key 'titel' in the top level [unknown-key]",
        "    hint: did you mean 'title'?",
    ),
    "yaml-syntax": (
        {"course.yaml": COURSE_YAML.replace("Test course", "Intro: the basics")},
        "course/course.yaml:2: error: this is not valid YAML: ",
        "    hint: check indentation and quoting",
    ),
    "missing-course-yaml": (
        {"course.yaml": None},
        "course/course.yaml: error: no course.yaml in 'course' [file-missing]",
        "    hint: run scormkit in a course folder or pass its path",
    ),
    "missing-lesson": (
        {"course.yaml": COURSE_YAML + "  - lessons/02-gone.md\n"},
        "course/course.yaml:7: error: lesson file 'lessons/02-gone.md' does not exist",
        "    hint: create lessons/02-gone.md or fix the path",
    ),
    "float-version": (
        {"course.yaml": COURSE_YAML.replace('"1.0.0"', "1.10")},
        "course/course.yaml:4: error: version 1.1 was read as a number [bad-version]",
        '    hint: quote it, e.g. version: "1.10"',
    ),
    "passing-score": (
        {"course.yaml": COURSE_YAML + "tracking:\n  passing_score: 150\n"},
        "course/course.yaml:8: error: passing_score must be a whole percentage",
        "    hint: for example: passing_score: 80",
    ),
    "image-alt": (
        {LESSON: FM + "![](../media/a.svg)\n", "media/a.svg": "<svg/>"},
        f"course/{LESSON}:5: error: image '../media/a.svg' has no alt text [image-missing-alt]",
        "    hint: describe the picture between the brackets",
    ),
    "image-external": (
        {LESSON: FM + "![A logo](https://example.org/logo.png)\n"},
        f"course/{LESSON}:5: error: image 'https://example.org/logo.png' is loaded from outside",
        "    hint: packages must work offline",
    ),
    "broken-link": (
        {LESSON: FM + "Text.\n\n[more](02-more.md)\n"},
        f"course/{LESSON}:7: error: link '02-more.md' does not point to a lesson of this course",
        "    hint: link to a lesson file listed in course.yaml (01-intro.md)",
    ),
    "heading-skip": (
        {LESSON: FM + "## Two\n\n#### Four\n"},
        f"course/{LESSON}:7: error: heading level 4 follows level 2: a level is skipped",
        "    hint: use ### here",
    ),
    "missing-front-matter": (
        {LESSON: "## Hello\n"},
        f"course/{LESSON}:1: error: the lesson has no front matter [missing-front-matter]",
        "    hint: start the file with '---'",
    ),
    "control-character": (
        {LESSON: FM + "Pasted\x08text\n"},
        f"course/{LESSON}:5: error: control character U+0008 cannot appear in a lesson",
        "    hint: delete it",
    ),
    "escaped-control-character": (
        {"course.yaml": COURSE_YAML.replace("Test course", '"Test\\x01course"')},
        "course/course.yaml:2: error: 'title' contains control character U+0001",
        "    hint: delete it",
    ),
    "non-utf8": (
        {LESSON: (FM + "Caf\xe9\n").encode("latin-1")},
        f"course/{LESSON}:5: error: the file is not UTF-8: invalid byte 0xE9 at offset 26 "
        "(line 5, column 4) [not-utf8]",
        "    hint: save the file as UTF-8",
    ),
}


def assert_untouched(out: Path) -> None:
    assert not out.exists() or not any(out.iterdir()), sorted(out.iterdir())


@pytest.mark.parametrize("name", sorted(BAD_COURSES))
def test_bad_course_fails_cleanly(tmp_path, make_course, run_cli, name):
    files, error, hint = BAD_COURSES[name]
    make_course(tmp_path, files)
    code, stdout, stderr = run_cli(["build", "course", "--out", "dist"], tmp_path)
    assert code == 1, (stdout, stderr)
    assert error in stderr
    assert hint in stderr
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    assert_untouched(tmp_path / "dist")


def test_absolute_paths_are_shown_outside_the_working_directory(tmp_path, make_course, run_cli):
    root = make_course(tmp_path, {"course.yaml": COURSE_YAML + "titel: Other\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "dist"
    code, _stdout, stderr = run_cli(["build", str(root), "--out", str(out)], elsewhere)
    assert code == 1
    assert f"{(root / 'course.yaml').as_posix()}:7: error: unknown key 'titel'" in stderr
    assert_untouched(out)


def test_several_problems_are_all_printed_with_a_count(tmp_path, make_course, run_cli):
    make_course(tmp_path, {
        "course.yaml": COURSE_YAML.replace("en", "english") + "titel: x\n",
        LESSON: FM + "# One\n\n![](missing.png)\n",
    })
    code, stdout, stderr = run_cli(["build", "course", "-o", "dist"], tmp_path)
    assert code == 1
    lines = [line for line in stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in lines] == [
        "course/course.yaml:7",
        "course/course.yaml:3",
        f"course/{LESSON}:5",
        f"course/{LESSON}:7",
        f"course/{LESSON}:7",
    ]
    assert stderr.count("    hint: ") == 5
    assert stderr.rstrip().endswith("5 problems; nothing was written.")
    assert "Traceback" not in stdout + stderr
    assert_untouched(tmp_path / "dist")


def test_existing_output_folder_is_left_as_it_was(tmp_path, make_course, run_cli):
    make_course(tmp_path, {LESSON: FM + "# One\n"})
    out = tmp_path / "dist"
    out.mkdir()
    old = out / "test-course-1.0.0-scorm12.zip"
    old.write_bytes(b"previous build")
    code, _stdout, stderr = run_cli(["build", "course", "--out", "dist"], tmp_path)
    assert code == 1 and "heading-level" in stderr
    assert [p.name for p in out.iterdir()] == [old.name]
    assert old.read_bytes() == b"previous build"


def test_default_source_is_the_current_folder(tmp_path, make_course, run_cli):
    root = make_course(tmp_path, {"course.yaml": COURSE_YAML + "titel: x\n"})
    code, _stdout, stderr = run_cli(["build", "--out", str(tmp_path / "dist")], root)
    assert code == 1
    assert stderr.startswith("course.yaml:7: error: unknown key 'titel'")
    assert_untouched(tmp_path / "dist")


def test_good_course_builds(course_copy, tmp_path, run_cli):
    code, stdout, stderr = run_cli(["build", "course", "--out", "dist"], tmp_path)
    assert (code, stderr) == (0, "")
    zips = sorted((tmp_path / "dist").iterdir())
    assert [z.name for z in zips] == ["tpm-skills-1.0.0-scorm12.zip"]
    assert stdout.startswith("dist/tpm-skills-1.0.0-scorm12.zip  (")
    with zipfile.ZipFile(zips[0]) as zf:
        assert "imsmanifest.xml" in zf.namelist()


def test_lessons_with_the_same_file_name_keep_their_own_pages(tmp_path, make_course, run_cli):
    make_course(tmp_path, {
        "course.yaml": COURSE_YAML.replace(
            "  - lessons/01-intro.md\n", "  - part1/intro.md\n  - part2/intro.md\n"),
        "part1/intro.md": "---\ntitle: One\nid: one\n---\n\nFirst part.\n",
        "part2/intro.md": "---\ntitle: Two\nid: two\n---\n\nSecond part.\n",
    })
    code, _stdout, stderr = run_cli(
        ["build", "course", "--out", "dist", "--sco-per-lesson"], tmp_path)
    assert (code, stderr) == (0, "")
    with zipfile.ZipFile(tmp_path / "dist" / "test-course-1.0.0-scorm12.zip") as zf:
        pages = sorted(n for n in zf.namelist() if n.endswith(".html"))
        assert pages == ["lessons/intro-2.html", "lessons/intro.html"]
        assert "First part." in zf.read("lessons/intro.html").decode()
        assert "Second part." in zf.read("lessons/intro-2.html").decode()


def test_unknown_target_is_a_usage_error(course_copy, tmp_path, run_cli):
    code, stdout, stderr = run_cli(["build", "course", "-t", "nope", "-o", "dist"], tmp_path)
    assert code == 2
    assert "Invalid value for '-t' / '--target'" in stderr
    assert "Traceback" not in stdout + stderr
    assert_untouched(tmp_path / "dist")


def test_unwritable_output_folder_fails_cleanly(course_copy, tmp_path, run_cli):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    code, stdout, stderr = run_cli(["build", "course", "--out", "blocker/dist"], tmp_path)
    assert code == 1
    assert "Traceback" not in stdout + stderr
    assert "error:" in stderr
    assert "blocker/dist" in stderr


def test_real_process_prints_no_traceback(tmp_path, make_course):
    """The installed entry point, as a user runs it (stderr of a real process)."""
    make_course(tmp_path, {LESSON: FM + "![](x.png)\n"})
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "scormkit", "build", "course", "--out", "dist"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert proc.returncode == 1
    assert f"course/{LESSON}:5: error: image 'x.png' has no alt text" in proc.stderr
    assert "    hint: " in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert_untouched(tmp_path / "dist")


# --- version and help ---------------------------------------------------------------------


def test_version(run_cli):
    code, stdout, stderr = run_cli(["--version"])
    assert (code, stdout, stderr) == (0, f"scormkit, version {__version__}\n", "")


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


COMMAND_PATHS = _command_paths(cli)


def test_every_command_is_covered():
    assert {("build",), ("formats",), ("schemas",), ("schemas", "install")} <= set(COMMAND_PATHS)


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "scormkit")
def test_help_on_every_command(run_cli, path, flag):
    code, stdout, stderr = run_cli([*path, flag])
    assert code == 0, stderr
    assert stdout.startswith(f"Usage: scormkit {' '.join(path)}".rstrip())
    assert stderr == ""
