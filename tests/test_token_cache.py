"""Markdown tokens kept in the per-user cache (scormkit/sources/token_cache.py).

What a parse gives must not depend on the cache: the tokens loaded for a text are the ones
the parser makes of it, a warm build gives the bytes of a build without the cache, and a
damaged, foreign or stale entry is never used.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scormkit import cache
from scormkit.build import build
from scormkit.sources import markdown, token_cache

from .conftest import CACHE_DAMAGES, EXAMPLE_COURSE, damaged


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The texts the Markdown parsers really parsed (in this process)."""
    seen: list[str] = []
    for factory in (markdown.parser, markdown.lesson_parser):
        md = factory()
        real = md.parse

        def counting(text, env=None, real=real):
            seen.append(text)
            return real(text, env)

        monkeypatch.setattr(md, "parse", counting)
    return seen


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "markdown").glob("*/*"))


def _dump(parsed):
    tokens, refused = parsed
    return [t.as_dict() for t in tokens], refused


LINE = st.sampled_from([
    "# Title {id: a-_0_}", "Some *emphasis* and **strong** and `code`.", "- item", "  - nested",
    "1. first", "> quoted", "::: note", "::: check Try it {points: 2}", ":::", "::: tip Hint",
    "| a | b |", "|---|---|", "| 1 | 2 |", "```python", "```", "    indented code",
    "![alt](media/x.png \"t\")", "[link](https://example.org) [bad](javascript:x)",
    "---", "title: front", "", "- [x] right {pin}", "- [ ] wrong", "Text with &amp; &copy;",
    "Line with trailing spaces  ", "\\*escaped\\*", "<b>raw</b>", "é ü 第一章 \u00a0 NBSP",
])


@settings(max_examples=80, deadline=None)
@given(st.lists(LINE, max_size=25), st.booleans())
def test_loaded_tokens_are_the_parsed_ones(tmp_path_factory, lines, lesson):
    text = "\n".join(lines) + "\n"
    os.environ[cache.ENV] = str(tmp_path_factory.mktemp("tokens"))
    try:
        fresh = markdown.parse(text, lesson=lesson)  # parsed, then stored
        loaded = markdown.parse(text, lesson=lesson)  # loaded
        os.environ[cache.ENV] = "off"
        assert _dump(loaded) == _dump(fresh) == _dump(markdown.parse(text, lesson=lesson))
    finally:
        del os.environ[cache.ENV]
    # fresh objects each time: the readers change tokens in place
    assert loaded[0] is not fresh[0]
    for a, b in zip(loaded[0], fresh[0], strict=True):
        assert a.attrs is not b.attrs and a.meta is not b.meta


def test_a_warm_build_parses_nothing_and_changes_no_byte(tmp_path, own_cache, parses,
                                                          monkeypatch):
    targets = ["scorm12", "qti21"]
    build(EXAMPLE_COURSE, targets, tmp_path / "cold", jobs=1)
    parsed = len(parses)
    assert parsed >= 5  # every lesson and the quiz
    assert len(_entries(own_cache)) == parsed
    build(EXAMPLE_COURSE, targets, tmp_path / "warm", jobs=1)
    assert len(parses) == parsed  # nothing parsed again
    monkeypatch.setenv(cache.ENV, "off")
    build(EXAMPLE_COURSE, targets, tmp_path / "off", jobs=1)
    assert len(parses) == 2 * parsed
    cold, warm, off = ({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}
                       for name in ("cold", "warm", "off"))
    assert cold == warm == off and len(cold) == 2


def test_an_edited_text_is_parsed_again(own_cache, parses):
    markdown.parse("# One\n\nText.\n", lesson=True)
    markdown.parse("# One\n\nText.\n", lesson=True)
    assert len(parses) == 1
    tokens, _ = markdown.parse("# One\n\nText!\n", lesson=True)
    assert len(parses) == 2 and tokens[4].content == "Text!"
    markdown.parse("# One\n\nText.\n")  # the quiz parser: another entry
    assert len(parses) == 3


@pytest.mark.parametrize("damage", CACHE_DAMAGES)
def test_a_damaged_entry_is_ignored_and_replaced(own_cache, parses, damage):
    text = "Some *text* with [a link](https://example.org).\n"
    expected = _dump(markdown.parse(text))
    [path] = _entries(own_cache)
    path.write_bytes(damaged(path.read_bytes(), damage, b"scormkit-blob 1"))
    assert _dump(markdown.parse(text)) == expected
    assert len(parses) == 2
    assert _dump(markdown.parse(text)) == expected  # rewritten: loaded again
    assert len(parses) == 2


def test_a_checksummed_body_that_is_not_ours_is_ignored(own_cache, parses):
    text = "Hello.\n"
    expected = _dump(markdown.parse(text))
    [path] = _entries(own_cache)
    for body in (b"\x00not marshal", b"\xe9" + b"x" * 40, marshal.dumps((1, 2))):
        cache.store_blob(("markdown", path.parent.name), path.name, body)
        before = len(parses)
        assert _dump(markdown.parse(text)) == expected
        assert len(parses) == before + 1


def test_a_foreign_entry_is_not_loaded(own_cache, parses):
    """Entries are loaded with marshal: one that someone else could have written is not."""
    text = "Trusted?\n"
    markdown.parse(text)
    [path] = _entries(own_cache)
    os.chmod(path, 0o666)
    markdown.parse(text)
    assert len(parses) == 2
    os.chmod(path, 0o600)
    os.chmod(path.parent, 0o777)
    markdown.parse(text)
    assert len(parses) == 3
    os.chmod(path.parent, 0o700)
    markdown.parse(text)
    assert len(parses) == 3  # trusted again


def test_a_refused_text_is_not_stored(own_cache):
    deep = "".join("  " * i + "- item\n" for i in range(12))
    for _ in range(2):
        with pytest.raises(markdown.NestingTooDeep):
            markdown.parse(deep)
    assert _entries(own_cache) == []


def test_refused_destinations_come_back_from_the_cache(own_cache, parses):
    text = "[a](file:///x) ![b](javascript:y) [ok](https://e.org)\n"
    first = markdown.parse(text)
    again = markdown.parse(text)
    assert len(parses) == 1
    assert again[1] == first[1] == ["file:///x", "javascript:y"]


def test_old_fingerprints_are_deleted_and_the_folder_is_bounded(own_cache, monkeypatch,
                                                                 parses):
    stale = own_cache / "markdown" / "0123456789abcdef01234567"
    stale.mkdir(parents=True, mode=0o700)
    (stale / "entry").write_bytes(b"old")
    markdown.parse("First.\n")
    assert not stale.exists()
    monkeypatch.setattr(token_cache, "MAX_ENTRIES", 4)
    token_cache._checked.clear()
    for n in range(4):
        markdown.parse(f"Text {n}.\n")
    assert len(_entries(own_cache)) == 5  # checked once per process: at the first write
    token_cache._checked.clear()
    markdown.parse("One more.\n")
    assert len(_entries(own_cache)) == 3  # 6 entries: the older half went


def test_cache_off_writes_nothing(tmp_path, monkeypatch, parses):
    monkeypatch.setenv(cache.ENV, "off")
    markdown.parse("x\n")
    markdown.parse("x\n")
    assert len(parses) == 2
    assert "markdown" in cache.FOLDERS  # `cache clear` deletes it
