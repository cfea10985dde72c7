import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { standardWebhooksSecret, verifySignature } from '../src/index.js';
import { OUTPUT, SECRET, useWebhookQueue } from './fixture.js';
import { finishedExecution, startReceiver } from './support.js';

const fixture = useWebhookQueue();
const { logs, deliverTo, enqueue, finished } = fixture;

describe('delivery', () => {
  it('retries 500s with the same delivery id and delivers a verifiable body exactly once', async () => {
    const { url, requests } = await deliverTo((n) => (n < 2 ? 500 : 200));
    const job = await enqueue(url, { deliveryId: 'execution-exec-1' });

    expect(await finished(job)).toEqual({ status: 200, attempts: 3 });
    expect(requests.map((r) => r.status)).toEqual([500, 500, 200]);
    for (const request of requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['kiln-delivery']).toBe('execution-exec-1');
      expect(request.headers['idempotency-key']).toBe('execution-exec-1');
      expect(request.headers['kiln-event']).toBe('execution.finished');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toBe('Kiln-Webhooks/1');
    }
    const accepted = requests[2]!;
    expect(accepted.body).toBe(JSON.stringify(finishedExecution(OUTPUT)));
    expect(JSON.parse(accepted.body)).toEqual(finishedExecution(OUTPUT));
    const signed = {
      body: accepted.body,
      timestamp: accepted.headers['kiln-timestamp'] as string,
      signature: accepted.headers['kiln-signature'] as string,
    };
    expect(verifySignature({ secret: SECRET, ...signed })).toBe(true);
    expect(verifySignature({ secret: 'another secret', ...signed })).toBe(false);
    expect(Math.abs(Number(signed.timestamp) - Date.now() / 1000)).toBeLessThan(30);

    const logged = logs.text();
    expect(logged).toContain('"deliveryId":"execution-exec-1"');
    expect(logged).toContain(`"host":"${new URL(url).host}"`);
    expect(logged).toContain('"status":500');
    expect(logged).not.toContain(OUTPUT);
  });

  it('signs every attempt by the Standard Webhooks scheme too, as its official library verifies', async () => {
    const { url, requests } = await deliverTo((n) => (n < 1 ? 503 : 204));
    const job = await enqueue(url, { deliveryId: 'submission-s1', event: 'submission.finished' });

    expect(await finished(job)).toEqual({ status: 204, attempts: 2 });
    const receiver = new Webhook(standardWebhooksSecret(SECRET));
    const stranger = new Webhook(standardWebhooksSecret('another secret'));
    for (const request of requests) {
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      expect(headers['webhook-id']).toBe('submission-s1');
      expect(headers['webhook-timestamp']).toBe(request.headers['kiln-timestamp']);
      expect(receiver.verify(request.body, headers)).toEqual(finishedExecution(OUTPUT));
      expect(() => stranger.verify(request.body, headers)).toThrow(WebhookVerificationError);
    }
  });

  it('retries 408 and 429 like 5xx', async () => {
    const { url, requests } = await deliverTo((n) => [408, 429, 204][n] ?? 500);
    expect(await finished(await enqueue(url))).toEqual({ status: 204, attempts: 3 });
    expect(requests.map((r) => r.status)).toEqual([408, 429, 204]);
  });

  it.each([400, 410, 302])('fails at once, without a retry, on %i', async (status) => {
    const { url, requests } = await deliverTo(() => status);
    const job = await enqueue(url);

    await expect(finished(job)).rejects.toThrow(`answered ${status}`);
    expect(await job.getState()).toBe('failed');
    // Give a wrongly scheduled retry the time to show up: backoff is 20 ms.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests).toHaveLength(1);
  });

  it('retries an attempt that got no answer in time', async () => {
    const { url, requests } = await deliverTo((n) => (n === 0 ? 'hang' : 200), { timeoutMs: 1_000 });
    const job = await enqueue(url);

    expect(await finished(job)).toEqual({ status: 200, attempts: 2 });
    expect(requests.map((r) => r.status)).toEqual([undefined, 200]);
    expect(requests[0]!.headers['kiln-delivery']).toBe(requests[1]!.headers['kiln-delivery']);
  });

  it('retries a refused connection', async () => {
    const closed = await startReceiver(() => 200);
    await closed.close();
    const { requests } = await deliverTo(() => 200);
    const job = await enqueue(closed.url, {}, { attempts: 2 });

    await expect(finished(job)).rejects.toThrow(/POST 127\.0\.0\.1:\d+ failed/);
    expect((await fixture.queue.getJob(job.id!))?.attemptsMade).toBe(2);
    expect(requests).toHaveLength(0);
  });

  it('gives up after the last attempt', async () => {
    const { url, requests } = await deliverTo(() => 503);
    const job = await enqueue(url, {}, { attempts: 3 });

    await expect(finished(job)).rejects.toThrow('answered 503');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['kiln-delivery'])).size).toBe(1);
  });

  it('delivers a delivery id enqueued twice only once', async () => {
    const { url, requests } = await deliverTo(() => 200);
    await enqueue(url, { deliveryId: 'batch-b1' });
    const again = await enqueue(url, { deliveryId: 'batch-b1' });

    expect(await finished(again)).toEqual({ status: 200, attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  it('fails job data that is not a webhook delivery, without a request', async () => {
    const { url, requests } = await deliverTo(() => 200);
    const job = await fixture.queue.add(
      'deliver',
      { url, event: 'execution.finished' },
      { jobId: 'bad', attempts: 5 },
    );

    await expect(finished(job)).rejects.toThrow('does not hold a valid webhook');
    expect((await fixture.queue.getJob('bad'))?.attemptsMade).toBe(1);
    expect(requests).toHaveLength(0);
  });
});
