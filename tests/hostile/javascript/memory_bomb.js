// Hostile: a heap bomb. Keeps arrays of numbers for ever; V8's heap cap (--max-old-space-size, the run's
// memory limit) must stop it with "JavaScript heap out of memory" before the container runs short.
// expect: memory_limit_exceeded
const kept = [];
for (;;) kept.push(new Array(1_000_000).fill(Math.random()));
