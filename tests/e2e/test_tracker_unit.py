"""Unit tests of scormkit.js's pure tracking functions (formatters for SCORM 1.2, SCORM 2004
and cmi5), run in Chromium on one page for the whole module (the runtime has no Node build)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Network, _new_context

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def js(browser: Any, server: Any) -> Iterator[Any]:
    network = Network(server.base_url)
    context = _new_context(browser, network)
    page = context.new_page()
    page.goto(server.url("/unit.html"))
    page.wait_for_function("() => !!window.scormkit && !!window.scormkit.formatInteraction2004")
    try:
        yield page
    finally:
        context.close()
    network.assert_clean()


def call(js: Any, function: str, *args: Any) -> Any:
    return js.evaluate(f"(args) => window.scormkit.{function}(...args)", list(args))


@pytest.mark.parametrize(("ms", "expected"), [
    (0, "PT0S"), (65_200, "PT1M5.2S"), (3_600_000, "PT1H"), (3_723_450, "PT1H2M3.45S"),
    (59_999.9, "PT1M"), (10, "PT0.01S"), (-5, "PT0S"), (None, "PT0S"),
    (10_000 * 3_600_000, "PT9999H59M59.99S"),
])
def test_iso_duration(js, ms, expected) -> None:
    assert call(js, "formatISODuration", ms) == expected


def test_times_and_numbers(js) -> None:
    r = js.evaluate(
        """() => {
            const sk = window.scormkit;
            const local = new Date(2025, 0, 2, 3, 4, 5, 678);
            const utc = new Date(Date.UTC(2025, 10, 12, 13, 14, 15, 999));
            return {
                time: sk.formatCMITime(local), badTime: sk.formatCMITime(new Date(NaN)),
                stamp: sk.formatISOTimestamp(utc), noStamp: sk.formatISOTimestamp('x'),
                decimals: [sk.formatDecimal(0.5, 7), sk.formatDecimal(1e-9, 7),
                           sk.formatDecimal(2, 7), sk.formatDecimal(-0.0000001, 7),
                           sk.formatDecimal(1 / 3, 7), sk.formatDecimal(12.345, 2),
                           sk.formatDecimal(NaN, 7), sk.formatDecimal(null, 7),
                           sk.formatDecimal(true, 7), sk.formatDecimal(1e21, 2)],
                emoji: sk.truncate('ab\\ud83d\\ude00cd', 3),
                short: sk.truncate('abc', 10),
            };
        }"""
    )
    assert r["time"] == "03:04:05" and r["badTime"] is None
    assert r["stamp"] == "2025-11-12T13:14:15.99Z" and r["noStamp"] is None
    assert r["decimals"] == ["0.5", "0", "2", "-0.0000001", "0.3333333", "12.35", None, None,
                             None, None]
    assert r["emoji"] == "ab", "a surrogate pair is never split"
    assert r["short"] == "abc"


def test_scores(js) -> None:
    r = js.evaluate(
        """() => {
            const n = window.scormkit.normalizeScore;
            return [n({raw: 17, min: 0, max: 20}), n({raw: 25, max: 20}), n({raw: -30, max: 20}),
                    n({raw: 2, max: 3}), n({raw: 1, max: 0}), n({raw: '5', max: 10}),
                    n({raw: 5, min: 11, max: 10}), n(null)];
        }"""
    )
    assert r[0] == {"raw": 17, "min": 0, "max": 20, "scaled": 0.85, "percent": 85}
    assert (r[1]["scaled"], r[1]["percent"]) == (1, 100)
    assert (r[2]["scaled"], r[2]["percent"]) == (-1, 0)
    assert (r[3]["scaled"], r[3]["percent"]) == (0.6666667, 66.67)
    assert r[4:] == [None, None, None, None]


INTERACTIONS = """(courseId) => {
    const sk = window.scormkit;
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 60));
    const cases = {
        choice: {id: 'q1', type: 'choice', correct: ['a', 'c'], response: ['b'],
                 result: 'incorrect', weighting: 1.5, latencySeconds: 65.2, time: at,
                 description: 'Which\\r\\nones?'},
        single: {id: 'q 2.x', type: 'choice', correct: ['b'], response: [], result: 'correct'},
        tf: {id: 'q3', type: 'true-false', correct: false, response: true, result: 'neutral'},
        fill: {id: 'q4', type: 'fill-in', correct: ['one', 'two[,]three'],
               response: ['x'.repeat(300), '{brace}', 'a\\nb']},
        long: {id: 'q5', type: 'long-fill-in', response: 'y'.repeat(5000)},
        matching: {id: 'q6', type: 'matching', correct: [['1', 'a'], ['2', 'c']],
                   response: [['1', 'c'], ['2', 'a']]},
        sequencing: {id: 'q7', type: 'sequencing', correct: ['c', 'b', 'a'],
                     response: ['a', 'b', 'c']},
        numeric: {id: 'q8', type: 'numeric', correct: {min: 2.5, max: 2.5}, response: 2.50},
        open: {id: 'q9', type: 'numeric', correct: {min: null, max: 10}, response: -3},
        survey: {id: 'q10', type: 'choice', response: ['a']},
    };
    const bad = [
        null, {}, {id: 'x', type: 'likert'}, {type: 'choice'}, {id: '', type: 'choice'},
        {id: 'x', type: 'choice', response: ['a b']}, {id: 'x', type: 'choice', response: 'a'},
        {id: 'x', type: 'true-false', response: 'true'},
        {id: 'x', type: 'matching', response: [['a']]},
        {id: 'x', type: 'numeric', response: 'many'},
        {id: 'x', type: 'numeric', correct: {}},
        {id: 'x', type: 'fill-in', response: 'not an array'},
    ];
    const out = {s12: {}, s2004: {}};
    for (const [name, i] of Object.entries(cases)) {
        out.s12[name] = sk.formatInteraction12(i);
        out.s2004[name] = sk.formatInteraction2004(i, {courseId});
    }
    out.bad12 = bad.map((i) => sk.formatInteraction12(i));
    out.bad2004 = bad.map((i) => sk.formatInteraction2004(i, {courseId}));
    out.results = ['correct', 'incorrect', 'neutral', 'other'].map(
        (result) => sk.formatInteraction12({id: 'r', type: 'true-false', result}).result);
    return out;
}"""


def test_interactions_scorm12(js) -> None:
    r = js.evaluate(INTERACTIONS, "my course")
    s = r["s12"]
    assert s["choice"] == {
        "id": "q1", "type": "choice", "pattern": "{a,c}", "response": "b", "result": "wrong",
        "weighting": "1.5", "latency": "0000:01:05.20", "time": s["choice"]["time"]}
    assert re.fullmatch(r"\d\d:\d\d:\d\d", s["choice"]["time"])
    assert (s["single"]["id"], s["single"]["pattern"], s["single"]["response"]) == (
        "q_2_x", "b", "")
    assert (s["tf"]["pattern"], s["tf"]["response"], s["tf"]["result"]) == ("f", "t", "neutral")
    # Blanks joined by "[,]" as in SCORM 2004 (a "," is ambiguous); "[,]" in a text loses its
    # brackets.
    assert s["fill"]["pattern"] == "one[,]two,three"
    assert len(s["fill"]["response"]) == 255 and s["fill"]["response"].startswith("xxx")
    assert s["long"]["type"] == "fill-in" and len(s["long"]["response"]) == 255
    assert s["long"]["pattern"] is None
    assert (s["matching"]["pattern"], s["matching"]["response"]) == ("1.a,2.c", "1.c,2.a")
    assert (s["sequencing"]["pattern"], s["sequencing"]["response"]) == ("c,b,a", "a,b,c")
    assert (s["numeric"]["pattern"], s["numeric"]["response"]) == ("2.5", "2.5")
    assert (s["open"]["pattern"], s["open"]["response"]) == (None, "-3")
    assert s["survey"]["pattern"] is None and s["survey"]["result"] is None
    for value in s.values():
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,255}", value["id"])
        assert value["type"] in {"choice", "true-false", "fill-in", "matching", "sequencing",
                                 "numeric"}
        for key in ("pattern", "response"):
            assert value[key] is None or len(value[key]) <= 255
    assert r["bad12"] == [None] * len(r["bad12"])
    assert r["results"] == ["correct", "wrong", "neutral", None]


def test_interactions_scorm2004(js) -> None:
    r = js.evaluate(INTERACTIONS, "my course")
    s = r["s2004"]
    assert s["choice"] == {
        "id": "urn:scormkit:my%20course:q1", "type": "choice", "description": "Which ones?",
        "pattern": "a[,]c", "response": "b", "result": "incorrect", "weighting": "1.5",
        "latency": "PT1M5.2S", "timestamp": "2025-01-02T03:04:05.06Z"}
    assert s["single"]["id"] == "urn:scormkit:my%20course:q%202.x"
    assert s["single"]["response"] is None, "an empty choice response is not sent"
    assert (s["tf"]["pattern"], s["tf"]["response"]) == ("false", "true")
    assert s["fill"]["pattern"] == "one[,]two,three", "delimiters inside a text are dropped"
    blanks = s["fill"]["response"].split("[,]")
    assert [len(blanks[0]), blanks[1], blanks[2]] == [250, " {brace}", "a b"]
    assert len(s["long"]["response"]) == 4000 and s["long"]["type"] == "long-fill-in"
    assert s["matching"]["pattern"] == "1[.]a[,]2[.]c"
    assert s["matching"]["response"] == "1[.]c[,]2[.]a"
    assert s["sequencing"]["response"] == "a[,]b[,]c"
    assert (s["numeric"]["pattern"], s["numeric"]["response"]) == ("2.5[:]2.5", "2.5")
    assert (s["open"]["pattern"], s["open"]["response"]) == ("[:]10", "-3")
    assert s["survey"]["description"] is None
    assert r["bad2004"] == [None] * len(r["bad2004"])


def test_suspend_data_state(js) -> None:
    r = js.evaluate(
        """() => {
            const sk = window.scormkit;
            const ids = ['a', 'b', 'c'];
            const viewed = [true, false, true];
            const state = {quiz: '50%;|x=y', 'k.2': '', bad: 7, 'no way': 'x'};
            const text = sk.encodeSuspendData(ids, viewed, 4096, state);
            const back = sk.decodeSuspendData(text, ids);
            const other = sk.decodeSuspendData(text, ['z']);
            const fits = [sk.suspendDataFits(ids, viewed, 20, {q: 'x'.repeat(5)}),
                          sk.suspendDataFits(ids, viewed, 20, {q: 'x'.repeat(20)})];
            const cut = sk.encodeSuspendData(ids, viewed, 20, {q: 'x'.repeat(20)});
            const multiline = sk.decodeSuspendData(
                sk.encodeSuspendData(ids, viewed, 4096, {m: 'a\\nb'}), ids);
            return {text, back, otherState: other.state, otherMatches: other.matches, fits, cut,
                    multiline: multiline.state, plain: sk.encodeSuspendData(ids, viewed),
                    legacy: sk.decodeSuspendData('v1|abc|D', ids).state};
        }"""
    )
    assert r["text"].endswith("|F|k.2=;quiz=50%25%3B%7Cx=y")  # F = lessons 0 and 2
    assert r["back"]["viewed"] == [True, False, True]
    assert r["back"]["state"] == {"k.2": "", "quiz": "50%;|x=y"}
    assert r["otherMatches"] is False and r["otherState"] == r["back"]["state"]
    assert r["fits"] == [True, False]
    assert "|q=" not in r["cut"] and len(r["cut"]) <= 20
    assert r["multiline"] == {"m": "a\nb"}
    assert re.fullmatch(r"v1\|[0-9a-z]+\|F", r["plain"])
    assert r["legacy"] == {}


def test_uuid_and_cmi5_launch(js) -> None:
    r = js.evaluate(
        """() => {
            const sk = window.scormkit;
            const actor = {objectType: 'Agent', account: {homePage: 'h', name: 'n'}};
            const query = '?' + new URLSearchParams({
                endpoint: 'http://127.0.0.1:1/xapi', fetch: 'http://127.0.0.1:2/f?k=1',
                actor: JSON.stringify(actor), registration: 'r-1', activityId: 'urn:x:au'});
            const launch = sk.parseCmi5Launch(query);
            const template = {
                contextActivities: {category: {id: 'urn:x:cat'}, grouping: [{id: 'urn:x:g'}]},
                extensions: {'urn:x:sessionid': 's-1'}};
            const frozen = JSON.stringify(template);
            const initialized = sk.cmi5Statement(launch, template, 'initialized',
                {id: 'i', timestamp: 't'});
            const passed = sk.cmi5Statement(launch, template, 'passed',
                {id: 'p', timestamp: 't', result: {success: true}});
            return {
                uuids: [sk.uuid4(new Array(16).fill(255)), sk.uuid4(new Array(16).fill(0))],
                launch, initialized, passed, untouched: JSON.stringify(template) === frozen,
                missing: sk.parseCmi5Launch('?endpoint=x&fetch=y&actor=%7B%7D&registration=r'),
                badActor: sk.parseCmi5Launch(query.replace('actor=', 'actor=x')),
            };
        }"""
    )
    assert r["uuids"] == ["ffffffff-ffff-4fff-bfff-ffffffffffff",
                          "00000000-0000-4000-8000-000000000000"]
    assert r["launch"] == {
        "endpoint": "http://127.0.0.1:1/xapi/", "fetch": "http://127.0.0.1:2/f?k=1",
        "actor": {"objectType": "Agent", "account": {"homePage": "h", "name": "n"}},
        "registration": "r-1", "activityId": "urn:x:au"}
    assert r["missing"] is None and r["badActor"] is None
    init = r["initialized"]
    assert init["verb"] == {"id": "http://adlnet.gov/expapi/verbs/initialized",
                            "display": {"en-US": "initialized"}}
    assert init["object"] == {"id": "urn:x:au", "objectType": "Activity"}
    assert init["context"]["registration"] == "r-1"
    assert init["context"]["extensions"] == {"urn:x:sessionid": "s-1"}
    assert [c["id"] for c in init["context"]["contextActivities"]["category"]] == [
        "urn:x:cat", "https://w3id.org/xapi/cmi5/context/categories/cmi5"]
    assert "result" not in init
    assert [c["id"] for c in r["passed"]["context"]["contextActivities"]["category"]] == [
        "urn:x:cat", "https://w3id.org/xapi/cmi5/context/categories/cmi5",
        "https://w3id.org/xapi/cmi5/context/categories/moveon"]
    assert r["passed"]["result"] == {"success": True}
    assert r["untouched"] is True


def test_cmi5_mastery_score_extension(js) -> None:
    """9.6.3.2-2: passed/failed carry the LaunchData masteryScore; other verbs do not, and a
    template value is never overwritten (10.2.1.0-7)."""
    r = js.evaluate(
        """() => {
            const sk = window.scormkit;
            const launch = {actor: {account: {homePage: 'h', name: 'n'}}, registration: 'r',
                            activityId: 'urn:x:au'};
            const template = {contextActivities: {grouping: [{id: 'urn:x:g'}]},
                              extensions: {'urn:x:sessionid': 's'}};
            const judged = (verb, template) => sk.cmi5Statement(launch, template, verb,
                {id: 'x', timestamp: 't', masteryScore: 0.8}).context.extensions;
            const fixed = {contextActivities: {}, extensions: {
                'https://w3id.org/xapi/cmi5/context/extensions/masteryscore': 0.5}};
            return [judged('passed', template), judged('failed', template),
                    judged('completed', template), judged('passed', fixed)];
        }"""
    )
    mastery = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
    assert r[0] == r[1] == {"urn:x:sessionid": "s", mastery: 0.8}
    assert r[2] == {"urn:x:sessionid": "s"}
    assert r[3] == {mastery: 0.5}


@pytest.mark.parametrize(("interaction", "pattern", "response"), [
    ({"type": "choice", "correct": ["a", "c"], "response": ["c", "a"]}, "a[,]c", "c[,]a"),
    ({"type": "true-false", "correct": False, "response": True}, "false", "true"),
    ({"type": "fill-in", "correct": ["red[,]x", "{b}"], "response": ["red"]},
     "red,x[,] {b}", "red"),
    ({"type": "long-fill-in", "response": "A long\nanswer"}, None, "A long answer"),
    ({"type": "matching", "correct": [["1", "a"], ["2", "b"]], "response": [["1", "b"]]},
     "1[.]a[,]2[.]b", "1[.]b"),
    ({"type": "sequencing", "correct": ["x", "y", "z"], "response": ["y", "x", "z"]},
     "x[,]y[,]z", "y[,]x[,]z"),
    ({"type": "numeric", "correct": {"min": 4, "max": 6}, "response": 5.5}, "4[:]6", "5.5"),
    ({"type": "numeric", "correct": {"min": 7, "max": 7}, "response": 7}, "7", "7"),
    ({"type": "numeric", "correct": {"min": None, "max": 3}}, "[:]3", None),
    ({"type": "choice", "correct": ["a"], "response": []}, "a", None),
])
def test_xapi_interactions(js, interaction, pattern, response) -> None:
    """xAPI 1.0.3 Data 2.4.4.1: interactionType, correctResponsesPattern and response."""
    base = {"id": "q 1/é", "description": "Which?", "result": "incorrect",
            "latencySeconds": 12.5, **interaction}
    out = call(js, "formatInteractionXapi", base, {"courseId": "c-1", "language": "fr"})
    assert out["object"]["id"] == "https://scormkit.invalid/courses/c-1/questions/q%201%2F%C3%A9"
    definition = out["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == interaction["type"]
    assert definition["name"] == {"fr": "Which?"}
    assert definition.get("correctResponsesPattern") == (None if pattern is None else [pattern])
    assert out["result"].get("response") == response
    assert out["result"]["success"] is False and out["result"]["duration"] == "PT12.5S"
    assert call(js, "formatInteractionXapi", {**base, "type": "likert"}) is None


def test_answered_statement_is_cmi5_allowed(js) -> None:
    r = js.evaluate(
        """() => {
            const sk = window.scormkit;
            const launch = {actor: {account: {homePage: 'h', name: 'n'}}, registration: 'r',
                            activityId: 'urn:x:au'};
            const template = {contextActivities: {grouping: [{id: 'urn:x:g'}],
                                                  parent: [{id: 'urn:x:p'}]},
                              extensions: {'urn:x:sessionid': 's'}};
            const formatted = sk.formatInteractionXapi(
                {id: 'q1', type: 'true-false', correct: true, result: 'neutral'}, {});
            return sk.answeredStatement(launch, template, formatted, {id: 'i', timestamp: 't'});
        }"""
    )
    assert r["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    activities = r["context"]["contextActivities"]
    assert "category" not in activities
    assert activities["parent"] == [{"id": "urn:x:p"}, {"id": "urn:x:au", "objectType": "Activity"}]
    assert r["context"]["extensions"] == {"urn:x:sessionid": "s"}
    assert "result" not in r   # neutral, no response, no latency: nothing to say
    assert "name" not in r["object"]["definition"]   # no description: no name


def test_learner_preferences_and_language_pick(js) -> None:
    assert call(js, "parsePreferences", {"languagePreference": "fr-FR, en-US,x y,de",
                                         "audioPreference": "off"}) == {
        "languages": ["fr-FR", "en-US", "de"], "audio": "off"}
    assert call(js, "parsePreferences", {"audioPreference": "loud"}) == {
        "languages": [], "audio": None}
    assert call(js, "parsePreferences", None) == {"languages": [], "audio": None}
    assert call(js, "pickLanguage", ["zh-CN", "fr-BE", "fr-FR"], ["fr-FR", "fr-BE"]) == "fr-BE"
    assert call(js, "pickLanguage", ["fr-CA", "en"], ["en-US", "fr-FR"]) == "fr-FR"
    assert call(js, "pickLanguage", ["DE"], ["de"]) == "de"
    assert call(js, "pickLanguage", ["es"], ["en"]) is None
    assert call(js, "ruleOf", '{"violatedReqId": "9.6.3.2-2 (d)"}') == "9.6.3.2-2"
    assert call(js, "ruleOf", "no rule here 1.2.3") == ""
