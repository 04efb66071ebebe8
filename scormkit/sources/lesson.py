"""Lesson files: YAML front matter (title, objectives, minutes, optional id) + CommonMark body.

Reading is in two passes so that links between lessons can be checked: `read_lesson_head`
parses every file and fixes its id, then `render_lesson` checks images and links and builds
the body's content tree once all lesson ids and heading anchors are known: a link to a lesson
becomes a `scormkit.content.LessonLink` (lesson id + heading id) that each writer resolves for
its own page layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from scormkit import ids
from scormkit.content import Content
from scormkit.errors import Diagnostic, Location, SourceError, listing, shown
from scormkit.model import Asset, Check, Lesson
from scormkit.sources import files, markdown
from scormkit.sources.checks import CheckSource, read_check, split_checks
from scormkit.sources.fields import XML_ILLEGAL as _XML_ILLEGAL
from scormkit.sources.fields import check_keys, text_field, text_list
from scormkit.sources.media import MEDIA_TYPES as MEDIA_TYPES
from scormkit.sources.media import (
    MediaFiles,
    block_location,
    check_image,
    find_line,
    nesting_error,
    refused_url,
)
from scormkit.sources.media import is_external as _is_external
from scormkit.sources.media import resolve as _resolve
from scormkit.sources.outline import LessonRef
from scormkit.sources.yamlfile import load_yaml_mapping

FRONT_MATTER_KEYS = ("title", "objectives", "minutes", "id")
_MAX_HEADING = 5  # body levels shift down one (the lesson title is the page's h2)


@dataclass
class LessonHead:
    """A lesson after the first pass: front matter read, Markdown tokenised."""

    ref: LessonRef
    id: str
    title: str
    objectives: tuple[str, ...]
    minutes: int | None
    tokens: list[Token]
    lines: list[str]
    anchors: dict[str, str] = field(default_factory=dict)
    """Heading slug (as an author writes it after '#') -> element id in the page."""
    checks: list[tuple[int, CheckSource]] = field(default_factory=list)
    """The lesson's inline checks, each with the index in `tokens` where it stands (the
    tokens no longer hold them)."""


def read_lesson_head(ref: LessonRef, root: Path, errors: list[Diagnostic]) -> LessonHead | None:
    path = ref.shown
    try:
        text = files.read_text(files.course_root(root), ref.relpath, "the lesson file")
    except files.Refusal as refusal:
        errors.append(refusal.diagnostic(path))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if bad := _XML_ILLEGAL.search(line):
            errors.append(Diagnostic(
                "illegal-character",
                f"control character U+{ord(bad.group()):04X} cannot appear in a lesson",
                Location(path, number), "delete it (it is often pasted from a word processor)"))
            return None

    try:
        tokens, refused = markdown.parse(text, lesson=True)
    except markdown.NestingTooDeep as exc:
        errors.append(nesting_error(Location(path, exc.line), "lesson"))
        return None
    for url in refused:
        errors.append(refused_url(url, find_line(path, lines, url)))
    if not tokens or tokens[0].type != "front_matter":
        errors.append(Diagnostic(
            "missing-front-matter", "the lesson has no front matter", Location(path, 1),
            "start the file with '---', then 'title: ...', then '---'"))
        return None
    front = tokens[0]
    try:
        doc = load_yaml_mapping(front.content, path, line_offset=1)
    except SourceError as exc:
        errors.append(exc.diagnostic)
        return None
    data = doc.data
    check_keys(doc, data, (), FRONT_MATTER_KEYS, ("title",), errors)
    title = text_field(doc, data, "title", (), errors) or ref.path.stem
    objectives = text_list(doc, data, "objectives", (), errors)
    minutes = data.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                or minutes < 1):
        errors.append(Diagnostic(
            "bad-value", f"minutes must be a whole number of minutes, not {shown(minutes)}",
            doc.loc("minutes"), "for example: minutes: 10"))
        minutes = None
    if "id" in data:
        lesson_id = text_field(doc, data, "id", (), errors) or ""
        if not ids.is_ncname(lesson_id):
            errors.append(Diagnostic(
                "bad-id", f"lesson id {shown(lesson_id)} is not a valid identifier", doc.loc("id"),
                "use letters, digits, '-', '_' and '.', starting with a letter"))
    else:
        lesson_id = ids.to_ncname(ids.name_slug(ref.path.stem) or "lesson", "lesson")
    errors += markdown.container_diagnostics(
        tokens[1:], path, (*markdown.CALLOUT_KINDS, markdown.CHECK))
    body, checks = split_checks(tokens[1:], lines, path, errors)
    return LessonHead(ref, lesson_id, title, objectives, minutes, body, lines, checks=checks)


def render_lesson(
    head: LessonHead,
    root: Path,
    lessons_by_path: dict[str, LessonHead | None],
    errors: list[Diagnostic],
    media: MediaFiles | None = None,
) -> Lesson:
    """Second pass: check the body's images and links, build its content tree. *media*
    reads each image once for the whole course."""
    media = media or MediaFiles(root)
    assets: dict[str, Asset] = {}
    for token in head.tokens:
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "image":
                    asset = _image(child, token, head, root, errors, media)
                    if asset:
                        assets[asset.href] = asset
                elif child.type == "link_open":
                    _link(child, token, head, lessons_by_path, errors)
    parts: list[Content | Check] = []
    seen: dict[str, int] = {}
    start = 0
    for position, source in head.checks:
        if position > start:
            parts.append(markdown.content(head.tokens[start:position]))
        start = position
        read = read_check(source, head.ref.relpath, root, head.ref.shown, errors)
        if read is None:
            continue
        question, titled, images = read
        if question.id in seen:
            errors.append(Diagnostic(
                "duplicate-id", f"check id '{question.id}' is already used at line "
                f"{seen[question.id]}", Location(head.ref.shown, source.first),
                "give one of them its own {id: ...} after its title"))
            continue
        seen[question.id] = source.first
        parts.append(Check(question, titled, Location(head.ref.shown, source.first)))
        for asset in images:
            assets.setdefault(asset.href, asset)
    if head.checks and start < len(head.tokens):
        parts.append(markdown.content(head.tokens[start:]))
    body = markdown.content(head.tokens)
    return Lesson(
        id=head.id,
        slug=head.ref.path.stem,
        title=head.title,
        objectives=head.objectives,
        minutes=head.minutes,
        body=body,
        assets=tuple(assets[h] for h in sorted(assets)),
        source=Location(head.ref.shown, 1),
        parts=tuple(parts),
    )


def assign_heading_ids(head: LessonHead, errors: list[Diagnostic]) -> None:
    """Check heading order and give every heading a page-unique id (part of the first pass,
    run before any link is resolved)."""
    level = 1  # the lesson title stands for the '#' level
    names = ids.UniqueNames()
    for index, token in enumerate(head.tokens):
        if token.type != "heading_open":
            continue
        depth = int(token.tag[1])
        loc = _loc(head, token)
        if depth == 1:
            errors.append(Diagnostic(
                "heading-level", "a lesson body cannot use a level-1 heading ('#')", loc,
                "the lesson title comes from the front matter; start sections at '##'"))
        elif depth > level + 1:
            errors.append(Diagnostic(
                "heading-level", f"heading level {depth} follows level {level}: a level is "
                "skipped", loc, f"use {'#' * (level + 1)} here; screen reader users navigate "
                "by heading levels"))
        elif depth > _MAX_HEADING:
            errors.append(Diagnostic(
                "heading-level", f"heading level {depth} is too deep", loc,
                f"use at most {'#' * _MAX_HEADING}"))
        level = depth
        new_tag = f"h{min(depth + 1, 6)}"
        token.tag = new_tag
        head.tokens[index + 2].tag = new_tag  # the matching heading_close
        unique = names.claim(ids.heading_slug(markdown.inline_text(head.tokens[index + 1])))
        head.anchors[unique] = f"{head.id}--{unique}"
        token.attrSet("id", head.anchors[unique])


def _loc(head: LessonHead, block: Token, needle: str | None = None) -> Location:
    """Line of *block*; with *needle*, the first line of the block that contains it."""
    return block_location(head.ref.shown, head.lines, block, needle)



def _image(
    image: Token, block: Token, head: LessonHead, root: Path, errors: list[Diagnostic],
    media: MediaFiles,
) -> Asset | None:
    loc = _loc(head, block, str(image.attrGet("src") or "") or "![")
    return check_image(image, loc, head.ref.relpath, root, errors, media=media)


def _link(
    link: Token,
    block: Token,
    head: LessonHead,
    lessons_by_path: dict[str, LessonHead | None],
    errors: list[Diagnostic],
) -> None:
    href = str(link.attrGet("href") or "")
    if _is_external(href):
        if urlsplit(href).scheme in ("http", "https"):
            link.attrSet("rel", "noopener")
        return
    parts = urlsplit(href)
    loc = _loc(head, block, href)
    target: LessonHead | None
    if not parts.path:  # a fragment in the same lesson
        target = head
    else:
        relpath = _resolve(head.ref.relpath, unquote(parts.path))
        target = lessons_by_path.get(relpath or "")
        if target is None and relpath in lessons_by_path:
            return  # a listed lesson that could not be read; its own error says why
        if target is None:
            known = listing(lessons_by_path, key=lambda path: PurePosixPath(path).name)
            errors.append(Diagnostic(
                "broken-link", f"link {shown(href)} does not point to a lesson of this course", loc,
                f"link to a lesson file listed in course.yaml ({known}), relative to this file"))
            return
    anchor = ""
    if parts.fragment:
        # markdown-it percent-encodes the destination (`#étape` -> `#%C3%A9tape`); anchors
        # keep the letters as written (ids.heading_slug).
        fragment = unquote(parts.fragment)
        anchor = target.anchors.get(fragment, "")
        if not anchor:
            errors.append(Diagnostic(
                "broken-link", f"link {shown(href)}: {shown(target.ref.relpath)} has no heading "
                f"{shown('#' + fragment)}", loc,
                f"headings there: {listing(target.anchors) or 'none'}"))
            return
    link.meta[markdown.LESSON] = (target.id, anchor)
