"""Orchestration: load the course once, then per target write -> validate -> zip.

Nothing reaches the output folder unless the package passed validation, and the zip is
written to a temporary file and renamed. Validation is `scormkit validate`'s pipeline
(scormkit/validation/), run on the package in memory; anything it finds, warnings included,
stops the target, so a package `build` writes passes `scormkit validate --strict`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scormkit import formats, schemas
from scormkit.archive import zip_bytes_to
from scormkit.errors import (
    Diagnostic,
    OptionNotApplicable,
    OutputError,
    PackageInvalid,
    ScormkitError,
    Severity,
)
from scormkit.formats import Format, Layout
from scormkit.model import Course
from scormkit.sources import load_course
from scormkit.validation import validate_package
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
    warnings: tuple[Diagnostic, ...] = ()
    """What the build did not do as asked (an option the target cannot honour) or could
    only approximate (the writer's `Package.warnings`)."""


def build_package(
    course: Course | str | Path,
    target: str = "scorm12",
    out_dir: str | Path = "dist",
    options: WriterOptions | None = None,
    *,
    strict: bool = False,
) -> BuildResult:
    """Build one package of *course* (a folder or an already loaded Course) for *target*.

    An option the target cannot honour (`option_warnings`) is a warning on the result, or,
    with *strict*, an error (OptionNotApplicable) and nothing is written.
    """
    started = time.perf_counter()
    chosen = formats.FORMATS[target]
    options = options or WriterOptions()
    warnings = option_warnings(chosen, options, strict=strict)
    if strict and warnings:
        raise OptionNotApplicable(warnings)
    schemas.require([chosen.schema_family] if chosen.schema_family else [])
    if not isinstance(course, Course):
        course = load_course(course)
    package = WRITERS[target](options).write(course)
    problems = validate_package(package)
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
                       time.perf_counter() - started, (*warnings, *package.warnings))


def option_warnings(chosen: Format, options: WriterOptions, *, strict: bool = False
                    ) -> list[Diagnostic]:
    """The options *chosen* cannot honour (the registry's layouts): warnings, as the target
    is built without them, so the author hears of it rather than finding the option silently
    dropped; errors with *strict*."""
    layout = options.layout
    if chosen.supports(layout):
        return []
    others = ", ".join(f.name for f in formats.FORMATS.values() if f.supports(layout))
    message = (f"{layout.option} does not apply to {chosen.name} ({chosen.label}), which has "
               f"{_layouts(chosen.layouts)}")
    if strict:
        return [Diagnostic("option-not-applicable", message, None,
                           f"{layout.option} applies to {others}; build {chosen.name} "
                           "without it, or without --strict to have it ignored")]
    return [Diagnostic("option-not-applicable", f"{message}: it was built without it", None,
                       f"{layout.option} applies to {others}; --strict makes this an error",
                       Severity.WARNING)]


def _layouts(layouts: frozenset[Layout]) -> str:
    if layouts == {Layout.DEFAULT}:
        return "a single layout"
    return "the layouts " + ", ".join(sorted(layouts))


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
    *,
    strict: bool = False,
) -> list[BuildResult | BuildFailure]:
    """Build several targets from one reading of the sources.

    Source errors stop everything (no target can be right); after that, targets are
    independent: one that fails (a question its format cannot express, missing schemas, an
    option it cannot honour with *strict*) is reported as a BuildFailure and the others are
    still built. *on_done* is called as each target finishes, for progress output. Without
    *targets*, the course's own ``targets:`` list is built, or SCORM 1.2 when it has none.
    """
    course = load_course(course_dir)
    outcomes: list[BuildResult | BuildFailure] = []
    for target in targets or course.targets or [DEFAULT_TARGET]:
        started = time.perf_counter()
        try:
            outcome: BuildResult | BuildFailure = build_package(
                course, target, out_dir, options, strict=strict)
        except ScormkitError as error:
            outcome = BuildFailure(target, error, time.perf_counter() - started)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes
