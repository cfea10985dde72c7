// Hostile: takes every process its uid may have (RLIMIT_NPROC, 64) and holds them for 5 s. The limit is
// the kernel's, per uid, and a uid is the same number in every container on the host: while this runs in
// one replica, a run in the same slot of another replica of the same image must still work.
// expect: ok
// stdout: HOGGING
// role: hog
const { spawn } = require('node:child_process');

let held = 0;
const more = () => {
  const child = spawn('sleep', ['5'], { stdio: 'ignore' });
  child.on('error', () => {
    console.log(`HOGGING ${held} processes`);
    setTimeout(() => process.exit(0), 5000);
  });
  child.on('spawn', () => {
    held++;
    if (held < 1000) more();
  });
};
more();
