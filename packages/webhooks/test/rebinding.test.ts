import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isPrivateAddress } from '../src/url-policy.js';
import { useWebhookQueue } from './fixture.js';
import { type Receiver, startReceiver } from './support.js';

const fixture = useWebhookQueue();
const { deliverTo, enqueue, finished } = fixture;

/** Plays a public host: a loopback address, so that no request of these tests leaves the machine. */
const STAND_IN = '127.0.0.2';
/** The default address policy, except that STAND_IN counts as public. */
const standInIsPublic = (address: string) => address !== STAND_IN && isPrivateAddress(address);

/**
 * A name server whose answer changes after the first question, like a rebinding attacker's with a TTL
 * of 0: a client that resolves the name again after checking it gets `then`.
 */
function rebinding(first: string, then: string) {
  const asked: string[] = [];
  const lookup = async (host: string) => {
    asked.push(host);
    return [asked.length === 1 ? first : then];
  };
  return { asked, lookup };
}

/** A second receiver, at another loopback address but on the same port as `receiver`. */
async function besides(receiver: Receiver, host: string): Promise<Receiver> {
  const other = await startReceiver(() => 204, { host, port: Number(new URL(receiver.url).port) });
  onTestFinished(() => other.close());
  return other;
}

const rebindUrl = (receiver: Receiver) => `http://rebind.example.test:${new URL(receiver.url).port}/kiln`;

describe('a delivery connects only to the address it checked', () => {
  it('delivers to the checked address, not to the private one the name answers next', async () => {
    const dns = rebinding(STAND_IN, '127.0.0.1');
    const internal = await deliverTo(() => 204, {
      allowPrivate: false,
      lookup: dns.lookup,
      isPrivate: standInIsPublic,
    });
    const checked = await besides(internal, STAND_IN);

    expect(await finished(await enqueue(rebindUrl(internal)))).toEqual({ status: 204, attempts: 1 });
    expect(checked.requests).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
    expect(dns.asked).toEqual(['rebind.example.test']);
  });

  it('refuses a private answer for good, whatever the name answers next', async () => {
    const dns = rebinding('127.0.0.1', STAND_IN);
    const internal = await deliverTo(() => 204, {
      allowPrivate: false,
      lookup: dns.lookup,
      isPrivate: standInIsPublic,
    });
    const standIn = await besides(internal, STAND_IN);
    const job = await enqueue(rebindUrl(internal));

    await expect(finished(job)).rejects.toThrow('rebind.example.test resolves to a private address');
    expect((await fixture.queue.getJob(job.id!))?.attemptsMade).toBe(1);
    expect(internal.requests).toHaveLength(0);
    expect(standIn.requests).toHaveLength(0);
    expect(dns.asked).toEqual(['rebind.example.test']);
  });

  it('with allowPrivate, delivers to the address of the first answer', async () => {
    const dns = rebinding('127.0.0.1', STAND_IN);
    const internal = await deliverTo(() => 204, { allowPrivate: true, lookup: dns.lookup });
    const other = await besides(internal, STAND_IN);

    expect(await finished(await enqueue(rebindUrl(internal)))).toEqual({ status: 204, attempts: 1 });
    expect(internal.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
    expect(dns.asked).toEqual(['rebind.example.test']);
  });

  it('names the host, not the address, to TLS', async () => {
    // The server has no certificate: it records the name the client asks for and ends the handshake.
    const names: string[] = [];
    const server = createServer({
      SNICallback: (name, done) => {
        names.push(name);
        done(new Error('no certificate here'));
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => void server.close());
    const { port } = server.address() as AddressInfo;
    await deliverTo(() => 204, { allowPrivate: true, lookup: async () => ['127.0.0.1'] });
    const job = await enqueue(`https://hooks.example.test:${port}/kiln`, {}, { attempts: 1 });

    await expect(finished(job)).rejects.toThrow(`POST hooks.example.test:${port} failed`);
    expect(names).toEqual(['hooks.example.test']);
  });
});
