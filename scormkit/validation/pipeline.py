"""The validation pipeline, the same for `build` (our packages, in memory) and `validate`
(anyone's, read from a zip or a folder).

1. Open the zip or folder safely (scormkit/validation/members.py; `validate` only): every
   member is checked, nothing is extracted, data is read on demand within a memory bound.
2. Detect the kind (scormkit/validation/detect.py).
3. The XML pass: parse every XML document once with the safe parser, refuse hostile
   constructs, validate each against its official XSD (scormkit/validation/xml.py).
4. The content-packaging rules of every package with an imsmanifest.xml
   (scormkit/validation/packaging.py).
5. The check of every rule in the registry (scormkit/validation/rules/) that applies to the
   kind and the LMS profile.
6. Optionally (`validate --runtime`) launch each SCO in headless Chromium
   (scormkit/validation/runtime_check.py).

Every problem is a Diagnostic with a registered code; the LMS profile decides its severity.
`build` runs steps 2 to 5 with no profile, and writes nothing when anything is found, so a
package `build` writes passes `scormkit validate --strict`.

A failure of scormkit itself (an exception in a stage, a document or a rule) is a bug; it is
reported as an ``internal-error`` diagnostic of the package being checked, where it
happened, and every other stage, document and rule still runs: one package cannot take the
report of the others (or the rest of its own) with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scormkit.errors import Diagnostic, SchemaMissing, Severity, failure
from scormkit.formats import FORMATS, MANIFEST
from scormkit.package import Package
from scormkit.validation import rules
from scormkit.validation.detect import Kind, detect
from scormkit.validation.members import (
    UnreadablePackage,
    UnsafeArchive,
    as_members,
    open_package,
)
from scormkit.validation.packaging import check_content_package
from scormkit.validation.profiles import severity_for
from scormkit.validation.rules import SCORM, Context
from scormkit.validation.xml import KnownValid, check_documents


@dataclass
class PackageReport:
    """The result of checking one package."""

    path: str
    kind: Kind | None
    files: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    validated: dict[str, str] = field(default_factory=dict)
    """Each XML document validated against an XSD -> its schema family."""

    def failed(self, strict: bool = False) -> bool:
        return any(d.severity is Severity.ERROR or strict for d in self.diagnostics)


def validate_archive(path: str | Path, *, lms: str | None = None, runtime: bool = False
                     ) -> PackageReport:
    """Check a zip file or unpacked folder of any supported kind.

    *lms* names an LMS profile (scormkit/validation/profiles.py); *runtime* launches each SCO
    in headless Chromium. Raises UnreadablePackage when *path* is neither a zip file nor a
    folder, ValueError for an unknown profile, SchemaMissing when the XSDs are not
    installed; an unsafe archive is a reported problem, and so is a failure of scormkit.
    """
    shown = str(path)
    severity = severity_for(lms)
    try:
        members = open_package(Path(path))
    except UnsafeArchive as unsafe:
        return PackageReport(shown, None, 0,
                             list(rules.finish(unsafe.diagnostics(), None, lms, severity)))
    except UnreadablePackage:
        raise
    except Exception as exc:
        return PackageReport(shown, None, 0, failure("reading the package", exc))
    with members:
        return validate_files(members, shown, lms=lms, runtime=runtime)


def validate_files(files: Mapping[str, bytes], shown: str = "package", *,
                   lms: str | None = None, runtime: bool = False,
                   known: KnownValid | None = None) -> PackageReport:
    """Check a package already opened or read into memory (member name -> bytes). *known*:
    documents that passed their XSDs before (scormkit/validation/xml.py); None validates
    all."""
    severity = severity_for(lms)
    found: list[Diagnostic] = []
    members = as_members(files)
    try:
        kind = detect(members, found)
    except Exception as exc:
        found += failure("detecting the kind of package", exc)
        kind = None
    report = PackageReport(shown, kind, len(members))
    if kind is None:
        report.diagnostics = list(rules.finish(found, None, lms, severity))
        return report
    context = Context(members, kind, lms)
    try:
        xml = check_documents(members, kind, known)
    except SchemaMissing:
        raise
    except Exception as exc:
        found += failure("checking the XML documents", exc)
    else:
        found += xml.diagnostics
        report.validated = xml.validated
        context.trees = xml.trees
    try:
        root = context.parsed_manifest
        if kind.manifest == MANIFEST and root is not None and rules.local(root) == "manifest":
            found += check_content_package(members, root)
    except Exception as exc:
        found += failure("checking the content-packaging rules", exc)
    if runtime and kind.key in SCORM:
        from scormkit.validation.runtime_check import check_runtime

        try:
            found += check_runtime(context)
        except Exception as exc:
            found += failure("running the runtime check", exc)
    diagnostics = list(rules.finish(found, kind, lms, severity))
    diagnostics += rules.run_checks(context, rules.registry().values(), severity)
    report.diagnostics = sorted(diagnostics, key=_order)
    return report


def validate_package(package: Package, *, cached: bool = False) -> list[Diagnostic]:
    """Every problem `scormkit validate` would find in *package* (no LMS profile, warnings
    included): what `build` checks before it writes anything. *cached*: documents whose exact
    bytes passed their XSDs in an earlier build are not validated again (the per-user cache,
    scormkit/cache.py)."""
    report = validate_files(package.files, package.filename,
                            known=KnownValid() if cached else None)
    if not report.diagnostics:
        _check_format(package, report)
    return report.diagnostics


class FormatMismatch(AssertionError):
    """A writer's package is not what the registry says its format is: a scormkit bug."""


def _check_format(package: Package, report: PackageReport) -> None:
    """A package is validated as what it is detected as, not as what its writer meant: a
    writer whose package is detected as another kind, or whose XML documents would escape
    the XSD their writer declared, is a bug, stopped here rather than shipped unchecked."""
    expected = FORMATS[package.target].kinds
    if report.kind is None or report.kind.key not in expected:
        detected = report.kind.key if report.kind else "no known kind"
        raise FormatMismatch(f"the {package.target} package is detected as {detected}, not "
                             f"as {' or '.join(expected)} (scormkit/formats.py)")
    escaped = {path: (family, report.validated.get(path))
               for path, family in package.xml_documents.items()
               if report.validated.get(path) != family}
    if escaped:
        raise FormatMismatch(f"the {package.target} writer declared schema families that "
                             f"validation did not use (declared, used): {escaped}")


def _order(diagnostic: Diagnostic) -> tuple[int, str, int]:
    location = diagnostic.location
    if location is None:
        return (0, "", 0)
    return (1, location.path, location.line or 0)

