import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { loseRedis, useGateway } from './support/gateway.js';
import { bearer, makeKey } from './support/keys.js';

/** Per-key rate limits, counted in Redis: the N+1th request of a minute is refused, each key on its own. */
const kiln = useGateway({ build: 'none' });

/** A fresh name per test: the counts live in the one Redis of this file for a minute. */
const fresh = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

const languages = (gateway: FastifyInstance, headers: Record<string, string> = {}, remoteAddress?: string) =>
  gateway.inject({
    method: 'GET',
    url: '/api/v1/languages',
    headers,
    ...(remoteAddress ? { remoteAddress } : {}),
  });

function expectCounted(res: LightMyRequestResponse, limit: number, remaining: number) {
  expect(res.statusCode).toBe(200);
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe(String(remaining));
  const reset = Number(res.headers['ratelimit-reset']);
  expect(reset).toBeGreaterThan(0);
  expect(reset).toBeLessThanOrEqual(60);
}

function expectLimited(res: LightMyRequestResponse, limit: number) {
  expect(res.statusCode).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toBe(String(retryAfter));
  expect(res.json()).toEqual({
    error: {
      code: 'RATE_LIMITED',
      message: `Rate limit of ${limit} requests per minute reached; retry in ${retryAfter} s`,
    },
  });
}

describe('with API keys', () => {
  it("refuses the request past a key's own limit, with RateLimit-* and Retry-After", async () => {
    const key = makeKey(fresh('own'), 'run', 3);
    const gateway = await kiln.start({ KILN_API_KEYS: key.entry });
    for (const remaining of [2, 1, 0]) expectCounted(await languages(gateway, bearer(key)), 3, remaining);
    expectLimited(await languages(gateway, bearer(key)), 3);
    // Every API route draws on the same count of the key, not one count per route.
    const read = await gateway.inject({
      method: 'GET',
      url: `/api/v1/executions/${randomUUID()}`,
      headers: bearer(key),
    });
    expectLimited(read, 3);
  });

  it('gives every key its own count, at KILN_RATE_LIMIT_PER_MINUTE when it has no limit of its own', async () => {
    const own = makeKey(fresh('own'), 'run', 1);
    const shared = makeKey(fresh('default'), 'run+grade');
    const gateway = await kiln.start({
      KILN_API_KEYS: `${own.entry} ${shared.entry}`,
      KILN_RATE_LIMIT_PER_MINUTE: '2',
    });
    expectCounted(await languages(gateway, bearer(own)), 1, 0);
    expectLimited(await languages(gateway, bearer(own)), 1);
    expectCounted(await languages(gateway, bearer(shared)), 2, 1);
    expectCounted(await languages(gateway, bearer(shared)), 2, 0);
    expectLimited(await languages(gateway, bearer(shared)), 2);
  });

  it('counts in Redis, so gateway replicas share one count per key', async () => {
    const key = makeKey(fresh('replicated'), 'run', 2);
    const [first, second] = [
      await kiln.start({ KILN_API_KEYS: key.entry }),
      await kiln.start({ KILN_API_KEYS: key.entry }),
    ];
    expectCounted(await languages(first, bearer(key)), 2, 1);
    expectCounted(await languages(second, bearer(key)), 2, 0);
    expectLimited(await languages(first, bearer(key)), 2);
  });

  it('counts neither refused keys nor the probes', async () => {
    const key = makeKey(fresh('probe'), 'run', 1);
    const gateway = await kiln.start({ KILN_API_KEYS: key.entry });
    for (let i = 0; i < 3; i++) {
      expect((await languages(gateway, { 'x-api-key': 'wrong' })).statusCode).toBe(401);
      const health = await gateway.inject({ method: 'GET', url: '/health', headers: bearer(key) });
      expect(health.statusCode).toBe(200);
      expect(health.headers['ratelimit-limit']).toBeUndefined();
    }
    expectCounted(await languages(gateway, bearer(key)), 1, 0);
    expectLimited(await languages(gateway, bearer(key)), 1);
  });
});

describe('without API keys', () => {
  it('counts per client address', async () => {
    const gateway = await kiln.start({ KILN_RATE_LIMIT_PER_MINUTE: '2' });
    const [a, b] = ['10.1.0.1', '10.1.0.2'];
    expectCounted(await languages(gateway, {}, a), 2, 1);
    expectCounted(await languages(gateway, {}, a), 2, 0);
    expectLimited(await languages(gateway, {}, a), 2);
    expectCounted(await languages(gateway, {}, b), 2, 1);
  });

  it('does not limit at all with KILN_RATE_LIMIT_PER_MINUTE=0', async () => {
    const gateway = await kiln.start({ KILN_RATE_LIMIT_PER_MINUTE: '0' });
    for (let i = 0; i < 5; i++) {
      const res = await languages(gateway, {}, '10.2.0.1');
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('with Redis gone', () => {
  const key = makeKey('runner', 'run', 1);
  const gone = useGateway({ env: { KILN_API_KEYS: key.entry } });
  beforeAll(() => loseRedis(gone.app, gone.redis));

  it('still checks keys (they are in memory), and the limit lets requests through to the 503', async () => {
    expect((await languages(gone.app)).statusCode).toBe(401);
    expect((await languages(gone.app, bearer(makeKey('runner', 'run')))).statusCode).toBe(401);
    // Past the key's limit of 1: the count cannot be read, so the request is not refused for it.
    for (let i = 0; i < 3; i++) {
      const res = await languages(gone.app, bearer(key));
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error: { code: 'QUEUE_UNAVAILABLE', message: 'The execution queue is unavailable; retry shortly' },
      });
    }
  });
});
