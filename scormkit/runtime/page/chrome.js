/*
 * page/chrome: the parts of the learner page around the lessons that only help the learner
 * find their way, and report nothing to the LMS: the lesson menu button on narrow screens,
 * the height of the sticky header (which sticky and scrolled-to things keep clear of), the
 * progress meter, and the course cover's Start / Continue link.
 *
 * Without script none of this is needed: the lesson list is shown in full, the meter stays
 * hidden, and Start is an ordinary link to the first lesson.
 */
'use strict';

var dom = require('../util/dom');
var textUtil = require('../util/text');

var toArray = dom.toArray;
var format = textUtil.format;

/**
 * The lesson menu as a disclosure (WAI-ARIA Authoring Practices, "Disclosure"): a button
 * with aria-expanded and aria-controls, operable with Enter and Space as every button is;
 * Escape closes the open menu and gives focus back to the button; choosing a lesson closes
 * it. CSS shows the button and collapses the list below 60em only (the class sk-menu-ready
 * on <body> says the script is there); on wide screens the list is a sidebar and the button
 * is not rendered.
 */
function setupMenu(doc) {
  var button = doc.querySelector('.sk-menu-toggle');
  var nav = button ? doc.getElementById(button.getAttribute('aria-controls')) : null;
  if (!button || !nav) {
    return null;
  }
  function set(open, focusButton) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    nav.classList.toggle('sk-open', open);
    if (focusButton) {
      button.focus();
    }
  }
  button.removeAttribute('hidden');
  doc.body.classList.add('sk-menu-ready');
  button.addEventListener('click', function () {
    set(button.getAttribute('aria-expanded') !== 'true', false);
  });
  doc.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || button.getAttribute('aria-expanded') !== 'true') {
      return;
    }
    var inside = nav.contains(doc.activeElement) || doc.activeElement === button;
    set(false, inside);
  });
  nav.addEventListener('click', function (event) {
    if (event.target && event.target.closest && event.target.closest('a')) {
      set(false, false);
    }
  });
  return { close: function () { set(false, false); } };
}

/** Keep --sk-bar-height equal to the sticky header's height (it wraps on narrow screens). */
function trackHeaderHeight(win) {
  var doc = win.document;
  var header = doc.querySelector('.sk-header');
  if (!header) {
    return;
  }
  var last = '';
  function update() {
    var value = Math.ceil(header.getBoundingClientRect().height) + 'px';
    if (value !== last) {
      last = value;
      doc.documentElement.style.setProperty('--sk-bar-height', value);
    }
  }
  update();
  if (typeof win.ResizeObserver === 'function') {
    new win.ResizeObserver(update).observe(header);
  } else {
    win.addEventListener('resize', update);
  }
}

/** Show the progress meter filled to `fraction` (0..1). */
function setMeter(doc, fraction) {
  var meter = doc.querySelector('.sk-meter');
  var fill = meter ? meter.querySelector('.sk-meter-fill') : null;
  if (!fill) {
    return;
  }
  meter.removeAttribute('hidden');
  var clamped = Math.max(0, Math.min(1, fraction));
  var transform = 'scaleX(' + (Math.round(clamped * 1000) / 1000) + ')';
  if (fill.style.transform !== transform) {
    fill.style.transform = transform;
  }
}

/**
 * The cover's Start link: on a resumed attempt it says "Continue: <lesson>" and goes to the
 * lesson the learner left (`lessonId`, which the page shows already).
 */
function prepareCover(doc, lessonId, messages) {
  var start = doc.querySelector('.sk-cover .sk-start');
  var title = lessonId ? doc.getElementById(lessonId + '__title') : null;
  if (!start || !title) {
    return;
  }
  start.textContent = format(messages.resume, { lesson: title.textContent.trim() });
  start.setAttribute('href', '#' + lessonId + '__title');
}

/** The learner has moved on: the cover has done its job. */
function hideCover(doc) {
  toArray(doc.querySelectorAll('.sk-cover')).forEach(function (cover) {
    cover.setAttribute('hidden', 'hidden');
  });
}

module.exports = {
  setupMenu: setupMenu,
  trackHeaderHeight: trackHeaderHeight,
  setMeter: setMeter,
  prepareCover: prepareCover,
  hideCover: hideCover
};
