// Runs scormkit/runtime/quiz.js's scoring under node for tests/test_grading_quizjs.py: the
// file is evaluated with a minimal window (no page: the player does not start, the test hook
// window.scormkit.quiz is set), then each input line {"question": ..., "entry": ...} (JSON)
// is scored with scoreQuestion, each {"data": ..., "state": ...} with scoreAttempt; one JSON
// line out per line in.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const file = process.argv[2] || path.join(__dirname, '..', '..', 'scormkit', 'runtime', 'quiz.js');
const window = {
  addEventListener() {},
  document: { readyState: 'complete', getElementById: () => null, addEventListener() {} },
};
new Function('window', fs.readFileSync(file, 'utf8'))(window);
const hook = window.scormkit && window.scormkit.quiz;
if (!hook) {
  throw new Error('quiz.js did not set window.scormkit.quiz');
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) {
    return;
  }
  const input = JSON.parse(line);
  let out;
  try {
    out = input.data ? hook.scoreAttempt(input.data, input.state)
      : hook.scoreQuestion(input.question, input.entry);
  } catch (error) {
    out = { error: String(error) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
