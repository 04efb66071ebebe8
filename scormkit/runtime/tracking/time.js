/*
 * tracking/time: durations and instants in the formats the standards require: SCORM 1.2
 * CMITimespan and CMITime, ISO 8601 durations (SCORM 2004 timeinterval, xAPI) and SCORM 2004
 * timestamps.
 */
'use strict';

var pad = require('../util/number').pad;

var MAX_CENTISECONDS = ((9999 * 60 + 59) * 60 + 59) * 100 + 99;

/** Milliseconds -> whole hundredths of a second in 0 .. 9999:59:59.99. */
function centiseconds(ms) {
  var centis = Math.round(Number(ms) / 10);
  if (!(centis > 0)) {
    return 0;
  }
  return centis > MAX_CENTISECONDS ? MAX_CENTISECONDS : centis;
}

/**
 * Milliseconds -> SCORM 1.2 CMITimespan "HHHH:MM:SS.SS", e.g. 65200 -> "0000:01:05.20".
 * Rounded to hundredths; negative or invalid input gives zero; clamped to 9999:59:59.99.
 */
function formatCMITimespan(ms) {
  var centis = centiseconds(ms);
  var hours = Math.floor(centis / 360000);
  var minutes = Math.floor((centis % 360000) / 6000);
  var seconds = Math.floor((centis % 6000) / 100);
  return pad(hours, 4) + ':' + pad(minutes, 2) + ':' + pad(seconds, 2) + '.' +
    pad(centis % 100, 2);
}

/**
 * Milliseconds -> ISO 8601 duration as SCORM 2004 (timeinterval) and xAPI use it:
 * 65200 -> "PT1M5.2S", 0 -> "PT0S", 3600000 -> "PT1H". Hours are not folded into days;
 * rounded to hundredths; negative or invalid input gives "PT0S"; at most 9999 hours.
 */
function formatISODuration(ms) {
  var centis = centiseconds(ms);
  var hours = Math.floor(centis / 360000);
  var minutes = Math.floor((centis % 360000) / 6000);
  var seconds = Math.floor((centis % 6000) / 100);
  var fraction = centis % 100;
  var text = 'PT';
  if (hours) {
    text += hours + 'H';
  }
  if (minutes) {
    text += minutes + 'M';
  }
  if (seconds || fraction || text === 'PT') {
    text += seconds;
    if (fraction) {
      text += '.' + pad(fraction, 2).replace(/0$/, '');
    }
    text += 'S';
  }
  return text;
}

function validDate(date) {
  return date instanceof Date && !isNaN(date.getTime()) ? date : null;
}

/** Date -> SCORM 1.2 CMITime "HH:MM:SS" in the learner's local time; null if invalid. */
function formatCMITime(date) {
  date = validDate(date);
  if (!date) {
    return null;
  }
  return pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' +
    pad(date.getSeconds(), 2);
}

/**
 * Date -> SCORM 2004 time(second,10,2) in UTC with hundredths, e.g.
 * "2024-05-06T07:08:09.12Z" (scorm-again and the spec accept it); null if invalid.
 */
function formatISOTimestamp(date) {
  date = validDate(date);
  if (!date) {
    return null;
  }
  return pad(date.getUTCFullYear(), 4) + '-' + pad(date.getUTCMonth() + 1, 2) + '-' +
    pad(date.getUTCDate(), 2) + 'T' + pad(date.getUTCHours(), 2) + ':' +
    pad(date.getUTCMinutes(), 2) + ':' + pad(date.getUTCSeconds(), 2) + '.' +
    pad(Math.floor(date.getUTCMilliseconds() / 10), 2) + 'Z';
}

module.exports = {
  formatCMITimespan: formatCMITimespan,
  formatISODuration: formatISODuration,
  validDate: validDate,
  formatCMITime: formatCMITime,
  formatISOTimestamp: formatISOTimestamp
};
