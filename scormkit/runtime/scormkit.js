/*
 * scormkit learner runtime.
 *
 * Plain ES2015 in one file: no modules, no build step, no eval, no network requests. It talks to
 * the LMS only through the run-time API object the LMS puts in a parent (or opener) window.
 *
 * Structure
 *   1. Pure functions (unit-tested in a browser): suspend_data codec, CMITimespan formatter.
 *   2. Transports: one small object per standard that maps a neutral tracking vocabulary onto
 *      the standard's data model. SCORM 1.2 now; SCORM 2004 and cmi5 adapters plug into
 *      TRANSPORTS with the same methods. NullTransport is used when no LMS is found.
 *   3. Tracker: standard-neutral progress rules (viewed lessons, completion, bookmark, exit).
 *   4. Page: shows one lesson at a time, keyboard navigation, focus, progress/status text.
 *   5. window.scormkit: a small debugging hook (state + functions) used by the tests.
 *
 * Transport interface (all methods return quickly and never throw):
 *   start()                      -> {ok, error, resume, location, suspendData, mode,
 *                                    completion, success}
 *       completion: "unknown" | "not attempted" | "incomplete" | "completed"
 *       success:    "unknown" | "passed" | "failed"
 *   setCompletion(status)        "incomplete" | "completed"
 *   setExit(suspend)             true: the learner can come back to this attempt
 *   setBookmark(location, data)  lesson id + suspend_data string
 *   commit()
 *   finish(sessionMs, suspend)   session time + exit + commit + terminate, at most once
 */
(function (root) {
  'use strict';

  var RUNTIME_VERSION = '1';

  // ------------------------------------------------------------------------------------------
  // 1. Pure functions
  // ------------------------------------------------------------------------------------------

  /*
   * suspend_data format, version 1:
   *
   *     "v1|" FINGERPRINT "|" BITS
   *
   *   FINGERPRINT  FNV-1a 32-bit hash of this SCO's lesson ids joined by "\n", in base 36
   *                (1-7 characters). When it differs on resume the lesson list has changed
   *                (lessons added, removed or reordered): the viewed set is then ignored rather
   *                than credited to the wrong lessons. The bookmark is a lesson id and still works.
   *   BITS         the viewed lessons as a bitset, six lessons per character, in the base64url
   *                alphabet "A-Z a-z 0-9 - _": character k holds lessons 6k..6k+5 (in the
   *                order of runtime_config.lessons), lesson 6k+j in bit j (value 1 << j).
   *                Trailing "A" characters (six unviewed lessons) are dropped: "" = none viewed.
   *
   * Example: 4 lessons, the first two viewed -> "v1|<fingerprint>|D" (D = 3 = bits 0 and 1).
   * Length is 4 + 7 + ceil(n / 6) at most: 500 lessons take at most 95 characters. SCORM 1.2
   * allows 4096 (CMIString4096); if a course ever had more than ~24,500 lessons the bitset is
   * cut to fit and the lessons past the cut read as not viewed. Nothing longer is ever sent.
   */
  var SUSPEND_DATA_LIMIT = 4096;
  var LOCATION_LIMIT = 255;
  var BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  function fingerprint(ids) {
    var text = ids.join('\n');
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i += 1) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(36);
  }

  /** Encode which of `lessonIds` are viewed (`viewed[i]` truthy) as suspend_data. */
  function encodeSuspendData(lessonIds, viewed, maxLength) {
    var limit = typeof maxLength === 'number' ? maxLength : SUSPEND_DATA_LIMIT;
    var head = 'v1|' + fingerprint(lessonIds) + '|';
    var chars = [];
    for (var i = 0; i < lessonIds.length; i += 6) {
      var value = 0;
      for (var j = 0; j < 6 && i + j < lessonIds.length; j += 1) {
        if (viewed[i + j]) {
          value |= 1 << j;
        }
      }
      chars.push(BASE64URL.charAt(value));
    }
    var bits = chars.join('').replace(/A+$/, '');
    var room = Math.max(0, limit - head.length);
    if (bits.length > room) {
      bits = bits.slice(0, room).replace(/A+$/, '');
    }
    return (head + bits).slice(0, Math.max(0, limit));
  }

  /**
   * Decode suspend_data written by encodeSuspendData for `lessonIds`.
   * Returns null when `text` is not ours (empty, another format or a newer version), else
   * {version: 1, matches: fingerprint equal, viewed: array of booleans (all false if !matches)}.
   */
  function decodeSuspendData(text, lessonIds) {
    var match = /^v1\|([0-9a-z]{1,7})\|([A-Za-z0-9_-]*)$/.exec(String(text || ''));
    if (!match) {
      return null;
    }
    var matches = match[1] === fingerprint(lessonIds);
    var viewed = [];
    for (var i = 0; i < lessonIds.length; i += 1) {
      var value = BASE64URL.indexOf(match[2].charAt(Math.floor(i / 6)));
      viewed.push(matches && value > 0 && (value & (1 << (i % 6))) !== 0);
    }
    return { version: 1, matches: matches, viewed: viewed };
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) {
      text = '0' + text;
    }
    return text;
  }

  /**
   * Milliseconds -> SCORM 1.2 CMITimespan "HHHH:MM:SS.SS", e.g. 65200 -> "0000:01:05.20".
   * Rounded to hundredths; negative or invalid input gives zero; clamped to 9999:59:59.99.
   */
  function formatCMITimespan(ms) {
    var centis = Math.round(Number(ms) / 10);
    if (!(centis > 0)) {
      centis = 0;
    }
    var max = ((9999 * 60 + 59) * 60 + 59) * 100 + 99;
    if (centis > max) {
      centis = max;
    }
    var hours = Math.floor(centis / 360000);
    var minutes = Math.floor((centis % 360000) / 6000);
    var seconds = Math.floor((centis % 6000) / 100);
    return pad(hours, 4) + ':' + pad(minutes, 2) + ':' + pad(seconds, 2) + '.' +
      pad(centis % 100, 2);
  }

  // ------------------------------------------------------------------------------------------
  // 2. Transports
  // ------------------------------------------------------------------------------------------

  var MAX_API_HOPS = 500;

  /**
   * Find the LMS API object called `name` ("API" for SCORM 1.2, "API_1484_11" for 2004):
   * this window and its parents, then the opener and its parents, then the top window's opener.
   * Every cross-frame access is guarded: a cross-origin frame throws on property access.
   */
  function findApi(win, name) {
    function usable(candidate) {
      return candidate !== null && candidate !== undefined &&
        (typeof candidate === 'object' || typeof candidate === 'function');
    }

    function lookIn(start) {
      var current = start;
      for (var hops = 0; current && hops <= MAX_API_HOPS; hops += 1) {
        try {
          if (usable(current[name])) {
            return current[name];
          }
        } catch (ignore) { /* cross-origin frame: keep walking */ }
        var parent = null;
        try {
          parent = current.parent;
        } catch (ignore) { /* detached or inaccessible */ }
        if (!parent || parent === current) {
          return null;
        }
        current = parent;
      }
      return null;
    }

    var found = lookIn(win);
    var opener = null;
    if (!found) {
      try {
        opener = win.opener;
      } catch (ignore) { /* no access */ }
      if (opener) {
        found = lookIn(opener);
        if (!found) {
          try {
            found = lookIn(opener.top);
          } catch (ignore) { /* no access */ }
        }
      }
    }
    if (!found) {
      try {
        var topOpener = win.top.opener;
        if (topOpener && topOpener !== opener) {
          found = lookIn(topOpener);
        }
      } catch (ignore) { /* no access */ }
    }
    return found;
  }

  /** Transport for SCORM 1.2 (API object `API`, LMS* functions, cmi.core.* data model). */
  function Scorm12Transport(api) {
    this.standard = 'scorm12';
    this.connected = true;
    this.api = api;
    this.errors = [];
    this.finished = false;
    this.written = {};
  }

  Scorm12Transport.prototype.call = function (method, args) {
    try {
      return String(this.api[method].apply(this.api, args));
    } catch (error) {
      this.errors.push({ call: method, args: args, error: String(error) });
      return 'false';
    }
  };

  Scorm12Transport.prototype.lastError = function () {
    var code = this.call('LMSGetLastError', []);
    return code === '' ? '0' : code;
  };

  Scorm12Transport.prototype.check = function (method, args, result) {
    var code = this.lastError();
    if (code !== '0' || result === 'false') {
      this.errors.push({ call: method, args: args, result: result, code: code });
      return false;
    }
    return true;
  };

  Scorm12Transport.prototype.get = function (element) {
    var value = this.call('LMSGetValue', [element]);
    return this.check('LMSGetValue', [element], value) ? value : '';
  };

  Scorm12Transport.prototype.set = function (element, value) {
    value = String(value);
    if (this.written[element] === value) {
      return true;
    }
    var result = this.call('LMSSetValue', [element, value]);
    var ok = this.check('LMSSetValue', [element, value], result) && result === 'true';
    if (ok) {
      this.written[element] = value;
    }
    return ok;
  };

  Scorm12Transport.prototype.start = function () {
    var result = this.call('LMSInitialize', ['']);
    var code = this.lastError();
    if (result !== 'true') {
      this.errors.push({ call: 'LMSInitialize', args: [''], result: result, code: code });
      return { ok: false, error: code };
    }
    var entry = this.get('cmi.core.entry');
    var location = this.get('cmi.core.lesson_location');
    var suspendData = this.get('cmi.suspend_data');
    var status = this.get('cmi.core.lesson_status');
    var mode = this.get('cmi.core.lesson_mode') || 'normal';
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
    return {
      ok: true,
      resume: entry === 'resume' || location !== '' || suspendData !== '',
      location: location,
      suspendData: suspendData,
      mode: mode,
      completion: completion,
      success: success
    };
  };

  Scorm12Transport.prototype.setCompletion = function (status) {
    return this.set('cmi.core.lesson_status', status);
  };

  Scorm12Transport.prototype.setExit = function (suspend) {
    return this.set('cmi.core.exit', suspend ? 'suspend' : '');
  };

  Scorm12Transport.prototype.setBookmark = function (location, suspendData) {
    var ok = this.set('cmi.core.lesson_location', String(location).slice(0, LOCATION_LIMIT));
    return this.set('cmi.suspend_data', String(suspendData).slice(0, SUSPEND_DATA_LIMIT)) && ok;
  };

  Scorm12Transport.prototype.commit = function () {
    var result = this.call('LMSCommit', ['']);
    return this.check('LMSCommit', [''], result) && result === 'true';
  };

  Scorm12Transport.prototype.finish = function (sessionMs, suspend) {
    if (this.finished) {
      return false;
    }
    this.finished = true;
    this.set('cmi.core.session_time', formatCMITimespan(sessionMs));
    this.setExit(suspend);
    this.commit();
    var result = this.call('LMSFinish', ['']);
    return this.check('LMSFinish', [''], result) && result === 'true';
  };

  /** Used when no LMS is found (or it refused to start): everything works, nothing is saved. */
  function NullTransport(reason, error) {
    this.standard = 'none';
    this.connected = false;
    this.reason = reason;
    this.error = error || '';
    this.errors = [];
    this.finished = false;
  }

  NullTransport.prototype.start = function () {
    return {
      ok: true, resume: false, location: '', suspendData: '', mode: 'normal',
      completion: 'not attempted', success: 'unknown'
    };
  };
  NullTransport.prototype.setCompletion = function () { return true; };
  NullTransport.prototype.setExit = function () { return true; };
  NullTransport.prototype.setBookmark = function () { return true; };
  NullTransport.prototype.commit = function () { return true; };
  NullTransport.prototype.finish = function () {
    this.finished = true;
    return true;
  };

  /** Transport factories by runtime_config.standard; null when that LMS API is absent. */
  var TRANSPORTS = {
    scorm12: function (win) {
      var api = findApi(win, 'API');
      return api ? new Scorm12Transport(api) : null;
    }
  };

  // ------------------------------------------------------------------------------------------
  // 3. Tracker: progress rules, independent of the standard
  // ------------------------------------------------------------------------------------------

  function now() {
    return Date.now();
  }

  function Tracker(options, transport) {
    this.transport = transport;
    this.lessons = options.lessons;
    this.completionRule = options.completion === 'launch' ? 'launch' : 'all-lessons';
    this.viewed = this.lessons.map(function () { return false; });
    this.location = '';
    this.mode = 'normal';
    this.completion = 'not attempted';
    this.success = 'unknown';
    this.resumed = false;
    this.started = false;
    this.finished = false;
    this.startedAt = now();
  }

  Tracker.prototype.start = function () {
    var info = this.transport.start();
    if (!info.ok) {
      return info;
    }
    this.started = true;
    this.startedAt = now();
    this.mode = info.mode === 'browse' || info.mode === 'review' ? info.mode : 'normal';
    this.completion = info.completion;
    this.success = info.success;
    this.resumed = info.resume;
    if (info.location && this.lessons.indexOf(info.location) !== -1) {
      this.location = info.location;
    }
    var saved = decodeSuspendData(info.suspendData, this.lessons);
    if (saved && saved.matches) {
      this.viewed = saved.viewed;
    }
    if (this.canChangeStatus()) {
      if (this.completionRule === 'launch' && !this.isComplete()) {
        this.completion = 'completed';
        this.transport.setCompletion('completed');
      } else if (this.completion === 'not attempted' || this.completion === 'unknown') {
        this.completion = 'incomplete';
        this.transport.setCompletion('incomplete');
      }
    }
    this.transport.setExit(!this.isComplete());
    this.transport.commit();
    return info;
  };

  Tracker.prototype.canChangeStatus = function () {
    return this.mode === 'normal';
  };

  Tracker.prototype.isComplete = function () {
    return this.completion === 'completed';
  };

  Tracker.prototype.viewedCount = function () {
    return this.viewed.filter(Boolean).length;
  };

  Tracker.prototype.viewedIds = function () {
    var viewed = this.viewed;
    return this.lessons.filter(function (id, index) { return viewed[index]; });
  };

  /** Record that lesson `id` is on screen: viewed set, bookmark, completion, one commit. */
  Tracker.prototype.lessonShown = function (id) {
    if (!this.started || this.finished) {
      return;
    }
    var index = this.lessons.indexOf(id);
    if (index === -1) {
      return;
    }
    var changed = false;
    if (!this.viewed[index]) {
      this.viewed[index] = true;
      changed = true;
    }
    if (this.location !== id) {
      this.location = id;
      changed = true;
    }
    if (changed) {
      this.transport.setBookmark(id, encodeSuspendData(this.lessons, this.viewed));
    }
    if (this.canChangeStatus() && !this.isComplete() &&
        this.viewedCount() === this.lessons.length) {
      this.completion = 'completed';
      this.transport.setCompletion('completed');
      this.transport.setExit(false);
      changed = true;
    }
    if (changed) {
      this.transport.commit();
    }
  };

  /** End the session: runs at most once (pagehide, unload and beforeunload all lead here). */
  Tracker.prototype.finish = function () {
    if (!this.started || this.finished) {
      return false;
    }
    this.finished = true;
    return this.transport.finish(now() - this.startedAt, !this.isComplete());
  };

  // ------------------------------------------------------------------------------------------
  // 4. Page
  // ------------------------------------------------------------------------------------------

  function readConfig(doc) {
    var element = doc.getElementById('scormkit-config');
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent || 'null');
    } catch (error) {
      return null;
    }
  }

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  var MESSAGES = {
    noLms: 'No learning management system found: your progress will not be saved.',
    refused: 'The learning management system could not start this session (error {code}): ' +
      'your progress will not be saved.',
    connected: 'Connected to your learning management system: your progress is saved.',
    browse: 'Browse mode: the learning management system will not change your completion status.',
    review: 'Review mode: the learning management system will not change your completion status.',
    progress: 'Progress: {viewed} of {total} {lessons} viewed.',
    complete: ' Completed.',
    ended: 'This session has ended: open the course again from your learning management ' +
      'system to keep saving your progress.'
  };

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function Page(win, config) {
    this.win = win;
    this.doc = win.document;
    this.config = config;
    var doc = this.doc;
    this.sections = toArray(doc.querySelectorAll('section.sk-lesson[id]'));
    var present = {};
    this.sections.forEach(function (section) { present[section.id] = section; });
    this.byId = present;
    var configured = Array.isArray(config.lessons) ? config.lessons : [];
    var ids = configured.filter(function (id) { return present[id]; });
    if (!ids.length) {
      ids = this.sections.map(function (section) { return section.id; });
    }
    this.lessonIds = ids;
    this.layout = config.layout === 'per-lesson' ? 'per-lesson' : 'single';
    this.single = this.layout === 'single' && this.sections.length > 1;
    this.current = null;
    this.tracker = null;
    this.updateTables = null;
    this.notice = '';
  }

  Page.prototype.lessonOf = function (element) {
    for (var node = element; node && node !== this.doc; node = node.parentNode) {
      if (node.nodeType === 1 && node.classList.contains('sk-lesson') && this.byId[node.id]) {
        return node.id;
      }
    }
    return null;
  };

  /** The element a fragment (without "#") points to, and the lesson holding it. */
  Page.prototype.resolve = function (fragment) {
    var id = fragment;
    try {
      id = decodeURIComponent(fragment);
    } catch (ignore) { /* keep it raw */ }
    if (!id) {
      return null;
    }
    var target = this.doc.getElementById(id);
    if (!target) {
      return null;
    }
    var lesson = this.lessonOf(target);
    return lesson ? { lesson: lesson, target: target } : null;
  };

  Page.prototype.setHash = function (id) {
    var win = this.win;
    if (win.location.hash === '#' + id) {
      return;
    }
    try {
      // Replace rather than push: inside an LMS frame, extra history entries would make the
      // LMS window's Back button step through lessons instead of leaving the course.
      win.history.replaceState(win.history.state, '', '#' + id);
    } catch (error) {
      try {
        win.location.replace('#' + id);
      } catch (ignore) { /* sandboxed */ }
    }
  };

  /**
   * Show lesson `id`. options.focus: move focus to its title (or options.target);
   * options.hash: reflect the lesson (or target) in location.hash.
   */
  Page.prototype.show = function (id, options) {
    options = options || {};
    var section = this.byId[id];
    if (!section) {
      return false;
    }
    if (this.single) {
      this.sections.forEach(function (other) {
        if (other === section) {
          other.removeAttribute('hidden');
        } else {
          other.setAttribute('hidden', 'hidden');
        }
      });
    }
    this.current = id;
    if (this.updateTables) {
      this.updateTables();
    }
    toArray(this.doc.querySelectorAll('.sk-nav-link[data-lesson]')).forEach(function (link) {
      if (link.getAttribute('data-lesson') === id) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    });
    if (this.tracker) {
      this.tracker.lessonShown(id);
    }
    this.render();
    var target = options.target || null;
    if (options.hash) {
      this.setHash(target && target.id ? target.id : id);
    }
    if (target && target !== section) {
      if (options.focus) {
        if (!target.hasAttribute('tabindex') &&
            !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
          target.setAttribute('tabindex', '-1');
        }
        target.focus();
      }
      if (typeof target.scrollIntoView === 'function') {
        target.scrollIntoView();
      }
    } else if (options.focus) {
      var title = section.querySelector('.sk-lesson-title') || section;
      title.focus();
    } else if (options.scroll && this.single && typeof section.scrollIntoView === 'function') {
      section.scrollIntoView();
    }
    return true;
  };

  Page.prototype.render = function () {
    var tracker = this.tracker;
    var viewed = tracker ? tracker.viewed : [];
    var ids = this.lessonIds;
    var doc = this.doc;
    toArray(doc.querySelectorAll('.sk-nav-link[data-lesson]')).forEach(function (link) {
      var index = ids.indexOf(link.getAttribute('data-lesson'));
      var isViewed = index !== -1 && Boolean(viewed[index]);
      var marker = link.querySelector('.sk-viewed-marker');
      link.classList.toggle('sk-viewed', isViewed);
      if (isViewed && !marker) {
        marker = doc.createElement('span');
        marker.className = 'sk-viewed-marker sk-visually-hidden';
        marker.textContent = ' (viewed)';
        link.appendChild(marker);
      } else if (!isViewed && marker) {
        link.removeChild(marker);
      }
    });
    var progress = doc.getElementById('scormkit-progress');
    if (progress && tracker) {
      var text = format(MESSAGES.progress, {
        viewed: tracker.viewedCount(),
        total: ids.length,
        lessons: ids.length === 1 ? 'lesson' : 'lessons'
      });
      if (tracker.isComplete()) {
        text += MESSAGES.complete;
      }
      if (progress.textContent !== text) {
        progress.textContent = text;
      }
    }
    var connection = doc.getElementById('scormkit-connection');
    if (connection && connection.textContent !== this.notice) {
      connection.textContent = this.notice;
      connection.classList.toggle('sk-warning', this.notice !== MESSAGES.connected);
    }
  };

  /** Wrap tables so only the table scrolls sideways; focusable only while it overflows. */
  Page.prototype.wrapTables = function () {
    var doc = this.doc;
    var wrappers = [];
    toArray(doc.querySelectorAll('.sk-lesson-body table')).forEach(function (table) {
      if (table.parentNode.classList && table.parentNode.classList.contains('sk-table-wrap')) {
        return;
      }
      var wrapper = doc.createElement('div');
      wrapper.className = 'sk-table-wrap';
      var caption = table.querySelector('caption');
      wrapper.setAttribute('role', 'region');
      wrapper.setAttribute('aria-label', caption ? caption.textContent.trim() : 'Table');
      table.parentNode.insertBefore(wrapper, table);
      wrapper.appendChild(table);
      wrappers.push(wrapper);
    });
    function update() {
      wrappers.forEach(function (wrapper) {
        if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
          wrapper.setAttribute('tabindex', '0');
        } else {
          wrapper.removeAttribute('tabindex');
        }
      });
    }
    this.updateTables = update;
    update();
    var timer = null;
    this.win.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    });
  };

  Page.prototype.bind = function () {
    var page = this;
    var win = this.win;
    var doc = this.doc;

    doc.addEventListener('click', function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
          event.shiftKey || event.altKey) {
        return;
      }
      var element = event.target && event.target.closest ?
        event.target.closest('a[href^="#"], button[data-lesson]') : null;
      if (!element) {
        return;
      }
      if (element.tagName === 'BUTTON') {
        event.preventDefault();
        page.show(element.getAttribute('data-lesson'), { focus: true, hash: true });
        return;
      }
      var found = page.resolve(element.getAttribute('href').slice(1));
      if (!found || !page.single) {
        return;
      }
      event.preventDefault();
      var target = found.target === page.byId[found.lesson] ? null : found.target;
      page.show(found.lesson, { focus: true, hash: true, target: target });
    });

    win.addEventListener('hashchange', function () {
      var found = page.resolve(win.location.hash.slice(1));
      if (!found) {
        return;
      }
      var target = found.target === page.byId[found.lesson] ? null : found.target;
      if (found.lesson === page.current && !target) {
        return;
      }
      page.show(found.lesson, { focus: true, target: target });
    });

    var finish = function () {
      if (page.tracker) {
        page.tracker.finish();
      }
    };
    // pagehide fires whenever the document goes away (tab closed, frame navigated or removed)
    // and, unlike unload, keeps the page eligible for the back/forward cache.
    if ('onpagehide' in win) {
      win.addEventListener('pagehide', finish);
    } else {
      win.addEventListener('unload', finish);
      win.addEventListener('beforeunload', finish);
    }
    // Restored from the back/forward cache after the session was closed: SCORM allows no
    // second session in the same attempt, so say that progress is no longer saved.
    win.addEventListener('pageshow', function (event) {
      if (event.persisted && page.tracker && page.tracker.finished &&
          page.tracker.transport.connected) {
        page.notice = MESSAGES.ended;
        page.render();
      }
    });
  };

  Page.prototype.start = function (win) {
    var config = this.config;
    var factory = TRANSPORTS[config.standard];
    var transport = factory ? factory(win) : null;
    if (!transport) {
      transport = new NullTransport('no-lms');
      this.notice = MESSAGES.noLms;
    }
    var options = { lessons: this.lessonIds, completion: config.completion };
    var tracker = new Tracker(options, transport);
    var info = tracker.start();
    if (!info.ok) {
      var refusedBy = transport;
      transport = new NullTransport('refused', info.error);
      transport.errors = refusedBy.errors;
      tracker = new Tracker(options, transport);
      tracker.start();
      this.notice = format(MESSAGES.refused, { code: info.error || '?' });
    } else if (transport.connected) {
      this.notice = tracker.mode === 'normal' ? MESSAGES.connected : MESSAGES[tracker.mode];
    }
    this.tracker = tracker;

    this.wrapTables();
    toArray(this.doc.querySelectorAll('.sk-pager')).forEach(function (pager) {
      pager.removeAttribute('hidden');
    });
    this.bind();

    // Where to open: a fragment in the address wins (the learner followed a link), then the
    // LMS bookmark, then the first lesson. Focus is not moved on load.
    var found = this.resolve(win.location.hash.slice(1));
    var initialConfig = this.byId[config.current] ? config.current : null;
    if (!this.single) {
      this.show(initialConfig || this.lessonIds[0] || this.sections[0].id, {});
    } else if (found) {
      this.show(found.lesson, {
        target: found.target === this.byId[found.lesson] ? null : found.target
      });
    } else {
      this.show(tracker.location || this.lessonIds[0], { scroll: false });
    }
  };

  // ------------------------------------------------------------------------------------------
  // 5. Debugging hook and start-up
  // ------------------------------------------------------------------------------------------

  var hook = {
    version: RUNTIME_VERSION,
    encodeSuspendData: encodeSuspendData,
    decodeSuspendData: decodeSuspendData,
    formatCMITimespan: formatCMITimespan,
    fingerprint: fingerprint,
    findApi: findApi,
    limits: { suspendData: SUSPEND_DATA_LIMIT, location: LOCATION_LIMIT },
    transports: TRANSPORTS,
    page: null,
    /** A snapshot of the run-time state, or null on a page without scormkit-config. */
    getState: function () {
      var page = hook.page;
      if (!page || !page.tracker) {
        return null;
      }
      var tracker = page.tracker;
      var transport = tracker.transport;
      return {
        standard: transport.standard,
        connected: transport.connected,
        notice: page.notice,
        layout: page.layout,
        mode: tracker.mode,
        resumed: tracker.resumed,
        lessons: page.lessonIds.slice(),
        current: page.current,
        location: tracker.location,
        viewed: tracker.viewedIds(),
        completion: tracker.completion,
        complete: tracker.isComplete(),
        finished: tracker.finished,
        errors: transport.errors.slice()
      };
    },
    show: function (id) {
      return hook.page ? hook.page.show(id, { focus: true, hash: true }) : false;
    },
    finish: function () {
      return hook.page && hook.page.tracker ? hook.page.tracker.finish() : false;
    }
  };
  root.scormkit = hook;

  function boot() {
    var config = readConfig(root.document);
    if (!config || !root.document.querySelector('section.sk-lesson[id]')) {
      return;
    }
    var page = new Page(root, config);
    hook.page = page;
    page.start(root);
  }

  if (root.document) {
    if (root.document.readyState === 'loading') {
      root.document.addEventListener('DOMContentLoaded', boot);
    } else {
      boot();
    }
  }
}(window));
