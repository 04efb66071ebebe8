"""Installing the official XSDs: from mirrors (folder, zip, URL) and pinned addresses.

Every file the catalog names is taken from the first source that has it with the pinned
sha256, trying in order:

1. ``--from`` (the *source* argument),
2. ``SCORMKIT_SCHEMA_MIRROR``,
3. the file's pinned ``urls`` from the catalog (unless *offline*).

A mirror is a folder laid out as ``<family>/<file>``, a zip of that layout (what
``scormkit schemas export`` writes; one enclosing folder is allowed), or an http(s) URL of
either. A source that lacks the file, fails, or serves other bytes is recorded and the next
one is tried, so the final error says, for each file, every address tried and what happened
there. A host that did not answer (or could not be reached) is not asked again during the
same run: with no network, the run fails after one timeout instead of one per file.

Files already installed with the right hash are kept, so installing twice is harmless. Each
file is written to a temporary name and renamed, so an interrupted install leaves only whole,
verified files.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scormkit import fetch
from scormkit.archive import zip_bytes_to
from scormkit.errors import Diagnostic, Location, SchemaInstallError
from scormkit.resources import schema_dir
from scormkit.schemas import SchemaFile, catalog, family, mirror_folder

MIRROR_ENV = "SCORMKIT_SCHEMA_MIRROR"
MAX_XSD_BYTES = 8 * 1024 * 1024
"""No schema file is near this size (the largest, the QTI 3.0 SBAC profile, is 1.1 MiB)."""
MAX_BUNDLE_BYTES = 128 * 1024 * 1024
"""A downloaded or opened mirror zip (every family's files are about 3 MiB)."""
WORKERS = 4
"""Parallel downloads: a few, so that 129 small files take seconds, not minutes, without
looking like a flood to a proxy or to the host."""
SHOWN_FAILURES = 20
"""Files whose attempts the final error lists one by one; the rest are summarised."""

OFFLINE_HINT = (
    "without internet access, take the XSDs from a machine that has it: there, run "
    "`scormkit schemas install` and `scormkit schemas export scormkit-schemas.zip`; here, run "
    "`scormkit schemas install --from scormkit-schemas.zip` (or set SCORMKIT_SCHEMA_MIRROR to "
    "that zip, to a folder laid out as <family>/<file>, or to an http(s) URL of either). "
    "Behind a proxy, set HTTPS_PROXY (and SSL_CERT_FILE if it inspects TLS). "
    "`scormkit schemas urls` lists every pinned address with its sha256."
)

Progress = Callable[[str], None]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Miss(Exception):
    """This source cannot give this file (the reason is the message)."""


# ---------------------------------------------------------------------------------------------
# Mirrors


class _Mirror:
    label: str

    def get(self, rel: str) -> bytes:
        raise NotImplementedError


class _FolderMirror(_Mirror):
    def __init__(self, root: Path, label: str) -> None:
        self.root = root
        self.label = label

    def get(self, rel: str) -> bytes:
        path = self.root / rel
        if not path.is_file():
            raise _Miss("not there")
        if path.stat().st_size > MAX_XSD_BYTES:
            raise _Miss(f"larger than {MAX_XSD_BYTES} bytes: not a schema file")
        return path.read_bytes()


class _ZipMirror(_Mirror):
    """A zip laid out as <family>/<file>, possibly inside one folder. Members are looked up by
    name and read with a size cap; nothing is extracted, so names cannot escape anywhere."""

    def __init__(self, data: bytes | Path, label: str) -> None:
        self.label = label
        try:
            if isinstance(data, Path) and data.stat().st_size > MAX_BUNDLE_BYTES:
                raise SchemaInstallError(f"{label} is larger than any schema bundle should be")
            self._zip = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
            self._members = {i.filename: i for i in self._zip.infolist() if not i.is_dir()}
        except (zipfile.BadZipFile, OSError) as exc:
            raise SchemaInstallError(f"{label} is not a readable zip file: {exc}") from None
        tops = {name.split("/", 1)[0] for name in self._members}
        self._prefix = ""
        if len(tops) == 1 and all("/" in name for name in self._members):
            self._prefix = tops.pop() + "/"
        self._lock = threading.Lock()

    def get(self, rel: str) -> bytes:
        info = self._members.get(self._prefix + rel) or self._members.get(rel)
        if info is None:
            raise _Miss("not in the zip")
        if info.file_size > MAX_XSD_BYTES:
            raise _Miss(f"larger than {MAX_XSD_BYTES} bytes: not a schema file")
        with self._lock:  # one ZipFile is not safe to read from several threads at once
            try:
                with self._zip.open(info) as member:
                    data = member.read(MAX_XSD_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise _Miss(f"unreadable in the zip: {exc}") from None
        if len(data) > MAX_XSD_BYTES:
            raise _Miss("expands beyond its declared size")
        return data


class _URLMirror(_Mirror):
    def __init__(self, base: str, run: _Run) -> None:
        self.base = base.rstrip("/")
        self.label = base
        self.run = run

    def get(self, rel: str) -> bytes:
        url = f"{self.base}/{rel}"
        try:
            return self.run.download(url, MAX_XSD_BYTES)
        except fetch.FetchError as exc:
            raise _Miss(f"{url}: {exc}") from None


def _mirror(source: str, run: _Run, origin: str) -> _Mirror:
    """The mirror *source* names; *origin* says where it came from, for messages."""
    if source.startswith(("http://", "https://")):
        if urlsplit(source).path.lower().endswith(".zip"):
            run.say(f"downloading the schema bundle {source} ({origin})")
            try:
                data = run.download(source, MAX_BUNDLE_BYTES)
            except fetch.FetchError as exc:
                raise SchemaInstallError(
                    f"could not download the schema bundle {source} ({origin}): {exc}",
                ) from None
            return _ZipMirror(data, f"{source} ({origin})")
        return _URLMirror(source, run)
    path = Path(source).expanduser()
    if path.is_dir():
        return _FolderMirror(path, f"{path} ({origin})")
    if path.is_file():
        return _ZipMirror(path, f"{path} ({origin})")
    raise SchemaInstallError(
        f"{source} ({origin}) is neither a folder, a zip file nor an http(s) URL")


# ---------------------------------------------------------------------------------------------
# One run


@dataclass
class _Outcome:
    rel: str
    families: list[str]
    attempts: list[str] = field(default_factory=list)
    """"<where>: <what happened>" for each source that could not give the file."""
    source: str | None = None
    size: int = 0
    seconds: float = 0.0


class _Run:
    def __init__(self, limits: fetch.Limits, progress: Progress | None) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.total
        self.failed_hosts: dict[str, str] = {}
        self._lock = threading.Lock()
        self._progress = progress
        self._said_network = False
        self.numbering = threading.Lock()
        """Held while a file's number is taken and its line printed, so numbers come out
        in order although files finish in any order."""

    def say(self, line: str) -> None:
        if self._progress is not None:
            with self._lock:
                self._progress(line)

    def download(self, url: str, max_bytes: int) -> bytes:
        host = urlsplit(url).netloc
        with self._lock:
            earlier = self.failed_hosts.get(host)
            first, self._said_network = not self._said_network, True
        if first:
            self.say(f"downloads go {fetch.describe_network(url, self.limits)}")
        if earlier is not None:
            raise fetch.FetchError(f"not tried: {host} failed earlier in this run ({earlier})",
                                   host_failed=True)
        try:
            return fetch.fetch(url, max_bytes=max_bytes, limits=self.limits,
                               deadline=self.deadline)
        except fetch.FetchError as exc:
            if exc.host_failed:
                with self._lock:
                    self.failed_hosts.setdefault(host, str(exc))
            raise


def install(
    names: Iterable[str] | None = None, source: str | None = None, *,
    offline: bool = False, limits: fetch.Limits | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Install the XSDs of *names* (default: all) into schema_dir().

    *source* (``--from``) and ``SCORMKIT_SCHEMA_MIRROR`` are mirrors tried first, then each
    file's pinned addresses unless *offline*. *progress* receives one line per file (and a
    first line saying where files come from). Returns the number of files written per family
    (0 when everything was already installed). Raises SchemaInstallError listing every file
    that no source could give, with every address tried and what happened there; the files
    that could be installed stay installed.
    """
    limits = limits or fetch.Limits()
    wanted = list(dict.fromkeys(names or sorted(catalog())))
    unknown = [n for n in wanted if n not in catalog()]
    if unknown:
        raise SchemaInstallError(f"unknown schema family '{unknown[0]}'; known: "
                                 f"{', '.join(sorted(catalog()))}")
    run = _Run(limits, progress)

    # What to fetch: each installed path once, even when several families share it.
    todo: dict[str, tuple[SchemaFile, list[str]]] = {}
    fetched = dict.fromkeys(wanted, 0)
    present = 0
    for name in wanted:
        for f in family(name).files:
            rel = f"{mirror_folder(name, f)}/{f.path}"
            target = schema_dir() / rel
            if rel in todo:
                continue
            if target.is_file() and _sha256(target.read_bytes()) == f.sha256:
                present += 1
                continue
            todo[rel] = (f, [name])
    if not todo:
        return fetched

    mirrors: list[_Mirror] = []
    for origin, value in (("--from", source), (MIRROR_ENV, os.environ.get(MIRROR_ENV))):
        if value:
            mirrors.append(_mirror(value, run, origin))
    sources = [m.label for m in mirrors] + ([] if offline else ["the pinned addresses"])
    if not sources:
        raise SchemaInstallError(
            "--offline with neither --from nor SCORMKIT_SCHEMA_MIRROR: there is nowhere to "
            "take the XSDs from")
    run.say(f"installing {_count(len(todo), 'file')} into {schema_dir()} ({present} already "
            "there); "
            f"sources in order: {'; '.join(sources)}")
    width = len(str(len(todo)))
    counter = iter(range(1, len(todo) + 1))

    def one(rel: str) -> _Outcome:
        f, families = todo[rel]
        outcome = _Outcome(rel, families)
        started = time.monotonic()
        data = _obtain(f, rel, mirrors, [] if offline else list(f.urls), run, outcome)
        outcome.seconds = time.monotonic() - started
        if data is None:
            line = f"FAILED ({_count(len(outcome.attempts), 'source')} tried, see below)"
        else:
            target = schema_dir() / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
            tmp.write_bytes(data)
            os.replace(tmp, target)
            outcome.size = len(data)
            line = f"{len(data) / 1024:.1f} KiB from {outcome.source} ({outcome.seconds:.2f} s)"
        with run.numbering:
            run.say(f"[{next(counter):>{width}}/{len(todo)}] {rel}  {line}")
        return outcome

    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="scormkit-xsd") as pool:
        outcomes = list(pool.map(one, list(todo)))

    failures = [o for o in outcomes if o.source is None]
    for o in outcomes:
        if o.source is not None:
            fetched[o.families[0]] += 1
    if failures:
        raise _failure(failures, len(outcomes))
    return fetched


def _obtain(f: SchemaFile, rel: str, mirrors: list[_Mirror], urls: list[str], run: _Run,
            outcome: _Outcome) -> bytes | None:
    """The pinned bytes of *f* from the first source that has them; None if none has."""
    for mirror in mirrors:
        try:
            data = mirror.get(rel)
        except _Miss as miss:
            outcome.attempts.append(f"mirror {mirror.label}: {rel}: {miss}")
            continue
        if _sha256(data) == f.sha256:
            outcome.source = f"mirror {mirror.label}"
            return data
        outcome.attempts.append(f"mirror {mirror.label}: {rel}: {_mismatch(data, f)}")
    for index, url in enumerate(urls):
        try:
            data = run.download(url, MAX_XSD_BYTES)
        except fetch.FetchError as exc:
            outcome.attempts.append(f"{url}: {exc}")
            if not str(exc).startswith("not tried"):
                following = [u for u in urls[index + 1:]
                             if urlsplit(u).netloc not in run.failed_hosts]
                run.say(f"{rel}: {url}: {exc}"
                        + ("; trying the next address" if following else ""))
            continue
        if _sha256(data) == f.sha256:
            outcome.source = _short(url)
            return data
        outcome.attempts.append(f"{url}: {_mismatch(data, f)}")
        if index + 1 < len(urls):
            run.say(f"{rel}: {url}: {_mismatch(data, f)}; trying the next address")
    return None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _mismatch(data: bytes, f: SchemaFile) -> str:
    return (f"refused: its sha256 is {_sha256(data)[:16]}…, the catalog pins "
            f"{f.sha256[:16]}… (other bytes than the pinned file)")


def _short(url: str) -> str:
    """raw.githubusercontent.com/OWNER/REPO for a pinned address, else the host."""
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    if parts.hostname == "raw.githubusercontent.com" and len(segments) >= 3:
        return f"{parts.hostname}/{segments[0]}/{segments[1]}@{segments[2][:12]}"
    return parts.netloc


def _failure(failures: list[_Outcome], total: int) -> SchemaInstallError:
    diagnostics = []
    for o in failures[:SHOWN_FAILURES]:
        tried = "".join(f"\n    - {attempt}" for attempt in o.attempts) or \
            "\n    - (no source to try)"
        diagnostics.append(Diagnostic(
            "schema-install-failed", f"no source gave the pinned file; tried:{tried}",
            Location(o.rel)))
    rest = failures[SHOWN_FAILURES:]
    if rest:
        diagnostics.append(Diagnostic(
            "schema-install-failed", f"{len(rest)} more files could not be installed either: "
            + ", ".join(o.rel for o in rest)))
    installed = total - len(failures)
    diagnostics.append(Diagnostic(
        "schema-install-failed", f"{len(failures)} of {_count(total, 'file')} could not be "
        "installed" + (f" (the other {installed} are installed and verified)" if installed
                       else ""), None, OFFLINE_HINT))
    return _InstallFailed(diagnostics)


class _InstallFailed(SchemaInstallError):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self._diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))

    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)


# ---------------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class Exported:
    path: Path
    files: int
    size: int
    complete: tuple[str, ...]
    incomplete: tuple[str, ...]


BUNDLE_README = """\
scormkit schema bundle: the official XSDs scormkit validates with, laid out as
<family>/<file>. Install it on a machine without internet access with

    scormkit schemas install --from THIS-FILE.zip

or set SCORMKIT_SCHEMA_MIRROR to this zip (or to a folder it is unpacked into). Every file
is checked against the sha256 in scormkit's catalog (listed in SHA256SUMS) before it is
installed. The files are third-party: see each file's copyright notice.
"""


def export(destination: Path, names: Iterable[str] | None = None) -> Exported:
    """Write the installed, verified files of *names* (default: all) as a mirror zip."""
    wanted = list(dict.fromkeys(names or sorted(catalog())))
    unknown = [n for n in wanted if n not in catalog()]
    if unknown:
        raise SchemaInstallError(f"unknown schema family '{unknown[0]}'; known: "
                                 f"{', '.join(sorted(catalog()))}")
    files: dict[str, bytes] = {}
    sums: dict[str, str] = {}
    complete: list[str] = []
    incomplete: list[str] = []
    for name in wanted:
        whole = True
        for f in family(name).files:
            rel = f"{mirror_folder(name, f)}/{f.path}"
            path = schema_dir() / rel
            data = path.read_bytes() if path.is_file() else None
            if data is None or _sha256(data) != f.sha256:
                whole = False
                continue
            files[rel] = data
            sums[rel] = f.sha256
        (complete if whole else incomplete).append(name)
    if not files:
        raise SchemaInstallError(
            f"no schema files are installed in {schema_dir()}; run `scormkit schemas install` "
            "first (on a machine with internet access)")
    files["README.txt"] = BUNDLE_README.encode()
    files["SHA256SUMS"] = "".join(f"{sums[rel]}  {rel}\n" for rel in sorted(sums)).encode()
    try:
        size = zip_bytes_to(files, destination)
    except OSError as exc:
        raise SchemaInstallError(f"could not write {destination}: {exc}") from None
    return Exported(destination, len(sums), size, tuple(complete), tuple(incomplete))
