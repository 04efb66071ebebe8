"""Identifier rules: stable, derived from author-visible names, valid as XML NCName / xs:ID.

LMSs key learner records on manifest and item identifiers, so they come from course.yaml and
file names (never from content hashes or random values): a typo fix must not reset progress.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii

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


class UniqueNames:
    """Names made unique in the order they are claimed: the first ``intro`` stays ``intro``,
    the next ones become ``intro-2``, ``intro-3``... (skipping any taken by another claim).

    Each base name remembers the next number to try, so n equal names cost n steps, not n²
    (20,000 headings with one title took 82 s with a count from 2 each time). The result is
    the same: numbers are never given back, so every number below the remembered one is
    taken. *key* says when two names clash (``str.casefold`` for file names on
    case-insensitive file systems)."""

    def __init__(self, key: Callable[[str], str] = str) -> None:
        self._key = key
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def claim(self, base: str) -> str:
        key = self._key(base)
        name = base
        if key in self._taken:
            number = self._next.get(key, 2)
            while self._key(name := f"{base}-{number}") in self._taken:
                number += 1
            self._next[key] = number + 1
        self._taken.add(self._key(name))
        return name


# The one slug function. Every name scormkit derives from author text goes through slug():
# heading anchors, lesson ids and page names from file names, quiz, pool and question ids from
# titles. Which alphabet a use keeps is decided per use (docs/source-format.md, "Names
# derived from your text"):
# - heading anchors keep letters and digits of every script (`## Étape finale` ->
#   `étape-finale`, `## 第一章` -> `第一章`): an HTML id may hold any character but white
#   space, a URL fragment carries them (percent-encoded by the browser), and the author
#   links to the heading as they wrote it;
# - identifiers that reach XML documents, LMS databases and zip member names are ASCII, by
#   transliteration (anyascii: `étape-finale` -> `etape-finale`, `第一章` -> `diyizhang`,
#   `Введение` -> `vvedenie`): manifest identifiers are xs:ID, QTI identifiers are NCNames
#   with a 64-character limit in our rules, SCORM 1.2 interaction ids are CMIIdentifier
#   (`[A-Za-z0-9_-]`, lms-rules.md), and LMSs store and compare them as bytes; Unicode
#   member names in zips need the UTF-8 flag, which older unzippers ignore.
# Both come from the same steps on the same text (NFKC, lower case, runs of anything else
# -> '-'), so an accented letter is kept or transliterated, never dropped.


def _xml_name_char(char: str) -> bool:
    """True when *char* may appear in an XML 1.0 Name after its first character (5th
    edition NameChar, minus ':'): an anchor is part of an element id, an xs:ID."""
    code = ord(char)
    return (char.isascii() and (char.isalnum() or char in "-._")) or code == 0xB7 or (
        0xC0 <= code <= 0x37D and code not in (0xD7, 0xF7)) or 0x37F <= code <= 0x1FFF or (
        code in (0x200C, 0x200D, 0x203F, 0x2040)) or 0x2070 <= code <= 0x218F or (
        0x2C00 <= code <= 0x2FEF) or 0x3001 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or (
        0xFDF0 <= code <= 0xFFFD) or 0x10000 <= code <= 0xEFFFF


def _word_char(char: str) -> bool:
    # Letters, digits and combining marks (the vowel signs of Devanagari or Thai are marks:
    # without them a word would be cut in pieces).
    return unicodedata.category(char)[0] in "LNM" and _xml_name_char(char)


def slug(text: str, *, ascii: bool = False, lower: bool = True, keep: str = "") -> str:
    """*text* as a name: NFKC-normalised (full-width letters, ligatures and superscripts
    become their plain forms), lower-cased unless *lower* is false, and every run of
    characters other than letters, digits and *keep* replaced by one '-', without '-' at
    either end. With *ascii*, letters are transliterated to ASCII first (see above). May
    be empty (text with no letter or digit): each use has its fallback."""
    text = unicodedata.normalize("NFKC", text)
    if ascii:
        text = anyascii(text)
    if lower:
        text = text.lower()
    if ascii:
        pattern = _ASCII_RUNS.get(keep) or _ASCII_RUNS.setdefault(
            keep, re.compile(f"[^A-Za-z0-9{re.escape(keep)}]+"))
        return pattern.sub("-", text).strip("-")
    out: list[str] = []
    for char in text:
        if _word_char(char) or char in keep:
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


_ASCII_RUNS: dict[str, re.Pattern[str]] = {}


def heading_slug(text: str) -> str:
    """The anchor of a heading (Unicode letters kept): what an author writes after '#' in a
    link. A heading with no letter or digit (only emoji or punctuation) is ``section``."""
    return slug(text) or "section"


def name_slug(stem: str) -> str:
    """An ASCII name made from a file stem for page names and lesson ids: case, '.' and '_'
    kept, so that names already safe stay as they are (lesson ids key learner records)."""
    return slug(stem, ascii=True, lower=False, keep="._")


def ascii_id(text: str, prefix: str, limit: int = 64) -> str:
    """A lower-case ASCII identifier from a title (quiz, pool and question ids): it starts
    with a letter (*prefix* is put in front otherwise) and has at most *limit* characters."""
    value = slug(text, ascii=True) or prefix
    if not value[0].isalpha():
        value = f"{prefix}-{value}"
    return value[:limit].rstrip("-")
