import {
  type ExecutionJob,
  type ExecutionResult,
  LANGUAGES,
  type Language,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import { Queue, QueueEvents } from 'bullmq';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { RedisConfig } from '../../config.js';
import { QueueUnavailableError } from '../../errors.js';

export type ExecutionQueue = Queue<ExecutionJob, ExecutionResult, string>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The producer connection: queue writes, job reads, presence and PING. */
    redis: Redis;
    queues: Readonly<Record<Language, ExecutionQueue>>;
    /** One completion-event listener per language queue, for synchronous waits. */
    queueEvents: Readonly<Record<Language, QueueEvents>>;
  }
}

/** Run a Redis call; a failure while the connection is down is the retryable 503, not a 500. */
export async function redisCall<T>(redis: Redis, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (redis.status !== 'ready') throw new QueueUnavailableError();
    throw err;
  }
}

function byLanguage<T>(make: (language: Language) => T): Record<Language, T> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, make(language)])) as Record<Language, T>;
}

function logErrors(
  log: FastifyBaseLogger,
  what: string,
  emitter: { on(event: 'error', fn: (err: Error) => void): unknown },
) {
  // An unlistened 'error' event would crash the process on the first Redis hiccup; ioredis reconnects by itself.
  emitter.on('error', (err) => log.warn({ err, component: what }, 'redis connection error'));
}

async function queuesPlugin(fastify: FastifyInstance) {
  const redisConfig: RedisConfig = fastify.config.redis;
  const log = fastify.log;

  // The producer fails fast while Redis is away (no offline queue): a request gets a 503 at once instead of
  // hanging until its socket times out, and nothing is queued that the caller believes was refused.
  const redis = new Redis({ ...redisConfig, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  logErrors(log, 'producer', redis);

  const queues = byLanguage((language) => {
    const queue: ExecutionQueue = new Queue(queueName(language), { connection: redis, prefix: QUEUE_PREFIX });
    logErrors(log, `queue:${language}`, queue);
    return queue;
  });
  // QueueEvents block on XREAD, so each gets its own connection (BullMQ makes it from these options).
  const queueEvents = byLanguage((language) => {
    const events = new QueueEvents(queueName(language), {
      connection: { ...redisConfig },
      prefix: QUEUE_PREFIX,
    });
    logErrors(log, `queue-events:${language}`, events);
    return events;
  });

  fastify.decorate('redis', redis);
  fastify.decorate('queues', Object.freeze(queues));
  fastify.decorate('queueEvents', Object.freeze(queueEvents));

  fastify.addHook('onClose', async () => {
    await Promise.allSettled(Object.values(queueEvents).map((events) => events.close()));
    await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    await redis.quit().catch(() => redis.disconnect());
  });

  // Boot only once Redis answers and the event listeners are subscribed: a gateway that cannot queue
  // must not pass as started (the plugin timeout turns a Redis that never comes into a failed start).
  await Promise.all([
    ...Object.values(queues).map((queue) => queue.waitUntilReady()),
    ...Object.values(queueEvents).map((events) => events.waitUntilReady()),
  ]);
  log.info({ host: redisConfig.host, port: redisConfig.port, db: redisConfig.db }, 'queues ready');
}

export default fp(queuesPlugin, { name: 'queues', decorators: { fastify: ['config'] } });
