import { LANGUAGES } from '@kiln/protocol';

/**
 * The errors the API answers with. Each has a stable `code` (the contract's SNAKE_CASE) and a message written
 * for the caller, so the error handler may send it as is; callers test them with `instanceof`.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    Object.setPrototypeOf(this, ApiError.prototype);
  }
}

export class ValidationError extends ApiError {
  constructor(message: string) {
    super(400, 'VALIDATION_ERROR', message);
    this.name = 'ValidationError';
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

export class UnknownLanguageError extends ApiError {
  constructor(language: unknown) {
    const shown = typeof language === 'string' ? `"${language.slice(0, 40)}"` : 'the language given';
    super(400, 'UNKNOWN_LANGUAGE', `Unknown language ${shown}; known languages: ${LANGUAGES.join(', ')}`);
    this.name = 'UnknownLanguageError';
    Object.setPrototypeOf(this, UnknownLanguageError.prototype);
  }
}

export class InvalidJsonError extends ApiError {
  constructor() {
    super(400, 'INVALID_JSON', 'The request body is not valid JSON');
    this.name = 'InvalidJsonError';
    Object.setPrototypeOf(this, InvalidJsonError.prototype);
  }
}

export class NotFoundError extends ApiError {
  constructor(method: string, url: string) {
    super(404, 'NOT_FOUND', `No route ${method} ${url.split('?')[0]?.slice(0, 200)}`);
    this.name = 'NotFoundError';
    Object.setPrototypeOf(this, NotFoundError.prototype);
  }
}

export class ExecutionNotFoundError extends ApiError {
  constructor(id: string) {
    super(404, 'EXECUTION_NOT_FOUND', `No execution ${id}: it never existed or its result has expired`);
    this.name = 'ExecutionNotFoundError';
    Object.setPrototypeOf(this, ExecutionNotFoundError.prototype);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(what: string, limitBytes: number) {
    super(
      413,
      'PAYLOAD_TOO_LARGE',
      `${what} is larger than the server's limit of ${Math.floor(limitBytes / 1024)} KiB`,
    );
    this.name = 'PayloadTooLargeError';
    Object.setPrototypeOf(this, PayloadTooLargeError.prototype);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json)');
    this.name = 'UnsupportedMediaTypeError';
    Object.setPrototypeOf(this, UnsupportedMediaTypeError.prototype);
  }
}

export class QueueFullError extends ApiError {
  constructor(
    language: string,
    readonly retryAfterSeconds: number,
    what = 'executions',
  ) {
    super(429, 'QUEUE_FULL', `Too many ${language} ${what} are waiting; retry in ${retryAfterSeconds} s`);
    this.name = 'QueueFullError';
    Object.setPrototypeOf(this, QueueFullError.prototype);
  }
}

/** Redis cannot be reached: the caller may retry, nothing of theirs was lost or accepted. */
export class QueueUnavailableError extends ApiError {
  constructor() {
    super(503, 'QUEUE_UNAVAILABLE', 'The execution queue is unavailable; retry shortly');
    this.name = 'QueueUnavailableError';
    Object.setPrototypeOf(this, QueueUnavailableError.prototype);
  }
}

/** The legacy endpoint has no asynchronous answer: when the wait runs out it says where the result will be. */
export class WaitTimeoutError extends ApiError {
  constructor(id: string, waitedMs: number) {
    super(
      504,
      'WAIT_TIMEOUT',
      `Execution ${id} did not finish within ${waitedMs} ms; read it later at GET /api/v1/executions/${id}`,
    );
    this.name = 'WaitTimeoutError';
    Object.setPrototypeOf(this, WaitTimeoutError.prototype);
  }
}

export class IdempotencyConflictError extends ApiError {
  constructor() {
    super(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a request with a different body; use a new key for new work',
    );
    this.name = 'IdempotencyConflictError';
    Object.setPrototypeOf(this, IdempotencyConflictError.prototype);
  }
}

export class NotFoundApiError extends ApiError {
  constructor(code: string, what: string, id: string) {
    super(404, code, `No ${what} ${id.slice(0, 200)}: it never existed or its result has expired`);
    this.name = 'NotFoundApiError';
    Object.setPrototypeOf(this, NotFoundApiError.prototype);
  }
}

export class DuplicateItemError extends ApiError {
  constructor(id: string) {
    super(
      400,
      'DUPLICATE_ITEM_ID',
      `submissions[].id "${id.slice(0, 200)}" appears more than once in the batch`,
    );
    this.name = 'DuplicateItemError';
    Object.setPrototypeOf(this, DuplicateItemError.prototype);
  }
}

export class InvalidCallbackUrlError extends ApiError {
  constructor(reason: string) {
    super(400, 'INVALID_CALLBACK_URL', reason);
    this.name = 'InvalidCallbackUrlError';
    Object.setPrototypeOf(this, InvalidCallbackUrlError.prototype);
  }
}

/** No API key, or one that matches no configured key: the caller is told how to send one, nothing more. */
export class UnauthorizedError extends ApiError {
  /** The WWW-Authenticate challenge (RFC 6750): the scheme, and `invalid_token` when the key was wrong. */
  readonly challenge: string;

  constructor(presented: boolean) {
    super(
      401,
      'UNAUTHORIZED',
      presented
        ? 'The API key is not valid'
        : 'An API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
    );
    this.challenge = presented ? 'Bearer realm="kiln", error="invalid_token"' : 'Bearer realm="kiln"';
    this.name = 'UnauthorizedError';
    Object.setPrototypeOf(this, UnauthorizedError.prototype);
  }
}

export class ForbiddenError extends ApiError {
  constructor(keyName: string, scope: string, method: string, url: string) {
    super(
      403,
      'FORBIDDEN',
      `API key "${keyName}" lacks the "${scope}" scope, which ${method} ${url.split('?')[0]?.slice(0, 200)} needs`,
    );
    this.name = 'ForbiddenError';
    Object.setPrototypeOf(this, ForbiddenError.prototype);
  }
}

export class RateLimitedError extends ApiError {
  constructor(
    readonly limitPerMinute: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      429,
      'RATE_LIMITED',
      `Rate limit of ${limitPerMinute} requests per minute reached; retry in ${retryAfterSeconds} s`,
    );
    this.name = 'RateLimitedError';
    Object.setPrototypeOf(this, RateLimitedError.prototype);
  }
}
