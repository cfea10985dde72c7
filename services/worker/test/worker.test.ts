import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type ExecutionJob,
  type ExecutionResult,
  PRESENCE_KEY,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import { freePort, startRedis } from '@kiln/testing';
import { verifySignature } from '@kiln/webhooks';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../../executors/agent/test/support/agent.js';
import { startWorker } from '../src/main.js';

const WEBHOOK_SECRET = `webhook-secret-${randomUUID()}`;
const limits = { timeMs: 5_000, cpuTimeMs: 3_000, memoryMb: 128, outputKb: 64 };

describe('worker with a real Redis and a real python agent', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let agentPort: number;
  let agent: TestAgent;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let queue: Queue<ExecutionJob, ExecutionResult>;
  let events: QueueEvents;

  const token = `worker-test-${randomUUID()}`;
  const startAgent = () =>
    startTestAgent(
      'python',
      // Not the agent package's uids (71000): turbo runs that package's tests at the same time.
      { KILN_PORT: String(agentPort), KILN_UID_BASE: '78000', LOG_LEVEL: 'error' },
      token,
    );

  beforeAll(async () => {
    redis = await startRedis();
    agentPort = await freePort();
    agent = await startAgent();
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
      KILN_WEBHOOK_SECRET: WEBHOOK_SECRET,
      KILN_WEBHOOK_ALLOW_PRIVATE: 'true',
      KILN_WEBHOOK_BACKOFF_MS: '100',
      LOG_LEVEL: process.env.DEBUG_LOG ?? 'error',
    });
    const connection = { url: redis.url };
    queue = new Queue(queueName('python'), { connection, prefix: QUEUE_PREFIX });
    events = new QueueEvents(queueName('python'), { connection, prefix: QUEUE_PREFIX });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await worker?.stop();
    await agent?.stop(0);
    await redis?.stop();
  });

  const submit = async (code: string, stdin = '', callbackUrl?: string) => {
    const id = randomUUID();
    const job = await queue.add(
      'execute',
      { id, language: 'python', code, stdin, limits, ...(callbackUrl ? { callbackUrl } : {}) },
      {
        jobId: id,
        attempts: 3,
        backoff: { type: 'fixed', delay: 200 },
      },
    );
    return { id, job };
  };

  it('runs a job on the executor and returns its result as the job value', async () => {
    const { id, job } = await submit('print(input()[::-1])', 'kiln');
    const result = await job.waitUntilFinished(events, 20_000);
    expect(result).toMatchObject({ id, language: 'python', status: 'ok', stdout: 'nlik\n', exitCode: 0 });
  });

  it('POSTs the signed result to the callbackUrl once the execution is final', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        // The first delivery attempt fails: the webhook queue retries it.
        res.writeHead(received.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      const { id, job } = await submit('print(input())', 'hook', `http://127.0.0.1:${port}/kiln`);
      expect(await job.waitUntilFinished(events, 20_000)).toMatchObject({ status: 'ok', stdout: 'hook\n' });
      await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
      const [first, second] = received;
      expect(second!.headers['kiln-delivery']).toBe(first!.headers['kiln-delivery']);
      expect(second!.headers['kiln-event']).toBe('execution.finished');
      const valid = verifySignature({
        secret: WEBHOOK_SECRET,
        body: second!.body,
        timestamp: second!.headers['kiln-timestamp'] as string,
        signature: second!.headers['kiln-signature'] as string,
      });
      expect(valid).toBe(true);
      expect(JSON.parse(second!.body)).toMatchObject({
        id,
        state: 'finished',
        result: { id, status: 'ok', stdout: 'hook\n' },
      });
    } finally {
      receiver.close();
    }
  });

  it("completes a program's own failure as a normal result, without retrying", async () => {
    const { job } = await submit('raise SystemExit(4)');
    const result = await job.waitUntilFinished(events, 20_000);
    expect(result).toMatchObject({ status: 'runtime_error', exitCode: 4 });
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
  });

  it('publishes the live executor in the presence hash', async () => {
    const client = new Redis(redis.url);
    const fields = await client.hgetall(PRESENCE_KEY);
    client.disconnect();
    const python = Object.entries(fields).filter(([field]) => field.startsWith('python|'));
    expect(python).toHaveLength(1);
    expect(JSON.parse(python[0]![1])).toMatchObject({
      language: 'python',
      slots: 2,
      address: `127.0.0.1:${agentPort}`,
    });
  });

  it('retries a job whose executor vanished mid-run, and it ends with one correct result', async () => {
    const { id, job } = await submit('import time\ntime.sleep(1.5)\nprint("survived")');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await agent.stop(0); // the executor goes away with the run in flight
    agent = await startAgent(); // a replacement comes up at the same address
    const result = await job.waitUntilFinished(events, 30_000);
    expect(result).toMatchObject({ id, status: 'ok', stdout: 'survived\n' });
    const finished = await queue.getJob(id);
    expect(finished?.attemptsMade).toBeGreaterThanOrEqual(2);
  });
});
