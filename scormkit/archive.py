"""Zip files: deterministic atomic writing of our packages (reading anyone's is
scormkit/validation/members.py).

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
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

if sys.platform != "win32":  # (a platform check, which type checkers follow)
    import fcntl

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


STORED_SUFFIXES = frozenset((".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".mp3", ".mp4",
                             ".m4a", ".webm", ".ogg", ".woff", ".woff2", ".zip", ".gz"))
"""Members kept uncompressed: formats that are compressed already, where deflate costs time
(a third of the zip time of a course with images) and saves under one percent."""
COMPRESS_LEVEL = 6
"""zlib's default level: at level 9 the zips were 0.2 % smaller and took 40 % longer."""


def zip_bytes_to(files: dict[str, bytes], destination: Path) -> int:
    """Write *files* as a reproducible zip at *destination* atomically; return its size.

    Each member is compressed and written as it comes (the zip is never assembled in
    memory); the caller's *files* are the only copy of the package."""
    date_time = _timestamp()
    with atomic_file(destination) as raw, zipfile.ZipFile(raw, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=date_time)
            stored = PurePosixPath(name).suffix.lower() in STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured everywhere
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, files[name], compresslevel=COMPRESS_LEVEL)
    return destination.stat().st_size


def single_file_to(files: dict[str, bytes], destination: Path) -> int:
    """Write the one member of *files* as *destination* itself, atomically (a package that
    is a single document: Moodle XML); return its size."""
    (data,) = files.values()
    with atomic_file(destination) as raw:
        raw.write(data)
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
