/*
 * interactions/normalize: an interaction given to tracker.recordInteraction, checked and
 * normalised into one neutral form that each standard's formatter (interactions/scorm12,
 * scorm2004, xapi) writes in its own syntax. The structured input is documented with
 * recordInteraction in page/main.js.
 */
'use strict';

var number = require('../util/number');
var textUtil = require('../util/text');
var time = require('../tracking/time');

var formatDecimal = number.formatDecimal;
var oneLine = textUtil.oneLine;
var validDate = time.validDate;

var INTERACTION_TYPES = ['choice', 'true-false', 'fill-in', 'long-fill-in', 'matching',
  'sequencing', 'numeric'];
var INTERACTION_RESULTS = ['correct', 'incorrect', 'neutral'];
var RESPONSE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function idArray(value) {
  if (!Array.isArray(value) || !value.every(function (id) {
    return (typeof id === 'string' || typeof id === 'number') && RESPONSE_ID.test(String(id));
  })) {
    return undefined;
  }
  return value.map(String);
}

/** One `correct` or `response` value of an interaction of `type`, checked and normalised;
 *  undefined when absent or malformed. `which` is "correct" or "response". */
function interactionValue(type, value, which) {
  if (value === undefined || value === null) {
    return undefined;
  }
  switch (type) {
    case 'choice':
    case 'sequencing':
      return idArray(value);
    case 'true-false':
      return typeof value === 'boolean' ? value : undefined;
    case 'fill-in':
      return Array.isArray(value) ? value.map(function (text) {
        return oneLine(text === null || text === undefined ? '' : text);
      }) : undefined;
    case 'long-fill-in':
      return typeof value === 'string' ? oneLine(value) : undefined;
    case 'matching':
      if (!Array.isArray(value) || !value.every(function (pair) {
        return Array.isArray(pair) && pair.length === 2 && idArray(pair) !== undefined;
      })) {
        return undefined;
      }
      return value.map(function (pair) { return [String(pair[0]), String(pair[1])]; });
    case 'numeric':
      if (which === 'response') {
        return formatDecimal(value, 7) === null ? undefined : Number(value);
      }
      if (typeof value !== 'object') {
        return undefined;
      }
      var low = formatDecimal(value.min, 7);
      var high = formatDecimal(value.max, 7);
      return low === null && high === null ? undefined : { min: low, max: high };
    default:
      return undefined;
  }
}

/**
 * Check an interaction given to recordInteraction; returns the normalised fields or null:
 * {id, type, description, correct, response, result, weighting, latencyMs, time,
 * caseMatters}.
 */
function normalizeInteraction(i) {
  if (!i || typeof i !== 'object' || INTERACTION_TYPES.indexOf(i.type) === -1) {
    return null;
  }
  var id = i.id === undefined || i.id === null ? '' : String(i.id);
  if (!id) {
    return null;
  }
  var correct = interactionValue(i.type, i.correct, 'correct');
  var response = interactionValue(i.type, i.response, 'response');
  if ((i.correct !== undefined && i.correct !== null && correct === undefined) ||
      (i.response !== undefined && i.response !== null && response === undefined)) {
    return null;
  }
  var latency = Number(i.latencySeconds);
  return {
    id: id,
    type: i.type,
    description: typeof i.description === 'string' ? oneLine(i.description).trim() : '',
    correct: correct,
    response: response,
    result: INTERACTION_RESULTS.indexOf(i.result) === -1 ? null : i.result,
    weighting: formatDecimal(i.weighting, 7),
    latencyMs: typeof i.latencySeconds === 'number' && isFinite(latency) && latency >= 0 ?
      latency * 1000 : null,
    caseMatters: i.type === 'fill-in' && i.caseMatters === true,
    time: validDate(i.time)
  };
}

/** A SCORM 2004 characterstring or localized string may not start with "{" (a reserved
 *  delimiter; scorm-again rejects it even after a "{lang=..}"): a space goes first then. */
function guardBrace(text) {
  return text.charAt(0) === '{' ? ' ' + text : text;
}

module.exports = {
  INTERACTION_TYPES: INTERACTION_TYPES,
  normalizeInteraction: normalizeInteraction,
  guardBrace: guardBrace
};
