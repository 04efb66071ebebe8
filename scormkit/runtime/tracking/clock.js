/*
 * tracking/clock: the session's one clock.
 */
'use strict';

/** The session's one clock, in milliseconds: monotonic (performance.now) where the browser
 *  has it, so that a change of the computer's time does not bend durations. Every duration
 *  of a session (SCORM session_time, cmi5 completed/passed/failed/terminated) is measured
 *  on it from one start. */
function now() {
  var perf = typeof performance === 'undefined' ? null : performance;
  return perf && typeof perf.now === 'function' ? perf.now() : Date.now();
}

module.exports = { now: now };
