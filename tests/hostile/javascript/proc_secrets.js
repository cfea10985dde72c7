// Hostile: hunts for the executor token and the Redis password through /proc and the file system: the
// command line and environment of every process (and of every thread) in the container, /proc/1/environ,
// everything under /run/secrets, the agent's open files (fd and fdinfo), and the descriptors this program
// holds (beyond 0, 1 and 2, only Node's own: an inherited fd could be the agent's socket or token file).
// It prints everything it could read, so the harness, which knows both secrets, checks them against the
// output; it reports any 64-hex-digit string (the form of both secrets) itself as a leak.
// expect: ok
// stdout: BLOCKED
const fs = require('node:fs');

const SECRET_LIKE = /[0-9a-f]{64}/;
const leaks = [];
let refused = 0;
const read = (path) => {
  let data;
  try {
    data = fs.readFileSync(path, 'latin1');
  } catch {
    refused++;
    return undefined;
  }
  if (SECRET_LIKE.test(data)) leaks.push(`${path} holds a 64-hex-digit string`);
  return data;
};
const list = (path) => {
  try {
    return fs.readdirSync(path);
  } catch {
    refused++;
    return undefined;
  }
};

const me = process.getuid();
for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
  const tasks = list(`/proc/${pid}/task`) ?? [];
  for (const part of ['cmdline', 'environ']) {
    const data = read(`/proc/${pid}/${part}`);
    if (data !== undefined) {
      console.log(`read /proc/${pid}/${part}: ${data.replaceAll('\0', ' ').slice(0, 300)}`);
    }
    for (const tid of tasks) if (tid !== pid) read(`/proc/${pid}/task/${tid}/${part}`);
  }
  const fds = list(`/proc/${pid}/fd`);
  if (fds === undefined) continue;
  const owner = fs.statSync(`/proc/${pid}`).uid;
  if (owner !== me) leaks.push(`listed the fds of pid ${pid} (uid ${owner})`);
  for (const fd of fds) read(`/proc/${pid}/fdinfo/${fd}`);
}

read('/proc/1/environ');
for (const name of list('/run/secrets') ?? []) {
  if (read(`/run/secrets/${name}`) !== undefined) leaks.push(`read /run/secrets/${name}`);
}

// Node holds descriptors of its own (epoll and event descriptors, its signal pipe, /dev/null); none may lead
// to a file or socket: the token file or the agent's link. (The Python and C++ versions, which start with
// 0, 1 and 2 only, check pipes too.)
for (const fd of fs.readdirSync('/proc/self/fd').map(Number).filter((fd) => fd > 2)) {
  let target;
  try {
    target = fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    continue;
  }
  if (/^(anon_inode:|pipe:)/.test(target) || target === '/dev/null' || target.startsWith('/proc/')) continue;
  leaks.push(`inherited fd ${fd} -> ${target}`);
}
for (const [name, value] of Object.entries(process.env)) {
  if (SECRET_LIKE.test(value) || /KILN|TOKEN|SECRET|REDIS|PASSWORD/i.test(name)) {
    leaks.push(`environment variable ${name}`);
  }
}
console.log(
  leaks.length > 0
    ? `LEAKED: ${leaks.join('; ')}`
    : `BLOCKED: ${refused} reads refused, nothing secret in the rest`,
);
