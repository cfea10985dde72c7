import { QUEUE_PREFIX } from '@kiln/protocol';
import { startRedis, type TestRedis } from '@kiln/testing';
import { type Job, Queue, QueueEvents, type Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type EnqueueOptions,
  enqueueWebhook,
  startWebhookWorker,
  WEBHOOK_QUEUE,
  type WebhookDelivered,
  type WebhookJob,
  type WebhookRequest,
  type WebhookWorkerOptions,
} from '../src/index.js';
import { type Answer, finishedExecution, memoryLogger, type Receiver, startReceiver } from './support.js';

export const SECRET = 'whsec-test-0123456789abcdef';
export const OUTPUT = 'program output that must stay out of the logs';

export interface WebhookFixture {
  readonly queue: Queue;
  readonly logs: ReturnType<typeof memoryLogger>;
  /** A receiver answering as told, and the real webhook worker delivering to it. */
  deliverTo(answer: Answer, options?: Partial<WebhookWorkerOptions>): Promise<Receiver>;
  /** enqueueWebhook with fast retries (20 ms backoff); a finished execution as the payload by default. */
  enqueue(url: string, request?: Partial<WebhookRequest>, options?: EnqueueOptions): Promise<Job<WebhookJob>>;
  /** Resolves with the return value of a completed job, rejects with the reason of a failed one. */
  finished(job: Job<WebhookJob>): Promise<WebhookDelivered>;
}

/**
 * A throwaway Redis for the test file, with the webhook queue on it; the worker and receiver of each test
 * are closed and Redis is emptied after it, so every test starts from an empty queue.
 */
export function useWebhookQueue(): WebhookFixture {
  let redis: TestRedis | undefined;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let worker: Worker<WebhookJob, WebhookDelivered> | undefined;
  let receiver: Receiver | undefined;
  const logs = memoryLogger();
  const started = () => {
    if (!redis || !queue || !events) throw new Error('the webhook fixture is used outside a test');
    return { redis, queue, events };
  };

  beforeAll(async () => {
    redis = await startRedis();
    const connection = { host: '127.0.0.1', port: redis.port };
    queue = new Queue(WEBHOOK_QUEUE, { connection, prefix: QUEUE_PREFIX });
    events = new QueueEvents(WEBHOOK_QUEUE, { connection, prefix: QUEUE_PREFIX });
    queue.on('error', () => {});
    events.on('error', () => {});
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  });
  afterEach(async () => {
    await worker?.close();
    await receiver?.close();
    worker = undefined;
    receiver = undefined;
    await started().queue.obliterate({ force: true });
  });
  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await redis?.stop();
  });

  return {
    get queue() {
      return started().queue;
    },
    logs,
    async deliverTo(answer, options = {}) {
      receiver = await startReceiver(answer);
      worker = startWebhookWorker({
        connection: { host: '127.0.0.1', port: started().redis.port, maxRetriesPerRequest: null },
        secret: SECRET,
        log: logs.log,
        timeoutMs: 2_000,
        allowPrivate: true,
        ...options,
      });
      await worker.waitUntilReady();
      return receiver;
    },
    async enqueue(url, request = {}, options = {}) {
      const { queue } = started();
      const full = {
        url,
        event: 'execution.finished',
        payload: finishedExecution(OUTPUT),
        ...request,
      } as const;
      const id = await enqueueWebhook(queue, full, { backoffMs: 20, ...options });
      const job = await queue.getJob(id);
      if (!job) throw new Error(`job ${id} was not queued`);
      return job;
    },
    finished(job) {
      return job.waitUntilFinished(started().events, 15_000);
    },
  };
}
