'use strict';

/*
 * The learner page's helpers around the lessons (page/chrome) and the inline checks
 * (quiz/inputs, quiz/feedback, quiz/checks), on a small stand-in for the DOM: elements with
 * attributes, classes, children found by a predicate, and listeners.
 */

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const chrome = load('page/chrome');
const { readAnswer } = load('quiz/inputs');
const feedback = load('quiz/feedback');
const checks = load('quiz/checks');

/** A minimal element: enough of the DOM for these modules. */
class Element {
  constructor(tag, attrs = {}, children = []) {
    this.tagName = tag.toUpperCase();
    this.attributes = { ...attrs };
    this.children = children;
    this.listeners = {};
    this.style = {};
    this.textContent = '';
    this.value = attrs.value || '';
    this.checked = false;
    this.type = attrs.type || '';
    this.parentNode = null;
    const classes = new Set((attrs.class || '').split(' ').filter(Boolean));
    this.classList = {
      add: (name) => classes.add(name),
      remove: (name) => classes.delete(name),
      contains: (name) => classes.has(name),
      toggle: (name, on) => (on ? classes.add(name) : classes.delete(name)),
    };
    children.forEach((child) => { child.parentNode = this; });
  }

  get id() { return this.attributes.id || ''; }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  removeAttribute(name) { delete this.attributes[name]; }
  hasAttribute(name) { return name in this.attributes; }
  addEventListener(name, listener) { (this.listeners[name] ||= []).push(listener); }
  dispatch(name, event = {}) {
    (this.listeners[name] || []).forEach((listener) => listener({
      preventDefault() {}, target: this, ...event }));
  }
  focus() { this.ownerDocument.activeElement = this; }
  contains(other) {
    for (let node = other; node; node = node.parentNode) {
      if (node === this) { return true; }
    }
    return false;
  }
  closest(selector) {
    for (let node = this; node; node = node.parentNode) {
      if (node.matches && node.matches(selector)) { return node; }
    }
    return null;
  }
  all() { return this.children.flatMap((child) => [child, ...child.all()]); }

  /** Selectors used by the modules under test: tag, .class, [attr], [attr="v"], :checked. */
  matches(selector) {
    return selector.split(',').some((one) => {
      const text = one.trim();
      const checked = text.endsWith(':checked');
      const base = checked ? text.slice(0, -8) : text;
      const tag = base.match(/^[a-z]+/);
      if (tag && tag[0].toUpperCase() !== this.tagName) { return false; }
      if (checked && !this.checked) { return false; }
      for (const [, name] of base.matchAll(/\.([\w-]+)/g)) {
        if (!this.classList.contains(name)) { return false; }
      }
      for (const [, name, value] of base.matchAll(/\[([\w-]+)(?:="([^"]*)")?\]/g)) {
        if (value === undefined ? !this.hasAttribute(name) : this.getAttribute(name) !== value) {
          return false;
        }
      }
      return true;
    });
  }
  querySelectorAll(selector) {
    const found = selector.split(',').flatMap((one) => {
      let nodes = [this];
      one.trim().split(/\s+/).forEach((part) => {
        nodes = nodes.flatMap((node) => node.all().filter((el) => el.matches(part)));
      });
      return nodes;
    });
    return this.all().filter((el) => found.includes(el));
  }
  querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
}

function h(tag, attrs, ...children) {
  return new Element(tag, attrs || {}, children);
}

function documentOf(body) {
  const doc = {
    body,
    documentElement: h('html', {}),
    activeElement: null,
    readyState: 'complete',
    listeners: {},
    getElementById: (id) => body.all().find((el) => el.id === id) || null,
    querySelector: (selector) => body.querySelector(selector),
    querySelectorAll: (selector) => body.querySelectorAll(selector),
    addEventListener(name, listener) { (this.listeners[name] ||= []).push(listener); },
  };
  doc.documentElement.style.setProperty = (name, value) => {
    doc.documentElement.style[name] = value;
  };
  [body, doc.documentElement, ...body.all()].forEach((el) => { el.ownerDocument = doc; });
  return doc;
}

test('setupMenu: a disclosure button that opens and closes the lesson list', () => {
  const toggle = h('button', { class: 'sk-menu-toggle', 'aria-controls': 'sk-nav',
    'aria-expanded': 'false', hidden: 'hidden' });
  const link = h('a', { class: 'sk-nav-link', href: '#l1' });
  const nav = h('nav', { id: 'sk-nav' }, link);
  const doc = documentOf(h('body', {}, toggle, nav));
  assert.notEqual(chrome.setupMenu(doc), null);
  assert.equal(toggle.hasAttribute('hidden'), false, 'the script shows the button');
  assert.equal(doc.body.classList.contains('sk-menu-ready'), true);

  toggle.dispatch('click');
  assert.equal(toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(nav.classList.contains('sk-open'), true);
  // Escape with focus in the menu closes it and gives focus back to the button.
  link.focus();
  doc.listeners.keydown.forEach((listener) => listener({ key: 'Escape' }));
  assert.equal(toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(nav.classList.contains('sk-open'), false);
  assert.equal(doc.activeElement, toggle);
  // Choosing a lesson closes it.
  toggle.dispatch('click');
  nav.dispatch('click', { target: link });
  assert.equal(toggle.getAttribute('aria-expanded'), 'false');
  // No button (per-lesson pages): nothing to set up.
  assert.equal(chrome.setupMenu(documentOf(h('body', {}))), null);
});

test('setMeter: the fill is scaled to the fraction, clamped to 0..1', () => {
  const fill = h('span', { class: 'sk-meter-fill' });
  const meter = h('div', { class: 'sk-meter', hidden: 'hidden' }, fill);
  const doc = documentOf(h('body', {}, meter));
  chrome.setMeter(doc, 0.5);
  assert.equal(meter.hasAttribute('hidden'), false);
  assert.equal(fill.style.transform, 'scaleX(0.5)');
  chrome.setMeter(doc, 2 / 3);
  assert.equal(fill.style.transform, 'scaleX(0.667)');
  chrome.setMeter(doc, 7);
  assert.equal(fill.style.transform, 'scaleX(1)');
});

test('prepareCover: Continue goes to the lesson the learner left; hideCover hides it', () => {
  const start = h('a', { class: 'sk-start', href: '#l1__title' });
  const cover = h('section', { class: 'sk-cover' }, h('p', {}, start));
  const title = h('h2', { id: 'l2__title' });
  title.textContent = ' Lesson two ';
  const doc = documentOf(h('body', {}, cover, title));
  chrome.prepareCover(doc, 'l2', { resume: 'Continue: {lesson}' });
  assert.equal(start.textContent, 'Continue: Lesson two');
  assert.equal(start.getAttribute('href'), '#l2__title');
  chrome.hideCover(doc);
  assert.equal(cover.getAttribute('hidden'), 'hidden');
});

function choiceQuestion() {
  const inputs = ['a', 'b', 'c'].map((id) => h('input', { type: 'radio', value: id }));
  const choices = inputs.map((input, i) => h('div', { class: 'sk-choice',
    'data-choice': input.value }, input, ...(i === 0 ? [h('div', {
      class: 'sk-choice-feedback', id: 'q-a-feedback', hidden: 'hidden' })] : [])));
  const result = h('p', { class: 'sk-q-result' });
  const when = ['correct', 'incorrect', 'always'].map((name) => h('div', {
    class: 'sk-q-when', 'data-when': name, hidden: 'hidden' }));
  const box = h('div', { class: 'sk-q-feedback', id: 'q-feedback', hidden: 'hidden' },
    result, ...when);
  const fieldset = h('fieldset', { class: 'sk-question sk-q-single', id: 'q',
    'aria-describedby': 'q-stem' }, ...choices, box);
  return { inputs, fieldset, box, result, when,
    q: { kind: 'single', choices: ['a', 'b', 'c'], correct: ['b'], partial: false, points: 1 } };
}

test('readAnswer and showFeedback: the quiz\'s own reading and feedback, for any question', () => {
  const { inputs, fieldset, box, result, when, q } = choiceQuestion();
  const entry = { q: 0, order: null, answer: '' };
  inputs[0].checked = true;
  assert.equal(readAnswer(q, fieldset, entry, 100).answer, 'a');
  const state = feedback.resultState(q, { result: 'incorrect', answered: true });
  assert.equal(state, 'incorrect');
  assert.equal(feedback.resultLabel(state, { answered: true }, { incorrect: 'Incorrect' }),
    'Incorrect');
  feedback.showFeedback(fieldset, q, entry, state, 'Incorrect.');
  assert.equal(result.textContent, 'Incorrect.');
  assert.equal(box.hasAttribute('hidden'), false);
  assert.deepEqual(when.map((block) => block.hasAttribute('hidden')), [true, false, false]);
  assert.equal(inputs[0].getAttribute('aria-describedby'), 'q-a-feedback');
  assert.equal(fieldset.getAttribute('aria-describedby'), 'q-stem q-feedback');
  feedback.hideFeedback(fieldset);
  assert.equal(box.getAttribute('hidden'), 'hidden');
  assert.equal(inputs[0].getAttribute('aria-describedby'), null);
  assert.equal(fieldset.getAttribute('aria-describedby'), 'q-stem');

  const blanks = [h('input', { 'data-blank': 'b1' }), h('input', { 'data-blank': 'b2' })];
  blanks[0].value = 'three';
  blanks[1].value = 'x'.repeat(300);
  const fill = { kind: 'fill', blanks: [{ id: 'b1', answers: ['3'] }, { id: 'b2', answers: [] }] };
  assert.deepEqual(readAnswer(fill, h('fieldset', {}, ...blanks), {}, 100).answer,
    ['three', 'x'.repeat(100)]);
});

test('checks: Check and Try again work, and nothing reaches the tracker', () => {
  const { inputs, fieldset, result, q } = choiceQuestion();
  const data = h('script', { class: 'sk-check-data' });
  data.textContent = JSON.stringify({ ...q, strings: { correct: 'Richtig' } });
  const check = h('button', { class: 'sk-check-button' });
  const reset = h('button', { class: 'sk-check-reset', hidden: 'hidden' });
  const actions = h('div', { class: 'sk-check-actions', hidden: 'hidden' }, check, reset);
  const live = h('p', { class: 'sk-check-live' });
  const element = h('div', { class: 'sk-check' }, data, fieldset, actions, live);
  const doc = documentOf(h('body', {}, element));
  const calls = [];
  const tracker = new Proxy({}, { get: (_, name) => () => calls.push(name) });
  const timers = [];
  const win = { document: doc, scormkit: { tracker }, setTimeout: (fn) => timers.push(fn) };

  const hook = checks.start(win);
  assert.equal(win.scormkit.checks, hook);
  assert.equal(hook.checks.length, 1);
  assert.equal(actions.hasAttribute('hidden'), false, 'the buttons need the script');

  inputs[1].checked = true;
  check.dispatch('click');
  assert.equal(result.textContent, 'Richtig.', 'the result word in the course language');
  assert.equal(fieldset.classList.contains('sk-q-correct'), true);
  assert.equal(reset.hasAttribute('hidden'), false);
  timers.forEach((fn) => fn());
  assert.equal(live.textContent, 'Richtig.', 'announced in the check\'s live region');

  reset.dispatch('click');
  assert.equal(inputs[1].checked, false);
  assert.equal(fieldset.classList.contains('sk-q-correct'), false);
  assert.equal(doc.activeElement, inputs[0]);
  assert.deepEqual(calls, [], 'checks never call the tracker');
});
