"""Drives the quiz of a built package in Chromium, for the SCORM 1.2 and 2004 quiz tests.

The answer key comes from the page's own quiz JSON (``<script id="scormkit-quiz">``, written
from the model by scormkit.writers.quizpage.quiz_data), and the questions an attempt presents
(pools draw at random) from ``window.scormkit.quiz.getState()``.
"""

from __future__ import annotations

import json
import re
from typing import Any

READY = "() => window.scormkit && window.scormkit.quiz && window.scormkit.quiz.ready"

# SCORM 1.2 formats (lms-rules.md 3.6).
ID_12 = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
CHOICE_12 = re.compile(r"^[0-9a-z](,[0-9a-z])*$")
MATCHING_12 = re.compile(r"^[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*$")
TIMESPAN_12 = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
TIME_12 = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d{1,2})?$")
TYPES_12 = {"true-false", "choice", "fill-in", "matching", "performance", "sequencing",
            "likert", "numeric"}


def wait_ready(frame: Any) -> None:
    frame.wait_for_function(READY)


def data_of(frame: Any) -> dict[str, Any]:
    return json.loads(frame.eval_on_selector("#scormkit-quiz", "el => el.textContent"))


def state_of(frame: Any) -> dict[str, Any]:
    return frame.evaluate("() => window.scormkit.quiz.getState()")


def presented(frame: Any) -> list[dict[str, Any]]:
    """The questions the current attempt shows, in order (model entries from the JSON)."""
    data = data_of(frame)
    by_id = {q["id"]: q for q in data["questions"]}
    return [by_id[qid] for qid in state_of(frame)["presented"]]


def open_quiz(frame: Any) -> None:
    """Single-SCO page: show the quiz section (through the lesson list link)."""
    quiz_id = data_of(frame)["id"]
    link = frame.locator(f'.sk-nav-link[data-lesson="{quiz_id}"]')
    if link.count():
        link.click()
    frame.wait_for_function(f"() => !document.getElementById({json.dumps(quiz_id)}).hidden")


def start(frame: Any) -> None:
    """Press Start when the quiz is timed and not started yet."""
    if state_of(frame)["phase"] == "s":
        frame.locator(".sk-quiz-start-button").click()
    assert state_of(frame)["phase"] == "a"


def wrong_choice(q: dict[str, Any]) -> str:
    return next(c for c in q["choices"] if c not in q["correct"])


def answer(frame: Any, questions: list[dict[str, Any]], right: bool = True,
           skip: tuple[str, ...] = ()) -> None:
    """Answer *questions* with the mouse-free Playwright API (check, fill, select)."""
    for q in questions:
        if q["id"] in skip:
            continue
        dom = f"#skq-{q['id']}"
        kind = q["kind"]
        if kind == "single":
            frame.check(f"{dom}-{q['correct'][0] if right else wrong_choice(q)}")
        elif kind == "multiple":
            for choice in q["choices"]:
                wanted = (choice in q["correct"]) == right
                if wanted:
                    frame.check(f"{dom}-{choice}")
                else:
                    frame.uncheck(f"{dom}-{choice}")
        elif kind == "truefalse":
            value = q["answer"] if right else not q["answer"]
            frame.check(f"{dom}-{'true' if value else 'false'}")
        elif kind == "fill":
            for blank in q["blanks"]:
                frame.fill(f"{dom}-{blank['id']}", blank["answers"][0] if right else "zzz")
        elif kind == "numeric":
            low, high = q["answers"][0]
            frame.fill(f"{dom}-number", str(low if right else high + 1000))
        elif kind == "matching":
            for premise in q["premises"]:
                target = q["pairs"][premise]
                if not right:
                    target = next(r for r in q["responses"] if r != target)
                frame.select_option(f"{dom}-{premise}", target)
        elif kind == "ordering":
            if right:
                put_in_order(frame, q)
        elif kind == "essay":
            frame.fill(f"{dom}-text", "Ask early which data the project handles; plan, "
                       "schedule and budget the security work; track gaps as risks.")


def item_order(frame: Any, q: dict[str, Any]) -> list[str]:
    return frame.eval_on_selector_all(
        f"#skq-{q['id']} ol.sk-order li[data-item]", "els => els.map(e => e.dataset.item)")


def put_in_order(frame: Any, q: dict[str, Any]) -> None:
    for position, item in enumerate(q["items"]):
        while item_order(frame, q).index(item) > position:
            frame.click(f"#skq-{q['id']}-{item} .sk-order-up")
    assert item_order(frame, q) == q["items"]


def submit(frame: Any) -> None:
    frame.locator(".sk-quiz-submit").click()
    if state_of(frame)["phase"] == "a":  # unanswered questions: confirm
        frame.locator(".sk-quiz-submit").click()
    frame.wait_for_function("() => window.scormkit.quiz.getState().phase === 'r'")


# --------------------------------------------------------------------------------------------
# Keyboard only
# --------------------------------------------------------------------------------------------


def focused(frame: Any) -> dict[str, Any]:
    return frame.evaluate(
        """() => { const el = document.activeElement;
                   return {id: el.id, tag: el.tagName.toLowerCase(), type: el.type || '',
                           value: el.value === undefined ? null : el.value,
                           checked: !!el.checked}; }""")


def tab_to(page: Any, frame: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches *selector* (no press if it already does)."""
    if frame.evaluate("(s) => document.activeElement.matches(s)", selector):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if frame.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got focus after {limit} Tab presses")


def answer_with_keyboard(page: Any, frame: Any, questions: list[dict[str, Any]]) -> set[str]:
    """Answer every question right with the keyboard only (Tab, arrows, Space, typing,
    Enter), starting from the focus where it is. Returns the kinds answered."""
    kinds: set[str] = set()
    for q in questions:
        dom = f"skq-{q['id']}"
        kind = q["kind"]
        kinds.add(kind)
        if kind in ("single", "truefalse"):
            target = q["correct"][0] if kind == "single" else ("true" if q["answer"] else "false")
            tab_to(page, frame, f'input[name="{dom}"]')
            for _ in range(len(q.get("choices", [0, 1])) + 1):
                if focused(frame)["id"] == f"{dom}-{target}":
                    break
                page.keyboard.press("ArrowDown")
            assert focused(frame)["id"] == f"{dom}-{target}"
            page.keyboard.press("Space")
            assert focused(frame)["checked"]
        elif kind == "multiple":
            # Tab visits every checkbox in the order shown; tick the right ones.
            shown = frame.eval_on_selector_all(
                f"#{dom} .sk-choice input", "els => els.map(e => e.value)")
            for value in shown:
                tab_to(page, frame, f"#{dom}-{value}", limit=2)
                if value in q["correct"]:
                    page.keyboard.press("Space")
        elif kind == "fill":
            for blank in q["blanks"]:
                tab_to(page, frame, f"#{dom}-{blank['id']}")
                page.keyboard.type(blank["answers"][0])
        elif kind == "numeric":
            tab_to(page, frame, f"#{dom}-number")
            page.keyboard.type(str(q["answers"][0][0]))
        elif kind == "matching":
            for premise in q["premises"]:
                tab_to(page, frame, f"#{dom}-{premise}")
                target = q["pairs"][premise]
                for _ in range(len(q["responses"]) + 1):
                    if focused(frame)["value"] == target:
                        break
                    page.keyboard.press("ArrowDown")
                assert focused(frame)["value"] == target
        elif kind == "ordering":
            for position, item in enumerate(q["items"]):
                if item_order(frame, q).index(item) > position:
                    tab_to(page, frame, f"#{dom}-{item} .sk-order-up")
                    while item_order(frame, q).index(item) > position:
                        page.keyboard.press("Enter")
            assert item_order(frame, q) == q["items"]
        elif kind == "essay":
            tab_to(page, frame, f"#{dom}-text")
            page.keyboard.type("Security goes into the plan, the schedule and the budget.")
    return kinds


# --------------------------------------------------------------------------------------------
# What the LMS received
# --------------------------------------------------------------------------------------------


def interactions(report: dict[str, Any], setter: str = "LMSSetValue") -> list[dict[str, str]]:
    """cmi.interactions.n.* as set by the SCO, one dict per n (last value of each field)."""
    found: dict[int, dict[str, str]] = {}
    for call in report["calls"]:
        if call["fn"] != setter or call["ret"] != "true":
            continue
        match = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", call["args"][0])
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = call["args"][1]
    return [found[n] for n in sorted(found)]


def check_12_formats(entry: dict[str, str]) -> None:
    """SCORM 1.2's strict interaction formats (CMIIdentifier, CMIFeedback <= 255, ...)."""
    for value in entry.values():
        assert len(value) <= 255, entry
    assert ID_12.match(entry["id"]), entry
    assert entry["type"] in TYPES_12, entry
    assert entry["result"] in ("correct", "wrong", "neutral", "unanticipated") or re.fullmatch(
        r"-?\d+(\.\d+)?", entry["result"]), entry
    assert "incorrect" not in entry.values()
    if "latency" in entry:
        assert TIMESPAN_12.match(entry["latency"]), entry
    assert TIME_12.match(entry["time"]), entry
    assert re.fullmatch(r"-?\d+(\.\d+)?", entry["weighting"]), entry
    pattern = entry.get("correct_responses.0.pattern")
    response = entry.get("student_response")
    kind = entry["type"]
    if kind == "choice":
        assert pattern and re.fullmatch(r"\{?[0-9a-z](,[0-9a-z])*\}?", pattern), entry
        assert response is None or CHOICE_12.match(response), entry
    elif kind == "true-false":
        assert pattern in ("t", "f") and response in (None, "t", "f"), entry
    elif kind == "matching":
        assert pattern and MATCHING_12.match(pattern), entry
        assert response is None or MATCHING_12.match(response), entry
    elif kind == "sequencing":
        assert pattern and CHOICE_12.match(pattern) and CHOICE_12.match(response or ""), entry
    elif kind == "numeric":
        assert response is None or re.fullmatch(r"-?\d+(\.\d+)?", response), entry
