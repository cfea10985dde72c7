import type { BatchResult, ExecutionResult } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { EXIT, gradeExitCode, runExitCode, signalNumber } from '../src/exit-codes.js';

const base: ExecutionResult = {
  id: 'e-1',
  language: 'python',
  status: 'ok',
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  stdoutTruncated: false,
  stderrTruncated: false,
  timeMs: 5,
  cpuTimeMs: 4,
  memoryKb: 1024,
};
const result = (fields: Partial<ExecutionResult>): ExecutionResult => ({ ...base, ...fields });

describe('runExitCode', () => {
  it("is the program's own exit code when it ran to its end", () => {
    expect(runExitCode(base)).toBe(0);
    expect(runExitCode(result({ status: 'runtime_error', exitCode: 1 }))).toBe(1);
    expect(runExitCode(result({ status: 'runtime_error', exitCode: 42 }))).toBe(42);
  });

  it('is 128 + the signal number when a signal killed it', () => {
    expect(runExitCode(result({ status: 'runtime_error', exitCode: null, signal: 'SIGSEGV' }))).toBe(139);
    expect(runExitCode(result({ status: 'runtime_error', exitCode: null, signal: 'SIGABRT' }))).toBe(134);
    expect(runExitCode(result({ status: 'runtime_error', exitCode: null, signal: 'SIG30' }))).toBe(158);
  });

  it('is never 0 for a runtime error, whatever the result lacks', () => {
    expect(runExitCode(result({ status: 'runtime_error', exitCode: null, signal: null }))).toBe(1);
    expect(runExitCode(result({ status: 'runtime_error', exitCode: 0 }))).toBe(1);
    expect(runExitCode(result({ status: 'runtime_error', exitCode: null, signal: 'SIGWHAT' }))).toBe(1);
  });

  it('has one code per status that stopped the program', () => {
    const code = (status: ExecutionResult['status']) => runExitCode(result({ status, exitCode: null }));
    expect(code('time_limit_exceeded')).toBe(124);
    expect(code('compile_error')).toBe(126);
    expect(code('memory_limit_exceeded')).toBe(137);
    expect(code('output_limit_exceeded')).toBe(153);
    expect(code('internal_error')).toBe(EXIT.notJudged);
  });
});

describe('signalNumber', () => {
  it('reads names and numbered names, and nothing else', () => {
    expect(signalNumber('SIGKILL')).toBe(9);
    expect(signalNumber('SIG64')).toBe(64);
    expect(signalNumber('SIG0')).toBeUndefined();
    expect(signalNumber('SIG200')).toBeUndefined();
    expect(signalNumber('KILL')).toBeUndefined();
  });
});

describe('gradeExitCode', () => {
  const item = (id: string, verdict?: 'accepted' | 'wrong_answer' | 'internal_error'): BatchResult => ({
    id,
    submissionId: `s-${id}`,
    language: 'cpp',
    state: verdict === undefined ? 'queued' : 'finished',
    ...(verdict === undefined ? {} : { grade: { verdict, score: 0, maxScore: 1, passed: 0, tests: [] } }),
  });
  const batch = (...results: BatchResult[]) => ({ id: 'b-1', state: 'finished' as const, results });

  it('is 0 when every item was judged, wrong answers included', () => {
    expect(gradeExitCode(batch(item('a', 'accepted'), item('b', 'wrong_answer')))).toBe(0);
  });

  it('is 3 when an item ended internal_error or has no grade', () => {
    expect(gradeExitCode(batch(item('a', 'accepted'), item('b', 'internal_error')))).toBe(3);
    expect(gradeExitCode(batch(item('a', 'accepted'), item('b')))).toBe(3);
  });
});
