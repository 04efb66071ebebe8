"""The learner runtime's scripts, assembled from the modules in scormkit/runtime/ at build time.

The runtime is written as small CommonJS modules (``scormkit/runtime/<folder>/<name>.js``, each
with a header saying what it is for), so that Node's test runner loads them as they are
(tests/js/) and ESLint checks them; a package gets one script per page role, assembled here
in Python, so building a package needs no Node and no network.

A module's dependencies are the ``require('./x')`` / ``require('../folder/x')`` calls in its
text (relative paths only, single-quoted literals; a module that requires anything else is
refused). A bundle is every module its entry and plugins need, each once, in dependency order
(depth first, in the order the requires are written; a cycle is refused), wrapped in an
immediately invoked function:

    (function () {
      'use strict';
      var table = {};  ...  function load(id) {...}     a 12-line loader
      table['util/hash'] = {
        requires: {},
        body: function (module, exports, require) {
    <the module's text, byte for byte>
        }
      };
      ...
      load('page/main').start(window, [load('lms/scorm12')]);
    }());

Each module runs once, when first loaded, as Node would run it; its ``require`` resolves only
through its own table of the paths it names. No eval, no network, nothing global but what the
entry's start() sets (window.scormkit). The output depends only on the module files and the
bundle, so packages stay byte-reproducible.

Which bundle a package ships is the web writer's choice (scormkit/writers/web.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cache

from scormkit.resources import runtime_dir

_REQUIRE = re.compile(r"\brequire\(([^)]*)\)")
_RELATIVE = re.compile(r"'((?:\.\.?/)+[a-z0-9_-]+(?:/[a-z0-9_-]+)*)'")
_MODULE_ID = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*")


class BundleError(RuntimeError):
    """The runtime modules cannot be assembled: a scormkit bug or a damaged installation."""


@dataclass(frozen=True, slots=True)
class Bundle:
    """A script of the runtime: module `main`, whose ``start(window, plugins)`` runs when the
    script loads, with `plugins` (module ids) loaded and handed to it in order."""

    title: str
    """What the script is, for its header comment."""
    main: str
    plugins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    text: str
    requires: tuple[tuple[str, str], ...]
    """(path as written in the module, module id), in the order written, each path once."""


def _read(module_id: str) -> str:
    if not _MODULE_ID.fullmatch(module_id):
        raise BundleError(f"not a runtime module id: {module_id!r}")
    path = runtime_dir() / f"{module_id}.js"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BundleError(f"runtime module {module_id} cannot be read: {error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BundleError(f"runtime module {module_id} is not UTF-8: {error}") from error
    # The bundle must be the same bytes wherever the checkout was made (git may turn LF into
    # CRLF on Windows): a module with CR, a BOM or without its final newline is refused.
    if "\r" in text or text.startswith("\ufeff") or not text.endswith("\n"):
        raise BundleError(f"runtime module {module_id} must be UTF-8 without BOM, with LF "
                          "line ends and a final newline")
    return text


@cache
def module(module_id: str) -> Module:
    """Runtime module *module_id* ("page/main") and what it requires."""
    text = _read(module_id)
    requires: dict[str, str] = {}
    for call in _REQUIRE.finditer(text):
        literal = _RELATIVE.fullmatch(call.group(1).strip())
        if literal is None:
            raise BundleError(f"runtime module {module_id}: require({call.group(1)}) is not a "
                              "single-quoted relative path to another runtime module")
        path = literal.group(1)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(module_id), path))
        if target.startswith("../") or not _MODULE_ID.fullmatch(target):
            raise BundleError(f"runtime module {module_id}: require('{path}') leaves "
                              "scormkit/runtime/")
        requires.setdefault(path, target)
    return Module(module_id, text, tuple(requires.items()))


def modules(bundle: Bundle) -> list[Module]:
    """Every module *bundle* needs, each once, dependencies first."""
    done: dict[str, Module] = {}
    visiting: list[str] = []

    def visit(module_id: str) -> None:
        if module_id in done:
            return
        if module_id in visiting:
            cycle = " -> ".join([*visiting[visiting.index(module_id):], module_id])
            raise BundleError(f"runtime modules require each other in a cycle: {cycle}")
        visiting.append(module_id)
        found = module(module_id)
        for _, target in found.requires:
            visit(target)
        visiting.pop()
        done[module_id] = found

    for module_id in (*bundle.plugins, bundle.main):
        visit(module_id)
    return list(done.values())


_LOADER = """\
(function () {
  'use strict';
  var table = {};
  var loaded = {};
  function load(id) {
    if (!Object.prototype.hasOwnProperty.call(loaded, id)) {
      var entry = table[id];
      var module = { exports: {} };
      loaded[id] = module;
      entry.body(module, module.exports, function (path) {
        return load(entry.requires[path]);
      });
    }
    return loaded[id].exports;
  }
"""


def _js_string(text: str) -> str:
    """*text* (a module id or a path: [a-z0-9/._-] only) as a JavaScript string literal."""
    assert re.fullmatch(r"[a-z0-9/._-]+", text), text
    return f"'{text}'"


@cache
def assemble(bundle: Bundle) -> bytes:
    """The script *bundle* makes, as UTF-8 bytes (the same for the same module files)."""
    members = modules(bundle)
    listing = ", ".join(m.id for m in members)
    lines = ["/*", f" * scormkit learner runtime: {bundle.title}.",
             " * Assembled by scormkit's build (scormkit/jsbundle.py) from these modules of",
             " * scormkit/runtime/, each wrapped in a function of a module table; edit the",
             " * modules, not this file:"]
    line = " *  "
    for word in listing.split(" "):
        if len(line) + 1 + len(word) > 96:
            lines.append(line)
            line = " *  "
        line += " " + word
    lines += [line, " */"]
    parts = ["\n".join(lines) + "\n", _LOADER]
    for member in members:
        requires = ", ".join(f"{_js_string(path)}: {_js_string(target)}"
                             for path, target in member.requires)
        parts.append(f"\n  // {member.id}.js {'-' * (92 - len(member.id))}\n"
                     f"  table[{_js_string(member.id)}] = {{\n"
                     f"    requires: {{{' ' + requires + ' ' if requires else ''}}},\n"
                     "    body: function (module, exports, require) {\n")
        parts.append(member.text)
        parts.append("    }\n  };\n")
    plugins = ", ".join(f"load({_js_string(p)})" for p in bundle.plugins)
    parts.append(f"\n  load({_js_string(bundle.main)}).start(window, [{plugins}]);\n}}());\n")
    return "".join(parts).encode("utf-8")
