"""The learner runtime's scripts, assembled from scormkit/runtime/ modules (scormkit.jsbundle):
what each package ships, byte-reproducible assembling, refusal of modules the loader cannot
run, and each script started in Node the way a browser runs it (a stand-in window).

The modules themselves are unit-tested with Node's test runner (tests/js/, run by
tests/test_runtime_js.py); the scripts in a real browser by tests/e2e/."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scormkit import jsbundle
from scormkit.sources import load_course
from scormkit.writers import WriterOptions, web
from scormkit.writers.cc import CommonCartridge11Writer, CommonCartridge13Writer
from scormkit.writers.cmi5 import Cmi5Writer
from scormkit.writers.scorm12 import Scorm12Writer
from scormkit.writers.scorm2004 import Scorm2004Writer

from .conftest import EXAMPLE_COURSE

RUNTIME = Path(jsbundle.__file__).resolve().parent / "runtime"
TRANSPORTS = {"scorm12": "lms/scorm12", "scorm2004": "lms/scorm2004", "cmi5": "lms/cmi5"}


@pytest.fixture(scope="module")
def course():
    return load_course(EXAMPLE_COURSE)


def ids(bundle: jsbundle.Bundle) -> list[str]:
    return [m.id for m in jsbundle.modules(bundle)]


# ---------------------------------------------------------------------------------------------
# What each package ships
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("standard", sorted(web.RUNTIME_BUNDLES))
def test_each_runtime_carries_only_its_own_transport(standard):
    modules = ids(web.RUNTIME_BUNDLES[standard])
    assert modules[-1] == "page/main"
    lms = {m for m in modules if m.startswith("lms/")}
    own = TRANSPORTS.get(standard)
    for other in set(TRANSPORTS.values()) - {own}:
        assert other not in lms, other
    if standard == "cmi5":
        assert {"lms/cmi5", "lms/cmi5-statements", "interactions/xapi"} <= lms | set(modules)
    else:
        assert not any("cmi5" in m or m == "interactions/xapi" for m in modules)
    if standard in ("scorm12", "scorm2004"):
        assert {"lms/find-api", "lms/scorm", own} <= lms
    if standard == "web":
        # A cartridge's pages have no LMS to talk to: no transport, no interaction formats.
        assert lms == {"lms/null", "lms/preferences"}
        assert not any(m.startswith(("interactions/", "quiz/")) for m in modules)
    assert not any(m.startswith("quiz/") for m in modules)


def test_the_quiz_player_is_its_own_script():
    modules = ids(web.QUIZ_BUNDLE)
    assert modules[-1] == "quiz/main"
    assert {m.split("/")[0] for m in modules} == {"quiz", "util"}


def test_every_module_is_shipped_somewhere():
    shipped = {m for bundle in [*web.RUNTIME_BUNDLES.values(), web.QUIZ_BUNDLE]
               for m in ids(bundle)}
    present = {p.relative_to(RUNTIME).with_suffix("").as_posix() for p in RUNTIME.rglob("*.js")}
    assert present == shipped


def runtime_members(files) -> set[str]:
    return {name for name in files if name.startswith("scormkit/")}


@pytest.mark.parametrize("writer", [Scorm12Writer, Scorm2004Writer, Cmi5Writer])
@pytest.mark.parametrize("per_lesson", [False, True], ids=["single", "per-lesson"])
def test_tracked_packages_ship_the_quiz_player_when_there_is_a_quiz(course, writer, per_lesson):
    options = WriterOptions(sco_per_lesson=per_lesson)
    with_quiz = writer(options).write(course)
    assert runtime_members(with_quiz.files) == {
        "scormkit/scormkit.js", "scormkit/scormkit.css", "scormkit/quiz.js", "scormkit/quiz.css"}
    standard = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cmi5": "cmi5"}[writer.name]
    assert with_quiz.files["scormkit/scormkit.js"] == jsbundle.assemble(
        web.RUNTIME_BUNDLES[standard])
    assert with_quiz.files["scormkit/quiz.js"] == jsbundle.assemble(web.QUIZ_BUNDLE)
    without = writer(options).write(dataclasses.replace(course, quiz=None))
    assert runtime_members(without.files) == {"scormkit/scormkit.js", "scormkit/scormkit.css"}


@pytest.mark.parametrize("writer", [CommonCartridge11Writer, CommonCartridge13Writer])
def test_cartridges_ship_no_quiz_player_and_no_lms_code(course, writer):
    package = writer().write(course)
    assert course.quiz is not None  # exported as a QTI assessment instead
    assert runtime_members(package.files) == {"scormkit/scormkit.js", "scormkit/scormkit.css"}
    assert package.files["scormkit/scormkit.js"] == jsbundle.assemble(web.RUNTIME_BUNDLES["web"])
    assert b"quiz.js" not in package.files["imsmanifest.xml"]


# ---------------------------------------------------------------------------------------------
# Assembling
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """jsbundle reading modules from tmp_path/runtime (cleared caches before and after)."""
    root = tmp_path / "runtime"
    root.mkdir()
    monkeypatch.setattr(jsbundle, "runtime_dir", lambda: root)
    jsbundle.module.cache_clear()
    jsbundle.assemble.cache_clear()
    yield root
    jsbundle.module.cache_clear()
    jsbundle.assemble.cache_clear()


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def test_assembling_is_byte_reproducible():
    bundle = web.RUNTIME_BUNDLES["scorm2004"]
    first = jsbundle.assemble(bundle)
    jsbundle.module.cache_clear()
    jsbundle.assemble.cache_clear()
    assert jsbundle.assemble(bundle) == first
    text = first.decode("utf-8")
    assert "\r" not in text and text.endswith("}());\n")
    # Every module's text is in the script byte for byte, dependencies first.
    offsets = [text.index((RUNTIME / f"{m}.js").read_text(encoding="utf-8"))
               for m in ids(bundle)]
    assert offsets == sorted(offsets)


def test_dependencies_come_first_in_the_order_written(fresh):
    write(fresh, {
        "a/main.js": "'use strict';\nvar b = require('./b');\nvar c = require('../c');\n"
                     "module.exports = { start: function () { return b + c; } };\n",
        "a/b.js": "'use strict';\nrequire('../c');\nmodule.exports = 1;\n",
        "c.js": "'use strict';\nmodule.exports = 2;\n",
        "p.js": "'use strict';\nrequire('./c');\nmodule.exports = {};\n",
    })
    bundle = jsbundle.Bundle("test", "a/main", ("p",))
    assert ids(bundle) == ["c", "p", "a/b", "a/main"]
    assert [m.requires for m in jsbundle.modules(bundle)][-1] == (
        ("./b", "a/b"), ("../c", "c"))
    text = jsbundle.assemble(bundle).decode("utf-8")
    assert "requires: { './b': 'a/b', '../c': 'c' }" in text
    assert text.rstrip().endswith("load('a/main').start(window, [load('p')]);\n}());")


@pytest.mark.parametrize(("files", "message"), [
    ({"m.js": "require('./n');\n", "n.js": "require('./m');\n"}, "cycle: m -> n -> m"),
    ({"m.js": "require('fs');\n"}, "not a single-quoted relative path"),
    ({"m.js": 'require("./n");\n'}, "not a single-quoted relative path"),
    ({"m.js": "require(name);\n"}, "not a single-quoted relative path"),
    ({"m.js": "require('../../etc/x');\n"}, "leaves scormkit/runtime/"),
    ({"m.js": "require('./missing');\n"}, "missing cannot be read"),
    ({"m.js": "'use strict';\r\nmodule.exports = 1;\r\n"}, "LF line ends"),
    ({"m.js": "module.exports = 1;"}, "final newline"),
    ({"m.js": b"\xef\xbb\xbfmodule.exports = 1;\n"}, "without BOM"),
    ({"m.js": b"module.exports = '\xff';\n"}, "not UTF-8"),
])
def test_modules_the_loader_cannot_run_are_refused(fresh, files, message):
    write(fresh, files)
    with pytest.raises(jsbundle.BundleError, match=message.replace("(", r"\(")):
        jsbundle.assemble(jsbundle.Bundle("test", "m"))


# ---------------------------------------------------------------------------------------------
# The scripts, run in Node with a stand-in window
# ---------------------------------------------------------------------------------------------

RUN = r"""
const vm = require('vm');
const fs = require('fs');
const [script, readyState] = process.argv.slice(1);
const listeners = {};
const window = {
  document: {
    readyState,
    addEventListener: (name, fn) => { (listeners['document:' + name] ||= []).push(fn); },
    getElementById: () => null,
  },
  addEventListener: (name, fn) => { (listeners[name] ||= []).push(fn); },
};
vm.runInNewContext(fs.readFileSync(script, 'utf8'), { window }, { filename: script });
const hook = window.scormkit;
process.stdout.write(JSON.stringify({
  hook: Object.keys(hook || {}).sort(),
  transports: hook && hook.transports ? Object.keys(hook.transports).sort() : null,
  quiz: hook && hook.quiz ? Object.keys(hook.quiz).sort() : null,
  listeners: Object.keys(listeners).sort(),
}));
"""


def run_script(tmp_path: Path, data: bytes, ready_state: str) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (scripts/setup needs it for npm as well)")
    script = tmp_path / "script.js"
    script.write_bytes(data)
    done = subprocess.run([node, "-e", RUN, str(script), ready_state], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


CORE_HOOK = {"version", "tracker", "encodeSuspendData", "decodeSuspendData", "suspendDataFits",
             "formatCMITimespan", "formatISODuration", "formatCMITime", "formatISOTimestamp",
             "formatDecimal", "normalizeScore", "truncate", "parsePreferences", "pickLanguage",
             "fingerprint", "limits", "transports", "page", "getState", "show", "finish"}
TRANSPORT_HOOK = {
    "scorm12": {"formatInteraction12", "findApi"},
    "scorm2004": {"formatInteraction2004", "findApi"},
    "cmi5": {"uuid4", "parseCmi5Launch", "cmi5Statement", "formatInteractionXapi",
             "answeredStatement", "ruleOf"},
    "web": set(),
}


@pytest.mark.parametrize("standard", sorted(web.RUNTIME_BUNDLES))
def test_runtime_script_starts_with_its_transport(tmp_path, standard):
    result = run_script(tmp_path, jsbundle.assemble(web.RUNTIME_BUNDLES[standard]), "loading")
    assert set(result["hook"]) == CORE_HOOK | TRANSPORT_HOOK[standard]
    assert result["transports"] == ([] if standard == "web" else [standard])
    assert result["listeners"] == ["document:DOMContentLoaded"]


def test_quiz_script_listens_to_pagehide_at_once(tmp_path):
    result = run_script(tmp_path, jsbundle.assemble(web.QUIZ_BUNDLE), "loading")
    # pagehide is taken before the runtime's own (quiz.js loads first): typed text is saved
    # before the session ends.
    assert result["listeners"] == ["document:DOMContentLoaded", "load", "pagehide"]
    assert result["hook"] == []   # window.scormkit.quiz is set at boot, once the page is read
    booted = run_script(tmp_path, jsbundle.assemble(web.QUIZ_BUNDLE), "complete")
    assert booted["hook"] == ["quiz"]
    assert set(booted["quiz"]) == {
        "player", "ready", "fingerprint", "encodeState", "decodeState", "scoreQuestion",
        "scoreAttempt", "interactionFor", "shuffleWithPins", "drawQuestions", "formatClock",
        "getState"}
