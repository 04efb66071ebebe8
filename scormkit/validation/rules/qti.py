"""QTI package rules: item documents, Canvas metadata (lms-rules.md 3.3), Blackboard (3.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from lxml import etree

from scormkit.errors import Location
from scormkit.validation.detect import CC_NAMESPACES
from scormkit.validation.rules import CC, ERROR, QTI, WARNING, Context, Finding, local, rule

QTI21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI30 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_META = "http://canvas.instructure.com/xsd/cccv1p0"
# Resource type -> (namespace, root element) its document must have.
ROOTS = {
    "imsqti_item_xmlv2p1": (QTI21, "assessmentItem"),
    "imsqti_test_xmlv2p1": (QTI21, "assessmentTest"),
    "imsqti_item_xmlv3p0": (QTI30, "qti-assessment-item"),
    "imsqti_test_xmlv3p0": (QTI30, "qti-assessment-test"),
}
CANVAS_QUESTION_TYPES = {
    "multiple_choice_question", "true_false_question", "multiple_answers_question",
    "short_answer_question", "fill_in_multiple_blanks_question",
    "multiple_dropdowns_question", "matching_question", "numerical_question",
    "calculated_question", "essay_question", "file_upload_question", "text_only_question",
    # New Quizzes exports (lms-rules 3.3)
    "ordering_question", "categorization_question",
}
CANVAS_QUIZ_TYPES = {"assignment", "practice_quiz", "graded_survey", "survey"}
_NUMBER = re.compile(r"\s*\d+(\.\d+)?\s*")
# Canvas reads a package as QTI 2.x when the manifest mentions one of these (lms-rules 3.3).
_CANVAS_2X = re.compile(r"imsqti_v2p[01]|qti/qtiv2p[01]")
BLACKBOARD_TYPES = {"true/false", "multiple choice", "multiple answer",
                    "fill in the blank (one blank)", "essay"}


@rule("qti-item-root", ERROR, "a QTI item or test resource's file is not a document of the "
      "resource's QTI version", kinds={"qti21", "qti30"},
      source="issue 5 (every imsqti_item_* file validates against the QTI XSD)",
      hint="the file of an imsqti_item_xmlv2p1 resource must be a QTI 2.1 assessmentItem "
           "(imsqti_v2p1 namespace); v3p0 resources need QTI 3.0 qti-assessment-item")
def check_item_roots(context: Context) -> Iterator[Finding]:
    for ident, resource in context.resources.items():
        expected = ROOTS.get(resource.get("type", ""))
        name = context.resource_file(resource)
        if expected is None or not name or name not in context.files:
            continue
        root = context.xml(name)
        if root is None:
            continue  # xml-malformed / xml-entity
        qname = etree.QName(root)
        if (qname.namespace, qname.localname) != expected:
            yield Finding(f"resource '{ident}' ({resource.get('type')}) points at {name}, "
                          f"whose root is {{{qname.namespace}}}{qname.localname}, not "
                          f"{{{expected[0]}}}{expected[1]}", context.at(resource))


# ---------------------------------------------------------------------------------------------
# QTI 1.2 (Canvas flavour)


@rule("cc-namespace-borrowed", WARNING, "a QTI 1.2 package's manifest uses the Common "
      "Cartridge namespace without being a valid cartridge (Canvas's export format)",
      kinds={"qti12"}, source="lms-rules 3.3 (manifest choice), 3.2 (Moodle detection)",
      hint="Canvas imports it, but Moodle and other cartridge importers see the CC "
           "namespace, validate the manifest against the CC XSD and refuse it: write the "
           "manifest in the plain IMS CP namespace http://www.imsglobal.org/xsd/imscp_v1p1 "
           "(Canvas reads imsqti_xmlv1p2 resources from any content package)")
def check_borrowed_namespace(context: Context) -> Iterator[Finding]:
    if context.ns in CC_NAMESPACES:
        schema = context.manifest.findtext(f"{context.q('metadata')}/{context.q('schema')}")
        yield Finding(f"the manifest is in the {CC_NAMESPACES[context.ns]} namespace with "
                      f"<schema>{schema}</schema>; it is not a valid Common Cartridge",
                      context.at(context.manifest))


def qti12_documents(context: Context) -> Iterator[tuple[str, etree._Element, etree._Element]]:
    """(member, root, resource) of each QTI 1.2 assessment or bank in the package."""
    for resource in context.resources.values():
        if not resource.get("type", "").startswith("imsqti_xmlv1p2"):
            continue
        name = context.resource_file(resource)
        root = context.xml(name) if name else None
        if name and root is not None:
            yield name, root, resource


Metadata = dict[str, tuple[str, etree._Element]]
"""qtimetadatafield label -> (entry, field element)."""
Item12 = tuple[str, etree._Element, Metadata]
"""(member, item, metadata) of a QTI 1.2 item."""


def metadata(item: etree._Element) -> Metadata:
    """qtimetadatafield label -> (entry, field element) of a QTI 1.2 item."""
    ns = etree.QName(item).namespace
    q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
    fields: Metadata = {}
    for field in item.iterfind(f"{q('itemmetadata')}/{q('qtimetadata')}/"
                               f"{q('qtimetadatafield')}"):
        label = field.findtext(q("fieldlabel"))
        entry = field.findtext(q("fieldentry"))
        if label:
            fields.setdefault(label.strip(), ((entry or "").strip(), field))
    return fields


def qti12_items(context: Context) -> list[Item12]:
    """(member, item, metadata) of every item of the package's QTI 1.2 documents, computed
    once per package (five rules walk them)."""
    cached = context.cache.get("qti12_items")
    if cached is None:
        found: list[Item12] = []
        for name, root, _ in qti12_documents(context):
            ns = etree.QName(root).namespace
            for item in root.iter(f"{{{ns}}}item" if ns else "item"):
                found.append((name, item, metadata(item)))
        context.cache["qti12_items"] = cached = found
    return cast(list[Item12], cached)  # only this function stores under its key


def canvas_items(context: Context) -> Iterator[Item12]:
    """Items that carry Canvas metadata (a question_type field)."""
    for name, item, fields in qti12_items(context):
        if "question_type" in fields:
            yield name, item, fields


@rule("canvas-question-type", WARNING, "a Canvas question_type is not one Canvas knows",
      kinds={"qti12"}, source="lms-rules 3.3 question_type values",
      hint="use one of Canvas's types (multiple_choice_question, true_false_question, ...): "
           "Canvas imports unknown types as nothing or as text")
def check_canvas_types(context: Context) -> Iterator[Finding]:
    for name, item, fields in canvas_items(context):
        value, field = fields["question_type"]
        if value not in CANVAS_QUESTION_TYPES:
            yield Finding(f"item '{item.get('ident')}' has question_type '{value}'",
                          Location(name, field.sourceline))


@rule("canvas-points-invalid", ERROR, "a Canvas points_possible is not a non-negative number",
      kinds={"qti12"}, source="lms-rules 3.3 points_possible",
      hint="write points_possible as a number such as 1 or 2.5")
def check_canvas_points(context: Context) -> Iterator[Finding]:
    for name, item, fields in canvas_items(context):
        if "points_possible" in fields:
            value, field = fields["points_possible"]
            if not _NUMBER.fullmatch(value):
                yield Finding(f"item '{item.get('ident')}' has points_possible '{value}'",
                              Location(name, field.sourceline))


@rule("canvas-points-missing", WARNING, "a Canvas question has no points_possible (Canvas "
      "gives it 1 point)", kinds={"qti12"}, source="lms-rules 3.3 (missing points: 1)",
      hint="add a points_possible field to the item's qtimetadata")
def check_canvas_points_missing(context: Context) -> Iterator[Finding]:
    for name, item, fields in canvas_items(context):
        if "points_possible" not in fields and fields["question_type"][0] != "text_only_question":
            yield Finding(f"item '{item.get('ident')}' has no points_possible",
                          Location(name, item.sourceline))


def _meta_resource(context: Context, resource: etree._Element) -> str | None:
    for dependency in resource.iter(context.q("dependency")):
        target = context.resources.get(dependency.get("identifierref", ""))
        name = context.resource_file(target) if target is not None else None
        if name and name.endswith("assessment_meta.xml"):
            return name
    return None


@rule("canvas-meta-missing", WARNING, "a Canvas-flavoured assessment has no "
      "assessment_meta.xml", kinds={"qti12"}, source="lms-rules 3.3 assessment_meta.xml",
      hint="add <assessment id>/assessment_meta.xml as a learning-application-resource and a "
           "<dependency> to it: without it Canvas imports the quiz with default settings")
def check_canvas_meta_missing(context: Context) -> Iterator[Finding]:
    canvas = {name for name, _, _ in canvas_items(context)}
    for name, root, resource in qti12_documents(context):
        if name in canvas and local(next(iter(root), None)) == "assessment" \
                and _meta_resource(context, resource) is None:
            yield Finding(f"assessment {name} has no assessment_meta.xml dependency",
                          context.at(resource))


@rule("canvas-meta-invalid", ERROR, "assessment_meta.xml is not a Canvas quiz description "
      "(root, quiz_type, numbers)", kinds={"qti12"}, source="lms-rules 3.3 assessment_meta.xml",
      hint="assessment_meta.xml's root is <quiz xmlns=\"http://canvas.instructure.com/xsd/"
           "cccv1p0\">; quiz_type is assignment, practice_quiz, graded_survey or survey")
def check_canvas_meta(context: Context) -> Iterator[Finding]:
    for _, _, resource in qti12_documents(context):
        name = _meta_resource(context, resource)
        if name is None or name not in context.files:
            continue
        root = context.xml(name)
        if root is None:
            continue
        if root.tag != f"{{{CANVAS_META}}}quiz":
            yield Finding(f"the root element is {etree.QName(root).text}, not "
                          f"{{{CANVAS_META}}}quiz", Location(name, root.sourceline))
            continue
        for child in root:
            field, text = local(child), (child.text or "").strip()
            if field == "quiz_type" and text not in CANVAS_QUIZ_TYPES:
                yield Finding(f"quiz_type '{text}' is not one of "
                              f"{', '.join(sorted(CANVAS_QUIZ_TYPES))}",
                              Location(name, child.sourceline))
            if field in ("points_possible", "allowed_attempts", "time_limit") and text \
                    and not re.fullmatch(r"-?\d+(\.\d+)?", text):
                yield Finding(f"{field} '{text}' is not a number",
                              Location(name, child.sourceline))


# ---------------------------------------------------------------------------------------------
# Canvas: which QTI version it will read


def _content_versions(context: Context) -> set[str]:
    versions = set()
    for resource in context.resources.values():
        kind = resource.get("type", "")
        if kind.startswith("imsqti_xmlv1p2"):
            versions.add("1.2")
        elif kind.startswith("imsqti_") and re.search(r"v2p\d$", kind):
            versions.add("2.x")
        elif kind.startswith("imsqti_") and kind.endswith("v3p0"):
            versions.add("3.0")
    return versions


@rule("canvas-qti-version", ERROR, "Canvas will read the package as another QTI version "
      "than it contains", kinds=QTI, lms={"canvas"}, source="lms-rules 3.3 detection",
      hint="Canvas reads QTI 2.x only when the manifest declares a QTI 2.0/2.1 namespace or "
           "<schema>QTIv2.x</schema>; everything else goes to its QTI 1.2 converter")
def check_canvas_version(context: Context) -> Iterator[Finding]:
    root = context.manifest
    text = " ".join([*(v for e in root.iter() if isinstance(e.tag, str)
                       for v in e.nsmap.values()),
                     root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", "")])
    schema = root.findtext(f"{context.q('metadata')}/{context.q('schema')}") or ""
    reads_2x = bool(_CANVAS_2X.search(text) or re.search(r"QTIv2\.", schema))
    versions = _content_versions(context)
    if "3.0" in versions:
        yield Finding("the package holds QTI 3.0; Canvas Classic Quizzes read QTI 1.2 and "
                      "2.x only, so its 1.2 converter will fail", context.at(root),
                      "export QTI 2.1 or QTI 1.2 for Canvas")
    elif "2.x" in versions and not reads_2x:
        yield Finding("the package holds QTI 2.x items but the manifest declares no QTI 2.x "
                      "namespace or schema: Canvas will run its QTI 1.2 converter on them",
                      context.at(root))
    elif versions == {"1.2"} and reads_2x:
        yield Finding("the manifest declares QTI 2.x but the package holds QTI 1.2: Canvas "
                      "will read it as 2.x and find no items", context.at(root))


# ---------------------------------------------------------------------------------------------
# Blackboard: the question types its QTI import keeps


_CANVAS_TO_BLACKBOARD = {
    "true_false_question": "true/false", "multiple_choice_question": "multiple choice",
    "multiple_answers_question": "multiple answer",
    "short_answer_question": "fill in the blank (one blank)", "essay_question": "essay",
}


def _qti12_item_type(item: etree._Element, fields: Metadata) -> str:
    if "question_type" in fields:
        value = fields["question_type"][0]
        return _CANVAS_TO_BLACKBOARD.get(value, value.replace("_question", "").replace("_", " "))
    lids = [e for e in item.iter() if local(e) == "response_lid"]
    strs = [e for e in item.iter() if local(e) == "response_str"]
    nums = [e for e in item.iter() if local(e) == "response_num"]
    others = [e for e in item.iter() if local(e) in ("response_xy", "response_grp")]
    if others or nums or (lids and strs):
        return "composite or graphic"
    if len(lids) == 1:
        cardinality = lids[0].get("rcardinality", "Single")
        labels = [e for e in lids[0].iter() if local(e) == "response_label"]
        if cardinality == "Multiple":
            return "multiple answer"
        if cardinality == "Ordered":
            return "ordering"
        return "true/false" if len(labels) == 2 else "multiple choice"
    if len(lids) > 1:
        return "matching"
    if len(strs) == 1:
        fib = next((e for e in strs[0].iter() if local(e) == "render_fib"), None)
        if fib is not None and fib.get("fibtype") in ("Decimal", "Integer"):
            return "numeric"
        rows = fib.get("rows") if fib is not None else None
        return "essay" if rows and rows.isdigit() and int(rows) > 1 else \
            "fill in the blank (one blank)"
    if len(strs) > 1:
        return "fill in multiple blanks"
    return "text only"


def _qti2_item_type(root: etree._Element) -> str:
    interactions = [e for e in root.iter() if local(e).lower().replace("-", "")
                    .endswith("interaction")]
    names = [local(e).lower().replace("-", "").removeprefix("qti") for e in interactions]
    if not names:
        return "text only"
    if len(set(names)) > 1:
        return "composite"
    name = names[0]
    if name == "choiceinteraction" and len(names) == 1:
        maximum = interactions[0].get("maxChoices", interactions[0].get("max-choices", "1"))
        if maximum != "1":
            return "multiple answer"
        choices = [e for e in interactions[0] if "choice" in local(e).lower()]
        return "true/false" if len(choices) == 2 else "multiple choice"
    if name == "textentryinteraction":
        if len(names) > 1:
            return "fill in multiple blanks"
        response = interactions[0].get("responseIdentifier",
                                       interactions[0].get("response-identifier"))
        declaration = next((e for e in root.iter() if "responsedeclaration" in
                            local(e).lower().replace("-", "") and
                            e.get("identifier") == response), None)
        base = declaration.get("baseType", declaration.get("base-type", "")) \
            if declaration is not None else ""
        return "numeric" if base in ("float", "integer") else "fill in the blank (one blank)"
    if name == "extendedtextinteraction" and len(names) == 1:
        return "essay"
    return name.removesuffix("interaction")


@rule("blackboard-question-type", WARNING, "Blackboard's QTI import drops this question "
      "type", kinds=QTI, lms={"blackboard"}, source="lms-rules 3.4 (help.blackboard.com)",
      hint="Blackboard keeps only true/false, multiple choice, multiple answer, single-blank "
           "fill in the blank and essay questions: rewrite the question as one of those or "
           "add it in Blackboard")
def check_blackboard_types(context: Context) -> Iterator[Finding]:
    if context.kind.key == "qti12":
        for name, item, fields in qti12_items(context):
            kind = _qti12_item_type(item, fields)
            if kind not in BLACKBOARD_TYPES:
                yield Finding(f"item '{item.get('ident')}' is a {kind} question",
                              Location(name, item.sourceline))
        return
    for ident, resource in context.resources.items():
        if "_item_" not in resource.get("type", ""):
            continue
        member = context.resource_file(resource)
        root = context.xml(member) if member else None
        if not member or root is None:
            continue
        kind = _qti2_item_type(root)
        if kind not in BLACKBOARD_TYPES:
            yield Finding(f"item '{root.get('identifier', ident)}' is a {kind} question",
                          Location(member, root.sourceline))


@rule("blackboard-qti12", WARNING, "a QTI 1.2 package not exported by Blackboard imports "
      "into Blackboard with no questions", kinds={"qti12"}, lms={"blackboard"},
      source="lms-rules 3.4 (gpoore/text2qti#60)",
      hint="build the qti21 target for Blackboard, or wrap the test in a Common Cartridge")
def check_blackboard_qti12(context: Context) -> Iterator[Finding]:
    yield Finding("Blackboard reports the import of QTI 1.2 from other tools as complete "
                  "but creates no questions", Location(context.manifest_name))


# ---------------------------------------------------------------------------------------------
# Items no response can get right, correct responses that name no choice, responses no
# interaction uses. QTI 2.1 section 5 (responseDeclaration, correctResponse, mapping, the
# match_correct and map_response templates) and QTI 1.2 ASI section 3 (response_lid,
# response_label, respcondition, setvar); QTI 3.0 names the same things in kebab case.

QTI2_KINDS = frozenset({"qti21", "qti30"})
QTI12_KINDS = frozenset({"qti12"}) | CC
# Interaction -> the elements whose identifiers its identifier, pair and directedPair
# responses name (QTI 2.1 section 3.2, the "choice" classes of each interaction).
_CHOICES = {
    "choiceinteraction": {"simplechoice"}, "orderinteraction": {"simplechoice"},
    "hottextinteraction": {"hottext"}, "inlinechoiceinteraction": {"inlinechoice"},
    "hotspotinteraction": {"hotspotchoice"}, "graphicorderinteraction": {"hotspotchoice"},
    "associateinteraction": {"simpleassociablechoice"},
    "matchinteraction": {"simpleassociablechoice"},
    "gapmatchinteraction": {"gaptext", "gapimg", "gap"},
    "graphicassociateinteraction": {"associablehotspot"},
    "graphicgapmatchinteraction": {"gapimg", "associablehotspot"},
}
# Interaction -> the attribute that caps how many values a candidate can give (0: no cap).
_CAP = {"choiceinteraction": "maxChoices", "hottextinteraction": "maxChoices",
        "hotspotinteraction": "maxChoices", "matchinteraction": "maxAssociations",
        "associateinteraction": "maxAssociations",
        "graphicassociateinteraction": "maxAssociations"}
_IDENTIFIER_TYPES = {"identifier", "pair", "directedpair"}
# QTI 1.2 questions graded by a person or not graded: nothing to get right.
_UNGRADED_TYPES = {"essay_question", "text_only_question", "file_upload_question",
                   "cc.essay.v0p1"}


def _name(element: object) -> str:
    """Local name without QTI 3's prefix and dashes, in lower case: 'choiceinteraction'."""
    return local(element).replace("-", "").lower().removeprefix("qti")


def _get(element: etree._Element, name: str) -> str | None:
    """Attribute *name* in QTI 2's camel case or QTI 3's kebab case."""
    kebab = re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), name)
    value = element.get(name)
    return value if value is not None else element.get(kebab)


def _number(text: str | None) -> float | None:
    try:
        return float((text or "").strip())
    except ValueError:
        return None


def _values(element: etree._Element | None) -> list[str]:
    if element is None:
        return []
    return [(v.text or "").strip() for v in element if _name(v) == "value"]


@dataclass
class _Problem:
    code: str
    message: str
    element: etree._Element


def _qti2_problems(root: etree._Element) -> list[_Problem]:
    """What the three rules find in one QTI 2.1 or 3.0 item."""
    problems: list[_Problem] = []
    item = root.get("identifier", "?")
    interactions = [e for e in root.iter() if _name(e).endswith("interaction")]
    processing = next((e for e in root if _name(e) == "responseprocessing"), None)
    template = (_get(processing, "template") or "") if processing is not None else ""
    declarations = [e for e in root if _name(e) == "responsedeclaration"]
    for declaration in declarations:
        ident = declaration.get("identifier", "")
        bound = [i for i in interactions if _get(i, "responseIdentifier") == ident]
        if not bound:
            problems.append(_Problem("qti-response-unused", f"item '{item}' declares "
                                     f"response '{ident}', which no interaction uses",
                                     declaration))
            continue
        correct_element = next((e for e in declaration if _name(e) == "correctresponse"), None)
        correct = _values(correct_element)
        mapping = next((e for e in declaration if _name(e) == "mapping"), None)
        entries = [] if mapping is None else [
            (_get(e, "mapKey") or "", _number(_get(e, "mappedValue")) or 0.0, e)
            for e in mapping if _name(e) == "mapentry"]
        cardinality = declaration.get("cardinality", "")
        base = (_get(declaration, "baseType") or "").lower()
        kinds = {_name(i) for i in bound}
        choices = {e.get("identifier") for i in bound for e in i.iter()
                   if _name(e) in _CHOICES.get(_name(i), ())}
        unknown_found = False
        if base in _IDENTIFIER_TYPES and kinds <= set(_CHOICES):
            named = [(value, correct_element, "its correct response") for value in correct]
            named += [(key, entry, "its mapping, which gives it points")
                      for key, points, entry in entries if points > 0]
            for value, element, where in named:
                unknown = [part for part in value.split() if part not in choices]
                if unknown and element is not None:
                    unknown_found = True
                    problems.append(_Problem(
                        "qti-correct-unknown-choice", f"item '{item}', response '{ident}': "
                        f"{where} names '{' '.join(unknown)}', which is no choice of its "
                        "interaction", element))
        if unknown_found:
            continue
        cap = max((int(_get(i, _CAP[_name(i)]) or 0) for i in bound if _name(i) in _CAP
                   and (_get(i, _CAP[_name(i)]) or "0").isdigit()), default=0)
        reason = None
        if cardinality == "single" and len(correct) > 1:
            reason = f"its single-cardinality response '{ident}' has {len(correct)} correct " \
                     "values, and a candidate gives one"
        elif cardinality in ("multiple", "ordered") and cap and len(correct) > cap \
                and all(_name(i) in _CAP for i in bound):
            reason = f"its correct response '{ident}' has {len(correct)} values, but the " \
                     f"interaction accepts at most {cap}"
        elif ident == "RESPONSE" and template.endswith("match_correct") and not correct:
            reason = "it uses the match_correct template but declares no correct response"
        elif ident == "RESPONSE" and template.endswith("map_response") and not any(
                points > 0 for _, points, _ in entries) and (
                mapping is None or (_number(_get(mapping, "defaultValue")) or 0) <= 0):
            reason = "it uses the map_response template but its mapping gives no points"
        if reason:
            problems.append(_Problem("qti-unanswerable", f"item '{item}': no response can "
                                     f"get it right: {reason}", declaration))
    if template.endswith(("match_correct", "map_response")) and not any(
            d.get("identifier") == "RESPONSE" for d in declarations):
        problems.append(_Problem("qti-unanswerable", f"item '{item}': no response can get it "
                                 "right: its response processing template scores the "
                                 "response RESPONSE, which it does not declare",
                                 processing if processing is not None else root))
    return problems


def _qti12_problems(item: etree._Element, fields: dict[str, tuple[str, etree._Element]]
                    ) -> list[_Problem]:
    """What the rules find in one QTI 1.2 item (QTI package or cartridge)."""
    problems: list[_Problem] = []
    ident = item.get("ident", "?")
    # lxml's "{*}name" matches the local name in any namespace or none, in C: a build
    # checks every item of the package (2000 at the benchmark's L size).
    lids = {e.get("ident", ""): {label.get("ident") for label in e.iter("{*}response_label")}
            for e in item.iter("{*}response_lid")}
    others = {e.get("ident", "") for e in item.iter(
        "{*}response_str", "{*}response_num", "{*}response_xy", "{*}response_grp")}
    possible_points = False
    any_points = False
    for condition in item.iter("{*}respcondition"):
        points = any((_number(s.text) or 0) > 0 and s.get("action", "Set") in ("Set", "Add")
                     for s in condition.iter("{*}setvar"))
        varequals = list(condition.iter("{*}varequal"))
        tests = [t for t in varequals if next(t.iterancestors("{*}not"), None) is None]
        impossible = False
        for test in varequals:
            response, value = str(test.get("respident") or ""), (test.text or "").strip()
            if response in lids and value not in lids[response]:
                problems.append(_Problem(
                    "qti-correct-unknown-choice", f"item '{ident}' tests response "
                    f"'{response}' for '{value}', which is no response_label of it", test))
                impossible = impossible or test in tests
            elif response not in lids and response not in others:
                problems.append(_Problem(
                    "qti-correct-unknown-choice", f"item '{ident}' tests response "
                    f"'{response}', which the item does not have", test))
                impossible = impossible or test in tests
        any_points = any_points or points
        possible_points = possible_points or (points and not impossible)
    question_type = fields.get("question_type", fields.get("cc_profile", ("", None)))[0]
    ungraded = question_type in _UNGRADED_TYPES or fields.get(
        "points_possible", ("1", None))[0] in ("0", "0.0")
    if lids and not ungraded and not possible_points:
        if any_points:
            message = "every condition that gives points tests a choice that does not exist"
        else:
            message = "no condition of its resprocessing gives points (setvar with a " \
                      "positive value)"
        problems.append(_Problem("qti-unanswerable", f"item '{ident}': no response can get "
                                 f"it right: {message}", item))
    return problems


def _qti_problems(context: Context) -> list[tuple[str, _Problem]]:
    """(member, problem) of every QTI item of the package, computed once for the three
    rules."""
    cached = context.cache.get("qti_problems")
    if isinstance(cached, list):
        return cached
    found: list[tuple[str, _Problem]] = []
    if context.kind.key in QTI12_KINDS:
        for name, item, fields in qti12_items(context):
            found += [(name, p) for p in _qti12_problems(item, fields)]
    else:
        for resource in context.resources.values():
            if "_item_" not in resource.get("type", ""):
                continue
            member = context.resource_file(resource)
            root = context.xml(member) if member else None
            if member and root is not None and _name(root) == "assessmentitem":
                found += [(member, p) for p in _qti2_problems(root)]
    context.cache["qti_problems"] = found
    return found


def _findings(context: Context, code: str) -> Iterator[Finding]:
    for name, problem in _qti_problems(context):
        if problem.code == code:
            yield Finding(problem.message, Location(name, problem.element.sourceline))


@rule("qti-correct-unknown-choice", ERROR, "a QTI item's correct response (or a condition or "
      "mapping that gives points) names a choice or response the item does not have",
      kinds=QTI2_KINDS | QTI12_KINDS,
      source="QTI 2.1 section 5.1 (correctResponse values are the interaction's choice "
             "identifiers), QTI 1.2 ASI section 3.8 (varequal respident and value)",
      hint="name the identifier of one of the interaction's choices (simpleChoice, "
           "response_label...): LMS importers drop the answer or mark nothing correct")
def check_unknown_choice(context: Context) -> Iterator[Finding]:
    yield from _findings(context, "qti-correct-unknown-choice")


@rule("qti-unanswerable", ERROR, "no response can get a QTI item right (no correct response "
      "for its template, more correct values than a candidate can give, no condition that "
      "gives points)", kinds=QTI2_KINDS | QTI12_KINDS,
      source="QTI 2.1 section 5 and the match_correct / map_response templates; QTI 1.2 "
             "ASI section 3.8 (setvar)",
      hint="declare the correct response the item's response processing compares with, "
           "within what the interaction lets a candidate give (maxChoices, cardinality); "
           "learners otherwise get 0 whatever they answer")
def check_unanswerable(context: Context) -> Iterator[Finding]:
    yield from _findings(context, "qti-unanswerable")


@rule("qti-response-unused", WARNING, "a QTI item declares a response no interaction uses",
      kinds=QTI2_KINDS, source="QTI 2.1 section 5.1 (each interaction binds one declared "
      "response by responseIdentifier)",
      hint="bind it to an interaction (responseIdentifier) or remove the declaration: "
           "delivery engines leave it NULL, so anything scored on it is lost")
def check_response_unused(context: Context) -> Iterator[Finding]:
    yield from _findings(context, "qti-response-unused")
