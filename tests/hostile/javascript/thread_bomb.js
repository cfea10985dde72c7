// Hostile: a thread bomb. Starts worker threads that block for ever until Node cannot start another; the
// process limit (64, counted in threads) must stop it well before the container's pids limit.
// expect: ok
// stdout: BLOCKED
const { Worker } = require('node:worker_threads');

let started = 0;
let failed = false;
const more = () => {
  if (failed || started >= 1000) return;
  let worker;
  try {
    worker = new Worker('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)', { eval: true });
  } catch (err) {
    return stop(err);
  }
  worker.on('error', stop);
  worker.on('online', () => {
    started++;
    more();
  });
};
const stop = (err) => {
  if (failed) return;
  failed = true;
  console.log(`BLOCKED after ${started} threads: ${err.code ?? err.message}`);
  if (started >= 64) console.log(`LEAKED: ${started} workers, past the process limit of 64`);
  process.exit(0);
};
more();
