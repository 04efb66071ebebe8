"""How a target grades, where it departs from the documented semantics: `Rules`, the value the
registry (scormkit/formats.py) pairs with each type x target cell, and `DOCUMENTED`, the
documented rules themselves. `scormkit.grading` applies them.

Kept apart from scormkit.grading, which needs the quiz model, so that the registry can name
rules without importing the model (``scormkit --version`` does not load it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rules:
    """How a target grades, where it departs from the documented semantics (the default).

    Each field names one departure an LMS is known to make; the registry pairs a type x
    target cell with the rules the LMS applies, and the tests hold the LMS to them.
    """

    partial: bool | None = None
    """None: the question's own ``partial`` setting; True: partial credit always (Canvas
    and Moodle grade multiple response, matching and several blanks part by part)."""
    penalty: bool = True
    """Partial credit for multiple response subtracts 1/C per wrong choice ticked; False:
    wrong choices cost nothing (Moodle's reading of a Common Cartridge)."""
    case_sensitive: bool | None = None
    """None: the question's ``case`` setting; False: case always ignored (Canvas)."""
    spaces: str = "collapse"
    """How white space in a typed answer is compared: ``collapse`` (the documented rule: the
    ends trimmed, inner runs one space), ``trim`` (only the ends: Canvas and Moodle) or
    ``exact`` (as typed: QTI's string comparison)."""
    ordering: str = "sequence"
    """``sequence``: all or nothing on the whole order; ``positions``: each item's position
    is a part (the matching fallback of Canvas, Moodle and Common Cartridge)."""
    numbers_as_text: bool = False
    """Numeric answers are compared as text, as the source writes them (``11`` but not
    ``11.0``), and a question with a tolerance or a range is graded by a person (Common
    Cartridge has no numeric question)."""
    human: bool = False
    """A person grades this question in the LMS (points None: not automatic)."""

    @property
    def native(self) -> bool:
        return self == DOCUMENTED

    def describe(self) -> str:
        """How the LMS's grading differs from the documented rules, in words ("" if not)."""
        parts = []
        if self.human:
            parts.append("graded by a person")
        if self.partial:
            parts.append("credit part by part" + ("" if self.penalty else
                                                  ", wrong choices cost nothing"))
        if self.case_sensitive is False:
            parts.append("case ignored")
        if self.spaces == "trim":
            parts.append("spaces inside an answer compared as typed")
        elif self.spaces == "exact":
            parts.append("spaces compared as typed, even at the ends")
        if self.ordering == "positions":
            parts.append("credit per right position")
        if self.numbers_as_text:
            parts.append("exact answers compared as text, tolerances and ranges graded by "
                         "a person")
        return "; ".join(parts)


DOCUMENTED = Rules()
"""The documented semantics (docs/quiz-format.md)."""
