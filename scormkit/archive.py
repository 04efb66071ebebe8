"""Zip files: deterministic atomic writing of our packages, safe reading of anyone's.

Writing: same members in, same bytes out: entries sorted, one fixed timestamp
(SOURCE_DATE_EPOCH when set), fixed permissions, no extra fields. The zip is written to a
temporary file next to the target and renamed, so an interrupted build never leaves a
half-written package (`atomic_file`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

if sys.platform != "win32":  # (a platform check, which type checkers follow)
    import fcntl

from scormkit.errors import Diagnostic, Location, ScormkitError

# The zip format cannot store dates before 1980.
_ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z
_DEFAULT_EPOCH = 1577836800  # 2020-01-01T00:00:00Z: any fixed value makes builds reproducible


def _timestamp() -> tuple[int, int, int, int, int, int]:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        epoch = int(raw) if raw.strip() else _DEFAULT_EPOCH
    except ValueError:
        epoch = _DEFAULT_EPOCH
    epoch = max(epoch, _ZIP_EPOCH)
    return time.gmtime(epoch)[:6]


def zip_bytes_to(files: dict[str, bytes], destination: Path) -> int:
    """Write *files* as a reproducible zip at *destination* atomically; return its size."""
    date_time = _timestamp()
    with atomic_file(destination) as raw, zipfile.ZipFile(raw, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured everywhere
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, files[name], compresslevel=9)
    return destination.stat().st_size


# ---------------------------------------------------------------------------------------------
# Atomic output: a temporary file next to the destination, renamed over it once complete.
#
# The temporary file is ``.<name>.scormkit-XXXXXXXX.tmp`` and holds an exclusive lock
# (flock) while it is written. A build killed with SIGKILL, or by a power cut, cannot delete
# its temporary file, so every write first removes the ones earlier builds left in the same
# folder: only files named like ours (the current pattern, or ``.<name>.zip.XXXXXXXX.tmp``
# of scormkit before 1.x), regular files of this user, older than STALE_SECONDS and whose
# lock nobody holds (the lock dies with its process, even under SIGKILL; a concurrent build
# still holds its own). The file and then the folder are fsynced before and after the
# rename: without it, a crash soon after a build can leave a renamed but empty package.

STALE_SECONDS = 60
"""Age below which a temporary file is never removed (it may be a build that has just
created it and not yet taken its lock)."""
_TEMP_NAME = re.compile(r"^\.(.+\.scormkit-|.+\.zip\.)[a-z0-9_]{8}\.tmp$")
"""What `atomic_file` names its temporary files (tempfile's 8 random characters), and what
earlier versions named them."""


@contextlib.contextmanager
def atomic_file(destination: Path) -> Iterator[BinaryIO]:
    """A binary file that becomes *destination* when the block ends without an exception,
    synced to disk; on any exception, or a signal, nothing is left behind."""
    folder = destination.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{destination.name}.scormkit-", suffix=".tmp",
                                    dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            _lock(raw.fileno())
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
            os.chmod(tmp, 0o644)
            if sys.platform != "win32":  # POSIX: renamed while the lock is held
                os.replace(tmp, destination)
        if sys.platform == "win32":  # Windows renames closed files only
            os.replace(tmp, destination)
        _sync_folder(folder)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove what killed builds left in *folder* (see above); return what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if (not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_SECONDS
                    or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            if _lock(fd, wait=False) and os.path.samestat(os.fstat(fd),
                                                          os.stat(entry.path,
                                                                  follow_symlinks=False)):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _lock(fd: int, *, wait: bool = True) -> bool:
    """Take the exclusive lock of an open file; without *wait*, False when another process
    holds it. Where there is no flock (Windows), an open file cannot be deleted anyway."""
    if sys.platform == "win32":
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _sync_folder(folder: Path) -> None:
    """Make a rename in *folder* durable (POSIX; Windows cannot open a folder to sync it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Reading packages made by anyone: hostile input. Nothing is extracted to disk; members are
# read into memory under hard limits, and every name is checked before it is used.

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; real e-learning content stays far below
_S_IFLNK = 0o120000
_S_IFMT = 0o170000


class UnsafeArchive(ScormkitError):
    """A package that cannot be read safely: traversal, bombs, links, encryption..."""

    def __init__(self, code: str, message: str, member: str | None = None) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(
            code, message, Location(member) if member else None,
            "rebuild the package with a standard zip tool; scormkit refuses unsafe archives")

    def diagnostics(self) -> list[Diagnostic]:
        return [self.diagnostic]


class UnreadablePackage(ScormkitError):
    """Not a zip file or folder at all (exit code 2 in `validate`)."""


def _check_member_name(name: str) -> None:
    if "\x00" in name or "\\" in name:
        raise UnsafeArchive("zip-bad-name", f"member name {name!r} contains '\\\\' or NUL", name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UnsafeArchive("zip-absolute-path", f"member '{name}' has an absolute path", name)
    if ".." in PurePosixPath(name).parts:
        raise UnsafeArchive("zip-path-traversal", f"member '{name}' climbs out with '..'", name)


def read_package(path: Path) -> dict[str, bytes]:
    """Members of a zip file or an unpacked folder, read into memory within the limits."""
    if path.is_dir():
        return _read_folder(path)
    if not path.is_file():
        raise UnreadablePackage(f"{path}: no such file or folder")
    if not zipfile.is_zipfile(path):
        raise UnreadablePackage(f"{path}: not a zip file (a package must be a .zip)")
    try:
        with zipfile.ZipFile(path) as zf:
            return _read_zip(zf)
    except UnicodeDecodeError:
        raise UnsafeArchive("zip-bad-name", "a member name is not valid UTF-8 although the "
                            "zip says it is") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise UnsafeArchive("zip-corrupt", f"the zip file is damaged: {exc}") from None


def _read_zip(zf: zipfile.ZipFile) -> dict[str, bytes]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchive("zip-too-many-members",
                            f"{len(infos)} members (the limit is {MAX_MEMBERS})")
    files: dict[str, bytes] = {}
    declared_total = 0
    for info in infos:
        name = info.filename
        _check_member_name(name)
        if info.flag_bits & 0x1:
            raise UnsafeArchive("zip-encrypted", f"member '{name}' is encrypted", name)
        if info.create_system == 3 and (info.external_attr >> 16) & _S_IFMT == _S_IFLNK:
            raise UnsafeArchive("zip-symlink", f"member '{name}' is a symbolic link", name)
        if name.endswith("/"):
            continue
        if name in files:
            raise UnsafeArchive("zip-duplicate-member", f"member '{name}' appears twice", name)
        declared_total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or declared_total > MAX_TOTAL_BYTES:
            raise UnsafeArchive("zip-too-large", "the package expands beyond "
                                f"{MAX_TOTAL_BYTES // 2**20} MiB", name)
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            ratio = info.file_size // max(info.compress_size, 1)
            raise UnsafeArchive("zip-bomb", f"member '{name}' expands {ratio} times (limit "
                                f"{MAX_RATIO}): a zip bomb?", name)
        # Never trust the declared size: read at most one byte more than it announces.
        try:
            with zf.open(info) as member:
                data = member.read(info.file_size + 1)
        except zipfile.BadZipFile as exc:
            if "CRC" not in str(exc):
                raise
            # zipfile stops at the declared size and then checks the CRC: a member whose
            # real data is longer (or shorter, or altered) than its header says ends here.
            raise UnsafeArchive("zip-size-mismatch", f"member '{name}' does not match its "
                                "header (declared size or CRC)", name) from None
        except NotImplementedError:
            raise UnsafeArchive("zip-corrupt", f"member '{name}' uses a compression method "
                                "zip tools do not commonly support", name) from None
        except zlib.error:
            raise UnsafeArchive("zip-corrupt", f"member '{name}' has damaged compressed data",
                                name) from None
        if len(data) != info.file_size:
            raise UnsafeArchive("zip-size-mismatch",
                                f"member '{name}' is not the size its header declares", name)
        files[name] = data
    return files


def _read_folder(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                raise UnsafeArchive("zip-symlink", f"'{rel}' is a symbolic link", rel)
        for name in filenames:
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            size = full.stat().st_size
            total += size
            if len(files) >= MAX_MEMBERS:
                raise UnsafeArchive("zip-too-many-members",
                                    f"the folder holds more than {MAX_MEMBERS} files")
            if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise UnsafeArchive("zip-too-large", "the folder is larger than a package may be",
                                    rel)
            files[rel] = full.read_bytes()
    return files
