import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../src/index.js';

const secret = 'whsec-unit';
const body = '{"id":"exec-1","stdout":"42\\n"}';
const now = 1_760_000_000;
const signature = signPayload(secret, now, body);
const signed = { secret, body, timestamp: String(now), signature, now };

describe('signPayload', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signature).toBe(`v1=${expected}`);
  });
});

describe('verifySignature', () => {
  it('accepts the signature, with the body as text or bytes, and the timestamp as text or number', () => {
    expect(verifySignature(signed)).toBe(true);
    expect(verifySignature({ ...signed, body: Buffer.from(body) })).toBe(true);
    expect(verifySignature({ ...signed, timestamp: now })).toBe(true);
  });

  it('accepts a timestamp within the tolerance, either way', () => {
    expect(verifySignature({ ...signed, now: now + 300 })).toBe(true);
    expect(verifySignature({ ...signed, now: now - 300 })).toBe(true);
    expect(verifySignature({ ...signed, now: now + 3600, toleranceSeconds: 3600 })).toBe(true);
  });

  it.each<[string, Partial<typeof signed>]>([
    ['a wrong secret', { secret: 'whsec-other' }],
    ['a tampered body', { body: body.replace('42', '43') }],
    ['a stale timestamp', { now: now + 301 }],
    ['a timestamp from the future', { now: now - 301 }],
    ['another timestamp than the signed one', { timestamp: String(now + 1) }],
    ['a missing signature', { signature: undefined }],
    ['a missing timestamp', { timestamp: undefined }],
    ['a timestamp that is not a number', { timestamp: '17e8' }],
    ['an unknown scheme', { signature: signature.replace('v1=', 'v0=') }],
    ['a truncated signature', { signature: signature.slice(0, -2) }],
    ['an empty signature', { signature: '' }],
  ])('refuses %s', (_, change) => {
    expect(verifySignature({ ...signed, ...change })).toBe(false);
  });

  it('checks the clock when no `now` is given', () => {
    const fresh = Math.floor(Date.now() / 1000);
    const sign = (timestamp: number) => ({
      secret,
      body,
      timestamp,
      signature: signPayload(secret, timestamp, body),
    });
    expect(verifySignature(sign(fresh))).toBe(true);
    expect(verifySignature(sign(fresh - 3600))).toBe(false);
  });
});
