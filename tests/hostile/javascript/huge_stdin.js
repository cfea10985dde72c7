// Hostile: a run with a mebibyte of stdin (the gateway's cap, KILN_MAX_STDIN_KB), sixteen times a pipe's
// buffer, so the agent must keep feeding the pipe as the program drains it. Reads it all and checks every
// 64-byte line (its own index, zero-padded): nothing may be lost, cut or reordered on the way.
// expect: ok
// stdin-kb: 1024
// stdout: READ 1048576 bytes, 16384 lines INTACT
const data = require('node:fs').readFileSync(0, 'latin1');
const lines = data.split('\n').slice(0, -1);
const broken = lines.findIndex((line, i) => line !== String(i).padStart(63, '0'));
const state = broken === -1 && data.endsWith('\n') ? 'INTACT' : `BROKEN at line ${broken}`;
console.log(`READ ${data.length} bytes, ${lines.length} lines ${state}`);
