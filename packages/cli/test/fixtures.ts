import type { BatchResult, BatchResults, Grade, TestResult } from '@kiln/api';

/** Results shaped as the API gives them, for the formatting tests. */

export function testResult(name: string, fields: Partial<TestResult> = {}): TestResult {
  return {
    name,
    verdict: 'accepted',
    hidden: false,
    weight: 1,
    timeMs: 10,
    cpuTimeMs: 8,
    memoryKb: 2048,
    exitCode: 0,
    ...fields,
  };
}

export function judged(id: string, grade: Partial<Grade> & Pick<Grade, 'tests'>): BatchResult {
  const accepted = grade.tests.filter((test) => test.verdict === 'accepted');
  return {
    id,
    submissionId: `sub-${id}`,
    language: 'cpp',
    state: 'finished',
    grade: {
      verdict: accepted.length === grade.tests.length ? 'accepted' : 'wrong_answer',
      score: accepted.length,
      maxScore: grade.tests.length,
      passed: accepted.length,
      ...grade,
    },
  };
}

export function unjudged(id: string): BatchResult {
  return { id, submissionId: `sub-${id}`, language: 'python', state: 'queued' };
}

export const results: BatchResults = {
  id: 'b-1',
  state: 'finished',
  results: [
    judged('alice', { tests: [testResult('1', { timeMs: 12 }), testResult('2', { timeMs: 30 })] }),
    judged('bob', {
      tests: [
        testResult('1', { timeMs: 7 }),
        testResult('2', {
          verdict: 'wrong_answer',
          stdout: '41\n',
          diff: { line: 1, column: 2, expected: '42', got: '41' },
        }),
      ],
    }),
    judged('carol', {
      verdict: 'time_limit_exceeded',
      score: 0.5,
      maxScore: 2,
      tests: [
        testResult('1', { verdict: 'time_limit_exceeded', timeMs: 2000, exitCode: null }),
        testResult('2', { verdict: 'skipped', timeMs: 0 }),
      ],
    }),
    unjudged('dave'),
  ],
};
