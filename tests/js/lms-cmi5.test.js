'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const statements = load('lms/cmi5-statements');
const cmi5 = load('lms/cmi5');
const preferences = load('lms/preferences');

const ACTOR = { objectType: 'Agent', account: { homePage: 'h', name: 'n' } };
const QUERY = '?' + new URLSearchParams({ endpoint: 'http://lms.test/xapi', fetch:
  'http://lms.test/token?k=1', actor: JSON.stringify(ACTOR), registration: 'r-1',
activityId: 'urn:x:au' });
const TEMPLATE = { contextActivities: { grouping: [{ id: 'urn:x:g' }] },
  extensions: { 'urn:x:sessionid': 's-1' } };
const CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
const MOVEON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
const MASTERY = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';

test('launch parameters: all five required, the actor JSON, the endpoint ending in /', () => {
  assert.deepEqual(statements.parseCmi5Launch(QUERY), { endpoint: 'http://lms.test/xapi/',
    fetch: 'http://lms.test/token?k=1', actor: ACTOR, registration: 'r-1',
    activityId: 'urn:x:au' });
  assert.equal(statements.parseCmi5Launch('?endpoint=x&fetch=y&actor=%7B%7D&registration=r'),
    null);
  assert.equal(statements.parseCmi5Launch(QUERY.replace('actor=', 'actor=x')), null);
  assert.equal(statements.parseCmi5Launch(''), null);
});

test('cmi5 statements: the template kept as is, categories and mastery score added', () => {
  const launch = statements.parseCmi5Launch(QUERY);
  const frozen = JSON.stringify(TEMPLATE);
  const passed = statements.cmi5Statement(launch, TEMPLATE, 'passed',
    { id: 'p', timestamp: 't', result: { success: true }, masteryScore: 0.8 });
  assert.equal(JSON.stringify(TEMPLATE), frozen, 'the template is not modified');
  assert.deepEqual(passed.verb, { id: 'http://adlnet.gov/expapi/verbs/passed',
    display: { 'en-US': 'passed' } });
  assert.deepEqual(passed.context.contextActivities.category.map((c) => c.id), [CMI5, MOVEON]);
  assert.deepEqual(passed.context.extensions, { 'urn:x:sessionid': 's-1', [MASTERY]: 0.8 });
  assert.equal(passed.context.registration, 'r-1');
  const initialized = statements.cmi5Statement(launch, TEMPLATE, 'initialized',
    { id: 'i', timestamp: 't', masteryScore: 0.8 });
  assert.deepEqual(initialized.context.contextActivities.category.map((c) => c.id), [CMI5]);
  assert.deepEqual(initialized.context.extensions, { 'urn:x:sessionid': 's-1' });
  assert.equal('result' in initialized, false);
});

test('answered statements are "cmi5 allowed": no cmi5 category, the AU as parent', () => {
  const launch = statements.parseCmi5Launch(QUERY);
  const formatted = { object: { id: 'urn:q', objectType: 'Activity' }, result: {} };
  const answered = statements.answeredStatement(launch, TEMPLATE, formatted,
    { id: 'a', timestamp: 't' });
  assert.equal(answered.context.contextActivities.category, undefined);
  assert.deepEqual(answered.context.contextActivities.parent,
    [{ id: 'urn:x:au', objectType: 'Activity' }]);
  assert.equal('result' in answered, false);
});

test('uuid4 and ruleOf', () => {
  assert.equal(statements.uuid4(new Array(16).fill(255)), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  assert.equal(statements.uuid4(new Uint8Array(16)), '00000000-0000-4000-8000-000000000000');
  assert.equal(statements.ruleOf('{"violatedReqId": "9.6.3.2-2 (d)"}'), '9.6.3.2-2');
  assert.equal(statements.ruleOf('no rule 1.2.3'), '');
});

test('learner preferences: malformed parts are absent; languages matched by RFC 4647 lookup', () => {
  assert.deepEqual(preferences.parsePreferences({ languagePreference: 'fr-FR, en-US,x y,de',
    audioPreference: 'off' }), { languages: ['fr-FR', 'en-US', 'de'], audio: 'off' });
  assert.deepEqual(preferences.parsePreferences({ audioPreference: 'loud' }),
    { languages: [], audio: null });
  assert.equal(preferences.pickLanguage(['fr-CA', 'en'], ['en-US', 'fr-FR']), 'fr-FR');
  assert.equal(preferences.pickLanguage(['DE'], ['de']), 'de');
  assert.equal(preferences.pickLanguage(['es'], ['en']), null);
});

/** A window whose fetch() answers with `answer(method, url, body)` -> [status, json]. */
function lmsWindow(answer) {
  const requests = [];
  const win = {
    location: { search: QUERY },
    crypto: { getRandomValues: (bytes) => bytes.fill(7) },
    setTimeout, clearTimeout,
    requests,
    fetch(url, options) {
      const body = options.body === undefined ? undefined : JSON.parse(options.body);
      requests.push({ method: options.method, url, body, keepalive: options.keepalive,
        auth: options.headers && options.headers.Authorization });
      const [status, json] = answer(options.method, url, body);
      return Promise.resolve({ ok: status >= 200 && status < 300, status,
        json: () => Promise.resolve(json), text: () => Promise.resolve(JSON.stringify(json)) });
    },
  };
  return win;
}

function normalLms(overrides) {
  return (method, url, body) => {
    const custom = overrides && overrides(method, url, body);
    if (custom) {
      return custom;
    }
    if (url.startsWith('http://lms.test/token')) {
      return [200, { 'auth-token': 'tok' }];
    }
    if (url.includes('stateId=LMS.LaunchData')) {
      return [200, { contextTemplate: TEMPLATE, launchMode: 'Normal', masteryScore: 0.8,
        returnURL: 'http://lms.test/back' }];
    }
    if (method === 'GET') {
      return [404, {}];
    }
    return [204, null];
  };
}

async function settle(transport) {
  for (let k = 0; k < 50 && (transport.sending || transport.pending); k += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

test('cmi5 start: token, LaunchData, preferences, state, then initialized', async () => {
  const win = lmsWindow(normalLms());
  const transport = cmi5.create(win);
  const info = await transport.start();
  assert.equal(info.ok, true);
  assert.deepEqual([info.mode, info.masteryScore, info.completion, info.resume],
    ['normal', 0.8, 'not attempted', false]);
  const seen = win.requests.map((r) => r.method + ' ' + r.url.split('?')[0] +
    (r.url.includes('stateId=') ? ' ' + new URL(r.url).searchParams.get('stateId') : ''));
  assert.deepEqual(seen, ['POST http://lms.test/token', 'GET http://lms.test/xapi/activities/state LMS.LaunchData',
    'GET http://lms.test/xapi/agents/profile', 'GET http://lms.test/xapi/activities/state scormkit.state',
    'POST http://lms.test/xapi/statements']);
  assert.equal(win.requests[4].body.verb.id, 'http://adlnet.gov/expapi/verbs/initialized');
  assert.equal(win.requests[4].auth, 'Basic tok');
  assert.equal(win.requests[0].auth, undefined, 'no token before it was fetched');
});

test('cmi5: completed once per registration, passed with the score, terminated at exit', async () => {
  const win = lmsWindow(normalLms());
  const transport = cmi5.create(win);
  await transport.start();
  win.requests.splice(0);
  assert.equal(transport.setCompletion('completed'), true);
  assert.equal(transport.setCompletion('completed'), true);
  await settle(transport);
  assert.equal(transport.setScore({ raw: 9, min: 0, max: 10, scaled: 0.9, percent: 90,
    passed: true }), true);
  await settle(transport);
  const outcome = await transport.exit(1000, 2000);
  assert.deepEqual(outcome, { ok: true, code: '', returnURL: 'http://lms.test/back' });
  const verbs = win.requests.filter((r) => r.url.endsWith('/statements'))
    .flatMap((r) => [].concat(r.body)).map((s) => s.verb.display['en-US']);
  assert.deepEqual(verbs, ['completed', 'passed', 'terminated']);
  const put = win.requests.filter((r) => r.method === 'PUT');
  assert.deepEqual(put.at(-1).body, { location: '', suspendData: '', completed: true,
    passed: true });
});

test('cmi5: a refused statement is dropped and the page is told; 5xx is retried', async () => {
  let refuse = false;
  let fail = false;
  const win = lmsWindow(normalLms((method, url) => {
    if (method === 'POST' && url.endsWith('/statements') && refuse) {
      return [403, { violatedReqId: '9.3.0.0-3' }];
    }
    if (method === 'POST' && url.endsWith('/statements') && fail) {
      return [503, {}];
    }
    return null;
  }));
  const transport = cmi5.create(win);
  await transport.start();
  const changes = [];
  transport.onchange = (status) => changes.push(status);
  fail = true;
  transport.setCompletion('completed');
  await settle(transport);
  assert.equal(transport.status, 'retrying');
  assert.equal(transport.outbox.length, 1, 'kept for the next try');
  fail = false;
  refuse = true;
  transport.commit(false);   // the learner did something: try again at once
  await settle(transport);
  assert.equal(transport.status, 'refused');
  assert.equal(transport.refusal, '403, rule 9.3.0.0-3');
  assert.equal(transport.outbox.length, 0);
  assert.deepEqual(changes, ['retrying', 'refused']);
  transport.finish(10);
});

test('cmi5: Browse mode sends no verdicts; the transport needs launch parameters and fetch', async () => {
  const win = lmsWindow(normalLms((method, url) => (url.includes('stateId=LMS.LaunchData') ?
    [200, { contextTemplate: TEMPLATE, launchMode: 'Browse' }] : null)));
  const transport = cmi5.create(win);
  const info = await transport.start();
  assert.equal(info.mode, 'browse');
  assert.equal(transport.send('completed', {}), false);
  assert.equal(transport.recordInteraction({ id: 'q', type: 'true-false' }), false);
  assert.equal(cmi5.create({ location: { search: '' }, fetch() {} }), null);
  assert.equal(cmi5.create({ location: { search: QUERY } }), null);
});
