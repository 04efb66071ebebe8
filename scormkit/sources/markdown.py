"""The one configured CommonMark parser (markdown-it-py) used for every Markdown source, and
the conversion of its tokens into content trees (`scormkit.content`).

Raw HTML is off, so content is always XHTML that QTI item bodies and HTML pages can both
embed; tables, strikethrough, front matter and callout containers are on.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from contextvars import ContextVar
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from scormkit.content import BlankSlot, Content, Element, Image, LessonLink, Node
from scormkit.errors import Diagnostic, Location
from scormkit.sources import token_cache

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


MAX_NESTING = 20
"""markdown-it's limit of nested blocks (CommonMark preset): a list item and its list count
two levels, a quote one. Content nested deeper is a located error (NestingTooDeep), never
dropped in silence as the parser does on its own."""

_refused: ContextVar[list[str] | None] = ContextVar("scormkit_refused_links", default=None)


class NestingTooDeep(Exception):
    """Blocks nested beyond MAX_NESTING at *line* (1-based): the parser would drop the rest of
    the enclosing block (for a list, the rest of the file)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"blocks nested too deeply at line {line}")
        self.line = line


def parse(text: str, *, lesson: bool = False) -> tuple[list[Token], list[str]]:
    """The tokens of *text*, and the link and image destinations the parser refused, in the
    order it met them: markdown-it keeps ``[x](javascript:...)``, ``![x](file:///...)`` and
    other ``javascript:``, ``vbscript:``, ``file:`` and (non-image) ``data:`` URLs out of the
    tokens and leaves the Markdown as plain text, without a word; the readers report them.
    Raises NestingTooDeep. *lesson*: a lesson file, whose parser also reads ``::: check``
    containers (`lesson_parser`)."""
    kind = "lesson" if lesson else "markdown"
    cached = token_cache.load(text, kind)
    if cached is not None:
        return cached
    refused: list[str] = []
    token = _refused.set(refused)
    try:
        tokens = (lesson_parser() if lesson else parser()).parse(text)
    finally:
        _refused.reset(token)
    parsed = tokens, list(dict.fromkeys(refused))
    token_cache.store(text, kind, parsed)
    return parsed


@cache
def parser() -> MarkdownIt:
    """The shared parser. markdown-it-py keeps `Token.map` line ranges, which every
    diagnostic about Markdown uses. Use `parse`, which reports what this parser drops."""
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "linkify": False,
                                   "maxNesting": MAX_NESTING})
    _watch(md)
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    # One container rule for every callout kind: each rule is tried on every line, and the
    # parser is the slowest part of a build.
    _use_container(md, "callout",
                   lambda params, *_args: params.strip().split(" ", 1)[0] in CALLOUT_KINDS,
                   _render_callout)
    return md


CHECK = "check"
"""The container name of an inline check in a lesson (``::: check Title {settings}``)."""


@cache
def lesson_parser() -> MarkdownIt:
    """The parser of lesson files: the shared rules, and ``::: check`` containers for the
    inline checks (`scormkit.sources.checks`). Quizzes use `parser`, which has no such
    container (a check in a quiz is just text)."""
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "linkify": False,
                                   "maxNesting": MAX_NESTING})
    _watch(md)
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    _use_container(md, "callout",
                   lambda params, *_args: params.strip().split(" ", 1)[0] in CALLOUT_KINDS,
                   _render_callout)
    _use_container(md, CHECK, lambda params, *_args: params.strip().split(" ", 1)[0].split(
        "{", 1)[0] == CHECK)
    return md


UNCLOSED = "scormkit_unclosed"
"""``Token.meta`` key set on a container's opening token when no ``:::`` line closes it
(mdit-py-plugins then runs it to the end of the enclosing block, the file for a top-level
one: the rest of the lesson would go into the callout)."""


def _use_container(md: MarkdownIt, name: str, validate: Any, render: Any = None) -> None:
    """The container plugin's rule for *name*, watched: an opening fence that nothing closes
    is marked UNCLOSED (`container_diagnostics` reports it)."""
    md.use(container_plugin, name=name, validate=validate,
           **({"render": render} if render else {}))
    rule_name = f"container_{name}"
    ruler = md.block.ruler
    rule = ruler.__rules__[ruler.__find__(rule_name)]
    run = rule.fn

    def container(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        found = run(state, start, end, silent)
        if not found or silent:
            return bool(found)
        opened = state.tokens[count]
        # The plugin leaves state.line one past the closing fence when it found one, and
        # at the last line it searched when it did not (container/index.py, container_func).
        if opened.map and state.line == opened.map[1]:
            opened.meta[UNCLOSED] = True
        return True

    ruler.at(rule_name, container, {"alt": list(rule.alt)})


# An opening fence may carry a title after its kind (`::: tip Remember`).
_FENCE_LINE = re.compile(r":{3,}[ \t]*(\S*)(?:[ \t].*)?")
_KIND_SYNONYMS = {"caution": "warning", "danger": "warning", "important": "warning",
                  "attention": "warning", "error": "warning", "info": "note",
                  "information": "note", "hint": "tip", "example": "note", "remark": "note"}
"""Container names of other tools (GitHub alerts, Docusaurus and MkDocs admonitions)
and the kind of ours closest in meaning, for the did-you-mean of an unknown kind."""


def container_diagnostics(
    tokens: Sequence[Token], shown: str, kinds: Sequence[str]) -> list[Diagnostic]:
    """Located errors for the containers of *tokens* that would silently go wrong: one
    opened and never closed (it swallows the rest of the lesson), a ``:::`` line of an
    unknown kind (``::: caution``: learners would see the literal text) and a ``:::`` line
    that closes nothing. *kinds* are the container names the file's parser knows. The
    tokens inside a ``::: check`` are skipped: the quiz reader reads them again."""
    found: list[Diagnostic] = []
    inside_check = 0
    unknown = 0  # unknown kinds reported: the next ':::' lines are their closing fences
    for token in tokens:
        if token.type.startswith(f"container_{CHECK}_"):
            inside_check += token.nesting
        elif inside_check:
            continue
        if token.type.startswith("container_") and token.nesting == 1 and token.meta.get(
                UNCLOSED):
            line = (token.map[0] if token.map else 0) + 1
            opening = f"{token.markup} {token.info.strip()}".strip()
            found.append(Diagnostic(
                "unclosed-container", f"'{shown_fence(opening)}' at line {line} is never "
                "closed: everything after it would go inside it", Location(shown, line),
                f"end it with a line holding only '{token.markup}' where it should stop"))
        elif token.type == "inline" and token.map and ":::" in token.content:
            for offset, text in enumerate(token.content.split("\n")):
                match = _FENCE_LINE.fullmatch(text.strip())
                if match is None:
                    continue
                where = Location(shown, token.map[0] + offset + 1)
                word = match.group(1)
                known = ", ".join(f"'::: {kind}'" for kind in kinds)
                if not word and unknown:
                    unknown -= 1
                    continue
                if not word:
                    found.append(Diagnostic(
                        "stray-container-end", "this ':::' line closes no container; "
                        "learners would see it as text", where,
                        f"delete it, or open a container above it ({known})"))
                    continue
                unknown += 1
                kind = word.split("{", 1)[0]
                close = difflib.get_close_matches(kind.lower(), kinds, n=1, cutoff=0.6)
                guess = (kind.lower() if kind.lower() in kinds else
                         _KIND_SYNONYMS.get(kind.lower()) or (close[0] if close else None))
                found.append(Diagnostic(
                    "unknown-container", f"unknown container kind {shown_fence(repr(kind))}: "
                    "learners would see the ':::' line as text", where,
                    (f"did you mean '::: {guess}'? " if guess in kinds else "") +
                    f"the kinds are: {known}"))
    return found


def shown_fence(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"


def _watch(md: MarkdownIt) -> None:
    """Make what markdown-it drops silently visible to `parse`: the destinations its
    validateLink refuses (it stays the judge), and blocks beyond its nesting limit."""
    validate = md.validateLink

    def validate_link(url: str) -> bool:
        if validate(url):
            return True
        refused = _refused.get()
        if refused is not None:
            refused.append(url)
        return False

    md.validateLink = validate_link  # type: ignore[method-assign]
    tokenize = md.block.tokenize

    def tokenize_block(state: StateBlock, start: int, end: int) -> None:
        # markdown-it's block loop skips to the end of the range when the level reaches
        # maxNesting (ParserBlock.tokenize): stop there, at the first line it would drop.
        if state.level >= md.options.maxNesting:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                raise NestingTooDeep(line + 1)
        tokenize(state, start, end)

    md.block.tokenize = tokenize_block  # type: ignore[method-assign, assignment]


def parse_inline(text: str) -> list[Token]:
    """The inline tokens of *text* (one line of Markdown, e.g. a heading's title), read by
    the shared parser's inline rules."""
    refused: list[str] = []
    token = _refused.set(refused)  # already reported where the whole file was parsed
    try:
        blocks = parser().parseInline(text)
    finally:
        _refused.reset(token)
    return list(blocks[0].children or ()) if blocks else []


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
    tokens (tests/test_content.py checks this on arbitrary Markdown). One loop with local
    state, not a method per token: every lesson and quiz goes through it."""
    out: list[Node] = []
    stack: list[tuple[_Opened, list[Node]]] = []
    count = len(tokens)
    previous_hidden = False
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            out += _inline_nodes(token.children or ())
        elif kind not in _OWN_RULES:
            # markdown-it's renderToken: the tag, and its new lines.
            block, nesting = token.block, token.nesting
            if token.hidden:  # the paragraphs of a tight list
                pass
            elif nesting == -1:
                opened, parent = stack.pop()
                parent.append(_node(opened, out))
                out = parent
                if block:
                    out.append("\n")
            else:
                if block and previous_hidden:
                    out.append("\n")
                if nesting == 0:
                    out.append(Element(token.tag, _attrs(token)))
                    if block:
                        out.append("\n")
                else:
                    new_line = block
                    if block and index + 1 < count:
                        following = tokens[index + 1]
                        if following.type == "inline" or following.hidden or (
                                following.nesting == -1 and following.tag == token.tag):
                            new_line = False
                    stack.append(((token.tag, _attrs(token), None, None), out))
                    out = ["\n"] if new_line else []
        elif kind == "code_block":
            out += (Element("pre", _attrs(token), (Element("code", (), (token.content,)),)), "\n")
        elif kind == "fence":
            out += (Element("pre", (), (Element("code", _fence_attrs(token),
                                                (token.content,)),)), "\n")
        elif kind == "container_callout_open":
            callout, title = _callout(token)
            stack.append((("div", (("class", f"callout callout-{callout}"), ("role", "note")),
                           None, None), out))
            out = ["\n", Element("p", (("class", "callout-title"),), (title,)), "\n"]
        elif kind == "container_callout_close":
            opened, parent = stack.pop()
            parent += (_node(opened, out), "\n")
            out = parent
        else:  # html_block: never, raw HTML is off
            out.append(token.content)
        previous_hidden = token.hidden
    return Content(tuple(out))


def inline_content(token: Token) -> Content:
    """The content of one inline token (a heading's or a paragraph's text)."""
    return Content(tuple(_inline_nodes(token.children or ())))


_CM_SPACE = ("\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""White space markdown-it trims and splits a fence's info string on (its MD_TRIM_CHARS)."""
_CM_SPACE_RUN = re.compile(f"[{re.escape(_CM_SPACE)}]+")

_OWN_RULES = frozenset(("inline", "code_block", "fence", "container_callout_open",
                        "container_callout_close", "html_block"))
"""Block tokens markdown-it renders with a rule of their own rather than renderToken."""

_Opened = tuple[str, tuple[tuple[str, str], ...], tuple[str, str] | None, str | None]
"""An element being built: tag, attributes, and for a lesson link (lesson id, heading id)
and its title."""

_BR = Element("br")


def _attrs(token: Token) -> tuple[tuple[str, str], ...]:
    if not token.attrs:
        return ()
    return tuple((str(name), str(value)) for name, value in token.attrs.items())


def _node(opened: _Opened, children: list[Node]) -> Element | LessonLink:
    tag, attrs, lesson, title = opened
    if lesson is not None:
        return LessonLink(lesson[0], lesson[1], title, tuple(children))
    return Element(tag, attrs, tuple(children))


def _inline_nodes(tokens: Sequence[Token]) -> list[Node]:
    """The children of an inline token, as markdown-it's ``renderInline`` writes them."""
    out: list[Node] = []
    stack: list[tuple[_Opened, list[Node]]] = []
    for child in tokens:
        kind = child.type
        if kind in ("text", "text_special", "html_inline"):  # html_inline: never (HTML off)
            out.append(child.content)
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out += (_BR, "\n")
        elif kind == "code_inline":
            out.append(Element("code", _attrs(child), (child.content,)))
        elif kind == "image":
            out.append(_image(child))
        elif kind == BLANK:
            out.append(BlankSlot(child.meta[BLANK]))
        elif child.nesting == 1:
            lesson = child.meta.get(LESSON) if kind == "link_open" else None
            if lesson is None:
                stack.append(((child.tag, _attrs(child), None, None), out))
            else:
                title = child.attrGet("title")
                stack.append((("a", (), (lesson[0], lesson[1]),
                               None if title is None else str(title)), out))
            out = []
        elif child.nesting == -1:
            opened, parent = stack.pop()
            parent.append(_node(opened, out))
            out = parent
        else:
            out.append(Element(child.tag, _attrs(child)))
    return out


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
