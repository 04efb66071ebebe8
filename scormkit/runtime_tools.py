"""What `validate --runtime` needs, and `scormkit runtime install` to get it as a pip user.

The runtime check drives two third-party tools: Chromium (a browser: installed with the
system's package manager, never downloaded by scormkit) and scorm-again (MIT, the LMS-side
SCORM API the stand-in LMS page loads). A checkout has scorm-again in node_modules/ from
`npm ci`; a pip or pipx user has no npm project, so `scormkit runtime install` fetches the
very tarball package-lock.json pins from the npm registry, checks its sha256 (and the
registry's sha512 integrity, which package-lock.json records), and unpacks only the two API
scripts and the licence into the per-user data directory, where find_tools() looks.
``--from FILE.tgz`` installs a tarball brought by other means (``npm pack scorm-again@3.4.3``
on any machine with npm).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scormkit import fetch
from scormkit.errors import ScormkitError

SCORM_AGAIN_VERSION = "3.4.3"
SCORM_AGAIN_URL = (f"https://registry.npmjs.org/scorm-again/-/scorm-again-"
                   f"{SCORM_AGAIN_VERSION}.tgz")
SCORM_AGAIN_SHA256 = "f182724b4614c34a616a92d7e4d8967392013c5fae74116db98a5c5a11db5edb"
SCORM_AGAIN_INTEGRITY = ("sha512-Zbe+7ArMUbT1lVnqYxsbGRfI9JD9JVqEPzZLQdk0nfNmcDYJ404rMO9nbkQ0"
                         "Hzwux5uACF9zKsvc29Q/ZzMOdg==")
"""The npm registry's integrity value for the tarball, as package-lock.json records it (a
test checks that the two agree, so the pin is the version the test suite runs)."""
_MEMBERS = ("package/dist/scorm12.js", "package/dist/scorm2004.js", "package/LICENSE",
            "package/package.json")
_MAX_TARBALL = 32 * 1024 * 1024
_MAX_MEMBER = 8 * 1024 * 1024

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_HINT = (
    "install Chromium with the system's package manager (Debian/Ubuntu: sudo apt-get install "
    "chromium; Fedora: sudo dnf install chromium; macOS: brew install --cask chromium), or set "
    "SCORMKIT_CHROMIUM to a Chromium or Chrome executable"
)
SCORM_AGAIN_HINT = (
    f"run `scormkit runtime install` (downloads scorm-again {SCORM_AGAIN_VERSION} from the npm "
    "registry and checks its sha256; offline: `scormkit runtime install --from "
    f"scorm-again-{SCORM_AGAIN_VERSION}.tgz`, made with `npm pack scorm-again@"
    f"{SCORM_AGAIN_VERSION}` elsewhere), or set SCORMKIT_SCORM_AGAIN to a folder holding "
    "scorm-again's dist/"
)


class RuntimeInstallError(ScormkitError):
    code = "runtime-install-failed"


def installed_dir() -> Path:
    """Where `scormkit runtime install` puts scorm-again (a folder holding dist/)."""
    import platformdirs

    return (Path(platformdirs.user_data_dir("scormkit")) / "runtime"
            / f"scorm-again-{SCORM_AGAIN_VERSION}")


def find_chromium() -> Path | None:
    """SCORMKIT_CHROMIUM when set (and only it), else /usr/bin/chromium, else the first
    Chromium or Chrome on PATH."""
    named = os.environ.get("SCORMKIT_CHROMIUM")
    if named:
        return Path(named) if Path(named).is_file() else None
    default = Path("/usr/bin/chromium")
    if default.is_file():
        return default
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install_scorm_again(source: str | None = None, *, limits: fetch.Limits | None = None,
                        progress: Callable[[str], None] | None = None) -> Path:
    """Fetch (or read *source*, a local .tgz), verify and unpack scorm-again; return the
    folder holding its dist/."""
    say = progress or (lambda line: None)
    limits = limits or fetch.Limits()
    if source:
        path = Path(source).expanduser()
        if not path.is_file():
            raise RuntimeInstallError(f"{source} is not a file (expected scorm-again-"
                                      f"{SCORM_AGAIN_VERSION}.tgz from `npm pack`)")
        if path.stat().st_size > _MAX_TARBALL:
            raise RuntimeInstallError(f"{source} is larger than the scorm-again tarball")
        data = path.read_bytes()
        where = str(path)
    else:
        say(f"downloading {SCORM_AGAIN_URL} {fetch.describe_network(SCORM_AGAIN_URL, limits)}")
        started = time.monotonic()
        try:
            data = fetch.fetch(SCORM_AGAIN_URL, max_bytes=_MAX_TARBALL, limits=limits,
                               deadline=time.monotonic() + limits.total)
        except fetch.FetchError as exc:
            raise RuntimeInstallError(
                f"could not download {SCORM_AGAIN_URL}: {exc}; without internet access, run "
                f"`npm pack scorm-again@{SCORM_AGAIN_VERSION}` on a machine with npm and "
                f"install the file with `scormkit runtime install --from scorm-again-"
                f"{SCORM_AGAIN_VERSION}.tgz`") from None
        say(f"{len(data) / 1024:.0f} KiB in {time.monotonic() - started:.2f} s")
        where = SCORM_AGAIN_URL
    digest = hashlib.sha256(data).hexdigest()
    if digest != SCORM_AGAIN_SHA256 or _sri(data) != SCORM_AGAIN_INTEGRITY:
        raise RuntimeInstallError(
            f"{where} is not scorm-again {SCORM_AGAIN_VERSION} as pinned: its sha256 is "
            f"{digest}, expected {SCORM_AGAIN_SHA256}; refusing to install it")
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for name in _MEMBERS:
                member = tar.getmember(name)
                if not member.isfile() or member.size > _MAX_MEMBER:
                    raise RuntimeInstallError(f"{where}: {name} is not a regular file")
                handle = tar.extractfile(member)
                assert handle is not None
                files[name.removeprefix("package/")] = handle.read()
    except (tarfile.TarError, KeyError, OSError) as exc:
        # Unreachable for the pinned bytes; kept so that a bad pin can never crash.
        raise RuntimeInstallError(f"{where} could not be unpacked: {exc}") from None
    target = installed_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, content in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(content)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
