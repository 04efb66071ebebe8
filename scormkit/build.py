"""Orchestration: load the course once, then per target write -> validate -> zip.

Nothing reaches the output folder unless the package passed validation, and the zip is
written to a temporary file and renamed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scormkit import schemas
from scormkit.archive import zip_bytes_to
from scormkit.errors import OutputError, PackageInvalid, ScormkitError, Severity
from scormkit.model import Course
from scormkit.sources import load_course
from scormkit.validate import validate_package
from scormkit.writers import WRITERS, WriterOptions

DEFAULT_TARGET = "scorm12"


@dataclass(frozen=True, slots=True)
class BuildResult:
    target: str
    path: Path
    size: int
    """Zip size in bytes."""
    files: int
    """Number of package members."""
    seconds: float


def build_package(
    course: Course | str | Path,
    target: str = "scorm12",
    out_dir: str | Path = "dist",
    options: WriterOptions | None = None,
) -> BuildResult:
    """Build one package of *course* (a folder or an already loaded Course) for *target*."""
    started = time.perf_counter()
    writer_class = WRITERS[target]
    schemas.require([writer_class.schema_family] if writer_class.schema_family else [])
    if not isinstance(course, Course):
        course = load_course(course)
    package = writer_class(options).write(course)
    problems = [d for d in validate_package(package) if d.severity is Severity.ERROR]
    if problems:
        raise PackageInvalid(problems)
    destination = Path(out_dir) / package.filename
    try:
        size = zip_bytes_to(package.files, destination)
    except OSError as exc:
        raise OutputError(
            f"cannot write {destination}: {exc.strerror or exc}; "
            "choose another --out folder or fix its permissions") from None
    return BuildResult(target, destination, size, len(package.files),
                       time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class BuildFailure:
    """A target that could not be built; the others still were."""

    target: str
    error: ScormkitError
    seconds: float


def build(
    course_dir: str | Path,
    targets: list[str] | None = None,
    out_dir: str | Path = "dist",
    options: WriterOptions | None = None,
    on_done: Callable[[BuildResult | BuildFailure], None] | None = None,
) -> list[BuildResult | BuildFailure]:
    """Build several targets from one reading of the sources.

    Source errors stop everything (no target can be right); after that, targets are
    independent: one that fails (a question its format cannot express, missing schemas) is
    reported as a BuildFailure and the others are still built. *on_done* is called as each
    target finishes, for progress output. Without *targets*, the course's own ``targets:``
    list is built, or SCORM 1.2 when it has none.
    """
    course = load_course(course_dir)
    outcomes: list[BuildResult | BuildFailure] = []
    for target in targets or course.targets or [DEFAULT_TARGET]:
        started = time.perf_counter()
        try:
            outcome: BuildResult | BuildFailure = build_package(course, target, out_dir, options)
        except ScormkitError as error:
            outcome = BuildFailure(target, error, time.perf_counter() - started)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes
