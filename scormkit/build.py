"""Orchestration: load the course once, then per target write -> validate -> zip.

Nothing reaches the output folder unless the package passed validation, and the zip is
written to a temporary file and renamed. Validation is `scormkit validate`'s pipeline
(scormkit/validation/), run on the package in memory; anything it finds, warnings included,
stops the target, so a package `build` writes passes `scormkit validate --strict`.

Only what the targets need is read: quiz-only formats skip the lesson files
(`scormkit.formats.Format.lessons`). Several targets are built in parallel, one worker
process per core (`build`, *jobs*); each target's package is made, checked and written by
one process exactly as a sequential build would, so the zips are byte-identical.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scormkit import formats, schemas
from scormkit.archive import single_file_to, zip_bytes_to
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

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

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
        course = load_course(course, targets=[target])
    elif chosen.lessons and not course.lessons_read:
        raise ValueError(f"{target} shows the lessons, but the course was loaded without "
                         "them (load_course(..., targets=...) must name every target)")
    package = WRITERS[target](options).write(course)
    problems = validate_package(package, cached=True)
    if problems:
        raise PackageInvalid(problems)
    destination = Path(out_dir) / package.filename
    try:
        size = (single_file_to(package.files, destination) if package.single_file
                else zip_bytes_to(package.files, destination))
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
    jobs: int | None = None,
    on_start: Callable[[Course, list[str]], None] | None = None,
) -> list[BuildResult | BuildFailure]:
    """Build several targets from one reading of the sources.

    Source errors stop everything (no target can be right); after that, targets are
    independent: one that fails (a question its format cannot express, missing schemas, an
    option it cannot honour with *strict*) is reported as a BuildFailure and the others are
    still built. *on_done* is called for each target, in the order of *targets*, as soon as
    it and those before it are done (for progress output). Without *targets*, the course's
    own ``targets:`` list is built, or SCORM 1.2 when it has none.

    *jobs*: worker processes for several targets (default: the cores this process may use;
    1 builds one target after the other here). Workers are forked once the course is loaded,
    so they share it without copying; where processes cannot be forked safely (Windows,
    macOS, a caller running threads), targets are built one after the other.

    *on_start* is called once the course is read, with it and the targets about to be built
    (for progress output).
    """
    with _gc_tuned():
        course = load_course(course_dir, targets=targets)
    names = list(dict.fromkeys(targets or course.targets or [DEFAULT_TARGET]))
    if on_start:
        on_start(course, names)
    workers = min(len(names), _default_jobs() if jobs is None else max(jobs, 1))
    with _gc_tuned(), _frozen():
        if workers > 1 and _can_fork():
            return _build_parallel(course, names, Path(out_dir), options, on_done, strict,
                                   workers)
        outcomes: list[BuildResult | BuildFailure] = []
        for target in names:
            outcome = _build_one(course, target, out_dir, options, strict)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        return outcomes


def _build_one(course: Course, target: str, out_dir: str | Path, options: WriterOptions | None,
               strict: bool) -> BuildResult | BuildFailure:
    started = time.perf_counter()
    try:
        return build_package(course, target, out_dir, options, strict=strict)
    except ScormkitError as error:
        return BuildFailure(target, error, time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------
# Memory and the garbage collector

@contextlib.contextmanager
def _gc_tuned() -> Iterator[None]:
    """Fewer collections while a build runs, and none that walk the loaded course.

    A build makes millions of objects and frees few cycles (measured at L: the collector
    took a fifth of the CPU, most of it in full collections walking the ~30 000 content
    nodes again and again). The youngest generation is collected 43 times less often (at
    L SCORM 1.2, measured with gc.callbacks: 0.49-0.59 s of collections at 7000, 0.32-0.34 s
    at 30000, 0.29-0.30 s at 100000; peak RSS the same), and `_frozen` moves the loaded
    course out of the collector's sight. Restored afterwards: the library may run inside a
    longer-lived process."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 30000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Everything alive now (the loaded course) in the collector's permanent generation:
    never walked again, so forked workers do not touch (and copy) its memory pages either."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# ---------------------------------------------------------------------------------------------
# Parallel builds

_FORK = os.name == "posix" and sys.platform != "darwin" and hasattr(os, "fork")
"""Workers are forked: they inherit the loaded course instead of reading the sources again.
macOS can fork, but system libraries are not fork-safe there (CPython's default is spawn)."""

COST = {"qti30": 8, "qti21": 4, "cc11": 3, "cc13": 3, "scorm2004": 3, "scorm12": 2,
        "cmi5": 2, "qti12": 1, "moodlexml": 1}
"""Relative cost of each target (measured at L, schemas compiled): the most expensive are
handed out first, so no core is left alone with a long target at the end."""


def _can_fork() -> bool:
    """Forking copies only the calling thread: from a process running other threads (a host
    application, a test server) a child could inherit a lock held forever. Such callers get
    a sequential build."""
    import threading

    return _FORK and threading.active_count() == 1


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _RemoteTraceback(Exception):
    """The traceback of an unexpected error in a worker (a scormkit bug), as text."""

    def __str__(self) -> str:
        return str(self.args[0])


def _build_parallel(course: Course, names: list[str], out_dir: Path,
                    options: WriterOptions | None,
                    on_done: Callable[[BuildResult | BuildFailure], None] | None,
                    strict: bool, workers: int) -> list[BuildResult | BuildFailure]:
    """Build *names* in *workers* forked processes; report in the order of *names*.

    Each worker builds one target at a time and asks for the next, so one package is in
    memory per process. On an interrupt or an unexpected error every worker is stopped
    (each removes the temporary file of a zip it was writing) and waited for."""
    import multiprocessing
    import signal
    from multiprocessing.connection import Connection, wait
    from multiprocessing.process import BaseProcess

    context = multiprocessing.get_context("fork")
    order = sorted(range(len(names)), key=lambda i: -COST.get(names[i], 1))
    pending = [names[i] for i in order]
    index = {name: i for i, name in enumerate(names)}
    outcomes: list[BuildResult | BuildFailure | None] = [None] * len(names)
    reported = 0
    processes: list[BaseProcess] = []
    busy: dict[Connection, BaseProcess] = {}
    sys.stdout.flush()  # or a child could write the parent's buffered output again
    sys.stderr.flush()
    finished = False
    try:
        for _ in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, daemon=True,
                                      args=(theirs, course, out_dir, options, strict))
            # Ctrl-C during the fork would reach the child before it ignores SIGINT (a
            # traceback from a worker): the child starts with SIGINT blocked, and the parent
            # gets a Ctrl-C that came meanwhile as soon as it unblocks it.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            theirs.close()
            processes.append(process)
            busy[ours] = process
            ours.send(pending.pop(0))
        while busy:
            for conn in wait(list(busy)):
                assert isinstance(conn, Connection)
                try:
                    kind, target, payload = conn.recv()
                except EOFError:
                    raise RuntimeError("a build worker process died (killed, or out of "
                                       "memory); the targets it was building were not "
                                       "written") from None
                if kind == "bug":
                    error, text = payload
                    error.__cause__ = _RemoteTraceback(text)
                    raise error
                outcomes[index[target]] = payload
                if pending:
                    conn.send(pending.pop(0))
                else:
                    conn.send(None)
                    busy.pop(conn)
                    conn.close()
                while reported < len(names):
                    done = outcomes[reported]
                    if done is None:
                        break
                    if on_done:
                        on_done(done)
                    reported += 1
        finished = True
    finally:
        if not finished:  # an error or an interrupt: stop every worker, busy or idle
            for worker in processes:
                if worker.is_alive():
                    worker.terminate()
        for worker in processes:
            worker.join(timeout=30)
            if worker.is_alive():  # a worker that ignores SIGTERM (stuck in C code)
                worker.kill()
                worker.join()
    return [outcome for outcome in outcomes if outcome is not None]


class _Stopped(BaseException):
    """The parent stopped this worker (an interrupt or an error elsewhere)."""


def _stop(_signum: int, _frame: object) -> None:
    raise _Stopped  # unwinds the build: a zip being written removes its temporary file


def _worker(conn: Connection, course: Course, out_dir: Path, options: WriterOptions | None,
            strict: bool) -> None:
    """A worker process: build the targets the parent sends, one at a time, until None.

    Ctrl-C reaches every process of the terminal's process group: workers ignore it and
    leave it to the parent, which stops them (SIGTERM) and waits for them, so that the
    interrupt is reported once and nothing is left behind."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _stop)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent
        while (target := conn.recv()) is not None:
            try:
                outcome = _build_one(course, target, out_dir, options, strict)
            except Exception as error:  # a scormkit bug: the parent raises it
                text = "".join(traceback.format_exception(error))
                try:
                    conn.send(("bug", target, (error, text)))
                except Exception:  # the error itself cannot be pickled
                    conn.send(("bug", target, (RuntimeError(f"building {target} failed"),
                                               text)))
                return
            conn.send(("done", target, outcome))
    except (_Stopped, EOFError, BrokenPipeError):
        pass  # stopped by the parent, or the parent is gone: nothing more to do
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # from here on, a stop just ends it
        conn.close()
