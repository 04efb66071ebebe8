"""Packages for the `scormkit validate` tests: built by scormkit, or small hand-made ones that
are valid against the official XSDs, plus helpers to break them one rule at a time."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from scormkit.build import build_package
from scormkit.resources import schema_dir
from scormkit.validation import PackageReport, validate_files
from scormkit.writers import WRITERS, WriterOptions

ROOT = Path(__file__).resolve().parent.parent

SCORM2004_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MAN" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="{locations}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Course</title>
      <item identifier="ITEM" identifierref="RES">
        <title>Lesson</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""
SCORM2004_MANIFEST = SCORM2004_MANIFEST.replace("{locations}", " ".join((
    "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd",
    "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd")))
SCORM2004_FILES = (
    "XMLSchema.dtd", "adlcp_v1p3.xsd", "adlnav_v1p3.xsd", "adlseq_v1p3.xsd", "datatypes.dtd",
    "imscp_v1p1.xsd", "imsss_v1p0.xsd", "imsss_v1p0auxresource.xsd", "imsss_v1p0control.xsd",
    "imsss_v1p0delivery.xsd", "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd",
    "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd", "imsss_v1p0seqrule.xsd",
    "imsss_v1p0util.xsd", "xml.xsd")

# A SCO that does what an LMS expects: find the API, initialize, set a status, terminate.
SCO_2004 = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>SCO</title>
<script>
function findApi(w) { for (var n = 0; w && n < 500; n++) { if (w.API_1484_11) return w.API_1484_11;
  if (w.parent === w) break; w = w.parent; } return null; }
var api = findApi(window.parent);
if (api) { api.Initialize(""); api.SetValue("cmi.completion_status", "incomplete");
  api.Commit(""); }
window.addEventListener("pagehide", function () { if (api) { api.Terminate(""); } });
</script></head><body><p>Lesson</p></body></html>
"""
SCO_12 = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>SCO</title>
<script>
function findApi(w) { for (var n = 0; w && n < 500; n++) { if (w.API) return w.API;
  if (w.parent === w) break; w = w.parent; } return null; }
var api = findApi(window.parent);
if (api) { api.LMSInitialize(""); STATUS api.LMSCommit(""); }
window.addEventListener("pagehide", function () { if (api) { FINISH } });
</script></head><body><p>Lesson</p></body></html>
"""

CC_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MAN" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.1.0</schemaversion>
    <lomm:lom xmlns:lomm="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">
      <lomm:general><lomm:title><lomm:string>Cartridge</lomm:string></lomm:title></lomm:general>
    </lomm:lom>
  </metadata>
  <organizations>
    <organization identifier="ORG" structure="rooted-hierarchy">
      <item identifier="ROOT">
        <item identifier="ITEM" identifierref="RES">
          <title>Page</title>
        </item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" href="page.html">
      <file href="page.html"/>
    </resource>
  </resources>
</manifest>
"""

CMI5 = """<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/course">
    <title><langstring lang="en-US">Course</langstring></title>
    <description><langstring lang="en-US">A course</langstring></description>
  </course>
  <au id="https://example.org/au1" moveOn="Completed" masteryScore="0.8">
    <title><langstring lang="en-US">AU</langstring></title>
    <description><langstring lang="en-US">An AU</langstring></description>
    <url>au/index.html</url>
  </au>
</courseStructure>
"""


def sco12(status: bool = True, finish: bool = True) -> bytes:
    return SCO_12.replace(
        "STATUS", 'api.LMSSetValue("cmi.core.lesson_status", "incomplete");' if status else ""
    ).replace("FINISH", 'api.LMSFinish("");' if finish else "").encode()


@dataclass
class Packages:
    """Clean packages of every kind, as member dicts (copy before editing)."""

    built: dict[str, dict[str, bytes]]

    def get(self, name: str) -> dict[str, bytes]:
        if name in self.built and name not in ("scorm2004", "cc11", "cc12", "cc13", "cmi5"):
            return dict(self.built[name])
        if name.startswith("built-"):
            return dict(self.built[name.removeprefix("built-")])
        if name == "scorm2004":
            files = {"imsmanifest.xml": SCORM2004_MANIFEST.encode(), "index.html":
                     SCO_2004.encode()}
            for schema in SCORM2004_FILES:
                files[schema] = (schema_dir() / "scorm2004_4th" / schema).read_bytes()
            return files
        if name in ("cc11", "cc12", "cc13"):
            minor = name[-1]
            manifest = CC_MANIFEST.replace("ccv1p1", f"ccv1p{minor}").replace(
                "1.1.0", f"1.{minor}.0")
            return {"imsmanifest.xml": manifest.encode(), "page.html": b"<html/>"}
        if name == "cmi5":
            return {"cmi5.xml": CMI5.encode(), "au/index.html": b"<html/>"}
        raise KeyError(name)


def read_zip(path: Path) -> dict[str, bytes]:
    """The members of a built package: a zip's, or the one document of a Moodle XML build
    (the .xml file itself), under the name the package gives it in memory."""
    if path.suffix == ".xml":
        return {"questions.xml": path.read_bytes()}
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}


def write_zip(files: dict[str, bytes], path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    out = tmp_path_factory.mktemp("validate-builds")
    built = {}
    for target in WRITERS:
        built[target] = read_zip(build_package(ROOT / "course_src", target, out / target).path)
    built["scorm12-per-lesson"] = read_zip(build_package(
        ROOT / "course_src", "scorm12", out / "per-lesson",
        WriterOptions(sco_per_lesson=True)).path)
    built["scorm2004-per-lesson"] = read_zip(build_package(
        ROOT / "course_src", "scorm2004", out / "per-lesson-2004",
        WriterOptions(sco_per_lesson=True)).path)
    return Packages(built)


def edit(files: dict[str, bytes], member: str, old: str, new: str, count: int = 1,
         regex: bool = False) -> dict[str, bytes]:
    """Replace *old* by *new* in *member* (it must be there); return *files*."""
    text = files[member].decode("utf-8")
    if regex:
        changed, made = re.subn(old, new, text, count=count, flags=re.S)
        assert made, f"{old!r} not found in {member}"
    else:
        assert old in text, f"{old!r} not found in {member}"
        changed = text.replace(old, new, count)
    files[member] = changed.encode("utf-8")
    return files


def check(files: dict[str, bytes], lms: str | None = None) -> PackageReport:
    return validate_files(files, "test.zip", lms=lms)


def codes(files: dict[str, bytes], lms: str | None = None) -> list[str]:
    return sorted(d.code for d in check(files, lms).diagnostics)
