// An ordinary program that needs a thread and a child process, as many real programs do.
const { execFileSync } = require('node:child_process');
const { Worker } = require('node:worker_threads');

const worker = new Worker('require("node:worker_threads").parentPort.postMessage(499500)', { eval: true });
worker.on('message', (sum) => {
  const child = execFileSync('echo', ['child'], { encoding: 'utf8' }).trim();
  console.log(`fine: ${sum} ${child}`);
  process.exit(0);
});
