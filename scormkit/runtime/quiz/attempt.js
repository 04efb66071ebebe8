/*
 * quiz/attempt: a new attempt of the quiz: the questions it presents (pools draw theirs), in
 * which order (shuffleQuestions: the quiz's items in a random order), the order of each
 * question's choices (shuffled, pinned ones kept in place; matching responses; ordering
 * items scrambled), and empty answers. `random` is a function like Math.random (the
 * player's; tests give a seeded one).
 *
 * Attempts: pools draw their questions, the questions and choices are shuffled (pinned ones
 * stay) when an attempt starts; the draw and every order are saved (the state lists the
 * presented questions in presented order), so a relaunch shows the same quiz.
 * "Try again" is offered while attempts remain and the learner has not passed. Each attempt
 * is reported when submitted (a pass is never downgraded: scormkit.js refuses that).
 */
'use strict';

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
 *  (kept in source order); with `shuffleQuestions` the groups (a question, or a pool's
 *  drawn questions together) come in a random order. */
function drawQuestions(data, random) {
  var presented = [];
  var groups = data.shuffleQuestions ? shuffled(data.groups, random) : data.groups;
  groups.forEach(function (group) {
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

module.exports = {
  orderIds: orderIds,
  shuffleWithPins: shuffleWithPins,
  drawQuestions: drawQuestions,
  emptyAnswer: emptyAnswer,
  newAttempt: newAttempt
};
