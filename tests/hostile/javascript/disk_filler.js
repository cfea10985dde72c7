// Hostile: fills every writable file system (the work dir, /tmp, /dev/shm) with 15 MB files until it is
// full. These are tmpfs, so the pages are the container's memory and count in the run's: the run ends at
// its memory limit, long before the file systems (each as big as the container) are full, and the agent
// must still answer, clean all of it up and hand the slot on in working order.
// expect: memory_limit_exceeded
const fs = require('node:fs');

const chunk = Buffer.alloc(1024 * 1024);
let written = 0;
for (const base of [process.env.HOME, '/tmp', '/dev/shm']) {
  try {
    for (let index = 0; index < 100; index++) {
      const fd = fs.openSync(`${base}/kiln-fill-${index}`, 'w');
      try {
        for (let mb = 0; mb < 15; mb++) {
          fs.writeSync(fd, chunk);
          written++;
        }
      } finally {
        fs.closeSync(fd);
      }
    }
  } catch {}
}
console.log(`FILLED ${written} MB`);
