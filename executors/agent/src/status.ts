import type { Status } from '@kiln/protocol';
import type { Outcome } from './sandbox/program.js';

export interface StatusInput {
  outcome: Outcome;
  cpuTimeLimitMs: number;
  memoryLimitKb: number;
  /** The language table's stderr patterns for "the runtime ran out of memory". */
  memoryErrors: readonly RegExp[];
  /** The kernel's OOM killer killed a process in this executor while the run was on (cgroup counter). */
  oomKilled?: boolean;
}

/** Why the helper's guard ended a run, in words for the program's author (see native/guard.c). */
export const VIOLATIONS: Record<string, string> = {
  memory: 'the run as a whole (all its processes, shared memory and files) went over its memory limit',
  files:
    'the run created more files or directories than its share of a file system the slots share (the work dirs, /tmp, /dev/shm)',
  oom_score_adj: 'the program lowered its OOM score (oom_score_adj), which would expose the executor',
};

/**
 * How a run's status is decided, first match wins:
 *
 * 1. `internal_error`: the helper could not start the program (setup failed): Kiln's fault, not the program's.
 * 2. The helper's guard ended the run: `memory_limit_exceeded` for memory; `runtime_error` for files past
 *    the run's share and for a lowered OOM score (an attack on the agent, never an accident).
 * 3. `output_limit_exceeded`: stdout or stderr passed the cap; the agent killed the run and kept what came.
 * 4. `time_limit_exceeded`: the agent's wall clock fired, or CPU time ran out. RLIMIT_CPU works in whole
 *    seconds (SIGXCPU at the soft limit, SIGKILL a second later), so the measured CPU time is compared with
 *    the millisecond limit too: over it is a time limit even when the program finished.
 * 5. `memory_limit_exceeded`, only with evidence of memory:
 *    - the run's peak memory as a whole passed the limit (the guard's samples, or one process's peak RSS);
 *    - the kernel's OOM killer killed a process here during the run and the program died of SIGKILL (the
 *      guard keeps runs within their limits, so this is a last line);
 *    - Python and C++ (RLIMIT_AS): allocation fails inside the runtime, `MemoryError` or
 *      "terminate called after throwing an instance of 'std::bad_alloc'", or, when several threads fail to
 *      allocate at once, "terminate called recursively" from the second one, which aborts the process
 *      before the first has said why (two threads ending on other uncaught exceptions at the same instant
 *      would be misread: under an address-space limit, running out is by far the likelier cause);
 *    - JavaScript: V8's heap cap (--max-old-space-size) ends it with "JavaScript heap out of memory".
 *    A pattern must be in stderr *and* the program must have failed, so printing the words is not enough.
 *    A SIGKILL with no such evidence (the program killed itself, or a child killed it) is not a memory
 *    limit: it is a `runtime_error` with signal SIGKILL, as a bare process would report it.
 * 6. `runtime_error`: a non-zero exit code or any signal.
 * 7. `ok`.
 */
export function decideStatus(input: StatusInput): Status {
  const { outcome, cpuTimeLimitMs, memoryLimitKb, memoryErrors } = input;
  if (outcome.setupError) return 'internal_error';
  if (outcome.violation === 'memory') return 'memory_limit_exceeded';
  if (outcome.violation) return 'runtime_error';
  if (outcome.killedFor === 'output') return 'output_limit_exceeded';
  if (outcome.killedFor === 'time') return 'time_limit_exceeded';
  const failed = outcome.exitCode !== 0 || outcome.signal !== null;
  const { cpuTimeMs } = outcome;
  if (outcome.signal === 'SIGXCPU' || cpuTimeMs > cpuTimeLimitMs || (failed && cpuTimeMs >= cpuTimeLimitMs)) {
    return 'time_limit_exceeded';
  }
  if (outcome.memoryKb > memoryLimitKb) return 'memory_limit_exceeded';
  if (outcome.signal === 'SIGKILL' && outcome.killedFor === null && input.oomKilled)
    return 'memory_limit_exceeded';
  if (failed) {
    const stderr = outcome.stderr.toString('utf8');
    if (memoryErrors.some((pattern) => pattern.test(stderr))) return 'memory_limit_exceeded';
    return 'runtime_error';
  }
  return 'ok';
}
