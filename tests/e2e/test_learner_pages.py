"""Every learner page of the example course, in Chromium: axe-core finds no violation, and the
page works at desktop (1280 px) and phone (390 px) widths.

axe-core (Deque's accessibility engine, a pinned npm devDependency in package.json) is read
from node_modules and injected into each page by the test; packages never carry it. It runs
with the WCAG 2.0/2.1/2.2 A and AA rules and axe's best practices, on:

- every HTML page of every package that has pages (every format of scormkit.formats that
  writes any, in every layout it supports: SCORM 1.2 and 2004 and cmi5, one SCO/AU or one per
  lesson, Common Cartridge 1.1 and 1.3), opened without an LMS (what is checked is the page,
  and no LMS changes its markup beyond the status line);
- in the single-SCO page, the cover, every lesson and the quiz (revealed together: the runtime
  shows one at a time and axe skips hidden content); the quiz also once started and once
  submitted; in light and in dark colour scheme;
- the phone layout with the lesson menu open.

One browser (the session's) and one page per package: a page is navigated from one document
to the next rather than opened anew, to keep the run short.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest

from .conftest import COURSE_DIR, ROOT, Site, require

pytestmark = pytest.mark.e2e

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
AXE_RUN = """async (options) => {
    const result = await window.axe.run(document, options);
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
    }));
}"""
READY = "() => window.scormkit && window.scormkit.getState() !== null"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


WEB_TARGETS = ("scorm12", "scorm2004", "cmi5", "cc11", "cc13")
"""The formats whose packages hold learner pages: those that show the quiz as a page
(FormatSpec.questions None) and the cartridges (lessons as web content)."""
REUSED = {("scorm12", False): "pkg", ("scorm12", True): "per-lesson",
          ("scorm2004", False): "s2004", ("scorm2004", True): "s2004-per-lesson"}
"""Packages the e2e session has built already (tests/e2e/conftest.py `site`)."""


@pytest.fixture(scope="module")
def web_packages(server: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every package of the example course that has HTML pages, in every layout, unpacked
    under the test server: name -> its pages (paths under the server root)."""
    require(AXE.is_file(), f"{AXE} is missing: run `npm ci` in {ROOT}")
    from scormkit.build import build_package
    from scormkit.formats import FORMATS, Layout
    from scormkit.sources import load_course
    from scormkit.writers.base import WriterOptions

    assert set(WEB_TARGETS) == {name for name, fmt in FORMATS.items()
                                if fmt.questions is None or name.startswith("cc")}
    course = load_course(COURSE_DIR)
    builds = tmp_path_factory.mktemp("axe-builds")
    packages: dict[str, list[str]] = {}
    for name in WEB_TARGETS:
        for layout in sorted(FORMATS[name].layouts, key=lambda layout: layout.value):
            per_lesson = layout == Layout.SCO_PER_LESSON
            label = f"{name}{'-per-lesson' if per_lesson else ''}"
            folder = server.packages.get(REUSED.get((name, per_lesson), ""))
            if folder is None:
                result = build_package(course, target=name, out_dir=builds / label,
                                       options=WriterOptions(sco_per_lesson=per_lesson))
                folder = server.root / f"axe-{label}"
                with zipfile.ZipFile(result.path) as archive:
                    archive.extractall(folder)
            pages = sorted(p.relative_to(server.root).as_posix() for p in folder.rglob("*.html"))
            assert pages, label
            packages[label] = [f"/{page}" for page in pages]
    return packages


def axe(page: Any, where: str) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, AXE_OPTIONS)
    return [{"where": where, **v} for v in violations]


def open_page(page: Any, server: Site, path: str) -> None:
    page.goto(server.url(path))
    page.wait_for_function(READY)


def single_page_views(page: Any, server: Site, path: str, label: str) -> list[dict[str, Any]]:
    """axe on the single-SCO page: the cover, every lesson and the quiz. The runtime shows
    one section at a time and axe skips hidden content, so every section is revealed for one
    run (the markup is what the learner gets, one section after another)."""
    open_page(page, server, path)
    page.evaluate("""() => document.querySelectorAll('section.sk-lesson').forEach(
        (section) => section.removeAttribute('hidden'))""")
    found = axe(page, f"{label} {path} (every section)")
    # The lessons' checks, answered (the first choice) and checked: feedback shown.
    checks = page.locator(".sk-check")
    assert checks.count() >= 1, "the example course has a check"
    for n in range(checks.count()):
        check = checks.nth(n)
        check.locator("input").first.check()
        check.locator(".sk-check-button").click()
        assert check.locator(".sk-q-feedback").is_visible()
    return found + axe(page, f"{label} {path} (checks checked)")


def quiz_states(page: Any, where: str) -> list[dict[str, Any]]:
    page.wait_for_function("() => window.scormkit.quiz && window.scormkit.quiz.ready")
    start = page.locator(".sk-quiz-start-button")
    if start.is_visible():
        start.click()
    found = axe(page, f"{where} (started)")
    submit = page.locator(".sk-quiz-submit")
    submit.click()
    if submit.is_visible():  # "Submit anyway": some questions are not answered
        submit.click()
    page.locator(".sk-quiz-result").wait_for(state="visible")
    return found + axe(page, f"{where} (submitted)")


def _labels() -> list[str]:
    from scormkit.formats import FORMATS, Layout

    return [f"{name}{'-per-lesson' if layout == Layout.SCO_PER_LESSON else ''}"
            for name in WEB_TARGETS
            for layout in sorted(FORMATS[name].layouts, key=lambda layout: layout.value)]


def test_every_web_package_is_checked(web_packages) -> None:
    assert sorted(web_packages) == sorted(_labels())
    # 1 + 5 pages for each SCORM/cmi5 target, 4 per cartridge
    assert sum(len(pages) for pages in web_packages.values()) >= 26


# One test per package, so that the suite's workers share them.
@pytest.mark.parametrize("label", _labels())
def test_axe_finds_no_violation_on_any_page(new_context, server, network, web_packages,
                                            label) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    violations: list[dict[str, Any]] = []
    for path in web_packages[label]:
        if path.endswith("/index.html") and "per-lesson" not in label:
            violations += single_page_views(page, server, path, label)
        else:
            open_page(page, server, path)
            found = axe(page, f"{label} {path}")
            if label.startswith("cc"):
                # A cartridge page is shown inside Moodle's own page, under Moodle's <h1>
                # (the resource's name): it holds no <h1> of its own on purpose (issue 11;
                # tests/test_cc_writer.py, test_lesson_pages_as_moodle_shows_them). axe's
                # best practice "page-has-heading-one" reads the file alone: not applicable.
                found = [v for v in found if v["id"] != "page-has-heading-one"]
            violations += found
        # The quiz once started and once submitted: the same markup in every target, so
        # in one package of each layout.
        if label.startswith("scorm12") and path.endswith(("/index.html", "/quiz.html")):
            if path.endswith("/index.html"):
                page.evaluate("(id) => window.scormkit.show(id)",
                              json.loads(page.locator("#scormkit-quiz").text_content())["id"])
            violations += quiz_states(page, f"{label} {path}")
    assert violations == [], json.dumps(violations, indent=1)
    network.assert_clean()


def test_axe_dark_scheme_and_phone_menu(new_context, server, network, web_packages) -> None:
    dark = new_context(viewport=DESKTOP, color_scheme="dark").new_page()
    violations = single_page_views(dark, server, web_packages["scorm12"][0], "dark")
    violations += quiz_states(dark, "dark quiz")
    phone = new_context(viewport=PHONE).new_page()
    open_page(phone, server, web_packages["scorm2004"][0])
    phone.locator(".sk-menu-toggle").click()
    violations += axe(phone, "phone, menu open")
    assert violations == [], json.dumps(violations, indent=1)
    network.assert_clean()


# ---------------------------------------------------------------------------------------------
# Layout at 1280 and 390 px
# ---------------------------------------------------------------------------------------------

GEOMETRY = """() => {
    const box = (selector) => {
        const el = document.querySelector(selector);
        if (!el || !el.getClientRects().length) { return null; }
        const r = el.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                width: r.width, height: r.height};
    };
    return {
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        header: box('.sk-header'), progress: box('#scormkit-progress'),
        meter: box('.sk-meter'), nav: box('.sk-nav'), toggle: box('.sk-menu-toggle'),
        main: box('main'),
        expanded: (document.querySelector('.sk-menu-toggle') || {getAttribute: () => null})
            .getAttribute('aria-expanded'),
        active: document.activeElement && (document.activeElement.className || ''),
    };
}"""


def geometry(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(GEOMETRY)
    return result


def scroll_to_end(page: Any) -> None:
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 0")


@pytest.mark.parametrize("path", ["/pkg/index.html",
                                  "/per-lesson/lessons/02-how-the-work-gets-done.html",
                                  "/axe-cc13/lessons/02-how-the-work-gets-done.html"])
def test_desktop_sidebar_and_progress_in_view(new_context, server, network, web_packages,
                                              path) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    open_page(page, server, path)
    top = geometry(page)
    assert top["scrollWidth"] <= top["clientWidth"], top
    assert top["toggle"] is None, "no menu button on a wide screen"
    if "per-lesson" not in path and "cc13" not in path:
        assert top["nav"] and top["nav"]["right"] <= top["main"]["left"] + 1, top
        assert top["meter"] is not None, "the progress meter is shown"
        assert top["progress"] and "1 of 4" in page.locator("#scormkit-progress").inner_text()
    else:
        assert page.locator(".sk-position").inner_text() == "Lesson 2 of 4"
    # A long lesson: the header (progress or position) is still on screen at the end.
    scroll_to_end(page)
    end = geometry(page)
    assert end["header"]["top"] == 0 and end["header"]["bottom"] > 0, end
    network.assert_clean()


def test_phone_menu_collapsed_and_keyboard_operable(new_context, server, network,
                                                    web_packages) -> None:
    page = new_context(viewport=PHONE).new_page()
    open_page(page, server, "/pkg/index.html")
    lessons = page.evaluate("() => window.scormkit.getState().lessons")
    start = geometry(page)
    assert start["scrollWidth"] <= start["clientWidth"], start
    assert start["nav"] is None, "the lesson list is collapsed on a phone"
    assert start["toggle"] is not None and start["expanded"] == "false", start
    assert start["header"]["height"] < 844 * 0.2, "the sticky header keeps most of the screen"
    toggle = page.locator(".sk-menu-toggle")
    assert toggle.get_attribute("aria-controls") == "sk-nav"

    # Keyboard only: Tab to the button, Enter opens, the links follow, Escape closes.
    for _ in range(10):
        page.keyboard.press("Tab")
        if "sk-menu-toggle" in geometry(page)["active"]:
            break
    else:
        raise AssertionError("the menu button is not reachable with Tab")
    page.keyboard.press("Enter")
    opened = geometry(page)
    assert opened["expanded"] == "true" and opened["nav"] is not None, opened
    assert opened["nav"]["top"] >= opened["header"]["bottom"] - 1, "the menu opens under the bar"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.lesson") == lessons[0]
    page.keyboard.press("Escape")
    closed = geometry(page)
    assert closed["expanded"] == "false" and closed["nav"] is None, closed
    assert "sk-menu-toggle" in closed["active"], "Escape gives focus back to the button"

    # Space opens it too; choosing a lesson shows it and closes the menu.
    page.keyboard.press("Space")
    assert geometry(page)["expanded"] == "true"
    page.locator(f'.sk-nav-link[data-lesson="{lessons[2]}"]').click()
    after = geometry(page)
    assert after["expanded"] == "false" and after["nav"] is None, after
    assert page.evaluate("() => window.scormkit.getState().current") == lessons[2]
    assert page.locator(".sk-cover").is_hidden(), "the cover goes once the learner moves on"

    # Far down a long lesson the progress is still in view, and nothing scrolls sideways.
    scroll_to_end(page)
    end = geometry(page)
    assert end["header"]["top"] == 0 and end["progress"]["bottom"] <= 844, end
    assert end["scrollWidth"] <= end["clientWidth"], end
    network.assert_clean()


def test_actions_have_a_clear_hierarchy(new_context, server, network, web_packages) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    open_page(page, server, "/pkg/index.html")
    lessons = page.evaluate("() => window.scormkit.getState().lessons")
    page.evaluate("(id) => window.scormkit.show(id)", lessons[1])
    styles = page.evaluate("""() => [...document.querySelectorAll(
        'section:not([hidden]) .sk-pager .sk-button')].map((b) => ({
            cls: b.className, bg: getComputedStyle(b).backgroundColor,
            color: getComputedStyle(b).color, left: b.getBoundingClientRect().left}))""")
    previous, following = styles
    assert "sk-prev" in previous["cls"] and "sk-next" in following["cls"], styles
    page_bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert following["bg"] != page_bg, "Next is filled (primary)"
    assert previous["bg"] == page_bg, "Previous is outlined (secondary)"
    assert previous["left"] < following["left"]
    network.assert_clean()


def test_quiz_timer_stays_in_view_under_the_header(new_context, server, network,
                                                    web_packages) -> None:
    for viewport in (DESKTOP, PHONE):
        page = new_context(viewport=viewport).new_page()
        open_page(page, server, "/s2004-per-lesson/quiz.html")
        page.wait_for_function("() => window.scormkit.quiz && window.scormkit.quiz.ready")
        page.locator(".sk-quiz-start-button").click()
        timer = page.locator(".sk-quiz-timer")
        assert timer.get_attribute("role") == "timer"
        scroll_to_end(page)
        header = page.locator(".sk-header").bounding_box()
        box = timer.bounding_box()
        assert header is not None and box is not None
        assert header["y"] == 0
        assert header["y"] + header["height"] - 1 <= box["y"] <= header["height"] + 2, (
            viewport, header, box)
        # The warnings at 5 and 1 minute go to the quiz's polite live region.
        assert page.locator(".sk-quiz-live[aria-live=polite]").count() == 1
    network.assert_clean()


@pytest.fixture(scope="module")
def rtl_site(server: Site, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example course in a right-to-left language (Arabic), single SCO."""
    import dataclasses

    from scormkit.build import build_package
    from scormkit.sources import load_course
    from scormkit.writers.base import WriterOptions

    course = dataclasses.replace(load_course(COURSE_DIR), language="ar")
    result = build_package(course, target="scorm12", out_dir=tmp_path_factory.mktemp("rtl"),
                           options=WriterOptions())
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(server.root / "rtl")
    return "/rtl/index.html"


def test_right_to_left_course(new_context, server, network, rtl_site) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    open_page(page, server, rtl_site)
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    top = geometry(page)
    # The sidebar is on the right, the content on its left; nothing scrolls sideways.
    assert top["nav"]["left"] >= top["main"]["right"] - 1, top
    assert top["scrollWidth"] <= top["clientWidth"], top
    violations = axe(page, "rtl desktop")
    phone = new_context(viewport=PHONE).new_page()
    open_page(phone, server, rtl_site)
    small = geometry(phone)
    assert small["scrollWidth"] <= small["clientWidth"], small
    assert small["toggle"] is not None and small["nav"] is None, small
    violations += axe(phone, "rtl phone")
    assert violations == [], json.dumps(violations, indent=1)
    network.assert_clean()


def test_pages_never_ship_axe(web_packages, server) -> None:
    folders = {server.root / pages[0].split("/")[1] for pages in web_packages.values()}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                assert b"axe-core" not in path.read_bytes() and "axe" not in path.name, path


def test_checks_work_by_keyboard_and_are_not_tracked(new_context, server, network,
                                                     web_packages) -> None:
    """A check in the SCORM 2004 page: answered and checked with the keyboard, feedback
    announced, Try again clears it; no call reaches the tracker API and the saved state does
    not change."""
    page = new_context(viewport=PHONE).new_page()
    open_page(page, server, web_packages["scorm2004"][0])
    page.evaluate("""() => {
        window.__trackerCalls = [];
        const api = window.scormkit.tracker;
        for (const name of Object.keys(api)) {
            const original = api[name];
            api[name] = function () {
                window.__trackerCalls.push(name);
                return original.apply(this, arguments);
            };
        }
    }""")
    before = page.evaluate("() => window.scormkit.getState()")
    check = page.locator(".sk-check").first
    lesson = check.evaluate("(el) => el.closest('section').id")
    page.evaluate("(id) => window.scormkit.show(id)", lesson)
    page.evaluate("() => window.__trackerCalls.length = 0")
    # Keyboard only: focus the first choice, arrow to the right one, Tab to Check, Enter.
    check.locator("input").first.focus()
    page.keyboard.press("ArrowDown")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('sk-check-button')"):
            break
    else:
        raise AssertionError("Check my answer is not reachable with Tab")
    page.keyboard.press("Enter")
    result = check.locator(".sk-q-result")
    assert result.inner_text() == "Correct."
    live = check.locator(".sk-check-live").element_handle()
    page.wait_for_function("(el) => el.textContent === 'Correct.'", arg=live)
    assert "sk-q-correct" in (check.locator("fieldset").get_attribute("class") or "")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Try again
    assert check.locator(".sk-q-feedback").is_hidden()
    assert check.locator("input:checked").count() == 0
    after = page.evaluate("() => window.scormkit.getState()")
    assert page.evaluate("() => window.__trackerCalls") == []
    assert after["state"] == before["state"] and after["errors"] == []
    network.assert_clean()
