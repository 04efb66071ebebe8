"""A package in memory: what a writer produces and the validator and zip writer consume."""

from __future__ import annotations

from dataclasses import dataclass, field

from scormkit.errors import Diagnostic


@dataclass
class Package:
    """An ordered map of in-archive POSIX paths to bytes, plus what it is."""

    target: str
    """Format key, e.g. ``scorm12``."""
    filename: str
    """Zip file name, e.g. ``tpm-skills-1.0.0-scorm12.zip``."""
    files: dict[str, bytes] = field(default_factory=dict)
    xml_documents: dict[str, str] = field(default_factory=dict)
    """Archive path of each XML document -> schema family it must validate against."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """What the writer could only approximate (``build`` reports them with the result)."""
    single_file: bool = False
    """The package is its one member, written as *filename* itself rather than zipped (a
    Moodle XML question file: Moodle's import takes the .xml, not a zip)."""

    def add(self, path: str, data: bytes | str, *, schema: str | None = None) -> None:
        if path in self.files:
            raise ValueError(f"duplicate package member {path}")
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data
        if schema:
            self.xml_documents[path] = schema

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())
