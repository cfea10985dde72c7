// Hostile: signals the agent to death. Sends SIGKILL to every process whose command line holds
// dist/main.js (the agent and the container's init), to pid 1 and to its own parent (the root sandbox
// helper), then to -1, which reaches every process the caller may signal. Each direct kill must fail with
// EPERM, and every target must still be alive afterwards (kill(-1) reports success even when it reached
// nobody, so only the survivors tell).
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

const targets = [...new Set([...agentPids(), 1, process.ppid])].sort((a, b) => a - b);
const leaks = [];
for (const pid of targets) {
  try {
    process.kill(pid, 'SIGKILL');
    leaks.push(`SIGKILL delivered to ${pid}`);
  } catch (err) {
    if (err.code !== 'EPERM') leaks.push(`${pid}: ${err.code}`);
  }
}
try {
  process.kill(-1, 'SIGKILL');
} catch {}
for (const pid of targets) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') leaks.push(`${pid} is gone`);
  }
}
console.log(leaks.length > 0 ? `LEAKED: ${leaks.join('; ')}` : `BLOCKED: ${targets.join(', ')} refused and alive`);
