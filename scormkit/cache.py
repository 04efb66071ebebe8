"""scormkit's per-user cache: what a build already worked out, kept between runs.

What is cached (``scormkit cache info`` lists it, ``scormkit cache clear`` deletes it):

- ``validation/<family>-<fingerprint>.valid``: the SHA-256 digests of XML documents that
  passed validation against the official XSDs of *family* (scormkit/validation/xml.py). A
  document whose exact bytes passed before is not validated again, so a rebuild compiles no
  schema unless a document changed. The fingerprint covers everything the outcome depends
  on: the pinned hashes of the family's XSDs (schemas/catalog.toml, which `schemas.require`
  checks against the installed files), scormkit's version and the versions of libxml2, lxml
  and xmlschema. Only passes are recorded; a document that fails is validated (and
  explained) every time.
- ``templates/<fingerprint>/<key>.jinja``: the compiled Python code of each Jinja template
  (scormkit/templating.py), as Python's ``marshal`` writes it, so a build does not parse and
  compile the templates again (about a third of a second of CPU per process). *key* names
  the template and its file; the header holds the checksum of the template's source (an
  edited template, ours or an author's override, is compiled again). The fingerprint covers
  what the compiled code depends on: scormkit's, Jinja's and Python's versions (bytecode
  magic included) and the options of the Jinja environment.
- ``catalog/catalog-<sha256>.json``: the schema catalog (schemas/catalog.toml) as parsed, so
  a build does not parse 85 KB of TOML again (about 40 ms of CPU); keyed by the SHA-256 of
  the catalog file, so an edited or upgraded catalog is parsed again.
- ``markdown/<fingerprint>/<sha256>``: the parsed Markdown (markdown-it tokens, as plain
  marshal data) of each source text, so that a rebuild parses only the files that changed
  (scormkit/sources/token_cache.py says what the fingerprint covers and how the folder is
  kept bounded).

Where: ``SCORMKIT_CACHE`` when set (``off`` disables the cache), else the platform's user
cache directory (platformdirs: ``$XDG_CACHE_HOME/scormkit`` or ``~/.cache/scormkit`` on
Linux, ``~/Library/Caches/scormkit`` on macOS, ``%LOCALAPPDATA%\\scormkit\\Cache`` on Windows).
Deleting the folder is always safe.

Why it can be trusted, and when it is not:

- A cache file is data scormkit wrote, but it is checked before use: a header naming the
  format and the fingerprint, and a SHA-256 of the body. A file that is truncated, corrupt,
  from another version or in another format is ignored (and replaced by the next build).
- The template cache holds code that is executed when a template renders, exactly like the
  ``__pycache__/*.pyc`` files Python loads for scormkit itself; nothing in the cache is
  unpickled (Jinja's own cache format pickles the checksum, so we write ours). It is trusted
  the way a ``.pyc`` is, and more strictly: on POSIX systems, a cache file is only read when
  it is a regular file (not a link: it is opened with ``O_NOFOLLOW`` and checked on the open
  descriptor), it and every folder from the cache root down to it belong to the user running
  scormkit, and none of them is writable by the group or by others; folders are created with
  mode 0700 and files with 0600. Anyone who can write there is the user, who can change
  scormkit itself; so a cache pointed at a shared or foreign folder (another user's, a
  world-writable /tmp folder) is not trusted, and nothing is read from it. The worst a
  forged validation file could do is to skip the XSD check of a document whose SHA-256 it
  names, a forged token file could change what a page says, and a forged template file is
  code, which is why nobody but the user may write there.
- Writing never breaks a build: a cache that cannot be written (read-only, full, foreign)
  is skipped silently, as if it were empty.
- Concurrent builds are safe: each file is written to a temporary file in the same folder
  and renamed over the old one (atomic on POSIX and Windows), so a reader sees the old or
  the new file, never a mix. Two builds writing at once each merge what was there with
  their own entries; the last rename wins, and what the other added is validated again
  next time (a cache may forget, never lie). Two builds compiling the same template write
  the same code; either rename wins.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

ENV = "SCORMKIT_CACHE"
"""Cache folder override; ``off`` (or ``0``, ``no``, ``false``) disables the cache."""
_OFF = {"off", "0", "no", "false", "none"}

_MAGIC = b"scormkit-valid 1\n"
_DIGEST = 32
MAX_DIGESTS = 1_000_000
"""Entries kept per file (32 MiB): past that the file starts again from one build's own."""


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is disabled."""
    override = os.environ.get(ENV)
    if override is not None and override.strip().lower() in _OFF:
        return None
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("scormkit", appauthor=False))


def _trusted(path: Path, *, folder: bool) -> bool:
    """True when *path* is ours: not a link, owned by this user, not writable by others."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    kind = stat.S_ISDIR if folder else stat.S_ISREG
    if not kind(info.st_mode):
        return False
    return _owned(info)


def _owned(info: os.stat_result) -> bool:
    """True when *info* belongs to this user and only this user may write to it."""
    if os.name != "posix":  # per-user profile folders; no uid to compare
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _folder(*parts: str, create: bool) -> Path | None:
    """The cache subfolder *parts*, created (mode 0700) when asked; None when the cache is
    off or the folder (or the cache root) is not trusted."""
    root = cache_dir()
    if root is None:
        return None
    folder = root.joinpath(*parts)
    if create:
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            for level in (root, *(root.joinpath(*parts[:n + 1]) for n in range(len(parts)))):
                level.mkdir(mode=0o700, exist_ok=True)  # ours: private
        except OSError:
            return None
    # Every level, not only the last: whoever may write to a folder can swap what is in it.
    levels = (root, *(root.joinpath(*parts[:n + 1]) for n in range(len(parts))))
    if not all(_trusted(f, folder=True) for f in levels):
        return None
    return folder


# No link followed (POSIX; Windows has no such flag), and no wait on a FIFO put in its place.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_BINARY", 0))


def read(parts: tuple[str, ...], name: str) -> bytes | None:
    """The bytes of cache file *name* in subfolder *parts*, or None when the cache is off,
    the file is missing, or it or a folder above it is not trusted (see the docstring).

    The file is opened without following a link and checked on the open descriptor, so it
    cannot be swapped between the check and the read."""
    folder = _folder(*parts, create=False)
    if folder is None:
        return None
    try:
        fd = os.open(folder / name, _READ_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as source:
        try:
            info = os.fstat(fd)
            if not (stat.S_ISREG(info.st_mode) and _owned(info)):
                return None
            return source.read()
        except OSError:
            return None


def read_sealed(parts: tuple[str, ...], name: str, head: bytes) -> bytes | None:
    """The body of cache file *name* written by `write_sealed` with this *head* (format and
    fingerprint), or None: missing, not trusted (`read`), another head, or a body that is
    not the one its SHA-256 names (truncated, damaged)."""
    data = read(parts, name)
    if data is None or not data.startswith(head):
        return None
    body = data[len(head) + _DIGEST:]
    if hashlib.sha256(body).digest() != data[len(head):len(head) + _DIGEST]:
        return None
    return body


def write_sealed(parts: tuple[str, ...], name: str, head: bytes, body: bytes
                 ) -> Path | None:
    """Write *head*, the SHA-256 of *body*, then *body* (see `read_sealed` and `write`)."""
    return write(parts, name, head + hashlib.sha256(body).digest() + body)


def write(parts: tuple[str, ...], name: str, data: bytes) -> Path | None:
    """Write cache file *name* in subfolder *parts* atomically (a temporary file in the same
    folder, mode 0600, renamed over the old one) and return the folder; None, quietly, when
    the cache is off, foreign or unwritable."""
    folder = _folder(*parts, create=True)
    if folder is None:
        return None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return None
    return folder


def forget_other_keys(folder: Path) -> None:
    """Delete the folders beside *folder* (a key's folder that was just made): what older
    versions cached, which no build of this version reads. Two versions used in turn on one
    machine each compile again after the other ran; the cache stays bounded."""
    try:
        others = [o for o in folder.parent.iterdir()
                  if o != folder and o.is_dir() and not o.is_symlink()]
    except OSError:
        return
    for other in others:
        shutil.rmtree(other, ignore_errors=True)


def fingerprint(*parts: str) -> str:
    """A short stable name for everything a cached result depends on."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]


class DigestSet:
    """A persistent set of SHA-256 digests in one cache file (see the module docstring).

    Reading checks the file (owner, mode, header, checksum) and falls back to an empty set;
    `save` merges what is on disk again, then writes atomically, and never raises."""

    def __init__(self, folder: str, name: str, key: str) -> None:
        self._parts = (folder,)
        self._name = name
        self._key = key.encode("ascii")
        self._known: set[bytes] | None = None
        self._added: set[bytes] = set()

    def _read(self) -> set[bytes]:
        body = read_sealed(self._parts, self._name, _MAGIC + self._key + b"\n")
        if body is None or len(body) % _DIGEST:
            return set()  # another format or fingerprint, truncated or corrupt: ignored
        return {body[i:i + _DIGEST] for i in range(0, len(body), _DIGEST)}

    def __contains__(self, digest: bytes) -> bool:
        if self._known is None:
            self._known = self._read()
        return digest in self._known or digest in self._added

    def add(self, digests: Iterable[bytes]) -> None:
        self._added.update(digests)

    def save(self) -> None:
        """Write the set (what is on disk now, plus what was added); quietly do nothing
        when the cache is off, foreign or unwritable."""
        if not self._added:
            return
        if _folder(*self._parts, create=True) is None:
            return
        merged = self._read() | self._added
        if len(merged) > MAX_DIGESTS:
            merged = set(self._added)
        body = b"".join(sorted(merged))
        if not write_sealed(self._parts, self._name, _MAGIC + self._key + b"\n", body):
            return
        self._known = merged
        self._added = set()


_BLOB_MAGIC = b"scormkit-blob 1\n"


def load_blob(parts: tuple[str, ...], name: str) -> bytes | None:
    """The body of the cache file *name* in the subfolder *parts*, or None when the cache is
    off, the file is missing, not trusted (see the module docstring) or damaged."""
    return read_sealed(parts, name, _BLOB_MAGIC)


def store_blob(parts: tuple[str, ...], name: str, body: bytes) -> Path | None:
    """Write *body* as the cache file *name* in the subfolder *parts* (atomically, with a
    checksum); return its folder, or None when the cache is off, foreign or unwritable
    (never raises)."""
    return write_sealed(parts, name, _BLOB_MAGIC, body)


def entries() -> list[tuple[Path, int]]:
    """Every file in the cache with its size (for ``scormkit cache info``)."""
    root = cache_dir()
    if root is None:
        return []
    return sorted((p, p.stat().st_size) for name in FOLDERS if (root / name).is_dir()
                  for p in (root / name).rglob("*") if p.is_file())


FOLDERS = {
    "validation": "digests of XML documents that passed their XSDs",
    "templates": "compiled Jinja templates (code: read only from files only you can write)",
    "catalog": "the schema catalog (schemas/catalog.toml), parsed",
    "markdown": "parsed Markdown, a file per source text",
}
"""The cache's subfolders and what they hold: `clear` deletes these and nothing else, so a
cache pointed at a folder that holds other files (``SCORMKIT_CACHE=~``, by mistake) loses
none of them."""


def clear() -> Path | None:
    """Delete what scormkit keeps in the cache folder; return the folder (None when the
    cache is off)."""
    root = cache_dir()
    if root is None:
        return None
    for name in FOLDERS:
        shutil.rmtree(root / name, ignore_errors=True)
    with contextlib.suppress(OSError):
        root.rmdir()  # only when nothing else is left in it
    return root
