"""`scormkit build --target all`: one reading of the sources, independent targets, a summary."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from scormkit import sources
from scormkit.build import BuildFailure, BuildResult, build
from scormkit.cli import cli
from scormkit.errors import Location, UnsupportedFeature
from scormkit.writers import WRITERS
from scormkit.writers.scorm12 import Scorm12Writer

ROOT = Path(__file__).resolve().parent.parent


def test_all_targets_from_one_reading(tmp_path, monkeypatch):
    calls = []
    real = sources.load_course
    monkeypatch.setattr(sys.modules["scormkit.build"], "load_course",
                        lambda d, **kw: calls.append(d) or real(d, **kw))
    outcomes = build(ROOT / "course_src", sorted(WRITERS), tmp_path)
    assert len(calls) == 1
    assert [o.target for o in outcomes] == sorted(WRITERS)
    assert all(isinstance(o, BuildResult) for o in outcomes)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"tpm-skills-1.0.0-{t}.zip" for t in WRITERS)


def test_one_failing_target_does_not_hide_the_others(tmp_path, monkeypatch):
    def refuse(self, course):
        raise UnsupportedFeature("unsupported", "cannot express this",
                                 Location("course_src/course.yaml", 1))

    monkeypatch.setattr(Scorm12Writer, "write", refuse)
    result = CliRunner().invoke(cli, ["build", str(ROOT / "course_src"), "-t", "all",
                                      "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "scorm12: failed" in result.stderr
    assert "course_src/course.yaml:1: error: cannot express this" in result.stderr
    assert "1 of" in result.stderr and "targets failed" in result.stderr
    summary = result.stdout.splitlines()
    # One summary: the table is all stdout holds (no line per package before it).
    assert len(summary) == len(WRITERS) + 1
    assert summary[0].split() == ["target", "result", "files", "size", "KiB", "time", "s",
                                  "file"]
    assert any(line.startswith("scorm12    FAILED") for line in summary)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "tpm-skills-1.0.0-scorm12.zip" not in written
    assert len(written) == len(WRITERS) - 1


def test_failure_outcome_carries_the_error(tmp_path, monkeypatch):
    monkeypatch.setattr(Scorm12Writer, "write", lambda self, course: (_ for _ in ()).throw(
        UnsupportedFeature("unsupported", "nope")))
    [outcome] = build(ROOT / "course_src", ["scorm12"], tmp_path)
    assert isinstance(outcome, BuildFailure)
    assert outcome.error.diagnostics()[0].code == "unsupported"


def _course_with_targets(tmp_path: Path, targets: str) -> Path:
    import shutil

    course = tmp_path / "course"
    shutil.copytree(ROOT / "course_src", course)
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + f"targets: {targets}\n", encoding="utf-8")
    return course


def test_course_yaml_targets_are_built_without_target_option(tmp_path):
    course = _course_with_targets(tmp_path, "[qti12, moodlexml]")
    result = CliRunner().invoke(cli, ["build", str(course), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "tpm-skills-1.0.0-moodlexml.zip", "tpm-skills-1.0.0-qti12.zip"]
    # --target on the command line wins over the course's list.
    result = CliRunner().invoke(cli, ["build", str(course), "-t", "cc11",
                                      "-o", str(tmp_path / "cli")])
    assert [p.name for p in (tmp_path / "cli").iterdir()] == ["tpm-skills-1.0.0-cc11.zip"]


def test_course_yaml_target_all_and_unknown_target(tmp_path):
    from scormkit.errors import SourceErrors
    from scormkit.sources import load_course

    assert load_course(_course_with_targets(tmp_path / "a", "[all]")).targets == tuple(
        sorted(WRITERS))
    try:
        load_course(_course_with_targets(tmp_path / "b", "[scorm12, scrom2004]"))
    except SourceErrors as error:
        [diagnostic] = error.diagnostics()
    assert diagnostic.code == "unknown-target"
    assert diagnostic.hint == "did you mean 'scorm2004'?"
    assert diagnostic.location.line == len(
        (ROOT / "course_src" / "course.yaml").read_text().splitlines()) + 1
