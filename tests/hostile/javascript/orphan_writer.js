// Hostile: the program exits at once but leaves a child that holds its stdout and stderr open and keeps
// writing, so the run's pipes never close by themselves. The agent must end the run when the program's
// own process ends, promptly, with only what came before.
// expect: ok
// stdout: PARENT_DONE
// max-time-ms: 3000
const { spawn } = require('node:child_process');

console.log('PARENT_DONE');
spawn('/bin/sh', ['-c', 'sleep 0.5; while :; do echo orphan output; sleep 0.01; done'], {
  stdio: ['ignore', 'inherit', 'inherit'],
}).unref();
