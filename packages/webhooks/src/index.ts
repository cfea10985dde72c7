export {
  createWebhookProcessor,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_MS,
  startWebhookWorker,
  type WebhookDelivered,
  type WebhookProcessorOptions,
  type WebhookWorkerOptions,
} from './deliver.js';
export * from './errors.js';
export {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DeliveryIdSchema,
  type EnqueueOptions,
  enqueueWebhook,
  WEBHOOK_EVENTS,
  WEBHOOK_JOB_NAME,
  WEBHOOK_QUEUE,
  type WebhookEvent,
  WebhookEventSchema,
  type WebhookJob,
  WebhookJobSchema,
  type WebhookRequest,
} from './queue.js';
export * from './sign.js';
export { type CallbackUrlPolicy, checkCallbackUrl } from './url-policy.js';
