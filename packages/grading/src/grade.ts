import type { Checker, DiffHint, Grade, TestCase, TestResult, Verdict } from '@kiln/api';
import type { ExecutionResult } from '@kiln/protocol';
import { check } from './check.js';
import type { SubmissionJob } from './jobs.js';

/** Cap on each text shown in a test result: a grade of 100 tests must stay a small Redis value. */
export const DEFAULT_SHOWN_BYTES = 4 * 1024;

type TestVerdict = TestResult['verdict'];
type Judged = { verdict: TestVerdict; diff?: DiffHint };

/** How one run of one test ended: the checker decides only for a run that ended `ok`. */
export function judge(checker: Checker, test: TestCase, result: ExecutionResult): Judged {
  if (result.status !== 'ok') return { verdict: result.status };
  const outcome = check(checker, test.expected, result.stdout);
  return outcome.accepted ? { verdict: 'accepted' } : { verdict: 'wrong_answer', diff: outcome.hint };
}

/**
 * Build a submission's grade from the results of its tests, in test order; `undefined` is a test that never
 * ran. Pure: the same results always give the same grade, whatever order the runs finished in.
 *
 * - The first test's run compiles the program: when that fails, every test is `compile_error` and the
 *   diagnostics appear once, in `grade.compile`.
 * - With stopOnFirstFailure, every test after the first non-accepted one (in order) is `skipped`, even one
 *   that happened to run in parallel, so the grade does not depend on scheduling.
 * - A test that should have run but did not (Kiln could not run it) is `internal_error`.
 */
export function gradeSubmission(
  job: Pick<SubmissionJob, 'tests' | 'checker' | 'stopOnFirstFailure'>,
  results: ReadonlyArray<ExecutionResult | undefined>,
  shownBytes = DEFAULT_SHOWN_BYTES,
): Grade {
  const first = results[0];
  const compileFailed = first?.status === 'compile_error';
  let failed = false;
  const tests = job.tests.map((test, index) => {
    const result = results[index];
    let judged: Judged;
    if (compileFailed) judged = { verdict: 'compile_error' };
    else if (failed && job.stopOnFirstFailure) judged = { verdict: 'skipped' };
    else if (!result) judged = { verdict: 'internal_error' };
    else judged = judge(job.checker, test, result);
    if (judged.verdict !== 'accepted') failed = true;
    const shown = compileFailed || judged.verdict === 'skipped' ? undefined : result;
    return testResult(test, index, judged, shown, shownBytes);
  });
  const accepted = tests.filter((test) => test.verdict === 'accepted');
  return {
    verdict: compileFailed ? 'compile_error' : overall(tests),
    score: sum(accepted.map((test) => test.weight)),
    maxScore: sum(tests.map((test) => test.weight)),
    passed: accepted.length,
    ...(first?.compile ? { compile: first.compile } : {}),
    tests,
  };
}

/**
 * `internal_error` anywhere means the submission was not fully judged, which matters more than any verdict
 * the program earned; otherwise the first test that was not accepted speaks for the submission.
 */
function overall(tests: readonly TestResult[]): Verdict {
  if (tests.some((test) => test.verdict === 'internal_error')) return 'internal_error';
  for (const test of tests) {
    if (test.verdict !== 'accepted' && test.verdict !== 'skipped') return test.verdict;
  }
  return 'accepted';
}

/** Hidden tests keep their verdict and measurements only: nothing that would reveal the test's data. */
function testResult(
  test: TestCase,
  index: number,
  judged: Judged,
  result: ExecutionResult | undefined,
  shownBytes: number,
): TestResult {
  const hidden = test.hidden ?? false;
  const base: TestResult = {
    name: test.name ?? `test-${index + 1}`,
    verdict: judged.verdict,
    hidden,
    weight: test.weight ?? 1,
    timeMs: result?.timeMs ?? 0,
    cpuTimeMs: result?.cpuTimeMs ?? 0,
    memoryKb: result?.memoryKb ?? 0,
    exitCode: result?.exitCode ?? null,
  };
  if (hidden) return base;
  const cap = (text: string) => capUtf8(text, shownBytes);
  return {
    ...base,
    stdin: cap(test.stdin),
    expected: cap(test.expected),
    ...(result ? { stdout: cap(result.stdout), stderr: cap(result.stderr) } : {}),
    ...(judged.diff ? { diff: judged.diff } : {}),
  };
}

/** At most `maxBytes` of UTF-8, cut before a code point that would not fit whole. */
export function capUtf8(text: string, maxBytes: number): string {
  // A UTF-16 unit never takes more than 3 bytes in UTF-8: short texts need no encoding to know they fit.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back over continuation bytes (10xxxxxx) to the start of the code point that would be split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
