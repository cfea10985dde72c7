import { UnrecoverableError } from 'bullmq';

/**
 * How a delivery attempt fails. The two unrecoverable ones extend BullMQ's UnrecoverableError, so the job
 * fails at once instead of being retried; callers tell them apart with `instanceof`.
 */

/** Worth another attempt: network error, timeout, or an answer of 408, 429 or 5xx (then in `status`). */
export class WebhookAttemptError extends Error {
  readonly code = 'WEBHOOK_ATTEMPT_FAILED';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WebhookAttemptError';
    Object.setPrototypeOf(this, WebhookAttemptError.prototype);
  }
}

/** The receiver answered with a status no retry will change (another 4xx, or a redirect, never followed). */
export class WebhookRejectedError extends UnrecoverableError {
  readonly code = 'WEBHOOK_REJECTED';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'WebhookRejectedError';
    Object.setPrototypeOf(this, WebhookRejectedError.prototype);
  }
}

/** The URL is not allowed by the callback URL policy, or its host resolves to a private address. */
export class WebhookTargetError extends UnrecoverableError {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetError';
    Object.setPrototypeOf(this, WebhookTargetError.prototype);
  }
}
