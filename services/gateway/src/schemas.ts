import { ExecutionResultSchema, LanguageSchema, LimitsRequestSchema } from '@kiln/protocol';
import Type, { type Static } from 'typebox';

/** Response and request schemas shared by several route groups; each route declares every code it answers. */

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

export const EXECUTION_STATES = ['queued', 'running', 'finished'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

const executionProperties = {
  id: Type.String({ format: 'uuid' }),
  state: Type.Enum(EXECUTION_STATES),
  result: Type.Optional(ExecutionResultSchema),
};
/** What both POST and GET answer: `{ id, state, result? }`, the result there once the state is `finished`. */
export function ExecutionResponse(description: string) {
  return Type.Object(executionProperties, { description });
}
export type Execution = Static<ReturnType<typeof ExecutionResponse>>;

export const ExecutionRequestSchema = Type.Object(
  {
    language: LanguageSchema,
    code: Type.String({ description: 'Source code; capped by KILN_MAX_CODE_KB (UTF-8 bytes)' }),
    stdin: Type.Optional(Type.String({ description: 'Standard input; capped by KILN_MAX_STDIN_KB' })),
    limits: Type.Optional(LimitsRequestSchema),
    callbackUrl: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2048,
        description:
          'POSTed a signed copy of the finished execution (see the webhooks section of the README)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExecutionRequest = Static<typeof ExecutionRequestSchema>;

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
