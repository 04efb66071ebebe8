"""Generate the hostile-package corpus used by tests/test_validate.py (nothing binary is
committed: run `python tests/hostile/make_corpus.py OUT_DIR` to see the files).

Each entry: file name -> (builder, expected rule code).
"""

from __future__ import annotations

import io
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
}
LOWERED_LIMITS: dict[str, dict[str, int]] = {"many-members.zip": {"MAX_MEMBERS": 20}}
"""Corpus entries that exceed a limit only once the test lowers it (scormkit.archive names)."""


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
