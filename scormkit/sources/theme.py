"""course.yaml ``theme:``: brand and accent colours, logo, fonts, an extra stylesheet and a
template folder, checked and resolved into the page's CSS custom properties.

What a theme may change is the interface docs/theming.md documents (the ``--sk-*``
properties of scormkit/runtime/scormkit.css). The colours are checked here, at build time,
against the backgrounds they are used on, in both colour schemes the page has (WCAG 2 AA,
the pairs tests/e2e/test_runtime_static.py checks for the defaults):

- the brand colour is the colour of links (text on the page, on panels and in callouts:
  4.5:1) and the fill of primary buttons, whose text (white or near-black, whichever reads
  better) needs 4.5:1 on it and on its hover shade;
- the accent colour frames and marks things (a non-text colour: 3:1 on the page and panels).

A colour may be one value (the light scheme's; the dark scheme then gets the lightest-needed
tint of it that passes there, as a theme of any serious site must cover both) or
``{light: ..., dark: ...}``. A failing colour is a located error that gives the ratio found
and the nearest shade of the same hue that passes. The backgrounds are read from the
scormkit.css that ships, so the check cannot drift from the page.

Every file (logo, fonts, stylesheet) must be inside the course folder; nothing is ever
loaded from the network (packages work offline), so the stylesheet may not @import or url()
anything but data: URLs.

LMSs serve a package's files with the MIME type of their extension (Moodle: the table in
lib/classes/filetypes.php, where .css is text/css). A font file is loaded by browsers
whatever type it is served with (X-Content-Type-Options: nosniff applies to scripts and
stylesheets only), so WOFF2, WOFF, TTF and OTF all work where the page's own CSS does.
"""

from __future__ import annotations

import functools
import re
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from scormkit import colors
from scormkit.content import Asset
from scormkit.errors import Diagnostic, Location, shown
from scormkit.model import FontFace, Theme
from scormkit.resources import runtime_dir
from scormkit.sources import files
from scormkit.sources.fields import check_keys, text_field
from scormkit.sources.media import MediaFiles
from scormkit.sources.yamlfile import YamlDoc

THEME_KEYS = ("brand", "accent", "logo", "logo_alt", "fonts", "font", "heading_font",
              "stylesheet", "templates")
FONT_KEYS = ("file", "family", "weight", "style")
SCHEME_KEYS = ("light", "dark")

FONT_FORMATS = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}
"""Font files by extension, with their @font-face format() hint."""
_FONT_MAGIC = {"woff2": (b"wOF2",), "woff": (b"wOFF",),
               "truetype": (b"\x00\x01\x00\x00", b"true"), "opentype": (b"OTTO",)}
_FONT_MEDIA = {"woff2": "font/woff2", "woff": "font/woff", "truetype": "font/ttf",
               "opentype": "font/otf"}
_FAMILY = re.compile(r"[^\x00-\x1f\"'\\;{}<>]+")
_WEIGHT = re.compile(r"(normal|bold|[1-9]00)( [1-9]00)?")

TEXT_CONTRAST = 4.5
"""WCAG 2 AA, 1.4.3: text (links are text)."""
NON_TEXT_CONTRAST = 3.0
"""WCAG 2 AA, 1.4.11: user-interface components and graphical objects."""

LINK_BACKGROUNDS = ("page", "surface", "note-bg", "tip-bg", "warning-bg")
"""Where links (the brand colour as text) are shown: the page, panels, callouts."""
ACCENT_BACKGROUNDS = ("page", "surface")
BUTTON_TEXTS = ("#ffffff", "#10161d")
"""Text on primary buttons: scormkit.css's light and dark schemes' --sk-brand-text."""
_BACKGROUND_NAMES = {"page": "the page background", "surface": "header and panels",
                     "note-bg": "note callouts", "tip-bg": "tip callouts",
                     "warning-bg": "warning callouts"}
_RESERVED_FOLDER = "scormkit"
"""Where packages keep the runtime: a theme file there could replace one of ours."""


@cache
def default_palettes() -> dict[str, dict[str, str]]:
    """The hex colours scormkit.css defines, per scheme (``light``, ``dark``)."""
    css = (runtime_dir() / "scormkit.css").read_text(encoding="utf-8")
    light, rest = css.split("@media (prefers-color-scheme: dark)", 1)
    dark = rest.split("}", 2)[0] + "}"

    def hexes(block: str) -> dict[str, str]:
        return dict(re.findall(r"--sk-([a-z-]+):\s*(#[0-9a-fA-F]{6})\b", block))

    return {"light": hexes(light), "dark": {**hexes(light), **hexes(dark)}}


def read_theme(doc: YamlDoc, root: Path, errors: list[Diagnostic], media: MediaFiles
               ) -> Theme | None:
    """course.yaml's ``theme:`` mapping, checked; None without one (or when it is not a
    mapping, recorded)."""
    value = doc.data.get("theme")
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append(Diagnostic(
            "bad-value", "'theme' must be a mapping", doc.loc("theme"),
            "indent its keys under it, e.g. '  brand: \"#0a58a8\"'"))
        return None
    check_keys(doc, value, ("theme",), THEME_KEYS, (), errors)
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    brand = _scheme_colours(doc, value, "brand", errors)
    if brand:
        _brand(doc, brand, light, dark, errors)
    accent = _scheme_colours(doc, value, "accent", errors)
    if accent:
        _accent(doc, accent, light, dark, errors)
    fonts = _fonts(doc, value, root, errors)
    body = _families(doc, value, "font", errors) or (
        tuple(dict.fromkeys(font.family for font in fonts))[:1])
    heading = _families(doc, value, "heading_font", errors)
    logo = None
    if "logo" in value:
        relpath = _course_path(doc, value, "logo", errors)
        if relpath is not None:
            logo = media.get(relpath, str(value["logo"]), doc.loc("theme", "logo"),
                             "course.yaml", errors)
    logo_alt = "" if value.get("logo_alt") == "" else (  # "": decorative, said explicitly
        text_field(doc, value, "logo_alt", ("theme",), errors, max_length=200) or "")
    return Theme(
        light=tuple(light.items()), dark=tuple(dark.items()), source=doc.loc("theme"),
        fonts=fonts, font_body=body, font_heading=heading, logo=logo, logo_alt=logo_alt,
        stylesheet=_stylesheet(doc, value, root, errors),
        templates=_templates(doc, value, root, errors),
    )


# ---------------------------------------------------------------------------------------------
# Colours

def _scheme_colours(doc: YamlDoc, theme: dict[str, Any], key: str,
                    errors: list[Diagnostic]) -> dict[str, tuple[colors.RGB, Location]]:
    """``key: "#hex"`` or ``key: {light: "#hex", dark: "#hex"}`` as {scheme: (colour, where)}."""
    if key not in theme:
        return {}
    value = theme[key]
    if isinstance(value, dict):
        check_keys(doc, value, ("theme", key), SCHEME_KEYS, (), errors)
        found = {}
        for scheme in SCHEME_KEYS:
            if scheme in value:
                rgb = _colour(doc, value[scheme], (key, scheme), errors)
                if rgb is not None:
                    found[scheme] = (rgb, doc.loc("theme", key, scheme))
        if "light" not in value and "dark" in value:
            errors.append(Diagnostic(
                "bad-value", f"'{key}' gives a dark colour but no light one",
                doc.loc("theme", key), f"add '{key}: {{light: \"#...\", dark: ...}}': the "
                "light scheme is the one most learners see"))
            return {}
        return found
    rgb = _colour(doc, value, (key,), errors)
    return {"light": (rgb, doc.loc("theme", key))} if rgb is not None else {}


def _colour(doc: YamlDoc, value: object, at: tuple[str, ...],
            errors: list[Diagnostic]) -> colors.RGB | None:
    name = ".".join(("theme", *at))
    where = doc.loc("theme", *at)
    if value is None:
        errors.append(Diagnostic(
            "bad-colour", f"'{name}' is empty", where,
            "in YAML, # starts a comment: quote the colour, e.g. brand: \"#0a58a8\""))
        return None
    rgb = colors.parse_hex(value) if isinstance(value, str) else None
    if rgb is None:
        errors.append(Diagnostic(
            "bad-colour", f"'{name}' is {shown(value)}, not a colour scormkit reads", where,
            "write a hex colour in quotes, e.g. \"#0a58a8\" (or \"#05a\")"))
    return rgb


def _brand(doc: YamlDoc, brand: dict[str, tuple[colors.RGB, Location]],
           light: dict[str, str], dark: dict[str, str], errors: list[Diagnostic]) -> None:
    palettes = default_palettes()
    for scheme, out in (("light", light), ("dark", dark)):
        given = brand.get(scheme)
        palette = {name: colors.parse_hex(value) for name, value in palettes[scheme].items()}
        backgrounds = [(name, palette[name]) for name in LINK_BACKGROUNDS]
        check = functools.partial(_brand_problem, backgrounds=backgrounds)
        if given is None:  # the dark scheme of a one-colour brand: a tint that passes
            rgb = _nearest(brand["light"][0], colors.WHITE, check)
        else:
            rgb, where = given
            problem = check(rgb)
            if problem is not None:
                ratio, against, needed = problem
                towards = colors.BLACK if scheme == "light" else colors.WHITE
                better = _nearest(rgb, towards, check)
                key = "brand" if len(brand) == 1 and scheme == "light" else f"brand.{scheme}"
                errors.append(Diagnostic(
                    "theme-contrast",
                    f"theme {key} {colors.to_hex(rgb)} has a contrast of "
                    f"{colors.ratio_text(ratio)} against {against} ({scheme} scheme); "
                    f"{needed} need at least {TEXT_CONTRAST}:1 (WCAG 2 AA)", where,
                    f"use a {'darker' if scheme == 'light' else 'lighter'} shade, e.g. "
                    f"\"{colors.to_hex(better)}\" (the nearest of this hue that passes)"))
                continue
        text = _button_text(rgb)
        hover = colors.mix(rgb, colors.BLACK if text == BUTTON_TEXTS[0] else colors.WHITE, 0.2)
        out.update({"brand": colors.to_hex(rgb), "brand-text": text,
                    "brand-hover": colors.to_hex(hover)})


def _button_text(rgb: colors.RGB) -> str:
    return max(BUTTON_TEXTS, key=lambda text: colors.contrast(rgb, colors.parse_hex(text)
                                                               or colors.WHITE))


def _brand_problem(rgb: colors.RGB, backgrounds: list[tuple[str, colors.RGB | None]]
                   ) -> tuple[float, str, str] | None:
    """The worst pair below AA for *rgb* as the brand colour: (ratio, against what, what
    needs it), or None when every pair passes."""
    worst: tuple[float, str, str] | None = None
    for name, background in backgrounds:
        if background is None:
            continue
        ratio = colors.contrast(rgb, background)
        if ratio < TEXT_CONTRAST and (worst is None or ratio < worst[0]):
            worst = (ratio, f"{_BACKGROUND_NAMES[name]} {colors.to_hex(background)}", "links")
    if worst is not None:
        return worst
    text = colors.parse_hex(_button_text(rgb)) or colors.WHITE
    ratio = colors.contrast(rgb, text)
    if ratio < TEXT_CONTRAST:
        return ratio, f"its button text {colors.to_hex(text)}", "button labels"
    return None


def _accent(doc: YamlDoc, accent: dict[str, tuple[colors.RGB, Location]],
            light: dict[str, str], dark: dict[str, str], errors: list[Diagnostic]) -> None:
    palettes = default_palettes()
    for scheme, out in (("light", light), ("dark", dark)):
        backgrounds = [(name, colors.parse_hex(palettes[scheme][name]))
                       for name in ACCENT_BACKGROUNDS]

        def problem(rgb: colors.RGB, backgrounds: list[tuple[str, colors.RGB | None]]
                    = backgrounds) -> tuple[float, str] | None:
            found = [(colors.contrast(rgb, bg), f"{_BACKGROUND_NAMES[name]} "
                      f"{colors.to_hex(bg)}") for name, bg in backgrounds if bg is not None]
            worst = min(found)
            return worst if worst[0] < NON_TEXT_CONTRAST else None

        given = accent.get(scheme)
        if given is None:
            rgb = _nearest(accent["light"][0], colors.WHITE, problem)
        else:
            rgb, where = given
            failed = problem(rgb)
            if failed is not None:
                towards = colors.BLACK if scheme == "light" else colors.WHITE
                key = "accent" if len(accent) == 1 and scheme == "light" else f"accent.{scheme}"
                errors.append(Diagnostic(
                    "theme-contrast",
                    f"theme {key} {colors.to_hex(rgb)} has a contrast of "
                    f"{colors.ratio_text(failed[0])} against {failed[1]} ({scheme} scheme); "
                    f"frames and markers need at least {NON_TEXT_CONTRAST:.0f}:1 (WCAG 2 AA)",
                    where,
                    f"use a {'darker' if scheme == 'light' else 'lighter'} shade, e.g. "
                    f"\"{colors.to_hex(_nearest(rgb, towards, problem))}\" (the nearest of "
                    "this hue that passes)"))
                continue
        out["accent"] = colors.to_hex(rgb)


def _nearest(rgb: colors.RGB, towards: colors.RGB, problem: Any) -> colors.RGB:
    """*rgb* moved towards *towards* (black or white) by the least whole percent that makes
    *problem* None; *towards* itself at worst (white and black pass every pair above)."""
    for step in range(101):
        candidate = colors.mix(rgb, towards, step / 100)
        if problem(candidate) is None:
            return candidate
    return towards


# ---------------------------------------------------------------------------------------------
# Files

def _course_path(doc: YamlDoc, mapping: dict[str, Any], key: str, errors: list[Diagnostic],
                 at: tuple[Any, ...] = ("theme",)) -> str | None:
    """A path in the course folder (relative to course.yaml, '/', no '..'), or None."""
    value = mapping.get(key)
    where = doc.loc(*at, key)
    if not isinstance(value, str) or not value.strip():
        errors.append(Diagnostic("bad-value", f"'{key}' must be a path in the course folder",
                                 where, f"write it as '{key}: folder/name', relative to "
                                 "course.yaml"))
        return None
    rel = PurePosixPath(value.strip())
    if (rel.is_absolute() or ".." in rel.parts or "\\" in value or ":" in value
            or any(ord(char) < 32 for char in value)):
        errors.append(Diagnostic(
            "path-outside-course", f"{key} {shown(value)} is not a path inside the course "
            "folder", where, "give the path relative to course.yaml, with '/' and without "
            "'..'; files are copied into the package, never loaded from the internet"))
        return None
    if rel.parts and rel.parts[0] == _RESERVED_FOLDER:
        errors.append(Diagnostic(
            "reserved-path", f"{key} {shown(value)} is in the folder packages keep "
            "scormkit's own files in", where, f"move it out of {_RESERVED_FOLDER}/ "
            "(e.g. to theme/)"))
        return None
    return rel.as_posix()


def _read(root: Path, relpath: str, what: str, where: Location, errors: list[Diagnostic],
          limit: int = files.MAX_MEDIA_BYTES) -> tuple[Path, bytes] | None:
    real_root = files.course_root(root)
    try:
        real = files.locate(real_root, relpath, what)
        return real, files.read_file(real_root, relpath, what, limit)
    except files.Refusal as refusal:
        hint = refusal.hint
        if refusal.code == "file-missing" and "link" not in refusal.message:
            hint = f"create {shown(relpath, quote=False)} or fix the path (it is relative " \
                   "to course.yaml)"
        errors.append(Diagnostic(refusal.code, refusal.message, where, hint))
        return None


def _fonts(doc: YamlDoc, theme: dict[str, Any], root: Path, errors: list[Diagnostic]
           ) -> tuple[FontFace, ...]:
    value = theme.get("fonts")
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(Diagnostic(
            "bad-value", "'fonts' must be a list of font files", doc.loc("theme", "fonts"),
            "write one '- file: fonts/Name.woff2' entry (with 'family:') per file"))
        return ()
    found: list[FontFace] = []
    for index, item in enumerate(value):
        at = ("theme", "fonts", index)
        if not isinstance(item, dict):
            errors.append(Diagnostic(
                "bad-value", "a font entry must be a mapping", doc.loc(*at),
                "write it as '- file: fonts/Name.woff2' with 'family: Name' under it"))
            continue
        check_keys(doc, item, at, FONT_KEYS, ("file", "family"), errors)
        family = _family(doc, item.get("family"), (*at, "family"), errors) \
            if "family" in item else None
        weight = str(item.get("weight", "400")).strip()
        if not _WEIGHT.fullmatch(weight):
            errors.append(Diagnostic(
                "bad-value", f"font weight {shown(item.get('weight'))} is not a CSS "
                "font-weight", doc.loc(*at, "weight"),
                "use 100 to 900 in hundreds (400 is regular, 700 bold), or a range such as "
                "'100 900' for a variable font"))
        style = str(item.get("style", "normal")).strip()
        if style not in ("normal", "italic"):
            errors.append(Diagnostic(
                "bad-value", f"font style {shown(item.get('style'))} is not normal or italic",
                doc.loc(*at, "style"), "use 'style: normal' or 'style: italic'"))
        if "file" not in item:
            continue
        relpath = _course_path(doc, item, "file", errors, at)
        if relpath is None or family is None:
            continue
        where = doc.loc(*at, "file")
        fmt = FONT_FORMATS.get(PurePosixPath(relpath).suffix.lower())
        if fmt is None:
            errors.append(Diagnostic(
                "unsupported-font", f"font file {shown(relpath)} is not a format browsers "
                "load", where, "use a .woff2 file (the smallest; every current browser), or "
                ".woff, .ttf or .otf; convert other formats with a font tool"))
            continue
        read = _read(root, relpath, f"font file {shown(relpath)}", where, errors)
        if read is None:
            continue
        real, data = read
        if not data.startswith(_FONT_MAGIC[fmt]):
            errors.append(Diagnostic(
                "font-type-mismatch", f"font file {shown(relpath)} is named as {fmt} but "
                "does not hold a font of that format", where,
                "use the file the font's distribution provides for that extension, or give "
                "the file the extension of its format"))
            continue
        if style in ("normal", "italic") and _WEIGHT.fullmatch(weight):
            found.append(FontFace(family, weight, style, fmt,
                                  Asset(real, relpath, _FONT_MEDIA[fmt], data, where)))
    return tuple(found)


def _family(doc: YamlDoc, value: object, at: tuple[Any, ...], errors: list[Diagnostic]
            ) -> str | None:
    text = " ".join(str(value).split()) if isinstance(value, str | int | float) else ""
    if not text or not _FAMILY.fullmatch(text):
        errors.append(Diagnostic(
            "bad-value", f"{shown(value)} is not a font family name", doc.loc(*at),
            "write the family's name as its font tool shows it, e.g. Source Sans 3 "
            "(no quotes, ';', braces or backslashes)"))
        return None
    return text


def _families(doc: YamlDoc, theme: dict[str, Any], key: str, errors: list[Diagnostic]
              ) -> tuple[str, ...]:
    """``font: Name`` or a list of names, in order of preference."""
    if key not in theme:
        return ()
    value = theme[key]
    items = value if isinstance(value, list) else [value]
    names = []
    for index, item in enumerate(items):
        at = ("theme", key, index) if isinstance(value, list) else ("theme", key)
        family = _family(doc, item, at, errors)
        if family is not None:
            names.append(family)
    return tuple(names)


_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import\b", re.I | re.S)


def _stylesheet(doc: YamlDoc, theme: dict[str, Any], root: Path, errors: list[Diagnostic]
                ) -> Asset | None:
    if "stylesheet" not in theme:
        return None
    relpath = _course_path(doc, theme, "stylesheet", errors)
    if relpath is None:
        return None
    where = doc.loc("theme", "stylesheet")
    if PurePosixPath(relpath).suffix.lower() != ".css":
        errors.append(Diagnostic("bad-value", f"stylesheet {shown(relpath)} is not a .css file",
                                 where, "name a CSS file, e.g. theme/extra.css"))
        return None
    read = _read(root, relpath, f"stylesheet {shown(relpath)}", where, errors,
                 files.MAX_TEXT_BYTES)
    if read is None:
        return None
    real, data = read
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(Diagnostic(
            "not-utf8", "the stylesheet is not UTF-8 text",
            Location(_shown_path(root, relpath), data[:exc.start].count(b"\n") + 1),
            "save the file as UTF-8"))
        return None
    failed = False
    for match in _CSS_URL.finditer(_without_comments(text)):
        if match.group(0).lower().startswith("url(") and \
                match.group(2).strip().lower().startswith("data:"):
            continue
        failed = True
        line = text.count("\n", 0, match.start()) + 1
        errors.append(Diagnostic(
            "stylesheet-reference", f"the stylesheet loads {shown(match.group(0))}: "
            "packages copy only the files course.yaml names, and work offline",
            Location(_shown_path(root, relpath), line),
            "declare fonts under theme: fonts: (they get their @font-face), show the logo "
            "with theme: logo:, and keep other images in the lessons"))
    if failed:
        return None
    return Asset(real, relpath, "text/css", data, where)


def _without_comments(text: str) -> str:
    """*text* with CSS comments blanked out, offsets (and so line numbers) kept."""
    return re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)


def _shown_path(root: Path, relpath: str) -> str:
    from scormkit.paths import display_path

    return display_path(root / relpath)


def _templates(doc: YamlDoc, theme: dict[str, Any], root: Path, errors: list[Diagnostic]
               ) -> Path | None:
    if "templates" not in theme:
        return None
    relpath = _course_path(doc, theme, "templates", errors)
    if relpath is None:
        return None
    real_root = files.course_root(root)
    folder = (real_root / relpath).resolve()
    if not folder.is_dir() or not folder.is_relative_to(real_root):
        errors.append(Diagnostic(
            "file-missing", f"template folder {shown(relpath)} is not a folder inside the "
            "course", doc.loc("theme", "templates"),
            "create it and put your versions of scormkit's templates in it, named as in "
            "scormkit's templates/ (e.g. _shared/page.html.j2); see docs/theming.md"))
        return None
    return folder
