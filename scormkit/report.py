"""Validation reports: human text, JSON (documented in docs/validate-report.md), JUnit XML."""

from __future__ import annotations

import json

from lxml import etree

from scormkit.errors import Severity
from scormkit.validate import PackageReport

REPORT_VERSION = 1


def as_text(reports: list[PackageReport], strict: bool = False) -> str:
    lines: list[str] = []
    for report in reports:
        kind = report.kind.label if report.kind else "unknown kind"
        lines.append(f"{report.path}: {kind}, {report.files} files")
        for diagnostic in report.diagnostics:
            location = diagnostic.location
            where = f"{report.path}!{location}" if location else report.path
            lines.append(f"{where}: {diagnostic.severity.value} {diagnostic.code}: "
                         f"{diagnostic.message}")
            if diagnostic.hint:
                lines.append(f"    hint: {diagnostic.hint}")
    errors = sum(_count(r, Severity.ERROR) for r in reports)
    warnings = sum(_count(r, Severity.WARNING) for r in reports)
    failed = sum(r.failed(strict) for r in reports)
    lines.append(f"{len(reports)} package(s) checked, {failed} failed: {errors} error(s), "
                 f"{warnings} warning(s)")
    return "\n".join(lines)


def _count(report: PackageReport, severity: Severity) -> int:
    return sum(d.severity is severity for d in report.diagnostics)


def as_json(reports: list[PackageReport], strict: bool = False) -> str:
    return json.dumps({
        "version": REPORT_VERSION,
        "strict": strict,
        "packages": [{
            "path": r.path,
            "kind": r.kind.key if r.kind else None,
            "label": r.kind.label if r.kind else None,
            "files": r.files,
            "valid": not r.failed(strict),
            "errors": _count(r, Severity.ERROR),
            "warnings": _count(r, Severity.WARNING),
            "diagnostics": [d.to_dict() for d in r.diagnostics],
        } for r in reports],
    }, indent=2, sort_keys=False)


def as_junit(reports: list[PackageReport], strict: bool = False) -> str:
    """One test suite per package, one test case per rule code found (plus one 'package'
    case that passes when nothing was found), for CI dashboards."""
    suites = etree.Element("testsuites", name="scormkit validate")
    for report in reports:
        by_code: dict[str, list] = {}
        for diagnostic in report.diagnostics:
            by_code.setdefault(diagnostic.code, []).append(diagnostic)
        failures = sum(1 for ds in by_code.values()
                       if any(d.severity is Severity.ERROR or strict for d in ds))
        suite = etree.SubElement(suites, "testsuite", name=report.path,
                                 tests=str(len(by_code) + 1), failures=str(failures),
                                 errors="0")
        etree.SubElement(suite, "testcase", classname=report.path, name="package")
        for code, diagnostics in sorted(by_code.items()):
            case = etree.SubElement(suite, "testcase", classname=report.path, name=code)
            text = "\n".join(d.render() for d in diagnostics)
            if any(d.severity is Severity.ERROR or strict for d in diagnostics):
                failure = etree.SubElement(case, "failure", message=diagnostics[0].message,
                                           type=code)
                failure.text = text
            else:
                etree.SubElement(case, "system-out").text = text
    return etree.tostring(suites, pretty_print=True, xml_declaration=True,
                          encoding="UTF-8").decode()
