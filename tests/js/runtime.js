/*
 * Helpers for the runtime's unit tests: load a module of scormkit/runtime/ by its id, as the
 * build's bundles do ("tracking/time"), and small stand-ins for what a browser provides.
 */
'use strict';

const path = require('node:path');

const RUNTIME = path.resolve(__dirname, '..', '..', 'scormkit', 'runtime');

/** The exports of runtime module `id` ("util/hash"). */
function load(id) {
  return require(path.join(RUNTIME, id + '.js'));
}

/** A random() that gives the same sequence for the same seed (a 32-bit LCG). */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

module.exports = { load, seeded, RUNTIME };
