"""The members of a package made by anyone (hostile input), read without extracting anything
and within a memory bound.

A zip file or an unpacked folder becomes a :class:`Members` mapping (member name -> bytes)
whose data is read on demand: nothing is held in memory but a bounded cache of small members,
so the memory `validate` needs does not grow with the package (a 10.7 MB zip that expanded to
500 MiB used to take 674 MiB; see tests/test_validate_hostile.py for the bound). Every member
is still read once, in 1 MiB chunks, when the package is opened, so that a damaged member, a
size that lies or a compression bomb is found whether a rule reads that member or not.

What is refused, each as one ``zip-*`` diagnostic (the package is not checked further):

- names: checked on the name the archive stores, before zipfile cuts it at a NUL (a NUL, any
  control character, a bidirectional override, a backslash, an absolute path, ``..``, a name
  that is not valid UTF-8 although the zip says it is);
- links, encrypted members, duplicate names, special files (FIFOs, devices, sockets) in a
  folder, members that cannot be read;
- more than MAX_MEMBERS members or a central directory larger than MAX_DIRECTORY_BYTES
  (checked from the end record, before zipfile builds an object per entry);
- more than MAX_TOTAL_BYTES in all as declared, a member that expands more than MAX_RATIO
  times, a member whose data does not match its header (never more bytes are read than it
  declares).

Members are read into memory whole only by the callers that parse them (XML documents, under
the XML pass's own size limit) and only up to MAX_READ_BYTES; everything else is read in
chunks (:meth:`Members.chunks`) or by its first bytes (:meth:`Members.head`).
"""

from __future__ import annotations

import errno
import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import BinaryIO

from scormkit.errors import Diagnostic, Location, ScormkitError, printable

MAX_MEMBERS = 10_000
MAX_DIRECTORY_BYTES = 16 * 2**20
"""The zip's central directory: 10,000 entries with long names fit in a few MiB."""
MAX_TOTAL_BYTES = 2 * 2**30
"""Everything the package expands to, as declared. Members are streamed, so this bounds the
time spent checking them (about 4 s per GiB here), not memory: videos of several hundred MiB
are common in SCORM packages."""
MAX_RATIO = 200
"""Uncompressed / compressed size of a member; real e-learning content stays far below."""
MAX_READ_BYTES = 64 * 2**20
"""The most a caller may read of one member at once (the XML pass parses up to this)."""
CACHE_BYTES = 32 * 2**20
"""Small members (up to CACHE_MEMBER_BYTES each) are kept from the opening pass up to this
total, so that the rules that read them do not inflate them again."""
CACHE_MEMBER_BYTES = 2**20
CHUNK = 2**20
_S_IFLNK = 0o120000
_S_IFMT = 0o170000
_REPACK = "rebuild the package with a standard zip tool; scormkit refuses unsafe archives"
# Format characters that reorder how a name is displayed (Trojan Source, CVE-2021-42574):
# a name holding one shows as another name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class UnsafeArchive(ScormkitError):
    """A package that cannot be read safely: traversal, bombs, links, encryption..."""

    def __init__(self, code: str, message: str, member: str | None = None,
                 hint: str = _REPACK) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code, message, Location(member) if member else None, hint)

    def diagnostics(self) -> list[Diagnostic]:
        return [self.diagnostic]


class UnreadablePackage(ScormkitError):
    """Not a zip file or folder at all (exit code 2 in `validate`)."""


class MemberTooLarge(ScormkitError):
    """A caller asked to read a member whole that is larger than MAX_READ_BYTES."""


def name_problem(name: str) -> tuple[str, str] | None:
    """(code, what is wrong) when *name* (as stored, before any cut) must be refused."""
    shown = printable(name, 200)
    if not name:
        return "zip-bad-name", "a member has an empty name"
    bad = next((c for c in name if unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS
                or c == "\\" or "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        what = ("a NUL byte (zip tools cut the name there)" if bad == "\0" else
                "a backslash" if bad == "\\" else
                "bytes that are not valid UTF-8" if "\ud800" <= bad <= "\udfff" else
                f"the bidirectional control U+{ord(bad):04X} (it changes how the name "
                "reads)" if bad in _BIDI_CONTROLS else
                f"the control character U+{ord(bad):04X}")
        return "zip-bad-name", f"member name '{shown}' holds {what}"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        return "zip-absolute-path", f"member '{shown}' has an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "zip-path-traversal", f"member '{shown}' climbs out with '..'"
    return None


def _check_name(name: str) -> None:
    problem = name_problem(name)
    if problem is not None:
        raise UnsafeArchive(problem[0], problem[1], name)


class Members(Mapping[str, bytes]):
    """A package's files by member name; data is read on demand (see the module's doc)."""

    def size(self, name: str) -> int:
        raise NotImplementedError

    def chunks(self, name: str) -> Iterator[bytes]:
        """The member's data in chunks of at most CHUNK bytes."""
        raise NotImplementedError

    def head(self, name: str, limit: int) -> bytes:
        """The first *limit* bytes of the member (all of it when shorter)."""
        parts: list[bytes] = []
        got = 0
        for chunk in self.chunks(name):
            parts.append(chunk[:limit - got])
            got += len(parts[-1])
            if got >= limit:
                break
        return b"".join(parts)

    def __getitem__(self, name: str) -> bytes:
        size = self.size(name)
        if size > MAX_READ_BYTES:
            raise MemberTooLarge(f"member '{printable(name, 200)}' is {size / 2**20:.0f} MiB; "
                                 f"at most {MAX_READ_BYTES // 2**20} MiB are read at once")
        return b"".join(self.chunks(name))

    def close(self) -> None:
        """Release the open zip file (nothing for the other kinds)."""

    def __enter__(self) -> Members:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class InMemory(Members):
    """A package already in memory: what `build` validates before writing it."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = files

    def __getitem__(self, name: str) -> bytes:
        return self._files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, name: object) -> bool:
        return name in self._files

    def size(self, name: str) -> int:
        return len(self._files[name])

    def chunks(self, name: str) -> Iterator[bytes]:
        data = self._files[name]
        for start in range(0, len(data), CHUNK):
            yield data[start:start + CHUNK]

    def head(self, name: str, limit: int) -> bytes:
        return self._files[name][:limit]


def as_members(files: Mapping[str, bytes]) -> Members:
    return files if isinstance(files, Members) else InMemory(files)


def open_package(path: Path) -> Members:
    """The members of the zip file or unpacked folder at *path*, checked as the module's doc
    says. Raises UnreadablePackage when *path* is neither, UnsafeArchive when it must be
    refused. Close the result (it is a context manager)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UnreadablePackage(f"{printable(str(path))}: {_reason(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        return _FolderMembers(path)
    if not stat.S_ISREG(info.st_mode):
        raise UnreadablePackage(f"{printable(str(path))}: not a regular file (a FIFO, device "
                                "or socket); give a zip file or a folder")
    if path.suffix.lower() == ".xml":
        return _single_document(path, info.st_size)
    return _ZipMembers.open(path)


def _single_document(path: Path, size: int) -> Members:
    """A package that is one XML file (Moodle XML, which Moodle imports as the .xml itself):
    its one member, named as the file (or ``questions.xml`` when the name could not be a
    member's), read up to MAX_READ_BYTES like a zip member."""
    if size > MAX_READ_BYTES:
        raise UnsafeArchive("zip-too-large", f"{printable(path.name, 200)} has "
                            f"{_size(size)} (the limit is {_size(MAX_READ_BYTES)})")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_READ_BYTES + 1)
    except OSError as exc:
        raise UnreadablePackage(f"{printable(str(path))}: {_reason(exc)}") from None
    if len(data) > MAX_READ_BYTES:  # it grew since stat
        raise UnsafeArchive("zip-too-large", f"{printable(path.name, 200)} has more than "
                            f"{_size(MAX_READ_BYTES)}")
    name = path.name if name_problem(path.name) is None else "questions.xml"
    return InMemory({name: data})


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------------------------
# Zip files


def _directory_size(handle: BinaryIO) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end records, or None when there is no
    end record (zipfile then says the file is not a zip)."""
    handle.seek(0, os.SEEK_END)
    length = handle.tell()
    tail_length = min(length, 22 + 65535 + 20)
    handle.seek(length - tail_length)
    tail = handle.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, size = struct.unpack_from("<HI", tail, at + 10)[0], struct.unpack_from(
        "<I", tail, at + 12)[0]
    locator = at - 20
    if (entries == 0xFFFF or size == 0xFFFFFFFF) and locator >= 0 \
            and tail[locator:locator + 4] == b"PK\x06\x07":
        offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        if offset < length - 56:
            handle.seek(offset)
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06":
                entries, size = struct.unpack_from("<QQ", record, 32)[0], struct.unpack_from(
                    "<Q", record, 40)[0]
    return entries, size


class _ZipMembers(Members):
    def __init__(self, zf: zipfile.ZipFile, handle: BinaryIO) -> None:
        self._zf = zf
        self._handle = handle
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._cache: dict[str, bytes] = {}

    @classmethod
    def open(cls, path: Path) -> _ZipMembers:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - owned by the ZipFile below
        except OSError as exc:
            raise UnreadablePackage(f"{printable(str(path))}: {_reason(exc)}") from None
        try:
            counts = _directory_size(handle)
            if counts is None or not zipfile.is_zipfile(handle):
                raise UnreadablePackage(f"{printable(str(path))}: not a zip file (a package "
                                        "must be a .zip)")
            entries, directory = counts
            if entries > MAX_MEMBERS:
                raise UnsafeArchive("zip-too-many-members",
                                    f"{entries} members (the limit is {MAX_MEMBERS})")
            if directory > MAX_DIRECTORY_BYTES:
                raise UnsafeArchive("zip-too-many-members", f"the zip's directory is "
                                    f"{directory / 2**20:.0f} MiB (the limit is "
                                    f"{MAX_DIRECTORY_BYTES // 2**20} MiB)")
            handle.seek(0)
            try:
                zf = zipfile.ZipFile(handle)
            except UnicodeDecodeError:
                raise UnsafeArchive("zip-bad-name", "a member name is not valid UTF-8 although "
                                    "the zip says it is") from None
            members = cls(zf, handle)
            try:
                members._check(zf.infolist())
            except BaseException:
                zf.close()
                raise
        except zipfile.BadZipFile as exc:
            handle.close()
            raise _corrupt(exc) from None
        except (zipfile.LargeZipFile, EOFError, struct.error, OSError, ValueError) as exc:
            handle.close()
            raise UnsafeArchive("zip-corrupt", f"the zip file is damaged: {exc}") from None
        except BaseException:
            handle.close()
            raise
        return members

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_MEMBERS:
            raise UnsafeArchive("zip-too-many-members",
                                f"{len(infos)} members (the limit is {MAX_MEMBERS})")
        declared_total = 0
        for info in infos:
            name = info.orig_filename  # as stored: zipfile cuts .filename at a NUL
            _check_name(name)
            shown = printable(name, 200)
            if info.flag_bits & 0x1:
                raise UnsafeArchive("zip-encrypted", f"member '{shown}' is encrypted", name)
            if info.create_system == 3 and (info.external_attr >> 16) & _S_IFMT == _S_IFLNK:
                raise UnsafeArchive("zip-symlink", f"member '{shown}' is a symbolic link", name)
            if name.endswith("/"):
                continue
            if name in self._infos:
                raise UnsafeArchive("zip-duplicate-member", f"member '{shown}' appears twice",
                                    name)
            declared_total += info.file_size
            if info.file_size > MAX_TOTAL_BYTES:
                raise UnsafeArchive("zip-too-large", f"member '{shown}' declares "
                                    f"{_size(info.file_size)}; a package may expand to at most "
                                    f"{_size(MAX_TOTAL_BYTES)} in all", name)
            if declared_total > MAX_TOTAL_BYTES:
                raise UnsafeArchive("zip-too-large", "the members declare more than "
                                    f"{_size(MAX_TOTAL_BYTES)} in all (the limit)", name)
            if info.file_size > max(info.compress_size, 1) * MAX_RATIO:
                ratio = info.file_size // max(info.compress_size, 1)
                raise UnsafeArchive("zip-bomb", f"member '{shown}' expands {ratio} times "
                                    f"(limit {MAX_RATIO}): a zip bomb?", name)
            self._infos[name] = info
        self._check_layout(infos)
        budget = CACHE_BYTES
        for name, info in self._infos.items():
            keep = info.file_size <= min(CACHE_MEMBER_BYTES, budget)
            parts: list[bytes] | None = [] if keep else None
            for chunk in self._read(info):
                if parts is not None:
                    parts.append(chunk)
            if parts is not None:
                self._cache[name] = b"".join(parts)
                budget -= info.file_size

    def _check_layout(self, infos: list[zipfile.ZipInfo]) -> None:
        """Members must not share bytes: each one's data ends before the next local header
        (or the directory). Overlapping members are how a small zip expands to terabytes
        without a high ratio per member (Fifield, "A better zip bomb", 2019); zipfile checks
        this only from Python 3.12 and 3.11.10."""
        ends = sorted(infos, key=lambda i: i.header_offset)
        directory = int(getattr(self._zf, "start_dir", 0)) or None
        for current, following in zip(ends, [*ends[1:], None], strict=True):
            self._handle.seek(current.header_offset)
            header = self._handle.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise UnsafeArchive("zip-corrupt", "the zip file is damaged: a member's local "
                                    "header is missing", current.orig_filename)
            names, extra = struct.unpack_from("<HH", header, 26)
            end = current.header_offset + 30 + names + extra + current.compress_size
            limit = following.header_offset if following is not None else directory
            if limit is not None and end > limit:
                raise UnsafeArchive("zip-bomb", f"member '{printable(current.orig_filename, 200)}"
                                    "' overlaps the next member (a zip bomb?)",
                                    current.orig_filename)

    def _read(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's data, checked against its header: never more bytes than declared
        (zipfile stops there, then checks the CRC), never fewer."""
        name = info.orig_filename
        shown = printable(name, 200)
        got = 0
        try:
            with self._zf.open(info) as member:
                while True:
                    chunk = member.read(min(CHUNK, info.file_size + 1 - got))
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > info.file_size:
                        break
                    yield chunk
        except zipfile.BadZipFile as exc:
            if "CRC" not in str(exc):
                raise _corrupt(exc, name) from None
            # A member whose real data is longer (or shorter, or altered) than its header
            # says ends here.
            raise UnsafeArchive("zip-size-mismatch", f"member '{shown}' does not match its "
                                "header (declared size or CRC)", name) from None
        except NotImplementedError:
            raise UnsafeArchive("zip-corrupt", f"member '{shown}' uses a compression method "
                                "zip tools do not commonly support", name) from None
        except (zlib.error, EOFError, OSError, ValueError):
            raise UnsafeArchive("zip-corrupt", f"member '{shown}' has damaged compressed data",
                                name) from None
        if got != info.file_size:
            raise UnsafeArchive("zip-size-mismatch",
                                f"member '{shown}' is not the size its header declares", name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def chunks(self, name: str) -> Iterator[bytes]:
        cached = self._cache.get(name)
        if cached is not None:
            yield cached
            return
        yield from self._read(self._infos[name])

    def close(self) -> None:
        self._zf.close()
        self._handle.close()


def _corrupt(exc: zipfile.BadZipFile, member: str | None = None) -> UnsafeArchive:
    text = str(exc)
    if "Overlapped entries" in text:
        # Members sharing compressed data: the "non-recursive zip bomb" (Fifield, 2019).
        return UnsafeArchive("zip-bomb", "members overlap in the zip file (a zip bomb?)",
                             member)
    return UnsafeArchive("zip-corrupt", f"the zip file is damaged: {printable(text, 200)}",
                         member)


def _size(count: int) -> str:
    return f"{count / 2**30:.0f} GiB" if count >= 2**30 else f"{count / 2**20:.0f} MiB"


# ---------------------------------------------------------------------------------------------
# Unpacked folders


class _FolderMembers(Members):
    """A folder's regular files. Links are refused, not followed; FIFOs, devices and sockets
    are refused without being opened (a FIFO would block the reader for ever)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._sizes: dict[str, int] = {}
        self._cache: dict[str, bytes] = {}
        total = 0
        pending = [""]
        while pending:
            folder = pending.pop()
            try:
                with os.scandir(root / folder if folder else root) as entries:
                    names = []
                    for entry in entries:
                        names.append(entry)
                        if len(names) + len(self._sizes) > MAX_MEMBERS:
                            raise UnsafeArchive("zip-too-many-members", "the folder holds more "
                                                f"than {MAX_MEMBERS} files")
            except OSError as exc:
                raise UnsafeArchive("zip-special-file", f"folder '{printable(folder or '.')}' "
                                    f"cannot be read: {_reason(exc)}", folder or None,
                                    "make every file of the folder readable") from None
            for entry in sorted(names, key=lambda e: e.name):
                rel = f"{folder}/{entry.name}" if folder else entry.name
                _check_name(rel)
                mode = entry.stat(follow_symlinks=False).st_mode
                shown = printable(rel, 200)
                if stat.S_ISLNK(mode):
                    raise UnsafeArchive("zip-symlink", f"'{shown}' is a symbolic link", rel)
                if stat.S_ISDIR(mode):
                    pending.append(rel)
                    continue
                if not stat.S_ISREG(mode):
                    raise UnsafeArchive("zip-special-file", f"'{shown}' is not a regular file "
                                        f"({_special(mode)})", rel,
                                        "a package holds only regular files: remove it")
                size = entry.stat(follow_symlinks=False).st_size
                total += size
                if total > MAX_TOTAL_BYTES:
                    raise UnsafeArchive("zip-too-large", "the folder holds more than "
                                        f"{_size(MAX_TOTAL_BYTES)} (the limit)", rel)
                self._sizes[rel] = size
        budget = CACHE_BYTES
        for rel, size in sorted(self._sizes.items()):
            keep = size <= min(CACHE_MEMBER_BYTES, budget)
            parts = [chunk for chunk in self._read(rel)] if keep else None
            if parts is not None:
                self._cache[rel] = b"".join(parts)
                budget -= size

    def _read(self, rel: str) -> Iterator[bytes]:
        shown = printable(rel, 200)
        try:
            # O_NONBLOCK: a FIFO put in the file's place since the folder was listed is
            # opened without waiting for a writer, and refused below.
            fd = os.open(self._root / rel, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                         | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            code = "zip-symlink" if exc.errno == errno.ELOOP else "zip-special-file"
            raise UnsafeArchive(code, f"'{shown}' cannot be read: {_reason(exc)}", rel,
                                "make every file of the folder readable") from None
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise UnsafeArchive("zip-special-file", f"'{shown}' is not a regular file "
                                    f"({_special(mode)})", rel,
                                    "a package holds only regular files: remove it")
            declared = self._sizes[rel]
            got = 0
            try:
                while chunk := handle.read(min(CHUNK, declared + 1 - got)):
                    got += len(chunk)
                    if got > declared:
                        break
                    yield chunk
            except OSError as exc:
                raise UnsafeArchive("zip-special-file", f"'{shown}' cannot be read: "
                                    f"{_reason(exc)}", rel) from None
        if got != declared:
            raise UnsafeArchive("zip-size-mismatch", f"'{shown}' changed while it was read",
                                rel, "validate a folder nothing else is writing to")

    def __iter__(self) -> Iterator[str]:
        return iter(self._sizes)

    def __len__(self) -> int:
        return len(self._sizes)

    def __contains__(self, name: object) -> bool:
        return name in self._sizes

    def size(self, name: str) -> int:
        return self._sizes[name]

    def chunks(self, name: str) -> Iterator[bytes]:
        cached = self._cache.get(name)
        if cached is not None:
            yield cached
            return
        yield from self._read(name)


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"
