/*
 * util/values: plain-data helpers.
 */
'use strict';

/** A deep copy of JSON data (undefined stays undefined). */
function copyJson(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** callback(value), or a Promise of it when `value` is a Promise (a cmi5 transport answers
 *  with Promises, SCORM transports at once). */
function whenDone(value, callback) {
  return value && typeof value.then === 'function' ? value.then(callback) : callback(value);
}

module.exports = { copyJson: copyJson, whenDone: whenDone };
