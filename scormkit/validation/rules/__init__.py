"""The rules of `scormkit validate` and `build`: one registry of rule objects, each with a
stable code.

A :class:`Rule` has a code (kebab-case, stable: CI configurations key on it), a default
severity, a one-line summary, a fix hint, the package kinds it applies to, the LMS profiles
it belongs to (empty: every run) and a check function. A check receives a :class:`Context`
(the package's members, its kind, the parsed manifest) and yields :class:`Finding` objects;
the engine turns them into diagnostics with the rule's code and the severity the LMS
profile gives it.

Some codes are not found by a check of their own but by a stage that reads the whole
package once: the safe zip reader (``zip-*``), kind detection (``manifest-*``), the XML
pass (``xml-*``, ``xsd-*``, scormkit/validation/xml.py), the content-packaging pass
(scormkit/validation/packaging.py) and the runtime check (``runtime-*``). They are
registered too, with the stage that reports them, so that every code can be listed,
documented and given a severity in one place.

Rule modules register themselves on import; :func:`registry` imports them all.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from scormkit.errors import Diagnostic, Location, Severity, failure
from scormkit.formats import KINDS, MANIFEST, PackageKind, Standard, kinds_of
from scormkit.validation.members import Members
from scormkit.validation.xml import MAX_XML_BYTES, TreeCache, count_nodes, parse_document
from scormkit.validation.xml import local as local  # re-exported: the checks' toolkit

ERROR = Severity.ERROR
WARNING = Severity.WARNING

# Kind groups a rule can apply to, from the registry of kinds (scormkit/formats.py).
SCORM12 = kinds_of(Standard.SCORM12)
SCORM2004 = kinds_of(Standard.SCORM2004)
SCORM = SCORM12 | SCORM2004
CC = kinds_of(Standard.CC)
QTI = kinds_of(Standard.QTI)
CMI5 = kinds_of(Standard.CMI5)
MOODLEXML = kinds_of(Standard.MOODLEXML)
MANIFEST_KINDS = frozenset(k.key for k in KINDS.values() if k.manifest == MANIFEST)
ALL_KINDS = frozenset(KINDS)

STAGES = ("archive", "detect", "xml", "package", "check", "runtime", "pipeline")


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check found; the engine adds the rule's code and severity."""

    message: str
    location: Location | None = None
    hint: str | None = None
    """Overrides the rule's hint when the fix depends on what was found."""


Check = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    hint: str | None = None
    kinds: frozenset[str] | None = None
    """Kinds of package the rule applies to; None: any package (stage rules)."""
    lms: frozenset[str] = frozenset()
    """LMS profiles that add this rule; empty: the rule runs on every validation."""
    check: Check | None = None
    stage: str = "check"
    """Where the code is found: a stage of the pipeline, or ``check`` (its own function)."""
    source: str = ""
    """Where the rule comes from (lms-rules.md section, specification)."""

    def applies(self, kind: PackageKind | None, lms: str | None) -> bool:
        if self.lms and lms not in self.lms:
            return False
        return self.kinds is None or (kind is not None and kind.key in self.kinds)


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in _RULES:
        raise ValueError(f"rule code {rule.code} registered twice")
    if rule.stage not in STAGES:
        raise ValueError(f"unknown stage {rule.stage} for {rule.code}")
    _RULES[rule.code] = rule
    return rule


def declare(code: str, severity: Severity, summary: str, *, stage: str,
            hint: str | None = None, kinds: Iterable[str] | None = None,
            source: str = "") -> Rule:
    """Register a code reported by a pipeline stage rather than by a check of its own."""
    return register(Rule(code, severity, summary, hint,
                         frozenset(kinds) if kinds is not None else None,
                         stage=stage, source=source))


def rule(code: str, severity: Severity, summary: str, *, hint: str | None = None,
         kinds: Iterable[str] | None = None, lms: Iterable[str] = (),
         source: str = "") -> Callable[[Check], Check]:
    """Decorator registering *check* as the rule *code*."""

    def wrap(check: Check) -> Check:
        register(Rule(code, severity, summary, hint,
                      frozenset(kinds) if kinds is not None else None,
                      frozenset(lms), check, "check", source))
        return check

    return wrap


RULE_MODULES = ("stages", "packaging", "scorm", "cc", "qti", "cmi5", "moodlexml", "lms")
"""Modules whose import registers rules, in the order rules are listed and run."""


def registry() -> dict[str, Rule]:
    """Every rule, by code: module by module in RULE_MODULES order, then as registered."""
    for name in RULE_MODULES:
        importlib.import_module(f"scormkit.validation.rules.{name}")

    def order(item: tuple[str, Rule]) -> int:
        module = item[1].check.__module__ if item[1].check else "scormkit.validation.rules.stages"
        return RULE_MODULES.index(module.rsplit(".", 1)[-1])

    return dict(sorted(_RULES.items(), key=order))


# ---------------------------------------------------------------------------------------------
# What checks see


@dataclass
class Context:
    """A package as the checks see it: members, kind, and parsed documents (cached)."""

    files: Members
    """Read on demand (scormkit/validation/members.py): test membership freely, read a
    member whole only when it must be parsed (``files.head`` and ``files.chunks`` for
    the others)."""
    kind: PackageKind
    lms: str | None = None
    trees: TreeCache = field(default_factory=TreeCache, repr=False)
    """The documents the XML pass parsed (bounded), shared so that checks do not parse
    them again."""
    cache: dict[str, object] = field(default_factory=dict, repr=False)
    """For checks that share an expensive walk (e.g. every QTI item's metadata)."""

    def xml(self, name: str) -> etree._Element | None:
        """Root of member *name* parsed safely, or None when absent, too large, malformed or
        hostile (the XML pass reports those)."""
        known, root = self.trees.get(name)
        if known:
            return root
        if name not in self.files or self.files.size(name) > MAX_XML_BYTES:
            root, nodes = None, 0
        else:
            data = self.files[name]
            nodes = count_nodes(data)
            self.trees.reserve(nodes)
            root = parse_document("", data, [], nodes=nodes)
        self.trees.put(name, root, nodes)
        return root

    @cached_property
    def parsed_manifest(self) -> etree._Element | None:
        """The root document (the kind's manifest), or None when it did not parse."""
        return self.xml(self.kind.manifest) if self.kind.manifest else None

    @property
    def manifest(self) -> etree._Element:
        """The root document, for checks: `run_checks` runs them only when it parsed."""
        root = self.parsed_manifest
        if root is None:
            raise LookupError(f"{self.kind.manifest} did not parse: no check can run")
        return root

    @cached_property
    def ns(self) -> str:
        root = self.parsed_manifest
        return (etree.QName(root).namespace or "") if root is not None else ""

    def q(self, name: str) -> str:
        """Clark name of *name* in the manifest's namespace."""
        return f"{{{self.ns}}}{name}" if self.ns else name

    @property
    def manifest_name(self) -> str:
        """Member name of the root document (detection names it for every kind, the Moodle
        XML file included)."""
        return self.kind.manifest or ""

    def at(self, element: etree._Element, path: str | None = None) -> Location:
        return Location(path or self.manifest_name, element.sourceline)

    @cached_property
    def resources(self) -> dict[str, etree._Element]:
        root = self.parsed_manifest
        if root is None:
            return {}
        return {r.get("identifier", ""): r for r in root.iter(self.q("resource"))}

    @cached_property
    def default_organization(self) -> etree._Element | None:
        root = self.parsed_manifest
        if root is None:
            return None
        organizations = root.find(self.q("organizations"))
        if organizations is None:
            return None
        orgs = organizations.findall(self.q("organization"))
        wanted = organizations.get("default")
        return next((o for o in orgs if o.get("identifier") == wanted), orgs[0] if orgs else None)

    def resource_file(self, resource: etree._Element) -> str | None:
        """The member a resource launches: xml:base + href, else its first <file>."""
        base = resource.get("{http://www.w3.org/XML/1998/namespace}base") or ""
        href = resource.get("href")
        if href:
            return base + href.split("?", 1)[0].split("#", 1)[0]
        first = resource.find(self.q("file"))
        return base + first.get("href", "") if first is not None else None

    def is_folder(self, name: str) -> bool:
        prefix = name.rstrip("/") + "/"
        return any(member.startswith(prefix) for member in self.files)


def run_checks(context: Context, rules: Iterable[Rule],
               severity: Callable[[Rule], Severity]) -> Iterator[Diagnostic]:
    """Run the check of every applicable rule on a package whose root document parsed; a
    rule that fails is reported (internal-error) and the others still run."""
    try:
        if context.parsed_manifest is None:
            return
    except Exception as exc:
        yield from failure("reading the package's manifest", exc)
        return
    for current in rules:
        if current.check is None or not current.applies(context.kind, context.lms):
            continue
        level = severity(current)
        found: list[Diagnostic] = []
        try:
            for finding in current.check(context):
                found.append(Diagnostic(current.code, finding.message, finding.location,
                                        finding.hint or current.hint, level))
        except Exception as exc:
            found += failure(f"checking the rule {current.code}", exc)
        yield from found


def finish(diagnostics: Iterable[Diagnostic], kind: PackageKind | None, lms: str | None,
           severity: Callable[[Rule], Severity]) -> Iterator[Diagnostic]:
    """Give diagnostics found by a stage their rule's severity (and hint, when they have
    none); drop those of rules that do not apply to this kind or LMS."""
    rules = registry()
    for diagnostic in diagnostics:
        current = rules.get(diagnostic.code)
        if current is None:
            yield diagnostic
            continue
        if kind is not None and not current.applies(kind, lms):
            continue
        yield dataclasses.replace(diagnostic, severity=severity(current),
                                  hint=diagnostic.hint or current.hint)
