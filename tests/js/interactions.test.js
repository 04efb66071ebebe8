'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const { normalizeInteraction, guardBrace, INTERACTION_TYPES } = load('interactions/normalize');
const { formatInteraction12 } = load('interactions/scorm12');
const { formatInteraction2004 } = load('interactions/scorm2004');
const { formatInteractionXapi } = load('interactions/xapi');

const AT = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 60));

test('normalizeInteraction checks every type and refuses malformed values', () => {
  assert.deepEqual(INTERACTION_TYPES, ['choice', 'true-false', 'fill-in', 'long-fill-in',
    'matching', 'sequencing', 'numeric']);
  const i = normalizeInteraction({ id: 7, type: 'numeric', correct: { min: 1, max: null },
    response: '2.50', result: 'other', weighting: '2', latencySeconds: 1.5, time: AT,
    description: ' Two\nlines ' });
  assert.deepEqual(i, { id: '7', type: 'numeric', description: 'Two lines',
    correct: { min: '1', max: null }, response: 2.5, result: null, weighting: '2',
    latencyMs: 1500, time: AT, caseMatters: false });
  const bad = [null, {}, { id: 'x', type: 'likert' }, { type: 'choice' },
    { id: '', type: 'choice' }, { id: 'x', type: 'choice', response: ['a b'] },
    { id: 'x', type: 'choice', response: 'a' }, { id: 'x', type: 'true-false', response: 'true' },
    { id: 'x', type: 'matching', response: [['a']] }, { id: 'x', type: 'numeric', response: 'x' },
    { id: 'x', type: 'numeric', correct: {} }, { id: 'x', type: 'fill-in', response: 'text' },
    { id: 'x', type: 'sequencing', response: ['a'.repeat(65)] }];
  for (const input of bad) {
    assert.equal(normalizeInteraction(input), null, JSON.stringify(input));
    assert.equal(formatInteraction12(input), null);
    assert.equal(formatInteraction2004(input, {}), null);
    assert.equal(formatInteractionXapi(input, {}), null);
  }
  assert.equal(guardBrace('{lang=en}x'), ' {lang=en}x');
  assert.equal(guardBrace('x{'), 'x{');
});

test('SCORM 1.2: CMIIdentifier ids, "wrong", 255-character texts, CMITimespan latency', () => {
  const f = formatInteraction12({ id: 'q 2.x', type: 'choice', correct: ['a', 'c'],
    response: ['b'], result: 'incorrect', weighting: 1.5, latencySeconds: 65.2, time: AT });
  assert.equal(f.id, 'q_2_x');
  assert.deepEqual([f.type, f.pattern, f.response, f.result, f.weighting, f.latency],
    ['choice', '{a,c}', 'b', 'wrong', '1.5', '0000:01:05.20']);
  assert.match(f.time, /^\d\d:\d\d:\d\d$/);
  const long = formatInteraction12({ id: 'q', type: 'long-fill-in', response: 'y'.repeat(300) });
  assert.deepEqual([long.type, long.response.length, long.pattern], ['fill-in', 255, null]);
  assert.equal(formatInteraction12({ id: 'q', type: 'true-false', correct: false }).pattern, 'f');
  assert.equal(formatInteraction12({ id: 'q', type: 'matching',
    correct: [['1', 'a'], ['2', 'c']] }).pattern, '1.a,2.c');
  const range = formatInteraction12({ id: 'q', type: 'numeric', correct: { min: 1, max: 3 },
    response: -3 });
  assert.deepEqual([range.pattern, range.response], [null, '-3'], 'no pattern for a range');
});

test('SCORM 2004: URN ids, delimiters, caps and guarded braces', () => {
  const f = formatInteraction2004({ id: 'q1', type: 'fill-in', correct: ['one', 'two[,]three'],
    response: ['x'.repeat(300), '{brace}'], description: 'Which\r\nones?', latencySeconds: 65.2,
    time: AT }, { courseId: 'my course' });
  assert.equal(f.id, 'urn:scormkit:my%20course:q1');
  assert.equal(f.pattern, 'one[,]two,three');
  const blanks = f.response.split('[,]');
  assert.deepEqual([blanks[0].length, blanks[1]], [250, ' {brace}']);
  assert.deepEqual([f.description, f.latency, f.timestamp],
    ['Which ones?', 'PT1M5.2S', '2025-01-02T03:04:05.06Z']);
  assert.equal(formatInteraction2004({ id: 'q', type: 'numeric', correct: { min: null, max: 10 } },
    {}).pattern, '[:]10');
  assert.equal(formatInteraction2004({ id: 'q', type: 'choice', response: [] }, {}).response, null);
  assert.equal(formatInteraction2004({ id: 'q', type: 'long-fill-in', response: 'z'.repeat(5000) },
    {}).response.length, 4000);
});

test('xAPI: cmi.interaction activities, no length caps, exact numeric as one value', () => {
  const out = formatInteractionXapi({ id: 'q 1/é', type: 'numeric', correct: { min: 7, max: 7 },
    response: 7, result: 'correct', latencySeconds: 12.5, description: 'Which?' },
  { courseId: 'c-1', language: 'fr' });
  assert.deepEqual(out, {
    object: {
      id: 'https://scormkit.invalid/courses/c-1/questions/q%201%2F%C3%A9',
      objectType: 'Activity',
      definition: { type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'numeric', name: { fr: 'Which?' }, correctResponsesPattern: ['7'] },
    },
    result: { response: '7', success: true, duration: 'PT12.5S' },
  });
  const text = formatInteractionXapi({ id: 'q', type: 'long-fill-in', response: 'w'.repeat(5000),
    result: 'neutral' }, {});
  assert.equal(text.result.response.length, 5000);
  assert.equal('success' in text.result, false, 'neutral: no success');
  assert.equal(text.object.definition.name, undefined);
  assert.equal(text.object.id, 'https://scormkit.invalid/courses/course/questions/q');
});

test('fill-in: "[,]" between blanks in SCORM 1.2 too, case_matters, no duplicate pattern', () => {
  const two = { id: 'q', type: 'fill-in', correct: ['a,b', 'c[,]d'], response: ['x', 'y'] };
  const f12 = formatInteraction12(two);
  assert.deepEqual([f12.pattern, f12.response], ['a,b[,]c,d', 'x[,]y'],
    'a "," in a blank is not read as a boundary');
  assert.equal(formatInteraction12({ id: 'q', type: 'fill-in', correct: ['one'] }).pattern, 'one');
  const cased = { id: 'q', type: 'fill-in', correct: ['Paris', 'Rome'], caseMatters: true };
  assert.equal(formatInteraction2004(cased, {}).pattern, '{case_matters=true}Paris[,]Rome');
  assert.deepEqual(formatInteractionXapi(cased, {}).object.definition.correctResponsesPattern,
    ['{case_matters=true}Paris[,]Rome']);
  assert.equal(formatInteraction2004({ ...cased, caseMatters: false }, {}).pattern, 'Paris[,]Rome');
  assert.equal(formatInteraction2004({ id: 'q', type: 'fill-in', correct: ['cat', 'cat'] }, {})
    .pattern, null, 'two equal strings: SCORM 2004 has no valid pattern for them');
});
