"""XML documents of a package: the one safe parser and the one XSD pass.

Every document is parsed by `parse_document`, with DTD loading, entity substitution and
network access off and libxml2's limits on (depth, text nodes, entity amplification), and
only once its encoding, size and node count are known to be safe (sniff_encoding,
count_nodes). What it refuses is decided from what the parser decoded (the document's
DTD, its entities), not from its bytes: a byte search misses a UTF-16 DOCTYPE. A document
that declares entities, or any other internal subset, is dropped. Parsed trees are kept in a
TreeCache bounded by their node count, so that the rules read them without parsing them
again and memory does not grow with the package. The XSD pass then validates each document
against the official XSD of its root namespace (the root document against its kind's
family). libxml2 validates first: it is about a hundred times faster per document than
xmlschema and compiles most schemas faster (0.3 s against 1.6 s for QTI 2.1). A document
libxml2 rejects, or whose schema libxml2 cannot compile, is validated again by xmlschema,
whose messages name the element and the rule broken; so only failures pay for the precise
validator. Both are XSD 1.0 processors, and the writer tests run both on every document we
emit, so a disagreement fails a test.

`build` passes a `KnownValid`: the documents whose exact bytes passed before, against the same
XSDs with the same validators (the per-user cache, scormkit/cache.py), are not validated
again, so a rebuild compiles a schema only for what changed. `scormkit validate` (anyone's
packages) always validates everything.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from scormkit import cache, schemas
from scormkit.errors import Diagnostic, Location, SchemaMissing, failure, printable
from scormkit.formats import PackageKind
from scormkit.validation.members import MAX_READ_BYTES, Members, as_members

MAX_XML_BYTES = MAX_READ_BYTES
"""The largest XML document parsed (64 MiB: a Moodle XML file with embedded images)."""
MAX_XML_NODES = 1_500_000
"""The most markup a document may hold, counted before parsing as '<' + '>' + 2 x '=' (an
upper bound of its elements, attributes and text nodes in the encodings parsed): libxml2
takes up to about 80 bytes a node, so a tree stays under about 120 MiB. scormkit's largest
document, a 2000-question QTI 1.2 quiz, counts 540,000."""
MAX_XML_TOTAL_BYTES = 128 * 2**20
"""XML a package may hold in all: dense markup parses at about 25 MB/s here, so this bounds
the time a package can take (documents beyond it are reported, not checked)."""
TREE_CACHE_NODES = 1_000_000
"""Parsed documents kept for the rules, counted in nodes as above; beyond, the least recently
used are dropped and parsed again when a rule asks."""
MAX_XSD_ERRORS = 20
"""xsd-invalid diagnostics reported per document; the last one says how many more."""
# Encodings a document may be parsed in: ASCII-compatible ones, where '<', '>' and '=' are
# one byte each and never part of another character, and UTF-16 (sniffed separately). The
# first group is what every LMS parser reads: XML 1.0 requires UTF-8 and UTF-16 (section
# 4.3.3), and PHP's xml extension, Moodle's manifest parser (mod/scorm/datamodels/
# scormlib.php, xml_parser_create), reads only UTF-8, UTF-16, US-ASCII and ISO-8859-1.
PORTABLE_ENCODINGS = frozenset({"utf8", "utf16", "usascii", "ascii", "iso88591", "latin1"})
_PARSED_ENCODINGS = PORTABLE_ENCODINGS | {
    *(f"iso8859{n}" for n in range(2, 17)), *(f"windows125{n}" for n in range(9)),
    *(f"cp125{n}" for n in range(9)), "shiftjis", "sjis", "eucjp", "euckr", "gb2312", "gbk",
    "gb18030", "big5", "koi8r", "koi8u", "latin2", "latin9"}
_DECLARATION = re.compile(rb"""^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")
_INTERNAL_SUBSET = re.compile(
    r"""<!DOCTYPE\s+[^\s\[>]+(\s+(SYSTEM|PUBLIC)(\s+("[^"]*"|'[^']*')){1,2})?\s*\[""")


def _key(encoding: str) -> str:
    return re.sub(r"[^a-z0-9]", "", encoding.lower())


def sniff_encoding(data: bytes) -> tuple[str, bool]:
    """(the document's encoding, whether scormkit parses it), from its first bytes as XML 1.0
    Appendix F says, without trusting the parser: a document in an encoding where markup is
    not one byte per character (UTF-32, EBCDIC, UTF-7...) could hide a DOCTYPE or its size
    from any byte-level check, so it is not parsed at all."""
    if data.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<",
                        b"<\x00\x00\x00", b"\x00\x00<\x00", b"\x00<\x00\x00")):
        return "UTF-32", False
    if data.startswith((b"\xfe\xff", b"\xff\xfe", b"<\x00?\x00", b"\x00<\x00?")):
        return "UTF-16", True
    if data.startswith(b"Lo\xa7\x94"):
        return "EBCDIC", False
    match = _DECLARATION.match(data.removeprefix(b"\xef\xbb\xbf")[:1024])
    declared = match.group(1).decode("ascii") if match else "UTF-8"
    return declared, _key(declared) in _PARSED_ENCODINGS


def count_nodes(data: bytes) -> int:
    """An upper bound of the nodes a document in a parsed encoding makes (see MAX_XML_NODES)."""
    return data.count(b"<") + data.count(b">") + 2 * data.count(b"=")


def safe_parser() -> etree.XMLParser:
    """The parser for every document: no entity expansion, no DTD loading, no network,
    libxml2's default limits (depth 256, text nodes of 10 MB, entity amplification)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


class _Prolog:
    """Parser target that stops at the DOCTYPE or the root element, whichever comes first:
    nothing of an internal subset is read."""

    found = False

    def doctype(self, name: str, public: str | None, system: str | None) -> None:
        self.found = True
        raise _Stop

    def start(self, tag: str, attrib: object, nsmap: object = None) -> None:
        raise _Stop

    def close(self) -> None:
        return None


class _Stop(Exception):
    pass


def has_doctype(data: bytes) -> bool:
    """Whether the document declares a DOCTYPE before its root element (libxml2 decodes it,
    whatever its encoding; the internal subset is never read)."""
    target = _Prolog()
    # _Prolog is a parser target (start, doctype, close); types-lxml's ParserTarget
    # protocol does not accept a class that defines only some of them.
    parser = etree.XMLParser(target=target, resolve_entities=False,  # type: ignore[call-overload]
                             no_network=True, load_dtd=False)
    try:
        for start in range(0, len(data), 65536):
            parser.feed(data[start:start + 65536])
        parser.close()
    except (_Stop, etree.XMLSyntaxError):
        pass
    return target.found


def parse_document(name: str, data: bytes, diagnostics: list[Diagnostic], *,
                   manifest: bool = False, nodes: int | None = None) -> etree._Element | None:
    """Root of document *name*, or None with the reason in *diagnostics*.

    Refused, whatever the document's encoding: encodings markup cannot be found in
    byte-wise (``xml-encoding``), documents beyond MAX_XML_BYTES or MAX_XML_NODES
    (``xml-too-large``), entity declarations of any kind (``xml-entity``), any other DTD
    internal subset (``xml-internal-dtd``), malformed XML (``xml-malformed``, ``xml-too-deep``).
    Reported, the document being kept: an encoding LMS parsers may not read
    (``xml-encoding``), a DOCTYPE in the package's manifest (*manifest*, ``manifest-doctype``),
    a DTD named by URL or absolute path (``xml-remote-dtd``) or inside the package
    (``xml-external-dtd``). No DTD is ever loaded and nothing is fetched. *nodes* is
    count_nodes(data) when the caller has it.
    """
    root = _parse(name, data, diagnostics, nodes)
    if root is None:
        return None
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is None:
        return root
    # A DOCTYPE: libxml2 has read its internal subset, if any, under its limits (no DTD
    # loading, no external entities, amplification bounded) into this tree, which is dropped
    # when the subset declares anything.
    entities = [entity.name or "" for entity in dtd.iterentities()]
    if entities:
        diagnostics.append(Diagnostic(
            "xml-entity", "the document declares XML entities "
            f"({printable(', '.join(entities[:5]), 200)}; external entities, parameter "
            "entities and entity bombs are refused): it was not used",
            Location(name, root.sourceline)))
        return None
    text = codecs.decode(data, _python_codec(data), "replace")
    if _INTERNAL_SUBSET.search(text):
        diagnostics.append(Diagnostic(
            "xml-internal-dtd", "the document has a DTD internal subset (element, attribute "
            "or notation declarations): it was not used", Location(name, root.sourceline)))
        return None
    system, public = docinfo.system_url, docinfo.public_id
    if manifest:
        named = f" naming {printable(system or public or '', 200)!s}" if system or public else ""
        diagnostics.append(Diagnostic(
            "manifest-doctype", f"the manifest has a DOCTYPE{named}", Location(name, 1)))
    elif system and _remote(system):
        diagnostics.append(Diagnostic(
            "xml-remote-dtd", f"the document names its DTD by URL or absolute path: "
            f"'{printable(system, 200)}' (never loaded)", Location(name, 1)))
    elif system or public:
        diagnostics.append(Diagnostic(
            "xml-external-dtd", f"the document names an external DTD, "
            f"'{printable(system or public or '', 200)}'; it was not loaded",
            Location(name, 1)))
    return root


def _remote(system: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", system)) or system.startswith(
        ("/", "\\"))


def _python_codec(data: bytes) -> str:
    """Python's codec for a document in a parsed encoding (sniff_encoding)."""
    if data.startswith((b"\xfe\xff", b"\xff\xfe")):
        return "utf-16"
    if data.startswith(b"<\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<"):
        return "utf-16-be"
    try:
        return codecs.lookup(sniff_encoding(data)[0]).name
    except LookupError:
        return "utf-8"


def _parse(name: str, data: bytes, diagnostics: list[Diagnostic], nodes: int | None = None
           ) -> etree._Element | None:
    """The bounded parse shared by parse_document and kind detection: encoding, size and
    well-formedness, no DTD checks."""
    encoding, parsed = sniff_encoding(data)
    if not parsed:
        diagnostics.append(Diagnostic(
            "xml-encoding", f"the document is encoded in {printable(encoding, 40)}, which "
            "scormkit does not read (markup is not one byte per character in it)",
            Location(name), "save it as UTF-8: LMS parsers are required to read only UTF-8 "
            "and UTF-16 (XML 1.0, section 4.3.3)"))
        return None
    if nodes is None and len(data) <= MAX_XML_BYTES:
        nodes = count_nodes(data)
    if len(data) > MAX_XML_BYTES or (nodes or 0) > MAX_XML_NODES:
        diagnostics.append(_too_large(name, len(data), nodes or 0))
        return None
    if _key(encoding) not in PORTABLE_ENCODINGS:
        diagnostics.append(Diagnostic(
            "xml-encoding", f"the document is encoded in {printable(encoding, 40)}, which "
            "Moodle's manifest parser (PHP xml_parse: UTF-8, UTF-16, US-ASCII and ISO-8859-1 "
            "only) cannot read", Location(name)))
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        message = printable(exc.msg or str(exc), 500)
        lowered = message.lower()
        if ("entity" in lowered or "pereference" in lowered) and has_doctype(data):
            diagnostics.append(Diagnostic(
                "xml-entity", f"the document declares XML entities, which were refused "
                f"({message})", Location(name, exc.lineno or None)))
            return None
        code = "xml-too-deep" if "depth" in lowered else "xml-malformed"
        diagnostics.append(Diagnostic(
            code, f"not well-formed XML: {message}", Location(name, exc.lineno or None),
            "every XML document must parse; LMS importers abort on the first syntax error"
            if code == "xml-malformed" else None))
        return None


def local(element: object) -> str:
    """Local name of an element's tag; "" for comments, processing instructions and
    anything else that is not an element. String slicing, not QName: rules call it on
    every element of large documents."""
    tag = getattr(element, "tag", None)
    return tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""


def _too_large(name: str, size: int, nodes: int) -> Diagnostic:
    counted = f" with up to {nodes:,} nodes" if nodes else ""
    return Diagnostic(
        "xml-too-large", f"the document is {size / 2**20:.1f} MiB{counted}; scormkit parses "
        f"documents of at most {MAX_XML_BYTES // 2**20} MiB and {MAX_XML_NODES:,} nodes",
        Location(name), "split it (a question bank into several files, images out of the "
        "XML): LMS importers hold the whole document in memory too")


def lenient_parse(data: bytes) -> etree._Element | None:
    """Root of *data* under the same bounds, a DOCTYPE or not (for kind detection: entities
    are never expanded into the tree's text, so they cannot hide what a manifest says it
    is; the XML pass reports them)."""
    return _parse("", data, [])


class TreeCache:
    """Parsed documents by member name, within TREE_CACHE_NODES (least recently used
    dropped first); a document that could not be parsed is remembered as None."""

    def __init__(self, limit: int = TREE_CACHE_NODES) -> None:
        self._limit = limit
        self._used = 0
        self._trees: OrderedDict[str, tuple[etree._Element | None, int]] = OrderedDict()
        self._pinned: set[str] = set()

    def get(self, name: str) -> tuple[bool, etree._Element | None]:
        """(known, root): known is False when the document must be parsed (again)."""
        entry = self._trees.get(name)
        if entry is None:
            return False, None
        self._trees.move_to_end(name)
        return True, entry[0]

    def reserve(self, nodes: int) -> None:
        """Drop documents until one of *nodes* fits, before it is parsed: two large trees
        are never held at once."""
        for victim in list(self._trees):
            if self._used + nodes <= self._limit:
                break
            if victim not in self._pinned:
                self._used -= self._trees.pop(victim)[1]

    def put(self, name: str, root: etree._Element | None, nodes: int, *,
            pin: bool = False) -> None:
        weight = 0 if root is None else nodes
        old = self._trees.pop(name, None)
        if old is not None:
            self._used -= old[1]
        self._trees[name] = (root, weight)
        self._used += weight
        if pin:
            self._pinned.add(name)
        for victim in list(self._trees):
            if self._used <= self._limit:
                break
            if victim in self._pinned or victim == name:
                continue
            self._used -= self._trees.pop(victim)[1]


# ---------------------------------------------------------------------------------------------
# The XSD pass


def validate_xml(path: str, data: bytes, family: str, *, fast: bool = False
                 ) -> list[Diagnostic]:
    """Parse one document and validate it against the official XSD of *family*.

    The package pipeline always validates with libxml2 first (*fast*); without it, only
    xmlschema runs, which the tests use to check that the two validators agree.
    """
    diagnostics: list[Diagnostic] = []
    root = parse_document(path, data, diagnostics)
    if root is None:
        return diagnostics
    return diagnostics + validate_tree(path, root, family, fast=fast)


def validate_tree(path: str, root: etree._Element, family: str, *, fast: bool = True,
                  nodes: int = 0) -> list[Diagnostic]:
    """Validate a parsed document: libxml2 first (unless not *fast*), xmlschema to explain,
    for documents up to EXPLAIN_NODES (*nodes*, count_nodes() of its source); at most
    MAX_XSD_ERRORS diagnostics."""
    namespace = etree.QName(root).namespace or ""
    if namespace not in schemas.entry_namespaces(family):
        return [Diagnostic(
            "xsd-unknown-root", f"root element {printable(str(root.tag), 200)} is not a {family} "
            "document", Location(path, root.sourceline))]
    label = schemas.family(family).label
    if fast:
        quick = schemas.fast_compiled(family, namespace)
        if quick is not None:
            try:
                if quick.validate(root.getroottree()):
                    return []
            except etree.XMLSchemaValidateError:
                pass  # libxml2 could not decide: xmlschema explains below
            else:
                if nodes > EXPLAIN_NODES:
                    return _capped([Diagnostic(
                        "xsd-invalid", f"not valid against {label}: "
                        f"{printable(error.message, 500)}", Location(path, error.line or None))
                        for error in list(quick.error_log)[:MAX_XSD_ERRORS + 1]])
    diagnostics: list[Diagnostic] = []
    schema = schemas.compiled(family, namespace)
    # xmlschema reads lxml trees (its ElementTree protocol), but elementpath's protocol and
    # types-lxml's stubs disagree on some signatures (find's namespaces mapping).
    for error in schema.iter_errors(root.getroottree(),  # type: ignore[arg-type]
                                    use_location_hints=False):
        reason = error.reason or str(error.message)
        diagnostics.append(Diagnostic(
            "xsd-invalid", f"not valid against {label}: {reason}",
            Location(path, _error_line(error)),
            f"at {error.path}" if getattr(error, "path", None) else None))
        if len(diagnostics) > MAX_XSD_ERRORS:
            break
    return _capped(diagnostics)


EXPLAIN_NODES = 100_000
"""About 2 MiB of markup: larger documents libxml2 rejects are reported with libxml2's
messages (xmlschema, which names the rule broken, takes seconds on them)."""


def _capped(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    if len(diagnostics) <= MAX_XSD_ERRORS:
        return diagnostics
    last = diagnostics[MAX_XSD_ERRORS - 1]
    return diagnostics[:MAX_XSD_ERRORS - 1] + [Diagnostic(
        last.code, f"{last.message} (the first {MAX_XSD_ERRORS} schema errors of this "
        "document are reported; fix them and validate again for the others)",
        last.location, last.hint)]


def _error_line(error: object) -> int | None:
    """Line of the element at fault: for a wrong child, the child rather than its parent."""
    element = getattr(error, "obj", None)
    index = getattr(error, "index", None)
    if isinstance(index, int) and element is not None and hasattr(element, "sourceline"):
        children = [child for child in element if isinstance(child.tag, str)]
        if 0 <= index < len(children):
            element = children[index]
    line = getattr(element, "sourceline", None) or getattr(error, "sourceline", None)
    return line if isinstance(line, int) else None


@dataclass
class XmlPass:
    """What the XML pass found: problems, the documents it parsed, what it validated."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    trees: TreeCache = field(default_factory=TreeCache)
    """Every ``.xml`` member it read: its root (or None when it could not be read safely),
    within the cache's bound; the manifest is always kept."""
    validated: dict[str, str] = field(default_factory=dict)
    """Document -> the schema family it was validated against."""
    nodes: dict[str, int] = field(default_factory=dict)
    """Document -> count_nodes() of its source."""
    parsed_bytes: int = 0
    skipped: list[str] = field(default_factory=list)
    """Documents beyond the package's XML budget, not checked."""


def namespace_families(kind: PackageKind, manifest_namespace: str) -> dict[str, str]:
    """Root namespace -> schema family, preferring the kind's family (SCORM 2004 3rd and 4th
    Edition share the CP namespace; QTI inside a cartridge follows the CC profile)."""
    index: dict[str, str] = {}
    for name, fam in schemas.catalog().items():
        for entry in fam.entries:
            index.setdefault(entry.namespace, name)
    if kind.family:
        for entry in schemas.family(kind.family).entries:
            # A Canvas-flavoured QTI 1.2 package borrows only the CC manifest namespace: its
            # assessments are plain QTI 1.2, not the stricter CC profile of QTI.
            if kind.key != "qti12" or entry.namespace == manifest_namespace:
                index[entry.namespace] = kind.family
    return index


class KnownValid:
    """Documents known to pass their family's XSDs: the per-user cache's digest sets, one
    per family and `schemas.validity_key` (scormkit/cache.py says what is trusted and why).

    A document's digest covers its root namespace and its bytes (the family is the file it
    is kept in). Passes found during a build are added, and written by `save`."""

    def __init__(self) -> None:
        self._sets: dict[str, cache.DigestSet] = {}

    def _set(self, family: str) -> cache.DigestSet:
        found = self._sets.get(family)
        if found is None:
            key = schemas.validity_key(family)
            found = self._sets[family] = cache.DigestSet(
                "validation", f"{family}-{key[:16]}.valid", key)
        return found

    @staticmethod
    def digest(root: etree._Element, data: bytes) -> bytes:
        namespace = (etree.QName(root).namespace or "").encode("utf-8")
        return hashlib.sha256(namespace + b"\0" + data).digest()

    def __contains__(self, item: tuple[str, bytes]) -> bool:
        family, digest = item
        return digest in self._set(family)

    def add(self, family: str, digest: bytes) -> None:
        self._set(family).add((digest,))

    def save(self) -> None:
        for digests in self._sets.values():
            digests.save()


def check_documents(files: Mapping[str, bytes], kind: PackageKind,
                    known: KnownValid | None = None) -> XmlPass:
    """Parse every ``.xml`` member and validate each against the official XSD of its root
    namespace; the kind's root document against the kind's family, whatever its namespace
    says (a SCORM 1.2 manifest in the 2004 namespace is xsd-unknown-root). Documents are
    read one at a time and kept only within the tree cache's bound. Documents in *known*
    are not validated again; those that pass are added to it."""
    members = as_members(files)
    found = XmlPass()
    manifest, family = kind.manifest, kind.family
    manifest_namespace = ""
    if manifest is not None and manifest in members:
        try:
            root = _read(members, manifest, found, pin=True)
        except Exception as exc:
            found.diagnostics += failure(f"reading {manifest}", exc, Location(manifest))
            root = None
            found.trees.put(manifest, None, 0, pin=True)
        if root is not None:
            manifest_namespace = etree.QName(root).namespace or ""
    families = namespace_families(kind, manifest_namespace)
    to_validate: list[tuple[str, str]] = []
    for name in sorted(members):
        if not name.lower().endswith(".xml"):
            continue
        cached, root = found.trees.get(name)
        if not cached:
            try:
                root = _read(members, name, found)
            except Exception as exc:
                found.diagnostics += failure(f"reading {name}", exc, Location(name))
                found.trees.put(name, None, 0)
                continue
        if root is None:
            continue
        if name == manifest and family is None and kind.key not in ("moodlexml", "qti12"):
            # (a qti12 kind without a family is Canvas's flavour: cc-namespace-borrowed)
            found.diagnostics.append(Diagnostic(
                "xsd-not-available", f"no official XSD is installed for {kind.label}; the "
                "manifest was checked for package rules only", Location(name)))
        chosen = family if name == manifest else families.get(etree.QName(root).namespace or "")
        if chosen is not None:
            to_validate.append((name, chosen))
    if found.skipped:
        found.diagnostics.append(Diagnostic(
            "xml-too-large", f"the package's XML documents hold more than "
            f"{MAX_XML_TOTAL_BYTES // 2**20} MiB; {len(found.skipped)} were not checked "
            f"({printable(', '.join(found.skipped[:3]), 300)}"
            f"{', ...' if len(found.skipped) > 3 else ''})", None,
            "split the package: LMS importers read every document too"))
    schemas.require(sorted({chosen for _, chosen in to_validate}))
    for name, chosen in to_validate:
        try:
            cached, root = found.trees.get(name)
            if not cached:
                root = _read(members, name, XmlPass())  # dropped from the cache: parse again
            if root is None:
                continue
            digest = KnownValid.digest(root, members[name]) if known is not None else b""
            if known is None or (chosen, digest) not in known:
                problems = validate_tree(name, root, chosen, nodes=found.nodes.get(name, 0))
                found.diagnostics += problems
                if known is not None and not problems:
                    known.add(chosen, digest)
        except SchemaMissing:
            raise
        except Exception as exc:
            found.diagnostics += failure(f"validating {name} against its XSD", exc,
                                         Location(name))
            continue
        found.validated[name] = chosen
    if known is not None:
        known.save()
    return found


def _read(members: Members, name: str, found: XmlPass, *, pin: bool = False
          ) -> etree._Element | None:
    """Parse member *name* (a document the XML pass checks) into the tree cache, within
    the package's XML budget (MAX_XML_TOTAL_BYTES)."""
    size = members.size(name)
    if size > MAX_XML_BYTES:
        found.diagnostics.append(_too_large(name, size, 0))
        found.trees.put(name, None, 0, pin=pin)
        return None
    if found.parsed_bytes + size > MAX_XML_TOTAL_BYTES and not pin:
        found.skipped.append(name)
        found.trees.put(name, None, 0)
        return None
    found.parsed_bytes += size
    data = members[name]
    nodes = found.nodes[name] = count_nodes(data)
    found.trees.reserve(nodes)
    root = parse_document(name, data, found.diagnostics, manifest=pin, nodes=nodes)
    found.trees.put(name, root, nodes, pin=pin)
    return root
