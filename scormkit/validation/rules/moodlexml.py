"""Moodle XML question files: the structure Moodle's importer needs (it has no XSD)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from scormkit.errors import Location
from scormkit.validation.rules import ERROR, MOODLEXML, WARNING, Context, Finding, rule

QUESTION_TYPES = {
    # qformat_xml reads "match" and "multianswer" as aliases of "matching" and "cloze".
    "category", "multichoice", "truefalse", "shortanswer", "matching", "match", "cloze",
    "multianswer", "essay",
    "numerical", "description", "calculated", "calculatedsimple", "calculatedmulti",
    "randomsamatch", "ddwtos", "ddimageortext", "ddmarker", "gapselect", "ordering", "random",
}


@rule("moodlexml-invalid", ERROR, "a Moodle XML file lacks the structure Moodle's importer "
      "needs (<quiz> root; each question's name and question text)", kinds=MOODLEXML,
      source="Moodle XML format (docs.moodle.org)",
      hint="every <question> except categories needs <name><text> and <questiontext><text>")
def check_structure(context: Context) -> Iterator[Finding]:
    root = context.manifest
    where = context.manifest_name
    if root.tag != "quiz":
        yield Finding(f"the root element is <{etree.QName(root).text}>, not <quiz>",
                      Location(where, root.sourceline))
        return
    for question in root.iter("question"):
        kind = question.get("type")
        if kind is None:
            yield Finding("a <question> has no type attribute",
                          Location(where, question.sourceline))
            continue
        if kind == "category":
            continue
        for part in ("name", "questiontext"):
            if question.find(f"{part}/text") is None:
                yield Finding(f"{kind} question has no <{part}><text>",
                              Location(where, question.sourceline))


@rule("moodlexml-question-type", WARNING, "a Moodle XML question type is not one of Moodle's "
      "core types", kinds=MOODLEXML, source="Moodle XML format (docs.moodle.org)",
      hint="questions of plugin types import only where the plugin is installed")
def check_types(context: Context) -> Iterator[Finding]:
    root = context.manifest
    if root.tag != "quiz":
        return
    for question in root.iter("question"):
        kind = question.get("type")
        if kind is not None and kind not in QUESTION_TYPES:
            yield Finding(f"question type '{kind}'",
                          Location(context.manifest_name, question.sourceline))
