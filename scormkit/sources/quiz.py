"""Quiz files (``*.quiz.md``): YAML front matter for the quiz settings, then Markdown.

The layout (docs/quiz-format.md is the reference for authors):

- ``# Pool title {draw: 2}`` starts a pool: the questions under it, until the next ``#``;
- ``## Question title {id: ..., type: ..., points: ...}`` starts a question; the settings in
  braces at the end of a heading are a YAML flow mapping, all optional;
- under a question heading: the stem (any Markdown), then the answer list (task items
  ``- [x]`` / ``- [ ]`` for choices, numbers, ``premise -> response`` pairs, or the items in
  order), then feedback blockquotes starting with ``Correct:``, ``Incorrect:``,
  ``Feedback:`` (or ``Grading:`` for essays). A blockquote inside a list item is that item's
  feedback. Blanks are ``[[answer|other answer]]`` inside the stem.

Everything is read from markdown-it-py tokens of the shared parser (their ``map`` gives the
lines); regular expressions only look inside one token's text. Problems are collected as
Diagnostics; `load_quiz` raises them together.

This module reads the file's structure (front matter, pools, question headings and their
settings, ids) and builds the questions; `quiz_answers` reads answer lists, blanks and
feedback; `quiz_tokens` holds the token helpers both use.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, assert_never
from urllib.parse import urlsplit

from markdown_it.token import Token

from scormkit import ids
from scormkit.content import EMPTY, Asset, Content, Element
from scormkit.errors import Diagnostic, Location, SourceError, SourceErrors, counted, shown
from scormkit.paths import display_path
from scormkit.questions import (
    QUESTION_CLASSES,
    QUESTION_ID,
    Essay,
    FillInBlank,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Pool,
    Question,
    QuestionKind,
    Quiz,
    SingleChoice,
    question_kind,
    title_from,
)
from scormkit.sources import files, markdown
from scormkit.sources import quiz_tokens as qt
from scormkit.sources.fields import XML_ILLEGAL, check_keys, text_field
from scormkit.sources.media import (
    MediaFiles,
    check_image,
    find_line,
    is_external,
    nesting_error,
    refused_url,
)
from scormkit.sources.quiz_answers import LIST_HINTS, NAMES, AnswerReader, decimal_value
from scormkit.sources.yamlfile import YamlDoc, load_yaml_mapping

__all__ = ["QUIZ_SUFFIX", "load_quiz", "parse_quiz", "quiz_slug", "read_quiz"]

QUIZ_SUFFIX = ".quiz.md"
QUIZ_KEYS = ("id", "title", "passing_score", "attempts", "time_limit", "shuffle",
             "shuffle_questions")
QUESTION_KEYS = ("id", "type", "points", "shuffle", "partial", "case", "pool")
POOL_KEYS = ("id", "draw", "points")

# Which question types take which optional settings (besides id, type and points).
_TYPE_SETTINGS = {
    "shuffle": ("single", "multiple", "matching"),
    "partial": ("multiple", "matching", "fill"),
    "case": ("fill",),
}
_CHOICE_TYPES = ("single", "multiple", "truefalse")
_LIST_TYPES = (*_CHOICE_TYPES, "numeric", "matching", "ordering")
_MAX_POINTS = Decimal(1000)


def quiz_slug(path: str | Path) -> str:
    """File name without ``.quiz.md`` (or ``.md``): ``quizzes/tpm.quiz.md`` -> ``tpm``."""
    name = PurePosixPath(path).name
    for suffix in (QUIZ_SUFFIX, ".md"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def load_quiz(path: str | Path, root: str | Path) -> Quiz:
    """Read the quiz file *path* of the course in *root*; raise SourceErrors on any defect."""
    errors: list[Diagnostic] = []
    quiz = read_quiz(Path(path), Path(root), errors)
    if errors or quiz is None:
        raise SourceErrors(errors)
    return quiz


def read_quiz(
    path: Path, root: Path, errors: list[Diagnostic], *, shown: str | None = None,
    media: MediaFiles | None = None,
) -> Quiz | None:
    """Read the quiz file *path* (inside the course folder *root*), appending every problem
    to *errors*; return the Quiz, or None when nothing usable could be read."""
    shown = shown or display_path(path)
    # The path as listed, relative to the course folder (images are found from it), not
    # where its links lead: files.read_text checks that.
    relpath = os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")
    if relpath.startswith("../") or relpath == "..":
        errors.append(Diagnostic("path-outside-course", "the quiz file is outside the course "
                                 "folder", Location(shown), "move it into the course folder"))
        return None
    try:
        text = files.read_text(files.course_root(Path(root)), relpath, "the quiz file")
    except files.Refusal as refusal:
        errors.append(refusal.diagnostic(shown))
        return None
    return parse_quiz(text, relpath, Path(root), errors, shown=shown, media=media)


def parse_quiz(
    text: str, relpath: str, root: Path, errors: list[Diagnostic], *, shown: str | None = None,
    media: MediaFiles | None = None,
) -> Quiz | None:
    """Parse quiz source *text*; *relpath* is the file's path inside the course folder *root*
    (images are resolved from it) and *shown* the path messages print (default *relpath*)."""
    reader = _QuizReader(relpath, shown or relpath, root, errors, media or MediaFiles(root))
    before = len(errors)
    quiz = reader.read(text)
    if len(errors) == before:
        return quiz
    errors[before:] = sorted(errors[before:], key=lambda d: (d.location and d.location.line) or 0)
    return None


def counted_points(points: Decimal) -> str:
    """``1 point``, ``2 points``, ``0.5 points`` (English: only one is singular)."""
    return f"{points} {'point' if points == 1 else 'points'}"


def _decimal_places(number: Decimal) -> int:
    """Decimal places as written ("1.50": 2); the numbers read here are finite
    (decimal_value), whose exponent is an int."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


@dataclass
class _Section:
    """A heading and the top-level blocks under it, before interpretation."""

    heading: list[Token]
    blocks: list[list[Token]] = field(default_factory=list)
    questions: list[_Section] = field(default_factory=list)
    """For a pool: its question sections."""


class _QuizReader(AnswerReader):
    def __init__(self, relpath: str, shown: str, root: Path, errors: list[Diagnostic],
                 media: MediaFiles) -> None:
        super().__init__(shown, errors)
        self.relpath = relpath
        self.root = root
        self.media = media
        self.assets: dict[str, Asset] = {}
        self.pool_tags: dict[Location, tuple[str, Location]] = {}
        """Questions with a ``pool`` setting, by their heading's location: pool id, where."""
        self.own_points: set[Location] = set()
        """Questions whose heading sets their points, by their heading's location."""
        self.pool_setup: dict[str, tuple[YamlDoc | None, Decimal | None]] = {}
        """Each pool's heading settings and default points, for `finish_pools`."""
        self.moved: list[Question] = []
        """Questions under a pool's heading that name another pool."""

    def read(self, text: str) -> Quiz | None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = text.split("\n")
        for number, line in enumerate(self.lines, start=1):
            if bad := XML_ILLEGAL.search(line):
                self.error("illegal-character",
                           f"control character U+{ord(bad.group()):04X} cannot appear in a quiz",
                           Location(self.shown, number),
                           "delete it (it is often pasted from a word processor)")
                return None
        try:
            tokens, refused = markdown.parse(text)
        except markdown.NestingTooDeep as exc:
            self.errors.append(nesting_error(Location(self.shown, exc.line), "quiz"))
            return None
        for url in refused:
            self.errors.append(refused_url(url, find_line(self.shown, self.lines, url)))
        if not tokens or tokens[0].type != "front_matter":
            self.error("missing-front-matter", "the quiz has no front matter",
                       Location(self.shown, 1),
                       "start the file with '---', then 'title: ...', then '---'")
            return None
        settings = self.front_matter(tokens[0])
        if settings is None:
            return None
        body = tokens[1:]
        self.errors += markdown.container_diagnostics(body, self.shown,
                                                      tuple(markdown.CALLOUT_KINDS))
        self.check_media(body)
        intro, sections = self.sections(qt.blocks(body))
        items: list[Question | Pool] = []
        for section in sections:
            if section.heading[0].tag == "h1":
                pool = self.pool(section, settings["shuffle"])
                if pool is not None:
                    items.append(pool)
            else:
                question = self.question(section, settings["shuffle"], None)
                if question is not None:
                    items.append(question)
        if not sections:
            self.error("no-questions", "the quiz has no questions", Location(self.shown, 1),
                       "start each question with a '## Question title' heading")
        items = self.finish_pools(items)
        self.check_ids(items)
        return Quiz(
            id=settings["id"].value,
            slug=quiz_slug(self.relpath),
            title=settings["title"],
            intro=qt.block_content(intro) if intro else EMPTY,
            items=tuple(items),
            passing_score=settings["passing_score"],
            max_attempts=settings["attempts"],
            time_limit=settings["time_limit"],
            assets=tuple(self.assets[href] for href in sorted(self.assets)),
            source=Location(self.shown, 1),
            shuffle_questions=settings["shuffle_questions"],
        )

    def front_matter(self, front: Token) -> dict[str, Any] | None:
        try:
            doc = load_yaml_mapping(front.content, self.shown, line_offset=1)
        except SourceError as exc:
            self.errors.append(exc.diagnostic)
            return None
        data = doc.data
        check_keys(doc, data, (), QUIZ_KEYS, ("title",), self.errors)
        slug = quiz_slug(self.relpath)
        title = text_field(doc, data, "title", (), self.errors) or slug
        if "id" in data:
            quiz_id = _Id(text_field(doc, data, "id", (), self.errors) or "quiz", doc.loc("id"))
            self.check_id(quiz_id, "quiz")
        else:
            quiz_id = _Id(ids.ascii_id(slug, "quiz"), Location(self.shown, 1))
        return {
            "id": quiz_id,
            "title": title,
            "passing_score": self.whole(doc, data, "passing_score", 0, 100,
                                        "a whole percentage from 0 to 100", "passing_score: 80"),
            "attempts": self.whole(doc, data, "attempts", 1, 1000, "a whole number from 1",
                                   "attempts: 3 (leave it out for unlimited attempts)"),
            "time_limit": self.whole(doc, data, "time_limit", 1, 100000,
                                     "a whole number of minutes", "time_limit: 20"),
            "shuffle": self.flag(doc, data, "shuffle", (), False),
            "shuffle_questions": self.flag(doc, data, "shuffle_questions", (), False),
        }

    def whole(self, doc: YamlDoc, data: dict[str, Any], key: str, low: int, high: int,
              what: str, example: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error("bad-value", f"{key} must be {what}, not {shown(value)}", doc.loc(key),
                       f"for example: {example}")
            return None
        return value

    def sections(self, blocks: list[list[Token]]) -> tuple[list[list[Token]], list[_Section]]:
        """Group top-level blocks: intro, then '#' pools and '##' questions."""
        intro: list[list[Token]] = []
        sections: list[_Section] = []
        pool: _Section | None = None
        current: _Section | None = None
        stray_reported: set[int] = set()
        for block in blocks:
            tag = block[0].tag if block[0].type == "heading_open" else ""
            if tag == "h1":
                pool = _Section(block)
                sections.append(pool)
                current = None
            elif tag == "h2":
                current = _Section(block)
                (pool.questions if pool is not None else sections).append(current)
            elif current is not None:
                current.blocks.append(block)
            elif pool is not None:
                if id(pool) not in stray_reported:
                    stray_reported.add(id(pool))
                    self.error("text-outside-question",
                               "text between a pool heading ('#') and its first question",
                               self.loc(block),
                               "put it under a '## Question title' heading, or before the "
                               "first heading of the file (the quiz introduction)")
            else:
                intro.append(block)
        return intro, sections

    def heading(self, block: list[Token], allowed: tuple[str, ...], what: str
                ) -> tuple[str, YamlDoc | None, Token]:
        """Title text, settings and the inline token (settings removed) of a heading."""
        inline = block[1]
        children = list(inline.children or ())
        doc: YamlDoc | None = None
        raw = inline.content
        match = qt.SETTINGS.search(raw)
        if match and not qt.ESCAPED_SETTINGS.search(raw):
            last = children[-1] if children else None
            tail = qt.SETTINGS.search(last.content) if last and last.type == "text" else None
            line = (block[0].map[0] + 1) if block[0].map else 1
            if tail is None:
                # CommonMark read part of the settings as Markdown (`{id: a-_0_}` holds the
                # emphasis `_0_`), but settings are not Markdown: read them as written, and
                # the title from the text before them.
                try:
                    doc = load_yaml_mapping(match.group().strip(), self.shown,
                                            line_offset=line - 1)
                except SourceError:
                    self.error("bad-settings", "the settings at the end of this heading "
                               "contain Markdown formatting", Location(self.shown, line),
                               "write them as plain text, e.g. {id: my-question, points: 2}")
                else:
                    children = markdown.parse_inline(raw[:match.start()].rstrip())
                    self.check_settings(doc, allowed, what)
            else:
                assert last is not None
                last.content = last.content[:tail.start()].rstrip()
                if not last.content:
                    children.pop()
                try:
                    doc = load_yaml_mapping(tail.group().strip(), self.shown,
                                            line_offset=line - 1)
                except SourceError as exc:
                    self.errors.append(exc.diagnostic)
                else:
                    self.check_settings(doc, allowed, what)
        inline.children = children
        title = markdown.inline_text(inline)
        if not title and what != "question":  # a question's title is optional
            self.error("missing-title", f"this {what} heading has no title", self.loc(block),
                       f"write the {what}'s title after the '#' marks")
        return title, doc, inline

    def pool(self, section: _Section, default_shuffle: bool) -> Pool | None:
        """A ``#`` pool with the questions under it; `finish_pools` adds the questions that
        name it elsewhere (``{pool: id}``) and checks the draw."""
        title, doc, _inline_token = self.heading(section.heading, POOL_KEYS, "pool")
        data = doc.data if doc else {}
        loc = self.loc(section.heading)
        pool_id = self.item_id(doc, data, title, "pool", loc)
        points = self.points(doc, data) if doc else None
        questions = [q for q in (self.question(s, default_shuffle, points)
                                 for s in section.questions) if q is not None]
        own = []
        for question in questions:
            named = self.pool_tags.get(question.source)
            if named is not None and (pool_id is None or named[0] != pool_id.value):
                self.moved.append(question)  # it names another pool: finish_pools moves it
            else:
                self.pool_tags.pop(question.source, None)
                own.append(question)
        if pool_id is None:
            return None
        self.pool_setup[pool_id.value] = (doc, points)
        return Pool(pool_id.value, title, max(len(own), 1), tuple(own), loc)

    def finish_pools(self, items: list[Question | Pool]) -> list[Question | Pool]:
        """Move each question with ``{pool: id}`` into that pool (a pool's questions are
        presented where its ``#`` heading stands, in source order), then check every pool:
        not empty, a draw it can make, the same points when it draws some."""
        pools = {item.id: item for item in items if isinstance(item, Pool)}
        members: dict[str, list[Question]] = {pool_id: list(pool.questions)
                                              for pool_id, pool in pools.items()}
        kept: list[Question | Pool] = []
        for item in (*items, *self.moved):
            tag = self.pool_tags.get(item.source) if not isinstance(item, Pool) else None
            if tag is None:
                kept.append(item)
                continue
            named, where = tag
            if named not in pools:  # an error: the quiz is not built
                close = difflib.get_close_matches(named, list(pools), n=1)
                self.error("unknown-pool", f"question '{item.id}' names pool {shown(named)}, and "
                           "the quiz has no pool with that id", where,
                           f"did you mean '{close[0]}'?" if close else
                           "start a pool with a '# Pool title {id: " + named + ", draw: N}' "
                           "heading (the heading may have no questions under it)")
                continue
            assert not isinstance(item, Pool)
            doc, points = self.pool_setup[named]
            if points is not None and item.source not in self.own_points:
                item = dataclasses.replace(item, points=points)
            members[named].append(item)
        out: list[Question | Pool] = []
        for item in kept:
            if isinstance(item, Pool):
                pool = self.check_pool(item, sorted(members[item.id],
                                                    key=lambda q: q.source.line or 0))
                if pool is not None:
                    out.append(pool)
            else:
                out.append(item)
        return out

    def check_pool(self, pool: Pool, questions: list[Question]) -> Pool | None:
        doc, _points = self.pool_setup[pool.id]
        data = doc.data if doc else {}
        title, loc = pool.title, pool.source
        if not questions:
            self.error("empty-pool", f"pool {shown(title)} has no questions", loc,
                       "add '## Question' headings under it, or {pool: " + pool.id + "} to "
                       "questions elsewhere, or remove the '#' heading")
            return None
        draw = len(questions)
        if doc and "draw" in data:
            value = data["draw"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.error("bad-value", f"draw must be a whole number from 1, not {shown(value)}",
                           doc.loc("draw"), "for example: {draw: 2}")
            elif value > len(questions):
                self.error("pool-draw-too-large",
                           f"pool {shown(title)} draws {counted(value, 'question')} but has only "
                           f"{len(questions)}", doc.loc("draw"),
                           f"draw at most {len(questions)}, or add questions")
            else:
                draw = value
        if draw < len(questions):
            first = questions[0].points
            for question in questions[1:]:
                if question.points != first:
                    self.error("pool-points-differ",
                               f"question '{question.id}' is worth "
                               f"{counted_points(question.points)}, "
                               f"the first of its pool {first}", question.source,
                               "questions of a pool that draws some of them must be worth the "
                               "same; set {points: N} on the pool heading")
                    break
        return dataclasses.replace(pool, draw=draw, questions=tuple(questions))

    def item_id(self, doc: YamlDoc | None, data: dict[str, Any], title: str, kind: str,
                loc: Location) -> _Id | None:
        if doc is not None and "id" in data:
            value = data["id"]
            if isinstance(value, bool) or not isinstance(value, str | int):
                self.error("bad-id", f"{kind} id {shown(value)} is not text", doc.loc("id"),
                           "quote it, e.g. {id: \"yes\"}: YAML reads yes, no, on, off, true, "
                           "false and null as other values" if isinstance(value, bool) or
                           value is None else _ID_HINT)
                return None
            item = _Id(str(value), doc.loc("id"))
            return item if self.check_id(item, kind) else None
        return _Id(ids.ascii_id(title, kind), loc)

    def check_id(self, item: _Id, kind: str) -> bool:
        if QUESTION_ID.fullmatch(item.value):
            return True
        self.error("bad-id", f"{kind} id {shown(item.value)} is not a valid identifier", item.loc,
                   _ID_HINT)
        return False

    def check_ids(self, items: list[Question | Pool]) -> None:
        """Question and pool ids are unique in the quiz (the quiz id is another namespace)."""
        seen: dict[str, Location] = {}
        for item in items:
            entries = [item, *item.questions] if isinstance(item, Pool) else [item]
            for entry in entries:
                if entry.id in seen:
                    first = seen[entry.id]
                    self.error("duplicate-id", f"id '{entry.id}' is already used at line "
                               f"{first.line}", entry.source,
                               "give one of them its own {id: ...} at the end of its heading; "
                               "ids are derived from the title when none is given")
                else:
                    seen[entry.id] = entry.source

    def question(self, section: _Section, default_shuffle: bool,
                 pool_points: Decimal | None) -> Question | None:
        title, doc, title_inline = self.heading(section.heading, QUESTION_KEYS, "question")
        data = doc.data if doc else {}
        loc = self.loc(section.heading)
        titled = bool(title)
        kind: QuestionKind = "single"
        if doc is not None and "type" in data:
            value = data["type"]
            chosen = question_kind(value)
            if chosen is None:
                close = difflib.get_close_matches(value if isinstance(value, str) else "",
                                                  list(QUESTION_CLASSES), n=1)
                self.error("unknown-question-type", f"unknown question type {shown(value)}",
                           doc.loc("type"),
                           f"did you mean '{close[0]}'?" if close else
                           f"use one of: {', '.join(QUESTION_CLASSES)}")
                return None
            kind = chosen
        flags = {"shuffle": default_shuffle, "partial": False, "case": False}
        if doc is not None:
            for key, kinds in _TYPE_SETTINGS.items():
                if key in data and kind not in kinds:
                    self.error("setting-not-allowed",
                               f"'{key}' does not apply to {NAMES[kind]} questions",
                               doc.loc(key), f"'{key}' is for "
                               f"{', '.join(NAMES[k] for k in kinds)} questions")
                flags[key] = self.flag(doc, data, key, (), flags[key])
        before_split = len(self.errors)
        stem, answers, feedback_blocks = self.split_body(section, kind)
        if not titled and not stem:
            self.error("missing-title", "this question has neither a title nor a text", loc,
                       "write the question under the heading, or a title after the '##' marks")
            return None
        points = self.points(doc, data) if doc is not None else None
        feedback, grading = self.feedback(feedback_blocks, kind)
        if answers is None and kind in _LIST_TYPES:
            what = "choices" if kind in _CHOICE_TYPES else "answers"
            if len(self.errors) > before_split:  # split_body said what is wrong with it
                return None
            self.error(f"missing-{what}", f"this {NAMES[kind]} question has no list of "
                       f"{what}", loc, LIST_HINTS[kind])
            return None
        blanks = self.blanks(stem, loc) if kind == "fill" else []
        if stem or kind == "fill":
            prompt = qt.block_content(stem)
        else:  # no text under the heading: the heading is the question
            heading = markdown.inline_content(title_inline).strip()
            prompt = Content.of(Element("p", (), heading.nodes), "\n")
        if not titled:
            # Named by its stem where a target needs a name (title_from); blanks and their
            # answers are slots by now, so no answer leaks into the name.
            title = title_from(prompt.plain_text()) or NAMES[kind]
        question_id = self.item_id(doc, data, title, "question", loc)
        pool_tag = self.pool_tag(doc, data)
        common: dict[str, Any] = {
            "id": question_id.value if question_id else "",
            "title": title,
            "prompt": prompt,
            "points": points or pool_points or Decimal(1),
            "feedback": feedback,
            "source": loc,
            "titled": titled,
        }
        question: Question | None
        match kind:
            case "single":
                question = SingleChoice(**common, choices=self.choices(answers or [], kind, loc),
                                        shuffle=flags["shuffle"])
            case "multiple":
                question = MultipleResponse(**common,
                                            choices=self.choices(answers or [], kind, loc),
                                            shuffle=flags["shuffle"],
                                            partial_credit=flags["partial"])
            case "truefalse":
                question = self.true_false(answers or [], common, loc)
            case "numeric":
                question = Numeric(**common, answers=self.numbers(answers or [], loc))
            case "matching":
                pairs, distractors = self.pairs(answers or [], loc)
                question = Matching(**common, pairs=pairs, distractors=distractors,
                                    shuffle=flags["shuffle"], partial_credit=flags["partial"])
            case "ordering":
                question = Ordering(**common, items=self.order_items(answers or [], loc))
            case "fill":
                question = FillInBlank(**common, blanks=self.check_blanks(blanks, flags["case"]),
                                       case_sensitive=flags["case"],
                                       partial_credit=flags["partial"])
            case "essay":
                question = Essay(**common, grading=grading)
            case _:
                assert_never(kind)
        if question is None or question_id is None:
            return None
        if pool_tag is not None:
            self.pool_tags[question.source] = pool_tag
        if points is not None:
            self.own_points.add(question.source)
        return question

    def pool_tag(self, doc: YamlDoc | None, data: dict[str, Any]) -> tuple[str, Location] | None:
        """The pool a question names with ``{pool: id}`` (from anywhere in the quiz)."""
        if doc is None or "pool" not in data:
            return None
        value = data["pool"]
        if isinstance(value, bool) or not isinstance(value, str | int) or \
                not QUESTION_ID.fullmatch(str(value)):
            self.error("bad-value", f"pool must be the id of a pool, not {value!r}",
                       doc.loc("pool"), "for example: {pool: hard-ones}, the pool's "
                       "{id: hard-ones} on its '#' heading")
            return None
        return str(value), doc.loc("pool")

    def points(self, doc: YamlDoc, data: dict[str, Any]) -> Decimal | None:
        if "points" not in data:
            return None
        value = data["points"]
        number = None
        if not isinstance(value, bool) and isinstance(value, int | float):
            number = decimal_value(str(value))
        if number is None or not 0 < number <= _MAX_POINTS or _decimal_places(number) > 2:
            self.error("bad-value", f"points must be a positive number, not {shown(value)}",
                       doc.loc("points"), "for example: points: 2 (at most two decimals, "
                       "at most 1000)")
            return None
        return Decimal(int(number)) if number == int(number) else number

    def split_body(self, section: _Section, kind: str
                   ) -> tuple[list[list[Token]], list[Token] | None, list[list[Token]]]:
        """Stem blocks, the answer list (None when missing or not expected), feedback."""
        blocks = list(section.blocks)
        feedback: list[list[Token]] = []
        while blocks and qt.is_block(blocks[-1], "blockquote_open") and self.label(blocks[-1]):
            feedback.insert(0, blocks.pop())
        answers = None
        if kind in _LIST_TYPES:
            last_list = max((i for i, b in enumerate(blocks)
                             if qt.is_block(b, "bullet_list_open", "ordered_list_open")),
                            default=None)
            if last_list is not None and self.split_answers(blocks, last_list, kind):
                return blocks[:last_list], None, feedback
            if last_list is not None:
                answers = blocks[last_list]
                for extra in blocks[last_list + 1:]:
                    if qt.is_block(extra, "blockquote_open"):
                        self.error(*_NOT_INDENTED, self.loc(extra), _NOT_INDENTED_HINT)
                        break
                    self.error("content-after-answers",
                               "only feedback can follow the answer list", self.loc(extra),
                               "start feedback with 'Correct:', 'Incorrect:' or 'Feedback:' "
                               "inside a '>' quote, or move this text above the list")
                    break
                blocks = blocks[:last_list]
        for block in blocks:
            if qt.is_block(block, "blockquote_open") and self.label(block):
                self.error("misplaced-feedback", "feedback must come at the end of the "
                           "question", self.loc(block),
                           "move the '> Correct: / Incorrect: / Feedback:' quotes below the "
                           "answers")
        return blocks, answers, feedback

    def split_answers(self, blocks: list[list[Token]], last: int, kind: str) -> bool:
        """Report an answer list that the author wrote as one but CommonMark reads as several
        (the block before the last list belongs to the answers): a choice feedback quote
        not indented under its choice ends the list, and so does a change of bullet
        ('-' then '*'). Without this the last piece alone was read as the answers ("needs
        at least two choices", at the heading). True when something was reported."""
        reported = False
        index = last
        while index > 0:
            previous = blocks[index - 1]
            if (qt.is_block(previous, "blockquote_open") and not self.label(previous)
                    and index > 1 and self._answer_like(blocks[index - 2], kind)):
                self.error(*_NOT_INDENTED, self.loc(previous), _NOT_INDENTED_HINT)
                index -= 2
            elif (qt.is_block(previous, "bullet_list_open", "ordered_list_open")
                  and self._answer_like(previous, kind)):
                first = blocks[index][0]
                new, old = first.markup, previous[0].markup
                self.error("answer-list-split", f"this line starts a new list: its bullet "
                           f"'{new}' is not the '{old}' of the lines above",
                           self.loc(blocks[index]),
                           f"use '{old}' for every line of the answer list: a change of "
                           "bullet starts a new list in Markdown")
                index -= 1
            else:
                break
            reported = True
        return reported

    def _answer_like(self, block: list[Token], kind: str) -> bool:
        """A list whose first item reads as an answer of *kind* (a choice has its box)."""
        if not qt.is_block(block, "bullet_list_open", "ordered_list_open"):
            return False
        if kind not in _CHOICE_TYPES:
            return True
        for token in block:
            if token.type == "inline":
                return bool(re.match(r"\[[ xX]\]", token.content))
        return False

    def check_media(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.type != "inline":
                continue
            for child in token.children or ():
                if child.type == "image":
                    src = str(child.attrGet("src") or "")
                    asset = check_image(child, self.loc(token, src or "!["), self.relpath,
                                        self.root, self.errors, kind="quiz",
                                        media=self.media)
                    if asset is not None:
                        self.assets[asset.href] = asset
                elif child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if not is_external(href):
                        self.error("link-in-quiz", f"link {shown(href)} points inside the course",
                                   self.loc(token, href),
                                   "quizzes are also exported on their own (QTI, Moodle), "
                                   "where lessons are not: name the lesson in plain text")
                    elif urlsplit(href).scheme in ("http", "https"):
                        child.attrSet("rel", "noopener")


_NOT_INDENTED = ("feedback-not-indented", "this quote is not indented under a choice, so it "
                 "ends the answer list")
_NOT_INDENTED_HINT = ("indent it under the choice it belongs to, lined up with the choice's "
                      "text ('  > ...' under '- [x] ...'); feedback for the whole question "
                      "starts with 'Correct:', 'Incorrect:' or 'Feedback:'")


@dataclass(frozen=True, slots=True)
class _Id:
    value: str
    loc: Location


_ID_HINT = ("use letters, digits, '-' and '_', starting with a letter, at most 64 characters, "
            "e.g. {id: growth-rate}")
