"""The answer part of a quiz question: answer lists, blanks and feedback quotes.

`AnswerReader` is the base of the quiz reader (sources/quiz.py): one method per question
type turns the tokens of the answer list into model objects and records every problem as a
located Diagnostic.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from markdown_it.token import Token

from scormkit.content import EMPTY, Content
from scormkit.errors import Diagnostic, Location, SourceError, shown
from scormkit.questions import (
    MAX_CHOICES,
    Blank,
    Choice,
    Feedback,
    MatchItem,
    MatchPair,
    NumericAnswer,
    OrderItem,
    TrueFalse,
    short_id,
)
from scormkit.sources import markdown
from scormkit.sources import quiz_tokens as qt
from scormkit.sources.fields import check_keys
from scormkit.sources.media import block_location
from scormkit.sources.yamlfile import YamlDoc, load_yaml_mapping

CHOICE_KEYS = ("pin",)
FEEDBACK_LABELS = ("correct", "incorrect", "feedback", "grading")
NAMES = {"single": "single-choice", "multiple": "multiple-response", "truefalse": "true/false",
         "fill": "fill-in-the-blank", "numeric": "numeric", "matching": "matching",
         "ordering": "ordering", "essay": "essay"}
"""Question type keyword -> how messages name it."""

# Regular expressions applied to the text of ONE token (never to the whole file).
_MARKER = re.compile(r"^\[([ xX])\](?:\s+|$)")
_GLUED_MARKER = re.compile(r"^(\[[ xX]\])([^\s\[\]]{1,20})")
"""A box with the text stuck to it (``[x]Text``): CommonMark reads it as text, not a box."""
LABEL = re.compile(r"^\s*(" + "|".join(FEEDBACK_LABELS) + r")\s*:\s*", re.IGNORECASE)
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_EXACT = re.compile(rf"^({_NUMBER})$")
_TOLERANCE = re.compile(rf"^({_NUMBER})\s*(?:\+-|\+/-|±)\s*({_NUMBER})$")
_RANGE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})$")
_ARROW = re.compile(r"\s*(?:->|→)\s*")
_BREAKS = ("softbreak", "hardbreak")
_BLANK = re.compile(r"\[\[(.*?)\]\]")


def decimal_value(text: str) -> Decimal | None:
    """A number written in the source, or None when it is out of the range writers handle."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or len(number.as_tuple().digits) > 20 or (
            number and not -12 <= number.adjusted() <= 15):
        return None
    return number


@dataclass
class _Item:
    """One list item of an answer list."""

    content: list[list[Token]]
    feedback: list[Token] | None
    loc: Location
    marker: str | None = None
    """' ', 'x' or 'X' when the item starts with a task marker (removed from the tokens)."""

    @property
    def inline(self) -> Token | None:
        return qt.inline_of(self.content[0]) if self.content else None


class AnswerReader:
    """Answer lists and feedback; the quiz reader subclasses it."""

    def __init__(self, shown: str, errors: list[Diagnostic]) -> None:
        self.shown = shown
        self.errors = errors
        self.lines: list[str] = []

    def loc(self, token: Token | list[Token], needle: str | None = None) -> Location:
        block = token[0] if isinstance(token, list) else token
        return block_location(self.shown, self.lines, block, needle)

    def error(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        self.errors.append(Diagnostic(code, message, loc, hint))

    def label(self, block: list[Token]) -> str | None:
        inner = qt.inner(block)
        inline = qt.inline_of(inner[0]) if inner else None
        if inline is None or not inline.children or inline.children[0].type != "text":
            return None
        match = LABEL.match(inline.children[0].content)
        return match.group(1).lower() if match else None

    def feedback(self, blocks: list[list[Token]], kind: str) -> tuple[Feedback, Content]:
        """Question feedback and, for essays, the grading notes."""
        allowed = ("feedback", "grading") if kind == "essay" else (
            "correct", "incorrect", "feedback")
        found: dict[str, Content] = {}
        for label, loc, parts in self.feedback_segments(blocks):
            text = qt.block_content(parts)
            if text.is_blank():
                self.error("empty-feedback", f"the '{label.capitalize()}:' feedback is empty",
                           loc, "write the feedback after the colon, or remove it")
            elif label not in allowed:
                self.error("feedback-not-allowed",
                           f"'{label.capitalize()}:' feedback does not apply to "
                           f"{NAMES[kind]} questions", loc,
                           "essays take 'Feedback:' and 'Grading:' (notes for graders); other "
                           "questions take 'Correct:', 'Incorrect:' and 'Feedback:'")
            elif label in found:
                self.error("duplicate-feedback", f"'{label.capitalize()}:' feedback is given "
                           "twice", loc, "merge the two into one")
            else:
                found[label] = text
        feedback = Feedback(found.get("correct", EMPTY), found.get("incorrect", EMPTY),
                            found.get("feedback", EMPTY))
        return feedback, found.get("grading", EMPTY)

    def feedback_segments(self, blocks: list[list[Token]]
                          ) -> list[tuple[str, Location, list[list[Token]]]]:
        """Split labelled quotes into (label, location, blocks). A line that starts with a
        label starts a new segment, even inside a paragraph (``> Correct: ...`` directly
        followed by ``> Incorrect: ...``); other blocks belong to the segment before them."""
        segments: list[tuple[str, Location, list[list[Token]]]] = []
        for quote in blocks:
            for block in qt.inner(quote):
                inline = qt.inline_of(block)
                if inline is None or block[0].type != "paragraph_open":
                    if segments:
                        segments[-1][2].append(block)
                    continue
                line = (block[0].map[0] + 1) if block[0].map else None
                run: list[Token] = []
                runs: list[tuple[int | None, list[Token]]] = [(line, run)]
                siblings = inline.children or []
                for index, child in enumerate(siblings):
                    after_break = index > 0 and siblings[index - 1].type in _BREAKS
                    if after_break and child.type == "text" and LABEL.match(child.content):
                        run.pop()  # the line break ending the previous line
                        if line is not None:
                            line += sum(1 for c in run if c.type in _BREAKS) + 1
                        run = []
                        runs.append((line, run))
                    run.append(child)
                for number, children in runs:
                    match = LABEL.match(children[0].content) if children and (
                        children[0].type == "text") else None
                    if match:
                        qt.strip_leading(children, LABEL)
                        segments.append((match.group(1).lower(), Location(self.shown, number),
                                         []))
                    if children and segments:
                        segments[-1][2].append(qt.paragraph(children))
        return segments

    def items(self, answers: list[Token], *, markers: bool) -> list[_Item]:
        items: list[_Item] = []
        for item_block in qt.inner(answers):
            inner = qt.inner(item_block)
            feedback = None
            if len(inner) > 1 and qt.is_block(inner[-1], "blockquote_open"):
                feedback = inner.pop()
            item = _Item(inner, feedback, self.loc(item_block))
            if markers and (inline := item.inline) is not None and inline.children:
                raw_marker = _MARKER.match(inline.content)
                if raw_marker and qt.strip_leading(inline.children, _MARKER):
                    item.marker = raw_marker.group(1)
            items.append(item)
        return items

    def item_feedback(self, item: _Item) -> Content:
        if item.feedback is None:
            return EMPTY
        text = qt.block_content(qt.inner(item.feedback))
        if text.is_blank():
            self.error("empty-feedback", "this answer's feedback is empty",
                       self.loc(item.feedback), "write it after '>' or remove the quote")
        return text

    def no_item_feedback(self, item: _Item, kind: str) -> None:
        if item.feedback is not None:
            self.error("feedback-not-allowed", f"items of {kind} questions have no feedback "
                       "of their own", self.loc(item.feedback),
                       "use '> Correct:' / '> Incorrect:' quotes after the list instead")

    def item_settings(self, item: _Item) -> dict[str, Any]:
        """``{pin}`` at the end of a choice's first paragraph."""
        inline = item.inline
        if inline is None or not inline.children:
            return {}
        raw = inline.content
        last = inline.children[-1]
        tail = qt.SETTINGS.search(last.content) if last.type == "text" else None
        found = qt.SETTINGS.search(raw)
        if found is None or qt.ESCAPED_SETTINGS.search(raw) or tail is None:
            return {}
        start = item.content[0][0].map[0] if item.content[0][0].map else 0
        line = start + 1 + raw[:found.start()].count("\n")
        try:
            doc = load_yaml_mapping(tail.group().strip(), self.shown, line_offset=line - 1)
        except SourceError as exc:
            self.errors.append(exc.diagnostic)
            return {}
        last.content = last.content[:tail.start()].rstrip()
        if not last.content:
            inline.children.pop()
        self.check_settings(doc, CHOICE_KEYS, "choice")
        return {"pin": self.flag(doc, doc.data, "pin", (), False)}

    def check_settings(self, doc: YamlDoc, allowed: tuple[str, ...], what: str) -> None:
        found: list[Diagnostic] = []
        check_keys(doc, doc.data, (), allowed, (), found)
        self.errors.extend(
            dataclasses.replace(d, message=d.message.replace("the top level", f"the {what} "
                                                             "settings")) for d in found)

    def flag(self, doc: YamlDoc, data: dict[str, Any], key: str, at: tuple[Any, ...],
             default: bool) -> bool:
        """A yes/no setting; a bare key (``{partial}``) means yes."""
        if key not in data:
            return default
        value = data[key]
        if value is None:
            return True
        if not isinstance(value, bool):
            self.error("bad-value", f"'{key}' must be true or false, not {shown(value)}",
                       doc.loc(*at, key), f"write {key}: true or {key}: false")
            return default
        return value

    def choices(self, answers: list[Token], kind: str, loc: Location
                ) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        seen: set[str] = set()
        before = len(self.errors)
        for item in self.items(answers, markers=True):
            inline = item.inline
            glued = _GLUED_MARKER.match(inline.content) if inline is not None else None
            if item.marker is None and glued:
                self.error("choice-marker-space", f"a space is missing after "
                           f"'{glued.group(1)}'", item.loc,
                           f"put a space between the box and the text: "
                           f"'- {glued.group(1)} {glued.group(2)}'")
                continue
            if item.marker is None:
                self.error("choice-marker-missing", "a choice must start with '[x]' (right) "
                           "or '[ ]' (wrong)", item.loc, _MERGED_LIST_HINT)
                continue
            settings = self.item_settings(item)
            text = qt.item_content(item.content) if item.content else EMPTY
            if text.is_blank():
                self.error("empty-choice", "this choice has no text", item.loc,
                           "write the choice after '[x]' or '[ ]'")
                continue
            if qt.plain_key(text) in seen:
                self.error("duplicate-choice", "this choice repeats an earlier one", item.loc,
                           "remove it or reword it")
                continue
            seen.add(qt.plain_key(text))
            if len(choices) == MAX_CHOICES:
                self.error("too-many-choices", f"a question can have at most {MAX_CHOICES} "
                           "choices", item.loc, "SCORM 1.2 gives each choice one letter a-z")
                break
            choices.append(Choice(short_id(len(choices)), text, item.marker != " ",
                                  settings.get("pin", False), self.item_feedback(item),
                                  item.loc))
        if len(self.errors) != before:
            return tuple(choices)
        correct = [c for c in choices if c.correct]
        if len(choices) < 2:
            self.error("too-few-choices", f"a {NAMES[kind]} question needs at least two choices",
                       loc,
                       "add the wrong answers as '- [ ] ...' lines")
        elif not correct:
            self.error("no-correct-choice", "no choice is marked correct", loc,
                       "mark the right answer with '[x]'")
        elif kind == "single" and len(correct) > 1:
            self.error("too-many-correct", f"{len(correct)} choices are marked correct in a "
                       "single-choice question", correct[1].source,
                       "mark only one with '[x]', or add {type: multiple} to the heading")
        return tuple(choices)

    def true_false(self, answers: list[Token], common: dict[str, Any],
                   loc: Location) -> TrueFalse | None:
        items = self.items(answers, markers=True)
        by_value: dict[bool, _Item] = {}
        for item in items:
            text = markdown.inline_text(item.inline).casefold() if item.inline else ""
            if item.marker is None or text not in ("true", "false") or len(item.content) != 1:
                self.error("bad-true-false", "a true/false question lists exactly '- [ ] True' "
                           "and '- [ ] False', one of them marked [x]", item.loc,
                           "write the statement as the question text, then the two lines")
                return None
            value = text == "true"
            if value in by_value:
                self.error("bad-true-false", f"{shown(text)} is listed twice", item.loc,
                           "list True once and False once")
                return None
            by_value[value] = item
        if len(by_value) != 2:
            self.error("bad-true-false", "a true/false question needs both a True and a False "
                       "line", loc, "add '- [ ] True' and '- [ ] False', one marked [x]")
            return None
        marked = [value for value, item in by_value.items() if item.marker != " "]
        if len(marked) != 1:
            self.error("no-correct-choice" if not marked else "too-many-correct",
                       "mark exactly one of True and False with [x]", loc,
                       "the marked line is the right answer")
            return None
        return TrueFalse(**common, answer=marked[0],
                         true_feedback=self.item_feedback(by_value[True]),
                         false_feedback=self.item_feedback(by_value[False]))

    def numbers(self, answers: list[Token], loc: Location) -> tuple[NumericAnswer, ...]:
        result: list[NumericAnswer] = []
        seen: set[tuple[Decimal, Decimal]] = set()
        for item in self.items(answers, markers=False):
            text = item.inline.content.strip() if item.inline and len(item.content) == 1 else ""
            answer = self.number(text, item)
            if answer is None:
                continue
            if (answer.low, answer.high) in seen:
                self.error("duplicate-answer", "this answer repeats an earlier one", item.loc,
                           "remove it")
                continue
            seen.add((answer.low, answer.high))
            result.append(answer)
        return tuple(result)

    def number(self, text: str, item: _Item) -> NumericAnswer | None:
        feedback = self.item_feedback(item)
        if match := _EXACT.match(text):
            value = decimal_value(match.group(1))
            if value is not None:
                return NumericAnswer(value, value, value, None, feedback, item.loc)
        elif match := _TOLERANCE.match(text):
            value, margin = decimal_value(match.group(1)), decimal_value(match.group(2))
            if value is not None and margin is not None:
                if margin < 0:
                    self.error("bad-tolerance", f"the tolerance {match.group(2)} is negative",
                               item.loc, "write the margin as a positive number: 11 +- 0.5")
                    return None
                return NumericAnswer(value - margin, value + margin, value, margin, feedback,
                                     item.loc)
        elif match := _RANGE.match(text):
            low, high = decimal_value(match.group(1)), decimal_value(match.group(2))
            if low is not None and high is not None:
                if low > high:
                    self.error("bad-range", f"the range {shown(text)} runs backwards", item.loc,
                               f"write the smaller number first: {match.group(2)} .. "
                               f"{match.group(1)}")
                    return None
                return NumericAnswer(low, high, None, None, feedback, item.loc)
        hint = "write a number (11), a number with a tolerance (11 +- 0.5) or a range (10 .. 12)"
        if re.search(r"\d,\d{3}", text):
            hint = "write numbers without thousands separators and with '.' for decimals"
        self.error("bad-number", f"{shown(text)} is not a numeric answer" if text else
                   "this numeric answer is empty", item.loc, hint)
        return None

    def pairs(self, answers: list[Token], loc: Location
              ) -> tuple[tuple[MatchPair, ...], tuple[MatchItem, ...]]:
        rows: list[tuple[Content, Content, Location]] = []
        before = len(self.errors)
        for item in self.items(answers, markers=False):
            self.no_item_feedback(item, "matching")
            row = self.pair(item)
            if row is not None:
                rows.append(row)
        # Premises first (a, b, ...), then each distinct response once (including the
        # distractors, written '-> response'), so every id of the question is unique.
        premises: list[tuple[MatchItem, Content]] = []
        seen: set[str] = set()
        for left, right, here in rows:
            if not left:
                continue
            if qt.plain_key(left) in seen:
                self.error("duplicate-choice", "this premise repeats an earlier one", here,
                           "each premise appears once; several premises may share a response")
                continue
            seen.add(qt.plain_key(left))
            premises.append((MatchItem("", left, here), right))
        responses: dict[str, MatchItem] = {}
        pairs: list[MatchPair] = []
        distractors: list[MatchItem] = []
        extra = [(right, here) for left, right, here in rows if not left]
        keys = {qt.plain_key(r) for _p, r in premises} | {qt.plain_key(r) for r, _h in extra}
        if len(premises) + len(keys) > MAX_CHOICES:
            self.error("too-many-choices", f"premises and responses together can be at most "
                       f"{MAX_CHOICES}", loc,
                       "SCORM 1.2 gives each one letter a-z; split the question in two")
            return (), ()
        next_id = len(premises)
        for index, (premise, right) in enumerate(premises):
            key = qt.plain_key(right)
            if key not in responses:
                responses[key] = MatchItem(short_id(next_id), right, premise.source)
                next_id += 1
            pairs.append(MatchPair(MatchItem(short_id(index), premise.text,
                                             premise.source), responses[key]))
        for right, here in extra:
            if qt.plain_key(right) in responses:
                self.error("duplicate-choice", "this extra response repeats another response",
                           here, "remove it")
                continue
            responses[qt.plain_key(right)] = MatchItem(short_id(next_id), right, here)
            distractors.append(responses[qt.plain_key(right)])
            next_id += 1
        if len(self.errors) == before and len(pairs) < 2:
            self.error("too-few-items", "a matching question needs at least two pairs", loc,
                       "add lines 'premise -> response'")
        return tuple(pairs), tuple(distractors)

    def pair(self, item: _Item) -> tuple[Content, Content, Location] | None:
        """(premise, response, location) of one 'premise -> response' line."""
        inline = item.inline
        split = None
        if inline is not None and len(item.content) == 1 and inline.children:
            for index, child in enumerate(inline.children):
                if child.type == "text" and (found := _ARROW.search(child.content)):
                    split = index, found
                    break
        if inline is None or split is None:
            self.error("missing-match-arrow", "a matching line is 'premise -> response'",
                       item.loc, "write one pair per line, e.g. - Teacher -> explains; "
                       "'- -> response' alone adds a response that matches nothing")
            return None
        index, found = split
        children = inline.children or []
        text = children[index].content
        left_tail = Token("text", "", 0)
        left_tail.content = text[:found.start()]
        right_head = Token("text", "", 0)
        right_head.content = text[found.end():]
        left = qt.strip_edges([*children[:index], left_tail])
        right = qt.strip_edges([right_head, *children[index + 1:]])
        left_text = markdown.inline_content(qt.inline(left)).strip() if left else EMPTY
        right_text = markdown.inline_content(qt.inline(right)).strip() if right else EMPTY
        if not right_text:
            self.error("missing-match", "this pair has no response after '->'", item.loc,
                       "write what the premise matches after the arrow")
            return None
        return left_text, right_text, item.loc

    def order_items(self, answers: list[Token], loc: Location) -> tuple[OrderItem, ...]:
        result: list[OrderItem] = []
        seen: set[str] = set()
        for item in self.items(answers, markers=False):
            self.no_item_feedback(item, "ordering")
            text = qt.item_content(item.content) if item.content else EMPTY
            if not text:
                self.error("empty-choice", "this item has no text", item.loc,
                           "write the item or remove the line")
                continue
            if qt.plain_key(text) in seen:
                self.error("duplicate-choice", "this item repeats an earlier one", item.loc,
                           "items to order must differ")
                continue
            if len(result) == MAX_CHOICES:
                self.error("too-many-choices", f"at most {MAX_CHOICES} items can be ordered",
                           item.loc, "SCORM 1.2 gives each item one letter a-z")
                break
            seen.add(qt.plain_key(text))
            result.append(OrderItem(short_id(len(result)), text, item.loc))
        if len(result) < 2:
            self.error("too-few-items", "an ordering question needs at least two items", loc,
                       "list the items in the right order, one per line")
        return tuple(result)

    def blanks(self, stem: list[list[Token]], loc: Location) -> list[tuple[list[str], Location]]:
        """Replace every ``[[a|b]]`` in the stem's text by a blank token (a `BlankSlot` in
        the prompt)."""
        found: list[tuple[list[str], Location]] = []
        for token in (t for block in stem for t in block):
            if token.type != "inline" or not token.children:
                continue
            children: list[Token] = []
            for child in token.children:
                if child.type != "text" or "[[" not in child.content:
                    children.append(child)
                    continue
                pieces = _BLANK.split(child.content)
                for index, piece in enumerate(pieces):
                    if index % 2:
                        here = self.loc(token, f"[[{piece}]]")
                        found.append((piece.split("|"), here))
                        slot = Token(markdown.BLANK, "", 0)
                        slot.meta[markdown.BLANK] = f"b{len(found)}"
                        children.append(slot)
                    elif piece:
                        if "[[" in piece:
                            opening = piece[piece.index("[["):].split("\n")[0]
                            self.error("unclosed-blank", "'[[' opens a blank that is not "
                                       "closed", self.loc(token, opening),
                                       "close it with ']]' on the same line, and keep "
                                       "formatting out of blanks")
                        text = Token("text", "", 0)
                        text.content = piece
                        children.append(text)
            token.children = children
        if not found:
            self.error("no-blanks", "this fill-in-the-blank question has no blank", loc,
                       "write each blank in the text as [[answer]] or [[answer|other answer]]")
        return found

    def check_blanks(self, found: list[tuple[list[str], Location]], case: bool
                     ) -> tuple[Blank, ...]:
        blanks: list[Blank] = []
        for number, (raw_answers, here) in enumerate(found, start=1):
            answers: list[str] = []
            keys: set[str] = set()
            for raw in raw_answers:
                answer = " ".join(raw.split())
                if not answer:
                    self.error("empty-blank", "a blank has an empty answer", here,
                               "write [[answer]] or [[answer|other answer]], with no empty "
                               "alternative")
                    break
                key = answer if case else answer.casefold()
                if key in keys:
                    self.error("duplicate-answer", f"{shown(answer)} is accepted twice in one "
                               "blank", here, "remove the repeated alternative")
                    break
                keys.add(key)
                answers.append(answer)
            blanks.append(Blank(f"b{number}", tuple(answers), here))
        return tuple(blanks)


_MERGED_LIST_HINT = (
    "every line of the answer list needs a marker; if a list in the question text ran into "
    "the choices, put a sentence between them or use '*' bullets for one of the two lists")
LIST_HINTS = {
    "single": "list the choices as '- [x] right' and '- [ ] wrong' lines",
    "multiple": "list the choices as '- [x] right' and '- [ ] wrong' lines",
    "truefalse": "add the lines '- [x] True' and '- [ ] False' (mark the right one)",
    "numeric": "list the accepted answers: '- 11', '- 11 +- 0.5' or '- 10 .. 12'",
    "matching": "list the pairs: '- premise -> response'",
    "ordering": "list the items in the right order: '1. first', '2. second'...",
}
