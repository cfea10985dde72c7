// Hostile: a thread bomb. Starts worker threads that block for ever until Node cannot start another. Each
// worker is a whole V8 isolate that reserves its own address space, so V8 gives up first, with a fatal
// "Fatal process out of memory" (SIGTRAP): the run is out of its memory, long before the process limit
// (64, counted in threads) or the container's pids limit. Should Node instead refuse politely, the program
// prints how far it got; it must never get past 64 threads.
// expect: memory_limit_exceeded
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
