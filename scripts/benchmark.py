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


QUESTION_TEMPLATES = (
    "## Single {n} {{id: q{n}}}\n\nWhich option is right for case {n}?\n\n"
    "- [ ] Wrong one\n- [x] Right one\n  > Well spotted.\n- [ ] Another wrong one\n"
    "- [ ] None of the above {{pin}}\n\n> Feedback: Case {n} explained.\n",
    "## Multiple {n} {{id: q{n}, type: multiple, partial}}\n\nTick the right ones.\n\n"
    "- [x] First\n- [x] Second\n- [ ] Third\n- [ ] Fourth\n",
    "## True or false {n} {{id: q{n}, type: truefalse}}\n\nStatement {n} holds.\n\n"
    "- [x] True\n- [ ] False\n",
    "## Fill {n} {{id: q{n}, type: fill}}\n\nIt takes [[3|three]] to [[5|five]] years.\n",
    "## Numeric {n} {{id: q{n}, type: numeric}}\n\nHow many percent?\n\n- 11 +- 0.5\n",
    "## Matching {n} {{id: q{n}, type: matching}}\n\n- Teacher -> explains\n"
    "- Coach -> encourages\n- Drill sergeant -> insists\n- -> ignores\n",
    "## Ordering {n} {{id: q{n}, type: ordering}}\n\n1. Prepare\n2. Plan\n3. Build\n"
    "4. Monitor\n",
    "## Essay {n} {{id: q{n}, type: essay}}\n\nExplain your plan for case {n}.\n",
)


def synthetic_quiz(questions: int) -> str:
    """A quiz in our format using every question type, with one pool per 100 questions."""
    parts = ["---\ntitle: Benchmark quiz\npassing_score: 80\n---\n"]
    for n in range(1, questions + 1):
        if n % 100 == 1:
            parts.append(f"# Pool {n // 100 + 1} {{draw: 50}}\n" if n > 1000 else "")
        template = QUESTION_TEMPLATES[(n - 1) % len(QUESTION_TEMPLATES)]
        if n > 1000:  # pooled questions share one type and their points
            template = QUESTION_TEMPLATES[0]
        parts.append(template.format(n=n))
    return "\n".join(parts)


def synthetic_course(folder: Path, lessons: int, questions: int = 0) -> Path:
    """A course in our source format with *lessons* lessons of realistic size and a quiz of
    *questions* questions."""
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
    quiz_line = ""
    if questions:
        (folder / "quiz.quiz.md").write_text(synthetic_quiz(questions))
        quiz_line = "quiz: quiz.quiz.md\n"
    (folder / "course.yaml").write_text(
        "id: bench\ntitle: Benchmark course\nlanguage: en\nversion: 1.0.0\n"
        f"lessons:\n{lesson_list}\n{quiz_line}")
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


def time_validate(zips: list[Path], runs: int) -> None:
    """`scormkit validate` on each built package: the whole process (median of *runs*), and
    in-process once the schemas are compiled (what a second package in the same run costs)."""
    from scormkit.validation import validate_archive

    for path in zips:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*SCORMKIT, "validate", str(path)], capture_output=True)
            times.append(time.perf_counter() - started)
        validate_archive(path)  # compile the schemas this kind needs
        warm = []
        for _ in range(runs):
            started = time.perf_counter()
            report = validate_archive(path)
            warm.append(time.perf_counter() - started)
        print(f"validate {path.parent.name}/{path.name[-22:]:22} {report.files:5} files: "
              f"process median {statistics.median(times):6.3f} s, in-process (schemas "
              f"compiled) median {statistics.median(warm):6.3f} s, "
              f"{len(report.diagnostics)} diagnostics")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lessons", type=int, default=500)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--targets", default="all",
                        help="comma-separated targets for the large course (default: all)")
    args = parser.parse_args()
    started = time.perf_counter()
    subprocess.run([*SCORMKIT, "--version"], check=True, capture_output=True)
    startup = time.perf_counter() - started
    print(f"interpreter + import + --version: {startup:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        big = synthetic_course(tmp_path / "big", args.lessons, args.questions)
        from scormkit.writers import WRITERS

        targets = sorted(WRITERS) if args.targets == "all" else args.targets.split(",")
        size_label = f"synthetic {args.lessons} lessons + {args.questions} questions"
        cases = [
            ("example course, scorm12", ROOT / "course_src", []),
            ("example course, scorm12 --sco-per-lesson", ROOT / "course_src",
             ["--sco-per-lesson"]),
        ]
        cases += [(f"{size_label}, {target}", big, ["-t", target]) for target in targets]
        for index, (label, course, extra) in enumerate(cases):
            median, size = time_build(course, tmp_path / f"out{index}", args.runs, extra)
            print(f"{label:65} median {median:6.3f} s over {args.runs} runs, "
                  f"zip {size / 1024:8.1f} KiB")
        time_validate(sorted(tmp_path.glob("out*/*.zip")), args.runs)


if __name__ == "__main__":
    main()
