/*
 * lms/find-api: the SCORM run-time API object the LMS puts in a parent (or opener) window,
 * found the way the SCORM 1.2 and 2004 run-time environments describe (API discovery).
 */
'use strict';

var MAX_API_HOPS = 500;

/**
 * Find the LMS API object called `name` ("API" for SCORM 1.2, "API_1484_11" for 2004):
 * this window and its parents, then the opener and its parents, then the top window's opener.
 * Every cross-frame access is guarded: a cross-origin frame throws on property access.
 */
function findApi(win, name) {
  function usable(candidate) {
    return candidate !== null && candidate !== undefined &&
      (typeof candidate === 'object' || typeof candidate === 'function');
  }

  function lookIn(start) {
    var current = start;
    for (var hops = 0; current && hops <= MAX_API_HOPS; hops += 1) {
      try {
        if (usable(current[name])) {
          return current[name];
        }
      } catch (ignore) { /* cross-origin frame: keep walking */ }
      var parent = null;
      try {
        parent = current.parent;
      } catch (ignore) { /* detached or inaccessible */ }
      if (!parent || parent === current) {
        return null;
      }
      current = parent;
    }
    return null;
  }

  var found = lookIn(win);
  var opener = null;
  if (!found) {
    try {
      opener = win.opener;
    } catch (ignore) { /* no access */ }
    if (opener) {
      found = lookIn(opener);
      if (!found) {
        try {
          found = lookIn(opener.top);
        } catch (ignore) { /* no access */ }
      }
    }
  }
  if (!found) {
    try {
      var topOpener = win.top.opener;
      if (topOpener && topOpener !== opener) {
        found = lookIn(topOpener);
      }
    } catch (ignore) { /* no access */ }
  }
  return found;
}

module.exports = { findApi: findApi };
