/*
 * lms/scorm2004: the SCORM 2004 4th Edition transport (API object `API_1484_11`, cmi.* data
 * model): completion and success apart, progress_measure, scaled scores.
 */
'use strict';

var findApi = require('./find-api').findApi;
var formatInteraction2004 = require('../interactions/scorm2004').formatInteraction2004;
var number = require('../util/number');
var ScormTransport = require('./scorm').ScormTransport;
var time = require('../tracking/time');

var clamp = number.clamp;
var formatDecimal = number.formatDecimal;
var formatISODuration = time.formatISODuration;

var SCORM2004 = {
  standard: 'scorm2004',
  initialize: 'Initialize',
  terminate: 'Terminate',
  getValue: 'GetValue',
  setValue: 'SetValue',
  commit: 'Commit',
  getLastError: 'GetLastError',
  // 403 "value not initialized": reading an element the LMS holds no value for yet.
  unsetCodes: ['403'],
  location: 'cmi.location',
  sessionTime: 'cmi.session_time',
  formatSessionTime: formatISODuration,
  limits: { suspendData: 64000, location: 1000 }
};

var COMPLETION_2004 = ['completed', 'incomplete', 'not attempted', 'unknown'];
var SUCCESS_2004 = ['passed', 'failed', 'unknown'];

/** Transport for SCORM 2004 (API object `API_1484_11`, cmi.* data model of RTE 4th Ed). */
function Scorm2004Transport(api) {
  ScormTransport.call(this, api, SCORM2004);
}
Scorm2004Transport.prototype = Object.create(ScormTransport.prototype);
Scorm2004Transport.prototype.constructor = Scorm2004Transport;

Scorm2004Transport.prototype.start = function () {
  var refused = this.initialize();
  if (refused !== null) {
    return { ok: false, error: refused };
  }
  var entry = this.get('cmi.entry');
  var location = this.get('cmi.location');
  var suspendData = this.get('cmi.suspend_data');
  var mode = this.get('cmi.mode') || 'normal';
  var completion = this.get('cmi.completion_status');
  var success = this.get('cmi.success_status');
  var passing = this.get('cmi.scaled_passing_score');
  var mastery = passing === '' ? NaN : parseFloat(passing);
  return {
    ok: true,
    resume: entry === 'resume' || location !== '' || suspendData !== '',
    location: location,
    suspendData: suspendData,
    mode: mode,
    completion: COMPLETION_2004.indexOf(completion) === -1 ? 'unknown' : completion,
    success: SUCCESS_2004.indexOf(success) === -1 ? 'unknown' : success,
    masteryScore: mastery >= -1 && mastery <= 1 ? mastery : null
  };
};

Scorm2004Transport.prototype.setCompletion = function (status) {
  return this.set('cmi.completion_status', status);
};

Scorm2004Transport.prototype.setProgress = function (fraction) {
  return this.set('cmi.progress_measure', formatDecimal(clamp(fraction, 0, 1), 7));
};

Scorm2004Transport.prototype.setExit = function (suspend) {
  return this.set('cmi.exit', suspend ? 'suspend' : 'normal');
};

Scorm2004Transport.prototype.setScore = function (score) {
  var ok = this.set('cmi.score.scaled', formatDecimal(score.scaled, 7));
  ok = this.set('cmi.score.min', formatDecimal(score.min, 7)) && ok;
  ok = this.set('cmi.score.max', formatDecimal(score.max, 7)) && ok;
  ok = this.set('cmi.score.raw', formatDecimal(score.raw, 7)) && ok;
  if (score.passed !== null) {
    ok = this.set('cmi.success_status', score.passed ? 'passed' : 'failed') && ok;
  }
  return ok;
};

Scorm2004Transport.prototype.recordInteraction = function (input, options) {
  var f = formatInteraction2004(input, options);
  if (!f) {
    return false;
  }
  // id first, type before the responses (2004 error 408 "dependency not established").
  return this.writeInteraction(f.id, [
    ['id', f.id], ['type', f.type], ['description', f.description],
    ['weighting', f.weighting], ['correct_responses.0.pattern', f.pattern],
    ['learner_response', f.response], ['result', f.result], ['latency', f.latency],
    ['timestamp', f.timestamp]
  ]);
};

/** A transport when the LMS put a SCORM 2004 API object where this page can find it. */
function create(win) {
  var api = findApi(win, 'API_1484_11');
  return api ? new Scorm2004Transport(api) : null;
}

module.exports = {
  standard: 'scorm2004',
  create: create,
  // Added to window.scormkit (unit tests and debugging).
  hook: { formatInteraction2004: formatInteraction2004, findApi: findApi },
  Scorm2004Transport: Scorm2004Transport
};
