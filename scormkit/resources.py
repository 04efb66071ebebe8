"""Where scormkit's data lives: templates/, schemas/ and runtime files, in a checkout or a wheel."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


@cache
def templates_dir() -> Path:
    """Built-in Jinja2 templates: the checkout's templates/ or the wheel's _data copy."""
    for candidate in (_PACKAGE / "_data" / "templates", _CHECKOUT / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("scormkit's templates/ folder is missing from this installation")


@cache
def catalog_file() -> Path:
    """Our schema catalog (schemas/catalog.toml)."""
    for candidate in (
        _PACKAGE / "_data" / "schemas" / "catalog.toml",
        _CHECKOUT / "schemas" / "catalog.toml",
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("scormkit's schemas/catalog.toml is missing from this installation")


def runtime_dir() -> Path:
    """The learner runtime (JavaScript and CSS) shipped inside every web package."""
    return _PACKAGE / "runtime"


def schema_dir() -> Path:
    """Where the official XSDs are installed.

    ``SCORMKIT_SCHEMAS`` wins; in a checkout it is the repository's schemas/ folder (whose
    *.xsd are git-ignored); for an installed package, a per-user data directory.
    """
    override = os.environ.get("SCORMKIT_SCHEMAS")
    if override:
        return Path(override)
    checkout = _CHECKOUT / "schemas" / "catalog.toml"
    if checkout.is_file() and (_CHECKOUT / "pyproject.toml").is_file():
        return _CHECKOUT / "schemas"
    import platformdirs

    return Path(platformdirs.user_data_dir("scormkit")) / "schemas"


def starter_dir() -> Path:
    """The course `scormkit init` copies (scormkit/starter/, shipped in the wheel as package
    data like runtime/)."""
    return _PACKAGE / "starter"
