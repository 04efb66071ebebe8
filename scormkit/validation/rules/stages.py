"""Codes reported by the stages that read the whole package once (validation/pipeline.py)."""

from __future__ import annotations

from scormkit.validation.rules import CMI5, ERROR, MANIFEST_KINDS, SCORM, WARNING, declare

_REPACK = "rebuild the package with a standard zip tool; scormkit refuses unsafe archives"

# Safe zip reading (scormkit/archive.py): the package is refused, nothing else is checked.
for _code, _summary in (
    ("zip-path-traversal", "a member name climbs out of the package with '..' (zip slip)"),
    ("zip-absolute-path", "a member name is an absolute path (/… or C:…)"),
    ("zip-bad-name", "a member name (as stored, before any cut) holds a NUL, a control "
                     "character, a bidirectional override or '\\', or is not valid in its "
                     "declared encoding"),
    ("zip-symlink", "a member is a symbolic link"),
    ("zip-encrypted", "a member is encrypted"),
    ("zip-duplicate-member", "two members have the same name"),
    ("zip-bomb", "a member expands more than 200 times its compressed size"),
    ("zip-too-large", "the package expands beyond 2 GiB in all, as declared"),
    ("zip-too-many-members", "more than 10,000 members, or a zip directory over 16 MiB"),
    ("zip-special-file", "a member of an unpacked folder is not a regular file that can be "
                         "read (FIFO, device, socket, no permission)"),
    ("zip-size-mismatch", "a member's data does not match its header (size or CRC)"),
    ("zip-corrupt", "the zip structure is damaged"),
):
    declare(_code, ERROR, _summary, stage="archive", hint=_REPACK, source="issue 5, hostile input")

# Kind detection (scormkit/validation/detect.py).
declare("manifest-missing", ERROR, "no imsmanifest.xml, cmi5.xml or Moodle XML file at the "
        "root", stage="detect", source="lms-rules 3.1, 3.5 P1, 3.7",
        hint="every SCORM, Common Cartridge, QTI and cmi5 package needs one at its root")
declare("manifest-not-at-root", ERROR, "the manifest is inside a folder (a zipped folder)",
        stage="detect", source="lms-rules 3.1 badimsmanifestlocation, 3.5 P1",
        hint="zip the folder's contents, not the folder")

# XML documents: well-formedness, hostile constructs, official XSDs.
declare("xml-malformed", ERROR, "an XML document is not well-formed", stage="xml",
        source="lms-rules 3.1, 3.5 P2",
        hint="every XML document must parse; LMS importers abort on the first syntax error")
declare("xml-entity", ERROR, "an XML document declares entities (general or parameter): "
        "external entities, entity bombs", stage="xml", source="issue 5, hostile input",
        hint="remove the DOCTYPE: e-learning documents never need entities")
declare("xml-too-deep", ERROR, "an XML document nests elements deeper than 256 levels",
        stage="xml", source="issue 5, hostile input",
        hint="no e-learning document needs that depth: the file is broken or hostile")
declare("xml-internal-dtd", ERROR, "an XML document has a DTD internal subset (element, "
        "attribute or notation declarations)", stage="xml", source="issue 12, hostile input",
        hint="remove the DOCTYPE: parsers that read it (Java's and .NET's by default) apply "
             "its attribute defaults, so LMSs would not read the document scormkit checked")
declare("xml-external-dtd", WARNING, "an XML document other than the manifest names a DTD "
        "inside the package (never loaded)", stage="xml", source="issue 5, hostile input",
        hint="remove the <!DOCTYPE ... SYSTEM ...> line: XSDs define these documents, and "
             "parsers that load DTDs apply the DTD's attribute defaults")
declare("xml-remote-dtd", ERROR, "an XML document names its DTD by URL or absolute path",
        stage="xml", source="issue 12, hostile input",
        hint="remove the <!DOCTYPE ... SYSTEM ...> line: importers that load DTDs (Java's "
             "and .NET's parsers by default) fetch it while importing, so the import fails "
             "offline or behind a firewall and the remote file can change what the document "
             "says; hardened importers refuse any DOCTYPE")
declare("manifest-doctype", ERROR, "the package's manifest (imsmanifest.xml, cmi5.xml, the "
        "Moodle XML file) has a DOCTYPE", stage="xml", source="issue 12, hostile input",
        hint="remove the DOCTYPE: IMS CP, SCORM, cmi5 and Moodle XML define the manifest "
             "without one; every LMS parses the manifest first, with its own parser, and "
             "those that load DTDs fetch it or apply its defaults while those hardened "
             "against XXE refuse the document")
declare("xml-encoding", ERROR, "an XML document is in an encoding other than UTF-8, UTF-16, "
        "US-ASCII or ISO-8859-1 (those in which markup is not one byte a character are "
        "not read at all)", stage="xml",
        source="XML 1.0 section 4.3.3; Moodle mod/scorm/datamodels/scormlib.php "
               "(xml_parser_create: PHP's xml extension reads UTF-8, UTF-16, US-ASCII and "
               "ISO-8859-1)",
        hint="save it as UTF-8")
declare("xml-too-large", ERROR, "an XML document is larger than 64 MiB or holds more than "
        "2,000,000 nodes (not parsed)", stage="xml", source="issue 12, hostile input",
        hint="split it: LMS importers hold the whole document in memory too")
declare("xsd-invalid", ERROR, "an XML document is not valid against its official XSD",
        stage="xml", source="lms-rules 3.2, 3.5 P2, 3.7",
        hint="fix the element or attribute named; LMSs that validate (Moodle's cartridge "
             "restore, SCORM Cloud) refuse the package")
declare("xsd-unknown-root", ERROR, "a document's root element is not one its schema family "
        "defines", stage="xml", source="lms-rules 3.5 P2, 3.5 P11",
        hint="the manifest's namespace must match its version (SCORM 1.2: imscp_rootv1p1p2; "
             "SCORM 2004: imscp_v1p1)")
declare("xsd-not-available", WARNING, "no official XSD is installed for this kind of "
        "manifest: it was checked for package rules only", stage="xml",
        kinds=MANIFEST_KINDS | CMI5, source="schemas/catalog.toml",
        hint="check it in the target LMS too: scormkit has no official XSD for this version "
             "(SCORM 2004 2nd Edition, Common Cartridge 1.0 and 1.2)")

# Content packaging (scormkit/validation/packaging.py).
for _code, _severity, _summary, _source, _hint in (
    ("id-invalid", ERROR, "an identifier is not a valid xs:ID (NCName)", "lms-rules 3.5 P5",
     "identifiers start with a letter or '_' and contain no spaces or ':'"),
    ("id-duplicate", ERROR, "an identifier is used twice", "lms-rules 3.5 P5",
     "give every manifest, organization, item and resource its own identifier"),
    ("default-org-missing", ERROR, "organizations/@default names no organization",
     "lms-rules 3.5 P5", "set it to the identifier of an <organization>"),
    ("identifierref-missing", ERROR, "an item or dependency refers to a missing resource",
     "lms-rules 3.1 invalidmanifestresource, 3.5 P5",
     "point identifierref at the identifier of a <resource>"),
    ("href-outside", ERROR, "an href is absolute or climbs out of the package",
     "lms-rules 3.5 P8", "use a relative path inside the package"),
    ("href-missing", ERROR, "a resource href names a file that is not in the package",
     "lms-rules 3.5 P7", "add the file or fix the path"),
    ("file-missing", ERROR, "a <file> entry names a file that is not in the package",
     "lms-rules 3.5 P7", "add the file or remove the <file> entry"),
    ("file-unlisted", WARNING, "a member is listed in no resource", "lms-rules 3.5 P7",
     "list it as a <file> of the resource that uses it, or remove it"),
):
    declare(_code, _severity, _summary, stage="package", kinds=MANIFEST_KINDS, source=_source,
            hint=_hint)

# Runtime check (`--runtime`, scormkit/validation/runtime_check.py).
declare("runtime-no-initialize", ERROR, "the SCO never called LMSInitialize/Initialize "
        "(or the LMS API refused it)", stage="runtime", kinds=SCORM,
        source="lms-rules 3.5 runtime failures, 3.6",
        hint="find the API by walking window.parent (then opener) and call "
             "LMSInitialize(\"\") / Initialize(\"\") when the page loads")
declare("runtime-no-status", WARNING, "the SCO initialized but set no status before it was "
        "unloaded", stage="runtime", kinds=SCORM, source="lms-rules 3.5, 3.6",
        hint="set cmi.core.lesson_status (1.2) or cmi.completion_status (2004) at least to "
             "'incomplete' when the SCO starts; a status set only after learner actions "
             "cannot be seen by this check")
declare("runtime-no-finish", ERROR, "the SCO did not call LMSFinish/Terminate when it was "
        "unloaded", stage="runtime", kinds=SCORM, source="lms-rules 3.5, 3.6",
        hint="call LMSFinish(\"\") / Terminate(\"\") from pagehide or beforeunload: without "
             "it LMSs may drop the session's data")
declare("runtime-api-error", ERROR, "a call to the LMS API failed (error code, call order, "
        "wrong API version)", stage="runtime", kinds=SCORM, source="lms-rules 3.6")
declare("runtime-network", ERROR, "the content tried to reach something other than the "
        "package's own server: another host, another port of 127.0.0.1 (the request was "
        "refused)", stage="runtime", kinds=SCORM,
        source="scormkit packages work offline; LMSs may sandbox content; issue 12",
        hint="ship fonts, scripts and media inside the package: learners behind firewalls or "
             "offline LMS players get a broken page, and a package must not talk to services "
             "on the learner's machine")
declare("runtime-hang", ERROR, "the SCO's page stopped responding (an endless loop?) and was "
        "stopped", stage="runtime", kinds=SCORM, source="issue 12",
        hint="a SCO that never yields freezes the LMS's window with it (the LMS page and the "
             "SCO share one thread): find the loop that never ends")
declare("runtime-dialog", ERROR, "the SCO opened an alert, confirm, prompt or "
        "leave-page dialog", stage="runtime", kinds=SCORM, source="issue 12",
        hint="show messages in the page: a dialog blocks the LMS's window until the learner "
             "answers it, and LMS players that sandbox content never show it")
declare("runtime-top-navigation", ERROR, "the SCO navigated the LMS's own window (top)",
        stage="runtime", kinds=SCORM, source="issue 12; lms-rules 3.6 (content runs in a "
        "frame of the LMS)",
        hint="navigate within the SCO's own frame: replacing the top window unloads the LMS, "
             "so the session's data is lost")
declare("runtime-script-error", WARNING, "an uncaught exception in the SCO's scripts (from "
        "script load on)", stage="runtime", kinds=SCORM, source="issue 12",
        hint="fix the script: when the exception stops tracking, runtime-no-initialize, "
             "-no-status or -no-finish say so too")
declare("runtime-crash", ERROR, "the SCO's page crashed (its renderer ran out of memory or "
        "failed)", stage="runtime", kinds=SCORM, source="issue 12",
        hint="a SCO that allocates without end takes the LMS's window down with it")
declare("runtime-time-limit", WARNING, "the runtime check reached its time limit before "
        "launching every SCO", stage="runtime", kinds=SCORM, source="issue 12",
        hint="the check stops after 300 s so that CI jobs end; the SCOs not launched were "
             "not checked")
declare("runtime-skipped", WARNING, "--runtime was asked for but Chromium or scorm-again is "
        "not available", stage="runtime", kinds=SCORM,
        hint="install Chromium with the system's package manager (or set SCORMKIT_CHROMIUM) "
             "and run `scormkit runtime install` for scorm-again (or set "
             "SCORMKIT_SCORM_AGAIN)")

# A failure of scormkit itself (scormkit/validation/pipeline.py).
declare("internal-error", ERROR, "scormkit failed while checking the package (a bug): the "
        "stage, document or rule that failed is named, every other check still ran",
        stage="pipeline", source="issue 12 (one failing package must not empty the report)",
        hint="please report it with the package")
