"""Markdown tokens kept between builds, so that a rebuild parses only the files that changed.

Parsing Markdown is the largest cost of a build (markdown-it-py is pure Python: about half of
a large course's SCORM build). The parser's output depends only on a file's text and on the
parser, so the tokens of each parsed text are stored in the per-user cache
(`scormkit.cache`, folder ``markdown/<fingerprint>/``) under the SHA-256 of the text, and a
later parse of the same text loads them instead. Everything after the parse (the checks,
the diagnostics, the content tree) runs as before on fresh Token objects, so a build gives
the same bytes and the same messages with the cache, without it, or with a damaged one
(tests/test_token_cache.py).

- The fingerprint covers what the tokens depend on besides the text: the source of
  scormkit/sources/markdown.py (the parser's configuration and plugins), the versions of
  markdown-it-py and mdit-py-plugins, and Python's (marshal's format). A change to any of them
  selects another folder; the folders of other fingerprints are deleted when a new one is
  made, so an upgrade does not leave the old tokens behind.
- Entries are written with `marshal` as plain tuples of strings, numbers, lists and dicts,
  never pickled: loading one creates no object but Tokens and calls no code. marshal is not
  meant for hostile data, so an entry is read only under the cache's trust rules (the file
  and its folder belong to the user and nobody else can write them; a header and a SHA-256
  of the body; see scormkit/cache.py), like Python's own ``__pycache__``.
- A text whose tokens cannot be written as such tuples (a plugin storing another kind of
  value in ``Token.meta``) is not cached, and a text the parser refuses (NestingTooDeep) is
  parsed, and refused, every time.
- Size: about five times the Markdown's size. A folder that holds more than MAX_ENTRIES
  entries loses its oldest half when the next entry is written (a cache may forget, never
  lie).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import marshal
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from scormkit import cache as user_cache

FOLDER = "markdown"
MAX_ENTRIES = 20_000
"""Entries kept per fingerprint: about forty courses of 500 lessons."""

_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content",
           "markup", "info", "meta", "block", "hidden")
_USABLE = tuple(f.name for f in dataclasses.fields(Token)) == _FIELDS
"""Token's fields are the ones this module writes and reads (else it stays off)."""

Parsed = tuple[list[Token], list[str]]
PARSER_SOURCE = Path(__file__).with_name("markdown.py")
"""The module that configures the parser (read, not imported: it imports this one)."""


@cache
def fingerprint() -> str:
    import markdown_it
    import mdit_py_plugins

    parser_source = hashlib.sha256(PARSER_SOURCE.read_bytes()).hexdigest()
    return user_cache.fingerprint(
        "markdown-tokens 1", parser_source, markdown_it.__version__,
        mdit_py_plugins.__version__, sys.version, str(marshal.version))


def _name(text: str, kind: str) -> str:
    return hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def load(text: str, kind: str) -> Parsed | None:
    """The tokens and refused destinations stored for *text* parsed as *kind*, or None."""
    if not _USABLE:
        return None
    body = user_cache.load_blob((FOLDER, fingerprint()), _name(text, kind))
    if body is None:
        return None
    try:
        rows, refused = marshal.loads(body)
        return [_token(row) for row in rows], list(refused)
    except (ValueError, TypeError, EOFError, RecursionError):  # a body not written here
        return None


def store(text: str, kind: str, parsed: Parsed) -> None:
    """Keep *parsed* for *text*; quietly nothing when the cache is off or unwritable."""
    if not _USABLE:
        return
    tokens, refused = parsed
    try:
        body = marshal.dumps(([_row(token) for token in tokens], refused))
    except ValueError:  # a value marshal cannot write (only plain data is cached)
        return
    root = user_cache.cache_dir()
    if root is None:
        return
    key = fingerprint()
    # Once per process and folder, at its first entry: is the folder new (then older
    # fingerprints' folders go), is it too full.
    first = root / FOLDER / key not in _checked
    fresh = first and not (root / FOLDER / key).is_dir()
    folder = user_cache.store_blob((FOLDER, key), _name(text, kind), body)
    if folder is None or not first:
        return
    _checked.add(folder)
    if fresh:
        user_cache.forget_other_keys(folder)
    _prune(folder)


def _row(token: Token) -> tuple[Any, ...]:
    children = token.children
    return (token.type, token.tag, token.nesting, token.attrs or None, token.map, token.level,
            None if children is None else [_row(child) for child in children],
            token.content, token.markup, token.info, token.meta or None, token.block,
            token.hidden)


_new = Token.__new__


def _token(row: tuple[Any, ...]) -> Token:
    token = _new(Token)
    (token.type, token.tag, token.nesting, attrs, token.map, token.level, children,
     token.content, token.markup, token.info, meta, token.block, token.hidden) = row
    token.attrs = attrs or {}  # each token its own dict, as the parser makes them
    token.meta = meta or {}
    token.children = None if children is None else [_token(child) for child in children]
    return token


_checked: set[Path] = set()
"""The folders this process has stored an entry in (see `store`)."""


def _prune(folder: Path) -> None:
    """Past MAX_ENTRIES, delete the older half of *folder*'s entries."""
    try:
        found = [(entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(folder)
                 if entry.is_file(follow_symlinks=False)]
    except OSError:
        return
    if len(found) <= MAX_ENTRIES:
        return
    for _, path in sorted(found)[:len(found) // 2]:
        with contextlib.suppress(OSError):
            os.unlink(path)
