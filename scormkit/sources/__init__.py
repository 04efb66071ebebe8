"""Read a course folder (course.yaml, lessons, media) into one Course model.

Everything is read and checked before anything is written, and every problem is reported at
once as a SourceErrors carrying one diagnostic per defect.
"""

from __future__ import annotations

from pathlib import Path

from scormkit.errors import Diagnostic, Location, SourceError, SourceErrors
from scormkit.model import Course, Lesson
from scormkit.paths import display_path
from scormkit.sources.lesson import assign_heading_ids, read_lesson_head, render_lesson
from scormkit.sources.outline import COURSE_FILE, read_outline
from scormkit.sources.yamlfile import load_yaml_mapping

__all__ = ["load_course"]


def load_course(course_dir: str | Path) -> Course:
    """Read and check the course in *course_dir*; raise SourceErrors listing every defect."""
    root = Path(course_dir)
    course_file = root / COURSE_FILE
    shown = display_path(course_file)
    if not course_file.is_file():
        raise SourceError(
            "file-missing", f"no {COURSE_FILE} in '{display_path(root)}'", Location(shown),
            f"run scormkit in a course folder or pass its path; it must contain {COURSE_FILE}",
        )
    try:
        text = course_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not-utf8", "the file is not UTF-8 text", Location(shown)) from None

    errors: list[Diagnostic] = []
    outline = read_outline(load_yaml_mapping(text, shown), root, errors)
    heads = []
    for ref in outline.lessons:
        head = read_lesson_head(ref, root, errors)
        if head is not None:
            assign_heading_ids(head, errors)
            heads.append(head)
    by_id: dict[str, Location] = {}
    for head in heads:
        here = Location(head.ref.shown, 1)
        if head.id in by_id:
            errors.append(Diagnostic(
                "duplicate-id", f"lesson id '{head.id}' is already used by {by_id[head.id].path}",
                here, "give one of them a different 'id:' in its front matter"))
        by_id.setdefault(head.id, here)
    by_path = {head.ref.relpath: head for head in heads}
    lessons: list[Lesson] = [render_lesson(head, root, by_path, errors) for head in heads]
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
        lessons=tuple(lessons),
        tracking=outline.tracking,
        source=outline.source,
        root=root,
    )
