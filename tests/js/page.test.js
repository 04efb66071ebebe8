'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const main = load('page/main');
const { readConfig } = load('page/page');
const scorm12 = load('lms/scorm12');
const cmi5 = load('lms/cmi5');

function fakeWindow(config, readyState) {
  const listeners = [];
  const doc = {
    readyState,
    getElementById: (id) => (id === 'scormkit-config' && config !== undefined ?
      { textContent: config } : null),
    addEventListener: (name) => listeners.push(name),
  };
  return { document: doc, listeners };
}

test('readConfig: the page config JSON, or null when absent or broken', () => {
  assert.deepEqual(readConfig(fakeWindow('{"standard": "scorm12"}').document),
    { standard: 'scorm12' });
  assert.equal(readConfig(fakeWindow('{broken').document), null);
  assert.equal(readConfig(fakeWindow(undefined).document), null);
});

test('start: window.scormkit with the tracker API and this bundle\'s transports only', () => {
  const win = fakeWindow(undefined, 'loading');
  const hook = main.start(win, [scorm12]);
  assert.equal(win.scormkit, hook);
  assert.equal(hook.version, main.RUNTIME_VERSION);
  assert.deepEqual(Object.keys(hook.transports), ['scorm12']);
  assert.equal(hook.formatInteraction12, scorm12.hook.formatInteraction12);
  assert.equal(hook.parseCmi5Launch, undefined);
  assert.deepEqual(win.listeners, ['DOMContentLoaded'], 'the page starts once it is parsed');
  assert.deepEqual(Object.keys(main.start(fakeWindow(undefined, 'loading'), [cmi5]).transports),
    ['cmi5']);
});

test('the tracker API is safe before the session starts', () => {
  const win = fakeWindow(undefined, 'complete');
  const hook = main.start(win, []);
  const api = hook.tracker;
  assert.equal(api.isReady(), false);
  assert.equal(api.info(), null);
  for (const name of ['reportScore', 'recordInteraction', 'saveState', 'setProgress', 'complete',
    'keepOpen']) {
    assert.equal(api[name]({}), false, name);
  }
  assert.equal(api.loadState('quiz'), null);
  let called = false;
  api.ready(() => { called = true; });
  assert.equal(called, false, 'waits for the session');
  assert.equal(hook.getState(), null, 'no page config: no page');
  assert.equal(hook.show('x'), false);
  assert.equal(hook.finish(), false);
});
