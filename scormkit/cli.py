"""Command-line interface: option parsing and output only; the work is in the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scormkit import __version__
from scormkit.errors import ScormkitError

BUILD_HELP = """Compile the course in SOURCE (default: the current folder) into a package.

The package is validated against the official schemas first; nothing is written when it
fails. The zip goes to OUT/<id>-<version>-<target>.zip."""

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
@click.option("-t", "--target", "targets", multiple=True, default=["scorm12"],
              show_default=True, help="Target format (repeatable).",
              type=click.Choice(sorted(__import__("scormkit.writers").writers.WRITERS)))
@click.option("-o", "--out", default=Path("dist"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--sco-per-lesson", is_flag=True,
              help="One SCO per lesson instead of one SCO for the whole course.")
def build(source: Path, targets: tuple[str, ...], out: Path, sco_per_lesson: bool) -> None:
    from scormkit.build import build as run_build
    from scormkit.paths import display_path
    from scormkit.writers import WriterOptions

    try:
        results = run_build(source, list(dict.fromkeys(targets)), out,
                            WriterOptions(sco_per_lesson=sco_per_lesson))
    except ScormkitError as error:
        _fail(error)
        return
    for result in results:
        click.echo(f"{display_path(result.path)}  ({result.files} files, "
                   f"{result.size / 1024:.1f} KiB, {result.seconds:.2f} s)")


VALIDATE_HELP = """Check packages (zip files or unpacked folders) made by scormkit or anyone else.

Detects the kind (SCORM 1.2/2004, Common Cartridge, QTI, cmi5, IMS CP, Moodle XML), validates
every XML document against its official XSD and checks the rules LMSs apply. Exit code 0 when
valid, 1 when problems were found, 2 for usage errors or unreadable input."""


@cli.command(help=VALIDATE_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="Report format (json and junit for CI).")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    from scormkit import report as reports
    from scormkit.archive import UnreadablePackage
    from scormkit.errors import SchemaMissing
    from scormkit.validate import validate_archive

    results = []
    unreadable = False
    for path in paths:
        try:
            results.append(validate_archive(path))
        except UnreadablePackage as error:
            click.echo(f"error: {error}", err=True)
            unreadable = True
        except SchemaMissing as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    render = {"text": reports.as_text, "json": reports.as_json, "junit": reports.as_junit}[fmt]
    click.echo(render(results, strict))
    if unreadable:
        sys.exit(2)
    sys.exit(1 if any(r.failed(strict) for r in results) else 0)


@cli.group()
def schemas() -> None:
    """Manage the official XSDs used for validation."""


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
               f"({total} files installed, {sum(len(catalog.family(f).files) for f in fetched) - total} "
               "already present)")


@schemas.command("list")
def schemas_list() -> None:
    """Show each schema family and whether it is installed."""
    from scormkit import schemas as catalog

    for name, family in sorted(catalog.catalog().items()):
        missing = catalog.missing_files(name)
        state = "installed" if not missing else f"missing {len(missing)} of {len(family.files)}"
        click.echo(f"{name:15} {state:22} {family.label}")


@cli.command()
def formats() -> None:
    """List the target formats."""
    from scormkit.writers import WRITERS

    for name, writer in sorted(WRITERS.items()):
        click.echo(f"{name:10} {writer.label}")


def main() -> None:
    cli()
