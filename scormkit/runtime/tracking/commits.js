/*
 * tracking/commits: when a SCORM session asks the LMS to store what it was told (Commit), on
 * a budget.
 *
 * An LMS may store each Commit with a synchronous HTTP request (Moodle's mod_scorm does:
 * mod/scorm/request.js DoRequest opens its HTTP request with async false), so every
 * Commit freezes the page for a round trip, and two Commits close together may reach the
 * server in either order once the LMS sends them as beacons. So the tracker does not commit
 * at every change: it asks this scheduler, which
 *   - commits after the current event has been handled (a timer of 0 ms), so that everything
 *     one event changes goes in one Commit: a one-lesson SCO's start and completion, a
 *     quiz's interactions, score, status and exit;
 *   - commits at checkpoints (a lesson change, a submission, completion) but never sooner
 *     than `gap` after the previous Commit, and the gap doubles after each Commit (5 s,
 *     10 s, 20 s ... up to 5 minutes): a learner who clicks through a course quickly makes
 *     a handful of Commits, a long session about one every 5 minutes;
 *   - commits other changes (answers saved while a quiz is under way, progress) only on a
 *     timer, `SAVE_DELAY_MS` after the change (or later, by the gap);
 *   - never commits at the end: the session ends with Finish/Terminate alone, which stores
 *     everything (SCORM 1.2 RTE 3.3.2 LMSFinish, SCORM 2004 RTE 3.1.3.2 Terminate: an
 *     implicit commit), because the end comes on pagehide, where Chromium refuses the
 *     synchronous request a Commit would need (the finish call is the LMS's to send as a
 *     beacon). cancel() drops what is pending.
 */
'use strict';

var clock = require('./clock');

var FIRST_GAP_MS = 5000;
var MAX_GAP_MS = 300000;
var SAVE_DELAY_MS = 30000;

/** Commits through `commit()` (the transport's) on the budget above; `timers` ({setTimeout,
 *  clearTimeout, now}) stands in for the browser's in tests. */
function CommitScheduler(commit, timers) {
  this.commit = commit;
  this.timers = timers || {
    setTimeout: function (fn, ms) { return setTimeout(fn, ms); },
    clearTimeout: function (id) { clearTimeout(id); },
    now: clock.now
  };
  this.gap = FIRST_GAP_MS;
  this.last = null;          // when the last Commit went (null: none yet)
  this.timer = null;
  this.due = null;           // when the pending Commit goes
  this.checkpoint = false;   // the pending Commit includes a checkpoint
  this.count = 0;            // Commits made (window.scormkit.getState().commits)
  this.cancelled = false;
}

/** Ask for a Commit: `checkpoint` true for a lesson change, a submission or completion. */
CommitScheduler.prototype.request = function (checkpoint) {
  if (this.cancelled) {
    return;
  }
  var now = this.timers.now();
  var earliest = this.last === null ? now : Math.max(now, this.last + this.gap);
  var due = checkpoint ? earliest : Math.max(earliest, now + SAVE_DELAY_MS);
  this.checkpoint = this.checkpoint || Boolean(checkpoint);
  if (this.timer !== null && this.due <= due) {
    return;   // the pending Commit comes sooner and will carry this change too
  }
  this.schedule(due, now);
};

CommitScheduler.prototype.schedule = function (due, now) {
  var scheduler = this;
  if (this.timer !== null) {
    this.timers.clearTimeout(this.timer);
  }
  this.due = due;
  this.timer = this.timers.setTimeout(function () {
    scheduler.fire();
  }, Math.max(0, due - now));
};

CommitScheduler.prototype.fire = function () {
  var checkpoint = this.checkpoint;
  this.timer = null;
  this.due = null;
  this.checkpoint = false;
  if (this.cancelled) {
    return;
  }
  if (this.last !== null) {
    this.gap = Math.min(this.gap * 2, MAX_GAP_MS);
  }
  this.last = this.timers.now();
  this.count += 1;
  this.commit(checkpoint);
};

/** The session is ending (Finish/Terminate stores everything): nothing more is committed. */
CommitScheduler.prototype.cancel = function () {
  this.cancelled = true;
  if (this.timer !== null) {
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
};

module.exports = {
  CommitScheduler: CommitScheduler,
  FIRST_GAP_MS: FIRST_GAP_MS,
  MAX_GAP_MS: MAX_GAP_MS,
  SAVE_DELAY_MS: SAVE_DELAY_MS
};
