// Hostile: child processes, each a whole Node with 50 MB of Buffers: four of them. Each is under any limit
// a single process could be given; the run as a whole is not.
// expect: memory_limit_exceeded
// role: spreader
const { spawn } = require('node:child_process');

for (let i = 0; i < 4; i++) {
  spawn(process.execPath, ['-e', 'const b = Buffer.alloc(50 * 1024 * 1024, 1); setTimeout(() => b.length, 20000);'], {
    stdio: 'ignore',
  });
}
setTimeout(() => console.log('SURVIVED with 200 MB'), 20_000);
