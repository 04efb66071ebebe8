"""Rules only one LMS enforces, added by `--lms NAME` (lms-rules.md 3.1, 3.2, 3.7, 3.8).

Canvas's and Blackboard's rules are QTI rules and live in scormkit/validation/rules/qti.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from scormkit.errors import Location
from scormkit.validation.rules import (
    CC,
    CMI5,
    ERROR,
    QTI,
    SCORM,
    SCORM2004,
    WARNING,
    Context,
    Finding,
    local,
    rule,
)
from scormkit.validation.rules.scorm import IMSSS, scormtype

_MOODLE_13 = ("1.3", "CAM 1.3", "2004 3rd Edition", "2004 4th Edition")
_SEQUENCING_RULES = ("sequencingRules", "rollupRules", "mapInfo", "limitConditions",
                     "randomizationControls", "sequencingCollection",
                     "constrainedChoiceConsiderations")


@rule("moodle-schemaversion", ERROR, "Moodle will run the package with the other SCORM "
      "version's API", kinds=SCORM, lms={"moodle"},
      source="lms-rules 3.1 (first schemaversion wins, literal match, anything else is 1.2)",
      hint="write exactly '1.2', '2004 3rd Edition' or '2004 4th Edition', with no spaces "
           "around it, in the manifest's first <schemaversion>")
def check_moodle_version(context: Context) -> Iterator[Finding]:
    first = next((e for e in context.manifest.iter() if local(e).lower() == "schemaversion"),
                 None)
    value = first.text or "" if first is not None else ""
    moodle = "SCORM 2004" if value in _MOODLE_13 else "SCORM 1.2"
    actual = "SCORM 1.2" if context.kind.key == "scorm12" else "SCORM 2004"
    if moodle != actual:
        where = context.at(first if first is not None else context.manifest)
        yield Finding(f"Moodle reads schemaversion {value!r} as {moodle}, but the package is "
                      f"{actual}", where)


@rule("moodle-cc-version", ERROR, "Moodle restores only Common Cartridge 1.0/1.1",
      kinds={"cc12", "cc13"}, lms={"moodle"}, source="lms-rules 3.2 (no imscc12/imscc13 "
      "converter in core)", hint="export the cartridge as CC 1.1 for Moodle")
def check_moodle_cc(context: Context) -> Iterator[Finding]:
    yield Finding(f"Moodle restores only CC 1.0/1.1; this is {context.kind.label}",
                  context.at(context.manifest))


@rule("moodle-cc-protected", ERROR, "Moodle refuses cartridges with authorization "
      "(protected_cc_not_supported)", kinds=CC, lms={"moodle"}, source="lms-rules 3.2",
      hint="remove the <authorizations> block for Moodle")
def check_moodle_protected(context: Context) -> Iterator[Finding]:
    for element in context.manifest.iter("{*}authorizations", "{*}authorization"):
        yield Finding("the cartridge declares authorization", context.at(element))
        return


@rule("moodle-sequencing-ignored", WARNING, "Moodle ignores most SCORM 2004 sequencing "
      "rules", kinds=SCORM2004, lms={"moodle"}, source="lms-rules 3.1 SCORM 2004 in Moodle",
      hint="keep Moodle packages single-SCO with completionSetByContent and "
           "objectiveSetByContent, and let the SCO set its own status")
def check_moodle_sequencing(context: Context) -> Iterator[Finding]:
    seen = set()
    for element in context.manifest.iter(f"{{{IMSSS}}}*"):
        name = local(element)
        if name in _SEQUENCING_RULES and name not in seen:
            seen.add(name)
            yield Finding(f"imsss:{name} will not behave in Moodle as in a full SCORM 2004 "
                          "player", context.at(element))


@rule("moodle-qti-unsupported", ERROR, "Moodle core has no QTI importer", kinds=QTI,
      lms={"moodle"}, source="lms-rules 3.2 (question import formats in core)",
      hint="build the moodlexml target, or a Common Cartridge 1.1 with the quiz inside")
def check_moodle_qti(context: Context) -> Iterator[Finding]:
    yield Finding(f"Moodle cannot import {context.kind.label} without a third-party plugin",
                  Location(context.manifest_name))


@rule("moodle-cmi5-plugin", WARNING, "cmi5 in Moodle needs the third-party mod_cmi5launch "
      "plugin and an external LRS", kinds=CMI5, lms={"moodle"}, source="lms-rules 3.7",
      hint="check that the Moodle site has mod_cmi5launch, or ship SCORM 1.2 instead")
def check_moodle_cmi5(context: Context) -> Iterator[Finding]:
    yield Finding("Moodle core does not play cmi5 packages", Location("cmi5.xml"))


@rule("openedx-launch", ERROR, "Open edX launches another file than the organization's "
      "first SCO", kinds=SCORM, lms={"openedx"},
      source="lms-rules 3.8 (launch = first resource with an href, else index.html)",
      hint="list the launched SCO's <resource> first in <resources>")
def check_openedx_launch(context: Context) -> Iterator[Finding]:
    with_href = [r for r in context.manifest.iter(context.q("resource")) if r.get("href")]
    if not with_href:
        if "index.html" not in context.files:
            yield Finding("no resource has an href and there is no index.html: Open edX has "
                          "nothing to launch", context.at(context.manifest))
        return
    organization = context.default_organization
    first_item = next((i for i in organization.iter(context.q("item"))
                       if i.get("identifierref")), None) if organization is not None else None
    wanted = context.resources.get(first_item.get("identifierref", "")) \
        if first_item is not None else None
    launched = with_href[0]
    if wanted is not None and wanted is not launched:
        yield Finding(f"Open edX launches '{launched.get('href')}' (resource "
                      f"'{launched.get('identifier')}', the first with an href); the "
                      f"organization starts with '{wanted.get('href')}'", context.at(launched))
    elif scormtype(context, launched)[0] == "asset":
        yield Finding(f"Open edX launches '{launched.get('href')}', an asset",
                      context.at(launched))


@rule("openedx-version", ERROR, "Open edX runs a SCORM 1.2 package whose schemaversion is "
      "not exactly '1.2' with the SCORM 2004 API", kinds={"scorm12"}, lms={"openedx"},
      source="lms-rules 3.8 (schemaversion ^1.2$ -> SCORM_12, else SCORM_2004)",
      hint="write <schemaversion>1.2</schemaversion> with nothing around the number")
def check_openedx_version(context: Context) -> Iterator[Finding]:
    element = context.manifest.find(f"{context.q('metadata')}/{context.q('schemaversion')}")
    value = element.text or "" if element is not None else ""
    if value != "1.2":
        yield Finding(f"schemaversion {value!r} is not exactly '1.2'",
                      context.at(element if element is not None else context.manifest))
