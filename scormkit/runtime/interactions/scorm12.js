/*
 * interactions/scorm12: an interaction as SCORM 1.2 cmi.interactions.n.* values
 * (CMIIdentifier ids, patterns and responses of at most 255 characters).
 */
'use strict';

var normalize = require('./normalize');
var number = require('../util/number');
var textUtil = require('../util/text');
var time = require('../tracking/time');

var normalizeInteraction = normalize.normalizeInteraction;
var formatDecimal = number.formatDecimal;
var truncate = textUtil.truncate;
var formatCMITimespan = time.formatCMITimespan;
var formatCMITime = time.formatCMITime;

function fitted(text, max) {
  return text === null ? null : truncate(text, max);
}

/**
 * An interaction in SCORM 1.2 terms: {id, type, pattern, response, result, weighting,
 * latency, time}, each a string or null (not written); null for an invalid interaction.
 */
function formatInteraction12(input) {
  var i = normalizeInteraction(input);
  if (!i) {
    return null;
  }
  function text(value) {
    if (value === undefined) {
      return null;
    }
    switch (i.type) {
      case 'choice':
      case 'sequencing':
        return value.join(',');
      case 'true-false':
        return value ? 't' : 'f';
      case 'fill-in':
        // Several blanks: "[,]" between them, as SCORM 2004 writes them (a plain "," is
        // ambiguous: a blank's text may hold one; "[,]" inside a text loses its brackets).
        return value.map(function (blank) {
          return blank.replace(/\[,\]/g, ',');
        }).join('[,]');
      case 'long-fill-in':
        return value;
      case 'matching':
        return value.map(function (pair) { return pair[0] + '.' + pair[1]; }).join(',');
      default:
        return null;
    }
  }
  var pattern = text(i.correct);
  if (i.type === 'choice' && i.correct !== undefined && i.correct.length > 1) {
    pattern = '{' + pattern + '}';
  }
  if (i.type === 'numeric') {
    pattern = i.correct !== undefined && i.correct.min !== null &&
      i.correct.min === i.correct.max ? i.correct.min : null;
  }
  var response = i.type === 'numeric' ?
    (i.response === undefined ? null : formatDecimal(i.response, 7)) : text(i.response);
  return {
    id: truncate(i.id.replace(/[^A-Za-z0-9_-]/g, '_'), 255),
    type: i.type === 'long-fill-in' ? 'fill-in' : i.type,
    pattern: fitted(pattern, 255),
    response: fitted(response, 255),
    result: i.result === null ? null : (i.result === 'incorrect' ? 'wrong' : i.result),
    weighting: i.weighting,
    latency: i.latencyMs === null ? null : formatCMITimespan(i.latencyMs),
    time: formatCMITime(i.time)
  };
}

module.exports = { formatInteraction12: formatInteraction12 };
