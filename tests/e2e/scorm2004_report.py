"""Reading what player2004.html recorded of a SCO's SCORM 2004 API calls: shared by the
runtime and quiz end-to-end tests."""

from __future__ import annotations

from typing import Any

ERROR_FUNCTIONS = ("GetLastError", "GetErrorString", "GetDiagnostic")
# Elements the SCO reads at start that an LMS may hold no value for yet: GetValue then answers
# "" with error 403 (value not initialized), which the runtime expects.
MAY_BE_UNSET = {"cmi.location", "cmi.suspend_data", "cmi.scaled_passing_score"}


def sco_calls(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in report["calls"] if c["fn"] not in ERROR_FUNCTIONS]


def set_values(report: dict[str, Any], element: str) -> list[str]:
    return [c["args"][1] for c in sco_calls(report)
            if c["fn"] == "SetValue" and c["args"][0] == element]


def cmi(report: dict[str, Any]) -> dict[str, Any]:
    return report["cmi"]["cmi"]


def assert_no_api_errors(report: dict[str, Any]) -> None:
    for call in sco_calls(report):
        if call["fn"] == "GetValue" and call["args"][0] in MAY_BE_UNSET:
            assert call["err"] in ("0", "403"), call
            continue
        assert call["err"] == "0", f"API error after {call}"
        if call["fn"] != "GetValue":
            assert call["ret"] == "true", call
    assert report["violations"] == []
    errors = [entry for entry in report["lmsLog"] if entry["level"] >= 4]
    assert errors == [], errors
