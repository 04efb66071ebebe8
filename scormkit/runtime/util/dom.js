/*
 * util/dom: small DOM helpers shared by the page and the quiz player.
 */
'use strict';

/** A NodeList (or any array-like) as an array. */
function toArray(list) {
  return Array.prototype.slice.call(list);
}

module.exports = { toArray: toArray };
