// Hostile: puts the agent first in line for the kernel's OOM killer. Programs start with oom_score_adj
// 1000 so that they, never the agent, die when the container runs short; but a process may lower its own
// value back to the floor it inherited (0, the agent's) unless a privileged writer pinned it. If that works,
// it fills /dev/shm (tmpfs: container memory that belongs to no process) and starts many small processes,
// each holding a few MB, so that the biggest process left for the kernel to kill is the agent, and the
// executor dies with every run in it.
// kiln-run confines the program's writes with Landlock (work dir, /tmp, /dev/shm, /dev/mqueue), so the
// write is refused; where the kernel has no Landlock, the OOM guard ends the run within 2 ms instead.
// expect: ok
// stdout: BLOCKED
const { spawn } = require('node:child_process');
const fs = require('node:fs');

try {
  fs.writeFileSync('/proc/self/oom_score_adj', '0');
} catch (err) {
  const adj = fs.readFileSync('/proc/self/oom_score_adj', 'utf8').trim();
  console.log(`BLOCKED: oom_score_adj stays ${adj} (${err.code})`);
  process.exit(0);
}
const chunk = Buffer.alloc(1024 * 1024, 1);
try {
  for (let index = 0; index < 4; index++) {
    const fd = fs.openSync(`/dev/shm/kiln-fill-${index}`, 'w');
    for (let mb = 0; mb < 15; mb++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  }
} catch {}
const held = [];
for (let index = 0; index < 45; index++) {
  // dd fills its 6 MB buffer, then blocks writing it into a pipe this program never reads.
  const child = spawn('dd', ['if=/dev/zero', 'bs=6M', 'count=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => {});
  held.push(child);
}
setTimeout(() => {
  console.log('LEAKED: ran for 5 s with a lowered OOM score');
  process.exit(0);
}, 5000);
