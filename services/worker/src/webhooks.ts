import { readFileSync } from 'node:fs';
import { QUEUE_PREFIX } from '@kiln/protocol';
import { enqueueWebhook, WEBHOOK_QUEUE, type WebhookRequest } from '@kiln/webhooks';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from './config.js';

/** Queue the signed delivery of a finished resource to its callbackUrl (see @kiln/webhooks). */
export type Notify = (request: WebhookRequest & { deliveryId: string }) => Promise<void>;

/**
 * The producer side of webhooks: a processor calls `notify` before it completes its job, so a delivery is
 * queued exactly when the result is final. The delivery id is derived from the resource (`execution-<id>`),
 * so a job retried after queueing its delivery queues nothing twice.
 */
export function createNotifier(connection: Redis, config: WorkerConfig): { notify: Notify; queue: Queue } {
  const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix: QUEUE_PREFIX });
  const notify: Notify = async (request) => {
    await enqueueWebhook(queue, request, {
      attempts: config.webhookAttempts,
      backoffMs: config.webhookBackoffMs,
    });
  };
  return { notify, queue };
}

/** The signing secret: KILN_WEBHOOK_SECRET, or the file KILN_WEBHOOK_SECRET_FILE; undefined when neither. */
export function readWebhookSecret(config: WorkerConfig): string | undefined {
  if (config.webhookSecret) return config.webhookSecret;
  try {
    return readFileSync(config.webhookSecretFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
