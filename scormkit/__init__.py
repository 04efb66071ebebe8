"""scormkit: compile a course kept as plain files into validated e-learning packages.

Pipeline: sources -> one Course model -> one writer per target -> validation (the same
pipeline as `scormkit validate`) -> zip.
"""

__version__ = "0.1.0"

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
