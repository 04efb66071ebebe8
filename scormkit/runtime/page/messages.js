/*
 * page/messages: the runtime's interface texts in English (the fallback of
 * scormkit/ui_strings.py, group "runtime"; a test keeps the two equal).
 */
'use strict';

/**
 * The runtime's interface texts in English. The page's config may carry `strings` (the same
 * keys, in the course language, from scormkit/ui_strings.py); a key it lacks stays English.
 */
var MESSAGES = {
  noLms: 'No learning management system found: your progress will not be saved.',
  refused: 'The learning management system could not start this session (error {code}): ' +
    'your progress will not be saved.',
  connected: 'Connected to your learning management system: your progress is saved.',
  browse: 'Browse mode: the learning management system will not change your completion status.',
  review: 'Review mode: the learning management system will not change your completion status.',
  progress: 'Progress: {viewed} of {total} {lessons} viewed.',
  complete: ' Completed.',
  ended: 'This session has ended: open the course again from your learning management ' +
    'system to keep saving your progress.',
  lessonOne: 'lesson',
  lessonMany: 'lessons',
  viewed: ' (viewed)',
  table: 'Table',
  saveRetrying: 'Your progress could not be saved just now: trying again.',
  saveUnreachable: 'Your learning management system cannot be reached, so your latest ' +
    'progress is not saved yet. Keep this page open: it keeps trying.',
  saveRefused: 'Your learning management system refused to record your progress (error ' +
    '{code}). What you do from now on in this session is not saved: please tell your ' +
    'course administrator.',
  exit: 'Exit',
  exiting: 'Saving and leaving…',
  exited: 'You have left this course: you can close this window.',
  exitFailed: 'Your learning management system did not confirm the end of this session ' +
    '(error {code}). Press Exit again to leave anyway.'
};

module.exports = { MESSAGES: MESSAGES };
