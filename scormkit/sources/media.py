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
from scormkit.errors import Diagnostic, Location
from scormkit.sources import markdown

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


def check_image(
    image: Token,
    loc: Location,
    from_file: str,
    root: Path,
    errors: list[Diagnostic],
    *,
    kind: str = "lesson",
) -> Asset | None:
    """Check the image token *image* of the course file *from_file* (a path relative to
    *root*); mark it with its asset and return the Asset, or record why it cannot be used. *kind*
    names the file in hints ("lesson", "quiz")."""
    src = str(image.attrGet("src") or "")
    if not markdown.inline_text(image):
        errors.append(Diagnostic(
            "image-missing-alt", f"image '{src}' has no alt text", loc,
            "describe the picture between the brackets: ![what it shows](...); "
            "screen reader users depend on it"))
    if is_external(src):
        errors.append(Diagnostic(
            "external-resource", f"image '{src}' is loaded from outside the package", loc,
            "packages must work offline: save the file under media/ and link it by relative path"))
        return None
    relpath = resolve(from_file, unquote(urlsplit(src).path))
    if relpath is None:
        errors.append(Diagnostic(
            "path-outside-course", f"image '{src}' is outside the course folder", loc,
            "keep media files under the course folder, e.g. media/"))
        return None
    path = root / relpath
    media_type = MEDIA_TYPES.get(PurePosixPath(relpath).suffix.lower())
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        # A link out of the course would copy an unrelated file of this machine into the zip.
        errors.append(Diagnostic(
            "path-outside-course", f"image '{src}' is a link to a file outside the course", loc,
            "copy the file into the course folder instead of linking to it"))
        return None
    if not path.is_file():
        errors.append(Diagnostic(
            "file-missing", f"image '{src}' does not exist (looked for {relpath})", loc,
            f"fix the path (it is relative to the {kind} file) or add the file"))
        return None
    if media_type is None:
        errors.append(Diagnostic(
            "unsupported-media", f"'{src}' is not an image type browsers show everywhere", loc,
            f"use one of: {', '.join(sorted(MEDIA_TYPES))}"))
        return None
    image.meta[markdown.ASSET] = relpath
    return Asset(path.resolve(), relpath, media_type)
