"""The learner runtime's JavaScript checks, run from pytest so that the README's one test
command (and .ci/run, which runs it) covers them:

- the unit tests of each module of scormkit/runtime/ with Node's built-in test runner
  (``node --test tests/js/``);
- ESLint over the modules and those tests (eslint.config.js; pinned in package.json, installed
  by ``npm ci`` in scripts/setup).

Each fails with the tool's own output. Node and the npm packages are what the browser tests
need as well: without them these fail with a message saying so, unless SCORMKIT_SKIP_E2E=1
asks to skip the tests that need the JavaScript toolchain."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ESLINT = ROOT / "node_modules" / "eslint" / "bin" / "eslint.js"


def _require(ok: bool, message: str) -> None:
    if ok:
        return
    if os.environ.get("SCORMKIT_SKIP_E2E") == "1":
        pytest.skip(message)
    pytest.fail(f"{message} (set SCORMKIT_SKIP_E2E=1 to skip)", pytrace=False)


def _node() -> str:
    node = shutil.which("node")
    _require(node is not None, "node is not installed: scripts/setup needs Node.js with npm")
    assert node is not None
    return node


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    # NODE_OPTIONS from the environment could load code into the runs; they get none.
    env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def test_runtime_modules_pass_their_unit_tests():
    done = _run([_node(), "--test", "--test-reporter=tap", "tests/js/"])
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # A run that found no test file passes too: make sure the tests ran.
    counts = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", output, re.M))
    assert int(counts.get("tests", 0)) >= 50 and counts.get("fail") == "0", output


def test_runtime_modules_are_lint_clean():
    _require(ESLINT.is_file(), f"{ESLINT} is missing: run `npm ci` in {ROOT}")
    done = _run([_node(), str(ESLINT), "--max-warnings=0", "--no-cache",
                 "scormkit/runtime", "scormkit/preview/assets", "tests/js",
                 "eslint.config.js"])
    assert done.returncode == 0, done.stdout + done.stderr
