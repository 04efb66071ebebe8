"""`scormkit runtime install` and `validate --runtime` without its tools.

The real scorm-again tarball (from `npm pack`, which reads npm's cache after `npm ci`) is
served through the test HTTPS proxy as registry.npmjs.org; what gets installed is compared
with the copy npm itself installed in node_modules/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scormkit import runtime_tools
from scormkit.validation import runtime_check

from .https_proxy import HTTPSProxy, LocalCA, no_proxy_env

ROOT = Path(__file__).resolve().parent.parent
NODE_SCORM_AGAIN = ROOT / "node_modules" / "scorm-again"


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        message = "npm is needed to get the scorm-again tarball (scripts/setup installs it)"
        if os.environ.get("SCORMKIT_SKIP_E2E") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    folder = tmp_path_factory.mktemp("npm-pack")
    subprocess.run([npm, "pack", f"scorm-again@{runtime_tools.SCORM_AGAIN_VERSION}",
                    "--prefer-offline", "--silent"], cwd=folder, check=True,
                   capture_output=True, timeout=300)
    [packed] = folder.glob("*.tgz")
    return packed.read_bytes()


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def npm_proxy(tmp_path, monkeypatch, tarball):
    ca = LocalCA(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.pem))
    content = {runtime_tools.SCORM_AGAIN_URL: tarball}
    with HTTPSProxy(ca, content, hosts=("registry.npmjs.org",)) as proxy:
        no_proxy_env(monkeypatch, proxy.url)
        yield proxy


def test_the_pin_is_what_package_lock_json_installs():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/scorm-again"]
    assert entry["version"] == runtime_tools.SCORM_AGAIN_VERSION
    assert entry["integrity"] == runtime_tools.SCORM_AGAIN_INTEGRITY


def test_runtime_install_downloads_and_verifies(npm_proxy, data_home, run_cli, tarball):
    code, out, err = run_cli(["runtime", "install"])
    assert code == 0, err
    assert npm_proxy.requests == [runtime_tools.SCORM_AGAIN_URL]
    assert f"through the proxy {npm_proxy.url}" in err
    folder = runtime_tools.installed_dir()
    assert folder.is_relative_to(data_home)
    assert f"scorm-again 3.4.3 installed in {folder}" in out
    for name in ("dist/scorm12.js", "dist/scorm2004.js", "LICENSE"):
        assert (folder / name).read_bytes() == (NODE_SCORM_AGAIN / name).read_bytes(), name
    # find_tools uses it when neither SCORMKIT_SCORM_AGAIN nor a node_modules copy exists.
    assert runtime_check._scorm_again_dist() is not None


def test_runtime_install_finds_the_installed_copy(npm_proxy, data_home, run_cli, monkeypatch,
                                                  tmp_path):
    assert run_cli(["runtime", "install"])[0] == 0
    monkeypatch.delenv("SCORMKIT_SCORM_AGAIN", raising=False)
    monkeypatch.setattr(runtime_check, "_CHECKOUT", tmp_path / "no-checkout")
    monkeypatch.chdir(tmp_path)
    assert runtime_check._scorm_again_dist() == runtime_tools.installed_dir() / "dist"


def test_a_tampered_tarball_is_refused(npm_proxy, data_home, run_cli):
    npm_proxy.corrupt.add(runtime_tools.SCORM_AGAIN_URL)
    code, out, err = run_cli(["runtime", "install"])
    assert code == 1
    assert "is not scorm-again 3.4.3 as pinned: its sha256 is" in err
    assert not runtime_tools.installed_dir().exists()


def test_runtime_install_from_a_local_tarball(data_home, run_cli, tarball, tmp_path):
    (tmp_path / "sa.tgz").write_bytes(tarball)
    code, out, err = run_cli(["runtime", "install", "--from", tmp_path / "sa.tgz"])
    assert code == 0, err
    assert (runtime_tools.installed_dir() / "dist" / "scorm12.js").is_file()


def test_runtime_install_offline_says_what_to_do(data_home, run_cli, monkeypatch):
    no_proxy_env(monkeypatch, "http://127.0.0.1:9")
    code, out, err = run_cli(["runtime", "install"])
    assert code == 1
    assert "the connection was refused" in err
    assert "npm pack scorm-again@3.4.3" in err and "runtime install --from" in err


def test_validate_runtime_without_chromium_exits_2(run_cli, monkeypatch):
    monkeypatch.setenv("SCORMKIT_CHROMIUM", "/nonexistent/chromium")
    code, out, err = run_cli(["validate", "--runtime", ROOT / "course_src"])
    assert code == 2
    assert "Chromium (SCORMKIT_CHROMIUM=/nonexistent/chromium is not a file)" in err
    assert "sudo apt-get install chromium" in err


def test_validate_runtime_without_scorm_again_exits_2(run_cli, monkeypatch, tmp_path,
                                                      data_home):
    monkeypatch.delenv("SCORMKIT_SCORM_AGAIN", raising=False)
    monkeypatch.setattr(runtime_check, "_CHECKOUT", tmp_path / "no-checkout")
    code, out, err = run_cli(["validate", "--runtime", ROOT / "course_src"], cwd=tmp_path)
    assert code == 2
    assert "scorm-again" in err and "run `scormkit runtime install`" in err
    assert out == ""
