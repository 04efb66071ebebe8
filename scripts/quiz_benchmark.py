"""Build-time figures for the quiz targets (not a timed test): a synthetic course whose quiz
has N questions cycling through every question type, built by whole `scormkit build`
processes, median of several runs. Every document is XSD-validated, as in any build.

    .venv/bin/python scripts/quiz_benchmark.py [--questions 2000] [--runs 5]

`synthetic_quiz` is importable (scripts/benchmark.py can reuse it).
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
TARGETS = ("qti12", "qti21", "qti30", "moodlexml", "scorm12")


def _question(n: int) -> str:
    head = f"## Question {n} {{id: q{n}"
    kind = n % 8
    if kind == 0:
        return (f"{head}}}\n\nWhich option is right for case {n}?\n\n- [ ] Wrong answer {n}\n"
                "  > Not this one.\n- [x] Right answer\n- [ ] Another wrong answer\n\n"
                "> Correct: Well done.\n> Incorrect: Try again.\n")
    if kind == 1:
        return f"{head}, type: multiple, partial}}\n\nPick the even numbers.\n\n- [x] 2\n" \
               "- [x] 4\n- [ ] 5\n"
    if kind == 2:
        return f"{head}, type: truefalse}}\n\nStatement {n} is true.\n\n- [x] True\n- [ ] False\n"
    if kind == 3:
        return f"{head}, type: fill}}\n\nThe word [[alpha|first]] comes before [[beta]].\n"
    if kind == 4:
        return f"{head}, type: numeric}}\n\nWhat is {n} times two?\n\n- {2 * n} +- 0.5\n"
    if kind == 5:
        return f"{head}, type: matching}}\n\nMatch the pairs.\n\n- One -> 1\n- Two -> 2\n" \
               "- Three -> 3\n"
    if kind == 6:
        return f"{head}, type: ordering}}\n\nPut these in order.\n\n1. First\n2. Second\n" \
               "3. Third\n"
    return f"{head}, type: essay}}\n\nExplain case {n}.\n\n> Grading: Look for an argument.\n"


def synthetic_quiz(count: int) -> str:
    """Quiz source with *count* questions, every type in turn."""
    body = "\n".join(_question(n) for n in range(1, count + 1))
    return f"---\nid: big\ntitle: Big quiz\npassing_score: 60\n---\n\n{body}"


def synthetic_course(folder: Path, questions: int) -> Path:
    (folder / "lessons").mkdir(parents=True)
    (folder / "quizzes").mkdir()
    (folder / "lessons" / "01-intro.md").write_text(
        "---\ntitle: Intro\nobjectives:\n  - Learn.\nminutes: 5\n---\n\n## Hello\n\nText.\n")
    (folder / "quizzes" / "big.quiz.md").write_text(synthetic_quiz(questions))
    (folder / "course.yaml").write_text(
        "id: bench\ntitle: Bench\ndescription: Synthetic quiz.\nlanguage: en\nversion: 1.0.0\n"
        "lessons:\n  - lessons/01-intro.md\nquiz: quizzes/big.quiz.md\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cases = [("example course", ROOT / "course_src"),
                 (f"{args.questions} questions", synthetic_course(tmp_path / "big",
                                                                  args.questions))]
        for label, course in cases:
            for target in TARGETS:
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    done = subprocess.run([*SCORMKIT, "build", str(course), "--target", target,
                                           "--out", str(tmp_path / "out")],
                                          check=False, capture_output=True, text=True)
                    times.append(time.perf_counter() - started)
                    if done.returncode:
                        print(f"{label:16} {target:10} FAILED: {done.stderr.strip()[-300:]}")
                        break
                else:
                    print(f"{label:16} {target:10} median {statistics.median(times):6.3f} s "
                          f"over {args.runs} runs")


if __name__ == "__main__":
    main()
