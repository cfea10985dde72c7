import { type ExecutionJob, type Language, PRESENCE_KEY } from '@kiln/protocol';
import { type RedisFixture, type TestRedis, useRedis } from '@kiln/testing';
import type { Job, Worker } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import app, { appOptions } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { type FakeGradingOptions, fakeBatchWorker, fakeGradingWorker, fakeWorker } from './fake-workers.js';
import { listen } from './sse.js';

// packages/client's tests take these from here.
export { cannedResult } from './fake-workers.js';

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

export interface GatewayOptions {
  /** Settings over the test ones (the test Redis, KILN_HOST 127.0.0.1), for every gateway of the fixture. */
  env?: Record<string, string>;
  /**
   * When the fixture builds a gateway: once before the first test ('file', the default), afresh before
   * every test ('test'), or never ('none': the tests call start(), each with its own settings).
   */
  build?: 'file' | 'test' | 'none';
  /** Empty Redis before every test (before the gateway of 'test' is built). */
  flush?: boolean;
  /** Every gateway also listens on a loopback port (`port`), for what inject cannot send. */
  listen?: boolean;
}

export interface GatewayFixture {
  /** The gateway started last: the current test's, else the file's. Its settings are `app.config`. */
  readonly app: FastifyInstance;
  /** The loopback port of `app`, with `listen`. */
  readonly port: number;
  /** The fixture's own Redis: port, url, flush() and stop(). */
  readonly redis: RedisFixture;
  /** A plain client on it, for arranging state (presence) and checking queues; connected on first use. */
  readonly client: Redis;
  /**
   * Builds a gateway with `env` over the fixture's settings; it becomes `app`. Like the workers below, it is
   * closed after the test that started it, or after the last test when a beforeAll hook started it.
   */
  start(env?: Record<string, string>): Promise<FastifyInstance>;
  /** The fake workers of fake-workers.ts on the fixture's Redis; closed forced, as a gate may hold them. */
  fakeWorker(language: Language, handle: (job: Job<ExecutionJob>) => Promise<unknown>): Promise<Worker>;
  fakeGradingWorker(language: Language, options?: FakeGradingOptions): Promise<Worker>;
  fakeBatchWorker(): Promise<Worker>;
}

/** What one test, or the file's hooks, started: closed in the reverse order once it is over. */
interface Scope {
  app: FastifyInstance | undefined;
  closers: Array<() => Promise<unknown>>;
}

/**
 * A gateway against a throwaway Redis for the test file (or the describe block that calls it), with the
 * hooks that start and close both. Call it at module level before any hook of the file's own, which then
 * runs after the fixture's beforeAll and beforeEach, and before its afterEach and afterAll.
 */
export function useGateway(options: GatewayOptions = {}): GatewayFixture {
  const redis = useRedis({ beforeAll, beforeEach, afterAll }, { flush: options.flush ?? false });
  let client: Redis | undefined;
  const file: Scope = { app: undefined, closers: [] };
  const test: Scope = { app: undefined, closers: [] };
  let scope = file;
  const own = (worker: Worker) => {
    scope.closers.push(() => worker.close(true));
    return worker;
  };
  const end = async (ended: Scope) => {
    for (const close of ended.closers.splice(0).reverse()) await close();
    ended.app = undefined;
  };

  async function start(env: Record<string, string> = {}): Promise<FastifyInstance> {
    const gateway = await buildGateway(redis, { ...options.env, ...env });
    scope.closers.push(() => gateway.close());
    if (options.listen) await listen(gateway);
    scope.app = gateway;
    return gateway;
  }

  const build = options.build ?? 'file';
  beforeAll(async () => {
    if (build === 'file') await start();
  });
  beforeEach(async () => {
    scope = test;
    if (build === 'test') await start();
  });
  afterEach(async () => {
    scope = file;
    await end(test);
  });
  afterAll(async () => {
    await end(file);
    client?.disconnect();
  });

  const current = () => {
    const gateway = test.app ?? file.app;
    if (!gateway) throw new Error('no gateway yet: useGateway builds it in a hook, or a test calls start()');
    return gateway;
  };
  return {
    get app() {
      return current();
    },
    get port() {
      const address = current().server.address();
      if (address === null || typeof address === 'string')
        throw new Error('the gateway does not listen: useGateway({ listen: true })');
      return address.port;
    },
    redis,
    get client() {
      client ??= redisClient(redis);
      return client;
    },
    start,
    fakeWorker: async (language, handle) => own(await fakeWorker(redis, language, handle)),
    fakeGradingWorker: async (language, options) => own(await fakeGradingWorker(redis, language, options)),
    fakeBatchWorker: async () => own(await fakeBatchWorker(redis)),
  };
}

/** Stops `redis` under a running gateway, then waits (up to a second) for its connection to notice. */
export async function loseRedis(gateway: FastifyInstance, redis: TestRedis): Promise<void> {
  await redis.stop();
  for (let tries = 0; tries < 50 && gateway.redis.status === 'ready'; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A plain client on the test Redis, for arranging state (presence, flushes) and checking queues. */
export function redisClient(redis: TestRedis): Redis {
  return new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null });
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
