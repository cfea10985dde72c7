import { KilnApiError } from './errors.js';

/**
 * Trying a call again when the gateway refused it for now: 429 (a full queue, a used-up rate limit) and 503
 * (Redis or the gateway going away). Both mean the work was not created, so a POST may be sent again, with the
 * same Idempotency-Key: the gateway releases a key whose call it refused.
 */

export interface RetryOptions {
  /** How many times to send a refused call again: 2 means up to 3 requests. */
  attempts: number;
  /**
   * Longest wait before one retry, 30 s by default. A `Retry-After` asking for longer ends the retries (waiting
   * less would only be refused again): the call throws its KilnApiError, with `retryAfterSeconds`.
   */
  maxDelayMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
const DEFAULT_MAX_DELAY_MS = 30_000;
/** Without a Retry-After the waits double from here: 0.5 s, 1 s, 2 s… up to maxDelayMs. */
const FIRST_BACKOFF_MS = 500;

export function retryPolicy(options: RetryOptions | undefined): RetryPolicy | undefined {
  if (options === undefined) return undefined;
  const { attempts, maxDelayMs = DEFAULT_MAX_DELAY_MS } = options;
  if (!Number.isInteger(attempts) || attempts < 0) {
    throw new TypeError(`retry.attempts must be a whole number, 0 or more, got ${attempts}`);
  }
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new TypeError(`retry.maxDelayMs must be a number of milliseconds, 0 or more, got ${maxDelayMs}`);
  }
  return { attempts, maxDelayMs };
}

/** How long to wait before retry number `retries + 1`, or undefined when the error is final. */
function delayBeforeRetry(policy: RetryPolicy, err: unknown, retries: number): number | undefined {
  if (!(err instanceof KilnApiError) || !RETRIED_STATUSES.has(err.status) || retries >= policy.attempts) {
    return undefined;
  }
  if (err.retryAfterSeconds === undefined)
    return Math.min(FIRST_BACKOFF_MS * 2 ** retries, policy.maxDelayMs);
  const delay = err.retryAfterSeconds * 1000;
  return delay <= policy.maxDelayMs ? delay : undefined;
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Send a call, and again after each refusal the policy allows. `timeoutMs` bounds the whole: each retry gets
 * what is left of it, and a retry that could not start before it runs out is not made (the refusal is thrown).
 */
export async function withRetries<T>(
  policy: RetryPolicy | undefined,
  timeoutMs: number,
  send: (timeoutMs: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (policy === undefined) return send(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (let retries = 0; ; retries++) {
    try {
      return await send(retries === 0 ? timeoutMs : deadline - Date.now());
    } catch (err) {
      const delay = delayBeforeRetry(policy, err, retries);
      if (delay === undefined || Date.now() + delay >= deadline) throw err;
      await sleep(delay, signal);
    }
  }
}
