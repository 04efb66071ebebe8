"""The Jinja2 environment every writer renders with: autoescaped, strict, deterministic.

A course may bring a template folder (course.yaml ``theme: templates:``, like mkdocs'
``custom_dir``). Templates are then looked up in that folder first and in ours second, and
ours stay reachable as ``builtin/<name>``, so an override can extend the template it
replaces and change one block (``{% extends "builtin/_shared/page.html.j2" %}``) instead of
copying it. Whatever a template makes is validated like the rest of the package, so a broken
override fails the build, not the LMS; an error in the author's template is reported at its
file and line (a SourceError), while one in ours stays a bug (a traceback).

Compiling a template (Jinja parses it, generates Python source and runs `compile()` on it)
costs more than rendering it at the sizes most courses have: our templates take about a third
of a second of CPU in every process. `TemplateCache` keeps the compiled code in the per-user
cache (scormkit/cache.py says what is kept there and why it can be trusted), as Python keeps
``__pycache__`` for modules.
"""

from __future__ import annotations

import importlib.util
import marshal
import sys
from functools import cache
from pathlib import Path
from types import CodeType

import jinja2
import jinja2.bccache

from scormkit import cache as user_cache
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
    env.bytecode_cache = TemplateCache(env)
    return env


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's compiled template code in the per-user cache, one file per template:
    ``templates/<fingerprint>/<key>.jinja`` (see scormkit/cache.py).

    We do not use Jinja's own file format (`jinja2.bccache.Bucket.load_bytecode`): it reads
    the source checksum with `pickle.load`, and nothing in our cache is unpickled. Ours keeps
    the checks Jinja's makes, without pickle: Jinja's bytecode magic (its format and Python's
    version) is part of the folder's fingerprint, and the template's source checksum is in the
    header, compared before any code is loaded; a SHA-256 of the marshalled code makes a
    truncated or damaged file one that is ignored (then replaced), never one that half-loads.

    The cache folder is looked up on every load and store, not once: it follows
    SCORMKIT_CACHE as it is when a template is first needed, and does nothing when the cache
    is off or not trusted. A store that fails is skipped: a cache never breaks a build. The
    build that makes a new fingerprint's folder deletes the others (older versions' code),
    so the folder holds one version's templates (a few hundred KiB)."""

    MAGIC = b"scormkit-jinja 1\n"

    def __init__(self, env: jinja2.Environment) -> None:
        self._parts = ("templates", fingerprint(env))
        self._stored = False

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"{bucket.key}.jinja"  # key: a SHA-1 of the template's name and file

    def _head(self, bucket: jinja2.bccache.Bucket) -> bytes:
        return self.MAGIC + self._parts[1].encode("ascii") + b"\n" + \
            bucket.checksum.encode("ascii") + b"\n"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        body = user_cache.read_sealed(self._parts, self._name(bucket), self._head(bucket))
        if body is None:  # none, another format, fingerprint or source, damaged: compile
            return
        try:
            code = marshal.loads(body)
        except (EOFError, ValueError, TypeError):  # cannot happen once the SHA-256 matched
            return
        if isinstance(code, CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is None:
            return
        try:
            body = marshal.dumps(bucket.code)
        except ValueError:  # a constant marshal cannot write: keep compiling it
            return
        root = user_cache.cache_dir()
        fresh = (not self._stored and root is not None
                 and not root.joinpath(*self._parts).is_dir())
        folder = user_cache.write_sealed(self._parts, self._name(bucket), self._head(bucket),
                                         body)
        if folder is not None:
            self._stored = True
            if fresh:  # the first build of this version: what older ones kept goes
                user_cache.forget_other_keys(folder)


def fingerprint(env: jinja2.Environment) -> str:
    """What the code Jinja compiles for *env* depends on, besides the template's source:
    the versions of scormkit, Jinja and Python (with their bytecode magic numbers) and every
    option of the environment that the compiler reads (syntax, whitespace, autoescape, the
    filters and tests it checks names against, the undefined class)."""
    from scormkit.version import __version__

    options = (
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
        env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
        env.is_async, getattr(env.autoescape, "__qualname__", env.autoescape),
        env.undefined.__module__,
        env.undefined.__qualname__, sorted(env.extensions), sorted(env.filters),
        sorted(env.tests))
    return user_cache.fingerprint(
        __version__, jinja2.__version__, jinja2.bccache.bc_magic.hex(),
        sys.implementation.cache_tag or sys.version, importlib.util.MAGIC_NUMBER.hex(),
        repr(options))


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
