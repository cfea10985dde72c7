import { Response } from 'undici';
import { describe, expect, it } from 'vitest';
import type { WebhookProcessorOptions } from '../src/index.js';
import { useWebhookQueue } from './fixture.js';

const fixture = useWebhookQueue();
const { deliverTo, enqueue, finished } = fixture;

/** A fetch that answers 204 without touching the network, and remembers where it was sent. */
function fakeFetch(sentTo: string[]): WebhookProcessorOptions['fetch'] {
  return async (input) => {
    sentTo.push(String(input));
    return new Response(null, { status: 204 });
  };
}

describe('the target at delivery time, without allowPrivate', () => {
  it('refuses a loopback literal the job holds, without a request', async () => {
    const { url, requests } = await deliverTo(() => 200, { allowPrivate: false });
    const job = await enqueue(url);

    await expect(finished(job)).rejects.toThrow(
      'must not point to a loopback, private or link-local address',
    );
    // Unrecoverable: one attempt of the default eight.
    expect((await fixture.queue.getJob(job.id!))?.attemptsMade).toBe(1);
    expect(requests).toHaveLength(0);
  });

  it.each([
    ['a private address', ['10.1.2.3']],
    ['a public and a link-local address', ['93.184.215.14', '169.254.169.254']],
    ['an IPv6 loopback', ['::1']],
  ])('refuses a name that resolves to %s, without a request', async (_, addresses) => {
    const sentTo: string[] = [];
    const looked: string[] = [];
    const lookup = async (host: string) => {
      looked.push(host);
      return addresses;
    };
    await deliverTo(() => 200, { allowPrivate: false, fetch: fakeFetch(sentTo), lookup });
    const job = await enqueue('https://hooks.example.test/kiln');

    await expect(finished(job)).rejects.toThrow('hooks.example.test resolves to a private address');
    expect(looked).toEqual(['hooks.example.test']);
    expect(sentTo).toEqual([]);
  });

  it('delivers to a name that resolves to public addresses only', async () => {
    const sentTo: string[] = [];
    const lookup = async () => ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'];
    await deliverTo(() => 200, { allowPrivate: false, fetch: fakeFetch(sentTo), lookup });
    const job = await enqueue('https://hooks.example.test/kiln');

    expect(await finished(job)).toEqual({ status: 204, attempts: 1 });
    expect(sentTo).toEqual(['https://hooks.example.test/kiln']);
  });

  it('retries a name that does not resolve', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await deliverTo(() => 200, { allowPrivate: false, lookup });
    const job = await enqueue('https://hooks.example.test/kiln', {}, { attempts: 2 });

    await expect(finished(job)).rejects.toThrow('could not resolve hooks.example.test');
  });
});
