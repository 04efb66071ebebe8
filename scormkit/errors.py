"""Errors and diagnostics shared by every stage of the pipeline.

Anything derived from ScormkitError is the user's to fix and is printed without a traceback;
any other exception is a bug in scormkit.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import re
import traceback
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

# Characters a user-controlled string must not carry into a report: C0 and C1 controls
# (a newline forges a report line, ESC drives the terminal, NUL and most controls are not
# allowed in XML 1.0), bidirectional overrides and isolates (they reorder what is shown),
# line and paragraph separators, lone surrogates (from names that are not valid UTF-8; no
# encoder accepts them) and the XML non-characters U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                          "\ud800-\udfff\ufffe\uffff]")
MESSAGE_LIMIT = 2000
"""Characters of a diagnostic's message shown in reports; the rest is cut (a message may
quote an attribute value of any length)."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, limit: int | None = None) -> str:
    """*text*, a string that may come from a package or a course (a member name, an attribute
    value, a message quoting them), made safe to print on one line and to put in JSON and
    XML: the characters above are shown as ``\\xNN`` / ``\\uNNNN``, and the text is cut
    to *limit* characters with the length it had."""
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… ({len(text)} characters)"
    return _UNPRINTABLE.sub(_escape, text)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a diagnostic points: a file (course source or package member) and a 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


SHOWN_LIMIT = 80
"""Characters of a user value a message quotes (see shown())."""
_BIG_INT_BITS = 256


def shown(value: object, limit: int = SHOWN_LIMIT, *, quote: bool = True) -> str:
    """A value from the user's files (a YAML value, a path, a URL, a heading) as every message
    quotes it: like ``repr`` (strings in quotes, lists and mappings in brackets), on one line,
    about *limit* characters at most.

    The rendering is bounded while it is made, not cut afterwards: a YAML alias bomb is a
    small object graph whose repr would take gigabytes, and ``str`` of a 5000-digit integer
    raises. A cut string says how long it was; control characters, bidirectional overrides
    and line separators are escaped (``repr`` escapes what is not printable), so a value
    cannot forge a line of the output or reorder what a terminal shows. Without *quote*, a
    string is shown without its quotes (a path in running text)."""
    if isinstance(value, str) and (len(value) > limit or not quote):
        text = repr(value[:limit])
        if not quote:
            text = text[1:-1]
        return text if len(value) <= limit else (
            f"{text}…" if not quote else f"{text[:-1]}…{text[-1]}") + (
                f" ({len(value)} characters)")
    parts: list[str] = []
    try:
        _shown(value, parts, [limit], 0)
    except _Cut:
        parts.append("…")
    return "".join(parts)


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """*count* with the noun that agrees with it: ``1 file``, ``2 files``, ``0 files``
    (English counts zero as plural); *plural* for irregular nouns (``family``,
    ``families``). Every message that counts says it this way, never with "(s)"."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def listing(names: Collection[str], count: int = 8,
            key: Callable[[str], str] | None = None) -> str:
    """The first *count* of *names* (headings, files: in the order given), each through *key*,
    for a hint, and how many more there are: a hint never grows with the size of the course
    (nor costs more to make)."""
    first = [shown(key(name) if key else name, quote=False)
             for name in itertools.islice(names, count)]
    more = len(names) - len(first)
    return ", ".join(first) + (f" and {more} more" if more > 0 else "")


class _Cut(Exception):
    """The budget of shown() is spent."""


def _shown(value: object, parts: list[str], budget: list[int], depth: int) -> None:
    if budget[0] <= 0:
        raise _Cut
    if isinstance(value, dict | list | tuple | set | frozenset) and depth < 20:
        opening, closing = ("{", "}") if isinstance(value, dict | set | frozenset) else (
            ("(", ")") if isinstance(value, tuple) else ("[", "]"))
        _add(opening, parts, budget)
        for index, item in enumerate(value.items() if isinstance(value, dict) else value):
            if index:
                _add(", ", parts, budget)
            if isinstance(value, dict):
                _shown(item[0], parts, budget, depth + 1)
                _add(": ", parts, budget)
                _shown(item[1], parts, budget, depth + 1)
            else:
                _shown(item, parts, budget, depth + 1)
        _add(closing, parts, budget)
    elif isinstance(value, str | bytes | bytearray):
        piece = repr(value[:budget[0] + 1])
        _add(piece, parts, budget)
    elif isinstance(value, int) and not isinstance(value, bool):
        _add(repr(value) if value.bit_length() <= _BIG_INT_BITS else
             f"<a number of {value.bit_length()} bits>", parts, budget)
    elif isinstance(value, bool | float) or value is None:
        _add(repr(value), parts, budget)
    else:  # dates from YAML, and anything nested deeper than a YAML reader accepts
        _add(f"<{type(value).__name__}>" if depth >= 20 else repr(value)[:budget[0] + 1],
             parts, budget)


def _add(piece: str, parts: list[str], budget: list[int]) -> None:
    if len(piece) > budget[0]:
        parts.append(piece[:budget[0]])
        budget[0] = 0
        raise _Cut
    parts.append(piece)
    budget[0] -= len(piece)


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a source or a package."""

    code: str
    """Stable kebab-case rule code, e.g. ``image-missing-alt``."""
    message: str
    location: Location | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def safe(self) -> Diagnostic:
        """This diagnostic with every string made printable and bounded (see printable()):
        what every report shows."""
        location = self.location
        if location is not None:
            location = Location(printable(location.path, 500), location.line)
        return dataclasses.replace(
            self, message=printable(self.message, MESSAGE_LIMIT), location=location,
            hint=printable(self.hint, MESSAGE_LIMIT) if self.hint is not None else None)

    def render(self) -> str:
        """The diagnostic as `build` and `schemas` print it; a message scormkit writes on
        several lines keeps them (`validate`'s reports render .safe() instead)."""
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.location.path if self.location else None,
            "line": self.location.line if self.location else None,
            "hint": self.hint,
        }


class ScormkitError(Exception):
    """Base of every error caused by user input or the environment, not by a scormkit bug."""

    code = "error"
    """Stable rule code of the diagnostic this error becomes."""

    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(self.code, str(self))]


class SourceError(ScormkitError):
    """A single defect in the course sources, with its location and what to do about it."""

    def __init__(
        self, code: str, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code, message, location, hint)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled by value (a parallel build sends failures from its worker processes).
        d = self.diagnostic
        return (type(self), (d.code, d.message, d.location, d.hint))

    def diagnostics(self) -> list[Diagnostic]:
        return [self.diagnostic]

    def __str__(self) -> str:
        return self.diagnostic.render()


class _DiagnosticsError(ScormkitError):
    summary = "problems found"

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self._diagnostics = list(diagnostics)
        super().__init__(f"{len(self._diagnostics)} {self.summary}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self._diagnostics,))

    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)

    def __str__(self) -> str:
        return "\n".join(d.render() for d in self._diagnostics)


class SourceErrors(_DiagnosticsError):
    """Every defect found while reading the sources, reported at once."""

    summary = "errors in the course sources"


class PackageInvalid(_DiagnosticsError):
    """The package a writer produced fails its schema or package rules; nothing is written."""

    summary = "problems in the generated package"


class OptionNotApplicable(_DiagnosticsError):
    """``build --strict``: an option the target cannot honour (e.g. --sco-per-lesson for a
    QTI package); nothing is written for that target."""

    summary = "options the target cannot honour"


class SchemaMissing(ScormkitError):
    """The official XSDs a target needs are not installed."""

    code = "schemas-missing"


class SchemaInstallError(ScormkitError):
    """Installing the official XSDs failed (bad mirror, hash mismatch, network error)."""

    code = "schema-install-failed"


class OutputError(ScormkitError):
    """The package could not be written where the user asked."""

    code = "output-unwritable"


class UnsupportedFeature(SourceError):
    """A target format cannot express something in the course."""


def failure(where: str, exc: Exception, location: Location | None = None) -> list[Diagnostic]:
    """What to report when validation raised *exc* while *where* (a stage, a document, a
    rule): the diagnostics of a user-facing error (a member that changed while it was read),
    else an ``internal-error`` naming the innermost frame of scormkit's own code, so that a
    bug report can say where without a traceback."""
    if isinstance(exc, ScormkitError):
        return exc.diagnostics()
    at = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        parts = frame.filename.replace("\\", "/").split("/")
        if "scormkit" in parts:
            inside = parts[len(parts) - 1 - parts[::-1].index("scormkit"):]
            at = f" (at {'/'.join(inside)}:{frame.lineno})"
            break
    return [Diagnostic(
        "internal-error", f"scormkit failed while {where}: {type(exc).__name__}: "
        f"{printable(str(exc), 300)}{at}", location,
        "this is a bug in scormkit, not a verdict on the package: please report it with the "
        "package; every other check of this package, and of the others, still ran")]
