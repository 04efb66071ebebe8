"""Install as users do: the README's CI recipe, run as written, from a freshly built wheel.

The wheel (and the wheels of its dependencies, from pip's cache or the package index) is
built from this checkout, then a course repository is laid out in a temporary folder outside
the checkout, as the README describes it: `course_src/` and `wheels/`. Every `run:` step of
the README's GitHub Actions job is executed there with bash, in order: a fresh venv, the
wheel installed into it (dependencies from the local wheelhouse, no index), the XSDs from the
mirror (SCORMKIT_SCHEMA_MIRROR, as CI without internet access would), every target of the
example course built, and all packages validated. Nothing of the checkout is importable
there: the installed package must carry its templates, catalog, runtime and player.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scormkit.writers import WRITERS

ROOT = Path(__file__).resolve().parent.parent


def readme_ci_steps() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- ci-recipe:[^>]*-->\n```yaml\n(.*?)```", text, re.S)
    assert found, "README.md lost its <!-- ci-recipe --> block"
    workflow = yaml.safe_load(found.group(1))
    [job] = workflow["jobs"].values()
    return [step["run"] for step in job["steps"] if "run" in step]


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    """scormkit's wheel, built now from this checkout, and its dependencies' wheels."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(folder), str(ROOT)],
        capture_output=True, text=True, timeout=900, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list(folder.glob("scormkit-*.whl"))) == 1
    return folder


def test_the_readme_ci_recipe_builds_every_target_from_the_wheel(wheelhouse, tmp_path):
    steps = readme_ci_steps()
    assert any("pip install wheels/scormkit-" in step for step in steps)
    assert not any(re.search(r"pip install scormkit\b", step) for step in steps)

    repo = tmp_path / "course-repo"
    shutil.copytree(ROOT / "course_src", repo / "course_src")
    (repo / "wheels").mkdir()
    for wheel in wheelhouse.glob("scormkit-*.whl"):
        shutil.copy(wheel, repo / "wheels")
    assert not repo.is_relative_to(ROOT)

    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SCORMKIT_", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and not Path(p).is_relative_to(ROOT))
    env.update({
        "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        # Dependencies from the wheelhouse only: the recipe's line stays as written.
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # CI has no internet access: the XSDs come from the mirror, as .ci/run sets it.
        "SCORMKIT_SCHEMA_MIRROR": str(ROOT / "schemas"),
    })
    for step in steps:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", step], cwd=repo, env=env,
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"{step}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"

    # The scormkit that ran is the wheel's, inside the fresh venv.
    where = subprocess.run(
        [str(repo / ".scormkit" / "bin" / "python"), "-c",
         "import scormkit, sys; print(scormkit.__file__); print(sys.path)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(repo / ".scormkit")), where
    assert str(ROOT) not in where
    # The XSDs went into the per-user folder, not into the checkout.
    assert (home / ".local" / "share" / "scormkit" / "schemas" / "cmi5"
            / "CourseStructure.xsd").is_file()
    built = sorted(p.name for p in (repo / "dist").glob("*.*"))
    assert built == sorted(f"tpm-skills-1.0.0-{target}."
                           f"{'xml' if target == 'moodlexml' else 'zip'}" for target in WRITERS)
    report = (repo / "scormkit-report.xml").read_text(encoding="utf-8")
    counts = re.findall(r'<testsuite [^>]*failures="(\d+)" errors="(\d+)"', report)
    assert counts == [("0", "0")] * len(WRITERS)


def test_the_wheel_ships_the_starter_course_of_init(wheelhouse):
    """`scormkit init` copies scormkit/starter/: package data the wheel must carry (hatch
    packs every file under scormkit/, as it does runtime/)."""
    import zipfile

    [wheel] = wheelhouse.glob("scormkit-*.whl")
    starter = ROOT / "scormkit" / "starter"
    expected = {f"scormkit/starter/{p.relative_to(starter).as_posix()}"
                for p in starter.rglob("*") if p.is_file()}
    assert len(expected) == 6
    with zipfile.ZipFile(wheel) as archive:
        assert expected <= set(archive.namelist())


def test_the_wheel_ships_the_preview_page(wheelhouse):
    """`scormkit preview` reads its LMS page from package data (importlib.resources): a pip
    user needs these files in the wheel."""
    import zipfile

    [wheel] = wheelhouse.glob("scormkit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assets = sorted(p.name for p in (ROOT / "scormkit" / "preview" / "assets").iterdir())
    assert assets == ["index.html", "lms-api.js", "preview.css", "preview.js"]
    assert {f"scormkit/preview/assets/{name}" for name in assets} <= names
