// One of three runs at once: keeps its stdin in HOME and /tmp, waits 1.5 s while the others do the same,
// then checks both copies are still its own.
const fs = require('node:fs');

const mine = fs.readFileSync(0, 'utf8').trim();
const places = [`${process.env.HOME}/mine.txt`, `/tmp/mine-${process.getuid()}`];
for (const path of places) fs.writeFileSync(path, mine);
setTimeout(() => {
  const intact = places.every((path) => fs.readFileSync(path, 'utf8') === mine);
  console.log(`${mine} uid=${process.getuid()} ${intact ? 'intact' : 'CHANGED'}`);
}, 1500);
