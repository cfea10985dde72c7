// Hostile: a spawn loop. Spawns shell fork bombs (f(){ f|f& };f) from a timer, for ever, ignoring every
// spawn error; the process limit must hold, the wall clock must end the run and the janitor must kill
// every last process: the next run checks that none is left.
// expect: time_limit_exceeded
// limits: {"timeMs": 3000}
// max-time-ms: 8000
const { spawn } = require('node:child_process');

setInterval(() => {
  try {
    const child = spawn('/bin/sh', ['-c', 'f(){ f|f& };f'], { stdio: 'ignore' });
    child.on('error', () => {});
  } catch {}
}, 1);
