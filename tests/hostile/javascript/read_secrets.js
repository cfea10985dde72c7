// Hostile: goes after the executor token and the agent's secrets: the token file, the environment, memory
// (/proc/<pid>/mem stands in for ptrace, which Node cannot call), memory map, open files and working
// directory of the agent and of pid 1, the compile cache, and its own environment (which must hold nothing
// of the agent's). The harness also checks that the token itself appears nowhere in the output.
// expect: ok
// stdout: BLOCKED
const fs = require('node:fs');

const agentPids = () =>
  fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').includes('dist/main.js');
      } catch {
        return false;
      }
    })
    .map(Number);

const leaks = [];
let tried = 0;
const mustFail = (what, action) => {
  tried++;
  try {
    leaks.push(`${what}: ${String(action()).slice(0, 200)}`);
  } catch {}
};

mustFail('token', () => fs.readFileSync('/run/secrets/executor_token', 'utf8'));
mustFail('cache', () => fs.readdirSync('/run/kiln'));
mustFail('cache', () => fs.readdirSync('/run/kiln/cache'));
const pids = agentPids();
if (pids.length === 0) leaks.push('no agent found to attack');
for (const pid of pids) {
  for (const part of ['environ', 'maps', 'mem', 'stack', 'syscall', 'auxv']) {
    mustFail(`${pid} ${part}`, () => fs.readFileSync(`/proc/${pid}/${part}`));
  }
  mustFail(`${pid} mem fd`, () => fs.openSync(`/proc/${pid}/mem`, 'r'));
  mustFail(`${pid} fds`, () => fs.readdirSync(`/proc/${pid}/fd`));
  mustFail(`${pid} cwd`, () => fs.readdirSync(`/proc/${pid}/cwd`));
  mustFail(`${pid} root`, () => fs.readdirSync(`/proc/${pid}/root/run/secrets`));
  mustFail(`${pid} token via fd`, () => {
    for (let fd = 3; fd < 32; fd++) fs.readFileSync(`/proc/${pid}/fd/${fd}`);
    return 'every fd read';
  });
}
const suspicious = Object.keys(process.env).filter((name) => /KILN|TOKEN|SECRET|NODE/i.test(name));
if (suspicious.length > 0) leaks.push(`environment holds ${suspicious.join(', ')}`);
console.log(leaks.length > 0 ? `LEAKED: ${leaks.join('; ')}` : `BLOCKED: ${tried} attempts refused`);
