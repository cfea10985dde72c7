import type { Status } from '@kiln/protocol';
import type { Outcome } from './sandbox/execute.js';

export interface StatusInput {
  outcome: Outcome;
  cpuTimeLimitMs: number;
  memoryLimitKb: number;
  /** The language table's stderr patterns for "the runtime ran out of memory". */
  memoryErrors: readonly RegExp[];
}

/**
 * How a run's status is decided, first match wins:
 *
 * 1. `internal_error`: the helper could not start the program (setup failed): Kiln's fault, not the program's.
 * 1b. `runtime_error`: the helper's OOM guard killed the run because the program lowered its OOM score
 *    (an attack on the agent, never an accident).
 * 2. `output_limit_exceeded`: stdout or stderr passed the cap; the agent killed the run and kept what came.
 * 3. `time_limit_exceeded`: the agent's wall clock fired, or CPU time ran out. RLIMIT_CPU works in whole
 *    seconds (SIGXCPU at the soft limit, SIGKILL a second later), so the measured CPU time is compared with
 *    the millisecond limit too: over it is a time limit even when the program finished.
 * 4. `memory_limit_exceeded`, by language:
 *    - any language: SIGKILL that the agent did not send, which is the kernel's OOM killer once the container
 *      runs short (programs run with oom_score_adj 1000, so they go first), or a failed run whose peak RSS
 *      passed the limit;
 *    - Python (RLIMIT_AS): allocation fails inside the interpreter, which raises `MemoryError`; uncaught, its
 *      traceback ends with a `MemoryError` line;
 *    - C++ (RLIMIT_AS): `operator new` throws `std::bad_alloc`; uncaught, libstdc++ prints
 *      "terminate called after throwing an instance of 'std::bad_alloc'" and aborts (SIGABRT);
 *    - JavaScript: V8's heap is capped by --max-old-space-size (fatal "JavaScript heap out of memory", SIGABRT
 *      or SIGTRAP); Buffers outside the heap by the container's memory: the kernel OOM-kills the program
 *      (the SIGKILL rule above), or an allocation fails first ("RangeError: Failed to allocate memory").
 *    The pattern must be in stderr *and* the program must have failed, so printing the words is not enough.
 * 5. `runtime_error`: a non-zero exit code or any other signal.
 * 6. `ok`.
 */
export function decideStatus({ outcome, cpuTimeLimitMs, memoryLimitKb, memoryErrors }: StatusInput): Status {
  if (outcome.setupError) return 'internal_error';
  if (outcome.violation) return 'runtime_error';
  if (outcome.killedFor === 'output') return 'output_limit_exceeded';
  if (outcome.killedFor === 'time') return 'time_limit_exceeded';
  const failed = outcome.exitCode !== 0 || outcome.signal !== null;
  const { cpuTimeMs } = outcome;
  if (outcome.signal === 'SIGXCPU' || cpuTimeMs > cpuTimeLimitMs || (failed && cpuTimeMs >= cpuTimeLimitMs)) {
    return 'time_limit_exceeded';
  }
  if (outcome.signal === 'SIGKILL' && outcome.killedFor === null) return 'memory_limit_exceeded';
  if (failed) {
    if (outcome.memoryKb > memoryLimitKb) return 'memory_limit_exceeded';
    const stderr = outcome.stderr.toString('utf8');
    if (memoryErrors.some((pattern) => pattern.test(stderr))) return 'memory_limit_exceeded';
    return 'runtime_error';
  }
  return 'ok';
}
