/*
 * scormkit learner runtime.
 *
 * Plain ES2015 in one file: no modules, no build step, no eval. SCORM packages make no network
 * requests at all: they talk to the LMS only through the run-time API object the LMS puts in a
 * parent (or opener) window. cmi5 packages talk only to the two addresses the LMS puts in the
 * launch URL (`fetch` once, then the xAPI `endpoint`).
 *
 * ==========================================================================================
 * Tracker API: window.scormkit.tracker (for the quiz player and other page scripts)
 * ==========================================================================================
 *
 * The object exists as soon as this script has run; its methods do nothing (and return false
 * or null) until the session with the LMS has started: wait with ready(). No method throws.
 * In browse or review mode (the LMS shows the course without credit) nothing that changes
 * the learner's record is sent: reportScore, recordInteraction, setProgress and complete
 * return false.
 *
 *   ready(callback)           calls callback(tracker) once the session has started (at once if
 *                             it already has; also when no LMS was found: see info().connected)
 *   isReady()  -> boolean
 *   info()     -> {standard: "scorm12"|"scorm2004"|"cmi5"|"none", connected, mode:
 *                  "normal"|"browse"|"review", completion, success: "unknown"|"passed"|"failed",
 *                  masteryScore: 0..1 from the LMS (1.2 mastery_score / 100, 2004
 *                  scaled_passing_score, cmi5 LaunchData masteryScore) or null,
 *                  passingScore: 0..1 from course.yaml or null}   (null before ready)
 *
 *   reportScore({raw, min, max, passed}) -> boolean
 *       raw, min (default 0), max: points (numbers, max > 0); passed: true, false or null
 *       (not judged). When the LMS supplies a mastery score it decides: passed = scaled >=
 *       masteryScore (cmi5 requires this of the AU; SCORM LMSs do it themselves anyway).
 *       scaled = raw / max clamped to [-1, 1], at most 7 decimals. Once passed, a later
 *       report that is not a pass is refused (returns false): no downgrade, and cmi5 forbids
 *       `failed` after `passed`.
 *         SCORM 1.2:  cmi.core.score.raw = the percentage 100 * raw / max clamped to 0..100
 *                     (2 decimals), score.min 0, score.max 100 (LMS gradebooks read raw as a
 *                     percentage); cmi.core.lesson_status = passed | failed when judged. 1.2
 *                     has one status for completion and success: once passed/failed is known
 *                     it is what lesson_status says, and "completed" is never written over it.
 *         SCORM 2004: cmi.score.scaled, cmi.score.raw/min/max (points), cmi.success_status.
 *         cmi5:       a `passed` or `failed` statement (result.score scaled within 0..1, with
 *                     raw/min/max when all three are integers; result.success,
 *                     result.duration; the LaunchData masteryScore as the masteryscore context
 *                     extension); at most one `passed` per registration, one of passed and
 *                     failed per session: `passed` goes at once, `failed` at the end of the
 *                     session unless a pass came meanwhile (the quiz can be tried again in
 *                     the same session). A score that is not judged (passed null and no
 *                     masteryScore) is not sent: returns false.
 *       Then commits.
 *
 *   recordInteraction({id, type, description, correct, response, result, weighting,
 *                      latencySeconds, time}) -> boolean
 *       id: the question id; type: choice | true-false | fill-in | long-fill-in | matching |
 *       sequencing | numeric; correct/response, structured (either may be omitted):
 *         choice       array of choice ids                    e.g. ["a", "c"]
 *         true-false   boolean
 *         fill-in      array of strings, one per blank
 *         long-fill-in string
 *         matching     array of [sourceId, targetId] pairs
 *         sequencing   array of ids in order
 *         numeric      correct {min, max} (either may be null), response a number
 *       ids (choice, matching, sequencing) must match [A-Za-z0-9_-]{1,64}, else the
 *       interaction is refused. result: correct | incorrect | neutral; weighting: number;
 *       latencySeconds: number; time: Date (default now). Line breaks in text become spaces.
 *         SCORM 1.2:  cmi.interactions.n (n from _count; the same id again in this session
 *                     overwrites its entry): id with characters outside [A-Za-z0-9_-]
 *                     replaced by "_", type (long-fill-in is sent as fill-in), student_response
 *                     and correct_responses.0.pattern ("a,b"; choice pattern "{a,c}" when
 *                     several; "t"/"f"; "1.a,2.c"; numeric a decimal, no pattern for a range;
 *                     texts cut at 255 characters), result correct | wrong | neutral,
 *                     weighting, latency (CMITimespan), time (HH:MM:SS, local).
 *         SCORM 2004: id "urn:scormkit:<course id>:<question id>", type, description (one
 *                     line, <= 250 characters), learner_response and correct_responses.0.
 *                     pattern with the [,] [.] [:] delimiters ("true"/"false"; fill-in <= 10
 *                     strings of <= 250; long-fill-in <= 4000; numeric pattern "min[:]max";
 *                     a text starting with "{", a reserved delimiter, gets a leading space),
 *                     result correct | incorrect | neutral, weighting, latency (ISO 8601
 *                     duration), timestamp (ISO 8601, UTC).
 *         cmi5:       an `answered` statement ("cmi5 allowed": the context template, no cmi5
 *                     category), object <QUESTION_IRI_BASE><course id>/questions/
 *                     <question id> with definition.type cmi.interaction, interactionType
 *                     (= type) and correctResponsesPattern in xAPI's syntax (SCORM 2004's, no
 *                     length caps), result.response, success (correct/incorrect) and duration
 *                     (latency); the AU as contextActivities.parent.
 *
 *   saveState(key, value) -> boolean      loadState(key) -> string | null
 *       Extra strings kept across relaunches of this attempt (key: [A-Za-z0-9_.-]{1,64}),
 *       stored in suspend_data next to the viewed-lessons bitset (format below). Refused
 *       (false, old value kept) when the whole suspend_data would exceed the budget:
 *       SCORM 1.2 4096 characters, SCORM 2004 64000, cmi5 16000 (kept in an xAPI activity
 *       state document, stateId "scormkit.state"; its last write, at the end of the session,
 *       is a keepalive request, and browsers give those 64 KiB in all).
 *
 *   setProgress(fraction) -> boolean
 *       0..1. SCORM 2004: cmi.progress_measure (once called, lesson views no longer set it in
 *       this session; 1 once complete). SCORM 1.2 and cmi5: nothing to report (true).
 *
 *   complete() -> boolean
 *   keepOpen(open) -> boolean
 *       open: the page holds unfinished work (an unsubmitted quiz, a failed quiz with
 *       attempts left): cmi.exit stays "suspend" even once the SCO is complete, so that
 *       SCORM 2004 keeps suspend_data for the next launch.
 *       Marks the SCO/AU complete now (e.g. the quiz was submitted), whatever the lessons:
 *       1.2 lesson_status completed (unless passed/failed is known), 2004 completion_status
 *       completed + progress_measure 1, cmi5 a `completed` statement (once per registration).
 *
 * Structure of this file
 *   1. Pure functions (unit-tested in a browser): suspend_data codec, time and number
 *      formatters, interaction formatters, cmi5 launch parsing and statements.
 *   2. Transports: one object per standard mapping a neutral tracking vocabulary onto its
 *      data model (TRANSPORTS, by runtime_config.standard). NullTransport when no LMS is found.
 *   3. Tracker: standard-neutral progress rules (viewed lessons, completion, bookmark, exit,
 *      score, state).
 *   4. Page: shows one lesson at a time, keyboard navigation, focus, progress/status text.
 *   5. window.scormkit: the tracker API above and a debugging hook used by the tests.
 *
 * Transport interface (methods return quickly and never throw):
 *   start()                      -> info or a Promise of it: {ok, error, resume, location,
 *                                   suspendData, mode, completion, success, masteryScore}
 *       completion: "unknown" | "not attempted" | "incomplete" | "completed"
 *       success:    "unknown" | "passed" | "failed"
 *   limits                       {suspendData, location} (characters)
 *   setCompletion(status)        "incomplete" | "completed"
 *   setProgress(fraction)
 *   setExit(suspend)             true: the learner can come back to this attempt
 *   setBookmark(location, data)  lesson id + suspend_data string
 *   setScore(score)              {raw, min, max, scaled, percent, passed}, already checked
 *   recordInteraction(i, options)
 *   commit(checkpoint)           checkpoint true: after a lesson change, a submission or
 *                                completion (cmi5 writes its state document then only; the
 *                                SCORM transports ignore it and commit every time)
 *   finish(sessionMs, suspend)   session time + exit + commit + terminate, at most once
 *   exit(sessionMs)              optional (cmi5): the exit control; a Promise of {ok, code,
 *                                returnURL}
 */
(function (root) {
  'use strict';

  var RUNTIME_VERSION = '2';

  // ------------------------------------------------------------------------------------------
  // 1. Pure functions
  // ------------------------------------------------------------------------------------------

  /*
   * suspend_data format, version 1:
   *
   *     "v1|" FINGERPRINT "|" BITS [ "|" STATE ]
   *
   *   FINGERPRINT  FNV-1a 32-bit hash of this SCO's lesson ids joined by "\n", in base 36
   *                (1-7 characters). When it differs on resume the lesson list has changed
   *                (lessons added, removed or reordered): the viewed set is then ignored rather
   *                than credited to the wrong lessons. The bookmark is a lesson id and still works.
   *   BITS         the viewed lessons as a bitset, six lessons per character, in the base64url
   *                alphabet "A-Z a-z 0-9 - _": character k holds lessons 6k..6k+5 (in the
   *                order of runtime_config.lessons), lesson 6k+j in bit j (value 1 << j).
   *                Trailing "A" characters (six unviewed lessons) are dropped: "" = none viewed.
   *   STATE        only when saveState() was used: KEY "=" VALUE pairs joined by ";", keys
   *                sorted, KEY [A-Za-z0-9_.-]{1,64}; in VALUE "%", ";" and "|" are written
   *                %25, %3B and %7C. Kept whatever the fingerprint says.
   *
   * Example: 4 lessons, the first two viewed -> "v1|<fingerprint>|D" (D = 3 = bits 0 and 1);
   * with saveState("quiz", "a;b") -> "v1|<fingerprint>|D|quiz=a%3Bb".
   * Without STATE the length is 4 + 7 + ceil(n / 6) at most: 500 lessons take at most 95
   * characters. SCORM 1.2 allows 4096 (CMIString4096); if a course ever had more than ~24,500
   * lessons the bitset is cut to fit and the lessons past the cut read as not viewed. STATE is
   * only added when everything fits (saveState refuses otherwise). Nothing longer is ever sent.
   */
  var SUSPEND_DATA_LIMIT = 4096;
  var LOCATION_LIMIT = 255;
  var BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var STATE_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

  function fingerprint(ids) {
    var text = ids.join('\n');
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i += 1) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(36);
  }

  function escapeStateValue(value) {
    return String(value).replace(/[%;|]/g, function (c) {
      return c === '%' ? '%25' : (c === ';' ? '%3B' : '%7C');
    });
  }

  function unescapeStateValue(value) {
    return value.replace(/%(25|3B|7C)/g, function (all, code) {
      return code === '25' ? '%' : (code === '3B' ? ';' : '|');
    });
  }

  /** The STATE section for `state` (an object of strings), "" when there is nothing to keep. */
  function encodeState(state) {
    if (!state || typeof state !== 'object') {
      return '';
    }
    return Object.keys(state).sort().filter(function (key) {
      return STATE_KEY.test(key) && typeof state[key] === 'string';
    }).map(function (key) {
      return key + '=' + escapeStateValue(state[key]);
    }).join(';');
  }

  function decodeState(text) {
    var state = {};
    String(text || '').split(';').forEach(function (entry) {
      var at = entry.indexOf('=');
      var key = at === -1 ? '' : entry.slice(0, at);
      if (STATE_KEY.test(key)) {
        state[key] = unescapeStateValue(entry.slice(at + 1));
      }
    });
    return state;
  }

  function encodeParts(lessonIds, viewed, maxLength, state) {
    var limit = typeof maxLength === 'number' ? maxLength : SUSPEND_DATA_LIMIT;
    var head = 'v1|' + fingerprint(lessonIds) + '|';
    var chars = [];
    for (var i = 0; i < lessonIds.length; i += 6) {
      var value = 0;
      for (var j = 0; j < 6 && i + j < lessonIds.length; j += 1) {
        if (viewed[i + j]) {
          value |= 1 << j;
        }
      }
      chars.push(BASE64URL.charAt(value));
    }
    var bits = chars.join('').replace(/A+$/, '');
    var room = Math.max(0, limit - head.length);
    if (bits.length > room) {
      bits = bits.slice(0, room).replace(/A+$/, '');
    }
    var text = (head + bits).slice(0, Math.max(0, limit));
    var section = encodeState(state);
    var fits = section === '' || text.length + 1 + section.length <= limit;
    if (section !== '' && fits) {
      text += '|' + section;
    }
    return { text: text, stateFits: fits };
  }

  /**
   * Encode which of `lessonIds` are viewed (`viewed[i]` truthy), and `state` (optional object
   * of strings), as suspend_data of at most `maxLength` characters (default 4096).
   */
  function encodeSuspendData(lessonIds, viewed, maxLength, state) {
    return encodeParts(lessonIds, viewed, maxLength, state).text;
  }

  /** Whether `state` fits next to the bitset within `maxLength`. */
  function suspendDataFits(lessonIds, viewed, maxLength, state) {
    return encodeParts(lessonIds, viewed, maxLength, state).stateFits;
  }

  /**
   * Decode suspend_data written by encodeSuspendData for `lessonIds`.
   * Returns null when `text` is not ours (empty, another format or a newer version), else
   * {version: 1, matches: fingerprint equal, viewed: array of booleans (all false if !matches),
   *  state: object of strings}.
   */
  function decodeSuspendData(text, lessonIds) {
    var match = /^v1\|([0-9a-z]{1,7})\|([A-Za-z0-9_-]*)(?:\|([\s\S]*))?$/.exec(String(text || ''));
    if (!match) {
      return null;
    }
    var matches = match[1] === fingerprint(lessonIds);
    var viewed = [];
    for (var i = 0; i < lessonIds.length; i += 1) {
      var value = BASE64URL.indexOf(match[2].charAt(Math.floor(i / 6)));
      viewed.push(matches && value > 0 && (value & (1 << (i % 6))) !== 0);
    }
    return { version: 1, matches: matches, viewed: viewed, state: decodeState(match[3]) };
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) {
      text = '0' + text;
    }
    return text;
  }

  var MAX_CENTISECONDS = ((9999 * 60 + 59) * 60 + 59) * 100 + 99;

  /** Milliseconds -> whole hundredths of a second in 0 .. 9999:59:59.99. */
  function centiseconds(ms) {
    var centis = Math.round(Number(ms) / 10);
    if (!(centis > 0)) {
      return 0;
    }
    return centis > MAX_CENTISECONDS ? MAX_CENTISECONDS : centis;
  }

  /**
   * Milliseconds -> SCORM 1.2 CMITimespan "HHHH:MM:SS.SS", e.g. 65200 -> "0000:01:05.20".
   * Rounded to hundredths; negative or invalid input gives zero; clamped to 9999:59:59.99.
   */
  function formatCMITimespan(ms) {
    var centis = centiseconds(ms);
    var hours = Math.floor(centis / 360000);
    var minutes = Math.floor((centis % 360000) / 6000);
    var seconds = Math.floor((centis % 6000) / 100);
    return pad(hours, 4) + ':' + pad(minutes, 2) + ':' + pad(seconds, 2) + '.' +
      pad(centis % 100, 2);
  }

  /**
   * Milliseconds -> ISO 8601 duration as SCORM 2004 (timeinterval) and xAPI use it:
   * 65200 -> "PT1M5.2S", 0 -> "PT0S", 3600000 -> "PT1H". Hours are not folded into days;
   * rounded to hundredths; negative or invalid input gives "PT0S"; at most 9999 hours.
   */
  function formatISODuration(ms) {
    var centis = centiseconds(ms);
    var hours = Math.floor(centis / 360000);
    var minutes = Math.floor((centis % 360000) / 6000);
    var seconds = Math.floor((centis % 6000) / 100);
    var fraction = centis % 100;
    var text = 'PT';
    if (hours) {
      text += hours + 'H';
    }
    if (minutes) {
      text += minutes + 'M';
    }
    if (seconds || fraction || text === 'PT') {
      text += seconds;
      if (fraction) {
        text += '.' + pad(fraction, 2).replace(/0$/, '');
      }
      text += 'S';
    }
    return text;
  }

  function validDate(date) {
    return date instanceof Date && !isNaN(date.getTime()) ? date : null;
  }

  /** Date -> SCORM 1.2 CMITime "HH:MM:SS" in the learner's local time; null if invalid. */
  function formatCMITime(date) {
    date = validDate(date);
    if (!date) {
      return null;
    }
    return pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' +
      pad(date.getSeconds(), 2);
  }

  /**
   * Date -> SCORM 2004 time(second,10,2) in UTC with hundredths, e.g.
   * "2024-05-06T07:08:09.12Z" (scorm-again and the spec accept it); null if invalid.
   */
  function formatISOTimestamp(date) {
    date = validDate(date);
    if (!date) {
      return null;
    }
    return pad(date.getUTCFullYear(), 4) + '-' + pad(date.getUTCMonth() + 1, 2) + '-' +
      pad(date.getUTCDate(), 2) + 'T' + pad(date.getUTCHours(), 2) + ':' +
      pad(date.getUTCMinutes(), 2) + ':' + pad(date.getUTCSeconds(), 2) + '.' +
      pad(Math.floor(date.getUTCMilliseconds() / 10), 2) + 'Z';
  }

  /**
   * A number as a plain decimal string with at most `digits` decimals, no exponent, no
   * trailing zeros: (0.5, 7) -> "0.5", (1e-9, 7) -> "0", (2, 7) -> "2". null if not finite.
   */
  function formatDecimal(value, digits) {
    if (value === null || value === undefined || value === '' || typeof value === 'boolean') {
      return null;
    }
    var number = Number(value);
    if (!isFinite(number)) {
      return null;
    }
    var text = number.toFixed(typeof digits === 'number' ? digits : 7);
    if (text.indexOf('e') !== -1) {
      return null;
    }
    if (text.indexOf('.') !== -1) {
      text = text.replace(/0+$/, '').replace(/\.$/, '');
    }
    return text === '-0' ? '0' : text;
  }

  function clamp(value, low, high) {
    return value < low ? low : (value > high ? high : value);
  }

  function round(value, digits) {
    var factor = Math.pow(10, digits);
    return Math.round(value * factor) / factor;
  }

  /**
   * Check and derive a score from points: {raw, min, max, scaled, percent} or null.
   * scaled = raw / max in [-1, 1] (7 decimals); percent = 100 * raw / max in [0, 100] (2).
   */
  function normalizeScore(score) {
    if (!score || typeof score !== 'object') {
      return null;
    }
    var raw = Number(score.raw);
    var max = Number(score.max);
    var min = score.min === undefined || score.min === null ? 0 : Number(score.min);
    if (typeof score.raw !== 'number' || typeof score.max !== 'number' || !isFinite(raw) ||
        !isFinite(max) || !isFinite(min) || !(max > 0) || min > max) {
      return null;
    }
    return {
      raw: raw,
      min: min,
      max: max,
      scaled: round(clamp(raw / max, -1, 1), 7),
      percent: round(clamp(raw / max, 0, 1) * 100, 2)
    };
  }

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

  var INTERACTION_TYPES = ['choice', 'true-false', 'fill-in', 'long-fill-in', 'matching',
    'sequencing', 'numeric'];
  var INTERACTION_RESULTS = ['correct', 'incorrect', 'neutral'];
  var RESPONSE_ID = /^[A-Za-z0-9_-]{1,64}$/;

  function idArray(value) {
    if (!Array.isArray(value) || !value.every(function (id) {
      return (typeof id === 'string' || typeof id === 'number') && RESPONSE_ID.test(String(id));
    })) {
      return undefined;
    }
    return value.map(String);
  }

  /** One `correct` or `response` value of an interaction of `type`, checked and normalised;
   *  undefined when absent or malformed. `which` is "correct" or "response". */
  function interactionValue(type, value, which) {
    if (value === undefined || value === null) {
      return undefined;
    }
    switch (type) {
      case 'choice':
      case 'sequencing':
        return idArray(value);
      case 'true-false':
        return typeof value === 'boolean' ? value : undefined;
      case 'fill-in':
        return Array.isArray(value) ? value.map(function (text) {
          return oneLine(text === null || text === undefined ? '' : text);
        }) : undefined;
      case 'long-fill-in':
        return typeof value === 'string' ? oneLine(value) : undefined;
      case 'matching':
        if (!Array.isArray(value) || !value.every(function (pair) {
          return Array.isArray(pair) && pair.length === 2 && idArray(pair) !== undefined;
        })) {
          return undefined;
        }
        return value.map(function (pair) { return [String(pair[0]), String(pair[1])]; });
      case 'numeric':
        if (which === 'response') {
          return formatDecimal(value, 7) === null ? undefined : Number(value);
        }
        if (typeof value !== 'object') {
          return undefined;
        }
        var low = formatDecimal(value.min, 7);
        var high = formatDecimal(value.max, 7);
        return low === null && high === null ? undefined : { min: low, max: high };
      default:
        return undefined;
    }
  }

  /**
   * Check an interaction given to recordInteraction; returns the normalised fields or null:
   * {id, type, description, correct, response, result, weighting, latencyMs, time}.
   */
  function normalizeInteraction(i) {
    if (!i || typeof i !== 'object' || INTERACTION_TYPES.indexOf(i.type) === -1) {
      return null;
    }
    var id = i.id === undefined || i.id === null ? '' : String(i.id);
    if (!id) {
      return null;
    }
    var correct = interactionValue(i.type, i.correct, 'correct');
    var response = interactionValue(i.type, i.response, 'response');
    if ((i.correct !== undefined && i.correct !== null && correct === undefined) ||
        (i.response !== undefined && i.response !== null && response === undefined)) {
      return null;
    }
    var latency = Number(i.latencySeconds);
    return {
      id: id,
      type: i.type,
      description: typeof i.description === 'string' ? oneLine(i.description).trim() : '',
      correct: correct,
      response: response,
      result: INTERACTION_RESULTS.indexOf(i.result) === -1 ? null : i.result,
      weighting: formatDecimal(i.weighting, 7),
      latencyMs: typeof i.latencySeconds === 'number' && isFinite(latency) && latency >= 0 ?
        latency * 1000 : null,
      time: validDate(i.time)
    };
  }

  function fitted(text, max) {
    return text === null ? null : truncate(text, max);
  }

  /**
   * An interaction in SCORM 1.2 terms: {id, type, pattern, response, result, weighting,
   * latency, time}, each a string or null (not written); null for an invalid interaction.
   */
  function formatInteraction12(input) {
    var i = normalizeInteraction(input);
    if (!i) {
      return null;
    }
    function text(value) {
      if (value === undefined) {
        return null;
      }
      switch (i.type) {
        case 'choice':
        case 'sequencing':
          return value.join(',');
        case 'true-false':
          return value ? 't' : 'f';
        case 'fill-in':
          return value.join(',');
        case 'long-fill-in':
          return value;
        case 'matching':
          return value.map(function (pair) { return pair[0] + '.' + pair[1]; }).join(',');
        default:
          return null;
      }
    }
    var pattern = text(i.correct);
    if (i.type === 'choice' && i.correct !== undefined && i.correct.length > 1) {
      pattern = '{' + pattern + '}';
    }
    if (i.type === 'numeric') {
      pattern = i.correct !== undefined && i.correct.min !== null &&
        i.correct.min === i.correct.max ? i.correct.min : null;
    }
    var response = i.type === 'numeric' ?
      (i.response === undefined ? null : formatDecimal(i.response, 7)) : text(i.response);
    return {
      id: truncate(i.id.replace(/[^A-Za-z0-9_-]/g, '_'), 255),
      type: i.type === 'long-fill-in' ? 'fill-in' : i.type,
      pattern: fitted(pattern, 255),
      response: fitted(response, 255),
      result: i.result === null ? null : (i.result === 'incorrect' ? 'wrong' : i.result),
      weighting: i.weighting,
      latency: i.latencyMs === null ? null : formatCMITimespan(i.latencyMs),
      time: formatCMITime(i.time)
    };
  }

  /** A SCORM 2004 characterstring or localized string may not start with "{" (a reserved
   *  delimiter; scorm-again rejects it even after a "{lang=..}"): a space goes first then. */
  function guardBrace(text) {
    return text.charAt(0) === '{' ? ' ' + text : text;
  }

  function interactionUrn(courseId, id) {
    return 'urn:scormkit:' + encodeURIComponent(String(courseId || 'course')) + ':' +
      encodeURIComponent(id);
  }

  /**
   * An interaction in SCORM 2004 terms: {id, type, description, pattern, response, result,
   * weighting, latency, timestamp}, each a string or null (not written); null if invalid.
   * options: {courseId}.
   */
  function formatInteraction2004(input, options) {
    var i = normalizeInteraction(input);
    if (!i) {
      return null;
    }
    options = options || {};
    function text(value) {
      if (value === undefined) {
        return null;
      }
      switch (i.type) {
        case 'choice':
        case 'sequencing':
          return value.length ? value.slice(0, 36).join('[,]') : null;
        case 'true-false':
          return value ? 'true' : 'false';
        case 'fill-in':
          return value.length ? value.slice(0, 10).map(function (blank) {
            return truncate(guardBrace(blank.replace(/\[([,.:])\]/g, '$1')), 250);
          }).join('[,]') : null;
        case 'long-fill-in':
          return truncate(guardBrace(value), 4000);
        case 'matching':
          return value.length ? value.slice(0, 36).map(function (pair) {
            return pair[0] + '[.]' + pair[1];
          }).join('[,]') : null;
        default:
          return null;
      }
    }
    var pattern = text(i.correct);
    var response = text(i.response);
    if (i.type === 'numeric') {
      pattern = i.correct === undefined ? null :
        (i.correct.min === null ? '' : i.correct.min) + '[:]' +
        (i.correct.max === null ? '' : i.correct.max);
      response = i.response === undefined ? null : formatDecimal(i.response, 7);
    }
    return {
      id: interactionUrn(options.courseId, i.id),
      type: i.type,
      description: i.description ? truncate(guardBrace(i.description), 250) : null,
      pattern: pattern,
      response: response,
      result: i.result,
      weighting: i.weighting,
      latency: i.latencyMs === null ? null : formatISODuration(i.latencyMs),
      timestamp: formatISOTimestamp(i.time)
    };
  }

  /** 16 random bytes -> RFC 4122 version 4 UUID text. */
  function uuid4(bytes) {
    var b = Array.prototype.slice.call(bytes, 0, 16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = b.map(function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
      hex.slice(16, 20) + '-' + hex.slice(20, 32);
  }

  /*
   * cmi5 (xAPI profile): identifiers only; nothing is ever requested from these addresses.
   */
  var XAPI_VERSION = '1.0.3';
  var ADL_VERBS = 'http://adlnet.gov/expapi/verbs/';
  var CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
  var MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
  var MASTERY_EXTENSION = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
  var INTERACTION_ACTIVITY = 'http://adlnet.gov/expapi/activities/cmi.interaction';
  // Questions are named from the course id, like the AUs of cmi5.xml (scormkit/writers/cmi5.py
  // IRI_BASE): the same question keeps its IRI in every LMS and registration.
  var QUESTION_IRI_BASE = 'https://scormkit.invalid/courses/';
  var CMI5_STATE_ID = 'scormkit.state';
  var LAUNCH_DATA_ID = 'LMS.LaunchData';
  var PREFERENCES_ID = 'cmi5LearnerPreferences';
  var LAUNCH_MODES = { Normal: 'normal', Browse: 'browse', Review: 'review' };
  /** The verbs that record satisfaction: never sent in Browse or Review (cmi5 10.2.2.0-9/-11). */
  var JUDGING_VERBS = ['completed', 'passed', 'failed'];

  /**
   * The cmi5 launch parameters from a query string ("?endpoint=...&fetch=...&actor=...&
   * registration=...&activityId=..."): {endpoint (with a final "/"), fetch, actor (object),
   * registration, activityId}, or null when one is missing or the actor is not JSON.
   */
  function parseCmi5Launch(search) {
    var params;
    try {
      params = new URLSearchParams(String(search || ''));
    } catch (error) {
      return null;
    }
    var launch = {};
    var names = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];
    for (var k = 0; k < names.length; k += 1) {
      var value = params.get(names[k]);
      if (!value) {
        return null;
      }
      launch[names[k]] = value;
    }
    try {
      launch.actor = JSON.parse(launch.actor);
    } catch (error) {
      return null;
    }
    if (!launch.actor || typeof launch.actor !== 'object') {
      return null;
    }
    launch.endpoint = launch.endpoint.replace(/\/*$/, '/');
    return launch;
  }

  function copyJson(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  /**
   * A statement's context: the LaunchData contextTemplate (it carries the session id and the
   * publisher id grouping; cmi5 10.2.1.0-6/-7: used as is, nothing in it overwritten) +
   * registration + `categories` added to contextActivities.category + `parents` added to
   * contextActivities.parent (after what the template has) + `extensions` (those the template
   * does not set).
   */
  function statementContext(launch, template, categories, parents, extensions) {
    var context = copyJson(template && typeof template === 'object' ? template : {}) || {};
    context.registration = launch.registration;
    var activities = context.contextActivities && typeof context.contextActivities === 'object' ?
      context.contextActivities : {};
    function add(kind, ids) {
      if (!ids.length) {
        return;
      }
      var list = activities[kind];
      list = Array.isArray(list) ? list.slice() : (list ? [list] : []);
      ids.forEach(function (id) {
        if (!list.some(function (activity) { return activity && activity.id === id; })) {
          list.push({ id: id, objectType: 'Activity' });
        }
      });
      activities[kind] = list;
    }
    add('category', categories);
    add('parent', parents || []);
    context.contextActivities = activities;
    if (extensions) {
      var own = context.extensions && typeof context.extensions === 'object' ?
        context.extensions : {};
      Object.keys(extensions).forEach(function (key) {
        if (!Object.prototype.hasOwnProperty.call(own, key)) {
          own[key] = extensions[key];
        }
      });
      context.extensions = own;
    }
    return context;
  }

  /**
   * A cmi5-defined statement. launch: parseCmi5Launch() result; template: the LaunchData
   * contextTemplate; verb: initialized | completed | passed | failed | terminated;
   * options: {id, timestamp, result, masteryScore}.
   * Context = the template + registration + the cmi5 category (+ moveon for completed/passed/
   * failed, 9.6.2.2-1); passed and failed carry the LaunchData masteryScore they were judged
   * by as the masteryscore extension (9.6.3.2-2) when there is one.
   */
  function cmi5Statement(launch, template, verb, options) {
    options = options || {};
    var judged = verb === 'passed' || verb === 'failed';
    var extensions = null;
    if (judged && typeof options.masteryScore === 'number') {
      extensions = {};
      extensions[MASTERY_EXTENSION] = options.masteryScore;
    }
    var categories = JUDGING_VERBS.indexOf(verb) === -1 ? [CMI5_CATEGORY] :
      [CMI5_CATEGORY, MOVEON_CATEGORY];
    var statement = {
      id: options.id,
      actor: copyJson(launch.actor),
      verb: { id: ADL_VERBS + verb, display: { 'en-US': verb } },
      object: { id: launch.activityId, objectType: 'Activity' },
      context: statementContext(launch, template, categories, [], extensions),
      timestamp: options.timestamp
    };
    if (options.result) {
      statement.result = options.result;
    }
    return statement;
  }

  function questionIri(courseId, id) {
    return QUESTION_IRI_BASE + encodeURIComponent(String(courseId || 'course')) + '/questions/' +
      encodeURIComponent(id);
  }

  /**
   * An interaction as xAPI data (xAPI 1.0.3 Data 2.4.4.1, "Interaction Activities", and its
   * response patterns): {object, result} for an `answered` statement, or null if invalid.
   * object: the question as an Activity of type cmi.interaction with interactionType and
   * correctResponsesPattern (one pattern: "a[,]c", "true", "1[.]a[,]2[.]b", "4[:]6" or "5",
   * ...); result: response (the learner's, same syntax), success (correct / incorrect; none for
   * neutral) and duration (the latency). The patterns are SCORM 2004's (xAPI took them from
   * there) without SCORM's length caps; a text starting with "{" gets a leading space so that
   * it is not read as a {case_matters=...} or {lang=...} prefix, and "[,]"-like delimiters
   * inside a blank's text lose their brackets. options: {courseId, language}.
   */
  function formatInteractionXapi(input, options) {
    var i = normalizeInteraction(input);
    if (!i) {
      return null;
    }
    options = options || {};
    function text(value) {
      if (value === undefined) {
        return null;
      }
      switch (i.type) {
        case 'choice':
        case 'sequencing':
          return value.join('[,]');
        case 'true-false':
          return value ? 'true' : 'false';
        case 'fill-in':
          return value.map(function (blank) {
            return guardBrace(blank.replace(/\[([,.:])\]/g, '$1'));
          }).join('[,]');
        case 'long-fill-in':
          return guardBrace(value);
        case 'matching':
          return value.map(function (pair) { return pair[0] + '[.]' + pair[1]; }).join('[,]');
        default:
          return null;
      }
    }
    var pattern = text(i.correct);
    var response = text(i.response);
    if (i.type === 'numeric') {
      pattern = null;
      if (i.correct !== undefined) {
        pattern = i.correct.min !== null && i.correct.min === i.correct.max ? i.correct.min :
          (i.correct.min === null ? '' : i.correct.min) + '[:]' +
          (i.correct.max === null ? '' : i.correct.max);
      }
      response = i.response === undefined ? null : formatDecimal(i.response, 7);
    }
    var language = options.language || 'und';
    var definition = { type: INTERACTION_ACTIVITY, interactionType: i.type };
    if (i.description) {
      definition.name = {};
      definition.name[language] = i.description;
    }
    // xAPI strings are never empty (an empty choice list has no pattern at all).
    if (pattern) {
      definition.correctResponsesPattern = [pattern];
    }
    var result = {};
    if (response) {
      result.response = response;
    }
    if (i.result === 'correct' || i.result === 'incorrect') {
      result.success = i.result === 'correct';
    }
    if (i.latencyMs !== null) {
      result.duration = formatISODuration(i.latencyMs);
    }
    return {
      object: { id: questionIri(options.courseId, i.id), objectType: 'Activity',
        definition: definition },
      result: result
    };
  }

  /**
   * A "cmi5 allowed" statement (cmi5 7.1.3): any verb, the context template, no cmi5 category.
   * Used for `answered`, one per question: object and result from formatInteractionXapi, the AU
   * as the parent activity. options: {id, timestamp}.
   */
  function answeredStatement(launch, template, formatted, options) {
    options = options || {};
    var statement = {
      id: options.id,
      actor: copyJson(launch.actor),
      verb: { id: ADL_VERBS + 'answered', display: { 'en-US': 'answered' } },
      object: formatted.object,
      context: statementContext(launch, template, [], [launch.activityId], null),
      timestamp: options.timestamp
    };
    if (Object.keys(formatted.result).length) {
      statement.result = formatted.result;
    }
    return statement;
  }

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

  /** The rule a refusing LMS names in its answer ("9.6.3.2-2", cmi5 requirement numbering, as
   *  ADL's CATAPULT reports it), or "". */
  function ruleOf(text) {
    var match = /\b\d{1,2}\.\d{1,2}\.\d{1,2}\.\d{1,2}-\d{1,2}\b/.exec(String(text || ''));
    return match ? match[0] : '';
  }

  // ------------------------------------------------------------------------------------------
  // 2. Transports
  // ------------------------------------------------------------------------------------------

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


  function whenDone(value, callback) {
    return value && typeof value.then === 'function' ? value.then(callback) : callback(value);
  }

  /*
   * SCORM transports share the call/check/get/set/commit/terminate logic; a dialect names the
   * functions of the standard's API object.
   */
  function ScormTransport(api, dialect) {
    this.standard = dialect.standard;
    this.connected = true;
    this.api = api;
    this.dialect = dialect;
    this.limits = dialect.limits;
    this.errors = [];
    this.finished = false;
    this.written = {};
    this.interactions = {};
  }

  ScormTransport.prototype.call = function (method, args) {
    try {
      return String(this.api[method].apply(this.api, args));
    } catch (error) {
      this.errors.push({ call: method, args: args, error: String(error) });
      return 'false';
    }
  };

  ScormTransport.prototype.lastError = function () {
    var code = this.call(this.dialect.getLastError, []);
    return code === '' ? '0' : code;
  };

  /** Record an error unless the call succeeded (or failed with one of `tolerated` codes). */
  ScormTransport.prototype.check = function (method, args, result, tolerated) {
    var code = this.lastError();
    if (tolerated && tolerated.indexOf(code) !== -1) {
      return false;
    }
    if (code !== '0' || result === 'false') {
      this.errors.push({ call: method, args: args, result: result, code: code });
      return false;
    }
    return true;
  };

  ScormTransport.prototype.get = function (element) {
    var method = this.dialect.getValue;
    var value = this.call(method, [element]);
    return this.check(method, [element], value, this.dialect.unsetCodes) ? value : '';
  };

  ScormTransport.prototype.set = function (element, value) {
    value = String(value);
    if (this.written[element] === value) {
      return true;
    }
    var method = this.dialect.setValue;
    var result = this.call(method, [element, value]);
    var ok = this.check(method, [element, value], result) && result === 'true';
    if (ok) {
      this.written[element] = value;
    }
    return ok;
  };

  /** Initialize(""); false (error recorded) when the LMS refuses. */
  ScormTransport.prototype.initialize = function () {
    var method = this.dialect.initialize;
    var result = this.call(method, ['']);
    var code = this.lastError();
    if (result !== 'true') {
      this.errors.push({ call: method, args: [''], result: result, code: code });
      return code;
    }
    return null;
  };

  ScormTransport.prototype.commit = function () {
    var method = this.dialect.commit;
    var result = this.call(method, ['']);
    return this.check(method, [''], result) && result === 'true';
  };

  ScormTransport.prototype.finish = function (sessionMs, suspend) {
    if (this.finished) {
      return false;
    }
    this.finished = true;
    this.set(this.dialect.sessionTime, this.dialect.formatSessionTime(sessionMs));
    this.setExit(suspend);
    this.commit();
    var method = this.dialect.terminate;
    var result = this.call(method, ['']);
    return this.check(method, [''], result) && result === 'true';
  };

  /** Bookmark and suspend_data; no bookmark on a page without lessons (a quiz SCO): SCORM
   *  2004 refuses an empty cmi.location (406). */
  ScormTransport.prototype.setBookmark = function (location, suspendData) {
    var ok = !location || this.set(this.dialect.location, truncate(location,
      this.limits.location));
    return this.set('cmi.suspend_data', String(suspendData).slice(0, this.limits.suspendData)) &&
      ok;
  };

  /** The index to write interaction `id` at: the same as earlier in this session, else
   *  cmi.interactions._count (interactions are journaled across sessions). */
  ScormTransport.prototype.interactionIndex = function (id) {
    if (Object.prototype.hasOwnProperty.call(this.interactions, id)) {
      return this.interactions[id];
    }
    var count = parseInt(this.get('cmi.interactions._count'), 10);
    var index = count >= 0 ? count : 0;
    this.interactions[id] = index;
    return index;
  };

  /** Write `fields` (element suffix -> string or null) under cmi.interactions.n, in order. */
  ScormTransport.prototype.writeInteraction = function (id, fields) {
    var prefix = 'cmi.interactions.' + this.interactionIndex(id) + '.';
    var ok = true;
    for (var k = 0; k < fields.length; k += 1) {
      if (fields[k][1] !== null && fields[k][1] !== undefined) {
        ok = this.set(prefix + fields[k][0], fields[k][1]) && ok;
      }
    }
    return ok;
  };

  var SCORM12 = {
    standard: 'scorm12',
    initialize: 'LMSInitialize',
    terminate: 'LMSFinish',
    getValue: 'LMSGetValue',
    setValue: 'LMSSetValue',
    commit: 'LMSCommit',
    getLastError: 'LMSGetLastError',
    unsetCodes: null,
    location: 'cmi.core.lesson_location',
    sessionTime: 'cmi.core.session_time',
    formatSessionTime: formatCMITimespan,
    limits: { suspendData: SUSPEND_DATA_LIMIT, location: LOCATION_LIMIT }
  };

  /** Transport for SCORM 1.2 (API object `API`, LMS* functions, cmi.core.* data model). */
  function Scorm12Transport(api) {
    ScormTransport.call(this, api, SCORM12);
    this.success = 'unknown';
  }
  Scorm12Transport.prototype = Object.create(ScormTransport.prototype);
  Scorm12Transport.prototype.constructor = Scorm12Transport;

  Scorm12Transport.prototype.start = function () {
    var refused = this.initialize();
    if (refused !== null) {
      return { ok: false, error: refused };
    }
    var entry = this.get('cmi.core.entry');
    var location = this.get('cmi.core.lesson_location');
    var suspendData = this.get('cmi.suspend_data');
    var status = this.get('cmi.core.lesson_status');
    var mode = this.get('cmi.core.lesson_mode') || 'normal';
    var mastery = parseFloat(this.get('cmi.student_data.mastery_score'));
    var completion = 'unknown';
    var success = 'unknown';
    if (status === 'completed' || status === 'passed' || status === 'failed') {
      completion = 'completed';
      success = status === 'completed' ? 'unknown' : status;
    } else if (status === 'incomplete') {
      completion = 'incomplete';
    } else if (status === 'not attempted' || status === '') {
      completion = 'not attempted';
    }
    this.success = success;
    return {
      ok: true,
      resume: entry === 'resume' || location !== '' || suspendData !== '',
      location: location,
      suspendData: suspendData,
      mode: mode,
      completion: completion,
      success: success,
      masteryScore: mastery >= 0 && mastery <= 100 ? round(mastery / 100, 4) : null
    };
  };

  /** 1.2 has one status: a known passed/failed stands for completed too. */
  Scorm12Transport.prototype.setCompletion = function (status) {
    if (this.success === 'passed' || this.success === 'failed') {
      return status === 'completed' ? this.set('cmi.core.lesson_status', this.success) : true;
    }
    return this.set('cmi.core.lesson_status', status);
  };

  Scorm12Transport.prototype.setProgress = function () {
    return true;
  };

  Scorm12Transport.prototype.setExit = function (suspend) {
    return this.set('cmi.core.exit', suspend ? 'suspend' : '');
  };

  Scorm12Transport.prototype.setScore = function (score) {
    var ok = this.set('cmi.core.score.raw', formatDecimal(score.percent, 2));
    ok = this.set('cmi.core.score.min', '0') && ok;
    ok = this.set('cmi.core.score.max', '100') && ok;
    if (score.passed !== null) {
      this.success = score.passed ? 'passed' : 'failed';
      ok = this.set('cmi.core.lesson_status', this.success) && ok;
    }
    return ok;
  };

  Scorm12Transport.prototype.recordInteraction = function (input) {
    var f = formatInteraction12(input);
    if (!f) {
      return false;
    }
    return this.writeInteraction(f.id, [
      ['id', f.id], ['type', f.type], ['weighting', f.weighting],
      ['correct_responses.0.pattern', f.pattern], ['student_response', f.response],
      ['result', f.result], ['latency', f.latency], ['time', f.time]
    ]);
  };

  var SCORM2004 = {
    standard: 'scorm2004',
    initialize: 'Initialize',
    terminate: 'Terminate',
    getValue: 'GetValue',
    setValue: 'SetValue',
    commit: 'Commit',
    getLastError: 'GetLastError',
    // 403 "value not initialized": reading an element the LMS holds no value for yet.
    unsetCodes: ['403'],
    location: 'cmi.location',
    sessionTime: 'cmi.session_time',
    formatSessionTime: formatISODuration,
    limits: { suspendData: 64000, location: 1000 }
  };

  var COMPLETION_2004 = ['completed', 'incomplete', 'not attempted', 'unknown'];
  var SUCCESS_2004 = ['passed', 'failed', 'unknown'];

  /** Transport for SCORM 2004 (API object `API_1484_11`, cmi.* data model of RTE 4th Ed). */
  function Scorm2004Transport(api) {
    ScormTransport.call(this, api, SCORM2004);
  }
  Scorm2004Transport.prototype = Object.create(ScormTransport.prototype);
  Scorm2004Transport.prototype.constructor = Scorm2004Transport;

  Scorm2004Transport.prototype.start = function () {
    var refused = this.initialize();
    if (refused !== null) {
      return { ok: false, error: refused };
    }
    var entry = this.get('cmi.entry');
    var location = this.get('cmi.location');
    var suspendData = this.get('cmi.suspend_data');
    var mode = this.get('cmi.mode') || 'normal';
    var completion = this.get('cmi.completion_status');
    var success = this.get('cmi.success_status');
    var passing = this.get('cmi.scaled_passing_score');
    var mastery = passing === '' ? NaN : parseFloat(passing);
    return {
      ok: true,
      resume: entry === 'resume' || location !== '' || suspendData !== '',
      location: location,
      suspendData: suspendData,
      mode: mode,
      completion: COMPLETION_2004.indexOf(completion) === -1 ? 'unknown' : completion,
      success: SUCCESS_2004.indexOf(success) === -1 ? 'unknown' : success,
      masteryScore: mastery >= -1 && mastery <= 1 ? mastery : null
    };
  };

  Scorm2004Transport.prototype.setCompletion = function (status) {
    return this.set('cmi.completion_status', status);
  };

  Scorm2004Transport.prototype.setProgress = function (fraction) {
    return this.set('cmi.progress_measure', formatDecimal(clamp(fraction, 0, 1), 7));
  };

  Scorm2004Transport.prototype.setExit = function (suspend) {
    return this.set('cmi.exit', suspend ? 'suspend' : 'normal');
  };

  Scorm2004Transport.prototype.setScore = function (score) {
    var ok = this.set('cmi.score.scaled', formatDecimal(score.scaled, 7));
    ok = this.set('cmi.score.min', formatDecimal(score.min, 7)) && ok;
    ok = this.set('cmi.score.max', formatDecimal(score.max, 7)) && ok;
    ok = this.set('cmi.score.raw', formatDecimal(score.raw, 7)) && ok;
    if (score.passed !== null) {
      ok = this.set('cmi.success_status', score.passed ? 'passed' : 'failed') && ok;
    }
    return ok;
  };

  Scorm2004Transport.prototype.recordInteraction = function (input, options) {
    var f = formatInteraction2004(input, options);
    if (!f) {
      return false;
    }
    // id first, type before the responses (2004 error 408 "dependency not established").
    return this.writeInteraction(f.id, [
      ['id', f.id], ['type', f.type], ['description', f.description],
      ['weighting', f.weighting], ['correct_responses.0.pattern', f.pattern],
      ['learner_response', f.response], ['result', f.result], ['latency', f.latency],
      ['timestamp', f.timestamp]
    ]);
  };

  /**
   * Transport for cmi5: xAPI statements to the LMS's endpoint with the token from `fetch`.
   *
   * Start (cmi5 8.2, 10, 11): POST the fetch URL once for the token; GET LMS.LaunchData
   * (contextTemplate, launchMode, masteryScore, returnURL); GET the learner preferences agent
   * profile "cmi5LearnerPreferences" (11.0.0.0-3: before any statement; 404 means "none");
   * GET this AU's own state document; then POST `initialized`.
   *
   * Statements go out in order, one request at a time (all that are waiting, as one batch),
   * as keepalive requests so that one on its way still arrives when the page goes away. A
   * statement is only dropped from the queue once the LMS acknowledged it:
   *   - 2xx: stored;
   *   - a network error, 408, 429 or 5xx: sent again after 1, 2, 4, 8, 16, then every 30 s
   *     (status "retrying", then "unreachable" after the third failure), and at once when the
   *     learner does something that commits;
   *   - any other 4xx: refused (status "refused", with the HTTP status and the cmi5 rule the
   *     LMS names): sending it again cannot help, so it is dropped and the learner is told.
   * onchange() is called whenever `status` changes (the page shows it).
   *
   * End: exit() (the exit control) waits for what is queued, sends `terminated` and resolves
   * with the LaunchData returnURL to go to; finish() (pagehide: the page is going away) sends
   * what is not on its way yet with `terminated` in one keepalive request. An LMS that orders
   * by timestamp (cmi5 9.3) and waits after `terminated` (9.3.8.0-4) accepts a statement still
   * on its way then.
   *
   * What this AU keeps between sessions of a registration lives in an activity state document
   * (stateId "scormkit.state", JSON {location, suspendData, completed, passed}): the bookmark,
   * and which once-per-registration statements were already sent. It is written (PUT) at
   * checkpoints only: after a lesson change, a quiz submission or completion (once the
   * current event is handled, so that what the page saves along with it goes in the same
   * write), and at the end of the session; not on every saveState() (every quiz answer).
   */
  function Cmi5Transport(win, launch) {
    this.standard = 'cmi5';
    this.connected = true;
    this.win = win;
    this.launch = launch;
    this.limits = { suspendData: 16000, location: 1000 };
    this.errors = [];
    this.finished = false;
    this.terminated = false;
    this.token = null;
    this.launchData = null;
    this.masteryScore = null;
    this.returnURL = null;
    this.preferences = parsePreferences(null);
    this.mode = 'normal';
    this.startedAt = 0;
    this.sentVerbs = [];
    this.outbox = [];
    this.inflight = 0;
    this.sending = false;
    this.failures = 0;
    this.retryTimer = null;
    this.status = 'ok';
    this.refusal = '';
    this.onchange = null;
    this.saved = { location: '', suspendData: '', completed: false, passed: false };
    this.stateDirty = false;
    this.stateSending = false;
    this.checkpointTimer = null;
    this.pending = 0;
    this.counts = { statements: 0, statePuts: 0 };
    this.failedScore = null;
  }

  var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 30000];
  var UNREACHABLE_AFTER = 3;

  Cmi5Transport.prototype.fail = function (call, detail) {
    this.errors.push({ call: call, error: String(detail) });
  };

  Cmi5Transport.prototype.setStatus = function (status) {
    if (this.status === 'refused' || this.status === status) {
      return;   // a refusal stays on screen for the rest of the session
    }
    this.status = status;
    if (typeof this.onchange === 'function') {
      try {
        this.onchange(status);
      } catch (ignore) { /* the page's problem, not the transport's */ }
    }
  };

  Cmi5Transport.prototype.request = function (method, url, body, keepalive) {
    var transport = this;
    var headers = { 'X-Experience-API-Version': XAPI_VERSION };
    if (this.token !== null) {
      headers.Authorization = 'Basic ' + this.token;
    }
    var options = {
      method: method, headers: headers, credentials: 'omit', cache: 'no-store',
      keepalive: Boolean(keepalive)
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    this.pending += 1;
    function done() {
      transport.pending -= 1;
    }
    var promise;
    try {
      promise = this.win.fetch(url, options);
    } catch (error) {
      done();
      return Promise.reject(error);
    }
    return promise.then(function (response) {
      done();
      return response;
    }, function (error) {
      done();
      throw error;
    });
  };

  Cmi5Transport.prototype.stateUrl = function (stateId) {
    var launch = this.launch;
    return launch.endpoint + 'activities/state?stateId=' + encodeURIComponent(stateId) +
      '&activityId=' + encodeURIComponent(launch.activityId) +
      '&agent=' + encodeURIComponent(JSON.stringify(launch.actor)) +
      '&registration=' + encodeURIComponent(launch.registration);
  };

  Cmi5Transport.prototype.preferencesUrl = function () {
    var launch = this.launch;
    return launch.endpoint + 'agents/profile?agent=' +
      encodeURIComponent(JSON.stringify(launch.actor)) + '&profileId=' + PREFERENCES_ID;
  };

  Cmi5Transport.prototype.uuid = function () {
    var bytes = new Uint8Array(16);
    this.win.crypto.getRandomValues(bytes);
    return uuid4(bytes);
  };

  Cmi5Transport.prototype.statement = function (verb, result) {
    return cmi5Statement(this.launch, this.launchData.contextTemplate, verb, {
      id: this.uuid(), timestamp: new Date().toISOString(), result: result,
      masteryScore: this.masteryScore === null ? undefined : this.masteryScore
    });
  };

  /** Time since `initialized`, on the session's one clock (the tracker's as well). */
  Cmi5Transport.prototype.duration = function () {
    return formatISODuration(Math.max(0, now() - this.startedAt));
  };

  /** The auth token: POST to the fetch URL, once (a second call is an error by design). */
  Cmi5Transport.prototype.fetchToken = function () {
    var transport = this;
    return this.win.fetch(this.launch.fetch, {
      method: 'POST', credentials: 'omit', cache: 'no-store'
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body || typeof body['auth-token'] !== 'string') {
          throw new Error('fetch URL answered ' + response.status + ' ' +
            JSON.stringify(body && (body['error-text'] || body['error-code'] || body)));
        }
        transport.token = body['auth-token'];
      });
    });
  };

  Cmi5Transport.prototype.getDocument = function (stateId, required) {
    return this.request('GET', this.stateUrl(stateId)).then(function (response) {
      if (response.status === 404 && !required) {
        return null;
      }
      if (!response.ok) {
        throw new Error('GET state ' + stateId + ' answered ' + response.status);
      }
      return response.json();
    });
  };

  /** The learner preferences (cmi5 11): 404 is the usual answer (none set); any other failure
   *  is noted and the AU goes on with its defaults, the LMS decides whether that is enough. */
  Cmi5Transport.prototype.getPreferences = function () {
    var transport = this;
    return this.request('GET', this.preferencesUrl()).then(function (response) {
      if (response.status === 404) {
        return null;
      }
      if (!response.ok) {
        throw new Error('GET ' + PREFERENCES_ID + ' answered ' + response.status);
      }
      return response.json();
    }).then(parsePreferences, function (error) {
      transport.fail('GET ' + PREFERENCES_ID, error);
      return parsePreferences(null);
    });
  };

  /**
   * POST statements (keepalive: see above). Resolves with {ok, retry, code}: ok when stored;
   * retry when sending again may work (no answer, 408, 429, 5xx); code: "403, rule 9.6.3.2-2"
   * style text for the learner and the error list.
   */
  Cmi5Transport.prototype.postStatements = function (statements, keepalive) {
    var transport = this;
    var body = statements.length === 1 ? statements[0] : statements;
    this.counts.statements += statements.length;
    return this.request('POST', this.launch.endpoint + 'statements', body, keepalive !== false)
      .then(function (response) {
        if (response.ok) {
          return { ok: true, retry: false, code: '' };
        }
        return response.text().then(null, function () { return ''; }).then(function (text) {
          var status = response.status;
          var rule = ruleOf(text);
          var code = String(status) + (rule ? ', rule ' + rule : '');
          transport.fail('POST statements', 'answered ' + code + ' ' + text.slice(0, 300));
          return {
            ok: false, code: code,
            retry: status === 408 || status === 429 || status >= 500
          };
        });
      }, function (error) {
        transport.fail('POST statements', error);
        return { ok: false, retry: true, code: 'network' };
      });
  };

  /** POST with up to `tries` attempts (1 s, 2 s, ... apart); resolves like postStatements. */
  Cmi5Transport.prototype.postWithRetry = function (statements, tries, keepalive) {
    var transport = this;
    function attempt(n) {
      return transport.postStatements(statements, keepalive).then(function (outcome) {
        if (outcome.ok || !outcome.retry || n + 1 >= tries) {
          return outcome;
        }
        return new Promise(function (resolve) {
          transport.win.setTimeout(resolve, RETRY_DELAYS_MS[Math.min(n, 2)]);
        }).then(function () { return attempt(n + 1); });
      });
    }
    return attempt(0);
  };

  Cmi5Transport.prototype.start = function () {
    var transport = this;
    return this.fetchToken().then(function () {
      return transport.getDocument(LAUNCH_DATA_ID, true);
    }).then(function (launchData) {
      if (!launchData || typeof launchData !== 'object' || !launchData.contextTemplate) {
        throw new Error('LMS.LaunchData has no contextTemplate');
      }
      transport.launchData = launchData;
      transport.mode = LAUNCH_MODES[launchData.launchMode] || 'normal';
      var mastery = launchData.masteryScore;
      transport.masteryScore = typeof mastery === 'number' && mastery >= 0 && mastery <= 1 ?
        mastery : null;
      transport.returnURL = typeof launchData.returnURL === 'string' && launchData.returnURL ?
        launchData.returnURL : null;
      return transport.getPreferences();
    }).then(function (preferences) {
      transport.preferences = preferences;
      return transport.getDocument(CMI5_STATE_ID, false);
    }).then(function (saved) {
      if (saved && typeof saved === 'object') {
        transport.saved = {
          location: typeof saved.location === 'string' ? saved.location : '',
          suspendData: typeof saved.suspendData === 'string' ? saved.suspendData : '',
          completed: saved.completed === true,
          passed: saved.passed === true
        };
      }
      transport.startedAt = now();
      transport.sentVerbs.push('initialized');
      return transport.postWithRetry([transport.statement('initialized')], 3, false);
    }).then(function (outcome) {
      if (!outcome.ok) {
        transport.startError = outcome.code;
        throw new Error('the LMS did not store the initialized statement (' + outcome.code +
          ')');
      }
      var saved = transport.saved;
      return {
        ok: true,
        resume: saved.location !== '' || saved.suspendData !== '',
        location: saved.location,
        suspendData: saved.suspendData,
        mode: transport.mode,
        completion: saved.completed ? 'completed' : 'not attempted',
        success: saved.passed ? 'passed' : 'unknown',
        masteryScore: transport.masteryScore,
        startedAt: transport.startedAt
      };
    }).catch(function (error) {
      transport.fail('start', error);
      return { ok: false, error: transport.startError || 'cmi5' };
    });
  };

  /** Queue a statement; at most one of each cmi5 verb per session, none that records
   *  satisfaction outside Normal mode. */
  Cmi5Transport.prototype.send = function (verb, result) {
    if (this.finished || this.sentVerbs.indexOf(verb) !== -1 ||
        (this.mode !== 'normal' && JUDGING_VERBS.indexOf(verb) !== -1)) {
      return false;
    }
    this.sentVerbs.push(verb);
    this.queue(this.statement(verb, result));
    return true;
  };

  Cmi5Transport.prototype.queue = function (statement) {
    this.outbox.push(statement);
    this.pump();
  };

  Cmi5Transport.prototype.pump = function () {
    var transport = this;
    if (this.sending || !this.outbox.length || this.finished) {
      return;
    }
    if (this.retryTimer !== null) {
      this.win.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    var batch = this.outbox.slice();
    this.sending = true;
    this.inflight = batch.length;
    this.postStatements(batch, true).then(function (outcome) {
      transport.sending = false;
      transport.inflight = 0;
      if (outcome.ok || !outcome.retry) {
        transport.outbox.splice(0, batch.length);
        transport.failures = 0;
        if (outcome.ok) {
          transport.setStatus('ok');
        } else {
          transport.refusal = outcome.code;
          transport.setStatus('refused');
        }
        transport.pump();
        return;
      }
      transport.failures += 1;
      transport.setStatus(transport.failures >= UNREACHABLE_AFTER ? 'unreachable' : 'retrying');
      if (!transport.finished) {
        var delay = RETRY_DELAYS_MS[Math.min(transport.failures - 1, RETRY_DELAYS_MS.length - 1)];
        transport.retryTimer = transport.win.setTimeout(function () {
          transport.retryTimer = null;
          transport.pump();
        }, delay);
      }
    });
  };

  Cmi5Transport.prototype.stateDocument = function () {
    return copyJson(this.saved);
  };

  /** PUT the state document when it changed. `final` (end of session): also when a PUT is
   *  still on its way (the page going away would cancel it), as a keepalive request. */
  Cmi5Transport.prototype.flushState = function (final) {
    var transport = this;
    var wanted = final ? this.stateDirty || this.stateSending : this.stateDirty &&
      !this.stateSending;
    if (!wanted) {
      return;
    }
    this.stateDirty = false;
    this.stateSending = true;
    this.counts.statePuts += 1;
    this.request('PUT', this.stateUrl(CMI5_STATE_ID), this.stateDocument(), Boolean(final))
      .then(function (response) {
        if (!response.ok) {
          throw new Error('PUT state answered ' + response.status);
        }
      }).catch(function (error) {
        transport.fail('PUT state', error);
        transport.stateDirty = true;   // written again at the next checkpoint
      }).then(function () {
        transport.stateSending = false;
      });
  };

  /** A checkpoint: write the state document once the current event has been handled. */
  Cmi5Transport.prototype.checkpoint = function () {
    var transport = this;
    if (this.checkpointTimer !== null || this.finished) {
      return;
    }
    this.checkpointTimer = this.win.setTimeout(function () {
      transport.checkpointTimer = null;
      if (!transport.finished) {
        transport.flushState(false);
      }
    }, 0);
  };

  Cmi5Transport.prototype.setCompletion = function (status) {
    if (status !== 'completed' || this.saved.completed || this.mode !== 'normal') {
      return true;
    }
    this.saved.completed = true;
    this.stateDirty = true;
    return this.send('completed', { completion: true, duration: this.duration() });
  };

  Cmi5Transport.prototype.setProgress = function () {
    return true;
  };

  Cmi5Transport.prototype.setExit = function () {
    return true;
  };

  Cmi5Transport.prototype.setBookmark = function (location, suspendData) {
    this.saved.location = truncate(location, this.limits.location);
    this.saved.suspendData = String(suspendData).slice(0, this.limits.suspendData);
    this.stateDirty = true;
    return true;
  };

  /**
   * passed / failed (cmi5 9.3.4, 9.3.5, 9.5.1): score.scaled within 0..1; raw, min and max
   * only when all three are integers (cmi5 9.5.1 defines them as integers: a quiz score of
   * 82.35 % goes as scaled 0.8235 alone); success; duration; the masteryscore extension.
   *
   * A session holds at most one of passed and failed (9.3.0.0-3), and the quiz may be tried
   * again in the same session. So `passed` goes at once, and `failed` waits for the end of
   * the session (exit or pagehide, just before `terminated`), carrying the last failing
   * score: a pass later in the session replaces it. A relaunch may still pass after a failed
   * session (only failed after passed is forbidden, 9.3.0.0-8).
   */
  Cmi5Transport.prototype.setScore = function (score) {
    if (score.passed === null || this.saved.passed || this.finished ||
        this.mode !== 'normal') {
      return false;
    }
    var scored = { scaled: clamp(score.scaled, 0, 1) };
    var raw = clamp(score.raw, score.min, score.max);
    if (Number.isInteger(raw) && Number.isInteger(score.min) && Number.isInteger(score.max)) {
      scored.raw = raw;
      scored.min = score.min;
      scored.max = score.max;
    }
    if (!score.passed) {
      this.failedScore = scored;
      return true;
    }
    this.failedScore = null;
    if (!this.send('passed', { score: scored, success: true, duration: this.duration() })) {
      return false;
    }
    this.saved.passed = true;
    this.stateDirty = true;
    return true;
  };

  /** The session's `failed`, when its last judged attempt failed (see setScore); with the
   *  duration of the whole session. */
  Cmi5Transport.prototype.sessionVerdict = function () {
    if (!this.failedScore || this.sentVerbs.indexOf('failed') !== -1 ||
        this.sentVerbs.indexOf('passed') !== -1) {
      return [];
    }
    this.sentVerbs.push('failed');
    var result = { score: this.failedScore, success: false, duration: this.duration() };
    this.failedScore = null;
    return [this.statement('failed', result)];
  };

  /** An `answered` statement per question ("cmi5 allowed"; see formatInteractionXapi). */
  Cmi5Transport.prototype.recordInteraction = function (input, options) {
    if (this.finished || this.mode !== 'normal') {
      return false;
    }
    options = options || {};
    var formatted = formatInteractionXapi(input, options);
    if (!formatted) {
      return false;
    }
    this.queue(answeredStatement(this.launch, this.launchData.contextTemplate, formatted, {
      id: this.uuid(), timestamp: new Date().toISOString()
    }));
    return true;
  };

  /** checkpoint: true after a lesson change, a submission or completion (see above). */
  Cmi5Transport.prototype.commit = function (checkpoint) {
    this.pump();
    if (checkpoint) {
      this.checkpoint();
    }
    return true;
  };

  /** Nothing queued, on its way or unwritten (or the LMS cannot be reached anyway). */
  Cmi5Transport.prototype.settled = function () {
    return (!this.outbox.length || this.status === 'unreachable') && !this.sending &&
      !this.stateSending && !this.stateDirty;
  };

  /**
   * The exit control: write the state, wait (up to `waitMs`) for the queue, send `terminated`
   * (three tries) and resolve with {ok, code, returnURL}. ok false: `terminated` was not
   * stored (code says why); the session is over all the same.
   */
  Cmi5Transport.prototype.exit = function (sessionMs, waitMs) {
    var transport = this;
    if (this.terminated) {
      return Promise.resolve({ ok: false, code: 'ended', returnURL: this.returnURL });
    }
    if (this.checkpointTimer !== null) {
      this.win.clearTimeout(this.checkpointTimer);
      this.checkpointTimer = null;
    }
    var deadline = now() + (typeof waitMs === 'number' ? waitMs : 15000);
    this.flushState(false);
    this.pump();
    return new Promise(function (resolve) {
      (function wait() {
        if (transport.stateDirty && !transport.stateSending) {
          transport.flushState(false);
        }
        if (transport.settled() || now() > deadline || transport.terminated) {
          resolve();
        } else {
          transport.win.setTimeout(wait, 50);
        }
      }());
    }).then(function () {
      if (transport.terminated) {
        return { ok: false, code: 'ended' };
      }
      transport.terminated = true;
      transport.finished = true;
      if (transport.retryTimer !== null) {
        transport.win.clearTimeout(transport.retryTimer);
        transport.retryTimer = null;
      }
      transport.sentVerbs.push('terminated');
      // Anything still on its way when the wait ran out stays on its way (see finish()).
      var batch = transport.outbox.splice(transport.inflight, transport.outbox.length)
        .concat(transport.sessionVerdict());
      batch.push(transport.statement('terminated',
        { duration: formatISODuration(Math.max(0, sessionMs)) }));
      return transport.postWithRetry(batch, 3, true);
    }).then(function (outcome) {
      if (!outcome.ok && outcome.code !== 'ended') {
        transport.refusal = outcome.code;
        transport.setStatus(outcome.retry ? 'unreachable' : 'refused');
      }
      return { ok: outcome.ok, code: outcome.code, returnURL: transport.returnURL };
    });
  };

  /** pagehide: the page is going away; nothing can be waited for. */
  Cmi5Transport.prototype.finish = function (sessionMs) {
    if (this.terminated) {
      return false;
    }
    this.terminated = true;
    this.sentVerbs.push('terminated');
    if (this.retryTimer !== null) {
      this.win.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    // What is on its way stays on its way (sending it twice could make a strict LMS refuse
    // the batch that carries `terminated`); the rest goes with `terminated`.
    var batch = this.outbox.splice(this.inflight, this.outbox.length)
      .concat(this.sessionVerdict());
    batch.push(this.statement('terminated',
      { duration: formatISODuration(Math.max(0, sessionMs)) }));
    this.flushState(true);
    this.finished = true;
    this.postStatements(batch, true);
    return true;
  };

  /** Used when no LMS is found (or it refused to start): everything works, nothing is saved. */
  function NullTransport(reason, error) {
    this.standard = 'none';
    this.connected = false;
    this.reason = reason;
    this.error = error || '';
    this.errors = [];
    this.finished = false;
    this.limits = { suspendData: SUSPEND_DATA_LIMIT, location: LOCATION_LIMIT };
  }

  NullTransport.prototype.start = function () {
    return {
      ok: true, resume: false, location: '', suspendData: '', mode: 'normal',
      completion: 'not attempted', success: 'unknown', masteryScore: null
    };
  };
  NullTransport.prototype.setCompletion = function () { return true; };
  NullTransport.prototype.setProgress = function () { return true; };
  NullTransport.prototype.setExit = function () { return true; };
  NullTransport.prototype.setBookmark = function () { return true; };
  NullTransport.prototype.setScore = function () { return true; };
  NullTransport.prototype.recordInteraction = function () { return true; };
  NullTransport.prototype.commit = function () { return true; };
  NullTransport.prototype.finish = function () {
    this.finished = true;
    return true;
  };

  /** Transport factories by runtime_config.standard; null when that LMS is absent. */
  var TRANSPORTS = {
    scorm12: function (win) {
      var api = findApi(win, 'API');
      return api ? new Scorm12Transport(api) : null;
    },
    scorm2004: function (win) {
      var api = findApi(win, 'API_1484_11');
      return api ? new Scorm2004Transport(api) : null;
    },
    cmi5: function (win) {
      var launch = parseCmi5Launch(win.location.search);
      return launch && typeof win.fetch === 'function' ? new Cmi5Transport(win, launch) : null;
    }
  };

  // ------------------------------------------------------------------------------------------
  // 3. Tracker: progress rules, independent of the standard
  // ------------------------------------------------------------------------------------------

  /** The session's one clock, in milliseconds: monotonic (performance.now) where the browser
   *  has it, so that a change of the computer's time does not bend durations. Every duration
   *  of a session (SCORM session_time, cmi5 completed/passed/failed/terminated) is measured
   *  on it from one start. */
  function now() {
    var perf = root.performance;
    return perf && typeof perf.now === 'function' ? perf.now() : Date.now();
  }

  function Tracker(options, transport) {
    this.transport = transport;
    this.lessons = options.lessons;
    this.completionRule = options.completion === 'launch' ? 'launch' : 'all-lessons';
    this.courseId = options.courseId || 'course';
    this.language = options.language || '';
    this.passingScore = typeof options.passingScore === 'number' ?
      clamp(options.passingScore / 100, 0, 1) : null;
    this.viewed = this.lessons.map(function () { return false; });
    this.location = '';
    this.mode = 'normal';
    this.completion = 'not attempted';
    this.success = 'unknown';
    this.masteryScore = null;
    this.state = {};
    this.manualProgress = false;
    this.openWork = false;
    this.resumed = false;
    this.started = false;
    this.finished = false;
    this.exiting = false;
    this.startedAt = now();
  }

  /** Start the session; returns the transport's info, or a Promise of it (cmi5). */
  Tracker.prototype.start = function () {
    var tracker = this;
    return whenDone(this.transport.start(), function (info) {
      if (info.ok) {
        tracker.begin(info);
      }
      return info;
    });
  };

  Tracker.prototype.begin = function (info) {
    this.started = true;
    // One clock per session: the transport's start (cmi5: when `initialized` went out) when it
    // has one, so that `completed` and `terminated` measure from the same instant.
    this.startedAt = typeof info.startedAt === 'number' ? info.startedAt : now();
    this.mode = info.mode === 'browse' || info.mode === 'review' ? info.mode : 'normal';
    this.completion = info.completion;
    this.success = info.success;
    this.masteryScore = typeof info.masteryScore === 'number' ? info.masteryScore : null;
    this.resumed = info.resume;
    if (info.location && this.lessons.indexOf(info.location) !== -1) {
      this.location = info.location;
    }
    var saved = decodeSuspendData(info.suspendData, this.lessons);
    if (saved) {
      this.state = saved.state;
      if (saved.matches) {
        this.viewed = saved.viewed;
      }
    }
    if (this.canChangeStatus()) {
      if (this.completionRule === 'launch' && !this.isComplete()) {
        this.completion = 'completed';
        this.transport.setCompletion('completed');
      } else if (this.completion === 'not attempted' || this.completion === 'unknown') {
        this.completion = 'incomplete';
        this.transport.setCompletion('incomplete');
      }
      this.transport.setProgress(this.progress());
    }
    this.transport.setExit(this.shouldSuspend());
    this.transport.commit(true);
  };

  /** Exit "suspend" keeps the attempt (and suspend_data) for the next launch: wanted while
   *  lessons are unviewed and while unfinished work is open (an unsubmitted quiz, or a failed
   *  one with attempts left), even when the lessons alone made the SCO complete. */
  Tracker.prototype.shouldSuspend = function () {
    return !this.isComplete() || this.openWork;
  };

  /** tracker.keepOpen: see the API comment at the top of this file. */
  Tracker.prototype.keepOpen = function (open) {
    this.openWork = Boolean(open);
    if (!this.active()) {
      return false;
    }
    var ok = this.transport.setExit(this.shouldSuspend());
    this.transport.commit();
    return ok;
  };

  Tracker.prototype.canChangeStatus = function () {
    return this.mode === 'normal';
  };

  Tracker.prototype.isComplete = function () {
    return this.completion === 'completed';
  };

  Tracker.prototype.viewedCount = function () {
    return this.viewed.filter(Boolean).length;
  };

  Tracker.prototype.viewedIds = function () {
    var viewed = this.viewed;
    return this.lessons.filter(function (id, index) { return viewed[index]; });
  };

  /** The share of lessons viewed (1 once complete). */
  Tracker.prototype.progress = function () {
    if (this.isComplete()) {
      return 1;
    }
    return this.lessons.length ? round(this.viewedCount() / this.lessons.length, 7) : 0;
  };

  Tracker.prototype.suspendData = function (state) {
    return encodeSuspendData(this.lessons, this.viewed, this.transport.limits.suspendData,
      state || this.state);
  };

  Tracker.prototype.markComplete = function () {
    this.completion = 'completed';
    this.transport.setCompletion('completed');
    this.transport.setProgress(1);
    this.transport.setExit(this.shouldSuspend());
  };

  /** Record that lesson `id` is on screen: viewed set, bookmark, completion, one commit. */
  Tracker.prototype.lessonShown = function (id) {
    if (!this.started || this.finished) {
      return;
    }
    var index = this.lessons.indexOf(id);
    if (index === -1) {
      return;
    }
    var changed = false;
    if (!this.viewed[index]) {
      this.viewed[index] = true;
      changed = true;
    }
    if (this.location !== id) {
      this.location = id;
      changed = true;
    }
    if (changed) {
      this.transport.setBookmark(id, this.suspendData());
      if (this.canChangeStatus() && !this.manualProgress && !this.isComplete()) {
        this.transport.setProgress(this.progress());
      }
    }
    if (this.canChangeStatus() && !this.isComplete() &&
        this.viewedCount() === this.lessons.length) {
      this.markComplete();
      changed = true;
    }
    if (changed) {
      this.transport.commit(true);   // a checkpoint: the learner moved on
    }
  };

  Tracker.prototype.active = function () {
    return this.started && !this.finished;
  };

  /** tracker.reportScore: see the API comment at the top of this file. */
  Tracker.prototype.reportScore = function (input) {
    if (!this.active() || !this.canChangeStatus()) {
      return false;
    }
    var score = normalizeScore(input);
    if (!score) {
      return false;
    }
    var passed = typeof input.passed === 'boolean' ? input.passed : null;
    if (this.masteryScore !== null) {
      passed = score.scaled >= this.masteryScore;
    }
    if (this.success === 'passed' && passed !== true) {
      return false;
    }
    score.passed = passed;
    var ok = this.transport.setScore(score);
    if (ok && passed !== null) {
      this.success = passed ? 'passed' : 'failed';
    }
    this.transport.commit(true);   // a checkpoint: a submission
    return ok;
  };

  Tracker.prototype.recordInteraction = function (input) {
    if (!this.active() || !this.canChangeStatus() || !input || typeof input !== 'object') {
      return false;
    }
    var interaction = {};
    Object.keys(input).forEach(function (key) { interaction[key] = input[key]; });
    if (interaction.time === undefined || interaction.time === null) {
      interaction.time = new Date();
    }
    var ok = this.transport.recordInteraction(interaction,
      { courseId: this.courseId, language: this.language });
    if (ok) {
      this.transport.commit();
    }
    return ok;
  };

  Tracker.prototype.saveState = function (key, value) {
    if (!this.active() || !STATE_KEY.test(String(key)) || typeof value !== 'string') {
      return false;
    }
    var state = {};
    var current = this.state;
    Object.keys(current).forEach(function (name) { state[name] = current[name]; });
    state[key] = value;
    if (!suspendDataFits(this.lessons, this.viewed, this.transport.limits.suspendData, state)) {
      return false;
    }
    this.state = state;
    var ok = this.transport.setBookmark(this.location, this.suspendData());
    this.transport.commit();
    return ok;
  };

  Tracker.prototype.loadState = function (key) {
    return this.started && Object.prototype.hasOwnProperty.call(this.state, key) ?
      this.state[key] : null;
  };

  Tracker.prototype.setProgress = function (fraction) {
    var value = Number(fraction);
    if (!this.active() || !this.canChangeStatus() || typeof fraction !== 'number' ||
        !(value >= 0 && value <= 1)) {
      return false;
    }
    this.manualProgress = true;
    var ok = this.transport.setProgress(this.isComplete() ? 1 : round(value, 7));
    this.transport.commit();
    return ok;
  };

  Tracker.prototype.complete = function () {
    if (!this.active() || !this.canChangeStatus()) {
      return false;
    }
    if (!this.isComplete()) {
      this.markComplete();
      this.transport.commit(true);
    }
    return true;
  };

  Tracker.prototype.info = function () {
    return {
      standard: this.transport.standard,
      connected: this.transport.connected,
      mode: this.mode,
      completion: this.completion,
      success: this.success,
      masteryScore: this.masteryScore,
      passingScore: this.passingScore
    };
  };

  /** End the session: runs at most once (pagehide, unload and beforeunload all lead here). An
   *  exit() under way does not count: the page going away meanwhile still ends the session. */
  Tracker.prototype.finish = function () {
    if (!this.started || (this.finished && !this.exiting)) {
      return false;
    }
    this.finished = true;
    return this.transport.finish(now() - this.startedAt, this.shouldSuspend());
  };

  /** The exit control (transports that have one: cmi5): end the session and resolve with the
   *  transport's answer ({ok, code, returnURL}). Nothing is recorded after this starts. */
  Tracker.prototype.exit = function () {
    if (!this.started || this.finished || typeof this.transport.exit !== 'function') {
      return Promise.resolve({ ok: false, code: 'ended', returnURL: null });
    }
    var tracker = this;
    this.finished = true;
    this.exiting = true;
    return this.transport.exit(now() - this.startedAt).then(function (outcome) {
      tracker.exiting = false;
      return outcome;
    });
  };

  // ------------------------------------------------------------------------------------------
  // 4. Page
  // ------------------------------------------------------------------------------------------

  function readConfig(doc) {
    var element = doc.getElementById('scormkit-config');
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent || 'null');
    } catch (error) {
      return null;
    }
  }

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

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

  /** MESSAGES with the texts of `strings` (an object of strings) in their place. */
  function messagesFrom(strings) {
    var out = {};
    Object.keys(MESSAGES).forEach(function (key) {
      var text = strings && typeof strings === 'object' ? strings[key] : undefined;
      out[key] = typeof text === 'string' ? text : MESSAGES[key];
    });
    return out;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function Page(win, config) {
    this.win = win;
    this.doc = win.document;
    this.config = config;
    var doc = this.doc;
    this.sections = toArray(doc.querySelectorAll('section.sk-lesson[id]'));
    var present = {};
    this.sections.forEach(function (section) { present[section.id] = section; });
    this.byId = present;
    var configured = Array.isArray(config.lessons) ? config.lessons : [];
    var ids = configured.filter(function (id) { return present[id]; });
    if (!ids.length) {
      ids = this.sections.map(function (section) { return section.id; });
    }
    this.lessonIds = ids;
    this.layout = config.layout === 'per-lesson' ? 'per-lesson' : 'single';
    this.single = this.layout === 'single' && this.sections.length > 1;
    this.current = null;
    this.tracker = null;
    this.updateTables = null;
    this.notice = '';
    this.baseNotice = '';
    this.alert = null;
    this.exitButton = null;
    this.messages = messagesFrom(config.strings);
    this.language = doc.documentElement.getAttribute('lang') || '';
    this.chosenLanguage = null;
  }

  Page.prototype.lessonOf = function (element) {
    for (var node = element; node && node !== this.doc; node = node.parentNode) {
      if (node.nodeType === 1 && node.classList.contains('sk-lesson') && this.byId[node.id]) {
        return node.id;
      }
    }
    return null;
  };

  /** The element a fragment (without "#") points to, and the lesson holding it. */
  Page.prototype.resolve = function (fragment) {
    var id = fragment;
    try {
      id = decodeURIComponent(fragment);
    } catch (ignore) { /* keep it raw */ }
    if (!id) {
      return null;
    }
    var target = this.doc.getElementById(id);
    if (!target) {
      return null;
    }
    var lesson = this.lessonOf(target);
    return lesson ? { lesson: lesson, target: target } : null;
  };

  Page.prototype.setHash = function (id) {
    var win = this.win;
    if (win.location.hash === '#' + id) {
      return;
    }
    try {
      // Replace rather than push: inside an LMS frame, extra history entries would make the
      // LMS window's Back button step through lessons instead of leaving the course.
      win.history.replaceState(win.history.state, '', '#' + id);
    } catch (error) {
      try {
        win.location.replace('#' + id);
      } catch (ignore) { /* sandboxed */ }
    }
  };

  /**
   * Show lesson `id`. options.focus: move focus to its title (or options.target);
   * options.hash: reflect the lesson (or target) in location.hash.
   */
  Page.prototype.show = function (id, options) {
    options = options || {};
    var section = this.byId[id];
    if (!section) {
      return false;
    }
    if (this.single) {
      this.sections.forEach(function (other) {
        if (other === section) {
          other.removeAttribute('hidden');
        } else {
          other.setAttribute('hidden', 'hidden');
        }
      });
    }
    this.current = id;
    if (this.updateTables) {
      this.updateTables();
    }
    toArray(this.doc.querySelectorAll('.sk-nav-link[data-lesson]')).forEach(function (link) {
      if (link.getAttribute('data-lesson') === id) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    });
    if (this.tracker) {
      this.tracker.lessonShown(id);
    }
    this.render();
    var target = options.target || null;
    if (options.hash) {
      this.setHash(target && target.id ? target.id : id);
    }
    if (target && target !== section) {
      if (options.focus) {
        if (!target.hasAttribute('tabindex') &&
            !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
          target.setAttribute('tabindex', '-1');
        }
        target.focus();
      }
      if (typeof target.scrollIntoView === 'function') {
        target.scrollIntoView();
      }
    } else if (options.focus) {
      var title = section.querySelector('.sk-lesson-title') || section;
      title.focus();
    } else if (options.scroll && this.single && typeof section.scrollIntoView === 'function') {
      section.scrollIntoView();
    }
    return true;
  };

  Page.prototype.render = function () {
    var tracker = this.tracker;
    var viewed = tracker ? tracker.viewed : [];
    var ids = this.lessonIds;
    var doc = this.doc;
    var messages = this.messages;
    toArray(doc.querySelectorAll('.sk-nav-link[data-lesson]')).forEach(function (link) {
      var index = ids.indexOf(link.getAttribute('data-lesson'));
      var isViewed = index !== -1 && Boolean(viewed[index]);
      var marker = link.querySelector('.sk-viewed-marker');
      link.classList.toggle('sk-viewed', isViewed);
      if (isViewed && !marker) {
        marker = doc.createElement('span');
        marker.className = 'sk-viewed-marker sk-visually-hidden';
        marker.textContent = messages.viewed;
        link.appendChild(marker);
      } else if (!isViewed && marker) {
        link.removeChild(marker);
      }
    });
    var progress = doc.getElementById('scormkit-progress');
    if (progress && tracker) {
      var text = format(messages.progress, {
        viewed: tracker.viewedCount(),
        total: ids.length,
        lessons: ids.length === 1 ? messages.lessonOne : messages.lessonMany
      });
      if (tracker.isComplete()) {
        text += messages.complete;
      }
      if (progress.textContent !== text) {
        progress.textContent = text;
      }
    }
    var connection = doc.getElementById('scormkit-connection');
    if (connection && connection.textContent !== this.notice) {
      connection.textContent = this.notice;
      connection.classList.toggle('sk-warning', this.notice !== messages.connected);
    }
  };

  /** Wrap tables so only the table scrolls sideways; focusable only while it overflows. */
  Page.prototype.wrapTables = function () {
    var doc = this.doc;
    var tableLabel = this.messages.table;
    var wrappers = [];
    toArray(doc.querySelectorAll('.sk-lesson-body table')).forEach(function (table) {
      if (table.parentNode.classList && table.parentNode.classList.contains('sk-table-wrap')) {
        return;
      }
      var wrapper = doc.createElement('div');
      wrapper.className = 'sk-table-wrap';
      var caption = table.querySelector('caption');
      wrapper.setAttribute('role', 'region');
      wrapper.setAttribute('aria-label', caption ? caption.textContent.trim() : tableLabel);
      table.parentNode.insertBefore(wrapper, table);
      wrapper.appendChild(table);
      wrappers.push(wrapper);
    });
    function update() {
      wrappers.forEach(function (wrapper) {
        if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
          wrapper.setAttribute('tabindex', '0');
        } else {
          wrapper.removeAttribute('tabindex');
        }
      });
    }
    this.updateTables = update;
    update();
    var timer = null;
    this.win.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    });
  };

  Page.prototype.bind = function () {
    var page = this;
    var win = this.win;
    var doc = this.doc;

    doc.addEventListener('click', function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
          event.shiftKey || event.altKey) {
        return;
      }
      var element = event.target && event.target.closest ?
        event.target.closest('a[href^="#"], button[data-lesson]') : null;
      if (!element) {
        return;
      }
      if (element.tagName === 'BUTTON') {
        event.preventDefault();
        page.show(element.getAttribute('data-lesson'), { focus: true, hash: true });
        return;
      }
      var found = page.resolve(element.getAttribute('href').slice(1));
      if (!found || !page.single) {
        return;
      }
      event.preventDefault();
      var target = found.target === page.byId[found.lesson] ? null : found.target;
      page.show(found.lesson, { focus: true, hash: true, target: target });
    });

    win.addEventListener('hashchange', function () {
      var found = page.resolve(win.location.hash.slice(1));
      if (!found) {
        return;
      }
      var target = found.target === page.byId[found.lesson] ? null : found.target;
      if (found.lesson === page.current && !target) {
        return;
      }
      page.show(found.lesson, { focus: true, target: target });
    });

    var finish = function () {
      if (page.tracker) {
        page.tracker.finish();
      }
    };
    // pagehide fires whenever the document goes away (tab closed, frame navigated or removed)
    // and, unlike unload, keeps the page eligible for the back/forward cache.
    if ('onpagehide' in win) {
      win.addEventListener('pagehide', finish);
    } else {
      win.addEventListener('unload', finish);
      win.addEventListener('beforeunload', finish);
    }
    // Restored from the back/forward cache after the session was closed: SCORM allows no
    // second session in the same attempt, so say that progress is no longer saved.
    win.addEventListener('pageshow', function (event) {
      if (event.persisted && page.tracker && page.tracker.finished &&
          page.tracker.transport.connected) {
        page.notice = page.messages.ended;
        page.render();
      }
    });
  };

  Page.prototype.start = function (win) {
    var page = this;
    var config = this.config;
    var factory = TRANSPORTS[config.standard];
    var transport = factory ? factory(win) : null;
    if (!transport) {
      transport = new NullTransport('no-lms');
      this.notice = this.messages.noLms;
    }
    var options = {
      lessons: this.lessonIds,
      completion: config.completion,
      courseId: config.courseId,
      passingScore: config.passingScore,
      language: this.language
    };
    var tracker = new Tracker(options, transport);
    // SCORM answers at once; cmi5 answers with a Promise (the page stays readable meanwhile:
    // every lesson is shown until the runtime takes over).
    return whenDone(tracker.start(), function (info) {
      if (!info.ok) {
        var refusedBy = transport;
        transport = new NullTransport('refused', info.error);
        transport.errors = refusedBy.errors;
        tracker = new Tracker(options, transport);
        tracker.start();
        page.notice = format(page.messages.refused, { code: info.error || '?' });
      } else if (transport.connected) {
        page.notice = tracker.mode === 'normal' ? page.messages.connected :
          page.messages[tracker.mode];
        page.baseNotice = page.notice;
        transport.onchange = function () {
          page.transportChanged();
        };
        page.applyPreferences(transport.preferences);
      }
      page.open(win, tracker);
    });
  };

  /**
   * The learner preferences (cmi5 11), applied at start:
   * - audioPreference (11.2.0.0-1): "off" mutes every audio and video element of the page,
   *   "on" unmutes them; nothing else plays sound. (Courses have no media elements today:
   *   lesson Markdown allows no raw HTML; this keeps the rule for pages that add some.)
   * - languagePreference (11.1): the page is offered in one language, the course's (course.yaml
   *   `language`: content and interface texts alike, scormkit/ui_strings.py). The learner's
   *   list is matched against it (pickLanguage); a course offered in one language shows it
   *   whatever the preference (cmi5 11.1: an AU without several languages uses its default).
   *   Interface texts alone are not switched to another language: a page whose buttons and
   *   notices are in one language and its lessons in another serves nobody.
   */
  Page.prototype.applyPreferences = function (preferences) {
    preferences = preferences || parsePreferences(null);
    var offered = this.language ? [this.language] : [];
    this.chosenLanguage = pickLanguage(preferences.languages, offered);
    if (preferences.audio !== null) {
      var muted = preferences.audio === 'off';
      toArray(this.doc.querySelectorAll('audio, video')).forEach(function (media) {
        media.muted = muted;
      });
    }
  };

  /** The transport's status changed (cmi5: a statement is being retried, refused, ...). */
  Page.prototype.transportChanged = function () {
    var transport = this.tracker ? this.tracker.transport : null;
    if (!transport || this.exited) {
      return;
    }
    var messages = this.messages;
    switch (transport.status) {
      case 'refused':
        this.notice = format(messages.saveRefused, { code: transport.refusal || '?' });
        this.setAlert(this.notice);
        break;
      case 'unreachable':
        this.notice = messages.saveUnreachable;
        this.setAlert(this.notice);
        break;
      case 'retrying':
        this.notice = messages.saveRetrying;
        break;
      default:
        this.notice = this.baseNotice;
        this.setAlert('');
    }
    this.render();
  };

  /** A message that must not be missed, at the top of the page (role alert: read out at once).
   *  '' removes it. */
  Page.prototype.setAlert = function (text) {
    var doc = this.doc;
    if (!text) {
      if (this.alert) {
        this.alert.setAttribute('hidden', 'hidden');
        this.alert.textContent = '';
      }
      return;
    }
    if (!this.alert) {
      var alert = doc.createElement('p');
      alert.className = 'sk-alert';
      alert.id = 'scormkit-alert';
      alert.setAttribute('role', 'alert');
      var header = doc.querySelector('.sk-header');
      if (header && header.parentNode) {
        header.parentNode.insertBefore(alert, header.nextSibling);
      } else {
        doc.body.insertBefore(alert, doc.body.firstChild);
      }
      this.alert = alert;
    }
    this.alert.removeAttribute('hidden');
    if (this.alert.textContent !== text) {
      this.alert.textContent = text;
    }
  };

  /**
   * The exit control (cmi5: the LMS may launch the AU in its own window, with a returnURL to
   * send the learner back to; cmi5 10.2.6.0-1). A button in the page header: it ends the
   * session (terminated) and goes to returnURL, or says the window can be closed.
   */
  Page.prototype.addExitControl = function () {
    var page = this;
    var doc = this.doc;
    var header = doc.querySelector('.sk-header');
    if (!header || this.exitButton) {
      return;
    }
    var button = doc.createElement('button');
    button.type = 'button';
    button.className = 'sk-button sk-exit';
    button.textContent = this.messages.exit;
    button.addEventListener('click', function () {
      page.exit();
    });
    header.appendChild(button);
    this.exitButton = button;
  };

  Page.prototype.leaveTo = function (url) {
    try {
      // Replace: Back must not reopen the AU (its one-time fetch URL is spent).
      this.win.location.replace(url);
      return true;
    } catch (error) {
      return false;
    }
  };

  Page.prototype.exit = function () {
    var page = this;
    var tracker = this.tracker;
    var button = this.exitButton;
    var returnURL = tracker && tracker.transport.returnURL;
    if (!tracker || tracker.exiting) {
      return Promise.resolve(false);
    }
    if (tracker.finished) {   // a second press after a failed exit: leave anyway
      if (returnURL) {
        this.leaveTo(returnURL);
      }
      return Promise.resolve(false);
    }
    // Text typed in the quiz but not saved yet (quiz.js saves it on pagehide otherwise).
    var quiz = this.win.scormkit && this.win.scormkit.quiz;
    if (quiz && quiz.player && typeof quiz.player.flush === 'function') {
      try {
        quiz.player.flush();
      } catch (ignore) { /* the exit goes on */ }
    }
    if (button) {
      button.disabled = true;
      button.textContent = this.messages.exiting;
    }
    return tracker.exit().then(function (outcome) {
      if (button) {
        button.disabled = false;
        button.textContent = page.messages.exit;
      }
      if (!outcome.ok) {
        page.notice = format(page.messages.exitFailed, { code: outcome.code || '?' });
        page.setAlert(page.notice);
        page.render();
        return false;
      }
      page.exited = true;
      page.setAlert('');
      if (outcome.returnURL && page.leaveTo(outcome.returnURL)) {
        return true;
      }
      page.notice = page.messages.exited;
      if (button) {
        button.setAttribute('hidden', 'hidden');
      }
      page.render();
      return true;
    });
  };

  Page.prototype.open = function (win, tracker) {
    var config = this.config;
    this.tracker = tracker;

    this.wrapTables();
    toArray(this.doc.querySelectorAll('.sk-pager')).forEach(function (pager) {
      pager.removeAttribute('hidden');
    });
    if (tracker.transport.connected && typeof tracker.transport.exit === 'function') {
      this.addExitControl();
    }
    this.bind();

    // Where to open: a fragment in the address wins (the learner followed a link), then the
    // LMS bookmark, then the first lesson. Focus is not moved on load.
    var found = this.resolve(win.location.hash.slice(1));
    var initialConfig = this.byId[config.current] ? config.current : null;
    var first = this.lessonIds[0] || (this.sections[0] && this.sections[0].id);
    if (!first) {
      this.render();
    } else if (!this.single) {
      this.show(initialConfig || first, {});
    } else if (found) {
      this.show(found.lesson, {
        target: found.target === this.byId[found.lesson] ? null : found.target
      });
    } else {
      this.show(tracker.location || first, { scroll: false });
    }
    runReady();
  };

  // ------------------------------------------------------------------------------------------
  // 5. Tracker API, debugging hook and start-up
  // ------------------------------------------------------------------------------------------

  var readyCallbacks = [];

  function startedTracker() {
    var page = hook.page;
    return page && page.tracker && page.tracker.started ? page.tracker : null;
  }

  function runReady() {
    var callbacks = readyCallbacks.splice(0, readyCallbacks.length);
    callbacks.forEach(function (callback) {
      try {
        callback(trackerApi);
      } catch (error) {
        if (root.console) {
          root.console.error(error);
        }
      }
    });
  }

  /** Call tracker method `name` safely: false (or `fallback`) before the session starts. */
  function delegate(name, fallback) {
    return function () {
      var tracker = startedTracker();
      if (!tracker) {
        return fallback;
      }
      try {
        return tracker[name].apply(tracker, arguments);
      } catch (error) {
        tracker.transport.errors.push({ call: 'tracker.' + name, error: String(error) });
        return fallback;
      }
    };
  }

  /** window.scormkit.tracker: the API documented at the top of this file. */
  var trackerApi = {
    ready: function (callback) {
      if (typeof callback !== 'function') {
        return;
      }
      readyCallbacks.push(callback);
      if (startedTracker()) {
        runReady();
      }
    },
    isReady: function () {
      return startedTracker() !== null;
    },
    info: delegate('info', null),
    reportScore: delegate('reportScore', false),
    recordInteraction: delegate('recordInteraction', false),
    saveState: delegate('saveState', false),
    loadState: delegate('loadState', null),
    setProgress: delegate('setProgress', false),
    complete: delegate('complete', false),
    keepOpen: delegate('keepOpen', false)
  };

  var hook = {
    version: RUNTIME_VERSION,
    tracker: trackerApi,
    encodeSuspendData: encodeSuspendData,
    decodeSuspendData: decodeSuspendData,
    suspendDataFits: suspendDataFits,
    formatCMITimespan: formatCMITimespan,
    formatISODuration: formatISODuration,
    formatCMITime: formatCMITime,
    formatISOTimestamp: formatISOTimestamp,
    formatDecimal: formatDecimal,
    normalizeScore: normalizeScore,
    truncate: truncate,
    formatInteraction12: formatInteraction12,
    formatInteraction2004: formatInteraction2004,
    uuid4: uuid4,
    parseCmi5Launch: parseCmi5Launch,
    cmi5Statement: cmi5Statement,
    formatInteractionXapi: formatInteractionXapi,
    answeredStatement: answeredStatement,
    parsePreferences: parsePreferences,
    pickLanguage: pickLanguage,
    ruleOf: ruleOf,
    fingerprint: fingerprint,
    findApi: findApi,
    limits: { suspendData: SUSPEND_DATA_LIMIT, location: LOCATION_LIMIT },
    transports: TRANSPORTS,
    page: null,
    /** A snapshot of the run-time state, or null on a page without scormkit-config (or
     *  while a cmi5 session is still starting). */
    getState: function () {
      var page = hook.page;
      if (!page || !page.tracker) {
        return null;
      }
      var tracker = page.tracker;
      var transport = tracker.transport;
      return {
        standard: transport.standard,
        connected: transport.connected,
        notice: page.notice,
        layout: page.layout,
        mode: tracker.mode,
        resumed: tracker.resumed,
        lessons: page.lessonIds.slice(),
        current: page.current,
        location: tracker.location,
        viewed: tracker.viewedIds(),
        completion: tracker.completion,
        complete: tracker.isComplete(),
        success: tracker.success,
        masteryScore: tracker.masteryScore,
        state: JSON.parse(JSON.stringify(tracker.state)),
        finished: tracker.finished,
        // Requests still on their way (cmi5), statements waiting to be sent and a state write
        // due at the end of the current event (changes between checkpoints are not pending:
        // they wait for the next checkpoint by design).
        pending: (transport.pending || 0) + (transport.outbox ? transport.outbox.length : 0) +
          (transport.checkpointTimer ? 1 : 0),
        errors: transport.errors.slice(),
        // cmi5 only (null elsewhere).
        status: transport.status || null,
        refusal: transport.refusal || null,
        returnURL: transport.returnURL || null,
        preferences: transport.preferences ? copyJson(transport.preferences) : null,
        language: page.chosenLanguage,
        counts: transport.counts ? copyJson(transport.counts) : null,
        alert: page.alert && !page.alert.hidden ? page.alert.textContent : '',
        exited: Boolean(page.exited)
      };
    },
    show: function (id) {
      return hook.page ? hook.page.show(id, { focus: true, hash: true }) : false;
    },
    finish: function () {
      return hook.page && hook.page.tracker ? hook.page.tracker.finish() : false;
    }
  };
  root.scormkit = hook;

  function boot() {
    var config = readConfig(root.document);
    if (!config || typeof config !== 'object') {
      return;
    }
    var page = new Page(root, config);
    hook.page = page;
    page.start(root);
  }

  if (root.document) {
    if (root.document.readyState === 'loading') {
      root.document.addEventListener('DOMContentLoaded', boot);
    } else {
      boot();
    }
  }
}(window));
