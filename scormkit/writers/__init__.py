"""The target writers, by format key, as the registry (scormkit/formats.py) names them.

`WRITERS` imports a writer's module when the writer is first asked for: a build of one
target imports one writer (importing all nine was a tenth of a QTI 1.2 build of 2000
questions). The readers and the validator read the registry, which names writers without
importing them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from scormkit.formats import FORMATS, Format
from scormkit.writers.base import Writer, WriterOptions


def _writer(chosen: Format) -> type[Writer]:
    writer = chosen.writer_class()
    if not issubclass(writer, Writer) or writer.name != chosen.name:
        raise TypeError(f"{chosen.writer} is not the Writer of {chosen.name}")
    return writer


class _Writers(Mapping[str, type[Writer]]):
    """Every format's writer class, by key, each imported and checked on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[Writer]] = {}

    def __getitem__(self, name: str) -> type[Writer]:
        writer = self._loaded.get(name)
        if writer is None:
            writer = self._loaded[name] = _writer(FORMATS[name])
        return writer

    def __iter__(self) -> Iterator[str]:
        return iter(FORMATS)

    def __len__(self) -> int:
        return len(FORMATS)


WRITERS: Mapping[str, type[Writer]] = _Writers()

__all__ = ["WRITERS", "Writer", "WriterOptions"]
