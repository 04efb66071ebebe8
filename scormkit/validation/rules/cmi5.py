"""cmi5 course structure rules (lms-rules.md 3.7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from scormkit.errors import Location
from scormkit.validation.rules import CMI5, ERROR, WARNING, Context, Finding, local, rule

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MOVE_ON = ("NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed")


def _aus(context: Context) -> list[etree._Element]:
    return list(context.manifest.iter(f"{{{NS}}}au"))


def _at(context: Context, element: etree._Element) -> Location:
    return Location("cmi5.xml", element.sourceline)


@rule("cmi5-root-invalid", ERROR, "cmi5.xml is not a cmi5 courseStructure document",
      kinds=CMI5, source="lms-rules 3.7",
      hint=f"the root element must be <courseStructure xmlns=\"{NS}\">")
def check_root(context: Context) -> Iterator[Finding]:
    root = context.manifest
    if root.tag != f"{{{NS}}}courseStructure":
        yield Finding(f"the root element is {etree.QName(root).text}", _at(context, root))


@rule("cmi5-au-url-missing", ERROR, "an AU's relative url names a file that is not in the "
      "package", kinds=CMI5, source="lms-rules 3.7",
      hint="fix the <url> of the AU or add the file; relative URLs are resolved against the "
           "package root")
def check_au_files(context: Context) -> Iterator[Finding]:
    for au, url, path in _relative_urls(context):
        if path not in context.files and not _outside(path):
            yield Finding(f"AU '{au.get('id')}' url '{url}' is not in the package",
                          _at(context, au))


@rule("cmi5-au-url-outside", ERROR, "an AU's url climbs out of the package or is an "
      "absolute path", kinds=CMI5, source="lms-rules 3.7",
      hint="use a path relative to cmi5.xml without '..'")
def check_au_outside(context: Context) -> Iterator[Finding]:
    for au, url, path in _relative_urls(context):
        if _outside(path):
            yield Finding(f"AU '{au.get('id')}' url '{url}' is outside the package",
                          _at(context, au))


@rule("cmi5-au-url-absolute", WARNING, "an AU in a zip package has an absolute URL",
      kinds=CMI5, source="lms-rules 3.7 (relative AU URLs SHOULD be used for packaged AUs)",
      hint="ship the AU in the package and give it a relative url")
def check_au_absolute(context: Context) -> Iterator[Finding]:
    for au in _aus(context):
        url = (au.findtext(f"{{{NS}}}url") or "").strip()
        if urlsplit(url).scheme:
            yield Finding(f"AU '{au.get('id')}' url '{url}' is absolute", _at(context, au))


@rule("cmi5-moveon-invalid", ERROR, "an AU's moveOn is not in the cmi5 vocabulary",
      kinds=CMI5, source="lms-rules 3.7", hint="moveOn is one of " + ", ".join(MOVE_ON))
def check_move_on(context: Context) -> Iterator[Finding]:
    for au in _aus(context):
        value = au.get("moveOn")
        if value is not None and value not in MOVE_ON:
            yield Finding(f"AU '{au.get('id')}' has moveOn '{value}'", _at(context, au))


@rule("cmi5-masteryscore-invalid", ERROR, "an AU's masteryScore is not a decimal from 0 to 1",
      kinds=CMI5, source="lms-rules 3.7",
      hint="masteryScore is a scaled score: 0.8 means 80%")
def check_mastery(context: Context) -> Iterator[Finding]:
    for au in _aus(context):
        value = au.get("masteryScore")
        if value is None:
            continue
        try:
            ok = 0 <= float(value) <= 1
        except ValueError:
            ok = False
        if not ok:
            yield Finding(f"AU '{au.get('id')}' has masteryScore '{value}'", _at(context, au))


@rule("cmi5-id-duplicate", ERROR, "two course, block or AU elements have the same id",
      kinds=CMI5, source="lms-rules 3.7 (ids are IRIs identifying activities)",
      hint="give every course, block and AU its own IRI")
def check_ids(context: Context) -> Iterator[Finding]:
    root = context.manifest
    elements = [e for e in root.iter() if local(e) in ("course", "block", "au") and e.get("id")]
    counts = Counter(e.get("id") for e in elements)
    reported = set()
    for element in elements:
        ident = element.get("id")
        if counts[ident] > 1 and ident not in reported:
            reported.add(ident)
            yield Finding(f"id '{ident}' is used {counts[ident]} times", _at(context, element))


def _relative_urls(context: Context) -> Iterator[tuple[etree._Element, str, str]]:
    for au in _aus(context):
        url = (au.findtext(f"{{{NS}}}url") or "").strip()
        parts = urlsplit(url)
        if url and not parts.scheme and not parts.netloc:
            yield au, url, unquote(parts.path)


def _outside(path: str) -> bool:
    return path.startswith("/") or ".." in PurePosixPath(path).parts
