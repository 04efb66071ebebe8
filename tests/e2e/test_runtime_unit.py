"""Unit tests of scormkit.js's pure functions, run in Chromium (the runtime has no Node build)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Network, _new_context

pytestmark = pytest.mark.e2e

TIMESPAN = re.compile(r"^\d{4}:\d{2}:\d{2}\.\d{2}$")


@pytest.fixture(scope="module")
def js(browser: Any, server: Any) -> Iterator[Any]:
    """One page for the whole module (pure functions keep no state between tests); every
    request it makes is checked at the end."""
    network = Network(server.base_url)
    context = _new_context(browser, network)
    page = context.new_page()
    page.goto(server.url("/unit.html"))
    page.wait_for_function("() => !!window.scormkit && !!window.scormkit.encodeSuspendData")
    assert page.evaluate("() => window.scormkit.getState()") is None
    try:
        yield page
    finally:
        context.close()


def lesson_ids(count: int) -> list[str]:
    return [f"lesson-{n:04d}" for n in range(count)]


def test_suspend_data_500_lessons_all_viewed(js) -> None:
    result = js.evaluate(
        """(ids) => {
            const sk = window.scormkit;
            const text = sk.encodeSuspendData(ids, ids.map(() => true));
            return {text, decoded: sk.decodeSuspendData(text, ids)};
        }""",
        lesson_ids(500),
    )
    text = result["text"]
    assert text.startswith("v1|")
    assert len(text) <= 4096
    assert len(text) <= 4 + 7 + 84
    assert re.fullmatch(r"v1\|[0-9a-z]{1,7}\|[A-Za-z0-9_-]*", text)
    assert result["decoded"]["matches"] is True
    assert result["decoded"]["viewed"] == [True] * 500


def test_suspend_data_round_trips_random_sets(js) -> None:
    failures = js.evaluate(
        """() => {
            const sk = window.scormkit;
            let seed = 12345;
            const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
            const failures = [];
            for (let round = 0; round < 300; round += 1) {
                const count = Math.floor(random() * 700);
                const ids = Array.from({length: count}, (_, i) => 'l' + i + '-' + round);
                const viewed = ids.map(() => random() < 0.5);
                const text = sk.encodeSuspendData(ids, viewed);
                const back = sk.decodeSuspendData(text, ids);
                const same = back && back.matches && back.viewed.length === count &&
                    back.viewed.every((v, i) => v === viewed[i]);
                const shape = /^v1\\|[0-9a-z]+\\|[A-Za-z0-9_-]*$/.test(text);
                if (!same || text.length > 4096 || !shape) {
                    failures.push({count, text});
                }
            }
            return failures;
        }"""
    )
    assert failures == []


def test_suspend_data_edge_cases(js) -> None:
    r = js.evaluate(
        """() => {
            const sk = window.scormkit;
            const ids = ['a', 'b', 'c', 'd'];
            const none = sk.encodeSuspendData(ids, [false, false, false, false]);
            const firstTwo = sk.encodeSuspendData(ids, [true, true, false, false]);
            const other = sk.decodeSuspendData(firstTwo, ['a', 'b', 'c', 'x']);
            const huge = Array.from({length: 30000}, (_, i) => 'lesson' + i);
            const hugeText = sk.encodeSuspendData(huge, huge.map(() => true));
            const hugeBack = sk.decodeSuspendData(hugeText, huge);
            const small = sk.encodeSuspendData(ids, [true, true, true, true], 12);
            return {
                none, firstTwo,
                noneBack: sk.decodeSuspendData(none, ids),
                otherMatches: other.matches, otherViewed: other.viewed,
                garbage: [sk.decodeSuspendData('', ids), sk.decodeSuspendData('{"x":1}', ids),
                          sk.decodeSuspendData('v2|abc|D', ids), sk.decodeSuspendData(null, ids),
                          sk.decodeSuspendData('v1|abc|D!', ids)],
                hugeLength: hugeText.length,
                hugeFirst: hugeBack.viewed.slice(0, 100).every(Boolean),
                hugeLast: hugeBack.viewed[29999],
                small, smallLength: small.length,
                fingerprintStable: sk.fingerprint(ids) === sk.fingerprint(ids.slice()),
                fingerprintOrder: sk.fingerprint(ids) !== sk.fingerprint(['b', 'a', 'c', 'd']),
            };
        }"""
    )
    assert re.fullmatch(r"v1\|[0-9a-z]+\|", r["none"])
    assert r["firstTwo"].endswith("|D")
    assert r["noneBack"]["viewed"] == [False] * 4
    assert r["otherMatches"] is False and r["otherViewed"] == [False] * 4
    assert r["garbage"] == [None] * 5
    assert r["hugeLength"] <= 4096
    assert r["hugeFirst"] is True and r["hugeLast"] is False
    assert r["smallLength"] <= 12
    assert r["fingerprintStable"] and r["fingerprintOrder"]


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (0, "0000:00:00.00"),
        (65_200, "0000:01:05.20"),
        (59_999.9, "0000:01:00.00"),
        (3_723_450, "0001:02:03.45"),
        (-5, "0000:00:00.00"),
        (None, "0000:00:00.00"),
        (36_000_000_000, "9999:59:59.99"),
        (10_000 * 3_600_000, "9999:59:59.99"),
    ],
)
def test_cmi_timespan(js, ms, expected) -> None:
    text = js.evaluate("(ms) => window.scormkit.formatCMITimespan(ms)", ms)
    assert text == expected
    assert TIMESPAN.match(text)


def test_cmi_timespan_nan(js) -> None:
    assert js.evaluate("() => window.scormkit.formatCMITimespan(NaN)") == "0000:00:00.00"
    assert js.evaluate("() => window.scormkit.formatCMITimespan(Infinity)") == "9999:59:59.99"


def test_find_api_walks_parents(js) -> None:
    """findApi walks nested frames up to the window holding the API."""
    found = js.evaluate(
        """async () => {
            window.API = {LMSInitialize: () => 'true', marker: 'top'};
            const make = (doc) => new Promise((resolve) => {
                const frame = doc.createElement('iframe');
                frame.src = 'about:blank';
                frame.onload = () => resolve(frame.contentWindow);
                doc.body.appendChild(frame);
            });
            let win = window;
            for (let depth = 0; depth < 5; depth += 1) {
                win = await make(win.document);
            }
            const api = window.scormkit.findApi(win, 'API');
            const none = window.scormkit.findApi(win, 'API_1484_11');
            return {marker: api && api.marker, none};
        }"""
    )
    assert found == {"marker": "top", "none": None}
