"""How paths are shown to the user in messages."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path) -> str:
    """*path* relative to the working directory when it is below it, else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()
