"""SCORM 1.2 run-time behaviour of a freshly built package, in Chromium, against scorm-again.

The player page (tests/e2e/player.html) records every API call the SCO makes, so the tests can
assert on the exact call sequence after the SCO has been unloaded.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
VISIBLE_NEXT = "section.sk-lesson:not([hidden]) .sk-next"
NO_LMS = "No learning management system found: your progress will not be saved."
# The example course ends with a quiz that these lesson tests leave untaken: once every lesson
# was viewed the SCO is complete, but exit stays "suspend" so that the quiz attempt survives
# (tracker.keepOpen, called by quiz.js).
QUIZ_OPEN_EXIT = "suspend"



# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def sco_calls(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The SCO's calls without the LMSGetLastError/GetErrorString/GetDiagnostic checks."""
    return [
        c
        for c in report["calls"]
        if c["fn"] not in ("LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic")
    ]


def set_values(report: dict[str, Any], element: str) -> list[str]:
    return [
        c["args"][1]
        for c in sco_calls(report)
        if c["fn"] == "LMSSetValue" and c["args"][0] == element
    ]


def got(report: dict[str, Any], element: str) -> str:
    (value,) = [
        c["ret"] for c in sco_calls(report) if c["fn"] == "LMSGetValue" and c["args"][0] == element
    ]
    return value


def assert_no_api_errors(report: dict[str, Any]) -> None:
    for call in report["calls"]:
        if call["fn"] == "LMSGetLastError":
            assert call["ret"] == "0", call
        else:
            assert call["err"] == "0", f"API error after {call}"
    for call in sco_calls(report):
        if call["fn"] != "LMSGetValue":
            assert call["ret"] == "true", call
    assert report["violations"] == []
    errors = [entry for entry in report["lmsLog"] if entry["level"] >= 4]
    assert errors == [], errors


def assert_finished_once(report: dict[str, Any]) -> None:
    calls = sco_calls(report)
    names = [c["fn"] for c in calls]
    assert names.count("LMSFinish") == 1, names
    assert names[-1] == "LMSFinish", "nothing may follow LMSFinish"
    (session_time,) = set_values(report, "cmi.core.session_time")
    assert TIMESPAN.match(session_time), session_time
    finish_at = names.index("LMSFinish")
    session_at = next(
        i
        for i, c in enumerate(calls)
        if c["fn"] == "LMSSetValue" and c["args"][0] == "cmi.core.session_time"
    )
    assert session_at < finish_at
    # No LMSCommit on the way out (LMSFinish stores everything; in Moodle a commit during page
    # dismissal fails with error 101): session time and exit, then LMSFinish.
    assert "LMSCommit" not in names[session_at:], names[session_at:]
    if "stored" in report:
        assert report["stored"].finishes, "LMSFinish reached the LMS's server"


def visible_lesson(frame: Any) -> str:
    ids = frame.eval_on_selector_all("section.sk-lesson:not([hidden])", "els => els.map(e => e.id)")
    assert len(ids) == 1, ids
    return ids[0]


def focused(frame: Any, selector: str) -> bool:
    return frame.evaluate(
        "(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector
    )


def tab_to(page: Any, frame: Any, selector: str, limit: int = 400) -> int:
    """Press Tab until the element matching *selector* in *frame* has focus; returns presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(frame, selector):
            return presses
    raise AssertionError(f"{selector} never received focus after {limit} Tab presses")


def progress_text(frame: Any) -> str:
    return frame.locator("#scormkit-progress").inner_text().strip()


# --------------------------------------------------------------------------------------------
# Test 1: a full session with the keyboard
# --------------------------------------------------------------------------------------------


def test_keyboard_session_completes_and_finishes_once(player, server, network) -> None:
    lessons = server.lessons()
    page = player.page
    frame = player.launch()
    assert visible_lesson(frame) == lessons[0]

    # The first Tab from the LMS page lands on the SCO's skip link.
    page.keyboard.press("Tab")
    assert focused(frame, "a.sk-skip-link")

    for index in range(1, len(lessons)):
        tab_to(page, frame, VISIBLE_NEXT)
        page.keyboard.press("Enter")
        expected = lessons[index]
        assert visible_lesson(frame) == expected
        assert focused(frame, f"#{expected}__title"), "focus moves to the new lesson's title"
        assert frame.evaluate("() => location.hash") == f"#{expected}"
        current = frame.eval_on_selector_all(
            '.sk-nav-link[aria-current="page"]', "els => els.map(e => e.dataset.lesson)"
        )
        assert current == [expected]
        assert progress_text(frame).startswith(f"Progress: {index + 1} of {len(lessons)} lessons")

    state = player.state()
    assert state["complete"] is True
    assert state["viewed"] == lessons
    assert progress_text(frame) == (
        f"Progress: {len(lessons)} of {len(lessons)} lessons viewed. Completed."
    )
    # The last lesson has no Next button.
    assert frame.locator(VISIBLE_NEXT).count() == 0

    before = player.report()
    calls = sco_calls(before)
    assert calls[0]["fn"] == "LMSInitialize" and calls[0]["ret"] == "true"
    assert before["calls"][1]["fn"] == "LMSGetLastError" and before["calls"][1]["ret"] == "0"
    assert got(before, "cmi.core.entry") == ""
    assert set_values(before, "cmi.core.lesson_status") == ["incomplete", "completed"]
    # "completed" is only reported once the last lesson is shown.
    status_at = [
        i
        for i, c in enumerate(calls)
        if c["fn"] == "LMSSetValue" and c["args"] == ["cmi.core.lesson_status", "completed"]
    ][0]
    location_at = [
        i
        for i, c in enumerate(calls)
        if c["fn"] == "LMSSetValue" and c["args"] == ["cmi.core.lesson_location", lessons[-1]]
    ][0]
    assert location_at < status_at
    # Commits on the budget (tracking/commits): the first when the session started, then
    # spaced; the status and bookmark reach the LMS's server by LMSFinish at the latest.
    assert 1 <= [c["fn"] for c in calls].count("LMSCommit") <= 3
    assert "LMSFinish" not in [c["fn"] for c in calls]

    report = player.unload()
    assert_no_api_errors(report)
    assert_finished_once(report)
    assert set_values(report, "cmi.core.exit")[-1] == QUIZ_OPEN_EXIT
    assert report["cmi"]["cmi"]["core"]["lesson_status"] == "completed"
    assert report["cmi"]["cmi"]["core"]["exit"] == QUIZ_OPEN_EXIT
    stored = report["stored"].last_cmi()["cmi"]["core"]
    assert (stored["lesson_status"], stored["exit"]) == ("completed", QUIZ_OPEN_EXIT)
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Test 2: suspend and resume
# --------------------------------------------------------------------------------------------


def test_suspend_and_resume(player, server, network) -> None:
    lessons = server.lessons()
    page = player.page
    frame = player.launch()
    # Lesson 2 through the lesson list, with the keyboard.
    frame.locator(f'.sk-nav-link[data-lesson="{lessons[1]}"]').focus()
    page.keyboard.press("Enter")
    assert visible_lesson(frame) == lessons[1]

    first = player.unload()
    assert_no_api_errors(first)
    assert_finished_once(first)
    core = first["cmi"]["cmi"]["core"]
    suspend_data = first["cmi"]["cmi"]["suspend_data"]
    assert set_values(first, "cmi.core.exit")[-1] == "suspend"
    assert core["exit"] == "suspend"
    assert core["lesson_location"] == lessons[1]
    assert core["lesson_status"] == "incomplete"
    assert 0 < len(suspend_data) <= 4096
    assert all(len(v) <= 4096 for v in set_values(first, "cmi.suspend_data"))

    # Relaunch as an LMS does after exit = "suspend", from what its server stored.
    assert first["stored"].last_cmi()["cmi"]["suspend_data"] == suspend_data
    frame = player.relaunch()
    assert visible_lesson(frame) == lessons[1]
    state = player.state()
    assert state["resumed"] is True
    assert state["viewed"] == lessons[:2]
    assert state["current"] == lessons[1]
    assert progress_text(frame) == f"Progress: 2 of {len(lessons)} lessons viewed."
    assert frame.locator(".sk-nav-link.sk-viewed").count() == 2
    second = player.report()
    assert got(second, "cmi.core.entry") == "resume"
    assert got(second, "cmi.suspend_data") == suspend_data
    # Nothing to re-report: still incomplete, same bookmark.
    assert set_values(second, "cmi.core.lesson_status") == []

    for index in range(2, len(lessons)):
        frame.locator(VISIBLE_NEXT).click()
        assert visible_lesson(frame) == lessons[index]
    second = player.unload()
    assert_no_api_errors(second)
    assert_finished_once(second)
    assert set_values(second, "cmi.core.lesson_status") == ["completed"]
    assert second["cmi"]["cmi"]["core"]["exit"] == QUIZ_OPEN_EXIT
    assert second["cmi"]["cmi"]["core"]["lesson_location"] == lessons[-1]
    network.assert_clean()


def test_completed_status_is_never_downgraded(player, server, network) -> None:
    lessons = server.lessons()
    frame = player.launch(
        cmi={
            "core": {"entry": "", "lesson_status": "passed", "lesson_location": lessons[2]},
        }
    )
    assert visible_lesson(frame) == lessons[2]
    assert player.state()["complete"] is True
    frame.locator("section.sk-lesson:not([hidden]) .sk-prev").click()
    assert visible_lesson(frame) == lessons[1]
    report = player.unload()
    assert_no_api_errors(report)
    assert set_values(report, "cmi.core.lesson_status") == []
    assert set(set_values(report, "cmi.core.exit")) == {""}
    assert report["cmi"]["cmi"]["core"]["lesson_status"] == "passed"
    network.assert_clean()


def test_review_mode_changes_no_status(player, server, network) -> None:
    lessons = server.lessons()
    frame = player.launch(cmi={"core": {"lesson_mode": "review", "lesson_status": "incomplete"}})
    for _ in lessons[1:]:
        frame.locator(VISIBLE_NEXT).click()
    assert player.state()["mode"] == "review"
    assert "Review mode" in frame.locator("#scormkit-connection").inner_text()
    report = player.unload()
    assert_no_api_errors(report)
    assert_finished_once(report)
    assert set_values(report, "cmi.core.lesson_status") == []
    network.assert_clean()


def test_stale_suspend_data_is_ignored(player, server, network) -> None:
    """Suspend data written for another lesson list does not credit the wrong lessons."""
    lessons = server.lessons()
    frame = player.launch(
        cmi={
            "core": {
                "entry": "resume",
                "lesson_location": lessons[1],
                "lesson_status": "incomplete",
            },
            "suspend_data": "v1|abc|_",
        }
    )
    assert visible_lesson(frame) == lessons[1]
    assert player.state()["viewed"] == [lessons[1]]
    report = player.unload()
    assert_no_api_errors(report)
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Test 3: no LMS
# --------------------------------------------------------------------------------------------


def test_without_lms_notice_and_navigation(page, server, network) -> None:
    lessons = server.lessons()
    page.goto(server.url("/pkg/index.html"))
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    assert page.locator("#scormkit-connection").inner_text().strip() == NO_LMS
    status = page.locator("#scormkit-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    assert page.locator("#scormkit-connection").is_visible()
    state = page.evaluate("() => window.scormkit.getState()")
    assert state["connected"] is False

    assert visible_lesson(page.main_frame) == lessons[0]
    page.locator(VISIBLE_NEXT).click()
    assert visible_lesson(page.main_frame) == lessons[1]
    assert page.evaluate("() => location.hash") == f"#{lessons[1]}"
    page.locator(f'.sk-nav-link[data-lesson="{lessons[3]}"]').click()
    assert visible_lesson(page.main_frame) == lessons[3]
    assert progress_text(page.main_frame) == f"Progress: 3 of {len(lessons)} lessons viewed."
    page.locator("section.sk-lesson:not([hidden]) .sk-prev").click()
    assert visible_lesson(page.main_frame) == lessons[2]
    # Without an LMS the learner still sees their progress for this visit.
    assert progress_text(page.main_frame) == (
        f"Progress: {len(lessons)} of {len(lessons)} lessons viewed. Completed."
    )

    # A link inside a lesson body to another lesson.
    link = page.locator(f'section.sk-lesson:not([hidden]) .sk-lesson-body a[href="#{lessons[3]}"]')
    if link.count():
        link.first.click()
        assert visible_lesson(page.main_frame) == lessons[3]

    # Typing a fragment in the address bar (hashchange) for a heading inside another lesson.
    heading_id = page.eval_on_selector(f"#{lessons[0]} .sk-lesson-body h3[id]", "el => el.id")
    page.evaluate("(id) => { location.hash = id; }", heading_id)
    page.wait_for_function(
        "(id) => !document.getElementById(id).closest('section').hidden", arg=heading_id
    )
    assert visible_lesson(page.main_frame) == lessons[0]
    assert page.evaluate("() => document.activeElement.id") == heading_id

    # Opening the page at a fragment shows that lesson.
    page.goto(server.url(f"/pkg/index.html#{lessons[2]}"))
    page.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    assert visible_lesson(page.main_frame) == lessons[2]
    network.assert_clean()


def test_lms_refusing_to_start(player, server, network) -> None:
    lessons = server.lessons()
    frame = player.launch(refuse="1")
    notice = frame.locator("#scormkit-connection").inner_text()
    assert "could not start this session (error 101)" in notice
    assert "will not be saved" in notice
    frame.locator(VISIBLE_NEXT).click()
    assert visible_lesson(frame) == lessons[1]
    frame.evaluate("() => { window.dispatchEvent(new PageTransitionEvent('pagehide')); }")
    names = [c["fn"] for c in player.report()["calls"]]
    assert names == ["LMSInitialize", "LMSGetLastError"], "nothing else after a refused start"
    network.assert_clean()


def test_api_found_through_opener(page, server, network) -> None:
    """An LMS that opens the SCO in a new window: the API is on window.opener."""
    page.goto(server.url("/player.html?sco=about:blank"))
    with page.expect_popup() as popup_info:
        page.evaluate("() => { window.open('/pkg/index.html', 'sco'); }")
    popup = popup_info.value
    popup.wait_for_function("() => window.scormkit && window.scormkit.getState() !== null")
    state = popup.evaluate("() => window.scormkit.getState()")
    assert state["connected"] is True
    popup.close(run_before_unload=True)
    page.wait_for_function("() => window.calls.some((call) => call.fn === 'LMSFinish')")
    report = page.evaluate("() => window.lmsReport()")
    assert_no_api_errors(report)
    assert_finished_once(report)
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# Other package variants built by the compiler
# --------------------------------------------------------------------------------------------


def test_per_lesson_sco(player, server, network) -> None:
    root = server.packages.get("per-lesson")
    if root is None:
        pytest.skip("SCORMKIT_E2E_PACKAGE given: only the single-SCO package is tested")
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "lessons").glob("*.html"))
    assert pages
    frame = player.launch(sco=f"/per-lesson/{pages[1]}")
    state = player.state()
    assert state["layout"] == "per-lesson"
    assert len(state["lessons"]) == 1
    assert frame.locator("section.sk-lesson").count() == 1
    assert frame.locator(".sk-pager, .sk-next, .sk-prev, nav.sk-nav").count() == 0
    assert state["complete"] is True
    assert progress_text(frame) == "Progress: 1 of 1 lesson viewed. Completed."
    report = player.unload()
    assert_no_api_errors(report)
    assert_finished_once(report)
    assert set_values(report, "cmi.core.lesson_status") == ["incomplete", "completed"]
    assert report["cmi"]["cmi"]["core"]["lesson_location"] == state["lessons"][0]
    network.assert_clean()


def test_launch_completion(player, server, network) -> None:
    if "launch" not in server.packages:
        pytest.skip("SCORMKIT_E2E_PACKAGE given: only the single-SCO package is tested")
    frame = player.launch(sco="/launch/index.html")
    assert player.state()["complete"] is True
    assert progress_text(frame).endswith("Completed.")
    report = player.unload()
    assert_no_api_errors(report)
    assert_finished_once(report)
    assert set_values(report, "cmi.core.lesson_status") == ["completed"]
    assert report["cmi"]["cmi"]["core"]["exit"] == QUIZ_OPEN_EXIT
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# The tracker API (what the quiz player calls), through scorm-again's SCORM 1.2 checks
# --------------------------------------------------------------------------------------------


def test_tracker_api_scorm12(player, server, network) -> None:
    from tests.e2e.test_scorm2004_runtime import QUIZ_SESSION

    frame = player.launch()
    results = frame.evaluate(QUIZ_SESSION)
    assert results["info"]["standard"] == "scorm12"
    assert results["info"]["masteryScore"] is None
    assert results["interactions"] == [True] * 8 + [False]
    assert results["save"] is True and results["load"] == "answers=a;b|c%"
    assert results["progress"] is True
    assert (results["fail"], results["pass"], results["downgrade"]) == (True, True, False)
    assert results["complete"] is True
    assert results["info2"]["success"] == "passed"

    report = player.unload()
    assert_no_api_errors(report)
    assert_finished_once(report)
    core = report["cmi"]["cmi"]["core"]
    # passed/failed stand for completion in SCORM 1.2: "completed" never overwrites them.
    assert set_values(report, "cmi.core.lesson_status") == ["incomplete", "failed", "passed"]
    assert core["lesson_status"] == "passed"
    assert set_values(report, "cmi.core.score.raw") == ["30", "85"]
    assert core["score"] == {"raw": "85", "min": "0", "max": "100"}
    assert "|probe=answers=a%3Bb%7Cc%25" in report["cmi"]["cmi"]["suspend_data"]

    def element(n: int, name: str) -> list[str]:
        return set_values(report, f"cmi.interactions.{n}.{name}")

    assert [element(n, "id") for n in range(7)] == [[f"q{n + 1}"] for n in range(7)]
    assert element(7, "id") == [], "the same question again overwrites its entry"
    assert element(0, "type") == ["choice"]
    assert element(0, "correct_responses.0.pattern") == ["{a,c}"]
    assert element(0, "student_response") == ["a,b", "a,c"]
    assert element(0, "result") == ["wrong", "correct"]
    assert element(0, "weighting") == ["2"]
    assert element(0, "latency") == ["0000:00:12.50"]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", element(0, "time")[0])
    assert element(1, "student_response") == ["t"]
    assert element(1, "correct_responses.0.pattern") == ["t"]
    assert element(2, "student_response") == ["gantt[,]{x}"]  # blanks joined by "[,]"
    assert element(2, "correct_responses.0.pattern") == ["Gantt[,]risk"]
    assert element(3, "type") == ["fill-in"], "SCORM 1.2 has no long-fill-in"
    assert element(3, "student_response") == ["A long answer"]
    assert element(3, "result") == ["neutral"]
    assert element(4, "student_response") == ["a.e,b.d"]
    assert element(4, "correct_responses.0.pattern") == ["a.d,b.e"]
    assert element(5, "student_response") == ["c,a,b"]
    assert element(6, "student_response") == ["4.5"]
    assert element(6, "correct_responses.0.pattern") == [], "1.2 has no numeric range"
    network.assert_clean()


def test_tracker_api_with_lms_mastery_score(player, server, network) -> None:
    frame = player.launch(cmi={"student_data": {"mastery_score": "90"}})
    results = frame.evaluate(
        """async () => { const t = window.scormkit.tracker;
            await new Promise((resolve) => t.ready(resolve));
            return [t.info().masteryScore, t.reportScore({raw: 8.5, max: 10, passed: true}),
                    t.info().success]; }"""
    )
    assert results == [0.9, True, "failed"]
    report = player.unload()
    assert_no_api_errors(report)
    assert set_values(report, "cmi.core.lesson_status")[-1] == "failed"
    network.assert_clean()


def test_tracker_state_budget_scorm12(player, server, network) -> None:
    frame = player.launch()
    results = frame.evaluate(
        """async () => { const t = window.scormkit.tracker;
            await new Promise((resolve) => t.ready(resolve));
            return [t.saveState('big', 'x'.repeat(3500)), t.saveState('big', 'x'.repeat(4100)),
                    t.loadState('big').length, t.saveState('bad key', 'x'),
                    t.saveState('k', 5), t.loadState('missing')]; }"""
    )
    assert results == [True, False, 3500, False, False, None]
    report = player.unload()
    assert_no_api_errors(report)
    assert all(len(v) <= 4096 for v in set_values(report, "cmi.suspend_data"))
    network.assert_clean()


def test_player_flags_bad_interaction_formats(player, server, network) -> None:
    """The player's own SCORM 1.2 format checks (scorm-again accepts these values)."""
    frame = player.launch()
    frame.evaluate(
        """() => { const api = window.parent.API;
            api.LMSSetValue('cmi.interactions.0.id', 'q 1');
            api.LMSSetValue('cmi.interactions.0.result', 'incorrect');
            api.LMSSetValue('cmi.interactions.0.time', '2025-01-01T00:00:00'); }"""
    )
    violations = player.report()["violations"]
    assert len(violations) == 3 and all("SCORM 1.2 format" in v for v in violations)
    # scorm-again itself only warns about "incorrect" (and quietly turns it into "wrong").
    network.console[:] = [m for m in network.console if "non-standard value" not in m]
    network.assert_clean()
