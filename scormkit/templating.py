"""The Jinja2 environment every writer renders with: autoescaped, strict, deterministic.

A course may bring a template folder (course.yaml ``theme: templates:``, like mkdocs'
``custom_dir``). Templates are then looked up in that folder first and in ours second, and
ours stay reachable as ``builtin/<name>``, so an override can extend the template it
replaces and change one block (``{% extends "builtin/_shared/page.html.j2" %}``) instead of
copying it. Whatever a template makes is validated like the rest of the package, so a broken
override fails the build, not the LMS; an error in the author's template is reported at its
file and line (a SourceError), while one in ours stays a bug (a traceback).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from scormkit.errors import Location, SourceError
from scormkit.paths import display_path
from scormkit.resources import templates_dir

BUILTIN_PREFIX = "builtin"
"""``builtin/<name>``: our template *name*, whatever the course's folder holds."""


@cache
def environment(overrides: Path | None = None) -> jinja2.Environment:
    """One shared environment per template folder (None: ours only). Autoescape is on for
    every template (all we render is XML or HTML; select_autoescape would miss *.xml.j2
    names), and undefined variables are errors."""
    builtin = jinja2.FileSystemLoader(str(templates_dir()))
    loader: jinja2.BaseLoader = builtin
    if overrides is not None:
        loader = jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(overrides)),
            builtin,
            jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}),
        ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(template: str, /, *, overrides: Path | None = None, **context: object) -> str:
    """Render *template* (searched in *overrides* first, when given) with *context*."""
    if overrides is None:
        return environment().get_template(template).render(**context)
    try:
        return environment(overrides).get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        where = _author_frame(exc, overrides)
        if where is None:
            raise  # not the author's template: a bug of ours
        raise SourceError(
            "template-error", f"the template failed: {type(exc).__name__}: {exc}", where,
            "fix the template (docs/theming.md lists the variables each page gets); "
            f"extend ours with {{% extends \"{BUILTIN_PREFIX}/{template}\" %}} to change "
            "only a block") from None


def _author_frame(exc: jinja2.TemplateError, overrides: Path) -> Location | None:
    """Where in the author's template folder *exc* happened: the syntax error's file and
    line, or the innermost traceback frame that is one of their templates."""
    folder = overrides.resolve()
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        path = Path(exc.filename).resolve()
        if path.is_relative_to(folder):
            return Location(display_path(path), exc.lineno)
    tb = exc.__traceback__
    found = None
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        if path.is_absolute() and path.resolve().is_relative_to(folder):
            found = Location(display_path(path), tb.tb_lineno)
        tb = tb.tb_next
    return found
