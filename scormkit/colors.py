"""Colours: parsing the hex notation course.yaml accepts, and WCAG 2 contrast arithmetic.

The formulas are WCAG 2.2's definitions of *relative luminance* and *contrast ratio*
(https://www.w3.org/TR/WCAG22/#dfn-relative-luminance): sRGB channels linearised with the
0.04045 threshold (the IEC 61966-2-1 value; the W3C text's 0.03928 gives the same result for
every 8-bit channel), weighted 0.2126/0.7152/0.0722, ratio (L1 + 0.05) / (L2 + 0.05).
"""

from __future__ import annotations

import re

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

RGB = tuple[int, int, int]


def parse_hex(text: str) -> RGB | None:
    """``#rgb`` or ``#rrggbb`` as an (r, g, b) triple of 0-255, or None."""
    if not isinstance(text, str) or not _HEX.fullmatch(text.strip()):
        return None
    digits = text.strip()[1:]
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (channel / 255 for channel in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """*a* moved *amount* (0..1) of the way to *b*, per sRGB channel, rounded."""
    return (round(a[0] + (b[0] - a[0]) * amount), round(a[1] + (b[1] - a[1]) * amount),
            round(a[2] + (b[2] - a[2]) * amount))


WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


def ratio_text(value: float) -> str:
    """A ratio as contrast checkers show it, rounded down so that 4.499 never reads 4.50."""
    return f"{int(value * 100) / 100:.2f}:1"
