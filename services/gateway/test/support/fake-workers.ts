import type { Grade, TestCase } from '@kiln/api';
import {
  BATCH_QUEUE,
  type BatchJob,
  gradeSubmission,
  recordItemState,
  type SubmissionJob,
  SubmissionJobSchema,
  submissionQueueName,
  unfinishedItems,
} from '@kiln/grading';
import {
  type ExecutionJob,
  type ExecutionResult,
  type Language,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import type { TestRedis } from '@kiln/testing';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import Compile from 'typebox/compile';

/** Test doubles of services/worker's processors, each consuming its queue on the test Redis. */

/**
 * A test double of services/worker: consumes a language's queue and returns whatever `handle` gives
 * (a canned ExecutionResult, normally) as the job's return value.
 */
export async function fakeWorker(
  redis: TestRedis,
  language: Language,
  handle: (job: Job<ExecutionJob>) => Promise<unknown>,
): Promise<Worker> {
  return startWorker(redis, queueName(language), handle);
}

async function startWorker<T>(
  redis: TestRedis,
  queue: string,
  handle: (job: Job<T>) => Promise<unknown>,
): Promise<Worker> {
  const worker = new Worker(queue, handle, {
    connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
    prefix: QUEUE_PREFIX,
  });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return worker;
}

/** A canned result for a job: a successful run unless overridden. */
export function cannedResult(
  job: { data: Pick<ExecutionJob, 'id' | 'language'> },
  overrides: Partial<ExecutionResult> = {},
): ExecutionResult {
  return {
    id: job.data.id,
    language: job.data.language,
    status: 'ok',
    exitCode: 0,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    timeMs: 12,
    cpuTimeMs: 10,
    memoryKb: 8192,
    ...overrides,
  };
}

/**
 * How a fake grading worker runs one test: the fields of its ExecutionResult that differ from a successful
 * canned run, or undefined for a test that never ran (Kiln's fault: internal_error).
 */
export type FakeRun = (
  test: TestCase,
  index: number,
  job: Job<SubmissionJob>,
) => Partial<ExecutionResult> | undefined;

export interface FakeGradingOptions {
  /** By default every run prints the expected output (accepted). */
  run?: FakeRun;
  /** Awaited when a job becomes active, before any test runs: a gate to hold the job in `running`. */
  started?: (job: Job<SubmissionJob>) => Promise<void>;
  /** A pause before each test "runs", so that progress events are spread out. */
  stepMs?: number;
}

const isSubmissionJob = Compile(SubmissionJobSchema);

/**
 * A test double of services/worker's submission processor on `submissions-<language>`: refuses job data the
 * real one would refuse, "runs" the tests one by one, reports progress ({ done, total }) after each, and
 * returns the grade the real, pure gradeSubmission gives the canned results.
 */
export async function fakeGradingWorker(
  redis: TestRedis,
  language: Language,
  options: FakeGradingOptions = {},
): Promise<Worker> {
  const run: FakeRun = options.run ?? ((test) => ({ stdout: test.expected }));
  // Like the real one, it records each batch item's moves where the batch's counts are kept.
  const moves = new Redis(redis.url);
  const worker = await startWorker<SubmissionJob>(
    redis,
    submissionQueueName(language),
    async (job): Promise<Grade> => {
      if (!isSubmissionJob.Check(job.data) || job.data.language !== language)
        throw new UnrecoverableError(`job ${job.id} does not hold a valid ${language} submission`);
      const batch = job.data.batch;
      const record = (state: 'running' | 'finished', verdict?: Grade['verdict']) =>
        batch
          ? recordItemState(moves, {
              batchId: batch.id,
              itemId: batch.itemId,
              state,
              ...(verdict ? { verdict } : {}),
            })
          : undefined;
      await record('running');
      await options.started?.(job);
      const { tests, id } = job.data;
      const results: Array<ExecutionResult | undefined> = [];
      for (const [index, test] of tests.entries()) {
        if (options.stepMs) await new Promise((resolve) => setTimeout(resolve, options.stepMs));
        const overrides = run(test, index, job);
        results.push(overrides && cannedResult({ data: { id: `${id}:${index}`, language } }, overrides));
        await job.updateProgress({ done: index + 1, total: tests.length });
      }
      const grade = gradeSubmission(job.data, results);
      await record('finished', grade.verdict);
      return grade;
    },
  );
  worker.on('closed', () => moves.disconnect());
  return worker;
}

/** What the fake `batches` worker returns for a batch's parent job, as services/worker's does. */
export interface FakeBatchSummary {
  total: number;
  verdicts: Record<string, number>;
}

/**
 * A test double of the `batches` processor: once every child is done, counts their verdicts, a child that
 * failed for good (an ignored failure) as internal_error, and records those items' end in the kept counts.
 */
export async function fakeBatchWorker(redis: TestRedis): Promise<Worker> {
  const moves = new Redis(redis.url);
  const worker = await startWorker<BatchJob>(redis, BATCH_QUEUE, async (job): Promise<FakeBatchSummary> => {
    const values = await job.getChildrenValues<Grade>();
    const grades = Object.values(values);
    const failed = Object.keys(await job.getIgnoredChildrenFailures()).length;
    for (const itemId of unfinishedItems(job.data, Object.keys(values)))
      await recordItemState(moves, {
        batchId: job.data.id,
        itemId,
        state: 'finished',
        verdict: 'internal_error',
      });
    const verdicts: Record<string, number> = {};
    for (const grade of grades) verdicts[grade.verdict] = (verdicts[grade.verdict] ?? 0) + 1;
    if (failed > 0) verdicts.internal_error = (verdicts.internal_error ?? 0) + failed;
    return { total: grades.length + failed, verdicts };
  });
  worker.on('closed', () => moves.disconnect());
  return worker;
}
