/*
 * quiz/scoring: what a presented question and a whole attempt are worth.
 *
 * Scoring (docs/quiz-format.md states the rules for authors; README "Completion and success"):
 *   single, true/false, numeric, ordering: all or nothing. Numeric: any accepted answer
 *     (exact, +- tolerance or range, all stored as [low, high]) gives full points.
 *   multiple response: the exact set; with partial credit points * max(0, (R - W) / C).
 *   fill in the blank: spaces collapsed, case ignored unless the question says otherwise, any
 *     accepted answer; all blanks right, or with partial credit points / blanks per right one.
 *   matching: all pairs right, or with partial credit points / pairs per right pair.
 *   essay (the essay rule, the same in every target: scormkit/grading.py): a person grades
 *     it, so here it counts 0 points, its points are part of the maximum like any other
 *     question's, and it is reported as a "neutral" interaction with its weighting.
 *   score = 100 * points / maximum of the questions presented, 2 decimals;
 *   passed = points x 100 >= passing score x maximum, before rounding (the LMS's mastery
 *     score when it sends one).
 */
'use strict';

var roundPoints = require('../util/number').roundPoints;

function collapse(text) {
  return String(text).split(/\s+/).filter(Boolean).join(' ');
}

function parseNumber(text) {
  var trimmed = String(text === null || text === undefined ? '' : text).trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) {
    return null;
  }
  var value = Number(trimmed);
  return isFinite(value) ? value : null;
}

/** Whether `entry` holds an answer (orderings always do: the shown order is one). */
function isAnswered(q, entry) {
  var a = entry.answer;
  switch (q.kind) {
    case 'single':
      return Boolean(a);
    case 'multiple':
      return a.length > 0;
    case 'truefalse':
      return a === true || a === false;
    case 'fill':
    case 'matching':
      return a.some(function (value) { return collapse(value) !== ''; });
    case 'numeric':
      return parseNumber(a) !== null;
    case 'essay':
      return collapse(a) !== '';
    default:
      return true;
  }
}

/**
 * Score one presented question: {points (rounded to 4 decimals), exact (not rounded), max,
 * result: "correct" | "incorrect" | "neutral", answered, partial (some but not all points)};
 * essays: 0 points of their max, result neutral.
 */
function scoreQuestion(q, entry) {
  var answered = isAnswered(q, entry);
  var a = entry.answer;
  var share = 0;
  switch (q.kind) {
    case 'single':
      share = a === q.correct[0] ? 1 : 0;
      break;
    case 'multiple':
      var right = a.filter(function (id) { return q.correct.indexOf(id) !== -1; }).length;
      var wrong = a.length - right;
      if (right === q.correct.length && wrong === 0) {
        share = 1;
      } else if (q.partial) {
        share = Math.max(0, (right - wrong) / q.correct.length);
      }
      break;
    case 'truefalse':
      share = a === q.answer ? 1 : 0;
      break;
    case 'fill':
      var good = q.blanks.filter(function (blank, i) {
        var given = collapse(a[i] || '');
        return blank.answers.some(function (accepted) {
          return q.case ? given === accepted : given.toLowerCase() === accepted.toLowerCase();
        });
      }).length;
      share = good === q.blanks.length ? 1 : (q.partial ? good / q.blanks.length : 0);
      break;
    case 'numeric':
      var value = parseNumber(a);
      share = value !== null && q.answers.some(function (range) {
        return range[0] <= value && value <= range[1];
      }) ? 1 : 0;
      break;
    case 'matching':
      var pairs = q.premises.filter(function (premise, i) {
        return a[i] === q.pairs[premise];
      }).length;
      share = pairs === q.premises.length ? 1 : (q.partial ? pairs / q.premises.length : 0);
      break;
    case 'ordering':
      share = entry.order && entry.order.join() === q.items.join() ? 1 : 0;
      break;
    case 'essay':
      return { points: 0, exact: 0, max: q.points, result: 'neutral', answered: answered,
        partial: false };
    default:
      share = 0;
  }
  var points = roundPoints(q.points * share, 4);
  return {
    points: points,
    exact: q.points * share,
    max: q.points,
    result: share === 1 ? 'correct' : 'incorrect',
    answered: answered,
    partial: share > 0 && share < 1
  };
}

/** Score an attempt: {points, exact (not rounded), max, percent (null when the maximum is 0),
 *  results}. */
function scoreAttempt(data, state) {
  var points = 0;
  var exact = 0;
  var max = 0;
  var results = state.entries.map(function (entry) {
    var result = scoreQuestion(data.questions[entry.q], entry);
    points += result.points;
    exact += result.exact;
    max += result.max;
    return result;
  });
  points = roundPoints(points, 4);
  max = roundPoints(max, 4);
  return {
    points: points,
    exact: exact,
    max: max,
    percent: max > 0 ? roundPoints(100 * points / max, 2) : null,
    results: results
  };
}

/**
 * Whether attempt `score` reaches `passing` (percent; null: no passing score -> null).
 * Compared as the reference does, points x 100 >= passing x maximum, on the points before
 * rounding: the shown percentage is rounded to 2 decimals, and 79.996 % must not pass 80 %.
 * The margin only absorbs floating-point error (a real shortfall is far larger: points are
 * fractions of a few decimals' points).
 */
function passedAt(score, passing) {
  if (score.percent === null || passing === null || passing === undefined) {
    return null;
  }
  return score.exact * 100 >= passing * score.max - 1e-9 * Math.max(1, passing * score.max);
}

module.exports = {
  collapse: collapse,
  parseNumber: parseNumber,
  isAnswered: isAnswered,
  scoreQuestion: scoreQuestion,
  scoreAttempt: scoreAttempt,
  passedAt: passedAt
};
