"""YAML reading that keeps line numbers, so every error can name the line it comes from.

PyYAML's safe loader does the parsing; we only walk its node tree to remember the line of
each mapping key and sequence item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from scormkit.errors import Location, SourceError

try:  # The C loader is about ten times faster; fall back when libyaml is absent.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass
class YamlDoc:
    """A parsed YAML mapping plus the line of every key path, e.g. ``("tracking", "passing_score")``."""

    data: dict[str, Any]
    path: str
    line_offset: int
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def loc(self, *keys: Any) -> Location:
        """Location of the deepest known key in *keys* (falls back to the parent, then line 1)."""
        while keys:
            if keys in self.lines:
                return Location(self.path, self.lines[keys])
            keys = keys[:-1]
        return Location(self.path, self.line_offset + 1)


def load_yaml_mapping(text: str, path: str, line_offset: int = 0) -> YamlDoc:
    """Parse *text* as a YAML mapping. *line_offset* is added to line numbers (front matter)."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_offset + mark.line + 1 if mark else None
        raise SourceError(
            "yaml-syntax",
            f"this is not valid YAML: {exc.problem or exc.context}",
            Location(path, line),
            "check indentation and quoting; values with ':' or '#' need quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError("yaml-syntax", f"this is not valid YAML: {exc}", Location(path)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError(
            "yaml-not-mapping",
            "expected a mapping of 'key: value' lines",
            Location(path, line_offset + 1),
        )
    doc = YamlDoc(data, path, line_offset)
    if node is not None:
        _record_lines(node, (), doc.lines, line_offset)
    return doc


def _record_lines(
    node: yaml.Node, prefix: tuple[Any, ...], lines: dict[tuple[Any, ...], int], offset: int
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*prefix, key)] = offset + key_node.start_mark.line + 1
            _record_lines(value_node, (*prefix, key), lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*prefix, index)] = offset + item.start_mark.line + 1
            _record_lines(item, (*prefix, index), lines, offset)
