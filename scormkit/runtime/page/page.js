/*
 * page/page: the learner page: shows one lesson at a time (single-SCO layout), keyboard and
 * fragment navigation, focus, the progress and connection texts, scrollable tables, alerts,
 * the cmi5 exit control; starts the session (a transport of this bundle, else the null
 * transport) and tells the tracker which lesson is on screen.
 */
'use strict';

var dom = require('../util/dom');
var pageMessages = require('./messages');
var NullTransport = require('../lms/null').NullTransport;
var learnerPreferences = require('../lms/preferences');
var textUtil = require('../util/text');
var Tracker = require('../tracking/tracker').Tracker;
var values = require('../util/values');

var toArray = dom.toArray;
var MESSAGES = pageMessages.MESSAGES;
var parsePreferences = learnerPreferences.parsePreferences;
var pickLanguage = learnerPreferences.pickLanguage;
var format = textUtil.format;
var messagesFrom = textUtil.messagesFrom;
var whenDone = values.whenDone;

/** The page's runtime_config (JSON in #scormkit-config), or null. */
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

/**
 * The learner page: `config` is the page's scormkit-config; `transports`: the transport
 * factories this bundle carries, by runtime_config.standard; `onOpen`: called once the
 * session is open and the first lesson shown (the tracker API's ready callbacks).
 */
function Page(win, config, transports, onOpen) {
  this.win = win;
  this.transports = transports;
  this.onOpen = onOpen;
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
  this.baseNotice = '';
  this.alert = null;
  this.exitButton = null;
  this.messages = messagesFrom(MESSAGES, config.strings);
  this.language = doc.documentElement.getAttribute('lang') || '';
  this.chosenLanguage = null;
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
  var messages = this.messages;
  toArray(doc.querySelectorAll('.sk-nav-link[data-lesson]')).forEach(function (link) {
    var index = ids.indexOf(link.getAttribute('data-lesson'));
    var isViewed = index !== -1 && Boolean(viewed[index]);
    var marker = link.querySelector('.sk-viewed-marker');
    link.classList.toggle('sk-viewed', isViewed);
    if (isViewed && !marker) {
      marker = doc.createElement('span');
      marker.className = 'sk-viewed-marker sk-visually-hidden';
      marker.textContent = messages.viewed;
      link.appendChild(marker);
    } else if (!isViewed && marker) {
      link.removeChild(marker);
    }
  });
  var progress = doc.getElementById('scormkit-progress');
  if (progress && tracker) {
    var text = format(messages.progress, {
      viewed: tracker.viewedCount(),
      total: ids.length,
      lessons: ids.length === 1 ? messages.lessonOne : messages.lessonMany
    });
    if (tracker.isComplete()) {
      text += messages.complete;
    }
    if (progress.textContent !== text) {
      progress.textContent = text;
    }
  }
  var connection = doc.getElementById('scormkit-connection');
  if (connection && connection.textContent !== this.notice) {
    connection.textContent = this.notice;
    connection.classList.toggle('sk-warning', this.notice !== messages.connected);
  }
};

/** Wrap tables so only the table scrolls sideways; focusable only while it overflows. */
Page.prototype.wrapTables = function () {
  var doc = this.doc;
  var tableLabel = this.messages.table;
  var wrappers = [];
  toArray(doc.querySelectorAll('.sk-lesson-body table')).forEach(function (table) {
    if (table.parentNode.classList && table.parentNode.classList.contains('sk-table-wrap')) {
      return;
    }
    var wrapper = doc.createElement('div');
    wrapper.className = 'sk-table-wrap';
    var caption = table.querySelector('caption');
    wrapper.setAttribute('role', 'region');
    wrapper.setAttribute('aria-label', caption ? caption.textContent.trim() : tableLabel);
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
      page.notice = page.messages.ended;
      page.render();
    }
  });
};

Page.prototype.start = function (win) {
  var page = this;
  var config = this.config;
  var factory = Object.prototype.hasOwnProperty.call(this.transports, config.standard) ?
    this.transports[config.standard] : null;
  var transport = factory ? factory(win) : null;
  if (!transport) {
    transport = new NullTransport('no-lms');
    this.notice = this.messages.noLms;
  }
  var options = {
    lessons: this.lessonIds,
    completion: config.completion,
    courseId: config.courseId,
    passingScore: config.passingScore,
    language: this.language
  };
  var tracker = new Tracker(options, transport);
  // SCORM answers at once; cmi5 answers with a Promise (the page stays readable meanwhile:
  // every lesson is shown until the runtime takes over).
  return whenDone(tracker.start(), function (info) {
    if (!info.ok) {
      var refusedBy = transport;
      transport = new NullTransport('refused', info.error);
      transport.errors = refusedBy.errors;
      tracker = new Tracker(options, transport);
      tracker.start();
      page.notice = format(page.messages.refused, { code: info.error || '?' });
    } else if (transport.connected) {
      page.notice = tracker.mode === 'normal' ? page.messages.connected :
        page.messages[tracker.mode];
      page.baseNotice = page.notice;
      transport.onchange = function () {
        page.transportChanged();
      };
      page.applyPreferences(transport.preferences);
    }
    page.open(win, tracker);
  });
};

/**
 * The learner preferences (cmi5 11), applied at start:
 * - audioPreference (11.2.0.0-1): "off" mutes every audio and video element of the page,
 *   "on" unmutes them; nothing else plays sound. (Courses have no media elements today:
 *   lesson Markdown allows no raw HTML; this keeps the rule for pages that add some.)
 * - languagePreference (11.1): the page is offered in one language, the course's (course.yaml
 *   `language`: content and interface texts alike, scormkit/ui_strings.py). The learner's
 *   list is matched against it (pickLanguage); a course offered in one language shows it
 *   whatever the preference (cmi5 11.1: an AU without several languages uses its default).
 *   Interface texts alone are not switched to another language: a page whose buttons and
 *   notices are in one language and its lessons in another serves nobody.
 */
Page.prototype.applyPreferences = function (preferences) {
  preferences = preferences || parsePreferences(null);
  var offered = this.language ? [this.language] : [];
  this.chosenLanguage = pickLanguage(preferences.languages, offered);
  if (preferences.audio !== null) {
    var muted = preferences.audio === 'off';
    toArray(this.doc.querySelectorAll('audio, video')).forEach(function (media) {
      media.muted = muted;
    });
  }
};

/** The transport's status changed (cmi5: a statement is being retried, refused, ...). */
Page.prototype.transportChanged = function () {
  var transport = this.tracker ? this.tracker.transport : null;
  if (!transport || this.exited) {
    return;
  }
  var messages = this.messages;
  switch (transport.status) {
    case 'refused':
      this.notice = format(messages.saveRefused, { code: transport.refusal || '?' });
      this.setAlert(this.notice);
      break;
    case 'unreachable':
      this.notice = messages.saveUnreachable;
      this.setAlert(this.notice);
      break;
    case 'retrying':
      this.notice = messages.saveRetrying;
      break;
    default:
      this.notice = this.baseNotice;
      this.setAlert('');
  }
  this.render();
};

/** A message that must not be missed, at the top of the page (role alert: read out at once).
 *  '' removes it. */
Page.prototype.setAlert = function (text) {
  var doc = this.doc;
  if (!text) {
    if (this.alert) {
      this.alert.setAttribute('hidden', 'hidden');
      this.alert.textContent = '';
    }
    return;
  }
  if (!this.alert) {
    var alert = doc.createElement('p');
    alert.className = 'sk-alert';
    alert.id = 'scormkit-alert';
    alert.setAttribute('role', 'alert');
    var header = doc.querySelector('.sk-header');
    if (header && header.parentNode) {
      header.parentNode.insertBefore(alert, header.nextSibling);
    } else {
      doc.body.insertBefore(alert, doc.body.firstChild);
    }
    this.alert = alert;
  }
  this.alert.removeAttribute('hidden');
  if (this.alert.textContent !== text) {
    this.alert.textContent = text;
  }
};

/**
 * The exit control (cmi5: the LMS may launch the AU in its own window, with a returnURL to
 * send the learner back to; cmi5 10.2.6.0-1). A button in the page header: it ends the
 * session (terminated) and goes to returnURL, or says the window can be closed.
 */
Page.prototype.addExitControl = function () {
  var page = this;
  var doc = this.doc;
  var header = doc.querySelector('.sk-header');
  if (!header || this.exitButton) {
    return;
  }
  var button = doc.createElement('button');
  button.type = 'button';
  button.className = 'sk-button sk-exit';
  button.textContent = this.messages.exit;
  button.addEventListener('click', function () {
    page.exit();
  });
  header.appendChild(button);
  this.exitButton = button;
};

Page.prototype.leaveTo = function (url) {
  try {
    // Replace: Back must not reopen the AU (its one-time fetch URL is spent).
    this.win.location.replace(url);
    return true;
  } catch (error) {
    return false;
  }
};

Page.prototype.exit = function () {
  var page = this;
  var tracker = this.tracker;
  var button = this.exitButton;
  var returnURL = tracker && tracker.transport.returnURL;
  if (!tracker || tracker.exiting) {
    return Promise.resolve(false);
  }
  if (tracker.finished) {   // a second press after a failed exit: leave anyway
    if (returnURL) {
      this.leaveTo(returnURL);
    }
    return Promise.resolve(false);
  }
  // Text typed in the quiz but not saved yet (quiz.js saves it on pagehide otherwise).
  var quiz = this.win.scormkit && this.win.scormkit.quiz;
  if (quiz && quiz.player && typeof quiz.player.flush === 'function') {
    try {
      quiz.player.flush();
    } catch (ignore) { /* the exit goes on */ }
  }
  if (button) {
    button.disabled = true;
    button.textContent = this.messages.exiting;
  }
  return tracker.exit().then(function (outcome) {
    if (button) {
      button.disabled = false;
      button.textContent = page.messages.exit;
    }
    if (!outcome.ok) {
      page.notice = format(page.messages.exitFailed, { code: outcome.code || '?' });
      page.setAlert(page.notice);
      page.render();
      return false;
    }
    page.exited = true;
    page.setAlert('');
    if (outcome.returnURL && page.leaveTo(outcome.returnURL)) {
      return true;
    }
    page.notice = page.messages.exited;
    if (button) {
      button.setAttribute('hidden', 'hidden');
    }
    page.render();
    return true;
  });
};

Page.prototype.open = function (win, tracker) {
  var config = this.config;
  this.tracker = tracker;

  this.wrapTables();
  toArray(this.doc.querySelectorAll('.sk-pager')).forEach(function (pager) {
    pager.removeAttribute('hidden');
  });
  if (tracker.transport.connected && typeof tracker.transport.exit === 'function') {
    this.addExitControl();
  }
  this.bind();

  // Where to open: a fragment in the address wins (the learner followed a link), then the
  // LMS bookmark, then the first lesson. Focus is not moved on load.
  var found = this.resolve(win.location.hash.slice(1));
  var initialConfig = this.byId[config.current] ? config.current : null;
  var first = this.lessonIds[0] || (this.sections[0] && this.sections[0].id);
  if (!first) {
    this.render();
  } else if (!this.single) {
    this.show(initialConfig || first, {});
  } else if (found) {
    this.show(found.lesson, {
      target: found.target === this.byId[found.lesson] ? null : found.target
    });
  } else {
    this.show(tracker.location || first, { scroll: false });
  }
  if (typeof this.onOpen === 'function') {
    this.onOpen();
  }
};

module.exports = { Page: Page, readConfig: readConfig };
