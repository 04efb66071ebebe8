"""The Jinja2 environment every writer renders with: autoescaped, strict, deterministic."""

from __future__ import annotations

from functools import cache

import jinja2

from scormkit.resources import templates_dir


@cache
def environment() -> jinja2.Environment:
    """One shared environment. Autoescape is on for every template (all we render is XML or
    HTML; select_autoescape would miss *.xml.j2 names), and undefined variables are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
