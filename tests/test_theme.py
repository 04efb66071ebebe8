"""course.yaml theme: contrast arithmetic, located errors, themed packages, template folders.

The browser's side (computed colours, axe) is tests/e2e/test_theme_page.py.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from scormkit import colors
from scormkit.build import build_package
from scormkit.errors import PackageInvalid, SourceError, SourceErrors
from scormkit.sources import load_course
from scormkit.sources.theme import default_palettes
from scormkit.validation import validate_archive

from .theme_helpers import EXTRA_CSS, full_theme_course, line_of, make_font, themed_course

# ---------------------------------------------------------------------------------------------
# WCAG arithmetic, against pairs whose ratios contrast checkers publish (WebAIM, the W3C's
# understanding documents).


@pytest.mark.parametrize(("fg", "bg", "shown"), [
    ("#000000", "#ffffff", "21.00:1"),
    ("#ffffff", "#ffffff", "1.00:1"),
    ("#767676", "#ffffff", "4.54:1"),  # the lightest grey that passes AA on white
    ("#777777", "#ffffff", "4.47:1"),  # one step lighter fails (4.478)
    ("#0000ff", "#ffffff", "8.59:1"),
    ("#ff0000", "#ffffff", "3.99:1"),  # 3.998: shown rounded down, never as 4.00
])
def test_contrast_ratios_of_known_pairs(fg, bg, shown):
    a, b = colors.parse_hex(fg), colors.parse_hex(bg)
    assert colors.ratio_text(colors.contrast(a, b)) == shown
    assert colors.contrast(a, b) == colors.contrast(b, a)


def test_hex_parsing():
    assert colors.parse_hex("#05a") == (0, 0x55, 0xaa)
    assert colors.parse_hex(" #0A58A8 ") == (10, 88, 168)
    for bad in ("blue", "#12345", "0a58a8", "#ggg", "rgb(1,2,3)", ""):
        assert colors.parse_hex(bad) is None


def test_the_checked_backgrounds_are_the_shipped_stylesheet_s():
    light, dark = default_palettes()["light"], default_palettes()["dark"]
    assert light["page"] == "#ffffff" and light["brand"] == "#0a58a8"
    assert dark["page"] == "#16191d" and dark["brand"] == "#8cc4ff"
    assert dark["note-bg"] != light["note-bg"]


# ---------------------------------------------------------------------------------------------
# Errors: each names course.yaml (or the stylesheet) and the line, and says what to do.


def _errors(folder: Path) -> list:
    with pytest.raises((SourceErrors, SourceError)) as caught:
        load_course(folder)
    return caught.value.diagnostics()


def _one(folder: Path, code: str):
    found = [d for d in _errors(folder) if d.code == code]
    assert len(found) == 1, [d.render() for d in _errors(folder)]
    return found[0]


def test_an_unquoted_colour_is_a_yaml_comment(tmp_path):
    course = themed_course(tmp_path / "c", "  brand: #5b2a86\n")
    error = _one(course, "bad-colour")
    assert error.location.line == line_of(course, "brand:")
    assert error.location.path.endswith("course.yaml")
    assert "'theme.brand' is empty" in error.message
    assert 'quote the colour, e.g. brand: "#0a58a8"' in error.hint


def test_a_colour_name_is_not_read(tmp_path):
    course = themed_course(tmp_path / "c", "  accent: {light: teal}\n")
    error = _one(course, "bad-colour")
    assert error.message == "'theme.accent.light' is 'teal', not a colour scormkit reads"
    assert error.location.line == line_of(course, "accent:")


def test_a_brand_colour_without_contrast_is_refused_with_the_ratio_and_a_shade(tmp_path):
    course = themed_course(tmp_path / "c", '  brand: "#7fb3e6"\n')
    error = _one(course, "theme-contrast")
    # The worst of the backgrounds links are shown on: the note callouts' pale blue.
    ratio = colors.contrast(colors.parse_hex("#7fb3e6"), colors.parse_hex("#eaf2fb"))
    assert error.message == (
        f"theme brand #7fb3e6 has a contrast of {colors.ratio_text(ratio)} against note "
        "callouts #eaf2fb (light scheme); links need at least 4.5:1 (WCAG 2 AA)")
    assert error.location.line == line_of(course, "brand:")
    suggested = re.search(r'e\.g\. "(#[0-9a-f]{6})"', error.hint).group(1)
    # The suggested shade passes when used.
    course.joinpath("course.yaml").write_text(course.joinpath("course.yaml").read_text()
                                              .replace("#7fb3e6", suggested))
    assert load_course(course).theme.light[0] == ("brand", suggested)


def test_a_dark_scheme_colour_is_checked_against_the_dark_backgrounds(tmp_path):
    course = themed_course(tmp_path / "c", '  brand:\n    light: "#5b2a86"\n'
                           '    dark: "#0a58a8"\n')
    error = _one(course, "theme-contrast")
    assert "theme brand.dark #0a58a8" in error.message and "(dark scheme)" in error.message
    assert error.location.line == line_of(course, "dark:")
    assert error.hint.startswith("use a lighter shade")


def test_an_accent_needs_three_to_one(tmp_path):
    course = themed_course(tmp_path / "c", '  accent: "#9fd8c8"\n')
    error = _one(course, "theme-contrast")
    assert "frames and markers need at least 3:1" in error.message


def test_a_light_button_colour_gets_dark_text(tmp_path):
    """A brand light enough for dark text (on white it fails as a link colour, so the dark
    scheme is where it is given) gets scormkit's dark button text, not white."""
    course = themed_course(tmp_path / "c", '  brand: {light: "#5b2a86", dark: "#ffd166"}\n')
    dark = dict(load_course(course).theme.dark)
    assert dark["brand"] == "#ffd166" and dark["brand-text"] == "#10161d"
    assert colors.contrast(colors.parse_hex(dark["brand-text"]),
                           colors.parse_hex(dark["brand-hover"])) >= 4.5


def test_a_one_colour_brand_gets_a_dark_scheme_tint_that_passes(tmp_path):
    theme = load_course(themed_course(tmp_path / "c", '  brand: "#5b2a86"\n')).theme
    dark = colors.parse_hex(dict(theme.dark)["brand"])
    for background in ("page", "surface", "note-bg", "tip-bg", "warning-bg"):
        assert colors.contrast(dark, colors.parse_hex(default_palettes()["dark"][background])
                               ) >= 4.5, background


@pytest.mark.parametrize(("theme", "files", "code", "needle", "says"), [
    ("  logo: media/missing.svg\n", {}, "file-missing", "logo:", "does not exist"),
    ("  logo: ../outside.svg\n", {}, "path-outside-course", "logo:", "not a path inside"),
    ("  logo: scormkit/logo.svg\n", {}, "reserved-path", "logo:", "scormkit's own files"),
    ("  fonts:\n    - file: fonts/a.eot\n      family: A\n", {"fonts/a.eot": b"x"},
     "unsupported-font", "file:", "is not a format browsers load"),
    ("  fonts:\n    - file: fonts/a.woff2\n      family: A\n",
     {"fonts/a.woff2": make_font()}, "font-type-mismatch", "file:", "named as woff2"),
    ("  fonts:\n    - file: fonts/a.ttf\n", {"fonts/a.ttf": make_font()}, "missing-key",
     "- file:", "'family' is missing"),
    ("  fonts:\n    - file: fonts/a.ttf\n      family: A\n      weight: heavy\n",
     {"fonts/a.ttf": make_font()}, "bad-value", "weight:", "not a CSS font-weight"),
    ("  fonts:\n    - file: fonts/gone.woff\n      family: A\n", {}, "file-missing",
     "file:", "does not exist"),
    ("  font: 'Evil\"; } body { color: red'\n", {}, "bad-value", "font:",
     "is not a font family name"),
    ("  brnad: \"#5b2a86\"\n", {}, "unknown-key", "brnad:", "unknown key 'brnad'"),
    ("  templates: overrides\n", {}, "file-missing", "templates:", "is not a folder"),
    ("  stylesheet: theme/extra.txt\n", {"theme/extra.txt": "a{}"}, "bad-value",
     "stylesheet:", "is not a .css file"),
])
def test_bad_theme_values_are_located(tmp_path, theme, files, code, needle, says):
    course = themed_course(tmp_path / "c", theme, files)
    error = _one(course, code)
    assert error.location.path.endswith("course.yaml"), error.render()
    assert error.location.line == line_of(course, needle), error.render()
    assert says in error.message, error.render()
    assert error.hint


def test_a_stylesheet_that_loads_files_is_refused_at_its_lines(tmp_path):
    css = ("/* url(comment.png) is only a comment */\n"
           "@import url('https://fonts.example/x.css');\n"
           "a { color: red; }\n"
           "body { background: url(\"bg.png\"); }\n"
           ".ok { background: url(data:image/png;base64,iVBORw0KGgo=); }\n")
    course = themed_course(tmp_path / "c", "  stylesheet: theme/extra.css\n",
                           {"theme/extra.css": css})
    found = [d for d in _errors(course) if d.code == "stylesheet-reference"]
    assert [(Path(d.location.path).name, d.location.line) for d in found] == [
        ("extra.css", 2), ("extra.css", 2), ("extra.css", 4)]
    assert "work offline" in found[0].message and "theme: fonts:" in found[0].hint


# ---------------------------------------------------------------------------------------------
# Themed packages


WEB = ("scorm12", "scorm2004", "cmi5", "cc11", "cc13")
THEME_FILES = ("scormkit/theme.css", "scormkit/theme/fonts/Test-Regular.woff",
               "scormkit/theme/fonts/Test-Bold.ttf", "scormkit/theme/theme/extra.css",
               "scormkit/theme/media/logo.svg")


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    folder = full_theme_course(tmp_path_factory.mktemp("themed") / "course")
    return folder, load_course(folder)


def _manifest_files(archive: zipfile.ZipFile) -> set[str]:
    root = etree.fromstring(archive.read("imsmanifest.xml"))
    return {f.get("href") for f in root.iter("{*}file")}


@pytest.mark.parametrize("target", WEB)
def test_a_themed_package_ships_and_declares_the_theme_files(themed, tmp_path, target):
    folder, course = themed
    result = build_package(course, target, tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
        assert set(THEME_FILES) <= names
        assert archive.read("scormkit/theme/fonts/Test-Bold.ttf") == (
            folder / "fonts/Test-Bold.ttf").read_bytes()
        if target != "cmi5":  # cmi5.xml lists no files (cmi5 section 13)
            assert set(THEME_FILES) <= _manifest_files(archive)
        css = archive.read("scormkit/theme.css").decode()
        page_name = "index.html" if "index.html" in names else sorted(
            n for n in names if n.startswith("lessons/"))[0]
        page = archive.read(page_name).decode()
    assert "--sk-brand: #5b2a86;" in css and "--sk-brand-text: #ffffff;" in css
    assert '@media (prefers-color-scheme: dark) {\n  :root {\n    --sk-brand: ' in css
    assert "--sk-accent: #5fd3bd;" in css.split("prefers-color-scheme: dark")[1]
    assert ('src: url("theme/fonts/Test-Regular.woff") format("woff");\n'
            "  font-weight: 400;") in css
    assert 'format("truetype");\n  font-weight: 700;' in css
    assert '--sk-font-body: "Scormkit Test", system-ui' in css
    assert '--sk-font-heading: "Scormkit Test", serif, var(--sk-font-body);' in css
    assert "url(" not in css.replace('url("theme/fonts/', "")  # nothing else is loaded
    prefix = "../" if "/" in page_name else ""
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert sheets[0] == f"{prefix}scormkit/scormkit.css"
    assert sheets[-2:] == [f"{prefix}scormkit/theme.css", f"{prefix}scormkit/theme/theme/extra.css"]
    assert f'<img class="sk-logo" src="{prefix}scormkit/theme/media/logo.svg" alt="" />' in page
    assert validate_archive(result.path).diagnostics == []


def test_themed_builds_are_byte_identical(themed, tmp_path):
    _, course = themed
    first = build_package(course, "scorm12", tmp_path / "a").path.read_bytes()
    again = load_course(themed[0])  # read again from the files
    assert build_package(again, "scorm12", tmp_path / "b").path.read_bytes() == first


def test_the_extra_stylesheet_is_copied_as_written(themed, tmp_path):
    _, course = themed
    with zipfile.ZipFile(build_package(course, "scorm2004", tmp_path).path) as archive:
        assert archive.read("scormkit/theme/theme/extra.css").decode() == EXTRA_CSS


def test_quiz_only_targets_ignore_the_page_theme(themed, tmp_path):
    _, course = themed
    with zipfile.ZipFile(build_package(course, "qti21", tmp_path).path) as archive:
        assert not any(n.startswith("scormkit/") for n in archive.namelist())


# ---------------------------------------------------------------------------------------------
# Template folders (mkdocs' custom_dir)

EXTENDS = """{% extends "builtin/_shared/page.html.j2" %}
{% block footer %}
{{ super() }}
<p class="org-note">Published by {{ course.title }} &amp; ACME</p>
{% endblock %}
"""


def test_an_override_extends_the_built_in_page(tmp_path):
    course = themed_course(tmp_path / "c", "  templates: overrides\n",
                           {"overrides/_shared/page.html.j2": EXTENDS})
    result = build_package(load_course(course), "scorm12", tmp_path / "out")
    with zipfile.ZipFile(result.path) as archive:
        page = archive.read("index.html").decode()
    assert '<p class="org-note">Published by C &amp; ACME</p>' in page
    assert page.index('id="scormkit-status"') < page.index("org-note")  # super() kept


def test_an_error_in_an_override_names_its_file_and_line(tmp_path):
    broken = EXTENDS.replace("{{ super() }}", "{{ super() }}\n{{ course.nope( }}")
    course = themed_course(tmp_path / "c", "  templates: overrides\n",
                           {"overrides/_shared/page.html.j2": broken})
    with pytest.raises(SourceError) as caught:
        build_package(load_course(course), "scorm12", tmp_path / "out")
    [error] = caught.value.diagnostics()
    assert error.code == "template-error"
    assert error.location.path.endswith("overrides/_shared/page.html.j2")
    assert error.location.line == 4
    assert 'extends "builtin/_shared/page.html.j2"' in error.hint


def test_an_undefined_variable_in_an_override_is_located(tmp_path):
    course = themed_course(tmp_path / "c", "  templates: overrides\n", {
        "overrides/_shared/page.html.j2": EXTENDS.replace("course.title", "course.subtitle")})
    with pytest.raises(SourceError) as caught:
        build_package(load_course(course), "scorm12", tmp_path / "out")
    [error] = caught.value.diagnostics()
    assert error.location.path.endswith("overrides/_shared/page.html.j2")
    assert error.location.line == 4 and "subtitle" in error.message


def test_an_overridden_manifest_is_validated_like_ours(tmp_path):
    course = themed_course(tmp_path / "c", "  templates: overrides\n", {
        "overrides/scorm12/imsmanifest.xml.j2": '<?xml version="1.0"?>\n<manifest/>\n'})
    with pytest.raises(PackageInvalid):
        build_package(load_course(course), "scorm12", tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.zip"))


def test_every_theme_diagnostic_code_is_documented():
    root = Path(__file__).resolve().parent.parent
    sources = "".join((root / "scormkit" / path).read_text(encoding="utf-8")
                      for path in ("sources/theme.py", "templating.py"))
    codes = set(re.findall(r'(?:Diagnostic|SourceError)\(\s*"([a-z]+(?:-[a-z0-9]+)*)"', sources))
    assert {"theme-contrast", "bad-colour", "template-error", "stylesheet-reference"} <= codes
    documented = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`",
                                (root / "docs" / "theming.md").read_text(encoding="utf-8")))
    assert codes - documented == set()


def test_theme_file_names_with_spaces_are_urls_in_the_page_and_names_in_the_zip(tmp_path):
    course = themed_course(tmp_path / "c", '  logo: "media/our logo #1.svg"\n')
    (course / "media" / "logo.svg").rename(course / "media" / "our logo #1.svg")
    result = build_package(load_course(course), "scorm12", tmp_path / "out")
    with zipfile.ZipFile(result.path) as archive:
        assert "scormkit/theme/media/our logo #1.svg" in archive.namelist()
        assert "scormkit/theme/media/our logo #1.svg" in _manifest_files(archive)
        page = archive.read("index.html").decode()
    assert 'src="scormkit/theme/media/our%20logo%20%231.svg"' in page
    assert validate_archive(result.path).diagnostics == []


def test_the_font_fallbacks_are_scormkit_css_s_stack():
    from scormkit.resources import runtime_dir
    from scormkit.writers import web

    css = (runtime_dir() / "scormkit.css").read_text(encoding="utf-8")
    stack = re.search(r"--sk-font-body:\s*([^;]+);", css).group(1)
    assert " ".join(stack.split()) == web._SYSTEM_FONTS
