"""The target writers, by format key, as the registry (scormkit/formats.py) names them.

`WRITERS` imports a writer's module the first time its key is looked up, not before: a
build of one target imports one writer (importing all nine cost about 40 ms of CPU in every
process). The readers and the validator read the registry instead, which names writers
without importing them.
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
    """Every format's writer class, checked and imported when first looked up."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[Writer]] = {}

    def __getitem__(self, name: str) -> type[Writer]:
        writer = self._loaded.get(name)
        if writer is None:
            self._loaded[name] = writer = _writer(FORMATS[name])  # KeyError: not a format
        return writer

    def __iter__(self) -> Iterator[str]:
        return iter(FORMATS)

    def __len__(self) -> int:
        return len(FORMATS)

    def __repr__(self) -> str:
        return f"WRITERS({', '.join(FORMATS)})"


WRITERS: Mapping[str, type[Writer]] = _Writers()

__all__ = ["WRITERS", "Writer", "WriterOptions"]
