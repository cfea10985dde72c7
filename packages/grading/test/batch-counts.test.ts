import { startRedis, type TestRedis } from '@kiln/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchEventsChannel,
  createBatchCounts,
  dropBatchCounts,
  readBatchCounts,
  recordItemState,
} from '../src/batch-counts.js';

const TTL = 60;
let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const move = (
  batchId: string,
  itemId: string,
  state: 'queued' | 'running' | 'finished',
  verdict?: 'accepted',
) => recordItemState(redis, { batchId, itemId, state, ...(verdict ? { verdict } : {}) });

describe('batch counts on a real Redis', () => {
  it('starts with every item queued', async () => {
    await createBatchCounts(redis, { id: 'b1', total: 3, createdAt: 1000 }, TTL);
    expect(await readBatchCounts(redis, 'b1')).toEqual({
      id: 'b1',
      state: 'running',
      total: 3,
      states: { queued: 3, running: 0, finished: 0 },
      verdicts: {},
      createdAt: 1000,
    });
  });

  it('counts each move once, however often it is recorded (a retried job, a worker killed after it)', async () => {
    await createBatchCounts(redis, { id: 'b2', total: 2, createdAt: 1000 }, TTL);
    expect(await move('b2', 'a', 'running')).toBe(true);
    expect(await move('b2', 'a', 'running')).toBe(false);
    expect(await move('b2', 'a', 'finished', 'accepted')).toBe(true);
    expect(await move('b2', 'a', 'finished', 'accepted')).toBe(false);
    await recordItemState(redis, { batchId: 'b2', itemId: 'b', state: 'finished', verdict: 'wrong_answer' });
    const batch = await readBatchCounts(redis, 'b2');
    expect(batch).toMatchObject({
      state: 'finished',
      states: { queued: 0, running: 0, finished: 2 },
      verdicts: { accepted: 1, wrong_answer: 1 },
    });
    expect(batch?.finishedAt).toBeGreaterThan(1000);
  });

  it('takes a re-judged item back out of its verdict and the batch back to running', async () => {
    await createBatchCounts(redis, { id: 'b3', total: 1, createdAt: 1000 }, TTL);
    await recordItemState(redis, {
      batchId: 'b3',
      itemId: 'x',
      state: 'finished',
      verdict: 'internal_error',
    });
    expect(await readBatchCounts(redis, 'b3')).toMatchObject({
      state: 'finished',
      verdicts: { internal_error: 1 },
    });
    await move('b3', 'x', 'queued');
    const again = await readBatchCounts(redis, 'b3');
    expect(again).toMatchObject({
      state: 'running',
      states: { queued: 1, running: 0, finished: 0 },
      verdicts: {},
    });
    expect(again?.finishedAt).toBeUndefined();
    await move('b3', 'x', 'finished', 'accepted');
    expect(await readBatchCounts(redis, 'b3')).toMatchObject({
      state: 'finished',
      verdicts: { accepted: 1 },
    });
  });

  it('leaves a batch it has no counts for alone', async () => {
    expect(await move('nope', 'a', 'running')).toBe(false);
    expect(await readBatchCounts(redis, 'nope')).toBeUndefined();
    expect(await redis.exists('kiln:batch:{nope}:items')).toBe(0);
  });

  it('reads an empty batch as finished at once', async () => {
    await createBatchCounts(redis, { id: 'b4', total: 0, createdAt: 1234 }, TTL);
    expect(await readBatchCounts(redis, 'b4')).toMatchObject({
      state: 'finished',
      total: 0,
      finishedAt: 1234,
    });
  });

  it('publishes every change on the batch channel, and nothing when nothing changed', async () => {
    await createBatchCounts(redis, { id: 'b5', total: 2, createdAt: 1000 }, TTL);
    const subscriber = new Redis(server.url);
    const seen: string[] = [];
    subscriber.on('message', (channel: string) => seen.push(channel));
    await subscriber.subscribe(batchEventsChannel('b5'));
    await move('b5', 'a', 'running');
    await move('b5', 'a', 'running');
    await move('b5', 'a', 'finished', 'accepted');
    await redis.ping();
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscriber.disconnect();
    expect(seen).toEqual([batchEventsChannel('b5'), batchEventsChannel('b5')]);
  });

  it('keeps the counts for the TTL and forgets a dropped batch', async () => {
    await createBatchCounts(redis, { id: 'b6', total: 1, createdAt: 1000 }, TTL);
    await move('b6', 'a', 'running');
    expect(await redis.ttl('kiln:batch:{b6}:counts')).toBeGreaterThan(TTL - 5);
    expect(await redis.ttl('kiln:batch:{b6}:items')).toBeGreaterThan(TTL - 5);
    await dropBatchCounts(redis, 'b6');
    expect(await readBatchCounts(redis, 'b6')).toBeUndefined();
  });
});
