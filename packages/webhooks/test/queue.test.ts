import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, enqueueWebhook, WEBHOOK_QUEUE } from '../src/index.js';
import { useWebhookQueue } from './fixture.js';

const fixture = useWebhookQueue();
const hook = {
  url: 'https://hooks.example.test/kiln',
  event: 'submission.finished',
  payload: { id: 's1' },
} as const;

describe('enqueueWebhook', () => {
  it('queues the exact JSON body under the delivery id, with bounded retries and retention', async () => {
    const before = Date.now();
    const id = await enqueueWebhook(fixture.queue, { ...hook, deliveryId: 'submission-s1' });
    const job = await fixture.queue.getJob(id);

    expect(id).toBe('submission-s1');
    expect(job?.id).toBe('submission-s1');
    expect(job?.data).toEqual({
      deliveryId: 'submission-s1',
      url: hook.url,
      event: 'submission.finished',
      body: '{"id":"s1"}',
      createdAt: expect.any(Number),
    });
    expect(job?.data.createdAt).toBeGreaterThanOrEqual(before);
    expect(job?.opts.attempts).toBe(DEFAULT_ATTEMPTS);
    expect(job?.opts.backoff).toMatchObject({ type: 'exponential', delay: DEFAULT_BACKOFF_MS });
    expect(job?.opts.removeOnComplete).toMatchObject({ age: expect.any(Number), count: expect.any(Number) });
    expect(job?.opts.removeOnFail).toMatchObject({ age: expect.any(Number), count: expect.any(Number) });
  });

  it('gives every delivery its own id when none is given', async () => {
    const first = await enqueueWebhook(fixture.queue, hook);
    const second = await enqueueWebhook(fixture.queue, hook);

    expect(first).not.toBe(second);
    expect(await fixture.queue.getWaitingCount()).toBe(2);
  });

  it('keeps one job when the same delivery id is enqueued twice', async () => {
    await enqueueWebhook(fixture.queue, { ...hook, deliveryId: 'batch-b1', payload: { first: true } });
    await enqueueWebhook(fixture.queue, { ...hook, deliveryId: 'batch-b1', payload: { first: false } });

    expect(await fixture.queue.getWaitingCount()).toBe(1);
    expect((await fixture.queue.getJob('batch-b1'))?.data.body).toBe('{"first":true}');
  });

  it.each(['a:b', '12345', 'line\nbreak', '', 'x'.repeat(201)])(
    'refuses the delivery id %j',
    async (deliveryId) => {
      await expect(enqueueWebhook(fixture.queue, { ...hook, deliveryId })).rejects.toThrow(TypeError);
      expect(await fixture.queue.getWaitingCount()).toBe(0);
    },
  );

  it('refuses a payload that is not a JSON value', async () => {
    await expect(enqueueWebhook(fixture.queue, { ...hook, payload: undefined })).rejects.toThrow(
      'must be a JSON value',
    );
  });

  it('refuses an unknown event', async () => {
    const request = { ...hook, event: 'execution.started' as 'execution.finished' };
    await expect(enqueueWebhook(fixture.queue, request)).rejects.toThrow('invalid webhook at /event');
  });

  it.each([
    ['another queue name', 'executions-python', 'kiln'],
    ['another prefix', WEBHOOK_QUEUE, 'bull'],
  ])('refuses %s, which no webhook worker consumes', async (_, name, prefix) => {
    const other = new Queue(name, { connection: fixture.queue.opts.connection, prefix });
    try {
      await expect(enqueueWebhook(other, hook)).rejects.toThrow('webhooks go to kiln:webhooks');
    } finally {
      await other.close();
    }
  });
});
