import {
  BATCH_QUEUE,
  type BatchJob,
  type Grade,
  gradeSubmission,
  type SubmissionJob,
  SubmissionJobSchema,
  submissionQueueName,
  type TestCase,
} from '@kiln/grading';
import {
  type ExecutionJob,
  type ExecutionResult,
  type Language,
  PRESENCE_KEY,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import { startRedis, type TestRedis } from '@kiln/testing';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import Compile from 'typebox/compile';
import { afterAll, beforeAll } from 'vitest';
import app, { appOptions } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';

/**
 * Builds the gateway exactly as server.ts does (minus logging and listening) against the test Redis. It is
 * never reachable from another machine (inject, or a loopback port), which an API without keys requires.
 */
export async function buildGateway(
  redis: TestRedis,
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const config = parseConfig({ KILN_REDIS_URL: redis.url, KILN_HOST: '127.0.0.1', ...env });
  const gateway = Fastify({ ...appOptions(config), logger: false });
  await gateway.register(app, { config });
  await gateway.ready();
  return gateway;
}

/**
 * A throwaway Redis and a plain client on it for the whole test file: started before the first test,
 * stopped after the last. `use` receives both (test files keep them in their own variables).
 */
export function withTestRedis(use: (redis: TestRedis, client: Redis) => void): void {
  let started: { redis: TestRedis; client: Redis } | undefined;
  beforeAll(async () => {
    const redis = await startRedis();
    started = { redis, client: redisClient(redis) };
    use(started.redis, started.client);
  });
  afterAll(async () => {
    started?.client.disconnect();
    await started?.redis.stop();
  });
}

/** A plain client on the test Redis, for arranging state (presence, flushes) and checking queues. */
export function redisClient(redis: TestRedis): Redis {
  return new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null });
}

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
  return startWorker<SubmissionJob>(redis, submissionQueueName(language), async (job): Promise<Grade> => {
    if (!isSubmissionJob.Check(job.data) || job.data.language !== language)
      throw new UnrecoverableError(`job ${job.id} does not hold a valid ${language} submission`);
    await options.started?.(job);
    const { tests, id } = job.data;
    const results: Array<ExecutionResult | undefined> = [];
    for (const [index, test] of tests.entries()) {
      if (options.stepMs) await new Promise((resolve) => setTimeout(resolve, options.stepMs));
      const overrides = run(test, index, job);
      results.push(overrides && cannedResult({ data: { id: `${id}:${index}`, language } }, overrides));
      await job.updateProgress({ done: index + 1, total: tests.length });
    }
    return gradeSubmission(job.data, results);
  });
}

/** What the fake `batches` worker returns for a batch's parent job, as services/worker's does. */
export interface FakeBatchSummary {
  total: number;
  verdicts: Record<string, number>;
}

/**
 * A test double of the `batches` processor: once every child is done, counts their verdicts, a child that
 * failed for good (an ignored failure) as internal_error.
 */
export async function fakeBatchWorker(redis: TestRedis): Promise<Worker> {
  return startWorker<BatchJob>(redis, BATCH_QUEUE, async (job): Promise<FakeBatchSummary> => {
    const grades = Object.values(await job.getChildrenValues<Grade>());
    const failed = Object.keys(await job.getIgnoredChildrenFailures()).length;
    const verdicts: Record<string, number> = {};
    for (const grade of grades) verdicts[grade.verdict] = (verdicts[grade.verdict] ?? 0) + 1;
    if (failed > 0) verdicts.internal_error = (verdicts.internal_error ?? 0) + failed;
    return { total: grades.length + failed, verdicts };
  });
}

/** A promise the test resolves by hand: `wait` for workers to hold on, `release` to let them go. */
export function gate(): { wait: () => Promise<void>; release: () => void } {
  let release = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { wait: () => opened, release };
}

/** Call `read` until `done` holds of its answer (or about 10 s pass); returns the last answer. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let tries = 0; tries < 200 && !done(value); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** Writes a presence entry as the workers do: one hash field per executor replica. */
export async function publishPresence(
  client: Redis,
  language: Language,
  address: string,
  fields: { version?: string; seenAt?: number; slots?: number; busy?: number } = {},
): Promise<void> {
  const entry = {
    language,
    address,
    version: fields.version ?? `${language} 1.0`,
    slots: fields.slots ?? 2,
    busy: fields.busy ?? 0,
    worker: 'worker-test',
    seenAt: fields.seenAt ?? Date.now(),
  };
  await client.hset(PRESENCE_KEY, `${language}|${address}`, JSON.stringify(entry));
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
