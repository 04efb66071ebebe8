"""scripts/benchmark.py still works (not a timed test: nothing here measures speed).

- Its neutral course, at a tiny size, builds for every target, and holds what the benchmark
  says it holds (each of the six question types, every lesson); so does its every-type quiz.
- Each peer conversion is well-formed and keeps the questions that peer can express:
  text2qti (in the test extra) and simple-scorm-packager (npm, package.json) fail when missing
  unless SCORMKIT_SKIP_PEERS=1, as in test_validate_peers.py; qti-package-maker is only in the
  `bench` extra (`pip install -e '.[bench]'`), so without it that test is skipped, and CI,
  which installs `.[test,dev]`, does not run it.
- The measuring harness reports a child's own peak RSS, not the benchmark's, and the command
  runs end to end with --only and --json.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

import scormkit
from scormkit import BuildResult

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("scormkit_benchmark",
                                              ROOT / "scripts" / "benchmark.py")
assert SPEC and SPEC.loader
bench = importlib.util.module_from_spec(SPEC)
sys.modules[SPEC.name] = bench  # dataclasses look their module up while the class is made
SPEC.loader.exec_module(bench)

TINY = bench.neutral_course(3, 12)  # every lesson links the next; two questions of each type


def require(ok: bool, message: str) -> None:
    if ok:
        return
    if os.environ.get("SCORMKIT_SKIP_PEERS") == "1":
        pytest.skip(message)
    pytest.fail(f"{message} (set SCORMKIT_SKIP_PEERS=1 to skip)", pytrace=False)


def test_neutral_course_builds_for_every_target(tmp_path, compiled_schemas):
    folder = bench.write_scormkit(TINY, tmp_path / "course")
    course = scormkit.load_course(folder)
    assert [lesson.title for lesson in course.lessons] == [
        lesson.title for lesson in TINY.lessons]
    assert course.quiz is not None
    kinds = Counter(q.kind for q in course.quiz.all_questions())
    assert kinds == dict.fromkeys(bench.QUESTION_KINDS, 2)
    outcomes = scormkit.build(folder, sorted(scormkit.WRITERS), tmp_path / "out")
    failed = [o for o in outcomes if not isinstance(o, BuildResult)]
    assert not failed, [f.error.diagnostics() for f in failed]
    scorm = next(o for o in outcomes if o.target == "scorm12")
    # The lessons' images (a PNG each, the SVG every 10th lesson: none at 3 lessons) ship.
    with zipfile.ZipFile(scorm.path) as archive:
        media = sorted(n for n in archive.namelist() if n.endswith(".png"))
    assert [Path(n).name for n in media] == [lesson.image for lesson in TINY.lessons]


def test_lessons_are_about_600_words():
    lesson = bench.make_lesson(7, 500)
    words = len(bench.lesson_markdown(lesson, (lesson,) * 500).split())
    assert 500 <= words <= 800


def test_every_type_quiz_builds(tmp_path):
    folder = bench.write_scormkit(bench.neutral_course(1, 0), tmp_path / "course",
                                  quiz=bench.every_type_quiz(24))
    course = scormkit.load_course(folder)
    assert course.quiz is not None
    assert len({q.kind for q in course.quiz.all_questions()}) == 8
    assert [len(p.questions) for p in course.quiz.pools] == [12]
    outcomes = scormkit.build(folder, ["qti21", "moodlexml", "scorm2004"], tmp_path / "out")
    assert all(isinstance(o, BuildResult) for o in outcomes), outcomes


def test_text2qti_conversion(tmp_path):
    text2qti = bench.BIN / "text2qti"
    require(text2qti.is_file(), "text2qti is not installed (pip install -e '.[test]')")
    (tmp_path / "quiz.txt").write_text(bench.text2qti_quiz(TINY.questions))
    subprocess.run([str(text2qti), "quiz.txt"], cwd=tmp_path, check=True, capture_output=True,
                   timeout=120)
    bench.check_peer_package("text2qti", tmp_path / "quiz.zip", TINY.questions)


def test_qti_package_maker_conversion(tmp_path):
    converter = bench.BIN / "bbq_converter.py"
    if not converter.is_file():
        pytest.skip("qti-package-maker is a benchmark-only peer: pip install -e '.[bench]'")
    (tmp_path / "bbq-tiny-questions.txt").write_text(bench.bbq_lines(TINY.questions))
    for engine in ("canvas_qti_v1_2", "blackboard_qti_v2_1"):
        out = tmp_path / f"{engine}.zip"
        subprocess.run([sys.executable, str(converter), "-i", "bbq-tiny-questions.txt", "-f",
                        engine, "-q", "--allow-mixed", "-o", str(out)], cwd=tmp_path,
                       check=True, capture_output=True, timeout=120)
        # It keeps 10 of the 12: it has no essays.
        bench.check_peer_package("qti-package-maker", out, TINY.questions)


def test_simple_scorm_packager_conversion(tmp_path):
    require((bench.PACKAGER / "lib" / "index.js").is_file() and shutil.which("node") is not None,
            "simple-scorm-packager is not installed (npm ci)")
    bench.write_html(TINY, tmp_path / "html")
    (tmp_path / "pack.js").write_text(bench.PACKAGER_SCRIPT)
    subprocess.run(["node", "pack.js", str(tmp_path / "html"), str(tmp_path / "out"),
                    str(bench.PACKAGER), str(tmp_path / "out.zip")], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    bench.check_peer_package("simple-scorm-packager", tmp_path / "out.zip", TINY.questions)


def test_peer_check_catches_a_dropped_question(tmp_path):
    with zipfile.ZipFile(tmp_path / "quiz.zip", "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
        archive.writestr("q/q.xml", '<questestinterop><assessment><section><item ident="a"/>'
                                    "</section></assessment></questestinterop>")
    with pytest.raises(AssertionError, match="1 items, expected 12"):
        bench.check_peer_package("text2qti", tmp_path / "quiz.zip", TINY.questions)


def test_spawner_reports_the_childs_own_peak_rss(tmp_path):
    ballast = bytearray(200 * 1024 * 1024)  # the measuring process is big: it must not count
    spawner = bench.Spawner()
    try:
        code, small = spawner.measure([sys.executable, "-c", "pass"], tmp_path,
                                      dict(os.environ), tmp_path / "a.log", False)
        assert code == 0
        assert small.rss_mib < 60
        code, big = spawner.measure(
            [sys.executable, "-c", "x = bytearray(120 * 1024 * 1024); x[::4096] = b'1' * "
             "len(x[::4096])"], tmp_path, dict(os.environ), tmp_path / "b.log", True)
        assert code == 0
        assert 120 < big.rss_mib < 250
        assert big.tree_mib >= big.rss_mib
        assert big.cpu > 0 and big.wall >= big.cpu * 0.5
        code, _ = spawner.measure([sys.executable, "-c", "import sys; print('x'); sys.exit(3)"],
                                  tmp_path, dict(os.environ), tmp_path / "c.log", False)
        assert code == 3
        assert (tmp_path / "c.log").read_text() == "x\n"
    finally:
        spawner.close()
    del ballast


def test_marginal_slope():
    k, fixed = bench.slope([(1, 1.0), (21, 1.2), (101, 2.0), (51, 1.5)])
    assert k == pytest.approx(0.01, abs=1e-9)
    assert fixed == pytest.approx(0.99, abs=1e-9)


def test_command_end_to_end(tmp_path):
    out = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--size", "S", "--runs", "2",
         "--only", "startup/python", "--json", str(out), "--keep", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "floor: `python -c pass`" in done.stdout
    data = json.loads(out.read_text())
    assert list(data["cases"]) == ["startup/python"]
    assert len(data["cases"]["startup/python"]["samples"]) == 2
    assert data["meta"]["size"] == "S"
    # --keep refuses a folder that is not its own.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--size", "S", "--only",
         "startup/python", "--keep", str(tmp_path / "mine")], cwd=ROOT, capture_output=True,
        text=True, timeout=300)
    assert refused.returncode == 2
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
