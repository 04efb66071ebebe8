/*
 * quiz/player: the quiz on the page. The page (templates/_shared/quiz.html.j2) already holds
 * every question, pooled ones too, and every feedback text, hidden; the player only shows,
 * hides, reorders and fills in what is there (no markup built from strings), saves the
 * attempt as the learner goes (quiz/state), scores it on submit (quiz/scoring) and reports it
 * through the tracker API (page/main.js).
 *
 * Time limit: the clock starts with the Start button and runs on wall-clock time (leaving the
 * course does not stop it); at zero, or on a relaunch after the deadline, the saved answers
 * are submitted.
 */
'use strict';

var dom = require('../util/dom');
var feedback = require('./feedback');
var formats = require('./format');
var interactions = require('./interactions');
var newAttempt = require('./attempt').newAttempt;
var readAnswer = require('./inputs').readAnswer;
var quizMessages = require('./messages');
var roundPoints = require('../util/number').roundPoints;
var scoring = require('./scoring');
var states = require('./state');
var textUtil = require('../util/text');

var toArray = dom.toArray;
var formatPoints = formats.formatPoints;
var formatClock = formats.formatClock;
var spokenDuration = formats.spokenDuration;
var interactionFor = interactions.interactionFor;
var MESSAGES = quizMessages.MESSAGES;
var isAnswered = scoring.isAnswered;
var parseNumber = scoring.parseNumber;
var scoreAttempt = scoring.scoreAttempt;
var passedAt = scoring.passedAt;
var encodeState = states.encodeState;
var decodeState = states.decodeState;
var format = textUtil.format;
var messagesFrom = textUtil.messagesFrom;

var STATE_KEY = 'quiz';
var TEXT_LIMIT = 100;
var DEBOUNCE_MS = 800;
var WARN_AT = [300, 60];

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/**
 * The quiz in `section` of window `win`'s page, `data` its JSON (#scormkit-quiz); start(tracker)
 * once the tracker API is ready.
 */
function QuizPlayer(win, section, data) {
  this.win = win;
  this.doc = win.document;
  this.section = section;
  this.data = data;
  this.messages = messagesFrom(MESSAGES, data.strings);
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
  this.answeredAt = {};
  this.attemptShown = 0;
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
    return roundPoints(info.masteryScore * 100, 2);
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

/** Show the presented questions (numbered) in the attempt's order, and put choices in the
 *  attempt's order. */
QuizPlayer.prototype.arrange = function () {
  var player = this;
  var presented = {};
  var total = this.state.entries.length;
  if (this.data.shuffleQuestions) {
    this.placeGroups();
  }
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

/**
 * Put the question blocks (.sk-quiz-group: one per question or pool, as the page is built
 * with shuffle_questions) in the order of the attempt's entries, presented ones first, where
 * the blocks stand in the form. Moving the blocks moves the focus order with them.
 */
QuizPlayer.prototype.placeGroups = function () {
  var player = this;
  var blocks = toArray(this.form.querySelectorAll('.sk-quiz-group'));
  if (!blocks.length) {
    return;
  }
  var parent = blocks[0].parentNode;
  var anchor = blocks[blocks.length - 1].nextSibling;
  var ordered = [];
  this.state.entries.forEach(function (entry) {
    var fieldset = player.fieldsetOf(entry);
    var block = fieldset ? fieldset.parentNode : null;
    while (block && !(block.classList && block.classList.contains('sk-quiz-group'))) {
      block = block.parentNode;
    }
    if (block && ordered.indexOf(block) === -1) {
      ordered.push(block);
    }
  });
  blocks.forEach(function (block) {
    if (ordered.indexOf(block) === -1) {
      ordered.push(block);
    }
  });
  ordered.forEach(function (block) {
    parent.insertBefore(block, anchor);
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

/** Read the answers of every presented question from the inputs; note when each question
 *  was first answered in this session (its interaction's latency). */
QuizPlayer.prototype.collect = function () {
  var player = this;
  var now = Date.now();
  this.state.entries.forEach(function (entry, n) {
    var q = player.question(entry);
    var fieldset = player.fieldsetOf(entry);
    if (!fieldset) {
      return;
    }
    var before = JSON.stringify([entry.answer, entry.order]);
    readAnswer(q, fieldset, entry, TEXT_LIMIT);
    if (player.state.phase === 'a' && !(n in player.answeredAt) &&
        JSON.stringify([entry.answer, entry.order]) !== before) {
      player.answeredAt[n] = now;
    }
  });
};

/** A typed answer's first keystroke is its first response (the text is read later, when
 *  saved): note the time now, for its latency. */
QuizPlayer.prototype.noteAnswer = function (target) {
  var fieldset = target.closest ? target.closest('fieldset.sk-question') : null;
  var id = fieldset ? fieldset.getAttribute('data-question') : null;
  var player = this;
  this.state.entries.forEach(function (entry, n) {
    if (id && player.question(entry).id === id && !(n in player.answeredAt)) {
      player.answeredAt[n] = Date.now();
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
      player.noteAnswer(target);
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
  var passed = passedAt(score, passing);
  this.report(score, passed);
  this.state.phase = 'r';
  this.save();
  this.render();
  this.showResult(true, forced);
};

/**
 * Send the attempt to the LMS: interactions, then the score, then completion.
 *
 * Each interaction has its own latency (SCORM 2004 RTE 4.2.9.1 cmi.interactions.n.latency:
 * from when the interaction was made available to the learner to the first response; the
 * `answered` statement's result.duration in cmi5): from when this session showed the attempt
 * (its start, or the session's start for an attempt resumed from an earlier session) to the
 * learner's first response to that question. A question with no response in this session
 * (unanswered, or answered in an earlier session) gets none rather than a made-up one.
 */
QuizPlayer.prototype.report = function (score, passed) {
  var tracker = this.tracker;
  var player = this;
  var time = new Date();
  this.state.entries.forEach(function (entry, n) {
    var interaction = interactionFor(player.question(entry), entry, score.results[n],
      player.latencyOf(n), time);
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

/**
 * The latency of the n-th presented question (seconds, or null: not known): from when it
 * was shown for answering (the attempt's start, or this session's when the learner came
 * back to it) to its first answer, SCORM's definition ("the time the interaction was made
 * available to the learner for response" to "the first response"). Each question has its
 * own: all used to carry the whole attempt's. A question left unanswered, or answered in an
 * earlier session (the saved state keeps no times), has none.
 */
QuizPlayer.prototype.latencyOf = function (n) {
  if (!(n in this.answeredAt)) {
    return null;
  }
  var shown = Math.max(this.sessionStart, this.attemptShown,
    this.state.started !== null ? this.state.started * 1000 : 0);
  return Math.max(0, roundPoints((this.answeredAt[n] - shown) / 1000, 2));
};

/** Feedback under each question and the result panel. `fresh`: just submitted (announce,
 *  move focus); otherwise a relaunch shows a submitted attempt again. */
QuizPlayer.prototype.showResult = function (fresh, timeUp) {
  var player = this;
  var score = scoreAttempt(this.data, this.state);
  var passing = this.passingScore();
  var passed = passedAt(score, passing);
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
    points: roundPoints(score.points, 2),
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
  var state = feedback.resultState(q, result);
  var messages = this.messages;
  var text;
  if (q.kind === 'essay') {
    text = result.answered ? format(messages.essaySubmitted, {
      points: formatPoints(q.points, messages)
    }) : messages.notAnswered;
  } else {
    text = format(messages.result, {
      label: feedback.resultLabel(state, result, messages),
      points: roundPoints(result.points, 2),
      max: formatPoints(result.max, messages)
    });
  }
  feedback.showFeedback(fieldset, q, entry, state, text);
};

QuizPlayer.prototype.hideFeedback = function () {
  var player = this;
  Object.keys(this.fieldsets).forEach(function (id) {
    feedback.hideFeedback(player.fieldsets[id]);
  });
};

QuizPlayer.prototype.retry = function () {
  if (this.state.phase !== 'r' || this.attemptsLeft() === 0 ||
      (this.lastScore && this.lastScore.passed === true)) {
    return;
  }
  this.state = newAttempt(this.data, this.state.attempt + 1, this.random, this.timed);
  this.warned = {};
  this.answeredAt = {};
  this.attemptShown = Date.now();
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
    orders: state.entries.map(function (entry) {
      return entry.order ? entry.order.slice() : null;
    }),
    answers: state.entries.map(function (entry) {
      return JSON.parse(JSON.stringify(entry.answer));
    }),
    saved: this.saved,
    saveRefused: this.saveRefused,
    attemptsLeft: this.attemptsLeft(),
    lastScore: this.lastScore
  } : null;
};

module.exports = { QuizPlayer: QuizPlayer, STATE_KEY: STATE_KEY };
