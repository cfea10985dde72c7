import type { Redis } from 'ioredis';
import { QueueUnavailableError } from '../errors.js';

/** Run a Redis call; a failure while the connection is down is the retryable 503, not a 500. */
export async function redisCall<T>(redis: Redis, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (redis.status !== 'ready') throw new QueueUnavailableError();
    throw err;
  }
}
