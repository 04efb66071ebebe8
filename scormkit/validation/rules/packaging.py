"""Rules for every package that has an imsmanifest.xml (SCORM, Common Cartridge, QTI, IMS CP)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from scormkit.validation.rules import ERROR, MANIFEST_KINDS, WARNING, Context, Finding, local, rule


@rule("manifest-root-invalid", ERROR, "imsmanifest.xml's root element is not <manifest>",
      kinds=MANIFEST_KINDS, source="lms-rules 3.5 P2 (a cmi5 courseStructure mistaken for a "
      "manifest)", hint="imsmanifest.xml must be an IMS content-packaging manifest; a cmi5 "
      "course structure goes in cmi5.xml")
def check_manifest_root(context: Context) -> Iterator[Finding]:
    root = context.manifest
    if local(root) != "manifest":
        yield Finding(f"the root element is <{local(root)}>, not <manifest>", context.at(root))


@rule("href-query", WARNING, "a resource href carries a query string or fragment",
      kinds=MANIFEST_KINDS, source="lms-rules 3.5 P8",
      hint="move '?...' or '#...' to the item's parameters attribute: LMSs that resolve "
           "href as a file path look for a file named 'index.html?x=1'")
def check_href_query(context: Context) -> Iterator[Finding]:
    for ident, resource in context.resources.items():
        href = resource.get("href") or ""
        parts = urlsplit(href)
        if parts.query or parts.fragment:
            yield Finding(f"resource '{ident}' href '{href}' has a query string or fragment",
                          context.at(resource))
