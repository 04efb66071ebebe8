/*
 * interactions/scorm2004: an interaction as SCORM 2004 4th Edition cmi.interactions.n.*
 * values (the [,] [.] [:] delimiters, the smallest permitted maximum lengths, ISO 8601
 * latency and timestamp).
 */
'use strict';

var normalize = require('./normalize');
var number = require('../util/number');
var textUtil = require('../util/text');
var time = require('../tracking/time');

var normalizeInteraction = normalize.normalizeInteraction;
var guardBrace = normalize.guardBrace;
var formatDecimal = number.formatDecimal;
var truncate = textUtil.truncate;
var formatISODuration = time.formatISODuration;
var formatISOTimestamp = time.formatISOTimestamp;

function interactionUrn(courseId, id) {
  return 'urn:scormkit:' + encodeURIComponent(String(courseId || 'course')) + ':' +
    encodeURIComponent(id);
}

/**
 * An interaction in SCORM 2004 terms: {id, type, description, pattern, response, result,
 * weighting, latency, timestamp}, each a string or null (not written); null if invalid.
 * options: {courseId}.
 */
function formatInteraction2004(input, options) {
  var i = normalizeInteraction(input);
  if (!i) {
    return null;
  }
  options = options || {};
  function text(value) {
    if (value === undefined) {
      return null;
    }
    switch (i.type) {
      case 'choice':
      case 'sequencing':
        return value.length ? value.slice(0, 36).join('[,]') : null;
      case 'true-false':
        return value ? 'true' : 'false';
      case 'fill-in':
        return value.length ? value.slice(0, 10).map(function (blank) {
          return truncate(guardBrace(blank.replace(/\[([,.:])\]/g, '$1')), 250);
        }).join('[,]') : null;
      case 'long-fill-in':
        return truncate(guardBrace(value), 4000);
      case 'matching':
        return value.length ? value.slice(0, 36).map(function (pair) {
          return pair[0] + '[.]' + pair[1];
        }).join('[,]') : null;
      default:
        return null;
    }
  }
  var pattern = text(i.correct);
  var response = text(i.response);
  if (i.type === 'fill-in' && pattern !== null) {
    // Two equal strings make the pattern invalid (RTE fill-in: no duplicates; scorm-again
    // refuses it): no pattern then. Case-sensitive blanks say so: the default is false.
    var nodes = pattern.split('[,]');
    pattern = nodes.some(function (node, n) { return nodes.indexOf(node) !== n; }) ? null :
      (i.caseMatters ? '{case_matters=true}' : '') + pattern;
  }
  if (i.type === 'numeric') {
    pattern = i.correct === undefined ? null :
      (i.correct.min === null ? '' : i.correct.min) + '[:]' +
      (i.correct.max === null ? '' : i.correct.max);
    response = i.response === undefined ? null : formatDecimal(i.response, 7);
  }
  return {
    id: interactionUrn(options.courseId, i.id),
    type: i.type,
    description: i.description ? truncate(guardBrace(i.description), 250) : null,
    pattern: pattern,
    response: response,
    result: i.result,
    weighting: i.weighting,
    latency: i.latencyMs === null ? null : formatISODuration(i.latencyMs),
    timestamp: formatISOTimestamp(i.time)
  };
}

module.exports = { formatInteraction2004: formatInteraction2004 };
