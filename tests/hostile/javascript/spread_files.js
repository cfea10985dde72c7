// Hostile: memory as tmpfs files: 60 MB in /dev/shm, 30 MB in /tmp (15 MB files, under the file size
// limit), then 40 MB of Buffers. Files in a tmpfs are memory: the run's total passes 128 MB.
// expect: memory_limit_exceeded
// role: spreader
const { writeFileSync } = require('node:fs');

const chunk = Buffer.alloc(15 * 1024 * 1024, 7);
for (let i = 0; i < 4; i++) writeFileSync(`/dev/shm/kiln-spread-${process.pid}-${i}`, chunk);
for (let i = 0; i < 2; i++) writeFileSync(`/tmp/kiln-spread-${process.pid}-${i}`, chunk);
const held = Buffer.alloc(40 * 1024 * 1024, 1);
setTimeout(() => console.log(`SURVIVED with ${90 + held.length / 1048576} MB`), 20_000);
