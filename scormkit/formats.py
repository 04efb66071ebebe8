"""The one registry of formats: every package kind scormkit knows and every target it builds.

Everything that lists targets or kinds reads it: the CLI's ``--target`` choices, the
course.yaml ``targets:`` check, package detection's labels and schema families, the rule
kind sets, the writers registry, the question type x target table in docs/quiz-targets.md
(a test checks it against `QUESTION_SUPPORT`), and which options a target can honour.

Two lists:

- `KINDS`: package kinds as `scormkit validate` detects them, ours and other tools' (SCORM
  2004 2nd Edition, Common Cartridge 1.0...), each with its label and the schema family that
  validates its root document;
- `FORMATS`: the targets `scormkit build` writes, each naming the kinds its packages are
  detected as, its writer class (imported only when asked for, so that the readers and the
  validator can read this registry without importing the writers), the layouts it supports
  and how it exports each question type.

Adding a target: a writer module, an entry in `FORMATS` (and in `KINDS` when its packages are
a new kind, with a branch in `scormkit.validation.detect`), its templates and its tests.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from scormkit.grading_rules import DOCUMENTED, Rules

# ---------------------------------------------------------------------------------------------
# Package kinds


class Standard(enum.StrEnum):
    """The family of standards a kind belongs to; rules apply to kinds by standard."""

    SCORM12 = "scorm12"
    SCORM2004 = "scorm2004"
    CC = "cc"
    QTI = "qti"
    CMI5 = "cmi5"
    IMSCP = "imscp"
    MOODLEXML = "moodlexml"


MANIFEST = "imsmanifest.xml"
"""The root document of every IMS content package (SCORM, Common Cartridge, QTI, plain CP)."""


@dataclass(frozen=True, slots=True)
class PackageKind:
    """A kind of package `scormkit validate` recognises (scormkit.validation.detect)."""

    key: str
    label: str
    standard: Standard
    manifest: str | None
    """Root document the kind is read from; None when it is whichever root .xml file holds
    the content (Moodle XML)."""
    family: str | None
    """Schema family (schemas/catalog.toml) validating the root document; None when no
    official XSD is in the catalog (SCORM 2004 2nd Edition, CC 1.0 and 1.2) or exists at all
    (Moodle XML)."""


KINDS: dict[str, PackageKind] = {k.key: k for k in (
    PackageKind("scorm12", "SCORM 1.2", Standard.SCORM12, MANIFEST, "scorm12"),
    PackageKind("scorm2004_2nd", "SCORM 2004 2nd Edition", Standard.SCORM2004, MANIFEST, None),
    PackageKind("scorm2004_3rd", "SCORM 2004 3rd Edition", Standard.SCORM2004, MANIFEST,
                "scorm2004_3rd"),
    PackageKind("scorm2004_4th", "SCORM 2004 4th Edition", Standard.SCORM2004, MANIFEST,
                "scorm2004_4th"),
    PackageKind("cc10", "IMS Common Cartridge 1.0", Standard.CC, MANIFEST, None),
    PackageKind("cc11", "IMS Common Cartridge 1.1", Standard.CC, MANIFEST, "cc11"),
    PackageKind("cc12", "IMS Common Cartridge 1.2", Standard.CC, MANIFEST, None),
    PackageKind("cc13", "IMS Common Cartridge 1.3", Standard.CC, MANIFEST, "cc13"),
    # A QTI 1.2 package's manifest is a plain IMS CP 1.1.4 one (the assessments inside are
    # validated by their own namespace).
    PackageKind("qti12", "IMS QTI 1.2 package", Standard.QTI, MANIFEST, "imscp"),
    PackageKind("qti21", "IMS QTI 2.1 package", Standard.QTI, MANIFEST, "qti21"),
    PackageKind("qti30", "IMS QTI 3.0 package", Standard.QTI, MANIFEST, "qti30"),
    PackageKind("cmi5", "cmi5 course", Standard.CMI5, "cmi5.xml", "cmi5"),
    PackageKind("imscp", "IMS content package", Standard.IMSCP, MANIFEST, "imscp"),
    PackageKind("moodlexml", "Moodle XML question file", Standard.MOODLEXML, None, None),
)}


def kinds_of(*standards: Standard) -> frozenset[str]:
    """Keys of the kinds of *standards* (the kind sets rules apply to)."""
    return frozenset(k.key for k in KINDS.values() if k.standard in standards)


# ---------------------------------------------------------------------------------------------
# Layouts and question types


class Layout(enum.StrEnum):
    """How a package lays the course out."""

    DEFAULT = "default"
    """The format's own layout: one SCO (one AU) for the whole course in SCORM and cmi5; the
    only layout of cartridges and quiz packages. Every format has it."""
    SCO_PER_LESSON = "sco-per-lesson"
    """``--sco-per-lesson``: one SCO (one AU) per lesson, the quiz its own."""

    @property
    def option(self) -> str | None:
        """The ``scormkit build`` option that asks for this layout."""
        return None if self is Layout.DEFAULT else f"--{self.value}"


class Status(enum.StrEnum):
    """What a question type becomes in a target (docs/quiz-targets.md, first words of a cell)."""

    NATIVE = "native"
    """The format has the question type and scores it as the quiz source says."""
    FALLBACK = "fallback"
    """Exported as the closest thing the format has; `Support.how` says what changes."""
    ERROR = "error"
    """The build stops with ``quiz-unsupported`` at the question's file and line."""


class Support(NamedTuple):
    status: Status
    how: str
    """What the question becomes, and what changes when it is a fallback."""
    rules: Rules = DOCUMENTED
    """How the LMS grades it (`scormkit.grading_rules.Rules`): the documented rules, or the ways
    it departs from them. The grading tests hold each LMS (or a checker that follows its
    importer) to these rules, and the doc's table is generated from them."""


if TYPE_CHECKING:
    QUESTION_KINDS: tuple[str, ...]
    """Every question type keyword (``{type: ...}``), from the quiz model."""


def __getattr__(name: str) -> object:
    # QUESTION_KINDS is read from the quiz model when first asked for: the CLI reads this
    # registry to parse its options, and `scormkit --version` should not import the model.
    if name == "QUESTION_KINDS":
        from scormkit.questions import QUESTION_CLASSES

        kinds = globals()["QUESTION_KINDS"] = tuple(QUESTION_CLASSES)
        return kinds
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

QuestionSupport = Mapping[str, Support]
"""Question type keyword -> how a target exports it."""

NATIVE, FALLBACK, ERROR = Status.NATIVE, Status.FALLBACK, Status.ERROR

# The grading rules of the LMSs, where they depart from the documented ones (scormkit.grading):
# each is stated once here and checked by the grading tests against the LMS or a checker that
# follows its importer and grader (tests/test_grading_*.py).
_PARTS = Rules(partial=True)
"""Credit part by part: Canvas and Moodle grade multiple response (+1/C per right choice,
-1/C per wrong one, at least 0: the `partial` rule), matching (per pair) and several blanks
(per blank) so, whatever the question's setting."""
_POSITIONS = Rules(ordering="positions")
"""The ordering fallback: each item matched to its position, credit per right position."""
_CANVAS_TEXT = Rules(partial=True, case_sensitive=False, spaces="trim")
"""Canvas compares a typed answer with ``strip.downcase`` (quiz_question/
short_answer_question.rb, fill_in_multiple_blanks_question.rb) and grades blanks one by one."""
_MOODLE_TEXT = Rules(partial=True, spaces="trim")
"""Moodle's short answer compares the trimmed answer (qtype_shortanswer
compare_string_with_wildcard; case as `usecase` says); Cloze grades blanks one by one."""
_QTI_TEXT = Rules(spaces="exact")
"""QTI compares strings as typed (mapResponse / stringMatch have no white space rule)."""

_COMMON_CARTRIDGE: QuestionSupport = {
    "single": Support(NATIVE, "cc.multiple_choice; a pinned choice keeps its place "
                      "(rshuffle=\"No\"), but Moodle's import reads neither shuffle nor pins"),
    "multiple": Support(FALLBACK, "cc.multiple_response with full marks for exactly the right "
                        "set (the CC profile has no partial credit: setvar only sets); Moodle "
                        "gives each right choice 1/C and a wrong one 0, so ticking every "
                        "choice scores full marks",
                        Rules(partial=True, penalty=False)),
    "truefalse": Support(NATIVE, "cc.true_false, labels named true and false (the names Moodle "
                         "requires), showing True/False in the course language"),
    "fill": Support(FALLBACK, "one blank: cc.fib, the accepted answers as alternatives; "
                    "several blanks: one cc.fib item per blank, each worth points/blanks. "
                    "Moodle ignores `case: true`", Rules(partial=True, case_sensitive=False,
                                                          spaces="trim")),
    "numeric": Support(FALLBACK, "CC has no numeric question. Exact answers: cc.fib accepting "
                       "each value as written in the source (11, not 11.0). A tolerance or a "
                       "range: cc.essay graded by a person, the accepted answers listed in the "
                       "general feedback. Error when one of several exact answers has its own "
                       "feedback", Rules(numbers_as_text=True)),
    "matching": Support(FALLBACK, "one cc.multiple_choice item per premise (every response a "
                        "choice), each worth points/pairs", _PARTS),
    "ordering": Support(FALLBACK, "one cc.multiple_choice item per item, asking its position "
                        "(1, 2, 3...), items in a fixed scrambled order, each worth "
                        "points/items", _POSITIONS),
    "essay": Support(NATIVE, "cc.essay (qmd_computerscored No); grading notes are not "
                     "exported: the profile has no field for graders"),
}
"""Common Cartridge 1.1 (read by Moodle's restore) and 1.3 (for Canvas): the same CC profile of
QTI 1.2.1. Moodle also gives every item of the quiz a mark of 1 (`cc-moodle-equal-marks`)."""

_CC13: QuestionSupport = {
    **_COMMON_CARTRIDGE,
    "multiple": Support(FALLBACK, "cc.multiple_response with full marks for exactly the right "
                        "set (the CC profile has no partial credit); Canvas grades multiple "
                        "answers with its own partial credit, the `partial` rule", _PARTS),
}
"""Canvas reads a CC 1.3 assessment with its QTI importer and grades as Classic Quizzes do."""

_QTI12: QuestionSupport = {
    "single": Support(NATIVE, "multiple_choice_question"),
    "multiple": Support(FALLBACK, "multiple_answers_question; the package scores the model's "
                        "rule, but Canvas always grades multiple answers with partial credit "
                        "(+1/C, -1/C, at least 0)", _PARTS),
    "truefalse": Support(NATIVE, "true_false_question (Canvas recognises it by the English "
                         "labels True and False; in other languages it imports as a multiple "
                         "choice question, graded the same)"),
    "fill": Support(FALLBACK, "one blank: short_answer_question; several: "
                    "fill_in_multiple_blanks_question; accepted answers as sibling "
                    "conditions. The package encodes `case: true` and all-or-nothing; Canvas "
                    "does not enforce them", _CANVAS_TEXT),
    "numeric": Support(NATIVE, "numerical_question (varequal plus vargte/varlte bounds, read "
                       "as exact-with-margin or range answers)"),
    "matching": Support(FALLBACK, "matching_question, each pair linked by its own condition "
                        "(both sides plain text)", _PARTS),
    "ordering": Support(FALLBACK, "Classic Quizzes has no ordering question: a "
                        "matching_question that pairs each item with its position (1, 2, "
                        "3...), items listed in a scrambled order", _POSITIONS),
    "essay": Support(NATIVE, "essay_question (grading notes are not exported: Canvas has no "
                     "field for them)"),
}

_QTI21: QuestionSupport = {
    "single": Support(NATIVE, "choiceInteraction maxChoices=1"),
    "multiple": Support(NATIVE, "choiceInteraction; match_correct, or a mapping for partial "
                        "credit"),
    "truefalse": Support(NATIVE, "choiceInteraction with two choices"),
    "fill": Support(FALLBACK, "one textEntryInteraction per blank, answers in a mapping "
                    "(case-sensitive or not)", _QTI_TEXT),
    "numeric": Support(NATIVE, "textEntryInteraction baseType float; equal for an exact value, "
                       "gte/lte for a tolerance or a range"),
    "matching": Support(NATIVE, "matchInteraction (directedPair), match_correct or a mapping"),
    "ordering": Support(NATIVE, "orderInteraction"),
    "essay": Support(NATIVE, "extendedTextInteraction; grading notes in a scorer rubricBlock"),
}

_QTI30: QuestionSupport = {
    "single": Support(NATIVE, "qti-choice-interaction max-choices=1"),
    "multiple": Support(NATIVE, "qti-choice-interaction; match_correct or a mapping"),
    "truefalse": Support(NATIVE, "qti-choice-interaction with two choices"),
    "fill": Support(FALLBACK, "one qti-text-entry-interaction per blank", _QTI_TEXT),
    "numeric": Support(NATIVE, "qti-text-entry-interaction base-type float; qti-equal or "
                       "qti-gte/qti-lte"),
    "matching": Support(NATIVE, "qti-match-interaction"),
    "ordering": Support(NATIVE, "qti-order-interaction"),
    "essay": Support(NATIVE, "qti-extended-text-interaction; grading notes in a scorer "
                     "qti-rubric-block"),
}

_MOODLEXML: QuestionSupport = {
    "single": Support(NATIVE, "multichoice, single"),
    "multiple": Support(FALLBACK, "multichoice, several answers: each right choice +1/C, each "
                        "wrong one -1/C (the `partial` rule); Moodle core has no "
                        "all-or-nothing multiple response. Error when 1/C is not one of "
                        "Moodle's grades (C = 11..19 or more than 20 correct choices)", _PARTS),
    "truefalse": Support(NATIVE, "truefalse"),
    "fill": Support(FALLBACK, "one blank: shortanswer (usecase for `case: true`); several: "
                    "multianswer (Cloze SHORTANSWER / SHORTANSWER_C), graded blank by blank",
                    _MOODLE_TEXT),
    "numeric": Support(NATIVE, "numerical: value and tolerance (a range becomes its centre +- "
                       "half its width)"),
    "matching": Support(FALLBACK, "matching (answers are plain text: images in responses "
                        "become their alt text)", _PARTS),
    "ordering": Support(FALLBACK, "Moodle core has no ordering question: a matching question "
                        "that pairs each item with its position (1, 2, 3...)", _POSITIONS),
    "essay": Support(NATIVE, "essay (HTML editor); grading notes as graderinfo"),
}

# ---------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True, slots=True)
class Format:
    """A target `scormkit build` writes."""

    name: str
    """Format key: ``--target`` value, template folder, zip suffix."""
    label: str
    schema_family: str
    """Catalog family whose XSDs validate (and, for SCORM, ship with) the package; empty for
    a format without an official XSD (Moodle XML)."""
    kinds: tuple[str, ...]
    """Keys of `KINDS` its packages are detected as (`scormkit validate`)."""
    writer: str
    """``module:Class`` of its writer, imported by `writer_class` when a build needs it."""
    layouts: frozenset[Layout]
    questions: QuestionSupport | None
    """How each question type is exported, for formats that export the quiz to the LMS's
    own quiz engine; None when the quiz is a page of the package, scored in the browser by
    the quiz player (scormkit/runtime/quiz/, shipped as scormkit/quiz.js), where every type is
    native."""
    lessons: bool = True
    """Whether its packages hold the lessons. A build of quiz-only formats alone does not
    read the lesson files at all (scormkit.sources.load_course), so their problems are
    reported by builds of the formats that show them."""

    def writer_class(self) -> type:
        """The writer class, imported now (scormkit.writers.WRITERS holds them checked as
        `Writer` subclasses; this module cannot name that type without importing it)."""
        module, _, name = self.writer.partition(":")
        writer = getattr(importlib.import_module(module), name)
        if not isinstance(writer, type):
            raise TypeError(f"{self.writer} is not a class")
        return writer

    def supports(self, layout: Layout) -> bool:
        return layout in self.layouts


_SCO_LAYOUTS = frozenset({Layout.DEFAULT, Layout.SCO_PER_LESSON})
_ONE_LAYOUT = frozenset({Layout.DEFAULT})

FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("scorm12", "SCORM 1.2", "scorm12", ("scorm12",),
           "scormkit.writers.scorm12:Scorm12Writer", _SCO_LAYOUTS, None),
    Format("scorm2004", "SCORM 2004 4th Edition", "scorm2004_4th", ("scorm2004_4th",),
           "scormkit.writers.scorm2004:Scorm2004Writer", _SCO_LAYOUTS, None),
    Format("cc11", "IMS Common Cartridge 1.1", "cc11", ("cc11",),
           "scormkit.writers.cc:CommonCartridge11Writer", _ONE_LAYOUT, _COMMON_CARTRIDGE),
    Format("cc13", "IMS Common Cartridge 1.3", "cc13", ("cc13",),
           "scormkit.writers.cc:CommonCartridge13Writer", _ONE_LAYOUT, _CC13),
    Format("qti12", "QTI 1.2 (Canvas Classic Quizzes)", "qti12", ("qti12",),
           "scormkit.writers.qti12:Qti12Writer", _ONE_LAYOUT, _QTI12, lessons=False),
    Format("qti21", "QTI 2.1 content package", "qti21", ("qti21",),
           "scormkit.writers.qti21:Qti21Writer", _ONE_LAYOUT, _QTI21, lessons=False),
    Format("qti30", "QTI 3.0 content package", "qti30", ("qti30",),
           "scormkit.writers.qti30:Qti30Writer", _ONE_LAYOUT, _QTI30, lessons=False),
    Format("moodlexml", "Moodle XML question bank", "", ("moodlexml",),
           "scormkit.writers.moodlexml:MoodleXmlWriter", _ONE_LAYOUT, _MOODLEXML,
           lessons=False),
    Format("cmi5", "cmi5", "cmi5", ("cmi5",),
           "scormkit.writers.cmi5:Cmi5Writer", _SCO_LAYOUTS, None),
)}
"""Every target, in the order `scormkit formats` lists them."""

ALL = "all"
"""``--target all`` / ``targets: [all]``: every format."""


def target_names() -> list[str]:
    """Every format key, sorted: the order ``all`` builds them in."""
    return sorted(FORMATS)


def expand_targets(names: Iterable[str]) -> list[str]:
    """*names* without repeats, ``all`` standing for every format."""
    wanted = list(dict.fromkeys(names))
    return target_names() if ALL in wanted else wanted


QUESTION_SUPPORT: dict[str, QuestionSupport] = {
    f.name: f.questions for f in FORMATS.values() if f.questions is not None}
"""Question type x target, for the targets that export the quiz (docs/quiz-targets.md)."""


# ---------------------------------------------------------------------------------------------
# The question type x target table of docs/quiz-targets.md

TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("qti12", "qti12 (Canvas Classic)"),
    ("qti21", "qti21"),
    ("qti30", "qti30"),
    ("moodlexml", "moodlexml"),
    ("cc11", "cc11 (Moodle)"),
    ("cc13", "cc13 (Canvas)"),
)
"""The quiz targets, in the table's order, with their column headings."""
WEB_COLUMN = "scorm12, scorm2004, cmi5"
"""The formats whose quiz is a page scored by quiz.js: one column, every type native."""
WEB_ESSAY = ("native: the text goes to the LMS as a long-fill-in interaction (result neutral). "
             "The essay rule: its points are in the maximum and count 0, as everywhere until "
             "graded, and nobody grades it in the package (the build warns "
             "`quiz-pass-needs-essays` when passing needs it)")
"""The web column's essay cell: scored like every target before a person grades it."""
TABLE_BEGIN = "<!-- BEGIN question-types table: generated from scormkit/formats.py -->"
TABLE_END = "<!-- END question-types table -->"


def question_table() -> str:
    """The type x target table, as docs/quiz-targets.md prints it (between `TABLE_BEGIN` and
    `TABLE_END`; tests/test_formats.py checks the doc and rewrites it with
    SCORMKIT_UPDATE_GOLDEN=1). Each cell is its registry entry: the status, what the question
    becomes, and how the LMS grades it where that departs from the documented rules (the
    `Support.rules` the grading tests hold the LMS to)."""
    headings = [label for _name, label in TABLE_COLUMNS] + [WEB_COLUMN]
    lines = [TABLE_BEGIN, "| type | " + " | ".join(headings) + " |",
             "|---|" + "---|" * len(headings)]
    kinds: tuple[str, ...] = __getattr__("QUESTION_KINDS")  # type: ignore[assignment]
    for kind in kinds:
        cells = []
        for name, _label in TABLE_COLUMNS:
            support = QUESTION_SUPPORT[name][kind]
            cell = f"{support.status.value}: {support.how}"
            if not support.rules.native:
                cell += f". **Graded by the LMS:** {support.rules.describe()}"
            cells.append(cell)
        cells.append(WEB_ESSAY if kind == "essay" else
                     "native: scored in the browser by quiz.js, as documented")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append(TABLE_END)
    return "\n".join(lines)
