"""IMS content-packaging structures the manifest templates render (SCORM 1.2/2004, CC)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Sequencing:
    """The few IMS Simple Sequencing patterns scormkit emits (SCORM 2004 4th Edition)."""

    control_mode: bool = False
    """choice + flow navigation among the children."""
    delivery: bool = False
    """deliveryControls: the SCO sets completion and success itself."""
    primary_objective: str | None = None
    min_measure: float | None = None
    """Satisfied by measure: cmi.score.scaled >= this (the quiz's mastery)."""
    writes_global: str | None = None
    reads_global: str | None = None
    disabled_unless: str | None = None
    """Precondition: disabled until the objective *reads_global* is satisfied."""
    satisfied_when_children_completed: bool = False


@dataclass
class Item:
    identifier: str
    resource: str | None
    title: str
    mastery_score: int | None = None
    children: list[Item] = field(default_factory=list)
    sequencing: Sequencing | None = None
    hide_lms_ui: list[str] = field(default_factory=list)


@dataclass
class Resource:
    identifier: str
    scormtype: str
    href: str | None
    files: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


LayoutParts = tuple[dict[str, bytes], list[Item], list[Resource]]
"""A SCORM layout (single SCO or one per lesson): its pages (path -> bytes), the
organization's items and the manifest's resources."""
