"""Run `scormkit build` on every hostile course source, each in its own process, and measure.

    .venv/bin/python -m tests.hostile.measure_build [--format json|markdown] [CASE...]

For each case of tests/hostile/build_corpus.py it records: the codes reported (the
``[code]`` of each diagnostic line), whether the expected one is among them with the
expected message, the exit code, wall time and peak RSS of the building process (run under
an address-space limit, RLIMIT_AS), whether it crashed (a traceback, an exit code other than
0 or 1, a timeout, a MemoryError), whether it leaked (a file left in its private TMPDIR, a
process left in its group, a temporary or refused package in the output folder, the secret
of the folder outside the course inside a package or in the messages) and whether it lost
data (the course or the folder outside it changed). tests/test_build_hostile.py asserts the
same things; this prints the table of the closing note of issue 12.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .build_corpus import CASES, SECRET, make

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
ADDRESS_SPACE = 2 * 2**30
"""RLIMIT_AS of the building process: a bomb that gets past a bound ends as a MemoryError
(reported as a crash) instead of taking the machine."""
# The building process: the CLI, in a wrapper that reports its own peak RSS and time on the
# last line of stderr. The peak is VmHWM, which starts afresh with the new program:
# ru_maxrss would count the parent's memory at fork.
WRAPPER = """
import json, re, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
started = time.perf_counter()
from scormkit.cli import cli
try:
    cli.main(["build", *sys.argv[2:]], prog_name="scormkit")
    code = 0
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else 1
sys.stdout.flush()
status = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"exit": code, "seconds": time.perf_counter() - started, "rss": peak,
                  "cpu": usage.ru_utime + usage.ru_stime}), file=sys.stderr)
"""
STALE = ".hostile-1.0.0-scorm12.zip.abcd1234.tmp"
"""What a build killed an hour ago left (planted for the stale-temporary-file case)."""
FRESH = ".other-1.0.0-scorm12.zip.scormkit-fresh123.tmp"
"""A temporary file of a build running now (planted too): it must stay."""


@dataclass
class Outcome:
    case: str
    expected: str | None
    codes: list[str]
    exit: int | None
    seconds: float
    """Wall time, which the other work of a loaded machine stretches."""
    cpu_seconds: float
    """User and system time of the building process: what a bound on the work it does checks
    (a quadratic step shows there whatever the load)."""
    rss_mib: float
    right_code: bool
    crashed: bool
    leaked: list[str]
    lost: bool
    stderr_bytes: int
    note: str = ""


def run(case: str, folder: Path) -> Outcome:
    """Build *case* (written under *folder*) in a fresh process with a private TMPDIR and
    process group."""
    _make, target, expected, message = CASES[case]
    course, outside = make(case, folder)
    out = folder / "dist"
    if case == "stale-temporary-file":
        out.mkdir()
        (out / STALE).write_bytes(b"PK\x03\x04 half a zip")
        os.utime(out / STALE, (time.time() - 3600, time.time() - 3600))
        (out / FRESH).write_bytes(b"PK\x03\x04 being written")
    before = _digest(course), _digest(outside)
    with tempfile.TemporaryDirectory(prefix="scormkit-hostile-tmp-") as private:
        env = {**os.environ, "TMPDIR": private, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, str(ADDRESS_SPACE), str(course), "-t", target,
             "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=folder,
            start_new_session=True)
        try:
            out_bytes, err = process.communicate(timeout=TIMEOUT)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out_bytes, err = process.communicate()
            timed_out = True
        elapsed = time.perf_counter() - started
        leaked = [f"tmp:{p.name}" for p in Path(private).iterdir()]
        leaked += [f"process:{pid}" for pid in _group(process.pid)]
    stderr = err.decode("utf-8", "replace").strip().splitlines()
    figures: dict[str, float] = {}
    if stderr:
        try:
            figures = json.loads(stderr[-1])
            stderr = stderr[:-1]
        except ValueError:
            figures = {}
    text = "\n".join(stderr)
    codes = sorted(set(re.findall(r"(?:error|warning): .*\[([a-z0-9-]+)\]$", text,
                                  re.MULTILINE)))
    exit_code = None if timed_out else int(figures.get("exit", process.returncode))
    crashed = timed_out or "Traceback" in text or "MemoryError" in text or exit_code not in (
        0, 1)
    packages = sorted(out.glob("*")) if out.exists() else []
    zips = [p for p in packages if p.suffix == ".zip" and not p.name.startswith(".")]
    temporaries = [p.name for p in packages if p.name.startswith(".") and p.name != FRESH]
    leaked += [f"temporary:{name}" for name in temporaries]
    leaked += [f"secret-in:{p.name}" for p in zips if _holds_secret(p)]
    if SECRET in out_bytes or SECRET in err:  # a message quoting a file it must not read
        leaked.append("secret-in-output")
    if expected is not None:
        leaked += [f"package:{p.name}" for p in zips]  # refused, yet written
    if case == "stale-temporary-file" and not (out / FRESH).exists():
        leaked.append("removed a live temporary file")
    lost = (_digest(course), _digest(outside)) != before
    if expected is None:
        right = exit_code == 0 and len(zips) == 1
    else:
        right = exit_code == 1 and expected in codes and message in text
    return Outcome(case, expected, codes, exit_code, round(figures.get("seconds", elapsed), 2),
                   round(figures.get("cpu", elapsed), 2),
                   round(figures.get("rss", 0.0), 1), right, crashed, leaked, lost,
                   len(err), "timed out" if timed_out else "")


def _digest(folder: Path) -> str:
    """Names, kinds and contents of everything under *folder* (links not followed)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_symlink():
            digest.update(b"link:" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(oct(path.lstat().st_mode).encode())
    return digest.hexdigest()


def _holds_secret(package: Path) -> bool:
    with zipfile.ZipFile(package) as zf:
        return any(SECRET in zf.read(name) for name in zf.namelist())


def _group(pgid: int) -> list[int]:
    """Processes still in the process group *pgid*."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| case | expected | codes | exit | s | CPU s | RSS MiB | right | crash | leaks | lost |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        rows.append(f"| {o.case} | {o.expected or 'builds'} | {', '.join(o.codes)} | {o.exit} "
                    f"| {o.seconds} | {o.cpu_seconds} | {o.rss_mib} "
                    f"| {'yes' if o.right_code else 'NO'} "
                    f"| {'YES' if o.crashed else 0} | {len(o.leaked)} | "
                    f"{'YES' if o.lost else 0} |")
    refused = [o for o in outcomes if o.expected is not None]
    rows.append("")
    rows.append(
        f"{len(outcomes)} cases ({len(refused)} to refuse, {len(outcomes) - len(refused)} to "
        f"build): {sum(o.right_code for o in outcomes)} with the right outcome, "
        f"{sum(o.right_code for o in refused)} of {len(refused)} refused with the right code "
        f"and message; crashes {sum(o.crashed for o in outcomes)}, leaks "
        f"{sum(bool(o.leaked) for o in outcomes)}, lost data {sum(o.lost for o in outcomes)}; "
        f"max time {max(o.seconds for o in outcomes)} s (CPU "
        f"{max(o.cpu_seconds for o in outcomes)} s), max RSS "
        f"{max(o.rss_mib for o in outcomes)} MiB, max stderr "
        f"{max(o.stderr_bytes for o in outcomes)} bytes.")
    return "\n".join(rows)


def main() -> None:  # pragma: no cover
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    outcomes = []
    for case in args.cases or CASES:
        with tempfile.TemporaryDirectory(prefix="scormkit-hostile-") as folder:
            outcome = run(case, Path(folder))
        outcomes.append(outcome)
        print(f"{case}: {'ok' if outcome.right_code else 'WRONG'} {outcome.seconds} s",
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps([asdict(o) for o in outcomes], indent=2))
    else:
        print(table(outcomes))


if __name__ == "__main__":  # pragma: no cover
    main()
