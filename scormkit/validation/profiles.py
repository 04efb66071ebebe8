"""LMS profiles for `scormkit validate --lms NAME`.

A profile adds the rules only that LMS enforces (rules registered with ``lms={NAME}``) and
raises the severity of rules that LMS treats more strictly than the others. It never lowers
a severity nor removes a rule: a package valid for one LMS profile is valid by default too,
less the profile's own rules. Facts and sources: ../shared/reference/lms-rules.md section 3.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scormkit.errors import Severity

if TYPE_CHECKING:
    from scormkit.validation.rules import Rule


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    summary: str
    raises: dict[str, Severity] = field(default_factory=dict)
    """Rule code -> the severity this LMS gives it (never lower than the default)."""

    def severity(self, rule: Rule) -> Severity:
        return self.raises.get(rule.code, rule.severity)

    def added_rules(self) -> list[Rule]:
        from scormkit.validation.rules import registry  # (the CLI reads profiles at start)

        return [r for r in registry().values() if self.name in r.lms]


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("moodle", "Moodle (mod_scorm, Common Cartridge restore, question import)",
            "reads schemaversion literally (anything it does not know is SCORM 1.2), restores "
            "only Common Cartridge 1.0/1.1, ignores most SCORM 2004 sequencing, has no QTI "
            "importer in core, and cmi5 needs a third-party plugin",
            raises={"cc-namespace-borrowed": Severity.ERROR}),
    Profile("canvas", "Canvas (Classic Quizzes QTI import, Common Cartridge, SCORM tool)",
            "reads a package as QTI 2.x only when its manifest says so and converts anything "
            "else as QTI 1.2; plain IMS content packages are accepted; Canvas question types "
            "and points must be valid",
            raises={"canvas-question-type": Severity.ERROR}),
    Profile("blackboard", "Blackboard Learn (QTI package import)",
            "keeps only true/false, multiple choice, multiple answer, single-blank fill in "
            "the blank and essay questions; QTI 1.2 from other tools imports empty"),
    Profile("scormcloud", "SCORM Cloud (Rustici Engine)",
            "treats the SCORM 1.2 LOM description limit (1000 characters) as an error",
            raises={"lom-description-too-long": Severity.ERROR}),
    Profile("openedx", "Open edX (openedx-scorm-xblock)",
            "launches the first resource that has an href, whatever the organization says, "
            "and stores only status, score and progress elements",
            raises={"status-never-set": Severity.ERROR}),
)}


def default_severity(rule: Rule) -> Severity:
    return rule.severity


def profile(name: str | None) -> Profile | None:
    if name is None:
        return None
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown LMS profile '{name}'; known: "
                         f"{', '.join(sorted(PROFILES))}") from None


def severity_for(lms: str | None) -> Callable[[Rule], Severity]:
    """The severity each rule has under the LMS profile *lms* (None: the defaults)."""
    chosen = profile(lms)
    return chosen.severity if chosen is not None else default_severity
