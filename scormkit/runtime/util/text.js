/*
 * util/text: string helpers, and the interface texts of the runtime and the quiz player
 * (English defaults replaced by the page's `strings`, placeholders filled in).
 */
'use strict';

/** Cut `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
function truncate(text, max) {
  text = String(text);
  if (text.length <= max) {
    return text;
  }
  var cut = text.slice(0, max);
  var last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xD800 && last <= 0xDBFF) {
    cut = cut.slice(0, -1);
  }
  return cut;
}

/** Line breaks -> spaces (several SCORM 2004 runtimes reject them in strings). */
function oneLine(text) {
  return String(text).replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/**
 * `defaults` (the English texts by key) with the texts of `strings` (an object of strings
 * from the page, in the course language) in their place; a key `strings` lacks, or gives as
 * anything but a string, stays English.
 */
function messagesFrom(defaults, strings) {
  var out = {};
  Object.keys(defaults).forEach(function (key) {
    var text = strings && typeof strings === 'object' ? strings[key] : undefined;
    out[key] = typeof text === 'string' ? text : defaults[key];
  });
  return out;
}

/** `template` with each {name} replaced by values[name] (unknown names are kept). */
function format(template, values) {
  return template.replace(/\{(\w+)\}/g, function (all, key) {
    return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
  });
}

module.exports = {
  truncate: truncate,
  oneLine: oneLine,
  messagesFrom: messagesFrom,
  format: format
};
