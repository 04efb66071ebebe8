"""Zip files: deterministic atomic writing of our packages (reading anyone's is
scormkit/validation/members.py).

Writing: same members in, same bytes out: entries sorted, one fixed timestamp
(SOURCE_DATE_EPOCH when set), fixed permissions, no extra fields. The zip is written to a
temporary file next to the target and renamed, so an interrupted build never leaves a
half-written package.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath

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
    destination.parent.mkdir(parents=True, exist_ok=True)
    date_time = _timestamp()
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=date_time)
                stored = PurePosixPath(name).suffix.lower() in STORED_SUFFIXES
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so the mode below is honoured everywhere
                info.external_attr = (0o100644 & 0xFFFF) << 16
                zf.writestr(info, files[name], compresslevel=COMPRESS_LEVEL)
        os.chmod(tmp, 0o644)
        os.replace(tmp, destination)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return destination.stat().st_size
