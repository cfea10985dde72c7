import type { AddressInfo } from 'node:net';
import {
  type ExecutionJob,
  type ExecutionResult,
  type Language,
  PRESENCE_KEY,
  QUEUE_PREFIX,
  queueName,
} from '@kiln/protocol';
import type { TestRedis } from '@kiln/testing';
import { type Job, Worker } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
// @kiln/gateway exports no entry point but its server, so the app comes from its source, as its own tests do.
import app, { appOptions } from '../../../../services/gateway/src/app.js';
import { parseConfig } from '../../../../services/gateway/src/config.js';

export interface TestGateway {
  readonly app: FastifyInstance;
  readonly baseUrl: string;
}

/** The real gateway app, built as server.ts builds it (minus logging), listening on a loopback port. */
export async function startGateway(redis: TestRedis, env: Record<string, string> = {}): Promise<TestGateway> {
  const config = parseConfig({ KILN_REDIS_URL: redis.url, ...env });
  const gateway = Fastify({ ...appOptions(config), logger: false });
  await gateway.register(app, { config });
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const { port } = gateway.server.address() as AddressInfo;
  return { app: gateway, baseUrl: `http://127.0.0.1:${port}` };
}

/** A plain client on the test Redis, for arranging state (presence, flushes). */
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
  version = `${language} 1.0`,
): Promise<void> {
  const entry = { language, address, version, slots: 2, busy: 0, worker: 'worker-test', seenAt: Date.now() };
  await client.hset(PRESENCE_KEY, `${language}|${address}`, JSON.stringify(entry));
}
