"""Build-time figures (not a timed test): whole-process builds of the example course and of a
large synthetic course, median of several runs.

    .venv/bin/python scripts/benchmark.py [--runs 5] [--lessons 500]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORMKIT = [sys.executable, "-m", "scormkit"]


def synthetic_course(folder: Path, lessons: int) -> Path:
    """A course in our source format with *lessons* lessons of realistic size."""
    (folder / "lessons").mkdir(parents=True)
    (folder / "media").mkdir()
    (folder / "media" / "figure.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" '
        'height="10"/></svg>')
    names = []
    for n in range(1, lessons + 1):
        name = f"{n:04d}-lesson.md"
        names.append(f"lessons/{name}")
        following = f"{n + 1:04d}-lesson.md" if n < lessons else "0001-lesson.md"
        body = "\n\n".join(
            f"## Section {s}\n\nParagraph {s} of lesson {n} with *emphasis*, `code` and a "
            f"[link to the next lesson]({following}).\n\n- point one\n- point two\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n::: note\nA note.\n:::"
            for s in range(1, 4))
        (folder / "lessons" / name).write_text(
            f"---\ntitle: Lesson {n}\nobjectives:\n  - Objective {n}\nminutes: 5\n---\n\n"
            f"![A square](../media/figure.svg)\n\n{body}\n")
    lesson_list = "\n".join(f"  - {name}" for name in names)
    (folder / "course.yaml").write_text(
        "id: bench\ntitle: Benchmark course\nlanguage: en\nversion: 1.0.0\n"
        f"lessons:\n{lesson_list}\n")
    return folder


def time_build(course: Path, out: Path, runs: int, extra: list[str]) -> tuple[float, int]:
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*SCORMKIT, "build", str(course), "--out", str(out), *extra],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - started)
        size = sum(p.stat().st_size for p in out.glob("*.zip"))
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lessons", type=int, default=500)
    args = parser.parse_args()
    started = time.perf_counter()
    subprocess.run([*SCORMKIT, "--version"], check=True, capture_output=True)
    startup = time.perf_counter() - started
    print(f"interpreter + import + --version: {startup:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        big = synthetic_course(tmp_path / "big", args.lessons)
        cases = [
            ("example course, scorm12", ROOT / "course_src", []),
            ("example course, scorm12 --sco-per-lesson", ROOT / "course_src",
             ["--sco-per-lesson"]),
            (f"synthetic {args.lessons} lessons, scorm12", big, []),
            (f"synthetic {args.lessons} lessons, scorm12 --sco-per-lesson", big,
             ["--sco-per-lesson"]),
        ]
        for index, (label, course, extra) in enumerate(cases):
            median, size = time_build(course, tmp_path / f"out{index}", args.runs, extra)
            print(f"{label:55} median {median:6.3f} s over {args.runs} runs, "
                  f"zip {size / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
