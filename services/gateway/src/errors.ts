import { LANGUAGES } from '@kiln/protocol';

/**
 * The errors the API answers with. Each has a stable `code` (the contract's SNAKE_CASE), a message written
 * for the caller, so the error handler may send it as is, and the response headers it needs
 * (`Retry-After`, `WWW-Authenticate`); callers test them with `instanceof`. The name is the class's own.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const shortPath = (url: string) => url.split('?')[0]?.slice(0, 200);

export class ValidationError extends ApiError {
  constructor(message: string) {
    super(400, 'VALIDATION_ERROR', message);
  }
}

export class UnknownLanguageError extends ApiError {
  constructor(language: unknown) {
    const shown = typeof language === 'string' ? `"${language.slice(0, 40)}"` : 'the language given';
    super(400, 'UNKNOWN_LANGUAGE', `Unknown language ${shown}; known languages: ${LANGUAGES.join(', ')}`);
  }
}

export class InvalidJsonError extends ApiError {
  constructor() {
    super(400, 'INVALID_JSON', 'The request body is not valid JSON');
  }
}

/** No route answers this method and path. */
export class RouteNotFoundError extends ApiError {
  constructor(method: string, url: string) {
    super(404, 'NOT_FOUND', `No route ${method} ${shortPath(url)}`);
  }
}

/** An execution, submission or batch that never existed or has expired: `EXECUTION_NOT_FOUND`, … */
export class ResourceNotFoundError extends ApiError {
  constructor(what: 'execution' | 'submission' | 'batch', id: string) {
    super(
      404,
      `${what.toUpperCase()}_NOT_FOUND`,
      `No ${what} ${id.slice(0, 200)}: it never existed or its result has expired`,
    );
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(what: string, limitBytes: number) {
    super(
      413,
      'PAYLOAD_TOO_LARGE',
      `${what} is larger than the server's limit of ${Math.floor(limitBytes / 1024)} KiB`,
    );
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json)');
  }
}

export class QueueFullError extends ApiError {
  constructor(language: string, retryAfterSeconds: number, what = 'executions') {
    super(429, 'QUEUE_FULL', `Too many ${language} ${what} are waiting; retry in ${retryAfterSeconds} s`, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

/** Redis cannot be reached: the caller may retry, nothing of theirs was lost or accepted. */
export class QueueUnavailableError extends ApiError {
  constructor() {
    super(503, 'QUEUE_UNAVAILABLE', 'The execution queue is unavailable; retry shortly');
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
  }
}

export class IdempotencyConflictError extends ApiError {
  constructor() {
    super(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a request with a different body; use a new key for new work',
    );
  }
}

export class DuplicateItemError extends ApiError {
  constructor(id: string) {
    super(
      400,
      'DUPLICATE_ITEM_ID',
      `submissions[].id "${id.slice(0, 200)}" appears more than once in the batch`,
    );
  }
}

export class InvalidCallbackUrlError extends ApiError {
  constructor(reason: string) {
    super(400, 'INVALID_CALLBACK_URL', reason);
  }
}

/**
 * No API key, or one that matches no configured key: the caller is told how to send one, nothing more. The
 * WWW-Authenticate challenge (RFC 6750) names the scheme, and `invalid_token` when the key was wrong.
 */
export class UnauthorizedError extends ApiError {
  constructor(presented: boolean) {
    super(
      401,
      'UNAUTHORIZED',
      presented
        ? 'The API key is not valid'
        : 'An API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      {
        'www-authenticate': presented ? 'Bearer realm="kiln", error="invalid_token"' : 'Bearer realm="kiln"',
      },
    );
  }
}

export class ForbiddenError extends ApiError {
  constructor(keyName: string, scope: string, method: string, url: string) {
    super(
      403,
      'FORBIDDEN',
      `API key "${keyName}" lacks the "${scope}" scope, which ${method} ${shortPath(url)} needs`,
    );
  }
}

export class RateLimitedError extends ApiError {
  constructor(limitPerMinute: number, retryAfterSeconds: number) {
    super(
      429,
      'RATE_LIMITED',
      `Rate limit of ${limitPerMinute} requests per minute reached; retry in ${retryAfterSeconds} s`,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}
