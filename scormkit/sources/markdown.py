"""The one configured CommonMark parser (markdown-it-py) used for every Markdown source, and
the conversion of its tokens into content trees (`scormkit.content`).

Raw HTML is off, so content is always XHTML that QTI item bodies and HTML pages can both
embed; tables, strikethrough, front matter and callout containers are on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from scormkit.content import BlankSlot, Content, Element, Image, LessonLink, Node

CALLOUT_KINDS = {"note": "Note", "tip": "Tip", "warning": "Warning"}

ASSET = "scormkit_asset"
"""``Token.meta`` key of an image the reader checked: the asset's package path."""
LESSON = "scormkit_lesson"
"""``Token.meta`` key of a link to a lesson: ``(lesson id, heading element id or "")``."""
BLANK = "scormkit_blank"
"""Token type (and ``meta`` key: the blank id) the quiz reader puts where a blank was."""


def _callout(token: Token) -> tuple[str, str]:
    """Kind and title of a callout container (``::: tip Optional title``)."""
    kind, _, title = token.info.strip().partition(" ")
    return kind, title.strip() or CALLOUT_KINDS[kind]


def _render_callout(
    self: Any, tokens: Sequence[Token], idx: int, _options: Any, env: Any
) -> str:
    # markdown-it's own rendering; `content` builds the same markup as a tree.
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    kind, title = _callout(token)
    return (
        f'<div class="callout callout-{kind}" role="note">\n'
        f'<p class="callout-title">{escapeHtml(title)}</p>\n'
    )


@cache
def parser() -> MarkdownIt:
    """The shared parser. markdown-it-py keeps `Token.map` line ranges, which every
    diagnostic about Markdown uses."""
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    # One container rule for every callout kind: each rule is tried on every line, and the
    # parser is the slowest part of a build.
    md.use(
        container_plugin,
        name="callout",
        validate=lambda params, *_args: params.strip().split(" ", 1)[0] in CALLOUT_KINDS,
        render=_render_callout,
    )
    return md


def inline_text(token: Token) -> str:
    """Plain text of an inline token (heading titles, image alt text)."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(inline_text(child))
    return "".join(parts).strip()


# ------------------------------------------------------------------------------------------
# Tokens -> content tree

def content(tokens: Sequence[Token]) -> Content:
    """The content tree of block-level *tokens*: what markdown-it's renderer would write,
    as structure. An image the reader checked (``meta[ASSET]``) becomes an `Image`, a link
    to a lesson (``meta[LESSON]``) a `LessonLink`, a `BLANK` token a `BlankSlot`.

    It follows ``RendererHTML.render`` rule for rule, new lines included, so that
    `scormkit.content.to_xhtml` of the tree is byte for byte markdown-it's rendering of the
    tokens (tests/test_sources.py checks this on arbitrary Markdown)."""
    builder = _TreeBuilder()
    for index in range(len(tokens)):
        builder.block(tokens, index)
    return builder.finish()


def inline_content(token: Token) -> Content:
    """The content of one inline token (a heading's or a paragraph's text)."""
    builder = _TreeBuilder()
    builder.inline(token.children or ())
    return builder.finish()


_CM_SPACE = ("\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""White space markdown-it trims and splits a fence's info string on (its MD_TRIM_CHARS)."""
_CM_SPACE_RUN = re.compile(f"[{re.escape(_CM_SPACE)}]+")


def _attrs(token: Token) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(value)) for name, value in token.attrItems())


@dataclass
class _Frame:
    """An element being built: its tag and attributes, or the lesson it links to."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    lesson: tuple[str, str] | None = None
    title: str | None = None
    children: list[Node] = field(default_factory=list)


class _TreeBuilder:
    def __init__(self) -> None:
        self.stack = [_Frame("", ())]

    def add(self, *nodes: Node) -> None:
        self.stack[-1].children.extend(nodes)

    def open(self, frame: _Frame) -> None:
        self.stack.append(frame)

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.lesson is not None:
            self.add(LessonLink(frame.lesson[0], frame.lesson[1], frame.title,
                                tuple(frame.children)))
        else:
            self.add(Element(frame.tag, frame.attrs, tuple(frame.children)))

    def finish(self) -> Content:
        (root,) = self.stack
        return Content(tuple(root.children))

    def block(self, tokens: Sequence[Token], index: int) -> None:
        token = tokens[index]
        match token.type:
            case "inline":
                self.inline(token.children or ())
            case "code_block":
                self.add(Element("pre", _attrs(token), (Element("code", (), (token.content,)),)),
                         "\n")
            case "fence":
                self.add(Element("pre", (), (Element("code", _fence_attrs(token),
                                                     (token.content,)),)), "\n")
            case "container_callout_open":
                kind, title = _callout(token)
                self.open(_Frame("div", (("class", f"callout callout-{kind}"),
                                         ("role", "note"))))
                self.add("\n", Element("p", (("class", "callout-title"),), (title,)), "\n")
            case "container_callout_close":
                self.close()
                self.add("\n")
            case "html_block":  # never: raw HTML is off
                self.add(token.content)
            case _:
                self.render_token(tokens, index)

    def render_token(self, tokens: Sequence[Token], index: int) -> None:
        """markdown-it's ``renderToken``: the tag, and its new lines."""
        token = tokens[index]
        if token.hidden:  # the paragraphs of a tight list
            return
        if token.block and token.nesting != -1 and index and tokens[index - 1].hidden:
            self.add("\n")
        if token.nesting == -1:
            self.close()
            if token.block:
                self.add("\n")
            return
        new_line = token.block
        if token.block and token.nesting == 1 and index + 1 < len(tokens):
            following = tokens[index + 1]
            if following.type == "inline" or following.hidden or (
                    following.nesting == -1 and following.tag == token.tag):
                new_line = False
        if token.nesting == 1:
            self.open(_Frame(token.tag, _attrs(token)))
        else:
            self.add(Element(token.tag, _attrs(token)))
            if new_line:
                self.add("\n")
            return
        if new_line:
            self.add("\n")

    def inline(self, children: Sequence[Token]) -> None:
        for child in children:
            match child.type:
                case "text" | "text_special" | "html_inline":  # html_inline: never (HTML off)
                    self.add(child.content)
                case "code_inline":
                    self.add(Element("code", _attrs(child), (child.content,)))
                case "softbreak":
                    self.add("\n")
                case "hardbreak":
                    self.add(Element("br"), "\n")
                case "image":
                    self.add(_image(child))
                case "link_open" if LESSON in child.meta:
                    lesson, anchor = child.meta[LESSON]
                    title = child.attrGet("title")
                    self.open(_Frame("a", (), (lesson, anchor),
                                     None if title is None else str(title)))
                case _ if child.type == BLANK:
                    self.add(BlankSlot(child.meta[BLANK]))
                case _ if child.nesting == 1:
                    self.open(_Frame(child.tag, _attrs(child)))
                case _ if child.nesting == -1:
                    self.close()
                case _:
                    self.add(Element(child.tag, _attrs(child)))


def _image(token: Token) -> Image | Element:
    md = parser()
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    # markdown-it's alt text: the image's content with the markup stripped.
    alt = renderer.renderInlineAsText(token.children, md.options, {}) if token.children else ""
    asset = token.meta.get(ASSET)
    if asset is not None:
        title = token.attrGet("title")
        return Image(str(asset), alt, None if title is None else str(title))
    # An image the reader refused (its error stops the build): kept as markdown-it has it.
    attrs = dict(_attrs(token))
    attrs["alt"] = alt
    return Element("img", tuple(attrs.items()))


def _fence_attrs(token: Token) -> tuple[tuple[str, str], ...]:
    """A fenced block's ``<code>`` attributes: ``class="language-<first word of info>"``."""
    info = unescapeAll(token.info).strip(_CM_SPACE) if token.info else ""
    attrs = dict(_attrs(token))
    if info:
        language = parser().options.langPrefix + _CM_SPACE_RUN.split(info, maxsplit=1)[0]
        attrs["class"] = f"{attrs['class']} {language}" if "class" in attrs else language
    return tuple(attrs.items())
