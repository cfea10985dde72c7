// The run after every attack, in the same slot: is the container back to its baseline, from the inside?
// stdin: lines "path <p>" and "port <n>" named by the attack, and "warm <command line prefix>": a warm start
// in another slot (its interpreter waiting, or the helper starting it), the one process of another uid
// that may be there.
// Prints a greeting, then CLEAN or DIRTY lines.
const fs = require('node:fs');

const request = { path: [], port: [], warm: [] };
for (const line of fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
  const space = line.indexOf(' ');
  request[line.slice(0, space)].push(line.slice(space + 1));
}
const problems = [];

/** What is wrong with process `name`, or undefined: gone, root's, a zombie, or a warm start let be. */
function foreign(name) {
  let uids;
  let state;
  try {
    const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
    uids = /^Uid:\s+(.*)$/m.exec(status)[1].trim().split(/\s+/);
    state = /^State:\s+(\S)/m.exec(status)[1];
  } catch {
    return undefined;
  }
  // A zombie holds nothing but its pid, until its parent reaps it.
  if (uids.every((uid) => uid === '0') || state === 'Z' || state === 'X') return undefined;
  let command = '';
  try {
    command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0$/, '').replaceAll('\0', ' ');
  } catch {}
  if (uids.includes(String(process.getuid())) || !request.warm.some((warm) => command.startsWith(warm))) {
    return { command, problem: `foreign process ${name} uids=${uids.join('/')} state=${state} command=${command.slice(0, 80)}` };
  }
  return undefined;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
for (const name of fs.readdirSync('/proc')) {
  if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
  let found = foreign(name);
  // An empty command line is a process between two programs (inside execve, or exiting): a warm start
  // in another slot passes through it. Look again, for up to a second, before calling it foreign.
  for (let look = 0; look < 50 && found && found.command === ''; look++) {
    Atomics.wait(pause, 0, 0, 20);
    found = foreign(name);
  }
  if (found) problems.push(found.problem);
}

for (const scratch of ['/tmp', '/dev/shm', '/dev/mqueue']) {
  const left = fs.readdirSync(scratch);
  if (left.length > 0) problems.push(`${scratch} not empty: ${left.sort().join(', ')}`);
}

const home = fs.readdirSync(process.env.HOME).sort();
if (home.join(',') !== 'main.js') problems.push(`HOME holds ${home.join(', ')}`);

const listening = new Set();
for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
  for (const row of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
    const cells = row.trim().split(/\s+/);
    if (cells[3] === '0A') listening.add(Number.parseInt(cells[1].split(':').pop(), 16));
  }
}
for (const port of [...listening].sort()) if (port !== 8765) problems.push(`port ${port} is listening`);
for (const port of request.port) {
  if (listening.has(Number(port))) problems.push(`the attack's port ${port} is still listening`);
}

for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
  for (const row of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
    problems.push(`udp port ${Number.parseInt(row.trim().split(/\s+/)[1].split(':').pop(), 16)} is bound`);
  }
}

const bound = fs
  .readFileSync('/proc/net/unix', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((row) => row.trim().split(/\s+/)[7])
  .filter(Boolean);
if (bound.length > 0) problems.push(`unix sockets bound: ${bound.join(', ')}`);

for (const kind of ['shm', 'msg', 'sem']) {
  if (fs.readFileSync(`/proc/sysvipc/${kind}`, 'utf8').trim().split('\n').length > 1) {
    problems.push(`SysV ${kind} objects left`);
  }
}

for (const path of request.path) {
  let exists = true;
  try {
    fs.lstatSync(path);
  } catch {
    exists = false;
  }
  if (exists) problems.push(`${path} still exists`);
}

console.log('hello from the clean check');
console.log(problems.length > 0 ? problems.map((problem) => `DIRTY ${problem}`).join('\n') : 'CLEAN');
