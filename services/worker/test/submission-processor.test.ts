import { Writable } from 'node:stream';
import type { Grade } from '@kiln/api';
import type { SubmissionJob } from '@kiln/grading';
import { type ExecutionJob, type ExecutionResult, emptyResult } from '@kiln/protocol';
import { type Job, UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ExecutorLostError, NoExecutorError } from '../src/errors.js';
import type { DispatchOptions } from '../src/executors/pool.js';
import { createSubmissionProcessor, type GradingPool } from '../src/grading/processor.js';

const config = { slotWaitMs: 1_000, runGraceMs: 1_000, gradingOutputKb: 4 };
const SECRET_CODE = 'print(int(input()) * 2)  # secret-code';

/**
 * A pool of `slots` slots on replicas A and B, `busy` of them taken by other work. Each run echoes twice its
 * stdin after a few milliseconds, unless `answer` says otherwise.
 */
function fakePool(
  slots: number,
  answer: (job: ExecutionJob) => Partial<ExecutionResult> | Error = () => ({}),
) {
  const calls: Array<{ id: string; prefer: string | undefined }> = [];
  let running = 0;
  let peak = 0;
  const pool: GradingPool & { busy: number } = {
    language: 'python',
    busy: 0,
    get free() {
      return Math.max(0, slots - pool.busy - running);
    },
    async dispatch(job: ExecutionJob, _waitMs: number, _deadlineMs: number, options: DispatchOptions = {}) {
      calls.push({ id: job.id, prefer: options.prefer });
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      const answered = answer(job);
      if (answered instanceof Error) throw answered;
      const stdout = `${Number(job.stdin) * 2}\n`;
      const result = { ...emptyResult(job.id, 'python', 'ok'), stdout, exitCode: 0, ...answered };
      return { result, address: options.prefer ?? (calls.length === 1 ? 'A' : 'B') };
    },
  };
  return { pool, calls, peak: () => peak };
}

function submission(count: number, more: Partial<SubmissionJob> = {}): SubmissionJob {
  return {
    id: 'sub-1',
    language: 'python',
    code: SECRET_CODE,
    tests: Array.from({ length: count }, (_, i) => ({ stdin: String(i), expected: `${i * 2}\n` })),
    checker: { type: 'lines' },
    limits: { timeMs: 1000, cpuTimeMs: 1000, memoryMb: 64, outputKb: 64 },
    stopOnFirstFailure: false,
    ...more,
  };
}

function fakeJob(
  data: SubmissionJob,
  more: { attemptsMade?: number; attempts?: number; parentKey?: string } = {},
) {
  const progress: unknown[] = [];
  const job = {
    id: data.batch ? `${data.batch.id}.${data.batch.itemId}` : data.id,
    data,
    attemptsMade: more.attemptsMade ?? 0,
    opts: { attempts: more.attempts ?? 3 },
    parentKey: more.parentKey,
    updateProgress: async (value: unknown) => {
      progress.push(value);
    },
  };
  return { job: job as unknown as Job<SubmissionJob, Grade>, progress };
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('submission processor', () => {
  it('runs the first test alone, then the rest on free slots only, preferring the first replica', async () => {
    const { pool, calls, peak } = fakePool(3);
    const { log, lines } = capture();
    const { job, progress } = fakeJob(submission(12));
    const grade = await createSubmissionProcessor(pool, config, log)(job);
    expect(grade).toMatchObject({ verdict: 'accepted', score: 12, passed: 12 });
    expect(calls.map((c) => c.id)).toEqual(Array.from({ length: 12 }, (_, i) => `sub-1:${i}`));
    expect(calls[0]?.prefer).toBeUndefined();
    expect(calls.slice(1).every((c) => c.prefer === 'A')).toBe(true);
    expect(peak()).toBe(3);
    expect(progress[0]).toEqual({ done: 0, total: 12 });
    expect(progress.at(-1)).toEqual({ done: 12, total: 12 });
    const logged = lines.join('');
    expect(logged).toContain('"compiled":false');
    expect(logged).not.toMatch(/secret-code|"stdout"|\\n/);
  });

  it('keeps a single run in flight while other work holds every slot', async () => {
    const { pool, calls, peak } = fakePool(4);
    pool.busy = 4;
    const { job } = fakeJob(submission(5));
    const grade = await createSubmissionProcessor(pool, config, pino({ level: 'silent' }))(job);
    expect(grade.passed).toBe(5);
    expect(calls).toHaveLength(5);
    expect(peak()).toBe(1);
  });

  it('runs nothing more after a compile error', async () => {
    const { pool, calls } = fakePool(4, () => ({
      status: 'compile_error',
      compile: { status: 'compile_error', output: 'error', timeMs: 10, cached: false },
    }));
    const { job, progress } = fakeJob(submission(5, { language: 'python' }));
    const grade = await createSubmissionProcessor(pool, config, pino({ level: 'silent' }))(job);
    expect(calls).toHaveLength(1);
    expect(grade.verdict).toBe('compile_error');
    expect(grade.tests.every((t) => t.verdict === 'compile_error')).toBe(true);
    expect(progress.at(-1)).toEqual({ done: 5, total: 5 });
  });

  it('stops starting tests after the first failure with stopOnFirstFailure', async () => {
    const { pool, calls } = fakePool(1, (job) => (job.id === 'sub-1:2' ? { stdout: 'wrong' } : {}));
    const { job } = fakeJob(submission(6, { stopOnFirstFailure: true }));
    const grade = await createSubmissionProcessor(pool, config, pino({ level: 'silent' }))(job);
    expect(calls).toHaveLength(3);
    expect(grade.tests.map((t) => t.verdict)).toEqual([
      'accepted',
      'accepted',
      'wrong_answer',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('throws an infrastructure fault so the job is retried, unless it is the last attempt', async () => {
    const lost = (job: ExecutionJob) => (job.id === 'sub-1:3' ? new ExecutorLostError('A', 'gone') : {});
    const first = fakeJob(submission(6));
    await expect(
      createSubmissionProcessor(fakePool(1, lost).pool, config, pino({ level: 'silent' }))(first.job),
    ).rejects.toBeInstanceOf(ExecutorLostError);

    const last = fakeJob(submission(6), { attemptsMade: 2, attempts: 3 });
    const { pool, calls } = fakePool(1, lost);
    const grade = await createSubmissionProcessor(pool, config, pino({ level: 'silent' }))(last.job);
    expect(calls).toHaveLength(4);
    expect(grade.verdict).toBe('internal_error');
    expect(grade.tests.map((t) => t.verdict)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'internal_error',
      'internal_error',
      'internal_error',
    ]);
    expect(last.progress.at(-1)).toEqual({ done: 6, total: 6 });
  });

  it('grades every test internal_error when no executor ever takes the first run, on the last attempt', async () => {
    const { pool } = fakePool(0, () => new NoExecutorError('python', 1000));
    const { job } = fakeJob(submission(3), { attemptsMade: 0, attempts: 1 });
    const grade = await createSubmissionProcessor(pool, config, pino({ level: 'silent' }))(job);
    expect(grade).toMatchObject({ verdict: 'internal_error', passed: 0, maxScore: 3 });
  });

  it('refuses a job whose data is not a submission of its language, but completes a batch item', async () => {
    const processor = createSubmissionProcessor(fakePool(1).pool, config, pino({ level: 'silent' }));
    const wrong = fakeJob({ ...submission(1), language: 'cpp' });
    await expect(processor(wrong.job)).rejects.toBeInstanceOf(UnrecoverableError);
    const item = fakeJob({ ...submission(1), language: 'cpp' }, { parentKey: 'kiln:batches:b1' });
    await expect(processor(item.job)).resolves.toMatchObject({ verdict: 'internal_error', tests: [] });
  });

  it('accepts a batch item whatever its job id', async () => {
    const { pool, calls } = fakePool(2);
    const data = submission(1, { id: 'sub-9', batch: { id: 'b1', itemId: 'alice' } });
    const { job } = fakeJob(data, { parentKey: 'kiln:batches:b1' });
    const grade = await createSubmissionProcessor(pool, config, pino({ level: 'silent' }))(job);
    expect(grade.verdict).toBe('accepted');
    expect(calls[0]?.id).toBe('sub-9:0');
  });
});
