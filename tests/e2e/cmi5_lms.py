"""A cmi5 LMS for the end-to-end tests that enforces the cmi5 rules for Assignable Units.

It does what a cmi5 LMS does around an AU, and refuses what the cmi5 specification forbids an
AU, the way ADL's reference LMS (CATAPULT's player) does: the request is answered with an
error naming the rule, as ``{"error": ..., "violatedReqId": "<rule>"}``, and nothing of it is
stored. Rule numbers are the cmi5 requirement ids of ADL's ``@cmi5/requirements`` (Apache-2.0,
npm, a test devDependency: node_modules/@cmi5/requirements/requirements.json), which number
the requirements of the specification (AICC/CMI-5_Spec_Current, cmi5_spec.md) by section;
``(d)`` marks the LMS-side rule ADL derives from an AU requirement. tests/e2e/test_cmi5_lms.py
checks that every rule cited here exists in that list, and that each one refuses what it
should. Where the specification states a rule without a requirement number, the section is
cited ("9.5.1").

What it does, and the rules it enforces (statuses: 401 credentials, 403 a broken rule, 400 or
409 what xAPI itself forbids):

- Launch (test code calls ``launch()``): registration, session id, an LMS-generated AU
  activity id that is not the publisher id (8.1.5.0-1/-3, the same for every registration),
  LMS.LaunchData (contextTemplate with the session id and the publisher id grouping,
  launchMode, moveOn, masteryScore, returnURL; 10.2.x), the ``launched`` statement with its
  extensions (9.3.1, 9.6.3.x), the one-time fetch URL (8.2: 200 with the token once, then 200
  with error-code 1). A session that was launched and neither terminated nor abandoned when
  the same registration launches again is abandoned: the LMS records ``abandoned`` with the
  session's duration (9.3.6.0-1, 9.5.4.2-1/-2) and refuses anything else for it
  (9.3.6.0-2 (d2)).
- Credentials: only the token the fetch URL handed out, only while its session lasts
  (8.1.2.0-5 (d), 8.1.2.0-2 (d)); the launch actor and registration in every request that
  names them (8.1.3.0-3 (d), 8.1.4.0-3 (d), 11.0.0.0-1 (d)).
- State API: LMS.LaunchData is read-only (10.2.1.0-5 (d)); the AU's own documents are kept
  (PUT replaces, POST merges JSON objects, xAPI 1.0.3). Agent Profile: the learner
  preferences are read-only here (the LMS may refuse changes with 403, cmi5 11.0), after
  checking what a write sends (11.0.0.0-5 (d), 11.1.0.0-1 (d)).
- Before ``initialized``: LMS.LaunchData (10.2.1.0-4) and the learner preferences
  (11.0.0.0-3 (d2)) must have been read.
- Every statement: xAPI-valid (Ralph's strict pydantic models; 4.1.0.0-1), a UUID id
  (9.1.0.0-1 (d)), no voiding (6.3.0.0-1), a UTC timestamp (9.7.0.0-1 (d), 9.7.0.0-2 (d)), the
  launch actor (8.1.3.0-3 (d)), a context (9.6.0.0-1 (d)) with the registration
  (9.6.1.0-1 (d)), the session id (9.6.3.1-4 (d)) and everything of the context template
  (9.6.2.0-1 (d), 10.2.1.0-7 (d)); the moveon category only on cmi5-defined completed /
  passed / failed (9.6.2.2-2 (d)).
- Order within a session: ``initialized`` first, by arrival and by timestamp
  (9.3.0.0-4 (d2)), once (9.3.2.0-3 (d)); ``terminated`` last (9.3.0.0-5 (d2)). After
  ``terminated`` the LMS waits a grace period (9.3.8.0-4) during which a statement still on
  its way is accepted if its timestamp is not after terminated's: the order of cmi5 is the
  timestamps' (9.3). After it, the session's token is void.
- cmi5-defined statements (category cmi5): one of the five AU verbs (9.3.0.0-1), an Agent with
  an account (9.2.0.0-2/-3), the launch activity id as object (8.1.5.0-6 (d)); no completed /
  passed / failed in Browse or Review (10.2.2.0-2 (d), 10.2.2.0-3 (d)); no verb twice in a
  session (9.3.0.0-2 (d)), not both passed and failed (9.3.0.0-3 (d)), one completed and one
  passed per registration (9.3.0.0-6 (d2), 9.3.0.0-7 (d2)), no failed after passed
  (9.3.0.0-8 (d)); result rules: completion only and always on completed (9.5.3.0-1 (d1),
  9.5.3.0-2 (d)), success true on passed, false on failed, nowhere else (9.5.2.0-1 (d1),
  9.5.2.0-2 (d), 9.5.2.0-3 (d)), the moveon category with them (9.6.2.2-1 (d1-d3)), a score
  only on passed / failed (9.5.1.0-2 (d)) with min and max beside raw (9.5.1.0-3 (d1/d2)),
  scaled within 0..1 and raw an integer within min..max (9.5.1), passed at or above the
  masteryScore and failed below it (9.3.4.0-2 (d2), 9.3.5.0-2 (d)) carrying it as the
  masteryscore extension (9.6.3.2-2 (d)), durations on terminated, completed, passed and
  failed (9.5.4.1-1..4 (d)).
- moveOn (9.3.3.0-3, 9.3.4.0-4; 13.1.4): an AU is satisfied by completed (Completed), passed
  (Passed), both (CompletedAndPassed), either (CompletedOrPassed), or at once
  (NotApplicable, at registration: 9.6.1.1-3); when every AU of the course is, the LMS
  records ``satisfied`` for the course, with an LMS course id and the session id of the
  launch that did it (9.3.9.0-5..9).

What passes is stored in a real LRS (Ralph) with the LMS's own credentials, as LMSs that
front their LRS do.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "node_modules" / "@cmi5" / "requirements" / "requirements.json"

STRUCTURE_NS = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_ID = EXT + "sessionid"
MASTERY = EXT + "masteryscore"
VERB = "http://adlnet.gov/expapi/verbs/"
ADL_VERB = "https://w3id.org/xapi/adl/verbs/"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
AU_VERBS = ("initialized", "completed", "passed", "failed", "terminated")
JUDGING = ("completed", "passed", "failed")
LMS_HOME = "https://lms.scormkit.invalid"
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$")
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                       r"[0-9a-f]{12}$", re.I)
LANGUAGE_TAG = r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*"
LANGUAGE_LIST = re.compile(rf"^{LANGUAGE_TAG}(,{LANGUAGE_TAG})*$")


def requirements() -> dict[str, dict[str, str]]:
    """ADL's list of cmi5 requirements: {requirement id: {"txt": its wording}}."""
    return json.loads(REQUIREMENTS.read_text(encoding="utf-8"))


def cited_rules() -> set[str]:
    """Every cmi5 rule number this module can refuse with (the quoted ones in its source:
    requirement ids like "9.6.3.2-2 (d)", and sections like "9.5.1")."""
    source = Path(__file__).read_text(encoding="utf-8")
    return set(re.findall(r'"(\d+\.\d+\.\d+(?:\.\d+-\d+(?: \(d\d?\))?)?)"', source))


class Refusal(Exception):
    """A request the LMS refuses: HTTP *status*, the cmi5 *rule* and what was wrong."""

    def __init__(self, rule: str, detail: str, status: int = 403) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.detail, "violatedReqId": self.rule}


def agent_key(agent: Any) -> str:
    return json.dumps(agent, sort_keys=True, separators=(",", ":"))


def timestamp(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError(text)
    return datetime.fromisoformat(text)


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_duration(seconds: float) -> str:
    return f"PT{max(0.0, seconds):.2f}S"


# --------------------------------------------------------------------------------------------
# The course, the registration, the session
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuDefinition:
    publisher_id: str
    lms_id: str
    url: str
    move_on: str
    mastery_score: float | None


@dataclass(frozen=True)
class CourseDefinition:
    package: str
    publisher_id: str
    lms_id: str
    aus: tuple[AuDefinition, ...]


def lms_id(kind: str, publisher_id: str) -> str:
    """An LMS-generated activity id: never the publisher's (8.1.5.0-3, 9.3.9.0-8), the same in
    every registration (8.1.5.0-4)."""
    digest = hashlib.sha256(publisher_id.encode()).hexdigest()[:24]
    return f"{LMS_HOME}/{kind}/{digest}"


def read_course(package: Path) -> CourseDefinition:
    tree = etree.parse(str(package / "cmi5.xml"))
    course = tree.find(f"{STRUCTURE_NS}course")
    aus = []
    for au in tree.iter(f"{STRUCTURE_NS}au"):
        score = au.get("masteryScore")
        aus.append(AuDefinition(
            au.get("id"), lms_id("aus", au.get("id")), au.findtext(f"{STRUCTURE_NS}url").strip(),
            au.get("moveOn", "NotApplicable"), float(score) if score is not None else None))
    return CourseDefinition(package.name, course.get("id"), lms_id("courses", course.get("id")),
                            tuple(aus))


@dataclass
class AuProgress:
    completed: bool = False
    passed: bool = False
    satisfied: bool = False


@dataclass
class Registration:
    id: str
    actor: dict[str, Any]
    course: CourseDefinition
    progress: dict[str, AuProgress]
    satisfied: bool = False
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Session:
    id: str
    registration: Registration
    au: AuDefinition
    launch_data: dict[str, Any]
    fetch_key: str
    token: str
    launch_url: str
    launched_at: float
    launched_stamp: datetime
    fetched: bool = False
    launch_data_read: bool = False
    preferences_read: bool = False
    initialized_stamp: datetime | None = None
    terminated_stamp: datetime | None = None
    terminated_at: float | None = None
    abandoned: bool = False
    verbs: list[str] = field(default_factory=list)
    last_stamp: datetime | None = None

    @property
    def actor(self) -> dict[str, Any]:
        return self.registration.actor

    @property
    def mode(self) -> str:
        return self.launch_data["launchMode"]

    @property
    def mastery_score(self) -> float | None:
        return self.launch_data.get("masteryScore")


@dataclass
class Launch:
    """What the test needs to know about one launch."""

    url: str
    registration: str
    session: str
    actor: dict[str, Any]
    activity: str
    publisher_id: str
    fetch_key: str
    package: str
    return_url: str


# --------------------------------------------------------------------------------------------
# The LMS
# --------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"

    @classmethod
    def json(cls, status: int, value: Any) -> Reply:
        return cls(status, json.dumps(value).encode())


class Cmi5Lms:
    """The rules, the records and the request handling (no sockets: see serve() in
    test_cmi5_runtime.py). *lrs*: ``post(statements) -> (status, body)`` that stores statements
    with the LMS's credentials."""

    def __init__(self, root: Path, lrs: Callable[[list[dict[str, Any]]], tuple[int, bytes]],
                 grace_seconds: float = 10.0) -> None:
        self.root = root
        self.lrs = lrs
        self.grace_seconds = grace_seconds
        self.base_url = ""
        self.endpoint = ""
        self.courses: dict[str, CourseDefinition] = {}
        self.registrations: dict[str, Registration] = {}
        self.sessions: list[Session] = []
        self.fetch_calls: dict[str, int] = {}
        self.documents: dict[tuple[str, str, str, str], bytes] = {}
        self.profiles: dict[tuple[str, str], bytes] = {}
        self.stored: dict[str, str] = {}
        self.refusals: list[dict[str, Any]] = []
        self.endpoint_log: list[dict[str, Any]] = []
        self.lms_statements: list[dict[str, Any]] = []
        self.faults: list[int] = []
        """HTTP statuses the next statement POSTs get instead of an answer (the retry tests)."""
        self.lock = threading.RLock()

    # --- what the LMS does itself ----------------------------------------------------------

    def course(self, package: str) -> CourseDefinition:
        if package not in self.courses:
            self.courses[package] = read_course(self.root / package)
        return self.courses[package]

    def set_preferences(self, actor: dict[str, Any], preferences: dict[str, str]) -> None:
        self.profiles[(agent_key(actor), "cmi5LearnerPreferences")] = json.dumps(
            preferences).encode()

    def record(self, statement: dict[str, Any]) -> None:
        """Store a statement the LMS makes (launched, abandoned, satisfied)."""
        status, body = self.lrs([statement])
        assert status == 200, (status, body)
        self.lms_statements.append(statement)

    def _context(self, session: Session, **extensions: Any) -> dict[str, Any]:
        context = copy.deepcopy(session.launch_data["contextTemplate"])
        context["registration"] = session.registration.id
        context["contextActivities"]["category"] = [{"id": CMI5, "objectType": "Activity"}]
        context["extensions"].update(extensions)
        return context

    def _lms_statement(self, session: Session, verb: str, obj: dict[str, Any],
                       context: dict[str, Any], result: dict[str, Any] | None = None,
                       ) -> dict[str, Any]:
        statement = {
            "id": str(uuid.uuid4()),
            "actor": session.actor,
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": obj,
            "context": context,
            "timestamp": now_stamp(),
        }
        if result:
            statement["result"] = result
        return statement

    def launch(self, package: str = "cmi5", au: int = 0, *, registration: str | None = None,
               mode: str = "Normal", learner: str = "learner-1",
               return_url: str | None = "default") -> Launch:
        """Do what an LMS does before opening an AU; returns the launch URL and its data."""
        course = self.course(package)
        unit = course.aus[au]
        actor = {"objectType": "Agent", "name": "Test Learner",
                 "account": {"homePage": LMS_HOME, "name": learner}}
        with self.lock:
            reg = self.registrations.get(registration or "")
            if reg is None:
                reg = Registration(registration or str(uuid.uuid4()), actor, course,
                                   {a.lms_id: AuProgress() for a in course.aus})
                self.registrations[reg.id] = reg
                for definition in course.aus:   # 9.6.1.1-3: moveOn evaluated at registration
                    if definition.move_on == "NotApplicable":
                        reg.progress[definition.lms_id].satisfied = True
            assert reg.actor == actor, "one learner per registration"
            for earlier in reg.sessions:
                self._abandon_if_open(earlier)
            session_id = str(uuid.uuid4())
            au_url = f"{self.base_url}/{package}/{unit.url}"
            template = {
                "contextActivities": {"grouping": [{"id": unit.publisher_id,
                                                    "objectType": "Activity"}]},
                "extensions": {SESSION_ID: session_id},
            }
            launch_data: dict[str, Any] = {
                "contextTemplate": template,
                "launchMode": mode,
                "moveOn": unit.move_on,
            }
            if return_url == "default":
                return_url = f"{self.base_url}/done.html"
            if return_url:
                launch_data["returnURL"] = return_url
            if unit.mastery_score is not None:
                launch_data["masteryScore"] = unit.mastery_score
            fetch_key = secrets.token_urlsafe(8)
            session = Session(session_id, reg, unit, launch_data, fetch_key,
                              secrets.token_urlsafe(18), au_url, time.monotonic(),
                              datetime.now(UTC))
            reg.sessions.append(session)
            self.sessions.append(session)
            self.documents[(unit.lms_id, agent_key(actor), reg.id, "LMS.LaunchData")] = (
                json.dumps(launch_data).encode())
            extensions = {EXT + "launchmode": mode, EXT + "launchurl": au_url,
                          EXT + "moveon": unit.move_on}
            if unit.mastery_score is not None:
                extensions[MASTERY] = unit.mastery_score
            self.record(self._lms_statement(
                session, VERB + "launched", {"id": unit.lms_id, "objectType": "Activity"},
                self._context(session, **extensions)))
            session.last_stamp = session.launched_stamp
        query = urlencode({
            "endpoint": self.endpoint,
            "fetch": f"{self.base_url}/fetch/{fetch_key}",
            "actor": json.dumps(actor),
            "registration": reg.id,
            "activityId": unit.lms_id,
        }, quote_via=quote)
        return Launch(f"{au_url}?{query}", reg.id, session_id, actor, unit.lms_id,
                      unit.publisher_id, fetch_key, package, return_url or "")

    def _abandon_if_open(self, session: Session) -> None:
        """9.3.6: a session neither terminated nor abandoned when its registration launches
        again was abandoned; the LMS says so, with the session's duration (9.5.4.2-2)."""
        if session.abandoned or session.terminated_stamp is not None:
            return
        session.abandoned = True
        last = session.last_stamp or session.launched_stamp
        seconds = (last - session.launched_stamp).total_seconds()
        self.record(self._lms_statement(
            session, ADL_VERB + "abandoned", {"id": session.au.lms_id, "objectType": "Activity"},
            self._context(session), {"duration": iso_duration(seconds)}))

    def fetch(self, key: str) -> Reply:
        """The fetch URL (8.2): the token once; later calls answer 200 with an error
        (8.2.2.0-3, 8.2.3.0-1)."""
        with self.lock:
            self.fetch_calls[key] = self.fetch_calls.get(key, 0) + 1
            session = next((s for s in self.sessions if s.fetch_key == key), None)
            if session is None:
                return Reply.json(200, {"error-code": "2", "error-text": "unknown fetch URL"})
            if session.fetched or session.abandoned:
                return Reply.json(200, {"error-code": "1",
                                        "error-text": "The authorization token has already "
                                                      "been returned."})
            session.fetched = True
            return Reply.json(200, {"auth-token": session.token})

    # --- the xAPI endpoint -----------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: bytes) -> Reply:
        """One request to the endpoint the AU was given (path relative to it)."""
        with self.lock:
            entry = {"method": method, "path": path, "query": query,
                     "authorization": headers.get("authorization"),
                     "version": headers.get("x-experience-api-version"),
                     "origin": headers.get("origin"), "body": body.decode("utf-8", "replace"),
                     "status": None, "rule": None}
            self.endpoint_log.append(entry)
            try:
                reply = self._handle(method, path, query, headers, body)
            except Refusal as refusal:
                entry["rule"] = refusal.rule
                self.refusals.append({"rule": refusal.rule, "detail": refusal.detail,
                                      "method": method, "path": path, "body": entry["body"]})
                reply = Reply.json(refusal.status, refusal.body())
            entry["status"] = reply.status
            return reply

    def session_of(self, headers: dict[str, str]) -> Session:
        auth = headers.get("authorization") or ""
        token = auth.removeprefix("Basic ").strip()
        session = next((s for s in self.sessions if auth.startswith("Basic ") and
                        s.token == token and s.fetched), None)
        if session is None:
            raise Refusal("8.1.2.0-5 (d)", "no authorization token handed out by the fetch URL",
                          401)
        if session.abandoned:
            raise Refusal("9.3.6.0-2 (d2)", "this session was abandoned", 401)
        if (session.terminated_at is not None
                and time.monotonic() - session.terminated_at > self.grace_seconds):
            raise Refusal("8.1.2.0-2 (d)", "this session has ended (terminated)", 401)
        return session

    def _handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
                body: bytes) -> Reply:
        session = self.session_of(headers)
        if headers.get("x-experience-api-version", "").rsplit(".", 1)[0] != "1.0":
            return Reply.json(400, {"error": "X-Experience-API-Version 1.0.x required"})
        if path == "statements":
            if method in ("POST", "PUT"):
                if self.faults:
                    return Reply.json(self.faults.pop(0), {"error": "injected failure"})
                return self.post_statements(session, body, query)
            if method == "GET":
                if query.get("registration") != session.registration.id:
                    raise Refusal("8.1.4.0-3 (d)", "statements of another registration")
                return Reply(501, b'{"error": "statement queries are not offered to AUs here"}')
        if path == "activities/state":
            return self.state(session, method, query, body)
        if path == "agents/profile":
            return self.profile(session, method, query, body, headers)
        return Reply.json(404, {"error": f"no resource {path}"})

    def _agent(self, session: Session, query: dict[str, str], rule: str) -> None:
        try:
            agent = json.loads(query["agent"])
        except (KeyError, ValueError):
            raise Refusal(rule, "the agent parameter is missing or not JSON", 400) from None
        if agent != session.actor:
            raise Refusal(rule, "the agent is not the launch actor")

    def state(self, session: Session, method: str, query: dict[str, str], body: bytes) -> Reply:
        self._agent(session, query, "8.1.3.0-3 (d)")
        if "registration" in query and query["registration"] != session.registration.id:
            raise Refusal("8.1.4.0-3 (d)", "the registration is not the launch registration")
        if "stateId" not in query or "activityId" not in query:
            return Reply.json(400, {"error": "stateId and activityId are required"})
        key = (query["activityId"], agent_key(session.actor), query.get("registration", ""),
               query["stateId"])
        if query["stateId"] == "LMS.LaunchData":
            if method != "GET":
                raise Refusal("10.2.1.0-5 (d)", "LMS.LaunchData is read-only for the AU")
            if query["activityId"] == session.au.lms_id:
                session.launch_data_read = True
        if method == "GET":
            data = self.documents.get(key)
            return Reply(404) if data is None else Reply(200, data)
        if method == "DELETE":
            self.documents.pop(key, None)
            return Reply(204)
        if method == "POST" and key in self.documents:   # xAPI: POST merges JSON objects
            with contextlib.suppress(ValueError, AttributeError):
                merged = json.loads(self.documents[key])
                merged.update(json.loads(body))
                body = json.dumps(merged).encode()
        self.documents[key] = body
        return Reply(204)

    def profile(self, session: Session, method: str, query: dict[str, str], body: bytes,
                headers: dict[str, str]) -> Reply:
        self._agent(session, query, "11.0.0.0-1 (d)")
        key = (agent_key(session.actor), query.get("profileId", ""))
        if method == "GET":
            if key[1] == "cmi5LearnerPreferences":
                session.preferences_read = True
            data = self.profiles.get(key)
            return Reply(404) if data is None else Reply(200, data)
        if key[1] == "cmi5LearnerPreferences" and method in ("PUT", "POST"):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if (not isinstance(document, dict) or "languagePreference" not in document
                    or "audioPreference" not in document):
                raise Refusal("11.0.0.0-5 (d)", "not a JSON object with languagePreference and "
                              "audioPreference")
            if not LANGUAGE_LIST.match(str(document["languagePreference"])):
                raise Refusal("11.1.0.0-1 (d)", "languagePreference is not a comma-separated "
                              "list of language tags")
        # cmi5 11.0: the LMS may refuse changes with 403; the AU must not treat it as an error.
        return Reply.json(403, {"error": "this LMS keeps the learner's preferences itself"})

    # --- statements ------------------------------------------------------------------------

    def post_statements(self, session: Session, body: bytes, query: dict[str, str]) -> Reply:
        try:
            parsed = json.loads(body)
        except ValueError:
            return Reply.json(400, {"error": "the body is not JSON"})
        batch = parsed if isinstance(parsed, list) else [parsed]
        if "statementId" in query and len(batch) == 1 and isinstance(batch[0], dict):
            batch[0].setdefault("id", query["statementId"])
        ids = [s.get("id") for s in batch if isinstance(s, dict)]
        if len(ids) != len(set(ids)):
            return Reply.json(400, {"error": "the batch holds one statement id twice (xAPI)"})
        fresh = []
        for statement in batch:
            known = self.stored.get(statement.get("id")) if isinstance(statement, dict) else None
            if known is None:
                fresh.append(statement)
            elif known != agent_key(statement):
                return Reply.json(409, {"error": f"statement {statement['id']} exists with "
                                                 "other content (xAPI)"})
        # Identical statements sent again (a retry whose answer was lost) are already stored.
        changes = self.check(session, fresh)
        if fresh:
            status, answer = self.lrs(fresh)
            if status != 200:
                return Reply(status, answer)
            for statement in fresh:
                self.stored[statement["id"]] = agent_key(statement)
            self.apply(session, changes)
        return Reply.json(200, ids)

    def check(self, session: Session, batch: list[Any]) -> list[tuple[str, dict[str, Any]]]:
        """Check a batch against every rule (the whole batch is refused if one statement
        breaks one); returns (cmi5 verb or "" for a "cmi5 allowed" one, statement) pairs."""
        from pydantic import ValidationError
        from ralph.models.xapi.base.statements import BaseXapiStatement

        verbs = list(session.verbs)
        initialized = session.initialized_stamp
        terminated = session.terminated_stamp
        last = session.last_stamp
        progress = session.registration.progress[session.au.lms_id]
        completed, passed = progress.completed, progress.passed
        changes = []
        for st in batch:
            if not isinstance(st, dict):
                raise Refusal("4.1.0.0-1", "a statement is not a JSON object", 400)
            if not UUID_TEXT.match(str(st.get("id", ""))):
                raise Refusal("9.1.0.0-1 (d)", "the statement has no UUID id")
            try:
                BaseXapiStatement.model_validate(st)
            except ValidationError as error:
                raise Refusal("4.1.0.0-1", f"not a valid xAPI statement: {error}", 400) from None
            verb = st["verb"]["id"]
            if verb == VERB + "voided":
                raise Refusal("6.3.0.0-1", "AUs may not void statements")
            if "timestamp" not in st:
                raise Refusal("9.7.0.0-1 (d)", "the statement has no timestamp")
            stamp = timestamp(st["timestamp"])
            if stamp.utcoffset() != timedelta(0):
                raise Refusal("9.7.0.0-2 (d)", f"timestamp {st['timestamp']} is not UTC")
            if st["actor"] != session.actor:
                raise Refusal("8.1.3.0-3 (d)", "the actor is not the launch actor")
            context = st.get("context")
            if not isinstance(context, dict):
                raise Refusal("9.6.0.0-1 (d)", "the statement has no context")
            if context.get("registration") != session.registration.id:
                raise Refusal("9.6.1.0-1 (d)", "the context registration is not the launch's")
            extensions = context.get("extensions") or {}
            if SESSION_ID not in extensions:
                raise Refusal("9.6.3.1-4 (d)", "the context has no session id")
            # (Another session id than the launch's is an overwritten template value.)
            self._check_template(session, context)
            categories = [a.get("id") for a in
                          (context.get("contextActivities") or {}).get("category") or []]
            defined = CMI5 in categories
            name = verb.removeprefix(VERB) if verb.startswith(VERB) else verb
            if MOVEON in categories and not (defined and name in JUDGING):
                raise Refusal("9.6.2.2-2 (d)", "only cmi5-defined completed, passed and failed "
                              "statements carry the moveon category")
            # Order: initialized first, terminated last (by arrival and by timestamp).
            if terminated is not None:
                if name == "terminated" and defined:
                    raise Refusal("9.3.0.0-2 (d)", "terminated twice in a session")
                if stamp > terminated:
                    raise Refusal("9.3.0.0-5 (d2)", "a statement after terminated")
            if initialized is None and not (defined and name == "initialized"):
                raise Refusal("9.3.0.0-4 (d2)", "the first statement of a session must be "
                              "initialized")
            if initialized is not None and stamp < initialized:
                raise Refusal("9.3.0.0-4 (d2)", "timestamp before initialized")
            if defined:
                passed, completed = self._check_defined(
                    session, st, name, verbs, stamp, last, passed, completed)
                if name == "initialized":
                    initialized = stamp
                if name == "terminated":
                    terminated = stamp
                verbs.append(name)
            changes.append((name if defined else "", st))
            last = max(last, stamp) if last else stamp
        return changes

    def _check_template(self, session: Session, context: dict[str, Any]) -> None:
        template = session.launch_data["contextTemplate"]
        activities = context.get("contextActivities") or {}
        for kind, wanted in template.get("contextActivities", {}).items():
            have = activities.get(kind)
            have = have if isinstance(have, list) else [have] if have else []
            ids = [a.get("id") for a in have if isinstance(a, dict)]
            for activity in wanted:
                if activity["id"] not in ids:
                    raise Refusal("9.6.2.0-1 (d)", f"contextActivities.{kind} lacks "
                                  f"{activity['id']} of the context template")
        for key, value in template.items():
            if key == "contextActivities":
                continue
            if isinstance(value, dict):
                mine = context.get(key) or {}
                for name, inner in value.items():
                    if mine.get(name) != inner:
                        raise Refusal("10.2.1.0-7 (d)", f"context {key} {name} differs from "
                                      "the context template")
            elif context.get(key) != value:
                raise Refusal("10.2.1.0-7 (d)", f"context {key} differs from the template")

    def _check_defined(self, session: Session, st: dict[str, Any], name: str,
                       verbs: list[str], stamp: datetime, last: datetime | None,
                       passed: bool, completed: bool) -> tuple[bool, bool]:
        if name not in AU_VERBS:
            raise Refusal("9.3.0.0-1", f"{st['verb']['id']} is not a cmi5 verb an AU sends")
        actor = st["actor"]
        if actor.get("objectType", "Agent") != "Agent":
            raise Refusal("9.2.0.0-2", "the actor of a cmi5-defined statement is an Agent")
        account = actor.get("account") or {}
        if not account.get("name") or not account.get("homePage"):
            raise Refusal("9.2.0.0-3", "the actor has no account")
        if st["object"].get("id") != session.au.lms_id:
            raise Refusal("8.1.5.0-6 (d)", "the object is not the launch activityId")
        if name in JUDGING and session.mode == "Browse":
            raise Refusal("10.2.2.0-2 (d)", f"{name} in Browse mode")
        if name in JUDGING and session.mode == "Review":
            raise Refusal("10.2.2.0-3 (d)", f"{name} in Review mode")
        if name == "initialized":
            if not session.launch_data_read:
                raise Refusal("10.2.1.0-4", "initialized before LMS.LaunchData was read")
            if not session.preferences_read:
                raise Refusal("11.0.0.0-3 (d2)", "initialized before the learner preferences "
                              "were read")
            if "initialized" in verbs:
                raise Refusal("9.3.2.0-3 (d)", "initialized twice in a session")
        if name in verbs:
            raise Refusal("9.3.0.0-2 (d)", f"{name} twice in a session")
        if name in ("passed", "failed") and ({"passed", "failed"} & set(verbs)):
            raise Refusal("9.3.0.0-3 (d)", "passed and failed in one session")
        if name == "completed" and completed:
            raise Refusal("9.3.0.0-6 (d2)", "completed twice in a registration")
        if name == "passed" and passed:
            raise Refusal("9.3.0.0-7 (d2)", "passed twice in a registration")
        if name == "failed" and passed:
            raise Refusal("9.3.0.0-8 (d)", "failed after passed in a registration")
        if name == "terminated" and last is not None and stamp < last:
            raise Refusal("9.3.0.0-5 (d2)", "terminated is timestamped before an earlier "
                          "statement")
        self._check_result(session, st, name)
        return passed or name == "passed", completed or name == "completed"

    def _check_result(self, session: Session, st: dict[str, Any], name: str) -> None:
        result = st.get("result") or {}
        categories = [a.get("id") for a in st["context"]["contextActivities"]["category"]]
        if name == "completed" and result.get("completion") is not True:
            raise Refusal("9.5.3.0-1 (d1)", "completed without result.completion true")
        if name != "completed" and "completion" in result:
            raise Refusal("9.5.3.0-2 (d)", f"result.completion on {name}")
        if name == "passed" and result.get("success") is not True:
            raise Refusal("9.5.2.0-1 (d1)", "passed without result.success true")
        if name == "failed" and result.get("success") is not False:
            raise Refusal("9.5.2.0-2 (d)", "failed without result.success false")
        if name not in ("passed", "failed") and "success" in result:
            raise Refusal("9.5.2.0-3 (d)", f"result.success on {name}")
        if ("success" in result or "completion" in result) and MOVEON not in categories:
            rule = {"completed": "9.6.2.2-1 (d1)", "passed": "9.6.2.2-1 (d2)"}.get(
                name, "9.6.2.2-1 (d3)")
            raise Refusal(rule, f"{name} without the moveon category")
        score = result.get("score")
        if score is not None:
            if name not in ("passed", "failed"):
                raise Refusal("9.5.1.0-2 (d)", f"a score on {name}")
            if "raw" in score and "min" not in score:
                raise Refusal("9.5.1.0-3 (d1)", "score.raw without score.min")
            if "raw" in score and "max" not in score:
                raise Refusal("9.5.1.0-3 (d2)", "score.raw without score.max")
            scaled = score.get("scaled")
            if scaled is not None and not 0 <= scaled <= 1:
                raise Refusal("9.5.1", f"score.scaled {scaled} is not within 0..1")
            if "raw" in score:
                raw, low, high = score["raw"], score["min"], score["max"]
                if not all(isinstance(v, int) and not isinstance(v, bool)
                           for v in (raw, low, high)) or not low <= raw <= high:
                    raise Refusal("9.5.1", "score raw, min and max are integers, "
                                  "min <= raw <= max")
        mastery = session.mastery_score
        if name in ("passed", "failed") and mastery is not None:
            extension = st["context"].get("extensions", {}).get(MASTERY)
            if extension != mastery:
                raise Refusal("9.6.3.2-2 (d)", f"{name} judged against masteryScore {mastery} "
                              f"carries masteryscore {extension!r}")
            scaled = (score or {}).get("scaled")
            if name == "passed" and scaled is not None and scaled < mastery:
                raise Refusal("9.3.4.0-2 (d2)", f"passed with {scaled} < {mastery}")
            if name == "failed" and scaled is not None and scaled >= mastery:
                raise Refusal("9.3.5.0-2 (d)", f"failed with {scaled} >= {mastery}")
        durations = {"terminated": "9.5.4.1-1 (d)", "completed": "9.5.4.1-2 (d)",
                     "passed": "9.5.4.1-3 (d)", "failed": "9.5.4.1-4 (d)"}
        if name in durations:
            if "duration" not in result:
                raise Refusal(durations[name], f"{name} without result.duration")
            if not ISO_DURATION.match(str(result["duration"])):
                raise Refusal("4.1.0.0-1", f"duration {result['duration']} is not ISO 8601",
                              400)

    def apply(self, session: Session, changes: list[tuple[str, dict[str, Any]]]) -> None:
        """Record what stored statements change: the session, the AU's progress, moveOn."""
        registration = session.registration
        progress = registration.progress[session.au.lms_id]
        for name, st in changes:
            stamp = timestamp(st["timestamp"])
            session.verbs.append(name)
            if name == "initialized":
                session.initialized_stamp = stamp
            elif name == "terminated":
                session.terminated_stamp = stamp
                session.terminated_at = time.monotonic()
            elif name == "completed":
                progress.completed = True
            elif name == "passed":
                progress.passed = True
        stamps = [timestamp(st["timestamp"]) for _, st in changes]
        if stamps:
            session.last_stamp = max([session.last_stamp or stamps[0], *stamps])
        move_on = session.au.move_on
        met = {
            "Completed": progress.completed,
            "Passed": progress.passed,
            "CompletedAndPassed": progress.completed and progress.passed,
            "CompletedOrPassed": progress.completed or progress.passed,
            "NotApplicable": True,
        }[move_on]
        if met and not progress.satisfied:
            progress.satisfied = True
            if not registration.satisfied and all(
                    p.satisfied for p in registration.progress.values()):
                registration.satisfied = True
                course = registration.course
                context = self._context(session)
                context["contextActivities"]["grouping"] = [
                    {"id": course.publisher_id, "objectType": "Activity"}]
                self.record(self._lms_statement(
                    session, ADL_VERB + "satisfied",
                    {"id": course.lms_id, "objectType": "Activity",
                     "definition": {"type": COURSE_TYPE}}, context))

    # --- what tests read back ----------------------------------------------------------------

    def registration(self, registration: str) -> Registration:
        return self.registrations[registration]

    def session(self, session_id: str) -> Session:
        return next(s for s in self.sessions if s.id == session_id)

    def document(self, launch: Launch, state_id: str) -> Any:
        data = self.documents.get((launch.activity, agent_key(launch.actor), launch.registration,
                                   state_id))
        return None if data is None else json.loads(data)

    def requests_of(self, launch: Launch) -> list[dict[str, Any]]:
        """What reached the endpoint with this launch's token (CORS preflights aside)."""
        token = self.session(launch.session).token
        return [e for e in self.endpoint_log if e["authorization"] == f"Basic {token}"]
