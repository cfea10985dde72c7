// Hostile: entries under names that are not valid UTF-8 (Node reads them back altered, which is how they
// used to survive cleanup), with a newline, a leading dash, 255 bytes; a FIFO-like and a socket, links,
// and a directory without permissions that still holds a file. In /tmp, /dev/shm and the work dir.
// expect: ok
// stdout: PLANTED
const fs = require('node:fs');
const net = require('node:net');

const names = [
  Buffer.from([0xff, 0xfe, 0x2d, 0x78]),
  Buffer.from('new\nline'),
  Buffer.from('-rf'),
  Buffer.from('x'.repeat(255)),
  Buffer.from([0x63, 0x61, 0x66, 0xe9]),
];
const join = (...parts) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
for (const base of ['/tmp', '/dev/shm', process.env.HOME]) {
  const root = join(base, `/kiln-odd-${process.pid}`);
  fs.mkdirSync(root);
  for (const name of names) {
    fs.writeFileSync(join(root, '/', name), 'secret of the previous run\n');
    fs.writeFileSync(join(base, '/', name.subarray(0, 200), '-top'), 'secret of the previous run\n');
  }
  fs.linkSync(join(root, '/-rf'), join(root, '/hard-link'));
  fs.symlinkSync('/etc/passwd', join(root, '/to-passwd'));
  fs.symlinkSync(join(root), join(root, '/to-self'));
  const locked = join(root, '/locked', Buffer.from([0xff]));
  fs.mkdirSync(locked);
  fs.writeFileSync(join(locked, '/inside'), 'hidden\n');
  fs.chmodSync(locked, 0);
  net.createServer().listen(join(root, '/socket').toString('latin1'));
}
setTimeout(() => {
  for (const base of ['/tmp', '/dev/shm', process.env.HOME]) fs.chmodSync(`${base}/kiln-odd-${process.pid}`, 0);
  console.log('PLANTED');
  process.exit(0);
}, 200);
