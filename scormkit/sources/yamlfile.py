"""YAML reading that keeps line numbers, so every error can name the line it comes from.

PyYAML's safe loader does the parsing; we only walk its node tree to remember the line of
each mapping key and sequence item.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from scormkit.errors import Location, SourceError

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # The C loader is about ten times faster; fall back when libyaml is absent.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass
class YamlDoc:
    """A parsed YAML mapping plus the line of every key path,
    e.g. ``("tracking", "passing_score")``."""

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
    # Lines are counted from each mark's character index: YAML's own line count also breaks
    # at U+0085, U+2028 and U+2029, which editors do not show as new lines.
    breaks = [i for i, char in enumerate(text) if char == "\n"]

    def line_of(mark: yaml.Mark) -> int:
        return line_offset + bisect.bisect_left(breaks, mark.index) + 1

    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_of(mark) if mark else None
        raise SourceError(
            "yaml-syntax",
            f"this is not valid YAML: {exc.problem or exc.context}",
            Location(path, line),
            "check indentation and quoting; values with ':' or '#' need quotes",
        ) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (a control character). Its position is a byte offset for
        # the C loader and a character offset for the Python one, so find the character.
        where = text.find(chr(exc.character))
        raise SourceError(
            "illegal-character",
            f"control character U+{exc.character:04X} cannot appear in a YAML file",
            Location(path, line_offset + text.count("\n", 0, where) + 1 if where >= 0 else None),
            "delete it (it is often pasted from a word processor)",
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError("yaml-syntax", f"this is not valid YAML: {exc}", Location(path),
                          "check indentation and quoting") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError(
            "yaml-not-mapping",
            "expected a mapping of 'key: value' lines",
            Location(path, line_offset + 1),
            "write one 'key: value' line per setting, e.g. 'title: Introduction'",
        )
    doc = YamlDoc(data, path, line_offset)
    if node is not None:
        _record_lines(node, (), doc.lines, line_of, set())
    return doc


_STR = "tag:yaml.org,2002:str"


def _key(node: yaml.Node) -> Any:
    """A mapping key as the loaded data has it (``1:`` is the int 1, ``yes:`` is True)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
        return node.value  # nearly every key: no constructor needed (one per quiz heading)
    if isinstance(node, yaml.ScalarNode):
        try:
            return yaml.constructor.SafeConstructor().construct_object(node)
        except yaml.YAMLError:  # e.g. the merge key '<<'
            pass
    return node.value


def _record_lines(
    node: yaml.Node,
    prefix: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    line_of: Callable[[yaml.Mark], int],
    seen: set[int],
) -> None:
    # An alias (*name) reuses its anchor's node: walk each node once, or nested aliases
    # ("billion laughs") would make this walk exponential in the size of the file.
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _key(key_node)
            lines[(*prefix, key)] = line_of(key_node.start_mark)
            _record_lines(value_node, (*prefix, key), lines, line_of, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*prefix, index)] = line_of(item.start_mark)
            _record_lines(item, (*prefix, index), lines, line_of, seen)
