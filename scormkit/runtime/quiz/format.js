/*
 * quiz/format: points, the countdown clock and durations as the quiz shows and says them.
 */
'use strict';

var format = require('../util/text').format;
var roundPoints = require('../util/number').roundPoints;

/** `value` points in words ("1 point", "2.5 points"), rounded to 2 decimals. */
function formatPoints(value, messages) {
  var rounded = roundPoints(value, 2);
  return format(rounded === 1 ? messages.pointOne : messages.pointMany, { n: rounded });
}

/** Seconds left -> "m:ss" or "h:mm:ss" (whole seconds, rounded up; never negative). */
function formatClock(seconds) {
  var s = Math.max(0, Math.ceil(seconds));
  var hours = Math.floor(s / 3600);
  var minutes = Math.floor((s % 3600) / 60);
  var rest = s % 60;
  var mm = (hours && minutes < 10 ? '0' : '') + minutes;
  return (hours ? hours + ':' : '') + mm + ':' + (rest < 10 ? '0' : '') + rest;
}

/** A duration as the quiz announces it: "1 minute" under 90 s, else whole minutes. */
function spokenDuration(seconds, messages) {
  if (seconds < 90) {
    return format(messages.minuteOne, { n: 1 });
  }
  return format(messages.minuteMany, { n: Math.round(seconds / 60) });
}

module.exports = {
  formatPoints: formatPoints,
  formatClock: formatClock,
  spokenDuration: spokenDuration
};
