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
from scormkit.questions import Question, Quiz

__all__ = ["Asset", "Check", "Course", "FontFace", "Lesson", "Theme", "Tracking"]


@dataclass(frozen=True, slots=True)
class Check:
    """An ungraded "check your understanding" question inside a lesson
    (scormkit.sources.checks): shown and checked in the page, never scored, tracked or
    exported to a quiz format."""

    question: Question
    titled: bool
    """False when the author gave no title (the page then shows only "Check your
    understanding")."""
    source: Location


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
    parts: tuple[Content | Check, ...] = ()
    """The lesson as shown: its text with its checks in place, in order. Empty when the
    lesson has no check (`body` is then all of it); `body` never holds the checks."""

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(part for part in self.parts if isinstance(part, Check))


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
    objectives: tuple[str, ...] = ()
    """What the course teaches (course.yaml ``objectives``), shown on the course cover."""
    theme: Theme | None = None
    """The look of the learner pages (course.yaml ``theme:``, scormkit.sources.theme)."""

    @property
    def templates(self) -> Path | None:
        """The author's template folder (``theme: templates:``), searched before ours."""
        return self.theme.templates if self.theme else None

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


@dataclass(frozen=True, slots=True)
class FontFace:
    """A font file of the course, declared with @font-face by the theme's stylesheet."""

    family: str
    weight: str
    """A CSS font-weight: ``400``, ``700``... or a range such as ``100 900`` (variable fonts)."""
    style: str
    """``normal`` or ``italic``."""
    format: str
    """The @font-face format() hint: ``woff2``, ``woff``, ``truetype`` or ``opentype``."""
    file: Asset


@dataclass(frozen=True, slots=True)
class Theme:
    """course.yaml ``theme:``, checked (colours meet WCAG AA on the page's backgrounds) and
    resolved into values of the page's CSS custom properties (docs/theming.md)."""

    light: tuple[tuple[str, str], ...]
    """``--sk-*`` properties (without the ``--sk-``) the light scheme sets, in order."""
    dark: tuple[tuple[str, str], ...]
    """The same for ``prefers-color-scheme: dark``."""
    source: Location
    fonts: tuple[FontFace, ...] = ()
    font_body: tuple[str, ...] = ()
    """Font families put before the system font stack for the text (empty: unchanged)."""
    font_heading: tuple[str, ...] = ()
    logo: Asset | None = None
    logo_alt: str = ""
    """The logo's alt text; empty when it is decorative (the course title is beside it)."""
    stylesheet: Asset | None = None
    """The author's CSS, linked after scormkit's."""
    templates: Path | None = field(default=None, compare=False)
    """Template folder searched before the built-in templates (mkdocs' ``custom_dir``)."""
