/*
 * lms/cmi5-statements: the cmi5 launch parameters, and the statements a cmi5 AU sends
 * ("cmi5 defined" and "cmi5 allowed" ones) as plain data; the transport (lms/cmi5) sends
 * them.
 */
'use strict';

var values = require('../util/values');

var copyJson = values.copyJson;

// Identifiers only: nothing is ever requested from these addresses.
var XAPI_VERSION = '1.0.3';
var ADL_VERBS = 'http://adlnet.gov/expapi/verbs/';
var CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
var MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
var MASTERY_EXTENSION = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
var CMI5_STATE_ID = 'scormkit.state';
var LAUNCH_DATA_ID = 'LMS.LaunchData';
var PREFERENCES_ID = 'cmi5LearnerPreferences';
var LAUNCH_MODES = { Normal: 'normal', Browse: 'browse', Review: 'review' };
/** The verbs that record satisfaction: never sent in Browse or Review (cmi5 10.2.2.0-9/-11). */
var JUDGING_VERBS = ['completed', 'passed', 'failed'];

/**
 * The cmi5 launch parameters from a query string ("?endpoint=...&fetch=...&actor=...&
 * registration=...&activityId=..."): {endpoint (with a final "/"), fetch, actor (object),
 * registration, activityId}, or null when one is missing or the actor is not JSON.
 */
function parseCmi5Launch(search) {
  var params;
  try {
    params = new URLSearchParams(String(search || ''));
  } catch (error) {
    return null;
  }
  var launch = {};
  var names = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];
  for (var k = 0; k < names.length; k += 1) {
    var value = params.get(names[k]);
    if (!value) {
      return null;
    }
    launch[names[k]] = value;
  }
  try {
    launch.actor = JSON.parse(launch.actor);
  } catch (error) {
    return null;
  }
  if (!launch.actor || typeof launch.actor !== 'object') {
    return null;
  }
  launch.endpoint = launch.endpoint.replace(/\/*$/, '/');
  return launch;
}

/**
 * A statement's context: the LaunchData contextTemplate (it carries the session id and the
 * publisher id grouping; cmi5 10.2.1.0-6/-7: used as is, nothing in it overwritten) +
 * registration + `categories` added to contextActivities.category + `parents` added to
 * contextActivities.parent (after what the template has) + `extensions` (those the template
 * does not set).
 */
function statementContext(launch, template, categories, parents, extensions) {
  var context = copyJson(template && typeof template === 'object' ? template : {}) || {};
  context.registration = launch.registration;
  var activities = context.contextActivities && typeof context.contextActivities === 'object' ?
    context.contextActivities : {};
  function add(kind, ids) {
    if (!ids.length) {
      return;
    }
    var list = activities[kind];
    list = Array.isArray(list) ? list.slice() : (list ? [list] : []);
    ids.forEach(function (id) {
      if (!list.some(function (activity) { return activity && activity.id === id; })) {
        list.push({ id: id, objectType: 'Activity' });
      }
    });
    activities[kind] = list;
  }
  add('category', categories);
  add('parent', parents || []);
  context.contextActivities = activities;
  if (extensions) {
    var own = context.extensions && typeof context.extensions === 'object' ?
      context.extensions : {};
    Object.keys(extensions).forEach(function (key) {
      if (!Object.prototype.hasOwnProperty.call(own, key)) {
        own[key] = extensions[key];
      }
    });
    context.extensions = own;
  }
  return context;
}

/**
 * A cmi5-defined statement. launch: parseCmi5Launch() result; template: the LaunchData
 * contextTemplate; verb: initialized | completed | passed | failed | terminated;
 * options: {id, timestamp, result, masteryScore}.
 * Context = the template + registration + the cmi5 category (+ moveon for completed/passed/
 * failed, 9.6.2.2-1); passed and failed carry the LaunchData masteryScore they were judged
 * by as the masteryscore extension (9.6.3.2-2) when there is one.
 */
function cmi5Statement(launch, template, verb, options) {
  options = options || {};
  var judged = verb === 'passed' || verb === 'failed';
  var extensions = null;
  if (judged && typeof options.masteryScore === 'number') {
    extensions = {};
    extensions[MASTERY_EXTENSION] = options.masteryScore;
  }
  var categories = JUDGING_VERBS.indexOf(verb) === -1 ? [CMI5_CATEGORY] :
    [CMI5_CATEGORY, MOVEON_CATEGORY];
  var statement = {
    id: options.id,
    actor: copyJson(launch.actor),
    verb: { id: ADL_VERBS + verb, display: { 'en-US': verb } },
    object: { id: launch.activityId, objectType: 'Activity' },
    context: statementContext(launch, template, categories, [], extensions),
    timestamp: options.timestamp
  };
  if (options.result) {
    statement.result = options.result;
  }
  return statement;
}

/**
 * A "cmi5 allowed" statement (cmi5 7.1.3): any verb, the context template, no cmi5 category.
 * Used for `answered`, one per question: object and result from formatInteractionXapi, the AU
 * as the parent activity. options: {id, timestamp}.
 */
function answeredStatement(launch, template, formatted, options) {
  options = options || {};
  var statement = {
    id: options.id,
    actor: copyJson(launch.actor),
    verb: { id: ADL_VERBS + 'answered', display: { 'en-US': 'answered' } },
    object: formatted.object,
    context: statementContext(launch, template, [], [launch.activityId], null),
    timestamp: options.timestamp
  };
  if (Object.keys(formatted.result).length) {
    statement.result = formatted.result;
  }
  return statement;
}

/** The rule a refusing LMS names in its answer ("9.6.3.2-2", cmi5 requirement numbering, as
 *  ADL's CATAPULT reports it), or "". */
function ruleOf(text) {
  var match = /\b\d{1,2}\.\d{1,2}\.\d{1,2}\.\d{1,2}-\d{1,2}\b/.exec(String(text || ''));
  return match ? match[0] : '';
}

/** 16 random bytes -> RFC 4122 version 4 UUID text. */
function uuid4(bytes) {
  var b = Array.prototype.slice.call(bytes, 0, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  var hex = b.map(function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
  return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
    hex.slice(16, 20) + '-' + hex.slice(20, 32);
}

module.exports = {
  XAPI_VERSION: XAPI_VERSION,
  CMI5_STATE_ID: CMI5_STATE_ID,
  LAUNCH_DATA_ID: LAUNCH_DATA_ID,
  PREFERENCES_ID: PREFERENCES_ID,
  LAUNCH_MODES: LAUNCH_MODES,
  JUDGING_VERBS: JUDGING_VERBS,
  parseCmi5Launch: parseCmi5Launch,
  cmi5Statement: cmi5Statement,
  answeredStatement: answeredStatement,
  ruleOf: ruleOf,
  uuid4: uuid4
};
