import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { LimitExceededError } from '@kiln/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiError,
  InvalidJsonError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnknownLanguageError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.js';

/** The one error body of the API: `{ error: { code, message } }`. */
export function errorBody(err: ApiError) {
  return { error: { code: err.code, message: err.message } };
}

type SchemaError = NonNullable<FastifyError['validation']>[number];

function where(context: string | undefined, instancePath: string): string {
  return [context ?? 'request', ...instancePath.split('/').filter(Boolean)].join('.');
}

/** The value at a JSON pointer into the body (only for messages). */
function valueAt(body: unknown, pointer: string): unknown {
  let value = body;
  for (const key of pointer.split('/').filter(Boolean))
    value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** One sentence naming the field at fault, from the first error of the schema check that matters. */
function describeValidation(err: FastifyError, request: FastifyRequest): ApiError {
  const context = err.validationContext;
  // "schema is false" repeats the additionalProperties error in a less readable form.
  const errors = (err.validation ?? []).filter((e: SchemaError) => e.keyword !== 'boolean');
  const first = errors[0];
  if (!first) return new ValidationError(err.message);
  const path = where(context, first.instancePath);
  // `language` at the top (executions, submissions) or in an item (batches: /submissions/3/language).
  if (context === 'body' && /(^|\/)language$/.test(first.instancePath) && first.keyword === 'enum') {
    return new UnknownLanguageError(valueAt(request.body, first.instancePath));
  }
  if (first.keyword === 'additionalProperties') {
    const names = (first.params as { additionalProperties?: string[]; additionalProperty?: string })
      .additionalProperties ?? [String(first.params.additionalProperty)];
    const fields = names.map((name) => `${path}.${name}`).join(', ');
    return new ValidationError(`Unknown field ${fields}: it is not part of this API`);
  }
  if (first.keyword === 'required') {
    const names = (first.params as { requiredProperties?: string[]; missingProperty?: string })
      .requiredProperties ?? [String(first.params.missingProperty)];
    return new ValidationError(`Missing required field ${names.map((name) => `${path}.${name}`).join(', ')}`);
  }
  if (first.instancePath === '' && first.keyword === 'type') {
    return new ValidationError(`The ${context ?? 'request'} must be a JSON ${String(first.params.type)}`);
  }
  return new ValidationError(`${path} ${first.message ?? 'is invalid'}`);
}

/** Map anything thrown to an ApiError the caller may see, or undefined when it is our fault (a 5xx). */
function toApiError(err: FastifyError, request: FastifyRequest): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof LimitExceededError) return new ApiError(400, err.code, err.message);
  if (err.validation) return describeValidation(err, request);
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidJsonError();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('The request body', request.routeOptions.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError();
    case 'FST_ERR_BAD_URL':
      return new ApiError(400, 'INVALID_URL', 'The URL path has a percent-escape that does not decode');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError(414, 'URL_TOO_LONG', 'A segment of the URL path is longer than any id');
  }
  // Fastify's other 4xx (a bad Content-Length, say) carry messages written for the caller.
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError(status, 'BAD_REQUEST', err.message);
  return undefined;
}

/** A summary of the request for logs: never its body, which holds the submitted code and stdin. */
function requestSummary(request: FastifyRequest) {
  return { method: request.method, url: request.url, params: request.params, query: request.query };
}

export function registerErrorHandlers(fastify: FastifyInstance): void {
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = toApiError(err, request);
    if (!apiError || apiError.statusCode >= 500) {
      request.log.error({ err, request: requestSummary(request) }, 'request failed');
    } else {
      // The caller's mistake: its code and message are enough, a stack trace would only be noise.
      const { code, message, statusCode } = apiError;
      request.log.info(
        { err: { code, message, statusCode }, request: requestSummary(request) },
        'request rejected',
      );
    }
    if (!apiError) {
      // A 5xx never reveals internals: the details are in the log above, under the request id.
      return reply.code(500).send({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } });
    }
    return reply.code(apiError.statusCode).headers(apiError.headers).send(errorBody(apiError));
  });

  fastify.setNotFoundHandler((request, reply) => {
    const err = new RouteNotFoundError(request.method, request.url);
    return reply.code(404).send(errorBody(err));
  });
}

/**
 * Fastify's `frameworkErrors`: what it refuses before any route runs (a path that does not decode, a path
 * segment past maxParamLength) skips setErrorHandler and would get Fastify's own body, not the API's.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(err, request) ?? new ApiError(500, 'INTERNAL_ERROR', 'Internal server error');
  const { code, message, statusCode } = apiError;
  const summary = requestSummary(request);
  if (statusCode >= 500) request.log.error({ err, request: summary }, 'request failed');
  else request.log.info({ err: { code, message, statusCode }, request: summary }, 'request rejected');
  return reply.code(statusCode).send(errorBody(apiError));
}

/**
 * Fastify's `clientErrorHandler`: Node's parser refusing bytes that are not HTTP/1.1 (a bad request line,
 * header or framing, headers too large). There is no request, so the answer is written on the socket, in the
 * API's error shape, and the connection closed, as Node's own handler does.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(408, 'REQUEST_TIMEOUT', 'The request did not arrive in time')
        : new ApiError(400, 'MALFORMED_REQUEST', 'The request is not valid HTTP/1.1');
  this.log.debug({ err: { code: err.code, message: err.message } }, 'malformed HTTP request');
  // As Node's own handler: no answer once a response on this socket has begun, which it would corrupt.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(errorBody(apiError));
    socket.write(
      `HTTP/1.1 ${apiError.statusCode} ${STATUS_CODES[apiError.statusCode]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
