"""Reading the files of a course folder, which many contributors write (a course repository
built in CI): every path is resolved, links followed, and must stay inside the course folder.

README promises that a path leaving the course folder is an error. A path is checked after
every symbolic link in it is followed (the file itself, or a folder on the way such as a
``lessons/`` or ``media/`` that links elsewhere): ``media/logo.png -> /home/ci/.ssh/id_rsa``
would otherwise copy a file of the build machine into a package that is then published.
Links that stay inside the folder are fine. Only regular files are read: a FIFO would block
the build forever, a device file (``/dev/zero``, ``/dev/urandom``) never ends, and a socket
cannot be read; each is refused before it is opened, and the file is opened without
following a last-moment link and without blocking, then checked again on the open
descriptor. Every read is bounded (MAX_TEXT_BYTES, MAX_MEDIA_BYTES).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from scormkit.errors import Diagnostic, Location, shown

MAX_TEXT_BYTES = 16 * 2**20
"""A course.yaml, lesson or quiz file (the example's largest lesson has 6 KiB)."""
MAX_MEDIA_BYTES = 64 * 2**20
"""An image (a packaged course is uploaded to an LMS, most of which cap uploads lower)."""

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class Refusal(Exception):
    """Why a course file cannot be used: a diagnostic's code, message and hint."""

    def __init__(self, code: str, message: str, hint: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.line = code, message, hint, line

    def diagnostic(self, path: str) -> Diagnostic:
        """The diagnostic, located in the file *path* (as messages show it)."""
        return Diagnostic(self.code, self.message, Location(path, self.line), self.hint)


def course_root(root: Path) -> Path:
    """The course folder with every link in its path followed (what paths are checked
    against; the folder itself may be a link)."""
    return root.resolve()


def locate(real_root: Path, relpath: str, what: str) -> Path:
    """The real path of *relpath* (a POSIX path relative to the course folder *real_root*,
    already free of '..'), or a Refusal: missing, outside the folder once links are followed,
    or not a regular file. *what* names the file in messages ("lesson file 'x.md'")."""
    if "\x00" in relpath:  # (%00 in a Markdown URL) no file system accepts it
        raise Refusal("illegal-character", f"{what} contains a NUL character",
                      "remove it from the path")
    parts = PurePosixPath(relpath).parts
    plain = _without_links(real_root, parts)
    if plain is not None:
        real, mode = plain
        _check_regular(mode, what)
        return real
    candidate = real_root.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        if candidate.is_symlink():
            raise Refusal("file-missing", f"{what} is a link to a file that does not exist",
                          "fix or remove the link") from None
        raise Refusal("file-missing", f"{what} does not exist",
                      "fix the path or add the file") from None
    except (OSError, RuntimeError) as exc:  # a link loop (RuntimeError before Python 3.13)
        raise Refusal("file-unreadable", f"cannot read {what}: "
                      f"{getattr(exc, 'strerror', None) or 'links that loop'}",
                      "fix the links on the way to the file") from None
    if not real.is_relative_to(real_root):
        raise Refusal(
            "path-outside-course", f"{what} leads outside the course folder through a link "
            f"(to {shown(real.as_posix())})",
            "copy the file into the course folder instead of linking to it: only files "
            "inside the course folder are packaged")
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        raise Refusal("file-unreadable", f"cannot read {what}: {exc.strerror or exc}",
                      "check that the file can be read (permissions)") from None
    _check_regular(mode, what)
    return real


def _without_links(real_root: Path, parts: tuple[str, ...]) -> tuple[Path, int] | None:
    """*real_root* joined with *parts*, and the file's mode, when every part exists and none
    is a link: then that path is already the real one (*real_root* is resolved). None in
    every other case, which `locate` sorts out with a full resolve and its messages. Two
    lstat calls for 'lessons/01.md', where resolving walks every folder from '/' (a course
    of 500 lessons locates each of them)."""
    path = str(real_root)
    mode = 0
    for part in parts:
        if part in ("", ".", "..", "/"):
            return None
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            return None
    return (Path(path), mode) if parts else None


def _check_regular(mode: int, what: str) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise Refusal("not-a-file", f"{what} is {kind}, not a regular file",
                      "name a regular file; special files are never read or packaged")


def read_file(real_root: Path, relpath: str, what: str, limit: int) -> bytes:
    """The bytes of the regular file *relpath* inside *real_root*, at most *limit* of them,
    or a Refusal (see locate; ``file-too-large`` beyond *limit*)."""
    real = locate(real_root, relpath, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | (
        getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a link after it was resolved
            raise Refusal("file-unreadable", f"{what} changed while it was read",
                          "build again once nothing else writes to the course") from None
        raise Refusal("file-unreadable", f"cannot read {what}: {exc.strerror or exc}",
                      "check that the file can be read (permissions, locks)") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        _check_regular(info.st_mode, what)
        if info.st_size > limit:
            raise _too_large(what, info.st_size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_large(what, len(data), limit)
    return data


def _too_large(what: str, size: int, limit: int) -> Refusal:
    return Refusal("file-too-large", f"{what} has {_size(size)}; at most {_size(limit)} are read",
                   "make it smaller (split a long text, compress or scale down an image)")


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count} bytes"


def read_text(real_root: Path, relpath: str, what: str) -> str:
    """The UTF-8 text (a BOM is dropped) of the course file *relpath*; a Refusal as read_file,
    or ``not-utf8`` with the line of the first bad byte."""
    data = read_file(real_root, relpath, what, MAX_TEXT_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # exc.start counts from after a BOM, which the codec has taken off exc.object.
        offset = len(data) - len(exc.object) + exc.start
        line = data.count(b"\n", 0, offset) + 1
        start = max(data.rfind(b"\n", 0, offset) + 1, len(data) - len(exc.object))
        column = len(data[start:offset].decode("utf-8")) + 1
        raise Refusal(
            "not-utf8", f"the file is not UTF-8: invalid byte 0x{data[offset]:02X} at offset "
            f"{offset} (line {line}, column {column})",
            "save the file as UTF-8 (in most editors: Save as, Encoding: UTF-8); the byte is "
            "often a letter typed in another encoding (Windows-1252, Latin-1)", line) from None
