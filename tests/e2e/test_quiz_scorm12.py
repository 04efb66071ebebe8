"""The graded quiz in SCORM 1.2 packages, in Chromium against scorm-again (player.html).

Single SCO (``/pkg/index.html``, the quiz is the page's last section) and the quiz as its own
SCO in ``--sco-per-lesson`` (``/per-lesson/quiz.html``): all right with the keyboard only ->
passed, 100, one interaction per presented question in SCORM 1.2's strict formats; all wrong
-> failed; a relaunch in the middle of the quiz resumes the same questions and answers; the
time limit; the suspend_data budget; the scoring rules themselves (browser unit tests).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from tests.e2e import quizdriver as qd

pytestmark = pytest.mark.e2e

QUIZ_SCO = "/per-lesson/quiz.html"


@pytest.fixture(autouse=True)
def _packages(server) -> None:
    if "per-lesson" not in server.packages:
        pytest.skip("SCORMKIT_E2E_PACKAGE given: the quiz tests need the packages built here")


def sco_calls(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in report["calls"]
            if c["fn"] not in ("LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic")]


def set_values(report: dict[str, Any], element: str) -> list[str]:
    return [c["args"][1] for c in sco_calls(report)
            if c["fn"] == "LMSSetValue" and c["args"][0] == element]


def assert_no_api_errors(report: dict[str, Any]) -> None:
    for call in sco_calls(report):
        assert call["err"] == "0", f"API error after {call}"
        if call["fn"] != "LMSGetValue":
            assert call["ret"] == "true", call
    assert report["violations"] == []
    assert [e for e in report["lmsLog"] if e["level"] >= 4] == []


def core(report: dict[str, Any]) -> dict[str, Any]:
    return report["cmi"]["cmi"]["core"]


def launch_quiz(player: Any, sco: str = QUIZ_SCO, cmi: dict[str, Any] | None = None) -> Any:
    frame = player.launch(sco=sco, cmi=cmi)
    qd.wait_ready(frame)
    return frame


# --------------------------------------------------------------------------------------------
# All right, keyboard only, single SCO
# --------------------------------------------------------------------------------------------


def test_all_right_with_the_keyboard_passes(player, server, network) -> None:
    page = player.page
    frame = launch_quiz(player, "/pkg/index.html")
    data = qd.data_of(frame)
    assert data["passingScore"] == 80
    # To the quiz through the lesson list, with the keyboard.
    frame.locator(f'.sk-nav-link[data-lesson="{data["id"]}"]').focus()
    page.keyboard.press("Enter")
    assert frame.evaluate(f"() => !document.getElementById('{data['id']}').hidden")
    qd.tab_to(page, frame, ".sk-quiz-start-button")
    page.keyboard.press("Enter")
    assert qd.state_of(frame)["phase"] == "a"
    # The countdown is visible and accessible.
    timer = frame.locator(".sk-quiz-timer")
    assert timer.is_visible() and timer.get_attribute("role") == "timer"
    assert re.fullmatch(r"Time left: (19:5\d|20:00)", timer.inner_text().strip())

    questions = qd.presented(frame)
    assert len(questions) == 17  # 7 + 2 drawn of 3 + 4 + 4
    kinds = qd.answer_with_keyboard(page, frame, questions)
    assert kinds == {"single", "multiple", "truefalse", "fill", "numeric", "matching",
                     "ordering", "essay"}
    qd.tab_to(page, frame, ".sk-quiz-submit")
    page.keyboard.press("Enter")
    frame.wait_for_function("() => window.scormkit.quiz.getState().phase === 'r'")

    # Result: focus on the result panel, verdict in the live region, feedback per question.
    assert frame.evaluate("() => document.activeElement.classList.contains('sk-quiz-result')")
    # The essay rule: its 2 points are in the maximum, and count 0 (nobody grades it here).
    assert frame.locator(".sk-quiz-score").inner_text() == (
        "Your score: 89.47% (17 of 19 points).")
    assert frame.locator(".sk-quiz-verdict").inner_text() == (
        "You passed: the passing score is 80%.")
    assert frame.locator(".sk-quiz-retry").is_hidden()
    frame.wait_for_function(
        "() => document.querySelector('.sk-quiz-live').textContent.includes('You passed')")
    live = frame.locator(".sk-quiz-live")
    assert live.get_attribute("role") == "status" and live.get_attribute("aria-live") == "polite"
    for q in questions:
        line = frame.locator(f"#skq-{q['id']}-feedback .sk-q-result").inner_text()
        assert line.startswith("Submitted" if q["kind"] == "essay" else "Correct"), (q, line)
    assert frame.locator(".sk-quiz fieldset.sk-question:not([hidden]):not([disabled])").count() == 0

    report = player.unload()
    assert_no_api_errors(report)
    assert core(report)["lesson_status"] == "passed"
    assert core(report)["score"] == {"raw": "89.47", "min": "0", "max": "100"}
    entries = qd.interactions(report)
    assert [e["id"] for e in entries] == [q["id"] for q in questions]
    for entry, q in zip(entries, questions, strict=True):
        qd.check_12_formats(entry)
        assert entry["result"] == ("neutral" if q["kind"] == "essay" else "correct"), entry
        assert entry["weighting"] == str(q["points"])
    by_id = {e["id"]: e for e in entries}
    assert by_id["keep-improving"]["student_response"] == "f"
    assert by_id["lifecycle-order"]["student_response"] == "a,b,c,d"
    assert by_id["three-hats"]["correct_responses.0.pattern"] == "a.d,b.e,c.f"
    assert by_id["core-activities"]["correct_responses.0.pattern"] == "{a,b,c,d}"
    assert by_id["security-plan"]["type"] == "fill-in"
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# All wrong, the quiz as its own SCO
# --------------------------------------------------------------------------------------------


def test_all_wrong_fails_and_offers_another_attempt(player, server, network) -> None:
    frame = launch_quiz(player)
    state = player.state()
    assert state["lessons"] == [] and state["completion"] == "incomplete"
    assert frame.locator("#scormkit-progress").count() == 0
    qd.start(frame)
    first = qd.presented(frame)
    qd.answer(frame, first, right=False)
    qd.submit(frame)
    assert frame.locator(".sk-quiz-score").inner_text() == "Your score: 0% (0 of 19 points)."
    assert frame.locator(".sk-quiz-verdict").inner_text() == (
        "You did not reach the passing score of 80%.")
    assert "You can try again: 2 attempts left." in frame.locator(".sk-quiz-note").inner_text()
    assert player.state()["success"] == "failed"

    # Another attempt: a fresh draw, nothing answered, the clock waits for Start again.
    frame.locator(".sk-quiz-retry").click()
    again = qd.state_of(frame)
    assert again["attempt"] == 2 and again["phase"] == "s"
    assert frame.locator(".sk-quiz-attempt").inner_text() == "Attempt 2 of 3."
    qd.start(frame)
    assert frame.locator(".sk-quiz fieldset.sk-question:not([hidden]) input:checked").count() == 0
    assert frame.locator(".sk-quiz .sk-q-feedback:not([hidden])").count() == 0

    report = player.unload()
    assert_no_api_errors(report)
    assert core(report)["lesson_status"] == "failed"
    assert core(report)["score"]["raw"] == "0"
    assert core(report)["exit"] == "suspend", "attempts remain: the attempt can be resumed"
    entries = qd.interactions(report)
    assert [e["id"] for e in entries] == [q["id"] for q in first]
    for entry, q in zip(entries, first, strict=True):
        qd.check_12_formats(entry)
        assert entry["result"] == ("neutral" if q["kind"] == "essay" else "wrong"), entry
    assert "quiz=1:" in report["cmi"]["cmi"]["suspend_data"]
    network.assert_clean()


def test_last_attempt_shows_the_result_without_retry(player, server, network) -> None:
    frame = launch_quiz(player)
    for attempt in (1, 2, 3):
        qd.start(frame)
        qd.answer(frame, qd.presented(frame), right=False)
        qd.submit(frame)
        if attempt < 3:
            frame.locator(".sk-quiz-retry").click()
    assert frame.locator(".sk-quiz-retry").is_hidden()
    assert "You have no attempts left." in frame.locator(".sk-quiz-note").inner_text()
    assert qd.state_of(frame)["attemptsLeft"] == 0
    report = player.unload()
    assert_no_api_errors(report)
    assert core(report)["lesson_status"] == "failed"
    # Three attempts in one session: each question's entry holds its last answer.
    network.assert_clean()


def test_unanswered_questions_are_named_before_submitting(player, server, network) -> None:
    frame = launch_quiz(player)
    qd.start(frame)
    questions = qd.presented(frame)
    qd.answer(frame, questions, skip=(questions[1]["id"], questions[4]["id"]))
    frame.locator(".sk-quiz-submit").click()
    warning = frame.locator(".sk-quiz-warning")
    assert warning.is_visible()
    assert warning.inner_text() == (
        "Questions 2, 5 are not answered. Answer them, or press Submit anyway.")
    assert frame.locator(".sk-quiz-submit").inner_text() == "Submit anyway"
    assert qd.state_of(frame)["phase"] == "a"
    frame.locator(".sk-quiz-submit").click()
    assert qd.state_of(frame)["phase"] == "r"
    assert frame.locator(f"#skq-{questions[1]['id']}-feedback .sk-q-result").inner_text() == (
        f"Not answered: 0 of {qd_points(questions[1])}.")
    player.unload()
    network.assert_clean()


def qd_points(q: dict[str, Any]) -> str:
    return f"{q['points']} point" + ("" if q["points"] == 1 else "s")


# --------------------------------------------------------------------------------------------
# Relaunch in the middle of the quiz
# --------------------------------------------------------------------------------------------


def relaunch_cmi(report: dict[str, Any]) -> dict[str, Any]:
    c = core(report)
    return {"core": {"entry": "resume", "lesson_status": c["lesson_status"],
                     "lesson_location": c["lesson_location"]},
            "suspend_data": report["cmi"]["cmi"]["suspend_data"]}


def test_relaunch_mid_quiz_resumes_questions_and_answers(player, server, network) -> None:
    frame = launch_quiz(player, "/pkg/index.html")
    qd.open_quiz(frame)
    qd.start(frame)
    questions = qd.presented(frame)
    half = questions[: len(questions) // 2]
    qd.answer(frame, half)
    # A typed answer saved by the pagehide flush (no change event yet).
    essay = next(q for q in questions if q["kind"] == "essay")
    frame.locator(f"#skq-{essay['id']}-text").fill("Started typing")
    before = qd.state_of(frame)
    first = player.unload()
    assert_no_api_errors(first)
    assert core(first)["exit"] == "suspend"
    assert core(first)["lesson_status"] == "incomplete"
    suspend = first["cmi"]["cmi"]["suspend_data"]
    assert len(suspend) <= 4096 and "quiz=1:" in suspend

    frame = player.relaunch()   # from what the LMS's server stored
    qd.wait_ready(frame)
    after = qd.state_of(frame)
    for key in ("attempt", "phase", "started", "presented", "orders"):
        assert after[key] == before[key], key
    assert after["answers"][: len(half)] == before["answers"][: len(half)]
    # The quiz is shown again (the learner was in it), answers in place.
    data = qd.data_of(frame)
    assert frame.evaluate(f"() => !document.getElementById('{data['id']}').hidden")
    for q in half:
        if q["kind"] == "single":
            assert frame.is_checked(f"#skq-{q['id']}-{q['correct'][0]}")
        elif q["kind"] == "matching":
            for premise in q["premises"]:
                assert frame.input_value(f"#skq-{q['id']}-{premise}") == q["pairs"][premise]
        elif q["kind"] == "ordering":
            assert qd.item_order(frame, q) == q["items"]
    assert frame.input_value(f"#skq-{essay['id']}-text") == "Started typing"
    shown = frame.eval_on_selector_all(
        ".sk-quiz fieldset.sk-question:not([hidden])", "els => els.map(e => e.dataset.question)")
    assert shown == [q["id"] for q in questions]
    assert frame.locator(".sk-quiz-timer").is_visible()

    qd.answer(frame, questions[len(half):])
    qd.submit(frame)
    second = player.unload()
    assert_no_api_errors(second)
    assert core(second)["lesson_status"] == "passed"
    assert core(second)["score"]["raw"] == "89.47", "all right but the essay (2 of 19)"
    network.assert_clean()


def test_a_submitted_attempt_is_shown_again_not_resent(player, server, network) -> None:
    frame = launch_quiz(player)
    qd.start(frame)
    qd.answer(frame, qd.presented(frame), right=False)
    qd.submit(frame)
    player.unload()
    frame = player.relaunch()   # from what the LMS's server stored
    qd.wait_ready(frame)
    assert qd.state_of(frame)["phase"] == "r"
    assert frame.locator(".sk-quiz-result").is_visible()
    assert frame.locator(".sk-quiz-retry").is_visible()
    second = player.unload()
    assert_no_api_errors(second)
    assert set_values(second, "cmi.core.score.raw") == []
    assert qd.interactions(second) == []
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Time limit
# --------------------------------------------------------------------------------------------


def test_time_limit_submits_the_saved_answers(player, server, network) -> None:
    frame = launch_quiz(player)
    qd.start(frame)
    questions = qd.presented(frame)
    qd.answer(frame, questions)
    first = player.unload()
    saved = relaunch_cmi(first)
    # Pretend the attempt started 21 minutes ago (the limit is 20).
    fields = re.search(r"quiz=([^|]*)", saved["suspend_data"]).group(1).split(":")
    past = int(time.time()) - 21 * 60
    fields[4] = _base36(past)
    saved["suspend_data"] = re.sub(r"quiz=[^|]*", "quiz=" + ":".join(fields),
                                   saved["suspend_data"])
    frame = launch_quiz(player, cmi=saved)
    assert qd.state_of(frame)["phase"] == "r"
    assert frame.locator(".sk-quiz-score").inner_text().startswith(
        "Time is up: your answers were submitted. Your score: 89.47%")
    report = player.unload()
    assert_no_api_errors(report)
    assert core(report)["lesson_status"] == "passed"
    network.assert_clean()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


# --------------------------------------------------------------------------------------------
# suspend_data budget (SCORM 1.2: 4096 characters for everything)
# --------------------------------------------------------------------------------------------


def test_largest_answers_fit_the_budget(player, server, network) -> None:
    frame = launch_quiz(player)
    qd.start(frame)
    questions = qd.presented(frame)
    qd.answer(frame, questions)
    # Worst case: every blank full of characters that need escaping, a long number, and an
    # essay far longer than the budget.
    for q in questions:
        if q["kind"] == "fill":
            for blank in q["blanks"]:
                frame.fill(f"#skq-{q['id']}-{blank['id']}", ",:~" * 40)
    essay = next(q for q in questions if q["kind"] == "essay")
    frame.fill(f"#skq-{essay['id']}-text", "Security, from day one; " * 400)
    frame.evaluate("() => document.querySelector('.sk-quiz-form').dispatchEvent("
                   "new Event('change'))")
    state = qd.state_of(frame)
    assert state["saveRefused"] is True, "the essay text had to be cut"
    report = player.unload()
    assert_no_api_errors(report)
    suspend = report["cmi"]["cmi"]["suspend_data"]
    assert len(suspend) <= 4096
    saved = re.search(r"quiz=([^|]*)", suspend).group(1)
    # Everything but the end of the essay survives: blanks (cut at 100 characters each).
    assert saved.count("*2c*3a*7e") == 99
    frame = launch_quiz(player, cmi=relaunch_cmi(report))
    restored = frame.input_value(f"#skq-{essay['id']}-text")
    assert 0 < len(restored) < len("Security, from day one; " * 400)
    player.unload()
    network.assert_clean()


def test_state_size_of_the_example_quiz(player, server, network) -> None:
    """Measured: the example quiz's state with typical answers (all right, short essay)."""
    frame = launch_quiz(player)
    qd.start(frame)
    qd.answer(frame, qd.presented(frame))
    frame.evaluate("() => document.querySelector('.sk-quiz-form').dispatchEvent("
                   "new Event('change'))")
    saved = qd.state_of(frame)["saved"]
    assert 100 <= len(saved) <= 400, (len(saved), saved)
    player.unload()
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Accessibility of the quiz markup
# --------------------------------------------------------------------------------------------


def test_every_control_is_labelled_and_focus_is_visible(player, server, network) -> None:
    frame = launch_quiz(player)
    qd.start(frame)
    problems = frame.evaluate(
        """() => [...document.querySelectorAll(
                '.sk-quiz fieldset.sk-question:not([hidden]) :is(input, select, textarea, button)')]
            .filter((el) => {
                const labelled = (el.labels && el.labels.length) ||
                    el.getAttribute('aria-labelledby') || el.getAttribute('aria-label') ||
                    (el.tagName === 'BUTTON' && el.textContent.trim());
                return !labelled;
            }).map((el) => el.id || el.outerHTML.slice(0, 80))""")
    assert problems == []
    legends = frame.eval_on_selector_all(
        ".sk-quiz fieldset.sk-question:not([hidden])",
        "els => els.map(f => f.firstElementChild.tagName + ':' + f.firstElementChild.textContent)")
    assert all(text.startswith("LEGEND:Question ") for text in legends), legends
    assert "Question 1 of 17" in legends[0]
    page = player.page
    page.keyboard.press("Tab")
    assert frame.evaluate(
        "() => document.activeElement.matches('.sk-quiz fieldset.sk-question input')")
    style = frame.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 3
    player.unload()
    network.assert_clean()


def test_quiz_reflows_at_320px(new_context, server, network) -> None:
    context = new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(server.url(QUIZ_SCO))
    page.wait_for_function(qd.READY)
    qd.start(page.main_frame)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, width
    network.assert_clean()


def test_without_lms_the_quiz_still_scores(page, server, network) -> None:
    page.goto(server.url(QUIZ_SCO))
    page.wait_for_function(qd.READY)
    frame = page.main_frame
    qd.start(frame)
    qd.answer(frame, qd.presented(frame))
    qd.submit(frame)
    assert page.locator(".sk-quiz-verdict").inner_text().startswith("You passed")
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Scoring rules (browser unit tests of quiz.js's pure functions)
# --------------------------------------------------------------------------------------------

SCORE = """([q, entry]) => window.scormkit.quiz.scoreQuestion(q, entry)"""


@pytest.mark.parametrize(("question", "entry", "points", "result"), [
    ({"kind": "multiple", "points": 2, "choices": ["a", "b", "c", "d"], "correct": ["a", "b"],
      "partial": True}, {"answer": ["a", "c"]}, 0, "incorrect"),
    ({"kind": "multiple", "points": 2, "choices": ["a", "b", "c", "d"], "correct": ["a", "b"],
      "partial": True}, {"answer": ["a"]}, 1, "incorrect"),
    ({"kind": "multiple", "points": 2, "choices": ["a", "b", "c", "d"], "correct": ["a", "b"],
      "partial": False}, {"answer": ["a"]}, 0, "incorrect"),
    ({"kind": "multiple", "points": 3, "choices": ["a", "b", "c"], "correct": ["a", "b", "c"],
      "partial": True}, {"answer": ["a", "b"]}, 2, "incorrect"),
    ({"kind": "fill", "points": 1, "case": False, "partial": False,
      "blanks": [{"answers": ["3", "three"]}, {"answers": ["5", "five"]}]},
     {"answer": ["  THREE ", "5"]}, 1, "correct"),
    ({"kind": "fill", "points": 1, "case": True, "partial": True,
      "blanks": [{"answers": ["PMP"]}, {"answers": ["CSM"]}]},
     {"answer": ["pmp", "CSM"]}, 0.5, "incorrect"),
    ({"kind": "numeric", "points": 1, "answers": [[158010, 160010]]},
     {"answer": "159500"}, 1, "correct"),
    ({"kind": "numeric", "points": 1, "answers": [[11, 11]]}, {"answer": "11.5"}, 0,
     "incorrect"),
    ({"kind": "numeric", "points": 1, "answers": [[10.5, 11.5], [20, 20]]}, {"answer": "20"},
     1, "correct"),
    ({"kind": "matching", "points": 3, "partial": True, "premises": ["a", "b", "c"],
      "responses": ["d", "e", "f"], "pairs": {"a": "d", "b": "e", "c": "f"}},
     {"answer": ["d", "f", "f"]}, 2, "incorrect"),
    ({"kind": "matching", "points": 3, "partial": False, "premises": ["a", "b"],
      "responses": ["c", "d"], "pairs": {"a": "c", "b": "c"}},
     {"answer": ["c", "c"]}, 3, "correct"),
    ({"kind": "ordering", "points": 1, "items": ["a", "b", "c"]},
     {"order": ["a", "c", "b"], "answer": None}, 0, "incorrect"),
    ({"kind": "essay", "points": 2}, {"answer": "text"}, 0, "neutral"),
])
def test_scoring_rules(page, server, question, entry, points, result) -> None:
    page.goto(server.url(QUIZ_SCO))
    page.wait_for_function(qd.READY)
    got = page.evaluate(SCORE, [question, {"order": None, **entry}])
    assert got["points"] == points and got["result"] == result, got


def test_pinned_choices_stay_and_state_round_trips(page, server) -> None:
    page.goto(server.url(QUIZ_SCO))
    page.wait_for_function(qd.READY)
    orders = page.evaluate(
        """() => { const out = [];
            for (let i = 0; i < 200; i += 1) {
                out.push(window.scormkit.quiz.shuffleWithPins(
                    ['a', 'b', 'c', 'd', 'e'], ['c', 'e'], Math.random).join(''));
            }
            return out; }""")
    assert all(o[2] == "c" and o[4] == "e" for o in orders)
    assert len(set(orders)) > 1
    data = json.loads(page.eval_on_selector("#scormkit-quiz", "el => el.textContent"))
    round_trip = page.evaluate(
        """(data) => { const q = window.scormkit.quiz;
            const state = {attempt: 2, phase: 'a', started: 1700000000, entries: [
              {q: 0, order: data.questions[0].choices.slice().reverse(), answer: ['a', 'c']},
              {q: 10, order: null, answer: ['x,y:z~*%;|', 'é\\n']},
              {q: 17, order: null, answer: 'line 1\\nline 2, done'}]};
            const text = q.encodeState(data, state);
            return [text, q.decodeState(data, text)]; }""", data)
    text, decoded = round_trip
    assert ";" not in text and "|" not in text and "%" not in text
    assert decoded["attempt"] == 2 and decoded["started"] == 1700000000
    assert decoded["entries"][1]["answer"] == ["x,y:z~*%;|", "é\n"]
    assert decoded["entries"][2]["answer"] == "line 1\nline 2, done"
    assert page.evaluate("(data) => window.scormkit.quiz.decodeState(data, '1:zz:1:a::0')",
                         data) is None


# --------------------------------------------------------------------------------------------
# An untimed quiz with unlimited attempts (a variant of the example, built here)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def untimed(server, tmp_path_factory) -> str:
    """The example course with an untimed, unlimited quiz, served at /untimed/index.html."""
    import dataclasses

    from scormkit.build import build_package
    from scormkit.sources import load_course
    from tests.e2e.conftest import COURSE_DIR, _unpack

    course = load_course(COURSE_DIR)
    quiz = dataclasses.replace(course.quiz, time_limit=None, max_attempts=None)
    result = build_package(dataclasses.replace(course, quiz=quiz), target="scorm12",
                           out_dir=tmp_path_factory.mktemp("untimed"))
    _unpack(result.path, server.root / "untimed")
    return "/untimed/index.html"


def test_untimed_quiz_starts_when_shown_and_retries_freely(player, untimed, network) -> None:
    frame = launch_quiz(player, untimed)
    assert frame.locator(".sk-quiz-start").is_hidden()
    assert frame.locator(".sk-quiz-timer").is_hidden()
    assert frame.locator(".sk-quiz-attempt").inner_text() == ""
    assert qd.state_of(frame)["phase"] == "a"
    assert qd.state_of(frame)["started"] is None, "not shown yet: the clock has not started"
    # The last lesson's button leads to the quiz.
    last = player.state()["lessons"][-1]
    frame.locator(f'.sk-nav-link[data-lesson="{last}"]').click()
    frame.locator(f"section#{last} .sk-to-quiz").click()
    frame.wait_for_function("() => window.scormkit.quiz.getState().started !== null")
    assert frame.evaluate("() => document.activeElement.classList.contains('sk-lesson-title')")
    for _ in range(4):  # more than the example's 3 attempts: unlimited here
        qd.answer(frame, qd.presented(frame), right=False)
        qd.submit(frame)
        assert frame.locator(".sk-quiz-note").inner_text().endswith("You can try again.")
        frame.locator(".sk-quiz-retry").click()
        assert qd.state_of(frame)["phase"] == "a" and qd.state_of(frame)["started"] is not None
        pool = [q for q in qd.state_of(frame)["presented"]
                if q in ("growth-rate", "median-pay", "entry-route")]
        assert len(pool) == 2
    qd.answer(frame, qd.presented(frame))
    qd.submit(frame)
    assert frame.locator(".sk-quiz-retry").is_hidden()
    report = player.unload()
    assert_no_api_errors(report)
    assert core(report)["lesson_status"] == "passed"
    # Latency runs from when the attempt was first shown to the question's first answer:
    # each question its own; every interaction used to carry the whole attempt's time.
    latencies = []
    for entry in qd.interactions(report):
        assert re.fullmatch(r"0000:00:\d\d(\.\d+)?", entry["latency"]), entry
        latencies.append(float(entry["latency"].rsplit(":", 1)[1]))
    assert len(set(latencies)) > len(latencies) // 2, latencies
    network.assert_clean()


def test_shuffle_questions_moves_the_questions_on_the_page(new_context, server) -> None:
    """shuffle_questions: each attempt's order (pools as one block) is the page's order: the
    visible questions, in document order and so in focus order, are the state's, numbered
    1..N; attempts differ."""
    orders = set()
    for _ in range(4):  # a fresh browser context: no saved state, a new attempt each time
        page = new_context().new_page()
        page.goto(server.url("/shuffled/quiz.html"))
        page.wait_for_function(qd.READY)
        frame = page.main_frame
        qd.start(frame)
        presented = [q["id"] for q in qd.presented(frame)]
        shown = frame.evaluate("""() => Array.from(document.querySelectorAll(
            'fieldset.sk-question:not([hidden])')).map((f) => [f.getAttribute('data-question'),
            f.querySelector('.sk-q-number').textContent])""")
        assert [qid for qid, _number in shown] == presented
        assert [number for _qid, number in shown] == [
            f"Question {n} of {len(presented)}" for n in range(1, len(presented) + 1)]
        data = qd.data_of(frame)
        ids = [q["id"] for q in data["questions"]]
        for group in data["groups"]:  # a pool's drawn questions stay together
            members = [n for n, qid in enumerate(presented) if ids.index(qid) in
                       group["questions"]]
            assert members == list(range(members[0], members[0] + len(members))) if members \
                else True
        orders.add(tuple(presented))
        page.close()
    assert len(orders) > 1, "four attempts, one order"
