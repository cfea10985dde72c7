import { randomUUID } from 'node:crypto';
import { QUEUE_PREFIX } from '@kiln/protocol';
import type { Queue } from 'bullmq';
import Type, { type Static } from 'typebox';
import Compile from 'typebox/compile';

/** The BullMQ queue of webhook deliveries, under QUEUE_PREFIX like every Kiln queue. */
export const WEBHOOK_QUEUE = 'webhooks';
export const WEBHOOK_JOB_NAME = 'deliver';

/** Sent as the Kiln-Event header; the body is the final resource of that kind. */
export const WEBHOOK_EVENTS = ['execution.finished', 'submission.finished', 'batch.finished'] as const;
export const WebhookEventSchema = Type.Enum(WEBHOOK_EVENTS);
export type WebhookEvent = Static<typeof WebhookEventSchema>;

export const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_BACKOFF_MS = 30_000;

/**
 * The delivery id is the BullMQ job id and an HTTP header value: letters, digits, `.`, `_` and `-` only
 * (BullMQ refuses `:` and all-digit ids).
 */
export const DeliveryIdSchema = Type.String({ pattern: '^(?![0-9]+$)[A-Za-z0-9._-]{1,200}$' });

export const WebhookJobSchema = Type.Object({
  deliveryId: DeliveryIdSchema,
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  event: WebhookEventSchema,
  /** The exact JSON text to send: serialised once, so the signature and the body can never disagree. */
  body: Type.String(),
  /** Unix time in ms of the enqueue. */
  createdAt: Type.Integer(),
});
export type WebhookJob = Static<typeof WebhookJobSchema>;

export const validWebhookJob = Compile(WebhookJobSchema);

export interface WebhookRequest {
  url: string;
  event: WebhookEvent;
  /** Serialised with JSON.stringify, once: every attempt sends (and signs) the same text. */
  payload: unknown;
  /**
   * Identifies this delivery for receivers and for the queue: enqueueing the same id again while the job
   * is kept (see removeOnComplete) is a no-op. Derive it from the resource (`execution-<id>`) to make
   * "final" events idempotent; a random UUID by default.
   */
  deliveryId?: string;
}

export interface EnqueueOptions {
  /** Delivery attempts in all, the first included. */
  attempts?: number;
  /** The first retry waits about this long; each later one twice as long as the one before. */
  backoffMs?: number;
}

/**
 * Queues one delivery on `queue` (WEBHOOK_QUEUE with prefix QUEUE_PREFIX); resolves to its delivery id.
 * Throws a TypeError for another queue or for a request the job cannot hold.
 */
export async function enqueueWebhook(
  queue: Queue,
  request: WebhookRequest,
  options: EnqueueOptions = {},
): Promise<string> {
  // A job on any other queue would wait forever: no webhook worker consumes it.
  if (queue.qualifiedName !== `${QUEUE_PREFIX}:${WEBHOOK_QUEUE}`) {
    throw new TypeError(`webhooks go to ${QUEUE_PREFIX}:${WEBHOOK_QUEUE}, not ${queue.qualifiedName}`);
  }
  const body: string | undefined = JSON.stringify(request.payload);
  if (body === undefined) throw new TypeError('a webhook payload must be a JSON value');
  const job: WebhookJob = {
    deliveryId: request.deliveryId ?? randomUUID(),
    url: request.url,
    event: request.event,
    body,
    createdAt: Date.now(),
  };
  if (!validWebhookJob.Check(job)) {
    const first = validWebhookJob.Errors(job)[0];
    throw new TypeError(`invalid webhook at ${first?.instancePath || '/'}: ${first?.message ?? 'invalid'}`);
  }
  await queue.add(WEBHOOK_JOB_NAME, job, {
    jobId: job.deliveryId,
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    // Jitter spreads the retries of many deliveries to one receiver that was down at the same time.
    backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS, jitter: 0.2 },
    // Bounded, not `true`: a kept job is what makes a second enqueue of the same delivery id a no-op.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  });
  return job.deliveryId;
}
