'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./runtime');

const { fnv1a } = load('util/hash');
const number = load('util/number');
const text = load('util/text');
const { toArray } = load('util/dom');
const values = load('util/values');

test('fnv1a: the FNV-1a 32-bit offset basis and a known vector, in base 36', () => {
  assert.equal(fnv1a(''), (0x811c9dc5).toString(36));
  assert.equal(fnv1a('a'), (0xe40c292c).toString(36));
  assert.equal(fnv1a('foobar'), (0xbf9cf968).toString(36));
  assert.notEqual(fnv1a('a\nb'), fnv1a('b\na'));
});

test('pad, clamp and formatDecimal', () => {
  assert.equal(number.pad(7, 3), '007');
  assert.equal(number.pad(12345, 3), '12345');
  assert.equal(number.clamp(-2, -1, 1), -1);
  assert.equal(number.clamp(0.5, -1, 1), 0.5);
  assert.equal(number.clamp(3, -1, 1), 1);
  assert.deepEqual(
    [0.5, 1e-9, 2, -0.0000001, 1 / 3, NaN, null, true, '', 1e21, '2.50'].map(
      (v) => number.formatDecimal(v, 7)),
    ['0.5', '0', '2', '-0.0000001', '0.3333333', null, null, null, null, null, '2.5']);
  assert.equal(number.formatDecimal(12.345, 2), '12.35');
  assert.equal(number.formatDecimal(-0.0000000001, 7), '0', 'no negative zero');
});

test('round and roundPoints differ on purpose on ties that binary floats miss', () => {
  assert.equal(number.round(1.005, 2), 1);        // 1.005 is 1.00499999... in binary
  assert.equal(number.roundPoints(1.005, 2), 1.01);
  assert.equal(number.round(2 / 3, 7), 0.6666667);
  assert.equal(number.roundPoints(2 / 3, 4), 0.6667);
  assert.equal(number.round(85, 2), 85);
});

test('truncate never splits a surrogate pair; oneLine removes every line break', () => {
  assert.equal(text.truncate('ab\ud83d\ude00cd', 3), 'ab');
  assert.equal(text.truncate('ab\ud83d\ude00cd', 4), 'ab\ud83d\ude00');
  assert.equal(text.truncate('abc', 10), 'abc');
  assert.equal(text.truncate(42, 1), '4');
  assert.equal(text.oneLine('a\r\nb\rc\nd\u2028e\u2029f'), 'a b c d e f');
});

test('messagesFrom keeps English for missing or non-string texts; format fills placeholders', () => {
  const defaults = { hello: 'Hello {name}', bye: 'Bye' };
  assert.deepEqual(text.messagesFrom(defaults, { hello: 'Bonjour {name}', bye: 3, extra: 'x' }),
    { hello: 'Bonjour {name}', bye: 'Bye' });
  assert.deepEqual(text.messagesFrom(defaults, null), defaults);
  assert.equal(text.format('{a} of {b}, {c}', { a: 1, b: 'two' }), '1 of two, {c}');
  assert.equal(text.format('{toString}', {}), '{toString}', 'only own values are used');
});

test('toArray copies array-likes', () => {
  const list = { length: 2, 0: 'x', 1: 'y' };
  assert.deepEqual(toArray(list), ['x', 'y']);
});

test('copyJson copies deeply; whenDone handles values and promises alike', async () => {
  const original = { a: [1, { b: 2 }] };
  const copy = values.copyJson(original);
  assert.deepEqual(copy, original);
  copy.a[1].b = 3;
  assert.equal(original.a[1].b, 2);
  assert.equal(values.copyJson(undefined), undefined);
  assert.equal(values.whenDone(2, (v) => v * 3), 6);
  assert.equal(await values.whenDone(Promise.resolve(2), (v) => v * 3), 6);
});
