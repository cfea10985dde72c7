// Not an attack: the victim of slot_snoop. Keeps the secret from stdin in its HOME (made world-readable:
// the 0700 work dir alone must protect it), in /tmp and in /dev/shm, waits 2 s while the snoop runs in
// another slot, then checks that every copy is still there, unchanged.
// expect: ok
// stdout: SECRET_INTACT
// role: holder
const fs = require('node:fs');

const secret = fs.readFileSync(0, 'utf8').trim();
const uid = process.getuid();
const places = [`${process.env.HOME}/secret.txt`, `/tmp/secret-${uid}`, `/dev/shm/secret-${uid}`];
for (const path of places) fs.writeFileSync(path, secret);
fs.chmodSync(places[0], 0o644);
console.log('HOLDING');
setTimeout(() => {
  const intact = places.every((path) => fs.readFileSync(path, 'utf8') === secret);
  console.log(intact ? 'SECRET_INTACT' : 'SECRET_CHANGED');
}, 2000);
