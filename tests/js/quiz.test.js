'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load, seeded } = require('./runtime');

const attempts = load('quiz/attempt');
const states = load('quiz/state');
const scoring = load('quiz/scoring');
const { interactionFor } = load('quiz/interactions');
const formats = load('quiz/format');
const { MESSAGES } = load('quiz/messages');

/** A quiz as writers/quizpage.py's quiz_data writes it: every kind, and a pool of two. */
const QUIZ = {
  id: 'quiz', title: 'Quiz', passingScore: 80, attempts: 2, timeLimit: null,
  groups: [{ questions: [0], draw: null }, { questions: [1], draw: null },
    { questions: [2], draw: null }, { questions: [3], draw: null },
    { questions: [4], draw: null }, { questions: [5], draw: null },
    { questions: [6], draw: null }, { questions: [7, 8], draw: 1 }],
  questions: [
    { id: 'single', kind: 'single', title: 'S', points: 1, choices: ['a', 'b', 'c'],
      correct: ['b'], pinned: ['c'], shuffle: true, partial: false },
    { id: 'multi', kind: 'multiple', title: 'M', points: 2, choices: ['a', 'b', 'c', 'd'],
      correct: ['a', 'b'], pinned: [], shuffle: true, partial: true },
    { id: 'tf', kind: 'truefalse', title: 'T', points: 1, answer: false },
    { id: 'fill', kind: 'fill', title: 'F', points: 1, case: false, partial: true,
      blanks: [{ id: 'a', answers: ['3', 'three'] }, { id: 'b', answers: ['five'] }] },
    { id: 'num', kind: 'numeric', title: 'N', points: 1, answers: [[10.5, 11.5], [20, 20]] },
    { id: 'match', kind: 'matching', title: 'Ma', points: 3, partial: false, shuffle: true,
      premises: ['a', 'b'], responses: ['c', 'd', 'e'], pairs: { a: 'd', b: 'c' } },
    { id: 'order', kind: 'ordering', title: 'O', points: 1, items: ['a', 'b', 'c'] },
    { id: 'essay', kind: 'essay', title: 'E', points: 2 },
    { id: 'pooled', kind: 'truefalse', title: 'P', points: 1, answer: true },
  ],
};

// --- quiz/attempt --------------------------------------------------------------------------

test('shuffleQuestions: the items come in a random order, a pool\'s questions together', () => {
  const data = { ...QUIZ, shuffleQuestions: true,
    groups: [...QUIZ.groups.slice(0, 7), { questions: [7, 8], draw: null }] };
  const orders = new Set();
  for (let seed = 1; seed <= 200; seed += 1) {
    const presented = attempts.newAttempt(data, 1, seeded(seed), false).entries.map((e) => e.q);
    assert.deepEqual([...presented].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const at = presented.indexOf(7);
    assert.equal(presented[at + 1], 8, 'the pool stays one block, in source order');
    orders.add(presented.join());
  }
  assert.ok(orders.size > 150, `${orders.size} different orders in 200 attempts`);
  assert.deepEqual(attempts.newAttempt(QUIZ, 1, seeded(3), false).entries.slice(0, 7)
    .map((e) => e.q), [0, 1, 2, 3, 4, 5, 6], 'without it: source order');
});

test('a new attempt draws from pools, shuffles around pins, never shows an ordering solved', () => {
  for (let seed = 1; seed <= 200; seed += 1) {
    const attempt = attempts.newAttempt(QUIZ, 1, seeded(seed), false);
    assert.equal(attempt.phase, 'a');
    const presented = attempt.entries.map((e) => e.q);
    assert.deepEqual(presented.slice(0, 7), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(presented.length, 8);
    assert.ok(presented[7] === 7 || presented[7] === 8);
    assert.equal(attempt.entries[0].order[2], 'c', 'a pinned choice keeps its place');
    assert.deepEqual([...attempt.entries[0].order].sort(), ['a', 'b', 'c']);
    assert.notDeepEqual(attempt.entries[6].order, ['a', 'b', 'c']);
    assert.equal(attempt.entries[2].order, null);
  }
  assert.equal(attempts.newAttempt(QUIZ, 1, seeded(1), true).phase, 's', 'a timed quiz waits');
});

test('empty answers have the shape each kind saves', () => {
  assert.deepEqual(QUIZ.questions.map((q) => attempts.emptyAnswer(q)),
    ['', [], null, ['', ''], '', ['', ''], null, '', null]);
});

// --- quiz/state ----------------------------------------------------------------------------

test('the saved state round-trips, escaping what suspend_data must not hold', () => {
  const state = { attempt: 2, phase: 'a', started: 1700000000, entries: [
    { q: 0, order: ['c', 'a', 'b'], answer: 'a' },
    { q: 3, order: null, answer: ['x,y:z~*%;|', 'é\n'] },
    { q: 5, order: ['e', 'd', 'c'], answer: ['d', ''] },
    { q: 7, order: null, answer: 'line 1\nline 2, done' },
  ] };
  const text = states.encodeState(QUIZ, state);
  assert.ok(!/[;|%\n]/.test(text), text);
  assert.ok(text.startsWith('1:' + states.fingerprint(QUIZ) + ':2:a:' +
    (1700000000).toString(36) + ':0!cab~a,3~'), text);
  assert.deepEqual(states.decodeState(QUIZ, text), state);
});

test('limits shorten texts and can drop answers but keep the draw and orders', () => {
  const state = { attempt: 1, phase: 'a', started: null, entries: [
    { q: 0, order: ['b', 'a', 'c'], answer: 'b' }, { q: 7, order: null, answer: 'long essay' },
    { q: 4, order: null, answer: '10.75' }] };
  assert.equal(states.encodeState(QUIZ, state, { essay: 4, text: 2 }).split(':')[5],
    '0!bac~b,7~long,4~10');
  assert.equal(states.encodeState(QUIZ, state, { answers: false }).split(':')[5], '0!bac,7,4');
});

test('state of another quiz, another version or damaged is discarded', () => {
  const good = states.encodeState(QUIZ, { attempt: 1, phase: 'r', started: null,
    entries: [{ q: 2, order: null, answer: true }] });
  assert.ok(states.decodeState(QUIZ, good));
  const edited = JSON.parse(JSON.stringify(QUIZ));
  edited.questions[0].correct = ['a'];
  for (const [data, text] of [[edited, good], [QUIZ, good.replace(/^1:/, '2:')],
    [QUIZ, '1:zz:1:a::0'], [QUIZ, good.replace(':r:', ':x:')],
    [QUIZ, good.replace(/:2~t$/, ':0!abd~a')], [QUIZ, good + ',2'], [QUIZ, '']]) {
    assert.equal(states.decodeState(data, text), null, text);
  }
});

// --- quiz/scoring --------------------------------------------------------------------------

function score(index, answer, order) {
  return scoring.scoreQuestion(QUIZ.questions[index], { answer, order: order || null });
}

test('scoring rules of docs/quiz-format.md', () => {
  assert.deepEqual(score(0, 'b'), { points: 1, exact: 1, max: 1, result: 'correct',
    answered: true, partial: false });
  assert.equal(score(1, ['a', 'c']).points, 0, 'partial credit: (R - W) / C, not below 0');
  assert.deepEqual([score(1, ['a']).points, score(1, ['a']).partial], [1, true]);
  assert.equal(score(2, false).result, 'correct');
  assert.equal(score(2, null).answered, false);
  assert.equal(score(3, ['  THREE ', 'Five']).result, 'correct', 'spaces collapsed, case ignored');
  assert.equal(score(3, ['3', 'six']).points, 0.5);
  assert.equal(score(4, '11.5').result, 'correct');
  assert.equal(score(4, '20').result, 'correct');
  assert.equal(score(4, '12').result, 'incorrect');
  assert.equal(score(4, 'eleven').answered, false);
  assert.equal(score(5, ['d', 'd']).points, 0, 'all or nothing');
  assert.equal(score(5, ['d', 'c']).points, 3);
  assert.equal(score(6, null, ['a', 'b', 'c']).result, 'correct');
  assert.deepEqual(score(7, 'text'), { points: 0, exact: 0, max: 2, result: 'neutral', answered: true,
    partial: false }, 'the essay rule: 0 until a person grades it, its points in the maximum');
});

test('an attempt scores 100 * points / the maximum of what it presents', () => {
  const state = { entries: [{ q: 0, order: null, answer: 'b' },
    { q: 1, order: null, answer: ['a'] }, { q: 7, order: null, answer: '' }] };
  const result = scoring.scoreAttempt(QUIZ, state);
  assert.deepEqual([result.points, result.max, result.percent], [2, 5, 40],
    'the essay\'s 2 points are part of the maximum');
  assert.equal(scoring.scoreAttempt(QUIZ, { entries: [{ q: 7, order: null, answer: 'x' }] })
    .percent, 0, 'only an essay: 0 % until a person grades it');
  assert.equal(scoring.scoreAttempt(QUIZ, { entries: [] }).percent, null, 'nothing presented');
  assert.equal(scoring.parseNumber(' -1.5e2 '), -150);
  assert.equal(scoring.parseNumber('1,5'), null);
});

// --- quiz/interactions ---------------------------------------------------------------------

test('each kind becomes the tracker\'s structured interaction', () => {
  const at = new Date(0);
  const of = (index, answer, order) => {
    const entry = { answer, order: order || null };
    return interactionFor(QUIZ.questions[index], entry,
      scoring.scoreQuestion(QUIZ.questions[index], entry), 12.5, at);
  };
  assert.deepEqual(of(1, ['b', 'a']), { id: 'multi', description: 'M', result: 'correct',
    weighting: 2, latencySeconds: 12.5, time: at, type: 'choice', correct: ['a', 'b'],
    response: ['a', 'b'] });
  assert.deepEqual([of(3, ['three ', 'x']).type, of(3, [' three  ', 'x']).response],
    ['fill-in', ['three', 'x']]);
  assert.deepEqual(of(4, '11').correct, { min: 10.5, max: 11.5 });
  assert.deepEqual(of(5, ['d', '']).response, [['a', 'd']]);
  assert.deepEqual(of(6, null, ['c', 'b', 'a']).response, ['c', 'b', 'a']);
  assert.equal(of(7, '').response, undefined, 'nothing answered, nothing sent');
  assert.equal(of(7, 'essay').type, 'long-fill-in');
  assert.equal(of(2, null).response, undefined);
});

// --- quiz/format, quiz/messages ------------------------------------------------------------

test('clock, points and spoken durations', () => {
  assert.deepEqual([0, 5.2, 65, 3599, 3600, 3725, -4].map(formats.formatClock),
    ['0:00', '0:06', '1:05', '59:59', '1:00:00', '1:02:05', '0:00']);
  assert.equal(formats.formatPoints(1, MESSAGES), '1 point');
  assert.equal(formats.formatPoints(2.505, MESSAGES), '2.51 points');
  assert.equal(formats.spokenDuration(89, MESSAGES), '1 minute');
  assert.equal(formats.spokenDuration(300, MESSAGES), '5 minutes');
});

test('fill-in interactions: one different accepted answer per blank, the case rule', () => {
  const q = { id: 'f', kind: 'fill', points: 1, case: false, blanks: [
    { id: 'a', answers: ['cat', 'kitten'] }, { id: 'b', answers: ['Cat', 'feline'] }] };
  const entry = { answer: ['', ''] };
  const result = { result: 'incorrect', answered: false };
  assert.deepEqual(interactionFor(q, entry, result, null).correct, ['cat', 'feline'],
    'equal ignoring case: the second blank gives its next answer');
  assert.deepEqual(interactionFor({ ...q, case: true }, entry, result, null).correct,
    ['cat', 'Cat']);
  assert.equal(interactionFor({ ...q, case: true }, entry, result, null).caseMatters, true);
  const same = { ...q, blanks: [{ id: 'a', answers: ['cat'] }, { id: 'b', answers: ['cat'] }] };
  assert.equal(interactionFor(same, entry, result, null).correct, undefined,
    'no way to tell them apart: no pattern');
});

test('passed: points x 100 >= passing x maximum before rounding the percentage', () => {
  // 2999.9 of 3750 points is 79.9973 %, shown as 80 %: it does not pass 80.
  const attempt = { points: 2999.9, exact: 2999.9, max: 3750, percent: 80 };
  assert.equal(scoring.passedAt(attempt, 80), false);
  assert.equal(scoring.passedAt({ ...attempt, exact: 3000 }, 80), true);
  assert.equal(scoring.passedAt({ ...attempt, exact: 0.1 + 0.2, max: 0.3 * 100 / 100 }, 100), true,
    'floating-point error is not a shortfall');
  assert.equal(scoring.passedAt(attempt, null), null);
  assert.equal(scoring.passedAt({ ...attempt, percent: null }, 80), null);
});
