"""What an image file really holds, from its content: the file name's extension is only the
author's claim.

Packages declare each file's type from its extension (manifests, Moodle's file records) and
LMSs serve it with that type, so an HTML page saved as ``diagram.png`` would be published as
an image that is not one, and an SVG is a document that can run scripts. Raster images are
recognised by their signatures (PNG, JPEG, GIF, WebP); an SVG is parsed, with entities, DTD
loading and network access off, and must have an ``<svg>`` root in the SVG namespace.

Scripts in SVG are refused, not removed (svg_problems). An SVG shown through ``<img>``, as
our pages do, never runs its scripts; but the same file opened on its own (a learner's "open
image in new tab", an LMS file browser) runs them with the LMS's origin, where a script can
act as the learner. Removing them would ship a file other than the one the author reviewed,
and sanitisers are a long history of bypasses; a course image has no use for a script, so
the author is told what to delete and where. Refused: ``<script>`` and elements that embed
or load documents (``iframe``, ``object``, ``embed``, ``foreignObject`` content that is HTML
``script``...), ``on*`` event attributes (also set by animation), ``javascript:`` and
``vbscript:`` URLs and HTML ``data:`` URLs in any attribute or style, ``xml-stylesheet``
processing instructions (an XSLT sheet can produce a page with scripts), and a DOCTYPE with
an internal subset (its entities could hide any of the above from a check and reveal it to
the browser; a DOCTYPE that only names the SVG DTD, as Illustrator writes, is fine: browsers
never load it). References outside the file (``<image href="https://...">``, ``<use>`` of
another file, CSS ``url()`` of one) are refused too: browsers do not load them for an image,
scormkit does not package them, and packages must work offline. Fragments (``#id``) and
embedded raster images (``data:image/png;base64,...``) are fine.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from scormkit.errors import shown

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_NAMES = {"image/png": "a PNG image", "image/jpeg": "a JPEG image", "image/gif": "a GIF image",
          "image/webp": "a WebP image", "image/svg+xml": "an SVG image"}
# What else a misnamed file often is, for the message (signature -> description).
_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x00\x00\x01\x00", "an icon (ICO)"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|script|iframe|div)\b",
                   re.IGNORECASE | re.DOTALL)
_INTERNAL_SUBSET = re.compile(
    r"""<!DOCTYPE\s+[^\s\[>]+(\s+(SYSTEM|PUBLIC)(\s+("[^"]*"|'[^']*')){1,2})?\s*\[""")

# Elements that run scripts or load other documents, in any namespace (SVG, or HTML inside
# foreignObject): local names, lower case.
_ACTIVE = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "handler",
    "listener", "base", "meta", "link", "portal", "form",
})
# Attribute values (whitespace and control characters removed, lower case) that run code.
_ACTIVE_URL = re.compile(r"(javascript|vbscript|livescript):|data:(text/html|application/"
                         r"(xhtml|xml)|image/svg)|-moz-binding|expression\(")
_SPACE = re.compile(r"[\x00-\x20]+")
_EMBEDDED = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_URL_IN_STYLE = re.compile(r"""url\(\s*['"]?([^'")\s]*)|@import\s+['"]([^'"]*)""",
                           re.IGNORECASE)
_LINKS = ("href", _XLINK_HREF, "src")


def media_type(data: bytes) -> str | None:
    """The image type *data* holds (``image/png``...), judged from its content; SVG is
    recognised by its root element (see svg_problems for whether it is safe)."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    root = _parse(data)[0]
    if root is not None and root.tag == f"{{{SVG_NS}}}svg":
        return "image/svg+xml"
    return None


def describe(data: bytes) -> str:
    """What *data* looks like, for a message: "a PNG image", "an HTML page", "empty"..."""
    kind = media_type(data)
    if kind is not None:
        return _NAMES[kind]
    if not data:
        return "nothing (the file is empty)"
    for signature, what in _OTHERS:
        if data.startswith(signature):
            return what
    if _HTML.match(data[:4096]):
        return "an HTML page"
    root, error = _parse(data)
    if root is None and error != _NOT_MARKUP:
        return f"{MALFORMED} ({error})"
    if root is not None:
        return f"an XML document (root element {etree.QName(root).localname!r}, not <svg> " \
            "in the SVG namespace)" if isinstance(root.tag, str) else "an XML document"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "data of an unknown kind"
    return "text"


@dataclass(frozen=True, slots=True)
class SvgProblem:
    code: str
    message: str
    line: int | None


def svg_problems(data: bytes) -> list[SvgProblem]:
    """Why the SVG *data* cannot be packaged (see the module docstring); empty when it can."""
    root, error = _parse(data)
    if root is None:
        return [SvgProblem("svg-malformed", f"the SVG is not well-formed XML: {error}", None)]
    problems: list[SvgProblem] = []
    tree = root.getroottree()
    docinfo = tree.docinfo
    dtd: Any = docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or list(dtd.iterelements())
                            or _INTERNAL_SUBSET.search(_text(data, docinfo.encoding))):
        problems.append(SvgProblem(
            "svg-doctype", "the SVG's DOCTYPE has an internal subset (entity or other "
            "declarations between [ and ]): what it declares could hide a script from this "
            "check and show it to the browser", 1))
    for node in itertools.chain(root.itersiblings(preceding=True), root.iter(),
                                root.itersiblings()):
        line = node.sourceline if isinstance(node.sourceline, int) else None
        if isinstance(node, etree._Entity):
            problems.append(SvgProblem(
                "svg-doctype", f"the SVG uses the entity &{node.name}; (only &amp; &lt; &gt; "
                "&quot; &apos; and character references are allowed)", line))
            continue
        if isinstance(node, etree._ProcessingInstruction):
            if node.target.lower() == "xml-stylesheet":
                problems.append(SvgProblem(
                    "svg-script", "the SVG has an xml-stylesheet instruction (a style sheet "
                    "can be an XSLT program that writes a page with scripts)", line))
            continue
        if not isinstance(node.tag, str):  # a comment
            continue
        name = etree.QName(node).localname
        if name.lower() in _ACTIVE:
            problems.append(SvgProblem(
                "svg-script", f"the SVG has a <{name}> element, which runs a script or loads "
                "another document when the image is opened on its own", line))
        for attribute, raw in node.attrib.items():
            value = str(raw)
            attr = etree.QName(attribute).localname
            lowered = attr.lower()
            if lowered.startswith("on"):
                problems.append(SvgProblem(
                    "svg-script", f"<{name}> has the event attribute {attr}, which runs a "
                    "script", line))
            elif lowered == "attributename" and _SPACE.sub("", value).lower().startswith("on"):
                problems.append(SvgProblem(
                    "svg-script", f"<{name}> animates the event attribute {value.strip()}, "
                    "which runs a script", line))
            elif _ACTIVE_URL.search(_SPACE.sub("", value).lower()):
                problems.append(SvgProblem(
                    "svg-script", f"<{name}> attribute {attr} holds a URL that runs a script "
                    "or opens a document", line))
            elif attribute in _LINKS and name != "a" and not _inside(value):
                problems.append(_external(name, value, line))
        if name == "style" and node.text:
            text = _SPACE.sub("", node.text).lower()
            if _ACTIVE_URL.search(text):
                problems.append(SvgProblem(
                    "svg-script", "a <style> element holds a URL that runs a script", line))
        # CSS: a <style> sheet, style attributes and presentation attributes (fill="url(...)").
        for css in (node.text if name == "style" else None, *map(str, node.attrib.values())):
            for match in _URL_IN_STYLE.finditer(css or ""):
                url = match.group(1) or match.group(2) or ""
                if not _inside(url):
                    problems.append(_external(name, url, line))
    return problems


def _inside(reference: str) -> bool:
    """Whether a reference an SVG loads stays inside the file: a fragment (``#id``) or an
    embedded raster image (``data:image/png;base64,...``)."""
    value = reference.strip()
    return not value or value.startswith("#") or bool(_EMBEDDED.match(value))


def _external(element: str, url: str, line: int | None) -> SvgProblem:
    return SvgProblem(
        "svg-external", f"<{element}> loads {shown(url)}, outside the SVG file: browsers do "
        "not load it for an image and scormkit does not package it", line)


MAX_SVG_BYTES = 16 * 2**20
"""An SVG file (a detailed map or chart exported as SVG has a few MiB)."""
MAX_SVG_NODES = 200_000
"""Elements, attributes, comments and processing instructions of an SVG: its tree is built
and walked in memory, about a kilobyte a node all told; a 60 MiB file of ``<g/>`` took
2 GiB and minutes before this bound. A chart of 50,000 points fits."""
MAX_SVG_ATTRIBUTES = 100
"""Attributes of one element (editors write a dozen at most): lxml reads each attribute's
value by searching the element's list, so reading n of them costs n² (10,000 attributes on
one element took 4 s, 40,000 minutes)."""


_NOT_MARKUP = "it does not start with '<'"
MALFORMED = "markup that is not well-formed XML"
"""How describe() starts for markup that does not parse."""


class SvgTooLarge(Exception):
    """The markup passes MAX_SVG_BYTES, MAX_SVG_NODES or MAX_SVG_ATTRIBUTES: it is not parsed
    to the end."""


@functools.lru_cache(maxsize=1)  # media_type() then svg_problems() parse the same bytes
def _parse(data: bytes) -> tuple[etree._Element | None, str]:
    """The root of *data* parsed as XML by a parser that resolves no entity, loads no DTD and
    fetches nothing (libxml2's depth and size limits on), or None and why. Raises
    SvgTooLarge, having stopped as soon as a bound was passed."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, _NOT_MARKUP
    if len(data) > MAX_SVG_BYTES:
        raise SvgTooLarge(f"{len(data) / 2**20:.1f} MiB of markup; at most "
                          f"{MAX_SVG_BYTES // 2**20} MiB are read")
    events = etree.iterparse(io.BytesIO(data), events=("start", "comment", "pi"),
                             resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False)
    try:
        count = 0
        for event, node in events:
            count += 1
            if event == "start":
                attributes = len(node.attrib)  # a count, linear (unlike reading them)
                if attributes > MAX_SVG_ATTRIBUTES:
                    raise SvgTooLarge(f"{attributes:,} attributes on one element (line "
                                      f"{node.sourceline}); at most {MAX_SVG_ATTRIBUTES} "
                                      "are read")
                count += attributes
            if count > MAX_SVG_NODES:
                raise SvgTooLarge(f"more than {MAX_SVG_NODES:,} elements and attributes")
        return events.root, ""
    except etree.XMLSyntaxError as exc:
        return None, str(exc.msg or exc)[:200]
    except ValueError as exc:  # e.g. an encoding declaration lxml refuses for bytes
        return None, str(exc)[:200]


def _text(data: bytes, encoding: str | None) -> str:
    """*data* decoded as the parser decoded it (for the DOCTYPE check)."""
    try:
        codecs.lookup(encoding or "utf-8")
        return data.decode(encoding or "utf-8", "replace")
    except LookupError:
        # An encoding libxml2 reads and Python does not know: the check cannot look, so
        # the subset is assumed to be there (the SVG is refused).
        return "<!DOCTYPE x ["
