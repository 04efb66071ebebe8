"""A themed course in Chromium: the brand colour, fonts and logo apply, in both colour
schemes and at phone width, and axe-core still finds no violation."""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest

from .conftest import Site, require
from .test_learner_pages import AXE, DESKTOP, PHONE, axe, open_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def themed(server: Site, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    """The starter course with a full theme (tests/theme_helpers.py), built for SCORM 1.2
    and unpacked under the test server; -> the page's path and the course's theme."""
    require(AXE.is_file(), "axe-core is missing: run `npm ci`")
    from scormkit.build import build_package
    from scormkit.sources import load_course

    from ..theme_helpers import full_theme_course

    folder = full_theme_course(tmp_path_factory.mktemp("theme-src") / "course")
    course = load_course(folder)
    result = build_package(course, "scorm12", tmp_path_factory.mktemp("theme-build"))
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(server.root / "themed")
    return "/themed/index.html", course.theme


def rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))


STYLES = """() => {
    const style = (selector, property) => {
        const el = document.querySelector(selector);
        return el ? getComputedStyle(el)[property] : null;
    };
    document.querySelectorAll('section.sk-lesson').forEach((s) => s.removeAttribute('hidden'));
    return {
        brand: getComputedStyle(document.documentElement).getPropertyValue('--sk-brand').trim(),
        link: style('.sk-lesson-body a', 'color'),
        start: style('.sk-start', 'backgroundColor'),
        startText: style('.sk-start', 'color'),
        bodyFont: style('body', 'fontFamily'),
        headingFont: style('.sk-lesson-title', 'fontFamily'),
        extra: style('.sk-course-title', 'letterSpacing'),
        logo: (() => { const img = document.querySelector('.sk-logo');
                       return img && {width: img.getBoundingClientRect().width,
                                      natural: img.naturalWidth, alt: img.alt}; })(),
    };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_applies_and_axe_finds_nothing(new_context, server, network, themed,
                                                 scheme) -> None:
    path, theme = themed
    expected = dict(theme.light if scheme == "light" else theme.dark)
    page = new_context(viewport=DESKTOP, color_scheme=scheme).new_page()
    open_page(page, server, path)
    found = page.evaluate(STYLES)
    assert found["brand"] == expected["brand"]
    assert found["link"] == rgb(expected["brand"])
    assert found["start"] == rgb(expected["brand"])
    assert found["startText"] == rgb(expected["brand-text"])
    assert found["bodyFont"].startswith('"Scormkit Test", system-ui')
    assert found["headingFont"].startswith('"Scormkit Test", serif')
    assert found["extra"] != "normal"  # the author's stylesheet, linked after ours
    assert found["logo"]["natural"] > 0 and found["logo"]["width"] > 0
    assert found["logo"]["alt"] == ""
    # Both faces load from the package (the font files we made; no network, no decode error).
    loaded = page.evaluate("""async () => {
        await document.fonts.ready;
        const regular = await document.fonts.load('16px "Scormkit Test"', 'A');
        const bold = await document.fonts.load('bold 16px "Scormkit Test"', 'A');
        return [regular.length, bold.length];
    }""")
    assert loaded == [1, 1]
    violations = axe(page, f"themed, {scheme}")
    assert violations == [], json.dumps(violations, indent=1)
    network.assert_clean()
    assert any(url.endswith("/themed/scormkit/theme/fonts/Test-Regular.woff")
               for url in network.requests)


def test_the_themed_header_at_phone_width(new_context, server, network, themed) -> None:
    page = new_context(viewport=PHONE).new_page()
    open_page(page, server, themed[0])
    geometry = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
        logo: document.querySelector('.sk-logo').getBoundingClientRect().height,
        title: document.querySelector('.sk-course-title').getBoundingClientRect().height,
    })""")
    assert geometry["scroll"] <= geometry["width"]  # no horizontal scrolling
    assert 0 < geometry["logo"] <= geometry["title"]  # the logo sits in the title's line
    page.locator(".sk-menu-toggle").click()
    violations = axe(page, "themed, phone, menu open")
    assert violations == [], json.dumps(violations, indent=1)
    network.assert_clean()
