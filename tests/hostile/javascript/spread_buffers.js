// Hostile: Buffers live outside V8's heap, so --max-old-space-size does not bound them: 10 MB at a time,
// filled, up to 400 MB. Node has no address-space limit (V8 reserves far more than it uses), so only the
// run-wide guard stands between this and the container: the run ends at about 128 MB.
// expect: memory_limit_exceeded
// role: spreader
const held = [];
for (let i = 0; i < 40; i++) held.push(Buffer.alloc(10 * 1024 * 1024, 1));
setTimeout(() => console.log(`SURVIVED with ${held.length * 10} MB`), 20_000);
