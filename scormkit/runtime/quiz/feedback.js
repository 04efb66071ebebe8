/*
 * quiz/feedback: showing and hiding the feedback already in a question's markup (the result
 * line, the "correct" / "incorrect" / "always" blocks, per-choice and per-answer feedback),
 * for the graded quiz (quiz/player) and the inline checks (quiz/checks).
 */
'use strict';

var dom = require('../util/dom');
var parseNumber = require('./scoring').parseNumber;

var toArray = dom.toArray;
var STATES = ['correct', 'partial', 'incorrect', 'neutral'];

/** correct | partial | incorrect | neutral (essays) for a result of quiz/scoring. */
function resultState(q, result) {
  if (q.kind === 'essay') {
    return 'neutral';
  }
  return result.result === 'correct' ? 'correct' : (result.partial ? 'partial' : 'incorrect');
}

/** The word for `state` ("Correct", "Partly correct", ...) from the quiz messages. */
function resultLabel(state, result, messages) {
  if (state === 'correct') {
    return messages.correct;
  }
  if (state === 'partial') {
    return messages.partlyCorrect;
  }
  return result.answered ? messages.incorrect : messages.unanswered;
}

/**
 * Reveal the feedback of question `q` in `fieldset` for `entry` (the learner's answer):
 * `state` from resultState, `text` the result line. The fieldset is then described by its
 * stem and its feedback, and a chosen choice by its own feedback.
 */
function showFeedback(fieldset, q, entry, state, text) {
  var box = fieldset.querySelector('.sk-q-feedback');
  var line = box.querySelector('.sk-q-result');
  line.textContent = text;
  STATES.forEach(function (name) {
    fieldset.classList.toggle('sk-q-' + name, name === state);
  });
  toArray(box.querySelectorAll('.sk-q-when')).forEach(function (block) {
    var when = block.getAttribute('data-when');
    var show = when === 'always' || (q.kind !== 'essay' &&
      (when === 'correct' ? state === 'correct' : state !== 'correct'));
    if (show) {
      block.removeAttribute('hidden');
    } else {
      block.setAttribute('hidden', 'hidden');
    }
  });
  var picked = [];
  if (q.kind === 'single' && entry.answer) {
    picked = [entry.answer];
  } else if (q.kind === 'multiple') {
    picked = entry.answer;
  } else if (q.kind === 'truefalse' && entry.answer !== null) {
    picked = [String(entry.answer)];
  }
  toArray(fieldset.querySelectorAll('.sk-choice')).forEach(function (choice) {
    var id = choice.getAttribute('data-choice');
    var input = choice.querySelector('input');
    var choiceFeedback = choice.querySelector('.sk-choice-feedback');
    var chosen = picked.indexOf(id) !== -1;
    choice.classList.toggle('sk-chosen', chosen);
    if (choiceFeedback) {
      if (chosen) {
        choiceFeedback.removeAttribute('hidden');
        input.setAttribute('aria-describedby', choiceFeedback.id);
      } else {
        choiceFeedback.setAttribute('hidden', 'hidden');
        input.removeAttribute('aria-describedby');
      }
    }
  });
  if (q.kind === 'numeric') {
    var value = parseNumber(entry.answer);
    var hit = value === null ? -1 : q.answers.findIndex(function (range) {
      return range[0] <= value && value <= range[1];
    });
    toArray(fieldset.querySelectorAll('.sk-answer-feedback')).forEach(function (block) {
      if (Number(block.getAttribute('data-answer')) === hit) {
        block.removeAttribute('hidden');
      } else {
        block.setAttribute('hidden', 'hidden');
      }
    });
  }
  box.removeAttribute('hidden');
  fieldset.setAttribute('aria-describedby',
    (q.kind === 'fill' ? '' : fieldset.id + '-stem ') + box.id);
}

/** Hide every feedback of the question in `fieldset` again. */
function hideFeedback(fieldset) {
  var box = fieldset.querySelector('.sk-q-feedback');
  box.setAttribute('hidden', 'hidden');
  STATES.forEach(function (name) {
    fieldset.classList.remove('sk-q-' + name);
  });
  toArray(fieldset.querySelectorAll('.sk-choice-feedback, .sk-answer-feedback')).forEach(
    function (block) { block.setAttribute('hidden', 'hidden'); });
  toArray(fieldset.querySelectorAll('.sk-choice')).forEach(function (choice) {
    choice.classList.remove('sk-chosen');
    var input = choice.querySelector('input');
    if (input) {
      input.removeAttribute('aria-describedby');
    }
  });
  if (fieldset.classList.contains('sk-q-fill')) {
    fieldset.removeAttribute('aria-describedby');
  } else {
    fieldset.setAttribute('aria-describedby', fieldset.id + '-stem');
  }
}

module.exports = {
  resultState: resultState,
  resultLabel: resultLabel,
  showFeedback: showFeedback,
  hideFeedback: hideFeedback
};
