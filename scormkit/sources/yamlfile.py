"""YAML reading that keeps line numbers, so every error can name the line it comes from.

PyYAML's safe loader does the parsing; we only walk its node tree to remember the line of
each mapping key and sequence item.

Course sources come from many contributors (a course repository in CI), so a YAML document
is bounded before any Python object is made of it: its size (MAX_CHARS), the values it
expands to once every alias is followed (MAX_VALUES: a 700-byte "billion laughs" of nested
aliases otherwise grows to gigabytes as soon as anything walks or prints it), its nesting
(MAX_DEPTH: PyYAML's constructor and our walks recurse) and its numbers (MAX_NUMBER_CHARS:
Python refuses to convert integers of more than 4300 digits to text). Anchors and aliases
themselves are allowed within those bounds. A course file needs far less than any of them:
course.yaml nests two levels deep and holds a few hundred values at most.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from scormkit.errors import Location, SourceError, shown

_Base: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # The C loader is about ten times faster; fall back when libyaml is absent.
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader

MAX_CHARS = 1_000_000
"""Characters of one YAML document (course.yaml, a front matter, a heading's settings)."""
MAX_VALUES = 100_000
"""Values (scalars, lists, mappings) a document may expand to, every alias followed."""
MAX_DEPTH = 20
"""Lists and mappings nested in one another."""
MAX_NUMBER_CHARS = 100
"""Characters of an integer (ten times what a percentage or a version needs)."""
_LIMIT_HINT = ("course files hold short settings; if this file is meant to be this way, "
               "split it or remove the repeated parts")


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with a bound on the integers it converts."""


class _NumberTooLong(yaml.constructor.ConstructorError):
    pass


def _bounded_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    if len(node.value) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(None, None, f"a number of {len(node.value)} characters",
                             node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _guarded(tag: str, construct: Callable[[Any, Any], object]
             ) -> Callable[[yaml.SafeLoader, yaml.Node], object]:
    """PyYAML's constructor for *tag*, raising a located ConstructorError where PyYAML raises
    ValueError, KeyError... on a value its tag does not fit (``!!float abc``, ``2001-02-30``,
    ``!!bool maybe``)."""

    def construct_checked(loader: yaml.SafeLoader, node: yaml.Node) -> object:
        try:
            return construct(loader, node)
        except yaml.YAMLError:
            raise
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown(node.value)} is not a valid {tag}",
                node.start_mark) from None

    return construct_checked


_SCALARS = {"null": "construct_yaml_null", "bool": "construct_yaml_bool",
            "float": "construct_yaml_float", "binary": "construct_yaml_binary",
            "timestamp": "construct_yaml_timestamp"}
for _tag, _method in _SCALARS.items():
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}",
                            _guarded(_tag, getattr(yaml.constructor.SafeConstructor, _method)))
_Loader.add_constructor("tag:yaml.org,2002:int", _guarded("int", _bounded_int))


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
    if len(text) > MAX_CHARS:
        raise SourceError(
            "yaml-too-large", f"this YAML has {len(text)} characters; at most {MAX_CHARS} "
            "are read", Location(path, line_offset + 1), _LIMIT_HINT)
    breaks = []
    found = text.find("\n")
    while found >= 0:  # str.find, not a walk over every character: 2500 documents at L
        breaks.append(found)
        found = text.find("\n", found + 1)

    def line_of(mark: yaml.Mark) -> int:
        return line_offset + bisect.bisect_left(breaks, mark.index) + 1

    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_bounds(node, path, line_of)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _NumberTooLong as exc:
        raise SourceError(
            "yaml-too-large", f"{exc.problem} is too long to be a setting (at most "
            f"{MAX_NUMBER_CHARS} characters)",
            Location(path, line_of(exc.problem_mark) if exc.problem_mark else None),
            "quote it if it is text, e.g. title: \"12345...\"") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_of(mark) if mark else None
        raise SourceError(
            "yaml-syntax",
            f"this is not valid YAML: {_cut(exc.problem or exc.context or '')}",
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
        raise SourceError("yaml-syntax", f"this is not valid YAML: {_cut(str(exc))}",
                          Location(path),
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
def _cut(message: str) -> str:
    """PyYAML's own message, which may quote a tag or a key of the file: at most 200
    characters."""
    return message if len(message) <= 200 else f"{message[:200]}…"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_bounds(root: yaml.Node, path: str, line_of: Callable[[yaml.Mark], int]) -> None:
    """Refuse a node graph that expands to more than MAX_VALUES values, nests deeper than
    MAX_DEPTH or refers to itself, before anything expands it.

    An alias is the same node object under several parents, so the graph stays as small as
    the file; the size and height of each node are computed once (post-order, with an
    explicit stack: the graph may be 1000 levels deep, libyaml's own limit)."""
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    open_nodes: set[int] = set()
    # (node, its children once they are being summed up, else None); the location of an
    # error is only worked out when there is one (this runs for every heading's settings).
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, children = stack.pop()
        key = id(node)
        if children is not None:
            open_nodes.discard(key)
            size = sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            height = heights[key] = 1 + max(
                (heights[id(child)] for child in children), default=0)
            if size > MAX_VALUES:
                raise SourceError(
                    "yaml-too-large", f"this YAML expands to more than {MAX_VALUES} values "
                    "once its aliases (*name) are followed",
                    Location(path, line_of(node.start_mark)), _LIMIT_HINT)
            if height > MAX_DEPTH:
                # Point at the innermost level, where the author sees the nesting pass the
                # bound: down the tallest children, to the level past MAX_DEPTH.
                deepest = node
                for _ in range(MAX_DEPTH):
                    deepest = max(_children(deepest), key=lambda child: heights[id(child)])
                raise SourceError(
                    "yaml-too-deep", f"lists and mappings are nested more than {MAX_DEPTH} "
                    "levels deep here", Location(path, line_of(deepest.start_mark)),
                    "course settings are at most a few levels deep")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise SourceError(
                "yaml-recursive", "an alias (*name) is used inside its own anchor (&name): "
                "the value would contain itself", Location(path, line_of(node.start_mark)),
                "use the alias after the anchored value ends")
        open_nodes.add(key)
        children = _children(node)
        stack.append((node, children))
        stack.extend((child, None) for child in children if id(child) not in sizes)


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
