/*
 * lms/scorm12: the SCORM 1.2 transport (API object `API`, LMS* functions, cmi.core.* data
 * model). One status (cmi.core.lesson_status) for completion and success.
 */
'use strict';

var findApi = require('./find-api').findApi;
var formatInteraction12 = require('../interactions/scorm12').formatInteraction12;
var number = require('../util/number');
var ScormTransport = require('./scorm').ScormTransport;
var codec = require('../tracking/suspend-data');
var time = require('../tracking/time');

var formatDecimal = number.formatDecimal;
var round = number.round;
var formatCMITimespan = time.formatCMITimespan;
var SUSPEND_DATA_LIMIT = codec.SUSPEND_DATA_LIMIT;
var LOCATION_LIMIT = codec.LOCATION_LIMIT;

var SCORM12 = {
  standard: 'scorm12',
  initialize: 'LMSInitialize',
  terminate: 'LMSFinish',
  getValue: 'LMSGetValue',
  setValue: 'LMSSetValue',
  commit: 'LMSCommit',
  getLastError: 'LMSGetLastError',
  unsetCodes: null,
  location: 'cmi.core.lesson_location',
  sessionTime: 'cmi.core.session_time',
  formatSessionTime: formatCMITimespan,
  limits: { suspendData: SUSPEND_DATA_LIMIT, location: LOCATION_LIMIT }
};

/** Transport for SCORM 1.2 (API object `API`, LMS* functions, cmi.core.* data model). */
function Scorm12Transport(api) {
  ScormTransport.call(this, api, SCORM12);
  this.success = 'unknown';
}
Scorm12Transport.prototype = Object.create(ScormTransport.prototype);
Scorm12Transport.prototype.constructor = Scorm12Transport;

Scorm12Transport.prototype.start = function () {
  var refused = this.initialize();
  if (refused !== null) {
    return { ok: false, error: refused };
  }
  var entry = this.get('cmi.core.entry');
  var location = this.get('cmi.core.lesson_location');
  var suspendData = this.get('cmi.suspend_data');
  var status = this.get('cmi.core.lesson_status');
  var mode = this.get('cmi.core.lesson_mode') || 'normal';
  var mastery = parseFloat(this.get('cmi.student_data.mastery_score'));
  var completion = 'unknown';
  var success = 'unknown';
  if (status === 'completed' || status === 'passed' || status === 'failed') {
    completion = 'completed';
    success = status === 'completed' ? 'unknown' : status;
  } else if (status === 'incomplete') {
    completion = 'incomplete';
  } else if (status === 'not attempted' || status === '') {
    completion = 'not attempted';
  }
  this.success = success;
  return {
    ok: true,
    resume: entry === 'resume' || location !== '' || suspendData !== '',
    location: location,
    suspendData: suspendData,
    mode: mode,
    completion: completion,
    success: success,
    masteryScore: mastery >= 0 && mastery <= 100 ? round(mastery / 100, 4) : null
  };
};

/** 1.2 has one status: a known passed/failed stands for completed too. */
Scorm12Transport.prototype.setCompletion = function (status) {
  if (this.success === 'passed' || this.success === 'failed') {
    return status === 'completed' ? this.set('cmi.core.lesson_status', this.success) : true;
  }
  return this.set('cmi.core.lesson_status', status);
};

Scorm12Transport.prototype.setProgress = function () {
  return true;
};

Scorm12Transport.prototype.setExit = function (suspend) {
  return this.set('cmi.core.exit', suspend ? 'suspend' : '');
};

Scorm12Transport.prototype.setScore = function (score) {
  var ok = this.set('cmi.core.score.raw', formatDecimal(score.percent, 2));
  ok = this.set('cmi.core.score.min', '0') && ok;
  ok = this.set('cmi.core.score.max', '100') && ok;
  if (score.passed !== null) {
    this.success = score.passed ? 'passed' : 'failed';
    ok = this.set('cmi.core.lesson_status', this.success) && ok;
  }
  return ok;
};

Scorm12Transport.prototype.recordInteraction = function (input) {
  var f = formatInteraction12(input);
  if (!f) {
    return false;
  }
  return this.writeInteraction(f.id, [
    ['id', f.id], ['type', f.type], ['weighting', f.weighting],
    ['correct_responses.0.pattern', f.pattern], ['student_response', f.response],
    ['result', f.result], ['latency', f.latency], ['time', f.time]
  ]);
};

/** A transport when the LMS put a SCORM 1.2 API object where this page can find it. */
function create(win) {
  var api = findApi(win, 'API');
  return api ? new Scorm12Transport(api) : null;
}

module.exports = {
  standard: 'scorm12',
  create: create,
  // Added to window.scormkit (unit tests and debugging).
  hook: { formatInteraction12: formatInteraction12, findApi: findApi },
  Scorm12Transport: Scorm12Transport
};
