"""Accessibility and responsiveness smoke tests of the built learner page, in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

READY = "() => window.scormkit && window.scormkit.getState() !== null"


def open_page(page: Any, server: Any, path: str = "/pkg/index.html") -> None:
    page.goto(server.url(path))
    page.wait_for_function(READY)


def active(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                text: el.textContent.trim(), href: el.getAttribute('href'),
                outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                outlineColor: style.outlineColor,
                visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                    && box.top < innerHeight && box.left < innerWidth,
            };
        }"""
    )


def assert_visible_focus(page: Any) -> dict[str, Any]:
    info = active(page)
    assert info["visible"], info
    assert info["outlineStyle"] not in ("none", "hidden"), info
    assert info["outlineWidth"] >= 3, info
    return info


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    def parse(css: str) -> tuple[float, float, float]:
        numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
        assert len(numbers) == 3 or numbers[3] == 1, f"translucent colour {css}"
        return numbers[0], numbers[1], numbers[2]

    lighter, darker = sorted((_luminance(parse(fg)), _luminance(parse(bg))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS = """(selector) => [...document.querySelectorAll(selector)].filter(
    (el) => el.getClientRects().length).slice(0, 3).map((el) => {
        let bg = null;
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            const colour = getComputedStyle(node).backgroundColor;
            if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { bg = colour; break; }
        }
        return {fg: getComputedStyle(el).color, bg: bg || 'rgb(255, 255, 255)',
                text: el.textContent.trim().slice(0, 40)};
    })"""

TEXT_SELECTORS = [
    "body",
    ".sk-course-title",
    ".sk-nav-link",
    ".sk-nav-link[aria-current]",
    ".sk-lesson-title",
    ".sk-objectives-label",
    ".sk-objectives li",
    ".sk-minutes",
    ".sk-lesson-body p",
    ".sk-lesson-body a",
    ".sk-lesson-body th",
    ".sk-lesson-body td",
    ".callout p",
    ".callout-title",
    ".callout a",
    ".sk-button",
    ".sk-progress",
    ".sk-connection",
]


def test_page_structure_and_keyboard(page, server, network) -> None:
    lessons = server.lessons()
    open_page(page, server)

    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").count() == 1
    levels = page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))"
    )
    assert levels[0] == 1
    for previous, level in zip(levels, levels[1:], strict=False):
        assert level <= previous + 1, f"heading level skips from h{previous} to h{level}"
    alts = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt'))")
    assert alts, "the example course has an image"
    assert all(alt and alt.strip() for alt in alts), alts

    # Landmarks.
    assert page.locator("body > header").count() == 1
    assert page.locator("body > header h1").count() == 1
    # Every lesson, then the quiz (the example course has one).
    assert page.locator('nav[aria-label="Lessons"] > ol > li > a').count() == len(lessons) + 1
    assert page.locator('main#content[tabindex="-1"]').count() == 1
    assert page.locator("body > footer [role=status][aria-live=polite]").count() == 1
    for lesson in lessons:
        labelled_by = page.get_attribute(f"section#{lesson}", "aria-labelledby")
        assert page.locator(f"section#{lesson} > h2#{labelled_by}").count() == 1

    # The skip link is the first Tab stop, visible when focused, and moves focus to main.
    page.keyboard.press("Tab")
    info = assert_visible_focus(page)
    assert info["text"] == "Skip to content" and info["href"] == "#content", info
    page.keyboard.press("Enter")
    assert active(page)["id"] == "content"

    # Next Tab stops: the lesson list, each with a visible focus indicator.
    page.keyboard.press("Tab")
    info = assert_visible_focus(page)
    assert "sk-nav-link" in info["cls"] or info["tag"] in ("a", "button"), info
    for _ in range(200):
        page.keyboard.press("Tab")
        info = assert_visible_focus(page)
        if "sk-next" in info["cls"]:
            break
    else:
        raise AssertionError("the Next button is not reachable with Tab")
    page.keyboard.press("Space")
    assert active(page)["id"] == f"{lessons[1]}__title"
    network.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast(new_context, server, network, scheme) -> None:
    page = new_context(color_scheme=scheme).new_page()
    open_page(page, server)
    checked = 0
    for lesson in server.lessons():
        page.evaluate("(id) => window.scormkit.show(id)", lesson)
        for selector in TEXT_SELECTORS:
            for sample in page.evaluate(COLOURS, selector):
                ratio = contrast(sample["fg"], sample["bg"])
                assert ratio >= 4.5, f"{scheme}: {selector} {sample} has contrast {ratio:.2f}"
                checked += 1
    assert checked > 40
    network.assert_clean()


def test_no_horizontal_scroll_at_320px(new_context, server, network) -> None:
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    open_page(page, server)
    for lesson in server.lessons():
        page.evaluate("(id) => window.scormkit.show(id)", lesson)
        sizes = page.evaluate(
            """() => ({scroll: document.documentElement.scrollWidth,
                       client: document.documentElement.clientWidth,
                       body: document.body.scrollWidth,
                       images: [...document.querySelectorAll('section:not([hidden]) img')]
                           .map((img) => img.getBoundingClientRect().right),
                       bareTables: document.querySelectorAll(
                           '.sk-lesson-body table:not(.sk-table-wrap > table)').length})"""
        )
        assert sizes["scroll"] <= sizes["client"], f"{lesson}: page scrolls sideways {sizes}"
        assert sizes["body"] <= sizes["client"], f"{lesson}: {sizes}"
        assert all(right <= 320 for right in sizes["images"]), sizes
        assert sizes["bareTables"] == 0
    # A table that overflows scrolls inside its own wrapper, which keyboard users can focus.
    wrappers = page.eval_on_selector_all(
        "section:not([hidden]) .sk-table-wrap",
        "els => els.map(e => ({over: e.scrollWidth > e.clientWidth, tab: e.tabIndex,"
        " role: e.getAttribute('role'), label: e.getAttribute('aria-label')}))",
    )
    for wrapper in wrappers:
        assert wrapper["role"] == "region" and wrapper["label"]
        if wrapper["over"]:
            assert wrapper["tab"] == 0
    network.assert_clean()


def test_readable_without_javascript(new_context, server, network) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server.url("/pkg/index.html"))
    lessons = server.lessons()
    for lesson in lessons:
        assert page.locator(f"section#{lesson}").is_visible()
        assert page.locator(f"section#{lesson} .sk-lesson-body").inner_text().strip()
    # The buttons only work with the runtime, so they stay hidden without it.
    assert page.locator(".sk-pager").first.is_hidden()
    # Outside the quiz nothing is hidden but what needs the runtime (the pager, the lesson menu
    # button, the progress meter, a check's buttons and its feedback); the quiz cannot be scored
    # without JavaScript, so its questions stay hidden and a notice says why.
    hidden = ("[hidden]:not(.sk-pager):not(.sk-quiz [hidden]):not(.sk-menu-toggle)"
              ":not(.sk-meter):not(.sk-check [hidden])")
    assert page.locator(hidden).count() == 0
    # A check's question is readable (its Check button needs the runtime).
    assert page.locator(".sk-check fieldset").first.is_visible()
    assert page.locator(".sk-check-actions").first.is_hidden()
    assert page.locator(".sk-nav-list").is_visible(), "no menu button: the list is shown"
    assert page.locator(".sk-quiz-nojs").is_visible()
    assert page.locator(".sk-quiz-app").is_hidden()
    network.assert_clean()


def test_print_shows_every_lesson(page, server, network) -> None:
    open_page(page, server)
    page.emulate_media(media="print")
    for lesson in server.lessons():
        assert page.locator(f"section#{lesson}").is_visible(), lesson
    assert page.locator("nav.sk-nav").is_hidden()
    assert page.locator(".sk-skip-link").is_hidden()
    assert page.locator("button:visible").count() == 0
    network.assert_clean()


def test_reduced_motion(new_context, server, network) -> None:
    page = new_context(reduced_motion="reduce").new_page()
    open_page(page, server)
    duration = page.eval_on_selector(
        "section:not([hidden]) .sk-button",
        "el => parseFloat(getComputedStyle(el).transitionDuration)",
    )
    assert duration < 0.001
    network.assert_clean()
