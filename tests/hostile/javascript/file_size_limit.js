// Hostile: writes one file past the per-file size limit (RLIMIT_FSIZE, 16 MB) in the work dir, which has
// room for it (a 64 MB tmpfs). With SIGXFSZ handled, the write past the limit fails with EFBIG; the file
// must stop at 16 MB.
// expect: ok
// stdout: BLOCKED
const fs = require('node:fs');

process.on('SIGXFSZ', () => {});
const chunk = Buffer.alloc(1024 * 1024, 'k');
const path = `${process.env.HOME}/kiln-big`;
const fd = fs.openSync(path, 'w');
let written = 0;
try {
  while (written < 24 * 1024 * 1024) written += fs.writeSync(fd, chunk);
  console.log(`LEAKED: wrote ${written} bytes into one file`);
} catch (err) {
  const { size } = fs.statSync(path);
  console.log(size <= 16 * 1024 * 1024 ? `BLOCKED at ${size} bytes: ${err.code}` : `LEAKED: ${size} bytes`);
}
