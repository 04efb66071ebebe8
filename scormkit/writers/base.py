"""The writer contract: one class per target format, pure (no file system, clock or randomness)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from scormkit import formats
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

    def __init__(self, options: WriterOptions | None = None) -> None:
        self.options = options or WriterOptions()

    def package_name(self, course: Course) -> str:
        return f"{course.id}-{course.version}-{self.name}.zip"

    def write(self, course: Course) -> Package:
        raise NotImplementedError
