import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  BadRequest,
  BatchIdParamsSchema,
  BatchRequestSchema,
  BatchResultsQuerySchema,
  BatchResultsSchema,
  BatchSchema,
  ErrorResponse,
  EventStream,
  IdempotencyHeadersSchema,
  InternalError,
  SubmitErrors,
  Unavailable,
} from '@kiln/api';
import Type from 'typebox';
import { ResourceNotFoundError } from '../../errors.js';
import { summarize } from '../../grading/batches.js';
import { resultsCsv } from '../../grading/csv.js';
import { openEventStream } from '../../grading/sse.js';

const NotFound = ErrorResponse('BATCH_NOT_FOUND: no such batch, or it has expired');
const Batch = (description: string) => Type.Object(BatchSchema.properties, { description });
const ReadErrors = { 400: BadRequest, 404: NotFound, 500: InternalError, 503: Unavailable };
/** How often a batch's event stream looks at the batch again. */

const notFound = (id: string) => new ResourceNotFoundError('batch', id);

/**
 * Batches: a whole class against the same tests, as one BullMQ flow (a parent job, one child submission per
 * item). Mounted at /api/v1/batches.
 */
const batchRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { batches, submissions, config } = fastify;

  fastify.post(
    '/',
    {
      bodyLimit: config.maxGradingBodyBytes,
      schema: {
        operationId: 'createBatch',
        tags: ['grading'],
        summary: 'Grade many programs against the same tests',
        description:
          'Queues one submission per item (`id` is yours, a student id say, unique within the batch) with the ' +
          'shared tests, checker and limits, and answers 201 at once. Identical sources compile once. Follow ' +
          'it with GET by id, its events, and its results (JSON or CSV).',
        headers: IdempotencyHeadersSchema,
        body: BatchRequestSchema,
        response: {
          201: Batch('The batch, just queued (or the first one with this Idempotency-Key)'),
          ...SubmitErrors,
          400: ErrorResponse(
            'VALIDATION_ERROR, UNKNOWN_LANGUAGE, LIMIT_EXCEEDED, INVALID_JSON, DUPLICATE_ITEM_ID or INVALID_CALLBACK_URL',
          ),
          422: ErrorResponse('IDEMPOTENCY_KEY_REUSED: the key was used with another body'),
        },
      },
    },
    async (request, reply) => {
      const batch = await batches.create(request.body, request.headers['idempotency-key'], request.log);
      return reply.code(201).send(batch);
    },
  );

  fastify.get(
    '/:id',
    {
      schema: {
        operationId: 'getBatch',
        tags: ['grading'],
        summary: 'Read a batch: counts by state and by verdict',
        params: BatchIdParamsSchema,
        response: { 200: Batch('The batch'), ...ReadErrors },
      },
    },
    async (request) => {
      const batch = await batches.find(request.params.id);
      if (!batch) throw notFound(request.params.id);
      return batch;
    },
  );

  fastify.get(
    '/:id/results',
    {
      schema: {
        operationId: 'getBatchResults',
        tags: ['grading'],
        summary: "Every item's state and grade, as JSON or CSV",
        description:
          'JSON by default; CSV (one row per item: id, submission_id, language, state, verdict, score, ' +
          'max_score, passed, tests, time_ms_max, memory_kb_max) with `?format=csv` or `Accept: text/csv`.',
        params: BatchIdParamsSchema,
        querystring: BatchResultsQuerySchema,
        response: {
          200: {
            description: 'The results: JSON, or CSV with ?format=csv or Accept: text/csv',
            content: {
              'application/json': { schema: Type.Object(BatchResultsSchema.properties) },
              'text/csv': {
                schema: Type.String({ description: 'RFC 4180: a header row, then one row per item, CRLF' }),
              },
            },
          },
          ...ReadErrors,
        },
      },
    },
    async (request, reply) => {
      const found = await batches.results(request.params.id);
      if (!found) throw notFound(request.params.id);
      const results = {
        id: found.batch.id,
        state: summarize(found.batch, found.results).state,
        results: found.results,
      };
      const csv =
        request.query.format === 'csv' ||
        (request.query.format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''));
      if (!csv) return results;
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="batch-${found.batch.id}.csv"`)
          // A string with its own content type is sent as is, not through the JSON schema's serializer.
          .send(resultsCsv(results) as never)
      );
    },
  );

  fastify.get(
    '/:id/events',
    {
      schema: {
        operationId: 'followBatch',
        tags: ['grading'],
        summary: 'Follow a batch (Server-Sent Events)',
        description:
          'A text/event-stream: a `progress` event with the batch (counts) whenever they change, then one ' +
          '`finished` event with the batch, and the stream ends.',
        params: BatchIdParamsSchema,
        response: { 200: EventStream('progress events, then one finished event'), ...ReadErrors },
      },
    },
    async (request, reply) => {
      const first = await batches.find(request.params.id);
      if (!first) throw notFound(request.params.id);
      const stream = openEventStream(request, reply);
      // The client leaving or the gateway shutting down ends the stream: a batch may run for hours, and an
      // open stream would otherwise hold the shutdown until it finishes.
      const stop = AbortSignal.any([stream.signal, submissions.closingSignal]);
      try {
        for await (const batch of batches.follow(request.params.id, stop)) {
          stream.send(batch.state === 'finished' ? 'finished' : 'progress', batch);
        }
      } catch (err) {
        request.log.warn({ err, batchId: request.params.id }, 'batch event stream failed');
      } finally {
        stream.end();
      }
    },
  );

  fastify.post(
    '/:id/rejudge',
    {
      schema: {
        operationId: 'rejudgeBatch',
        tags: ['grading'],
        summary: 'Judge again the items that ended in internal_error',
        description:
          "Items Kiln could not judge (verdict internal_error: an executor lost, say; never a program's own " +
          'failure) are queued again; the batch answers as running until they finish.',
        params: BatchIdParamsSchema,
        response: { 200: Batch('The batch after queueing the re-judging'), ...ReadErrors },
      },
    },
    async (request) => {
      const batch = await batches.rejudge(request.params.id, request.log);
      if (!batch) throw notFound(request.params.id);
      return batch;
    },
  );
};

export default batchRoutes;
