'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const { CommitScheduler, FIRST_GAP_MS, MAX_GAP_MS, SAVE_DELAY_MS } = load('tracking/commits');
const { Tracker } = load('tracking/tracker');
const scorm12 = load('lms/scorm12');

/** Timers on a clock the test moves (run(ms) fires what falls due, in order). */
function fakeTimers() {
  let time = 1000;
  let next = 1;
  const pending = new Map();
  return {
    now: () => time,
    setTimeout: (fn, ms) => { pending.set(next, { at: time + ms, fn }); return next++; },
    clearTimeout: (id) => { pending.delete(id); },
    pending,
    run(ms) {
      const until = time + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) {
          break;
        }
        pending.delete(due[0]);
        time = due[1].at;
        due[1].fn();
      }
      time = until;
    },
  };
}

function scheduler() {
  const timers = fakeTimers();
  const commits = [];
  const s = new CommitScheduler((checkpoint) => commits.push([timers.now(), checkpoint]), timers);
  return { s, timers, commits };
}

test('what one event asks for goes in one commit, after the event', () => {
  const { s, timers, commits } = scheduler();
  s.request(true);
  s.request(false);
  s.request(true);
  assert.deepEqual(commits, [], 'nothing commits inside the event');
  timers.run(0);
  assert.deepEqual(commits, [[1000, true]]);
});

test('checkpoints are spaced by a gap that doubles up to the maximum', () => {
  const { s, timers, commits } = scheduler();
  s.request(true);
  timers.run(0);
  s.request(true);
  timers.run(100);
  assert.equal(commits.length, 1, 'no second commit within the gap');
  timers.run(FIRST_GAP_MS);
  assert.deepEqual(commits.map((c) => c[0] - 1000), [0, FIRST_GAP_MS]);
  s.request(true);
  timers.run(MAX_GAP_MS * 4);
  assert.deepEqual(commits.map((c) => c[0] - 1000), [0, FIRST_GAP_MS, 3 * FIRST_GAP_MS]);
  for (let k = 0; k < 12; k += 1) {
    s.request(true);
    timers.run(MAX_GAP_MS * 2);
  }
  assert.equal(s.gap, MAX_GAP_MS);
  const times = commits.map((c) => c[0]);
  for (let k = 1; k < times.length; k += 1) {
    assert.ok(times[k] - times[k - 1] >= FIRST_GAP_MS, 'never two commits racing');
  }
});

test('other changes wait for the save timer; a checkpoint brings the commit forward', () => {
  const { s, timers, commits } = scheduler();
  s.request(false);
  timers.run(SAVE_DELAY_MS - 1);
  assert.deepEqual(commits, []);
  timers.run(1);
  assert.deepEqual(commits, [[1000 + SAVE_DELAY_MS, false]]);
  s.request(false);
  timers.run(FIRST_GAP_MS);
  s.request(true);   // a submission: as soon as the gap allows, carrying the saved answers
  timers.run(0);
  assert.deepEqual(commits.slice(1), [[1000 + SAVE_DELAY_MS + FIRST_GAP_MS, true]]);
});

test('cancel (the session ends with Finish alone) drops what is pending', () => {
  const { s, timers, commits } = scheduler();
  s.request(true);
  s.cancel();
  s.request(true);
  timers.run(MAX_GAP_MS);
  assert.deepEqual(commits, []);
  assert.equal(timers.pending.size, 0);
});

/** A SCORM 1.2 API that counts what reaches it. */
function api12() {
  const calls = [];
  const values = {};
  return {
    calls,
    LMSInitialize: () => 'true',
    LMSGetValue: (element) => values[element] || '',
    LMSSetValue: (element, value) => { calls.push(['set', element, value]); values[element] = value; return 'true'; },
    LMSCommit: () => { calls.push(['commit']); return 'true'; },
    LMSFinish: () => { calls.push(['finish']); return 'true'; },
    LMSGetLastError: () => '0',
  };
}

/** Node's mock timers, with the runtime's clock (performance.now) on the mocked Date. */
function mockClock(t) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1000 });
  t.mock.method(globalThis.performance, 'now', () => Date.now());
}

test('a one-lesson SCO reports its final status in one commit, and none at the end', (t) => {
  mockClock(t);
  const api = api12();
  const tracker = new Tracker({ lessons: ['only'], completion: 'all-lessons' },
    new scorm12.Scorm12Transport(api));
  tracker.start();
  tracker.lessonShown('only');   // the page shows its lesson in the same task
  assert.deepEqual(api.calls.filter((c) => c[0] === 'commit'), []);
  t.mock.timers.tick(0);
  const commits = api.calls.map((c, i) => [c, i]).filter(([c]) => c[0] === 'commit');
  assert.equal(commits.length, 1);
  const before = api.calls.slice(0, commits[0][1]).filter((c) => c[1] === 'cmi.core.lesson_status');
  assert.equal(before[before.length - 1][2], 'completed', 'the one commit carries completed');
  tracker.finish();
  assert.deepEqual(api.calls.slice(-1), [['finish']]);
  assert.equal(api.calls.filter((c) => c[0] === 'commit').length, 1, 'no commit at the end');
});

test('clicking through a course and submitting a quiz stays within a handful of commits', (t) => {
  mockClock(t);
  const api = api12();
  const lessons = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const tracker = new Tracker({ lessons, completion: 'all-lessons' },
    new scorm12.Scorm12Transport(api));
  tracker.start();
  lessons.forEach((id) => {
    tracker.lessonShown(id);
    t.mock.timers.tick(1500);
  });
  for (let k = 0; k < 40; k += 1) {   // answers saved while the quiz is under way
    tracker.saveState('quiz', 'answers ' + k);
    t.mock.timers.tick(250);
  }
  tracker.recordInteraction({ id: 'q1', type: 'true-false', correct: true, response: true,
    result: 'correct' });
  tracker.reportScore({ raw: 9, min: 0, max: 10, passed: true });
  tracker.complete();
  t.mock.timers.tick(FIRST_GAP_MS * 4);
  tracker.finish();
  const commits = api.calls.filter((c) => c[0] === 'commit').length;
  // start + first lesson (one commit), then each gap: 5 s, 10 s ... over ~20 s of clicking.
  assert.ok(commits >= 3 && commits <= 5, `${commits} commits`);
  assert.equal(api.calls[api.calls.length - 1][0], 'finish');
});
