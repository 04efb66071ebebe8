"""How the command line talks: -q/-v, colour (NO_COLOR, pipes), the progress line (a
terminal only), counted nouns, one summary for several targets, shell completion."""

from __future__ import annotations

import ast
import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scormkit import scaffold, terminal
from scormkit.cli import cli
from scormkit.errors import counted

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return scaffold.create(tmp_path_factory.mktemp("cli") / "course").folder


@pytest.fixture
def broken(tmp_path) -> Path:
    folder = scaffold.create(tmp_path / "broken").folder
    yaml = folder / "course.yaml"
    yaml.write_text(yaml.read_text().replace("language: en", "language: english!"))
    return folder


def invoke(args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def test_counted_nouns():
    assert counted(1, "file") == "1 file"
    assert [counted(n, "file") for n in (0, 2)] == ["0 files", "2 files"]
    assert counted(1, "schema family", "schema families") == "1 schema family"
    assert counted(3, "schema family", "schema families") == "3 schema families"


def test_no_message_says_s_in_brackets():
    """'(s)' plurals are gone from every string scormkit prints (an http(s) URL is no
    plural)."""
    found = []
    for path in (ROOT / "scormkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for match in re.finditer(r"\w+\(s\)", node.value):
                    if match.group() != "http(s)":
                        found.append(f"{path.name}: {match.group()}")
    docstring_words = {"item(s)"}  # ccquiz's docstring, not a message
    assert [f for f in found if f.split(": ")[1] not in docstring_words] == []


def test_one_target_prints_one_line(course, tmp_path):
    result = invoke(["build", course, "-o", tmp_path])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\S+course-0\.1\.0-scorm12\.zip  \(14 files, [\d.]+ KiB, [\d.]+ s\)\n",
                        result.stdout)
    assert result.stderr == ""


def test_several_targets_print_one_summary(course, tmp_path):
    result = invoke(["build", course, "-t", "scorm12", "-t", "cmi5", "-o", tmp_path])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["target", "result", "files", "size", "KiB", "time", "s", "file"]
    assert [line.split()[:3] for line in lines[1:3]] == [["scorm12", "ok", "14"],
                                                         ["cmi5", "ok", "10"]]
    assert re.fullmatch(r"2 packages written to \S+ in [\d.]+ s", lines[3])
    assert len(lines) == 4  # nothing said twice
    assert sum("scorm12.zip" in line for line in lines) == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_prints_nothing_on_success(course, tmp_path, where):
    args = ["build", course, "-t", "scorm12", "-t", "cmi5", "-o", tmp_path]
    result = invoke(["-q", *args] if where == "before" else [*args, "--quiet"])
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""
    assert len(list(tmp_path.glob("*.zip"))) == 2


def test_quiet_still_prints_errors(broken, tmp_path):
    result = invoke(["build", "-q", broken, "-o", tmp_path])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "course.yaml:19: error: 'english!' is not a BCP 47 language tag [bad-language]" \
        in result.stderr


def test_verbose_says_what_was_read(course, tmp_path):
    result = invoke(["-v", "build", course, "-o", tmp_path])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert re.fullmatch(r"read \S*course\.yaml in [\d.]+ s: course 0\.1\.0, 2 lessons, a quiz "
                        r"of 3 questions, themed; building scorm12", first)


def test_quiet_and_verbose_exclude_each_other(course):
    result = invoke(["-q", "build", "-v", course])
    assert result.exit_code == 2
    assert "-q/--quiet and -v/--verbose exclude each other" in result.stderr


def test_validate_quiet_and_verbose(course, tmp_path):
    invoke(["build", course, "-o", tmp_path])
    [package] = tmp_path.glob("*.zip")
    quiet = invoke(["validate", "-q", "--strict", package])
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    verbose = invoke(["validate", "-v", package])
    assert "    imsmanifest.xml: valid (scorm12 schema)" in verbose.stdout.splitlines()
    assert verbose.stdout.rstrip().endswith("1 package checked, 0 failed: 0 errors, 0 warnings")


# ---------------------------------------------------------------------------------------------
# Colour


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "env", "wanted"), [
    (Tty(), {}, True),
    (io.StringIO(), {}, False),  # a pipe or a file
    (Tty(), {"NO_COLOR": "1"}, False),
    (Tty(), {"NO_COLOR": ""}, True),  # no-color.org: set and non-empty
    (Tty(), {"TERM": "dumb"}, False),
    (io.StringIO(), {"FORCE_COLOR": "1"}, True),
    (io.StringIO(), {"FORCE_COLOR": "0"}, False),
    (Tty(), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
])
def test_when_colour_is_wanted(stream, env, wanted):
    assert terminal.colour_wanted(stream, env) is wanted


def test_errors_are_coloured_only_when_wanted(broken, tmp_path):
    plain = invoke(["build", broken, "-o", tmp_path], env={"NO_COLOR": None, "FORCE_COLOR": None})
    assert not ANSI.search(plain.stderr)  # the runner's streams are not terminals
    forced = invoke(["build", broken, "-o", tmp_path], env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "\x1b[31m\x1b[1merror:\x1b[0m" in forced.stderr
    assert "\x1b[36mhint:\x1b[0m" in forced.stderr
    assert ANSI.sub("", forced.stderr) == plain.stderr  # the words do not change
    off = invoke(["build", broken, "-o", tmp_path], env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert off.stderr == plain.stderr


def test_validate_colours_its_report_but_never_json(course, tmp_path):
    invoke(["build", course, "-o", tmp_path])
    [package] = tmp_path.glob("*.zip")
    text = invoke(["validate", package], env={"FORCE_COLOR": "1"})
    assert "\x1b[32m0 failed\x1b[0m" in text.stdout
    data = invoke(["validate", "--format", "json", package], env={"FORCE_COLOR": "1"})
    assert not ANSI.search(data.stdout)


# ---------------------------------------------------------------------------------------------
# The progress line: on a terminal, never in a pipe


def _run_with_stderr_on_a_terminal(args, cwd):
    main, other = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm"
    try:
        done = subprocess.run([sys.executable, "-m", "scormkit", *map(str, args)], cwd=cwd,
                              stdout=subprocess.PIPE, stderr=other, env=env, timeout=300)
        os.close(other)
        other = -1
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the other end is closed and everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main)
        if other != -1:
            os.close(other)
    return done, b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_line_that_is_erased(course, tmp_path):
    done, stderr = _run_with_stderr_on_a_terminal(
        ["build", course, "-t", "scorm12", "-t", "cmi5", "-o", tmp_path, "-j", "1"], tmp_path)
    assert done.returncode == 0
    assert "\r\x1b[Kreading the course…" in stderr
    assert "[----------] 0/2 targets" not in stderr  # the bar is 20 wide
    assert re.search(r"\r\x1b\[K\[#{10}-{10}\] 1/2 targets  \d+ s  building cmi5", stderr)
    assert re.search(r"\r\x1b\[K\[#{20}\] 2/2 targets", stderr)
    assert stderr.endswith("\r\x1b[K")  # erased at the end
    assert b"\r" not in done.stdout and b"\x1b" not in done.stdout  # stdout is a pipe


def test_no_progress_in_a_pipe(course, tmp_path):
    done = subprocess.run([sys.executable, "-m", "scormkit", "build", str(course), "-o",
                           str(tmp_path)], capture_output=True, timeout=300)
    assert done.returncode == 0
    assert done.stderr == b""


def test_no_progress_with_quiet_even_on_a_terminal(course, tmp_path):
    done, stderr = _run_with_stderr_on_a_terminal(["build", "-q", course, "-o", tmp_path],
                                                  tmp_path)
    assert done.returncode == 0 and stderr == "" and done.stdout == b""


# ---------------------------------------------------------------------------------------------
# Completion, as docs/cli.md documents it


def test_completion_works_as_documented():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert 'eval "$(_SCORMKIT_COMPLETE=bash_source scormkit)"' in doc
    assert "_SCORMKIT_COMPLETE=zsh_source" in doc and "_SCORMKIT_COMPLETE=fish_source" in doc
    env = {**os.environ, "_SCORMKIT_COMPLETE": "bash_complete",
           "COMP_WORDS": "scormkit build -t sc", "COMP_CWORD": "3"}
    done = subprocess.run([sys.executable, "-c", "from scormkit.cli import main; main()"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["plain,scorm12", "plain,scorm2004"]
    env.update(COMP_WORDS="scormkit in", COMP_CWORD="1")
    done = subprocess.run([sys.executable, "-c", "from scormkit.cli import main; main()"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["plain,init"]
    source = subprocess.run([sys.executable, "-c", "from scormkit.cli import main; main()"],
                            env={**os.environ, "_SCORMKIT_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60)
    assert "complete -o nosort -F _scormkit_completion scormkit" in source.stdout
