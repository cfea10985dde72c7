'use strict';
// Kiln's warm start for JavaScript. The agent starts `node warm.cjs main.js` inside the slot's sandbox before a
// run arrives, so Node's start-up is paid ahead of time. It waits here for one go byte that the agent writes
// on stdin ahead of the program's input, then runs main.js as `node main.js` would, as the main module
// (CommonJS or ES module, as Node decides for main.js), with the same process.argv. Nothing of the user's
// runs before the go byte; the process serves one run and is cleaned up with the slot. What is left of this
// file: its frames at the bottom of a stack trace.
const { readSync } = require('node:fs');
const { runMain } = require('node:module');
const { resolve } = require('node:path');

const go = Buffer.alloc(1);
let read = 0;
try {
  read = readSync(0, go, 0, 1, null);
} catch {}
if (read !== 1 || go[0] !== 1) process.reallyExit(125);
const main = resolve(process.argv[2]);
process.argv.splice(1, 2, main);
runMain(main);
