"""`build` of several targets in worker processes, and builds that read only what they need.

- Parallel or one after the other, the zips are byte-identical and the progress comes in the
  order of the targets.
- A failing target, a scormkit bug and a worker killed outright are reported, and leave no
  process and no temporary file behind; so does Ctrl-C in the middle of a large build.
- Quiz-only formats do not read the lessons, and their packages are the same as when the
  lessons were read.
"""

from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from scormkit import formats
from scormkit.build import BuildFailure, BuildResult, _can_fork, build, build_package
from scormkit.errors import SourceErrors, UnsupportedFeature
from scormkit.sources import load_course
from scormkit.writers.qti12 import Qti12Writer
from scormkit.writers.scorm2004 import Scorm2004Writer

from .conftest import EXAMPLE_COURSE, REPO_ROOT

ALL = formats.target_names()
# The module, not the function: `scormkit.build` on the (lazy) package is build().
scormkit_build = importlib.import_module("scormkit.build")

needs_fork = pytest.mark.skipif(not _can_fork(), reason="workers are forked (Linux, BSD)")


@pytest.fixture(autouse=True)
def _fork_despite_test_threads(monkeypatch):
    """build() forks only from a process with one thread (scormkit.build._can_fork); in a
    full run this test process also holds the threads of session-wide test servers, and the
    builds here would quietly run one after the other, testing nothing about workers (and
    the killed-worker test would kill the test process). The servers' threads are idle, so
    forking beside them is safe here."""
    monkeypatch.setattr(scormkit_build, "_can_fork", lambda: scormkit_build._FORK)


def _zips(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _no_leftovers(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert multiprocessing.active_children() == []


@needs_fork
def test_parallel_and_sequential_builds_write_the_same_bytes_in_the_same_order(tmp_path):
    seen: dict[int, list[str]] = {1: [], 3: []}
    for jobs in (1, 3):
        outcomes = build(EXAMPLE_COURSE, ALL, tmp_path / str(jobs),
                         on_done=lambda o, jobs=jobs: seen[jobs].append(o.target), jobs=jobs)
        assert [o.target for o in outcomes] == ALL
        assert all(isinstance(o, BuildResult) for o in outcomes)
    assert seen[1] == seen[3] == ALL
    assert _zips(tmp_path / "1") == _zips(tmp_path / "3")
    _no_leftovers(tmp_path / "3")


@needs_fork
def test_a_failing_target_in_a_worker_is_reported_in_its_place(tmp_path, monkeypatch):
    def refuse(self, course):
        raise UnsupportedFeature("unsupported", "cannot express this")

    monkeypatch.setattr(Qti12Writer, "write", refuse)
    outcomes = build(EXAMPLE_COURSE, ALL, tmp_path, jobs=2)
    assert [o.target for o in outcomes] == ALL
    [failed] = [o for o in outcomes if isinstance(o, BuildFailure)]
    assert failed.target == "qti12"
    assert failed.error.diagnostics()[0].message == "cannot express this"
    assert len(list(tmp_path.glob("*.zip"))) == len(ALL) - 1
    _no_leftovers(tmp_path)


@needs_fork
def test_a_bug_in_a_worker_is_raised_with_its_traceback(tmp_path, monkeypatch):
    def broken(self, course):
        return 1 / 0

    monkeypatch.setattr(Scorm2004Writer, "write", broken)
    with pytest.raises(ZeroDivisionError) as raised:
        build(EXAMPLE_COURSE, ALL, tmp_path, jobs=2)
    assert "in broken" in str(raised.value.__cause__)
    _no_leftovers(tmp_path)


@needs_fork
def test_a_worker_killed_outright_stops_the_build(tmp_path, monkeypatch):
    test_process = os.getpid()

    def die(self, course):
        assert os.getpid() != test_process, "built in the test process, not in a worker"
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(Qti12Writer, "write", die)
    with pytest.raises(RuntimeError, match="worker process died"):
        build(EXAMPLE_COURSE, ALL, tmp_path, jobs=2)
    _no_leftovers(tmp_path)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with open(task / "children") as fh:
            found.update(int(c) for c in fh.read().split())
    return found


def _as_in_a_terminal() -> None:
    # A suite started as a background job of a non-interactive shell (`cmd &`, nohup) inherits
    # SIGINT ignored, and Python then never turns Ctrl-C into KeyboardInterrupt: give the build
    # the disposition a terminal's foreground process has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@needs_fork
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_ctrl_c_stops_every_worker_and_leaves_no_partial_file(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_for_ctrl_c",
                                                  REPO_ROOT / "scripts" / "benchmark.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    course = bench.write_scormkit(bench.neutral_course(60, 240), tmp_path / "course")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "scormkit", "build", str(course), "-t", "all", "-o", str(out),
         "-j", "2"], start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**os.environ, "SCORMKIT_CACHE": "off"},
        preexec_fn=_as_in_a_terminal)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        if len(workers) == 2:
            break
        time.sleep(0.02)
    assert len(workers) == 2, "the workers never started"
    time.sleep(0.3)  # into the build
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert b"Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]
    if out.exists():
        assert not [p.name for p in out.iterdir() if not p.name.endswith(".zip")]
        for package in out.iterdir():  # whatever was finished is whole
            with zipfile.ZipFile(package) as archive:
                assert archive.testzip() is None


# ---------------------------------------------------------------------------------------------
# Only what the targets need


QUIZ_ONLY = [name for name, f in formats.FORMATS.items() if not f.lessons]


def test_quiz_only_targets_are_the_ones_without_lessons():
    assert sorted(QUIZ_ONLY) == ["moodlexml", "qti12", "qti21", "qti30"]


def test_quiz_only_builds_read_no_lesson(monkeypatch):
    from scormkit import sources

    read: list[str] = []
    real = sources.read_lesson_head
    monkeypatch.setattr(sources, "read_lesson_head",
                        lambda ref, *a: read.append(ref.shown) or real(ref, *a))
    course = load_course(EXAMPLE_COURSE, targets=QUIZ_ONLY)
    assert not course.lessons_read and course.lessons == () and read == []
    assert course.quiz is not None
    course = load_course(EXAMPLE_COURSE, targets=["qti12", "cmi5"])
    assert course.lessons_read and len(course.lessons) == len(read) == 4


@pytest.mark.parametrize("target", QUIZ_ONLY)
def test_quiz_only_packages_do_not_depend_on_the_lessons(tmp_path, target):
    full = build_package(load_course(EXAMPLE_COURSE), target, tmp_path / "full")
    [alone] = build(EXAMPLE_COURSE, [target], tmp_path / "alone", jobs=1)
    assert isinstance(alone, BuildResult)
    assert full.path.read_bytes() == alone.path.read_bytes()


def test_a_lesson_problem_stops_lesson_targets_only(course_copy, tmp_path):
    """A quiz-only build does not read the lessons, so it does not see their problems
    either: the builds that ship the lessons report them (README, `build`)."""
    course = course_copy
    lesson = next((course / "lessons").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n![](missing.png)\n",
                      encoding="utf-8")
    [done] = build(course, ["qti21"], tmp_path / "out", jobs=1)
    assert isinstance(done, BuildResult)
    with pytest.raises(SourceErrors) as raised:
        build(course, ["qti21", "scorm12"], tmp_path / "out", jobs=1)
    assert {Path(d.location.path).name for d in raised.value.diagnostics()} == {lesson.name}


def test_a_course_read_without_lessons_cannot_build_a_lesson_target(tmp_path):
    course = load_course(EXAMPLE_COURSE, targets=["qti12"])
    with pytest.raises(ValueError, match="without them"):
        build_package(course, "scorm12", tmp_path)
