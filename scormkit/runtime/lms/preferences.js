/*
 * lms/preferences: the cmi5 learner preferences document (cmi5 11) read and matched against
 * what the page offers. Only a cmi5 LMS supplies one; elsewhere the defaults apply (no
 * language chosen, audio left alone).
 */
'use strict';

/**
 * The learner preferences document (cmi5 11): {languages: [tags, in the learner's order],
 * audio: "on" | "off" | null}. Anything malformed counts as absent.
 */
function parsePreferences(document) {
  var out = { languages: [], audio: null };
  if (!document || typeof document !== 'object') {
    return out;
  }
  if (typeof document.languagePreference === 'string') {
    out.languages = document.languagePreference.split(',').map(function (tag) {
      return tag.trim();
    }).filter(function (tag) { return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag); });
  }
  if (document.audioPreference === 'on' || document.audioPreference === 'off') {
    out.audio = document.audioPreference;
  }
  return out;
}

/**
 * The first of `offered` (language tags) that the learner's `preferred` list asks for: each
 * preferred tag is tried in order, first exactly, then by its primary subtag (RFC 4647
 * lookup, ignoring case): preferred ["fr-BE", "en"] and offered ["fr-FR", "en-US"] give
 * "fr-FR". null when nothing matches.
 */
function pickLanguage(preferred, offered) {
  var lower = offered.map(function (tag) { return String(tag).toLowerCase(); });
  function primary(tag) {
    return tag.split('-')[0];
  }
  for (var k = 0; k < preferred.length; k += 1) {
    var want = String(preferred[k]).toLowerCase();
    var exact = lower.indexOf(want);
    if (exact !== -1) {
      return offered[exact];
    }
    for (var j = 0; j < lower.length; j += 1) {
      if (primary(lower[j]) === primary(want)) {
        return offered[j];
      }
    }
  }
  return null;
}

module.exports = {
  parsePreferences: parsePreferences,
  pickLanguage: pickLanguage
};
