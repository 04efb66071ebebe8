/*
 * tracking/tracker: the progress rules, independent of the standard: which lessons were
 * viewed, completion (all lessons viewed, or at launch), the bookmark, exit (suspend while
 * work is unfinished), score, interactions and saved state; everything the LMS should know
 * goes through a transport (lms/*: the interface is described in lms/null.js).
 *
 * The tracker API page scripts use (window.scormkit.tracker, page/main.js) delegates to the
 * Tracker of the page once its session has started.
 */
'use strict';

var clock = require('./clock');
var number = require('../util/number');
var scores = require('./score');
var suspendData = require('./suspend-data');
var values = require('../util/values');

var now = clock.now;
var clamp = number.clamp;
var round = number.round;
var normalizeScore = scores.normalizeScore;
var STATE_KEY = suspendData.STATE_KEY;
var encodeSuspendData = suspendData.encodeSuspendData;
var decodeSuspendData = suspendData.decodeSuspendData;
var suspendDataFits = suspendData.suspendDataFits;
var whenDone = values.whenDone;

/** Tracking rules for the lessons `options.lessons` (ids, in course order) over `transport`:
 *  options {lessons, completion, courseId, passingScore, language}. */
function Tracker(options, transport) {
  this.transport = transport;
  this.lessons = options.lessons;
  this.completionRule = options.completion === 'launch' ? 'launch' : 'all-lessons';
  this.courseId = options.courseId || 'course';
  this.language = options.language || '';
  this.passingScore = typeof options.passingScore === 'number' ?
    clamp(options.passingScore / 100, 0, 1) : null;
  this.viewed = this.lessons.map(function () { return false; });
  this.location = '';
  this.mode = 'normal';
  this.completion = 'not attempted';
  this.success = 'unknown';
  this.masteryScore = null;
  this.state = {};
  this.manualProgress = false;
  this.openWork = false;
  this.resumed = false;
  this.started = false;
  this.finished = false;
  this.exiting = false;
  this.startedAt = now();
}

/** Start the session; returns the transport's info, or a Promise of it (cmi5). */
Tracker.prototype.start = function () {
  var tracker = this;
  return whenDone(this.transport.start(), function (info) {
    if (info.ok) {
      tracker.begin(info);
    }
    return info;
  });
};

Tracker.prototype.begin = function (info) {
  this.started = true;
  // One clock per session: the transport's start (cmi5: when `initialized` went out) when it
  // has one, so that `completed` and `terminated` measure from the same instant.
  this.startedAt = typeof info.startedAt === 'number' ? info.startedAt : now();
  this.mode = info.mode === 'browse' || info.mode === 'review' ? info.mode : 'normal';
  this.completion = info.completion;
  this.success = info.success;
  this.masteryScore = typeof info.masteryScore === 'number' ? info.masteryScore : null;
  this.resumed = info.resume;
  if (info.location && this.lessons.indexOf(info.location) !== -1) {
    this.location = info.location;
  }
  var saved = decodeSuspendData(info.suspendData, this.lessons);
  if (saved) {
    this.state = saved.state;
    if (saved.matches) {
      this.viewed = saved.viewed;
    }
  }
  if (this.canChangeStatus()) {
    if (this.completionRule === 'launch' && !this.isComplete()) {
      this.completion = 'completed';
      this.transport.setCompletion('completed');
    } else if (this.completion === 'not attempted' || this.completion === 'unknown') {
      this.completion = 'incomplete';
      this.transport.setCompletion('incomplete');
    }
    this.transport.setProgress(this.progress());
  }
  this.transport.setExit(this.shouldSuspend());
  this.transport.commit(true);
};

/** Exit "suspend" keeps the attempt (and suspend_data) for the next launch: wanted while
 *  lessons are unviewed and while unfinished work is open (an unsubmitted quiz, or a failed
 *  one with attempts left), even when the lessons alone made the SCO complete. */
Tracker.prototype.shouldSuspend = function () {
  return !this.isComplete() || this.openWork;
};

/** tracker.keepOpen: see the tracker API in page/main.js. */
Tracker.prototype.keepOpen = function (open) {
  this.openWork = Boolean(open);
  if (!this.active()) {
    return false;
  }
  var ok = this.transport.setExit(this.shouldSuspend());
  this.transport.commit();
  return ok;
};

Tracker.prototype.canChangeStatus = function () {
  return this.mode === 'normal';
};

Tracker.prototype.isComplete = function () {
  return this.completion === 'completed';
};

Tracker.prototype.viewedCount = function () {
  return this.viewed.filter(Boolean).length;
};

Tracker.prototype.viewedIds = function () {
  var viewed = this.viewed;
  return this.lessons.filter(function (id, index) { return viewed[index]; });
};

/** The share of lessons viewed (1 once complete). */
Tracker.prototype.progress = function () {
  if (this.isComplete()) {
    return 1;
  }
  return this.lessons.length ? round(this.viewedCount() / this.lessons.length, 7) : 0;
};

Tracker.prototype.suspendData = function (state) {
  return encodeSuspendData(this.lessons, this.viewed, this.transport.limits.suspendData,
    state || this.state);
};

Tracker.prototype.markComplete = function () {
  this.completion = 'completed';
  this.transport.setCompletion('completed');
  this.transport.setProgress(1);
  this.transport.setExit(this.shouldSuspend());
};

/** Record that lesson `id` is on screen: viewed set, bookmark, completion, one commit. */
Tracker.prototype.lessonShown = function (id) {
  if (!this.started || this.finished) {
    return;
  }
  var index = this.lessons.indexOf(id);
  if (index === -1) {
    return;
  }
  var changed = false;
  if (!this.viewed[index]) {
    this.viewed[index] = true;
    changed = true;
  }
  if (this.location !== id) {
    this.location = id;
    changed = true;
  }
  if (changed) {
    this.transport.setBookmark(id, this.suspendData());
    if (this.canChangeStatus() && !this.manualProgress && !this.isComplete()) {
      this.transport.setProgress(this.progress());
    }
  }
  if (this.canChangeStatus() && !this.isComplete() &&
      this.viewedCount() === this.lessons.length) {
    this.markComplete();
    changed = true;
  }
  if (changed) {
    this.transport.commit(true);   // a checkpoint: the learner moved on
  }
};

Tracker.prototype.active = function () {
  return this.started && !this.finished;
};

/** tracker.reportScore: see the tracker API in page/main.js. */
Tracker.prototype.reportScore = function (input) {
  if (!this.active() || !this.canChangeStatus()) {
    return false;
  }
  var score = normalizeScore(input);
  if (!score) {
    return false;
  }
  var passed = typeof input.passed === 'boolean' ? input.passed : null;
  if (this.masteryScore !== null) {
    passed = score.scaled >= this.masteryScore;
  }
  if (this.success === 'passed' && passed !== true) {
    return false;
  }
  score.passed = passed;
  var ok = this.transport.setScore(score);
  if (ok && passed !== null) {
    this.success = passed ? 'passed' : 'failed';
  }
  this.transport.commit(true);   // a checkpoint: a submission
  return ok;
};

Tracker.prototype.recordInteraction = function (input) {
  if (!this.active() || !this.canChangeStatus() || !input || typeof input !== 'object') {
    return false;
  }
  var interaction = {};
  Object.keys(input).forEach(function (key) { interaction[key] = input[key]; });
  if (interaction.time === undefined || interaction.time === null) {
    interaction.time = new Date();
  }
  var ok = this.transport.recordInteraction(interaction,
    { courseId: this.courseId, language: this.language });
  if (ok) {
    this.transport.commit();
  }
  return ok;
};

Tracker.prototype.saveState = function (key, value) {
  if (!this.active() || !STATE_KEY.test(String(key)) || typeof value !== 'string') {
    return false;
  }
  var state = {};
  var current = this.state;
  Object.keys(current).forEach(function (name) { state[name] = current[name]; });
  state[key] = value;
  if (!suspendDataFits(this.lessons, this.viewed, this.transport.limits.suspendData, state)) {
    return false;
  }
  this.state = state;
  var ok = this.transport.setBookmark(this.location, this.suspendData());
  this.transport.commit();
  return ok;
};

Tracker.prototype.loadState = function (key) {
  return this.started && Object.prototype.hasOwnProperty.call(this.state, key) ?
    this.state[key] : null;
};

Tracker.prototype.setProgress = function (fraction) {
  var value = Number(fraction);
  if (!this.active() || !this.canChangeStatus() || typeof fraction !== 'number' ||
      !(value >= 0 && value <= 1)) {
    return false;
  }
  this.manualProgress = true;
  var ok = this.transport.setProgress(this.isComplete() ? 1 : round(value, 7));
  this.transport.commit();
  return ok;
};

Tracker.prototype.complete = function () {
  if (!this.active() || !this.canChangeStatus()) {
    return false;
  }
  if (!this.isComplete()) {
    this.markComplete();
    this.transport.commit(true);
  }
  return true;
};

Tracker.prototype.info = function () {
  return {
    standard: this.transport.standard,
    connected: this.transport.connected,
    mode: this.mode,
    completion: this.completion,
    success: this.success,
    masteryScore: this.masteryScore,
    passingScore: this.passingScore
  };
};

/** End the session: runs at most once (pagehide, unload and beforeunload all lead here). An
 *  exit() under way does not count: the page going away meanwhile still ends the session. */
Tracker.prototype.finish = function () {
  if (!this.started || (this.finished && !this.exiting)) {
    return false;
  }
  this.finished = true;
  return this.transport.finish(now() - this.startedAt, this.shouldSuspend());
};

/** The exit control (transports that have one: cmi5): end the session and resolve with the
 *  transport's answer ({ok, code, returnURL}). Nothing is recorded after this starts. */
Tracker.prototype.exit = function () {
  if (!this.started || this.finished || typeof this.transport.exit !== 'function') {
    return Promise.resolve({ ok: false, code: 'ended', returnURL: null });
  }
  var tracker = this;
  this.finished = true;
  this.exiting = true;
  return this.transport.exit(now() - this.startedAt).then(function (outcome) {
    tracker.exiting = false;
    return outcome;
  });
};

module.exports = { Tracker: Tracker };
