"""Command-line interface: option parsing and output only; the work is in the library."""

from __future__ import annotations

import gc
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scormkit import __version__, formats, terminal
from scormkit.errors import ScormkitError
from scormkit.validation.profiles import PROFILES

BUILD_HELP = """Compile the course in SOURCE (default: the current folder) into a package.

The package is checked first as `scormkit validate --strict` checks it (official schemas,
package rules); nothing is written when anything is found. The zip goes to
OUT/<id>-<version>-<target>.zip (moodlexml: the question file itself, OUT/<id>-<version>-
moodlexml.xml, which Moodle's question import takes)."""

SCHEMAS_INSTALL_HELP = """Install the official XSDs that validation needs.

Each file is taken from the first source that has it with the sha256 the catalog pins:
--from, then SCORMKIT_SCHEMA_MIRROR (each a folder laid out as <family>/<file>, a zip made by
`scormkit schemas export`, or an http(s) URL of either), then the file's pinned download
addresses (commit-pinned copies on raw.githubusercontent.com; --offline skips them). A source
that lacks the file, fails or serves other bytes is reported and the next one is tried.

Downloads honour HTTPS_PROXY/NO_PROXY and SSL_CERT_FILE. Files already installed are kept.
Exit code 0 when every file is installed, 1 otherwise (each failure lists what was tried)."""


def _verbosity_option(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """-q/-v, given before the subcommand or after it: both set the run's verbosity."""
    if not value:
        return
    root = ctx.find_root()
    wanted = terminal.QUIET if param.name == "quiet" else terminal.VERBOSE
    current = root.meta.get(_VERBOSITY)
    if current is not None and current != wanted:
        raise click.UsageError("-q/--quiet and -v/--verbose exclude each other: give one")
    root.meta[_VERBOSITY] = wanted


_VERBOSITY = "scormkit.verbosity"


def verbosity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """-q/--quiet and -v/--verbose, on the main command and on each subcommand."""
    command = click.option(
        "-v", "--verbose", "verbose", is_flag=True, expose_value=False, is_eager=True,
        callback=_verbosity_option, help="Say more: what was read, each document checked.")(
            command)
    return click.option(
        "-q", "--quiet", "quiet", is_flag=True, expose_value=False, is_eager=True,
        callback=_verbosity_option,
        help="Print problems only (errors and warnings); no progress, no summary.")(command)


def _console() -> terminal.Console:
    ctx = click.get_current_context()
    root = ctx.find_root()
    console = root.meta.get("scormkit.console")
    if console is None:
        console = root.meta["scormkit.console"] = terminal.Console(
            root.meta.get(_VERBOSITY, terminal.NORMAL))
    assert isinstance(console, terminal.Console)
    return console


def _fail(error: ScormkitError) -> None:
    console = _console()
    for diagnostic in error.diagnostics():
        console.diagnostic(diagnostic)
    count = len(error.diagnostics())
    if count > 1:
        console.note(f"{count} problems; nothing was written.")
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scormkit")
@verbosity_options
def cli() -> None:
    """scormkit: compile a course kept as plain files into validated e-learning packages.

    Shell completion (bash, zsh, fish): see docs/cli.md, e.g. for bash add
    eval "$(_SCORMKIT_COMPLETE=bash_source scormkit)" to ~/.bashrc."""


@cli.command(help=BUILD_HELP)
@click.argument("source", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-t", "--target", "targets", multiple=True,
              type=click.Choice([*formats.target_names(), formats.ALL]),
              help="Target format (repeatable); 'all' builds every format. Default: the "
              "course's 'targets:' list, else scorm12.")
@click.option("-o", "--out", default=Path("dist"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--sco-per-lesson", is_flag=True,
              help="One SCO (or AU) per lesson instead of one for the whole course ("
              + ", ".join(f.name for f in formats.FORMATS.values()
                          if f.supports(formats.Layout.SCO_PER_LESSON)) + ").")
@click.option("--strict", is_flag=True,
              help="An option a target cannot honour is an error, not a warning.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes building targets at once (default: one per core; 1 builds "
              "them one after the other). The packages are the same either way.")
@verbosity_options
def build(source: Path, targets: tuple[str, ...], out: Path, sco_per_lesson: bool,
          strict: bool, jobs: int | None) -> None:
    from scormkit.build import BuildFailure, BuildResult
    from scormkit.build import build as run_build
    from scormkit.errors import counted
    from scormkit.model import Course
    from scormkit.paths import display_path
    from scormkit.writers import WriterOptions

    console = _console()
    names = formats.expand_targets(targets)
    clock = terminal.Stopwatch()
    planned: list[str] = []
    done: list[str] = []

    def show_progress(current: str | None = None) -> None:
        total = len(planned)
        step = f"building {current}" if current else "done"
        console.progress(f"{terminal.bar(len(done), total)} {len(done)}/{total} "
                         f"{'target' if total == 1 else 'targets'}  {clock.seconds():.0f} s"
                         f"  {step}")

    def start(course: Course, chosen: list[str]) -> None:
        planned.extend(chosen)
        quiz = course.quiz
        console.detail(
            f"read {display_path(course.root / 'course.yaml')} in {clock.seconds():.2f} s: "
            f"{course.id} {course.version}, "
            + (counted(len(course.lessons), "lesson") if course.lessons_read
               else "lessons not read (no target shows them)")
            + (f", a quiz of {counted(len(quiz.all_questions()), 'question')}" if quiz else "")
            + (", themed" if course.theme else "")
            + f"; building {', '.join(chosen)}")
        show_progress(chosen[0])

    def finished(outcome: BuildResult | BuildFailure) -> None:
        done.append(outcome.target)
        if isinstance(outcome, BuildResult):
            for warning in outcome.warnings:
                console.diagnostic(warning)
        else:
            console.error(f"{outcome.target}: failed")
            for diagnostic in outcome.error.diagnostics():
                console.diagnostic(diagnostic)
        following = next((name for name in planned if name not in done), None)
        show_progress(following)

    console.progress("reading the course…")
    try:
        outcomes = run_build(source, names, out, WriterOptions(sco_per_lesson=sco_per_lesson),
                             finished, strict=strict, jobs=jobs, on_start=start)
    except ScormkitError as error:
        console.clear_progress()
        _fail(error)
        return
    finally:
        console.clear_progress()
    failed = [o for o in outcomes if isinstance(o, BuildFailure)]
    if len(outcomes) == 1 and not failed:
        (result,) = outcomes
        assert isinstance(result, BuildResult)
        console.info(f"{display_path(result.path)}  ({counted(result.files, 'file')}, "
                     f"{result.size / 1024:.1f} KiB, {result.seconds:.2f} s)")
    elif len(outcomes) > 1:
        # One summary for several targets: this table (the lines above were problems only).
        console.info(f"{'target':10} {'result':8} {'files':>5} {'size KiB':>9} {'time s':>7}"
                     "  file")
        ok, bad = console.out_style("ok", f"{'ok':8}"), console.out_style("failed", f"{'FAILED':8}")
        for o in outcomes:
            if isinstance(o, BuildResult):
                console.info(f"{o.target:10} {ok} {o.files:5} "
                             f"{o.size / 1024:9.1f} {o.seconds:7.2f}  {display_path(o.path)}")
            else:
                console.info(f"{o.target:10} {bad} "
                             f"{'':>5} {'':>9} {o.seconds:7.2f}")
        if not failed:
            console.info(f"{counted(len(outcomes), 'package')} written to "
                         f"{display_path(out)} in {clock.seconds():.1f} s")
    if failed:
        if len(outcomes) > 1:
            console.error(f"{len(failed)} of {len(outcomes)} targets failed; the others "
                          "were written.")
        sys.exit(1)


INIT_HELP = """Start a course in DIR (default: the current folder): a course that builds at once.

Writes a commented course.yaml (every key explained, the theme too), two short lessons, a
quiz with three question types and two images, then prints the commands to try next. DIR
must be new or empty (hidden entries such as .git are fine): init never overwrites files."""


@cli.command(help=INIT_HELP)
@click.argument("folder", metavar="[DIR]", default=".",
                type=click.Path(path_type=Path))
@verbosity_options
def init(folder: Path) -> None:
    from scormkit.errors import counted
    from scormkit.paths import display_path
    from scormkit.scaffold import create

    console = _console()
    try:
        created = create(folder)
    except ScormkitError as error:
        _fail(error)
        return
    shown = display_path(created.folder)
    console.info(f"created a course in {shown} ({counted(len(created.files), 'file')}):")
    for name in created.files:
        console.info(f"  {name}")
    go = "" if shown == "." else f"  cd {shlex.quote(shown)}\n"
    console.info(
        "next:\n"
        f"{go}"
        "  scormkit build                       # a SCORM 1.2 package in dist/\n"
        "  scormkit build -t all                # every format (scormkit formats lists them)\n"
        "  scormkit validate --strict dist/*    # the zips, and the Moodle .xml of -t all\n"
        "  scormkit preview                     # see it in your browser as you edit\n"
        "Then edit course.yaml (its comments explain every key), the lessons and the quiz.")


@cli.group()
def schemas() -> None:
    """Manage the official XSDs used for validation."""


VALIDATE_HELP = """Check packages (zip files or unpacked folders) made by scormkit or anyone else.

Detects the kind (SCORM 1.2/2004, Common Cartridge, QTI 1.2/2.1/3.0, cmi5, IMS CP, Moodle
XML), reads the package without extracting it (zip slip, bombs, links and XML entities are
refused), validates every XML document against its official XSD and applies the package
rules LMSs enforce, each with a stable code (see --list-rules). --lms adds the rules of one
LMS and raises the severity of those it treats strictly. --runtime launches each SCO in
headless Chromium with scorm-again as the LMS API.

Exit code 0 when valid, 1 when problems were found (with --strict, warnings too), 2 for
usage errors or unreadable input."""


@cli.command(help=VALIDATE_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="Report format (json and junit for CI).")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--lms", type=click.Choice(list(PROFILES)),
              help="Add the rules of this LMS and raise those it enforces strictly.")
@click.option("--runtime", is_flag=True,
              help="Also launch each SCO in headless Chromium with scorm-again as the LMS API "
                   "(see `scormkit runtime install`; exit code 2 when either is missing).")
@click.option("--list-rules", is_flag=True,
              help="List every rule (code, severity, kinds, summary) and exit.")
@verbosity_options
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, lms: str | None, runtime: bool,
             list_rules: bool) -> None:
    from scormkit import report as reports
    from scormkit.errors import SchemaMissing, failure, printable
    from scormkit.validation import PackageReport, validate_archive
    from scormkit.validation.members import UnreadablePackage

    console = _console()
    if list_rules:
        console.report(reports.rules_listing(lms, fmt))
        return
    if not paths:
        raise click.UsageError("give at least one package (zip file, folder or Moodle XML "
                               "file), or "
                               "--list-rules")
    if runtime:
        from scormkit.validation.runtime_check import missing_tools

        missing = missing_tools()
        if missing:
            console.error("--runtime needs Chromium and scorm-again; missing:")
            for what, how in missing:
                console.error(what, how)
            sys.exit(2)
    results = []
    unreadable = False
    for path in paths:
        try:
            results.append(validate_archive(path, lms=lms, runtime=runtime))
        except UnreadablePackage as error:
            console.error(printable(str(error)))
            unreadable = True
        except SchemaMissing as error:
            console.error(str(error))
            sys.exit(2)
        except Exception as error:  # noqa: BLE001 - a bug: this package's error, not the run's
            results.append(PackageReport(str(path), None, 0,
                                         failure("checking the package", error)))
    if fmt == "text":
        console.report(reports.as_text(results, strict, lms, verbosity=console.verbosity,
                                       style=console.out_style))
    else:  # for machines: the whole report whatever the verbosity, never coloured
        render = {"json": reports.as_json, "junit": reports.as_junit}[fmt]
        click.echo(render(results, strict, lms))
    if unreadable:
        sys.exit(2)
    sys.exit(1 if any(r.failed(strict) for r in results) else 0)


@schemas.command("install", help=SCHEMAS_INSTALL_HELP)
@click.option("--from", "source", metavar="DIR_ZIP_OR_URL",
              help="Mirror to install from: a folder, a zip from `schemas export`, or a URL.")
@click.option("--offline", is_flag=True,
              help="Only use --from and SCORMKIT_SCHEMA_MIRROR; never download.")
@click.option("--connect-timeout", type=click.FloatRange(min=0.1), default=None,
              metavar="SECONDS", help="Time to connect to a host (default 10).")
@click.option("--read-timeout", type=click.FloatRange(min=0.1), default=None,
              metavar="SECONDS", help="Time to wait for data from a connected host "
              "(default 20).")
@click.option("--max-time", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Time limit for the whole command (default 600).")
@click.argument("families", nargs=-1)
@verbosity_options
def schemas_install(source: str | None, offline: bool, connect_timeout: float | None,
                    read_timeout: float | None, max_time: float | None,
                    families: tuple[str, ...]) -> None:
    from scormkit import fetch
    from scormkit import schemas as catalog
    from scormkit.errors import counted
    from scormkit.resources import schema_dir
    from scormkit.schema_install import install

    console = _console()
    defaults = fetch.Limits()
    limits = fetch.Limits(connect_timeout or defaults.connect, read_timeout or defaults.read,
                          max_time or defaults.total)
    try:
        fetched = install(families or None, source, offline=offline, limits=limits,
                          progress=console.note)
    except ScormkitError as error:
        for diagnostic in error.diagnostics():
            console.diagnostic(diagnostic)
        sys.exit(1)
    total = sum(fetched.values())
    present = sum(len(catalog.family(f).files) for f in fetched) - total
    console.info(f"{counted(len(fetched), 'schema family', 'schema families')} ready in "
                 f"{schema_dir()} ({counted(total, 'file')} installed, {present} already "
                 "present)")


@schemas.command("list")
def schemas_list() -> None:
    """Show each schema family and whether it is installed."""
    from scormkit import schemas as catalog

    for name, family in sorted(catalog.catalog().items()):
        missing = catalog.missing_files(name)
        state = "installed" if not missing else f"missing {len(missing)} of {len(family.files)}"
        click.echo(f"{name:15} {state:22} {family.label}")


@schemas.command("export")
@click.argument("destination", metavar="FILE.zip", type=click.Path(dir_okay=False,
                                                                     path_type=Path))
@click.argument("families", nargs=-1)
@verbosity_options
def schemas_export(destination: Path, families: tuple[str, ...]) -> None:
    """Write the installed XSDs (of FAMILIES, default all) as a mirror zip.

    Copy the zip to a machine without internet access and run `scormkit schemas install
    --from FILE.zip` there (or set SCORMKIT_SCHEMA_MIRROR to it)."""
    from scormkit.errors import counted
    from scormkit.paths import display_path
    from scormkit.schema_install import export

    console = _console()
    try:
        done = export(destination, families or None)
    except ScormkitError as error:
        _fail(error)
        return
    complete = counted(len(done.complete), "complete family", "complete families")
    console.info(f"{display_path(done.path)}: {counted(done.files, 'file')}, "
                 f"{done.size / 1024:.0f} KiB ({complete}: {', '.join(done.complete)})")
    if done.incomplete:
        console.warning(f"not (fully) installed, so not (fully) exported: "
                        f"{', '.join(done.incomplete)}", "run `scormkit schemas install` first")


@schemas.command("urls")
@click.argument("families", nargs=-1)
def schemas_urls(families: tuple[str, ...]) -> None:
    """List each file's sha256, mirror path and pinned download addresses (tab-separated).

    For fetching the files by other means: save each one as <path> under a folder and install
    with `scormkit schemas install --from FOLDER`."""
    from scormkit import schemas as catalog

    names = families or tuple(sorted(catalog.catalog()))
    seen: set[str] = set()
    for name in names:
        if name not in catalog.catalog():
            raise click.BadParameter(f"unknown schema family '{name}'", param_hint="FAMILIES")
        for f in catalog.family(name).files:
            rel = f"{catalog.mirror_folder(name, f)}/{f.path}"
            if rel in seen:
                continue
            seen.add(rel)
            for url in f.urls:
                click.echo(f"{f.sha256}\t{rel}\t{url}")


@cli.group()
def runtime() -> None:
    """Tools for `validate --runtime` (the SCORM API library scorm-again)."""


@runtime.command("install")
@click.option("--from", "source", metavar="FILE.tgz",
              help="Install this scorm-again tarball (from `npm pack`) instead of downloading.")
@verbosity_options
def runtime_install(source: str | None) -> None:
    """Download scorm-again (pinned version, sha256-checked) for `validate --runtime`.

    It comes from the npm registry and goes into scormkit's per-user data folder; downloads
    honour HTTPS_PROXY/NO_PROXY and SSL_CERT_FILE. Chromium is not downloaded: install it with
    the system's package manager, or set SCORMKIT_CHROMIUM."""
    from scormkit.runtime_tools import SCORM_AGAIN_VERSION, install_scorm_again
    from scormkit.validation.runtime_check import missing_tools

    console = _console()
    try:
        folder = install_scorm_again(source, progress=console.note)
    except ScormkitError as error:
        _fail(error)
        return
    console.info(f"scorm-again {SCORM_AGAIN_VERSION} installed in {folder}")
    for what, how in missing_tools():
        console.warning(f"--runtime still lacks {what}", how)


@cli.group()
def cache() -> None:
    """What builds keep between runs (see `scormkit cache info`)."""


CACHE_INFO_HELP = """Show the cache folder and what is in it.

`build` remembers which XML documents passed validation against the official XSDs (their
SHA-256, per schema family, scormkit version and validator versions), so a rebuild validates
only the documents that changed; the parsed Markdown of each source text, so a rebuild
parses only the files that changed; and the compiled code of its Jinja templates (per
scormkit, Jinja and Python version), so a build does not compile them again: that code is
only loaded from files that you own and that nobody else can write. Long lists of files are
shown with -v. The folder is
SCORMKIT_CACHE when set (`off` disables the cache), else the user cache folder. Deleting it
is always safe: `scormkit cache clear`."""


@cache.command("info", help=CACHE_INFO_HELP)
def cache_info() -> None:
    from scormkit import cache as user_cache
    from scormkit.paths import display_path

    folder = user_cache.cache_dir()
    if folder is None:
        click.echo(f"the cache is off ({user_cache.ENV}={os.environ.get(user_cache.ENV)})")
        return
    found = user_cache.entries()
    from scormkit.errors import counted

    click.echo(f"{display_path(folder)}: {counted(len(found), 'file')}, "
               f"{sum(size for _, size in found) / 1024:.1f} KiB")
    console = _console()
    for part in user_cache.FOLDERS:
        files = [(path, size) for path, size in found
                 if path.relative_to(folder).parts[0] == part]
        if not files:
            continue
        click.echo(f"{part}/: {counted(len(files), 'file')}, "
                   f"{sum(size for _, size in files) / 1024:.1f} KiB "
                   f"({user_cache.FOLDERS[part]})")
        for path, size in files:
            line = f"  {path.relative_to(folder).as_posix()}  {size / 1024:.1f} KiB"
            if len(files) <= 10:  # a long list only with -v
                click.echo(line)
            else:
                console.detail(line)


@cache.command("clear")
def cache_clear() -> None:
    """Delete what builds keep in the cache folder (the next build validates everything)."""
    from scormkit import cache as user_cache
    from scormkit.paths import display_path

    folder = user_cache.clear()
    if folder is None:
        click.echo(f"the cache is off ({user_cache.ENV}={os.environ.get(user_cache.ENV)})")
        return
    click.echo(f"cleared {display_path(folder)}")


@cli.command("formats")
def list_formats() -> None:
    """List the target formats and the layouts each supports."""
    for name in formats.target_names():
        chosen = formats.FORMATS[name]
        click.echo(f"{name:10} {chosen.label:34} {', '.join(sorted(chosen.layouts))}")


PREVIEW_HELP = """Show the course in a local LMS and rebuild it on every change of its sources.

Builds SOURCE (default: the current folder) in memory for one target (never into dist/;
without XSD validation or zip: run `build` for a package), and serves it on 127.0.0.1 only,
at the URL it prints: an LMS page that launches the course with a SCORM 1.2 or 2004 API or
a cmi5 LMS (scormkit's own, no internet needed), beside a debug view (the API calls, the
learner record with the suspend_data budget, the interactions; relaunch, reset the learner,
learner mode). Each change of the sources rebuilds and relaunches the course; a source
error shows in the page, with file:line, above the last good build. Ctrl-C stops.

--target: scorm2004, scorm12 or cmi5; default: the first of these in the course's
'targets:' list, else scorm2004."""


@cli.command(help=PREVIEW_HELP)
@click.argument("source", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-t", "--target", type=click.Choice(["scorm2004", "scorm12", "cmi5"]),
              default=None, help="The LMS standard to launch the course with.")
@click.option("-p", "--port", type=click.IntRange(min=0, max=65535), default=8000,
              show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@verbosity_options
def preview(source: Path, target: str | None, port: int, no_browser: bool) -> None:
    from scormkit import preview as live
    from scormkit.paths import display_path

    console = _console()
    if not source.is_dir():
        raise click.BadParameter(f"'{source}' is not a folder", param_hint="SOURCE")
    if target is None:
        try:
            from scormkit.sources import load_course

            target = live.default_target(load_course(source).targets)
        except ScormkitError:
            target = live.default_target(())  # the first build shows the error in the page

    def on_build(result: live.Build) -> None:
        if result.ok:
            for warning in result.diagnostics:
                console.diagnostic(warning)
            console.info(f"build {result.number} ({result.target}): ok, "
                         f"{result.seconds:.2f} s")
        else:
            console.note(f"build {result.number} ({result.target}): failed; the preview "
                         "keeps the last good build")
            for diagnostic in result.diagnostics:
                console.diagnostic(diagnostic)

    def on_ready(url: str) -> None:
        # The URL whatever the verbosity: it is what the command is for.
        console.report(f"Preview of {display_path(source)} ({target}) at {url}")
        console.info("Watching the sources; Ctrl-C stops.")

    try:
        live.serve(source, target, port=port, open_browser=not no_browser, on_build=on_build,
                   on_ready=on_ready)
    except ScormkitError as error:
        _fail(error)
    except KeyboardInterrupt:
        console.info("\nPreview stopped.")


def main() -> None:
    # A command is one process that makes many objects (imports, the course) and few cycles:
    # the youngest generation is collected at 50 000 new objects, not 700 (measured on the
    # example's one-target build: 55 collections, 15-25 ms of CPU, down to none once the
    # CLI module is imported). The library's build does the same for its own run, at 30 000
    # (build._gc_tuned), for callers that are not this CLI; under the CLI it changes nothing.
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        # The program name fixes the completion variable (_SCORMKIT_COMPLETE, docs/cli.md)
        # and the usage lines, however scormkit was started (the script, python -m scormkit).
        cli(prog_name="scormkit")
    finally:
        gc.set_threshold(*threshold)
