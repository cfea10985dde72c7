import {
  type ExecutionJob,
  type ExecutionResult,
  type Language,
  PRESENCE_KEY,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import { startRedis, type TestRedis } from '@kiln/testing';
import { type Job, Worker } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import app, { appOptions } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';

/** Builds the gateway exactly as server.ts does (minus logging and listening) against the test Redis. */
export async function buildGateway(
  redis: TestRedis,
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const config = parseConfig({ KILN_REDIS_URL: redis.url, ...env });
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
  const worker = new Worker(queueName(language), handle, {
    connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
    prefix: QUEUE_PREFIX,
  });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return worker;
}

/** A canned result for a job: a successful run unless overridden. */
export function cannedResult(
  job: Job<ExecutionJob>,
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
