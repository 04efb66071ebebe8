"""The compiled Jinja templates in the per-user cache (scormkit/templating.py TemplateCache).

The cache holds code that is executed, so besides "same bytes with it, without it and with
a damaged one" these tests check that a file anyone but the user could have written is never
loaded, and that nothing is written when the cache is off. "A new process" is simulated by
dropping the environment `templating.environment` keeps (Jinja keeps compiled templates in
memory too).
"""

from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import os
import stat
import time
import zipfile
from pathlib import Path

import jinja2
import pytest

from scormkit import cache, templating
from scormkit.build import build, build_package
from scormkit.errors import SourceError
from scormkit.resources import templates_dir
from scormkit.sources import load_course

from .conftest import EXAMPLE_COURSE, damaged
from .theme_helpers import themed_course

ALL = sorted(p.relative_to(templates_dir()).as_posix() for p in templates_dir().rglob("*.j2"))
TEMPLATES = ["_shared/check.html.j2", "_shared/vcard.j2", "cmi5/cmi5.xml.j2",
             "scorm12/imsmanifest.xml.j2"]
"""What most tests load: a few small templates keep them fast (compiling all costs ~0.4 s)."""


@pytest.fixture(autouse=True)
def _new_process():
    templating.environment.cache_clear()
    yield
    templating.environment.cache_clear()


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiled (in this process)."""
    seen: list[str] = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def _load_all(names: list[str] = TEMPLATES) -> None:
    """Load built-in templates *names*, as a new process would."""
    templating.environment.cache_clear()
    env = templating.environment()
    for name in names:
        env.get_template(name)


def _files(folder: Path) -> list[Path]:
    return sorted((folder / "templates").glob("*/*.jinja"))


def _well_formed(path: Path) -> bool:
    """The file's header and SHA-256 are whole (written by us, not torn)."""
    data = path.read_bytes()
    magic, fingerprint, checksum, rest = data.split(b"\n", 3)
    return (magic + b"\n" == templating.TemplateCache.MAGIC
            and fingerprint == path.parent.name.encode() and len(checksum) == 40
            and hashlib.sha256(rest[32:]).digest() == rest[:32])


def _zips(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.zip"))}


def test_a_warm_build_compiles_no_template_and_changes_no_byte(tmp_path, own_cache, compiled,
                                                             monkeypatch):
    targets = ["scorm12", "qti12"]
    build(EXAMPLE_COURSE, targets, tmp_path / "cold", jobs=1)
    cold = _zips(tmp_path / "cold")
    first = len(compiled)
    assert first >= 6 and len(cold) == 2
    assert len(_files(own_cache)) == first
    templating.environment.cache_clear()
    build(EXAMPLE_COURSE, targets, tmp_path / "warm", jobs=1)
    assert len(compiled) == first  # every template came from the cache
    assert _zips(tmp_path / "warm") == cold
    monkeypatch.setenv(cache.ENV, "off")
    templating.environment.cache_clear()
    build(EXAMPLE_COURSE, targets, tmp_path / "off", jobs=1)
    assert len(compiled) == 2 * first
    assert _zips(tmp_path / "off") == cold


def test_every_template_is_kept_privately_and_loaded_back(own_cache, compiled):
    assert len(ALL) >= 16
    _load_all(ALL)
    assert sorted(compiled) == ALL
    files = _files(own_cache)
    assert len(files) == len(ALL) and all(_well_formed(p) for p in files)
    for path in files:
        assert not stat.S_IMODE(path.stat().st_mode) & 0o077
    for folder in (own_cache / "templates", files[0].parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    _load_all(ALL)
    assert sorted(compiled) == ALL  # nothing compiled the second time
    # and what was loaded renders like what was compiled
    env = templating.environment()
    assert env.get_template("_shared/vcard.j2").render(name="A; B", email="a@b.example") == \
        _like(env).from_string(
            (templates_dir() / "_shared/vcard.j2").read_text(encoding="utf-8")).render(
                name="A; B", email="a@b.example")


def _like(env: jinja2.Environment, **changed: object) -> jinja2.Environment:
    """A new environment with the options of *env*, but *changed*."""
    options: dict[str, object] = {
        "undefined": env.undefined, "keep_trailing_newline": env.keep_trailing_newline,
        "trim_blocks": env.trim_blocks, "lstrip_blocks": env.lstrip_blocks, **changed}
    return jinja2.Environment(autoescape=options.pop("autoescape", env.autoescape), **options)


def _damage(data: bytes, how: str) -> bytes:
    head_end = data.index(b"\n", data.index(b"\n", len(templating.TemplateCache.MAGIC)) + 1) + 1
    body = data[head_end + 32:]
    match how:
        case "source":  # compiled from another version of the template
            checksum = data[head_end - 41:head_end - 1]
            return data.replace(checksum, b"0" * 40, 1)
        case "marshal":  # a truncated marshal stream whose SHA-256 is right: cannot raise
            cut = body[:len(body) // 2]
            return data[:head_end] + hashlib.sha256(cut).digest() + cut
        case "not-code":  # valid marshal data of another type
            other = marshal.dumps(("not", "code"))
            return data[:head_end] + hashlib.sha256(other).digest() + other
    return damaged(data, how, templating.TemplateCache.MAGIC.rstrip(b"\n"))


@pytest.mark.parametrize("how", ["truncate", "flip", "header", "source", "empty", "garbage",
                                 "marshal", "not-code"])
def test_a_damaged_file_is_ignored_and_replaced(own_cache, compiled, how):
    _load_all()
    path = _files(own_cache)[0]
    good = path.read_bytes()
    path.write_bytes(_damage(good, how))
    _load_all()
    assert len(compiled) == len(TEMPLATES) + 1  # that one template, compiled again...
    assert path.read_bytes() == good  # ...and written again whole
    _load_all()
    assert len(compiled) == len(TEMPLATES) + 1


@pytest.mark.parametrize("how", ["file-group-writable", "file-other-writable",
                                 "folder-group-writable", "root-other-writable", "symlink",
                                 "fifo", "another-user"])
def test_a_file_anyone_else_could_have_written_is_not_loaded(own_cache, compiled,
                                                            monkeypatch, how):
    """Cached templates are code: a file or folder that someone other than the user could
    have written is not read (as Python would not trust such a __pycache__)."""
    _load_all()
    files = _files(own_cache)
    path = files[0]
    match how:
        case "file-group-writable":
            os.chmod(path, 0o620)
        case "file-other-writable":
            os.chmod(path, 0o602)
        case "folder-group-writable":
            os.chmod(path.parent, 0o770)
        case "root-other-writable":
            os.chmod(own_cache, 0o707)
        case "symlink":  # a link to a file of ours that is a valid cache file, even
            real = path.with_name("elsewhere")
            path.rename(real)
            path.symlink_to(real)
        case "fifo":  # must not hang the build
            path.unlink()
            os.mkfifo(path, 0o600)
        case "another-user":  # what a chown would do (only root can give files away)
            euid = os.geteuid()
            monkeypatch.setattr(os, "geteuid", lambda: euid + 1)
    _load_all()
    affected = 1 if how in ("file-group-writable", "file-other-writable", "symlink",
                            "fifo") else len(TEMPLATES)
    assert len(compiled) == len(TEMPLATES) + affected


def test_cache_off_writes_nothing(tmp_path, monkeypatch, compiled):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv(cache.ENV, "off")
    _load_all()
    _load_all()
    assert len(compiled) == 2 * len(TEMPLATES)
    assert list(home.iterdir()) == []
    assert templating.environment().get_template("_shared/vcard.j2") is not None


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch, compiled):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    _load_all()
    _load_all()
    assert len(compiled) == 2 * len(TEMPLATES)


EXTENDS = """{% extends "builtin/_shared/page.html.j2" %}
{% block footer %}
{{ super() }}
<p class="org-note">Published by {{ course.title }}</p>
{% endblock %}
"""


def _page(tmp_path: Path, course: Path, out: str) -> str:
    templating.environment.cache_clear()
    result = build_package(load_course(course), "scorm12", tmp_path / out)
    with zipfile.ZipFile(result.path) as archive:
        return archive.read("index.html").decode()


def test_an_edited_override_is_compiled_again(tmp_path, own_cache, compiled):
    course = themed_course(tmp_path / "c", "  templates: overrides\n",
                           {"overrides/_shared/page.html.j2": EXTENDS})
    first = _page(tmp_path, course, "one")
    assert "org-note" in first
    names = list(compiled)
    assert names.count("_shared/page.html.j2") == 2  # the override and ours (builtin/...)
    assert _page(tmp_path, course, "two") == first
    assert compiled == names  # the override and ours, from the cache
    override = course / "overrides/_shared/page.html.j2"
    override.write_text(EXTENDS.replace("Published by", "Edited by"), encoding="utf-8")
    edited = _page(tmp_path, course, "three")
    assert "Edited by" in edited and "Published by" not in edited
    assert compiled == [*names, "_shared/page.html.j2"]  # only the edited one


def test_an_error_in_a_cached_override_is_still_located(tmp_path, own_cache, compiled):
    """Jinja maps a traceback to template lines with data in the compiled code: it must
    survive the cache, or errors in an author's template lose their line."""
    course = themed_course(tmp_path / "c", "  templates: overrides\n", {
        "overrides/_shared/page.html.j2": EXTENDS.replace("course.title", "course.subtitle")})
    for _ in range(2):
        before = len(compiled)
        with pytest.raises(SourceError) as caught:
            _page(tmp_path, course, "out")
        [error] = caught.value.diagnostics()
        assert error.location.path.endswith("overrides/_shared/page.html.j2")
        assert error.location.line == 4 and "subtitle" in error.message
    assert "_shared/page.html.j2" not in compiled[before:]  # the second came from the cache


def test_the_fingerprint_covers_versions_and_options(monkeypatch):
    env = templating.environment()
    same = _like(env)
    assert templating.fingerprint(env) == templating.fingerprint(same)
    for changed in ({"trim_blocks": False}, {"autoescape": False},
                    {"undefined": jinja2.Undefined}, {"keep_trailing_newline": False},
                    {"block_start_string": "<%"}):
        other = _like(env, **changed)
        assert templating.fingerprint(other) != templating.fingerprint(env), changed
    before = templating.fingerprint(env)
    monkeypatch.setattr("scormkit.version.__version__", "99.0")
    assert templating.fingerprint(env) != before
    monkeypatch.undo()
    monkeypatch.setattr(jinja2, "__version__", "9.9.9")
    assert templating.fingerprint(env) != before


def test_a_new_version_forgets_what_older_ones_kept(own_cache, compiled, monkeypatch):
    _load_all()
    [old] = {p.parent for p in _files(own_cache)}
    _load_all()  # the same version again: nothing is deleted
    assert old.is_dir() and len(compiled) == len(TEMPLATES)
    monkeypatch.setattr("scormkit.version.__version__", "99.0")
    _load_all()
    [new] = {p.parent for p in _files(own_cache)}
    assert new != old and not old.exists()
    assert len(compiled) == 2 * len(TEMPLATES)


def _loader(folder: str, rounds: int) -> None:
    """Load the templates as a new build would, then write each again (as a build that had
    just compiled it would), many times over."""
    os.environ[cache.ENV] = folder
    for _ in range(rounds):
        _load_all()
        env = templating.environment()
        assert env.bytecode_cache is not None and env.loader is not None
        for name in TEMPLATES:
            source, filename, _ = env.loader.get_source(env, name)
            env.bytecode_cache.set_bucket(
                env.bytecode_cache.get_bucket(env, name, filename, source))


def test_concurrent_builds_never_leave_a_torn_file(tmp_path, own_cache, compiled):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_loader, args=(str(own_cache), 15)) for _ in range(2)]
    for process in workers:
        process.start()
    reads = 0
    while any(p.is_alive() for p in workers):
        for path in _files(own_cache):
            try:
                assert _well_formed(path)
            except FileNotFoundError:  # a rename between the listing and the read
                continue
            reads += 1
        time.sleep(0.002)  # leave the two cores to the writers
    for process in workers:
        process.join()
        assert process.exitcode == 0
    assert reads > 0
    _load_all()
    assert compiled == []  # all there, all whole
    assert len(_files(own_cache)) == len(TEMPLATES)
    assert not list((own_cache / "templates").rglob("*.tmp"))


def test_cache_info_lists_and_clear_deletes_the_templates(tmp_path, own_cache, run_cli):
    _load_all()
    code, out, _ = run_cli(["cache", "info"], tmp_path)
    assert code == 0 and out.count(".jinja") == len(TEMPLATES)
    assert "templates/" in out and "compiled Jinja templates" in out
    code, out, _ = run_cli(["cache", "clear"], tmp_path)
    assert code == 0
    assert not (own_cache / "templates").exists()
