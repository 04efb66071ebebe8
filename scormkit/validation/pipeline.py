"""The validation pipeline, the same for `build` (our packages, in memory) and `validate`
(anyone's, read from a zip or a folder).

1. Read the zip or folder safely into memory (scormkit/archive.py; `validate` only).
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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scormkit.archive import UnsafeArchive, read_package
from scormkit.errors import Diagnostic, Severity
from scormkit.formats import FORMATS, MANIFEST
from scormkit.package import Package
from scormkit.validation import rules
from scormkit.validation.detect import Kind, detect
from scormkit.validation.packaging import check_content_package
from scormkit.validation.profiles import default_severity, profile
from scormkit.validation.rules import SCORM, Context, Rule
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


def validate_files(files: Mapping[str, bytes], shown: str = "package", *,
                   lms: str | None = None, runtime: bool = False,
                   known: KnownValid | None = None) -> PackageReport:
    """Check a package already read into memory (member name -> bytes). *known*: documents
    that passed their XSDs before (scormkit/validation/xml.py); None validates all."""
    severity = _severity(lms)
    found: list[Diagnostic] = []
    members = dict(files)
    kind = detect(members, found)
    report = PackageReport(shown, kind, len(members))
    if kind is None:
        report.diagnostics = list(rules.finish(found, None, lms, severity))
        return report
    xml = check_documents(members, kind, known)
    found += xml.diagnostics
    report.validated = xml.validated
    context = Context(members, kind, lms)
    for name, root in xml.parsed.items():
        context.remember(name, root)
    root = context.manifest
    if kind.manifest == MANIFEST and root is not None and rules.local(root) == "manifest":
        found += check_content_package(members, root)
    if runtime and kind.key in SCORM:
        from scormkit.validation.runtime_check import check_runtime

        found += check_runtime(context)
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


def _severity(lms: str | None) -> Callable[[Rule], Severity]:
    chosen = profile(lms)
    return chosen.severity if chosen is not None else default_severity
