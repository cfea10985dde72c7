import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import Type from 'typebox';
import { IdempotencyConflictError } from './errors.js';

/** The `Idempotency-Key` request header of every POST that creates work. */
export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Any string of visible ASCII (a UUID, say). A retry with the same key and body returns the first ' +
        "request's resource instead of creating another; the same key with another body is a 422.",
    }),
  ),
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Claim `key` for a new resource id, or find the id a first request with this key got. The key is kept as
 * long as the resource (ttlSeconds), under a hash of the caller's key, with a hash of the body so that a key
 * reused for different work is refused rather than answered with the wrong resource.
 */
export async function claimIdempotencyKey(
  redis: Redis,
  scope: string,
  key: string | undefined,
  body: unknown,
  newId: string,
  ttlSeconds: number,
): Promise<{ id: string; replayed: boolean }> {
  if (key === undefined) return { id: newId, replayed: false };
  const fingerprint = sha256(JSON.stringify(body));
  const redisKey = `kiln:idempotency:${scope}:${sha256(key)}`;
  const previous = await redis.set(redisKey, `${newId} ${fingerprint}`, 'EX', ttlSeconds, 'NX', 'GET');
  if (previous === null) return { id: newId, replayed: false };
  const [id = '', storedFingerprint] = previous.split(' ');
  if (storedFingerprint !== fingerprint) throw new IdempotencyConflictError();
  return { id, replayed: true };
}

/** Give the key back when the work it claimed was refused (429, 503), so that a retry can create it. */
export async function releaseIdempotencyKey(redis: Redis, scope: string, key: string | undefined) {
  if (key === undefined) return;
  await redis.del(`kiln:idempotency:${scope}:${sha256(key)}`).catch(() => undefined);
}
