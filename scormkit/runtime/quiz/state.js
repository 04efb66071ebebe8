/*
 * quiz/state: the quiz's saved state as a string (kept by the tracker in suspend_data, under
 * the key "quiz"), and back.
 *
 * Saved state (tracker.saveState("quiz", ...), suspend_data; format version 1):
 *
 *     "1:" FINGERPRINT ":" ATTEMPT ":" PHASE ":" STARTED ":" ENTRY ("," ENTRY)*
 *
 *   FINGERPRINT  FNV-1a of the questions' ids, types and sizes, base 36: any other quiz (an
 *                edited one) discards the state.
 *   ATTEMPT      attempt number, base 36.
 *   PHASE        "s" waiting for Start (timed quiz), "a" answering, "r" submitted (result).
 *   STARTED      when the attempt was first shown (Start pressed), Unix seconds in base 36;
 *                empty before that.
 *   ENTRY        one per presented question, in presented order:
 *                INDEX ["!" ORDER] ["~" ANSWER]
 *                INDEX: the question's index in the quiz JSON, base 36; ORDER: the shown
 *                order of choices (matching: responses; ordering: the items as arranged now)
 *                as one-letter ids; ANSWER: single "b", multiple "ac", true/false "t" | "f",
 *                matching one letter per premise ("-" unanswered), fill-in the blanks' texts
 *                joined by "~", numeric and essay the text. Texts are escaped: * , : ~ ! % ; |
 *                and control characters become "*" + two hex digits.
 *   Example (the example quiz, three questions answered): "1:1jcxrry:1:a:tp2qcj:
 *   0!ebadfc~abcd,1!dbca~b,2!bcad,3!abcd,...,a~3~five,..." (question 0 shows its choices in
 *   the order e b a d f c with a-d ticked; question 10 has "3" and "five" in its blanks).
 *   Measured on the example quiz (17 questions presented): 106 characters before any answer,
 *   about 175 with every question answered, plus the essay text; at most about 1250 without
 *   the essay (every blank and number at its 100-character cap, all escaped). When
 *   suspend_data would exceed the budget (4096 in SCORM 1.2, shared with the lesson bitset),
 *   essay texts are cut first, then other texts, then the answers are dropped (the draw and
 *   orders are kept).
 */
'use strict';

var attempts = require('./attempt');
var fnv1a = require('../util/hash').fnv1a;

var orderIds = attempts.orderIds;
var emptyAnswer = attempts.emptyAnswer;

var STATE_VERSION = '1';

function shapeOf(q) {
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return q.choices.join('') + '/' + q.correct.join('');
    case 'matching':
      return q.premises.join('') + '/' + q.responses.join('');
    case 'ordering':
      return q.items.join('');
    case 'fill':
      return String(q.blanks.length);
    case 'numeric':
      return String(q.answers.length);
    default:
      return '';
  }
}

function fingerprint(data) {
  return fnv1a(data.questions.map(function (q) {
    return q.id + ' ' + q.kind + ' ' + shapeOf(q);
  }).join('\n'));
}

function escapeText(text) {
  // Control characters are escaped on purpose (ENTRY in the header above).
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[*,:~!%;|\u0000-\u001f\u007f]/g, function (c) {
    var code = c.charCodeAt(0).toString(16);
    return '*' + (code.length < 2 ? '0' : '') + code;
  });
}

function unescapeText(text) {
  return text.replace(/\*([0-9a-f]{2})/g, function (all, hex) {
    return String.fromCharCode(parseInt(hex, 16));
  });
}

function cut(text, max) {
  return typeof max === 'number' && text.length > max ? text.slice(0, max) : text;
}

/**
 * The state as a string. limits (optional): {essay: max characters of essay texts, text:
 * max characters of other texts, answers: false to drop every answer}.
 */
function encodeState(data, state, limits) {
  limits = limits || {};
  var entries = state.entries.map(function (entry) {
    var q = data.questions[entry.q];
    var out = entry.q.toString(36);
    if (entry.order) {
      out += '!' + entry.order.join('');
    }
    if (limits.answers === false) {
      return out;
    }
    var answer = '';
    switch (q.kind) {
      case 'single':
        answer = entry.answer || '';
        break;
      case 'multiple':
        answer = entry.answer.join('');
        break;
      case 'truefalse':
        answer = entry.answer === null ? '' : (entry.answer ? 't' : 'f');
        break;
      case 'matching':
        answer = entry.answer.map(function (id) { return id || '-'; }).join('');
        answer = /^-*$/.test(answer) ? '' : answer;
        break;
      case 'fill':
        answer = entry.answer.map(function (text) {
          return escapeText(cut(text, limits.text));
        }).join('~');
        answer = /^~*$/.test(answer) ? '' : answer;
        break;
      case 'numeric':
        answer = escapeText(cut(entry.answer, limits.text));
        break;
      case 'essay':
        answer = escapeText(cut(entry.answer, limits.essay));
        break;
      default:
        answer = '';
    }
    return answer ? out + '~' + answer : out;
  });
  return [STATE_VERSION, fingerprint(data), state.attempt.toString(36), state.phase,
    state.started === null ? '' : state.started.toString(36), entries.join(',')].join(':');
}

function isPermutation(order, ids) {
  return order.length === ids.length && ids.every(function (id) {
    return order.indexOf(id) !== -1;
  });
}

/** Parse a saved state; null when it is not ours, not this quiz's, or damaged. */
function decodeState(data, text) {
  var parts = String(text || '').split(':');
  if (parts.length !== 6 || parts[0] !== STATE_VERSION || parts[1] !== fingerprint(data)) {
    return null;
  }
  var attempt = parseInt(parts[2], 36);
  var phase = parts[3];
  var started = parts[4] === '' ? null : parseInt(parts[4], 36);
  if (!(attempt >= 1) || 'sar'.indexOf(phase) === -1 || phase.length !== 1 ||
      (started !== null && !(started > 0))) {
    return null;
  }
  var seen = {};
  var entries = [];
  var chunks = parts[5] === '' ? [] : parts[5].split(',');
  for (var k = 0; k < chunks.length; k += 1) {
    var match = /^([0-9a-z]+)(?:!([a-z]+))?(?:~(.*))?$/.exec(chunks[k]);
    if (!match) {
      return null;
    }
    var index = parseInt(match[1], 36);
    var q = data.questions[index];
    if (!q || seen[index]) {
      return null;
    }
    seen[index] = true;
    var ids = orderIds(q);
    var order = match[2] ? match[2].split('') : null;
    if (order && (!ids || !isPermutation(order, ids))) {
      return null;
    }
    if (!order && q.kind === 'ordering') {
      order = q.items.slice();
    }
    var raw = match[3] === undefined ? '' : match[3];
    var answer = emptyAnswer(q);
    switch (q.kind) {
      case 'single':
        if (raw && q.choices.indexOf(raw) === -1) {
          return null;
        }
        answer = raw;
        break;
      case 'multiple':
        answer = raw.split('').filter(function (id) { return q.choices.indexOf(id) !== -1; });
        break;
      case 'truefalse':
        answer = raw === 't' ? true : (raw === 'f' ? false : null);
        break;
      case 'matching':
        if (raw) {
          answer = q.premises.map(function (premise, i) {
            var id = raw.charAt(i);
            return q.responses.indexOf(id) !== -1 ? id : '';
          });
        }
        break;
      case 'fill':
        if (raw) {
          var texts = raw.split('~');
          answer = q.blanks.map(function (blank, i) {
            return texts[i] === undefined ? '' : unescapeText(texts[i]);
          });
        }
        break;
      case 'numeric':
      case 'essay':
        answer = unescapeText(raw);
        break;
      default:
        break;
    }
    entries.push({ q: index, order: order, answer: answer });
  }
  if (!entries.length) {
    return null;
  }
  return { attempt: attempt, phase: phase, started: started, entries: entries };
}

module.exports = {
  fingerprint: fingerprint,
  encodeState: encodeState,
  decodeState: decodeState
};
