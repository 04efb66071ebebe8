"""The target writers, by format key, as the registry (scormkit/formats.py) names them.

Importing this package imports every writer; the readers and the validator read the registry
instead, which names writers without importing them.
"""

from __future__ import annotations

from scormkit.formats import FORMATS
from scormkit.writers.base import Writer, WriterOptions

WRITERS: dict[str, type[Writer]] = {name: f.writer_class() for name, f in FORMATS.items()}

__all__ = ["WRITERS", "Writer", "WriterOptions"]
