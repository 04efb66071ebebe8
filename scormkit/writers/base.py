"""The writer contract: one class per target format, pure (no file system, clock or randomness)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from scormkit import formats
from scormkit.errors import Diagnostic, Location, Severity
from scormkit.formats import Format, Layout
from scormkit.model import Course
from scormkit.package import Package


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """Options that change a package's layout (not its content)."""

    sco_per_lesson: bool = False
    """One SCO per lesson instead of one SCO for the whole course."""

    @property
    def layout(self) -> Layout:
        return Layout.SCO_PER_LESSON if self.sco_per_lesson else Layout.DEFAULT


class Writer:
    """Base of every target writer.

    A writer class names its format key; its label and schema family are the registry's
    (scormkit/formats.py), copied onto the class when it is defined. A class that still
    spells them out must agree with the registry: a difference fails at import, so the two
    cannot drift apart.
    """

    name: ClassVar[str]
    """Format key: CLI --target value, template folder, zip suffix."""
    format: ClassVar[Format]
    label: ClassVar[str]
    schema_family: ClassVar[str]
    """Catalog family whose XSDs validate (and, for SCORM, ship with) the package; empty
    for a format without an official XSD (Moodle XML)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:  # a shared base, not a concrete writer
            return
        cls.format = formats.FORMATS[cls.name]
        for attribute in ("label", "schema_family"):
            registered = getattr(cls.format, attribute)
            if cls.__dict__.get(attribute, registered) != registered:
                raise TypeError(f"{cls.__name__}.{attribute} differs from the registry's "
                                f"{registered!r} (scormkit/formats.py)")
            setattr(cls, attribute, registered)

    title_limit: ClassVar[tuple[int, str] | None] = None
    """The most characters a course, lesson or quiz title may have in this format's
    manifest or LMS fields, and where that limit comes from; None: no limit. Titles are
    never refused for length: the pages show them in full, and `listed` shortens them only
    where the limit applies, with a warning."""

    def listed(self, course: Course, warnings: list[Diagnostic], *,
               lessons: bool = True, quiz: bool = True) -> Course:
        """*course* with its titles shortened to `title_limit` for the fields that have it
        (manifest items, an LMS's activity or question-bank names), one warning per
        shortened title; the pages are written from the course as it is. Without
        *lessons* (or *quiz*), lesson (quiz) titles are left alone: the package does not
        list them (a quiz target has no lessons, a single SCO lists only the course)."""
        if self.title_limit is None:
            return course
        limit, why = self.title_limit

        def cut(title: str, what: str, where: Location) -> str:
            if len(title) <= limit:
                return title
            short = shorten(title, limit)
            warnings.append(Diagnostic(
                "title-shortened", f"the {what} title has {len(title)} characters; {self.name} "
                f"allows {limit} ({why}), so it is listed as {short!r}", where,
                "the page shows it in full; give it a shorter title if the LMS's menu should "
                "show it whole", Severity.WARNING))
            return short

        listed = tuple(dataclasses.replace(le, title=cut(le.title, "lesson", le.source))
                       for le in course.lessons) if lessons else course.lessons
        listed_quiz = course.quiz
        if listed_quiz is not None and quiz:
            listed_quiz = dataclasses.replace(
                listed_quiz, title=cut(listed_quiz.title, "quiz", listed_quiz.source))
        return dataclasses.replace(course, title=cut(course.title, "course", course.source),
                                   lessons=listed, quiz=listed_quiz)

    def __init__(self, options: WriterOptions | None = None) -> None:
        self.options = options or WriterOptions()

    def package_name(self, course: Course) -> str:
        return f"{course.id}-{course.version}-{self.name}.zip"

    def write(self, course: Course) -> Package:
        raise NotImplementedError


def shorten(text: str, limit: int) -> str:
    """*text* cut to at most *limit* characters, ending in '…': at the last space of the
    last fifth when there is one, so that no word is cut in half."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ")
    if space >= limit * 4 // 5:
        head = head[:space]
    return head.rstrip(" ,;:.-") + "…"
