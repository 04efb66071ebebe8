'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const scorm12 = load('lms/scorm12');
const scorm2004 = load('lms/scorm2004');
const { findApi } = load('lms/find-api');

/** A SCORM API object of `dialect` over `values`, recording every call; `refuse`: elements
 *  whose SetValue fails with error 405 (1.2) / 404 (2004). */
function fakeApi(names, values, refuse) {
  const calls = [];
  let error = '0';
  const api = { calls, values };
  api[names.initialize] = () => { calls.push([names.initialize]); return 'true'; };
  api[names.getValue] = (element) => {
    calls.push([names.getValue, element]);
    if (Object.prototype.hasOwnProperty.call(values, element)) {
      error = '0';
      return values[element];
    }
    error = names.unset;
    return '';
  };
  api[names.setValue] = (element, value) => {
    calls.push([names.setValue, element, value]);
    if ((refuse || []).includes(element)) {
      error = names.refused;
      return 'false';
    }
    error = '0';
    values[element] = value;
    return 'true';
  };
  api[names.commit] = () => { calls.push([names.commit]); error = '0'; return 'true'; };
  api[names.terminate] = () => { calls.push([names.terminate]); error = '0'; return 'true'; };
  api[names.getLastError] = () => error;
  return api;
}

const NAMES_12 = { initialize: 'LMSInitialize', getValue: 'LMSGetValue', setValue: 'LMSSetValue',
  commit: 'LMSCommit', terminate: 'LMSFinish', getLastError: 'LMSGetLastError', unset: '0',
  refused: '405' };
const NAMES_2004 = { initialize: 'Initialize', getValue: 'GetValue', setValue: 'SetValue',
  commit: 'Commit', terminate: 'Terminate', getLastError: 'GetLastError', unset: '403',
  refused: '404' };

test('SCORM 1.2: start reads the entry, bookmark, status and mastery score', () => {
  const api = fakeApi(NAMES_12, { 'cmi.core.entry': 'resume', 'cmi.core.lesson_location': 'b',
    'cmi.suspend_data': 'v1|x|B', 'cmi.core.lesson_status': 'failed',
    'cmi.core.lesson_mode': 'review', 'cmi.student_data.mastery_score': '80' });
  const transport = new scorm12.Scorm12Transport(api);
  assert.deepEqual(transport.start(), { ok: true, resume: true, location: 'b',
    suspendData: 'v1|x|B', mode: 'review', completion: 'completed', success: 'failed',
    masteryScore: 0.8 });
  assert.deepEqual(transport.errors, []);
});

test('SCORM 1.2: one status; passed/failed stands for completed and is never overwritten', () => {
  const api = fakeApi(NAMES_12, { 'cmi.core.lesson_status': 'not attempted' });
  const transport = new scorm12.Scorm12Transport(api);
  transport.start();
  transport.setCompletion('incomplete');
  transport.setScore({ raw: 8, min: 0, max: 10, scaled: 0.8, percent: 80, passed: true });
  transport.setCompletion('completed');
  assert.deepEqual(api.calls.filter((c) => c[0] === 'LMSSetValue').map((c) => c.slice(1)), [
    ['cmi.core.lesson_status', 'incomplete'], ['cmi.core.score.raw', '80'],
    ['cmi.core.score.min', '0'], ['cmi.core.score.max', '100'],
    ['cmi.core.lesson_status', 'passed']]);
});

test('SCORM 1.2: finish writes session time and exit, commits, then LMSFinish, once', () => {
  const api = fakeApi(NAMES_12, {});
  const transport = new scorm12.Scorm12Transport(api);
  transport.start();
  api.calls.splice(0);
  assert.equal(transport.finish(65200, true), true);
  assert.deepEqual(api.calls.filter((c) => c[0] !== 'LMSGetValue'), [
    ['LMSSetValue', 'cmi.core.session_time', '0000:01:05.20'],
    ['LMSSetValue', 'cmi.core.exit', 'suspend'], ['LMSCommit'], ['LMSFinish']]);
  assert.equal(transport.finish(1, false), false);
});

test('SCORM 1.2: an interaction keeps its index within the session', () => {
  const api = fakeApi(NAMES_12, { 'cmi.interactions._count': '3' });
  const transport = new scorm12.Scorm12Transport(api);
  transport.recordInteraction({ id: 'q1', type: 'true-false', correct: true, response: false });
  api.values['cmi.interactions._count'] = '4';
  transport.recordInteraction({ id: 'q1', type: 'true-false', correct: true, response: true });
  const written = api.calls.filter((c) => c[0] === 'LMSSetValue').map((c) => c[1]);
  assert.ok(written.every((element) => element.startsWith('cmi.interactions.3.')), written);
  assert.deepEqual(written.slice(0, 2), ['cmi.interactions.3.id', 'cmi.interactions.3.type']);
});

test('errors are recorded, never thrown; a value already written is not written again', () => {
  const api = fakeApi(NAMES_2004, {}, ['cmi.progress_measure']);
  const transport = new scorm2004.Scorm2004Transport(api);
  assert.equal(transport.setProgress(0.5), false);
  assert.deepEqual(transport.errors, [{ call: 'SetValue', args: ['cmi.progress_measure', '0.5'],
    result: 'false', code: '404' }]);
  assert.equal(transport.setCompletion('incomplete'), true);
  assert.equal(transport.setCompletion('incomplete'), true);
  assert.equal(api.calls.filter((c) => c[1] === 'cmi.completion_status').length, 1);
  api.Commit = () => { throw new Error('LMS went away'); };
  assert.equal(transport.commit(), false);
  assert.equal(transport.errors[1].call, 'Commit');
});

test('SCORM 2004: unset elements (403) are not errors; scores and exit as 2004 has them', () => {
  const api = fakeApi(NAMES_2004, { 'cmi.completion_status': 'incomplete',
    'cmi.scaled_passing_score': '0.75' });
  const transport = new scorm2004.Scorm2004Transport(api);
  const info = transport.start();
  assert.deepEqual(info, { ok: true, resume: false, location: '', suspendData: '',
    mode: 'normal', completion: 'incomplete', success: 'unknown', masteryScore: 0.75 });
  assert.deepEqual(transport.errors, []);
  transport.setScore({ raw: 3, min: 0, max: 4, scaled: 0.75, percent: 75, passed: true });
  transport.setExit(false);
  transport.setBookmark('', 'data');
  assert.deepEqual(api.calls.filter((c) => c[0] === 'SetValue').map((c) => c.slice(1)), [
    ['cmi.score.scaled', '0.75'], ['cmi.score.min', '0'], ['cmi.score.max', '4'],
    ['cmi.score.raw', '3'], ['cmi.success_status', 'passed'], ['cmi.exit', 'normal'],
    ['cmi.suspend_data', 'data']]);
});

test('a transport is created only when its API object is found', () => {
  assert.equal(scorm12.create({}), null);
  assert.ok(scorm12.create({ API: fakeApi(NAMES_12, {}) }) instanceof scorm12.Scorm12Transport);
  assert.ok(scorm2004.create({ API_1484_11: fakeApi(NAMES_2004, {}) }) instanceof
    scorm2004.Scorm2004Transport);
  assert.deepEqual([scorm12.standard, scorm2004.standard], ['scorm12', 'scorm2004']);
  assert.deepEqual(Object.keys(scorm12.hook).sort(), ['findApi', 'formatInteraction12']);
});

test('findApi walks parents, then the opener, and survives cross-origin frames', () => {
  const api = { marker: 'lms' };
  const top = { API: api };
  top.parent = top;
  let win = top;
  for (let depth = 0; depth < 5; depth += 1) {
    win = { parent: win };
  }
  assert.equal(findApi(win, 'API'), api);
  assert.equal(findApi(win, 'API_1484_11'), null);
  const foreign = {};
  Object.defineProperty(foreign, 'API', { get() { throw new Error('cross-origin'); } });
  Object.defineProperty(foreign, 'parent', { get() { throw new Error('cross-origin'); } });
  const popup = { parent: null, opener: { parent: foreign, API: undefined } };
  popup.parent = popup;
  popup.top = popup;
  assert.equal(findApi(popup, 'API'), null);
  const opened = { opener: top };
  opened.parent = opened;
  opened.top = opened;
  assert.equal(findApi(opened, 'API'), api);
});
