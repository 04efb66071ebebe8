"""scormkit: compile a course kept as plain files into validated e-learning packages.

Pipeline: sources -> one Course model -> one writer per target -> validation (the same
pipeline as `scormkit validate`) -> zip.

The names below are imported when first used (PEP 562), so that ``scormkit --version`` and
``scormkit validate`` do not pay for the writers, the templates and the Markdown parser.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from scormkit.version import __version__

if TYPE_CHECKING:
    from scormkit.build import BuildResult, build, build_package
    from scormkit.errors import (
        Diagnostic,
        Location,
        PackageInvalid,
        SchemaMissing,
        ScormkitError,
        Severity,
        SourceError,
        SourceErrors,
    )
    from scormkit.sources import load_course
    from scormkit.validation import PackageReport, validate_archive
    from scormkit.writers import WRITERS

_LAZY = {
    "WRITERS": "scormkit.writers",
    "BuildResult": "scormkit.build",
    "build": "scormkit.build",
    "build_package": "scormkit.build",
    "Diagnostic": "scormkit.errors",
    "Location": "scormkit.errors",
    "PackageInvalid": "scormkit.errors",
    "SchemaMissing": "scormkit.errors",
    "ScormkitError": "scormkit.errors",
    "Severity": "scormkit.errors",
    "SourceError": "scormkit.errors",
    "SourceErrors": "scormkit.errors",
    "load_course": "scormkit.sources",
    "PackageReport": "scormkit.validation",
    "validate_archive": "scormkit.validation",
}

__all__ = [
    "WRITERS",
    "BuildResult",
    "Diagnostic",
    "Location",
    "PackageInvalid",
    "PackageReport",
    "SchemaMissing",
    "ScormkitError",
    "Severity",
    "SourceError",
    "SourceErrors",
    "__version__",
    "build",
    "build_package",
    "load_course",
    "validate_archive",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scormkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Package(types.ModuleType):
    """``scormkit.build`` is the function, as the public API has always had it, although a
    submodule has the same name: importing a submodule sets it as an attribute of its
    package, which would hide the lazily imported function (`__getattr__` is only asked for
    names the package does not have)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "build" and isinstance(value, types.ModuleType):
            return  # the submodule stays in sys.modules["scormkit.build"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
