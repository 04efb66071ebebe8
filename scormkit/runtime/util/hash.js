/*
 * util/hash: the FNV-1a 32-bit hash both suspend_data fingerprints use (the lesson list's in
 * tracking/suspend-data, the quiz's in quiz/state). Not a security measure: it only tells
 * whether saved data was written for the same lessons or the same quiz.
 */
'use strict';

/** FNV-1a 32-bit of `text`'s UTF-16 code units, in base 36 (1-7 characters). */
function fnv1a(text) {
  var hash = 0x811c9dc5;
  for (var i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

module.exports = { fnv1a: fnv1a };
