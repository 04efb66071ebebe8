/*
 * quiz/main: the quiz player's entry point (scormkit/quiz.js in a package, on pages that show
 * the quiz): it scores the course's quiz in the browser and reports it through
 * window.scormkit.tracker (page/main.js), whatever the standard (SCORM 1.2, SCORM 2004,
 * cmi5).
 *
 * Plain ES2015, no eval, no network requests, no markup built from strings; assembled with
 * what it requires into one script by the build (scormkit/jsbundle.py), which calls
 * start(window). The quiz itself (answer key included: a quiz scored in the browser cannot
 * hide it) is the JSON in <script id="scormkit-quiz">, written by scormkit/writers/quizpage.py
 * (quiz_data).
 */
'use strict';

var attempts = require('./attempt');
var formats = require('./format');
var interactions = require('./interactions');
var QuizPlayer = require('./player').QuizPlayer;
var scoring = require('./scoring');
var states = require('./state');

/** A stand-in used when scormkit.js (the tracker) is missing: the quiz still works. */
var OFFLINE_TRACKER = {
  ready: function (callback) { callback(OFFLINE_TRACKER); },
  info: function () { return null; },
  reportScore: function () { return false; },
  recordInteraction: function () { return false; },
  saveState: function () { return false; },
  loadState: function () { return null; },
  setProgress: function () { return false; },
  complete: function () { return false; }
};

/** The quiz JSON of the page (#scormkit-quiz), or null. */
function readData(doc) {
  var element = doc.getElementById('scormkit-quiz');
  if (!element) {
    return null;
  }
  try {
    var data = JSON.parse(element.textContent || 'null');
    return data && Array.isArray(data.questions) && Array.isArray(data.groups) ? data : null;
  } catch (error) {
    return null;
  }
}

/**
 * Start the quiz player in window `root`: window.scormkit.quiz (the test hook) and the quiz of
 * the page, once the tracker API is there. Returns the hook.
 */
function start(root) {
  var hook = {
    player: null,
    ready: false,
    fingerprint: states.fingerprint,
    encodeState: states.encodeState,
    decodeState: states.decodeState,
    scoreQuestion: scoring.scoreQuestion,
    scoreAttempt: scoring.scoreAttempt,
    interactionFor: interactions.interactionFor,
    shuffleWithPins: attempts.shuffleWithPins,
    drawQuestions: attempts.drawQuestions,
    formatClock: formats.formatClock,
    getState: function () {
      return hook.player ? hook.player.snapshot() : null;
    }
  };

  var booted = false;

  function boot() {
    if (booted) {
      return;
    }
    booted = true;
    root.scormkit = root.scormkit || {};
    root.scormkit.quiz = hook;
    var doc = root.document;
    var data = readData(doc);
    var section = data ? doc.getElementById(data.id) : null;
    if (!data || !section || !section.querySelector('.sk-quiz-app')) {
      return;
    }
    var player = new QuizPlayer(root, section, data);
    hook.player = player;
    var api = root.scormkit.tracker || OFFLINE_TRACKER;
    api.ready(function (tracker) {
      if (hook.ready) {
        return;
      }
      player.start(tracker || api);
      hook.ready = true;
    });
  }

  /*
   * The page loads this script before scormkit.js (both deferred), for one reason: the
   * runtime ends the LMS session on pagehide, and listeners of one event run in the order they
   * were added, so this one (which saves text typed in the last moments) must be added first.
   * The quiz itself starts once scormkit.js has run (DOMContentLoaded follows every deferred
   * script), or at once when the runtime is already there.
   */
  root.addEventListener('pagehide', function () {
    if (hook.player) {
      hook.player.flush();
    }
  });

  if (root.document) {
    var state = root.document.readyState;
    if ((root.scormkit && root.scormkit.tracker) || state === 'complete') {
      boot();
    } else {
      root.document.addEventListener('DOMContentLoaded', boot);
      root.addEventListener('load', boot);
    }
  }
  return hook;
}

module.exports = { start: start };
