"""Errors and diagnostics shared by every stage of the pipeline.

Anything derived from ScormkitError is the user's to fix and is printed without a traceback;
any other exception is a bug in scormkit.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a diagnostic points: a file (course source or package member) and a 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


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

    def render(self) -> str:
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
