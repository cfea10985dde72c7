import type { TestCase } from '@kiln/api';
import { type CompileResult, type ExecutionResult, emptyResult } from '@kiln/protocol';
import { describe, expect, it } from 'vitest';
import { capUtf8, gradeSubmission } from '../src/grade.js';
import type { SubmissionJob } from '../src/jobs.js';

const job = (tests: TestCase[], more: Partial<SubmissionJob> = {}) => ({
  tests,
  checker: { type: 'lines' as const },
  stopOnFirstFailure: false,
  ...more,
});

const ran = (stdout: string, more: Partial<ExecutionResult> = {}): ExecutionResult => ({
  ...emptyResult('s:0', 'python', 'ok'),
  stdout,
  exitCode: 0,
  timeMs: 20,
  cpuTimeMs: 15,
  memoryKb: 9000,
  ...more,
});

const test = (stdin: string, expected: string, more: Partial<TestCase> = {}): TestCase => ({
  stdin,
  expected,
  ...more,
});

describe('gradeSubmission', () => {
  it('accepts every test whose output the checker accepts, with full details for visible tests', () => {
    const grade = gradeSubmission(job([test('1', '2\n'), test('2', '4\n', { name: 'double' })]), [
      ran('2\n'),
      ran('4  \n', { stderr: 'note' }),
    ]);
    expect(grade).toEqual({
      verdict: 'accepted',
      score: 2,
      maxScore: 2,
      passed: 2,
      tests: [
        {
          name: 'test-1',
          verdict: 'accepted',
          hidden: false,
          weight: 1,
          timeMs: 20,
          cpuTimeMs: 15,
          memoryKb: 9000,
          exitCode: 0,
          stdin: '1',
          expected: '2\n',
          stdout: '2\n',
          stderr: '',
        },
        expect.objectContaining({ name: 'double', verdict: 'accepted', stdout: '4  \n', stderr: 'note' }),
      ],
    });
  });

  it('gives wrong_answer with the diff hint, and the first non-accepted verdict overall', () => {
    const grade = gradeSubmission(job([test('', 'a'), test('', 'b'), test('', 'c')]), [
      ran('a'),
      ran('x'),
      ran('', { status: 'time_limit_exceeded', exitCode: null, signal: 'SIGKILL' }),
    ]);
    expect(grade.verdict).toBe('wrong_answer');
    expect(grade.tests.map((t) => t.verdict)).toEqual(['accepted', 'wrong_answer', 'time_limit_exceeded']);
    expect(grade.tests[1]?.diff).toEqual({ line: 1, column: 1, expected: 'b', got: 'x' });
    expect(grade.tests[2]).toMatchObject({ exitCode: null, stdout: '' });
    expect(grade.tests[2]).not.toHaveProperty('diff');
  });

  it.each([
    'runtime_error',
    'time_limit_exceeded',
    'memory_limit_exceeded',
    'output_limit_exceeded',
  ] as const)('takes the run status %s as the verdict, without asking the checker', (status) => {
    const grade = gradeSubmission(job([test('', 'same')]), [ran('same', { status })]);
    expect(grade).toMatchObject({ verdict: status, score: 0, passed: 0 });
    expect(grade.tests[0]?.verdict).toBe(status);
  });

  it('lets internal_error win over any verdict of the program, since it was not judged', () => {
    const grade = gradeSubmission(job([test('', 'a'), test('', 'b'), test('', 'c')]), [
      ran('wrong'),
      ran('b', { status: 'internal_error' }),
      undefined,
    ]);
    expect(grade.verdict).toBe('internal_error');
    expect(grade.tests.map((t) => t.verdict)).toEqual(['wrong_answer', 'internal_error', 'internal_error']);
    expect(grade.tests[2]).not.toHaveProperty('stdout');
  });

  it('gives compile_error to every test, with the diagnostics once', () => {
    const compile: CompileResult = {
      status: 'compile_error',
      output: 'main.cpp:1: error',
      timeMs: 300,
      cached: false,
    };
    const grade = gradeSubmission(job([test('1', '1'), test('2', '2', { hidden: true })]), [
      { ...emptyResult('s:0', 'cpp', 'compile_error'), compile },
    ]);
    expect(grade).toMatchObject({ verdict: 'compile_error', score: 0, maxScore: 2, passed: 0, compile });
    expect(grade.tests.map((t) => t.verdict)).toEqual(['compile_error', 'compile_error']);
    expect(JSON.stringify(grade.tests)).not.toContain('main.cpp');
    expect(grade.tests[0]).not.toHaveProperty('stdout');
  });

  it('keeps the compile stage of the first run when the program compiled', () => {
    const compile: CompileResult = { status: 'ok', output: '', timeMs: 900, cached: false };
    const grade = gradeSubmission(job([test('', 'a')]), [ran('a', { compile })]);
    expect(grade).toMatchObject({ verdict: 'accepted', compile });
  });

  it('strips stdin, expected, output and diff from hidden tests', () => {
    const grade = gradeSubmission(job([test('secret-in', 'secret-out', { hidden: true, name: 'h' })]), [
      ran('leak', { stderr: 'leak-err' }),
    ]);
    expect(grade.tests[0]).toEqual({
      name: 'h',
      verdict: 'wrong_answer',
      hidden: true,
      weight: 1,
      timeMs: 20,
      cpuTimeMs: 15,
      memoryKb: 9000,
      exitCode: 0,
    });
    expect(JSON.stringify(grade)).not.toMatch(/secret|leak/);
  });

  it('scores by weight (default 1), zero weights included', () => {
    const tests = [test('', 'a', { weight: 3 }), test('', 'b'), test('', 'c', { weight: 0 }), test('', 'd')];
    const grade = gradeSubmission(job(tests), [ran('a'), ran('no'), ran('c'), ran('d')]);
    expect(grade).toMatchObject({ verdict: 'wrong_answer', score: 4, maxScore: 5, passed: 3 });
  });

  it('skips every test after the first failure with stopOnFirstFailure, even one that ran', () => {
    const tests = [test('', 'a'), test('', 'b'), test('', 'c'), test('', 'd')];
    const grade = gradeSubmission(job(tests, { stopOnFirstFailure: true }), [
      ran('a'),
      ran('', { status: 'runtime_error', exitCode: 1 }),
      ran('c'),
      undefined,
    ]);
    expect(grade.tests.map((t) => t.verdict)).toEqual(['accepted', 'runtime_error', 'skipped', 'skipped']);
    expect(grade).toMatchObject({ verdict: 'runtime_error', score: 1, maxScore: 4, passed: 1 });
    expect(grade.tests[2]).toMatchObject({ timeMs: 0, exitCode: null, stdin: '', expected: 'c' });
    expect(grade.tests[2]).not.toHaveProperty('stdout');
  });

  it('caps what a test result shows, on a code point boundary', () => {
    const grade = gradeSubmission(
      job([test('i'.repeat(50), 'x')]),
      [ran(`${'é'.repeat(30)}`, { stderr: 'e'.repeat(99) })],
      16,
    );
    expect(grade.tests[0]).toMatchObject({
      stdin: 'i'.repeat(16),
      stdout: 'é'.repeat(8),
      stderr: 'e'.repeat(16),
    });
    // The checker saw the whole output, not the shown part.
    expect(grade.tests[0]?.diff).toMatchObject({ line: 1, column: 1 });
  });
});

describe('capUtf8', () => {
  it('keeps a text that fits', () => {
    expect(capUtf8('héllo', 6)).toBe('héllo');
    expect(capUtf8('', 0)).toBe('');
  });

  it('never splits a code point', () => {
    expect(capUtf8('aé', 2)).toBe('a'); // é is 2 bytes
    expect(capUtf8('a😀b', 4)).toBe('a'); // the emoji is 4 bytes (a surrogate pair in UTF-16)
    expect(capUtf8('a😀b', 5)).toBe('a😀');
    expect(capUtf8('€€', 5)).toBe('€');
  });

  it('counts bytes, not characters', () => {
    const capped = capUtf8('€'.repeat(2000), 4096);
    expect(Buffer.byteLength(capped)).toBe(4095);
  });
});
