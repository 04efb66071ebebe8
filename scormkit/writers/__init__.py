"""The target writers, by format key. Registration is explicit: one line per writer."""

from __future__ import annotations

from scormkit.writers.base import Writer, WriterOptions
from scormkit.writers.scorm12 import Scorm12Writer

WRITERS: dict[str, type[Writer]] = {
    Scorm12Writer.name: Scorm12Writer,
}

__all__ = ["WRITERS", "Writer", "WriterOptions"]
