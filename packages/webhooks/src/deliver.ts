import { QUEUE_PREFIX } from '@kiln/protocol';
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { fetch as undiciFetch } from 'undici';
import { WebhookAttemptError, WebhookRejectedError } from './errors.js';
import { validWebhookJob, WEBHOOK_QUEUE, type WebhookJob } from './queue.js';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  STANDARD_ID_HEADER,
  STANDARD_SIGNATURE_HEADER,
  STANDARD_TIMESTAMP_HEADER,
  signPayload,
  signStandardWebhook,
  TIMESTAMP_HEADER,
  USER_AGENT,
} from './sign.js';
import { type CheckedTarget, checkTarget, connectOnlyTo, lookupAll } from './target.js';
import { isPrivateAddress } from './url-policy.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 16;

/** The return value of a completed delivery job. */
export interface WebhookDelivered {
  status: number;
  /** Attempts it took, the successful one included. */
  attempts: number;
}

export interface WebhookProcessorOptions {
  /** The shared HMAC secret the receivers verify with. */
  secret: string;
  log: Logger;
  /** Per attempt: how long to wait for the answer's status. */
  timeoutMs?: number;
  /** Deliver to loopback, private and link-local addresses: development and tests only. */
  allowPrivate?: boolean;
  /**
   * undici's fetch by default. It is given the `dispatcher` that pins the connection to the checked
   * addresses; a replacement that ignores it connects wherever its own resolution says (tests only).
   */
  fetch?: typeof undiciFetch;
  /**
   * Resolves a host name to all its addresses; dns.lookup by default. Called once per attempt: the
   * connection goes to these addresses, once checked, and is never resolved again.
   */
  lookup?: (hostname: string) => Promise<string[]>;
  /**
   * Which resolved addresses are refused unless allowPrivate; isPrivateAddress by default. A test hook,
   * so that a loopback receiver can stand for a public host; URLs with an IP literal are not affected.
   */
  isPrivate?: (address: string) => boolean;
}

/** 408 and 429 say "later", 5xx "not now"; any other non-2xx answer will not change on a retry. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The BullMQ processor of WEBHOOK_QUEUE: one signed POST per attempt. Resolves on 2xx; throws a
 * WebhookAttemptError (retried with the job's backoff) on a network error, a timeout, 408, 429 or 5xx;
 * throws an UnrecoverableError (failed at once) for bad job data, a refused target or any other status.
 * Logs carry the host, event, delivery id, attempt and status, never the body: it holds program output.
 */
export function createWebhookProcessor(options: WebhookProcessorOptions) {
  const { secret, log, timeoutMs = DEFAULT_TIMEOUT_MS, allowPrivate = false } = options;
  const send = options.fetch ?? undiciFetch;
  const policy = {
    allowPrivate,
    lookup: options.lookup ?? lookupAll,
    isPrivate: options.isPrivate ?? isPrivateAddress,
  };
  if (secret === '') throw new TypeError('the webhook secret must not be empty');

  /** Kiln's own signature and the Standard Webhooks one, over the same timestamp and body. */
  function signedHeaders(data: WebhookJob): Record<string, string> {
    // A fresh timestamp per attempt: a retry hours later must still pass the receiver's tolerance.
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [EVENT_HEADER]: data.event,
      [DELIVERY_HEADER]: data.deliveryId,
      [IDEMPOTENCY_HEADER]: data.deliveryId,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signPayload(secret, timestamp, data.body),
      [STANDARD_ID_HEADER]: data.deliveryId,
      [STANDARD_TIMESTAMP_HEADER]: String(timestamp),
      [STANDARD_SIGNATURE_HEADER]: signStandardWebhook(secret, data.deliveryId, timestamp, data.body),
    };
  }

  /** One POST over a connection to the checked addresses; resolves to the answer's status. */
  async function post(data: WebhookJob, target: CheckedTarget): Promise<number> {
    // One Agent per attempt: no pooled connection outlives the check it was made after.
    const dispatcher = connectOnlyTo(target);
    try {
      const response = await send(data.url, {
        method: 'POST',
        headers: signedHeaders(data),
        body: data.body,
        // A redirect could lead anywhere, past the target check: it fails the delivery instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        dispatcher,
      });
      // Only the status matters; the answer's body is dropped unread.
      await response.body?.cancel().catch(() => {});
      return response.status;
    } catch (err) {
      const message = `POST ${new URL(data.url).host} ${whyFailed(err, timeoutMs)}`;
      throw new WebhookAttemptError(message, undefined, { cause: err });
    } finally {
      await dispatcher.destroy().catch(() => {});
    }
  }

  async function deliver(data: WebhookJob): Promise<number> {
    const status = await post(data, await checkTarget(data.url, policy));
    if (status >= 200 && status < 300) return status;
    const message = `POST ${new URL(data.url).host} answered ${status}`;
    throw retryable(status)
      ? new WebhookAttemptError(message, status)
      : new WebhookRejectedError(message, status);
  }

  return async (job: Job<WebhookJob, WebhookDelivered>): Promise<WebhookDelivered> => {
    if (!validWebhookJob.Check(job.data) || job.data.deliveryId !== job.id) {
      throw new UnrecoverableError(`job ${job.id} does not hold a valid webhook delivery`);
    }
    const data = job.data;
    const attempt = job.attemptsMade + 1;
    const context = { deliveryId: data.deliveryId, event: data.event, host: hostOf(data.url), attempt };
    try {
      const status = await deliver(data);
      log.info({ ...context, status }, 'webhook delivered');
      return { status, attempts: attempt };
    } catch (err) {
      const final = err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      const status =
        err instanceof WebhookAttemptError || err instanceof WebhookRejectedError ? err.status : undefined;
      log.warn(
        { ...context, status, final, err },
        final ? 'webhook delivery failed for good' : 'webhook attempt failed, will be retried',
      );
      throw err;
    }
  };
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is in its cause. */
function whyFailed(err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return `failed: ${String(err)}`;
  if (err.name === 'TimeoutError') return `got no answer within ${timeoutMs} ms`;
  const cause = err.cause instanceof Error ? err.cause : undefined;
  return `failed: ${cause?.message ?? err.message}`;
}

function hostOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).host : undefined;
}

export interface WebhookWorkerOptions extends WebhookProcessorOptions {
  /** Connection options, or an ioredis client created with `maxRetriesPerRequest: null`. */
  connection: ConnectionOptions;
  /** Deliveries in flight at once; they mostly wait on receivers. */
  concurrency?: number;
}

/** A BullMQ Worker on WEBHOOK_QUEUE (prefix QUEUE_PREFIX) running createWebhookProcessor; close it on shutdown. */
export function startWebhookWorker(options: WebhookWorkerOptions): Worker<WebhookJob, WebhookDelivered> {
  const { connection, concurrency = DEFAULT_CONCURRENCY, ...processorOptions } = options;
  const worker = new Worker<WebhookJob, WebhookDelivered>(
    WEBHOOK_QUEUE,
    createWebhookProcessor(processorOptions),
    {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency,
    },
  );
  worker.on('error', (err) => options.log.error({ err }, 'webhook worker error'));
  return worker;
}
