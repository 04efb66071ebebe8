"""The target writers, by format key. Registration is explicit: one line per writer."""

from __future__ import annotations

from scormkit.writers.base import Writer, WriterOptions
from scormkit.writers.cc import CommonCartridge11Writer, CommonCartridge13Writer
from scormkit.writers.cmi5 import Cmi5Writer
from scormkit.writers.moodlexml import MoodleXmlWriter
from scormkit.writers.qti12 import Qti12Writer
from scormkit.writers.qti21 import Qti21Writer
from scormkit.writers.qti30 import Qti30Writer
from scormkit.writers.scorm12 import Scorm12Writer
from scormkit.writers.scorm2004 import Scorm2004Writer

WRITERS: dict[str, type[Writer]] = {
    Scorm12Writer.name: Scorm12Writer,
    Scorm2004Writer.name: Scorm2004Writer,
    CommonCartridge11Writer.name: CommonCartridge11Writer,
    CommonCartridge13Writer.name: CommonCartridge13Writer,
    Qti12Writer.name: Qti12Writer,
    Qti21Writer.name: Qti21Writer,
    Qti30Writer.name: Qti30Writer,
    MoodleXmlWriter.name: MoodleXmlWriter,
    Cmi5Writer.name: Cmi5Writer,
}

__all__ = ["WRITERS", "Writer", "WriterOptions"]
