"""QTI package rules: item documents, Canvas metadata (lms-rules.md 3.3), Blackboard (3.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

from lxml import etree

from scormkit.errors import Location
from scormkit.validation.detect import CC_NAMESPACES
from scormkit.validation.rules import ERROR, QTI, WARNING, Context, Finding, local, rule

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
