/*
 * lms/null: the transport used when no LMS is found (or it refused to start): everything
 * works, nothing is saved. It is also the reference of what every transport offers:
 *
 * Transport interface (methods return quickly and never throw):
 *   start()                      -> info or a Promise of it: {ok, error, resume, location,
 *                                   suspendData, mode, completion, success, masteryScore}
 *       completion: "unknown" | "not attempted" | "incomplete" | "completed"
 *       success:    "unknown" | "passed" | "failed"
 *   limits                       {suspendData, location} (characters)
 *   setCompletion(status)        "incomplete" | "completed"
 *   setProgress(fraction)
 *   setExit(suspend)             true: the learner can come back to this attempt
 *   setBookmark(location, data)  lesson id + suspend_data string
 *   setScore(score)              {raw, min, max, scaled, percent, passed}, already checked
 *   recordInteraction(i, options)
 *   commit(checkpoint)           checkpoint true: after a lesson change, a submission or
 *                                completion (cmi5 writes its state document then only; the
 *                                SCORM transports ignore it and commit every time)
 *   finish(sessionMs, suspend)   session time + exit + commit + terminate, at most once
 *   exit(sessionMs)              optional (cmi5): the exit control; a Promise of {ok, code,
 *                                returnURL}
 *
 * A transport module (lms/scorm12, lms/scorm2004, lms/cmi5) exports {standard, create(win):
 * a transport or null when its LMS is absent, hook: functions added to window.scormkit}; the
 * build puts the package's one transport module in its bundle (scormkit/jsbundle.py).
 */
'use strict';

var suspendData = require('../tracking/suspend-data');

var SUSPEND_DATA_LIMIT = suspendData.SUSPEND_DATA_LIMIT;
var LOCATION_LIMIT = suspendData.LOCATION_LIMIT;

/** Used when no LMS is found (or it refused to start): everything works, nothing is saved. */
function NullTransport(reason, error) {
  this.standard = 'none';
  this.connected = false;
  this.reason = reason;
  this.error = error || '';
  this.errors = [];
  this.finished = false;
  this.limits = { suspendData: SUSPEND_DATA_LIMIT, location: LOCATION_LIMIT };
}

NullTransport.prototype.start = function () {
  return {
    ok: true, resume: false, location: '', suspendData: '', mode: 'normal',
    completion: 'not attempted', success: 'unknown', masteryScore: null
  };
};
NullTransport.prototype.setCompletion = function () { return true; };
NullTransport.prototype.setProgress = function () { return true; };
NullTransport.prototype.setExit = function () { return true; };
NullTransport.prototype.setBookmark = function () { return true; };
NullTransport.prototype.setScore = function () { return true; };
NullTransport.prototype.recordInteraction = function () { return true; };
NullTransport.prototype.commit = function () { return true; };
NullTransport.prototype.finish = function () {
  this.finished = true;
  return true;
};

module.exports = { NullTransport: NullTransport };
