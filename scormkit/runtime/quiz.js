/*
 * scormkit quiz player: scores the course's quiz in the browser and reports it through
 * window.scormkit.tracker (scormkit.js), whatever the standard (SCORM 1.2, SCORM 2004, cmi5).
 *
 * Plain ES2015 in one file: no modules, no build step, no eval, no network requests, no
 * markup built from strings. The page (templates/_shared/quiz.html.j2) already holds every
 * question, pooled ones too, and every feedback text, hidden; this script only shows, hides,
 * reorders and fills in what is there. The quiz itself (answer key included: a quiz scored in
 * the browser cannot hide it) is the JSON in <script id="scormkit-quiz">, written by
 * scormkit/writers/quizpage.py (quiz_data).
 *
 * Scoring (docs/quiz-format.md states the rules for authors; README "Completion and success"):
 *   single, true/false, numeric, ordering: all or nothing. Numeric: any accepted answer
 *     (exact, +- tolerance or range, all stored as [low, high]) gives full points.
 *   multiple response: the exact set; with partial credit points * max(0, (R - W) / C).
 *   fill in the blank: spaces collapsed, case ignored unless the question says otherwise, any
 *     accepted answer; all blanks right, or with partial credit points / blanks per right one.
 *   matching: all pairs right, or with partial credit points / pairs per right pair.
 *   essay: not scored here (a person grades it in the LMS): 0 points, left out of the maximum,
 *     reported as a "neutral" interaction with its weighting.
 *   score = 100 * points / maximum of the auto-scored questions presented, 2 decimals;
 *   passed = score >= the passing score (the LMS's mastery score when it sends one).
 *
 * Attempts: pools draw their questions and choices are shuffled (pinned ones stay) when an
 * attempt starts; the draw and every order are saved, so a relaunch shows the same quiz.
 * "Try again" is offered while attempts remain and the learner has not passed. Each attempt
 * is reported when submitted (a pass is never downgraded: scormkit.js refuses that).
 *
 * Time limit: the clock starts with the Start button and runs on wall-clock time (leaving the
 * course does not stop it); at zero, or on a relaunch after the deadline, the saved answers
 * are submitted.
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
(function (root) {
  'use strict';

  var STATE_KEY = 'quiz';
  var STATE_VERSION = '1';
  var TEXT_LIMIT = 100;
  var DEBOUNCE_MS = 800;
  var WARN_AT = [300, 60];

  // ------------------------------------------------------------------------------------------
  // 1. Pure functions
  // ------------------------------------------------------------------------------------------

  function fnv(text) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i += 1) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(36);
  }

  /** The ids a question's ORDER permutes (null: the question keeps no order). */
  function orderIds(q) {
    if (q.kind === 'single' || q.kind === 'multiple') {
      return q.choices;
    }
    if (q.kind === 'matching') {
      return q.responses;
    }
    if (q.kind === 'ordering') {
      return q.items;
    }
    return null;
  }

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
    return fnv(data.questions.map(function (q) {
      return q.id + ' ' + q.kind + ' ' + shapeOf(q);
    }).join('\n'));
  }

  function shuffled(list, random) {
    var out = list.slice();
    for (var i = out.length - 1; i > 0; i -= 1) {
      var j = Math.floor(random() * (i + 1));
      var swap = out[i];
      out[i] = out[j];
      out[j] = swap;
    }
    return out;
  }

  /** Shuffle `ids`, keeping every id of `pinned` at its place. */
  function shuffleWithPins(ids, pinned, random) {
    var free = shuffled(ids.filter(function (id) { return pinned.indexOf(id) === -1; }), random);
    var next = 0;
    return ids.map(function (id) {
      if (pinned.indexOf(id) !== -1) {
        return id;
      }
      next += 1;
      return free[next - 1];
    });
  }

  /** A shuffled order that is never the answer (two or more items). */
  function scrambled(ids, random) {
    var order = shuffled(ids, random);
    if (order.length > 1 && order.join() === ids.join()) {
      order = order.slice(1).concat(order.slice(0, 1));
    }
    return order;
  }

  /** Questions (indexes) an attempt presents: every group, pools drawing `draw` at random
   *  (kept in source order). */
  function drawQuestions(data, random) {
    var presented = [];
    data.groups.forEach(function (group) {
      var members = group.questions.slice();
      if (typeof group.draw === 'number' && group.draw < members.length) {
        var picked = shuffled(members, random).slice(0, group.draw);
        members = members.filter(function (index) { return picked.indexOf(index) !== -1; });
      }
      presented = presented.concat(members);
    });
    return presented;
  }

  function initialOrder(q, random) {
    if ((q.kind === 'single' || q.kind === 'multiple') && q.shuffle) {
      return shuffleWithPins(q.choices, q.pinned, random);
    }
    if (q.kind === 'matching' && q.shuffle) {
      return shuffled(q.responses, random);
    }
    if (q.kind === 'ordering') {
      return scrambled(q.items, random);
    }
    return null;
  }

  function emptyAnswer(q) {
    switch (q.kind) {
      case 'multiple':
        return [];
      case 'truefalse':
        return null;
      case 'fill':
        return q.blanks.map(function () { return ''; });
      case 'matching':
        return q.premises.map(function () { return ''; });
      case 'ordering':
        return null;
      default:
        return '';
    }
  }

  /** A fresh attempt: {attempt, phase, started, entries: [{q, order, answer}]}. */
  function newAttempt(data, attempt, random, timed) {
    return {
      attempt: attempt,
      phase: timed ? 's' : 'a',
      started: null,
      entries: drawQuestions(data, random).map(function (index) {
        var q = data.questions[index];
        return { q: index, order: initialOrder(q, random), answer: emptyAnswer(q) };
      })
    };
  }

  function escapeText(text) {
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

  function collapse(text) {
    return String(text).split(/\s+/).filter(Boolean).join(' ');
  }

  function round(value, places) {
    var factor = Math.pow(10, places);
    return Math.round((value + Number.EPSILON) * factor) / factor;
  }

  function parseNumber(text) {
    var trimmed = String(text === null || text === undefined ? '' : text).trim();
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) {
      return null;
    }
    var value = Number(trimmed);
    return isFinite(value) ? value : null;
  }

  /** Whether `entry` holds an answer (orderings always do: the shown order is one). */
  function isAnswered(q, entry) {
    var a = entry.answer;
    switch (q.kind) {
      case 'single':
        return Boolean(a);
      case 'multiple':
        return a.length > 0;
      case 'truefalse':
        return a === true || a === false;
      case 'fill':
      case 'matching':
        return a.some(function (value) { return collapse(value) !== ''; });
      case 'numeric':
        return parseNumber(a) !== null;
      case 'essay':
        return collapse(a) !== '';
      default:
        return true;
    }
  }

  /**
   * Score one presented question: {points, max, result: "correct" | "incorrect" | "neutral",
   * answered, partial (some but not all points)}; essays: max 0, result neutral.
   */
  function scoreQuestion(q, entry) {
    var answered = isAnswered(q, entry);
    var a = entry.answer;
    var share = 0;
    switch (q.kind) {
      case 'single':
        share = a === q.correct[0] ? 1 : 0;
        break;
      case 'multiple':
        var right = a.filter(function (id) { return q.correct.indexOf(id) !== -1; }).length;
        var wrong = a.length - right;
        if (right === q.correct.length && wrong === 0) {
          share = 1;
        } else if (q.partial) {
          share = Math.max(0, (right - wrong) / q.correct.length);
        }
        break;
      case 'truefalse':
        share = a === q.answer ? 1 : 0;
        break;
      case 'fill':
        var good = q.blanks.filter(function (blank, i) {
          var given = collapse(a[i] || '');
          return blank.answers.some(function (accepted) {
            return q.case ? given === accepted : given.toLowerCase() === accepted.toLowerCase();
          });
        }).length;
        share = good === q.blanks.length ? 1 : (q.partial ? good / q.blanks.length : 0);
        break;
      case 'numeric':
        var value = parseNumber(a);
        share = value !== null && q.answers.some(function (range) {
          return range[0] <= value && value <= range[1];
        }) ? 1 : 0;
        break;
      case 'matching':
        var pairs = q.premises.filter(function (premise, i) {
          return a[i] === q.pairs[premise];
        }).length;
        share = pairs === q.premises.length ? 1 : (q.partial ? pairs / q.premises.length : 0);
        break;
      case 'ordering':
        share = entry.order && entry.order.join() === q.items.join() ? 1 : 0;
        break;
      case 'essay':
        return { points: 0, max: 0, result: 'neutral', answered: answered, partial: false };
      default:
        share = 0;
    }
    var points = round(q.points * share, 4);
    return {
      points: points,
      max: q.points,
      result: share === 1 ? 'correct' : 'incorrect',
      answered: answered,
      partial: share > 0 && share < 1
    };
  }

  /** Score an attempt: {points, max, percent (null when nothing is auto-scored), results}. */
  function scoreAttempt(data, state) {
    var points = 0;
    var max = 0;
    var results = state.entries.map(function (entry) {
      var result = scoreQuestion(data.questions[entry.q], entry);
      points += result.points;
      max += result.max;
      return result;
    });
    points = round(points, 4);
    max = round(max, 4);
    return {
      points: points,
      max: max,
      percent: max > 0 ? round(100 * points / max, 2) : null,
      results: results
    };
  }

  /** The structured interaction for tracker.recordInteraction (scormkit.js formats it). */
  function interactionFor(q, entry, result, latencySeconds, time) {
    var a = entry.answer;
    var out = {
      id: q.id,
      description: q.title,
      result: result.result,
      weighting: q.points,
      latencySeconds: latencySeconds,
      time: time
    };
    var answered = result.answered;
    switch (q.kind) {
      case 'single':
      case 'multiple':
        out.type = 'choice';
        out.correct = q.correct.slice();
        if (answered) {
          out.response = q.kind === 'single' ? [a] : a.slice().sort();
        }
        break;
      case 'truefalse':
        out.type = 'true-false';
        out.correct = q.answer;
        if (answered) {
          out.response = a;
        }
        break;
      case 'fill':
        out.type = 'fill-in';
        out.correct = q.blanks.map(function (blank) { return blank.answers[0]; });
        if (answered) {
          out.response = a.map(collapse);
        }
        break;
      case 'numeric':
        out.type = 'numeric';
        out.correct = { min: q.answers[0][0], max: q.answers[0][1] };
        if (answered) {
          out.response = parseNumber(a);
        }
        break;
      case 'matching':
        out.type = 'matching';
        out.correct = q.premises.map(function (premise) { return [premise, q.pairs[premise]]; });
        if (answered) {
          out.response = q.premises.map(function (premise, i) { return [premise, a[i]]; })
            .filter(function (pair) { return pair[1]; });
        }
        break;
      case 'ordering':
        out.type = 'sequencing';
        out.correct = q.items.slice();
        out.response = entry.order.slice();
        break;
      case 'essay':
        out.type = 'long-fill-in';
        if (answered) {
          out.response = a;
        }
        break;
      default:
        return null;
    }
    return out;
  }

  /**
   * The quiz's interface texts in English. The quiz JSON may carry `strings` (the same keys, in
   * the course language, from scormkit/ui_strings.py); a key it lacks stays English.
   */
  var MESSAGES = {
    questionOf: 'Question {n} of {total}',
    position: '{item}: position {n} of {total}.',
    attemptOf: 'Attempt {n} of {total}.',
    started: 'The quiz has started. Time left: {time}.',
    minuteOne: '{n} minute',
    minuteMany: '{n} minutes',
    timeLeft: '{time} left.',
    submit: 'Submit answers',
    submitAnyway: 'Submit anyway',
    missingOne: 'Question {n} is not answered. Answer it, or press Submit anyway.',
    missingMany: 'Questions {list} are not answered. Answer them, or press Submit anyway.',
    submitted: 'Your answers were submitted.',
    score: 'Your score: {percent}% ({points} of {max}).',
    timeUp: 'Time is up: your answers were submitted. {score}',
    passed: 'You passed: the passing score is {passing}%.',
    failed: 'You did not reach the passing score of {passing}%.',
    essayOne: 'Your written answer (question {n}) will be graded by a person and is not part ' +
      'of this score.',
    essayMany: 'Your written answers (questions {list}) will be graded by a person and are not ' +
      'part of this score.',
    retry: 'You can try again.',
    retryOne: 'You can try again: {n} attempt left.',
    retryMany: 'You can try again: {n} attempts left.',
    noAttempts: 'You have no attempts left.',
    essaySubmitted: 'Submitted: a person will grade this answer ({points}).',
    notAnswered: 'Not answered.',
    correct: 'Correct',
    partlyCorrect: 'Partly correct',
    incorrect: 'Incorrect',
    unanswered: 'Not answered',
    result: '{label}: {points} of {max}.',
    pointOne: '{n} point',
    pointMany: '{n} points',
    attemptStarted: 'Attempt {n} of {total} started.',
    attemptStartedOpen: 'Attempt {n} started.'
  };

  /** MESSAGES with the texts of `strings` (an object of strings) in their place. */
  function messagesFrom(strings) {
    var out = {};
    Object.keys(MESSAGES).forEach(function (key) {
      var text = strings && typeof strings === 'object' ? strings[key] : undefined;
      out[key] = typeof text === 'string' ? text : MESSAGES[key];
    });
    return out;
  }

  /** `template` with each {name} replaced by values[name] (unknown names are kept). */
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function formatPoints(value, messages) {
    var rounded = round(value, 2);
    return format(rounded === 1 ? messages.pointOne : messages.pointMany, { n: rounded });
  }

  function formatClock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var hours = Math.floor(s / 3600);
    var minutes = Math.floor((s % 3600) / 60);
    var rest = s % 60;
    var mm = (hours && minutes < 10 ? '0' : '') + minutes;
    return (hours ? hours + ':' : '') + mm + ':' + (rest < 10 ? '0' : '') + rest;
  }

  function spokenDuration(seconds, messages) {
    if (seconds < 90) {
      return format(messages.minuteOne, { n: 1 });
    }
    return format(messages.minuteMany, { n: Math.round(seconds / 60) });
  }

  // ------------------------------------------------------------------------------------------
  // 2. The quiz on the page
  // ------------------------------------------------------------------------------------------

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function nowSeconds() {
    return Math.floor(Date.now() / 1000);
  }

  /** A stand-in used when scormkit.js (the tracker) is missing: the quiz still works. */
  var OFFLINE_TRACKER = {
    ready: function (callback) { callback(OFFLINE_TRACKER); },
    info: function () { return null; },
    reportScore: function () { return false; },
    recordInteraction: function () { return false; },
    saveState: function () { return false; },
    loadState: function () { return null; },
    setProgress: function () { return false; },
    complete: function () { return false; }
  };

  function QuizPlayer(win, section, data) {
    this.win = win;
    this.doc = win.document;
    this.section = section;
    this.data = data;
    this.messages = messagesFrom(data.strings);
    this.timed = typeof data.timeLimit === 'number' && data.timeLimit > 0;
    this.random = Math.random;
    this.tracker = null;
    this.state = null;
    this.fieldsets = {};
    this.confirming = false;
    this.saveTimer = null;
    this.clockTimer = null;
    this.warned = {};
    this.sessionStart = Date.now();
    this.lastScore = null;
    this.saved = '';
    this.saveRefused = false;
    var player = this;
    toArray(section.querySelectorAll('fieldset.sk-question[data-question]')).forEach(
      function (fieldset) {
        player.fieldsets[fieldset.getAttribute('data-question')] = fieldset;
      });
    this.app = section.querySelector('.sk-quiz-app');
    this.form = section.querySelector('.sk-quiz-form');
    this.live = section.querySelector('.sk-quiz-live');
  }

  QuizPlayer.prototype.find = function (selector) {
    return this.section.querySelector(selector);
  };

  QuizPlayer.prototype.announce = function (text) {
    var live = this.live;
    if (!live) {
      return;
    }
    // Clear first so the same message twice is announced twice.
    live.textContent = '';
    this.win.setTimeout(function () { live.textContent = text; }, 50);
  };

  QuizPlayer.prototype.question = function (entry) {
    return this.data.questions[entry.q];
  };

  QuizPlayer.prototype.fieldsetOf = function (entry) {
    return this.fieldsets[this.question(entry).id] || null;
  };

  /** The passing score (percent) the quiz shows: the LMS's mastery score wins. */
  QuizPlayer.prototype.passingScore = function () {
    var info = this.tracker && this.tracker.info ? this.tracker.info() : null;
    if (info && typeof info.masteryScore === 'number') {
      return round(info.masteryScore * 100, 2);
    }
    return typeof this.data.passingScore === 'number' ? this.data.passingScore : null;
  };

  QuizPlayer.prototype.attemptsLeft = function () {
    var limit = this.data.attempts;
    if (typeof limit !== 'number') {
      return Infinity;
    }
    var used = this.state.phase === 'r' ? this.state.attempt : this.state.attempt - 1;
    return Math.max(0, limit - used);
  };

  // --- start-up ---------------------------------------------------------------------------

  QuizPlayer.prototype.start = function (tracker) {
    this.tracker = tracker;
    var saved = decodeState(this.data, tracker.loadState(STATE_KEY));
    var fresh = !saved;
    this.state = saved || newAttempt(this.data, 1, this.random, this.timed);
    var noscript = this.find('.sk-quiz-nojs');
    if (noscript) {
      noscript.setAttribute('hidden', 'hidden');
    }
    this.app.removeAttribute('hidden');
    this.bind();
    this.arrange();
    this.restoreAnswers();
    if (fresh) {
      this.save();
    }
    var loaded = this.state.phase;
    if (tracker.keepOpen) {
      // Until the quiz is over, the attempt must survive an exit (see tracker.keepOpen).
      var info = tracker.info ? tracker.info() : null;
      var over = (info !== null && info.success === 'passed') ||
        (loaded === 'r' && this.attemptsLeft() === 0);
      tracker.keepOpen(!over);
    }
    this.render();
    if (loaded === 'a') {
      this.whenVisible();
      if (this.expired()) {
        this.submit(true);
        return;
      }
      this.runClock();
      if (!fresh && this.hasAnswers()) {
        this.reveal();
      }
    } else if (loaded === 'r') {
      this.showResult(false);
    }
  };

  QuizPlayer.prototype.hasAnswers = function () {
    var player = this;
    return this.state.entries.some(function (entry) {
      var q = player.question(entry);
      return q.kind !== 'ordering' && isAnswered(q, entry);
    }) || this.timed;
  };

  /** Bring the quiz on screen in the single-SCO page (a relaunch in the middle of it). */
  QuizPlayer.prototype.reveal = function () {
    var hook = this.win.scormkit;
    var page = hook && hook.page;
    if (!page || !this.section.classList.contains('sk-lesson') || this.win.location.hash) {
      return;
    }
    if (this.section.hasAttribute('hidden') && typeof page.show === 'function') {
      page.show(this.section.id, {});
    }
  };

  /** Untimed quizzes: the attempt starts when the learner first sees it. */
  QuizPlayer.prototype.whenVisible = function () {
    if (this.timed || this.state.started !== null) {
      return;
    }
    var player = this;
    var section = this.section;
    function check() {
      if (!section.hasAttribute('hidden') && player.state.started === null &&
          player.state.phase === 'a') {
        player.state.started = nowSeconds();
        player.save();
        return true;
      }
      return false;
    }
    if (check() || typeof this.win.MutationObserver !== 'function') {
      return;
    }
    var observer = new this.win.MutationObserver(function () {
      if (check()) {
        observer.disconnect();
      }
    });
    observer.observe(section, { attributes: true, attributeFilter: ['hidden'] });
  };

  // --- arranging the attempt in the page --------------------------------------------------

  /** Show the presented questions (numbered) and put choices in the attempt's order. */
  QuizPlayer.prototype.arrange = function () {
    var player = this;
    var presented = {};
    var total = this.state.entries.length;
    this.state.entries.forEach(function (entry, n) {
      var q = player.question(entry);
      presented[q.id] = true;
      var fieldset = player.fieldsetOf(entry);
      if (!fieldset) {
        return;
      }
      fieldset.removeAttribute('hidden');
      var number = fieldset.querySelector('.sk-q-number');
      if (number) {
        number.textContent = format(player.messages.questionOf, { n: n + 1, total: total });
      }
      player.applyOrder(q, entry, fieldset);
    });
    Object.keys(this.fieldsets).forEach(function (id) {
      if (!presented[id]) {
        player.fieldsets[id].setAttribute('hidden', 'hidden');
      }
    });
    toArray(this.section.querySelectorAll('.sk-quiz-group')).forEach(function (group) {
      var shown = toArray(group.querySelectorAll('fieldset.sk-question')).some(function (f) {
        return !f.hasAttribute('hidden');
      });
      if (shown) {
        group.removeAttribute('hidden');
      } else {
        group.setAttribute('hidden', 'hidden');
      }
    });
  };

  QuizPlayer.prototype.applyOrder = function (q, entry, fieldset) {
    var order = entry.order;
    if (q.kind === 'single' || q.kind === 'multiple') {
      var list = fieldset.querySelector('.sk-choices');
      (order || q.choices).forEach(function (id) {
        var choice = list.querySelector('.sk-choice[data-choice="' + id + '"]');
        if (choice) {
          list.appendChild(choice);
        }
      });
    } else if (q.kind === 'matching') {
      toArray(fieldset.querySelectorAll('select.sk-match-select')).forEach(function (select) {
        (order || q.responses).forEach(function (id) {
          var option = select.querySelector('option[value="' + id + '"]');
          if (option) {
            select.appendChild(option);
          }
        });
      });
    } else if (q.kind === 'ordering') {
      this.placeItems(fieldset, order || q.items);
    }
  };

  QuizPlayer.prototype.placeItems = function (fieldset, order) {
    var list = fieldset.querySelector('ol.sk-order');
    order.forEach(function (id) {
      var item = list.querySelector('li[data-item="' + id + '"]');
      if (item) {
        list.appendChild(item);
      }
    });
    var items = toArray(list.querySelectorAll('li[data-item]'));
    items.forEach(function (item, index) {
      item.querySelector('.sk-order-up').disabled = index === 0;
      item.querySelector('.sk-order-down').disabled = index === items.length - 1;
    });
  };

  /** Put the saved answers into the inputs (and clear everything else). */
  QuizPlayer.prototype.restoreAnswers = function () {
    var player = this;
    this.state.entries.forEach(function (entry) {
      var q = player.question(entry);
      var fieldset = player.fieldsetOf(entry);
      if (!fieldset) {
        return;
      }
      var a = entry.answer;
      switch (q.kind) {
        case 'single':
        case 'multiple':
        case 'truefalse':
          toArray(fieldset.querySelectorAll('input')).forEach(function (input) {
            var value = input.value;
            if (q.kind === 'single') {
              input.checked = value === a;
            } else if (q.kind === 'multiple') {
              input.checked = a.indexOf(value) !== -1;
            } else {
              input.checked = a !== null && value === String(a);
            }
          });
          break;
        case 'fill':
          q.blanks.forEach(function (blank, i) {
            var input = fieldset.querySelector('input[data-blank="' + blank.id + '"]');
            if (input) {
              input.value = a[i] || '';
            }
          });
          break;
        case 'numeric':
          var number = fieldset.querySelector('input.sk-number');
          if (number) {
            number.value = parseNumber(a) === null ? '' : a;
          }
          break;
        case 'matching':
          q.premises.forEach(function (premise, i) {
            var select = fieldset.querySelector('select[data-premise="' + premise + '"]');
            if (select) {
              select.value = a[i] || '';
            }
          });
          break;
        case 'essay':
          var area = fieldset.querySelector('textarea');
          if (area) {
            area.value = a;
          }
          break;
        default:
          break;
      }
    });
  };

  /** Read the answers of every presented question from the inputs. */
  QuizPlayer.prototype.collect = function () {
    var player = this;
    this.state.entries.forEach(function (entry) {
      var q = player.question(entry);
      var fieldset = player.fieldsetOf(entry);
      if (!fieldset) {
        return;
      }
      switch (q.kind) {
        case 'single':
          var picked = fieldset.querySelector('input:checked');
          entry.answer = picked ? picked.value : '';
          break;
        case 'multiple':
          var ticked = toArray(fieldset.querySelectorAll('input:checked')).map(function (input) {
            return input.value;
          });
          entry.answer = q.choices.filter(function (id) { return ticked.indexOf(id) !== -1; });
          break;
        case 'truefalse':
          var chosen = fieldset.querySelector('input:checked');
          entry.answer = chosen ? chosen.value === 'true' : null;
          break;
        case 'fill':
          entry.answer = q.blanks.map(function (blank) {
            var input = fieldset.querySelector('input[data-blank="' + blank.id + '"]');
            return input ? input.value.slice(0, TEXT_LIMIT) : '';
          });
          break;
        case 'numeric':
          var number = fieldset.querySelector('input.sk-number');
          entry.answer = number ? number.value.slice(0, TEXT_LIMIT) : '';
          break;
        case 'matching':
          entry.answer = q.premises.map(function (premise) {
            var select = fieldset.querySelector('select[data-premise="' + premise + '"]');
            return select && q.responses.indexOf(select.value) !== -1 ? select.value : '';
          });
          break;
        case 'ordering':
          entry.order = toArray(fieldset.querySelectorAll('ol.sk-order li[data-item]')).map(
            function (item) { return item.getAttribute('data-item'); });
          break;
        case 'essay':
          var area = fieldset.querySelector('textarea');
          entry.answer = area ? area.value : '';
          break;
        default:
          break;
      }
    });
  };

  // --- saving -------------------------------------------------------------------------------

  /**
   * Save the state through the tracker, within its budget: essay texts are cut first, then
   * the other texts, then the answers are left out. Returns whether something was saved.
   */
  QuizPlayer.prototype.save = function () {
    if (this.saveTimer !== null) {
      this.win.clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    var data = this.data;
    var state = this.state;
    var tracker = this.tracker;
    if (!tracker) {
      return false;
    }
    var longestEssay = 0;
    var longestText = 0;
    state.entries.forEach(function (entry) {
      var kind = data.questions[entry.q].kind;
      if (kind === 'essay') {
        longestEssay = Math.max(longestEssay, entry.answer.length);
      } else if (kind === 'fill' || kind === 'numeric') {
        var texts = kind === 'fill' ? entry.answer : [entry.answer];
        texts.forEach(function (text) { longestText = Math.max(longestText, text.length); });
      }
    });
    var attempts = [{}];
    var size;
    for (size = Math.floor(longestEssay * 0.8); size > 0; size = Math.floor(size * 0.8)) {
      attempts.push({ essay: size < 20 ? 0 : size });
    }
    attempts.push({ essay: 0 });
    for (size = Math.floor(longestText * 0.8); size > 0; size = Math.floor(size * 0.8)) {
      attempts.push({ essay: 0, text: size });
    }
    attempts.push({ essay: 0, text: 0 });
    attempts.push({ answers: false });
    for (var k = 0; k < attempts.length; k += 1) {
      var text = encodeState(data, state, attempts[k]);
      if (text === this.saved) {
        return true;
      }
      // saveState answers false both when the budget refuses the value and when the LMS
      // reports an error on a write; only the first means "not kept" (loadState tells).
      if (tracker.saveState(STATE_KEY, text) || tracker.loadState(STATE_KEY) === text) {
        this.saved = text;
        this.saveRefused = k > 0;
        return true;
      }
      if (!tracker.isReady || !tracker.isReady()) {
        break;
      }
    }
    this.saveRefused = true;
    return false;
  };

  QuizPlayer.prototype.saveSoon = function () {
    var player = this;
    if (this.saveTimer !== null) {
      this.win.clearTimeout(this.saveTimer);
    }
    this.saveTimer = this.win.setTimeout(function () {
      player.saveTimer = null;
      player.collect();
      player.save();
    }, DEBOUNCE_MS);
  };

  QuizPlayer.prototype.flush = function () {
    if (this.saveTimer !== null && this.state && this.state.phase === 'a') {
      this.collect();
      this.save();
    }
  };

  // --- events -------------------------------------------------------------------------------

  QuizPlayer.prototype.bind = function () {
    var player = this;
    var win = this.win;
    var form = this.form;
    form.addEventListener('change', function () {
      if (player.state.phase !== 'a') {
        return;
      }
      player.collect();
      player.save();
      player.clearWarning();
    });
    form.addEventListener('input', function (event) {
      var target = event.target;
      if (player.state.phase === 'a' && target &&
          /^(INPUT|TEXTAREA)$/.test(target.tagName) && target.type !== 'radio' &&
          target.type !== 'checkbox') {
        player.saveSoon();
      }
    });
    // Enter in a one-line field would submit the whole quiz (implicit submission): only the
    // Submit button does.
    form.addEventListener('keydown', function (event) {
      var target = event.target;
      if (event.key === 'Enter' && target && target.tagName === 'INPUT' &&
          (target.type === 'text' || target.type === 'number')) {
        event.preventDefault();
      }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (player.state.phase === 'a') {
        player.submit(false);
      }
    });
    form.addEventListener('click', function (event) {
      var button = event.target && event.target.closest ?
        event.target.closest('button.sk-order-button') : null;
      if (button && player.state.phase === 'a') {
        event.preventDefault();
        player.move(button);
      }
    });
    var start = this.find('.sk-quiz-start-button');
    if (start) {
      start.addEventListener('click', function () { player.begin(); });
    }
    var retry = this.find('.sk-quiz-retry');
    if (retry) {
      retry.addEventListener('click', function () { player.retry(); });
    }
    // Typed text not yet saved is also saved on pagehide, by a listener registered when this
    // file loads (see the end of the file).
    this.doc.addEventListener('visibilitychange', function () {
      if (player.doc.visibilityState === 'hidden') {
        player.flush();
      }
    });
  };

  /** Move an ordering item up or down; focus stays on the moved item's controls. */
  QuizPlayer.prototype.move = function (button) {
    var item = button.closest('li[data-item]');
    var list = item && item.parentNode;
    if (!item || !list) {
      return;
    }
    var up = button.getAttribute('data-move') === 'up';
    var sibling = up ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) {
      return;
    }
    list.insertBefore(item, up ? sibling : sibling.nextElementSibling);
    var fieldset = item.closest('fieldset');
    var order = toArray(list.querySelectorAll('li[data-item]')).map(function (li) {
      return li.getAttribute('data-item');
    });
    this.placeItems(fieldset, order);
    var same = item.querySelector(up ? '.sk-order-up' : '.sk-order-down');
    var other = item.querySelector(up ? '.sk-order-down' : '.sk-order-up');
    (same.disabled ? other : same).focus();
    var text = item.querySelector('.sk-order-text');
    this.announce(format(this.messages.position, {
      item: text ? text.textContent.trim() : '',
      n: order.indexOf(item.getAttribute('data-item')) + 1,
      total: order.length
    }));
    this.collect();
    this.save();
  };

  // --- phases ---------------------------------------------------------------------------------

  /** Show what the phase needs: start panel, questions, timer, attempt line. */
  QuizPlayer.prototype.render = function () {
    var state = this.state;
    var startPanel = this.find('.sk-quiz-start');
    var timer = this.find('.sk-quiz-timer');
    var attempt = this.find('.sk-quiz-attempt');
    var limit = this.data.attempts;
    if (attempt) {
      attempt.textContent = typeof limit === 'number' ?
        format(this.messages.attemptOf, { n: Math.min(state.attempt, limit), total: limit }) :
        '';
    }
    if (startPanel) {
      if (state.phase === 's') {
        startPanel.removeAttribute('hidden');
      } else {
        startPanel.setAttribute('hidden', 'hidden');
      }
    }
    if (state.phase === 's') {
      this.form.setAttribute('hidden', 'hidden');
    } else {
      this.form.removeAttribute('hidden');
    }
    if (timer) {
      if (this.timed && state.phase === 'a') {
        timer.removeAttribute('hidden');
        this.tick();
      } else {
        timer.setAttribute('hidden', 'hidden');
      }
    }
    var review = state.phase === 'r';
    var player = this;
    this.state.entries.forEach(function (entry) {
      var fieldset = player.fieldsetOf(entry);
      if (fieldset) {
        fieldset.disabled = review;
      }
    });
    var submit = this.find('.sk-quiz-submit');
    if (submit) {
      submit.parentNode.hidden = review;
    }
  };

  QuizPlayer.prototype.begin = function () {
    if (this.state.phase !== 's') {
      return;
    }
    this.state.phase = 'a';
    this.state.started = nowSeconds();
    this.save();
    this.render();
    this.runClock();
    this.announce(format(this.messages.started, {
      time: spokenDuration(this.data.timeLimit * 60, this.messages)
    }));
    this.focusFirstQuestion();
  };

  QuizPlayer.prototype.focusFirstQuestion = function () {
    var first = this.state.entries.length ? this.fieldsetOf(this.state.entries[0]) : null;
    var control = first ? first.querySelector('input, select, textarea, button') : null;
    if (control) {
      control.focus();
    }
  };

  QuizPlayer.prototype.deadline = function () {
    if (!this.timed || this.state.started === null) {
      return null;
    }
    return this.state.started + this.data.timeLimit * 60;
  };

  QuizPlayer.prototype.expired = function () {
    var deadline = this.deadline();
    return deadline !== null && Date.now() / 1000 >= deadline;
  };

  QuizPlayer.prototype.runClock = function () {
    if (!this.timed || this.state.phase !== 'a' || this.clockTimer !== null) {
      return;
    }
    var player = this;
    var left = this.deadline() - Date.now() / 1000;
    WARN_AT.forEach(function (mark) {
      // Marks already passed before this page opened are not announced.
      if (left <= mark) {
        player.warned[mark] = true;
      }
    });
    this.clockTimer = this.win.setInterval(function () { player.tick(); }, 1000);
    this.tick();
  };

  QuizPlayer.prototype.stopClock = function () {
    if (this.clockTimer !== null) {
      this.win.clearInterval(this.clockTimer);
      this.clockTimer = null;
    }
  };

  QuizPlayer.prototype.tick = function () {
    var deadline = this.deadline();
    var clock = this.find('.sk-quiz-clock');
    if (deadline === null) {
      return;
    }
    var left = deadline - Date.now() / 1000;
    var text = formatClock(left);
    if (clock && clock.textContent !== text) {
      clock.textContent = text;
    }
    var player = this;
    WARN_AT.forEach(function (mark) {
      if (left <= mark && !player.warned[mark] && left > 0) {
        player.warned[mark] = true;
        player.announce(format(player.messages.timeLeft, {
          time: spokenDuration(mark, player.messages)
        }));
      }
    });
    if (left <= 0 && this.state.phase === 'a' && this.clockTimer !== null) {
      this.submit(true);
    }
  };

  QuizPlayer.prototype.clearWarning = function () {
    if (!this.confirming) {
      return;
    }
    this.confirming = false;
    var warning = this.find('.sk-quiz-warning');
    if (warning) {
      warning.setAttribute('hidden', 'hidden');
      warning.textContent = '';
    }
    var submit = this.find('.sk-quiz-submit');
    if (submit) {
      submit.textContent = this.messages.submit;
    }
  };

  /** Submit the attempt. `forced`: the time is up (no question about unanswered ones). */
  QuizPlayer.prototype.submit = function (forced) {
    if (this.state.phase !== 'a') {
      return;
    }
    this.collect();
    var player = this;
    if (!forced && !this.confirming) {
      var missing = [];
      this.state.entries.forEach(function (entry, n) {
        if (!isAnswered(player.question(entry), entry)) {
          missing.push(n + 1);
        }
      });
      if (missing.length) {
        this.confirming = true;
        var text = missing.length === 1 ? format(this.messages.missingOne, { n: missing[0] }) :
          format(this.messages.missingMany, { list: missing.join(', ') });
        var warning = this.find('.sk-quiz-warning');
        if (warning) {
          warning.textContent = text;
          warning.removeAttribute('hidden');
        }
        var submit = this.find('.sk-quiz-submit');
        if (submit) {
          submit.textContent = this.messages.submitAnyway;
        }
        this.announce(text);
        return;
      }
    }
    this.clearWarning();
    this.stopClock();
    var score = scoreAttempt(this.data, this.state);
    var passing = this.passingScore();
    var passed = score.percent === null || passing === null ? null : score.percent >= passing;
    this.report(score, passed);
    this.state.phase = 'r';
    this.save();
    this.render();
    this.showResult(true, forced);
  };

  /** Send the attempt to the LMS: interactions, then the score, then completion. */
  QuizPlayer.prototype.report = function (score, passed) {
    var tracker = this.tracker;
    var player = this;
    var time = new Date();
    var started = this.state.started !== null ? this.state.started * 1000 : this.sessionStart;
    var latency = Math.max(0, round((time.getTime() - started) / 1000, 2));
    this.state.entries.forEach(function (entry, n) {
      var interaction = interactionFor(player.question(entry), entry, score.results[n],
        latency, time);
      if (interaction) {
        tracker.recordInteraction(interaction);
      }
    });
    if (score.percent !== null) {
      tracker.reportScore({ raw: score.percent, min: 0, max: 100, passed: passed });
    }
    this.state.phase = 'r';
    var finished = passed !== false || this.attemptsLeft() === 0;
    if (finished) {
      tracker.complete();
    }
    if (tracker.keepOpen) {
      tracker.keepOpen(!finished);
    }
  };

  /** Feedback under each question and the result panel. `fresh`: just submitted (announce,
   *  move focus); otherwise a relaunch shows a submitted attempt again. */
  QuizPlayer.prototype.showResult = function (fresh, timeUp) {
    var player = this;
    var score = scoreAttempt(this.data, this.state);
    var passing = this.passingScore();
    var passed = score.percent === null || passing === null ? null : score.percent >= passing;
    var essays = [];
    this.state.entries.forEach(function (entry, n) {
      var q = player.question(entry);
      if (q.kind === 'essay') {
        essays.push(n + 1);
      }
      player.showFeedback(q, entry, score.results[n]);
    });
    this.lastScore = { percent: score.percent, points: score.points, max: score.max,
      passed: passed };
    var panel = this.find('.sk-quiz-result');
    var scoreLine = this.find('.sk-quiz-score');
    var verdict = this.find('.sk-quiz-verdict');
    var note = this.find('.sk-quiz-note');
    var retry = this.find('.sk-quiz-retry');
    var messages = this.messages;
    var scoreText = score.percent === null ? messages.submitted : format(messages.score, {
      percent: score.percent,
      points: round(score.points, 2),
      max: formatPoints(score.max, messages)
    });
    if (timeUp) {
      scoreText = format(messages.timeUp, { score: scoreText });
    }
    var verdictText = '';
    if (passed === true) {
      verdictText = format(messages.passed, { passing: passing });
    } else if (passed === false) {
      verdictText = format(messages.failed, { passing: passing });
    }
    var left = this.attemptsLeft();
    var canRetry = passed !== true && left > 0;
    var notes = [];
    if (essays.length) {
      notes.push(essays.length === 1 ? format(messages.essayOne, { n: essays[0] }) :
        format(messages.essayMany, { list: essays.join(', ') }));
    }
    if (canRetry) {
      notes.push(left === Infinity ? messages.retry :
        format(left === 1 ? messages.retryOne : messages.retryMany, { n: left }));
    } else if (passed === false) {
      notes.push(messages.noAttempts);
    }
    scoreLine.textContent = scoreText;
    verdict.textContent = verdictText;
    note.textContent = notes.join(' ');
    if (canRetry) {
      retry.removeAttribute('hidden');
    } else {
      retry.setAttribute('hidden', 'hidden');
    }
    panel.removeAttribute('hidden');
    if (fresh) {
      panel.focus();
      this.announce([scoreText, verdictText].filter(Boolean).join(' '));
    }
  };

  QuizPlayer.prototype.showFeedback = function (q, entry, result) {
    var fieldset = this.fieldsetOf(entry);
    if (!fieldset) {
      return;
    }
    var box = fieldset.querySelector('.sk-q-feedback');
    var line = box.querySelector('.sk-q-result');
    var state = q.kind === 'essay' ? 'neutral' :
      (result.result === 'correct' ? 'correct' : (result.partial ? 'partial' : 'incorrect'));
    var messages = this.messages;
    var text;
    if (q.kind === 'essay') {
      text = result.answered ? format(messages.essaySubmitted, {
        points: formatPoints(q.points, messages)
      }) : messages.notAnswered;
    } else {
      var label = state === 'correct' ? messages.correct :
        (state === 'partial' ? messages.partlyCorrect :
          (result.answered ? messages.incorrect : messages.unanswered));
      text = format(messages.result, {
        label: label,
        points: round(result.points, 2),
        max: formatPoints(result.max, messages)
      });
    }
    line.textContent = text;
    ['correct', 'partial', 'incorrect', 'neutral'].forEach(function (name) {
      fieldset.classList.toggle('sk-q-' + name, name === state);
    });
    toArray(box.querySelectorAll('.sk-q-when')).forEach(function (block) {
      var when = block.getAttribute('data-when');
      var show = when === 'always' || (q.kind !== 'essay' &&
        (when === 'correct' ? state === 'correct' : state !== 'correct'));
      if (show) {
        block.removeAttribute('hidden');
      } else {
        block.setAttribute('hidden', 'hidden');
      }
    });
    var picked = [];
    if (q.kind === 'single' && entry.answer) {
      picked = [entry.answer];
    } else if (q.kind === 'multiple') {
      picked = entry.answer;
    } else if (q.kind === 'truefalse' && entry.answer !== null) {
      picked = [String(entry.answer)];
    }
    toArray(fieldset.querySelectorAll('.sk-choice')).forEach(function (choice) {
      var id = choice.getAttribute('data-choice');
      var input = choice.querySelector('input');
      var feedback = choice.querySelector('.sk-choice-feedback');
      var chosen = picked.indexOf(id) !== -1;
      choice.classList.toggle('sk-chosen', chosen);
      if (feedback) {
        if (chosen) {
          feedback.removeAttribute('hidden');
          input.setAttribute('aria-describedby', feedback.id);
        } else {
          feedback.setAttribute('hidden', 'hidden');
          input.removeAttribute('aria-describedby');
        }
      }
    });
    if (q.kind === 'numeric') {
      var value = parseNumber(entry.answer);
      var hit = value === null ? -1 : q.answers.findIndex(function (range) {
        return range[0] <= value && value <= range[1];
      });
      toArray(fieldset.querySelectorAll('.sk-answer-feedback')).forEach(function (block) {
        if (Number(block.getAttribute('data-answer')) === hit) {
          block.removeAttribute('hidden');
        } else {
          block.setAttribute('hidden', 'hidden');
        }
      });
    }
    box.removeAttribute('hidden');
    fieldset.setAttribute('aria-describedby',
      (q.kind === 'fill' ? '' : fieldset.id + '-stem ') + box.id);
  };

  QuizPlayer.prototype.hideFeedback = function () {
    var player = this;
    Object.keys(this.fieldsets).forEach(function (id) {
      var fieldset = player.fieldsets[id];
      var box = fieldset.querySelector('.sk-q-feedback');
      box.setAttribute('hidden', 'hidden');
      ['correct', 'partial', 'incorrect', 'neutral'].forEach(function (name) {
        fieldset.classList.remove('sk-q-' + name);
      });
      toArray(fieldset.querySelectorAll('.sk-choice-feedback, .sk-answer-feedback')).forEach(
        function (block) { block.setAttribute('hidden', 'hidden'); });
      toArray(fieldset.querySelectorAll('.sk-choice')).forEach(function (choice) {
        choice.classList.remove('sk-chosen');
        var input = choice.querySelector('input');
        if (input) {
          input.removeAttribute('aria-describedby');
        }
      });
      if (fieldset.classList.contains('sk-q-fill')) {
        fieldset.removeAttribute('aria-describedby');
      } else {
        fieldset.setAttribute('aria-describedby', fieldset.id + '-stem');
      }
    });
  };

  QuizPlayer.prototype.retry = function () {
    if (this.state.phase !== 'r' || this.attemptsLeft() === 0 ||
        (this.lastScore && this.lastScore.passed === true)) {
      return;
    }
    this.state = newAttempt(this.data, this.state.attempt + 1, this.random, this.timed);
    this.warned = {};
    this.hideFeedback();
    this.arrange();
    this.restoreAnswers();
    if (!this.timed) {
      this.state.started = nowSeconds();
    }
    this.save();
    var panel = this.find('.sk-quiz-result');
    panel.setAttribute('hidden', 'hidden');
    this.render();
    var limit = this.data.attempts;
    this.announce(typeof limit === 'number' ?
      format(this.messages.attemptStarted, { n: this.state.attempt, total: limit }) :
      format(this.messages.attemptStartedOpen, { n: this.state.attempt }));
    if (this.timed) {
      var start = this.find('.sk-quiz-start-button');
      if (start) {
        start.focus();
      }
    } else {
      this.focusFirstQuestion();
    }
  };

  QuizPlayer.prototype.snapshot = function () {
    var player = this;
    var state = this.state;
    return state ? {
      attempt: state.attempt,
      phase: state.phase,
      started: state.started,
      presented: state.entries.map(function (entry) { return player.question(entry).id; }),
      orders: state.entries.map(function (entry) { return entry.order ? entry.order.slice() : null; }),
      answers: state.entries.map(function (entry) {
        return JSON.parse(JSON.stringify(entry.answer));
      }),
      saved: this.saved,
      saveRefused: this.saveRefused,
      attemptsLeft: this.attemptsLeft(),
      lastScore: this.lastScore
    } : null;
  };

  // ------------------------------------------------------------------------------------------
  // 3. Start-up and test hook (window.scormkit.quiz)
  // ------------------------------------------------------------------------------------------

  function readData(doc) {
    var element = doc.getElementById('scormkit-quiz');
    if (!element) {
      return null;
    }
    try {
      var data = JSON.parse(element.textContent || 'null');
      return data && Array.isArray(data.questions) && Array.isArray(data.groups) ? data : null;
    } catch (error) {
      return null;
    }
  }

  var hook = {
    player: null,
    ready: false,
    fingerprint: fingerprint,
    encodeState: encodeState,
    decodeState: decodeState,
    scoreQuestion: scoreQuestion,
    scoreAttempt: scoreAttempt,
    interactionFor: interactionFor,
    shuffleWithPins: shuffleWithPins,
    drawQuestions: drawQuestions,
    formatClock: formatClock,
    getState: function () {
      return hook.player ? hook.player.snapshot() : null;
    }
  };

  var booted = false;

  function boot() {
    if (booted) {
      return;
    }
    booted = true;
    root.scormkit = root.scormkit || {};
    root.scormkit.quiz = hook;
    var doc = root.document;
    var data = readData(doc);
    var section = data ? doc.getElementById(data.id) : null;
    if (!data || !section || !section.querySelector('.sk-quiz-app')) {
      return;
    }
    var player = new QuizPlayer(root, section, data);
    hook.player = player;
    var api = root.scormkit.tracker || OFFLINE_TRACKER;
    api.ready(function (tracker) {
      if (hook.ready) {
        return;
      }
      player.start(tracker || api);
      hook.ready = true;
    });
  }

  /*
   * The page loads this file before scormkit.js (both deferred), for one reason: the runtime
   * ends the LMS session on pagehide, and listeners of one event run in the order they were
   * added, so this one (which saves text typed in the last moments) must be added first.
   * The quiz itself starts once scormkit.js has run (DOMContentLoaded follows every deferred
   * script), or at once when the runtime is already there.
   */
  root.addEventListener('pagehide', function () {
    if (hook.player) {
      hook.player.flush();
    }
  });

  if (root.document) {
    var state = root.document.readyState;
    if ((root.scormkit && root.scormkit.tracker) || state === 'complete') {
      boot();
    } else {
      root.document.addEventListener('DOMContentLoaded', boot);
      root.addEventListener('load', boot);
    }
  }
}(window));
