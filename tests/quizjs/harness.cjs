// Runs the quiz runtime's scoring (scormkit/runtime/quiz/scoring.js, the module the quiz page's
// bundle includes as it is) under node for tests/test_grading_quizjs.py: each input line
// {"question": ..., "entry": ...} (JSON) is scored with scoreQuestion, each
// {"data": ..., "state": ...} with scoreAttempt and passedAt (the data's passing score); one
// JSON line out per line in.
'use strict';
const readline = require('node:readline');
const { load } = require('../js/runtime');

const hook = load('quiz/scoring');

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) {
    return;
  }
  const input = JSON.parse(line);
  let out;
  try {
    if (input.data) {
      out = hook.scoreAttempt(input.data, input.state);
      out.passed = hook.passedAt(out, input.data.passingScore);
    } else {
      out = hook.scoreQuestion(input.question, input.entry);
    }
  } catch (error) {
    out = { error: String(error) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
