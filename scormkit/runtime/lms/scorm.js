/*
 * lms/scorm: what the SCORM 1.2 and SCORM 2004 transports share: the call / check / get / set
 * / commit / terminate logic over the LMS's API object, every call guarded and every error
 * recorded (transport.errors), never thrown. A dialect (lms/scorm12, lms/scorm2004) names the
 * functions of the standard's API object and its data model elements.
 */
'use strict';

var truncate = require('../util/text').truncate;

/** A transport over SCORM API object `api`, speaking `dialect` (lms/scorm12, lms/scorm2004). */
function ScormTransport(api, dialect) {
  this.standard = dialect.standard;
  this.connected = true;
  this.api = api;
  this.dialect = dialect;
  this.limits = dialect.limits;
  this.errors = [];
  this.finished = false;
  this.written = {};
  this.interactions = {};
}

ScormTransport.prototype.call = function (method, args) {
  try {
    return String(this.api[method].apply(this.api, args));
  } catch (error) {
    this.errors.push({ call: method, args: args, error: String(error) });
    return 'false';
  }
};

ScormTransport.prototype.lastError = function () {
  var code = this.call(this.dialect.getLastError, []);
  return code === '' ? '0' : code;
};

/** Record an error unless the call succeeded (or failed with one of `tolerated` codes). */
ScormTransport.prototype.check = function (method, args, result, tolerated) {
  var code = this.lastError();
  if (tolerated && tolerated.indexOf(code) !== -1) {
    return false;
  }
  if (code !== '0' || result === 'false') {
    this.errors.push({ call: method, args: args, result: result, code: code });
    return false;
  }
  return true;
};

ScormTransport.prototype.get = function (element) {
  var method = this.dialect.getValue;
  var value = this.call(method, [element]);
  return this.check(method, [element], value, this.dialect.unsetCodes) ? value : '';
};

ScormTransport.prototype.set = function (element, value) {
  value = String(value);
  if (this.written[element] === value) {
    return true;
  }
  var method = this.dialect.setValue;
  var result = this.call(method, [element, value]);
  var ok = this.check(method, [element, value], result) && result === 'true';
  if (ok) {
    this.written[element] = value;
  }
  return ok;
};

/** Initialize(""); false (error recorded) when the LMS refuses. */
ScormTransport.prototype.initialize = function () {
  var method = this.dialect.initialize;
  var result = this.call(method, ['']);
  var code = this.lastError();
  if (result !== 'true') {
    this.errors.push({ call: method, args: [''], result: result, code: code });
    return code;
  }
  return null;
};

ScormTransport.prototype.commit = function () {
  var method = this.dialect.commit;
  var result = this.call(method, ['']);
  return this.check(method, [''], result) && result === 'true';
};

ScormTransport.prototype.finish = function (sessionMs, suspend) {
  if (this.finished) {
    return false;
  }
  this.finished = true;
  this.set(this.dialect.sessionTime, this.dialect.formatSessionTime(sessionMs));
  this.setExit(suspend);
  this.commit();
  var method = this.dialect.terminate;
  var result = this.call(method, ['']);
  return this.check(method, [''], result) && result === 'true';
};

/** Bookmark and suspend_data; no bookmark on a page without lessons (a quiz SCO): SCORM
 *  2004 refuses an empty cmi.location (406). */
ScormTransport.prototype.setBookmark = function (location, suspendData) {
  var ok = !location || this.set(this.dialect.location, truncate(location,
    this.limits.location));
  return this.set('cmi.suspend_data', String(suspendData).slice(0, this.limits.suspendData)) &&
    ok;
};

/** The index to write interaction `id` at: the same as earlier in this session, else
 *  cmi.interactions._count (interactions are journaled across sessions). */
ScormTransport.prototype.interactionIndex = function (id) {
  if (Object.prototype.hasOwnProperty.call(this.interactions, id)) {
    return this.interactions[id];
  }
  var count = parseInt(this.get('cmi.interactions._count'), 10);
  var index = count >= 0 ? count : 0;
  this.interactions[id] = index;
  return index;
};

/** Write `fields` (element suffix -> string or null) under cmi.interactions.n, in order. */
ScormTransport.prototype.writeInteraction = function (id, fields) {
  var prefix = 'cmi.interactions.' + this.interactionIndex(id) + '.';
  var ok = true;
  for (var k = 0; k < fields.length; k += 1) {
    if (fields[k][1] !== null && fields[k][1] !== undefined) {
      ok = this.set(prefix + fields[k][0], fields[k][1]) && ok;
    }
  }
  return ok;
};

module.exports = { ScormTransport: ScormTransport };
