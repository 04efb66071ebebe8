"""QTI 1.2 ASI item building shared by the Canvas writer (qti12) and the Common Cartridge
writers (cc11, cc13, whose assessments follow the CC profile of QTI 1.2.1).

Both emit ``questestinterop`` documents in the ``ims_qtiasiv1p2`` namespace with the same
building blocks: ``material``/``mattext`` holding XHTML, ``response_lid`` + ``render_choice``
for choices, ``response_str`` + ``render_fib`` for typed answers, a ``SCORE`` outcome from 0
to 100, ``respcondition``s with ``displayfeedback`` pointing at ``itemfeedback``. What differs
is the item metadata, how image sources are written and the layout of the response
processing (Canvas uses ``or`` and ``Add``; the CC profile has neither), so those stay in the
subclasses: `scormkit.writers.qti12.ItemBuilder` and `scormkit.writers.ccquiz.CcItemBuilder`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from lxml import etree

from scormkit.content import BlankSlot, Content, Resolver, to_xhtml
from scormkit.questions import (
    Choice,
    MultipleResponse,
    Question,
    SingleChoice,
    TrueFalse,
    format_decimal,
)
from scormkit.writers import quizcommon as qc

QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

_NAMES: dict[str, str] = {}


def el(parent: etree._Element | None, tag: str, text: str | None = None,
       **attrs: str) -> etree._Element:
    """A QTI 1.2 element (``continue_`` stands for the ``continue`` attribute)."""
    name = _NAMES.get(tag) or _NAMES.setdefault(tag, f"{{{QTI12}}}{tag}")
    if "continue_" in attrs:
        attrs["continue"] = attrs.pop("continue_")
    element = (etree.Element(name, attrs, nsmap={None: QTI12})
               if parent is None else etree.SubElement(parent, name, attrs))
    if text is not None:
        element.text = text
    return element


def metadata_fields(holder: etree._Element, fields: Iterable[tuple[str, str]]) -> None:
    """``qtimetadatafield``s (fieldlabel, fieldentry) appended to a ``qtimetadata``."""
    for label, entry in fields:
        field = el(holder, "qtimetadatafield")
        el(field, "fieldlabel", label)
        el(field, "fieldentry", entry)


def questestinterop() -> etree._Element:
    return etree.Element(f"{{{QTI12}}}questestinterop", nsmap={None: QTI12, "xsi": XSI})


def serialize(root: etree._Element, schema_location: str) -> bytes:
    """The document, indented (QTI 1.2 keeps all text in leaves), with its schemaLocation."""
    etree.indent(root, space="  ")
    root.set(f"{{{XSI}}}schemaLocation", schema_location)
    return qc.XML_DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"


class ItemBase:
    """The building blocks of one QTI 1.2 ``item``; subclasses lay out a whole item."""

    el = staticmethod(el)

    def __init__(self, question: Question, labels: tuple[str, str], resolver: Resolver
                 ) -> None:
        self.q = question
        self.labels = labels
        """What the two choices of a true/false question say (course language)."""
        self.resolver = resolver
        """How the target writes image sources in a ``mattext``."""
        self.feedback: dict[str, Content] = {}
        """itemfeedback ident -> content, in the order they are first shown."""

    # -- content ----------------------------------------------------------------------

    def material(self, parent: etree._Element, content: Content, *, plain: bool = False,
                 blanks: Callable[[BlankSlot], Content] | None = None) -> etree._Element:
        """``material``/``mattext`` holding *content* as XHTML (or as plain text); *blanks*
        says what a fill-in prompt shows in place of each blank."""
        material = self.el(parent, "material")
        if plain:
            self.el(material, "mattext", content.plain_text(), texttype="text/plain")
        else:
            resolver = dataclasses.replace(self.resolver, blank=blanks, key=None) if blanks else (
                self.resolver)
            self.el(material, "mattext", to_xhtml(content, resolver), texttype="text/html")
        return material

    def item_metadata(self, item: etree._Element, fields: Iterable[tuple[str, str]]) -> None:
        metadata_fields(self.el(self.el(item, "itemmetadata"), "qtimetadata"), fields)

    def label_id(self, local: str) -> str:
        return f"{self.q.id}-{local}"

    def choice_presentation(self, item: etree._Element, prompt: Content,
                            choices: Sequence[Choice], answer_ids: Sequence[str], *,
                            single: bool, shuffle: bool) -> None:
        """The prompt and one ``response_label`` per choice; a pinned choice keeps its place
        (``rshuffle="No"``) when the others are shuffled."""
        presentation = self.el(item, "presentation")
        self.material(presentation, prompt)
        lid = self.el(presentation, "response_lid", ident="response1",
                      rcardinality="Single" if single else "Multiple")
        render = self.el(lid, "render_choice", shuffle="Yes" if shuffle else "No")
        for choice, ident in zip(choices, answer_ids, strict=True):
            label = self.el(render, "response_label", ident=ident)
            if shuffle and choice.pinned:
                label.set("rshuffle", "No")
            self.material(label, choice.text)

    def choices_presentation(self, item: etree._Element, q: SingleChoice | MultipleResponse,
                             answer_ids: Sequence[str]) -> None:
        self.choice_presentation(item, q.prompt, q.choices, answer_ids,
                                 single=isinstance(q, SingleChoice), shuffle=q.shuffle)

    def true_false_presentation(self, item: etree._Element, q: TrueFalse,
                                answer_ids: Sequence[str]) -> None:
        """The statement and the two labels (true first), as plain text."""
        presentation = self.el(item, "presentation")
        self.material(presentation, q.prompt)
        lid = self.el(presentation, "response_lid", ident="response1", rcardinality="Single")
        render = self.el(lid, "render_choice")
        for ident, text in zip(answer_ids, self.labels, strict=True):
            label = self.el(render, "response_label", ident=ident)
            self.el(self.el(label, "material"), "mattext", text, texttype="text/plain")

    def text_response(self, presentation: etree._Element, decimal: bool = False) -> None:
        """One typed answer: ``response_str`` ``response1`` rendered as a ``render_fib``."""
        response = self.el(presentation, "response_str", ident="response1",
                           rcardinality="Single")
        render = self.el(response, "render_fib")
        if decimal:
            render.set("fibtype", "Decimal")
        self.el(render, "response_label", ident="answer1", rshuffle="No")

    # -- response processing ----------------------------------------------------------

    def outcomes(self, item: etree._Element) -> etree._Element:
        """``resprocessing`` declaring the one outcome both flavours use: SCORE, 0 to 100."""
        rp = self.el(item, "resprocessing")
        self.el(self.el(rp, "outcomes"), "decvar", maxvalue="100", minvalue="0",
                varname="SCORE", vartype="Decimal")
        return rp

    def condition(self, rp: etree._Element, *, cont: bool = False) -> tuple[
            etree._Element, etree._Element]:
        respcondition = self.el(rp, "respcondition", continue_="Yes" if cont else "No")
        return respcondition, self.el(respcondition, "conditionvar")

    def varequal(self, parent: etree._Element, respident: str, value: str,
                 **attrs: str) -> etree._Element:
        return self.el(parent, "varequal", value, respident=respident, **attrs)

    def setvar(self, respcondition: etree._Element, value: Decimal, action: str = "Set"
               ) -> None:
        self.el(respcondition, "setvar", format_decimal(value), action=action, varname="SCORE")

    def show(self, respcondition: etree._Element, ident: str, content: Content) -> None:
        """Display the feedback *ident* (written as an ``itemfeedback`` by `feedbacks`)."""
        if content:
            self.feedback[ident] = content
            self.el(respcondition, "displayfeedback", feedbacktype="Response", linkrefid=ident)

    def feedbacks(self, item: etree._Element) -> None:
        """One ``itemfeedback`` per feedback shown, in the order first shown."""
        for ident, content in self.feedback.items():
            feedback = self.el(item, "itemfeedback", ident=ident)
            self.material(self.el(feedback, "flow_mat"), content)
