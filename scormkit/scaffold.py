"""`scormkit init`: a new course folder made from the starter course (scormkit/starter/).

The starter is a complete course that builds for every target at once (the tests build and
validate it): a commented course.yaml, two lessons, a quiz with three question types, an
image and a logo. Only the course id and title are filled in from the folder's name.

An existing folder is used only when it is empty apart from hidden entries (a fresh `git
init` leaves .git): scormkit never overwrites an author's files, and there is deliberately
no --force. A half-initialised folder is worse than a refusal, so the files are written into
a temporary folder beside the destination first when the destination does not exist yet.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scormkit.errors import OutputError, ScormkitError
from scormkit.paths import display_path
from scormkit.resources import starter_dir

_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
DEFAULT_ID = "my-course"


class FolderNotEmpty(ScormkitError):
    """`scormkit init` would overwrite files."""

    code = "folder-not-empty"


@dataclass(frozen=True, slots=True)
class Created:
    folder: Path
    files: tuple[str, ...]
    """The files written, relative to *folder*, in POSIX form and sorted."""


def course_id_for(folder: Path) -> str:
    """A course id (course.yaml's pattern: a letter, then letters, digits, '-' and '_') from
    the folder's name; `DEFAULT_ID` when nothing usable remains."""
    # Accented letters keep their base letter (Élève -> Eleve): the id is plain ASCII.
    ascii_name = unicodedata.normalize("NFKD", folder.resolve().name).encode(
        "ascii", "ignore").decode("ascii")
    name = _ID_CHARS.sub("-", ascii_name).strip("-_").lower()
    name = name.lstrip("0123456789-_")[:64].rstrip("-_")
    return name or DEFAULT_ID


def title_for(course_id: str) -> str:
    words = course_id.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or "My course"
    return text[0].upper() + text[1:]


def starter_files() -> dict[str, bytes]:
    """The starter course by relative path (bytes as shipped)."""
    base = starter_dir()
    return {path.relative_to(base).as_posix(): path.read_bytes()
            for path in sorted(base.rglob("*")) if path.is_file()
            and "__pycache__" not in path.parts}


def create(folder: Path) -> Created:
    """Write the starter course into *folder* (created if missing); raise FolderNotEmpty
    when it holds anything but hidden entries, OutputError when it cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise FolderNotEmpty(f"{display_path(folder)} is a file, not a folder; give "
                             "`scormkit init` a new folder name")
    if folder.is_dir():
        kept = sorted(entry.name for entry in folder.iterdir() if not entry.name.startswith("."))
        if kept:
            more = f" and {len(kept) - 3} more" if len(kept) > 3 else ""
            raise FolderNotEmpty(
                f"{display_path(folder)} is not empty ({', '.join(kept[:3])}{more}); "
                "scormkit init never overwrites files: give it the name of a new folder, "
                "which it creates (e.g. `scormkit init my-course`)")
    course_id = course_id_for(folder)
    files = starter_files()
    files["course.yaml"] = (files["course.yaml"].decode("utf-8")
                            .replace("__ID__", course_id)
                            .replace("__TITLE__", title_for(course_id))).encode("utf-8")
    try:
        if folder.is_dir():
            _write(folder, files)
        else:
            folder.parent.mkdir(parents=True, exist_ok=True)
            # mkdir, not tempfile.mkdtemp: the folder keeps the umask's permissions (mkdtemp
            # makes it private to the user).
            staging = folder.parent / f".{folder.name}.scormkit-init-{os.getpid()}"
            staging.mkdir()
            try:
                _write(staging, files)
                staging.rename(folder)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(folder)}: {exc.strerror or exc}; "
                          "choose another folder or fix its permissions") from None
    return Created(folder, tuple(sorted(files)))


def _write(base: Path, files: dict[str, bytes]) -> None:
    for relpath, data in files.items():
        target = base / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:  # "x": never replace a file that appeared
            handle.write(data)
