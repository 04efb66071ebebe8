"""XML documents of a package: the one safe parser and the one XSD pass.

Every document is parsed once, by `parse_document`: entity declarations are refused before
parsing (external entities, entity bombs), no DTD is loaded, nothing is fetched, and
libxml2's depth limit applies. The XSD pass then validates each document against the official
XSD of its root namespace (the root document against its kind's family). libxml2 validates
first: it is about a hundred times faster per document than xmlschema and compiles most
schemas faster (0.3 s against 1.6 s for QTI 2.1). A document libxml2 rejects, or whose schema
libxml2 cannot compile, is validated again by xmlschema, whose messages name the element and
the rule broken; so only failures pay for the precise validator. Both are XSD 1.0
processors, and the writer tests run both on every document we emit, so a disagreement fails
a test.

`build` passes a `KnownValid`: the documents whose exact bytes passed before, against the same
XSDs with the same validators (the per-user cache, scormkit/cache.py), are not validated
again, so a rebuild compiles a schema only for what changed. `scormkit validate` (anyone's
packages) always validates everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from scormkit import cache, schemas
from scormkit.errors import Diagnostic, Location
from scormkit.formats import PackageKind

_DOCTYPE_EXTERNAL = (b"SYSTEM", b"PUBLIC")


def safe_parser() -> etree.XMLParser:
    """The parser for every document: no entity expansion, no DTD loading, no network,
    libxml2's default limits (depth 256, text nodes of 10 MB)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse_document(name: str, data: bytes,
                   diagnostics: list[Diagnostic]) -> etree._Element | None:
    """Root of document *name*, or None with the reason in *diagnostics* (``xml-entity``,
    ``xml-malformed``, ``xml-too-deep``); an external DTD is reported (``xml-external-dtd``)
    and never loaded."""
    if b"<!ENTITY" in data:
        diagnostics.append(Diagnostic(
            "xml-entity", "the document declares XML entities (external entities, "
            "parameter entities and entity bombs are refused; nothing was expanded)",
            Location(name)))
        return None
    head = data[:4096]
    doctype = head.find(b"<!DOCTYPE") if b"<!" in head else -1
    if doctype >= 0 and any(w in head[doctype:doctype + 512] for w in _DOCTYPE_EXTERNAL):
        diagnostics.append(Diagnostic(
            "xml-external-dtd", "the document names an external DTD; it was not loaded",
            Location(name)))
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        message = exc.msg or str(exc)
        code = "xml-too-deep" if "depth" in message.lower() else "xml-malformed"
        diagnostics.append(Diagnostic(
            code, f"not well-formed XML: {message}", Location(name, exc.lineno or None),
            "every XML document must parse; LMS importers abort on the first syntax error"
            if code == "xml-malformed" else None))
        return None


def quiet_parse(data: bytes | None) -> etree._Element | None:
    """Root of *data* parsed as `parse_document` would, or None without a word (for callers
    whose problems the XML pass reports)."""
    if data is None:
        return None
    return parse_document("", data, [])


# ---------------------------------------------------------------------------------------------
# The XSD pass


def validate_xml(path: str, data: bytes, family: str, *, fast: bool = False
                 ) -> list[Diagnostic]:
    """Parse one document and validate it against the official XSD of *family*.

    The package pipeline always validates with libxml2 first (*fast*); without it, only
    xmlschema runs, which the tests use to check that the two validators agree.
    """
    diagnostics: list[Diagnostic] = []
    root = parse_document(path, data, diagnostics)
    if root is None:
        return diagnostics
    return diagnostics + validate_tree(path, root, family, fast=fast)


def validate_tree(path: str, root: etree._Element, family: str, *, fast: bool = True
                  ) -> list[Diagnostic]:
    """Validate a parsed document: libxml2 first (unless not *fast*), xmlschema to explain."""
    namespace = etree.QName(root).namespace or ""
    if namespace not in schemas.entry_namespaces(family):
        return [Diagnostic(
            "xsd-unknown-root", f"root element {root.tag} is not a {family} document",
            Location(path, root.sourceline))]
    if fast:
        quick = schemas.fast_compiled(family, namespace)
        if quick is not None and quick.validate(root.getroottree()):
            return []
    diagnostics: list[Diagnostic] = []
    schema = schemas.compiled(family, namespace)
    for error in schema.iter_errors(root.getroottree(), use_location_hints=False):
        reason = error.reason or str(error.message)
        diagnostics.append(Diagnostic(
            "xsd-invalid", f"not valid against {schemas.family(family).label}: {reason}",
            Location(path, _error_line(error)),
            f"at {error.path}" if getattr(error, "path", None) else None))
    return diagnostics


def _error_line(error: object) -> int | None:
    """Line of the element at fault: for a wrong child, the child rather than its parent."""
    element = getattr(error, "obj", None)
    index = getattr(error, "index", None)
    if isinstance(index, int) and element is not None and hasattr(element, "sourceline"):
        children = [child for child in element if isinstance(child.tag, str)]
        if 0 <= index < len(children):
            element = children[index]
    line = getattr(element, "sourceline", None) or getattr(error, "sourceline", None)
    return line if isinstance(line, int) else None


@dataclass
class XmlPass:
    """What the XML pass found: problems, every document it parsed, what it validated."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    parsed: dict[str, etree._Element | None] = field(default_factory=dict)
    """Every ``.xml`` member: its root, or None when it could not be read safely."""
    validated: dict[str, str] = field(default_factory=dict)
    """Document -> the schema family it was validated against."""


def namespace_families(kind: PackageKind, manifest_namespace: str) -> dict[str, str]:
    """Root namespace -> schema family, preferring the kind's family (SCORM 2004 3rd and 4th
    Edition share the CP namespace; QTI inside a cartridge follows the CC profile)."""
    index: dict[str, str] = {}
    for name, fam in schemas.catalog().items():
        for entry in fam.entries:
            index.setdefault(entry.namespace, name)
    if kind.family:
        for entry in schemas.family(kind.family).entries:
            # A Canvas-flavoured QTI 1.2 package borrows only the CC manifest namespace: its
            # assessments are plain QTI 1.2, not the stricter CC profile of QTI.
            if kind.key != "qti12" or entry.namespace == manifest_namespace:
                index[entry.namespace] = kind.family
    return index


class KnownValid:
    """Documents known to pass their family's XSDs: the per-user cache's digest sets, one
    per family and `schemas.validity_key` (scormkit/cache.py says what is trusted and why).

    A document's digest covers its root namespace and its bytes (the family is the file it
    is kept in). Passes found during a build are added, and written by `save`."""

    def __init__(self) -> None:
        self._sets: dict[str, cache.DigestSet] = {}

    def _set(self, family: str) -> cache.DigestSet:
        found = self._sets.get(family)
        if found is None:
            key = schemas.validity_key(family)
            found = self._sets[family] = cache.DigestSet(
                "validation", f"{family}-{key[:16]}.valid", key)
        return found

    @staticmethod
    def digest(root: etree._Element, data: bytes) -> bytes:
        namespace = (etree.QName(root).namespace or "").encode("utf-8")
        return hashlib.sha256(namespace + b"\0" + data).digest()

    def __contains__(self, item: tuple[str, bytes]) -> bool:
        family, digest = item
        return digest in self._set(family)

    def add(self, family: str, digest: bytes) -> None:
        self._set(family).add((digest,))

    def save(self) -> None:
        for digests in self._sets.values():
            digests.save()


def check_documents(files: Mapping[str, bytes], kind: PackageKind,
                    known: KnownValid | None = None) -> XmlPass:
    """Parse every ``.xml`` member once and validate each against the official XSD of its
    root namespace; the kind's root document against the kind's family, whatever its
    namespace says (a SCORM 1.2 manifest in the 2004 namespace is xsd-unknown-root).
    Documents in *known* are not validated again; those that pass are added to it."""
    found = XmlPass()
    manifest, family = kind.manifest, kind.family
    to_validate: list[tuple[str, etree._Element, str]] = []
    manifest_namespace = ""
    if manifest is not None and manifest in files:
        root = parse_document(manifest, files[manifest], found.diagnostics)
        found.parsed[manifest] = root
        if root is not None:
            manifest_namespace = etree.QName(root).namespace or ""
    families = namespace_families(kind, manifest_namespace)
    for name in sorted(files):
        if not name.lower().endswith(".xml"):
            continue
        if name not in found.parsed:
            found.parsed[name] = parse_document(name, files[name], found.diagnostics)
        root = found.parsed[name]
        if root is None:
            continue
        if name == manifest and family is None and kind.key not in ("moodlexml", "qti12"):
            # (a qti12 kind without a family is Canvas's flavour: cc-namespace-borrowed)
            found.diagnostics.append(Diagnostic(
                "xsd-not-available", f"no official XSD is installed for {kind.label}; the "
                "manifest was checked for package rules only", Location(name)))
        chosen = family if name == manifest else families.get(etree.QName(root).namespace or "")
        if chosen is not None:
            to_validate.append((name, root, chosen))
    schemas.require(sorted({chosen for _, _, chosen in to_validate}))
    for name, root, chosen in to_validate:
        found.validated[name] = chosen
        digest = KnownValid.digest(root, files[name]) if known is not None else b""
        if known is not None and (chosen, digest) in known:
            continue
        problems = validate_tree(name, root, chosen)
        found.diagnostics += problems
        if known is not None and not problems:
            known.add(chosen, digest)
    if known is not None:
        known.save()
    return found
