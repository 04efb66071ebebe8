'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const { Tracker } = load('tracking/tracker');
const { NullTransport } = load('lms/null');

/** A transport that records every call (the interface of lms/null.js). */
function recorder(start) {
  const calls = [];
  const transport = {
    standard: 'test',
    connected: true,
    limits: { suspendData: 60, location: 255 },
    errors: [],
    calls,
    start: () => Object.assign({
      ok: true, resume: false, location: '', suspendData: '', mode: 'normal',
      completion: 'not attempted', success: 'unknown', masteryScore: null,
    }, start),
  };
  for (const name of ['setCompletion', 'setProgress', 'setExit', 'setBookmark', 'setScore',
    'recordInteraction', 'commit', 'finish']) {
    transport[name] = (...args) => {
      calls.push([name, ...args]);
      return true;
    };
  }
  return transport;
}

function started(options, start) {
  const transport = recorder(start);
  const tracker = new Tracker(Object.assign({ lessons: ['a', 'b'], completion: 'all-lessons',
    courseId: 'c' }, options), transport);
  tracker.start();
  const begun = transport.calls.splice(0);
  return { tracker, transport, begun };
}

test('a first launch is incomplete, suspends, and commits once as a checkpoint', () => {
  const { tracker, begun } = started({});
  assert.deepEqual(begun, [['setCompletion', 'incomplete'], ['setProgress', 0],
    ['setExit', true], ['commit', true]]);
  assert.equal(tracker.completion, 'incomplete');
});

test('viewing every lesson completes the SCO; each lesson change is one checkpoint', () => {
  const { tracker, transport } = started({});
  tracker.lessonShown('a');
  const fp = transport.calls[0][2].split('|')[1];
  assert.deepEqual(transport.calls.splice(0), [['setBookmark', 'a', 'v1|' + fp + '|B'],
    ['setProgress', 0.5], ['commit', true]]);
  tracker.lessonShown('a');
  assert.deepEqual(transport.calls.splice(0), [], 'the same lesson again changes nothing');
  tracker.lessonShown('b');
  assert.deepEqual(transport.calls.splice(0), [['setBookmark', 'b', 'v1|' + fp + '|D'],
    ['setProgress', 1], ['setCompletion', 'completed'], ['setProgress', 1], ['setExit', false],
    ['commit', true]]);
  assert.equal(tracker.isComplete(), true);
  tracker.lessonShown('nope');
  assert.deepEqual(transport.calls, []);
});

test('the launch rule completes at once; browse mode changes no status', () => {
  assert.deepEqual(started({ completion: 'launch' }).begun.slice(0, 3),
    [['setCompletion', 'completed'], ['setProgress', 1], ['setExit', false]]);
  const browse = started({}, { mode: 'browse' });
  assert.deepEqual(browse.begun, [['setExit', true], ['commit', true]]);
  assert.equal(browse.tracker.reportScore({ raw: 1, max: 1, passed: true }), false);
  assert.equal(browse.tracker.complete(), false);
});

test('a resumed attempt restores the viewed lessons, bookmark and state', () => {
  const transport = recorder();
  const codec = load('tracking/suspend-data');
  const saved = codec.encodeSuspendData(['a', 'b'], [true, false], 60, { quiz: 'x' });
  transport.start = () => ({ ok: true, resume: true, location: 'a', suspendData: saved,
    mode: 'normal', completion: 'incomplete', success: 'unknown', masteryScore: null });
  const tracker = new Tracker({ lessons: ['a', 'b'] }, transport);
  tracker.start();
  assert.deepEqual(tracker.viewedIds(), ['a']);
  assert.equal(tracker.location, 'a');
  assert.equal(tracker.loadState('quiz'), 'x');
  assert.equal(tracker.loadState('other'), null);
});

test('the LMS mastery score decides; a pass is never downgraded', () => {
  const { tracker, transport } = started({ passingScore: 50 }, { masteryScore: 0.8 });
  assert.equal(tracker.reportScore({ raw: 7, max: 10, passed: true }), true);
  assert.equal(transport.calls[0][1].passed, false, '0.7 < mastery 0.8');
  assert.equal(tracker.success, 'failed');
  assert.equal(tracker.reportScore({ raw: 9, max: 10 }), true);
  assert.equal(tracker.success, 'passed');
  transport.calls.splice(0);
  assert.equal(tracker.reportScore({ raw: 1, max: 10 }), false);
  assert.deepEqual(transport.calls, [], 'refused before reaching the LMS');
  assert.equal(tracker.info().passingScore, 0.5);
});

test('saveState is refused beyond the suspend_data budget, the old value kept', () => {
  const { tracker, transport } = started({});
  assert.equal(tracker.saveState('k', 'short'), true);
  assert.deepEqual(transport.calls.map((c) => c[0]), ['setBookmark', 'commit']);
  assert.equal(tracker.saveState('k', 'x'.repeat(100)), false);
  assert.equal(tracker.loadState('k'), 'short');
  assert.equal(tracker.saveState('bad key', 'v'), false);
  assert.equal(tracker.saveState('k', 7), false);
});

test('keepOpen keeps the attempt suspended after completion; finish runs once', () => {
  const { tracker, transport } = started({ completion: 'launch' });
  assert.equal(tracker.keepOpen(true), true);
  assert.deepEqual(transport.calls.splice(0), [['setExit', true], ['commit']]);
  assert.equal(tracker.finish(), true);
  const [name, sessionMs, suspend] = transport.calls[0];
  assert.deepEqual([name, typeof sessionMs, suspend], ['finish', 'number', true]);
  assert.ok(sessionMs >= 0);
  assert.equal(tracker.finish(), false);
  assert.equal(tracker.reportScore({ raw: 1, max: 1 }), false, 'nothing after the end');
});

test('interactions get a time and the course id and language', () => {
  const { tracker, transport } = started({ language: 'fr' });
  assert.equal(tracker.recordInteraction({ id: 'q', type: 'true-false' }), true);
  const [name, interaction, options] = transport.calls[0];
  assert.equal(name, 'recordInteraction');
  assert.ok(interaction.time instanceof Date);
  assert.deepEqual(options, { courseId: 'c', language: 'fr' });
  assert.equal(tracker.recordInteraction(null), false);
});

test('the null transport keeps everything working and saves nothing', () => {
  const tracker = new Tracker({ lessons: ['a'] }, new NullTransport('no-lms'));
  tracker.start();
  tracker.lessonShown('a');
  assert.equal(tracker.isComplete(), true);
  assert.equal(tracker.info().connected, false);
  assert.equal(tracker.info().standard, 'none');
  assert.equal(tracker.finish(), true);
});
