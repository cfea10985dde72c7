// Hostile: a thread bomb. Starts worker threads that block for ever until Node cannot start another.
// Threads count against the slot's process limit (RLIMIT_NPROC 64, which Node's own threads share), so
// Node refuses a new worker long before the container's pids limit, and the program prints how far it got;
// it must never get past 64 threads. Each worker is also an isolate of a few megabytes, and the run's memory
// counts them all: at the most memory a run may have, the process limit comes first.
// expect: ok
// limits: {"memoryMb": 256}
// stdout: refused after
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
  console.log(`refused after ${started} threads: ${err.code ?? err.message}`);
  if (started >= 64) console.log(`LEAKED: ${started} workers, past the process limit of 64`);
  process.exit(0);
};
more();
