"""Shared fixtures: the example course, scenario courses written from a dict, and a CLI runner.

Fixtures here stay generic so every test module can use them:

- ``course_copy``: a fresh copy of ``course_src/`` under ``tmp_path`` (edit it freely).
- ``make_course``: ``make_course(tmp_path, {"lessons/01-intro.md": "..."})`` writes a small
  course from a dict of relative path -> text and returns its folder. Defaults fill in a valid
  ``course.yaml`` and one lesson; a value of ``None`` removes a default file; ``bytes`` values
  are written as is (e.g. for non-UTF-8 files).
- ``run_cli``: ``run_cli(["build", ...], cwd)`` -> ``(exit_code, stdout, stderr)``.
- ``xhtml(content)``: model content (`scormkit.content.Content`) as XHTML text, images at
  their package paths; for content without references it is exactly markdown-it's rendering.
"""

from __future__ import annotations

import contextlib
import shutil
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import settings

from scormkit.content import BlankSlot, Content, Element, Resolver, package_paths, to_xhtml

REPO_ROOT = Path(__file__).resolve().parent.parent

# No per-example deadline (hypothesis's default is 200 ms of wall time): on a machine shared
# with other test runs an example that takes 20 ms alone can take 300, and hypothesis then
# fails the test as flaky ("produces unreliable results"), as it did for
# test_arbitrary_text_never_crashes. Tests whose examples are slow already said
# deadline=None; what each property asserts is unchanged.
settings.register_profile("scormkit", deadline=None)
settings.load_profile("scormkit")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """The one Playwright driver of the run.

    Playwright's sync API refuses to start a second driver in a thread where one is running
    (it sees the first one's event loop), so the e2e browser and the QTI engine share this.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds in the tests use a cache of their own (scormkit/cache.py), never the user's:
    CLI subprocesses inherit it through the environment."""
    import os

    if "SCORMKIT_CACHE" not in os.environ:
        if "PYTEST_XDIST_WORKER" in os.environ:
            # The workers of one run share it (the cache is safe under concurrent builds), so
            # each schema is compiled once per run, not once per worker.
            shared = tmp_path_factory.getbasetemp().parent / "scormkit-cache"
            shared.mkdir(exist_ok=True)
            os.environ["SCORMKIT_CACHE"] = str(shared)
        else:
            os.environ["SCORMKIT_CACHE"] = str(tmp_path_factory.mktemp("scormkit-cache"))


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A per-user cache of this test's own (``SCORMKIT_CACHE=<tmp_path>/cache``), for the
    tests of the cache itself."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCORMKIT_CACHE", str(folder))
    return folder


CACHE_DAMAGES = ("truncate", "flip", "header", "empty", "garbage")
"""The ways `damaged` spoils a cache file, as a disk, a crash or a bug might."""


def damaged(data: bytes, how: str, magic: bytes) -> bytes:
    """*data*, a cache file that starts with *magic* (``b"scormkit-valid 1"``), spoiled as
    *how* (one of CACHE_DAMAGES) says: cut short, one bit flipped, another format version in
    the header, emptied, or random bytes of the same length."""
    match how:
        case "truncate":
            return data[:-7]
        case "flip":
            return data[:-1] + bytes([data[-1] ^ 1])
        case "header":
            return data.replace(magic, magic[:-1] + b"9", 1)
        case "empty":
            return b""
        case "garbage":
            import os

            return os.urandom(len(data))
    raise AssertionError(how)


@pytest.fixture(scope="session")
def compiled_schemas() -> None:
    """Every family's XSDs compiled by libxml2 in this test process, once.

    `scormkit.build` builds several targets in forked workers, and scormkit.schemas keeps
    compiled schemas per process: a fixture building new content for every target paid the
    compile in each fresh worker (QTI 3.0 alone takes 6-7 s of CPU), for every such build.
    Workers forked from a process that has compiled them inherit the schemas instead. The
    build is the same; only where the compile happens changes."""
    from scormkit import schemas

    for name in schemas.catalog():
        for namespace in schemas.entry_namespaces(name):
            schemas.fast_compiled(name, namespace)


EXAMPLE_COURSE = REPO_ROOT / "course_src"

DEFAULT_LESSON = "lessons/01-intro.md"
DEFAULT_LESSON_TEXT = """\
---
title: Introduction
objectives:
  - Say what this course is about.
minutes: 5
---

## Welcome

This is the first lesson.
"""


def _blank(slot: BlankSlot) -> Content:
    return Content.of(Element("span", (("data-blank", slot.blank),)))


def xhtml(content: Content) -> str:
    """*content* as XHTML text, images at their package paths (no writer's layout), a blank
    as ``<span data-blank="b1"></span>``."""
    return to_xhtml(content, Resolver(package_paths, blank=_blank))


def default_course_yaml(lessons: list[str]) -> str:
    """A valid course.yaml listing *lessons* in order."""
    listed = "".join(f"  - {lesson}\n" for lesson in lessons)
    return (
        "id: test-course\n"
        "title: Test course\n"
        "description: A course written by the test suite.\n"
        "language: en\n"
        'version: "1.0.0"\n'
        "lessons:\n"
        f"{listed}"
    )


def write_course(
    directory: Path, files: Mapping[str, str | bytes | None] | None = None
) -> Path:
    """Write a course into *directory* (created if needed) and return it.

    *files* maps a path relative to the course folder to its text (written as UTF-8, newlines
    untouched), to bytes (written as is) or to None (the default file is not written). Missing
    defaults are filled in: one lesson ``lessons/01-intro.md`` when *files* names no lesson
    under ``lessons/``, and a ``course.yaml`` listing every ``lessons/*.md`` in *files*
    (sorted), or the default lesson.
    """
    files = dict(files or {})
    lesson_files = sorted(
        name for name, text in files.items()
        if name.startswith("lessons/") and name.endswith(".md") and text is not None
    )
    if not lesson_files and DEFAULT_LESSON not in files:
        files[DEFAULT_LESSON] = DEFAULT_LESSON_TEXT
        lesson_files = [DEFAULT_LESSON]
    if "course.yaml" not in files:
        files["course.yaml"] = default_course_yaml(lesson_files)
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return directory


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A private copy of the example course at ``tmp_path / "course"``."""
    return Path(shutil.copytree(EXAMPLE_COURSE, tmp_path / "course"))


@pytest.fixture
def make_course() -> Callable[..., Path]:
    """``make_course(tmp_path, files, name="course")`` -> the course folder
    ``tmp_path / name`` written by :func:`write_course`. Holds no state, so it is also safe
    to call from hypothesis tests with a fresh temporary directory per example."""

    def make(
        where: Path, files: Mapping[str, str | bytes | None] | None = None, *,
        name: str = "course",
    ) -> Path:
        return write_course(Path(where) / name, files)

    return make


def invoke_cli(args: list[str], cwd: Path | str | None = None) -> tuple[int, str, str]:
    """Run ``scormkit <args>`` in-process from *cwd*; return (exit code, stdout, stderr).

    An exception escaping the CLI (a scormkit bug) is appended to stderr as a traceback, so
    callers that check for "Traceback" catch it as they would in a real terminal.
    """
    from scormkit.cli import cli

    runner = CliRunner()
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = runner.invoke(cli, [str(a) for a in args], prog_name="scormkit")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return result.exit_code, result.stdout, stderr


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str, str]]:
    """``run_cli(args, cwd=None)`` -> ``(exit_code, stdout, stderr)``; see invoke_cli."""
    return invoke_cli
