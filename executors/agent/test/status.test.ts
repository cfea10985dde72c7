import { readFileSync } from 'node:fs';
import type { Language, Status } from '@kiln/protocol';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../src/sandbox/program.js';
import { decideStatus } from '../src/status.js';

const CPU_LIMIT_MS = 1000;
const MEMORY_LIMIT_KB = 64 * 1024;

/** The memory error patterns of each language's real table, compiled as the agent compiles them. */
const memoryErrors = (language: Language): RegExp[] => {
  const table = JSON.parse(readFileSync(new URL(`../../${language}/language.json`, import.meta.url), 'utf8'));
  return (table.memoryErrorPatterns as string[]).map((pattern) => new RegExp(pattern, 'm'));
};

const outcome = (changes: Partial<Omit<Outcome, 'stderr'>> & { stderr?: string } = {}): Outcome => ({
  exitCode: 0,
  signal: null,
  timeMs: 50,
  cpuTimeMs: 40,
  memoryKb: 10_000,
  stdout: Buffer.alloc(0),
  stdoutTruncated: false,
  stderrTruncated: false,
  killedFor: null,
  setupError: null,
  violation: null,
  ...changes,
  stderr: Buffer.from(changes.stderr ?? ''),
});

const decide = (
  changes: Parameters<typeof outcome>[0],
  language: Language = 'python',
  oomKilled = false,
): Status =>
  decideStatus({
    outcome: outcome(changes),
    cpuTimeLimitMs: CPU_LIMIT_MS,
    memoryLimitKb: MEMORY_LIMIT_KB,
    memoryErrors: memoryErrors(language),
    oomKilled,
  });

const died = { exitCode: null, signal: 'SIGKILL' } as const;

describe('decideStatus', () => {
  it('is ok for a clean exit', () => {
    expect(decide({})).toBe('ok');
  });

  it('blames Kiln, not the program, when the sandbox could not be set up', () => {
    expect(decide({ setupError: 'setresuid: EPERM', exitCode: null, killedFor: 'output' })).toBe(
      'internal_error',
    );
  });

  it('reports a run the OOM guard ended as a runtime error, whatever else happened', () => {
    expect(decide({ violation: 'oom_score_adj', signal: 'SIGKILL', exitCode: null })).toBe('runtime_error');
  });

  it('reports a run the guard ended for its memory as a memory limit, for its files as a runtime error', () => {
    expect(decide({ violation: 'memory', ...died, killedFor: null })).toBe('memory_limit_exceeded');
    expect(decide({ violation: 'files', ...died })).toBe('runtime_error');
  });

  it('reports the output cap before anything else the killed program did', () => {
    expect(decide({ killedFor: 'output', ...died, cpuTimeMs: 5000, memoryKb: 999_999 })).toBe(
      'output_limit_exceeded',
    );
  });

  it('reports the wall clock as a time limit', () => {
    expect(decide({ killedFor: 'time', ...died })).toBe('time_limit_exceeded');
  });

  it('reports SIGXCPU as a time limit', () => {
    expect(decide({ exitCode: null, signal: 'SIGXCPU', cpuTimeMs: 1000 })).toBe('time_limit_exceeded');
  });

  it('reports CPU time over the millisecond limit even when the program finished', () => {
    expect(decide({ cpuTimeMs: CPU_LIMIT_MS + 1 })).toBe('time_limit_exceeded');
    expect(decide({ cpuTimeMs: CPU_LIMIT_MS })).toBe('ok');
  });

  it('reports a failed run that used all of its CPU time as a time limit', () => {
    // RLIMIT_CPU's SIGKILL a second after SIGXCPU is not the OOM killer.
    expect(decide({ ...died, cpuTimeMs: CPU_LIMIT_MS })).toBe('time_limit_exceeded');
  });

  it('reports a SIGKILL with no memory evidence as what it is: a runtime error with that signal', () => {
    // The program killed itself, or a child killed it: a bare process would just have died of SIGKILL.
    expect(decide(died)).toBe('runtime_error');
    expect(decide({ ...died, memoryKb: MEMORY_LIMIT_KB })).toBe('runtime_error');
  });

  it('reports a SIGKILL as a memory limit when the kernel OOM-killed a process during the run', () => {
    expect(decide(died, 'javascript', true)).toBe('memory_limit_exceeded');
    // ...but not a run that ended by itself meanwhile
    expect(decide({ exitCode: 1 }, 'javascript', true)).toBe('runtime_error');
  });

  it('does not call a cancelled run a memory limit', () => {
    expect(decide({ ...died, killedFor: 'cancel' })).toBe('runtime_error');
  });

  it('reports a run whose peak memory as a whole passed the limit as a memory limit, even if it finished', () => {
    expect(decide({ exitCode: 1, memoryKb: MEMORY_LIMIT_KB + 1 })).toBe('memory_limit_exceeded');
    expect(decide({ exitCode: 0, memoryKb: MEMORY_LIMIT_KB + 1 })).toBe('memory_limit_exceeded');
    expect(decide({ exitCode: 0, memoryKb: MEMORY_LIMIT_KB })).toBe('ok');
  });

  it.each([
    [
      'python',
      { exitCode: 1, stderr: 'Traceback (most recent call last):\n  File "main.py"\nMemoryError\n' },
    ],
    [
      'cpp',
      {
        exitCode: null,
        signal: 'SIGABRT',
        stderr:
          "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\n",
      },
    ],
    [
      'javascript',
      {
        exitCode: null,
        signal: 'SIGABRT',
        stderr: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n',
      },
    ],
    // Several threads fail to allocate at once under RLIMIT_AS: the second to call std::terminate aborts
    // before the first has printed which exception it was (tests/hostile/cpp/spread_threads).
    ['cpp', { exitCode: null, signal: 'SIGABRT', stderr: 'terminate called recursively\n' }],
    ['javascript', { exitCode: 1, stderr: 'RangeError: Array buffer allocation failed\n    at main.js:1\n' }],
  ] as const)('reports %s running out of memory from its stderr', (language, changes) => {
    expect(decide(changes, language)).toBe('memory_limit_exceeded');
  });

  it('needs the program to have failed: printing the words is not running out of memory', () => {
    expect(decide({ stderr: 'MemoryError\n' })).toBe('ok');
    expect(decide({ stderr: 'std::bad_alloc\n' }, 'cpp')).toBe('ok');
  });

  it('matches the python pattern only at the start of a line', () => {
    expect(decide({ exitCode: 1, stderr: 'ValueError: not a MemoryError\n' })).toBe('runtime_error');
  });

  it('reports any other failure as a runtime error', () => {
    expect(decide({ exitCode: 3 })).toBe('runtime_error');
    expect(decide({ exitCode: null, signal: 'SIGSEGV' })).toBe('runtime_error');
    expect(decide({ exitCode: null, signal: 'SIGABRT', stderr: 'assertion failed\n' }, 'cpp')).toBe(
      'runtime_error',
    );
  });
});
