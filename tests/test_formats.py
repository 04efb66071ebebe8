"""The registry of formats (scormkit/formats.py) and everything derived from it: the writers,
the CLI's choices, the course.yaml ``targets:`` check, detection labels, rule kinds, the
docs, and which options a target honours."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import click
import pytest

from scormkit import formats, schemas
from scormkit.build import BuildFailure, BuildResult, build, build_package
from scormkit.cli import cli
from scormkit.errors import OptionNotApplicable, Severity
from scormkit.formats import FORMATS, KINDS, Layout
from scormkit.sources import load_course
from scormkit.validation.profiles import PROFILES
from scormkit.validation.rules import registry
from scormkit.writers import WRITERS, WriterOptions
from scormkit.writers.base import Writer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "course_src"


@pytest.fixture(scope="module")
def course():
    return load_course(EXAMPLE)


# ---------------------------------------------------------------------------------------------
# The registry is consistent


def test_every_format_names_its_writer():
    assert list(WRITERS) == list(FORMATS)
    for name, chosen in FORMATS.items():
        writer = chosen.writer_class()
        assert WRITERS[name] is writer
        assert issubclass(writer, Writer)
        assert (writer.name, writer.label, writer.schema_family, writer.format) == (
            name, chosen.label, chosen.schema_family, chosen)


def test_kinds_and_families_exist():
    catalog = schemas.catalog()
    for chosen in FORMATS.values():
        assert chosen.kinds and set(chosen.kinds) <= set(KINDS), chosen.name
        assert chosen.schema_family == "" or chosen.schema_family in catalog, chosen.name
        assert Layout.DEFAULT in chosen.layouts, chosen.name
    for kind in KINDS.values():
        assert kind.family is None or kind.family in catalog, kind.key


def test_a_writer_that_disagrees_with_the_registry_fails_at_once():
    with pytest.raises(TypeError, match="differs from the registry"):
        type("Scorm12Again", (Writer,), {"name": "scorm12", "label": "SCORM 1.2 (mine)"})


def test_every_question_type_has_its_support_in_every_quiz_target():
    assert set(formats.QUESTION_KINDS) == {"single", "multiple", "truefalse", "fill",
                                           "numeric", "matching", "ordering", "essay"}
    for name, table in formats.QUESTION_SUPPORT.items():
        assert tuple(table) == formats.QUESTION_KINDS, name
        assert all(isinstance(s, formats.Support) and s.how for s in table.values()), name


@pytest.mark.parametrize("target", sorted(FORMATS))
def test_the_layouts_are_the_writers(course, target):
    """A format lists --sco-per-lesson exactly when its writer does something with it."""
    writer = WRITERS[target]
    default = writer(WriterOptions()).write(course).files
    per_lesson = writer(WriterOptions(sco_per_lesson=True)).write(course).files
    assert (default != per_lesson) == FORMATS[target].supports(Layout.SCO_PER_LESSON)


# ---------------------------------------------------------------------------------------------
# What is derived from it


def _choices(command: click.Command, option: str) -> list[str]:
    [param] = [p for p in command.params if p.name == option]
    assert isinstance(param.type, click.Choice)
    return list(param.type.choices)


def test_cli_choices_come_from_the_registries():
    assert isinstance(cli, click.Group)
    assert _choices(cli.commands["build"], "targets") == [*sorted(FORMATS), "all"]
    assert _choices(cli.commands["validate"], "lms") == list(PROFILES)


def test_formats_command_lists_the_registry(run_cli):
    code, stdout, _ = run_cli(["formats"])
    assert code == 0
    lines = stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(FORMATS)
    for line in lines:
        chosen = FORMATS[line.split()[0]]
        assert chosen.label in line
        assert line.endswith(", ".join(sorted(chosen.layouts)))


def test_course_yaml_targets_are_checked_against_the_registry(make_course, tmp_path):
    yaml = ("id: test-course\ntitle: Test course\nlanguage: en\nversion: '1.0.0'\n"
            "lessons:\n  - lessons/01-intro.md\ntargets: [qti21, cmi5, qti21]\n")
    course = load_course(make_course(tmp_path, {"course.yaml": yaml}))
    assert course.targets == ("qti21", "cmi5")


def test_rule_kinds_are_registry_kinds():
    for rule in registry().values():
        assert rule.kinds is None or rule.kinds <= set(KINDS), rule.code


def test_json_report_schema_lists_the_registry_kinds():
    schema = json.loads((ROOT / "docs" / "validate-report.schema.json").read_text())
    package = schema["$defs"]["package"]["properties"]
    assert package["kind"]["enum"] == [None, *KINDS]


def test_quiz_targets_doc_prints_the_generated_table():
    """docs/quiz-targets.md's type x target table is generated from the registry (status,
    what each type becomes, and the grading rules the tests/test_grading_*.py tests hold each
    LMS to). SCORMKIT_UPDATE_GOLDEN=1 rewrites it."""
    path = ROOT / "docs" / "quiz-targets.md"
    doc = path.read_text(encoding="utf-8")
    begin, end = doc.index(formats.TABLE_BEGIN), doc.index(formats.TABLE_END)
    written = doc[begin:end + len(formats.TABLE_END)]
    if os.environ.get("SCORMKIT_UPDATE_GOLDEN"):
        path.write_text(doc.replace(written, formats.question_table()), encoding="utf-8")
        written = formats.question_table()
    assert written == formats.question_table()
    columns = [name for name, _label in formats.TABLE_COLUMNS]
    assert sorted(columns) == sorted(formats.QUESTION_SUPPORT)


def test_a_cell_is_native_exactly_when_the_lms_grades_as_documented():
    for target, table in formats.QUESTION_SUPPORT.items():
        for kind, support in table.items():
            assert (support.status is formats.NATIVE) == support.rules.native, (target, kind)
            if not support.rules.native:
                assert support.rules.describe(), (target, kind)


def test_readme_lists_every_target():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Targets", 1)[1].split("\n\n", 2)[1]
    listed = re.findall(r"^\| `(\w+)`(?: / `(\w+)`)? \|", table, re.MULTILINE)
    assert sorted(name for row in listed for name in row if name) == sorted(FORMATS)


# ---------------------------------------------------------------------------------------------
# Options a target cannot honour


def test_an_option_a_target_cannot_honour_is_a_warning(tmp_path):
    result = build_package(EXAMPLE, "qti21", tmp_path, WriterOptions(sco_per_lesson=True))
    [warning] = result.warnings
    assert (warning.code, warning.severity) == ("option-not-applicable", Severity.WARNING)
    assert "--sco-per-lesson" in warning.message and "qti21" in warning.message
    assert warning.hint is not None and "scorm12, scorm2004, cmi5" in warning.hint
    # Built as without the option.
    plain = build_package(EXAMPLE, "qti21", tmp_path / "plain")
    assert result.path.read_bytes() == plain.path.read_bytes()
    assert plain.warnings == ()
    assert build_package(EXAMPLE, "scorm12", tmp_path, WriterOptions(sco_per_lesson=True)
                         ).warnings == ()


def test_strict_makes_it_an_error_and_writes_nothing_for_that_target(tmp_path):
    with pytest.raises(OptionNotApplicable) as info:
        build_package(EXAMPLE, "cc13", tmp_path / "dist", WriterOptions(sco_per_lesson=True),
                      strict=True)
    [error] = info.value.diagnostics()
    assert (error.code, error.severity) == ("option-not-applicable", Severity.ERROR)
    assert not (tmp_path / "dist").exists()
    outcomes = build(EXAMPLE, ["cmi5", "moodlexml"], tmp_path / "dist",
                     WriterOptions(sco_per_lesson=True), strict=True)
    assert [type(o) for o in outcomes] == [BuildResult, BuildFailure]
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["tpm-skills-1.0.0-cmi5.zip"]


def test_the_cli_names_option_and_target(run_cli, tmp_path):
    """The issue's example: `build course_src -t qti21 -t cc13 --sco-per-lesson` used to
    exit 0 without a word."""
    code, _stdout, stderr = run_cli(["build", EXAMPLE, "-t", "qti21", "-t", "cc13",
                                     "--sco-per-lesson", "-o", tmp_path / "a"])
    assert code == 0
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert "--sco-per-lesson does not apply to qti21" in warnings[0]
    assert "--sco-per-lesson does not apply to cc13" in warnings[1]
    assert all(line.endswith("[option-not-applicable]") for line in warnings)

    code, _stdout, stderr = run_cli(["build", EXAMPLE, "-t", "qti21", "-t", "scorm12",
                                     "--sco-per-lesson", "--strict", "-o", tmp_path / "b"])
    assert code == 1
    assert "qti21: failed" in stderr
    assert "error: --sco-per-lesson does not apply to qti21" in stderr
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["tpm-skills-1.0.0-scorm12.zip"]
    with zipfile.ZipFile(tmp_path / "b" / "tpm-skills-1.0.0-scorm12.zip") as zf:
        assert any(n.startswith("lessons/") for n in zf.namelist())  # per lesson indeed
