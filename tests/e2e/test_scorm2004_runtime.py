"""SCORM 2004 4th Edition run-time behaviour of freshly built packages (both SCO layouts), in
Chromium, against scorm-again's Scorm2004API (tests/e2e/player2004.html records every call).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.scorm2004_report import (
    assert_no_api_errors,
    cmi,
    sco_calls,
    set_values,
)

pytestmark = pytest.mark.e2e

ISO_DURATION = re.compile(r"^PT(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,2})?S)?$")
VISIBLE_NEXT = "section.sk-lesson:not([hidden]) .sk-next"
# The example course ends with a quiz that these lesson tests leave untaken: once every lesson
# was viewed the SCO is complete, but exit stays "suspend" so that the quiz attempt survives
# (tracker.keepOpen, called by quiz.js).
QUIZ_OPEN_EXIT = "suspend"



@pytest.fixture(autouse=True)
def _packages(server) -> None:
    if "s2004" not in server.packages:
        pytest.skip("SCORMKIT_E2E_PACKAGE given: only the SCORM 1.2 package is tested")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def got(report: dict[str, Any], element: str) -> str:
    (value,) = [c["ret"] for c in sco_calls(report)
                if c["fn"] == "GetValue" and c["args"][0] == element]
    return value


def assert_terminated_once(report: dict[str, Any]) -> None:
    names = [c["fn"] for c in sco_calls(report)]
    assert names[0] == "Initialize"
    assert names.count("Initialize") == 1
    assert names.count("Terminate") == 1, names
    assert names[-1] == "Terminate", "nothing may follow Terminate"
    # No Commit on the way out (Terminate stores everything; in Moodle a Commit during page
    # dismissal fails): session time and exit, then Terminate.
    session_at = max(i for i, c in enumerate(sco_calls(report))
                     if c["fn"] == "SetValue" and c["args"][0] == "cmi.session_time")
    assert "Commit" not in names[session_at:], names[session_at:]
    if "stored" in report:
        assert report["stored"].finishes, "Terminate reached the LMS's server"
    (session_time,) = set_values(report, "cmi.session_time")
    assert ISO_DURATION.match(session_time) and session_time != "PT", session_time


def visible_lesson(frame: Any) -> str:
    ids = frame.eval_on_selector_all("section.sk-lesson:not([hidden])", "els => els.map(e => e.id)")
    assert len(ids) == 1, ids
    return ids[0]





# --------------------------------------------------------------------------------------------
# single SCO
# --------------------------------------------------------------------------------------------


def test_single_sco_completes_and_terminates_once(player2004, server, network) -> None:
    lessons = server.lessons("s2004")
    frame = player2004.launch()
    state = player2004.state()
    assert state["standard"] == "scorm2004" and state["connected"] is True
    assert visible_lesson(frame) == lessons[0]
    for index in range(1, len(lessons)):
        frame.locator(VISIBLE_NEXT).click()
        assert visible_lesson(frame) == lessons[index]
    assert player2004.state()["complete"] is True

    before = player2004.report()
    assert got(before, "cmi.entry") in ("", "ab-initio")
    assert set_values(before, "cmi.completion_status") == ["incomplete", "completed"]
    progress = [float(v) for v in set_values(before, "cmi.progress_measure")]
    assert progress == sorted(progress) and progress[-1] == 1
    assert progress[:2] == [0, pytest.approx(1 / len(lessons))]
    assert set_values(before, "cmi.location") == lessons
    assert "Terminate" not in [c["fn"] for c in before["calls"]]

    report = player2004.unload()
    assert_no_api_errors(report)
    assert_terminated_once(report)
    assert set_values(report, "cmi.exit")[-1] == QUIZ_OPEN_EXIT
    data = cmi(report)
    assert data["completion_status"] == "completed"
    assert float(data["progress_measure"]) == 1
    assert data["exit"] == QUIZ_OPEN_EXIT
    assert data["location"] == lessons[-1]
    assert data["success_status"] == "unknown", "no quiz was taken: success stays unknown"
    network.assert_clean()


def test_single_sco_suspend_and_resume(player2004, server, network) -> None:
    lessons = server.lessons("s2004")
    frame = player2004.launch()
    frame.locator(f'.sk-nav-link[data-lesson="{lessons[1]}"]').click()
    assert visible_lesson(frame) == lessons[1]

    first = player2004.unload()
    assert_no_api_errors(first)
    assert_terminated_once(first)
    data = cmi(first)
    assert data["exit"] == "suspend"
    assert data["location"] == lessons[1]
    assert data["completion_status"] == "incomplete"
    assert float(data["progress_measure"]) == pytest.approx(2 / len(lessons))
    assert data["suspend_data"].startswith("v1|")

    # The next launch starts from what the LMS's server stored (exit "suspend": resume).
    stored = first["stored"].last_cmi()["cmi"]
    assert {k: stored[k] for k in ("exit", "location", "suspend_data")} == {
        k: data[k] for k in ("exit", "location", "suspend_data")}
    frame = player2004.relaunch()
    assert visible_lesson(frame) == lessons[1]
    state = player2004.state()
    assert state["resumed"] is True
    assert state["viewed"] == lessons[:2]
    second = player2004.report()
    assert got(second, "cmi.entry") == "resume"
    assert got(second, "cmi.location") == lessons[1]
    assert set_values(second, "cmi.completion_status") == []

    for index in range(2, len(lessons)):
        frame.locator(VISIBLE_NEXT).click()
        assert visible_lesson(frame) == lessons[index]
    second = player2004.unload()
    assert_no_api_errors(second)
    assert_terminated_once(second)
    assert set_values(second, "cmi.completion_status") == ["completed"]
    assert cmi(second)["exit"] == QUIZ_OPEN_EXIT
    assert cmi(second)["location"] == lessons[-1]
    network.assert_clean()


def test_completed_is_never_downgraded(player2004, server, network) -> None:
    lessons = server.lessons("s2004")
    frame = player2004.launch(cmi={"completion_status": "completed", "location": lessons[2]})
    assert visible_lesson(frame) == lessons[2]
    assert player2004.state()["complete"] is True
    frame.locator("section.sk-lesson:not([hidden]) .sk-prev").click()
    report = player2004.unload()
    assert_no_api_errors(report)
    assert set_values(report, "cmi.completion_status") == []
    assert set(set_values(report, "cmi.progress_measure")) == {"1"}
    assert set_values(report, "cmi.exit")[-1] == QUIZ_OPEN_EXIT
    assert cmi(report)["completion_status"] == "completed"
    network.assert_clean()


def test_review_mode_changes_nothing(player2004, server, network) -> None:
    lessons = server.lessons("s2004")
    frame = player2004.launch(cmi={"mode": "review", "completion_status": "incomplete"})
    for _ in lessons[1:]:
        frame.locator(VISIBLE_NEXT).click()
    assert player2004.state()["mode"] == "review"
    tracker_calls = frame.evaluate(
        """() => { const t = window.scormkit.tracker;
                   return [t.reportScore({raw: 1, max: 1, passed: true}), t.complete(),
                           t.setProgress(1)]; }"""
    )
    assert tracker_calls == [False, False, False]
    report = player2004.unload()
    assert_no_api_errors(report)
    assert_terminated_once(report)
    assert set_values(report, "cmi.completion_status") == []
    assert set_values(report, "cmi.progress_measure") == []
    assert set_values(report, "cmi.success_status") == []
    network.assert_clean()


def test_lms_refusing_to_start(player2004, server, network) -> None:
    frame = player2004.launch(refuse="1")
    assert "could not start this session (error 102)" in (
        frame.locator("#scormkit-connection").inner_text())
    frame.evaluate("() => { window.dispatchEvent(new PageTransitionEvent('pagehide')); }")
    names = [c["fn"] for c in player2004.report()["calls"]]
    assert names == ["Initialize", "GetLastError"]
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# one SCO per lesson
# --------------------------------------------------------------------------------------------


def test_every_lesson_sco_completes(player2004, server, network) -> None:
    root = server.packages["s2004-per-lesson"]
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "lessons").glob("*.html"))
    assert len(pages) == len(server.lessons("s2004"))
    for path in pages:
        frame = player2004.launch(sco=f"/s2004-per-lesson/{path}")
        state = player2004.state()
        assert state["layout"] == "per-lesson" and len(state["lessons"]) == 1
        assert state["complete"] is True
        assert frame.locator("section.sk-lesson").count() == 1
        report = player2004.unload()
        assert_no_api_errors(report)
        assert_terminated_once(report)
        assert set_values(report, "cmi.completion_status") == ["incomplete", "completed"]
        data = cmi(report)
        assert data["completion_status"] == "completed"
        assert float(data["progress_measure"]) == 1
        assert data["exit"] == "normal"
        assert data["location"] == state["lessons"][0]
    network.assert_clean()


# --------------------------------------------------------------------------------------------
# the tracker API (what the quiz player calls), through scorm-again's checks
# --------------------------------------------------------------------------------------------

QUIZ_SESSION = """async () => {
    const t = window.scormkit.tracker;
    await new Promise((resolve) => t.ready(resolve));
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 670));
    const results = {info: t.info()};
    results.interactions = [
        {id: 'q1', type: 'choice', description: 'Pick the two {right} ones\\nplease',
         correct: ['a', 'c'], response: ['a', 'b'], result: 'incorrect', weighting: 2,
         latencySeconds: 12.5, time: at},
        {id: 'q2', type: 'true-false', correct: true, response: true, result: 'correct',
         time: at},
        {id: 'q3', type: 'fill-in', correct: ['Gantt', 'risk'], response: ['gantt', '{x}'],
         result: 'correct'},
        {id: 'q4', type: 'long-fill-in', response: 'A long\\nanswer', result: 'neutral'},
        {id: 'q5', type: 'matching', correct: [['a', 'd'], ['b', 'e']],
         response: [['a', 'e'], ['b', 'd']], result: 'incorrect'},
        {id: 'q6', type: 'sequencing', correct: ['c', 'a', 'b'], response: ['c', 'a', 'b'],
         result: 'correct'},
        {id: 'q7', type: 'numeric', correct: {min: 3, max: 5}, response: 4.5, result: 'correct'},
        {id: 'q1', type: 'choice', correct: ['a', 'c'], response: ['a', 'c'], result: 'correct'},
        {id: 'bad', type: 'choice', correct: ['not ok!'], response: []},
    ].map((i) => t.recordInteraction(i));
    results.save = t.saveState('probe', 'answers=a;b|c%');
    results.load = t.loadState('probe');
    results.progress = t.setProgress(0.5);
    results.fail = t.reportScore({raw: 3, min: 0, max: 10, passed: false});
    results.pass = t.reportScore({raw: 8.5, min: 0, max: 10, passed: true});
    results.downgrade = t.reportScore({raw: 1, min: 0, max: 10, passed: false});
    results.complete = t.complete();
    results.info2 = t.info();
    return results;
}"""


def test_tracker_api_scorm2004(player2004, server, network) -> None:
    frame = player2004.launch()
    results = frame.evaluate(QUIZ_SESSION)
    assert results["info"]["standard"] == "scorm2004"
    assert results["info"]["masteryScore"] is None
    assert results["info"]["passingScore"] == 0.8
    assert results["interactions"] == [True] * 8 + [False]
    assert results["save"] is True and results["load"] == "answers=a;b|c%"
    assert results["progress"] is True
    assert (results["fail"], results["pass"], results["downgrade"]) == (True, True, False)
    assert results["complete"] is True
    assert results["info2"]["success"] == "passed"
    assert results["info2"]["completion"] == "completed"

    report = player2004.unload()
    assert_no_api_errors(report)
    assert_terminated_once(report)
    data = cmi(report)
    assert data["completion_status"] == "completed"
    assert data["success_status"] == "passed"
    assert data["score"] == {"scaled": "0.85", "raw": "8.5", "min": "0", "max": "10"}
    assert set_values(report, "cmi.success_status") == ["failed", "passed"]
    assert set_values(report, "cmi.progress_measure")[-1] == "1"
    assert "|probe=answers=a%3Bb%7Cc%25" in data["suspend_data"]

    interactions = [data["interactions"][str(n)] for n in range(len(data["interactions"]))]
    assert [i["id"] for i in interactions] == [
        f"urn:scormkit:tpm-skills:q{n}" for n in range(1, 8)]
    q1, q2, q3, q4, q5, q6, q7 = interactions
    assert q1["type"] == "choice"
    # q1 was answered again: the same entry holds the last answer.
    assert q1["learner_response"] == "a[,]c" and q1["result"] == "correct"
    assert q1["correct_responses"]["0"]["pattern"] == "a[,]c"
    assert q1["description"] == "Pick the two {right} ones please"
    assert q1["weighting"] == "2" and q1["latency"] == "PT12.5S"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ", q1["timestamp"])
    assert q2["timestamp"] == "2025-01-02T03:04:05.67Z"
    assert q2["learner_response"] == "true" and q2["correct_responses"]["0"]["pattern"] == "true"
    assert q3["learner_response"] == "gantt[,] {x}"
    assert q3["correct_responses"]["0"]["pattern"] == "Gantt[,]risk"
    assert q4["type"] == "long-fill-in" and q4["learner_response"] == "A long answer"
    assert q4["result"] == "neutral"
    assert q5["learner_response"] == "a[.]e[,]b[.]d" and q5["result"] == "incorrect"
    assert q5["correct_responses"]["0"]["pattern"] == "a[.]d[,]b[.]e"
    assert q6["learner_response"] == "c[,]a[,]b"
    assert q7["learner_response"] == "4.5"
    assert q7["correct_responses"]["0"]["pattern"] == "3[:]5"
    network.assert_clean()


def test_tracker_uses_the_lms_passing_score(player2004, server, network) -> None:
    frame = player2004.launch(cmi={"scaled_passing_score": "0.9"})
    results = frame.evaluate(
        """async () => { const t = window.scormkit.tracker;
            await new Promise((resolve) => t.ready(resolve));
            return [t.info().masteryScore, t.reportScore({raw: 8.5, max: 10, passed: true}),
                    t.info().success]; }"""
    )
    assert results == [0.9, True, "failed"]
    report = player2004.unload()
    assert_no_api_errors(report)
    assert set_values(report, "cmi.success_status") == ["failed"]
    network.assert_clean()
