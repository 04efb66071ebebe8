#!/usr/bin/env python3
"""Write the pinned download addresses of every XSD into schemas/catalog.toml.

    scripts/pin_schema_urls.py URLS.tsv MIRROR_DIR

URLS.tsv (beside the offline mirror) lists, per mirror file, the raw.githubusercontent.com
addresses pinned to a 40-hex commit whose git blob has exactly the file's sha256, in order of
preference. This script rewrites each ``[[family.file]]`` block of the catalog: ``urls`` (that
ordered list), ``namespace`` (the file's targetNamespace, read from the mirror copy),
``spec`` (which specification the file belongs to) and ``published`` (the address the
specification publishes it under: informative only, never downloaded, because those hosts do
not serve these bytes). Everything else in the catalog is kept as it is. It refuses a URL that
is not pinned to a commit, a line whose sha256 differs from the catalog's, and a file left
without any address. Run it again whenever URLS.tsv changes; the result is deterministic.
"""

from __future__ import annotations

import csv
import re
import sys
import tomllib
from pathlib import Path

from lxml import etree

CATALOG = Path(__file__).resolve().parent.parent / "schemas" / "catalog.toml"
PINNED = re.compile(r"^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/\S+$")

# Which specification a file belongs to, by the first matching pattern on its path.
SPECS = [
    (r"(^|/)adlcp_rootv1p2\.xsd$", "ADL SCORM 1.2 Content Aggregation Model"),
    (r"(^|/)imscp_rootv1p1p2\.xsd$", "IMS Content Packaging 1.1.2"),
    (r"(^|/)imsmd_rootv1p2p1\.xsd$", "IMS Learning Resource Meta-data 1.2.1"),
    (r"(^|/)ims_xml\.xsd$", "W3C XML namespace attributes (IMS copy)"),
    (r"(^|/)xml\.xsd$", "W3C XML namespace attributes"),
    (r"\.dtd$", "W3C XML Schema 1.0 (DTD for schema documents)"),
    (r"(^|/)mathml2/", "W3C MathML 2.0"),
    (r"(^|/)adl(cp|nav|seq)_v1p3\.xsd$", "ADL SCORM 2004 Content Aggregation Model"),
    (r"(^|/)imsss_v1p0", "IMS Simple Sequencing 1.0"),
    (r"(^|/)imscp_v1p1\.xsd$", "IMS Content Packaging 1.1.4"),
    # After MathML 2, whose folders are named common/ too.
    (r"(^|/)(lom\.xsd|common/|extend/|unique/|vocab/)", "IEEE 1484.12.3 LOM XML binding "
     "(ADL strict profile)"),
    (r"(^|/)imsmd_v1p2p4\.xsd$", "IMS Learning Resource Meta-data 1.2.4"),
    (r"(^|/)imsmd_loose_v1p3p2\.xsd$", "IMS Meta-data 1.3.2 (IEEE LOM, loose binding)"),
    (r"(^|/)ims_qtiasiv1p2\.xsd$", "IMS QTI 1.2.1 Assessment, Section and Item"),
    (r"(^|/)apipv1p0_", "IMS APIP 1.0 extension to QTI 2.1"),
    (r"(^|/)(imsqti_v2p1p2|imsqti_metadata_v2p1|qtiv2p1_imscpv1p2_v1p0)\.xsd$", "IMS QTI 2.1.2"),
    (r"(^|/)XInclude\.xsd$", "W3C XInclude 1.0"),
    (r"(^|/)mathml3", "W3C MathML 3.0 (as republished by 1EdTech)"),
    (r"(^|/)(ssml|synthesis)", "W3C SSML 1.1 (as republished by 1EdTech)"),
    (r"(^|/)imsqti(_asi|_metadata|v3p0)", "1EdTech QTI 3.0"),
    (r"(^|/)ccv1p1_", "IMS Common Cartridge 1.1"),
    (r"(^|/)ccv1p3_", "IMS Common Cartridge 1.3"),
    (r"(^|/)imsbasiclti_|(^|/)imslti", "IMS Basic LTI 1.0 (Common Cartridge link)"),
    (r"(^|/)CourseStructure\.xsd$", "cmi5 course structure (AICC/ADL)"),
]


def spec_of(path: str) -> str:
    for pattern, spec in SPECS:
        if re.search(pattern, path):
            return spec
    raise SystemExit(f"no specification known for {path}: add a pattern to SPECS")


def namespace_of(file: Path) -> str | None:
    if file.suffix != ".xsd":
        return None
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    try:
        return etree.parse(str(file), parser).getroot().get("targetNamespace")
    except etree.XMLSyntaxError:
        # scorm12/ims_xml.xsd binds the default namespace to the XML namespace, which a
        # namespace-aware parser refuses: read the attribute from the text instead.
        found = re.search(rb'targetNamespace\s*=\s*["\']([^"\']*)', file.read_bytes())
        return found.group(1).decode() if found else None


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(urls_tsv: Path, mirror: Path) -> None:
    with urls_tsv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    by_file: dict[tuple[str, str], list[str]] = {}
    sha: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["family"], row["path"])
        if not PINNED.match(row["url"]):
            raise SystemExit(f"{row['url']} is not pinned to a 40-hex commit")
        if sha.setdefault(key, row["sha256"]) != row["sha256"]:
            raise SystemExit(f"{key} has two sha256 values in {urls_tsv}")
        by_file.setdefault(key, []).append(row["url"])

    text = CATALOG.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        header = re.match(r"^\[\[(\w+)\.file\]\]$", line)
        if not header:
            out.append(line)
            i += 1
            continue
        name = header.group(1)
        block = [line]
        i += 1
        while i < len(lines) and lines[i].strip() and not lines[i].startswith("["):
            block.append(lines[i])
            i += 1
        # Parse the block on its own (it is plain TOML key/value lines).
        fields = tomllib.loads("\n".join(block[1:]))
        family = raw[name]
        folder = fields.get("folder") or family.get("folder") or name
        key = (folder, fields["path"])
        if key not in by_file:
            raise SystemExit(f"{name}: {folder}/{fields['path']} has no URL in {urls_tsv}")
        if sha[key] != fields["sha256"]:
            raise SystemExit(f"{name}: {folder}/{fields['path']}: URLS.tsv pins another sha256")
        published = fields.get("published") or fields.get("url")
        out.append(line)
        out.append(f"path = {toml_string(fields['path'])}")
        if "folder" in fields:
            out.append(f"folder = {toml_string(fields['folder'])}")
        out.append(f"sha256 = {toml_string(fields['sha256'])}")
        namespace = namespace_of(mirror / folder / fields["path"])
        if namespace is not None:
            out.append(f"namespace = {toml_string(namespace)}")
        out.append(f"spec = {toml_string(spec_of(fields['path']))}")
        if published:
            out.append(f"published = {toml_string(published)}")
        out.append("urls = [")
        out.extend(f"  {toml_string(url)}," for url in by_file[key])
        out.append("]")
    CATALOG.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
