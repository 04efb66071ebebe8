"""Static checks of the learner page template and the runtime scripts (no browser needed).

Not marked e2e: they are fast and guard the rules the browser tests cannot see
(no external requests possible, colour pairs, page contract rendering, XHTML well-formedness).
The scripts checked are the ones packages ship: scormkit/jsbundle.py assembles them from the
modules in scormkit/runtime/ (tests/test_jsbundle.py tests the assembling itself).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from lxml import etree

from scormkit import jsbundle
from scormkit.writers import web

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "scormkit" / "runtime"
CSS = RUNTIME / "scormkit.css"
TEMPLATES = ROOT / "templates"


# The only absolute addresses the runtime may contain: xAPI/cmi5 identifiers (IRIs that name a
# verb or a context category inside statements; nothing is ever requested from them).
IDENTIFIER_IRIS = {
    "http://adlnet.gov/expapi/verbs/",
    "https://w3id.org/xapi/cmi5/context/categories/cmi5",
    "https://w3id.org/xapi/cmi5/context/categories/moveon",
    "https://w3id.org/xapi/cmi5/context/extensions/masteryscore",
    "http://adlnet.gov/expapi/activities/cmi.interaction",
    # The question IRIs' base (RFC 2606 .invalid: it can never resolve), as in cmi5.xml.
    "https://scormkit.invalid/courses/",
}


def _script(standard: str) -> str:
    return jsbundle.assemble(web.RUNTIME_BUNDLES[standard]).decode("utf-8")


FORBIDDEN = ("eval(", "new Function", "XMLHttpRequest", "sendBeacon", "import ", "document.write",
             "innerHTML", "WebSocket", "EventSource")


@pytest.mark.parametrize("standard", sorted(web.RUNTIME_BUNDLES))
def test_runtime_makes_no_external_requests(standard: str) -> None:
    js = _script(standard)
    found = set(re.findall(r"https?://[^\s'\"]*", js, re.I))
    assert found <= IDENTIFIER_IRIS, found - IDENTIFIER_IRIS
    assert not re.search(r"(?<![:'\w])//[a-z0-9-]+\.[a-z]", js, re.I)
    for forbidden in FORBIDDEN:
        assert forbidden not in js, forbidden
    # The only require() calls are the bundle's own, between its modules.
    assert set(re.findall(r"\brequire\(([^)]*)\)", js)) <= {
        f"'{path}'" for member in jsbundle.modules(web.RUNTIME_BUNDLES[standard])
        for path, _ in member.requires}
    if standard != "cmi5":
        # Only a cmi5 package has network code at all, and xAPI identifiers.
        assert "fetch(" not in js and not found
        assert not any(m.id.startswith("lms/cmi5") for m in
                       jsbundle.modules(web.RUNTIME_BUNDLES[standard]))
        return
    # Network access exists only in the cmi5 transport, through the window it was given, to
    # the two addresses of the launch URL: the fetch URL (once) and the xAPI endpoint.
    transport = (RUNTIME / "lms" / "cmi5.js").read_text(encoding="utf-8")
    assert js.count("fetch(") == transport.count("fetch(") > 0
    assert re.findall(r"\bfetch\(([^,)]*)", transport) == ["url", "this.launch.fetch"]
    assert re.findall(r"this\.win\.fetch\(", transport) == ["this.win.fetch("] * 2
    urls = re.findall(r"this\.request\('[A-Z]+', ([^,)]*)", js)
    assert urls and set(urls) <= {"this.stateUrl(stateId", "this.stateUrl(CMI5_STATE_ID",
                                  "this.preferencesUrl(",
                                  "this.launch.endpoint + 'statements'"}, urls
    assert "launch.endpoint + 'activities/state?" in transport
    assert "launch.endpoint + 'agents/profile?" in transport


def test_runtime_css_makes_no_external_requests() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9-]+\.[a-z]", css, re.I)
    assert "@import" not in css
    assert "@font-face" not in css
    assert not re.search(r"url\(", css)


def test_css_has_required_rules() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid", css)
    assert "@media print" in css
    assert "@media (prefers-reduced-motion: reduce)" in css
    for selector in (
        ".callout-note",
        ".callout-tip",
        ".callout-warning",
        ".callout-title",
        ".sk-table-wrap",
        "table",
        "[hidden]",
    ):
        assert selector in css, selector


def _luminance(hex_colour: str) -> float:
    values = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ratio(a: str, b: str) -> float:
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _palettes() -> dict[str, dict[str, str]]:
    css = CSS.read_text(encoding="utf-8")
    light = css.split("@media (prefers-color-scheme: dark)")[0]
    dark = css.split("@media (prefers-color-scheme: dark)")[1].split("/* ---------- base")[0]

    def variables(block: str) -> dict[str, str]:
        return dict(re.findall(r"--sk-([a-z-]+):\s*(#[0-9a-fA-F]{6}|var\(--sk-[a-z-]+\))", block))

    def resolved(values: dict[str, str]) -> dict[str, str]:
        # The derived variables are aliases of the theme hooks (var(--sk-brand)); the dark
        # scheme overrides hooks only, so it is the light definitions updated with its own.
        out = {}
        for name, value in values.items():
            for _ in range(5):
                alias = re.fullmatch(r"var\(--sk-([a-z-]+)\)", value)
                if not alias:
                    break
                value = values.get(alias.group(1), "")
            if value.startswith("#"):  # not the fonts
                out[name] = value
        return out

    return {"light": resolved(variables(light)),
            "dark": resolved({**variables(light), **variables(dark)})}


TEXT_PAIRS = [
    ("fg", "bg"),
    ("fg", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("link", "bg"),
    ("link", "surface"),
    ("button-fg", "button-bg"),
    ("button-fg", "button-hover"),
    ("fg", "note-bg"),
    ("note-accent", "note-bg"),
    ("link", "note-bg"),
    ("fg", "tip-bg"),
    ("tip-accent", "tip-bg"),
    ("link", "tip-bg"),
    ("fg", "warning-bg"),
    ("warning-accent", "warning-bg"),
    ("link", "warning-bg"),
    ("fg", "table-head"),
]
FOCUS_PAIRS = [
    ("accent", "bg"),
    ("accent", "surface"),
    ("focus", "bg"),
    ("focus", "surface"),
    ("focus", "note-bg"),
    ("focus", "tip-bg"),
    ("focus", "warning-bg"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_pairs_meet_wcag_aa(scheme: str) -> None:
    palette = _palettes()[scheme]
    for fg, bg in TEXT_PAIRS:
        assert _ratio(palette[fg], palette[bg]) >= 4.5, (scheme, fg, bg)
    for fg, bg in FOCUS_PAIRS:
        assert _ratio(palette[fg], palette[bg]) >= 3, (scheme, fg, bg)


# --------------------------------------------------------------------------------------------
# The template against the page contract, with the same Jinja2 settings as the compiler
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeCourse:
    title: str
    language: str
    description: str
    objectives: tuple[str, ...] = ("Learn <this> & that",)
    authors: tuple[str, ...] = ("Ada <Lovelace> & Co",)


@dataclass(frozen=True)
class FakeLesson:
    id: str
    title: str
    objectives: tuple[str, ...]
    minutes: int | None
    body_html: str
    href: str
    checks: int = 0


BODY = (
    '<h3 id="{id}--intro">Intro &amp; more</h3>\n<p>See <a href="#{other}">the other</a>.</p>\n'
    '<div class="callout callout-note" role="note">\n<p class="callout-title">Note</p>\n'
    "<p>Careful.</p>\n</div>\n<table>\n<thead><tr><th>a</th></tr></thead>\n"
    "<tbody><tr><td>b</td></tr></tbody>\n</table>\n"
    '<p><img src="media/x.svg" alt="An X" /></p>\n'
)


def _render(
    layout: str, lessons: list[FakeLesson], current: FakeLesson | None, static_prefix: str
) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    config = {
        "standard": "scorm12",
        "layout": layout,
        "courseId": "c<&>'\"",
        "lessons": [lesson.id for lesson in ([current] if current else lessons)],
        "current": current.id if current else None,
        "completion": "all-lessons",
        "passingScore": None,
    }
    return env.get_template("_shared/page.html.j2").render(
        course=FakeCourse("Course <&> \"quoted\" 'single'", "fr-CA", "About <this>."),
        lessons=lessons,
        layout=layout,
        current=current,
        static_prefix=static_prefix,
        runtime_config=config,
    )


def _lessons() -> list[FakeLesson]:
    ids = ["alpha", "beta", "gamma"]
    return [
        FakeLesson(
            lesson_id,
            f"Lesson {lesson_id} <b>",
            ("Do X & Y",) if lesson_id != "beta" else (),
            {"alpha": 1, "beta": None, "gamma": 12}[lesson_id],
            BODY.format(id=lesson_id, other=ids[(n + 1) % 3]),
            f"#{lesson_id}",
        )
        for n, lesson_id in enumerate(ids)
    ]


def test_single_layout_page() -> None:
    lessons = _lessons()
    html = _render("single", lessons, None, "")
    assert html.startswith("<!DOCTYPE html>\n")
    root = etree.fromstring(html.encode("utf-8"))
    assert root.get("lang") == "fr-CA"
    assert root.xpath("string(//title)") == "Course <&> \"quoted\" 'single'"
    assert root.xpath("//link[@rel='stylesheet']/@href") == ["scormkit/scormkit.css"]
    assert root.xpath("//script[@src]/@src") == ["scormkit/scormkit.js"]
    config = json.loads(root.xpath("string(//script[@id='scormkit-config'])"))
    assert config["courseId"] == "c<&>'\"" and config["lessons"] == ["alpha", "beta", "gamma"]

    body = root.find("body")
    first = body[0]
    assert first.tag == "a" and first.get("href") == "#content" and first.text == "Skip to content"
    assert len(root.xpath("//h1")) == 1
    assert root.xpath("//nav[@aria-label='Lessons']/ol/li/a/@href") == ["#alpha", "#beta", "#gamma"]
    assert root.xpath("//nav//a[@aria-current='page']/@data-lesson") == ["alpha"]
    assert root.xpath("//main/@id") == ["content"] and root.xpath("//main/@tabindex") == ["-1"]
    sections = root.xpath("//main/section[@class='sk-lesson']")
    assert [s.get("id") for s in sections] == ["alpha", "beta", "gamma"]
    # The course cover comes first: title, facts, course objectives, Start (a plain link to
    # the first lesson, so it works without script).
    (cover,) = root.xpath("//main/section[@class='sk-cover']")
    assert cover.getprevious() is None and cover.getnext() is sections[0]
    assert cover.xpath("string(h2)") == "About this course"
    assert cover.xpath("string(p[@class='sk-cover-lead'])") == "About <this>."
    assert cover.xpath("ul[@class='sk-cover-facts']/li/text()") == ["3 lessons"]
    assert cover.xpath("ul[@class='sk-objectives']/li/text()") == ["Learn <this> & that"]
    assert cover.xpath(".//a[@class='sk-button sk-start']/@href") == ["#alpha__title"]
    for section in sections:
        assert section.get("hidden") is None
        (h2,) = section.xpath("h2")
        assert h2.get("id") == section.get("aria-labelledby")
        assert h2.text == f"Lesson {section.get('id')} <b>"
        assert section.xpath(".//div[@class='sk-lesson-body']/h3")
    alpha, beta, gamma = sections
    assert alpha.xpath("string(.//p[@class='sk-minutes'])") == "Estimated time: 1 minute"
    assert gamma.xpath("string(.//p[@class='sk-minutes'])") == "Estimated time: 12 minutes"
    assert not beta.xpath(".//*[@class='sk-lesson-intro']")
    assert alpha.xpath(".//ul[@class='sk-objectives']/li/text()") == ["Do X & Y"]
    # Pager: hidden until the runtime runs; no Previous on the first, no Next on the last.
    assert alpha.xpath(".//div[@class='sk-pager']/@hidden") == ["hidden"]
    assert alpha.xpath(".//button/@data-lesson") == ["beta"]
    assert beta.xpath(".//button/@class") == ["sk-button sk-button-secondary sk-prev",
                                              "sk-button sk-next"]
    assert gamma.xpath(".//button/@data-lesson") == ["beta"]
    assert all(b.get("type") == "button" for b in root.iter("button"))
    (status,) = root.xpath("//footer//*[@role='status']")
    assert status.get("aria-live") == "polite"
    levels = [int(el.tag[1]) for el in root.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_per_lesson_layout_page() -> None:
    lessons = _lessons()
    html = _render("per-lesson", lessons, lessons[1], "../")
    root = etree.fromstring(html.encode("utf-8"))
    assert root.xpath("//link[@rel='stylesheet']/@href") == ["../scormkit/scormkit.css"]
    assert root.xpath("//script[@src]/@src") == ["../scormkit/scormkit.js"]
    assert [s.get("id") for s in root.xpath("//main/section")] == ["beta"]
    assert not root.xpath("//nav") and not root.xpath("//button")
    assert not root.xpath("//section[@class='sk-cover']"), "the cover is on the first page"
    assert root.xpath("string(//p[@class='sk-position'])") == "Lesson 2 of 3"
    first = etree.fromstring(_render("per-lesson", lessons, lessons[0], "../").encode("utf-8"))
    assert first.xpath("//section[@class='sk-cover']/following-sibling::section/@id") == [
        "alpha"]
    assert root.xpath("string(//title)").startswith("Lesson beta <b> – ")
    # The compiler passes only the current lesson: no "Lesson 1 of 1".
    only = _render("per-lesson", [lessons[1]], lessons[1], "../")
    assert "sk-position" not in only
    etree.fromstring(only.encode("utf-8"))


def test_template_renders_with_default_jinja_settings() -> None:
    """Whatever the compiler's whitespace options, the page starts with the doctype."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    lessons = _lessons()
    html = env.get_template("_shared/page.html.j2").render(
        course=FakeCourse("C", "en", ""),
        lessons=lessons,
        layout="single",
        current=None,
        static_prefix="",
        runtime_config={},
    )
    assert html.startswith("<!DOCTYPE html>")
    root = etree.fromstring(html.encode("utf-8"))
    assert not root.xpath("//meta[@name='description']")
