"""A minimal cmi5 LMS and LRS for the preview: enough for scormkit's own cmi5 runtime.

What a cmi5 LMS does around an AU (cmi5 spec, AICC/CMI-5_Spec_Current, sections cited):

- launch (8.1): a registration (kept until the learner is reset), a session id, the launch
  URL parameters endpoint, fetch, actor, registration, activityId; the LMS.LaunchData state
  document (10.2: contextTemplate with the session id, launchMode, moveOn, masteryScore,
  returnURL), and the ``launched`` statement (9.3.1);
- the fetch URL (8.2): POST once for ``{"auth-token": ...}``; a second POST is answered with
  error-code 1 (8.2.3), as the spec says;
- the xAPI resources the runtime uses, for the token of the current session only: POST and
  PUT statements (stored in order, ids given when missing), GET statements (the debug view),
  activities/state (GET, PUT, POST merging JSON objects, DELETE; LMS.LaunchData read-only,
  10.2.1.0-5), agents/profile (GET: the cmi5LearnerPreferences document, 404 when none), and
  /about.

It checks what a preview needs to show the author, not every rule of the specification: the
end-to-end tests run the cmi5 runtime against a strict test LMS and a real LRS
(tests/e2e/cmi5_lms.py with Ralph). Statements are kept in memory, for the page's log.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

XAPI_VERSION = "1.0.3"
HOME = "http://127.0.0.1/preview"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
LAUNCH_DATA = "LMS.LaunchData"
MODES = {"normal": "Normal", "browse": "Browse", "review": "Review"}

Answer = tuple[int, Any, dict[str, str]]


class Lrs:
    """The LMS side of cmi5 for one learner; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.base_url = ""
        self.actor = {"objectType": "Agent", "name": "Preview Learner",
                      "account": {"homePage": HOME, "name": "preview-learner"}}
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.registration = str(uuid.uuid4())
            self.statements: list[dict[str, Any]] = []
            self.documents: dict[tuple[str, str, str], bytes] = {}
            self.fetch_keys: dict[str, str] = {}
            """fetch key -> token (the key is used once)."""
            self.used_keys: set[str] = set()
            self.tokens: set[str] = set()
            """Every token handed out for this registration: a session's last statements
            (``terminated``, sent as the frame goes away) may arrive after the next launch."""
            self.token = ""
            self.session = ""
            self.profiles: dict[str, bytes] = {}

    def launch(self, request: dict[str, Any]) -> dict[str, Any]:
        """A new session of the AU: what the page needs to open it (``url``)."""
        href = str(request.get("href") or "index.html")
        activity = str(request.get("activityId") or "")
        mode = MODES.get(str(request.get("mode") or "normal"), "Normal")
        mastery = request.get("masteryScore")
        with self.lock:
            self.session = str(uuid.uuid4())
            self.token = secrets.token_urlsafe(18)
            self.tokens.add(self.token)
            key = secrets.token_urlsafe(12)
            self.fetch_keys[key] = self.token
            launch_data: dict[str, Any] = {
                "contextTemplate": {
                    "contextActivities": {"grouping": [{"id": activity,
                                                        "objectType": "Activity"}]},
                    "extensions": {EXT + "sessionid": self.session},
                },
                "launchMode": mode,
                "moveOn": str(request.get("moveOn") or "NotApplicable"),
                "returnURL": f"{self.base_url}/preview/ended",
            }
            try:
                if mastery not in (None, ""):
                    launch_data["masteryScore"] = float(str(mastery))
            except ValueError:
                pass
            self.documents[(activity, self.registration, LAUNCH_DATA)] = json.dumps(
                launch_data).encode()
            self._store({
                "actor": self.actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/launched",
                         "display": {"en-US": "launched"}},
                "object": {"id": activity, "objectType": "Activity"},
                "context": {"registration": self.registration,
                            "contextActivities": {"category": [{"id": CMI5_CATEGORY}]},
                            "extensions": {EXT + "sessionid": self.session,
                                           EXT + "launchmode": mode}},
            })
        query = urlencode({
            "endpoint": f"{self.base_url}/xapi/",
            "fetch": f"{self.base_url}/lms/cmi5/fetch/{key}",
            "actor": json.dumps(self.actor),
            "registration": self.registration,
            "activityId": activity,
        })
        separator = "&" if "?" in href else "?"
        return {"url": f"/course/{href}{separator}{query}", "session": self.session,
                "registration": self.registration}

    def log(self, since: int) -> dict[str, Any]:
        """Statements from number *since* on, and the AU's state documents (the debug view)."""
        with self.lock:
            documents = {state: data.decode("utf-8", "replace")
                         for (_activity, _reg, state), data in self.documents.items()
                         if _reg == self.registration}
            return {"statements": self.statements[since:], "count": len(self.statements),
                    "documents": documents, "registration": self.registration}

    # --- requests ------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None,
               authorization: str) -> Answer:
        headers = {"X-Experience-API-Version": XAPI_VERSION}
        if path.startswith("/lms/cmi5/fetch/"):
            return self._fetch(path[len("/lms/cmi5/fetch/"):], headers)
        resource = path[len("/xapi/"):]
        if resource == "about":
            return 200, {"version": [XAPI_VERSION]}, headers
        if resource == "preview-log":
            since = query.get("since", "0")
            return 200, self.log(int(since) if since.isdigit() else 0), headers
        with self.lock:
            if not authorization.startswith("Basic ") or authorization[6:] not in self.tokens:
                return 401, {"error": "no valid credentials: use the fetch URL's token "
                             "(cmi5 8.2)"}, headers
        if resource == "statements":
            return self._statements(method, query, body, headers)
        if resource == "activities/state":
            return self._state(method, query, body, headers)
        if resource == "agents/profile":
            if method != "GET":
                return 403, {"error": "learner preferences are read-only here (cmi5 11)"}, \
                    headers
            with self.lock:
                found = self.profiles.get(query.get("profileId", ""))
            return (200, found, headers) if found is not None else (404, None, headers)
        return 404, {"error": f"no resource {resource}"}, headers

    def _fetch(self, key: str, headers: dict[str, str]) -> Answer:
        with self.lock:
            if key in self.used_keys:
                return 200, {"error-code": "1", "error-text": "the fetch URL was already "
                             "used (cmi5 8.2.3)"}, headers
            token = self.fetch_keys.pop(key, None)
            if token is None:
                return 200, {"error-code": "2", "error-text": "unknown fetch URL"}, headers
            self.used_keys.add(key)
        return 200, {"auth-token": token}, headers

    def _statements(self, method: str, query: dict[str, str], body: bytes | None,
                    headers: dict[str, str]) -> Answer:
        if method == "GET":
            with self.lock:
                return 200, {"statements": list(self.statements), "more": ""}, headers
        try:
            value = json.loads(body or b"null")
        except ValueError:
            return 400, {"error": "the body is not JSON"}, headers
        batch = value if isinstance(value, list) else [value]
        if not batch or not all(isinstance(s, dict) and "verb" in s and "actor" in s
                                and "object" in s for s in batch):
            return 400, {"error": "a statement needs actor, verb and object"}, headers
        if method == "PUT":
            if len(batch) != 1 or not query.get("statementId"):
                return 400, {"error": "PUT takes one statement and ?statementId"}, headers
            batch[0].setdefault("id", query["statementId"])
        with self.lock:
            ids = [self._store(statement) for statement in batch]
        return (204, None, headers) if method == "PUT" else (200, ids, headers)

    def _store(self, statement: dict[str, Any]) -> str:
        statement = dict(statement)
        statement.setdefault("id", str(uuid.uuid4()))
        statement.setdefault("timestamp", _now())
        statement["stored"] = _now()
        self.statements.append(statement)
        return str(statement["id"])

    def _state(self, method: str, query: dict[str, str], body: bytes | None,
               headers: dict[str, str]) -> Answer:
        state_id = query.get("stateId", "")
        key = (query.get("activityId", ""), query.get("registration", ""), state_id)
        with self.lock:
            if method == "GET":
                found = self.documents.get(key)
                return (200, found, headers) if found is not None else (404, None, headers)
            if state_id == LAUNCH_DATA:
                return 403, {"error": "LMS.LaunchData is read-only (cmi5 10.2.1.0-5)"}, headers
            if method == "DELETE":
                self.documents.pop(key, None)
                return 204, None, headers
            data = body or b""
            if method == "POST" and key in self.documents:
                try:
                    merged = json.loads(self.documents[key])
                    merged.update(json.loads(data))
                    data = json.dumps(merged).encode()
                except (ValueError, AttributeError, TypeError):
                    return 400, {"error": "POST merges JSON objects only"}, headers
            self.documents[key] = data
        return 204, None, headers


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
