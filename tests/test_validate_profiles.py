"""Each LMS profile fails a package that the default validation passes."""

from __future__ import annotations

import pytest

from scormkit.validation.profiles import PROFILES, profile
from scormkit.validation.rules import registry

from .test_validate_rules import CASES, LONG, M
from .validate_helpers import check, edit, packages  # noqa: F401 - fixture


def _long_description(files):
    return edit(files, M, r'(<imsmd:description>\s*<imsmd:langstring xml:lang="en">)[^<]*',
                rf"\g<1>{LONG}", regex=True)


# profile -> (base, edit, the code that fails it)
FLAGGED = {
    "moodle": ("cc13", lambda f: f, "moodle-cc-version"),
    "canvas": ("qti12", CASES["canvas-question-type"][1], "canvas-question-type"),
    "blackboard": ("qti21", lambda f: f, "blackboard-question-type"),
    "scormcloud": ("scorm12", _long_description, "lom-description-too-long"),
    "openedx": ("scorm12", CASES["openedx-launch"][1], "openedx-launch"),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_flags_what_the_default_accepts(packages, name):  # noqa: F811 - fixture
    base, change, code = FLAGGED[name]
    default = check(change(packages.get(base)))
    assert not default.failed(), [d.render() for d in default.diagnostics]
    flagged = check(change(packages.get(base)), name)
    codes = {d.code for d in flagged.diagnostics}
    assert code in codes
    if name == "blackboard":  # Blackboard's own rules are warnings: --strict makes them fail
        assert flagged.failed(strict=True)
    else:
        assert flagged.failed()


def test_profiles_only_raise():
    for current in PROFILES.values():
        for code, severity in current.raises.items():
            assert code in registry()
            assert registry()[code].severity.value == "warning" and severity.value == "error"


def test_moodle_cc_message(packages):  # noqa: F811 - fixture
    [diagnostic] = check(packages.get("cc13"), "moodle").diagnostics
    assert "Moodle restores only CC 1.0/1.1" in diagnostic.message


def test_unknown_profile():
    with pytest.raises(ValueError, match="unknown LMS profile"):
        profile("brightspace")
