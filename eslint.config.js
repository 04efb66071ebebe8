/*
 * ESLint (flat config) for the learner runtime's modules (scormkit/runtime/) and their unit
 * tests (tests/js/). Run by tests/test_runtime_js.py, so the README's test command covers it.
 *
 * The runtime ships inside packages that run in whatever browser an LMS's learners have, so
 * its rules are stricter than the tests':
 *   - ES2015 at most (the parser refuses anything newer), written in ES5 syntax (var,
 *     functions, no arrow functions, classes, let/const or template literals), as the runtime
 *     always was: the static tests check the same on the assembled bundles.
 *   - A short list of browser globals and nothing else: no `window`, `document`, `fetch` or
 *     `XMLHttpRequest` reachable as globals, so every DOM and network access goes through the
 *     window a module was given (page/main.js and quiz/main.js receive it from the bundle).
 *   - No eval, no markup from strings.
 */
'use strict';

const js = require('@eslint/js');

const RUNTIME_GLOBALS = {
  // Timers and the clock, as the page's own window has them.
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  performance: 'readonly',
  // cmi5 launch parameters.
  URLSearchParams: 'readonly',
};

const ES5_SYNTAX_ONLY = [
  { selector: 'ArrowFunctionExpression', message: 'Runtime code uses function expressions.' },
  { selector: 'ClassDeclaration, ClassExpression', message: 'Runtime code uses prototypes.' },
  { selector: "VariableDeclaration[kind!='var']", message: 'Runtime code declares with var.' },
  { selector: 'TemplateLiteral', message: 'Runtime code concatenates strings.' },
  { selector: 'ImportDeclaration, ExportNamedDeclaration, ExportDefaultDeclaration',
    message: 'Runtime modules are CommonJS: the build assembles them (scormkit/jsbundle.py).' },
];

const MARKUP_FROM_STRINGS = ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'write', 'writeln']
  .map((property) => ({ property, message: 'Build DOM nodes, not markup from strings.' }));

const COMMON_RULES = {
  curly: ['error', 'all'],
  eqeqeq: ['error', 'always'],
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-shadow': ['error', { builtinGlobals: false }],
  'no-throw-literal': 'error',
  'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
  strict: ['error', 'global'],
};

module.exports = [
  {
    // Only our own JavaScript: the runtime, its tests and this file.
    ignores: ['**/*', '!scormkit/', '!scormkit/runtime/', '!scormkit/runtime/**',
      '!scormkit/preview/', '!scormkit/preview/assets/', '!scormkit/preview/assets/*.js',
      '!tests/', '!tests/js/', '!tests/js/**', '!eslint.config.js'],
  },
  {
    files: ['scormkit/runtime/**/*.js'],
    languageOptions: {
      ecmaVersion: 2015,
      sourceType: 'commonjs',
      globals: RUNTIME_GLOBALS,
    },
    rules: {
      ...js.configs.recommended.rules,
      ...COMMON_RULES,
      'no-restricted-syntax': ['error', ...ES5_SYNTAX_ONLY],
      'no-restricted-properties': ['error', ...MARKUP_FROM_STRINGS],
      'no-var': 'off',
      'max-len': ['error', { code: 100, ignoreUrls: false }],
    },
  },
  {
    // `scormkit preview`'s LMS page (an author's tool in a current browser, not shipped in
    // packages): plain scripts, the browser's globals, the common rules.
    files: ['scormkit/preview/assets/*.js'],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: 'script',
      globals: {
        window: 'readonly', document: 'readonly', fetch: 'readonly', URL: 'readonly',
        URLSearchParams: 'readonly', EventSource: 'readonly', Promise: 'readonly',
      },
    },
    rules: {
      ...js.configs.recommended.rules,
      ...COMMON_RULES,
      'no-restricted-properties': ['error', ...MARKUP_FROM_STRINGS],
      'max-len': ['error', { code: 100, ignoreUrls: false }],
      strict: ['error', 'function'],  // each file is one function: no global namespace
    },
  },
  {
    files: ['tests/js/**/*.js', 'eslint.config.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: {
        require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly',
        console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      ...js.configs.recommended.rules,
      ...COMMON_RULES,
    },
  },
];
