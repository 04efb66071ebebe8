/*
 * lms/cmi5: the cmi5 transport: xAPI statements to the LMS's endpoint, the AU's state in an
 * activity state document, retries and refusals told to the page. The only module of the
 * runtime that makes requests, and only to the two addresses of the launch URL (`fetch`
 * once, then the xAPI `endpoint`), through the window it was given.
 */
'use strict';

var clock = require('../tracking/clock');
var interactions = require('../interactions/xapi');
var number = require('../util/number');
var learnerPreferences = require('./preferences');
var cmi5 = require('./cmi5-statements');
var textUtil = require('../util/text');
var time = require('../tracking/time');
var values = require('../util/values');

var now = clock.now;
var formatInteractionXapi = interactions.formatInteractionXapi;
var clamp = number.clamp;
var parsePreferences = learnerPreferences.parsePreferences;
var XAPI_VERSION = cmi5.XAPI_VERSION;
var CMI5_STATE_ID = cmi5.CMI5_STATE_ID;
var LAUNCH_DATA_ID = cmi5.LAUNCH_DATA_ID;
var PREFERENCES_ID = cmi5.PREFERENCES_ID;
var LAUNCH_MODES = cmi5.LAUNCH_MODES;
var JUDGING_VERBS = cmi5.JUDGING_VERBS;
var parseCmi5Launch = cmi5.parseCmi5Launch;
var cmi5Statement = cmi5.cmi5Statement;
var answeredStatement = cmi5.answeredStatement;
var ruleOf = cmi5.ruleOf;
var uuid4 = cmi5.uuid4;
var truncate = textUtil.truncate;
var formatISODuration = time.formatISODuration;
var copyJson = values.copyJson;

/**
 * Transport for cmi5: xAPI statements to the LMS's endpoint with the token from `fetch`.
 *
 * Start (cmi5 8.2, 10, 11): POST the fetch URL once for the token; GET LMS.LaunchData
 * (contextTemplate, launchMode, masteryScore, returnURL); GET the learner preferences agent
 * profile "cmi5LearnerPreferences" (11.0.0.0-3: before any statement; 404 means "none");
 * GET this AU's own state document; then POST `initialized`.
 *
 * Statements go out in order, one request at a time (all that are waiting, as one batch),
 * as keepalive requests so that one on its way still arrives when the page goes away. A
 * statement is only dropped from the queue once the LMS acknowledged it:
 *   - 2xx: stored;
 *   - a network error, 408, 429 or 5xx: sent again after 1, 2, 4, 8, 16, then every 30 s
 *     (status "retrying", then "unreachable" after the third failure), and at once when the
 *     learner does something that commits;
 *   - any other 4xx: refused (status "refused", with the HTTP status and the cmi5 rule the
 *     LMS names): sending it again cannot help, so it is dropped and the learner is told.
 * onchange() is called whenever `status` changes (the page shows it).
 *
 * End: exit() (the exit control) waits for what is queued, sends `terminated` and resolves
 * with the LaunchData returnURL to go to; finish() (pagehide: the page is going away) sends
 * what is not on its way yet with `terminated` in one keepalive request. An LMS that orders
 * by timestamp (cmi5 9.3) and waits after `terminated` (9.3.8.0-4) accepts a statement still
 * on its way then.
 *
 * What this AU keeps between sessions of a registration lives in an activity state document
 * (stateId "scormkit.state", JSON {location, suspendData, completed, passed}): the bookmark,
 * and which once-per-registration statements were already sent. It is written (PUT) at
 * checkpoints only: after a lesson change, a quiz submission or completion (once the
 * current event is handled, so that what the page saves along with it goes in the same
 * write), and at the end of the session; not on every saveState() (every quiz answer).
 */
function Cmi5Transport(win, launch) {
  this.standard = 'cmi5';
  this.connected = true;
  this.win = win;
  this.launch = launch;
  this.limits = { suspendData: 16000, location: 1000 };
  this.errors = [];
  this.finished = false;
  this.terminated = false;
  this.token = null;
  this.launchData = null;
  this.masteryScore = null;
  this.returnURL = null;
  this.preferences = parsePreferences(null);
  this.mode = 'normal';
  this.startedAt = 0;
  this.sentVerbs = [];
  this.outbox = [];
  this.inflight = 0;
  this.sending = false;
  this.failures = 0;
  this.retryTimer = null;
  this.status = 'ok';
  this.refusal = '';
  this.onchange = null;
  this.saved = { location: '', suspendData: '', completed: false, passed: false };
  this.stateDirty = false;
  this.stateSending = false;
  this.checkpointTimer = null;
  this.pending = 0;
  this.counts = { statements: 0, statePuts: 0 };
  this.failedScore = null;
}

var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 30000];
var UNREACHABLE_AFTER = 3;

Cmi5Transport.prototype.fail = function (call, detail) {
  this.errors.push({ call: call, error: String(detail) });
};

Cmi5Transport.prototype.setStatus = function (status) {
  if (this.status === 'refused' || this.status === status) {
    return;   // a refusal stays on screen for the rest of the session
  }
  this.status = status;
  if (typeof this.onchange === 'function') {
    try {
      this.onchange(status);
    } catch (ignore) { /* the page's problem, not the transport's */ }
  }
};

Cmi5Transport.prototype.request = function (method, url, body, keepalive) {
  var transport = this;
  var headers = { 'X-Experience-API-Version': XAPI_VERSION };
  if (this.token !== null) {
    headers.Authorization = 'Basic ' + this.token;
  }
  var options = {
    method: method, headers: headers, credentials: 'omit', cache: 'no-store',
    keepalive: Boolean(keepalive)
  };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  this.pending += 1;
  function done() {
    transport.pending -= 1;
  }
  var promise;
  try {
    promise = this.win.fetch(url, options);
  } catch (error) {
    done();
    return Promise.reject(error);
  }
  return promise.then(function (response) {
    done();
    return response;
  }, function (error) {
    done();
    throw error;
  });
};

Cmi5Transport.prototype.stateUrl = function (stateId) {
  var launch = this.launch;
  return launch.endpoint + 'activities/state?stateId=' + encodeURIComponent(stateId) +
    '&activityId=' + encodeURIComponent(launch.activityId) +
    '&agent=' + encodeURIComponent(JSON.stringify(launch.actor)) +
    '&registration=' + encodeURIComponent(launch.registration);
};

Cmi5Transport.prototype.preferencesUrl = function () {
  var launch = this.launch;
  return launch.endpoint + 'agents/profile?agent=' +
    encodeURIComponent(JSON.stringify(launch.actor)) + '&profileId=' + PREFERENCES_ID;
};

Cmi5Transport.prototype.uuid = function () {
  var bytes = new Uint8Array(16);
  this.win.crypto.getRandomValues(bytes);
  return uuid4(bytes);
};

Cmi5Transport.prototype.statement = function (verb, result) {
  return cmi5Statement(this.launch, this.launchData.contextTemplate, verb, {
    id: this.uuid(), timestamp: new Date().toISOString(), result: result,
    masteryScore: this.masteryScore === null ? undefined : this.masteryScore
  });
};

/** Time since `initialized`, on the session's one clock (the tracker's as well). */
Cmi5Transport.prototype.duration = function () {
  return formatISODuration(Math.max(0, now() - this.startedAt));
};

/** The auth token: POST to the fetch URL, once (a second call is an error by design). */
Cmi5Transport.prototype.fetchToken = function () {
  var transport = this;
  return this.win.fetch(this.launch.fetch, {
    method: 'POST', credentials: 'omit', cache: 'no-store'
  }).then(function (response) {
    return response.json().then(function (body) {
      if (!response.ok || !body || typeof body['auth-token'] !== 'string') {
        throw new Error('fetch URL answered ' + response.status + ' ' +
          JSON.stringify(body && (body['error-text'] || body['error-code'] || body)));
      }
      transport.token = body['auth-token'];
    });
  });
};

Cmi5Transport.prototype.getDocument = function (stateId, required) {
  return this.request('GET', this.stateUrl(stateId)).then(function (response) {
    if (response.status === 404 && !required) {
      return null;
    }
    if (!response.ok) {
      throw new Error('GET state ' + stateId + ' answered ' + response.status);
    }
    return response.json();
  });
};

/** The learner preferences (cmi5 11): 404 is the usual answer (none set); any other failure
 *  is noted and the AU goes on with its defaults, the LMS decides whether that is enough. */
Cmi5Transport.prototype.getPreferences = function () {
  var transport = this;
  return this.request('GET', this.preferencesUrl()).then(function (response) {
    if (response.status === 404) {
      return null;
    }
    if (!response.ok) {
      throw new Error('GET ' + PREFERENCES_ID + ' answered ' + response.status);
    }
    return response.json();
  }).then(parsePreferences, function (error) {
    transport.fail('GET ' + PREFERENCES_ID, error);
    return parsePreferences(null);
  });
};

/**
 * POST statements (keepalive: see above). Resolves with {ok, retry, code}: ok when stored;
 * retry when sending again may work (no answer, 408, 429, 5xx); code: "403, rule 9.6.3.2-2"
 * style text for the learner and the error list.
 */
Cmi5Transport.prototype.postStatements = function (statements, keepalive) {
  var transport = this;
  var body = statements.length === 1 ? statements[0] : statements;
  this.counts.statements += statements.length;
  return this.request('POST', this.launch.endpoint + 'statements', body, keepalive !== false)
    .then(function (response) {
      if (response.ok) {
        return { ok: true, retry: false, code: '' };
      }
      return response.text().then(null, function () { return ''; }).then(function (text) {
        var status = response.status;
        var rule = ruleOf(text);
        var code = String(status) + (rule ? ', rule ' + rule : '');
        transport.fail('POST statements', 'answered ' + code + ' ' + text.slice(0, 300));
        return {
          ok: false, code: code,
          retry: status === 408 || status === 429 || status >= 500
        };
      });
    }, function (error) {
      transport.fail('POST statements', error);
      return { ok: false, retry: true, code: 'network' };
    });
};

/** POST with up to `tries` attempts (1 s, 2 s, ... apart); resolves like postStatements. */
Cmi5Transport.prototype.postWithRetry = function (statements, tries, keepalive) {
  var transport = this;
  function attempt(n) {
    return transport.postStatements(statements, keepalive).then(function (outcome) {
      if (outcome.ok || !outcome.retry || n + 1 >= tries) {
        return outcome;
      }
      return new Promise(function (resolve) {
        transport.win.setTimeout(resolve, RETRY_DELAYS_MS[Math.min(n, 2)]);
      }).then(function () { return attempt(n + 1); });
    });
  }
  return attempt(0);
};

Cmi5Transport.prototype.start = function () {
  var transport = this;
  return this.fetchToken().then(function () {
    return transport.getDocument(LAUNCH_DATA_ID, true);
  }).then(function (launchData) {
    if (!launchData || typeof launchData !== 'object' || !launchData.contextTemplate) {
      throw new Error('LMS.LaunchData has no contextTemplate');
    }
    transport.launchData = launchData;
    transport.mode = LAUNCH_MODES[launchData.launchMode] || 'normal';
    var mastery = launchData.masteryScore;
    transport.masteryScore = typeof mastery === 'number' && mastery >= 0 && mastery <= 1 ?
      mastery : null;
    transport.returnURL = typeof launchData.returnURL === 'string' && launchData.returnURL ?
      launchData.returnURL : null;
    return transport.getPreferences();
  }).then(function (preferences) {
    transport.preferences = preferences;
    return transport.getDocument(CMI5_STATE_ID, false);
  }).then(function (saved) {
    if (saved && typeof saved === 'object') {
      transport.saved = {
        location: typeof saved.location === 'string' ? saved.location : '',
        suspendData: typeof saved.suspendData === 'string' ? saved.suspendData : '',
        completed: saved.completed === true,
        passed: saved.passed === true
      };
    }
    transport.startedAt = now();
    transport.sentVerbs.push('initialized');
    return transport.postWithRetry([transport.statement('initialized')], 3, false);
  }).then(function (outcome) {
    if (!outcome.ok) {
      transport.startError = outcome.code;
      throw new Error('the LMS did not store the initialized statement (' + outcome.code +
        ')');
    }
    var saved = transport.saved;
    return {
      ok: true,
      resume: saved.location !== '' || saved.suspendData !== '',
      location: saved.location,
      suspendData: saved.suspendData,
      mode: transport.mode,
      completion: saved.completed ? 'completed' : 'not attempted',
      success: saved.passed ? 'passed' : 'unknown',
      masteryScore: transport.masteryScore,
      startedAt: transport.startedAt
    };
  }).catch(function (error) {
    transport.fail('start', error);
    return { ok: false, error: transport.startError || 'cmi5' };
  });
};

/** Queue a statement; at most one of each cmi5 verb per session, none that records
 *  satisfaction outside Normal mode. */
Cmi5Transport.prototype.send = function (verb, result) {
  if (this.finished || this.sentVerbs.indexOf(verb) !== -1 ||
      (this.mode !== 'normal' && JUDGING_VERBS.indexOf(verb) !== -1)) {
    return false;
  }
  this.sentVerbs.push(verb);
  this.queue(this.statement(verb, result));
  return true;
};

Cmi5Transport.prototype.queue = function (statement) {
  this.outbox.push(statement);
  this.pump();
};

Cmi5Transport.prototype.pump = function () {
  var transport = this;
  if (this.sending || !this.outbox.length || this.finished) {
    return;
  }
  if (this.retryTimer !== null) {
    this.win.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
  var batch = this.outbox.slice();
  this.sending = true;
  this.inflight = batch.length;
  this.postStatements(batch, true).then(function (outcome) {
    transport.sending = false;
    transport.inflight = 0;
    if (outcome.ok || !outcome.retry) {
      transport.outbox.splice(0, batch.length);
      transport.failures = 0;
      if (outcome.ok) {
        transport.setStatus('ok');
      } else {
        transport.refusal = outcome.code;
        transport.setStatus('refused');
      }
      transport.pump();
      return;
    }
    transport.failures += 1;
    transport.setStatus(transport.failures >= UNREACHABLE_AFTER ? 'unreachable' : 'retrying');
    if (!transport.finished) {
      var delay = RETRY_DELAYS_MS[Math.min(transport.failures - 1, RETRY_DELAYS_MS.length - 1)];
      transport.retryTimer = transport.win.setTimeout(function () {
        transport.retryTimer = null;
        transport.pump();
      }, delay);
    }
  });
};

Cmi5Transport.prototype.stateDocument = function () {
  return copyJson(this.saved);
};

/** PUT the state document when it changed. `final` (end of session): also when a PUT is
 *  still on its way (the page going away would cancel it), as a keepalive request. */
Cmi5Transport.prototype.flushState = function (final) {
  var transport = this;
  var wanted = final ? this.stateDirty || this.stateSending : this.stateDirty &&
    !this.stateSending;
  if (!wanted) {
    return;
  }
  this.stateDirty = false;
  this.stateSending = true;
  this.counts.statePuts += 1;
  this.request('PUT', this.stateUrl(CMI5_STATE_ID), this.stateDocument(), Boolean(final))
    .then(function (response) {
      if (!response.ok) {
        throw new Error('PUT state answered ' + response.status);
      }
    }).catch(function (error) {
      transport.fail('PUT state', error);
      transport.stateDirty = true;   // written again at the next checkpoint
    }).then(function () {
      transport.stateSending = false;
    });
};

/** A checkpoint: write the state document once the current event has been handled. */
Cmi5Transport.prototype.checkpoint = function () {
  var transport = this;
  if (this.checkpointTimer !== null || this.finished) {
    return;
  }
  this.checkpointTimer = this.win.setTimeout(function () {
    transport.checkpointTimer = null;
    if (!transport.finished) {
      transport.flushState(false);
    }
  }, 0);
};

Cmi5Transport.prototype.setCompletion = function (status) {
  if (status !== 'completed' || this.saved.completed || this.mode !== 'normal') {
    return true;
  }
  this.saved.completed = true;
  this.stateDirty = true;
  return this.send('completed', { completion: true, duration: this.duration() });
};

Cmi5Transport.prototype.setProgress = function () {
  return true;
};

Cmi5Transport.prototype.setExit = function () {
  return true;
};

Cmi5Transport.prototype.setBookmark = function (location, suspendData) {
  this.saved.location = truncate(location, this.limits.location);
  this.saved.suspendData = String(suspendData).slice(0, this.limits.suspendData);
  this.stateDirty = true;
  return true;
};

/**
 * passed / failed (cmi5 9.3.4, 9.3.5, 9.5.1): score.scaled within 0..1; raw, min and max
 * only when all three are integers (cmi5 9.5.1 defines them as integers: a quiz score of
 * 82.35 % goes as scaled 0.8235 alone); success; duration; the masteryscore extension.
 *
 * A session holds at most one of passed and failed (9.3.0.0-3), and the quiz may be tried
 * again in the same session. So `passed` goes at once, and `failed` waits for the end of
 * the session (exit or pagehide, just before `terminated`), carrying the last failing
 * score: a pass later in the session replaces it. A relaunch may still pass after a failed
 * session (only failed after passed is forbidden, 9.3.0.0-8).
 */
Cmi5Transport.prototype.setScore = function (score) {
  if (score.passed === null || this.saved.passed || this.finished ||
      this.mode !== 'normal') {
    return false;
  }
  var scored = { scaled: clamp(score.scaled, 0, 1) };
  var raw = clamp(score.raw, score.min, score.max);
  if (Number.isInteger(raw) && Number.isInteger(score.min) && Number.isInteger(score.max)) {
    scored.raw = raw;
    scored.min = score.min;
    scored.max = score.max;
  }
  if (!score.passed) {
    this.failedScore = scored;
    return true;
  }
  this.failedScore = null;
  if (!this.send('passed', { score: scored, success: true, duration: this.duration() })) {
    return false;
  }
  this.saved.passed = true;
  this.stateDirty = true;
  return true;
};

/** The session's `failed`, when its last judged attempt failed (see setScore); with the
 *  duration of the whole session. */
Cmi5Transport.prototype.sessionVerdict = function () {
  if (!this.failedScore || this.sentVerbs.indexOf('failed') !== -1 ||
      this.sentVerbs.indexOf('passed') !== -1) {
    return [];
  }
  this.sentVerbs.push('failed');
  var result = { score: this.failedScore, success: false, duration: this.duration() };
  this.failedScore = null;
  return [this.statement('failed', result)];
};

/** An `answered` statement per question ("cmi5 allowed"; see formatInteractionXapi). */
Cmi5Transport.prototype.recordInteraction = function (input, options) {
  if (this.finished || this.mode !== 'normal') {
    return false;
  }
  options = options || {};
  var formatted = formatInteractionXapi(input, options);
  if (!formatted) {
    return false;
  }
  this.queue(answeredStatement(this.launch, this.launchData.contextTemplate, formatted, {
    id: this.uuid(), timestamp: new Date().toISOString()
  }));
  return true;
};

/** checkpoint: true after a lesson change, a submission or completion (see above). */
Cmi5Transport.prototype.commit = function (checkpoint) {
  this.pump();
  if (checkpoint) {
    this.checkpoint();
  }
  return true;
};

/** Nothing queued, on its way or unwritten (or the LMS cannot be reached anyway). */
Cmi5Transport.prototype.settled = function () {
  return (!this.outbox.length || this.status === 'unreachable') && !this.sending &&
    !this.stateSending && !this.stateDirty;
};

/**
 * The exit control: write the state, wait (up to `waitMs`) for the queue, send `terminated`
 * (three tries) and resolve with {ok, code, returnURL}. ok false: `terminated` was not
 * stored (code says why); the session is over all the same.
 */
Cmi5Transport.prototype.exit = function (sessionMs, waitMs) {
  var transport = this;
  if (this.terminated) {
    return Promise.resolve({ ok: false, code: 'ended', returnURL: this.returnURL });
  }
  if (this.checkpointTimer !== null) {
    this.win.clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
  }
  var deadline = now() + (typeof waitMs === 'number' ? waitMs : 15000);
  this.flushState(false);
  this.pump();
  return new Promise(function (resolve) {
    (function wait() {
      if (transport.stateDirty && !transport.stateSending) {
        transport.flushState(false);
      }
      if (transport.settled() || now() > deadline || transport.terminated) {
        resolve();
      } else {
        transport.win.setTimeout(wait, 50);
      }
    }());
  }).then(function () {
    if (transport.terminated) {
      return { ok: false, code: 'ended' };
    }
    transport.terminated = true;
    transport.finished = true;
    if (transport.retryTimer !== null) {
      transport.win.clearTimeout(transport.retryTimer);
      transport.retryTimer = null;
    }
    transport.sentVerbs.push('terminated');
    // Anything still on its way when the wait ran out stays on its way (see finish()).
    var batch = transport.outbox.splice(transport.inflight, transport.outbox.length)
      .concat(transport.sessionVerdict());
    batch.push(transport.statement('terminated',
      { duration: formatISODuration(Math.max(0, sessionMs)) }));
    return transport.postWithRetry(batch, 3, true);
  }).then(function (outcome) {
    if (!outcome.ok && outcome.code !== 'ended') {
      transport.refusal = outcome.code;
      transport.setStatus(outcome.retry ? 'unreachable' : 'refused');
    }
    return { ok: outcome.ok, code: outcome.code, returnURL: transport.returnURL };
  });
};

/** pagehide: the page is going away; nothing can be waited for. */
Cmi5Transport.prototype.finish = function (sessionMs) {
  if (this.terminated) {
    return false;
  }
  this.terminated = true;
  this.sentVerbs.push('terminated');
  if (this.retryTimer !== null) {
    this.win.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
  // What is on its way stays on its way (sending it twice could make a strict LMS refuse
  // the batch that carries `terminated`); the rest goes with `terminated`.
  var batch = this.outbox.splice(this.inflight, this.outbox.length)
    .concat(this.sessionVerdict());
  batch.push(this.statement('terminated',
    { duration: formatISODuration(Math.max(0, sessionMs)) }));
  this.flushState(true);
  this.finished = true;
  this.postStatements(batch, true);
  return true;
};

/** A transport when the page was launched with cmi5 launch parameters, in a browser with
 *  the Fetch API. */
function create(win) {
  var launch = parseCmi5Launch(win.location.search);
  return launch && typeof win.fetch === 'function' ? new Cmi5Transport(win, launch) : null;
}

module.exports = {
  standard: 'cmi5',
  create: create,
  // Added to window.scormkit (unit tests and debugging).
  hook: {
    uuid4: uuid4,
    parseCmi5Launch: parseCmi5Launch,
    cmi5Statement: cmi5Statement,
    formatInteractionXapi: formatInteractionXapi,
    answeredStatement: answeredStatement,
    ruleOf: ruleOf
  },
  Cmi5Transport: Cmi5Transport
};
