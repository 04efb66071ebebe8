"""Orchestration: load the course once, then per target write -> validate -> zip.

Nothing reaches the output folder unless the package passed validation, and the zip is
written to a temporary file and renamed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scormkit import schemas
from scormkit.archive import zip_bytes_to
from scormkit.errors import OutputError, PackageInvalid, Severity
from scormkit.model import Course
from scormkit.sources import load_course
from scormkit.validate import validate_package
from scormkit.writers import WRITERS, WriterOptions


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
    schemas.require([writer_class.schema_family])
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


def build(
    course_dir: str | Path,
    targets: list[str],
    out_dir: str | Path = "dist",
    options: WriterOptions | None = None,
) -> list[BuildResult]:
    """Build several targets from one reading of the sources."""
    schemas.require(sorted({WRITERS[t].schema_family for t in targets}))
    course = load_course(course_dir)
    return [build_package(course, target, out_dir, options) for target in targets]
