"""`scormkit validate`: check a package made by anyone.

The pipeline: read the zip or folder safely into memory (scormkit/archive.py), detect the
kind (scormkit/detect.py), validate every XML document (well-formedness, hostile
constructs, official XSD), apply the content-packaging rules shared with `build`
(scormkit.validate.check_content_package), run the check of every rule in the registry
(scormkit/rules/) that applies to the kind and the LMS profile, and optionally launch each
SCO in headless Chromium (scormkit/runtime_check.py). Every problem is a Diagnostic with a
registered code; the LMS profile decides its severity.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from scormkit import rules, schemas
from scormkit.archive import UnsafeArchive, read_package
from scormkit.detect import Kind, detect
from scormkit.errors import Diagnostic, Location, Severity
from scormkit.lms_profiles import default_severity, profile
from scormkit.rules import SCORM, Context
from scormkit.validate import (
    FAST_PATH_BYTES,
    FAST_PATH_DOCUMENTS,
    MANIFEST,
    check_content_package,
    validate_xml,
)


@dataclass
class PackageReport:
    """The result of checking one package."""

    path: str
    kind: Kind | None
    files: int
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def failed(self, strict: bool = False) -> bool:
        return any(d.severity is Severity.ERROR or strict for d in self.diagnostics)


def validate_archive(path: str | Path, *, lms: str | None = None, runtime: bool = False
                     ) -> PackageReport:
    """Check a zip file or unpacked folder of any supported kind.

    *lms* names an LMS profile (scormkit/lms_profiles.py); *runtime* launches each SCO in
    headless Chromium. Raises UnreadablePackage when *path* is neither a zip file nor a
    folder, ValueError for an unknown profile; an unsafe archive is a reported problem.
    """
    shown = str(path)
    severity = _severity(lms)
    try:
        files = read_package(Path(path))
    except UnsafeArchive as unsafe:
        return PackageReport(shown, None, 0,
                             list(rules.finish(unsafe.diagnostics(), None, lms, severity)))
    return validate_files(files, shown, lms=lms, runtime=runtime)


def validate_files(files: dict[str, bytes], shown: str = "package", *, lms: str | None = None,
                   runtime: bool = False) -> PackageReport:
    """Check a package already read into memory (member name -> bytes)."""
    severity = _severity(lms)
    found: list[Diagnostic] = []
    kind = detect(files, found)
    report = PackageReport(shown, kind, len(files))
    if kind is None:
        report.diagnostics = list(rules.finish(found, None, lms, severity))
        return report
    context = Context(files, kind, lms)
    found += _check_xml_documents(context)
    root = context.manifest
    if kind.manifest == MANIFEST and root is not None and rules.local(root) == "manifest":
        found += check_content_package(files)
    if runtime and kind.key in SCORM:
        from scormkit.runtime_check import check_runtime

        found += check_runtime(context)
    diagnostics = list(rules.finish(found, kind, lms, severity))
    diagnostics += rules.run_checks(context, rules.registry().values(), severity)
    report.diagnostics = sorted(diagnostics, key=_order)
    return report


def _order(diagnostic: Diagnostic) -> tuple[int, str, int]:
    location = diagnostic.location
    if location is None:
        return (0, "", 0)
    return (1, location.path, location.line or 0)


def _severity(lms: str | None):
    chosen = profile(lms)
    return chosen.severity if chosen is not None else default_severity


# ---------------------------------------------------------------------------------------------
# The XML pass


def _namespace_families(kind: Kind, manifest_namespace: str) -> dict[str, str]:
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


_DOCTYPE_EXTERNAL = (b"SYSTEM", b"PUBLIC")


def _check_xml_documents(context: Context) -> list[Diagnostic]:
    """Parse every .xml member once (kept for the checks) and validate each against the
    official XSD of its root namespace."""
    diagnostics: list[Diagnostic] = []
    kind = context.kind
    families = _namespace_families(kind, context.ns)
    to_validate: list[tuple[str, str]] = []
    for name in sorted(context.files):
        if not name.lower().endswith(".xml"):
            continue
        data = context.files[name]
        head = data[:4096]
        if b"<!ENTITY" in data:
            context.remember(name, None)
            diagnostics.append(Diagnostic(
                "xml-entity", "the document declares XML entities (external entities, "
                "parameter entities and entity bombs are refused; nothing was expanded)",
                Location(name)))
            continue
        doctype = head.find(b"<!DOCTYPE") if b"<!" in head else -1
        if doctype >= 0 and any(w in head[doctype:doctype + 512] for w in _DOCTYPE_EXTERNAL):
            diagnostics.append(Diagnostic(
                "xml-external-dtd", "the document names an external DTD; it was not loaded",
                Location(name)))
        try:
            root = etree.fromstring(data, rules.safe_parser())
        except etree.XMLSyntaxError as exc:
            context.remember(name, None)
            message = exc.msg or str(exc)
            code = "xml-too-deep" if "depth" in message.lower() else "xml-malformed"
            diagnostics.append(Diagnostic(code, f"not well-formed XML: {message}",
                                          Location(name, exc.lineno or None)))
            continue
        context.remember(name, root)
        if name == kind.manifest and kind.family is None and kind.key not in (
                "moodlexml", "qti12"):  # qti12 without family: cc-namespace-borrowed
            diagnostics.append(Diagnostic(
                "xsd-not-available", f"no official XSD is installed for {kind.label}; the "
                "manifest was checked for package rules only", Location(name)))
        family = families.get(etree.QName(root).namespace or "")
        if name == kind.manifest:
            # The manifest follows its kind, whatever its root namespace says (a SCORM 1.2
            # manifest in the 2004 CP namespace is xsd-unknown-root). A Canvas-flavoured
            # QTI 1.2 manifest borrows a CC namespace: cc-namespace-borrowed reports it.
            family = kind.family
        if family is not None:
            to_validate.append((name, family))
    count: Counter[str] = Counter(family for _, family in to_validate)
    size: Counter[str] = Counter()
    for name, family in to_validate:
        size[family] += len(context.files[name])
    fast = {family for family in count
            if count[family] >= FAST_PATH_DOCUMENTS or size[family] >= FAST_PATH_BYTES}
    for family in sorted(count):
        if schemas.missing_files(family):
            schemas.require([family])
    for name, family in to_validate:
        diagnostics += validate_xml(name, context.files[name], family, fast=family in fast)
    return diagnostics
