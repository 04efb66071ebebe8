"""The import graph of scormkit/: no cycles, and layers that only look down.

Read from the source with `ast`, every import counted wherever it is written (at the top of a
module, inside a function, under ``if TYPE_CHECKING``): a lazy import hides a cycle from
Python, not from the design. ``from package import name`` counts as an import of the
submodule ``package.name`` when there is one, else of the package itself (import-linter's
convention). The registry (scormkit/formats.py) names writers as strings and imports them
only when asked, so it is not an edge: lower layers may read the registry without
importing the writers.

The layers, bottom up: the shared basics (errors, ids, paths, resources, package, archive,
schemas, templating, ui_strings, jsbundle, grading_rules); the model (model, questions, and
grading, the scoring rules of questions); the registry (formats); the readers (sources/) and
the validation pipeline (validation/); the writers (writers/); the orchestration (build);
the front ends (report, cli, the package's __init__ and __main__).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scormkit"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _edges(sources: tuple[str, ...], targets: tuple[str, ...]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, deps in GRAPH.items() for b in deps
                  if _under(a, *sources) and _under(b, *targets))


def test_the_graph_is_read():
    """The reader sees lazy and type-only imports and resolves relative ones."""
    assert "scormkit.writers.web" in GRAPH["scormkit.writers.scorm12"]  # from package import
    assert "scormkit.validation.runtime_check" in GRAPH["scormkit.validation.pipeline"]  # lazy
    assert {"scormkit.errors", "scormkit.formats"} <= GRAPH["scormkit.validation.rules"]


def test_type_only_imports_count(tmp_path):
    module = tmp_path / "hinted.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from scormkit.model import Course\n", encoding="utf-8")
    assert _imports("scormkit.hinted", module) == {"scormkit.model"}


def test_no_import_cycles():
    assert [sorted(c) for c in _cycles(GRAPH)] == []


def test_readers_model_registry_and_validation_never_import_writers_or_cli():
    lower = ("scormkit.sources", "scormkit.model", "scormkit.questions", "scormkit.grading",
             "scormkit.grading_rules",
             "scormkit.formats",
             "scormkit.validation", "scormkit.errors", "scormkit.ids", "scormkit.paths",
             "scormkit.resources", "scormkit.package", "scormkit.archive", "scormkit.schemas",
             "scormkit.jsbundle")
    assert _edges(lower, ("scormkit.writers", "scormkit.cli", "scormkit.build")) == []


def test_only_the_front_ends_import_the_cli_and_build():
    front = ("scormkit.cli", "scormkit.__main__", "scormkit")
    assert [e for e in _edges(("scormkit",), ("scormkit.cli",))
            if e.split(" -> ")[0] not in front] == []
    assert [e for e in _edges(("scormkit",), ("scormkit.build",))
            if e.split(" -> ")[0] not in front] == []


def test_validation_does_not_read_the_sources():
    assert _edges(("scormkit.validation",), ("scormkit.sources",)) == []


def test_writers_read_the_model_not_the_readers():
    assert _edges(("scormkit.writers",), ("scormkit.sources",)) == []


def test_the_registry_imports_no_writer():
    assert not any(_under(m, "scormkit.writers") for m in GRAPH["scormkit.formats"])
    text = MODULES["scormkit.formats"].read_text(encoding="utf-8")
    assert "scormkit.writers." in text  # named as strings, imported by Format.writer_class


def _loaded_by(*argv: str) -> set[str]:
    """The modules a scormkit command imports, run in a fresh interpreter."""
    import subprocess
    import sys

    code = ("import sys, runpy; sys.argv = ['scormkit', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('scormkit', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                          text=True, check=True)
    return set(done.stderr.split())


def test_version_and_validate_start_without_the_writers(tmp_path):
    """Start-up: `--version` imports neither the pipeline nor the model; `validate` does
    not import the writers, the readers, Jinja or the Markdown parser."""
    heavy = {"scormkit.writers", "scormkit.sources", "jinja2", "markdown_it", "xmlschema"}
    version = _loaded_by("--version")
    assert not version & (heavy | {"lxml.etree", "scormkit.validation.pipeline",
                                   "scormkit.questions"})
    package = tmp_path / "empty.zip"
    import zipfile

    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
    validate = _loaded_by("validate", str(package))
    assert "scormkit.validation.pipeline" in validate
    assert not validate & heavy


def test_the_package_api_names_are_functions_even_after_submodule_imports():
    import importlib

    import scormkit

    importlib.import_module("scormkit.build")
    importlib.import_module("scormkit.validation.pipeline")
    assert callable(scormkit.build) and scormkit.build.__module__ == "scormkit.build"
    assert set(scormkit.__all__) <= set(dir(scormkit))
    for name in scormkit.__all__:
        assert getattr(scormkit, name) is not None


def test_the_preview_sits_beside_build():
    """scormkit.preview reads the sources and runs the writers, as build does: only the CLI
    imports it, and it imports neither build nor the CLI."""
    assert [e for e in _edges(("scormkit",), ("scormkit.preview",))
            if not _under(e.split(" -> ")[0], "scormkit.preview", "scormkit.cli")] == []
    assert _edges(("scormkit.preview",), ("scormkit.build", "scormkit.cli")) == []
