"""Content-packaging rules that XSDs cannot express, each with a manifest that breaks it."""

from __future__ import annotations

import pytest

from scormkit.validation.packaging import check_content_package

MANIFEST = """<?xml version="1.0"?>
<manifest identifier="{mid}" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <organizations default="{default}">
    <organization identifier="ORG"><title>t</title>
      <item identifier="{iid}" identifierref="{ref}"><title>t</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="{href}">
      <file href="{file}"/>
    </resource>
  </resources>
</manifest>"""
GOOD = {"mid": "M", "default": "ORG", "iid": "ITEM", "ref": "RES", "href": "index.html",
        "file": "index.html"}


def codes(files: dict[str, bytes]) -> list[tuple[str, int | None]]:
    return [(d.code, d.location.line if d.location else None)
            for d in check_content_package(files)]


def package(extra: dict[str, bytes] | None = None, **changes: str) -> dict[str, bytes]:
    files = {"imsmanifest.xml": MANIFEST.format(**{**GOOD, **changes}).encode(),
             "index.html": b"<html/>"}
    files.update(extra or {})
    return files


def test_good_package_has_no_problem():
    assert codes(package()) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"default": "NOPE"}, [("default-org-missing", 4)]),
    ({"ref": "NOPE"}, [("identifierref-missing", 6)]),
    ({"iid": "1item"}, [("id-invalid", 6)]),
    ({"iid": "ORG"}, [("id-duplicate", 6)]),
    ({"href": "missing.html"}, [("href-missing", 10)]),
    ({"href": "../up.html"}, [("href-outside", 10)]),
    ({"href": "http://example.com/x.html"}, [("href-outside", 10)]),
    ({"file": "/etc/passwd"}, [("href-outside", 11), ("file-unlisted", None)]),
    ({"file": "gone.html"}, [("file-missing", 11), ("file-unlisted", None)]),
])
def test_each_rule_catches_its_defect(changes, expected):
    assert codes(package(**changes)) == expected


def test_unlisted_file_is_reported_but_root_xsds_are_not():
    files = package({"extra.js": b"", "imscp_rootv1p1p2.xsd": b""})
    assert codes(files) == [("file-unlisted", None)]
    assert check_content_package(files)[0].location.path == "extra.js"


def test_malformed_manifest_gives_line():
    files = {"imsmanifest.xml": b"<manifest>\n<unclosed>\n</manifest>"}
    [(code, line)] = codes(files)
    assert code == "xml-malformed" and line == 3


def test_entities_are_not_expanded():
    hostile = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b'<manifest identifier="&x;"/>')
    problems = check_content_package({"imsmanifest.xml": hostile})
    assert all("root:" not in d.message for d in problems)
