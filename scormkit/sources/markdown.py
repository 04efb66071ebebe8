"""The one configured CommonMark parser (markdown-it-py) used for every Markdown source.

Raw HTML is off, so lesson bodies are always well-formed XHTML that QTI item bodies and HTML
pages can both embed; tables, strikethrough, front matter and callout containers are on.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

CALLOUT_KINDS = {"note": "Note", "tip": "Tip", "warning": "Warning"}


def _render_callout(
    self: Any, tokens: Sequence[Token], idx: int, _options: Any, env: Any
) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    kind, _, title = token.info.strip().partition(" ")
    title = title.strip() or CALLOUT_KINDS[kind]
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


def render(tokens: Sequence[Token], env: dict[str, Any] | None = None) -> str:
    """Render tokens (possibly rewritten by a reader) to XHTML."""
    md = parser()
    return md.renderer.render(list(tokens), md.options, env or {})


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
