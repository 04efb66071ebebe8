"""Identifier rules: stable, derived from author-visible names, valid as XML NCName / xs:ID.

LMSs key learner records on manifest and item identifiers, so they come from course.yaml and
file names (never from content hashes or random values): a typo fix must not reset progress.
"""

from __future__ import annotations

import re

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_NOT_NCNAME_CHAR = re.compile(r"[^A-Za-z0-9_.-]+")


def is_ncname(value: str) -> bool:
    """True when *value* is a valid (ASCII) XML NCName, the lexical space of xs:ID."""
    return bool(_NCNAME.fullmatch(value))


def to_ncname(value: str, prefix: str) -> str:
    """Turn a file stem into an NCName: invalid characters become '-', and *prefix* is put in
    front when the name would start with a digit, '-' or '.'."""
    cleaned = _NOT_NCNAME_CHAR.sub("-", value).strip("-") or "x"
    if not re.match(r"[A-Za-z_]", cleaned):
        cleaned = f"{prefix}-{cleaned}"
    return cleaned


def slugify(text: str) -> str:
    """Lower-case ASCII slug for heading anchors."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"
