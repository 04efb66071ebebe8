/*
 * quiz/messages: the quiz player's interface texts in English (the fallback of
 * scormkit/ui_strings.py, group "quizjs"; a test keeps the two equal).
 */
'use strict';

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
  essayOne: 'Your written answer (question {n}) is graded by a person: until then it ' +
    'counts 0 points in this score.',
  essayMany: 'Your written answers (questions {list}) are graded by a person: until then ' +
    'they count 0 points in this score.',
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

module.exports = { MESSAGES: MESSAGES };
