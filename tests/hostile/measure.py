"""Run `scormkit validate` on every hostile case, each in its own process, and measure it.

    .venv/bin/python -m tests.hostile.measure [--format json|markdown] [CASE...]

For each case (tests/hostile/make_corpus.py: CORPUS, the zip files, and EXTRA, the folders
with special files and the packages that expand to hundreds of MiB) it records: the codes
reported, whether the expected one is among them, the exit code, wall time and peak RSS of
the validating process, whether it crashed (a traceback, an internal-error, an exit code
other than 0, 1, 2, or no JSON report), whether it leaked (files left in its private TMPDIR,
processes left in its process group) and whether data was lost (the package missing from
the report, or the input changed). tests/test_validate_hostile.py asserts the same things;
this prints the table of the closing note of issue 12.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .make_corpus import CORPUS, EXTRA, LOWERED_LIMITS

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
# The validating process: the CLI, in a wrapper that reports its own peak RSS and time on
# the last line of stderr. The peak is VmHWM, which starts afresh with the new program:
# ru_maxrss would count the parent's memory at fork.
WRAPPER = """
import json, re, sys, time
started = time.perf_counter()
from scormkit.validation import members
for name, value in json.loads(sys.argv[1]).items():
    setattr(members, name, value)
from scormkit.cli import cli
try:
    cli.main(["validate", "--format", "json", *sys.argv[2:]], prog_name="scormkit")
    code = 0
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else 1
sys.stdout.flush()
status = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
print(json.dumps({"exit": code, "seconds": time.perf_counter() - started,
                  "cpu": time.process_time(), "rss": peak}),
      file=sys.stderr)
"""


@dataclass
class Outcome:
    case: str
    expected: str | None
    codes: list[str]
    exit: int | None
    seconds: float
    rss_mib: float
    right_code: bool
    crashed: bool
    leaked: list[str]
    lost: bool
    note: str = ""
    cpu_seconds: float = 0.0
    """CPU time of the validating process: what a case costs, whatever else runs beside it
    (wall time doubles when the suite runs on every core)."""
    messages: list[str] = field(default_factory=list)
    """The diagnostics' messages, as the JSON report gives them (escaped)."""
    files: int | None = None
    """The files the report says the package holds."""


def run(case: str, path: Path, expected: str | None, limits: dict[str, int] | None = None
        ) -> Outcome:
    """Validate *path* in a fresh process with a private TMPDIR and process group."""
    before = _digest(path)
    with tempfile.TemporaryDirectory(prefix="scormkit-hostile-tmp-") as private:
        env = {**os.environ, "TMPDIR": private, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, json.dumps(limits or {}), str(path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            out, err = process.communicate(timeout=TIMEOUT)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            timed_out = True
        elapsed = time.perf_counter() - started
        leaked = [f"tmp:{p.name}" for p in Path(private).iterdir()]
        leaked += [f"process:{pid}" for pid in _group(process.pid)]
    stderr = err.decode("utf-8", "replace").strip().splitlines()
    figures: dict[str, float] = {}
    if stderr:
        try:
            figures = json.loads(stderr[-1])
        except ValueError:
            figures = {}
    try:
        report = json.loads(out)
    except ValueError:
        report = None
    packages = (report or {}).get("packages", [])
    codes = sorted({d["code"] for p in packages for d in p["diagnostics"]})
    messages = [d["message"] for p in packages for d in p["diagnostics"]]
    exit_code = None if timed_out else int(figures.get("exit", process.returncode))
    traceback = any(line.startswith("Traceback") for line in stderr)
    crashed = timed_out or traceback or exit_code not in (0, 1, 2) or (
        report is None and exit_code != 2) or "internal-error" in codes
    lost = _digest(path) != before or (report is not None and len(report["packages"]) != 1)
    if expected is None:
        right = not crashed and not any(c.startswith("zip-") for c in codes)
    elif expected == "unreadable":
        right = exit_code == 2 and report is not None and report["packages"] == []
    else:
        right = expected in codes
    return Outcome(case, expected, codes, exit_code, round(figures.get("seconds", elapsed), 2),
                   round(figures.get("rss", 0.0), 1), right, crashed, leaked, lost,
                   "timed out" if timed_out else "",
                   round(figures.get("cpu", elapsed), 2), messages,
                   packages[0].get("files") if len(packages) == 1 else None)


def _digest(path: Path) -> str:
    """A digest of *path* (a file, or a folder's regular files) to show it was not changed."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and not p.is_symlink()) if path.is_dir() \
        else []
    for file in files:
        digest.update(os.fsencode(file.relative_to(path) if file != path else ""))
        with open(file, "rb") as handle:
            while chunk := handle.read(2**20):
                digest.update(chunk)
    return digest.hexdigest()


def _group(pgid: int) -> list[int]:
    """Processes still in process group *pgid* (the validator's children, if any)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                found.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return found


def build(case: str, folder: Path) -> Path | None:
    """Write case *case* under *folder*; None when this machine cannot make it."""
    path = folder / case
    if case in CORPUS:
        path.write_bytes(CORPUS[case][0]())
        return path
    try:
        EXTRA[case][0](path)
    except PermissionError:
        return None
    return path


def expected(case: str) -> str | None:
    return CORPUS[case][1] if case in CORPUS else EXTRA[case][1]


def measure(cases: list[str]) -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="scormkit-hostile-") as folder:
        for case in cases:
            path = build(case, Path(folder))
            if path is None:
                continue
            outcomes.append(run(case, path, expected(case), LOWERED_LIMITS.get(case)))
    return outcomes


def markdown(outcomes: list[Outcome]) -> str:
    lines = ["| case | expected | right code | crash | leaks | lost data | time s | RSS MiB |",
             "|---|---|---|---|---|---|---:|---:|"]
    for o in outcomes:
        lines.append(f"| {o.case} | {o.expected or 'accepted, streamed'} | "
                     f"{'yes' if o.right_code else 'NO: ' + ', '.join(o.codes)} | "
                     f"{'YES' if o.crashed else 0} | {len(o.leaked)} | {int(o.lost)} | "
                     f"{o.seconds:.2f} | {o.rss_mib:.0f} |")
    right = sum(o.right_code for o in outcomes)
    lines.append(f"\n{len(outcomes)} cases: {right} rejected with the right code (or accepted "
                 f"within the bounds), {sum(o.crashed for o in outcomes)} crashes, "
                 f"{sum(bool(o.leaked) for o in outcomes)} leaks, "
                 f"{sum(o.lost for o in outcomes)} lost data; max time "
                 f"{max(o.seconds for o in outcomes):.2f} s, max RSS "
                 f"{max(o.rss_mib for o in outcomes):.0f} MiB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help="default: every case")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    args = parser.parse_args()
    outcomes = measure(args.cases or [*CORPUS, *EXTRA])
    if args.format == "json":
        print(json.dumps([asdict(o) for o in outcomes], indent=2))
    else:
        print(markdown(outcomes))


if __name__ == "__main__":
    main()
