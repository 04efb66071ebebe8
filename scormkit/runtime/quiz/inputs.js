/*
 * quiz/inputs: what the learner answered, read from a question's form controls (the markup of
 * templates/_shared/question.html.j2), into an attempt entry ({answer, order}; quiz/state
 * describes it). Shared by the graded quiz (quiz/player) and the inline checks (quiz/checks).
 */
'use strict';

var dom = require('../util/dom');

var toArray = dom.toArray;

/**
 * Set `entry.answer` (or `entry.order` for ordering) of question `q` from the controls in
 * `fieldset`; typed texts are cut at `textLimit` characters (the saved state stays small).
 */
function readAnswer(q, fieldset, entry, textLimit) {
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
        return input ? input.value.slice(0, textLimit) : '';
      });
      break;
    case 'numeric':
      var number = fieldset.querySelector('input.sk-number');
      entry.answer = number ? number.value.slice(0, textLimit) : '';
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
  return entry;
}

module.exports = { readAnswer: readAnswer };
