/*
 * tracking/suspend-data: the suspend_data codec (which lessons were viewed, and the strings
 * saveState() keeps), within the standard's length budget.
 *
 * suspend_data format, version 1:
 *
 *     "v1|" FINGERPRINT "|" BITS [ "|" STATE ]
 *
 *   FINGERPRINT  FNV-1a 32-bit hash of this SCO's lesson ids joined by "\n", in base 36
 *                (1-7 characters). When it differs on resume the lesson list has changed
 *                (lessons added, removed or reordered): the viewed set is then ignored rather
 *                than credited to the wrong lessons. The bookmark is a lesson id and still works.
 *   BITS         the viewed lessons as a bitset, six lessons per character, in the base64url
 *                alphabet "A-Z a-z 0-9 - _": character k holds lessons 6k..6k+5 (in the
 *                order of runtime_config.lessons), lesson 6k+j in bit j (value 1 << j).
 *                Trailing "A" characters (six unviewed lessons) are dropped: "" = none viewed.
 *   STATE        only when saveState() was used: KEY "=" VALUE pairs joined by ";", keys
 *                sorted, KEY [A-Za-z0-9_.-]{1,64}; in VALUE "%", ";" and "|" are written
 *                %25, %3B and %7C. Kept whatever the fingerprint says.
 *
 * Example: 4 lessons, the first two viewed -> "v1|<fingerprint>|D" (D = 3 = bits 0 and 1);
 * with saveState("quiz", "a;b") -> "v1|<fingerprint>|D|quiz=a%3Bb".
 * Without STATE the length is 4 + 7 + ceil(n / 6) at most: 500 lessons take at most 95
 * characters. SCORM 1.2 allows 4096 (CMIString4096); if a course ever had more than ~24,500
 * lessons the bitset is cut to fit and the lessons past the cut read as not viewed. STATE is
 * only added when everything fits (saveState refuses otherwise). Nothing longer is ever sent.
 */
'use strict';

var fnv1a = require('../util/hash').fnv1a;

var SUSPEND_DATA_LIMIT = 4096;
var LOCATION_LIMIT = 255;
var BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
var STATE_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** The FINGERPRINT of a lesson list. */
function fingerprint(ids) {
  return fnv1a(ids.join('\n'));
}

function escapeStateValue(value) {
  return String(value).replace(/[%;|]/g, function (c) {
    return c === '%' ? '%25' : (c === ';' ? '%3B' : '%7C');
  });
}

function unescapeStateValue(value) {
  return value.replace(/%(25|3B|7C)/g, function (all, code) {
    return code === '25' ? '%' : (code === '3B' ? ';' : '|');
  });
}

/** The STATE section for `state` (an object of strings), "" when there is nothing to keep. */
function encodeState(state) {
  if (!state || typeof state !== 'object') {
    return '';
  }
  return Object.keys(state).sort().filter(function (key) {
    return STATE_KEY.test(key) && typeof state[key] === 'string';
  }).map(function (key) {
    return key + '=' + escapeStateValue(state[key]);
  }).join(';');
}

function decodeState(text) {
  var state = {};
  String(text || '').split(';').forEach(function (entry) {
    var at = entry.indexOf('=');
    var key = at === -1 ? '' : entry.slice(0, at);
    if (STATE_KEY.test(key)) {
      state[key] = unescapeStateValue(entry.slice(at + 1));
    }
  });
  return state;
}

function encodeParts(lessonIds, viewed, maxLength, state) {
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
  var text = (head + bits).slice(0, Math.max(0, limit));
  var section = encodeState(state);
  var fits = section === '' || text.length + 1 + section.length <= limit;
  if (section !== '' && fits) {
    text += '|' + section;
  }
  return { text: text, stateFits: fits };
}

/**
 * Encode which of `lessonIds` are viewed (`viewed[i]` truthy), and `state` (optional object
 * of strings), as suspend_data of at most `maxLength` characters (default 4096).
 */
function encodeSuspendData(lessonIds, viewed, maxLength, state) {
  return encodeParts(lessonIds, viewed, maxLength, state).text;
}

/** Whether `state` fits next to the bitset within `maxLength`. */
function suspendDataFits(lessonIds, viewed, maxLength, state) {
  return encodeParts(lessonIds, viewed, maxLength, state).stateFits;
}

/**
 * Decode suspend_data written by encodeSuspendData for `lessonIds`.
 * Returns null when `text` is not ours (empty, another format or a newer version), else
 * {version: 1, matches: fingerprint equal, viewed: array of booleans (all false if !matches),
 *  state: object of strings}.
 */
function decodeSuspendData(text, lessonIds) {
  var match = /^v1\|([0-9a-z]{1,7})\|([A-Za-z0-9_-]*)(?:\|([\s\S]*))?$/.exec(String(text || ''));
  if (!match) {
    return null;
  }
  var matches = match[1] === fingerprint(lessonIds);
  var viewed = [];
  for (var i = 0; i < lessonIds.length; i += 1) {
    var value = BASE64URL.indexOf(match[2].charAt(Math.floor(i / 6)));
    viewed.push(matches && value > 0 && (value & (1 << (i % 6))) !== 0);
  }
  return { version: 1, matches: matches, viewed: viewed, state: decodeState(match[3]) };
}

module.exports = {
  SUSPEND_DATA_LIMIT: SUSPEND_DATA_LIMIT,
  LOCATION_LIMIT: LOCATION_LIMIT,
  STATE_KEY: STATE_KEY,
  fingerprint: fingerprint,
  encodeSuspendData: encodeSuspendData,
  suspendDataFits: suspendDataFits,
  decodeSuspendData: decodeSuspendData
};
