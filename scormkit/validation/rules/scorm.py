"""SCORM 1.2 and 2004 manifest rules (lms-rules.md 3.1 Moodle, 3.5 P1-P11 SCORM Cloud/ADL)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from scormkit.errors import Location, counted, printable
from scormkit.validation.detect import ADLCP12, ADLCP13, CP12
from scormkit.validation.rules import (
    ERROR,
    SCORM,
    SCORM12,
    SCORM2004,
    WARNING,
    Context,
    Finding,
    local,
    rule,
)

XSI = "http://www.w3.org/2001/XMLSchema-instance"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSMD12 = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
NAMESPACES_12 = {CP12: "imscp_rootv1p1p2", ADLCP12: "adlcp_rootv1p2"}
NAMESPACES_2004 = {ADLCP13: "adlcp_v1p3", IMSSS: "imsss", ADLSEQ: "adlseq_v1p3",
                   ADLNAV: "adlnav_v1p3"}

SCHEMAVERSIONS = {"scorm12": "1.2", "scorm2004_3rd": "2004 3rd Edition",
                  "scorm2004_4th": "2004 4th Edition", "scorm2004_2nd": "CAM 1.3"}
VERSIONS_2004 = ("CAM 1.3", "1.3", "2004 3rd Edition", "2004 4th Edition")
LITERAL_PREFIXES = {ADLCP12: "adlcp", ADLCP13: "adlcp", ADLSEQ: "adlseq", ADLNAV: "adlnav",
                    IMSSS: "imsss"}
# lms-rules 3.5 P3: the files ADL's conformance suite expects at the package root.
SCHEMA_SETS = {
    "scorm12": ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd",
                "ims_xml.xsd"),
    "scorm2004_3rd": ("imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd",
                      "adlnav_v1p3.xsd", "imsss_v1p0.xsd", "imsss_v1p0auxresource.xsd",
                      "imsss_v1p0control.xsd", "imsss_v1p0delivery.xsd",
                      "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd",
                      "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd",
                      "imsss_v1p0seqrule.xsd", "imsss_v1p0util.xsd", "xml.xsd",
                      "XMLSchema.dtd", "datatypes.dtd"),
}
SCHEMA_SETS["scorm2004_4th"] = SCHEMA_SETS["scorm2004_3rd"]
STATUS_WORDS = (b"lesson_status", b"completion_status", b"progress_measure")
STATUS_SCAN_SUFFIXES = (".js", ".html", ".htm", ".xml", ".json", ".txt")
STATUS_SCAN_BYTES = 20 * 1024 * 1024
LOM_DESCRIPTION_LIMIT = 1000
TITLE_LIMIT = 255


def schemaversion(context: Context) -> etree._Element | None:
    return context.manifest.find(f"{context.q('metadata')}/{context.q('schemaversion')}")


def scormtype(context: Context, resource: etree._Element) -> tuple[str | None, str | None]:
    """(value, attribute name as written) of the resource's scormtype, any spelling."""
    for name in ("scormtype", "scormType"):
        for namespace in (ADLCP12, ADLCP13):
            value = resource.get(f"{{{namespace}}}{name}")
            if value is not None:
                return value, name
    return None, None


def items(context: Context) -> list[etree._Element]:
    return list(context.manifest.iter(context.q("item")))


@rule("schemaversion-invalid", ERROR, "metadata/schemaversion is not the exact string of the "
      "package's SCORM version", kinds=SCORM, source="lms-rules 3.1, 3.5 P4",
      hint="Moodle treats any value it does not know as SCORM 1.2 and runs the wrong API")
def check_schemaversion(context: Context) -> Iterator[Finding]:
    element = schemaversion(context)
    expected = SCHEMAVERSIONS[context.kind.key]
    if element is None or (element.text or "").strip() != expected:
        found = "missing" if element is None else f"'{element.text}'"
        where = element if element is not None else context.manifest
        yield Finding(f"metadata/schemaversion is {found}; {context.kind.label} needs "
                      f"'{expected}'", context.at(where))


@rule("schema-invalid", ERROR, "metadata/schema is not 'ADL SCORM'", kinds=SCORM,
      source="lms-rules 3.5 P4", hint="write <schema>ADL SCORM</schema> in the manifest's "
      "<metadata>")
def check_schema(context: Context) -> Iterator[Finding]:
    root = context.manifest
    element = root.find(f"{context.q('metadata')}/{context.q('schema')}")
    if element is None or (element.text or "").strip() != "ADL SCORM":
        yield Finding("metadata/schema must be 'ADL SCORM'",
                      context.at(element if element is not None else root))


@rule("cp-namespace-not-default", ERROR, "the content-packaging namespace is not the default "
      "namespace", kinds=SCORM, source="lms-rules 3.1 manifest reading",
      hint="declare it with xmlns=\"...\": Moodle's parser reads element names literally, "
           "so <imscp:item> is not an item for it")
def check_default_namespace(context: Context) -> Iterator[Finding]:
    root = context.manifest
    if root.nsmap.get(None) != context.ns:
        yield Finding("the content-packaging namespace is not the default namespace",
                      context.at(root))


@rule("prefix-not-literal", ERROR, "a SCORM namespace is bound to another prefix than "
      "adlcp, adlseq, adlnav or imsss", kinds=SCORM, source="lms-rules 3.1 manifest reading")
def check_prefixes(context: Context) -> Iterator[Finding]:
    # iterwalk's start-ns events report each namespace declaration once, where it is made,
    # without computing every element's in-scope namespaces.
    seen: set[tuple[str | None, str]] = set()
    # With only start-ns events, iterwalk yields (prefix, uri) pairs, not elements.
    for _, (prefix, uri) in etree.iterwalk(  # type: ignore[misc]
            context.manifest, events=("start-ns",)):
        wanted = LITERAL_PREFIXES.get(uri)
        if wanted and (prefix or None) != wanted and (prefix, uri) not in seen:
            seen.add((prefix, uri))
            yield Finding(f"namespace {uri} is bound to prefix '{prefix or ''}'",
                          context.at(_declaring(context.manifest, prefix or None, uri)),
                          f"use the prefix '{wanted}': Moodle matches names such as "
                          f"{wanted.upper()}:... literally")


def _declaring(root: etree._Element, prefix: str | None, uri: str) -> etree._Element:
    """The first element that declares *prefix* for *uri* (its parent does not)."""
    for element in root.iter():
        if element.nsmap.get(prefix) == uri:
            parent = element.getparent()
            if parent is None or parent.nsmap.get(prefix) != uri:
                return element
    return root


@rule("scormtype-missing", WARNING, "a resource an item launches has no adlcp:scormtype "
      "(LMSs treat it as an asset)", kinds=SCORM, source="lms-rules 3.1, 3.5 P6")
def check_scormtype_missing(context: Context) -> Iterator[Finding]:
    attribute = "scormtype" if context.kind.key == "scorm12" else "scormType"
    referenced = {i.get("identifierref") for i in items(context)}
    for ident, resource in context.resources.items():
        if ident in referenced and scormtype(context, resource)[0] is None:
            yield Finding(f"resource '{ident}' has no adlcp:{attribute}", context.at(resource),
                          f"add adlcp:{attribute}=\"sco\" to resources that talk to the LMS; "
                          "without it LMSs launch the resource as an untracked asset")


@rule("scormtype-invalid", ERROR, "adlcp:scormtype is misspelt for the version or is not "
      "'sco' or 'asset'", kinds=SCORM, source="lms-rules 3.5 P6")
def check_scormtype_value(context: Context) -> Iterator[Finding]:
    wanted = "scormtype" if context.kind.key == "scorm12" else "scormType"
    for ident, resource in context.resources.items():
        value, written = scormtype(context, resource)
        if value is None:
            continue
        if written != wanted:
            yield Finding(f"resource '{ident}' spells the attribute adlcp:{written}; "
                          f"{context.kind.label} reads adlcp:{wanted}", context.at(resource),
                          "SCORM 1.2 writes scormtype (lower-case t), SCORM 2004 scormType")
        elif value not in ("sco", "asset"):
            yield Finding(f"resource '{ident}' has adlcp:{written}=\"{value}\"",
                          context.at(resource), "the value must be 'sco' or 'asset' "
                          "(lower case)")


@rule("sco-no-href", ERROR, "a SCO resource has no href, so there is nothing to launch",
      kinds=SCORM, source="lms-rules 3.5 P6",
      hint="give the resource href=\"<its start page>\"")
def check_sco_href(context: Context) -> Iterator[Finding]:
    for ident, resource in context.resources.items():
        if scormtype(context, resource)[0] == "sco" and not resource.get("href"):
            yield Finding(f"SCO resource '{ident}' has no href", context.at(resource))


@rule("schema-file-missing", WARNING, "xsi:schemaLocation names a local XSD that is not in "
      "the package", kinds=SCORM, source="lms-rules 3.5 P3",
      hint="ship the XSD files at the package root: ADL's conformance test suite requires "
           "them (LMSs import the package without them; --strict makes this an error)")
def check_schema_files(context: Context) -> Iterator[Finding]:
    root = context.manifest
    hints = root.get(f"{{{XSI}}}schemaLocation") or ""
    for location in hints.split()[1::2]:
        if "://" in location:
            continue
        if location not in context.files:
            yield Finding(f"schemaLocation names '{location}', which is not in the package",
                          context.at(root))


@rule("schema-set-incomplete", WARNING, "some of the XSD/DTD files ADL's test suite expects "
      "at the package root are missing", kinds=SCHEMA_SETS.keys(), source="lms-rules 3.5 P3",
      hint="ship the version's full set of schema files at the root (scormkit build does)")
def check_schema_set(context: Context) -> Iterator[Finding]:
    missing = [name for name in SCHEMA_SETS[context.kind.key] if name not in context.files]
    declared = (context.manifest.get(f"{{{XSI}}}schemaLocation") or "").split()[1::2]
    missing = [name for name in missing if name not in declared]  # schema-file-missing's
    if missing:
        yield Finding(f"{counted(len(missing), 'schema file')} missing at the root: "
                      f"{', '.join(missing)}", Location(context.manifest_name))


def _namespaces_used(root: etree._Element, namespaces: Iterable[str]
                     ) -> dict[str, etree._Element]:
    """Each of *namespaces* that an element or attribute of *root* uses -> the first element
    using it (libxml2 searches: Python sees only the matches)."""
    wanted = list(namespaces)
    found: dict[str, list[etree._Element]] = {}
    for namespace in wanted:
        element = next(root.iter(f"{{{namespace}}}*"), None)
        if element is not None:
            found.setdefault(namespace, []).append(element)
    condition = " or ".join(f"namespace-uri() = $n{n}" for n in range(len(wanted)))
    # XPath variables ($n0, $n1...) are keyword arguments; the stubs type only the fixed ones.
    holders = root.xpath(f"//*[@*[{condition}]]",
                         **{f"n{n}": namespace  # type: ignore[arg-type]
                            for n, namespace in enumerate(wanted)})
    for holder in holders if isinstance(holders, list) else []:
        if not isinstance(holder, etree._Element):
            continue
        for key in holder.attrib:
            name = key if isinstance(key, str) else key.decode()
            namespace = name[1:name.find("}")] if name.startswith("{") else ""
            if namespace in wanted:
                found.setdefault(namespace, []).append(holder)
    return {namespace: min(elements, key=lambda e: e.sourceline or 0)
            for namespace, elements in found.items()}


@rule("version-mixed", ERROR, "SCORM 1.2 and SCORM 2004 namespaces, elements or "
      "schemaversion are mixed in one manifest", kinds=SCORM, source="lms-rules 3.5 P11",
      hint="use one version throughout: LMSs choose the runtime from the schemaversion and "
           "a 1.2 SCO under the 2004 API (or the reverse) reports nothing (error 201/401)")
def check_version_mixing(context: Context) -> Iterator[Finding]:
    root = context.manifest
    used = _namespaces_used(root, [*NAMESPACES_2004, *NAMESPACES_12])
    element = schemaversion(context)
    version = (element.text or "").strip() if element is not None else ""
    where = element if element is not None else root  # a version was read: the element
    if context.kind.key == "scorm12":
        if version in VERSIONS_2004:
            yield Finding(f"SCORM 1.2 namespaces with schemaversion '{version}' (SCORM 2004)",
                          context.at(where))
        for namespace, name in NAMESPACES_2004.items():
            if namespace in used:
                yield Finding(f"SCORM 2004 element or attribute from {name} in a SCORM 1.2 "
                              f"manifest: <{etree.QName(used[namespace]).localname}>",
                              context.at(used[namespace]))
    else:
        if version == "1.2":
            yield Finding("SCORM 2004 namespaces with schemaversion '1.2'", context.at(where))
        for namespace, name in NAMESPACES_12.items():
            if namespace in used:
                yield Finding(f"SCORM 1.2 namespace {name} in a SCORM 2004 manifest "
                              f"(<{etree.QName(used[namespace]).localname}>)",
                              context.at(used[namespace]))


@rule("launch-not-sco", WARNING, "the first item of the default organization does not "
      "launch a SCO with an href", kinds=SCORM, source="lms-rules 3.1 launch choice",
      hint="order the organization so that its first item references the SCO learners "
           "start with: Moodle and other players launch the first item")
def check_launch(context: Context) -> Iterator[Finding]:
    organization = context.default_organization
    if organization is None:
        return
    first = next((i for i in organization.iter(context.q("item"))
                  if i.get("identifierref")), None)
    if first is None:
        return
    resource = context.resources.get(first.get("identifierref", ""))
    if resource is None:
        return  # identifierref-missing
    kind, _ = scormtype(context, resource)
    if kind != "sco":
        yield Finding(f"the first item '{first.get('identifier')}' launches resource "
                      f"'{resource.get('identifier')}', which is "
                      f"{'an asset' if kind == 'asset' else 'not marked as a SCO'}: nothing "
                      "will be tracked", context.at(first))
    elif not resource.get("href"):
        yield Finding(f"the first item '{first.get('identifier')}' launches a resource "
                      "without href", context.at(first))


@rule("parameters-invalid", WARNING, "item@parameters does not start with '?' or '#'",
      kinds=SCORM, source="lms-rules 3.5 P8",
      hint="write parameters=\"?name=value\" (query) or \"#anchor\"; LMSs append them to the "
           "launch URL as they are")
def check_parameters(context: Context) -> Iterator[Finding]:
    for item in items(context):
        parameters = item.get("parameters")
        if parameters and not parameters.startswith(("?", "#")):
            yield Finding(f"item '{item.get('identifier')}' has parameters "
                          f"\"{parameters}\"", context.at(item))


@rule("item-nonleaf-resource", ERROR, "a SCORM 2004 item that has child items references a "
      "resource", kinds=SCORM2004, source="lms-rules 3.5 P10",
      hint="only leaf items may have identifierref: move the resource to a child item")
def check_leaf_items(context: Context) -> Iterator[Finding]:
    for item in items(context):
        if item.get("identifierref") and item.find(context.q("item")) is not None:
            yield Finding(f"item '{item.get('identifier')}' has child items and references "
                          f"resource '{item.get('identifierref')}'", context.at(item))


@rule("metadata-location-missing", ERROR, "external metadata (adlcp:location) names a file "
      "that is missing, outside the package or a folder", kinds=SCORM,
      source="lms-rules 3.5 P7 (pipwerks/scorm-api-wrapper#16)",
      hint="point adlcp:location at a metadata XML file inside the package and list it as "
           "a <file>")
def check_metadata_location(context: Context) -> Iterator[Finding]:
    root = context.manifest
    for namespace in (ADLCP12, ADLCP13):
        for element in root.iter(f"{{{namespace}}}location"):
            href = (element.text or "").strip()
            path = unquote(urlsplit(href).path)
            if not href:
                yield Finding("adlcp:location is empty", context.at(element))
            elif (urlsplit(href).scheme or path.startswith("/")
                  or ".." in PurePosixPath(path).parts):
                yield Finding(f"adlcp:location '{href}' is not a path inside the package",
                              context.at(element))
            elif context.is_folder(path):
                yield Finding(f"adlcp:location '{href}' is a folder, not a file",
                              context.at(element))
            elif path not in context.files:
                yield Finding(f"adlcp:location '{href}' is not in the package",
                              context.at(element))


def _descriptions(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for element in root.iter(f"{{{IMSMD12}}}description"):
        for string in element.iter(f"{{{IMSMD12}}}langstring"):
            yield string, string.text or ""


@rule("lom-description-too-long", WARNING, "a SCORM 1.2 LOM description is longer than "
      "1000 characters", kinds=SCORM12, source="lms-rules 3.5 P9 (exelearning/iteexe#96)",
      hint="shorten it to 1000 characters: SCORM Cloud flags longer descriptions")
def check_lom_description(context: Context) -> Iterator[Finding]:
    documents: list[tuple[str, etree._Element | None]] = [
        (context.manifest_name, context.manifest)]
    for element in context.manifest.iter(f"{{{ADLCP12}}}location"):
        name = (element.text or "").strip()
        if name in context.files:
            documents.append((name, context.xml(name)))
    for name, root in documents:
        if root is None:
            continue
        for element, text in _descriptions(root):
            if len(text) > LOM_DESCRIPTION_LIMIT:
                yield Finding(f"LOM description is {len(text)} characters (limit "
                              f"{LOM_DESCRIPTION_LIMIT})", Location(name, element.sourceline))


@rule("title-too-long", WARNING, "an organization or item title is longer than 255 "
      "characters", kinds=SCORM, source="lms-rules 3.5 P9",
      hint="keep titles short: LMS menus and gradebooks truncate them")
def check_titles(context: Context) -> Iterator[Finding]:
    for element in context.manifest.iter(context.q("title")):
        text = (element.text or "").strip()
        if len(text) > TITLE_LIMIT and local(element.getparent()) in ("organization", "item"):
            yield Finding(f"title is {len(text)} characters (limit {TITLE_LIMIT})",
                          context.at(element))


@rule("organizations-empty", WARNING, "the manifest has no organization with items",
      kinds=SCORM, source="lms-rules 3.1 (no organizations)",
      hint="add an <organization> whose items reference the SCOs: without one, Moodle turns "
           "every resource with an href into a SCO and other LMSs refuse the package")
def check_organizations(context: Context) -> Iterator[Finding]:
    organization = context.default_organization
    if organization is None or organization.find(f".//{context.q('item')}") is None:
        yield Finding("no organization with items", context.at(context.manifest))


@rule("status-never-set", WARNING, "no file of the package mentions lesson_status, "
      "completion_status or progress_measure", kinds=SCORM,
      source="lms-rules 3.8 (openedx-scorm-xblock), 3.5 runtime failures",
      hint="the content must report a status, or the LMS gradebook stays empty")
def check_status_mentioned(context: Context) -> Iterator[Finding]:
    scanned = 0
    longest = max(len(word) for word in STATUS_WORDS)
    for name in context.files:
        if not name.lower().endswith(STATUS_SCAN_SUFFIXES) or name == context.kind.manifest:
            continue
        tail = b""
        for chunk in context.files.chunks(name):
            window = tail + chunk
            if any(word in window for word in STATUS_WORDS):
                return
            tail = window[-longest:]
            scanned += len(chunk)
            if scanned > STATUS_SCAN_BYTES:
                return  # too much to scan: give the package the benefit of the doubt
    yield Finding("no .js, .html, .xml, .json or .txt file mentions lesson_status, "
                  "completion_status or progress_measure")


# ---------------------------------------------------------------------------------------------
# Values the XSDs let through and LMSs then read differently than the author meant. SCORM
# 1.2 CAM section 2.3.5.2 (adlcp extensions of <item>) and RTE section 3.4 (the
# cmi.student_data elements they initialise); SCORM 2004 4th Edition CAM section 3.4.1.16
# (adlcp:completionThreshold) and SN section 5.1.7 with RTE section 4.2.20 (primary
# objective, minNormalizedMeasure and cmi.scaled_passing_score).

_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
# CMITimespan (RTE 1.2 section 3.4.2): HHHH:MM:SS.SS, hours 2 to 4 digits, optional 1 or 2
# decimals of seconds.
_TIMESPAN = re.compile(r"\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?")
SCO_ONLY_12 = ("masteryscore", "maxtimeallowed", "timelimitaction", "datafromlms")
SCO_ONLY_2004 = ("timeLimitAction", "dataFromLMS", "completionThreshold")
LAUNCH_DATA_LIMIT = 4000
"""SCORM 2004 cmi.launch_data: the LMS must keep at least 4000 characters (RTE 4.2.11)."""


def _item_values(context: Context, name: str, namespace: str
                 ) -> Iterator[tuple[etree._Element, etree._Element, str]]:
    """(item, element, text) of each adlcp element *name* under an item."""
    for item in items(context):
        for element in item.findall(f"{{{namespace}}}{name}"):
            yield item, element, (element.text or "").strip()


def _item_name(item: etree._Element) -> str:
    return printable(item.get("identifier", "?"), 100)


@rule("masteryscore-invalid", ERROR, "adlcp:masteryscore is not a number from 0 to 100",
      kinds=SCORM12, source="SCORM 1.2 CAM 2.3.5.2, RTE 3.4 cmi.student_data.mastery_score "
      "(CMIDecimal, 0 to 100); the XSD allows any string of 200 characters",
      hint="write the passing score as a percentage, e.g. <adlcp:masteryscore>80"
           "</adlcp:masteryscore>: LMSs that apply it (Moodle's 'mastery score overrides "
           "status') compare the raw score with it, and a value that is not a number in "
           "range fails every learner or passes every one")
def check_masteryscore(context: Context) -> Iterator[Finding]:
    for item, element, text in _item_values(context, "masteryscore", ADLCP12):
        value = float(text) if _DECIMAL.fullmatch(text) else None
        if value is None or not 0 <= value <= 100:
            yield Finding(f"item '{_item_name(item)}' has adlcp:masteryscore "
                          f"'{printable(text, 60)}'", context.at(element))


@rule("masteryscore-scaled", WARNING, "adlcp:masteryscore is between 0 and 1, a SCORM 2004 "
      "scaled score where SCORM 1.2 expects a percentage", kinds=SCORM12,
      source="SCORM 1.2 RTE 3.4 cmi.student_data.mastery_score (0 to 100)",
      hint="SCORM 1.2 mastery scores are percentages: 0.8 means 0.8 points out of 100, so "
           "almost any score passes; write 80 for 80%")
def check_masteryscore_scaled(context: Context) -> Iterator[Finding]:
    for item, element, text in _item_values(context, "masteryscore", ADLCP12):
        if _DECIMAL.fullmatch(text) and 0 < float(text) <= 1:
            yield Finding(f"item '{_item_name(item)}' has adlcp:masteryscore '{text}'",
                          context.at(element))


@rule("maxtimeallowed-invalid", ERROR, "adlcp:maxtimeallowed is not a CMITimespan "
      "(HHHH:MM:SS.SS)", kinds=SCORM12, source="SCORM 1.2 CAM 2.3.5.2, RTE 3.4.2 "
      "CMITimespan; the XSD allows any string of 13 characters",
      hint="write hours, minutes and seconds, e.g. 00:30:00; LMSs that cannot read the "
           "value give the SCO no time limit")
def check_maxtimeallowed(context: Context) -> Iterator[Finding]:
    for item, element, text in _item_values(context, "maxtimeallowed", ADLCP12):
        if not _TIMESPAN.fullmatch(text):
            yield Finding(f"item '{_item_name(item)}' has adlcp:maxtimeallowed "
                          f"'{printable(text, 60)}'", context.at(element))


@rule("timelimitaction-without-limit", WARNING, "a time limit action is given without a time "
      "limit", kinds=SCORM, source="SCORM 1.2 CAM 2.3.5.2 (timelimitaction acts when "
      "maxtimeallowed is exceeded); SCORM 2004 CAM 3.4.1.14 with SN "
      "attemptAbsoluteDurationLimit",
      hint="add the limit (SCORM 1.2 adlcp:maxtimeallowed; SCORM 2004 imsss:limitConditions "
           "attemptAbsoluteDurationLimit) or remove the action: without a limit it never "
           "happens")
def check_timelimitaction(context: Context) -> Iterator[Finding]:
    for item in items(context):
        if context.kind.key == "scorm12":
            action = item.find(f"{{{ADLCP12}}}timelimitaction")
            limited = item.find(f"{{{ADLCP12}}}maxtimeallowed") is not None
        else:
            action = item.find(f"{{{ADLCP13}}}timeLimitAction")
            limited = any(e.get("attemptAbsoluteDurationLimit")
                          for e in item.iter(f"{{{IMSSS}}}limitConditions"))
        if action is not None and not limited:
            yield Finding(f"item '{_item_name(item)}' has a time limit action "
                          f"'{printable((action.text or '').strip(), 40)}' but no time limit",
                          context.at(action))


@rule("sco-data-ignored", WARNING, "SCO data (mastery score, time limit, launch data, "
      "completion threshold) is given on an item that launches no SCO", kinds=SCORM,
      source="SCORM 1.2 CAM 2.3.5.2 and SCORM 2004 CAM 3.4.1 (these elements apply to "
      "items that reference a SCO)",
      hint="move it to the item whose identifierref names the SCO's resource: LMSs pass it "
           "to SCOs only, so here it is ignored")
def check_sco_data_ignored(context: Context) -> Iterator[Finding]:
    names, namespace = (SCO_ONLY_12, ADLCP12) if context.kind.key == "scorm12" else (
        SCO_ONLY_2004, ADLCP13)
    for item in items(context):
        found = [e for name in names for e in item.findall(f"{{{namespace}}}{name}")]
        if not found:
            continue
        resource = context.resources.get(item.get("identifierref") or "")
        if resource is not None and scormtype(context, resource)[0] == "sco":
            continue
        what = "launches an asset" if resource is not None else (
            "launches nothing" if not item.get("identifierref") else "names no resource")
        yield Finding(f"item '{_item_name(item)}' {what}, so its "
                      f"{', '.join('adlcp:' + local(e) for e in found)} is ignored",
                      context.at(found[0]))


def _objectives(context: Context) -> Iterator[etree._Element]:
    root = context.manifest
    for tag in ("primaryObjective", "objective"):
        yield from root.iter(f"{{{IMSSS}}}{tag}")


@rule("passing-measure-default", WARNING, "an objective is satisfied by measure but gives no "
      "minNormalizedMeasure, so learners need a perfect score", kinds=SCORM2004,
      source="SCORM 2004 4th Edition SN 5.1.7 (minNormalizedMeasure defaults to 1.0), RTE "
      "4.2.20 (cmi.scaled_passing_score is then 1.0)",
      hint="add <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure> (80%) to the "
           "objective")
def check_passing_measure_default(context: Context) -> Iterator[Finding]:
    for objective in _objectives(context):
        if objective.get("satisfiedByMeasure") in ("true", "1") and objective.find(
                f"{{{IMSSS}}}minNormalizedMeasure") is None:
            yield Finding(f"objective '{printable(objective.get('objectiveID') or '?', 100)}' "
                          "is satisfied by measure with the default minNormalizedMeasure 1.0",
                          context.at(objective))


@rule("passing-measure-ignored", WARNING, "an objective gives a minNormalizedMeasure but is "
      "not satisfied by measure, so the passing score is ignored", kinds=SCORM2004,
      source="SCORM 2004 4th Edition SN 5.1.7 (minNormalizedMeasure applies when "
      "satisfiedByMeasure is true), RTE 4.2.20 (cmi.scaled_passing_score is set only then)",
      hint="add satisfiedByMeasure=\"true\" to the objective, or remove the measure: the "
           "SCO reads no cmi.scaled_passing_score and the LMS never uses it")
def check_passing_measure_ignored(context: Context) -> Iterator[Finding]:
    for objective in _objectives(context):
        measure = objective.find(f"{{{IMSSS}}}minNormalizedMeasure")
        if measure is not None and objective.get("satisfiedByMeasure") not in ("true", "1"):
            yield Finding(f"objective '{printable(objective.get('objectiveID') or '?', 100)}' "
                          f"has minNormalizedMeasure {printable(measure.text or '', 20)} "
                          "without satisfiedByMeasure=\"true\"", context.at(measure))


@rule("completion-threshold-ignored", WARNING, "adlcp:completionThreshold is given without "
      "completedByMeasure=\"true\", so the LMS ignores it (4th Edition)",
      kinds={"scorm2004_4th"},
      source="SCORM 2004 4th Edition CAM 3.4.1.16 (completedByMeasure defaults to false; the "
      "element's text, 3rd Edition's threshold, is no longer read)",
      hint="write <adlcp:completionThreshold completedByMeasure=\"true\" "
           "minProgressMeasure=\"0.8\"/>")
def check_completion_threshold(context: Context) -> Iterator[Finding]:
    for item, element, text in _item_values(context, "completionThreshold", ADLCP13):
        if element.get("completedByMeasure") in ("true", "1"):
            continue
        if text or element.get("minProgressMeasure") is not None:
            given = f"'{printable(text, 20)}'" if text else \
                f"minProgressMeasure {printable(element.get('minProgressMeasure') or '', 20)}"
            yield Finding(f"item '{_item_name(item)}' has a completion threshold ({given}) "
                          "without completedByMeasure=\"true\"", context.at(element))


@rule("datafromlms-too-long", WARNING, "adlcp:dataFromLMS is longer than the 4000 "
      "characters an LMS must keep", kinds=SCORM2004,
      source="SCORM 2004 4th Edition RTE 4.2.11 (cmi.launch_data, SPM 4000)",
      hint="shorten it, or ship the data as a file in the package: LMSs may cut it")
def check_datafromlms(context: Context) -> Iterator[Finding]:
    for item, element, text in _item_values(context, "dataFromLMS", ADLCP13):
        if len(text) > LAUNCH_DATA_LIMIT:
            yield Finding(f"item '{_item_name(item)}' has {len(text)} characters of "
                          "adlcp:dataFromLMS", context.at(element))
