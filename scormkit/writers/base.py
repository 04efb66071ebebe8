"""The writer contract: one class per target format, pure (no file system, clock or randomness)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from scormkit.model import Course
from scormkit.package import Package


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """Options that change a package's layout (not its content)."""

    sco_per_lesson: bool = False
    """One SCO per lesson instead of one SCO for the whole course."""


class Writer:
    """Base of every target writer."""

    name: ClassVar[str]
    """Format key: CLI --target value, template folder, zip suffix."""
    label: ClassVar[str]
    schema_family: ClassVar[str]
    """Catalog family whose XSDs validate (and, for SCORM, ship with) the package; empty
    for a format without an official XSD (Moodle XML)."""

    def __init__(self, options: WriterOptions | None = None) -> None:
        self.options = options or WriterOptions()

    def package_name(self, course: Course) -> str:
        return f"{course.id}-{course.version}-{self.name}.zip"

    def write(self, course: Course) -> Package:
        raise NotImplementedError
