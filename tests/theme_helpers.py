"""A themed course for the theme tests: the `scormkit init` starter with its theme: block
replaced, and a tiny real font made with fontTools (no font file in the repository)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from scormkit import scaffold


def make_font(flavor: str | None = None, family: str = "Scormkit Test") -> bytes:
    """A valid TrueType font (or WOFF with *flavor* "woff") with one glyph, 'A'."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    names = [".notdef", "A"]
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x41: "A"})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((500, 700))
        pen.lineTo((900, 0))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    if flavor:
        builder.font.flavor = flavor
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def themed_course(folder: Path, theme: str, files: dict[str, bytes | str] | None = None
                  ) -> Path:
    """The starter course in *folder* with *theme* (YAML lines, indented under theme:) as
    its theme block, and *files* added."""
    scaffold.create(folder)
    course = folder / "course.yaml"
    text = course.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^theme:\n.*\Z", "theme:\n" + theme, text)
    course.write_text(text, encoding="utf-8")
    for relpath, data in (files or {}).items():
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    return folder


def line_of(folder: Path, needle: str, name: str = "course.yaml") -> int:
    """The 1-based line of the first line of *name* containing *needle*."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


FULL_THEME = """\
  brand: "#5b2a86"
  accent: {light: "#0b6b5e", dark: "#5fd3bd"}
  logo: media/logo.svg
  logo_alt: ""
  fonts:
    - file: fonts/Test-Regular.woff
      family: Scormkit Test
    - file: fonts/Test-Bold.ttf
      family: Scormkit Test
      weight: 700
  font: Scormkit Test
  heading_font: [Scormkit Test, serif]
  stylesheet: theme/extra.css
"""
EXTRA_CSS = "/* the author's rules */\n.sk-course-title { letter-spacing: 0.01em; }\n"


def full_theme_course(folder: Path) -> Path:
    return themed_course(folder, FULL_THEME, {
        "fonts/Test-Regular.woff": make_font("woff"),
        "fonts/Test-Bold.ttf": make_font(),
        "theme/extra.css": EXTRA_CSS,
    })
