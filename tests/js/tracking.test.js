'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const codec = load('tracking/suspend-data');
const time = load('tracking/time');
const { normalizeScore } = load('tracking/score');
const clock = load('tracking/clock');

// --- tracking/suspend-data ----------------------------------------------------------------

test('suspend_data: the documented example, and a round trip with state', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const fp = codec.fingerprint(ids);
  assert.equal(codec.encodeSuspendData(ids, [true, true, false, false]), 'v1|' + fp + '|D');
  const text = codec.encodeSuspendData(ids, [true, true, false, false], 4096, { quiz: 'a;b' });
  assert.equal(text, 'v1|' + fp + '|D|quiz=a%3Bb');
  assert.deepEqual(codec.decodeSuspendData(text, ids), {
    version: 1, matches: true, viewed: [true, true, false, false], state: { quiz: 'a;b' },
  });
});

test('suspend_data: a changed lesson list forgets the viewed set but keeps the state', () => {
  const text = codec.encodeSuspendData(['a', 'b'], [true, true], 4096, { k: 'v' });
  const back = codec.decodeSuspendData(text, ['b', 'a']);
  assert.equal(back.matches, false);
  assert.deepEqual(back.viewed, [false, false]);
  assert.deepEqual(back.state, { k: 'v' });
});

test('suspend_data: six lessons per character, trailing empty characters dropped', () => {
  const ids = Array.from({ length: 13 }, (_, i) => 'l' + i);
  const viewed = ids.map((_, i) => i === 6 || i === 12);
  const text = codec.encodeSuspendData(ids, viewed);
  assert.equal(text.split('|')[2], 'ABB');
  assert.deepEqual(codec.decodeSuspendData(text, ids).viewed, viewed);
  assert.equal(codec.encodeSuspendData(ids, ids.map(() => false)).split('|')[2], '');
});

test('suspend_data: the budget is never exceeded and state is only added when it fits', () => {
  const ids = ['a', 'b', 'c'];
  const viewed = [true, false, true];
  assert.equal(codec.suspendDataFits(ids, viewed, 20, { q: 'xxxxx' }), true);
  assert.equal(codec.suspendDataFits(ids, viewed, 20, { q: 'x'.repeat(20) }), false);
  const cut = codec.encodeSuspendData(ids, viewed, 20, { q: 'x'.repeat(20) });
  assert.ok(cut.length <= 20 && !cut.includes('|q='));
  const many = Array.from({ length: 30000 }, (_, i) => 'lesson' + i);
  assert.ok(codec.encodeSuspendData(many, many.map(() => true)).length <= 4096);
});

test('suspend_data: keys outside the alphabet and non-string values are not kept', () => {
  const text = codec.encodeSuspendData(['a'], [true], 4096,
    { ok: '%|;', 'no way': 'x', n: 7, 'k.2': '' });
  assert.ok(text.endsWith('|k.2=;ok=%25%7C%3B'), text);
  assert.deepEqual(codec.decodeSuspendData(text, ['a']).state, { 'k.2': '', ok: '%|;' });
});

test('suspend_data: anything that is not version 1 of this format is not ours', () => {
  for (const text of ['', null, '{"x":1}', 'v2|abc|D', 'v1|abc|D!', 'v1|ABC|D']) {
    assert.equal(codec.decodeSuspendData(text, ['a']), null, String(text));
  }
});

// --- tracking/time ---------------------------------------------------------------------------

test('CMITimespan: hundredths, clamped to 9999:59:59.99, zero for nonsense', () => {
  const cases = [[0, '0000:00:00.00'], [65200, '0000:01:05.20'], [59999.9, '0000:01:00.00'],
    [3723450, '0001:02:03.45'], [-5, '0000:00:00.00'], [null, '0000:00:00.00'],
    [NaN, '0000:00:00.00'], [Infinity, '9999:59:59.99'], [36e9, '9999:59:59.99']];
  for (const [ms, expected] of cases) {
    assert.equal(time.formatCMITimespan(ms), expected, String(ms));
  }
});

test('ISO 8601 durations: no zero parts, hours not folded into days', () => {
  const cases = [[0, 'PT0S'], [65200, 'PT1M5.2S'], [3600000, 'PT1H'], [3723450, 'PT1H2M3.45S'],
    [10, 'PT0.01S'], [90000000, 'PT25H'], [-1, 'PT0S']];
  for (const [ms, expected] of cases) {
    assert.equal(time.formatISODuration(ms), expected, String(ms));
  }
});

test('CMITime is local time, SCORM 2004 timestamps UTC with hundredths', () => {
  assert.equal(time.formatCMITime(new Date(2025, 0, 2, 3, 4, 5, 678)), '03:04:05');
  assert.equal(time.formatISOTimestamp(new Date(Date.UTC(2025, 10, 12, 13, 14, 15, 999))),
    '2025-11-12T13:14:15.99Z');
  assert.equal(time.formatCMITime(new Date(NaN)), null);
  assert.equal(time.formatISOTimestamp('2025-01-01'), null);
  assert.equal(time.validDate(new Date(NaN)), null);
});

// --- tracking/score, tracking/clock --------------------------------------------------------

test('normalizeScore: scaled in -1..1 (7 decimals), percent in 0..100 (2 decimals)', () => {
  assert.deepEqual(normalizeScore({ raw: 17, min: 0, max: 20 }),
    { raw: 17, min: 0, max: 20, scaled: 0.85, percent: 85 });
  assert.deepEqual(normalizeScore({ raw: 2, max: 3 }),
    { raw: 2, min: 0, max: 3, scaled: 0.6666667, percent: 66.67 });
  const over = normalizeScore({ raw: 25, max: 20 });
  assert.deepEqual([over.scaled, over.percent], [1, 100]);
  const under = normalizeScore({ raw: -30, max: 20 });
  assert.deepEqual([under.scaled, under.percent], [-1, 0]);
  for (const bad of [null, { raw: 1, max: 0 }, { raw: '5', max: 10 }, { raw: 5, min: 11, max: 10 },
    { raw: NaN, max: 1 }, { raw: 1 }]) {
    assert.equal(normalizeScore(bad), null, JSON.stringify(bad));
  }
});

test('the clock is monotonic milliseconds', () => {
  const first = clock.now();
  const second = clock.now();
  assert.equal(typeof first, 'number');
  assert.ok(second >= first);
});
