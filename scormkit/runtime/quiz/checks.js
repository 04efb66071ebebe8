/*
 * quiz/checks: the inline "check your understanding" questions of the lessons (scormkit/checks.js
 * in a package, loaded only by pages that have one). A check is a question of the quiz format
 * written inside a lesson (docs/quiz-format.md, "Checks in lessons"); its markup is the quiz's
 * (templates/_shared/question.html.j2) and its JSON the quiz's question JSON
 * (scormkit/writers/quizpage.py), in <script class="sk-check-data"> inside the check.
 *
 * Checks are practice: Check shows whether the answer is right and the feedback, Try again
 * clears it. Nothing is scored, saved or sent: this script never touches the tracker
 * (window.scormkit.tracker), so checks cannot change a score, a completion, the interactions
 * or the suspend data, whatever the standard.
 */
'use strict';

var dom = require('../util/dom');
var emptyAnswer = require('./attempt').emptyAnswer;
var feedback = require('./feedback');
var quizMessages = require('./messages');
var readAnswer = require('./inputs').readAnswer;
var scoreQuestion = require('./scoring').scoreQuestion;
var textUtil = require('../util/text');

var toArray = dom.toArray;
var TEXT_LIMIT = 100;

/** One check: `element` is its .sk-check, `q` its question JSON. */
function Check(win, element, q, messages) {
  this.win = win;
  this.element = element;
  this.q = q;
  this.messages = messages;
  this.fieldset = element.querySelector('fieldset.sk-question');
  this.checkButton = element.querySelector('.sk-check-button');
  this.resetButton = element.querySelector('.sk-check-reset');
  this.live = element.querySelector('.sk-check-live');
  this.entry = { q: 0, order: null, answer: emptyAnswer(q) };
}

Check.prototype.start = function () {
  var check = this;
  toArray(this.element.querySelectorAll('.sk-check-actions')).forEach(function (actions) {
    actions.removeAttribute('hidden');
  });
  this.checkButton.addEventListener('click', function () { check.check(); });
  this.resetButton.addEventListener('click', function () { check.reset(); });
  // Enter in a blank or number field checks the answer (there is no form to submit).
  this.fieldset.addEventListener('keydown', function (event) {
    var target = event.target;
    if (event.key === 'Enter' && target && target.tagName === 'INPUT' &&
        (target.type === 'text' || target.type === 'number')) {
      event.preventDefault();
      check.check();
    }
  });
};

Check.prototype.check = function () {
  readAnswer(this.q, this.fieldset, this.entry, TEXT_LIMIT);
  var result = scoreQuestion(this.q, this.entry);
  var state = feedback.resultState(this.q, result);
  var text = feedback.resultLabel(state, result, this.messages) + '.';
  feedback.showFeedback(this.fieldset, this.q, this.entry, state, text);
  this.resetButton.removeAttribute('hidden');
  this.announce(text);
};

Check.prototype.reset = function () {
  feedback.hideFeedback(this.fieldset);
  toArray(this.fieldset.querySelectorAll('input, select')).forEach(function (control) {
    if (control.type === 'radio' || control.type === 'checkbox') {
      control.checked = false;
    } else {
      control.value = '';
    }
  });
  this.entry.answer = emptyAnswer(this.q);
  this.resetButton.setAttribute('hidden', 'hidden');
  var first = this.fieldset.querySelector('input, select');
  if (first) {
    first.focus();
  }
  this.announce('');
};

Check.prototype.announce = function (text) {
  var live = this.live;
  if (!live) {
    return;
  }
  live.textContent = '';
  if (text) {
    this.win.setTimeout(function () { live.textContent = text; }, 50);
  }
};

/** The question JSON of a check, or null. */
function readQuestion(element) {
  var script = element.querySelector('script.sk-check-data');
  try {
    var q = JSON.parse(script ? script.textContent : 'null');
    return q && typeof q.kind === 'string' ? q : null;
  } catch (error) {
    return null;
  }
}

/** Start every check of the page in window `root`; returns the hook (window.scormkit.checks). */
function start(root) {
  var hook = { checks: [] };
  function boot() {
    var doc = root.document;
    root.scormkit = root.scormkit || {};
    root.scormkit.checks = hook;
    toArray(doc.querySelectorAll('.sk-check')).forEach(function (element) {
      var q = readQuestion(element);
      if (q) {
        // The result words in the course language travel with each check (`strings`).
        var messages = textUtil.messagesFrom(quizMessages.MESSAGES, q.strings);
        var check = new Check(root, element, q, messages);
        check.start();
        hook.checks.push(check);
      }
    });
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

module.exports = { start: start, Check: Check };
