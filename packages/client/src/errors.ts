/**
 * The two ways a call fails. Both carry a stable `code`, so callers branch with `instanceof` and `code`,
 * never by matching message text.
 */

/** The gateway answered with a non-2xx status; `code` and `message` come from its error body. */
export class KilnApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From `Retry-After` (a 429 QUEUE_FULL, normally): seconds to wait before trying again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KilnApiError';
    Object.setPrototypeOf(this, KilnApiError.prototype);
  }
}

export type KilnNetworkErrorCode = 'NETWORK_ERROR' | 'TIMEOUT';

/**
 * No answer from the gateway: it could not be reached, the connection broke, or the time allowed ran out.
 * Whether a POST was accepted is then unknown; `executionId` is set when it is known (run() timing out
 * while polling), so the result can still be read later.
 */
export class KilnNetworkError extends Error {
  readonly executionId: string | undefined;

  constructor(
    readonly code: KilnNetworkErrorCode,
    message: string,
    options: { cause?: unknown; executionId?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KilnNetworkError';
    this.executionId = options.executionId;
    Object.setPrototypeOf(this, KilnNetworkError.prototype);
  }
}
