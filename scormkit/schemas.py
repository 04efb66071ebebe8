"""The schema catalog and validating documents against the installed official XSDs.

Installing them (mirrors, pinned download addresses) is scormkit/schema_install.py.

Validation never touches the network: every schemaLocation is mapped to an installed file by
its base name (and the catalog's remaps), remote access is refused, and DTDs are defused.
Compiled schemas are cached per process because compiling is the slow part; across processes,
scormkit/cache.py remembers which documents passed (`validity_key` names what that depends on).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scormkit import cache as user_cache
from scormkit.errors import SchemaMissing
from scormkit.resources import catalog_file, schema_dir

if TYPE_CHECKING:  # imported where used: they are slow to import and not always needed
    import xmlschema
    from lxml import etree
    from lxml.etree._docloader import _InputDocument  # opaque: not exported by lxml


@dataclass(frozen=True, slots=True)
class SchemaFile:
    path: str
    sha256: str
    urls: tuple[str, ...]
    """Download addresses, tried in order: each pinned to a commit and proven to serve
    exactly *sha256* (see the catalog's header)."""
    folder: str | None = None
    """Installed folder (and mirror folder) of this one file when it is another family's:
    e.g. CC 1.3 validates its assessments with the CC 1.1 QTI profile, kept in cc11/."""
    namespace: str | None = None
    spec: str | None = None
    published: str | None = None
    """Where the specification publishes the file: information only, never downloaded."""


@dataclass(frozen=True, slots=True)
class Entry:
    namespace: str
    file: str
    locations: dict[str, str]


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    label: str
    schema_location: str
    package_root: tuple[str, ...]
    remap: dict[str, str]
    entries: tuple[Entry, ...]
    files: tuple[SchemaFile, ...]
    folder: str | None = None
    """Installed folder (and mirror folder) holding the files when it is another family's:
    e.g. plain IMS CP 1.1.4 reuses the copies that ship with QTI 2.1."""


@cache
def catalog() -> dict[str, Family]:
    """Every schema family the catalog knows, by name (``scorm12``, ``qti21``, ...)."""
    raw = _parsed_catalog(catalog_file().read_bytes())
    return {
        name: Family(
            name=name,
            label=data["label"],
            schema_location=data["schema_location"],
            package_root=tuple(data["package_root"]),
            remap=dict(data.get("remap", {})),
            entries=tuple(Entry(e["namespace"], e["file"], dict(e["locations"]))
                          for e in data.get("entry", [])),
            files=tuple(SchemaFile(f["path"], f["sha256"], tuple(f["urls"]), f.get("folder"),
                                   f.get("namespace"), f.get("spec"), f.get("published"))
                        for f in data["file"]),
            folder=data.get("folder"),
        )
        for name, data in raw.items()
    }


_CATALOG_HEAD = b"scormkit-catalog 1\n"


def _parsed_catalog(data: bytes) -> dict[str, Any]:
    """The catalog *data* (TOML) parsed. tomllib takes about 40 ms of CPU on its 85 KB in
    every process, so the parsed form is kept in the per-user cache as JSON (plain data,
    sealed with a SHA-256: scormkit/cache.py), filed under the SHA-256 of the catalog's
    bytes; JSON reads it back in a few milliseconds, tables in the catalog's order. Should
    the catalog ever hold a value JSON has no type for (a TOML date), json.dumps refuses it
    and nothing is cached."""
    name = f"catalog-{_sha256(data)[:32]}.json"
    body = user_cache.read_sealed(("catalog",), name, _CATALOG_HEAD)
    if body is not None:
        with contextlib.suppress(ValueError):  # cannot happen once the SHA-256 matched
            cached = json.loads(body)
            if isinstance(cached, dict):
                return cached
    import tomllib  # here: most processes read the cached copy

    raw = tomllib.loads(data.decode("utf-8"))
    with contextlib.suppress(TypeError, ValueError):
        user_cache.write_sealed(("catalog",), name, _CATALOG_HEAD,
                                json.dumps(raw).encode("utf-8"))
    return raw


def family(name: str) -> Family:
    return catalog()[name]


def family_dir(name: str) -> Path:
    return schema_dir() / (family(name).folder or name)


def mirror_folder(name: str, f: SchemaFile) -> str:
    """The folder (under the schema dir and in a mirror) holding file *f* of family *name*."""
    return f.folder or family(name).folder or name


def file_path(name: str, path: str) -> Path:
    """Where file *path* of family *name* is installed (its own folder, or the one the
    catalog names for it)."""
    f = next((f for f in family(name).files if f.path == path), None)
    if f is None:
        return family_dir(name) / path
    return schema_dir() / mirror_folder(name, f) / f.path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_checked: dict[Path, tuple[str, tuple[int, int, int]]] = {}
"""Installed files this process found with their pinned hash: path -> (sha256, (inode, size,
mtime)). A file is hashed again only when it changed on disk (or was removed)."""


def _matches(path: Path, sha256: str) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    signature = (info.st_ino, info.st_size, info.st_mtime_ns)
    if _checked.get(path) == (sha256, signature):
        return True
    try:
        ok = _sha256(path.read_bytes()) == sha256
    except OSError:
        return False
    if ok:
        _checked[path] = (sha256, signature)
    return ok


def missing_files(name: str) -> list[str]:
    """Files of family *name* that are not installed or whose hash does not match."""
    return [f.path for f in family(name).files
            if not _matches(schema_dir() / mirror_folder(name, f) / f.path, f.sha256)]


def require(names: Iterable[str]) -> None:
    """Raise SchemaMissing with a one-line hint when a family is not installed."""
    absent = [n for n in names if missing_files(n)]
    if absent:
        raise SchemaMissing(
            f"the official XSDs for {', '.join(absent)} are not installed in {schema_dir()}; "
            "run: scormkit schemas install  (offline: scormkit schemas install --from "
            "<folder, zip or URL of a mirror>; see scormkit schemas install --help)"
        )


BUNDLED = {"xlink.xsd": ("XLINK", "xlink.xsd")}
"""Schemas a family imports but the catalog does not pin, because xmlschema ships them and
uses its copy whatever the schemaLocation says (its ``fallback_locations``): the QTI 3.0 CP
extension imports xlink from purl.imsglobal.org (and uses none of it). libxml2 is given the
same file, so both validators read the same schema and libxml2 can compile the QTI 3.0
manifest schema too (before, the import failed and every manifest fell back to xmlschema)."""


@cache
def _xmlschema_home() -> Path | None:
    """xmlschema's package folder, found without importing it (it is slow to import, and
    most builds never need it)."""
    spec = importlib.util.find_spec("xmlschema")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _xmlschema_version() -> str:
    """xmlschema's version from its installed metadata folder's name (importlib.metadata
    costs a fifth of a second to import); the digest of its __init__.py (which holds
    __version__) when there is no such folder."""
    home = _xmlschema_home()
    if home is None:
        return "none"
    found = sorted(p.name for p in home.parent.glob("xmlschema-*.dist-info"))
    if len(found) == 1:
        return found[0]
    try:
        return _sha256((home / "__init__.py").read_bytes())
    except OSError:
        return "unknown"


def _bundled(leaf: str) -> Path | None:
    """xmlschema's own copy of *leaf* (see `BUNDLED`)."""
    where = BUNDLED.get(leaf)
    home = _xmlschema_home() if where else None
    if where is None or home is None:
        return None
    path = home.joinpath("schemas", *where)
    return path if path.is_file() else None


@cache
def validity_key(name: str) -> str:
    """What the outcome of validating a document against family *name* depends on, besides
    the document: the pinned hashes of its XSDs (`require` checks the installed files against
    them), the schema mapping, and the versions of scormkit and of both validators. Cached
    validation results (scormkit/cache.py) are filed under it."""
    from lxml import etree

    from scormkit.version import __version__

    fam = family(name)
    parts = [name, fam.folder or "", repr(sorted(fam.remap.items())), __version__,
             ".".join(map(str, etree.LXML_VERSION)), ".".join(map(str, etree.LIBXML_VERSION)),
             _xmlschema_version(), repr(sorted(BUNDLED.items()))]
    parts += [f"{e.namespace} {e.file} {sorted(e.locations.items())}" for e in fam.entries]
    parts += sorted(f"{mirror_folder(name, f)}/{f.path} {f.sha256}" for f in fam.files)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _mapper(name: str) -> Callable[[str], str]:
    """Map any schemaLocation (remote URL or relative path) to the installed file."""
    base = family_dir(name)
    fam = family(name)
    by_basename: dict[str, list[str]] = {}
    for f in sorted(fam.files, key=lambda f: f.path.count("/")):
        by_basename.setdefault(Path(f.path).name, []).append(f.path)
    remap = {key: base / value for key, value in fam.remap.items()}
    homes = tuple(dict.fromkeys(str(schema_dir() / mirror_folder(name, f)) for f in fam.files))

    def best(url: str, candidates: list[str]) -> Path:
        # Base names are not unique (MathML 2 has common/ and presentation/common-attribs.xsd):
        # prefer the file whose path shares the longest tail of folders with the URL.
        parts = url.split("/")

        def shared_tail(path: str) -> int:
            count = 0
            for a, b in zip(reversed(parts), reversed(path.split("/")), strict=False):
                if a != b:
                    break
                count += 1
            return count

        return file_path(name, max(candidates, key=shared_tail))

    def mapper(url: str) -> str:
        leaf = url.rstrip("/").rsplit("/", 1)[-1]
        if leaf in remap:
            return str(remap[leaf])
        if url.startswith(homes) and Path(url).is_file():
            return url
        if leaf in by_basename:
            return str(best(url, by_basename[leaf]))
        bundled = _bundled(leaf)
        return str(bundled) if bundled is not None else url

    return mapper


@cache
def compiled(name: str, namespace: str) -> xmlschema.XMLSchema10:
    """The compiled xmlschema validator for documents whose root is in *namespace*."""
    import xmlschema

    require([name])
    entry = next((e for e in family(name).entries if e.namespace == namespace), None)
    if entry is None:
        raise KeyError(f"{name} has no schema for namespace {namespace}")
    return xmlschema.XMLSchema10(
        str(file_path(name, entry.file)),
        allow="local",
        defuse="always",
        uri_mapper=_mapper(name),
        locations={ns: str(file_path(name, path))
                   for ns, path in entry.locations.items()} or None,
    )


@cache
def fast_compiled(name: str, namespace: str) -> etree.XMLSchema | None:
    """The same schema compiled by libxml2 (lxml), or None when libxml2 cannot compile it.

    libxml2 validates about a hundred times faster than xmlschema but reports less precisely:
    the XSD pass (scormkit/validation/xml.py) validates every document with it first and
    asks :func:`compiled` to explain any document it rejects. Imports are resolved with the same
    mapper (local files only: the parser has no network access and loads no DTDs); the entry
    XSD and the extra namespaces are imported by a small wrapper schema.
    """
    from lxml import etree

    require([name])
    entry = next((e for e in family(name).entries if e.namespace == namespace), None)
    if entry is None:
        raise KeyError(f"{name} has no schema for namespace {namespace}")
    base = family_dir(name)
    mapper = _mapper(name)

    class LocalOnly(etree.Resolver):
        def resolve(self, url: str | None, pubid: str | None,
                    context: object) -> _InputDocument:
            mapped = mapper(url or "")
            local = Path(mapped[len("file://"):] if mapped.startswith("file://") else mapped)
            if local.is_file():
                return self.resolve_filename(str(local), context)
            return self.resolve_string("", context)  # refuse anything else

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(LocalOnly())
    xs = "http://www.w3.org/2001/XMLSchema"
    wrapper = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs})
    imports = {namespace: entry.file, **entry.locations}
    for ns, path in imports.items():
        etree.SubElement(wrapper, f"{{{xs}}}import", namespace=ns,
                         schemaLocation=file_path(name, path).as_uri())
    document = etree.fromstring(etree.tostring(wrapper), parser,
                                base_url=(base / "_wrapper.xsd").as_uri())
    try:
        return etree.XMLSchema(etree.ElementTree(document))
    except etree.XMLSchemaParseError:
        return None


def entry_namespaces(name: str) -> tuple[str, ...]:
    return tuple(e.namespace for e in family(name).entries)

