"""SCORM 2004 4th Edition writer: schemaversion, prefixes, sequencing, XSDs at the root."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from lxml import etree

from scormkit.sources import load_course
from scormkit.writers import WriterOptions
from scormkit.writers.scorm2004 import Scorm2004Writer

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "scorm2004"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
SS = "{http://www.imsglobal.org/xsd/imsss}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_v1p3}"


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "course_src")


def manifest(course, per_lesson=False):
    package = Scorm2004Writer(WriterOptions(sco_per_lesson=per_lesson)).write(course)
    return package, package.files["imsmanifest.xml"]


def test_schemaversion_and_literal_prefixes(course):
    _, text = manifest(course)
    text = text.decode()
    assert "<schemaversion>2004 4th Edition</schemaversion>" in text
    for prefix, uri in [("adlcp", "adlcp_v1p3"), ("adlseq", "adlseq_v1p3"),
                        ("adlnav", "adlnav_v1p3"), ("imsss", "imsss")]:
        assert f'xmlns:{prefix}="http://www.' in text and uri in text
    assert 'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"' in text
    assert 'adlcp:scormType="sco"' in text


def test_the_adl_xsd_set_ships_at_the_root(course):
    package, _ = manifest(course)
    for name in ("imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "adlnav_v1p3.xsd",
                 "imsss_v1p0.xsd", "imsss_v1p0control.xsd", "xml.xsd", "XMLSchema.dtd",
                 "datatypes.dtd", "lom.xsd", "vocab/strict.xsd"):
        assert name in package.files


def test_single_sco_sets_completion_and_success_by_content(course):
    root = etree.fromstring(manifest(course)[1])
    [item] = root.iter(f"{CP}item")
    delivery = item.find(f"{SS}sequencing/{SS}deliveryControls")
    assert delivery.get("completionSetByContent") == "true"
    assert delivery.get("objectiveSetByContent") == "true"
    resource = root.find(f"{CP}resources/{CP}resource")
    assert resource.get(f"{ADLCP}scormType") == "sco" and resource.get("href") == "index.html"


def test_passing_score_becomes_min_normalized_measure(course):
    scored = dataclasses.replace(
        course, tracking=dataclasses.replace(course.tracking, passing_score=80))
    root = etree.fromstring(manifest(scored)[1])
    objective = root.find(f".//{SS}primaryObjective")
    assert objective.get("satisfiedByMeasure") == "true"
    assert objective.findtext(f"{SS}minNormalizedMeasure") == "0.8"


def test_sco_per_lesson_has_choice_and_flow(course):
    root = etree.fromstring(manifest(course, per_lesson=True)[1])
    organization = root.find(f"{CP}organizations/{CP}organization")
    control = organization.find(f"{SS}sequencing/{SS}controlMode")
    assert control.get("choice") == "true" and control.get("flow") == "true"
    items = organization.findall(f"{CP}item")
    if course.quiz is not None:
        # The lessons sit in a "Lessons" cluster before the quiz (tests/test_quiz_in_scorm.py).
        assert [i.findtext(f"{CP}title") for i in items] == ["Lessons", course.quiz.title]
        items = items[0].findall(f"{CP}item")
    assert [i.findtext(f"{CP}title") for i in items[:len(course.lessons)]] == [
        lesson.title for lesson in course.lessons]


@pytest.mark.parametrize(("per_lesson", "golden"), [
    (False, "imsmanifest.xml"), (True, "imsmanifest-per-lesson.xml")])
def test_golden_manifest(course, per_lesson, golden):
    """Regenerate with:
    SCORMKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_scorm2004_writer.py"""
    produced = manifest(course, per_lesson)[1]
    path = GOLDEN / golden
    if os.environ.get("SCORMKIT_UPDATE_GOLDEN"):
        path.write_bytes(produced)
    assert produced.decode() == path.read_text(encoding="utf-8")
