/*
 * The test LMS's server side, seen from its player page (player.html, player2004.html): every
 * Commit is stored on the test server (tests/e2e/conftest.py, /lms/<attempt>/...) with a
 * synchronous request and Finish/Terminate with a beacon, as Moodle's mod_scorm does, and a
 * relaunch starts from what the server stored, never from the page's memory.
 *
 * What Moodle does (moodle/moodle, read for this harness, no code taken):
 *   - mod/scorm/datamodels/scorm_12.js (commit 139f32c2): LMSCommit calls StoreData(cmi,
 *     false) and LMSFinish StoreData(cmi, true); StoreData posts the changed elements to
 *     mod/scorm/datamodel.php through DoRequest and answers the SCO with the server's answer
 *     ("true\n0", else error 101). scorm_13.js does the same for Commit/Terminate (391).
 *   - mod/scorm/request.js (commit 8d532487), function DoRequest: `httpReq.open("POST", url,
 *     false)`, a *synchronous* XMLHttpRequest; navigator.sendBeacon only once its own
 *     pagehide/beforeunload/visibilitychange listeners (mod_scorm_monitorForBeaconRequirement,
 *     on Moodle's window, not the SCO's) say the page is going away.
 * Chromium refuses a synchronous XHR while any frame of the page is being dismissed ("Failed
 * to execute 'send' on 'XMLHttpRequest': ... Synchronous XHR in page dismissal"), including
 * when the SCO's iframe is navigated away and Moodle's own window sees no pagehide. This
 * store takes the strict reading: a Commit the server did not answer is a failed Commit
 * (error 101 in SCORM 1.2, 391 "commit failed" in 2004), so a SCO that commits from its
 * pagehide handler fails here as it does in Moodle 4.5; Finish goes as a beacon, which
 * Chromium lets through during dismissal.
 *
 * Query string (both players):
 *   attempt=<id>   the attempt's key on the server (default: a fresh one per launch)
 *   resume=1       relaunch: the saved learner data is GET from the server (what Moodle's
 *                  player.php puts in the page) and given to scorm-again, with cmi.entry
 *                  "resume" when the last stored exit was "suspend"
 */
'use strict';

window.LmsStore = (function () {
  var params = new URLSearchParams(window.location.search);
  var attempt = params.get('attempt') ||
    ('a' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8));

  function url(kind) {
    return '/lms/' + encodeURIComponent(attempt) + (kind ? '/' + kind : '');
  }

  /** POST `body` synchronously, as DoRequest does: {ok, code, detail}. */
  function postSync(kind, body) {
    var request = new XMLHttpRequest();
    try {
      request.open('POST', url(kind), false);
      request.setRequestHeader('Content-Type', 'application/json');
      request.send(JSON.stringify(body));
    } catch (error) {
      return { ok: false, code: null, detail: String(error && error.message || error) };
    }
    if (request.status !== 200) {
      return { ok: false, code: null, detail: 'HTTP ' + request.status };
    }
    // The answer is datamodel.php's: "true\n0", or "false\n<code>".
    var lines = String(request.responseText).split('\n');
    return { ok: lines[0] === 'true', code: lines[1] || null, detail: request.responseText };
  }

  return {
    attempt: attempt,
    resume: params.get('resume') === '1',
    /** Store a Commit; the answer the LMS gives the SCO. */
    commit: function (cmi) {
      return postSync('commit', { cmi: cmi });
    },
    /** Store Finish/Terminate with a beacon (the page may be going away): {ok, detail}. */
    finish: function (cmi, record) {
      var body = JSON.stringify({ cmi: cmi, record: record });
      var queued = false;
      try {
        queued = navigator.sendBeacon(url('finish'),
          new Blob([body], { type: 'application/json' }));
      } catch (error) {
        return { ok: false, detail: String(error) };
      }
      return { ok: queued, detail: queued ? 'beacon queued' : 'beacon refused' };
    },
    /** What the server holds for this attempt (a synchronous GET: the page is loading). */
    load: function () {
      var request = new XMLHttpRequest();
      request.open('GET', url(''), false);
      request.send(null);
      return request.status === 200 ? JSON.parse(request.responseText) : null;
    }
  };
}());
