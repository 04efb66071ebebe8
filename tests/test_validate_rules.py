"""Every rule of `scormkit validate`, each with a package that breaks it (and the clean
package it was made from, which the rule leaves alone)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from scormkit.report import profiles_markdown, rules_markdown
from scormkit.validation.rules import registry
from scormkit.writers import WRITERS

from .hostile.make_corpus import CORPUS
from .validate_helpers import check, codes, edit, packages  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parent.parent
M = "imsmanifest.xml"
ITEM = "items/job-title.xml"
CHOICE_ITEM = "items/entry-route.xml"
Q12 = "tpm-skills-quiz/tpm-skills-quiz.xml"
META = "tpm-skills-quiz/assessment_meta.xml"
LONG = "x" * 1200
QTI12_CC_PROFILE = b"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="A" title="Quiz"><section ident="S">
    <item ident="I1" title="Q"><itemmetadata><qtimetadata><qtimetadatafield>
      <fieldlabel>cc_profile</fieldlabel><fieldentry>cc.bogus.v0p1</fieldentry>
    </qtimetadatafield></qtimetadata></itemmetadata></item>
  </section></assessment>
</questestinterop>"""


def _prefixed_cp(files: dict[str, bytes]) -> dict[str, bytes]:
    edit(files, M, 'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
         'xmlns:cp="http://www.imsproject.org/xsd/imscp_rootv1p1p2"')
    return edit(files, M, r"<(/?)(?!imsmd:|adlcp:|\?|!)([A-Za-z]+)", r"<\1cp:\2", count=0,
                regex=True)


def _no_status_words(files: dict[str, bytes]) -> dict[str, bytes]:
    for name in files:
        files[name] = re.sub(rb"lesson_status|completion_status|progress_measure", b"x",
                             files[name])
    return files


def _cc_with_qti(files: dict[str, bytes]) -> dict[str, bytes]:
    files["quiz/quiz.xml"] = QTI12_CC_PROFILE
    return edit(files, M, "</resources>", '<resource identifier="QUIZ" type="imsqti_xmlv1p2/'
                'imscc_xmlv1p1/assessment"><file href="quiz/quiz.xml"/></resource></resources>')


Edit = Callable[[dict[str, bytes]], dict[str, bytes]]


def same(files: dict[str, bytes]) -> dict[str, bytes]:
    """No edit: the profile alone flags the clean package."""
    return files


# code -> (base package, edit, --lms)
CASES: dict[str, tuple[str, Edit, str | None]] = {
    # kind detection and XML documents
    "manifest-missing": ("scorm12", lambda f: (f.pop(M), f)[1], None),
    "xml-malformed": ("qti21", lambda f: edit(f, "items/job-title.xml", "</assessmentItem>",
                                              ""), None),
    "xml-external-dtd": ("qti21", lambda f: edit(f, ITEM, "<assessmentItem", '<!DOCTYPE '
                                                 'assessmentItem SYSTEM "qti.dtd"><assessmentItem'),
                         None),
    "xml-remote-dtd": ("qti21", lambda f: edit(f, ITEM, "<assessmentItem", '<!DOCTYPE '
                                               'assessmentItem SYSTEM "http://example.org/q.dtd">'
                                               "<assessmentItem"), None),
    "manifest-doctype": ("scorm12", lambda f: edit(f, M, "<manifest", '<!DOCTYPE manifest SYSTEM '
                                                   '"imscp.dtd"><manifest'), None),
    "xml-internal-dtd": ("qti21", lambda f: edit(f, ITEM, "<assessmentItem", '<!DOCTYPE '
                                                 'assessmentItem [<!ATTLIST assessmentItem '
                                                 'adaptive CDATA "true">]><assessmentItem'), None),
    "xml-encoding": ("scorm12", lambda f: edit(f, M, 'encoding="UTF-8"',
                                               'encoding="windows-1252"'), None),
    "xsd-invalid": ("scorm12", lambda f: edit(f, M, "<title>", "<bogus/><title>"), None),
    "xsd-unknown-root": ("scorm12", lambda f: edit(
        f, M, 'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
        'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"'), None),
    "xsd-not-available": ("cc11", lambda f: edit(f, M, "ccv1p1", "ccv1p2", count=-1), None),
    # content packaging (shared with build)
    "id-invalid": ("scorm12", lambda f: edit(f, M, 'identifier="ITEM-tpm-skills"',
                                             'identifier="1item"'), None),
    "id-duplicate": ("scorm12", lambda f: edit(f, M, 'identifier="ITEM-tpm-skills"',
                                               'identifier="ORG-tpm-skills"'), None),
    "default-org-missing": ("scorm12", lambda f: edit(f, M, 'default="ORG-tpm-skills"',
                                                      'default="NOPE"'), None),
    "identifierref-missing": ("scorm12", lambda f: edit(f, M, 'identifierref="RES-tpm-skills"',
                                                        'identifierref="NOPE"'), None),
    "href-outside": ("scorm12", lambda f: edit(f, M, 'href="index.html">',
                                               'href="../index.html">'), None),
    "href-missing": ("scorm12", lambda f: edit(f, M, 'href="index.html">',
                                               'href="start.html">'), None),
    "file-missing": ("scorm12", lambda f: edit(f, M, '<file href="index.html"/>',
                                               '<file href="index.html"/><file href="x.js"/>'),
                     None),
    "file-unlisted": ("scorm12", lambda f: {**f, "extra.js": b""}, None),
    # every manifest
    "manifest-root-invalid": ("scorm12", lambda f: {**f, M: packages_cmi5_text()}, None),
    "href-query": ("scorm12", lambda f: edit(f, M, 'href="index.html">',
                                             'href="index.html?x=1">'), None),
    # SCORM
    "schemaversion-invalid": ("scorm12", lambda f: edit(f, M, "<schemaversion>1.2<",
                                                        "<schemaversion>1.3<"), None),
    "schema-invalid": ("scorm12", lambda f: edit(f, M, "<schema>ADL SCORM<",
                                                 "<schema>SCORM<"), None),
    "cp-namespace-not-default": ("scorm12", _prefixed_cp, None),
    "prefix-not-literal": ("scorm12", lambda f: edit(edit(
        f, M, "adlcp:", "scorm:", count=-1), M, "xmlns:adlcp=", "xmlns:scorm="), None),
    "scormtype-missing": ("scorm12", lambda f: edit(f, M, ' adlcp:scormtype="sco"', ""), None),
    "scormtype-invalid": ("scorm12", lambda f: edit(f, M, 'adlcp:scormtype="sco"',
                                                    'adlcp:scormtype="SCO"'), None),
    "sco-no-href": ("scorm12", lambda f: edit(f, M, ' href="index.html">', ">"), None),
    "schema-file-missing": ("scorm12", lambda f: (f.pop("adlcp_rootv1p2.xsd"), f)[1], None),
    "schema-set-incomplete": ("scorm12", lambda f: (f.pop("ims_xml.xsd"), f)[1], None),
    "version-mixed": ("scorm2004", lambda f: edit(f, M, "<title>Lesson</title>",
                                                  '<title>Lesson</title><adlcp:masteryscore '
                                                  'xmlns:adlcp="http://www.adlnet.org/xsd/'
                                                  'adlcp_rootv1p2">80</adlcp:masteryscore>'),
                      None),
    "launch-not-sco": ("scorm12", lambda f: edit(f, M, 'adlcp:scormtype="sco"',
                                                 'adlcp:scormtype="asset"'), None),
    "parameters-invalid": ("scorm12", lambda f: edit(f, M, 'isvisible="true"',
                                                     'isvisible="true" parameters="a=1"'), None),
    "item-nonleaf-resource": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", '<title>Lesson</title><item identifier="SUB" '
        'identifierref="RES"><title>Part</title></item>'), None),
    "metadata-location-missing": ("scorm12", lambda f: edit(
        f, M, "<schemaversion>1.2</schemaversion>",
        "<schemaversion>1.2</schemaversion><adlcp:location>media</adlcp:location>"), None),
    "lom-description-too-long": ("scorm12", lambda f: edit(
        f, M, r'(<imsmd:description>\s*<imsmd:langstring xml:lang="en">)[^<]*',
        rf"\g<1>{LONG}", regex=True), None),
    "title-too-long": ("scorm12", lambda f: edit(f, M, '<title>Discover',
                                                 f"<title>{'Long ' * 60}Discover"), None),
    "organizations-empty": ("scorm12", lambda f: edit(
        f, M, r"<organizations .*</organizations>", "<organizations/>", regex=True), None),
    "status-never-set": ("scorm12", _no_status_words, None),
    "masteryscore-invalid": ("scorm12", lambda f: edit(f, M, "<adlcp:masteryscore>80<",
                                                       "<adlcp:masteryscore>80%<"), None),
    "masteryscore-scaled": ("scorm12", lambda f: edit(f, M, "<adlcp:masteryscore>80<",
                                                      "<adlcp:masteryscore>0.8<"), None),
    "maxtimeallowed-invalid": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>", "<adlcp:maxtimeallowed>half an hour"
        "</adlcp:maxtimeallowed><adlcp:masteryscore>"), None),
    "timelimitaction-without-limit": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>", "<adlcp:timelimitaction>exit,message"
        "</adlcp:timelimitaction><adlcp:masteryscore>"), None),
    "sco-data-ignored": ("scorm12", lambda f: edit(f, M, 'adlcp:scormtype="sco"',
                                                   'adlcp:scormtype="asset"'), None),
    "passing-measure-default": ("built-scorm2004", lambda f: edit(
        f, M, "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>", ""), None),
    "passing-measure-ignored": ("built-scorm2004", lambda f: edit(
        f, M, ' satisfiedByMeasure="true"', ""), None),
    "completion-threshold-ignored": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", '<title>Lesson</title><adlcp:completionThreshold '
        'minProgressMeasure="0.8"/>'), None),
    "datafromlms-too-long": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", f"<title>Lesson</title><adlcp:dataFromLMS>{'x' * 4001}"
        "</adlcp:dataFromLMS>"), None),
    # Common Cartridge
    "cc-sniff-failed": ("cc11", lambda f: edit(f, M, "<manifest", f"<!-- {'x' * 600} -->\n"
                                               "<manifest"), None),
    "cc-resource-type": ("cc11", lambda f: edit(f, M, 'type="webcontent"',
                                                'type="imsdt_xmlv1p0"'), None),
    "cc-qti-profile": ("cc11", _cc_with_qti, None),
    # QTI
    "qti-item-root": ("qti21", lambda f: edit(f, M, 'type="imsqti_item_xmlv2p1"',
                                              'type="imsqti_test_xmlv2p1"'), None),
    "qti-correct-unknown-choice": ("qti21", lambda f: edit(
        f, CHOICE_ITEM, "<value>a</value>", "<value>z</value>"), None),
    "qti-unanswerable": ("qti21", lambda f: edit(
        f, CHOICE_ITEM, "<value>a</value>", "<value>a</value><value>b</value>"), None),
    "qti-response-unused": ("qti21", lambda f: edit(
        f, CHOICE_ITEM, "<outcomeDeclaration", '<responseDeclaration identifier="EXTRA" '
        'cardinality="single" baseType="identifier"/><outcomeDeclaration'), None),
    "cc-namespace-borrowed": ("qti12", lambda f: edit(
        f, M, 'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"',
        'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"'), None),
    "canvas-question-type": ("qti12", lambda f: edit(f, Q12, "multiple_answers_question",
                                                     "multiple_guesses_question"), None),
    "canvas-points-invalid": ("qti12", lambda f: edit(
        f, Q12, r"(<fieldlabel>points_possible</fieldlabel>\s*<fieldentry>)1<", r"\1one<",
        regex=True), None),
    "canvas-points-missing": ("qti12", lambda f: edit(
        f, Q12, r"<qtimetadatafield>\s*<fieldlabel>points_possible</fieldlabel>.*?"
        r"</qtimetadatafield>", "", regex=True), None),
    "canvas-meta-missing": ("qti12", lambda f: edit(
        f, M, '<dependency identifierref="tpm-skills-quiz-meta"/>', ""), None),
    "canvas-meta-invalid": ("qti12", lambda f: edit(f, META, "<quiz_type>assignment<",
                                                    "<quiz_type>exam<"), None),
    "canvas-qti-version": ("qti21", lambda f: edit(edit(
        f, M, "<schema>QTIv2.1 Package</schema>", "<schema>IMS Content</schema>"),
        M, r'\s+xsi:schemaLocation="[^"]*"', "", regex=True), "canvas"),
    "blackboard-question-type": ("qti21", same, "blackboard"),
    "blackboard-qti12": ("qti12", same, "blackboard"),
    # cmi5
    "cmi5-root-invalid": ("cmi5", lambda f: edit(
        f, "cmi5.xml", ' xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"',
        ""), None),
    "cmi5-au-url-missing": ("cmi5", lambda f: edit(f, "cmi5.xml", "au/index.html",
                                                   "au/start.html"), None),
    "cmi5-au-url-outside": ("cmi5", lambda f: edit(f, "cmi5.xml", "au/index.html",
                                                   "../au/index.html"), None),
    "cmi5-au-url-absolute": ("cmi5", lambda f: edit(f, "cmi5.xml", "au/index.html",
                                                    "https://example.org/au/index.html"),
                             None),
    "cmi5-moveon-invalid": ("cmi5", lambda f: edit(f, "cmi5.xml", 'moveOn="Completed"',
                                                   'moveOn="Finished"'), None),
    "cmi5-masteryscore-invalid": ("cmi5", lambda f: edit(f, "cmi5.xml", 'masteryScore="0.8"',
                                                         'masteryScore="80"'), None),
    "cmi5-id-duplicate": ("cmi5", lambda f: edit(f, "cmi5.xml", "https://example.org/au1",
                                                 "https://example.org/course"), None),
    # Moodle XML
    "moodlexml-invalid": ("moodlexml", lambda f: edit(edit(
        f, "questions.xml", "<quiz>", "<quizzes>"), "questions.xml", "</quiz>", "</quizzes>"),
        None),
    "moodlexml-question-type": ("moodlexml", lambda f: edit(
        f, "questions.xml", 'type="truefalse"', 'type="yesno"'), None),
    # LMS profiles
    "moodle-schemaversion": ("scorm2004", lambda f: edit(
        f, M, "<schemaversion>2004 4th Edition<", "<schemaversion> 2004 4th Edition<"),
        "moodle"),
    "moodle-cc-version": ("cc13", same, "moodle"),
    "moodle-cc-protected": ("cc11", lambda f: edit(
        f, M, "</resources>", '</resources><auth:authorizations xmlns:auth="http://www.'
        'imsglobal.org/xsd/imsccv1p1/imsccauth_v1p1" access="cartridge" import="true">'
        "<auth:authorization><auth:webservice>https://example.org</auth:webservice>"
        "</auth:authorization></auth:authorizations>"), "moodle"),
    "moodle-sequencing-ignored": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", "<title>Lesson</title><imsss:sequencing>"
        "<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions>"
        '<imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions>'
        '<imsss:ruleAction action="skip"/></imsss:preConditionRule></imsss:sequencingRules>'
        "</imsss:sequencing>"), "moodle"),
    "moodle-qti-unsupported": ("qti21", same, "moodle"),
    "moodle-cmi5-plugin": ("cmi5", same, "moodle"),
    "openedx-launch": ("scorm12", lambda f: edit(
        f, M, "<resources>", '<resources><resource identifier="RES-FIGURE" type="webcontent" '
        'adlcp:scormtype="asset" href="media/teacher-coach-drill-sergeant.svg"><file '
        'href="media/teacher-coach-drill-sergeant.svg"/></resource>'), "openedx"),
    "openedx-version": ("scorm12", lambda f: edit(f, M, "<schemaversion>1.2<",
                                                  "<schemaversion>1.2 <"), "openedx"),
}
# Found by the hostile corpus (tests/test_validate.py) and the runtime check
# (tests/test_validate_runtime.py).
ELSEWHERE = {code for _, code in CORPUS.values()} | {
    "runtime-no-initialize", "runtime-no-status", "runtime-no-finish", "runtime-api-error",
    "runtime-network", "runtime-skipped", "runtime-hang", "runtime-dialog",
    "runtime-top-navigation", "runtime-script-error", "runtime-crash",
    "runtime-time-limit"} | {
    # tests/test_validate_hostile.py: folders with special files, failures of scormkit
    "zip-special-file", "internal-error"}


def packages_cmi5_text() -> bytes:
    from .validate_helpers import CMI5

    return CMI5.encode()


def test_every_rule_has_a_breaking_package():
    assert set(registry()) - set(CASES) - ELSEWHERE == set()


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_catches_its_defect(packages, code):  # noqa: F811 - fixture
    base, change, lms = CASES[code]
    clean_with = None if change is same else lms
    assert code not in codes(packages.get(base), clean_with), f"{base} is not clean of {code}"
    report = check(change(packages.get(base)), lms)
    found = [d for d in report.diagnostics if d.code == code]
    assert found, [d.render() for d in report.diagnostics]
    rule = registry()[code]
    assert all(d.hint for d in found), "every diagnostic says what to do"
    if lms is None:
        assert {d.severity for d in found} == {rule.severity}


@pytest.mark.parametrize("base", ["scorm12", "scorm12-per-lesson", "qti12", "qti21", "qti30",
                                  "moodlexml", "scorm2004", "cc11", "cc13", "cmi5"])
@pytest.mark.parametrize("lms", [None, "moodle", "canvas", "blackboard", "scormcloud",
                                 "openedx"])
def test_clean_packages_stay_clean(packages, base, lms):  # noqa: F811 - fixture
    """Every package `build` produces (and the hand-made references) validates without a
    diagnostic by default; profiles add only what that LMS really rejects."""
    expected = {
        ("qti21", "moodle"): ["moodle-qti-unsupported"],
        ("qti30", "moodle"): ["moodle-qti-unsupported"],
        ("qti12", "moodle"): ["moodle-qti-unsupported"],
        ("cc13", "moodle"): ["moodle-cc-version"],
        ("cmi5", "moodle"): ["moodle-cmi5-plugin"],
        ("qti30", "canvas"): ["canvas-qti-version"],
        ("qti12", "blackboard"): "blackboard",
        ("qti21", "blackboard"): "blackboard",
        ("qti30", "blackboard"): "blackboard",
    }.get((base, lms), [])
    found = codes(packages.get(base), lms)
    if expected == "blackboard":  # the example quiz has matching, ordering, numeric...
        assert set(found) <= {"blackboard-question-type", "blackboard-qti12"} and found
    else:
        assert found == expected


@pytest.mark.parametrize("target", [*sorted(WRITERS), "scorm12-per-lesson"])
def test_every_build_target_validates_clean(packages, target):  # noqa: F811 - fixture
    """`scormkit build` output passes `scormkit validate --strict` (no warning either)."""
    name = target if target in ("scorm12-per-lesson",) else f"built-{target}"
    report = check(packages.get(name))
    assert report.diagnostics == [], [d.render() for d in report.diagnostics]


def test_docs_list_every_rule():
    """docs/validate-report.md embeds the generated rule table and profile list; regenerate
    with SCORMKIT_UPDATE_DOCS=1."""
    path = ROOT / "docs" / "validate-report.md"
    text = path.read_text()
    for marker, generated in (("rules", rules_markdown()), ("profiles", profiles_markdown())):
        begin, end = f"<!-- {marker}:begin -->\n", f"<!-- {marker}:end -->"
        before, rest = text.split(begin, 1)
        current, after = rest.split(end, 1)
        if os.environ.get("SCORMKIT_UPDATE_DOCS") == "1":
            text = before + begin + generated + "\n" + end + after
            path.write_text(text)
        else:
            assert current == generated + "\n", "docs are stale: SCORMKIT_UPDATE_DOCS=1"
    for code in registry():
        assert f"`{code}`" in text


# ---------------------------------------------------------------------------------------------
# The rules issue 12 added, each variant with the message it gives (and what they leave
# alone). QTI 1.2 items are Canvas-flavoured (qti12) or in a cartridge (cc11); QTI 2.1 and
# 3.0 items spell the same things in two cases.

Q12_ITEMS = "tpm-skills-quiz/tpm-skills-quiz.xml"
CC_ITEMS = "tpm-skills-quiz/assessment.xml"
SEMANTIC: dict[str, tuple[str, Edit, str, str]] = {
    # name -> (base package, edit, code, message fragment)
    "masteryscore over 100": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>80<", "<adlcp:masteryscore>150<"), "masteryscore-invalid",
        "has adlcp:masteryscore '150'"),
    "masteryscore not a number": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>80<", "<adlcp:masteryscore>80%<"), "masteryscore-invalid",
        "has adlcp:masteryscore '80%'"),
    "masteryscore scaled": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>80<", "<adlcp:masteryscore>0.8<"), "masteryscore-scaled",
        "has adlcp:masteryscore '0.8'"),
    "maxtimeallowed in words": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>", "<adlcp:maxtimeallowed>half an hour"
        "</adlcp:maxtimeallowed><adlcp:masteryscore>"), "maxtimeallowed-invalid",
        "has adlcp:maxtimeallowed 'half an hour'"),
    "timelimitaction alone (1.2)": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>", "<adlcp:timelimitaction>exit,message"
        "</adlcp:timelimitaction><adlcp:masteryscore>"), "timelimitaction-without-limit",
        "has a time limit action 'exit,message' but no time limit"),
    "timeLimitAction alone (2004)": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", "<title>Lesson</title><adlcp:timeLimitAction>"
        "continue,no message</adlcp:timeLimitAction>"), "timelimitaction-without-limit",
        "has a time limit action 'continue,no message' but no time limit"),
    "masteryscore on an asset": ("scorm12", lambda f: edit(
        f, M, 'adlcp:scormtype="sco"', 'adlcp:scormtype="asset"'), "sco-data-ignored",
        "launches an asset, so its adlcp:masteryscore is ignored"),
    "minNormalizedMeasure left out": ("built-scorm2004", lambda f: edit(
        f, M, "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>", ""),
        "passing-measure-default", "is satisfied by measure with the default "
        "minNormalizedMeasure 1.0"),
    "satisfiedByMeasure left out": ("built-scorm2004", lambda f: edit(
        f, M, ' satisfiedByMeasure="true"', ""), "passing-measure-ignored",
        "has minNormalizedMeasure 0.8 without satisfiedByMeasure=\"true\""),
    "3rd Edition threshold in a 4th Edition package": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", "<title>Lesson</title><adlcp:completionThreshold>0.8"
        "</adlcp:completionThreshold>"), "completion-threshold-ignored",
        "has a completion threshold ('0.8') without completedByMeasure=\"true\""),
    "launch data over 4000 characters": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", f"<title>Lesson</title><adlcp:dataFromLMS>{'x' * 4001}"
        "</adlcp:dataFromLMS>"), "datafromlms-too-long", "has 4001 characters of "
        "adlcp:dataFromLMS"),
    "QTI 2.1 correct response names no choice": ("qti21", lambda f: edit(
        f, CHOICE_ITEM, "<value>a</value>", "<value>z</value>"), "qti-correct-unknown-choice",
        "item 'entry-route', response 'RESPONSE': its correct response names 'z', which is no "
        "choice of its interaction"),
    "QTI 3.0 correct response names no choice": ("qti30", lambda f: edit(
        f, CHOICE_ITEM, "<qti-value>a</qti-value>", "<qti-value>z</qti-value>"),
        "qti-correct-unknown-choice", "its correct response names 'z'"),
    "QTI 2.1 pair naming no choice": ("qti21", lambda f: edit(
        f, "items/three-hats.xml", "<value>a d</value>", "<value>a q</value>"),
        "qti-correct-unknown-choice", "names 'q'"),
    "QTI 2.1 single response with two correct values": ("qti21", lambda f: edit(
        f, CHOICE_ITEM, "<value>a</value>", "<value>a</value><value>b</value>"),
        "qti-unanswerable", "its single-cardinality response 'RESPONSE' has 2 correct values"),
    "QTI 2.1 more correct values than maxChoices": ("qti21", lambda f: edit(
        f, "items/core-activities.xml", 'maxChoices="0"', 'maxChoices="2"'),
        "qti-unanswerable", "has 4 values, but the interaction accepts at most 2"),
    "QTI 2.1 match_correct without a correct response": ("qti21", lambda f: edit(
        f, CHOICE_ITEM, r"<correctResponse>.*?</correctResponse>", "", regex=True),
        "qti-unanswerable", "uses the match_correct template but declares no correct response"),
    "QTI 3.0 response no interaction uses": ("qti30", lambda f: edit(
        f, CHOICE_ITEM, "<qti-outcome-declaration", '<qti-response-declaration '
        'identifier="EXTRA" cardinality="single" base-type="identifier"/>'
        "<qti-outcome-declaration"), "qti-response-unused",
        "item 'entry-route' declares response 'EXTRA', which no interaction uses"),
    "QTI 1.2 (Canvas) condition names no choice": ("qti12", lambda f: edit(
        f, Q12_ITEMS, r'(<varequal respident="response1">)(entry-route-a)(</varequal>)',
        r"\1entry-route-z\3", regex=True), "qti-correct-unknown-choice",
        "tests response 'response1' for 'entry-route-z', which is no response_label of it"),
    "QTI 1.2 (cartridge) condition names no response": ("built-cc11", lambda f: edit(
        f, CC_ITEMS, 'respident="response1"', 'respident="response9"'),
        "qti-correct-unknown-choice", "tests response 'response9', which the item does not "
        "have"),
    "QTI 1.2 no condition gives points": ("qti12", lambda f: edit(
        f, Q12_ITEMS, r'(<setvar action="(Set|Add)" varname="SCORE">)\d+', r"\g<1>0",
        count=0, regex=True), "qti-unanswerable", "no condition of its resprocessing gives "
        "points"),
}
# What the rules must leave alone: values LMSs read as meant.
SEMANTIC_CLEAN: dict[str, tuple[str, Edit]] = {
    "masteryscore 0 and 100": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>80<", "<adlcp:masteryscore>100<")),
    "a CMITimespan with its limit action": ("scorm12", lambda f: edit(
        f, M, "<adlcp:masteryscore>", "<adlcp:maxtimeallowed>0000:30:00.5"
        "</adlcp:maxtimeallowed><adlcp:timelimitaction>exit,message</adlcp:timelimitaction>"
        "<adlcp:masteryscore>")),
    "a 4th Edition threshold read by measure": ("scorm2004", lambda f: edit(
        f, M, "<title>Lesson</title>", '<title>Lesson</title><adlcp:completionThreshold '
        'completedByMeasure="true" minProgressMeasure="0.8"/>')),
    "an essay graded by a person (QTI 1.2)": ("qti12", same),
    "every question type (QTI 2.1, 3.0, CC)": ("qti21", same),
}
SEMANTIC_CODES = {"masteryscore-invalid", "masteryscore-scaled", "maxtimeallowed-invalid",
                  "timelimitaction-without-limit", "sco-data-ignored",
                  "passing-measure-default", "passing-measure-ignored",
                  "completion-threshold-ignored", "datafromlms-too-long",
                  "qti-correct-unknown-choice", "qti-unanswerable", "qti-response-unused"}


@pytest.mark.parametrize("name", sorted(SEMANTIC))
def test_semantic_rule_variants(packages, name):  # noqa: F811 - fixture
    base, change, code, fragment = SEMANTIC[name]
    found = [d for d in check(change(packages.get(base))).diagnostics if d.code == code]
    assert found, name
    assert any(fragment in d.message for d in found), [d.message for d in found]
    assert all(d.location is not None and d.location.line for d in found)


@pytest.mark.parametrize("name", sorted(SEMANTIC_CLEAN))
def test_semantic_rules_leave_meant_values_alone(packages, name):  # noqa: F811 - fixture
    base, change = SEMANTIC_CLEAN[name]
    assert not SEMANTIC_CODES & set(codes(change(packages.get(base))))
