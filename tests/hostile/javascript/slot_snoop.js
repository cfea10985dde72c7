// Hostile: runs while slot_holder sits in another slot and tries to reach its files: list /sandbox and
// every slot-N, open slot-N/secret.txt, go through the holder's /proc/<pid>/cwd, root, environ and fds,
// read what the holder left in /tmp and /dev/shm, and SIGKILL the holder. All must fail; the harness checks
// that the secret never shows up here and that the holder finished intact.
// expect: ok
// stdout: SAW_HOLDER
// stdout: BLOCKED
// role: snoop
const fs = require('node:fs');

const me = process.getuid();
const leaks = [];
const mustFail = (what, action) => {
  try {
    leaks.push(`${what}: ${String(action()).slice(0, 100)}`);
  } catch {}
};
const others = () =>
  fs.readdirSync('/proc').filter((name) => {
    try {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))[1]);
      return uid !== 0 && uid !== me;
    } catch {
      return false;
    }
  });

const deadline = Date.now() + 3000;
let holders = others();
while (holders.length === 0 && Date.now() < deadline) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  holders = others();
}
if (holders.length > 0) console.log(`SAW_HOLDER ${holders.join(', ')}`);
mustFail('list /sandbox', () => fs.readdirSync('/sandbox'));
for (let slot = 0; slot < 16; slot++) {
  const dir = `/sandbox/slot-${slot}`;
  if (dir === process.env.HOME) continue;
  mustFail(`list ${dir}`, () => fs.readdirSync(dir));
  mustFail(`read ${dir}/secret.txt`, () => fs.readFileSync(`${dir}/secret.txt`, 'utf8'));
}
for (const pid of holders) {
  mustFail(`${pid} cwd`, () => fs.readFileSync(`/proc/${pid}/cwd/secret.txt`, 'utf8'));
  mustFail(`${pid} root`, () => fs.readdirSync(`/proc/${pid}/root/`));
  mustFail(`${pid} environ`, () => fs.readFileSync(`/proc/${pid}/environ`, 'utf8'));
  mustFail(`${pid} fds`, () => fs.readdirSync(`/proc/${pid}/fd`));
  mustFail(`${pid} SIGKILL`, () => process.kill(Number(pid), 'SIGKILL'));
}
for (const scratch of ['/tmp', '/dev/shm']) {
  for (const name of fs.readdirSync(scratch)) {
    if (fs.lstatSync(`${scratch}/${name}`).uid !== me) {
      mustFail(`read ${scratch}/${name}`, () => fs.readFileSync(`${scratch}/${name}`, 'utf8'));
    }
  }
}
console.log(leaks.length > 0 ? `LEAKED: ${leaks.join('; ')}` : 'BLOCKED');
