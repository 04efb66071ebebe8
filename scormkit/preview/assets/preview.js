/*
 * scormkit preview: the LMS page. Launches the course of the last good build in the frame
 * with the API object of lms-api.js (SCORM) or through the preview server's cmi5 LMS, shows
 * the debug view (API calls, learner record), and follows the build events of the server:
 * a good build relaunches the course (it resumes where the learner was), a failed one shows
 * its diagnostics above the last good build.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('preview-config').textContent);
  var target = config.target;
  var lms = window.ScormkitPreviewLms;
  var frame = document.getElementById('pv-frame');
  var MAX_LOG = 1000;
  var RECORD_FIELDS = {
    scorm12: [
      ['status', 'cmi.core.lesson_status'], ['score', 'cmi.core.score.raw'],
      ['score min..max', ['cmi.core.score.min', 'cmi.core.score.max']],
      ['location', 'cmi.core.lesson_location'], ['entry', 'cmi.core.entry'],
      ['exit', 'cmi.core.exit'], ['mode', 'cmi.core.lesson_mode'],
      ['credit', 'cmi.core.credit'], ['mastery score', 'cmi.student_data.mastery_score'],
      ['session time', 'cmi.core.session_time'], ['total time', 'cmi.core.total_time']
    ],
    scorm2004: [
      ['completion', 'cmi.completion_status'], ['success', 'cmi.success_status'],
      ['score (scaled)', 'cmi.score.scaled'], ['score raw', 'cmi.score.raw'],
      ['score min..max', ['cmi.score.min', 'cmi.score.max']],
      ['progress', 'cmi.progress_measure'], ['location', 'cmi.location'],
      ['entry', 'cmi.entry'], ['exit', 'cmi.exit'], ['mode', 'cmi.mode'],
      ['credit', 'cmi.credit'], ['passing score', 'cmi.scaled_passing_score'],
      ['session time', 'cmi.session_time'], ['total time', 'cmi.total_time']
    ]
  };

  var current = {
    api: null,
    build: 0,
    mode: 'normal',
    pending: Promise.resolve(),
    seq: Date.now() * 1000,
    busy: false,
    cmi5Since: 0,
    cmi5Timer: null,
    statements: [],
    documents: {},
    lastStatus: config.status
  };

  function el(id) {
    return document.getElementById(id);
  }

  function make(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  // --- the log ----------------------------------------------------------------------------

  function quote(value) {
    return value === undefined ? '' : JSON.stringify(String(value));
  }

  function addLog(kind, text, detail) {
    var log = el('pv-log');
    var item = make('li', null, 'pv-log-' + kind);
    item.appendChild(make('span', text, 'pv-log-call'));
    if (detail) {
      item.appendChild(make('span', detail, 'pv-log-detail'));
    }
    log.appendChild(item);
    while (log.children.length > MAX_LOG) {
      log.removeChild(log.firstChild);
    }
    el('pv-log-count').textContent = log.children.length + ' entries';
    log.scrollTop = log.scrollHeight; // the log only: the page stays where the author is
  }

  function logCall(call) {
    if (call.fn === 'LMS') {
      addLog('lms', 'LMS: ' + call.result);
      return;
    }
    var text = call.fn + '(' + call.args.map(quote).join(', ') + ') \u2192 ' + quote(call.result);
    if (call.error && call.error !== '0') {
      addLog('error', text, 'error ' + call.error + ': ' + call.diagnostic);
    } else {
      addLog('call', text);
    }
    renderRecord();
  }

  // --- the learner record -----------------------------------------------------------------

  function show(value) {
    return value === undefined || value === '' ? '\u2014' : String(value);
  }

  function renderRecord() {
    if (target === 'cmi5') {
      renderCmi5Record();
      return;
    }
    var data = current.api ? current.api.preview.data() : {};
    var list = el('pv-record');
    list.textContent = '';
    RECORD_FIELDS[target].forEach(function (field) {
      list.appendChild(make('dt', field[0]));
      var dd = make('dd');
      if (Array.isArray(field[1])) {
        dd.textContent = show(data[field[1][0]]) + ' .. ' + show(data[field[1][1]]);
      } else {
        dd.textContent = show(data[field[1]]);
        dd.setAttribute('data-element', field[1]);
      }
      list.appendChild(dd);
    });
    var budget = lms.budgets[target].suspendData;
    var suspend = data['cmi.suspend_data'] || '';
    setBudget('cmi.suspend_data', suspend, budget);
    renderInteractions(data);
  }

  function setBudget(label, text, budget) {
    var meter = el('pv-budget-meter');
    meter.max = budget;
    meter.low = Math.round(budget * 0.75);
    meter.high = Math.round(budget * 0.95);
    meter.value = Math.min(text.length, budget);
    el('pv-budget-label').textContent = label;
    el('pv-budget-text').textContent = text.length + ' of ' + budget + ' characters (' +
      Math.round(100 * text.length / budget) + '%)';
    el('pv-suspend').textContent = text;
  }

  function renderInteractions(data) {
    var rows = [];
    var prefix = 'cmi.interactions.';
    Object.keys(data).forEach(function (key) {
      var found = /^cmi\.interactions\.(\d+)\.id$/.exec(key);
      if (found) {
        rows[+found[1]] = found[1];
      }
    });
    var responseName = target === 'scorm12' ? 'student_response' : 'learner_response';
    var body = el('pv-interactions').tBodies[0];
    body.textContent = '';
    rows.forEach(function (index) {
      var tr = make('tr');
      [index, data[prefix + index + '.id'], data[prefix + index + '.type'],
        data[prefix + index + '.' + responseName], data[prefix + index + '.result']]
        .forEach(function (value) { tr.appendChild(make('td', show(value))); });
      body.appendChild(tr);
    });
    el('pv-interactions').hidden = body.children.length === 0;
    el('pv-interactions-none').hidden = body.children.length !== 0;
  }

  function renderCmi5Record() {
    var list = el('pv-record');
    list.textContent = '';
    var verbs = current.statements.map(function (s) {
      return ((s.verb && s.verb.id) || '').split('/').pop();
    });
    var judged = current.statements.filter(function (s) {
      return s.result && s.result.score;
    });
    var state = {};
    try {
      state = JSON.parse(current.documents['scormkit.state'] || '{}') || {};
    } catch (ignore) { /* not JSON: shown as it is below */ }
    var launchData = {};
    try {
      launchData = JSON.parse(current.documents['LMS.LaunchData'] || '{}') || {};
    } catch (ignore) { /* shown as empty */ }
    var fields = [
      ['completed', verbs.indexOf('completed') !== -1 ? 'yes' : 'no', 'completed'],
      ['passed / failed', verbs.indexOf('passed') !== -1 ? 'passed' :
        (verbs.indexOf('failed') !== -1 ? 'failed' : ''), 'success'],
      ['score (scaled)', judged.length ? judged[judged.length - 1].result.score.scaled : '',
        'score'],
      ['location', state.location, 'location'],
      ['launch mode', launchData.launchMode, 'mode'],
      ['mastery score', launchData.masteryScore, 'mastery'],
      ['statements', String(current.statements.length), 'statements']
    ];
    fields.forEach(function (field) {
      list.appendChild(make('dt', field[0]));
      var dd = make('dd', show(field[1]));
      dd.setAttribute('data-element', 'cmi5.' + field[2]);
      list.appendChild(dd);
    });
    setBudget('suspendData (state document)', state.suspendData || '', 16000);
    var body = el('pv-interactions').tBodies[0];
    body.textContent = '';
    current.statements.forEach(function (s, index) {
      if (((s.verb && s.verb.id) || '').split('/').pop() !== 'answered') {
        return;
      }
      var tr = make('tr');
      var definition = (s.object && s.object.definition) || {};
      [index, s.object && s.object.id, definition.interactionType,
        s.result && s.result.response, s.result && String(s.result.success)]
        .forEach(function (value) { tr.appendChild(make('td', show(value))); });
      body.appendChild(tr);
    });
    el('pv-interactions').hidden = body.children.length === 0;
    el('pv-interactions-none').hidden = body.children.length !== 0;
  }

  // --- builds -----------------------------------------------------------------------------

  function showBuild(status) {
    current.lastStatus = status;
    var latest = status.latest;
    var good = status.good;
    el('pv-title').textContent = good ? good.title : '';
    document.title = (good ? good.title + ' \u2014 ' : '') + 'scormkit preview';
    var box = el('pv-error');
    if (latest && !latest.ok) {
      var list = el('pv-error-list');
      list.textContent = '';
      latest.diagnostics.forEach(function (d) {
        list.appendChild(make('pre', d.text, 'pv-pre pv-diagnostic'));
      });
      el('pv-error-note').textContent = good ?
        'Build ' + latest.build + ' failed. The course below is the last good build (build ' +
        good.build + '). Fix the file: the preview rebuilds and reloads by itself.' :
        'Build ' + latest.build + ' failed and there is no good build yet. Fix the file: ' +
        'the preview rebuilds and reloads by itself.';
      box.hidden = false;
      el('pv-build').textContent = 'Build ' + latest.build + ' failed (' +
        latest.diagnostics.length + (latest.diagnostics.length === 1 ? ' problem)' :
          ' problems)');
    } else {
      box.hidden = true;
      if (latest) {
        el('pv-build').textContent = 'Build ' + latest.build + ', ' + target + ', ' +
          latest.seconds + ' s' + (latest.diagnostics.length ? ', ' +
            latest.diagnostics.length + ' warning(s)' : '');
      }
    }
  }

  function onBuild(status) {
    if (status.instance !== config.status.instance) {
      window.location.reload(); // the server was restarted: its builds and records are new
      return;
    }
    var latest = status.latest;
    showBuild(status);
    if (!latest) {
      return;
    }
    if (!latest.ok) {
      addLog('lms', 'build ' + latest.build + ' failed: the last good build stays');
      return;
    }
    if (latest.build !== current.build) {
      addLog('lms', 'build ' + latest.build + ' (' + latest.seconds + ' s): relaunching');
      relaunch();
    }
  }

  // --- launching --------------------------------------------------------------------------

  function unit() {
    var good = current.lastStatus.good;
    return good && good.units.length ? good.units[0] : null;
  }

  function getJson(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ' answered ' + response.status);
      }
      return response.json();
    });
  }

  function storeRecord(record) {
    current.seq += 1;
    var payload = JSON.stringify({ seq: current.seq, record: record });
    var done = fetch('/lms/record?unit=' + encodeURIComponent(unit().id), {
      method: 'POST', body: payload, keepalive: payload.length < 60000,
      headers: { 'Content-Type': 'application/json' }
    }).then(null, function (error) {
      addLog('error', 'the preview server did not keep the record', String(error));
    });
    current.pending = current.pending.then(function () { return done; });
    return done;
  }

  function launch() {
    var chosen = unit();
    var good = current.lastStatus.good;
    if (!chosen) {
      frame.removeAttribute('src');
      el('pv-session').textContent = 'Nothing to launch: no good build yet.';
      return Promise.resolve();
    }
    current.build = good.build;
    if (target === 'cmi5') {
      return launchCmi5(chosen);
    }
    return getJson('/lms/record?unit=' + encodeURIComponent(chosen.id)).then(function (body) {
      var review = current.mode === 'review';
      var api = lms.createApi(target, {
        record: body.record,
        launch: { mode: current.mode, masteryScore: chosen.masteryScore },
        onCall: logCall,
        onStore: function (record) {
          if (review) {
            return; // review: the LMS shows the course; nothing the learner does is kept
          }
          storeRecord(record);
        }
      });
      current.api = api;
      window.API = target === 'scorm12' ? api : undefined;
      window.API_1484_11 = target === 'scorm2004' ? api : undefined;
      var session = api.preview.session;
      el('pv-session').textContent = 'Attempt ' + session.attempt + ', session ' +
        session.sessions + ', ' + current.mode + ' mode: ' + session.note + '.';
      addLog('lms', 'launch: attempt ' + session.attempt + ', session ' + session.sessions +
        ', mode ' + current.mode + ', entry "' + session.entry + '"');
      renderRecord();
      frame.src = '/course/' + chosen.href;
    });
  }

  function launchCmi5(chosen) {
    return getJson('/lms/cmi5/launch', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ href: chosen.href, activityId: chosen.id, mode: current.mode,
        masteryScore: chosen.masteryScore, moveOn: chosen.moveOn })
    }).then(function (launched) {
      el('pv-session').textContent = 'Registration ' + launched.registration + ', session ' +
        launched.session + ', ' + current.mode + ' mode.';
      addLog('lms', 'launch: session ' + launched.session + ', mode ' + current.mode);
      frame.src = launched.url;
      pollCmi5();
    });
  }

  function pollCmi5() {
    if (current.cmi5Timer !== null) {
      window.clearTimeout(current.cmi5Timer);
    }
    getJson('/xapi/preview-log?since=' + current.cmi5Since).then(function (log) {
      log.statements.forEach(function (s) {
        current.statements.push(s);
        var verb = ((s.verb && s.verb.id) || '').split('/').pop();
        var result = s.result ? ' ' + JSON.stringify(s.result) : '';
        addLog('call', 'statement: ' + verb + ' ' + ((s.object && s.object.id) || '') + result);
      });
      current.cmi5Since = log.count;
      current.documents = log.documents;
      renderRecord();
    }).then(null, function () { /* the server is restarting: the next poll tells */ })
      .then(function () {
        current.cmi5Timer = window.setTimeout(pollCmi5, 500);
      });
  }

  /** End the session the LMS's way: the frame goes away, the course calls Terminate on
   *  pagehide; resolves once the server kept what the session stored. */
  function unload() {
    return new Promise(function (resolve) {
      var loaded = function () {
        frame.removeEventListener('load', loaded);
        resolve();
      };
      if (!frame.getAttribute('src')) {
        resolve();
        return;
      }
      frame.addEventListener('load', loaded);
      frame.src = 'about:blank';
    }).then(function () {
      var api = current.api;
      if (api && api.preview.abandon()) {
        addLog('error', 'the course ended without ' +
          lms.functions[target].terminate + '("")', 'the LMS keeps only what was committed');
      }
      return current.pending;
    });
  }

  /** One thing at a time: a relaunch or a reset waits for the one under way. */
  function exclusive(step) {
    current.busy = (current.busy || Promise.resolve()).then(step).then(null, function (error) {
      addLog('error', 'launch failed', String(error));
    });
    return current.busy;
  }

  function relaunch() {
    return exclusive(function () {
      return unload().then(launch);
    });
  }

  function reset() {
    return exclusive(function () {
      return unload().then(function () {
        current.api = null;
        current.statements = [];
        current.cmi5Since = 0;
        return fetch('/lms/reset', { method: 'POST' });
      }).then(function () {
        addLog('lms', 'the learner was reset: the next launch is a first one');
        return launch();
      });
    });
  }

  // --- start ------------------------------------------------------------------------------

  function start() {
    var params = new URLSearchParams(window.location.search);
    var mode = params.get('mode');
    current.mode = ['normal', 'browse', 'review'].indexOf(mode) !== -1 ? mode : 'normal';
    el('pv-mode').value = current.mode;
    el('pv-mode').addEventListener('change', function () {
      current.mode = el('pv-mode').value;
      var url = new URL(window.location.href);
      url.searchParams.set('mode', current.mode);
      window.history.replaceState(null, '', url.toString());
      addLog('lms', 'learner mode: ' + current.mode);
      relaunch();
    });
    el('pv-relaunch').addEventListener('click', function () { relaunch(); });
    el('pv-reset').addEventListener('click', function () { reset(); });
    el('pv-clear').addEventListener('click', function () {
      el('pv-log').textContent = '';
      el('pv-log-count').textContent = '';
    });
    if (target === 'cmi5') {
      el('pv-relaunch').textContent = 'Relaunch';
    }
    showBuild(config.status);
    renderRecord();
    launch();
    var events = new EventSource('/preview/events');
    events.addEventListener('hello', function (event) {
      var status = JSON.parse(event.data);
      if (status.instance !== config.status.instance) {
        window.location.reload();
        return;
      }
      var latest = status.latest;
      if (latest && latest.build !== (current.lastStatus.latest || {}).build) {
        onBuild(status);
      }
    });
    events.addEventListener('build', function (event) {
      onBuild(JSON.parse(event.data));
    });
    window.scormkitPreview = {
      relaunch: relaunch, reset: reset, current: current,
      state: function () {
        return current.api ? current.api.preview.state() : null;
      }
    };
  }

  start();
}());
