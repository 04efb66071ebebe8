/*
 * tracking/score: a score reported by a page script (tracker.reportScore), checked and derived
 * into the values every standard needs.
 */
'use strict';

var number = require('../util/number');

var clamp = number.clamp;
var round = number.round;

/**
 * Check and derive a score from points: {raw, min, max, scaled, percent} or null.
 * scaled = raw / max in [-1, 1] (7 decimals); percent = 100 * raw / max in [0, 100] (2).
 */
function normalizeScore(score) {
  if (!score || typeof score !== 'object') {
    return null;
  }
  var raw = Number(score.raw);
  var max = Number(score.max);
  var min = score.min === undefined || score.min === null ? 0 : Number(score.min);
  if (typeof score.raw !== 'number' || typeof score.max !== 'number' || !isFinite(raw) ||
      !isFinite(max) || !isFinite(min) || !(max > 0) || min > max) {
    return null;
  }
  return {
    raw: raw,
    min: min,
    max: max,
    scaled: round(clamp(raw / max, -1, 1), 7),
    percent: round(clamp(raw / max, 0, 1) * 100, 2)
  };
}

module.exports = { normalizeScore: normalizeScore };
