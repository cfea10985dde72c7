// Hostile: leaves files for the next run in every writable place (/tmp, $HOME, /dev/shm), in forms that
// are awkward to remove: a hidden file, a name with a newline, a deep tree whose directories are made
// unreadable and unwritable (0000), a FIFO, and a symlink to /etc/passwd (cleanup must remove the link and
// never follow it). The next run must find all three places empty.
// expect: ok
// stdout: PLANTED
// gone: /tmp/kiln-planted /tmp/.kiln-hidden /tmp/kiln-tree /tmp/kiln-fifo /tmp/kiln-link /dev/shm/kiln-planted
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

for (const base of ['/tmp', process.env.HOME, '/dev/shm']) {
  fs.writeFileSync(`${base}/kiln-planted`, 'for the next run\n');
  fs.writeFileSync(`${base}/.kiln-hidden`, 'hidden\n');
  fs.writeFileSync(`${base}/kiln-new\nline`, 'odd name\n');
  const tree = `${base}/kiln-tree`;
  fs.mkdirSync(`${tree}/a/b/c`, { recursive: true });
  fs.writeFileSync(`${tree}/a/b/c/deep`, 'deep\n');
  for (const dir of [`${tree}/a/b/c`, `${tree}/a/b`, `${tree}/a`, tree]) fs.chmodSync(dir, 0);
  execFileSync('mkfifo', [`${base}/kiln-fifo`]);
  fs.symlinkSync('/etc/passwd', `${base}/kiln-link`);
}
console.log('PLANTED');
