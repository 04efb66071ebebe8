"""scormkit beside its peers: whole-process build times of one neutral course (not a timed test).

    .venv/bin/python scripts/benchmark.py [--size S|M|L] [--runs 5] [--only PATTERN,...]
                                          [--json [FILE]] [--keep DIR] [--list]
    .venv/bin/python scripts/benchmark.py --generate DIR [--size S|M|L]

The peers are benchmark-only dependencies: `pip install -e '.[bench]'` (text2qti and
qti-package-maker, pinned) and `npm ci` (simple-scorm-packager, pinned in package.json for the
tests already). A peer that is missing is reported as such; the scormkit rows still run.

What it does
------------
1. Generates a *neutral* course, the same content for every tool, at the chosen size:

   | size | lessons (~600 words, a PNG each, an SVG every 10th) | questions (6 types, in turn) |
   |------|------|------|
   | S    | 20   | 80   |
   | M    | 100  | 400  |
   | L    | 500  | 2000 |

   The six question types are the ones every peer's input format can express, where it can:
   single choice (with per-choice, correct and incorrect feedback), multiple response, true/
   false, fill in one blank, numeric with a tolerance, essay (each but single with general
   feedback). Stems carry inline Markdown (emphasis, code). Matching and ordering are left
   out because text2qti cannot express them; a scormkit-only row builds a quiz of all eight
   types with pools (`every_type_quiz`). The content is written in scormkit's source format
   (course.yaml, Markdown lessons, a .quiz.md) and converted for each peer:

   - simple-scorm-packager gets the lessons pre-rendered to one HTML page (what scormkit's
     default single-SCO layout ships), with the images;
   - text2qti gets the quiz in its plain-text format (Markdown inline, as for scormkit);
   - qti-package-maker gets the quiz as Blackboard upload lines ("BBQ"), stems in HTML.

2. Times whole processes, as a user runs them: interpreter or node start, imports, reading,
   writing, validating (scormkit only) and zipping. Each case runs once untimed (a warm-up
   that also checks the output), then `--runs` times; the runs are interleaved, each round
   running every case once in an order rotated by one, so that the load of the machine falls
   on scormkit and the peers alike. For each run: wall time, user+sys CPU and peak RSS of the
   child (`os.wait4`; on Linux the CPU includes the child's own waited-for children, and
   ru_maxrss is the largest single process). For `-t all`, whose future form may use a
   process pool, the proportional set size of the whole process tree is also sampled every
   50 ms ("tree" RSS). Medians are reported; `--json` gives every sample.

3. Prints Markdown tables: beside the peers (task | fastest peer (what it does) | scormkit |
   ratio | goal), then scormkit-only rows (QTI 3.0, `-t all`, the example course, start-up,
   validate) and the marginal cost per question and per lesson. Ratios and goals compare CPU
   seconds (robust when other work shares the machine), except the `-t all` goals, which are
   about wall time on the machine's cores.

Marginal cost: lessons-only courses (1 lesson, then the lesson counts of S, M, L up to the
chosen size) built for scorm12, and quiz-only courses (1 short lesson, 6 questions, then the
question counts of S, M, L) built for qti12 and scorm12; the slope of the least-squares line
through the median CPU times is the cost of one more lesson (with its Markdown, page and image)
or one more question.

Cold and warm: every scormkit process gets XDG_CACHE_HOME pointing into the benchmark's
folder, which is where platformdirs puts a per-user cache on Linux (SCORMKIT_CACHE is
removed from its environment). "Warm" cases share one cache primed by the warm-up round (what
a user's machine has after its first build: the documents of an unchanged course are not
validated again, its Markdown is not parsed again and no template is compiled again, see
README "The cache"); the "cold" cases (`*-cold`) get an empty one for every run, so they
parse every file, compile every template and schema and validate every document. Nothing of
the user's own cache is touched. Python runs from bytecode in every case, as after a `pip
install` (PYTHONDONTWRITEBYTECODE is removed from the environment, so the warm-up writes
scormkit's __pycache__ if it is missing).

The peers, and what each does and does not do (so that a ratio is read honestly)
------------------------------------------------------------------------------
- simple-scorm-packager 0.2.7 (npm, MIT), SCORM 1.2 from a folder. It writes imsmanifest.xml
  (one SCO listing every file) and a metadata.xml, copies the SCORM 1.2 XSDs and zips the
  folder (archiver, deflate). It renders nothing (the HTML is given), has no quiz and no
  learner runtime (nothing calls the LMS API), validates nothing (its own manifest fails the
  CP XSD, see tests/test_validate_peers.py) and its zips carry the current time.
- text2qti 0.8.0 (PyPI, BSD-3), Canvas QTI 1.2 from plain text. It parses its own format and
  Markdown (Python-Markdown) in stems, choices and feedback, keeps all six types and every
  feedback (a True/False choice pair becomes Canvas's true_false_question), and zips the
  assessment, its Canvas metadata and a manifest. No lessons, no QTI 2.1/3.0, no XSD
  validation; it cannot express matching or ordering.
- qti-package-maker 26.7.14 (PyPI, LGPL-3), Canvas QTI 1.2 or Blackboard QTI 2.1 from BBQ
  lines. It checks that each HTML fragment is well-formed XML and zips items and a manifest.
  No Markdown (stems are given as HTML), no feedback of any kind (its items have no field for
  it), essays are dropped (its BBQ reader knows no ESS lines: a sixth of the questions), true/
  false becomes multiple choice, no XSD validation, no lessons, no QTI 3.0. It also skips,
  with a printed warning, a question whose CRC-16s of stem and of answers both equal an
  earlier one's: 2 of the 1667 it could keep at L.
- scormkit reads YAML and Markdown for lessons and quiz, checks them (line-numbered
  diagnostics), renders pages with the learner runtime, writes each target, validates every
  XML document against the official XSDs plus the packaging rules, and writes a reproducible
  zip. Its QTI rows build the whole course (a course folder has lessons), as a user would.

Figures from a machine shared with other work are noisy: the header prints the load average
before and after; compare CPU medians, and rerun with more `--runs` when it matters.
"""

from __future__ import annotations

import argparse
import fnmatch
import functools
import html
import json
import os
import platform
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORMKIT = [sys.executable, "-m", "scormkit"]
BIN = Path(sys.executable).parent
PACKAGER = ROOT / "node_modules" / "simple-scorm-packager"

# Pinned in pyproject's [bench] extra and package.json: the versions the notes above describe.
PEER_VERSIONS = {"text2qti": "0.8.0", "qti-package-maker": "26.7.14",
                 "simple-scorm-packager": "0.2.7"}


@dataclass(frozen=True)
class Size:
    name: str
    lessons: int
    questions: int


SIZES = {"S": Size("S", 20, 80), "M": Size("M", 100, 400), "L": Size("L", 500, 2000)}

# Goals of issue 14, in the units the issue states them.
GOAL_SCORM12 = 1.2
GOAL_QTI = {"qti12": 1.0, "qti21": 1.2, "qti30": 1.5}
GOAL_ALL_WALL = 5.0
GOAL_ALL_RSS_MIB = 250
GOAL_EXAMPLE_SINGLE = 0.4
GOAL_EXAMPLE_ALL_WARM = 1.5
GOAL_EXAMPLE_ALL_COLD = 3.0
GOAL_PER_QUESTION_MS = 0.2
GOAL_PER_LESSON_MS = 1.5


# --------------------------------------------------------------------------------------------
# The neutral course: one model, written in every tool's input format.

Inline = tuple[tuple[str, ...], ...]
"""Inline content as spans: ("text", s), ("em", s), ("strong", s), ("code", s),
("lesson", s, number) (a link to another lesson) or ("url", s, address)."""

WORDS = (
    "project", "team", "plan", "budget", "risk", "scope", "schedule", "review", "release",
    "feature", "quality", "customer", "stakeholder", "meeting", "decision", "estimate", "backlog",
    "sprint", "goal", "milestone", "report", "change", "test", "deploy", "service", "system",
    "network", "security", "policy", "contract", "vendor", "approval", "requirement", "design",
    "document", "handover", "support", "incident", "problem", "metric", "target", "progress",
    "status", "dependency", "resource", "capacity", "priority", "trade-off", "lesson", "practice",
    "example", "method", "tool", "question", "answer", "evidence", "outcome", "value", "cost",
    "time", "effort", "scale", "office", "remote", "clear", "careful", "early", "late", "small",
    "large", "simple", "shared", "written", "agreed", "open", "visible", "steady")
VERBS = (
    "explains", "shows", "tracks", "protects", "measures", "delays", "supports", "changes",
    "limits", "improves", "reveals", "reduces", "guides", "links", "needs", "checks")


def _sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    picked[2 % words] = rng.choice(VERBS)
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: int, link: tuple[str, ...] | None = None) -> Inline:
    """About *words* words in sentences, with one emphasis, one code span and one strong."""
    spans: list[tuple[str, ...]] = []
    count = 0
    while count < words:
        length = rng.randint(8, 16)
        spans.append(("text", _sentence(rng, length) + " "))
        count += length
    spans.insert(1, ("em", rng.choice(WORDS)))
    spans.insert(2, ("text", " matters here, and "))
    spans.insert(3, ("code", rng.choice(WORDS) + "_id"))
    spans.insert(4, ("text", " is the field to read. "))
    spans.append(("strong", "Remember the " + rng.choice(WORDS)))
    spans.append(("text", "."))
    if link:
        spans.append(("text", " See "))
        spans.append(link)
        spans.append(("text", "."))
    return tuple(spans)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[Inline, ...]
    bullets: tuple[str, ...]
    table: tuple[tuple[str, ...], ...] | None
    note: str | None


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    objectives: tuple[str, ...]
    intro: Inline
    image: str
    """PNG file name in media/."""
    alt: str
    svg: bool
    """Every 10th lesson also shows the shared SVG."""
    sections: tuple[Section, ...]

    @property
    def file(self) -> str:
        return f"{self.number:04d}-lesson.md"

    @property
    def anchor(self) -> str:
        return f"lesson-{self.number:04d}"


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str | None = None


@dataclass(frozen=True)
class Question:
    number: int
    kind: str
    """single, multiple, truefalse, fill, numeric or essay."""
    title: str
    stem: Inline
    choices: tuple[Choice, ...] = ()
    blank_tail: str = ""
    """fill: the text after the blank (the stem is the text before it)."""
    answers: tuple[str, ...] = ()
    """fill: the accepted answers."""
    value: float = 0.0
    tolerance: float = 0.0
    correct_feedback: str | None = None
    incorrect_feedback: str | None = None
    feedback: str | None = None

    @property
    def id(self) -> str:
        return f"q{self.number:04d}"


QUESTION_KINDS = ("single", "multiple", "truefalse", "fill", "numeric", "essay")


@dataclass(frozen=True)
class NeutralCourse:
    lessons: tuple[Lesson, ...]
    questions: tuple[Question, ...]
    title: str = "Benchmark course"


def make_lesson(number: int, lessons: int) -> Lesson:
    rng = random.Random(f"lesson-{number}")
    following = number % lessons + 1
    sections = []
    for s in range(1, 5):
        link = None
        if s == 4:
            link = ("lesson", f"lesson {following}", str(following))
        elif s == 3:
            link = ("url", "the reference", f"https://example.org/ref/{number}/{s}")
        sections.append(Section(
            heading=f"{rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)} {s}",
            paragraphs=(_paragraph(rng, 34), _paragraph(rng, 34, link)),
            bullets=tuple(_sentence(rng, 7) for _ in range(3)),
            table=(("Step", "Owner", "Output"),
                   *((rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS))
                     for _ in range(2))) if s % 2 else None,
            note=_sentence(rng, 12) if s == 2 else None))
    return Lesson(number=number, title=f"Lesson {number}: {rng.choice(WORDS)} in practice",
                  objectives=(_sentence(rng, 6), _sentence(rng, 6)),
                  intro=_paragraph(rng, 30), image=f"figure-{number:04d}.png",
                  alt=f"A bar chart of the figures of lesson {number}", svg=number % 10 == 0,
                  sections=tuple(sections))


def make_question(number: int) -> Question:
    rng = random.Random(f"question-{number}")
    kind = QUESTION_KINDS[(number - 1) % len(QUESTION_KINDS)]
    topic = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
    title = f"Question {number}"
    if kind == "single":
        return Question(
            number, kind, title,
            (("text", f"Case {number}: which step comes first when the "),
             ("em", topic), ("text", " changes?")),
            choices=(Choice(f"Rewrite the {rng.choice(WORDS)} at once", False,
                            "Changing things before understanding them adds problems."),
                     Choice(f"Read the {rng.choice(WORDS)} notes first", True),
                     Choice(f"Ask for a larger {rng.choice(WORDS)}", False,
                            "That is rarely the first step."),
                     Choice(f"Wait for the next {rng.choice(WORDS)}", False)),
            correct_feedback="Right: understanding comes first.",
            incorrect_feedback=f"Look again at lesson {number % 50 + 1}.")
    if kind == "multiple":
        return Question(
            number, kind, title,
            (("text", f"Case {number}: which of these belong in the "), ("code", topic),
             ("text", " plan?")),
            choices=(Choice(f"A {rng.choice(WORDS)} owner", True),
                     Choice(f"A {rng.choice(WORDS)} date", True),
                     Choice(f"A {rng.choice(WORDS)} rumour", False),
                     Choice(f"A {rng.choice(WORDS)} guess", False)),
            feedback="A plan names owners and dates.")
    if kind == "truefalse":
        return Question(
            number, kind, title,
            (("text", f"Statement {number}: the "), ("em", topic),
             ("text", " is best reviewed at the end.")),
            choices=(Choice("True", False, "Review it from the start."), Choice("False", True)))
    if kind == "fill":
        word = rng.choice(WORDS)
        return Question(
            number, kind, title,
            (("text", f"Case {number}: the {topic} is written in the"),),
            blank_tail="log every day.", answers=(word, f"{word}s"),
            feedback=f"The {word} log is the record.")
    if kind == "numeric":
        return Question(
            number, kind, title,
            (("text", f"Case {number}: how many days does the "), ("em", topic),
             ("text", " review take?")),
            value=float(number % 40 + 2), tolerance=0.5,
            feedback="Count the working days.")
    return Question(
        number, kind, title,
        (("text", f"Case {number}: explain how you would introduce the "), ("em", topic),
         ("text", " to a new team.")),
        feedback="Compare your answer with the lesson on onboarding.")


def neutral_course(lessons: int, questions: int) -> NeutralCourse:
    """The course of the given size; the same numbers give the same content."""
    return NeutralCourse(tuple(make_lesson(n, lessons) for n in range(1, lessons + 1)),
                         tuple(make_question(n) for n in range(1, questions + 1)))


@functools.cache
def png(width: int, height: int, seed: int) -> bytes:
    """A small bar chart above a noisy strip (so that the file does not compress to nothing):
    a valid PNG of about 6 KiB, different for every *seed*."""
    rng = random.Random(seed)
    bar_width = width // 8
    bars = [rng.randint(10, height - 20) for _ in range(8)]
    colour = bytes((rng.randint(0, 180), rng.randint(0, 180), rng.randint(60, 200)))
    white = b"\xff\xff\xff"
    rows = []
    for y in range(height):
        if y >= height - 12:
            pixels = rng.randbytes(width * 3)
        else:
            pixels = b"".join((colour if height - 12 - y <= bar else white) * (bar_width - 4)
                              + white * 4 for bar in bars)
            pixels += white * (width - len(pixels) // 3)
        rows.append(b"\x00" + pixels)  # filter type: none

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="200" height="100">'
       '<rect width="40" height="20" fill="#24527a"/><circle cx="10" cy="10" r="6" '
       'fill="#ffffff"/></svg>\n')


def write_media(course: NeutralCourse, media: Path) -> None:
    media.mkdir(parents=True, exist_ok=True)
    for lesson in course.lessons:
        (media / lesson.image).write_bytes(png(160, 90, lesson.number))
    (media / "logo.svg").write_text(SVG)


# -- scormkit's source format

def md_inline(spans: Inline, lessons: tuple[Lesson, ...] = ()) -> str:
    out = []
    for span in spans:
        kind, text = span[0], span[1]
        if kind == "text":
            out.append(text)
        elif kind == "em":
            out.append(f"*{text}*")
        elif kind == "strong":
            out.append(f"**{text}**")
        elif kind == "code":
            out.append(f"`{text}`")
        elif kind == "lesson":
            out.append(f"[{text}]({lessons[int(span[2]) - 1].file})")
        else:
            out.append(f"[{text}]({span[2]})")
    return "".join(out).strip()


def lesson_markdown(lesson: Lesson, lessons: tuple[Lesson, ...]) -> str:
    objectives = "".join(f"  - {o}\n" for o in lesson.objectives)
    parts = [f"---\ntitle: \"{lesson.title}\"\nobjectives:\n{objectives}minutes: 5\n---\n",
             md_inline(lesson.intro),
             f"![{lesson.alt}](../media/{lesson.image})"]
    if lesson.svg:
        parts.append("![The course logo: a white circle on blue](../media/logo.svg)")
    for section in lesson.sections:
        parts.append(f"## {section.heading}")
        parts.extend(md_inline(p, lessons) for p in section.paragraphs)
        parts.append("\n".join(f"- {b}" for b in section.bullets))
        if section.table:
            head, *body = section.table
            rows = [f"| {' | '.join(head)} |", "|" + "---|" * len(head)]
            rows += [f"| {' | '.join(r)} |" for r in body]
            parts.append("\n".join(rows))
        if section.note:
            parts.append(f"::: note\n{section.note}\n:::")
    return "\n\n".join(parts) + "\n"


def question_markdown(q: Question) -> str:
    settings = f"id: {q.id}" + ("" if q.kind == "single" else f", type: {q.kind}")
    lines = [f"## {q.title} {{{settings}}}", ""]
    if q.kind == "fill":
        lines.append(f"{md_inline(q.stem)} [[{'|'.join(q.answers)}]] {q.blank_tail}")
    else:
        lines.append(md_inline(q.stem))
    lines.append("")
    for choice in q.choices:
        lines.append(f"- [{'x' if choice.correct else ' '}] {choice.text}")
        if choice.feedback:
            lines.append(f"  > {choice.feedback}")
    if q.kind == "numeric":
        lines.append(f"- {q.value:g} +- {q.tolerance:g}")
    quotes = [f"> {label}: {text}" for label, text in (
        ("Correct", q.correct_feedback), ("Incorrect", q.incorrect_feedback),
        ("Feedback", q.feedback)) if text]
    if quotes and lines[-1]:
        lines.append("")
    return "\n".join(lines + quotes) + "\n"


def quiz_markdown(questions: tuple[Question, ...]) -> str:
    head = "---\ntitle: Benchmark quiz\nid: bench-quiz\npassing_score: 80\n---\n\n"
    return head + "\n".join(question_markdown(q) for q in questions)


def write_scormkit(course: NeutralCourse, folder: Path, quiz: str | None = None) -> Path:
    """The course in scormkit's source format; *quiz* replaces the neutral quiz's text."""
    (folder / "lessons").mkdir(parents=True, exist_ok=True)
    write_media(course, folder / "media")
    for lesson in course.lessons:
        (folder / "lessons" / lesson.file).write_text(lesson_markdown(lesson, course.lessons))
    names = "".join(f"  - lessons/{lesson.file}\n" for lesson in course.lessons)
    text = quiz if quiz is not None else (
        quiz_markdown(course.questions) if course.questions else None)
    quiz_line = ""
    if text is not None:
        (folder / "quiz.quiz.md").write_text(text)
        quiz_line = "quiz: quiz.quiz.md\n"
    (folder / "course.yaml").write_text(
        f"id: bench\ntitle: {course.title}\ndescription: A generated course for the "
        f"benchmark.\nlanguage: en\nversion: 1.0.0\nlessons:\n{names}{quiz_line}")
    return folder


# -- pre-rendered HTML for simple-scorm-packager

def html_inline(spans: Inline) -> str:
    out = []
    for span in spans:
        kind, text = span[0], html.escape(span[1])
        if kind == "text":
            out.append(text)
        elif kind in ("em", "strong", "code"):
            out.append(f"<{kind}>{text}</{kind}>")
        elif kind == "lesson":
            out.append(f'<a href="#lesson-{int(span[2]):04d}">{text}</a>')
        else:
            out.append(f'<a href="{html.escape(span[2])}" rel="noopener">{text}</a>')
    return "".join(out).strip()


def lesson_html(lesson: Lesson) -> str:
    parts = [f'<section id="{lesson.anchor}" aria-labelledby="{lesson.anchor}-h">',
             f'<h2 id="{lesson.anchor}-h">{html.escape(lesson.title)}</h2>',
             "<ul class=\"objectives\">" + "".join(
                 f"<li>{html.escape(o)}</li>" for o in lesson.objectives) + "</ul>",
             f"<p>{html_inline(lesson.intro)}</p>",
             f'<p><img src="media/{lesson.image}" alt="{html.escape(lesson.alt)}"></p>']
    if lesson.svg:
        parts.append('<p><img src="media/logo.svg" alt="The course logo: a white circle on '
                     'blue"></p>')
    for section in lesson.sections:
        parts.append(f"<h3>{html.escape(section.heading)}</h3>")
        parts.extend(f"<p>{html_inline(p)}</p>" for p in section.paragraphs)
        parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in section.bullets)
                     + "</ul>")
        if section.table:
            head, *body = section.table
            parts.append("<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
                         + "</tr></thead><tbody>" + "".join(
                             "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                             for row in body) + "</tbody></table>")
        if section.note:
            parts.append(f'<aside class="note"><p>{html.escape(section.note)}</p></aside>')
    parts.append("</section>")
    return "\n".join(parts)


def write_html(course: NeutralCourse, folder: Path) -> Path:
    """The lessons as one HTML page (no quiz: the packager has none) with their images."""
    folder.mkdir(parents=True, exist_ok=True)
    write_media(course, folder / "media")
    nav = "".join(f'<li><a href="#{lesson.anchor}">{html.escape(lesson.title)}</a></li>'
                  for lesson in course.lessons)
    body = "\n".join(lesson_html(lesson) for lesson in course.lessons)
    (folder / "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{course.title}</title>\n</head>\n<body>\n<header><h1>{course.title}</h1>"
        f"</header>\n<nav aria-label=\"Lessons\"><ol>{nav}</ol></nav>\n<main>\n{body}\n"
        "</main>\n</body>\n</html>\n")
    return folder


# -- text2qti's plain text

def text2qti_quiz(questions: tuple[Question, ...]) -> str:
    out = ["Quiz title: Benchmark quiz", "Quiz description: A generated quiz for the benchmark.",
           ""]
    for q in questions:
        out.append(f"Title: {q.title}")
        if q.kind == "fill":
            out.append(f"{q.number}.  {md_inline(q.stem)} ... {q.blank_tail}")
        else:
            out.append(f"{q.number}.  {md_inline(q.stem)}")
        if q.feedback:
            out.append(f"... {q.feedback}")
        if q.correct_feedback:
            out.append(f"+   {q.correct_feedback}")
        if q.incorrect_feedback:
            out.append(f"-   {q.incorrect_feedback}")
        for index, choice in enumerate(q.choices):
            if q.kind == "multiple":
                out.append(f"[{'*' if choice.correct else ' '}] {choice.text}")
            else:
                letter = "abcdefgh"[index]
                out.append(f"{'*' if choice.correct else ''}{letter}) {choice.text}")
            if choice.feedback:
                out.append(f"... {choice.feedback}")
        out.extend(f"*   {answer}" for answer in q.answers)
        if q.kind == "numeric":
            out.append(f"=   {q.value:g} +- {q.tolerance:g}")
        if q.kind == "essay":
            out.append("____")
        out.append("")
    return "\n".join(out)


# -- qti-package-maker's BBQ lines

def bbq_lines(questions: tuple[Question, ...]) -> str:
    """One tab-separated line per question it can read; essays have none (dropped)."""
    lines = []
    for q in questions:
        stem = html_inline(q.stem)
        if q.kind in ("single", "truefalse", "multiple"):
            kind = "MA" if q.kind == "multiple" else "MC"
            cells = [kind, stem]
            for choice in q.choices:
                cells += [html.escape(choice.text), "correct" if choice.correct else "incorrect"]
        elif q.kind == "fill":
            cells = ["FIB", f"{stem} _____ {html.escape(q.blank_tail)}", *q.answers]
        elif q.kind == "numeric":
            cells = ["NUM", stem, f"{q.value:g}", f"{q.tolerance:g}"]
        else:
            continue
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def expected_items(questions: tuple[Question, ...], peer: str) -> int:
    """How many items a peer's package holds for *questions*."""
    if peer == "qti-package-maker":
        return sum(q.kind != "essay" for q in questions)
    return len(questions)


# -- scormkit only: a quiz of every type, with pools

def _every_type_question(n: int) -> str:
    head = f"## Question {n} {{id: q{n}"
    kind = n % 8
    if kind == 0:
        return (f"{head}}}\n\nWhich option is right for case {n}?\n\n- [ ] Wrong answer {n}\n"
                "  > Not this one.\n- [x] Right answer\n- [ ] Another wrong answer\n"
                "- [ ] None of the above {pin}\n\n"
                "> Correct: Well done.\n> Incorrect: Try again.\n")
    if kind == 1:
        return (f"{head}, type: multiple, partial}}\n\nPick the even numbers.\n\n- [x] 2\n"
                "- [x] 4\n- [ ] 5\n")
    if kind == 2:
        return f"{head}, type: truefalse}}\n\nStatement {n} is true.\n\n- [x] True\n- [ ] False\n"
    if kind == 3:
        return f"{head}, type: fill, partial}}\n\nThe word [[alpha|first]] comes before [[beta]].\n"
    if kind == 4:
        return f"{head}, type: numeric}}\n\nWhat is {n} times two?\n\n- {2 * n} +- 0.5\n"
    if kind == 5:
        return (f"{head}, type: matching}}\n\nMatch the pairs.\n\n- One -> 1\n- Two -> 2\n"
                "- Three -> 3\n- -> 4\n")
    if kind == 6:
        return (f"{head}, type: ordering}}\n\nPut these in order.\n\n1. First\n2. Second\n"
                "3. Third\n")
    return f"{head}, type: essay}}\n\nExplain case {n}.\n\n> Grading: Look for an argument.\n"


def every_type_quiz(count: int) -> str:
    """A quiz of *count* questions cycling through all eight types: the first half
    ungrouped, the second half in pools of up to 100 that draw half of their questions."""
    parts = ["---\ntitle: Every type\nid: every-type\npassing_score: 60\n---\n"]
    half = count // 2
    for n in range(1, count + 1):
        if n > half and (n - half - 1) % 100 == 0:
            size = min(100, count - n + 1)
            parts.append(f"# Pool {n} {{id: pool-{n}, draw: {max(1, size // 2)}}}\n")
        parts.append(_every_type_question(n))
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Peers

def _installed_version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def peer_status() -> dict[str, str | None]:
    """name -> installed version, None when missing."""
    packager = None
    package_json = PACKAGER / "package.json"
    if package_json.is_file() and shutil.which("node"):
        packager = json.loads(package_json.read_text()).get("version")
    text2qti = _installed_version("text2qti") if (BIN / "text2qti").is_file() else None
    qpm = (_installed_version("qti-package-maker")
           if (BIN / "bbq_converter.py").is_file() else None)
    return {"simple-scorm-packager": packager, "text2qti": text2qti, "qti-package-maker": qpm}


PEER_NOTES = {
    "simple-scorm-packager": "HTML given: no Markdown, no quiz, no validation",
    "text2qti": "Markdown, all 6 types and feedback; no validation",
    "qti-package-maker": "HTML given: drops essays and all feedback; no validation",
}
PEER_INSTALL = {
    "simple-scorm-packager": "npm ci",
    "text2qti": "pip install -e '.[bench]'",
    "qti-package-maker": "pip install -e '.[bench]'",
}

PACKAGER_SCRIPT = """\
// Run by scripts/benchmark.py: package the folder argv[2] into the folder argv[3] with the
// packager at argv[4], then move the zip (named after the title and date) to argv[5].
const fs = require("fs"), path = require("path");
const packager = require(process.argv[4]);
packager({version: "1.2", organization: "Benchmark", title: "Benchmark course",
          language: "en", masteryScore: 80, startingPage: "index.html",
          source: process.argv[2],
          package: {version: "1.0.0", zip: true, outputFolder: process.argv[3],
                    date: "2020-01-01"}},
         function () {
             const out = process.argv[3];
             fs.renameSync(path.join(out, fs.readdirSync(out)[0]), process.argv[5]);
         });
"""


# --------------------------------------------------------------------------------------------
# Measurement

@dataclass
class Sample:
    wall: float
    cpu: float
    """user + sys seconds of the child (and of its waited-for children)."""
    rss_mib: float
    """ru_maxrss: the largest resident set of any one process of the tree (at least the
    spawner's ~10 MiB, see SPAWNER)."""
    tree_mib: float
    """Sampled peak of the summed PSS of the process tree (0 when not sampled)."""
    out_bytes: int
    """Size of what the run wrote (the packages), in bytes."""


SPAWNER = r"""
# The spawner: a small process that starts every timed command, so that ru_maxrss means the
# command's own peak. Linux keeps, across exec, the high-water RSS of the process that forked
# (fs/exec.c, exec_mmap), so a child forked by the benchmark itself, which holds the course
# in memory, would report at least the benchmark's size. One JSON request per line on stdin,
# one JSON answer per line on stdout.
import json, os, sys, time

def tree_pss(root):
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    parents.setdefault(int(stat.read().rsplit(b")", 1)[1].split()[1]),
                                       []).append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError):
            pass
    return total

for line in sys.stdin:
    job = json.loads(line)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(job["cwd"])
            out = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.execvpe(job["argv"][0], job["argv"], job["env"])
        finally:
            os._exit(127)
    peak = [0]
    if job["tree"]:
        import threading
        done = threading.Event()
        def sample():
            while not done.wait(0.05):
                peak[0] = max(peak[0], tree_pss(pid))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if job["tree"]:
        done.set()
        sampler.join()
    print(json.dumps({"code": os.waitstatus_to_exitcode(status), "wall": wall,
                      "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
                      "tree_kib": peak[0]}), flush=True)
"""


class Spawner:
    """Runs commands through SPAWNER and returns what it measured."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-I", "-S", "-c", SPAWNER],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)

    def measure(self, argv: list[str], cwd: Path, env: dict[str, str], log: Path,
                sample_tree: bool) -> tuple[int, Sample]:
        """Run *argv* to completion, its output going to *log*: (exit code, sample). With
        *sample_tree*, the summed PSS of the process tree is sampled every 50 ms (scanning
        /proc costs the spawner some CPU, so only where a build may fork workers)."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd), "env": env,
                                             "log": str(log), "tree": sample_tree}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        rss = answer["rss_kib"] / 1024  # KiB on Linux
        return answer["code"], Sample(
            wall=answer["wall"], cpu=answer["cpu"], rss_mib=rss,
            tree_mib=max(rss, answer["tree_kib"] / 1024) if sample_tree else 0.0,
            out_bytes=0)

    def close(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()


@dataclass
class Case:
    name: str
    label: str
    argv: list[str]
    cwd: Path
    outputs: Callable[[Path], list[Path]]
    """The files a run must produce, from its run folder."""
    setup: Callable[[], None] | None = None
    """Untimed, once before the warm-up: writes the sources (shared between cases)."""
    prepare: Callable[[Path], None] | None = None
    """Untimed, before every run, given the run folder (emptied first)."""
    check: Callable[[Path], None] | None = None
    """Untimed, after the warm-up run: raises AssertionError when the output is wrong."""
    cold: bool = False
    sample_tree: bool = False
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    def median(self, key: str) -> float:
        return statistics.median(getattr(s, key) for s in self.samples)


class Bench:
    """Runs cases in interleaved rounds inside one work folder."""

    def __init__(self, work: Path, cases: list[Case], verbose: bool = True) -> None:
        self.work = work
        self.warm_cache = work / "cache-warm"
        self.verbose = verbose
        self.cases = cases
        self.spawner = Spawner()

    def env(self, case: Case, run_dir: Path) -> dict[str, str]:
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = str(run_dir / "cache-cold" if case.cold else self.warm_cache)
        env.pop("SCORMKIT_CACHE", None)
        env.pop("SOURCE_DATE_EPOCH", None)
        # Python code runs from bytecode, as it does after `pip install` (which compiles
        # every module, the peers' included): a checkout whose environment forbids writing
        # __pycache__ would make scormkit, and only scormkit, compile its modules in every
        # run. The untimed warm-up round writes them.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def run_dir(self, case: Case) -> Path:
        return self.work / "runs" / case.name.replace("/", "_")

    def run_once(self, case: Case, timed: bool) -> None:
        run_dir = self.run_dir(case)
        if run_dir.exists():
            shutil.rmtree(run_dir)
        run_dir.mkdir(parents=True)
        if case.prepare:
            case.prepare(run_dir)
        argv = [a.replace("{run}", str(run_dir)) for a in case.argv]
        log_file = run_dir.parent / (run_dir.name + ".log")
        code, sample = self.spawner.measure(argv, case.cwd if case.cwd.is_absolute()
                                            else run_dir / case.cwd, self.env(case, run_dir),
                                            log_file, case.sample_tree)
        log = log_file.read_text(errors="replace")
        missing = [p for p in case.outputs(run_dir) if not p.is_file() or not p.stat().st_size]
        if code or missing:
            case.error = (f"exit {code}" if code else f"no {missing[0].name}") + (
                f": {log.strip()[-600:]}" if log.strip() else "")
            return
        sample.out_bytes = sum(p.stat().st_size for p in case.outputs(run_dir))
        if not timed and case.check:
            try:
                case.check(run_dir)
            except AssertionError as problem:
                case.error = f"wrong output: {problem}"
                return
        if timed:
            case.samples.append(sample)

    def run(self, runs: int) -> None:
        say = (lambda text: print(text, file=sys.stderr, flush=True)) if self.verbose else (
            lambda text: None)
        for round_no in range(runs + 1):
            timed = round_no > 0
            order = self.cases[round_no % len(self.cases):] + self.cases[
                :round_no % len(self.cases)]
            say(f"round {round_no}/{runs}" + ("" if timed else " (warm-up, checks outputs)")
                + f", load {os.getloadavg()[0]:.1f}")
            for case in order:
                if case.error:
                    continue
                self.run_once(case, timed)
                if case.error:
                    say(f"  {case.name}: FAILED {case.error}")
                elif timed:
                    s = case.samples[-1]
                    say(f"  {case.name:34} {s.cpu:7.2f} s CPU {s.wall:7.2f} s wall "
                        f"{s.rss_mib:6.0f} MiB")


# --------------------------------------------------------------------------------------------
# The cases

def scormkit_targets() -> list[str]:
    done = subprocess.run([*SCORMKIT, "formats"], check=True, capture_output=True, text=True)
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


def check_peer_package(peer: str, path: Path, questions: tuple[Question, ...]) -> None:
    """Well-formed XML everywhere, and as many items as the peer can keep (raises
    AssertionError otherwise). Used after the warm-up and by the smoke test."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, f"{path.name}: corrupt member"
        names = archive.namelist()
        assert "imsmanifest.xml" in names, f"{path.name}: no imsmanifest.xml"
        items = 0
        for name in names:
            if not name.endswith(".xml"):
                continue
            root = etree.fromstring(archive.read(name), parser)
            local = etree.QName(root).localname
            if local == "questestinterop":
                items += len(root.findall(".//{*}item"))
            elif local == "assessmentItem":
                items += 1
    if peer == "simple-scorm-packager":
        assert "index.html" in names, f"{path.name}: no index.html"
        return
    expected = expected_items(questions, peer)
    # qti-package-maker skips a question whose CRC-16 of the stem and CRC-16 of the answers
    # both equal an earlier question's (item_bank.py, add_item_cls: "Duplicate item ...
    # skipping"); by the birthday bound a few of 2000 collide (2 at L). Up to 0.5 % may go.
    slack = expected // 200 if peer == "qti-package-maker" else 0
    assert expected - slack <= items <= expected, (
        f"{path.name}: {items} items, expected {expected}")


def build_cases(work: Path, size: Size, targets: list[str],
                peers: dict[str, str | None]) -> list[Case]:
    """The cases in their interleaving order (each peer next to the scormkit build it is
    compared with). Their sources are written into *work* by their `setup`, only for the
    cases that run."""
    course = neutral_course(size.lessons, size.questions)
    src, html_src, bbq = work / "src" / "course", work / "src" / "html", work / "src" / "bbq"
    once: dict[str, object] = {}

    def setup_once(key: str, write: Callable[[], object]) -> Callable[[], None]:
        def setup() -> None:
            if key not in once:
                once[key] = write()
        return setup

    def write_peer_inputs() -> None:
        write_html(course, html_src)
        (work / "src" / "text2qti").mkdir(parents=True)
        (work / "src" / "text2qti" / "quiz.txt").write_text(text2qti_quiz(course.questions))
        bbq.mkdir(parents=True)
        (bbq / "bbq-bench-questions.txt").write_text(bbq_lines(course.questions))
        (work / "src" / "pack.js").write_text(PACKAGER_SCRIPT)

    course_setup = setup_once("course", lambda: write_scormkit(course, src))
    peer_setup = setup_once("peers", write_peer_inputs)

    def build(name: str, label: str, source: Path, target: str,
              setup: Callable[[], None] | None = course_setup, **kw) -> Case:
        stem = "tpm-skills-1.0.0" if source == ROOT / "course_src" else "bench-1.0.0"
        names = targets if target == "all" else [target]
        return Case(name, label, [*SCORMKIT, "build", str(source), "-t", target, "-o", "{run}"],
                    ROOT, lambda run: [run / f"{stem}-{t}.{'xml' if t == 'moodlexml' else 'zip'}"
                                       for t in names],
                    setup=setup, sample_tree=target == "all", **kw)

    def peer(name: str, label: str, argv: list[str], cwd: Path, output: str, **kw) -> Case:
        return Case(name, label, argv, cwd, lambda run: [run / output], setup=peer_setup,
                    check=lambda run: check_peer_package(label, run / output, course.questions),
                    **kw)

    cases: list[Case] = []
    if peers["simple-scorm-packager"]:
        # It writes its manifest into the source folder: every run gets a fresh copy of the
        # pages (hard links, untimed). The zip's name depends on the title: moved by pack.js.
        cases.append(peer(
            "peer/simple-scorm-packager", "simple-scorm-packager",
            ["node", str(work / "src" / "pack.js"), "{run}/html", "{run}/out", str(PACKAGER),
             "{run}/out.zip"], ROOT, "out.zip",
            prepare=lambda run: shutil.copytree(html_src, run / "html", copy_function=os.link)))
    cases.append(build("scormkit/scorm12", "SCORM 1.2 (lessons + graded quiz)", src, "scorm12"))
    if peers["text2qti"]:
        cases.append(peer("peer/text2qti", "text2qti", [str(BIN / "text2qti"), "quiz.txt"],
                          Path("."), "quiz.zip", prepare=lambda run: shutil.copy(
                              work / "src" / "text2qti" / "quiz.txt", run)))
    for engine, target in (("canvas_qti_v1_2", "qti12"), ("blackboard_qti_v2_1", "qti21")):
        if peers["qti-package-maker"]:
            cases.append(peer(
                f"peer/qti-package-maker-{target}", "qti-package-maker",
                [sys.executable, str(BIN / "bbq_converter.py"), "-i",
                 "bbq-bench-questions.txt", "-f", engine, "-q", "--allow-mixed", "-o",
                 "{run}/out.zip"], bbq, "out.zip"))
        cases.append(build(f"scormkit/{target}", target, src, target))
    cases.append(build("scormkit/qti30", "qti30", src, "qti30"))
    cases.append(build("scormkit/all", "all targets", src, "all"))
    # The same with an empty cache: every schema compiled, every document validated.
    for target in ("qti21", "qti30", "all"):
        cases.append(build(f"scormkit/{target}-cold", f"{target}, cold", src, target,
                           cold=True))
    every = work / "src" / "every-type"
    cases.append(build("scormkit/every-type-all", "every type", every, "all",
                       setup=setup_once("every", lambda: write_scormkit(
                           neutral_course(1, 0), every, quiz=every_type_quiz(size.questions)))))
    prebuilt = work / "prebuilt"

    def prebuild() -> None:
        course_setup()
        subprocess.run([*SCORMKIT, "build", str(src), "-t", "scorm12", "-o", str(prebuilt)],
                       check=True, capture_output=True)

    cases.append(Case("scormkit/validate-scorm12", "validate",
                      [*SCORMKIT, "validate", str(prebuilt / "bench-1.0.0-scorm12.zip")],
                      ROOT, lambda run: [], setup=prebuild))
    for target in targets:
        cases.append(build(f"example/{target}", target, ROOT / "course_src", target, None))
    cases.append(build("example/all-cold", "all, cold", ROOT / "course_src", "all", None,
                       cold=True))
    cases.append(build("example/all-warm", "all, warm", ROOT / "course_src", "all", None))
    cases.append(Case("startup/python", "python -c pass", [sys.executable, "-c", "pass"], ROOT,
                      lambda run: []))
    cases.append(Case("startup/version", "scormkit --version", [*SCORMKIT, "--version"], ROOT,
                      lambda run: []))
    for count in marginal_points(size, "lessons"):
        folder = work / "src" / f"lessons-{count}"
        cases.append(build(f"marginal/lessons-{count}", "lessons", folder, "scorm12",
                           setup_once(folder.name, lambda c=count, f=folder: write_scormkit(
                               neutral_course(c, 0), f))))
    for count in marginal_points(size, "questions"):
        folder = work / "src" / f"questions-{count}"
        setup = setup_once(folder.name, lambda c=count, f=folder: write_scormkit(
            neutral_course(1, c), f))
        for target in ("qti12", "scorm12"):
            cases.append(build(f"marginal/questions-{count}-{target}", "questions", folder,
                               target, setup))
    return cases


def marginal_points(size: Size, what: str) -> list[int]:
    order = list(SIZES)
    base = 1 if what == "lessons" else len(QUESTION_KINDS)
    return [base] + [getattr(SIZES[s], what) for s in order[:order.index(size.name) + 1]]


def slope(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares (slope, intercept) of y over x."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    k = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return k, mean_y - k * mean_x


# --------------------------------------------------------------------------------------------
# Report

def _s(value: float) -> str:
    return f"{value:.2f} s"


def _ratio(ours: float, theirs: float) -> str:
    r = ours / theirs
    return f"{r:.1f}x slower" if r >= 1 else f"{1 / r:.1f}x faster"


def _goal(measured: float, goal: float, unit: str = "s", what: str = "CPU") -> str:
    return f"<= {goal:g} {unit} {what}: {'met' if measured <= goal else 'not met'}"


def _cell(case: Case | None, tree: bool = False) -> str:
    """CPU, wall and peak RSS medians of a scormkit case."""
    if case is None or not case.samples:
        return f"failed: {case.error}" if case and case.error else "not run"
    cell = (f"{_s(case.median('cpu'))} CPU, {_s(case.median('wall'))} wall, "
            f"{case.median('rss_mib'):.0f} MiB")
    if tree and case.median("tree_mib") > case.median("rss_mib") * 1.05:
        cell += f" (process tree {case.median('tree_mib'):.0f} MiB)"
    return cell


def report(cases: dict[str, Case], size: Size, peers: dict[str, str | None],
           meta: dict) -> tuple[str, list[dict]]:
    """The Markdown tables, and their rows for --json. Rows whose cases did not run (--only)
    are left out."""
    rows: list[dict] = []
    at_l = size.name == "L"

    def ok(name: str) -> Case | None:
        case = cases.get(name)
        return case if case and case.samples and not case.error else None

    def cpu(name: str) -> float | None:
        case = ok(name)
        return case.median("cpu") if case else None

    load = float(meta["load_before"].split()[0])
    head = [f"Size {size.name}: {size.lessons} lessons of ~600 words with images, "
            f"{size.questions} questions of 6 types. Medians of {meta['runs']} interleaved "
            f"runs of whole processes; CPU = user+sys. {meta['cores']} cores; load average "
            f"{meta['load_before']} before, {meta['load_after']} after."]
    if load > 0.5 * (meta["cores"] or 1):
        head.append("The machine was shared with other work: wall times are inflated, "
                    "compare the CPU figures.")

    # Beside the peers.
    peer_rows = []
    comparisons = [
        ("SCORM 1.2 (lessons + graded quiz)", "scorm12",
         [("peer/simple-scorm-packager", "simple-scorm-packager")], GOAL_SCORM12),
        ("QTI 1.2", "qti12", [("peer/qti-package-maker-qti12", "qti-package-maker"),
                              ("peer/text2qti", "text2qti")], GOAL_QTI["qti12"]),
        ("QTI 2.1", "qti21", [("peer/qti-package-maker-qti21", "qti-package-maker")],
         GOAL_QTI["qti21"]),
        ("QTI 3.0", "qti30", [], GOAL_QTI["qti30"]),
    ]
    for task, target, peer_list, goal in comparisons:
        name = f"scormkit/{target}"
        if name not in cases and not any(n in cases for n, _ in peer_list):
            continue
        ours = cpu(name)
        found = []
        for case_name, peer in peer_list:
            if not peers.get(peer):
                found.append((None, f"{peer}: not installed ({PEER_INSTALL[peer]})"))
            elif case_name in cases:
                theirs = cpu(case_name)
                found.append((theirs, f"{peer} {_s(theirs)} ({PEER_NOTES[peer]})" if theirs
                              else f"{peer}: failed ({cases[case_name].error})"))
        found.sort(key=lambda f: (f[0] is None, f[0] or 0))
        ratios = [_ratio(ours, theirs) for theirs, _ in found if theirs and ours]
        verdict = _goal(ours, goal) if ours and at_l else f"<= {goal:g} s CPU at L"
        peer_rows.append(f"| {task} | {'; '.join(t for _, t in found) or 'none'} | "
                         f"{_cell(cases.get(name))} | {' / '.join(ratios) or '-'} | {verdict} |")
        rows.append({"table": "peers", "task": task, "scormkit_cpu": ours,
                     "peers_cpu": {peer: cpu(n) for n, peer in peer_list},
                     "goal_cpu": goal if at_l else None})
    if "scormkit/all" in cases:
        case = ok("scormkit/all")
        verdict = "goals at L"
        if case and at_l:
            peak = max(case.median("rss_mib"), case.median("tree_mib"))
            verdict = (_goal(case.median("wall"), GOAL_ALL_WALL, what="wall") + "; "
                       + _goal(peak, GOAL_ALL_RSS_MIB, "MiB", "peak RSS"))
        peer_rows.append(f"| all {len(meta['targets'])} targets (`-t all`) | none | "
                         f"{_cell(cases['scormkit/all'], tree=True)} | - | {verdict} |")
        rows.append({"table": "peers", "task": "-t all",
                     "scormkit": {k: case.median(k) for k in ("cpu", "wall", "rss_mib",
                                                              "tree_mib")} if case else None,
                     "goal_wall": GOAL_ALL_WALL if at_l else None,
                     "goal_rss_mib": GOAL_ALL_RSS_MIB if at_l else None})

    # scormkit only.
    own_rows = []

    def own(task: str, name: str, goal: Callable[[Case], str] | None = None,
            tree: bool = False) -> None:
        if name not in cases:
            return
        case = ok(name)
        own_rows.append(f"| {task} | {_cell(cases[name], tree)} | "
                        f"{goal(case) if goal and case else ''} |")
        rows.append({"table": "scormkit", "task": task, "case": name,
                     "cpu": case.median("cpu") if case else None,
                     "wall": case.median("wall") if case else None,
                     "rss_mib": case.median("rss_mib") if case else None})

    own("QTI 2.1, cold cache (every schema compiled, every document validated)",
        "scormkit/qti21-cold")
    own("QTI 3.0, cold cache", "scormkit/qti30-cold")
    own(f"all {len(meta['targets'])} targets (`-t all`), cold cache", "scormkit/all-cold",
        tree=True)
    own(f"QTI 1.2 of a quiz-only course ({size.questions} questions, 1 lesson)",
        f"marginal/questions-{size.questions}-qti12")
    own(f"`-t all` of a quiz-only course of all 8 types, half in pools ({size.questions} "
        "questions)", "scormkit/every-type-all", tree=True)
    own(f"`scormkit validate` of the {size.name} SCORM 1.2 package", "scormkit/validate-scorm12")
    singles = [ok(n) for n in cases if n.startswith("example/") and "/all" not in n]
    singles = [c for c in singles if c]
    if singles:
        slow = max(singles, key=lambda c: c.median("cpu"))
        each = ", ".join(f"{c.label} {c.median('cpu'):.2f}" for c in singles)
        own_rows.append(f"| example course, any single target (CPU s: {each}) | slowest, "
                        f"{slow.label}: {_cell(slow)} | "
                        f"{_goal(slow.median('cpu'), GOAL_EXAMPLE_SINGLE)} |")
        rows.append({"table": "scormkit", "task": "example single targets",
                     "cpu": {c.label: c.median("cpu") for c in singles},
                     "goal_cpu": GOAL_EXAMPLE_SINGLE})
    own("example course `-t all`, warm cache", "example/all-warm",
        lambda c: _goal(c.median("wall"), GOAL_EXAMPLE_ALL_WARM, what="wall"), tree=True)
    own("example course `-t all`, cold cache", "example/all-cold",
        lambda c: _goal(c.median("wall"), GOAL_EXAMPLE_ALL_COLD, what="wall"), tree=True)
    own("`scormkit --version` (start-up)", "startup/version")
    own("floor: `python -c pass` (interpreter start)", "startup/python")

    # Marginal costs.
    marginal_rows = []
    series = [("lesson (Markdown, page, image)", "scorm12", "lessons",
               "marginal/lessons-{}", GOAL_PER_LESSON_MS),
              ("question", "qti12", "questions", "marginal/questions-{}-qti12",
               GOAL_PER_QUESTION_MS),
              ("question", "scorm12", "questions", "marginal/questions-{}-scorm12",
               GOAL_PER_QUESTION_MS)]
    for per, target, what, pattern, goal in series:
        points = [(n, cpu(pattern.format(n))) for n in marginal_points(size, what)]
        points = [(n, y) for n, y in points if y is not None]
        if len(points) < 2:
            continue
        k, fixed = slope(points)
        shown = ", ".join(f"{n}: {y:.2f}" for n, y in points)
        marginal_rows.append(f"| {per} | {target} | {shown} | {k * 1000:.2f} ms | "
                             f"{fixed:.2f} s | {_goal(k * 1000, goal, 'ms')} |")
        rows.append({"table": "marginal", "per": what[:-1], "target": target,
                     "points_cpu": points, "marginal_ms": k * 1000, "fixed_s": fixed,
                     "goal_ms": goal})

    lines = [" ".join(head)]
    if peer_rows:
        lines += ["", f"### Beside the peers, at {size.name}", "",
                  "| task | fastest peer (what it does) | scormkit | ratio (CPU) | goal |",
                  "|---|---|---|---|---|", *peer_rows]
        if not at_l:
            lines += ["", "The goals of issue 14 are stated at L (`--size L`)."]
    if own_rows:
        lines += ["", "### scormkit only", "", "| task | scormkit | goal |", "|---|---|---|",
                  *own_rows]
    if marginal_rows:
        lines += ["", "### Marginal cost: least-squares slope of the CPU medians", "",
                  "| one more | target | points (count: CPU s) | marginal | fixed | goal |",
                  "|---|---|---|---|---|---|", *marginal_rows]
    return "\n".join(lines), rows


# --------------------------------------------------------------------------------------------

def generate(size: Size, folder: Path) -> None:
    """Write the neutral course in every input format, for inspection or another tool."""
    course = neutral_course(size.lessons, size.questions)
    write_scormkit(course, folder / "scormkit")
    write_html(course, folder / "html")
    (folder / "text2qti").mkdir(parents=True, exist_ok=True)
    (folder / "text2qti" / "quiz.txt").write_text(text2qti_quiz(course.questions))
    (folder / "bbq").mkdir(parents=True, exist_ok=True)
    (folder / "bbq" / "bbq-bench-questions.txt").write_text(bbq_lines(course.questions))
    write_scormkit(neutral_course(1, 0), folder / "every-type",
                   quiz=every_type_quiz(size.questions))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="The module docstring (scripts/benchmark.py) documents the method and the "
        "peers.", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=list(SIZES), default="L",
                        help="course size (default L: 500 lessons, 2000 questions)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs per case, after one untimed warm-up (default 5)")
    parser.add_argument("--only", default="",
                        help="comma-separated shell patterns of case names (see --list), "
                        "e.g. 'peer/*,scormkit/qti*'")
    parser.add_argument("--list", action="store_true", help="list the case names and exit")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="machine-readable results: to FILE, or instead of the tables "
                        "on stdout when no FILE is given")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (kept) instead of a temporary folder")
    parser.add_argument("--generate", type=Path, metavar="DIR",
                        help="only write the neutral course in every tool's format into DIR")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    if args.generate:
        generate(size, args.generate)
        print(f"wrote the {size.name} course for every tool into {args.generate}")
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    peers = peer_status()
    targets = scormkit_targets()
    with tempfile.TemporaryDirectory(prefix="scormkit-bench-") as tmp:
        work = (args.keep or Path(tmp) / "work").resolve()
        cases = build_cases(work, size, targets, peers)
        if args.list:
            for case in cases:
                print(case.name)
            return 0
        if args.only:
            patterns = [p.strip() for p in args.only.split(",") if p.strip()]
            cases = [c for c in cases if any(fnmatch.fnmatch(c.name, p) for p in patterns)]
            if not cases:
                parser.error("--only matches no case (see --list)")
        marker = work / ".scormkit-benchmark"
        if work.exists() and any(work.iterdir()):
            if not marker.exists():
                parser.error(f"--keep {work}: not empty and not a benchmark folder")
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        marker.touch()
        print(f"writing the {size.name} sources into {work}", file=sys.stderr, flush=True)
        for case in cases:
            if case.setup:
                case.setup()
        meta = {"size": size.name, "lessons": size.lessons, "questions": size.questions,
                "runs": args.runs, "cores": os.cpu_count(), "targets": targets,
                "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                "python": platform.python_version(), "machine": platform.machine(),
                "scormkit": _output([*SCORMKIT, "--version"]), "node": _output(["node",
                                                                               "--version"]),
                "peers": peers, "peers_pinned": PEER_VERSIONS}
        for name, version in peers.items():
            if version and version != PEER_VERSIONS[name]:
                print(f"warning: {name} {version} is installed; the notes describe "
                      f"{PEER_VERSIONS[name]}", file=sys.stderr)
        bench = Bench(work, cases)
        started = time.perf_counter()
        try:
            bench.run(args.runs)
        finally:
            bench.spawner.close()
        meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        meta["seconds"] = round(time.perf_counter() - started, 1)
        text, rows = report({c.name: c for c in cases}, size, peers, meta)
        data = {"meta": meta, "rows": rows, "cases": {
            c.name: {"argv": c.argv, "error": c.error,
                     "samples": [vars(s) for s in c.samples],
                     "median": ({k: c.median(k) for k in ("wall", "cpu", "rss_mib", "tree_mib")}
                                if c.samples else None)}
            for c in cases}}
        if args.json and args.json != "-":
            Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
        if args.json == "-":
            print(json.dumps(data, indent=2))
        else:
            print(text)
        return 1 if any(c.error for c in cases) else 0


def _output(argv: list[str]) -> str | None:
    """The first line a command prints, None when it cannot run."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return (done.stdout.strip().splitlines() or [""])[0] if done.returncode == 0 else None


if __name__ == "__main__":
    sys.exit(main())
