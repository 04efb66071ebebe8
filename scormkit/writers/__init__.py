"""The target writers, by format key, as the registry (scormkit/formats.py) names them.

Importing this package imports every writer; the readers and the validator read the registry
instead, which names writers without importing them.
"""

from __future__ import annotations

from scormkit.formats import FORMATS, Format
from scormkit.writers.base import Writer, WriterOptions


def _writer(chosen: Format) -> type[Writer]:
    writer = chosen.writer_class()
    if not issubclass(writer, Writer) or writer.name != chosen.name:
        raise TypeError(f"{chosen.writer} is not the Writer of {chosen.name}")
    return writer


WRITERS: dict[str, type[Writer]] = {name: _writer(chosen) for name, chosen in FORMATS.items()}

__all__ = ["WRITERS", "Writer", "WriterOptions"]
