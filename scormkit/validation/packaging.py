"""IMS content-packaging rules the XSDs cannot express (SCORM 1.2/2004, Common Cartridge, QTI
packages): each href exists and stays inside the package, identifiers are valid and unique,
the default organization exists, every identifierref resolves, every file is listed.

One function, run by the pipeline on every package that has an imsmanifest.xml, ours and
anyone's; its codes are registered with the stage ``package`` (scormkit.validation.rules.stages).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from scormkit import ids
from scormkit.errors import Diagnostic, Location
from scormkit.formats import MANIFEST
from scormkit.validation.xml import local, parse_document


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


def check_content_package(files: Mapping[str, bytes], root: etree._Element | None = None
                          ) -> list[Diagnostic]:
    """Every content-packaging problem of the package *files*; *root* is its manifest when
    the caller has parsed it already."""
    diagnostics: list[Diagnostic] = []
    if root is None:
        root = parse_document(MANIFEST, files[MANIFEST], diagnostics)
        if root is None:
            return diagnostics

    def at(element: etree._Element) -> Location:
        return Location(MANIFEST, element.sourceline)

    # The walks below let libxml2 pick the elements ("{*}name": any namespace): a manifest
    # may hold a million elements, and Python looks only at the ones that matter.
    identifiers: Counter[str] = Counter()
    for element in root.iter("{*}manifest", "{*}organization", "{*}item", "{*}resource"):
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

    resources = {r.get("identifier"): r for r in root.iter("{*}resource")}
    organizations = list(root.iter("{*}organization"))
    orgs_element = next((o for o in root if local(o) == "organizations"), None)
    default = orgs_element.get("default") if orgs_element is not None else None
    if orgs_element is not None and default is not None \
            and default not in {o.get("identifier") for o in organizations}:
        diagnostics.append(Diagnostic(
            "default-org-missing", f"organizations/@default '{default}' names no organization",
            at(orgs_element), "set it to the identifier of an <organization>"))
    for element in root.iter("{*}item", "{*}dependency"):
        ref = element.get("identifierref")
        if ref is not None and ref not in resources:
            diagnostics.append(Diagnostic(
                "identifierref-missing",
                f"{local(element)} refers to resource '{ref}', which does not exist",
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
        for file_el in resource.iterchildren("{*}file"):
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

