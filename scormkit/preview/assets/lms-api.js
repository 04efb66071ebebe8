/*
 * scormkit preview: the LMS side of the SCORM run-time, written for `scormkit preview`.
 *
 * Two API objects, as an LMS puts them in the window above the course:
 *   - SCORM 1.2 `API` (LMSInitialize, LMSGetValue, LMSSetValue, LMSCommit, LMSFinish,
 *     LMSGetLastError, LMSGetErrorString, LMSGetDiagnostic), data model of SCORM 1.2 RTE
 *     section 3.4 (cmi.core.*, cmi.suspend_data CMIString4096, interactions write-only...);
 *   - SCORM 2004 4th Edition `API_1484_11` (Initialize ... Terminate), data model of RTE
 *     4th Ed. section 4.2 (cmi.completion_status, cmi.success_status, cmi.location SPM 1000,
 *     cmi.suspend_data SPM 64000, 403 "value not initialized", 408 "dependency"...).
 *
 * Every call is checked as the standard says (state of the session, element known,
 * read-only / write-only, data type and range, array order) and answered with the standard's
 * error code; every call is told to `options.onCall` (the debug view's log) and every store
 * to `options.onStore` (the preview server keeps the learner record).
 *
 * Sessions: `options.record` is what the last session left (null: a new learner). Its
 * cmi.exit (cmi.core.exit) decides the next one, as the standards say: "suspend" resumes
 * (entry "resume", every value kept); otherwise SCORM 2004 starts a new attempt (entry
 * "ab-initio", the learner data cleared: RTE 4.2.8, 4.2.10) and SCORM 1.2, which has no
 * attempts, keeps the data with entry "" (RTE 3.4.2.1.5). total_time adds up session_time.
 *
 * No dependency: this file is self-contained (a test loads it on its own and replays the
 * same calls against scorm-again, an independent implementation).
 */
(function (root) {
  'use strict';

  // ------------------------------------------------------------------------------------
  // Types

  function re(pattern) {
    var compiled = new RegExp(pattern);
    return function (value) { return compiled.test(value); };
  }

  function maxLength(limit) {
    return function (value) { return value.length <= limit; };
  }

  var DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

  function decimalIn(min, max) {
    return function (value) {
      if (!DECIMAL.test(value)) {
        return 'type';
      }
      var number = parseFloat(value);
      if ((min !== null && number < min) || (max !== null && number > max)) {
        return 'range';
      }
      return true;
    };
  }

  function oneOf(words) {
    return function (value) { return words.indexOf(value) !== -1; };
  }

  function either(first, second) {
    return function (value) { return first(value) === true || second(value) === true; };
  }

  function integerIn(min, max) {
    return function (value) {
      if (!/^-?\d+$/.test(value)) {
        return 'type';
      }
      var number = parseInt(value, 10);
      return number >= min && number <= max ? true : 'range';
    };
  }

  // SCORM 1.2 (RTE 3.4.2 data types).
  var T12 = {
    string255: maxLength(255),
    string4096: maxLength(4096),
    identifier: re('^[\\u0021-\\u007E]{0,255}$'),
    score: function (value) {
      return value === '' || decimalIn(0, 100)(value) === true;
    },
    decimal: function (value) { return DECIMAL.test(value); },
    timespan: re('^\\d{2,4}:\\d{2}:\\d{2}(\\.\\d{1,2})?$'),
    time: re('^([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,2})?$'),
    feedback: maxLength(255),
    status: oneOf(['passed', 'completed', 'failed', 'incomplete', 'browsed']),
    objectiveStatus: oneOf(['passed', 'completed', 'failed', 'incomplete', 'browsed',
      'not attempted']),
    exit: oneOf(['time-out', 'suspend', 'logout', '']),
    interactionType: oneOf(['true-false', 'choice', 'fill-in', 'matching', 'performance',
      'sequencing', 'likert', 'numeric']),
    result: either(oneOf(['correct', 'wrong', 'unanticipated', 'neutral']),
      function (value) { return DECIMAL.test(value); }),
    audio: function (value) { return integerIn(-1, 100)(value) === true; },
    speed: function (value) { return integerIn(-100, 100)(value) === true; },
    text: function (value) { return integerIn(-1, 1)(value) === true; }
  };

  // SCORM 2004 4th Ed. (RTE 4.1.1 data types).
  var ISO_DURATION = '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+D)?' +
    '(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d{1,2})?S)?)?$';
  var ISO_TIME = '^\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}(:\\d{2}(:\\d{2}(\\.\\d{1,2})?)?)?' +
    '(Z|[+-]\\d{2}(:\\d{2})?)?)?)?)?$';
  var LANG_PREFIX = '^(\\{lang=[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\\})?';

  function localized(limit) {
    var prefix = new RegExp(LANG_PREFIX);
    return function (value) {
      return value.replace(prefix, '').length <= limit;
    };
  }

  var T2004 = {
    location: maxLength(1000),
    suspendData: maxLength(64000),
    launchData: maxLength(4000),
    longIdentifier: function (value) {
      return value.length > 0 && value.length <= 4000 && !/\s/.test(value);
    },
    real: decimalIn(null, null),
    scaled: decimalIn(-1, 1),
    unit: decimalIn(0, 1),
    nonNegative: decimalIn(0, null),
    duration: re(ISO_DURATION),
    time: re(ISO_TIME),
    completion: oneOf(['completed', 'incomplete', 'not attempted', 'unknown']),
    success: oneOf(['passed', 'failed', 'unknown']),
    exit: oneOf(['time-out', 'suspend', 'logout', 'normal', '']),
    interactionType: oneOf(['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching',
      'performance', 'sequencing', 'likert', 'numeric', 'other']),
    result: function (value) {
      return ['correct', 'incorrect', 'unanticipated', 'neutral'].indexOf(value) !== -1 ||
        DECIMAL.test(value);
    },
    response: maxLength(64000),
    description: localized(250),
    comment: localized(4000),
    commentLocation: maxLength(250),
    language: re('^$|^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$'),
    captioning: function (value) {
      return /^-?\d+$/.test(value) ? (Math.abs(parseInt(value, 10)) <= 1 || 'range') : 'type';
    },
    navRequest: re('^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|' +
      '\\{target=[^}]+\\}(choice|jump))$')
  };

  // ------------------------------------------------------------------------------------
  // The two data models: element (array indexes as n) -> [access, type].

  var MODEL_12 = {
    'cmi.core.student_id': ['ro'],
    'cmi.core.student_name': ['ro'],
    'cmi.core.lesson_location': ['rw', T12.string255],
    'cmi.core.credit': ['ro'],
    'cmi.core.lesson_status': ['rw', T12.status],
    'cmi.core.entry': ['ro'],
    'cmi.core.score.raw': ['rw', T12.score],
    'cmi.core.score.max': ['rw', T12.score],
    'cmi.core.score.min': ['rw', T12.score],
    'cmi.core.total_time': ['ro'],
    'cmi.core.lesson_mode': ['ro'],
    'cmi.core.exit': ['wo', T12.exit],
    'cmi.core.session_time': ['wo', T12.timespan],
    'cmi.suspend_data': ['rw', T12.string4096],
    'cmi.launch_data': ['ro'],
    'cmi.comments': ['rw', T12.string4096],
    'cmi.comments_from_lms': ['ro'],
    'cmi.objectives.n.id': ['rw', T12.identifier],
    'cmi.objectives.n.score.raw': ['rw', T12.score],
    'cmi.objectives.n.score.max': ['rw', T12.score],
    'cmi.objectives.n.score.min': ['rw', T12.score],
    'cmi.objectives.n.status': ['rw', T12.objectiveStatus],
    'cmi.student_data.mastery_score': ['ro'],
    'cmi.student_data.max_time_allowed': ['ro'],
    'cmi.student_data.time_limit_action': ['ro'],
    'cmi.student_preference.audio': ['rw', T12.audio],
    'cmi.student_preference.language': ['rw', T12.string255],
    'cmi.student_preference.speed': ['rw', T12.speed],
    'cmi.student_preference.text': ['rw', T12.text],
    'cmi.interactions.n.id': ['wo', T12.identifier],
    'cmi.interactions.n.objectives.n.id': ['wo', T12.identifier],
    'cmi.interactions.n.time': ['wo', T12.time],
    'cmi.interactions.n.type': ['wo', T12.interactionType],
    'cmi.interactions.n.correct_responses.n.pattern': ['wo', T12.feedback],
    'cmi.interactions.n.weighting': ['wo', T12.decimal],
    'cmi.interactions.n.student_response': ['wo', T12.feedback],
    'cmi.interactions.n.result': ['wo', T12.result],
    'cmi.interactions.n.latency': ['wo', T12.timespan]
  };

  var CHILDREN_12 = {
    'cmi': 'core,suspend_data,launch_data,comments,objectives,student_data,' +
      'student_preference,interactions',
    'cmi.core': 'student_id,student_name,lesson_location,credit,lesson_status,entry,score,' +
      'total_time,lesson_mode,exit,session_time',
    'cmi.core.score': 'raw,min,max',
    'cmi.objectives': 'id,score,status',
    'cmi.objectives.n.score': 'raw,min,max',
    'cmi.student_data': 'mastery_score,max_time_allowed,time_limit_action',
    'cmi.student_preference': 'audio,language,speed,text',
    'cmi.interactions': 'id,objectives,time,type,correct_responses,weighting,' +
      'student_response,result,latency'
  };

  var MODEL_2004 = {
    'cmi.comments_from_learner.n.comment': ['rw', T2004.comment],
    'cmi.comments_from_learner.n.location': ['rw', T2004.commentLocation],
    'cmi.comments_from_learner.n.timestamp': ['rw', T2004.time],
    'cmi.comments_from_lms.n.comment': ['ro'],
    'cmi.comments_from_lms.n.location': ['ro'],
    'cmi.comments_from_lms.n.timestamp': ['ro'],
    'cmi.completion_status': ['rw', T2004.completion],
    'cmi.completion_threshold': ['ro'],
    'cmi.credit': ['ro'],
    'cmi.entry': ['ro'],
    'cmi.exit': ['wo', T2004.exit],
    'cmi.interactions.n.id': ['rw', T2004.longIdentifier],
    'cmi.interactions.n.type': ['rw', T2004.interactionType],
    'cmi.interactions.n.objectives.n.id': ['rw', T2004.longIdentifier],
    'cmi.interactions.n.timestamp': ['rw', T2004.time],
    'cmi.interactions.n.correct_responses.n.pattern': ['rw', T2004.response],
    'cmi.interactions.n.weighting': ['rw', T2004.real],
    'cmi.interactions.n.learner_response': ['rw', T2004.response],
    'cmi.interactions.n.result': ['rw', T2004.result],
    'cmi.interactions.n.latency': ['rw', T2004.duration],
    'cmi.interactions.n.description': ['rw', T2004.description],
    'cmi.launch_data': ['ro'],
    'cmi.learner_id': ['ro'],
    'cmi.learner_name': ['ro'],
    'cmi.learner_preference.audio_level': ['rw', T2004.nonNegative],
    'cmi.learner_preference.language': ['rw', T2004.language],
    'cmi.learner_preference.delivery_speed': ['rw', T2004.nonNegative],
    'cmi.learner_preference.audio_captioning': ['rw', T2004.captioning],
    'cmi.location': ['rw', T2004.location],
    'cmi.max_time_allowed': ['ro'],
    'cmi.mode': ['ro'],
    'cmi.objectives.n.id': ['rw', T2004.longIdentifier],
    'cmi.objectives.n.score.scaled': ['rw', T2004.scaled],
    'cmi.objectives.n.score.raw': ['rw', T2004.real],
    'cmi.objectives.n.score.min': ['rw', T2004.real],
    'cmi.objectives.n.score.max': ['rw', T2004.real],
    'cmi.objectives.n.success_status': ['rw', T2004.success],
    'cmi.objectives.n.completion_status': ['rw', T2004.completion],
    'cmi.objectives.n.progress_measure': ['rw', T2004.unit],
    'cmi.objectives.n.description': ['rw', T2004.description],
    'cmi.progress_measure': ['rw', T2004.unit],
    'cmi.scaled_passing_score': ['ro'],
    'cmi.score.scaled': ['rw', T2004.scaled],
    'cmi.score.raw': ['rw', T2004.real],
    'cmi.score.min': ['rw', T2004.real],
    'cmi.score.max': ['rw', T2004.real],
    'cmi.session_time': ['wo', T2004.duration],
    'cmi.success_status': ['rw', T2004.success],
    'cmi.suspend_data': ['rw', T2004.suspendData],
    'cmi.time_limit_action': ['ro'],
    'cmi.total_time': ['ro'],
    'adl.nav.request': ['rw', T2004.navRequest]
  };

  var CHILDREN_2004 = {
    'cmi.comments_from_learner': 'comment,location,timestamp',
    'cmi.comments_from_lms': 'comment,location,timestamp',
    'cmi.interactions': 'id,type,objectives,timestamp,correct_responses,weighting,' +
      'learner_response,result,latency,description',
    'cmi.interactions.n.objectives': 'id',
    'cmi.interactions.n.correct_responses': 'pattern',
    'cmi.learner_preference': 'audio_level,language,delivery_speed,audio_captioning',
    'cmi.objectives': 'id,score,success_status,completion_status,progress_measure,description',
    'cmi.objectives.n.score': 'scaled,raw,min,max',
    'cmi.score': 'scaled,raw,min,max'
  };

  var ARRAYS_12 = ['cmi.objectives', 'cmi.interactions', 'cmi.interactions.n.objectives',
    'cmi.interactions.n.correct_responses'];
  var ARRAYS_2004 = ['cmi.comments_from_learner', 'cmi.comments_from_lms', 'cmi.interactions',
    'cmi.objectives', 'cmi.interactions.n.objectives', 'cmi.interactions.n.correct_responses'];

  // ------------------------------------------------------------------------------------
  // Error codes and the names of the API functions

  var ERRORS_12 = {
    '0': 'No error', '101': 'General exception', '201': 'Invalid argument error',
    '202': 'Element cannot have children', '203': 'Element not an array - cannot have count',
    '301': 'Not initialized', '401': 'Not implemented error',
    '402': 'Invalid set value, element is a keyword', '403': 'Element is read only',
    '404': 'Element is write only', '405': 'Incorrect data type'
  };

  var ERRORS_2004 = {
    '0': 'No Error', '101': 'General Exception', '102': 'General Initialization Failure',
    '103': 'Already Initialized', '104': 'Content Instance Terminated',
    '111': 'General Termination Failure', '112': 'Termination Before Initialization',
    '113': 'Termination After Termination', '122': 'Retrieve Data Before Initialization',
    '123': 'Retrieve Data After Termination', '132': 'Store Data Before Initialization',
    '133': 'Store Data After Termination', '142': 'Commit Before Initialization',
    '143': 'Commit After Termination', '201': 'General Argument Error',
    '301': 'General Get Failure', '351': 'General Set Failure', '391': 'General Commit Failure',
    '401': 'Undefined Data Model Element', '402': 'Unimplemented Data Model Element',
    '403': 'Data Model Element Value Not Initialized', '404': 'Data Model Element Is Read Only',
    '405': 'Data Model Element Is Write Only', '406': 'Data Model Element Type Mismatch',
    '407': 'Data Model Element Value Out Of Range',
    '408': 'Data Model Dependency Not Established'
  };

  // What went wrong -> the code each standard gives it.
  var CODES = {
    scorm12: {
      // 1.2 has no "terminated" state: after LMSFinish the API is not initialized again
      // (RTE 3.3.2.2), and a second LMSInitialize in the same launch is a general exception.
      argument: '201', alreadyInitialized: '101', terminated: '101', notInitialized: '301',
      terminateBefore: '301', terminateAfter: '301', getBefore: '301', getAfter: '301',
      setBefore: '301', setAfter: '301', commitBefore: '301', commitAfter: '301',
      emptyGet: '201', emptySet: '201', undefinedElement: '201', noChildren: '202',
      notArray: '203', keyword: '402', readOnly: '403', writeOnly: '404', type: '405',
      range: '405', notInitializedValue: null, getIndex: '201', setIndex: '201',
      dependency: null, unique: null
    },
    scorm2004: {
      argument: '201', alreadyInitialized: '103', terminated: '104', notInitialized: '122',
      terminateBefore: '112', terminateAfter: '113', getBefore: '122', getAfter: '123',
      setBefore: '132', setAfter: '133', commitBefore: '142', commitAfter: '143',
      emptyGet: '301', emptySet: '351', undefinedElement: '401', noChildren: '301',
      notArray: '301', keyword: '404', readOnly: '404', writeOnly: '405', type: '406',
      range: '407', notInitializedValue: '403', getIndex: '301', setIndex: '351',
      dependency: '408', unique: '351'
    }
  };

  var FUNCTIONS = {
    scorm12: {
      initialize: 'LMSInitialize', terminate: 'LMSFinish', getValue: 'LMSGetValue',
      setValue: 'LMSSetValue', commit: 'LMSCommit', getLastError: 'LMSGetLastError',
      getErrorString: 'LMSGetErrorString', getDiagnostic: 'LMSGetDiagnostic'
    },
    scorm2004: {
      initialize: 'Initialize', terminate: 'Terminate', getValue: 'GetValue',
      setValue: 'SetValue', commit: 'Commit', getLastError: 'GetLastError',
      getErrorString: 'GetErrorString', getDiagnostic: 'GetDiagnostic'
    }
  };

  /** The limits the debug view shows a meter for. */
  var BUDGETS = {
    scorm12: { suspendData: 4096, location: 255 },
    scorm2004: { suspendData: 64000, location: 1000 }
  };

  // ------------------------------------------------------------------------------------
  // Learner records and sessions

  var PERSISTENT_12 = new RegExp('^cmi\\.(core\\.(lesson_location|lesson_status|' +
    'score\\.(raw|min|max)|total_time)|suspend_data|comments|objectives\\.|interactions\\.|' +
    'student_preference\\.)');
  var PERSISTENT_2004 = new RegExp('^cmi\\.(comments_from_learner\\.|completion_status|' +
    'interactions\\.|learner_preference\\.|location|objectives\\.|progress_measure|' +
    'score\\.|success_status|suspend_data|total_time)');

  /** Elements that hold the learner's data from session to session (the rest is given by
   *  the LMS at each launch, or is a session's own: exit, session_time). */
  function persistent(standard, element) {
    if (standard === 'scorm12') {
      return PERSISTENT_12.test(element);
    }
    return PERSISTENT_2004.test(element);
  }

  function parseTimespan12(text) {
    var parts = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text || '');
    return parts ? (+parts[1] * 3600 + +parts[2] * 60 + +parts[3]) : 0;
  }

  function formatTimespan12(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds - hours * 3600 - minutes * 60;
    function pad(value, width) {
      var text = String(value);
      while (text.length < width) {
        text = '0' + text;
      }
      return text;
    }
    var secs = rest.toFixed(2);
    return pad(Math.min(hours, 9999), 4) + ':' + pad(minutes, 2) + ':' +
      (secs.length < 5 ? '0' + secs : secs);
  }

  function parseDuration(text) {
    var parts = new RegExp('^P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)D)?' +
      '(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?$').exec(text || '');
    if (!parts) {
      return 0;
    }
    return (+(parts[1] || 0)) * 31536000 + (+(parts[2] || 0)) * 2592000 +
      (+(parts[3] || 0)) * 86400 + (+(parts[4] || 0)) * 3600 + (+(parts[5] || 0)) * 60 +
      (+(parts[6] || 0));
  }

  function formatDuration(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = Math.round((seconds - hours * 3600 - minutes * 60) * 100) / 100;
    return 'PT' + hours + 'H' + minutes + 'M' + rest + 'S';
  }

  /**
   * The values the LMS starts a session with: what the record keeps (by the rules at the top
   * of this file) and what the LMS gives (learner, mode, credit, entry, manifest values).
   * Returns {data, entry, attempt, sessions, note}.
   */
  function startSession(standard, record, launch) {
    var stored = (record && record.data) || {};
    var attempt = (record && record.attempt) || 1;
    var sessions = (record && record.sessions) || 0;
    var exitName = standard === 'scorm12' ? 'cmi.core.exit' : 'cmi.exit';
    var lastExit = stored[exitName];
    var data = {};
    var entry;
    var note;
    if (!record || !sessions) {
      entry = 'ab-initio';
      note = 'first session: entry ab-initio';
    } else if (lastExit === 'suspend') {
      entry = 'resume';
      note = 'the last session exited with "suspend": entry resume, data kept';
    } else if (standard === 'scorm2004') {
      entry = 'ab-initio';
      attempt += 1;
      stored = { 'cmi.total_time': stored['cmi.total_time'] };
      note = 'the last session exited with "' + (lastExit || '') +
        '": a new attempt (entry ab-initio, learner data cleared)';
    } else {
      entry = '';
      note = 'the last session exited with "' + (lastExit || '') +
        '": entry "" (SCORM 1.2 keeps the data: it has no attempts)';
    }
    if (record && record.open) {
      note += '; the last session never called ' + FUNCTIONS[standard].terminate +
        ': only what it committed was kept';
    }
    Object.keys(stored).forEach(function (element) {
      if (persistent(standard, element) && stored[element] !== undefined) {
        data[element] = stored[element];
      }
    });
    var mode = launch.mode || 'normal';
    var credit = mode === 'normal' ? 'credit' : 'no-credit';
    if (standard === 'scorm12') {
      data['cmi.core.student_id'] = launch.learnerId;
      data['cmi.core.student_name'] = launch.learnerName12;
      data['cmi.core.credit'] = credit;
      data['cmi.core.entry'] = entry;
      data['cmi.core.lesson_mode'] = mode;
      if (data['cmi.core.lesson_status'] === undefined) {
        data['cmi.core.lesson_status'] = 'not attempted';
      }
      if (data['cmi.core.total_time'] === undefined) {
        data['cmi.core.total_time'] = '0000:00:00.00';
      }
      data['cmi.launch_data'] = launch.launchData || '';
      data['cmi.comments_from_lms'] = '';
      data['cmi.student_data.mastery_score'] = launch.masteryScore || '';
      data['cmi.student_data.max_time_allowed'] = '';
      data['cmi.student_data.time_limit_action'] = '';
    } else {
      data['cmi.learner_id'] = launch.learnerId;
      data['cmi.learner_name'] = launch.learnerName;
      data['cmi.credit'] = credit;
      data['cmi.entry'] = entry;
      data['cmi.mode'] = mode;
      if (data['cmi.completion_status'] === undefined) {
        data['cmi.completion_status'] = 'unknown';
      }
      if (data['cmi.success_status'] === undefined) {
        data['cmi.success_status'] = 'unknown';
      }
      if (data['cmi.total_time'] === undefined) {
        data['cmi.total_time'] = 'PT0S';
      }
      if (launch.launchData) {
        data['cmi.launch_data'] = launch.launchData;
      }
      if (launch.masteryScore !== undefined && launch.masteryScore !== '') {
        data['cmi.scaled_passing_score'] = launch.masteryScore;
      }
      data['cmi.time_limit_action'] = 'continue,no message';
      ['audio_level', 'delivery_speed'].forEach(function (name) {
        if (data['cmi.learner_preference.' + name] === undefined) {
          data['cmi.learner_preference.' + name] = '1';
        }
      });
      if (data['cmi.learner_preference.language'] === undefined) {
        data['cmi.learner_preference.language'] = '';
      }
      if (data['cmi.learner_preference.audio_captioning'] === undefined) {
        data['cmi.learner_preference.audio_captioning'] = '0';
      }
    }
    return { data: data, entry: entry, attempt: attempt, sessions: sessions + 1, note: note };
  }

  // ------------------------------------------------------------------------------------
  // The API object

  /**
   * An LMS API object for `standard` ("scorm12" | "scorm2004").
   * options: {record, launch: {mode, learnerId, learnerName, learnerName12, masteryScore,
   * launchData}, onCall(entry), onStore(snapshot, reason)}.
   */
  function createApi(standard, options) {
    options = options || {};
    var model = standard === 'scorm12' ? MODEL_12 : MODEL_2004;
    var children = standard === 'scorm12' ? CHILDREN_12 : CHILDREN_2004;
    var arrays = standard === 'scorm12' ? ARRAYS_12 : ARRAYS_2004;
    var errorText = standard === 'scorm12' ? ERRORS_12 : ERRORS_2004;
    var codes = CODES[standard];
    var names = FUNCTIONS[standard];
    var launch = options.launch || {};
    var session = startSession(standard, options.record || null, {
      mode: launch.mode || 'normal',
      learnerId: launch.learnerId || 'preview-learner',
      learnerName: launch.learnerName || 'Preview Learner',
      learnerName12: launch.learnerName12 || 'Learner, Preview',
      masteryScore: launch.masteryScore === undefined ? '' : String(launch.masteryScore),
      launchData: launch.launchData || ''
    });
    var data = session.data;
    var state = 'not initialized';
    var lastError = '0';
    var diagnostic = '';
    var commits = 0;

    function fail(code, detail) {
      lastError = code;
      diagnostic = detail || errorText[code] || '';
      return code;
    }

    function ok() {
      lastError = '0';
      diagnostic = '';
    }

    function canonical(element) {
      return element.replace(/\.\d+(?=\.|$)/g, '.n');
    }

    function countOf(arrayName) {
      var prefix = arrayName + '.';
      var count = 0;
      Object.keys(data).forEach(function (key) {
        if (key.indexOf(prefix) === 0) {
          var index = /^(\d+)\./.exec(key.slice(prefix.length));
          if (index) {
            count = Math.max(count, parseInt(index[1], 10) + 1);
          }
        }
      });
      return count;
    }

    function isArray(element) {
      return arrays.indexOf(canonical(element)) !== -1;
    }

    /** Every array index in `element` within bounds (== count allowed when `creating`).
     *  Returns null or the offending array and index. */
    function checkIndexes(element, creating) {
      var parts = element.split('.');
      for (var k = 1; k < parts.length; k += 1) {
        if (/^\d+$/.test(parts[k])) {
          var arrayName = parts.slice(0, k).join('.');
          var index = parseInt(parts[k], 10);
          var count = countOf(arrayName);
          if (index > count || (index === count && !creating)) {
            return { array: arrayName, index: index, count: count };
          }
        }
      }
      return null;
    }

    function report(fn, args, result) {
      if (typeof options.onCall === 'function') {
        try {
          options.onCall({
            fn: fn, args: args, result: result, error: lastError,
            diagnostic: lastError === '0' ? '' : diagnostic
          });
        } catch (ignore) { /* the view's problem, not the API's */ }
      }
      return result;
    }

    function snapshot() {
      var copy = {};
      Object.keys(data).forEach(function (key) { copy[key] = data[key]; });
      return copy;
    }

    function store(reason) {
      commits += 1;
      if (typeof options.onStore === 'function') {
        try {
          options.onStore({
            standard: standard, data: snapshot(), attempt: session.attempt,
            sessions: session.sessions, open: reason !== 'terminate', mode: launch.mode ||
              'normal', entry: session.entry
          }, reason);
        } catch (ignore) { /* the view's problem */ }
      }
    }

    function argumentCheck(arg) {
      return arg === '' || arg === undefined || arg === null;
    }

    /** SCORM 2004 RTE 4.2.4.1 / 4.2.22: the LMS's evaluation of completion and success. */
    function evaluated(element) {
      if (standard !== 'scorm2004') {
        return data[element];
      }
      if (element === 'cmi.success_status' && data['cmi.scaled_passing_score'] !== undefined &&
          data['cmi.score.scaled'] !== undefined) {
        return parseFloat(data['cmi.score.scaled']) >=
          parseFloat(data['cmi.scaled_passing_score']) ? 'passed' : 'failed';
      }
      if (element === 'cmi.completion_status' && data['cmi.completion_threshold'] !== undefined &&
          data['cmi.progress_measure'] !== undefined) {
        return parseFloat(data['cmi.progress_measure']) >=
          parseFloat(data['cmi.completion_threshold']) ? 'completed' : 'incomplete';
      }
      return data[element];
    }

    function getValue(element) {
      if (state === 'not initialized') {
        fail(codes.getBefore);
        return '';
      }
      if (state === 'terminated') {
        fail(codes.getAfter);
        return '';
      }
      element = element === undefined || element === null ? '' : String(element);
      if (element === '') {
        fail(codes.emptyGet, 'GetValue needs a data model element');
        return '';
      }
      var last = element.slice(element.lastIndexOf('.') + 1);
      var parent = element.slice(0, element.lastIndexOf('.'));
      if (last === '_version') {
        if (element !== 'cmi._version') {
          fail(codes.undefinedElement, element + ' is not defined');
          return '';
        }
        ok();
        return standard === 'scorm12' ? '3.4' : '1.0';
      }
      if (last === '_children') {
        var listed = children[canonical(parent)];
        if (listed === undefined) {
          var known = parent === 'cmi' || Object.keys(model).some(function (key) {
            return key === canonical(parent) || key.indexOf(canonical(parent) + '.') === 0;
          });
          fail(known ? codes.noChildren : codes.undefinedElement,
            parent + ' has no children');
          return '';
        }
        ok();
        return listed;
      }
      if (last === '_count') {
        if (!isArray(parent)) {
          var exists = Object.keys(model).some(function (key) {
            return key === canonical(parent) || key.indexOf(canonical(parent) + '.') === 0;
          });
          fail(exists ? codes.notArray : codes.undefinedElement, parent + ' is not an array');
          return '';
        }
        if (checkIndexes(parent, false)) {
          fail(codes.getIndex, parent + ': index out of range');
          return '';
        }
        ok();
        return String(countOf(parent));
      }
      var definition = model[canonical(element)];
      if (!definition) {
        fail(codes.undefinedElement, element + ' is not an element of the data model');
        return '';
      }
      if (definition[0] === 'wo') {
        fail(codes.writeOnly, element + ' is write-only');
        return '';
      }
      var outside = checkIndexes(element, false);
      if (outside) {
        fail(codes.getIndex, outside.array + ' has ' + outside.count + ' entries; index ' +
          outside.index + ' is not one of them');
        return '';
      }
      var value = evaluated(element);
      if (value === undefined) {
        if (codes.notInitializedValue) {
          fail(codes.notInitializedValue, element + ' has no value yet');
          return '';
        }
        ok();
        return '';
      }
      ok();
      return String(value);
    }

    /** SCORM 2004 RTE 4.2.9: an interaction's (objective's) id first, its type before its
     *  responses. */
    function dependency(element) {
      if (!codes.dependency) {
        return null;
      }
      var found = /^(cmi\.(?:interactions|objectives)\.\d+)\.(.+)$/.exec(element);
      if (!found || found[2] === 'id') {
        return null;
      }
      if (data[found[1] + '.id'] === undefined) {
        return found[1] + '.id must be set first';
      }
      if (/^cmi\.interactions\./.test(element) &&
          /^(correct_responses|learner_response)/.test(found[2]) &&
          data[found[1] + '.type'] === undefined) {
        return found[1] + '.type must be set first';
      }
      return null;
    }

    function setValue(element, value) {
      if (state === 'not initialized') {
        return fail(codes.setBefore) && 'false';
      }
      if (state === 'terminated') {
        return fail(codes.setAfter) && 'false';
      }
      element = element === undefined || element === null ? '' : String(element);
      value = value === undefined || value === null ? '' : String(value);
      if (element === '') {
        return fail(codes.emptySet, 'SetValue needs a data model element') && 'false';
      }
      var last = element.slice(element.lastIndexOf('.') + 1);
      if (last === '_children' || last === '_count' || last === '_version') {
        return fail(codes.keyword, element + ' is a keyword: it cannot be set') && 'false';
      }
      var definition = model[canonical(element)];
      if (!definition) {
        return fail(codes.undefinedElement, element + ' is not an element of the data model') &&
          'false';
      }
      if (definition[0] === 'ro') {
        return fail(codes.readOnly, element + ' is read-only') && 'false';
      }
      var outside = checkIndexes(element, true);
      if (outside) {
        return fail(codes.setIndex, outside.array + ' has ' + outside.count +
          ' entries: index ' + outside.index + ' would leave a gap') && 'false';
      }
      var needs = dependency(element);
      if (needs) {
        return fail(codes.dependency, needs) && 'false';
      }
      var valid = definition[1](value);
      if (valid !== true) {
        var code = valid === 'range' ? codes.range : codes.type;
        return fail(code, JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value) +
          ' is not a valid value of ' + element +
          (valid === 'range' ? ' (out of range)' : '')) && 'false';
      }
      if (codes.unique && /\.id$/.test(element)) {
        var container = element.replace(/\.\d+\.id$/, '');
        var index = element.replace(/^.*\.(\d+)\.id$/, '$1');
        var clash = Object.keys(data).some(function (key) {
          var match = new RegExp('^' + container.replace(/\./g, '\\.') + '\\.(\\d+)\\.id$')
            .exec(key);
          return match && match[1] !== index && data[key] === value;
        });
        if (clash) {
          return fail(codes.unique, value + ' is already the id of another entry of ' +
            container) && 'false';
        }
      }
      data[element] = value;
      ok();
      return 'true';
    }

    /** LMS rules at the end of a session (the debug log says when one applied). */
    function endSession() {
      var applied = [];
      if (standard === 'scorm12') {
        var mastery = data['cmi.student_data.mastery_score'];
        var raw = data['cmi.core.score.raw'];
        // RTE 3.4.2.2.3 (lesson_status): with credit, a mastery score and a raw score, the
        // LMS decides passed or failed.
        if (data['cmi.core.credit'] === 'credit' && mastery !== '' && raw !== undefined &&
            raw !== '') {
          var status = parseFloat(raw) >= parseFloat(mastery) ? 'passed' : 'failed';
          if (data['cmi.core.lesson_status'] !== status) {
            applied.push('lesson_status set to ' + status + ' (score.raw ' + raw +
              ' against mastery_score ' + mastery + ')');
          }
          data['cmi.core.lesson_status'] = status;
        }
        if (data['cmi.core.lesson_mode'] === 'browse' &&
            data['cmi.core.lesson_status'] === 'not attempted') {
          data['cmi.core.lesson_status'] = 'browsed';
          applied.push('lesson_status set to browsed (browse mode)');
        }
        data['cmi.core.total_time'] = formatTimespan12(
          parseTimespan12(data['cmi.core.total_time']) +
          parseTimespan12(data['cmi.core.session_time']));
      } else {
        ['cmi.success_status', 'cmi.completion_status'].forEach(function (element) {
          var value = evaluated(element);
          if (value !== data[element]) {
            applied.push(element + ' evaluated to ' + value);
            data[element] = value;
          }
        });
        data['cmi.total_time'] = formatDuration(parseDuration(data['cmi.total_time']) +
          parseDuration(data['cmi.session_time']));
      }
      return applied;
    }

    var api = {};
    api[names.initialize] = function (arg) {
      if (!argumentCheck(arg)) {
        fail(codes.argument, 'the argument must be ""');
        return report(names.initialize, [arg], 'false');
      }
      if (state === 'running') {
        fail(codes.alreadyInitialized);
        return report(names.initialize, [arg], 'false');
      }
      if (state === 'terminated') {
        fail(codes.terminated);
        return report(names.initialize, [arg], 'false');
      }
      state = 'running';
      ok();
      return report(names.initialize, [arg], 'true');
    };
    api[names.terminate] = function (arg) {
      if (!argumentCheck(arg)) {
        fail(codes.argument, 'the argument must be ""');
        return report(names.terminate, [arg], 'false');
      }
      if (state === 'not initialized') {
        fail(codes.terminateBefore);
        return report(names.terminate, [arg], 'false');
      }
      if (state === 'terminated') {
        fail(codes.terminateAfter);
        return report(names.terminate, [arg], 'false');
      }
      var applied = endSession();
      state = 'terminated';
      ok();
      store('terminate');
      report(names.terminate, [arg], 'true');
      if (applied.length && typeof options.onCall === 'function') {
        options.onCall({ fn: 'LMS', args: [], result: applied.join('; '), error: '0',
          diagnostic: '' });
      }
      return 'true';
    };
    api[names.getValue] = function (element) {
      var value = getValue(element);
      return report(names.getValue, [element], value);
    };
    api[names.setValue] = function (element, value) {
      return report(names.setValue, [element, value], setValue(element, value));
    };
    api[names.commit] = function (arg) {
      if (!argumentCheck(arg)) {
        fail(codes.argument, 'the argument must be ""');
        return report(names.commit, [arg], 'false');
      }
      if (state === 'not initialized') {
        fail(codes.commitBefore);
        return report(names.commit, [arg], 'false');
      }
      if (state === 'terminated') {
        fail(codes.commitAfter);
        return report(names.commit, [arg], 'false');
      }
      ok();
      store('commit');
      return report(names.commit, [arg], 'true');
    };
    api[names.getLastError] = function () {
      return lastError;
    };
    api[names.getErrorString] = function (code) {
      return errorText[String(code)] || '';
    };
    api[names.getDiagnostic] = function (code) {
      if (code === undefined || code === null || code === '' || String(code) === lastError) {
        return diagnostic;
      }
      return errorText[String(code)] || '';
    };
    // For the debug view (not part of the standard's API).
    Object.defineProperty(api, 'preview', {
      enumerable: false,
      value: {
        standard: standard,
        state: function () { return state; },
        data: snapshot,
        session: session,
        commits: function () { return commits; },
        budgets: BUDGETS[standard],
        /** The LMS ends a session the content left open (the debug view's relaunch). */
        abandon: function () {
          if (state === 'running') {
            state = 'terminated';
            return true;
          }
          return false;
        }
      }
    });
    return api;
  }

  root.ScormkitPreviewLms = {
    createApi: createApi,
    startSession: startSession,
    budgets: BUDGETS,
    functions: FUNCTIONS
  };
}(typeof window !== 'undefined' ? window : this));
