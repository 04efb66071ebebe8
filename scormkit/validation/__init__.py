"""Package validation: one pipeline for `build` (our packages, in memory) and `validate`
(anyone's), described in scormkit/validation/pipeline.py.

- `xml`: the one safe XML parser and the XSD pass (libxml2 first, xmlschema to explain);
- `detect`: which kind of package it is;
- `packaging`: the IMS content-packaging rules;
- `rules`: the registry of rules, one object per stable code;
- `profiles`: the LMS profiles of ``--lms``;
- `runtime_check`: ``--runtime``, each SCO launched in headless Chromium.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scormkit.validation.pipeline import (
        PackageReport,
        validate_archive,
        validate_files,
        validate_package,
    )

__all__ = ["PackageReport", "validate_archive", "validate_files", "validate_package"]


def __getattr__(name: str) -> Any:
    # The pipeline is imported when first used, not by every import of a submodule (the
    # CLI reads the LMS profiles to parse its options; `--version` needs none of it).
    if name in __all__:
        from scormkit.validation import pipeline

        value = globals()[name] = getattr(pipeline, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
