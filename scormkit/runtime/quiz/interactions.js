/*
 * quiz/interactions: a scored question as the structured interaction the tracker formats for
 * each standard (tracker.recordInteraction, documented in page/main.js).
 */
'use strict';

var scoring = require('./scoring');

var collapse = scoring.collapse;
var parseNumber = scoring.parseNumber;

/**
 * One accepted answer per blank for the correct-response pattern, no two alike: SCORM 2004
 * forbids duplicates in a fill-in pattern (scorm-again refuses one with 406, type mismatch),
 * so a blank whose first answer is already taken gives its next one. Alike is compared as
 * the question compares (case ignored unless `case`). undefined (no pattern) when the
 * blanks cannot all differ: two blanks that accept only the same word.
 */
function distinctAnswers(q) {
  var taken = [];
  var out = [];
  for (var i = 0; i < q.blanks.length; i += 1) {
    var pick = null;
    for (var k = 0; k < q.blanks[i].answers.length && pick === null; k += 1) {
      var answer = q.blanks[i].answers[k];
      var key = q.case ? answer : answer.toLowerCase();
      if (taken.indexOf(key) === -1) {
        pick = answer;
        taken.push(key);
      }
    }
    if (pick === null) {
      return undefined;
    }
    out.push(pick);
  }
  return out;
}

/** The structured interaction for tracker.recordInteraction (scormkit.js formats it). */
function interactionFor(q, entry, result, latencySeconds, time) {
  var a = entry.answer;
  var out = {
    id: q.id,
    description: q.title,
    result: result.result,
    weighting: q.points,
    latencySeconds: latencySeconds,
    time: time
  };
  var answered = result.answered;
  switch (q.kind) {
    case 'single':
    case 'multiple':
      out.type = 'choice';
      out.correct = q.correct.slice();
      if (answered) {
        out.response = q.kind === 'single' ? [a] : a.slice().sort();
      }
      break;
    case 'truefalse':
      out.type = 'true-false';
      out.correct = q.answer;
      if (answered) {
        out.response = a;
      }
      break;
    case 'fill':
      out.type = 'fill-in';
      out.correct = distinctAnswers(q);
      out.caseMatters = Boolean(q.case);
      if (answered) {
        out.response = a.map(collapse);
      }
      break;
    case 'numeric':
      out.type = 'numeric';
      out.correct = { min: q.answers[0][0], max: q.answers[0][1] };
      if (answered) {
        out.response = parseNumber(a);
      }
      break;
    case 'matching':
      out.type = 'matching';
      out.correct = q.premises.map(function (premise) { return [premise, q.pairs[premise]]; });
      if (answered) {
        out.response = q.premises.map(function (premise, i) { return [premise, a[i]]; })
          .filter(function (pair) { return pair[1]; });
      }
      break;
    case 'ordering':
      out.type = 'sequencing';
      out.correct = q.items.slice();
      out.response = entry.order.slice();
      break;
    case 'essay':
      out.type = 'long-fill-in';
      if (answered) {
        out.response = a;
      }
      break;
    default:
      return null;
  }
  return out;
}

module.exports = { interactionFor: interactionFor };
