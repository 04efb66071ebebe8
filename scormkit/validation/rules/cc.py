"""IMS Common Cartridge rules (lms-rules.md 3.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from scormkit.validation.rules import CC, ERROR, WARNING, Context, Finding, rule
from scormkit.validation.rules.qti import metadata

_CC_MINOR = {"cc10": "0", "cc11": "1", "cc12": "2", "cc13": "3"}
_SNIFF_BYTES = 500
"""Moodle reads the first 1024 bytes today and 500 in older copies (lms-rules 3.2)."""
_TYPE_PATTERNS = (
    re.compile(r"webcontent"),
    re.compile(r"associatedcontent/imscc_xmlv1p(?P<v>\d)/learning-application-resource"),
    re.compile(r"imsdt_xmlv1p(?P<v>\d)"),
    re.compile(r"imswl_xmlv1p(?P<v>\d)"),
    re.compile(r"imsqti_xmlv1p2/imscc_xmlv1p(?P<v>\d)/(assessment|question-bank)"),
    re.compile(r"imsbasiclti_xmlv1p\d"),
    re.compile(r"(assignment_xmlv1p0|imsiwb_iwbv1p0|imsapip_zipv1p0)"),
)
CC_QTI_PROFILES = {"cc.multiple_choice.v0p1", "cc.true_false.v0p1",
                   "cc.multiple_response.v0p1", "cc.fib.v0p1", "cc.pattern_match.v0p1",
                   "cc.essay.v0p1"}


@rule("cc-sniff-failed", ERROR, "the Common Cartridge namespace is not declared within the "
      "manifest's first 500 bytes", kinds={"cc10", "cc11"}, source="lms-rules 3.2 detection",
      hint="put xmlns=\"...\" on the <manifest> element right after the XML declaration: "
           "Moodle recognises a cartridge by reading only the first bytes")
def check_sniff(context: Context) -> Iterator[Finding]:
    head = context.files.head(context.manifest_name, _SNIFF_BYTES).decode("utf-8", "replace")
    sniff = "".join(head.lower().split()).replace('"', "").replace("'", "")
    if f"xmlns={context.ns.lower()}" not in sniff:
        yield Finding("the default namespace declaration is not within the manifest's first "
                      f"{_SNIFF_BYTES} bytes", context.at(context.manifest))


@rule("cc-resource-type", WARNING, "a resource type is not a Common Cartridge type of the "
      "cartridge's version", kinds=CC, source="lms-rules 3.2 resource types",
      hint="use the type strings of the cartridge's version (e.g. imsdt_xmlv1p1 in CC 1.1): "
           "importers map types by exact string and skip the others")
def check_resource_types(context: Context) -> Iterator[Finding]:
    minor = _CC_MINOR[context.kind.key]
    for ident, resource in context.resources.items():
        kind = resource.get("type", "")
        match = next((m for p in _TYPE_PATTERNS if (m := p.fullmatch(kind))), None)
        if match is None:
            yield Finding(f"resource '{ident}' has type '{kind}', which no Common Cartridge "
                          "version defines", context.at(resource))
        elif "v" in match.groupdict() and match.group("v") != minor:
            yield Finding(f"resource '{ident}' has type '{kind}' from another Common "
                          f"Cartridge version than {context.kind.label}", context.at(resource))


@rule("cc-qti-profile", WARNING, "a cartridge question declares a cc_profile outside the CC "
      "QTI profile", kinds=CC, source="lms-rules 3.2 QTI-in-CC question profiles",
      hint="use one of: " + ", ".join(sorted(CC_QTI_PROFILES)) + "; importers skip the rest")
def check_qti_profiles(context: Context) -> Iterator[Finding]:
    for resource in context.resources.values():
        if not resource.get("type", "").startswith("imsqti_xmlv1p2/"):
            continue
        name = context.resource_file(resource)
        root = context.xml(name) if name else None
        if root is None:
            continue
        ns = etree.QName(root).namespace
        for item in root.iter(f"{{{ns}}}item" if ns else "item"):
            entry, field = metadata(item).get("cc_profile", ("", None))
            if field is not None and entry not in CC_QTI_PROFILES:
                yield Finding(f"item '{item.get('ident')}' has cc_profile '{entry}'",
                              context.at(field, name))
