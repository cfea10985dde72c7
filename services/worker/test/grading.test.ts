import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Grade, TestCase } from '@kiln/api';
import {
  BATCH_JOB_NAME,
  BATCH_QUEUE,
  type BatchJob,
  createBatchCounts,
  readBatchCounts,
  SUBMISSION_JOB_NAME,
  type SubmissionJob,
  submissionQueueName,
} from '@kiln/grading';
import { QUEUE_PREFIX } from '@kiln/protocol';
import { freePort, startRedis } from '@kiln/testing';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../../executors/agent/test/support/agent.js';
import type { BatchSummary } from '../src/grading/batch.js';
import { startWorker } from '../src/main.js';

// Small limits: the looping test must reach its CPU limit quickly, even on a loaded machine.
const limits = { timeMs: 4_000, cpuTimeMs: 1_000, memoryMb: 128, outputKb: 64 };
const DOUBLER = 'line = input()\nif line == "loop":\n    while True:\n        pass\nprint(int(line) * 2)\n';

function submission(id: string, code: string, tests: TestCase[]): SubmissionJob {
  return {
    id,
    language: 'python',
    code,
    tests,
    checker: { type: 'lines' },
    limits,
    stopOnFirstFailure: false,
  };
}

describe('grading with a real Redis and a real python agent', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let agent: TestAgent;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let queue: Queue<SubmissionJob, Grade>;
  let events: QueueEvents;
  let batchEvents: QueueEvents;
  let flows: FlowProducer;

  beforeAll(async () => {
    redis = await startRedis();
    const agentPort = await freePort();
    // Its own slot uids: an agent kills every process of its slots' uids, so another agent on this host with
    // the usual test uids (another test run) would kill these programs.
    agent = await startTestAgent(
      'python',
      { KILN_PORT: String(agentPort), KILN_UID_BASE: '77000', LOG_LEVEL: 'error' },
      `grading-test-${randomUUID()}`,
    );
    const tokenFile = join(agent.root, 'worker-token');
    writeFileSync(tokenFile, agent.token, { mode: 0o400 });
    worker = await startWorker({
      KILN_REDIS_URL: redis.url,
      KILN_EXECUTOR_TOKEN_FILE: tokenFile,
      KILN_EXECUTOR_PYTHON: `127.0.0.1:${agentPort}`,
      KILN_EXECUTOR_JAVASCRIPT: '127.0.0.1:1',
      KILN_EXECUTOR_CPP: '127.0.0.1:1',
      KILN_RESOLVE_INTERVAL_MS: '200',
      KILN_HEALTH_PORT: '0',
      LOG_LEVEL: process.env.DEBUG_LOG ?? 'error',
    });
    const connection = { url: redis.url };
    queue = new Queue(submissionQueueName('python'), { connection, prefix: QUEUE_PREFIX });
    events = new QueueEvents(submissionQueueName('python'), { connection, prefix: QUEUE_PREFIX });
    batchEvents = new QueueEvents(BATCH_QUEUE, { connection, prefix: QUEUE_PREFIX });
    flows = new FlowProducer({ connection, prefix: QUEUE_PREFIX });
    await Promise.all([events.waitUntilReady(), batchEvents.waitUntilReady()]);
  });

  afterAll(async () => {
    await flows?.close();
    await batchEvents?.close();
    await events?.close();
    await queue?.close();
    await worker?.stop();
    await agent?.stop(0);
    await redis?.stop();
  });

  it('grades a submission: accepted, wrong answer and time limit, with progress to the end', async () => {
    const id = randomUUID();
    const tests = [
      { stdin: '2', expected: '4\n' },
      { stdin: '3', expected: '7\n', name: 'off by one' },
      { stdin: 'loop', expected: '', hidden: true, weight: 2 },
    ];
    const job = await queue.add(SUBMISSION_JOB_NAME, submission(id, DOUBLER, tests), {
      jobId: id,
      attempts: 3,
      backoff: { type: 'fixed', delay: 200 },
    });
    const grade = (await job.waitUntilFinished(events, 30_000)) as Grade;
    expect(grade).toMatchObject({ verdict: 'wrong_answer', score: 1, maxScore: 4, passed: 1 });
    expect(grade.tests).toEqual([
      expect.objectContaining({ name: 'test-1', verdict: 'accepted', stdout: '4\n', exitCode: 0 }),
      expect.objectContaining({
        name: 'off by one',
        verdict: 'wrong_answer',
        stdout: '6\n',
        diff: { line: 1, column: 1, expected: '7', got: '6' },
      }),
      expect.objectContaining({ name: 'test-3', verdict: 'time_limit_exceeded', hidden: true }),
    ]);
    expect(grade.tests[2]).not.toHaveProperty('stdin');
    expect(grade.compile).toBeUndefined();
    const finished = await queue.getJob(id);
    expect(finished?.progress).toEqual({ done: 3, total: 3 });
    expect(finished?.attemptsMade).toBe(1);
  });

  // BullMQ refuses a custom job id with one colon, so the items here are `<batch id>.<item id>`.
  it('completes a batch parent once its submissions are graded (a broken one included), with the verdict counts', async () => {
    const batchId = randomUUID();
    const items: Array<[string, string]> = [
      ['alice', 'print(int(input()) * 2)'],
      ['bob', 'print(int(input()) + 1)'],
      ['carol', 'raise SystemExit(3)'],
      ['dave', ''], // its job is broken below: it must not hold the batch back
    ];
    const tree = await flows.add({
      name: BATCH_JOB_NAME,
      queueName: BATCH_QUEUE,
      data: {
        id: batchId,
        total: items.length,
        createdAt: Date.now(),
        items: items.map(([id]) => ({ id, language: 'python' as const })),
      } satisfies BatchJob,
      opts: { jobId: batchId },
      children: items.map(([itemId, code]) => ({
        name: SUBMISSION_JOB_NAME,
        queueName: submissionQueueName('python'),
        data: {
          ...submission(randomUUID(), code, [{ stdin: '2', expected: '4\n' }]),
          batch: { id: batchId, itemId },
          ...(itemId === 'dave' ? { limits: {} } : {}),
        },
        opts: { jobId: `${batchId}.${itemId}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } },
      })),
    });
    const summary = (await tree.job.waitUntilFinished(batchEvents, 30_000)) as BatchSummary;
    expect(summary).toEqual({
      total: 4,
      verdicts: { accepted: 1, wrong_answer: 1, runtime_error: 1, internal_error: 1 },
      finishedAt: expect.any(Number),
    });
    const children = await tree.job.getChildrenValues<Grade>();
    expect(Object.keys(children).sort()).toEqual(
      items.map(([itemId]) => `${QUEUE_PREFIX}:${submissionQueueName('python')}:${batchId}.${itemId}`),
    );
  });

  it("counts a batch's items where they move: every item finished once, by verdict, in one hash", async () => {
    const client = new Redis(redis.url);
    const batchId = randomUUID();
    const items: Array<[string, string]> = [
      ['ann', 'print(int(input()) * 2)'],
      ['ben', 'print(int(input()) + 1)'],
      ['cat', 'raise SystemExit(3)'],
      ['dan', ''], // broken below: counted internal_error
    ];
    const createdAt = Date.now();
    await createBatchCounts(client, { id: batchId, total: items.length, createdAt }, 600);
    const tree = await flows.add({
      name: BATCH_JOB_NAME,
      queueName: BATCH_QUEUE,
      data: {
        id: batchId,
        total: items.length,
        createdAt,
        items: items.map(([id]) => ({ id, language: 'python' as const })),
      } satisfies BatchJob,
      opts: { jobId: batchId },
      children: items.map(([itemId, code]) => ({
        name: SUBMISSION_JOB_NAME,
        queueName: submissionQueueName('python'),
        data: {
          ...submission(randomUUID(), code, [{ stdin: '2', expected: '4\n' }]),
          batch: { id: batchId, itemId },
          ...(itemId === 'dan' ? { limits: {} } : {}),
        },
        opts: { jobId: `${batchId}.${itemId}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } },
      })),
    });
    await tree.job.waitUntilFinished(batchEvents, 30_000);
    const batch = await readBatchCounts(client, batchId);
    client.disconnect();
    expect(batch).toMatchObject({
      id: batchId,
      state: 'finished',
      total: 4,
      states: { queued: 0, running: 0, finished: 4 },
      verdicts: { accepted: 1, wrong_answer: 1, runtime_error: 1, internal_error: 1 },
      createdAt,
    });
    expect(batch?.finishedAt).toBeGreaterThanOrEqual(createdAt);
  });
});
