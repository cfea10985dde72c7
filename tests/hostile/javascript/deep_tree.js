// Hostile: a directory tree 1,000 levels deep in /tmp, /dev/shm and its work dir, made one relative name at
// a time: far beyond PATH_MAX. A cleanup that builds paths fails on it and restarts the executor; one that
// walks by directory descriptor removes it.
// expect: ok
// stdout: DEEP 3000
const { mkdirSync } = require('node:fs');

let made = 0;
for (const base of ['/tmp', '/dev/shm', process.env.HOME]) {
  process.chdir(base);
  mkdirSync('kiln-deep');
  process.chdir('kiln-deep');
  for (let i = 0; i < 1000; i++) {
    mkdirSync('d'.repeat(200));
    process.chdir('d'.repeat(200));
    made++;
  }
}
console.log(`DEEP ${made}`);
