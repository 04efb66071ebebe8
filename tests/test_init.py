"""`scormkit init`: a starter course that builds for every target and passes validate
--strict, in a new or empty folder only."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from scormkit import scaffold
from scormkit.build import BuildResult, build
from scormkit.cli import cli
from scormkit.sources import load_course
from scormkit.validation import validate_archive
from scormkit.writers import WRITERS

STARTER = {"course.yaml", "lessons/01-welcome.md", "lessons/02-writing-lessons.md",
           "quizzes/check.quiz.md", "media/course-to-package.svg", "media/logo.svg"}


def test_init_makes_a_course_that_builds_for_every_target(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "Intro to Git")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "Intro to Git"
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == STARTER
    lines = result.stdout.splitlines()
    assert lines[0].startswith("created a course in ") and lines[0].endswith("(6 files):")
    assert "  cd '" in result.stdout  # a folder name with spaces, quoted for the shell
    for command in ("scormkit build", "scormkit validate --strict dist/*.zip",
                    "scormkit preview"):
        assert f"  {command}" in result.stdout

    course = load_course(folder)
    assert (course.id, course.title) == ("intro-to-git", "Intro to git")
    assert len(course.lessons) == 2 and course.lessons[1].checks
    assert {q.kind for q in course.quiz.all_questions()} == {"single", "multiple", "truefalse"}
    assert course.theme is not None and course.theme.logo is not None
    outcomes = build(folder, sorted(WRITERS), tmp_path / "dist")
    assert all(isinstance(o, BuildResult) for o in outcomes), outcomes
    for outcome in outcomes:
        report = validate_archive(outcome.path)
        assert not report.failed(strict=True), [d.render() for d in report.diagnostics]


def test_every_key_of_the_starter_course_yaml_is_explained():
    text = (scaffold.starter_dir() / "course.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    data = yaml.safe_load(text)
    for key in data:
        number = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[number - 1].lstrip().startswith("#"), f"{key} has no comment above it"
    for key in data["theme"]:
        number = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}:"))
        assert lines[number - 1].lstrip().startswith("#"), f"theme.{key} has no comment"
    for later in ("fonts:", "font:", "stylesheet:", "templates:"):  # shown, commented out
        assert f"# {later}" in text


def test_init_in_the_current_empty_folder_and_beside_dot_files(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert "  cd " not in result.stdout
    assert (tmp_path / "course.yaml").is_file()
    assert (tmp_path / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


def test_init_refuses_a_folder_with_files_and_changes_nothing(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "course.yaml").write_text("id: mine\n")
    (folder / "notes.md").write_text("my notes\n")
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is not empty (course.yaml, notes.md); scormkit init never overwrites files" \
        in result.stderr
    assert result.stderr.rstrip().endswith("[folder-not-empty]")
    assert (folder / "course.yaml").read_text() == "id: mine\n"
    assert sorted(p.name for p in folder.iterdir()) == ["course.yaml", "notes.md"]
    again = CliRunner().invoke(cli, ["init", "--force", str(folder)])
    assert again.exit_code == 2  # no --force: there is nothing to force


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "taken").write_text("x")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "taken")])
    assert result.exit_code == 1 and "is a file, not a folder" in result.stderr


def test_quiet_init_prints_nothing(tmp_path):
    result = CliRunner().invoke(cli, ["init", "-q", str(tmp_path / "c")])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "c" / "course.yaml").is_file()


def test_ids_from_folder_names():
    assert scaffold.course_id_for(Path("/x/03 Élève résumé")) == "eleve-resume"
    assert scaffold.course_id_for(Path("/x/2024")) == scaffold.DEFAULT_ID
    assert scaffold.course_id_for(Path("/x/My_Course")) == "my_course"
    assert scaffold.title_for("intro-to-git") == "Intro to git"
