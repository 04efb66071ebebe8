"""Validation reports: human text, JSON (docs/validate-report.md and its JSON Schema), JUnit
XML; and the rule listing (`--list-rules`) and its Markdown table for the docs.

Every string that can come from a package (a member name, an attribute value a message
quotes, the path given on the command line) goes through errors.printable(): control
characters, bidirectional overrides and lone surrogates are shown escaped (\\x0a, \\u202e),
and messages are cut at errors.MESSAGE_LIMIT characters. So a report line is never forged
by a newline, a terminal never receives an escape sequence, JSON is always valid UTF-8 and
JUnit always well-formed XML.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from lxml import etree

from scormkit.errors import Diagnostic, Severity, counted, printable
from scormkit.validation.pipeline import PackageReport
from scormkit.validation.profiles import PROFILES, severity_for
from scormkit.validation.rules import ALL_KINDS, Rule, registry

REPORT_VERSION = 1


def _fails(diagnostic: Diagnostic, strict: bool) -> bool:
    return diagnostic.severity is Severity.ERROR or strict


def _count(report: PackageReport, severity: Severity) -> int:
    return sum(d.severity is severity for d in report.diagnostics)


Style = Callable[[str, str], str]
"""How a front end colours a piece of a text report: style(role, text), role one of
``error``, ``warning``, ``hint``, ``ok``, ``failed``. The report is the same text either way."""


def _plain(_role: str, text: str) -> str:
    return text


def as_text(reports: list[PackageReport], strict: bool = False, lms: str | None = None, *,
            verbosity: int = 0, style: Style = _plain) -> str:
    """The human report. *verbosity* -1 (``--quiet``): the problems only, no package lines
    and no summary; 1 (``--verbose``): also each XML document validated and its schema."""
    lines: list[str] = []
    for report in reports:
        kind = report.kind.label if report.kind else "unknown kind"
        path = printable(report.path)
        if verbosity >= 0:
            lines.append(f"{path}: {kind}, {counted(report.files, 'file')}")
        if verbosity > 0:
            for document, family in sorted(report.validated.items()):
                lines.append(f"    {printable(document)}: valid ({family} schema)")
        for diagnostic in (d.safe() for d in report.diagnostics):
            location = diagnostic.location
            where = f"{path}!{location}" if location else path
            severity = diagnostic.severity.value
            lines.append(f"{where}: {style(severity, severity)} {diagnostic.code}: "
                         f"{diagnostic.message}")
            if diagnostic.hint:
                lines.append(f"    {style('hint', 'hint:')} {diagnostic.hint}")
    if verbosity < 0:
        return "\n".join(lines)
    errors = sum(_count(r, Severity.ERROR) for r in reports)
    warnings = sum(_count(r, Severity.WARNING) for r in reports)
    failed = sum(r.failed(strict) for r in reports)
    summary = (f"{counted(len(reports), 'package')} checked, "
               f"{style('failed' if failed else 'ok', f'{failed} failed')}: "
               f"{counted(errors, 'error')}, {counted(warnings, 'warning')}")
    if lms:
        summary += f" (LMS profile: {lms})"
    lines.append(summary)
    return "\n".join(lines)


def as_dict(reports: list[PackageReport], strict: bool = False,
            lms: str | None = None) -> dict[str, object]:
    return {
        "version": REPORT_VERSION,
        "strict": strict,
        "lms": lms,
        "valid": not any(r.failed(strict) for r in reports),
        "packages": [{
            "path": printable(r.path),
            "kind": r.kind.key if r.kind else None,
            "label": r.kind.label if r.kind else None,
            "files": r.files,
            "valid": not r.failed(strict),
            "errors": _count(r, Severity.ERROR),
            "warnings": _count(r, Severity.WARNING),
            "diagnostics": [d.safe().to_dict() for d in r.diagnostics],
        } for r in reports],
    }


def as_json(reports: list[PackageReport], strict: bool = False, lms: str | None = None) -> str:
    return json.dumps(as_dict(reports, strict, lms), indent=2, sort_keys=False)


def as_junit(reports: list[PackageReport], strict: bool = False, lms: str | None = None) -> str:
    """One test suite per package; in it one test case per rule that applies to the package
    (failing when that rule found an error, or anything with --strict), plus a 'package'
    case. Runtime rules appear when the runtime check reported something."""
    rules = registry()
    suites = etree.Element("testsuites", name="scormkit validate")
    for report in reports:
        path = printable(report.path)
        by_code: dict[str, list[Diagnostic]] = {}
        for diagnostic in (d.safe() for d in report.diagnostics):
            by_code.setdefault(diagnostic.code, []).append(diagnostic)
        codes = [code for code, current in rules.items()
                 if current.applies(report.kind, lms) and current.stage != "runtime"
                 and (report.kind is not None or current.kinds is None)]
        codes += [code for code in by_code if code not in codes]
        failures = sum(1 for code in codes
                       if any(_fails(d, strict) for d in by_code.get(code, ())))
        suite = etree.SubElement(suites, "testsuite", name=path,
                                 tests=str(len(codes) + 1), failures=str(failures + (
                                     1 if report.failed(strict) else 0)), errors="0")
        package = etree.SubElement(suite, "testcase", classname=path, name="package")
        if report.failed(strict):
            etree.SubElement(package, "failure", message="the package is not valid",
                             type="package")
        for code in codes:
            case = etree.SubElement(suite, "testcase", classname=path, name=code)
            found = by_code.get(code, [])
            if not found:
                continue
            text = "\n".join(d.render() for d in found)  # made safe above
            if any(_fails(d, strict) for d in found):
                failure = etree.SubElement(case, "failure", message=found[0].message, type=code)
                failure.text = text
            else:
                etree.SubElement(case, "system-out").text = text
    return etree.tostring(suites, pretty_print=True, xml_declaration=True,
                          encoding="UTF-8").decode()



# ---------------------------------------------------------------------------------------------
# The rule listing


def _kinds(current: Rule) -> str:
    if current.kinds is None or current.kinds == ALL_KINDS:
        return "any"
    return ",".join(sorted(current.kinds))


def rules_listing(lms: str | None = None, fmt: str = "text") -> str:
    """Every rule that runs with *lms* (all profiles' rules when None), with its severity."""
    severity = severity_for(lms)
    selected = [r for r in registry().values() if not r.lms or lms is None or lms in r.lms]
    if fmt == "json":
        return json.dumps([{
            "code": r.code, "severity": severity(r).value, "summary": r.summary,
            "hint": r.hint, "kinds": sorted(r.kinds) if r.kinds is not None else None,
            "lms": sorted(r.lms), "stage": r.stage, "source": r.source,
        } for r in selected], indent=2)
    lines = []
    for r in selected:
        only = f" [--lms {','.join(sorted(r.lms))}]" if r.lms else ""
        lines.append(f"{r.code:28} {severity(r).value:8} {r.summary}{only}")
    lines.append(f"{len(selected)} rules" + (f" with --lms {lms}" if lms else ""))
    return "\n".join(lines)


def rules_markdown() -> str:
    """The rule table of docs/validate-report.md (a test keeps the two in step)."""
    lines = ["| code | severity | applies to | found by | summary |",
             "|---|---|---|---|---|"]
    for r in registry().values():
        raised = [f"{name}: {p.raises[r.code].value}" for name, p in PROFILES.items()
                  if r.code in p.raises]
        severity = r.severity.value + (f" ({'; '.join(raised)})" if raised else "")
        where = r.stage if r.stage != "check" else "rule"
        if r.lms:
            where += f", `--lms {','.join(sorted(r.lms))}` only"
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| `{r.code}` | {severity} | {_kinds(r)} | {where} | {summary} |")
    return "\n".join(lines)


def profiles_markdown() -> str:
    lines = []
    for name, p in PROFILES.items():
        added = ", ".join(f"`{r.code}`" for r in p.added_rules()) or "none"
        raised = ", ".join(f"`{code}` → {level.value}" for code, level in p.raises.items()) \
            or "none"
        lines.append(f"- `--lms {name}` ({p.label}): {p.summary}. Adds {added}; raises "
                     f"{raised}.")
    return "\n".join(lines)
