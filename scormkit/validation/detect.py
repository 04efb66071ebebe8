"""Which kind of package is this? Decided from the manifest at the root, as LMSs decide.

The kinds, their labels and schema families are the registry's (scormkit/formats.py); this
module holds only how each is recognised.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from scormkit.errors import Diagnostic, Location
from scormkit.formats import KINDS, MANIFEST, PackageKind
from scormkit.validation.members import Members, as_members
from scormkit.validation.xml import MAX_XML_BYTES, lenient_parse

CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP13 = "http://www.adlnet.org/xsd/adlcp_v1p3"
CC_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imscc/imscp_v1p1": "cc10",
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "cc11",
    "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1": "cc12",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1": "cc13",
}
QTI30_CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
SCORM2004_VERSIONS = {"CAM 1.3": "scorm2004_2nd", "2004 3rd Edition": "scorm2004_3rd",
                      "2004 4th Edition": "scorm2004_4th"}


Kind = PackageKind
"""A detected kind: the registry's entry (scormkit/formats.py), with the name of the root
document it was read from (a Moodle XML file's), or a more precise label and no family for
Canvas's flavour of QTI 1.2."""


def _kind(key: str, manifest: str | None = None) -> Kind:
    """The registry's kind *key*, read from *manifest* when the registry names none."""
    kind = KINDS[key]
    return kind if manifest is None else dataclasses.replace(kind, manifest=manifest)


def detect(files: Members | dict[str, bytes], diagnostics: list[Diagnostic]) -> Kind | None:
    """The package's kind, or None (with a diagnostic saying why) when it is none we know."""
    files = as_members(files)
    if MANIFEST in files:
        if files.size(MANIFEST) > MAX_XML_BYTES:
            return _kind("imscp")  # xml-too-large
        return _from_manifest(files[MANIFEST])
    misspelt = sorted(n for n in files if "/" not in n and n != n.lower()
                      and n.lower() in ("imsmanifest.xml", "cmi5.xml"))
    if misspelt:
        diagnostics.append(Diagnostic(
            "manifest-missing", f"'{misspelt[0]}' is not spelt '{misspelt[0].lower()}'",
            Location(misspelt[0]), "rename it in lower case: LMSs look for the exact name"))
        return None
    if "cmi5.xml" in files:
        return _kind("cmi5")
    xml_files = [name for name in files if name.endswith(".xml") and "/" not in name]
    for name in xml_files:
        if b"<quiz" in files.head(name, 2048):
            return _kind("moodlexml", name)
    nested = sorted(n for n in files if n.rsplit("/", 1)[-1] in ("imsmanifest.xml", "cmi5.xml"))
    if len(files) == 1 and xml_files:  # one .xml file given: it can only be Moodle XML
        diagnostics.append(Diagnostic(
            "manifest-missing", f"{xml_files[0]} is not a Moodle XML question file (no <quiz> "
            "root element)", Location(xml_files[0]), "a single .xml file is read as Moodle "
            "XML; give any other package as its zip file or folder"))
    elif nested:
        diagnostics.append(Diagnostic(
            "manifest-not-at-root", f"{nested[0]} is not at the root of the package",
            Location(nested[0]), "zip the folder's contents, not the folder: Moodle and SCORM "
            "Cloud reject a manifest inside a subfolder"))
    else:
        diagnostics.append(Diagnostic(
            "manifest-missing", "no imsmanifest.xml or cmi5.xml at the root of the package",
            None, "every SCORM, Common Cartridge, QTI and cmi5 package needs one at its root"))
    return None


def _from_manifest(data: bytes) -> Kind:
    # A DOCTYPE is not refused here (the XML pass reports it): entities are never expanded
    # into the tree's text, so they cannot hide what the manifest says it is.
    root = lenient_parse(data)
    if root is None:
        return _kind("imscp")
    namespace = etree.QName(root).namespace or ""
    schema = (root.findtext(f"{{{namespace}}}metadata/{{{namespace}}}schema") or "").strip()
    types = {r.get("type", "") for r in root.iter(f"{{{namespace}}}resource")}
    if namespace in CC_NAMESPACES:
        if schema != "IMS Common Cartridge" and "imsqti_xmlv1p2" in types:
            # Canvas's own QTI export (and text2qti's): a QTI 1.2 package in a manifest that
            # borrows the CC 1.1 namespace without being a cartridge. No XSD describes it;
            # the rule cc-namespace-borrowed says what that means for each LMS.
            cc = CC_NAMESPACES[namespace]
            return dataclasses.replace(
                _kind("qti12"), label=f"IMS QTI 1.2 package (Canvas flavour, "
                f"{KINDS[cc].label} namespace)", family=None)
        return _kind(CC_NAMESPACES[namespace])
    if namespace == QTI30_CP:
        return _kind("qti30")
    version = (root.findtext(f"{{{namespace}}}metadata/{{{namespace}}}schemaversion") or "").strip()
    if namespace == CP12 or ADLCP12 in root.nsmap.values():
        return _kind("scorm12")
    if version in SCORM2004_VERSIONS:
        return _kind(SCORM2004_VERSIONS[version])
    if any(t.startswith("imsqti_") and "v2p1" in t for t in types) or schema.startswith("QTIv2"):
        return _kind("qti21")
    if any(t.startswith("imsqti_xmlv1p2") for t in types):
        return _kind("qti12")
    if ADLCP13 in root.nsmap.values():
        return _kind("scorm2004_4th")
    return _kind("imscp")
