import type { Grade } from '@kiln/api';
import { BATCH_QUEUE, type BatchJob, type SubmissionJob, submissionQueueName } from '@kiln/grading';
import {
  type ExecutionJob,
  type ExecutionResult,
  type Language,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { byLanguage, JobLane } from './lane.js';
import { ChannelWatcher } from './watch.js';

export { createOnce } from './idempotency.js';
export { byLanguage, type Found, JobLane, type JobView } from './lane.js';
export { redisCall } from './redis.js';
export { type ApiState, apiState } from './state.js';
export { ChannelWatcher } from './watch.js';

export type ExecutionLane = JobLane<ExecutionJob, ExecutionResult>;
export type SubmissionLane = JobLane<SubmissionJob, Grade>;
export type BatchQueue = Queue<BatchJob, unknown, string>;

/** Every queue the gateway writes to and listens on, over one producer connection. */
export interface Jobs {
  /** The producer connection: queue writes, job reads, presence, rate limits and PING. */
  redis: Redis;
  executions: ExecutionLane;
  submissions: SubmissionLane;
  /** Batches: flow parents, one per batch, whose children are submissions. */
  batches: BatchQueue;
  flows: FlowProducer;
  /** Change notifications (a batch's counts moved), over one subscriber connection opened when needed. */
  watcher: ChannelWatcher;
  /** Resolves once Redis answers and every listener is subscribed. */
  ready(): Promise<void>;
  /** End every wait in progress: open requests answer with what they know. */
  abortWaits(): void;
  close(): Promise<void>;
}

interface Emitter {
  on(event: 'error', fn: (err: Error) => void): unknown;
}

/**
 * Open the gateway's queues. The producer fails fast while Redis is away (no offline queue): a request
 * gets a 503 at once instead of hanging until its socket times out, and nothing is queued that the caller
 * believes was refused. Event listeners block on XREAD, so each gets its own connection.
 */
export function openJobs(config: Config, log: FastifyBaseLogger): Jobs {
  // An unlistened 'error' event would crash the process on the first Redis hiccup; ioredis reconnects.
  const logErrors = <T extends Emitter>(component: string, emitter: T): T => {
    emitter.on('error', (err) => log.warn({ err, component }, 'redis connection error'));
    return emitter;
  };
  const redis = logErrors(
    'producer',
    new Redis({ ...config.redis, enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
  );
  const lane = <Data extends { id: string; language: Language }, Result>(
    kind: string,
    name: (language: Language) => string,
  ) =>
    new JobLane<Data, Result>(
      redis,
      byLanguage((language) =>
        logErrors(
          `${kind}:${language}`,
          new Queue<Data, Result, string>(name(language), { connection: redis, prefix: QUEUE_PREFIX }),
        ),
      ),
      byLanguage((language) =>
        logErrors(
          `${kind}-events:${language}`,
          new QueueEvents(name(language), { connection: { ...config.redis }, prefix: QUEUE_PREFIX }),
        ),
      ),
      {
        attempts: config.jobAttempts,
        backoffMs: config.jobBackoffMs,
        ttlSeconds: config.resultTtlSeconds,
        maxCount: config.resultMaxCount,
      },
    );
  const executions = lane<ExecutionJob, ExecutionResult>('executions', queueName);
  const submissions = lane<SubmissionJob, Grade>('submissions', submissionQueueName);
  const batches: BatchQueue = logErrors(
    'batches',
    new Queue(BATCH_QUEUE, { connection: redis, prefix: QUEUE_PREFIX }),
  );
  const flows = logErrors('flows', new FlowProducer({ connection: redis, prefix: QUEUE_PREFIX }));
  const parts = [...executions.parts, ...submissions.parts, batches];
  const watcher = new ChannelWatcher(() => logErrors('subscriber', new Redis({ ...config.redis })));
  return {
    redis,
    executions,
    submissions,
    batches,
    flows,
    watcher,
    async ready() {
      await Promise.all(parts.map((part) => part.waitUntilReady()));
    },
    abortWaits() {
      executions.abortWaits();
      submissions.abortWaits();
    },
    async close() {
      // Listeners first (they hold their own connections), then the queues, then the producer.
      await Promise.allSettled(
        parts.filter((part) => part instanceof QueueEvents).map((part) => part.close()),
      );
      await Promise.allSettled(
        [...parts.filter((part) => !(part instanceof QueueEvents)), flows].map((part) => part.close()),
      );
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
