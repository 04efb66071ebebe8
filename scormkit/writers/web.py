"""Learner-facing web content shared by every web target: lesson pages, runtime, media."""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from scormkit import schemas, templating
from scormkit.model import LESSON_LINK_SCHEME, Course, Lesson
from scormkit.resources import runtime_dir
from scormkit.sources.lesson import ASSET_SCHEME

RUNTIME_FOLDER = "scormkit"
RUNTIME_FILES = ("scormkit.js", "scormkit.css")
PAGE_TEMPLATE = "_shared/page.html.j2"


@dataclass(frozen=True, slots=True)
class PageLesson:
    """A lesson as one page shows it: body with links and media made relative to that page."""

    id: str
    title: str
    objectives: tuple[str, ...]
    minutes: int | None
    body_html: str
    href: str


def lesson_page_path(lesson: Lesson) -> str:
    """Where a lesson's own page lives in per-lesson layouts."""
    return f"lessons/{lesson.slug}.html"


def localize_html(
    body_html: str, page_path: str, lesson_href: Callable[[str, str], str | None]
) -> str:
    """Resolve the readers' placeholder links for a page at *page_path*.

    *lesson_href(lesson_id, fragment)* returns the href for a lesson link, or None to turn the
    link into plain emphasised text (a link that would leave the current SCO).
    """
    if LESSON_LINK_SCHEME not in body_html and ASSET_SCHEME not in body_html:
        return body_html
    wrapper = etree.fromstring(f"<div>{body_html}</div>")
    page_dir = posixpath.dirname(page_path)
    for img in wrapper.iter("img"):
        src = img.get("src", "")
        if src.startswith(ASSET_SCHEME):
            img.set("src", posixpath.relpath(src[len(ASSET_SCHEME):], page_dir or "."))
    for link in wrapper.iter("a"):
        href = link.get("href", "")
        if not href.startswith(LESSON_LINK_SCHEME):
            continue
        lesson_id, _, fragment = href[len(LESSON_LINK_SCHEME):].partition("#")
        target = lesson_href(lesson_id, fragment)
        if target is None:
            link.tag = "em"
            link.attrib.clear()
            link.set("class", "lesson-ref")
        else:
            link.set("href", target)
    inner = html.escape(wrapper.text or "", quote=False)
    return inner + "".join(etree.tostring(child, encoding="unicode") for child in wrapper)


def render_page(
    course: Course,
    lessons: list[PageLesson],
    *,
    page_path: str,
    layout: str,
    current: PageLesson | None,
    runtime_config: dict[str, Any],
) -> bytes:
    depth = page_path.count("/")
    return templating.render(
        PAGE_TEMPLATE,
        course=course,
        lessons=lessons,
        layout=layout,
        current=current,
        static_prefix="../" * depth,
        runtime_config=runtime_config,
    ).encode("utf-8")


def runtime_files() -> dict[str, bytes]:
    """The learner runtime, shipped in every web package under scormkit/."""
    return {
        f"{RUNTIME_FOLDER}/{name}": (runtime_dir() / name).read_bytes() for name in RUNTIME_FILES
    }


def media_files(course: Course) -> dict[str, bytes]:
    """Every media file the lessons reference, and nothing else."""
    return {asset.href: asset.source_path.read_bytes() for asset in course.assets}


def root_schema_files(family: str) -> dict[str, bytes]:
    """The XSDs a manifest's schemaLocation names, copied to the package root (SCORM CAM)."""
    schemas.require([family])
    base = schemas.family_dir(family)
    return {path: (base / path).read_bytes() for path in schemas.family(family).package_root}
