"""The in-memory course model: what every reader produces and every writer consumes.

Frozen dataclasses with tuples, so one writer cannot change what the next one sees. No I/O,
no XML here: lesson and quiz content is a tree (`scormkit.content`) whose references (images,
links to lessons, blanks) each writer resolves for its own layout.

Layers: errors <- content <- questions <- model; nothing here imports a reader or a writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scormkit.content import Asset, Content
from scormkit.errors import Location
from scormkit.questions import Quiz

__all__ = ["Asset", "Course", "Lesson", "Tracking"]


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    """Stable NCName identifier (front matter ``id`` or derived from the file name)."""
    slug: str
    """File stem, used for page names (``lessons/<slug>.html``)."""
    title: str
    objectives: tuple[str, ...]
    minutes: int | None
    body: Content
    """The lesson text (block content); links to lessons are `scormkit.content.LessonLink`,
    headings carry their page-unique ``id`` (``<lesson id>--<slug>``)."""
    assets: tuple[Asset, ...]
    source: Location


@dataclass(frozen=True, slots=True)
class Tracking:
    completion: str = "all-lessons"
    """What makes the course complete: ``all-lessons`` (every lesson viewed) or ``launch``
    (opening the course is enough)."""
    passing_score: int | None = None
    """Percentage (0-100) a learner needs to pass; ``None`` when nothing is scored."""


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    description: str
    language: str
    version: str
    authors: tuple[str, ...]
    keywords: tuple[str, ...]
    lessons: tuple[Lesson, ...]
    tracking: Tracking
    source: Location
    root: Path = field(compare=False)
    """Directory holding course.yaml; only used for messages."""
    quiz: Quiz | None = None
    """The graded quiz named by ``quiz:`` in course.yaml (scormkit.questions), if any."""
    targets: tuple[str, ...] = ()
    """Formats ``scormkit build`` makes when none is given on the command line."""
    lessons_read: bool = True
    """False when the lesson files were not read (``lessons`` is then empty): a build of
    quiz-only formats (`scormkit.formats.Format.lessons`) skips them."""

    @property
    def assets(self) -> tuple[Asset, ...]:
        """Every media file the course references, once each, sorted by package path."""
        seen: dict[str, Asset] = {}
        for lesson in self.lessons:
            for asset in lesson.assets:
                seen.setdefault(asset.href, asset)
        for asset in self.quiz.assets if self.quiz else ():
            seen.setdefault(asset.href, asset)
        return tuple(seen[href] for href in sorted(seen))
