"""Generate the hostile-package corpus used by tests/test_validate.py and
tests/test_validate_hostile.py (nothing binary is committed: run
`python tests/hostile/make_corpus.py OUT_DIR` to see the files).

Each entry: file name -> (builder, expected rule code). Issue 5 made the first sixteen;
issue 12 added the ones below "encodings", "names" and "structure": documents whose
DOCTYPE only the parser can see (UTF-16, UTF-32, UTF-7, EBCDIC), names that zipfile cuts or
that forge report lines, directories that lie about their size, overlapping members.
"""

from __future__ import annotations

import io
import os
import random
import socket
import stat
import struct
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

MANIFEST = b"""<?xml version="1.0"?>
<manifest identifier="M" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">
<organizations/><resources/></manifest>"""


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one case
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return buffer.getvalue()


def traversal() -> bytes:
    return _zip([("imsmanifest.xml", MANIFEST), ("../../evil.txt", b"x")])


def absolute() -> bytes:
    return _zip([("imsmanifest.xml", MANIFEST), ("/etc/cron.d/evil", b"x")])


def symlink() -> bytes:
    info = zipfile.ZipInfo("link")
    info.create_system = 3
    info.external_attr = (0o120777 & 0xFFFF) << 16
    return _zip([("imsmanifest.xml", MANIFEST), (info, b"/etc/passwd")])


def encrypted() -> bytes:
    data = bytearray(_zip([("imsmanifest.xml", MANIFEST)]))
    # Set the "encrypted" general-purpose flag in the local and central headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        flags = struct.unpack_from("<H", data, at + offset)[0]
        struct.pack_into("<H", data, at + offset, flags | 0x1)
    return bytes(data)


def duplicate() -> bytes:
    return _zip([("imsmanifest.xml", MANIFEST), ("imsmanifest.xml", MANIFEST)])


def bomb() -> bytes:
    return _zip([("imsmanifest.xml", MANIFEST), ("zeros.bin", b"\0" * (20 * 1024 * 1024))])


def bad_name_encoding() -> bytes:
    data = bytearray(_zip([("imsmanifest.xml", MANIFEST), ("caf\u00e9.txt", b"x")]))
    # The name is flagged UTF-8 (bit 11); replace its bytes with invalid UTF-8 everywhere.
    return bytes(data.replace("caf\u00e9".encode(), b"caf\xff\xfe"))


def xxe() -> bytes:
    return _zip([("imsmanifest.xml", b'<?xml version="1.0"?><!DOCTYPE manifest ['
                  b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                  b'<manifest identifier="&xxe;"/>')])


def billion_laughs() -> bytes:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n > 1 else b"&lol;" * 10)
        for n in range(1, 10))
    return _zip([("imsmanifest.xml", b'<?xml version="1.0"?><!DOCTYPE manifest [' + entities
                  + b']><manifest identifier="&lol9;"/>')])


def remote_dtd(url: str) -> bytes:
    return _zip([("imsmanifest.xml", b'<?xml version="1.0"?><!DOCTYPE manifest SYSTEM "'
                  + url.encode() + b'">' + MANIFEST.split(b"?>", 1)[1])])


def _raw_zip(members: list[tuple[str, bytes, int | None, bytes]]) -> bytes:
    """A zip of STORED members written by hand, so that headers can lie: each member is
    (name, data, declared uncompressed size or None for the real one, central extra field).
    A declared size of 0xFFFFFFFF with a ZIP64 extra field declares a 64-bit size."""
    local, central = bytearray(), bytearray()
    for name, data, declared, extra in members:
        crc = zlib.crc32(data)
        size = len(data) if declared is None else declared
        offset = len(local)
        raw = name.encode()
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0x21, crc, len(data),
                             min(size, 0xFFFFFFFF), len(raw), 0) + raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0x21, crc,
                               len(data), min(size, 0xFFFFFFFF), len(raw), len(extra), 0, 0,
                               0, 0, offset) + raw + extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(local), 0)
    return bytes(local + central + end)


def many_members() -> bytes:
    """Fifty members: rejected when the test lowers the member limit to twenty."""
    return _zip([("imsmanifest.xml", MANIFEST)] + [(f"f{n}.txt", b"x") for n in range(50)])


def size_exceeds_header() -> bytes:
    """A member whose real data is 64 KiB while its headers declare 10 bytes."""
    return _raw_zip([("imsmanifest.xml", MANIFEST, None, b""),
                     ("payload.bin", b"A" * 65536, 10, b"")])


def zip64_huge() -> bytes:
    """A member whose ZIP64 extra field declares a 1 TiB uncompressed size."""
    extra = struct.pack("<HHQ", 0x0001, 8, 2**40)
    return _raw_zip([("imsmanifest.xml", MANIFEST, None, b""),
                     ("huge.bin", b"x", 0xFFFFFFFF, extra)])


def deep_xml() -> bytes:
    """A manifest nested 5,000 elements deep (stored, so that it is not a zip bomb too)."""
    depth = 5000
    data = b'<?xml version="1.0"?><manifest identifier="M">' + b"<a>" * depth + \
        b"</a>" * depth + b"</manifest>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("imsmanifest.xml", data)
    return buffer.getvalue()


def parameter_entities() -> bytes:
    return _zip([("imsmanifest.xml", b'<?xml version="1.0"?><!DOCTYPE manifest ['
                  b'<!ENTITY % body "<!ENTITY inner \'x\'>"> %body;]>'
                  b'<manifest identifier="&inner;"/>')])


def remote_parameter_entity(url: str) -> bytes:
    return _zip([("imsmanifest.xml", b'<?xml version="1.0"?><!DOCTYPE manifest ['
                  b'<!ENTITY % remote SYSTEM "' + url.encode() + b'"> %remote;]>'
                  b'<manifest identifier="M"/>')])


def corrupt() -> bytes:
    """A zip whose second member's local header signature is overwritten."""
    data = bytearray(_zip([("imsmanifest.xml", MANIFEST), ("index.html", b"<html/>")]))
    second = data.find(b"PK\x03\x04", 4)
    data[second:second + 4] = b"XXXX"
    return bytes(data)


def not_a_zip() -> bytes:
    return b"this is not a zip file"


def nested_manifest() -> bytes:
    return _zip([("course/imsmanifest.xml", MANIFEST), ("course/index.html", b"<html/>")])


# ---------------------------------------------------------------------------------------------
# Encodings: the DOCTYPE and entities are not where a byte-level check looks for them.

ENTITY_MANIFEST = ('<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE manifest [{decl}]>'
                   '<manifest identifier="{ref}" '
                   'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">'
                   "<organizations/><resources>{body}</resources></manifest>")


def _encoded(encoding: str, codec: str, decl: str, ref: str = "M", body: str = "") -> bytes:
    text = ENTITY_MANIFEST.format(encoding=encoding, decl=decl, ref=ref, body=body)
    return _zip([("imsmanifest.xml", text.encode(codec))])


def utf16_entity() -> bytes:
    """An internal entity used in an attribute: byte checks for '<!ENTITY' miss it."""
    return _encoded("UTF-16", "utf-16", '<!ENTITY x "y">', ref="&x;")


def utf16_xxe() -> bytes:
    """An external entity in content: it used to reach libxml2's XSD validator and crash."""
    return _encoded("UTF-16", "utf-16", '<!ENTITY x SYSTEM "file:///etc/passwd">', body="&x;")


def utf16be_billion_laughs() -> bytes:
    decl = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{f"&{chr(97 + n)};" * 10}">' for n in range(9))
    return _encoded("UTF-16BE", "utf-16-be", decl, ref="&j;")


def utf16_parameter_entity() -> bytes:
    return _encoded("UTF-16", "utf-16", "<!ENTITY % p \"<!ENTITY i 'x'>\"> %p;", ref="&i;")


def utf16_item_xxe() -> bytes:
    """The same in a QTI item rather than the manifest."""
    item = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE assessmentItem [<!ENTITY x '
            'SYSTEM "file:///etc/passwd">]><assessmentItem '
            'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="i" title="&x;" '
            'adaptive="false" timeDependent="false"/>')
    return _zip([("imsmanifest.xml", MANIFEST), ("items/i.xml", item.encode("utf-16"))])


def internal_subset() -> bytes:
    """No entity, but an attribute default that DTD-reading parsers apply."""
    return _zip([("imsmanifest.xml", MANIFEST.replace(
        b"<manifest", b'<!DOCTYPE manifest [<!ATTLIST manifest version CDATA "9">]><manifest'))])


def utf32_manifest() -> bytes:
    text = MANIFEST.decode().replace('version="1.0"?>', 'version="1.0" encoding="UTF-32"?>')
    return _zip([("imsmanifest.xml", text.encode("utf-32"))])


def utf7_manifest() -> bytes:
    """UTF-7 spells '<' as '+ADw-': markup cannot be found byte-wise."""
    text = MANIFEST.decode().replace('version="1.0"?>', 'version="1.0" encoding="UTF-7"?>')
    head, body = text.split("?>", 1)
    return _zip([("imsmanifest.xml", (head + "?>").encode() + body.encode("utf-7"))])


def ebcdic_manifest() -> bytes:
    text = MANIFEST.decode().replace('version="1.0"?>', 'version="1.0" encoding="IBM037"?>')
    return _zip([("imsmanifest.xml", text.encode("cp037"))])


def utf16_deep() -> bytes:
    depth = 5000
    text = ('<?xml version="1.0" encoding="UTF-16"?><manifest identifier="M">' + "<a>" * depth
            + "</a>" * depth + "</manifest>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("imsmanifest.xml", text.encode("utf-16"))
    return buffer.getvalue()


def many_nodes() -> bytes:
    """4.4 MB of markup, 2.2 million nodes: within the byte limit, beyond the node limit."""
    data = MANIFEST.replace(b"<resources/>", b"<resources>" + b"<a/>" * 1_100_000 +
                            b"</resources>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:  # stored: no zip bomb
        zf.writestr("imsmanifest.xml", data)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Names: checked as stored, before zipfile cuts them at a NUL.


def _entries_zip(entries: list[dict[str, object]]) -> bytes:
    """A zip written by hand, entry by entry: name (str or bytes), data, and optionally
    flags, central_name (a different name in the directory), offset (of another entry's
    local header, to make entries overlap), entries (the count the end record declares)."""
    local, central = bytearray(), bytearray()
    offsets: list[int] = []
    for entry in entries:
        data = entry["data"]
        assert isinstance(data, bytes)
        name = entry["name"]
        raw = name if isinstance(name, bytes) else name.encode()
        central_name = entry.get("central_name", raw)
        assert isinstance(central_name, bytes)
        flags = entry.get("flags", 0x800)
        assert isinstance(flags, int)
        crc = zlib.crc32(data)
        offsets.append(len(local))
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0x21, crc, len(data),
                             len(data), len(raw), 0) + raw + data
        shared = entry.get("offset")
        offset = offsets[shared] if isinstance(shared, int) else offsets[-1]
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, 0, 0x21,
                               crc, len(data), len(data), len(central_name), 0, 0, 0, 0, 0,
                               offset) + central_name
    count = entries[0].get("entries", len(entries))
    assert isinstance(count, int)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                      len(central), len(local), 0)
    return bytes(local + central + end)


def _named(name: str | bytes, flags: int = 0x800) -> bytes:
    return _entries_zip([{"name": "imsmanifest.xml", "data": MANIFEST},
                         {"name": name, "data": b"<html/>", "flags": flags}])


def nul_name() -> bytes:
    """zipfile reads 'index.html', the LMS's unzip may write 'index.html\\0.php'."""
    return _named("index.html\0.php")


def control_name() -> bytes:
    """ESC sequences in a name drive the terminal that shows the report."""
    return _named("\x1b[2J\x1b[31mclean.html")


def newline_name() -> bytes:
    """A newline forges a line of the text report."""
    return _named("a.html\n1 package checked, 0 failed: 0 errors, 0 warnings")


def bidi_name() -> bytes:
    """A right-to-left override shows 'evil\u202egnp.js' as 'eviljs.png'."""
    return _named("evil\u202egnp.js")


def c1_name() -> bytes:
    """U+009B, the one-character CSI: terminals read it as ESC [."""
    return _named("a\u009b2J.html")


def name_mismatch() -> bytes:
    """The directory and the local header disagree about a name (what an LMS's unzip writes
    is not what was checked)."""
    return _entries_zip([{"name": "imsmanifest.xml", "data": MANIFEST},
                         {"name": "evil.php", "central_name": b"index.html", "data": b"x"}])


# ---------------------------------------------------------------------------------------------
# Structure


def overlapping() -> bytes:
    """A member whose data runs over the next member's header and data: the trick of the
    non-recursive zip bomb (Fifield 2019), where every member reuses the same bytes."""
    plain = _entries_zip([{"name": "imsmanifest.xml", "data": MANIFEST},
                          {"name": "a.bin", "data": b"x" * 100},
                          {"name": "b.bin", "data": b"y" * 100}])
    end_of_locals = plain.find(b"PK\x01\x02")
    first = plain.find(b"PK\x03\x04", 4)  # a.bin's local header
    header = 30 + len(b"a.bin")
    span = plain[first + header:end_of_locals]  # a.bin's data, then b.bin's header and data
    data = bytearray(plain)
    crc = zlib.crc32(span)
    struct.pack_into("<III", data, first + 14, crc, len(span), len(span))
    central = plain.find(b"PK\x01\x02" + b"", end_of_locals)
    central = plain.find(b"a.bin", end_of_locals) - 46  # a.bin's directory entry
    struct.pack_into("<III", data, central + 16, crc, len(span), len(span))
    return bytes(data)


def directory_count_lies() -> bytes:
    """The end record declares 65,535 entries: refused before zipfile builds them."""
    return _entries_zip([{"name": "imsmanifest.xml", "data": MANIFEST, "entries": 0xFFFF}])


# ---------------------------------------------------------------------------------------------
# Values that reach the report: what a manifest says is quoted in messages.

SCORM_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="O"><organization identifier="O"><title>T</title>
    <item identifier="{item}" identifierref="R"><title>T</title></item>
  </organization></organizations>
  <resources><resource identifier="R" type="webcontent" adlcp:scormtype="sco"
    href="{href}"><file href="index.html"/></resource></resources>
</manifest>"""


def forged_line() -> bytes:
    """An identifier holding a newline, an ESC and a right-to-left override (character
    references: the XML is well-formed) that a text report would print as its own line."""
    item = ("I&#10;dist/ok.zip: SCORM 1.2, 1 file&#10;1 package checked, 0 failed: 0 "
            "errors, 0 warnings&#x202e;")
    manifest = SCORM_MANIFEST.format(item=item, href="index.html")
    return _zip([("imsmanifest.xml", manifest.encode()), ("index.html", b"<html/>")])


def long_value() -> bytes:
    """A 1 MB href: the message that quotes it must stay short."""
    manifest = SCORM_MANIFEST.format(item="I", href="a" * 1_000_000 + ".html")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:  # stored: no zip bomb
        zf.writestr("imsmanifest.xml", manifest)
        zf.writestr("index.html", b"<html/>")
    return buffer.getvalue()


CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "traversal.zip": (traversal, "zip-path-traversal"),
    "absolute.zip": (absolute, "zip-absolute-path"),
    "symlink.zip": (symlink, "zip-symlink"),
    "encrypted.zip": (encrypted, "zip-encrypted"),
    "duplicate.zip": (duplicate, "zip-duplicate-member"),
    "bomb.zip": (bomb, "zip-bomb"),
    "bad-name-encoding.zip": (bad_name_encoding, "zip-bad-name"),
    "xxe.zip": (xxe, "xml-entity"),
    "billion-laughs.zip": (billion_laughs, "xml-entity"),
    "nested-manifest.zip": (nested_manifest, "manifest-not-at-root"),
    "many-members.zip": (many_members, "zip-too-many-members"),
    "size-exceeds-header.zip": (size_exceeds_header, "zip-size-mismatch"),
    "zip64-huge.zip": (zip64_huge, "zip-too-large"),
    "deep.zip": (deep_xml, "xml-too-deep"),
    "parameter-entities.zip": (parameter_entities, "xml-entity"),
    "corrupt.zip": (corrupt, "zip-corrupt"),
    # encodings
    "utf16-entity.zip": (utf16_entity, "xml-entity"),
    "utf16-xxe.zip": (utf16_xxe, "xml-entity"),
    "utf16be-billion-laughs.zip": (utf16be_billion_laughs, "xml-entity"),
    "utf16-parameter-entity.zip": (utf16_parameter_entity, "xml-entity"),
    "utf16-item-xxe.zip": (utf16_item_xxe, "xml-entity"),
    "internal-subset.zip": (internal_subset, "xml-internal-dtd"),
    "utf32-manifest.zip": (utf32_manifest, "xml-encoding"),
    "utf7-manifest.zip": (utf7_manifest, "xml-encoding"),
    "ebcdic-manifest.zip": (ebcdic_manifest, "xml-encoding"),
    "utf16-deep.zip": (utf16_deep, "xml-too-deep"),
    "many-nodes.zip": (many_nodes, "xml-too-large"),
    # names
    "nul-name.zip": (nul_name, "zip-bad-name"),
    "control-name.zip": (control_name, "zip-bad-name"),
    "newline-name.zip": (newline_name, "zip-bad-name"),
    "bidi-name.zip": (bidi_name, "zip-bad-name"),
    "c1-name.zip": (c1_name, "zip-bad-name"),
    "name-mismatch.zip": (name_mismatch, "zip-corrupt"),
    # structure
    "overlapping.zip": (overlapping, "zip-bomb"),
    "directory-count-lies.zip": (directory_count_lies, "zip-too-many-members"),
    # values quoted in reports
    "forged-line.zip": (forged_line, "id-invalid"),
    "long-value.zip": (long_value, "href-missing"),
}
MESSAGES: dict[str, str] = {
    "traversal.zip": "member '../../evil.txt' climbs out with '..'",
    "absolute.zip": "member '/etc/cron.d/evil' has an absolute path",
    "symlink.zip": "member 'link' is a symbolic link",
    "encrypted.zip": "member 'imsmanifest.xml' is encrypted",
    "duplicate.zip": "member 'imsmanifest.xml' appears twice",
    "bomb.zip": "member 'zeros.bin' expands 1028 times (limit 200)",
    "bad-name-encoding.zip": "a member name is not valid UTF-8 although the zip says it is",
    "xxe.zip": "declares XML entities",
    "billion-laughs.zip": "declares XML entities",
    "nested-manifest.zip": "course/imsmanifest.xml is not at the root of the package",
    "many-members.zip": "51 members (the limit is 20)",
    "size-exceeds-header.zip": "member 'payload.bin' does not match its header",
    "zip64-huge.zip": "member 'huge.bin' declares 1024 GiB; a package may expand to at most "
                      "2 GiB in all",
    "deep.zip": "Excessive depth in document: 256",
    "parameter-entities.zip": "declares XML entities (body, inner;",
    "corrupt.zip": "the zip file is damaged",
    "utf16-entity.zip": "declares XML entities (x;",
    "utf16-xxe.zip": "declares XML entities (x;",
    "utf16be-billion-laughs.zip": "declares XML entities",
    "utf16-parameter-entity.zip": "declares XML entities (p, i;",
    "utf16-item-xxe.zip": "declares XML entities",
    "internal-subset.zip": "has a DTD internal subset",
    "utf32-manifest.zip": "is encoded in UTF-32, which scormkit does not read",
    "utf7-manifest.zip": "is encoded in UTF-7, which scormkit does not read",
    "ebcdic-manifest.zip": "is encoded in EBCDIC, which scormkit does not read",
    "utf16-deep.zip": "Excessive depth in document: 256",
    "many-nodes.zip": "with up to 2,200,018 nodes; scormkit parses documents of at most",
    "nul-name.zip": "member name 'index.html\\x00.php' holds a NUL byte",
    "control-name.zip": "member name '\\x1b[2J\\x1b[31mclean.html' holds the control "
                        "character U+001B",
    "newline-name.zip": "member name 'a.html\\x0a1 package checked",
    "bidi-name.zip": "member name 'evil\\u202egnp.js' holds the bidirectional control U+202E",
    "c1-name.zip": "member name 'a\\x9b2J.html' holds the control character U+009B",
    "name-mismatch.zip": "File name in directory 'index.html' and header b'evil.php' differ",
    "overlapping.zip": "member 'a.bin' overlaps the next member",
    "directory-count-lies.zip": "65535 members (the limit is 10000)",
    "forged-line.zip": "identifier 'I\ndist/ok.zip",
    "long-value.zip": "resource href 'aaaa",
    "fifo-folder": "'pipe.xml' is not a regular file (a FIFO)",
    "socket-folder": "'sock.html' is not a regular file (a socket)",
    "device-folder": "'zero.bin' is not a regular file (a device)",
    "link-to-device-folder": "'zero.bin' is a symbolic link",
    "control-names-folder": "member name '\\x1b[31mred.html' holds the control character",
    "xml-heavy.zip": "XML documents hold more than 128 MiB",
}
"""A fragment of the message of each case's diagnostic (as the library returns it; reports
escape it further)."""
LOWERED_LIMITS: dict[str, dict[str, int]] = {"many-members.zip": {"MAX_MEMBERS": 20}}
"""Corpus entries that exceed a limit only once the test lowers it (names in
scormkit.validation.members)."""


# ---------------------------------------------------------------------------------------------
# Cases that are not the bytes of a small zip: folders holding special files, packages that
# expand to hundreds of MiB (built at *path*; expected code, or None when the package must be
# read to the end: it is accepted, streamed, within the memory bound).


def fifo_folder(path: Path) -> None:
    """A FIFO: reading it would wait for a writer for ever."""
    path.mkdir()
    (path / "imsmanifest.xml").write_bytes(MANIFEST)
    os.mkfifo(path / "pipe.xml")


def socket_folder(path: Path) -> None:
    path.mkdir()
    (path / "imsmanifest.xml").write_bytes(MANIFEST)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path / "sock.html"))
    finally:
        server.close()


def device_folder(path: Path) -> None:
    """A character device (/dev/zero's numbers): reading it never ends. Creating one needs
    CAP_MKNOD; without it, PermissionError (the caller skips the case)."""
    path.mkdir()
    (path / "imsmanifest.xml").write_bytes(MANIFEST)
    os.mknod(path / "zero.bin", 0o600 | stat.S_IFCHR, os.makedev(1, 5))


def link_to_device_folder(path: Path) -> None:
    path.mkdir()
    (path / "imsmanifest.xml").write_bytes(MANIFEST)
    os.symlink("/dev/zero", path / "zero.bin")


def control_names_folder(path: Path) -> None:
    """File names a folder can hold and a zip should not: a newline, ESC, bytes that are
    not UTF-8."""
    path.mkdir()
    (path / "imsmanifest.xml").write_bytes(MANIFEST)
    (path / "a\nb.html").write_bytes(b"x")
    (path / "\x1b[31mred.html").write_bytes(b"x")
    os.close(os.open(os.fsencode(path) + b"/caf\xe9.html", os.O_CREAT | os.O_WRONLY, 0o644))


def _deflated_members(count: int, size: int, ratio_zeros: float, suffix: str) -> bytes:
    """*count* members of *size* bytes, mostly zeros (about 150 times smaller deflated):
    compressed once, written *count* times by hand."""
    block = bytearray(size)
    rnd = random.Random(12)
    for at in range(0, size, int(1 / (1 - ratio_zeros))):
        block[at] = rnd.randrange(1, 256)
    data = bytes(block)
    packed = zlib.compressobj(6, zlib.DEFLATED, -15)
    compressed = packed.compress(data) + packed.flush()
    crc = zlib.crc32(data)
    local, central = bytearray(), bytearray()
    names = ["imsmanifest.xml", *(f"m{n}{suffix}" for n in range(count))]
    for n, name in enumerate(names):
        body, method, plain = (MANIFEST, 0, MANIFEST) if n == 0 else (compressed, 8, data)
        raw = name.encode()
        offset = len(local)
        check = zlib.crc32(plain) if n == 0 else crc
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, check,
                             len(body), len(plain), len(raw), 0) + raw + body
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21,
                               check, len(body), len(plain), len(raw), 0, 0, 0, 0, 0,
                               offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), len(central),
                      len(local), 0)
    return bytes(local + central + end)


def expanding_zip(path: Path) -> None:
    """The issue's case: an 8 MB zip whose 60 members expand to 480 MiB (each 150 times,
    under the bomb ratio). It used to take 674 MiB of memory."""
    path.write_bytes(_deflated_members(60, 8 * 2**20, 0.996, ".bin"))


def big_member_zip(path: Path) -> None:
    """One member of 300 MiB (a video, say): streamed, not refused, not held in memory."""
    path.write_bytes(_deflated_members(1, 300 * 2**20, 0.996, ".mp4"))


def xml_heavy_zip(path: Path) -> None:
    """60 XML documents of 4.4 MB each, 1.2 million nodes each: parsed one at a time until
    the package's XML budget (128 MiB) is spent, the rest reported."""
    rnd = random.Random(7)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", MANIFEST)
        body = b"<a>" + b"".join(b"<b x='%d'>t</b>" % rnd.getrandbits(30)
                                 for _ in range(200_000)) + b"</a>"
        for n in range(60):
            zf.writestr(f"data/m{n}.xml", body, compresslevel=1)
    path.write_bytes(buffer.getvalue())


EXTRA: dict[str, tuple[Callable[[Path], None], str | None]] = {
    "fifo-folder": (fifo_folder, "zip-special-file"),
    "socket-folder": (socket_folder, "zip-special-file"),
    "device-folder": (device_folder, "zip-special-file"),
    "link-to-device-folder": (link_to_device_folder, "zip-symlink"),
    "control-names-folder": (control_names_folder, "zip-bad-name"),
    "expanding.zip": (expanding_zip, None),
    "big-member.zip": (big_member_zip, None),
    "xml-heavy.zip": (xml_heavy_zip, "xml-too-large"),
}


def write_corpus(folder: Path) -> dict[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (builder, code) in CORPUS.items():
        path = folder / name
        path.write_bytes(builder())
        written[path] = code
    return written


if __name__ == "__main__":
    for path, code in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")).items():
        print(f"{path}  -> {code}")
