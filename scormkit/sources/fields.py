"""Checks shared by every YAML reader: unknown keys, required keys and value types."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from scormkit.content import one_line
from scormkit.errors import Diagnostic, shown
from scormkit.sources.yamlfile import YamlDoc

# Characters XML 1.0 forbids: they would make every generated document unparsable. A YAML
# file cannot contain them raw, but a quoted string can spell them as escapes ("\x01").
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ILLEGAL_HINT = "delete it; in a quoted string, look for an escape such as \\x01 or \\uFFFE"


def check_keys(
    doc: YamlDoc,
    mapping: dict[str, Any],
    at: tuple[Any, ...],
    allowed: Iterable[str],
    required: Iterable[str],
    errors: list[Diagnostic],
) -> None:
    """Report unknown keys (with a 'did you mean') and missing required ones."""
    allowed = list(allowed)
    where = ".".join(str(k) for k in at) or "the top level"
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
            errors.append(
                Diagnostic("unknown-key", f"unknown key {shown(key)} in {where}", doc.loc(*at, key),
                           hint)
            )
    for key in required:
        if key not in mapping:
            errors.append(
                Diagnostic(
                    "missing-key",
                    f"required key '{key}' is missing in {where}",
                    doc.loc(*at),
                    f"add a line '{key}: ...'",
                )
            )


def text_field(
    doc: YamlDoc,
    mapping: dict[str, Any],
    key: str,
    at: tuple[Any, ...],
    errors: list[Diagnostic],
    *,
    max_length: int | None = None,
    default: str | None = None,
) -> str | None:
    """Return a non-empty one-line string value, or record why it is not one."""
    if key not in mapping:
        return default
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.append(
            Diagnostic(
                "bad-value",
                f"'{key}' must be text, not {type(value).__name__}",
                doc.loc(*at, key),
                "write it on one line after the colon; quote it if it contains ':' or '#'",
            )
        )
        return default
    # Checked before whitespace is normalised: str.split() treats U+001C-U+001F as spaces.
    if bad := XML_ILLEGAL.search(str(value)):
        errors.append(Diagnostic(
            "illegal-character", f"'{key}' contains control character U+{ord(bad.group()):04X}",
            doc.loc(*at, key), _ILLEGAL_HINT))
        return default
    text = one_line(str(value))  # keeps no-break spaces: « Bonjour », 10 000
    if not text.strip():
        errors.append(Diagnostic("bad-value", f"'{key}' is empty", doc.loc(*at, key),
                                 f"write a value after '{key}:' or remove the line"))
        return default
    if max_length is not None and len(text) > max_length:
        errors.append(
            Diagnostic(
                "value-too-long",
                f"'{key}' has {len(text)} characters; at most {max_length} are allowed",
                doc.loc(*at, key),
                "shorten it: LMSs truncate or reject longer values",
            )
        )
    return text


def text_list(
    doc: YamlDoc,
    mapping: dict[str, Any],
    key: str,
    at: tuple[Any, ...],
    errors: list[Diagnostic],
) -> tuple[str, ...]:
    """Return a list of one-line strings (a single string is accepted as a list of one)."""
    if key not in mapping or mapping[key] is None:
        return ()
    value = mapping[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        errors.append(
            Diagnostic(
                "bad-value",
                f"'{key}' must be a list",
                doc.loc(*at, key),
                "write one '- item' line per entry under the key",
            )
        )
        return ()
    items = []
    for index, item in enumerate(value):
        if isinstance(item, str) and (bad := XML_ILLEGAL.search(item)):
            errors.append(Diagnostic(
                "illegal-character",
                f"item {index + 1} of '{key}' contains control character U+{ord(bad.group()):04X}",
                doc.loc(*at, key, index), _ILLEGAL_HINT))
            continue
        if (isinstance(item, bool) or not isinstance(item, str | int | float)
                or not str(item).strip()):
            errors.append(
                Diagnostic(
                    "bad-value",
                    f"item {index + 1} of '{key}' must be non-empty text",
                    doc.loc(*at, key, index),
                    "write each item as text on its own '- ...' line",
                )
            )
            continue
        items.append(one_line(str(item)))
    return tuple(items)
