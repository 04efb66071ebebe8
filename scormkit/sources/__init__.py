"""Read a course folder (course.yaml, lessons, media) into one Course model.

Everything is read and checked before anything is written, and every problem is reported at
once as a SourceErrors carrying one diagnostic per defect.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from scormkit import formats, ids
from scormkit.errors import Diagnostic, Location, SourceError, SourceErrors, shown
from scormkit.model import Course, Lesson
from scormkit.paths import display_path
from scormkit.sources import files
from scormkit.sources.lesson import (
    LessonHead,
    assign_heading_ids,
    read_lesson_head,
    render_lesson,
)
from scormkit.sources.media import MediaFiles
from scormkit.sources.outline import COURSE_FILE, read_outline
from scormkit.sources.quiz import read_quiz
from scormkit.sources.theme import read_theme
from scormkit.sources.yamlfile import load_yaml_mapping

__all__ = ["load_course"]

_UNSAFE_IN_PAGE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def load_course(course_dir: str | Path, *, targets: Iterable[str] | None = None) -> Course:
    """Read and check the course in *course_dir*; raise SourceErrors listing every defect.

    *targets*: read only what these formats use (None: the course's own ``targets:``, or
    everything). Quiz-only formats (`scormkit.formats.Format.lessons`) use no lesson: when
    no target shows lessons, the lesson files are not read (``Course.lessons_read``)."""
    root = Path(course_dir)
    course_file = root / COURSE_FILE
    course_shown = display_path(course_file)
    if not course_file.exists() and not course_file.is_symlink():
        raise SourceError(
            "file-missing", f"no {COURSE_FILE} in '{display_path(root)}'", Location(course_shown),
            f"run scormkit in a course folder or pass its path; it must contain {COURSE_FILE}",
        )
    try:
        text = files.read_text(files.course_root(root), COURSE_FILE, COURSE_FILE)
    except files.Refusal as refusal:
        raise SourceError(refusal.code, refusal.message, Location(course_shown, refusal.line),
                          refusal.hint) from None

    errors: list[Diagnostic] = []
    doc = load_yaml_mapping(text, course_shown)
    outline = read_outline(doc, root, errors)
    wanted = list(targets) if targets is not None else list(outline.targets)
    lessons_read = not wanted or any(formats.FORMATS[t].lessons for t in wanted
                                     if t in formats.FORMATS)
    heads = []
    for ref in outline.lessons if lessons_read else ():
        head = read_lesson_head(ref, root, errors)
        if head is not None:
            assign_heading_ids(head, errors)
            heads.append(head)
    by_id: dict[str, Location] = {}
    for head in heads:
        here = Location(head.ref.shown, 1)
        if head.id in by_id:
            errors.append(Diagnostic(
                "duplicate-id",
                f"lesson id {shown(head.id)} is already used by {by_id[head.id].path}",
                here, "give one of them a different 'id:' in its front matter"))
        by_id.setdefault(head.id, here)
    # Listed lessons that could not be read map to None: links to them are not reported again.
    by_path: dict[str, LessonHead | None] = dict.fromkeys(r.relpath for r in outline.lessons)
    by_path.update((head.ref.relpath, head) for head in heads)
    media = MediaFiles(root)
    theme = read_theme(doc, root, errors, media)
    lessons: list[Lesson] = []
    for head in heads:
        lessons.append(render_lesson(head, root, by_path, errors, media))
        # Its tree is built: drop its tokens now rather than keep every lesson's alive
        # through the quiz's parse (links from later lessons only need its id and anchors).
        head.tokens = []
    tracking, quiz = outline.tracking, None
    if outline.quiz is not None:
        quiz = read_quiz(outline.quiz.path, root, errors, shown=outline.quiz.shown,
                         media=media)
    if quiz is not None:
        if quiz.id in by_id:
            errors.append(Diagnostic(
                "duplicate-id",
                f"quiz id {shown(quiz.id)} is already used by {by_id[quiz.id].path}",
                quiz.source, "give the quiz a different 'id:' in its front matter"))
        # One passing score for the course: the quiz's, or course.yaml's when the quiz has
        # none; both given and different is an error (SCORM's mastery score would disagree
        # with the score the quiz shows).
        if tracking.passing_score is None:
            tracking = dataclasses.replace(tracking, passing_score=quiz.passing_score)
        elif quiz.passing_score is None:
            quiz = dataclasses.replace(quiz, passing_score=tracking.passing_score)
        elif quiz.passing_score != tracking.passing_score:
            errors.append(Diagnostic(
                "passing-score-conflict", f"course.yaml sets passing_score "
                f"{tracking.passing_score} but the quiz sets {quiz.passing_score}",
                outline.quiz.location if outline.quiz else quiz.source,
                "set it in one place only (the quiz's front matter is the usual one)"))
    if errors:
        raise SourceErrors(errors)
    return Course(
        id=outline.id,
        title=outline.title,
        description=outline.description,
        language=outline.language,
        version=outline.version,
        authors=outline.authors,
        keywords=outline.keywords,
        lessons=_with_page_names(lessons),
        tracking=tracking,
        source=outline.source,
        root=root,
        quiz=quiz,
        targets=outline.targets,
        lessons_read=lessons_read,
        objectives=outline.objectives,
        theme=theme,
    )


def _with_page_names(lessons: Iterable[Lesson]) -> tuple[Lesson, ...]:
    """Page names (``lessons/<slug>.html``) come from file stems: keep them safe in URLs and
    zip members ('#', '?', spaces) and unique even on case-insensitive file systems, so that
    ``a/intro.md`` and ``b/intro.md`` do not overwrite each other's page."""
    names = ids.UniqueNames(str.casefold)
    named = []
    for lesson in lessons:
        slug = names.claim(_UNSAFE_IN_PAGE_NAME.sub("-", lesson.slug).strip("-.") or "lesson")
        named.append(lesson if slug == lesson.slug else dataclasses.replace(lesson, slug=slug))
    return tuple(named)
