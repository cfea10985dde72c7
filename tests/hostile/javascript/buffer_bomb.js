// Hostile: a memory bomb outside V8's heap. Buffers live in native memory that --max-old-space-size does
// not count; RLIMIT_DATA must stop them ("Array buffer allocation failed").
// expect: memory_limit_exceeded
const kept = [];
for (;;) kept.push(Buffer.alloc(16 * 1024 * 1024, 1));
