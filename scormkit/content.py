"""Lesson and quiz content as structure: a small frozen tree, and the one renderer of it.

Where it sits: the readers build the tree once from markdown-it tokens
(`scormkit.sources.markdown.content`); the model keeps it (`Lesson.body`, question prompts,
choices, feedback); each writer resolves its references for its own package layout and
renders it, with `to_xhtml` (text) or by walking it into its own XML (QTI 2.x/3.0). Nothing
renders content to a string that is parsed again, and no marker scheme travels in strings.

References are typed nodes that each writer resolves, as Sphinx resolves ``pending_xref``
nodes per builder (`Resolver`):

- `Image`: a course asset, named by its package path; the writer says where the file is
  from the document that shows it (``../media/x.svg``, ``$IMS-CC-FILEBASE$/...``,
  ``@@PLUGINFILE@@/...``);
- `LessonLink`: a link to a lesson, or to a heading of one (`LessonLink.anchor` is the
  heading's element id); the writer gives its href in its layout, or None where following it
  would leave the current SCO (the link text is then emphasised);
- `BlankSlot`: a gap in a fill-in-the-blank prompt, where each writer puts its own input,
  placeholder text or interaction.

Everything else is `Element` (an XHTML element: ``p``, ``em``, ``table``...) and `str` (text,
unescaped). `Raw` is markup a writer inserts itself (Moodle's Cloze syntax); readers never
make it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, assert_never

from scormkit.errors import Location

_BREAKING_SPACE = re.compile("[\t\n\v\f\r \x85\u2028\u2029]+")
"""The white space that only separates words: ASCII spaces and line breaks (and NEL and
the Unicode line and paragraph separators). Every other space is the author's choice and is
kept as written: a no-break space (U+00A0) and the narrow no-break space (U+202F) of French
typography (« Bonjour » , 10 000 €), a thin space (U+2009), an ideographic space.
``str.split()`` would turn them all into plain spaces."""


def one_line(text: str) -> str:
    """*text* on one line: every run of breaking white space (see above) made one space,
    none at either end; no-break, thin and other typographic spaces kept."""
    return _BREAKING_SPACE.sub(" ", text).strip(" ")

_set = object.__setattr__
"""How the frozen classes below set their fields once, when they are made."""


@dataclass(frozen=True, slots=True)
class Asset:
    """A media file copied into packages."""

    source_path: Path
    """Absolute path on disk (once links are followed)."""
    href: str
    """POSIX path inside the package, e.g. ``media/roles.svg``."""
    media_type: str
    data: bytes = field(repr=False, compare=False)
    """The content, read once by the reader that checked it (its type, its safety): writers
    package these bytes, never the file again, which may have changed since."""
    used_at: Location | None = field(default=None, compare=False)
    """Where the course first shows it (for a writer's error about the file)."""


@dataclass(frozen=True, slots=True, init=False)
class Element:
    """An XHTML element of the content (never one of the reference nodes below)."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    """Attributes in source order (the order markdown-it renders them)."""
    children: tuple[Node, ...]
    kinds: int = field(init=False, compare=False, repr=False)
    """Which references it holds (`IMAGE`, `LINK`, `BLANK` bits), worked out once."""
    _spelled: list[str | None] | None = field(init=False, compare=False, repr=False)
    """`to_xhtml` of an element without references, in the markdown-it and the compact
    spelling, once rendered: the same for every page of every writer (a cache)."""

    def __init__(self, tag: str, attrs: tuple[tuple[str, str], ...] = (),
                 children: tuple[Node, ...] = ()) -> None:
        # Written out rather than generated: the readers make one per element of every
        # lesson and quiz, and this sets each field once. Most elements hold one text.
        kinds = 0
        if len(children) != 1 or type(children[0]) is not str or not children[0]:
            children, kinds = _normalized(children)
        _set(self, "tag", tag)
        _set(self, "attrs", attrs)
        _set(self, "children", children)
        _set(self, "kinds", kinds)
        _set(self, "_spelled", None)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


@dataclass(frozen=True, slots=True)
class Image:
    """An image showing a course asset."""

    asset: str
    """The asset's package path (`Asset.href`), e.g. ``media/roles.svg``."""
    alt: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class LessonLink:
    """A link to a lesson of the course, or to a heading in one."""

    lesson: str
    """The target lesson's id."""
    anchor: str
    """Element id of the target heading (``<lesson id>--<slug>``); empty for the lesson."""
    title: str | None
    children: tuple[Node, ...]
    kinds: int = field(default=0, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        children, kinds = _normalized(self.children)
        _set(self, "children", children)
        _set(self, "kinds", LINK | kinds)


@dataclass(frozen=True, slots=True)
class BlankSlot:
    """Where a blank of a fill-in-the-blank prompt goes."""

    blank: str
    """The `scormkit.questions.Blank` id: ``b1``, ``b2``..."""


@dataclass(frozen=True, slots=True)
class Raw:
    """Markup a writer inserts as it is (it vouches for it); readers never make one."""

    markup: str


Node: TypeAlias = str | Element | Image | LessonLink | BlankSlot | Raw
"""One node of content. Text is a plain ``str``: unescaped, never empty, never next to
another ``str`` (so equal content is equal structure)."""


IMAGE, LINK, BLANK = 1, 2, 4
"""Bits of `Element.kinds` and `Content.kinds`: it holds an `Image`, a `LessonLink`, a
`BlankSlot`."""


def _normalized(nodes: tuple[Node, ...]) -> tuple[tuple[Node, ...], int]:
    """*nodes* without empty strings and with adjacent strings joined, and the `kinds` of
    references they hold. (Every node of every lesson and quiz goes through it: exact type
    tests rather than isinstance, and no copy when the nodes are already so.)"""
    if type(nodes) is not tuple:  # a list or a generator, whatever a caller passed
        nodes = tuple(nodes)
    kinds = 0
    after_text = False
    for node in nodes:
        kind = type(node)
        if kind is str:
            if after_text or not node:
                break
            after_text = True
            continue
        after_text = False
        if kind is Element or kind is LessonLink:
            kinds |= node.kinds  # type: ignore[union-attr]  # narrowed by `kind is ...`
        elif kind is Image:
            kinds |= IMAGE
        elif kind is BlankSlot:
            kinds |= BLANK
    else:
        return nodes, kinds
    result: list[Node] = []
    text = ""
    for node in nodes:
        if isinstance(node, str):
            text += node
            continue
        if text:
            result.append(text)
            text = ""
        result.append(node)
    if text:
        result.append(text)
    return _normalized(tuple(result))


BLOCK_TAGS = frozenset(("p", "div", "ul", "ol", "pre", "blockquote", "table", "h1", "h2",
                        "h3", "h4", "h5", "h6", "hr", "dl"))
"""Elements that make content block-level (a choice written as several paragraphs)."""
VOID_TAGS = frozenset(("br", "hr", "img", "input"))
"""Elements written ``<br />`` (XHTML syntax, as markdown-it's ``xhtmlOut`` writes them)."""


@dataclass(frozen=True, slots=True, init=False)
class Content:
    """A fragment of content: block XHTML (prompts, feedback, lesson bodies) or inline
    (a choice that is one paragraph). Empty content is false."""

    nodes: tuple[Node, ...]
    kinds: int = field(init=False, compare=False, repr=False)
    """Which references it holds (`IMAGE`, `LINK`, `BLANK` bits)."""
    _xhtml: str | None = field(init=False, compare=False, repr=False)
    """`to_xhtml` of content that holds no reference: the same for every writer, so it is
    rendered once (a cache; the content itself never changes)."""
    _resolved: dict[Hashable, str] | None = field(init=False, compare=False, repr=False)
    """`to_xhtml` by `Resolver.key`, for resolvers that have one (a cache)."""

    def __init__(self, nodes: tuple[Node, ...] = ()) -> None:
        nodes, kinds = _normalized(nodes)
        _set(self, "nodes", nodes)
        _set(self, "kinds", kinds)
        _set(self, "_xhtml", None)
        _set(self, "_resolved", None)

    @classmethod
    def of(cls, *nodes: Node) -> Content:
        return cls(nodes)

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def __add__(self, other: Content) -> Content:
        return Content(self.nodes + other.nodes)

    def strip(self) -> Content:
        """Without white space at either end (like ``str.strip`` of its rendering)."""
        nodes = list(self.nodes)
        if nodes and isinstance(nodes[0], str):
            nodes[0] = nodes[0].lstrip()
        if nodes and isinstance(nodes[-1], str):
            nodes[-1] = nodes[-1].rstrip()
        if nodes == list(self.nodes):
            return self
        return Content(tuple(nodes))

    def is_blank(self) -> bool:
        """True when there is nothing but white space."""
        return all(isinstance(node, str) and not node.strip() for node in self.nodes)

    def starts_with_block(self) -> bool:
        """True when the first thing in it is a block element (``<p>``, ``<ul>``...)."""
        for node in self.nodes:
            if isinstance(node, str) and not node.strip():
                continue
            return isinstance(node, Element) and node.tag in BLOCK_TAGS
        return False

    def walk(self) -> Iterator[Node]:
        """Every node, depth first, in document order."""
        return _walk(self.nodes)

    def assets(self) -> tuple[str, ...]:
        """Package paths of the images it shows, in order, once each."""
        if not self.kinds & IMAGE:
            return ()
        return tuple(dict.fromkeys(node.asset for node in self.walk()
                                   if isinstance(node, Image)))

    def has_references(self) -> bool:
        """True when it holds an image or a lesson link (something a writer resolves)."""
        return bool(self.kinds & (IMAGE | LINK))

    def plain_text(self) -> str:
        """The text, images replaced by their alt text, breaking white space collapsed
        (`one_line`: no-break and typographic spaces are kept)."""
        parts: list[str] = []
        for node in self.walk():
            if isinstance(node, str):
                parts.append(node)
            elif isinstance(node, Image):
                parts.append(node.alt)
        return one_line("".join(parts))


EMPTY = Content()


def _walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        yield node
        if isinstance(node, Element | LessonLink):
            yield from _walk(node.children)


def _no_lesson_links(_link: LessonLink) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Resolver:
    """How one writer resolves references for one document of its package."""

    asset: Callable[[str], str]
    """Package path of an image -> its ``src`` in the document."""
    lesson: Callable[[LessonLink], str | None] = _no_lesson_links
    """The href of a lesson link, or None: its text is then written as
    ``<em class="lesson-ref">`` (quizzes hold no lesson links: the reader refuses them)."""
    blank: Callable[[BlankSlot], Content] | None = None
    """What stands in a blank's place; None where the writer handles blanks itself."""
    key: Hashable | None = None
    """What the resolution depends on, when resolvers with equal keys always resolve alike
    (the page content is shown on): `to_xhtml` then renders content once per key, for every
    writer. None: nothing is shared."""


def package_paths(href: str) -> str:
    """The identity asset resolver: an image's src is its package path."""
    return href


def reference_element(node: Image | LessonLink, resolver: Resolver) -> Element:
    """The XHTML element a resolved reference becomes."""
    if isinstance(node, Image):
        attrs = [("src", resolver.asset(node.asset)), ("alt", node.alt)]
        if node.title is not None:
            attrs.append(("title", node.title))
        return Element("img", tuple(attrs))
    href = resolver.lesson(node)
    if href is None:
        # Following the link would leave this document's SCO: keep the words, lose the link.
        return Element("em", (("class", "lesson-ref"),), node.children)
    attrs = [("href", href)]
    if node.title is not None:
        attrs.append(("title", node.title))
    return Element("a", tuple(attrs), node.children)


def _blank_content(node: BlankSlot, resolver: Resolver) -> Content:
    if resolver.blank is None:
        raise ValueError(f"blank '{node.blank}' has no resolver: the writer must place it")
    return resolver.blank(node)


# ------------------------------------------------------------------------------------------
# XHTML text


def to_xhtml(content: Content, resolver: Resolver, *, compact: bool | None = None) -> str:
    """*content* as an XHTML fragment, references resolved by *resolver*.

    Two spellings, both well-formed XHTML. Without references it is exactly markdown-it's
    rendering (``<br />``, ``&quot;`` in text). With references it is libxml2's spelling
    (``<br/>``, ``<td/>``, ``"`` unescaped in text, white space in attributes as spaces),
    because before content was structure such fragments were rewritten through lxml, and
    packages stay byte-identical (tests/golden). *compact* forces one spelling; making it
    always False is a one-line change once the golden files may change.
    """
    if not content.kinds and not compact:  # nothing to resolve: the same for every writer
        if content._xhtml is None:
            _set(content, "_xhtml", _written(content, resolver, False))
        assert content._xhtml is not None
        return content._xhtml
    if compact is not None:
        return _written(content, resolver, compact)
    if resolver.key is None:
        return _written(content, resolver, content.has_references())
    resolved = content._resolved
    if resolved is None:
        resolved = {}
        _set(content, "_resolved", resolved)
    markup = resolved.get(resolver.key)
    if markup is None:
        markup = resolved[resolver.key] = _written(content, resolver, content.has_references())
    return markup


def _written(content: Content, resolver: Resolver, compact: bool) -> str:
    out: list[str] = []
    _write(content.nodes, resolver, compact, out)
    return "".join(out)


def _escape_markdown(text: str) -> str:
    """markdown-it's ``escapeHtml``: text and attribute values alike."""
    if not ("&" in text or "<" in text or ">" in text or '"' in text):  # most text
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def xml_text(text: str) -> str:
    """Text as an XML parser reports it: line ends normalised to ``\\n`` (XML 1.0 2.11)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


_ATTRIBUTE_SPACE = str.maketrans("\t\n\r", "   ")


def xml_attribute(value: str) -> str:
    """An attribute value as an XML parser reports it: line ends normalised, then each
    white space character a space (XML 1.0 3.3.3)."""
    return value.replace("\r\n", "\n").translate(_ATTRIBUTE_SPACE)


def _escape_compact_text(text: str) -> str:
    if not ("&" in text or "<" in text or ">" in text or "\r" in text):
        return text
    return xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_compact_attribute(value: str) -> str:
    if not ("&" in value or "<" in value or ">" in value or '"' in value
            or "\n" in value or "\t" in value or "\r" in value):
        return value
    return (xml_attribute(value).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def _write(nodes: tuple[Node, ...], resolver: Resolver, compact: bool, out: list[str],
           cache: bool = True) -> None:
    """Append the markup of *nodes* to *out*; *cache*: keep the markup of the outermost
    elements without references on them (not of the elements inside those)."""
    text = _escape_compact_text if compact else _escape_markdown
    for node in nodes:
        if type(node) is str:  # the most common node, first
            out.append(text(node))
            continue
        match node:
            case str():
                out.append(text(node))
                continue
            case Raw():
                out.append(node.markup)
                continue
            case BlankSlot():
                _write(_blank_content(node, resolver).nodes, resolver, compact, out, cache)
                continue
            case Element() if cache and not node.kinds:  # the same wherever it is shown
                spelled = node._spelled
                if spelled is None:
                    spelled = [None, None]
                    _set(node, "_spelled", spelled)
                markup = spelled[compact]
                if markup is None:
                    inner: list[str] = []
                    _write_element(node, resolver, compact, inner, False)
                    markup = spelled[compact] = "".join(inner)
                out.append(markup)
                continue
            case Element():
                element = node
            case Image() | LessonLink():
                element = reference_element(node, resolver)
            case _:
                assert_never(node)
        _write_element(element, resolver, compact, out, cache)


def _write_element(element: Element, resolver: Resolver, compact: bool, out: list[str],
                   cache: bool) -> None:
    attribute = _escape_compact_attribute if compact else _escape_markdown
    attrs = "".join(f' {name}="{attribute(value)}"' for name, value in element.attrs)
    if not element.children:
        if compact:
            out.append(f"<{element.tag}{attrs}/>")
            return
        if element.tag in VOID_TAGS:
            out.append(f"<{element.tag}{attrs} />")
            return
    out.append(f"<{element.tag}{attrs}>")
    _write(element.children, resolver, compact, out, cache)
    out.append(f"</{element.tag}>")
