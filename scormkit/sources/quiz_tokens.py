"""Token helpers for the quiz reader: walking markdown-it-py block tokens and turning pieces
of them into content trees (`scormkit.content`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token

from scormkit.content import Content, Resolver, package_paths, to_xhtml
from scormkit.sources import markdown

# Settings in braces at the end of a heading or a choice; applied to one token's text.
SETTINGS = re.compile(r"\{[^{}]*\}\s*$")
ESCAPED_SETTINGS = re.compile(r"\\\{[^{}]*\}\s*$")


def blocks(tokens: list[Token]) -> list[list[Token]]:
    """Split a balanced token sequence into its outermost blocks (open..close, or one token)."""
    result: list[list[Token]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.nesting == 1:
            depth, end = 0, index
            while end < len(tokens):
                depth += tokens[end].nesting
                if depth == 0:
                    break
                end += 1
            result.append(tokens[index:end + 1])
            index = end + 1
        else:
            result.append([token])
            index += 1
    return result


def inner(block: list[Token]) -> list[list[Token]]:
    """The child blocks of a container block (list, list item, blockquote)."""
    return blocks(block[1:-1])


def is_block(block: list[Token], *types: str) -> bool:
    return block[0].type in types


def inline_of(block: list[Token]) -> Token | None:
    """The inline token of a paragraph or heading block."""
    if len(block) == 3 and block[1].type == "inline":
        return block[1]
    return None


def inline(children: list[Token]) -> Token:
    token = Token("inline", "", 0)
    token.children = children
    return token


def paragraph(children: list[Token]) -> list[Token]:
    opening, closing = Token("paragraph_open", "p", 1), Token("paragraph_close", "p", -1)
    opening.block = closing.block = True
    return [opening, inline(children), closing]


def block_content(blocks: Iterable[list[Token]], *, show_paragraphs: bool = False) -> Content:
    """The content of *blocks*; *show_paragraphs* keeps the <p> of paragraphs that were
    direct children of a tight list item (a choice written over several blocks)."""
    blocks = list(blocks)
    if show_paragraphs:
        for block in blocks:
            if block[0].type == "paragraph_open":
                block[0].hidden = block[-1].hidden = False
    return markdown.content([token for block in blocks for token in block])


def item_content(blocks: list[list[Token]]) -> Content:
    """One paragraph is inline content (choices, items); anything else blocks."""
    if len(blocks) == 1 and (inline := inline_of(blocks[0])) and blocks[0][0].type == (
            "paragraph_open"):
        return markdown.inline_content(inline).strip()
    return block_content(blocks, show_paragraphs=True)


_KEY_RESOLVER = Resolver(package_paths)


def plain_key(content: Content) -> str:
    """Whitespace-collapsed, case-folded key for duplicate checks (of the markup, so that
    *a* and a differ)."""
    return " ".join(to_xhtml(content, _KEY_RESOLVER, compact=False).split()).casefold()


def strip_leading(children: list[Token], pattern: re.Pattern[str]) -> bool:
    """Remove *pattern* from the start of the first text child; True when it was there."""
    if not children or children[0].type != "text":
        return False
    match = pattern.match(children[0].content)
    if not match:
        return False
    children[0].content = children[0].content[match.end():]
    if not children[0].content:
        children.pop(0)
        while children and children[0].type in ("softbreak", "hardbreak"):
            children.pop(0)
    return True


def strip_edges(children: list[Token]) -> list[Token]:
    """Trim spaces at both ends of an inline child list (after cutting it apart)."""
    children = list(children)
    if children and children[0].type == "text":
        children[0].content = children[0].content.lstrip()
        if not children[0].content:
            children.pop(0)
    if children and children[-1].type == "text":
        children[-1].content = children[-1].content.rstrip()
        if not children[-1].content:
            children.pop()
    return children
