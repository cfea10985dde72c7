import { connect } from 'node:net';
import { startRedis, type TestRedis } from './redis.js';

/**
 * The hooks of the test runner, passed in by the caller (`{ beforeAll, beforeEach, afterAll }` from
 * vitest): this package depends on no runner, so any package's tests may use it.
 */
export interface TestHooks {
  beforeAll(fn: () => Promise<void>): void;
  beforeEach(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

export interface RedisFixtureOptions {
  /** Empty Redis before every test, so that no test sees what another left behind. */
  flush?: boolean;
}

/**
 * The throwaway Redis of a test file (or of the describe block that asked for it). Its port and url are
 * known once its beforeAll hook has run: read them in hooks and tests, never at module level.
 */
export interface RedisFixture extends TestRedis {
  /** FLUSHALL: every database emptied. */
  flush(): Promise<void>;
}

/**
 * Starts a redis-server before the first test and stops it after the last; with `flush`, empties it before
 * each test. Call it at module level (or in a describe block), before the hooks that use it: hooks run in
 * the order they were registered, and the ones after a test in the reverse order.
 */
export function useRedis(hooks: TestHooks, options: RedisFixtureOptions = {}): RedisFixture {
  let redis: TestRedis | undefined;
  const started = () => {
    if (!redis) throw new Error('the test Redis is used before its beforeAll hook has run');
    return redis;
  };
  hooks.beforeAll(async () => {
    redis = await startRedis();
  });
  if (options.flush) hooks.beforeEach(() => flushAll(started().port));
  hooks.afterAll(async () => {
    await redis?.stop();
  });
  return {
    get port() {
      return started().port;
    },
    get url() {
      return started().url;
    },
    flush: () => flushAll(started().port),
    stop: () => started().stop(),
  };
}

/** FLUSHALL in Redis's own protocol over a plain socket, so that this package needs no Redis client. */
function flushAll(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('connect', () => socket.write('*1\r\n$8\r\nFLUSHALL\r\n'));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (!reply.endsWith('\r\n')) return;
      socket.end();
      if (reply === '+OK\r\n') resolve();
      else reject(new Error(`redis-server answered FLUSHALL with ${reply.trim()}`));
    });
  });
}
