"""Inline checks in lessons: ungraded "check your understanding" questions.

A check is one question of the quiz format (docs/quiz-format.md) written inside a lesson, in
a ``::: check`` container whose first line stands where a quiz question's ``##`` heading
would be (title, then settings in braces, both optional)::

    ::: check Which hat fits? {id: hat-check}
    The team is capable but discouraged. Which style helps most?

    - [ ] The drill sergeant
    - [x] The coach
    > Feedback: Encouragement is the coach's job.
    :::

The container's lines are read by the quiz reader itself (`scormkit.sources.quiz`), as a
one-question quiz whose lines keep their numbers in the lesson file, so a check has exactly
the quiz's syntax, checks and messages. What differs, and why:

- no ``points`` (nothing is scored) and no essay (nothing to check it against) or ordering
  (which needs the graded quiz's shuffled attempt) questions;
- choices are shown in source order (``shuffle`` is refused: a check has no attempt to
  remember an order);
- at the top level of the lesson only (not inside a list, quote or callout), one question
  each (a ``#`` or ``##`` heading inside a check is refused);
- ids are unique within the lesson (the page prefixes them with the lesson id); without a
  title and an id, a check is ``check-<n>`` (its position in the lesson).

Checks are never exported to a quiz format, an LMS gradebook or the tracking data: they are
not part of `Course.quiz`, and the browser code that runs them (quiz/checks.js) never calls
the tracker.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

from markdown_it.token import Token

from scormkit.content import Asset
from scormkit.errors import Diagnostic, Location, SourceError
from scormkit.questions import Pool, Question
from scormkit.sources import markdown
from scormkit.sources import quiz_tokens as qt
from scormkit.sources.quiz import parse_quiz
from scormkit.sources.yamlfile import load_yaml_mapping

CHECK_TYPES = ("single", "multiple", "truefalse", "fill", "numeric", "matching")
"""Question types a check can have."""
REFUSED_SETTINGS = ("points", "shuffle")
_UNTITLED = "Check"


@dataclasses.dataclass(frozen=True, slots=True)
class CheckSource:
    """A ``::: check`` container found in a lesson, not yet read."""

    info: str
    """The text after ``check`` on the opening line (title and settings)."""
    first: int
    """Line number (1-based) of the opening ``::: check`` line."""
    body: list[str]
    """The lines inside the container."""
    number: int
    """Its position among the lesson's checks (1-based)."""


def is_check(token: Token) -> bool:
    return token.type == f"container_{markdown.CHECK}_open"


def split_checks(
    tokens: list[Token], lines: list[str], shown: str, errors: list[Diagnostic]
) -> tuple[list[Token], list[tuple[int, CheckSource]]]:
    """The lesson's block *tokens* without its checks, and each check with the index in the
    remaining tokens where it stood. A check that is not at the top level is an error."""
    kept: list[Token] = []
    found: list[tuple[int, CheckSource]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not is_check(token):
            kept.append(token)
            index += 1
            continue
        end = index + 1
        depth = 1
        while end < len(tokens) and depth:
            if tokens[end].type.startswith(f"container_{markdown.CHECK}_"):
                depth += tokens[end].nesting
            end += 1
        start_line = (token.map[0] if token.map else 0)
        if token.level != 0:
            errors.append(Diagnostic(
                "check-not-top-level", "a check cannot be inside a list, quote or callout",
                Location(shown, start_line + 1),
                "start '::: check' at the beginning of a line, outside other blocks"))
        else:
            stop = token.map[1] if token.map else start_line + 1
            closed = stop - 1 > start_line and lines[stop - 1].strip().startswith(":::")
            body = lines[start_line + 1:stop - 1 if closed else stop]
            info = token.info.strip()[len(markdown.CHECK):].strip()
            found.append((len(kept), CheckSource(info, start_line + 1, body, len(found) + 1)))
        index = end
    return kept, found


def read_check(source: CheckSource, relpath: str, root: Path, shown: str,
               errors: list[Diagnostic]) -> tuple[Question, bool, tuple[Asset, ...]] | None:
    """The question of one check, whether it has a title of its own and the images it
    shows; None after recording why it cannot be read."""
    loc = Location(shown, source.first)
    settings = qt.SETTINGS.search(source.info)
    title = (source.info[:settings.start()] if settings else source.info).strip()
    braces = settings.group().strip() if settings else ""
    keys: set[str] = set()
    if braces:
        # A YAML error is reported by the quiz reader below, with its hint.
        with contextlib.suppress(SourceError):
            keys = {str(key) for key in load_yaml_mapping(braces, shown,
                                                          line_offset=source.first - 1).data}
    for key in REFUSED_SETTINGS:
        if key in keys:
            errors.append(Diagnostic(
                "check-setting", f"'{key}' does not apply to a check", loc,
                "checks are not scored and show their choices in the order written: remove "
                f"'{key}'"))
            return None
    if not title and "id" not in keys:
        braces = braces[:-1].rstrip() + f", id: check-{source.number}}}" if braces else \
            f"{{id: check-{source.number}}}"
    # A one-question quiz whose lines keep their numbers in the lesson: front matter on lines
    # 1-3 (a lesson's own front matter is at least that long), blank lines up to the check,
    # the question heading on the check's own line.
    padding = max(0, source.first - 4)
    text = "\n".join(["---", "title: check", "---", *([""] * padding),
                      f"## {title or _UNTITLED} {braces}".rstrip(), *source.body])
    before = len(errors)
    quiz = parse_quiz(text, relpath, root, errors, shown=shown)
    if quiz is None or len(errors) > before:
        return None
    if len(quiz.items) != 1 or isinstance(quiz.items[0], Pool):
        errors.append(Diagnostic(
            "check-one-question", "a check holds exactly one question", loc,
            "remove the '#' or '##' headings inside the check; write each question in its "
            "own '::: check'"))
        return None
    question = quiz.items[0]
    if question.kind not in CHECK_TYPES:
        errors.append(Diagnostic(
            "check-type", f"a check cannot be a {question.kind} question", loc,
            f"use one of: {', '.join(CHECK_TYPES)}"))
        return None
    return question, bool(title), quiz.assets
