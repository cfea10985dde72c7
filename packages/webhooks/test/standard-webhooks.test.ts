import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook, standardWebhooksSecret, verifyStandardWebhook } from '../src/index.js';

const secret = 'f3a1c2d4e5b60718293a4b5c6d7e8f90';
const id = 'execution-exec-1';
const body = '{"id":"exec-1","stdout":"42\\n"}';
const now = 1_760_000_000;
const signature = signStandardWebhook(secret, id, now, body);
const signed = { secret, id, body, timestamp: String(now), signature, now };

describe('standardWebhooksSecret', () => {
  it('is whsec_ and the base64 of the secret, whose UTF-8 bytes are the key', () => {
    const whsec = standardWebhooksSecret(secret);
    expect(whsec).toBe(`whsec_${Buffer.from(secret).toString('base64')}`);
    expect(Buffer.from(whsec.slice('whsec_'.length), 'base64').toString('utf8')).toBe(secret);
  });
});

describe('signStandardWebhook', () => {
  it('is v1, and the base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`${id}.${now}.${body}`).digest('base64');
    expect(signature).toBe(`v1,${expected}`);
  });

  it('signs as the official library does with the whsec_ form of the secret', () => {
    const official = new Webhook(standardWebhooksSecret(secret));
    expect(official.sign(id, new Date(now * 1000), body)).toBe(signature);
  });
});

describe('verifyStandardWebhook', () => {
  it('accepts the signature, with the body as text or bytes, and the timestamp as text or number', () => {
    expect(verifyStandardWebhook(signed)).toBe(true);
    expect(verifyStandardWebhook({ ...signed, body: Buffer.from(body) })).toBe(true);
    expect(verifyStandardWebhook({ ...signed, timestamp: now })).toBe(true);
  });

  it('accepts a list in which one v1 signature matches, other versions and bad entries ignored', () => {
    const other = signStandardWebhook('an old secret', id, now, body);
    const list = `v1a,${'A'.repeat(86)}== ${other} v1,not-base64 ${signature}`;
    expect(verifyStandardWebhook({ ...signed, signature: list })).toBe(true);
    expect(verifyStandardWebhook({ ...signed, signature: `${other} v1a,${signature.slice(3)}` })).toBe(false);
  });

  it('accepts a timestamp within the tolerance, either way', () => {
    expect(verifyStandardWebhook({ ...signed, now: now + 300 })).toBe(true);
    expect(verifyStandardWebhook({ ...signed, now: now - 300 })).toBe(true);
  });

  it.each<[string, Partial<typeof signed> & { id?: string | undefined; signature?: string | undefined }]>([
    ['a wrong secret', { secret: 'another secret' }],
    ['a tampered body', { body: body.replace('42', '43') }],
    ['another id', { id: 'execution-exec-2' }],
    ['a stale timestamp', { now: now + 301 }],
    ['a timestamp from the future', { now: now - 301 }],
    ['another timestamp than the signed one', { timestamp: String(now + 1) }],
    ['a missing id', { id: undefined }],
    ['a missing signature', { signature: undefined }],
    ['a missing timestamp', { timestamp: undefined }],
    ['the Kiln-Signature form', { signature: `v1=${signature.slice(3)}` }],
    ['a truncated signature', { signature: signature.slice(0, -2) }],
    ['an empty signature', { signature: '' }],
  ])('refuses %s', (_, change) => {
    expect(verifyStandardWebhook({ ...signed, ...change })).toBe(false);
  });

  it('accepts what the official library signs, and the library accepts what it signs', () => {
    const official = new Webhook(standardWebhooksSecret(secret));
    const fresh = Math.floor(Date.now() / 1000);
    const theirs = official.sign(id, new Date(fresh * 1000), body);
    expect(verifyStandardWebhook({ secret, id, body, timestamp: fresh, signature: theirs })).toBe(true);

    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(fresh),
      'webhook-signature': signStandardWebhook(secret, id, fresh, body),
    };
    expect(official.verify(body, headers)).toEqual(JSON.parse(body));
  });
});
