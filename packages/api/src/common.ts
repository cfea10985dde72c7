import Type from 'typebox';

/**
 * What every route of the API shares: the error body and the error answers, the Idempotency-Key header of
 * the routes that create work, and the Server-Sent Events answer. Each route declares every code it answers.
 */

export function ErrorResponse(description: string, extra: Record<string, unknown> = {}) {
  return Type.Object(
    {
      error: Type.Object({
        code: Type.String({ description: 'Stable SNAKE_CASE code, e.g. VALIDATION_ERROR' }),
        message: Type.String({ description: 'A sentence for humans' }),
      }),
    },
    { description, ...extra },
  );
}

export const BadRequest = ErrorResponse(
  'VALIDATION_ERROR (unknown or missing field), UNKNOWN_LANGUAGE, LIMIT_EXCEEDED or INVALID_JSON',
);
export const PayloadTooLarge = ErrorResponse(
  'PAYLOAD_TOO_LARGE: code, stdin or the whole body is over its cap',
);
export const UnsupportedMediaType = ErrorResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/json');
export const QueueFull = ErrorResponse('QUEUE_FULL: the language queue is at its bound; see Retry-After', {
  // Read by @fastify/swagger into the OpenAPI response headers.
  headers: { 'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' } },
});
export const InternalError = ErrorResponse('INTERNAL_ERROR: a fault of the server, details only in its logs');
export const Unavailable = ErrorResponse('QUEUE_UNAVAILABLE: Redis cannot be reached; retry shortly');

/** The error responses every execution-creating route can give. */
export const SubmitErrors = {
  400: BadRequest,
  413: PayloadTooLarge,
  415: UnsupportedMediaType,
  429: QueueFull,
  500: InternalError,
  503: Unavailable,
};

/** The `Idempotency-Key` request header of every POST that creates work. */
export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Any string of visible ASCII (a UUID, say). A retry with the same key and body returns the first ' +
        "request's resource instead of creating another; the same key with another body is a 422.",
    }),
  ),
});

/** A Server-Sent Events answer, as OpenAPI names its media type. */
export function EventStream(description: string) {
  return {
    description,
    content: { 'text/event-stream': { schema: Type.String({ description: 'Server-Sent Events' }) } },
  };
}

/** The body of every error answer. */
export type ErrorBody = { error: { code: string; message: string } };
