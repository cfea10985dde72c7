// Hostile: blocks for ever without using any CPU, so only the agent's wall clock can end it.
// expect: time_limit_exceeded
// limits: {"timeMs": 2000}
// max-time-ms: 5000
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
