"""Images and paths in Markdown sources, shared by the lesson and quiz readers.

An image must have alt text, live inside the course folder and be of a type every browser
shows; its token is marked with the asset's package path (``meta[markdown.ASSET]``, which
makes it a `scormkit.content.Image`) and an Asset is returned.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from scormkit.content import Asset
from scormkit.errors import Diagnostic, Location, shown
from scormkit.paths import display_path
from scormkit.sources import files, markdown, sniff

MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def block_location(shown: str, lines: list[str], block: Token, needle: str | None = None
                   ) -> Location:
    """Line of *block* in the file *shown*; with *needle*, the first line of the block that
    contains it (the parser percent-encodes URLs, so the decoded spelling is tried too)."""
    if not block.map:
        return Location(shown)
    start, end = block.map
    for text in (needle, unquote(needle or "")):
        if not text:
            continue
        for number in range(start, min(end, len(lines))):
            if text in lines[number]:
                return Location(shown, number + 1)
    return Location(shown, start + 1)


def find_line(shown: str, lines: list[str], needle: str) -> Location:
    """The first line of the file *shown* (its *lines*) that contains *needle*, as written
    or percent-decoded (the parser encodes URLs), or the file without a line."""
    for text in dict.fromkeys((needle, unquote(needle))):
        for number, line in enumerate(lines, start=1):
            if text in line:
                return Location(shown, number)
    return Location(shown)


def refused_url(url: str, loc: Location) -> Diagnostic:
    """The error for a link or image destination the Markdown parser refused and left as
    plain text (`markdown.parse`): ``file:``, ``javascript:``, ``vbscript:`` and ``data:``
    URLs other than images."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        return Diagnostic(
            "file-url", f"{shown(url)} is a file: URL: it names a file on one computer, which "
            "no learner can open (the parser shows it as plain text)", loc,
            "copy the file into the course folder and use its relative path (an image: "
            "media/name.png); link other lessons by their file name")
    if scheme in ("javascript", "vbscript"):
        return Diagnostic(
            "script-url", f"{shown(url)} would run a script in the learner's browser (the "
            "parser shows it as plain text)", loc,
            "remove it: course pages do not run scripts from the course's text")
    if scheme == "data":
        return _data_url(url, loc)
    return Diagnostic("bad-url", f"{shown(url)} is not a URL the parser accepts (it shows "
                      "it as plain text)", loc, "use a relative path or an https:// address")


def _data_url(url: str, loc: Location) -> Diagnostic:
    return Diagnostic(
        "data-url", f"{shown(url)}: data: URLs are not accepted", loc,
        "save the content as a file in the course folder (an image under media/) and use "
        "its relative path: files are checked, listed in the manifest and cached by the LMS")


def nesting_error(loc: Location, kind: str) -> Diagnostic:
    """Blocks nested beyond what the parser reads (`markdown.NestingTooDeep`)."""
    return Diagnostic(
        "nesting-too-deep", f"lists and quotes are nested more than {markdown.MAX_NESTING} "
        "levels deep here (a list inside a list counts two): the parser would drop the rest "
        f"of the {kind}", loc, "flatten the structure: use headings or a table for deep "
        "outlines, and at most a few levels of lists and quotes")


def is_external(url: str) -> bool:
    """True for URLs with a scheme or host, and for absolute paths."""
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc) or url.startswith("/")


def resolve(from_file: str, ref: str) -> str | None:
    """Resolve *ref* relative to the course file *from_file*; None when it escapes the course."""
    parts: list[str] = list(PurePosixPath(from_file).parent.parts)
    for part in PurePosixPath(ref).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", "/"):
            parts.append(part)
    return "/".join(parts) if parts else None


class MediaFiles:
    """The images of one course folder, each read and checked once, however often the
    course shows it (a lesson may show one image thousands of times)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = files.course_root(root)
        self._checked: dict[str, Asset | None] = {}

    def get(self, relpath: str, src: str, loc: Location, kind: str,
            errors: list[Diagnostic]) -> Asset | None:
        """The checked Asset of *relpath*, or None; what is wrong with the file is recorded
        the first time it is met (at *loc*, where *src* names it)."""
        if relpath in self._checked:
            return self._checked[relpath]
        asset = self._check(relpath, src, loc, kind, errors)
        self._checked[relpath] = asset
        return asset

    def _check(self, relpath: str, src: str, loc: Location, kind: str,
               errors: list[Diagnostic]) -> Asset | None:
        media_type = MEDIA_TYPES.get(PurePosixPath(relpath).suffix.lower())
        try:
            real = files.locate(self.real_root, relpath, f"image {shown(src)}")
            if media_type is None:
                errors.append(Diagnostic(
                    "unsupported-media", f"{shown(src)} is not an image type browsers show "
                    "everywhere", loc, f"use one of: {', '.join(sorted(MEDIA_TYPES))}"))
                return None
            data = files.read_file(self.real_root, relpath, f"image {shown(src)}",
                                   files.MAX_MEDIA_BYTES)
        except files.Refusal as refusal:
            hint = refusal.hint
            if refusal.code == "file-missing" and "link" not in refusal.message:
                refusal.message += f" (looked for {shown(relpath, quote=False)})"
                hint = f"fix the path (it is relative to the {kind} file) or add the file"
            errors.append(Diagnostic(refusal.code, refusal.message, loc, hint))
            return None
        try:
            found = sniff.media_type(data)
            if found != media_type:
                held = sniff.describe(data)
                errors.append(Diagnostic(
                    "media-type-mismatch", f"image {shown(src)} is named as "
                    f"{_NAMES[media_type]} but holds {held}", loc,
                    _SVG_HINTS["svg-malformed"] if media_type == "image/svg+xml"
                    and held.startswith(sniff.MALFORMED) else
                    "save the image in the format its extension says, or give it the "
                    "extension of its format; packages declare each file's type from its "
                    "extension"))
                return None
            if media_type == "image/svg+xml" and not self._safe_svg(real, relpath, data, loc,
                                                                     errors):
                return None
        except sniff.SvgTooLarge as exc:
            errors.append(Diagnostic(
                "svg-too-large", f"image {shown(src)} is markup too large to check: {exc}",
                loc, "simplify the drawing (fewer points, merged paths, no embedded fonts) "
                "or export it as PNG or WebP"))
            return None
        return Asset(real, relpath, media_type, data, loc)

    def _safe_svg(self, real: Path, relpath: str, data: bytes, loc: Location,
                  errors: list[Diagnostic]) -> bool:
        problems = sniff.svg_problems(data)
        shown_path = display_path(self.root / relpath)
        for problem in problems[:_MAX_SVG_PROBLEMS]:
            errors.append(Diagnostic(
                problem.code, f"{problem.message} (the image shown at {loc})",
                Location(shown_path, problem.line), _SVG_HINTS[problem.code]))
        if len(problems) > _MAX_SVG_PROBLEMS:
            errors.append(Diagnostic(
                problems[_MAX_SVG_PROBLEMS].code,
                f"and {len(problems) - _MAX_SVG_PROBLEMS} more problems of this SVG",
                Location(shown_path), _SVG_HINTS[problems[_MAX_SVG_PROBLEMS].code]))
        return not problems


_MAX_SVG_PROBLEMS = 10
_NAMES = {"image/svg+xml": "an SVG image", "image/png": "a PNG image",
          "image/jpeg": "a JPEG image", "image/gif": "a GIF image", "image/webp": "a WebP image"}
_SVG_HINTS = {
    "svg-script": "delete it from the SVG: scormkit refuses scripts in images rather than "
                  "removing them (docs/security.md); a course image needs none",
    "svg-doctype": "delete the DOCTYPE's [...] part, or the whole DOCTYPE line (browsers "
                   "do not need it), and write the entities out",
    "svg-external": "embed the resource in the SVG (a data:image/png;base64 URL), or show it "
                    "as an image of its own",
    "svg-malformed": "export the SVG again from its editor (Inkscape: Save As > Plain SVG)",
}


def check_image(
    image: Token,
    loc: Location,
    from_file: str,
    root: Path,
    errors: list[Diagnostic],
    *,
    kind: str = "lesson",
    media: MediaFiles | None = None,
) -> Asset | None:
    """Check the image token *image* of the course file *from_file* (a path relative to
    *root*); mark it with its asset and return the Asset, or record why it cannot be used.
    *kind* names the file in hints ("lesson", "quiz"); *media* reads each file once."""
    src = str(image.attrGet("src") or "")
    if not markdown.inline_text(image):
        errors.append(Diagnostic(
            "image-missing-alt", f"image {shown(src)} has no alt text", loc,
            "describe the picture between the brackets: ![what it shows](...); "
            "screen reader users depend on it"))
    if urlsplit(src).scheme.lower() == "data":
        errors.append(_data_url(src, loc))
        return None
    if is_external(src):
        errors.append(Diagnostic(
            "external-resource", f"image {shown(src)} is loaded from outside the package", loc,
            "packages must work offline: save the file under media/ and link it by relative path"))
        return None
    relpath = resolve(from_file, unquote(urlsplit(src).path))
    if relpath is None:
        errors.append(Diagnostic(
            "path-outside-course", f"image {shown(src)} is outside the course folder", loc,
            "keep media files under the course folder, e.g. media/"))
        return None
    asset = (media or MediaFiles(root)).get(relpath, src, loc, kind, errors)
    if asset is not None:
        image.meta[markdown.ASSET] = relpath
    return asset
