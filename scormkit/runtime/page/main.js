/*
 * page/main: the learner runtime's entry point (scormkit/scormkit.js in a package): the tracker
 * API page scripts use, the debugging hook window.scormkit, and start-up.
 *
 * Plain ES2015, no eval. The build assembles this module, what it requires and the package's
 * one transport module (lms/scorm12, lms/scorm2004 or lms/cmi5; none for a Common Cartridge)
 * into one script (scormkit/jsbundle.py), which calls start(window, [transport module]).
 * SCORM packages make no network requests at all: they talk to the LMS only through the
 * run-time API object the LMS puts in a parent (or opener) window. cmi5 packages talk only to
 * the two addresses the LMS puts in the launch URL (`fetch` once, then the xAPI `endpoint`).
 *
 * ==========================================================================================
 * Tracker API: window.scormkit.tracker (for the quiz player and other page scripts)
 * ==========================================================================================
 *
 * The object exists as soon as this script has run; its methods do nothing (and return false
 * or null) until the session with the LMS has started: wait with ready(). No method throws.
 * In browse or review mode (the LMS shows the course without credit) nothing that changes
 * the learner's record is sent: reportScore, recordInteraction, setProgress and complete
 * return false.
 *
 *   ready(callback)           calls callback(tracker) once the session has started (at once if
 *                             it already has; also when no LMS was found: see info().connected)
 *   isReady()  -> boolean
 *   info()     -> {standard: "scorm12"|"scorm2004"|"cmi5"|"none", connected, mode:
 *                  "normal"|"browse"|"review", completion, success: "unknown"|"passed"|"failed",
 *                  masteryScore: 0..1 from the LMS (1.2 mastery_score / 100, 2004
 *                  scaled_passing_score, cmi5 LaunchData masteryScore) or null,
 *                  passingScore: 0..1 from course.yaml or null}   (null before ready)
 *
 *   reportScore({raw, min, max, passed}) -> boolean
 *       raw, min (default 0), max: points (numbers, max > 0); passed: true, false or null
 *       (not judged). When the LMS supplies a mastery score it decides: passed = scaled >=
 *       masteryScore (cmi5 requires this of the AU; SCORM LMSs do it themselves anyway).
 *       scaled = raw / max clamped to [-1, 1], at most 7 decimals. Once passed, a later
 *       report that is not a pass is refused (returns false): no downgrade, and cmi5 forbids
 *       `failed` after `passed`.
 *         SCORM 1.2:  cmi.core.score.raw = the percentage 100 * raw / max clamped to 0..100
 *                     (2 decimals), score.min 0, score.max 100 (LMS gradebooks read raw as a
 *                     percentage); cmi.core.lesson_status = passed | failed when judged. 1.2
 *                     has one status for completion and success: once passed/failed is known
 *                     it is what lesson_status says, and "completed" is never written over it.
 *         SCORM 2004: cmi.score.scaled, cmi.score.raw/min/max (points), cmi.success_status.
 *         cmi5:       a `passed` or `failed` statement (result.score scaled within 0..1, with
 *                     raw/min/max when all three are integers; result.success,
 *                     result.duration; the LaunchData masteryScore as the masteryscore context
 *                     extension); at most one `passed` per registration, one of passed and
 *                     failed per session: `passed` goes at once, `failed` at the end of the
 *                     session unless a pass came meanwhile (the quiz can be tried again in
 *                     the same session). A score that is not judged (passed null and no
 *                     masteryScore) is not sent: returns false.
 *       Then asks for a commit (SCORM: on the commit budget of tracking/commits).
 *
 *   recordInteraction({id, type, description, correct, response, result, weighting,
 *                      latencySeconds, time, caseMatters}) -> boolean
 *       id: the question id; type: choice | true-false | fill-in | long-fill-in | matching |
 *       sequencing | numeric; correct/response, structured (either may be omitted):
 *         choice       array of choice ids                    e.g. ["a", "c"]
 *         true-false   boolean
 *         fill-in      array of strings, one per blank
 *         long-fill-in string
 *         matching     array of [sourceId, targetId] pairs
 *         sequencing   array of ids in order
 *         numeric      correct {min, max} (either may be null), response a number
 *       ids (choice, matching, sequencing) must match [A-Za-z0-9_-]{1,64}, else the
 *       interaction is refused. result: correct | incorrect | neutral; weighting: number;
 *       latencySeconds: number; time: Date (default now); caseMatters (fill-in): true when
 *       the blanks are case-sensitive. Line breaks in text become spaces.
 *         SCORM 1.2:  cmi.interactions.n (n from _count; the same id again in this session
 *                     overwrites its entry): id with characters outside [A-Za-z0-9_-]
 *                     replaced by "_", type (long-fill-in is sent as fill-in), student_response
 *                     and correct_responses.0.pattern ("a,b"; choice pattern "{a,c}" when
 *                     several; "t"/"f"; "1.a,2.c"; several blanks joined by "[,]" as in
 *                     2004, a "," being ambiguous; numeric a decimal, no pattern for a range;
 *                     texts cut at 255 characters), result correct | wrong | neutral,
 *                     weighting, latency (CMITimespan), time (HH:MM:SS, local).
 *         SCORM 2004: id "urn:scormkit:<course id>:<question id>", type, description (one
 *                     line, <= 250 characters), learner_response and correct_responses.0.
 *                     pattern with the [,] [.] [:] delimiters ("true"/"false"; fill-in <= 10
 *                     strings of <= 250, "{case_matters=true}" first when caseMatters, no
 *                     pattern when two strings are equal (forbidden); long-fill-in <= 4000;
 *                     numeric pattern "min[:]max";
 *                     a text starting with "{", a reserved delimiter, gets a leading space),
 *                     result correct | incorrect | neutral, weighting, latency (ISO 8601
 *                     duration), timestamp (ISO 8601, UTC).
 *         cmi5:       an `answered` statement ("cmi5 allowed": the context template, no cmi5
 *                     category), object <QUESTION_IRI_BASE><course id>/questions/
 *                     <question id> with definition.type cmi.interaction, interactionType
 *                     (= type) and correctResponsesPattern in xAPI's syntax (SCORM 2004's, no
 *                     length caps), result.response, success (correct/incorrect) and duration
 *                     (latency); the AU as contextActivities.parent.
 *
 *   saveState(key, value) -> boolean      loadState(key) -> string | null
 *       Extra strings kept across relaunches of this attempt (key: [A-Za-z0-9_.-]{1,64}),
 *       stored in suspend_data next to the viewed-lessons bitset (format below). Refused
 *       (false, old value kept) when the whole suspend_data would exceed the budget:
 *       SCORM 1.2 4096 characters, SCORM 2004 64000, cmi5 16000 (kept in an xAPI activity
 *       state document, stateId "scormkit.state"; its last write, at the end of the session,
 *       is a keepalive request, and browsers give those 64 KiB in all).
 *
 *   setProgress(fraction) -> boolean
 *       0..1. SCORM 2004: cmi.progress_measure (once called, lesson views no longer set it in
 *       this session; 1 once complete). SCORM 1.2 and cmi5: nothing to report (true).
 *
 *   complete() -> boolean
 *   keepOpen(open) -> boolean
 *       open: the page holds unfinished work (an unsubmitted quiz, a failed quiz with
 *       attempts left): cmi.exit stays "suspend" even once the SCO is complete, so that
 *       SCORM 2004 keeps suspend_data for the next launch.
 *       Marks the SCO/AU complete now (e.g. the quiz was submitted), whatever the lessons:
 *       1.2 lesson_status completed (unless passed/failed is known), 2004 completion_status
 *       completed + progress_measure 1, cmi5 a `completed` statement (once per registration).
 */
'use strict';

var number = require('../util/number');
var pages = require('./page');
var preferences = require('../lms/preferences');
var scores = require('../tracking/score');
var suspendData = require('../tracking/suspend-data');
var textUtil = require('../util/text');
var time = require('../tracking/time');
var values = require('../util/values');

var Page = pages.Page;
var readConfig = pages.readConfig;
var copyJson = values.copyJson;

var RUNTIME_VERSION = '2';

/**
 * Start the runtime in window `root`: window.scormkit (the tracker API and the hook), then the
 * page once the document is parsed. `transportModules`: the transport modules of this bundle
 * (lms/null.js says what they export). Returns the hook.
 */
function start(root, transportModules) {
  var transports = {};
  var readyCallbacks = [];

  function startedTracker() {
    var page = hook.page;
    return page && page.tracker && page.tracker.started ? page.tracker : null;
  }

  function runReady() {
    var callbacks = readyCallbacks.splice(0, readyCallbacks.length);
    callbacks.forEach(function (callback) {
      try {
        callback(trackerApi);
      } catch (error) {
        if (root.console) {
          root.console.error(error);
        }
      }
    });
  }

  /** Call tracker method `name` safely: false (or `fallback`) before the session starts. */
  function delegate(name, fallback) {
    return function () {
      var tracker = startedTracker();
      if (!tracker) {
        return fallback;
      }
      try {
        return tracker[name].apply(tracker, arguments);
      } catch (error) {
        tracker.transport.errors.push({ call: 'tracker.' + name, error: String(error) });
        return fallback;
      }
    };
  }

  /** window.scormkit.tracker: the API documented at the top of this file. */
  var trackerApi = {
    ready: function (callback) {
      if (typeof callback !== 'function') {
        return;
      }
      readyCallbacks.push(callback);
      if (startedTracker()) {
        runReady();
      }
    },
    isReady: function () {
      return startedTracker() !== null;
    },
    info: delegate('info', null),
    reportScore: delegate('reportScore', false),
    recordInteraction: delegate('recordInteraction', false),
    saveState: delegate('saveState', false),
    loadState: delegate('loadState', null),
    setProgress: delegate('setProgress', false),
    complete: delegate('complete', false),
    keepOpen: delegate('keepOpen', false)
  };

  var hook = {
    version: RUNTIME_VERSION,
    tracker: trackerApi,
    encodeSuspendData: suspendData.encodeSuspendData,
    decodeSuspendData: suspendData.decodeSuspendData,
    suspendDataFits: suspendData.suspendDataFits,
    formatCMITimespan: time.formatCMITimespan,
    formatISODuration: time.formatISODuration,
    formatCMITime: time.formatCMITime,
    formatISOTimestamp: time.formatISOTimestamp,
    formatDecimal: number.formatDecimal,
    normalizeScore: scores.normalizeScore,
    truncate: textUtil.truncate,
    parsePreferences: preferences.parsePreferences,
    pickLanguage: preferences.pickLanguage,
    fingerprint: suspendData.fingerprint,
    limits: {
      suspendData: suspendData.SUSPEND_DATA_LIMIT,
      location: suspendData.LOCATION_LIMIT
    },
    transports: transports,
    page: null,
    /** A snapshot of the run-time state, or null on a page without scormkit-config (or
     *  while a cmi5 session is still starting). */
    getState: function () {
      var page = hook.page;
      if (!page || !page.tracker) {
        return null;
      }
      var tracker = page.tracker;
      var transport = tracker.transport;
      return {
        standard: transport.standard,
        connected: transport.connected,
        notice: page.notice,
        layout: page.layout,
        mode: tracker.mode,
        resumed: tracker.resumed,
        lessons: page.lessonIds.slice(),
        current: page.current,
        location: tracker.location,
        viewed: tracker.viewedIds(),
        completion: tracker.completion,
        complete: tracker.isComplete(),
        success: tracker.success,
        masteryScore: tracker.masteryScore,
        state: JSON.parse(JSON.stringify(tracker.state)),
        finished: tracker.finished,
        // Commits made on the budget so far (SCORM; null where the transport batches itself).
        commits: tracker.commits ? tracker.commits.count : null,
        // Requests still on their way (cmi5), statements waiting to be sent and a state write
        // due at the end of the current event (changes between checkpoints are not pending:
        // they wait for the next checkpoint by design).
        pending: (transport.pending || 0) + (transport.outbox ? transport.outbox.length : 0) +
          (transport.checkpointTimer ? 1 : 0),
        errors: transport.errors.slice(),
        // cmi5 only (null elsewhere).
        status: transport.status || null,
        refusal: transport.refusal || null,
        returnURL: transport.returnURL || null,
        preferences: transport.preferences ? copyJson(transport.preferences) : null,
        language: page.chosenLanguage,
        counts: transport.counts ? copyJson(transport.counts) : null,
        alert: page.alert && !page.alert.hidden ? page.alert.textContent : '',
        exited: Boolean(page.exited)
      };
    },
    show: function (id) {
      return hook.page ? hook.page.show(id, { focus: true, hash: true }) : false;
    },
    finish: function () {
      return hook.page && hook.page.tracker ? hook.page.tracker.finish() : false;
    }
  };
  transportModules.forEach(function (transport) {
    transports[transport.standard] = transport.create;
    Object.keys(transport.hook).forEach(function (name) {
      hook[name] = transport.hook[name];
    });
  });
  root.scormkit = hook;

  function boot() {
    var config = readConfig(root.document);
    if (!config || typeof config !== 'object') {
      return;
    }
    var page = new Page(root, config, transports, runReady);
    hook.page = page;
    page.start(root);
  }

  if (root.document) {
    if (root.document.readyState === 'loading') {
      root.document.addEventListener('DOMContentLoaded', boot);
    } else {
      boot();
    }
  }
  return hook;
}

module.exports = { start: start, RUNTIME_VERSION: RUNTIME_VERSION };
