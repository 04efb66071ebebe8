"""Property tests: whatever the sources contain, reading them either works or ends in a
located ScormkitError; whatever text the metadata holds, the packages stay well-formed XML;
derived identifiers are always NCNames."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from scormkit import ids
from scormkit.build import build_package
from scormkit.content import one_line
from scormkit.errors import ScormkitError
from scormkit.sources import load_course

from .conftest import xhtml

SLOW = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BUILDS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
XML_ILLEGAL_CHARS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
XML_ILLEGAL_CHARS += "\ufffe\uffff"
LESSON = "lessons/01-intro.md"
OTHER_LESSON = "lessons/02-other.md"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'

# Pieces that steer random text into Markdown and YAML constructs the readers check.
MARKDOWN_PIECES = [
    "\n", "\n\n", "## ", "# ", "### ", "#### ", "###### ", "=\n", "---", "\n---\n", "![", "[",
    "]", "](", ")", "(", "../", "./", "media/", "a.svg", "missing.png", ".bmp", "02-other.md",
    "01-intro.md", "#other", "#intro", "#", "http://example.org/x.png", "//cdn/x", "/abs",
    "%20", "%00", "%", "café", "::: note", "::: tip T", ":::", "| a | b |\n| - | - |\n",
    "`", "*", "_", "<", ">", "&", "&#0;", "&#x1;", "&#xD800;", "]]>", '"', "'", "\\", "\t",
    "    ", "> ", "- ", "1. ", "\u2028", "\x85", "\u202e", "😀", "\x01", "\x0b", "\r", "\r\n",
    "\ufeff", "title: x", "id: ", "objectives:", "minutes: 3",
]
markdownish = st.lists(
    st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=8)), max_size=40
).map("".join)
front_matter = st.one_of(
    st.just("title: Random\n"),
    st.builds(
        lambda title, extra: f"title: {title}\n{extra}",
        st.text(max_size=20).filter(lambda t: "\n" not in t and "\r" not in t),
        markdownish,
    ),
    markdownish,
)


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", errors="surrogatepass", newline="")
    return root


def _course(lesson: str | bytes, course_yaml: str | None = None) -> dict[str, str | bytes]:
    return {
        "course.yaml": course_yaml if course_yaml is not None else (
            "id: prop\ntitle: Property course\nlanguage: en\nversion: '1'\n"
            f"lessons:\n  - {LESSON}\n  - {OTHER_LESSON}\n"
        ),
        LESSON: lesson,
        OTHER_LESSON: "---\ntitle: Other\n---\n\n## Other\n\nSee [intro](01-intro.md).\n",
        "media/a.svg": SVG,
        "media/a.bmp": "BM",
    }


def _load_or_located_error(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "course", files).resolve()
        try:
            course = load_course(root)
        except ScormkitError as error:
            diagnostics = error.diagnostics()
            assert diagnostics
            for diagnostic in diagnostics:
                assert diagnostic.location is not None, diagnostic
                path = Path(diagnostic.location.path)
                if not path.is_absolute():
                    path = Path.cwd() / path
                assert path.resolve().is_relative_to(root), diagnostic
                line = diagnostic.location.line
                assert line is None or line >= 1, diagnostic
                assert diagnostic.render()
        else:
            assert [x.id for x in course.lessons] == ["lesson-01-intro", "lesson-02-other"]
            for lesson in course.lessons:
                etree.fromstring(f"<div>{xhtml(lesson.body)}</div>".encode())


# --- (1) any lesson file: a Course or a located ScormkitError, nothing else ------------------


@SLOW
@given(head=front_matter, body=markdownish)
@example(head="title: T\n", body="![](../media/a.svg) [x](02-other.md#nope)\n# H\n#### Deep\n")
@example(head="title: T\n", body="![a](%00.png) ![b](../../x.png) ![c](../media/a.bmp)\n")
@example(head="title: T\n", body="[a](café.md)\n\n&#0; &#xD800; ]]>")
@example(head="title: 'a\\x01'\nobjectives: ['\\x1c']\n", body="text\n")
@example(head='title: "\\x01"\nobjectives: ["\\ud800"]\n', body="text\n")
@example(head="1: x\nyes: no\n~: n\ntitle: t\n", body="")
@example(head="title: [a\n", body="")
def test_any_lesson_loads_or_fails_with_located_errors(head, body):
    _load_or_located_error(_course(f"---\n{head}\n---\n\n{body}"))


@SLOW
@given(content=st.one_of(st.text(), markdownish, st.binary(max_size=200)))
@example(content="---\n---")
@example(content="---\ntitle: x\n")
@example(content=b"---\ntitle: caf\xe9\n---\n")
@example(content="\ufeff")
@example(content="")
def test_any_lesson_file_content_loads_or_fails_with_located_errors(content):
    _load_or_located_error(_course(content))


@SLOW
@given(content=st.one_of(st.text(), markdownish, st.binary(max_size=200)))
@example(content="id: a\n\x01")
@example(content="? [a, b]\n: c\n")
@example(content="lessons: [../x.md, /a.md, a\\b.md, x.txt, '', 1]\n")
@example(content="tracking: {passing_score: .nan, completion: [1]}\n")
def test_any_course_yaml_loads_or_fails_with_located_errors(content):
    files = _course("---\ntitle: T\n---\n")
    files["course.yaml"] = content
    _load_or_located_error(files)


# --- (2) any metadata text survives into well-formed, exact XML ------------------------------

xml_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters=XML_ILLEGAL_CHARS),
    max_size=30,
)
tricky = st.sampled_from([
    "<", ">", "&", "&amp;", "]]>", '"', "'", "<![CDATA[x]]>", "<!-- c -->", "</title>",
    "שלום", "مرحبا", "\u202e", "\u200f", "😀", "𝔘𝔫𝔦", "\U0010fffd", "\x7f", "\x85", "\xa0",
    "{{ x }}", "{% raw %}", "\\", "#", ": ", " - ",
])
meta_text = st.lists(st.one_of(tricky, xml_text), min_size=1, max_size=6).map("".join)


def _normalized(text: str) -> str:
    # Breaking white space collapsed, no-break and typographic spaces kept, as the sources
    # read titles (scormkit.content.one_line).
    return one_line(text)


def _one_line_body(text: str) -> str:
    # Kept to paragraphs: no '[' (no links or images), and every line starts with a word, so
    # random text cannot form headings or setext underlines that the readers rightly refuse.
    return "\n\n".join(f"Text {line}" for line in text.replace("[", "(").splitlines() or [""])


@BUILDS
@given(
    title=meta_text.filter(lambda t: _normalized(t).strip() and len(_normalized(t)) <= 200),
    description=meta_text,
    keywords=st.lists(meta_text.filter(lambda t: _normalized(t).strip() != ""), max_size=3),
    lesson_title=meta_text.filter(
        lambda t: _normalized(t).strip() and len(_normalized(t)) <= 200),
    body=meta_text,
)
@example(title="]]> & <b>\"'", description="&", keywords=["<"], lesson_title="&lt;", body="]]>")
@example(
    title="שלום 😀 \u202eabc", description="", keywords=[], lesson_title="𝔘", body="\U0010fffd"
)
def test_any_metadata_text_gives_well_formed_packages(
    title, description, keywords, lesson_title, body
):
    meta = {"id": "prop", "title": title, "language": "en", "version": "1.0",
            "keywords": keywords, "lessons": [LESSON]}
    if _normalized(description).strip():  # white space alone, no-break too, is empty
        meta["description"] = description
    course_yaml = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    lesson = "---\n" + yaml.safe_dump({"title": lesson_title}, allow_unicode=True) + "---\n\n"
    lesson += f"## {_one_line_body(body).splitlines()[0]}\n\n{_one_line_body(body)}\n"
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "course", {"course.yaml": course_yaml, LESSON: lesson})
        result = build_package(root, "scorm12", Path(tmp) / "dist")
        with zipfile.ZipFile(result.path) as zf:
            manifest = etree.fromstring(zf.read("imsmanifest.xml"))
            page = etree.fromstring(zf.read("index.html"))
    organization = manifest.find(f"{CP}organizations/{CP}organization")
    assert organization is not None
    assert organization.findtext(f"{CP}title") == _normalized(title)
    page_text = "".join(page.itertext())
    assert _normalized(lesson_title) in _normalized(page_text)


@settings(max_examples=60, deadline=None)
@given(
    before=xml_text, after=xml_text, bad=st.sampled_from(XML_ILLEGAL_CHARS),
    where=st.sampled_from(["title", "description", "keyword", "lesson-title", "objective"]),
)
@example(before="a", after="b", bad="\x1c", where="title")
@example(before="", after="", bad="\ufffe", where="keyword")
def test_xml_illegal_characters_in_metadata_are_refused(before, after, bad, where):
    value = before + bad + after
    meta = {"id": "prop", "title": "T", "language": "en", "version": "1", "lessons": [LESSON]}
    front = {"title": "Lesson"}
    if where == "title":
        meta["title"] = value
    elif where == "description":
        meta["description"] = value
    elif where == "keyword":
        meta["keywords"] = ["ok", value]
    elif where == "lesson-title":
        front["title"] = value
    else:
        front["objectives"] = [value]
    # safe_dump spells the character as a quoted-string escape, which YAML then decodes.
    files = {
        "course.yaml": yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
        LESSON: "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\nText.\n",
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "course", files)
        try:
            load_course(root)
        except ScormkitError as error:
            codes = {d.code for d in error.diagnostics()}
        else:
            raise AssertionError(f"{value!r} in {where} was accepted")
    assert codes <= {"illegal-character", "bad-value"}, codes
    assert codes


@settings(max_examples=60, deadline=None)
@given(before=xml_text.map(lambda t: t.replace("\r", "")), bad=st.sampled_from(XML_ILLEGAL_CHARS),
       blank_lines=st.integers(0, 3))
def test_xml_illegal_characters_in_a_lesson_body_are_refused_on_their_line(
    before, bad, blank_lines
):
    text = "---\ntitle: T\n---\n" + "\n" * blank_lines + f"Text {before}{bad}\n"
    expected_line = 4 + blank_lines + before.count("\n")
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "course", _course(text))
        try:
            load_course(root)
        except ScormkitError as error:
            found = [(d.code, d.location.line if d.location else None)
                     for d in error.diagnostics()]
        else:
            raise AssertionError("accepted")
    assert found == [("illegal-character", expected_line)]


# --- (3) identifiers --------------------------------------------------------------------------

NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@settings(max_examples=300, deadline=None)
@given(value=st.text(), prefix=st.from_regex(NCNAME, fullmatch=True))
@example(value="", prefix="lesson")
@example(value="---", prefix="lesson")
@example(value="01-intro", prefix="lesson")
@example(value=".hidden", prefix="x")
@example(value="été ünï", prefix="lesson")
@example(value="a\n", prefix="lesson")
def test_to_ncname_always_gives_an_ncname(value, prefix):
    name = ids.to_ncname(value, prefix)
    assert ids.is_ncname(name)
    assert NCNAME.fullmatch(name)
    assert ids.to_ncname(value, prefix) == name  # stable


@settings(max_examples=200, deadline=None)
@given(value=st.text())
def test_heading_slug_gives_anchor_text(value):
    """Anchors keep letters of every script (tests/test_slugs.py checks each use)."""
    slug = ids.heading_slug(value)
    assert slug and not re.search(r"\s", slug) and slug == ids.heading_slug(value)


@settings(max_examples=200, deadline=None)
@given(value=st.text(alphabet=st.sampled_from("aZ_09.-:\n é"), max_size=6))
@example(value="abc\n")
def test_is_ncname_agrees_with_the_ncname_grammar(value):
    assert ids.is_ncname(value) == bool(NCNAME.fullmatch(value))
