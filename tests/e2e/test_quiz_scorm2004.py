"""The graded quiz in SCORM 2004 4th Edition packages, in Chromium against scorm-again's
Scorm2004API (player2004.html): the single SCO (``/s2004/index.html``) and the quiz as its own
SCO in ``--sco-per-lesson`` (``/s2004-per-lesson/quiz.html``). Completion and success are
separate here: success_status passed/failed from the score, completion_status completed once
the quiz is finished (passed, or no attempts left).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e import quizdriver as qd
from tests.e2e.scorm2004_report import assert_no_api_errors, cmi

pytestmark = pytest.mark.e2e

QUIZ_SCO = "/s2004-per-lesson/quiz.html"
TYPES_2004 = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
              "sequencing", "likert", "numeric", "other"}


@pytest.fixture(autouse=True)
def _packages(server) -> None:
    if "s2004-per-lesson" not in server.packages:
        pytest.skip("SCORMKIT_E2E_PACKAGE given: the quiz tests need the packages built here")


def launch_quiz(player: Any, sco: str, cmi_data: dict[str, Any] | None = None) -> Any:
    frame = player.launch(sco=sco, cmi=cmi_data)
    qd.wait_ready(frame)
    return frame


def check_2004_formats(entry: dict[str, str], q: dict[str, Any]) -> None:
    assert entry["id"] == f"urn:scormkit:tpm-skills:{q['id']}"
    assert entry["type"] in TYPES_2004
    assert entry["description"] == q["title"] and len(entry["description"]) <= 250
    if "latency" in entry:  # none for a question without a response in this session
        assert re.fullmatch(r"PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?", entry["latency"]), entry
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", entry["timestamp"]), entry
    pattern = entry.get("correct_responses.0.pattern")
    response = entry.get("learner_response")
    if q["kind"] == "multiple":
        assert pattern == "[,]".join(q["correct"])
    elif q["kind"] == "matching":
        assert pattern == "[,]".join(f"{p}[.]{q['pairs'][p]}" for p in q["premises"])
    elif q["kind"] == "ordering":
        assert pattern == "[,]".join(q["items"])
    elif q["kind"] == "numeric":
        low, high = q["answers"][0]
        assert pattern == f"{low}[:]{high}"
    elif q["kind"] == "truefalse":
        assert pattern == ("true" if q["answer"] else "false") and response in ("true", "false")
    elif q["kind"] == "fill":
        assert pattern == "[,]".join(b["answers"][0] for b in q["blanks"])
    elif q["kind"] == "essay":
        assert entry["type"] == "long-fill-in" and pattern is None


def test_single_sco_all_right_passes_and_completes(player2004, server, network) -> None:
    frame = launch_quiz(player2004, "/s2004/index.html")
    qd.open_quiz(frame)
    qd.start(frame)
    questions = qd.presented(frame)
    qd.answer(frame, questions)
    qd.submit(frame)
    assert frame.locator(".sk-quiz-verdict").inner_text().startswith("You passed")
    report = player2004.unload()
    assert_no_api_errors(report)
    data = cmi(report)
    assert data["success_status"] == "passed"
    assert data["completion_status"] == "completed"
    # All right but the essay: its 2 points count 0 until graded (the essay rule).
    assert data["score"] == {"scaled": "0.8947", "raw": "89.47", "min": "0", "max": "100"}
    assert data["exit"] == "normal"
    entries = qd.interactions(report, setter="SetValue")
    assert len(entries) == len(questions)
    for entry, q in zip(entries, questions, strict=True):
        check_2004_formats(entry, q)
        assert entry["result"] == ("neutral" if q["kind"] == "essay" else "correct"), entry
        assert entry["weighting"] == str(q["points"])
    assert "wrong" not in {e["result"] for e in entries}
    # Each interaction its own latency: the questions were answered one after another, so
    # their latencies (start of the attempt to the first response) grow in that order.
    latencies = [seconds(e["latency"]) for e in entries if "latency" in e]
    assert len(latencies) >= len(entries) - 1, entries   # an untouched ordering may have none
    assert latencies == sorted(latencies) and latencies[-1] > latencies[0], latencies
    network.assert_clean()


def seconds(duration: str) -> float:
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", duration)
    assert match, duration
    hours, minutes, secs = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(secs or 0)


def test_quiz_sco_all_wrong_fails_then_passes_after_relaunch(player2004, server, network) -> None:
    # The LMS sends the manifest's minNormalizedMeasure as cmi.scaled_passing_score.
    frame = launch_quiz(player2004, QUIZ_SCO, {"scaled_passing_score": "0.8"})
    state = player2004.state()
    assert state["lessons"] == [] and state["masteryScore"] == 0.8
    qd.start(frame)
    first = qd.presented(frame)
    qd.answer(frame, first, right=False)
    qd.submit(frame)
    report = player2004.unload()
    assert_no_api_errors(report)
    data = cmi(report)
    assert data["success_status"] == "failed"
    assert data["completion_status"] == "incomplete", "attempts remain"
    assert data["score"]["scaled"] == "0"
    assert data["exit"] == "suspend"
    entries = qd.interactions(report, setter="SetValue")
    assert [e["result"] for e in entries] == [
        "neutral" if q["kind"] == "essay" else "incorrect" for q in first]

    # Relaunch: the submitted attempt is shown, then a second attempt passes.
    frame = player2004.relaunch()   # from what the LMS's server stored
    qd.wait_ready(frame)
    assert qd.state_of(frame)["phase"] == "r"
    frame.locator(".sk-quiz-retry").click()
    qd.start(frame)
    qd.answer(frame, qd.presented(frame))
    qd.submit(frame)
    second = player2004.unload()
    assert_no_api_errors(second)
    data = cmi(second)
    assert data["success_status"] == "passed"
    assert data["completion_status"] == "completed"
    assert data["score"]["scaled"] == "0.8947"
    assert data["exit"] == "normal"
    network.assert_clean()


def test_single_sco_relaunch_mid_quiz_resumes(player2004, server, network) -> None:
    frame = launch_quiz(player2004, "/s2004/index.html")
    qd.open_quiz(frame)
    qd.start(frame)
    questions = qd.presented(frame)
    qd.answer(frame, questions[:6])
    before = qd.state_of(frame)
    first = player2004.unload()
    assert_no_api_errors(first)
    data = cmi(first)
    assert data["exit"] == "suspend" and data["success_status"] == "unknown"
    frame = player2004.relaunch()   # from what the LMS's server stored
    qd.wait_ready(frame)
    after = qd.state_of(frame)
    for key in ("attempt", "phase", "started", "presented", "orders"):
        assert after[key] == before[key], key
    assert after["answers"][:6] == before["answers"][:6]
    qd.answer(frame, questions[6:])
    qd.submit(frame)
    second = player2004.unload()
    assert_no_api_errors(second)
    assert cmi(second)["success_status"] == "passed"
    network.assert_clean()


def test_leaving_mid_quiz_after_every_lesson_keeps_the_attempt(player2004, server,
                                                                 network) -> None:
    """Viewing every lesson makes the SCO complete, but an unsubmitted quiz must still exit
    with "suspend": a normal exit ends the SCORM 2004 attempt and drops suspend_data."""
    frame = launch_quiz(player2004, "/s2004/index.html")
    lessons = frame.evaluate(
        "JSON.parse(document.getElementById('scormkit-config').textContent).lessons")
    for lesson in lessons:
        frame.evaluate("id => window.scormkit.show(id)", lesson)
    qd.open_quiz(frame)
    qd.start(frame)
    questions = qd.presented(frame)
    qd.answer(frame, questions[:3])
    before = qd.state_of(frame)
    first = player2004.unload()
    assert_no_api_errors(first)
    data = cmi(first)
    assert data["completion_status"] == "completed"
    assert data["exit"] == "suspend"
    frame = player2004.relaunch()   # from what the LMS's server stored
    qd.wait_ready(frame)
    assert qd.state_of(frame)["answers"][:3] == before["answers"][:3]
    qd.answer(frame, questions[3:])
    qd.submit(frame)
    second = player2004.unload()
    assert_no_api_errors(second)
    assert cmi(second)["success_status"] == "passed"
    assert cmi(second)["exit"] == "normal"
    network.assert_clean()
