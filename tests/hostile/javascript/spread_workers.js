// Hostile: worker threads, each with its own V8 isolate (and heap limit) and its own Buffers: four of them
// take 50 MB each. Threads are one process, but no per-isolate limit sees the sum: the run's does.
// expect: memory_limit_exceeded
// role: spreader
const { Worker } = require('node:worker_threads');

for (let i = 0; i < 4; i++) {
  new Worker('const b = Buffer.alloc(50 * 1024 * 1024, 1); setTimeout(() => b.length, 20000);', {
    eval: true,
  });
}
setTimeout(() => console.log('SURVIVED with 200 MB'), 20_000);
