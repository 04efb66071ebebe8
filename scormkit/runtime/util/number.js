/*
 * util/number: padding, clamping, rounding and decimal formatting.
 *
 * Two roundings on purpose: `round` is the tracker's (scores and progress sent to the LMS),
 * `roundPoints` the quiz's (points and percentages shown to the learner and reported as the
 * raw score), which adds Number.EPSILON first so that 1.005 rounds to 1.01 as a person
 * expects. They differ on such ties, and each side's results (and so the learner records
 * LMSs already hold) depend on its own: do not merge them.
 */
'use strict';

/** `number` as text, left-padded with zeros to `width` characters. */
function pad(number, width) {
  var text = String(number);
  while (text.length < width) {
    text = '0' + text;
  }
  return text;
}

/**
 * A number as a plain decimal string with at most `digits` decimals, no exponent, no
 * trailing zeros: (0.5, 7) -> "0.5", (1e-9, 7) -> "0", (2, 7) -> "2". null if not finite.
 */
function formatDecimal(value, digits) {
  if (value === null || value === undefined || value === '' || typeof value === 'boolean') {
    return null;
  }
  var number = Number(value);
  if (!isFinite(number)) {
    return null;
  }
  var text = number.toFixed(typeof digits === 'number' ? digits : 7);
  if (text.indexOf('e') !== -1) {
    return null;
  }
  if (text.indexOf('.') !== -1) {
    text = text.replace(/0+$/, '').replace(/\.$/, '');
  }
  return text === '-0' ? '0' : text;
}

function clamp(value, low, high) {
  return value < low ? low : (value > high ? high : value);
}

/** `value` rounded to `digits` decimals (the tracker's rounding; see the header). */
function round(value, digits) {
  var factor = Math.pow(10, digits);
  return Math.round(value * factor) / factor;
}

/** `value` rounded to `places` decimals, ties nudged up (the quiz's rounding; see the
 *  header). */
function roundPoints(value, places) {
  var factor = Math.pow(10, places);
  return Math.round((value + Number.EPSILON) * factor) / factor;
}

module.exports = {
  pad: pad,
  formatDecimal: formatDecimal,
  clamp: clamp,
  round: round,
  roundPoints: roundPoints
};
