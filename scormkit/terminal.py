"""What the command line prints, and how: verbosity, colour, the progress line.

The CLI (scormkit/cli.py) only parses options; this module decides what reaches the
terminal. Conventions of serious command-line tools, each for a reason:

- **Verbosity**: ``-q`` prints problems only (errors and warnings: never silenced, an author
  must hear of them), no progress, no summary; the exit code says the rest (ruff's ``-q``).
  ``-v`` adds details (what was read, each document validated). Both exist on the main
  command and on each subcommand (``scormkit -q build`` and ``scormkit build -q``).
- **Colour** on errors, warnings and hints only, never needed to understand a line (the
  words stay): on when the stream is a terminal, off when it is a pipe or a file, off when
  ``NO_COLOR`` is set to anything non-empty (https://no-color.org), forced on by
  ``FORCE_COLOR`` (for CI logs that render colour), and off for ``TERM=dumb``.
- **Progress** on stderr, on a terminal only: one line redrawn in place (a carriage return
  and erase-line), erased before anything else is printed and at the end. Never in a pipe,
  a file or CI, where it would litter the log. It moves when a target is done; there is no
  timer thread, since a build forks worker processes only when it runs in a single thread
  (scormkit.build._can_fork).
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO

import click

from scormkit.errors import Diagnostic, Severity

QUIET = -1
NORMAL = 0
VERBOSE = 1

_STYLES = {
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "hint": {"fg": "cyan"},
    "location": {"bold": True},
    "code": {"dim": True},
    "ok": {"fg": "green"},
    "failed": {"fg": "red", "bold": True},
}


def colour_wanted(stream: IO[str], environ: dict[str, str] | None = None) -> bool:
    """Whether text written to *stream* gets ANSI colours (see the module docstring)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Console:
    """Where a command's output goes, at one verbosity, coloured or not per stream."""

    def __init__(self, verbosity: int = NORMAL, *, out: IO[str] | None = None,
                 err: IO[str] | None = None) -> None:
        self.verbosity = verbosity
        # sys.stdout/err as they are now (click's test runner swaps them for a command).
        self.out: IO[str] = out if out is not None else sys.stdout
        self.err: IO[str] = err if err is not None else sys.stderr
        self.colour_out = colour_wanted(self.out)
        self.colour_err = colour_wanted(self.err)
        self._progress_shown = False
        self.progress_enabled = (verbosity >= NORMAL and colour_wanted_tty(self.err))

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    @property
    def verbose(self) -> bool:
        return self.verbosity >= VERBOSE

    # -- plain output -----------------------------------------------------------------------

    def info(self, text: str) -> None:
        """A result line (stdout); not with -q."""
        if not self.quiet:
            self._echo(text, err=False)

    def detail(self, text: str) -> None:
        """A detail line (stdout); only with -v."""
        if self.verbose:
            self._echo(text, err=False)

    def report(self, text: str) -> None:
        """A report the user asked for (stdout), at any verbosity (already cut to it)."""
        if text:
            self._echo(text, err=False)

    def note(self, text: str) -> None:
        """A line about the run (stderr); not with -q."""
        if not self.quiet:
            self._echo(text, err=True)

    # -- problems ---------------------------------------------------------------------------

    def style(self, role: str, text: str, *, err: bool = True) -> str:
        if not (self.colour_err if err else self.colour_out):
            return text
        return click.style(text, **_STYLES[role])  # type: ignore[arg-type]

    def out_style(self, role: str, text: str) -> str:
        return self.style(role, text, err=False)

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        """A diagnostic as Diagnostic.render() writes it, coloured (stderr, always)."""
        d = diagnostic
        where = f"{self.style('location', f'{d.location}:')} " if d.location else ""
        severity = self.style("error" if d.severity is Severity.ERROR else "warning",
                              f"{d.severity.value}:")
        text = f"{where}{severity} {d.message} {self.style('code', f'[{d.code}]')}"
        if d.hint:
            text += f"\n    {self.style('hint', 'hint:')} {d.hint}"
        self._echo(text, err=True)

    def error(self, text: str, hint: str | None = None) -> None:
        """``error: text`` (stderr, always)."""
        self._problem("error", text, hint)

    def warning(self, text: str, hint: str | None = None) -> None:
        """``warning: text`` (stderr, always: -q does not hide warnings)."""
        self._problem("warning", text, hint)

    def _problem(self, role: str, text: str, hint: str | None) -> None:
        line = f"{self.style(role, f'{role}:')} {text}"
        if hint:
            line += f"\n    {self.style('hint', 'hint:')} {hint}"
        self._echo(line, err=True)

    # -- progress ---------------------------------------------------------------------------

    def progress(self, text: str) -> None:
        """Show *text* as the progress line (stderr, a terminal only), replacing the last."""
        if not self.progress_enabled:
            return
        width = max(20, _columns() - 1)
        self.err.write("\r\x1b[K" + text[:width])
        self.err.flush()
        self._progress_shown = True

    def clear_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._progress_shown = False

    def _echo(self, text: str, *, err: bool) -> None:
        self.clear_progress()
        click.echo(text, file=self.err if err else self.out,
                   color=self.colour_err if err else self.colour_out)


def colour_wanted_tty(stream: IO[str]) -> bool:
    """A progress line needs a real terminal (carriage return, erase-line), whatever
    NO_COLOR says (it concerns colour, not redrawing): not for a pipe, a file or TERM=dumb."""
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False


def _columns() -> int:
    """The terminal's width (80 when it does not say: a fresh pseudo-terminal says 0)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return 80


def bar(done: int, total: int, width: int = 20) -> str:
    """``[########------------]`` for *done* of *total*."""
    filled = round(width * done / total) if total else width
    return "[" + "#" * filled + "-" * (width - filled) + "]"


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def seconds(self) -> float:
        return time.monotonic() - self.started
