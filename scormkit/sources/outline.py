"""course.yaml: the course's metadata, its ordered lessons and its tracking options."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scormkit import formats
from scormkit.errors import Diagnostic, Location, shown
from scormkit.model import Tracking
from scormkit.paths import display_path
from scormkit.sources import files
from scormkit.sources.fields import XML_ILLEGAL, check_keys, text_field, text_list
from scormkit.sources.yamlfile import YamlDoc

COURSE_FILE = "course.yaml"
COURSE_KEYS = (
    "id", "title", "description", "objectives", "language", "version", "authors", "keywords",
    "lessons", "tracking", "quiz", "targets", "theme",
)
REQUIRED_KEYS = ("id", "title", "language", "version", "lessons")
TRACKING_KEYS = ("completion", "passing_score")
COMPLETION_RULES = ("all-lessons", "launch")

# The id and version end up in file names and manifest identifiers: keep them plain ASCII.
_COURSE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$")
# BCP 47 language tag, the common shapes (en, en-GB, pt-BR, zh-Hant-TW).
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class LessonRef:
    """A lesson file named in course.yaml."""

    path: Path
    relpath: str
    """Path relative to the course folder, as written in course.yaml."""
    shown: str
    """Path as messages show it (relative to the working directory)."""
    location: Location


@dataclass(frozen=True, slots=True)
class Outline:
    id: str
    title: str
    description: str
    language: str
    version: str
    authors: tuple[str, ...]
    keywords: tuple[str, ...]
    lessons: tuple[LessonRef, ...]
    tracking: Tracking
    source: Location
    quiz: LessonRef | None = None
    """The quiz file (``quiz:``), read by sources.quiz."""
    targets: tuple[str, ...] = ()
    """What ``scormkit build`` makes when no --target is given (``targets:``)."""
    objectives: tuple[str, ...] = ()
    """What the course teaches, for its cover (``objectives:``)."""


def read_outline(doc: YamlDoc, root: Path, errors: list[Diagnostic]) -> Outline:
    """Check course.yaml's keys and values; record every problem in *errors*."""
    data = doc.data
    check_keys(doc, data, (), COURSE_KEYS, REQUIRED_KEYS, errors)

    course_id = text_field(doc, data, "id", (), errors) or "course"
    if "id" in data and not _COURSE_ID.match(course_id):
        errors.append(Diagnostic(
            "bad-course-id", f"course id {shown(course_id)} is not a plain identifier",
            doc.loc("id"),
            "use letters, digits, '-' and '_', starting with a letter (at most 64 characters); "
            "keep it stable: LMSs match re-uploaded packages by it",
        ))
    version = _version(doc, data, errors)
    language = text_field(doc, data, "language", (), errors) or "en"
    if "language" in data and not _LANGUAGE.match(language):
        errors.append(Diagnostic(
            "bad-language", f"{shown(language)} is not a BCP 47 language tag", doc.loc("language"),
            "use a tag such as en, en-GB, fr or pt-BR",
        ))
    return Outline(
        id=course_id,
        # SCORM 1.2 titles reach the data model as CMIString255.
        title=text_field(doc, data, "title", (), errors) or course_id,
        # SCORM Cloud warns on LOM descriptions over 1000 characters (SCORM 1.2).
        description=text_field(doc, data, "description", (), errors, max_length=1000) or "",
        language=language,
        version=version,
        authors=text_list(doc, data, "authors", (), errors),
        keywords=text_list(doc, data, "keywords", (), errors),
        lessons=(lessons := _lesson_refs(doc, root, errors)),
        tracking=_tracking(doc, errors),
        source=Location(doc.path, 1),
        quiz=_quiz_ref(doc, root, lessons, errors),
        targets=_targets(doc, errors),
        objectives=text_list(doc, data, "objectives", (), errors),
    )


def _targets(doc: YamlDoc, errors: list[Diagnostic]) -> tuple[str, ...]:
    names = text_list(doc, doc.data, "targets", (), errors)
    known = [*formats.target_names(), formats.ALL]
    for index, name in enumerate(names):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            errors.append(Diagnostic(
                "unknown-target", f"unknown target {shown(name)}", doc.loc("targets", index),
                f"did you mean '{close[0]}'?" if close else f"use some of: {', '.join(known)}"))
    return tuple(formats.expand_targets(names))


def _version(doc: YamlDoc, data: dict[str, Any], errors: list[Diagnostic]) -> str:
    value = data.get("version")
    if isinstance(value, float):
        errors.append(Diagnostic(
            "bad-version", f"version {shown(value)} was read as a number", doc.loc("version"),
            'quote it, e.g. version: "1.10", so that 1.10 does not become 1.1',
        ))
        return str(value)
    version = text_field(doc, data, "version", (), errors) or "0"
    if "version" in data and not _VERSION.match(version):
        errors.append(Diagnostic(
            "bad-version", f"version {shown(version)} cannot be used in a file name",
            doc.loc("version"), "use digits, letters, '.', '-' and '+', e.g. 1.0.0",
        ))
    return version


def _lesson_refs(doc: YamlDoc, root: Path, errors: list[Diagnostic]) -> tuple[LessonRef, ...]:
    value = doc.data.get("lessons")
    if "lessons" in doc.data and (not isinstance(value, list) or not value):
        errors.append(Diagnostic(
            "bad-value", "'lessons' must be a non-empty list of lesson files", doc.loc("lessons"),
            "list them in order, one '- lessons/01-intro.md' line each",
        ))
        return ()
    refs: list[LessonRef] = []
    seen: dict[str, Location] = {}
    real_root = files.course_root(root)  # once: resolving walks every folder of the path
    for index, item in enumerate(value or ()):
        loc = doc.loc("lessons", index)
        if not isinstance(item, str) or not item.strip():
            errors.append(Diagnostic("bad-value", "a lesson entry must be a file path", loc,
                                     "write it as '- lessons/01-intro.md'"))
            continue
        rel = _relative(item, "lesson", loc, errors)
        if rel is None:
            continue
        if rel.suffix != ".md":
            errors.append(Diagnostic(
                "bad-lesson-file", f"lesson {shown(item)} is not a Markdown (.md) file", loc,
                "lessons are Markdown files ending in .md"))
            continue
        path = _existing(root, rel, f"lesson file {shown(item)}", loc, errors, real_root)
        if path is None:
            continue
        key = rel.as_posix()
        if key in seen:
            errors.append(Diagnostic(
                "duplicate-lesson", f"lesson {shown(item)} is listed twice (first at line "
                f"{seen[key].line})", loc, "remove one of the two entries",
            ))
            continue
        seen[key] = loc
        refs.append(LessonRef(path, key, display_path(path), loc))
    return tuple(refs)


def _quiz_ref(doc: YamlDoc, root: Path, lessons: tuple[LessonRef, ...],
              errors: list[Diagnostic]) -> LessonRef | None:
    """``quiz: quizzes/name.quiz.md``: checked like a lesson path."""
    if "quiz" not in doc.data:
        return None
    item, loc = doc.data["quiz"], doc.loc("quiz")
    if not isinstance(item, str) or not item.strip():
        errors.append(Diagnostic("bad-value", "'quiz' must be the path of a quiz file", loc,
                                 "write it as 'quiz: quizzes/final.quiz.md'"))
        return None
    rel = _relative(item, "quiz", loc, errors)
    if rel is None:
        return None
    if rel.suffix != ".md" or rel.as_posix() in {ref.relpath for ref in lessons}:
        errors.append(Diagnostic(
            "bad-quiz-file", f"quiz {shown(item)} is not a quiz file", loc,
            "a quiz is a Markdown file of its own, by convention ending in .quiz.md"))
        return None
    path = _existing(root, rel, f"quiz file {shown(item)}", loc, errors)
    if path is None:
        return None
    return LessonRef(path, rel.as_posix(), display_path(path), loc)


def _relative(item: str, kind: str, loc: Location, errors: list[Diagnostic]
              ) -> PurePosixPath | None:
    """The course-relative path written in course.yaml, or None (recorded) when it cannot
    name a file inside the course folder."""
    rel = PurePosixPath(item.strip())
    if rel.is_absolute() or ".." in rel.parts or "\\" in item:
        errors.append(Diagnostic(
            "path-outside-course", f"{kind} path {shown(item)} leaves the course folder", loc,
            "give the path relative to course.yaml, with '/' and without '..'"))
        return None
    if XML_ILLEGAL.search(item) or any(ord(char) < 32 for char in item):
        errors.append(Diagnostic(
            "illegal-character", f"{kind} path {shown(item)} contains a control character",
            loc, "rename the file without control characters (tabs, new lines...)"))
        return None
    return rel


def _existing(root: Path, rel: PurePosixPath, what: str, loc: Location,
              errors: list[Diagnostic], real_root: Path | None = None) -> Path | None:
    """*rel* inside the course folder *root* once links are followed, as a regular file;
    None (recorded) otherwise (sources.files.locate)."""
    try:
        files.locate(real_root or files.course_root(root), rel.as_posix(), what)
    except files.Refusal as refusal:
        hint = refusal.hint
        if refusal.code == "file-missing" and "link" not in refusal.message:
            hint = (f"create {shown(rel.as_posix(), quote=False)} or fix the path (it is "
                    "relative to course.yaml)")
        errors.append(Diagnostic(refusal.code, refusal.message, loc, hint))
        return None
    return root / rel


def _tracking(doc: YamlDoc, errors: list[Diagnostic]) -> Tracking:
    value = doc.data.get("tracking")
    if value is None:
        return Tracking()
    if not isinstance(value, dict):
        errors.append(Diagnostic("bad-value", "'tracking' must be a mapping", doc.loc("tracking"),
                                 "indent its keys under it, e.g. '  completion: all-lessons'"))
        return Tracking()
    check_keys(doc, value, ("tracking",), TRACKING_KEYS, (), errors)
    completion = value.get("completion", "all-lessons")
    if completion not in COMPLETION_RULES:
        errors.append(Diagnostic(
            "bad-value", f"unknown completion rule {shown(completion)}",
            doc.loc("tracking", "completion"), f"use one of: {', '.join(COMPLETION_RULES)}",
        ))
        completion = "all-lessons"
    score = value.get("passing_score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                              or not 0 <= score <= 100):
        errors.append(Diagnostic(
            "bad-value",
            f"passing_score must be a whole percentage from 0 to 100, not {shown(score)}",
            doc.loc("tracking", "passing_score"), "for example: passing_score: 80",
        ))
        score = None
    return Tracking(completion=completion, passing_score=score)
