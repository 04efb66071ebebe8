/*
 * interactions/xapi: an interaction as the object and result of an xAPI `answered` statement
 * (cmi5 packages). Identifiers only: nothing is ever requested from these addresses.
 */
'use strict';

var normalize = require('./normalize');
var number = require('../util/number');
var time = require('../tracking/time');

var normalizeInteraction = normalize.normalizeInteraction;
var guardBrace = normalize.guardBrace;
var formatDecimal = number.formatDecimal;
var formatISODuration = time.formatISODuration;

var INTERACTION_ACTIVITY = 'http://adlnet.gov/expapi/activities/cmi.interaction';
// Questions are named from the course id, like the AUs of cmi5.xml (scormkit/writers/cmi5.py
// IRI_BASE): the same question keeps its IRI in every LMS and registration.
var QUESTION_IRI_BASE = 'https://scormkit.invalid/courses/';

function questionIri(courseId, id) {
  return QUESTION_IRI_BASE + encodeURIComponent(String(courseId || 'course')) + '/questions/' +
    encodeURIComponent(id);
}

/**
 * An interaction as xAPI data (xAPI 1.0.3 Data 2.4.4.1, "Interaction Activities", and its
 * response patterns): {object, result} for an `answered` statement, or null if invalid.
 * object: the question as an Activity of type cmi.interaction with interactionType and
 * correctResponsesPattern (one pattern: "a[,]c", "true", "1[.]a[,]2[.]b", "4[:]6" or "5",
 * ...); result: response (the learner's, same syntax), success (correct / incorrect; none for
 * neutral) and duration (the latency). The patterns are SCORM 2004's (xAPI took them from
 * there) without SCORM's length caps; a text starting with "{" gets a leading space so that
 * it is not read as a {case_matters=...} or {lang=...} prefix, and "[,]"-like delimiters
 * inside a blank's text lose their brackets. options: {courseId, language}.
 */
function formatInteractionXapi(input, options) {
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
        return value.join('[,]');
      case 'true-false':
        return value ? 'true' : 'false';
      case 'fill-in':
        return value.map(function (blank) {
          return guardBrace(blank.replace(/\[([,.:])\]/g, '$1'));
        }).join('[,]');
      case 'long-fill-in':
        return guardBrace(value);
      case 'matching':
        return value.map(function (pair) { return pair[0] + '[.]' + pair[1]; }).join('[,]');
      default:
        return null;
    }
  }
  var pattern = text(i.correct);
  var response = text(i.response);
  if (i.type === 'fill-in' && pattern !== null && i.caseMatters) {
    pattern = '{case_matters=true}' + pattern;
  }
  if (i.type === 'numeric') {
    pattern = null;
    if (i.correct !== undefined) {
      pattern = i.correct.min !== null && i.correct.min === i.correct.max ? i.correct.min :
        (i.correct.min === null ? '' : i.correct.min) + '[:]' +
        (i.correct.max === null ? '' : i.correct.max);
    }
    response = i.response === undefined ? null : formatDecimal(i.response, 7);
  }
  var language = options.language || 'und';
  var definition = { type: INTERACTION_ACTIVITY, interactionType: i.type };
  if (i.description) {
    definition.name = {};
    definition.name[language] = i.description;
  }
  // xAPI strings are never empty (an empty choice list has no pattern at all).
  if (pattern) {
    definition.correctResponsesPattern = [pattern];
  }
  var result = {};
  if (response) {
    result.response = response;
  }
  if (i.result === 'correct' || i.result === 'incorrect') {
    result.success = i.result === 'correct';
  }
  if (i.latencyMs !== null) {
    result.duration = formatISODuration(i.latencyMs);
  }
  return {
    object: { id: questionIri(options.courseId, i.id), objectType: 'Activity',
      definition: definition },
    result: result
  };
}

module.exports = { formatInteractionXapi: formatInteractionXapi };
