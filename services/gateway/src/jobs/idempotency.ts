import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { IdempotencyConflictError } from '../errors.js';
import { redisCall } from './redis.js';

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

export interface CreateOnce<T> {
  /** The key space of the resource kind (`executions`, `submissions`, `batches`). */
  scope: string;
  /** The caller's Idempotency-Key, if any. */
  key: string | undefined;
  /** The request body: the same key with another body is a 422. */
  body: unknown;
  ttlSeconds: number;
  /** The resource a first request with this key created, or undefined when it is gone. */
  replay: (id: string) => Promise<T | undefined>;
  /** Create the resource under this id; a refusal (a thrown error) gives the key back. */
  create: (id: string) => Promise<T>;
}

/**
 * Create a resource once per Idempotency-Key: claim the key for a new id, or replay what the first request
 * with it created; when creating is refused (a full queue, Redis away), release the key so a retry can.
 */
export async function createOnce<T>(redis: Redis, options: CreateOnce<T>): Promise<T> {
  const { scope, key } = options;
  const claim = await redisCall(redis, () =>
    claimIdempotencyKey(redis, scope, key, options.body, randomUUID(), options.ttlSeconds),
  );
  if (claim.replayed) {
    const existing = await options.replay(claim.id);
    if (existing !== undefined) return existing;
  }
  try {
    return await options.create(claim.id);
  } catch (err) {
    await releaseIdempotencyKey(redis, scope, key);
    throw err;
  }
}
