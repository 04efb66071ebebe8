"""Package validation shared by `build` (our packages) and `validate` (anyone's).

Two layers: every XML document against its official XSD, then the content-packaging rules the
XSDs cannot express (hrefs exist, identifiers unique, identifierrefs resolve, every file listed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from scormkit import ids, schemas
from scormkit.archive import UnsafeArchive, read_package
from scormkit.detect import ADLCP12, ADLCP13, Kind, detect
from scormkit.errors import Diagnostic, Location, Severity
from scormkit.package import Package

MANIFEST = "imsmanifest.xml"


def safe_parser() -> etree.XMLParser:
    """An XML parser for untrusted input: no entity expansion, no DTD loading, no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=False,
    )


def parse_xml(path: str, data: bytes, diagnostics: list[Diagnostic]) -> etree._Element | None:
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        diagnostics.append(Diagnostic(
            "xml-malformed", f"not well-formed XML: {exc.msg}", Location(path, exc.lineno or None),
            "every XML document must parse; LMS importers abort on the first syntax error"))
        return None


def validate_xml(path: str, data: bytes, family: str) -> list[Diagnostic]:
    """Validate one document against the official XSD of *family*."""
    diagnostics: list[Diagnostic] = []
    root = parse_xml(path, data, diagnostics)
    if root is None:
        return diagnostics
    namespace = etree.QName(root).namespace or ""
    if namespace not in schemas.entry_namespaces(family):
        diagnostics.append(Diagnostic(
            "xsd-unknown-root", f"root element {root.tag} is not a {family} document",
            Location(path, root.sourceline)))
        return diagnostics
    schema = schemas.compiled(family, namespace)
    for error in schema.iter_errors(root.getroottree(), use_location_hints=False):
        line = _error_line(error)
        reason = error.reason or str(error.message)
        diagnostics.append(Diagnostic(
            "xsd-invalid", f"not valid against {schemas.family(family).label}: {reason}",
            Location(path, line),
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


def validate_package(package: Package) -> list[Diagnostic]:
    """Every problem in *package*: schema validity of each XML document, then package rules."""
    diagnostics: list[Diagnostic] = []
    for path in sorted(package.xml_documents):
        diagnostics += validate_xml(path, package.files[path], package.xml_documents[path])
    if MANIFEST in package.files:
        diagnostics += check_content_package(package.files)
    return diagnostics


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _href_problem(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return "is an absolute URL"
    path = unquote(parts.path)
    if path.startswith("/") or "\\" in path:
        return "is an absolute or Windows path"
    if ".." in PurePosixPath(path).parts:
        return "climbs out of its folder with '..'"
    return None


def check_content_package(files: dict[str, bytes]) -> list[Diagnostic]:
    """IMS content-packaging rules (SCORM 1.2/2004, Common Cartridge, QTI packages)."""
    diagnostics: list[Diagnostic] = []
    root = parse_xml(MANIFEST, files[MANIFEST], diagnostics)
    if root is None:
        return diagnostics

    def at(element: etree._Element) -> Location:
        return Location(MANIFEST, element.sourceline)

    identifiers: Counter[str] = Counter()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element) in ("manifest", "organization", "item", "resource"):
            ident = element.get("identifier")
            if ident is None:
                continue
            identifiers[ident] += 1
            if not ids.is_ncname(ident):
                diagnostics.append(Diagnostic(
                    "id-invalid", f"identifier '{ident}' is not a valid xs:ID", at(element),
                    "identifiers must start with a letter or '_' and contain no spaces or ':'"))
            elif identifiers[ident] == 2:
                diagnostics.append(Diagnostic(
                    "id-duplicate", f"identifier '{ident}' is used more than once", at(element)))

    resources = {r.get("identifier"): r for r in root.iter() if _local(r) == "resource"}
    organizations = [o for o in root.iter() if _local(o) == "organization"]
    orgs_element = next((o for o in root if _local(o) == "organizations"), None)
    default = orgs_element.get("default") if orgs_element is not None else None
    if default is not None and default not in {o.get("identifier") for o in organizations}:
        diagnostics.append(Diagnostic(
            "default-org-missing", f"organizations/@default '{default}' names no organization",
            at(orgs_element), "set it to the identifier of an <organization>"))
    for element in root.iter():
        if _local(element) in ("item", "dependency"):
            ref = element.get("identifierref")
            if ref is not None and ref not in resources:
                diagnostics.append(Diagnostic(
                    "identifierref-missing",
                    f"{_local(element)} refers to resource '{ref}', which does not exist",
                    at(element), "point identifierref at the identifier of a <resource>"))

    listed: set[str] = set()
    for resource in resources.values():
        base = resource.get("{http://www.w3.org/XML/1998/namespace}base") or ""
        href = resource.get("href")
        if href is not None:
            problem = _href_problem(href)
            target = base + unquote(urlsplit(href).path)
            if problem:
                diagnostics.append(Diagnostic(
                    "href-outside", f"resource href '{href}' {problem}", at(resource),
                    "use a relative path inside the package"))
            elif target not in files:
                diagnostics.append(Diagnostic(
                    "href-missing", f"resource href '{href}' is not in the package",
                    at(resource), "add the file or fix the path"))
        for file_el in resource:
            if _local(file_el) != "file":
                continue
            href = file_el.get("href") or ""
            problem = _href_problem(href)
            if problem:
                diagnostics.append(Diagnostic(
                    "href-outside", f"file href '{href}' {problem}", at(file_el),
                    "use a relative path inside the package"))
                continue
            target = base + unquote(href)
            listed.add(target)
            if target not in files:
                diagnostics.append(Diagnostic(
                    "file-missing", f"listed file '{href}' is not in the package", at(file_el),
                    "add the file or remove the <file> entry"))

    unlisted = sorted(
        name for name in files
        if name != MANIFEST and name not in listed and not _is_root_schema(name)
    )
    for name in unlisted:
        diagnostics.append(Diagnostic(
            "file-unlisted", f"'{name}' is in the package but listed in no resource",
            Location(name), "list it as a <file> of the resource that uses it, or remove it"))
    return diagnostics


def _is_root_schema(name: str) -> bool:
    """Schema files shipped for the manifest's own schemaLocation (SCORM CAM: at the root)."""
    return PurePosixPath(name).suffix in (".xsd", ".dtd") and (
        "/" not in name or name.split("/", 1)[0] in ("common", "extend", "unique", "vocab")
    )


# ---------------------------------------------------------------------------------------------
# `scormkit validate`: packages made by anyone.

@dataclass
class PackageReport:
    """The result of checking one package."""

    path: str
    kind: Kind | None
    files: int
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def failed(self, strict: bool = False) -> bool:
        return any(d.severity is Severity.ERROR or strict for d in self.diagnostics)


def validate_archive(path: str | Path) -> PackageReport:
    """Check a zip file or unpacked folder of any supported kind.

    Raises UnreadablePackage when *path* is neither; an unsafe archive is a reported problem.
    """
    shown = str(path)
    try:
        files = read_package(Path(path))
    except UnsafeArchive as unsafe:
        return PackageReport(shown, None, 0, unsafe.diagnostics())
    diagnostics: list[Diagnostic] = []
    kind = detect(files, diagnostics)
    report = PackageReport(shown, kind, len(files), diagnostics)
    if kind is None:
        return report
    diagnostics += _check_xml_documents(files, kind)
    if kind.manifest == MANIFEST:
        diagnostics += check_content_package(files)
        diagnostics += _check_manifest_conventions(files, kind)
    return report


def _namespace_families(preferred: str | None) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, fam in schemas.catalog().items():
        for entry in fam.entries:
            index.setdefault(entry.namespace, name)
    if preferred:
        for entry in schemas.family(preferred).entries:
            index[entry.namespace] = preferred
    return index


def _check_xml_documents(files: dict[str, bytes], kind: Kind) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    families = _namespace_families(kind.family)
    for name in sorted(files):
        if not name.endswith(".xml"):
            continue
        data = files[name]
        if b"<!ENTITY" in data:
            diagnostics.append(Diagnostic(
                "xml-entity", "the document declares XML entities (external entities and "
                "entity bombs are refused; nothing was expanded)", Location(name),
                "remove the DOCTYPE: e-learning documents never need entities"))
            continue
        root = parse_xml(name, data, diagnostics)
        if root is None:
            continue
        family = families.get(etree.QName(root).namespace or "")
        if name == kind.manifest and kind.family is None:
            diagnostics.append(Diagnostic(
                "xsd-not-available", f"no official XSD is installed for {kind.label}; the "
                "manifest was checked for package rules only", Location(name),
                severity=Severity.WARNING))
        if family is None:
            continue
        if schemas.missing_files(family):
            schemas.require([family])
        diagnostics += validate_xml(name, data, family)
    return diagnostics


_SCHEMAVERSIONS = {"scorm12": "1.2", "scorm2004_3rd": "2004 3rd Edition",
                   "scorm2004_4th": "2004 4th Edition", "scorm2004_2nd": "CAM 1.3"}
_LITERAL_PREFIXES = {
    "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp",
    "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp",
    "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq",
    "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav",
    "http://www.imsglobal.org/xsd/imsss": "imsss",
}


def _check_manifest_conventions(files: dict[str, bytes], kind: Kind) -> list[Diagnostic]:
    """The rules LMSs apply beyond the XSDs (lms-rules.md 3.1, 3.2 and 3.5)."""
    diagnostics: list[Diagnostic] = []
    data = files[MANIFEST]
    root = parse_xml(MANIFEST, data, [])
    if root is None:
        return diagnostics
    here = Location(MANIFEST, root.sourceline)
    if kind.key.startswith("scorm"):
        namespace = etree.QName(root).namespace
        version_el = root.find(f"{{{namespace}}}metadata/{{{namespace}}}schemaversion")
        schema_el = root.find(f"{{{namespace}}}metadata/{{{namespace}}}schema")
        expected = _SCHEMAVERSIONS[kind.key]
        if version_el is None or (version_el.text or "").strip() != expected:
            found = "missing" if version_el is None else f"'{version_el.text}'"
            diagnostics.append(Diagnostic(
                "schemaversion-invalid", f"metadata/schemaversion is {found}; {kind.label} "
                f"needs '{expected}'", Location(MANIFEST, (version_el if version_el is not None
                                                           else root).sourceline),
                "Moodle treats any unknown value as SCORM 1.2 and runs the wrong API"))
        if schema_el is None or (schema_el.text or "").strip() != "ADL SCORM":
            diagnostics.append(Diagnostic(
                "schema-invalid", "metadata/schema must be 'ADL SCORM'", here))
        if None not in root.nsmap or root.nsmap[None] != namespace:
            diagnostics.append(Diagnostic(
                "cp-namespace-not-default", "the content-packaging namespace is not the "
                "default namespace", here, "Moodle's parser reads element names literally"))
        for prefix, uri in root.nsmap.items():
            wanted = _LITERAL_PREFIXES.get(uri)
            if wanted and prefix != wanted:
                diagnostics.append(Diagnostic(
                    "prefix-not-literal", f"namespace {uri} is bound to prefix '{prefix}'",
                    here, f"use the prefix '{wanted}': Moodle matches attribute names literally"))
        attribute = "scormtype" if kind.key == "scorm12" else "scormType"
        adlcp = ADLCP12 if kind.key == "scorm12" else ADLCP13
        referenced = {i.get("identifierref") for i in root.iter(f"{{{namespace}}}item")}
        for resource in root.iter(f"{{{namespace}}}resource"):
            if (resource.get("identifier") in referenced
                    and resource.get(f"{{{adlcp}}}{attribute}") is None):
                diagnostics.append(Diagnostic(
                    "scormtype-missing", f"resource '{resource.get('identifier')}' has no "
                    f"adlcp:{attribute}", Location(MANIFEST, resource.sourceline),
                    f"add adlcp:{attribute}=\"sco\" to resources that talk to the LMS; "
                    "without it LMSs launch it as an untracked asset",
                    Severity.WARNING))
        hints = (root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") or "")
        for location in hints.split()[1::2]:
            if "/" not in location and location not in files:
                diagnostics.append(Diagnostic(
                    "schema-file-missing", f"schemaLocation names '{location}', which is not "
                    "in the package", here, "ship the XSD files at the package root "
                    "(SCORM conformance requires them)"))
    if kind.key in ("cc11", "cc10"):
        head = data[:500].decode("utf-8", "replace").lower()
        sniff = "".join(head.split()).replace('"', "").replace("'", "")
        namespace = {"cc11": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
                     "cc10": "http://www.imsglobal.org/xsd/imscc/imscp_v1p1"}[kind.key]
        if f"xmlns={namespace}" not in sniff:
            diagnostics.append(Diagnostic(
                "cc-sniff-failed", "the default namespace declaration is not within the "
                "manifest's first 500 bytes", here,
                "put xmlns=... on the <manifest> element right after the XML declaration: "
                "Moodle detects Common Cartridge by reading only the first bytes"))
    return diagnostics
