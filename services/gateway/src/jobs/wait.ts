import type { Job, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

/** How long one wait on completion events lasts before the job is read again, in case an event was lost. */
const EVENTS_RECHECK_MS = 5_000;

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export interface WaitOptions<T> {
  job: Job;
  events: QueueEvents;
  redis: Redis;
  maxWaitMs: number;
  /** Ends the wait early (the gateway shutting down): the last known state is returned at once. */
  signal: AbortSignal;
  /** The state before anything is known (queued). */
  initial: T;
  /** The finished state from a job's return value, as the completion event carries it. */
  finished: (value: unknown) => T;
  /** The job's current state, read from Redis; undefined when it is gone. */
  read: () => Promise<T | undefined>;
  isFinished: (state: T) => boolean;
}

/**
 * Wait up to maxWaitMs for a job to finish. Completion events answer at once; every EVENTS_RECHECK_MS (and
 * when the wait fails or times out) the job itself is read, so a lost event or an events connection that
 * hiccuped costs a few seconds, never the whole wait.
 */
export async function waitForJob<T>(options: WaitOptions<T>): Promise<T> {
  const { job, events, redis, signal } = options;
  const deadline = Date.now() + options.maxWaitMs;
  let current = options.initial;
  while (!signal.aborted) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    // waitUntilFinished checks the job inside a promise executor, where a Redis error would escape as an
    // unhandled rejection: with the producer down, skip it and let the read below answer 503.
    if (redis.status === 'ready') {
      try {
        const value = await raceAbort(
          job.waitUntilFinished(events, Math.min(remaining, EVENTS_RECHECK_MS)),
          signal,
        );
        return options.finished(value);
      } catch {
        // Timed out, failed, or the events connection failed: the read below decides. Shutting down: the
        // caller gets the last known state at once, as Redis is about to close.
        if (signal.aborted) break;
      }
    }
    current = (await options.read()) ?? current;
    if (options.isFinished(current)) return current;
  }
  return current;
}
