// The honest neighbour of a flood of files: makes 900 entries (empty files and directories, as the flood
// does) in each of its work dir, /tmp and /dev/shm, 30 at a time over about two seconds (so that it
// overlaps the flood in the other slot), then removes them. 900 is well within a run's share of each file
// system's inodes (a third of 16k, 8k and 4k). Prints MADE <entries>, or where creation first failed.
const fs = require('node:fs');

const roots = [process.env.HOME, '/tmp', '/dev/shm'].map((base) => `${base}/neighbour-${process.pid}`);
for (const root of roots) fs.mkdirSync(root);
let made = 0;
const failed = new Map();
let step = 0;
const timer = setInterval(() => {
  for (const root of roots) {
    for (let index = 0; index < 30; index++) {
      const name = `${root}/e${step}-${index}`;
      try {
        if (index % 2) fs.mkdirSync(name);
        else fs.closeSync(fs.openSync(name, 'w', 0o600));
        made++;
      } catch (error) {
        const base = root.slice(0, root.lastIndexOf('/'));
        if (!failed.has(base)) failed.set(base, error.code);
      }
    }
  }
  if (++step < 30) return;
  clearInterval(timer);
  for (const root of roots) fs.rmSync(root, { recursive: true });
  for (const [base, code] of failed) console.log(`FAILED in ${base}: ${code}`);
  console.log(`MADE ${made}`);
}, 60);
