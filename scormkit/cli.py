"""Command-line interface: option parsing and output only; the work is in the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scormkit import __version__, formats
from scormkit.errors import ScormkitError
from scormkit.validation.profiles import PROFILES

BUILD_HELP = """Compile the course in SOURCE (default: the current folder) into a package.

The package is checked first as `scormkit validate --strict` checks it (official schemas,
package rules); nothing is written when anything is found. The zip goes to
OUT/<id>-<version>-<target>.zip."""

SCHEMAS_INSTALL_HELP = """Install the official XSDs that validation needs.

Files come from --from DIR (a mirror laid out as <family>/<file>), else from the folder or
http(s) URL in SCORMKIT_SCHEMA_MIRROR, else from the official 1EdTech/ADL/W3C addresses in
the catalog. Every file must match the catalog's sha256. Already installed files are kept."""


def _fail(error: ScormkitError) -> None:
    for diagnostic in error.diagnostics():
        click.echo(diagnostic.render(), err=True)
    count = len(error.diagnostics())
    if count > 1:
        click.echo(f"{count} problems; nothing was written.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scormkit")
def cli() -> None:
    """scormkit: compile a course kept as plain files into validated e-learning packages."""


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
def build(source: Path, targets: tuple[str, ...], out: Path, sco_per_lesson: bool,
          strict: bool) -> None:
    from scormkit.build import BuildFailure, BuildResult
    from scormkit.build import build as run_build
    from scormkit.paths import display_path
    from scormkit.writers import WriterOptions

    names = formats.expand_targets(targets)

    def progress(outcome: BuildResult | BuildFailure) -> None:
        if isinstance(outcome, BuildResult):
            for warning in outcome.warnings:
                click.echo(warning.render(), err=True)
            click.echo(f"{display_path(outcome.path)}  ({outcome.files} files, "
                       f"{outcome.size / 1024:.1f} KiB, {outcome.seconds:.2f} s)")
        else:
            click.echo(f"{outcome.target}: failed", err=True)
            for diagnostic in outcome.error.diagnostics():
                click.echo(diagnostic.render(), err=True)

    try:
        outcomes = run_build(source, names, out, WriterOptions(sco_per_lesson=sco_per_lesson),
                             progress, strict=strict)
    except ScormkitError as error:
        _fail(error)
        return
    failed = [o for o in outcomes if isinstance(o, BuildFailure)]
    several = len(outcomes) > 1
    if several:
        click.echo(f"{'target':10} {'result':8} {'size KiB':>9} {'time s':>7}  file")
        for o in outcomes:
            if isinstance(o, BuildResult):
                click.echo(f"{o.target:10} {'ok':8} {o.size / 1024:9.1f} {o.seconds:7.2f}  "
                           f"{display_path(o.path)}")
            else:
                click.echo(f"{o.target:10} {'FAILED':8} {'':>9} {o.seconds:7.2f}")
    if failed:
        if several:
            click.echo(f"{len(failed)} of {len(outcomes)} targets failed; the others were "
                       "written.", err=True)
        sys.exit(1)


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
              help="Also launch each SCO in headless Chromium (needs /usr/bin/chromium and "
                   "node_modules/scorm-again; skipped with a warning otherwise).")
@click.option("--list-rules", is_flag=True,
              help="List every rule (code, severity, kinds, summary) and exit.")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, lms: str | None, runtime: bool,
             list_rules: bool) -> None:
    from scormkit import report as reports
    from scormkit.archive import UnreadablePackage
    from scormkit.errors import SchemaMissing
    from scormkit.validation import validate_archive

    if list_rules:
        click.echo(reports.rules_listing(lms, fmt))
        return
    if not paths:
        raise click.UsageError("give at least one package (zip file or folder), or "
                               "--list-rules")
    results = []
    unreadable = False
    for path in paths:
        try:
            results.append(validate_archive(path, lms=lms, runtime=runtime))
        except UnreadablePackage as error:
            click.echo(f"error: {error}", err=True)
            unreadable = True
        except SchemaMissing as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    render = {"text": reports.as_text, "json": reports.as_json, "junit": reports.as_junit}[fmt]
    click.echo(render(results, strict, lms))
    if unreadable:
        sys.exit(2)
    sys.exit(1 if any(r.failed(strict) for r in results) else 0)


@schemas.command("install", help=SCHEMAS_INSTALL_HELP)
@click.option("--from", "source", metavar="DIR_OR_URL", help="Mirror to install from.")
@click.argument("families", nargs=-1)
def schemas_install(source: str | None, families: tuple[str, ...]) -> None:
    from scormkit import schemas as catalog
    from scormkit.resources import schema_dir

    try:
        fetched = catalog.install(families or None, source)
    except ScormkitError as error:
        _fail(error)
        return
    total = sum(fetched.values())
    click.echo(f"{len(fetched)} schema families ready in {schema_dir()} "
               f"({total} files installed, "
               f"{sum(len(catalog.family(f).files) for f in fetched) - total} "
               "already present)")


@schemas.command("list")
def schemas_list() -> None:
    """Show each schema family and whether it is installed."""
    from scormkit import schemas as catalog

    for name, family in sorted(catalog.catalog().items()):
        missing = catalog.missing_files(name)
        state = "installed" if not missing else f"missing {len(missing)} of {len(family.files)}"
        click.echo(f"{name:15} {state:22} {family.label}")


@cli.command("formats")
def list_formats() -> None:
    """List the target formats and the layouts each supports."""
    for name in formats.target_names():
        chosen = formats.FORMATS[name]
        click.echo(f"{name:10} {chosen.label:34} {', '.join(sorted(chosen.layouts))}")


def main() -> None:
    cli()
