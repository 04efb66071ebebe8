"""Content as structure (scormkit.content) and its construction from Markdown
(scormkit.sources.markdown.content).

- the tree the reader builds renders to exactly what markdown-it's own renderer writes for the
  same tokens (markdown-it is the reference), and its compact spelling to exactly what libxml2
  writes after parsing that (lxml is the reference), on arbitrary Markdown;
- references (images, lesson links, blanks) are resolved by the writer's resolver;
- the helpers writers rely on: assets, plain text, block detection, emptiness, joining.
"""

from __future__ import annotations

import html

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from scormkit.content import (
    EMPTY,
    BlankSlot,
    Content,
    Element,
    Image,
    LessonLink,
    Raw,
    Resolver,
    package_paths,
    to_xhtml,
)
from scormkit.sources import markdown

PATHS = Resolver(package_paths)

# Pieces that steer random text into every construct the shared parser knows.
PIECES = [
    "\n", "\n\n", "## ", "### ", "#### ", "Title\n===\n", "---\n", "***", "  \n", "\\\n",
    "*", "**", "_", "~~", "`", "``", "```python\n", "```\n", "~~~ js x\n", "    ", "\t",
    "> ", ">> ", "- ", "* ", "1. ", "3) ", "   - ", "  > ", "[", "]", "(", ")", "](", '"',
    "'", "&", "&amp;", "&copy;", "&#0;", "&#13;", "&#9;", "&#x1F600;", "<", ">", "<b>x</b>",
    "<!-- c -->",
    "![alt *em* `c`](media/a.svg \"T\")", "![](b.png)", "[link](https://e.org \"t\")",
    "[rel](02-x.md#part)", "<https://auto.link>", "::: note\n", "::: tip Own title\n",
    "::: warning\n", ":::\n", "| a | b |\n|:-|-:|\n| 1 |  |\n", "| x |\n| --- |\n", "\u00a0",
    "\u2028", "😀", "café", "{pin}", "[[blank|b]]", "\\*", "\\[",
]
_XML_TEXT = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
markdown_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(_XML_TEXT, max_size=6)), max_size=30,
).map("".join)


def lxml_spelling(xhtml_text: str) -> str:
    """What the fragment becomes once parsed and serialised by lxml (libxml2)."""
    wrapper = etree.fromstring(f"<div>{xhtml_text}</div>")
    return html.escape(wrapper.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode") for child in wrapper)


@settings(max_examples=400, deadline=None)
@given(text=markdown_text)
@example(text="- a\n  > q\n- b\n  ```\n  x\n  ```\n")  # tight: <li>a\n<blockquote>
@example(text="- a\n\n  b\n- \n")
@example(text="| a | b |\n|:-|-:|\n|  | ![x\ny](i.png \"t\") |\n")
@example(text="::: note\n- x\n:::\n\n```py\n<&>\"\n```\n")
@example(text="a  \nb\\\nc \"d\" & <e>&#13;\r\n[l](u \"&#13;&#9;\")")
def test_the_tree_is_markdown_its_rendering(text):
    md = markdown.parser()
    tokens = md.parse(text)
    tree = markdown.content(tokens)
    expected = md.renderer.render(tokens, md.options, {})
    assert to_xhtml(tree, PATHS, compact=False) == expected
    assert to_xhtml(tree, PATHS, compact=True) == lxml_spelling(expected)


def test_inline_content_of_a_heading():
    md = markdown.parser()
    inline = md.parse("## A *b* `c`\n")[1]
    assert markdown.inline_content(inline) == Content.of(
        "A ", Element("em", (), ("b",)), " ", Element("code", (), ("c",)))


# ------------------------------------------------------------------------------------------
# References


def test_images_resolve_per_document_and_keep_their_title():
    content = Content.of(Element("p", (), (Image("media/a b.svg", 'A "quote"\nhere', "T"),)))
    deep = Resolver(lambda href: "../" + href)
    # A fragment with a reference is written in libxml2's spelling (see to_xhtml).
    assert to_xhtml(content, deep) == (
        '<p><img src="../media/a b.svg" alt="A &quot;quote&quot; here" title="T"/></p>')
    assert to_xhtml(content, deep, compact=False) == (
        '<p><img src="../media/a b.svg" alt="A &quot;quote&quot;\nhere" title="T" /></p>')


def test_lesson_links_become_links_or_emphasis():
    link = LessonLink("lesson-2", "lesson-2--part", "Part", ("the ", Element("em", (), ("part",))))
    content = Content.of("See ", link, ".")
    here = Resolver(package_paths, lambda ref: f"#{ref.anchor or ref.lesson}")
    assert to_xhtml(content, here) == (
        'See <a href="#lesson-2--part" title="Part">the <em>part</em></a>.')
    # None: following the link would leave the SCO; the words stay, emphasised.
    assert to_xhtml(content, PATHS) == 'See <em class="lesson-ref">the <em>part</em></em>.'


def test_blanks_are_what_the_writer_puts_there():
    prompt = Content.of(Element("p", (), ("A ", BlankSlot("b1"), " & ", BlankSlot("b2"))))
    gaps = Resolver(package_paths, blank=lambda slot: Content.of(f"[{slot.blank}]"))
    assert to_xhtml(prompt, gaps) == "<p>A [b1] &amp; [b2]</p>"
    with pytest.raises(ValueError, match="b1"):
        to_xhtml(prompt, PATHS)


def test_raw_markup_is_written_as_it_is():
    cloze = Resolver(package_paths, blank=lambda _slot: Content.of(Raw('{1:SA:%100%a\\"b}')))
    assert to_xhtml(Content.of("x ", BlankSlot("b1")), cloze) == 'x {1:SA:%100%a\\"b}'


def test_markdown_spelling_of_void_and_empty_elements():
    content = Content.of(Element("p", (), ("a", Element("br"), "\n", '"b"')),
                         Element("td"), Element("hr"))
    assert to_xhtml(content, PATHS) == '<p>a<br />\n&quot;b&quot;</p><td></td><hr />'
    assert to_xhtml(content, PATHS, compact=True) == '<p>a<br/>\n"b"</p><td/><hr/>'


# ------------------------------------------------------------------------------------------
# Helpers


def test_text_nodes_are_merged_so_equal_content_is_equal():
    assert Content.of("a", "", "b", Element("em", (), ("c", "d"))) == Content.of(
        "ab", Element("em", (), ("cd",)))
    assert Content.of("a") + Content.of("b") == Content.of("ab")
    assert not EMPTY and not Content.of("") and Content.of(" ")


def test_strip_blank_and_block():
    assert Content.of("  a ", Element("b"), " c  ").strip() == Content.of(
        "a ", Element("b"), " c")
    assert Content.of(" \n ").is_blank() and EMPTY.is_blank()
    assert not Content.of(Element("br")).is_blank()
    assert Content.of("\n", Element("ul")).starts_with_block()
    assert not Content.of("x", Element("p")).starts_with_block()
    assert not Content.of(Image("a.svg", "a"), Element("p")).starts_with_block()


def test_assets_in_order_once_and_plain_text():
    content = Content.of(
        Element("p", (), ("One ", Image("media/b.svg", "B pic"), " two")),
        LessonLink("l", "", None, (Image("media/a.svg", "A"),)),
        Image("media/b.svg", "again"), BlankSlot("b1"))
    assert content.assets() == ("media/b.svg", "media/a.svg")
    assert content.has_references()
    assert content.plain_text() == "One B pic twoAagain"
    assert not Content.of(Element("p", (), ("x",)), BlankSlot("b1")).has_references()


# ------------------------------------------------------------------------------------------
# Resolution per page (writers/web.py), shared between targets


def test_each_page_resolves_links_and_images_for_itself(make_course, tmp_path):
    from scormkit.sources import load_course
    from scormkit.writers import web

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'
    fm = "---\ntitle: {}\n---\n\n"
    course = load_course(make_course(tmp_path, {
        "lessons/01-a.md": fm.format("A") + "## Here\n\n![Dot](../media/d.svg) "
                           "[up](#here) [to b](02-b.md) [b part](02-b.md#there \"T\")\n",
        "lessons/02-b.md": fm.format("B") + "## There\n\n[to a](01-a.md)\n",
        "media/d.svg": svg,
    }))

    def body(page: bytes, lesson_id: str) -> str:
        root = etree.fromstring(page)
        (section,) = root.xpath("//*[@id=$id]//*[@class='sk-lesson-body']", id=lesson_id)
        return etree.tostring(section, encoding="unicode")

    for _round in range(2):  # the second round is served from the per-page renderings
        single = web.single_page(course, "scorm12")
        first = body(single, "lesson-01-a")
        assert '<img src="media/d.svg" alt="Dot"/>' in first
        assert '<a href="#lesson-01-a--here">up</a>' in first
        assert '<a href="#lesson-02-b">to b</a>' in first
        assert '<a href="#lesson-02-b--there" title="T">b part</a>' in first
        pages = web.lesson_pages(course, "scorm12")
        own = body(pages["lessons/01-a.html"], "lesson-01-a")
        assert '<img src="../media/d.svg" alt="Dot"/>' in own
        assert '<a href="#lesson-01-a--here">up</a>' in own
        # Another lesson is another SCO: no link out of this one.
        assert '<em class="lesson-ref">to b</em>' in own
        assert '<em class="lesson-ref">b part</em>' in own
        assert '<em class="lesson-ref">to a</em>' in body(pages["lessons/02-b.html"],
                                                          "lesson-02-b")
        assert '<a href="#lesson-01-a">to a</a>' in body(single, "lesson-02-b")
