"""Preview builds: the course compiled for one web target, in memory, never in dist/.

A preview build is what `scormkit build` writes for the target, short of the two steps that
make a package fit to upload: the XSD validation of its XML documents and the zip. Both are
for the LMS, not for the author looking at a page, and the first needs the schemas installed
(a pip user who just ran `scormkit init` has none): a preview starts at once and rebuilds in
well under a second on a typical course. `scormkit build` still checks everything.

A source error is not an exception out of here: it is a failed Build carrying its
diagnostics (rendered as the CLI renders them, file:line first), so that the server keeps
serving the last good build beside the error.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from scormkit.errors import Diagnostic, ScormkitError
from scormkit.sources import load_course
from scormkit.writers import WRITERS, WriterOptions

PREVIEW_TARGETS = ("scorm2004", "scorm12", "cmi5")
"""The targets a preview can launch: those whose package is a web page with a run-time API
(the quiz-only formats have no page of their own; Common Cartridge has no tracking).
SCORM 2004 first: the default when the course names none of them (its data model shows
completion and success apart, the most a preview can show)."""

CP_NS = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
CP12_NS = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
CMI5_NS = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def default_target(course_targets: tuple[str, ...] | list[str]) -> str:
    """The course's first previewable target (its ``targets:`` list), else scorm2004."""
    for name in course_targets:
        if name in PREVIEW_TARGETS:
            return name
    return PREVIEW_TARGETS[0]


@dataclass(frozen=True, slots=True)
class Unit:
    """One launchable unit of the package: a SCO (SCORM) or an AU (cmi5)."""

    id: str
    title: str
    href: str
    """Package path with its launch parameters (``index.html?x=1``)."""
    mastery_score: str = ""
    """From the manifest as the LMS reads it: 1.2 adlcp:masteryscore (0-100), 2004 the
    scaled passing score (-1..1), cmi5 masteryScore (0..1); "" when there is none."""
    move_on: str = ""
    """cmi5 only: the AU's moveOn."""


@dataclass(frozen=True, slots=True)
class Build:
    """One outcome of compiling the sources; ``ok`` False keeps only its diagnostics."""

    number: int
    target: str
    ok: bool
    files: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))
    units: tuple[Unit, ...] = ()
    title: str = ""
    course_id: str = ""
    language: str = "en"
    diagnostics: tuple[Diagnostic, ...] = ()
    """Errors (a failed build) or warnings (a good one)."""
    seconds: float = 0.0

    def report(self) -> dict[str, object]:
        """What the page is told of this build (the event stream and /preview/status)."""
        return {
            "build": self.number,
            "target": self.target,
            "ok": self.ok,
            "title": self.title,
            "seconds": round(self.seconds, 3),
            "units": [{"id": u.id, "title": u.title, "href": u.href,
                       "masteryScore": u.mastery_score, "moveOn": u.move_on}
                      for u in self.units],
            "diagnostics": [dict(d.to_dict(), text=d.render()) for d in self.diagnostics],
        }


def compile_course(source: Path, target: str, number: int) -> Build:
    """Compile the course in *source* for *target*; never raises for the author's mistakes
    (a failed Build says what they are) nor for a scormkit bug (an internal-error
    diagnostic with the traceback, so that the preview keeps running)."""
    started = time.perf_counter()
    try:
        course = load_course(source, targets=[target])
        package = WRITERS[target](WriterOptions()).write(course)
        units = (_cmi5_units(package.files) if target == "cmi5"
                 else _scorm_units(package.files, target))
    except ScormkitError as error:
        return Build(number, target, False, diagnostics=tuple(error.diagnostics()),
                     seconds=time.perf_counter() - started)
    except Exception as error:  # noqa: BLE001 - a bug: shown in the page, the preview goes on
        text = "".join(traceback.format_exception(error))
        return Build(number, target, False, diagnostics=(Diagnostic(
            "internal-error", f"scormkit failed to build the preview:\n{text}", None,
            "this is a scormkit bug; please report it with the course that shows it"),),
            seconds=time.perf_counter() - started)
    return Build(number, target, True, MappingProxyType(dict(package.files)), units,
                 course.title, course.id, course.language or "en",
                 tuple(package.warnings), time.perf_counter() - started)


def _scorm_units(files: Mapping[str, bytes], target: str) -> tuple[Unit, ...]:
    """The SCOs of the default organization, in order, as an LMS reads the manifest
    (lms-rules.md 3.1: launch = resource xml:base + href, item parameters apart)."""
    root = etree.fromstring(files["imsmanifest.xml"], etree.XMLParser(resolve_entities=False,
                                                                      no_network=True))
    ns = CP12_NS if target == "scorm12" else CP_NS
    resources = {r.get("identifier"): r for r in root.iter(f"{ns}resource")}
    organizations = root.find(f"{ns}organizations")
    assert organizations is not None
    default = organizations.get("default")
    chosen = next((o for o in organizations.findall(f"{ns}organization")
                   if o.get("identifier") == default), None)
    if chosen is None:
        chosen = organizations.find(f"{ns}organization")
    assert chosen is not None
    units = []
    for item in chosen.iter(f"{ns}item"):
        resource = resources.get(item.get("identifierref") or "")
        if resource is None or not resource.get("href"):
            continue
        href = (resource.get(XML_BASE) or "") + str(resource.get("href"))
        units.append(Unit(str(item.get("identifier")),
                          (item.findtext(f"{ns}title") or "").strip(),
                          href + (item.get("parameters") or ""),
                          _mastery(item, target)))
    return tuple(units)


def _mastery(item: etree._Element, target: str) -> str:
    if target == "scorm12":
        for child in item:
            if isinstance(child.tag, str) and etree.QName(child).localname == "masteryscore":
                return (child.text or "").strip()
        return ""
    for objective in item.iter("{http://www.imsglobal.org/xsd/imsss}primaryObjective"):
        if objective.get("satisfiedByMeasure") == "true":
            measure = objective.findtext("{http://www.imsglobal.org/xsd/imsss}"
                                         "minNormalizedMeasure")
            return (measure or "1.0").strip()
    return ""


def _cmi5_units(files: Mapping[str, bytes]) -> tuple[Unit, ...]:
    root = etree.fromstring(files["cmi5.xml"], etree.XMLParser(resolve_entities=False,
                                                               no_network=True))
    units = []
    for au in root.iter(f"{CMI5_NS}au"):
        title = au.find(f"{CMI5_NS}title")
        text = "" if title is None else (title.findtext(f"{CMI5_NS}langstring") or "")
        units.append(Unit(str(au.get("id")), text.strip(),
                          (au.findtext(f"{CMI5_NS}url") or "").strip(),
                          au.get("masteryScore") or "", au.get("moveOn") or "NotApplicable"))
    return tuple(units)
