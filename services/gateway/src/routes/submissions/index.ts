import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  BadRequest,
  ErrorResponse,
  EventStream,
  IdempotencyHeadersSchema,
  InternalError,
  SubmissionIdParamsSchema,
  SubmissionRequestSchema,
  SubmissionSchema,
  SubmitErrors,
  Unavailable,
  WaitQuery,
} from '@kiln/api';
import Type from 'typebox';
import { ResourceNotFoundError } from '../../errors.js';
import { openEventStream } from '../../grading/sse.js';

const WaitQuerySchema = WaitQuery('grade');
const NotFound = ErrorResponse('SUBMISSION_NOT_FOUND: no such submission, or it has expired');
const Submission = (description: string) => Type.Object(SubmissionSchema.properties, { description });

/**
 * Submissions: one program, compiled once, against a list of tests, each judged by a checker.
 * Mounted at /api/v1/submissions.
 */
const submissionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { submissions, config } = fastify;

  fastify.post(
    '/',
    {
      bodyLimit: config.maxGradingBodyBytes,
      schema: {
        operationId: 'createSubmission',
        tags: ['grading'],
        summary: 'Grade a program against tests',
        description:
          'Compiles once, runs every test (in parallel across the executor slots) and judges each output with ' +
          'the checker (default `lines`). With wait=true (the default) answers 200 with the graded submission, ' +
          'or 202 when KILN_MAX_WAIT_MS passes first; with wait=false answers 202 at once. Hidden tests never ' +
          'show their input, expected output or the program output.',
        querystring: WaitQuerySchema,
        headers: IdempotencyHeadersSchema,
        body: SubmissionRequestSchema,
        response: {
          200: Submission('The graded submission (state "finished")'),
          202: Submission('Accepted, not finished yet: poll GET by id or follow its events'),
          ...SubmitErrors,
          422: ErrorResponse('IDEMPOTENCY_KEY_REUSED: the key was used with another body'),
        },
      },
    },
    async (request, reply) => {
      const job = await submissions.submit(request.body, request.headers['idempotency-key'], request.log);
      const submission =
        (request.query.wait ?? true)
          ? await submissions.waitFor(job, config.maxWaitMs)
          : await submissions.current(job);
      return reply.code(submission.state === 'finished' ? 200 : 202).send(submission);
    },
  );

  fastify.get(
    '/:id',
    {
      schema: {
        operationId: 'getSubmission',
        tags: ['grading'],
        summary: 'Read a submission',
        description: `Readable for KILN_RESULT_TTL_SECONDS (now ${config.resultTtlSeconds} s) after it finishes.`,
        params: SubmissionIdParamsSchema,
        response: {
          200: Submission('The submission'),
          400: BadRequest,
          404: NotFound,
          500: InternalError,
          503: Unavailable,
        },
      },
    },
    async (request) => {
      const submission = await submissions.find(request.params.id);
      if (!submission) throw new ResourceNotFoundError('submission', request.params.id);
      return submission;
    },
  );

  fastify.get(
    '/:id/events',
    {
      schema: {
        operationId: 'followSubmission',
        tags: ['grading'],
        summary: 'Follow a submission (Server-Sent Events)',
        description:
          'A text/event-stream: `progress` events with `{ done, total }` as tests finish, then one `finished` ' +
          'event with the whole submission, and the stream ends.',
        params: SubmissionIdParamsSchema,
        response: {
          200: EventStream('progress events, then one finished event'),
          400: BadRequest,
          404: NotFound,
          500: InternalError,
          503: Unavailable,
        },
      },
    },
    async (request, reply) => {
      const submission = await submissions.find(request.params.id);
      if (!submission) throw new ResourceNotFoundError('submission', request.params.id);
      const stream = openEventStream(request, reply);
      // A submission that has already finished gets its `finished` event alone, as a batch does.
      if (submission.state !== 'finished') stream.send('progress', submission.progress);
      try {
        const final = await submissions.follow(
          submission,
          (progress) => stream.send('progress', progress),
          stream.signal,
        );
        if (final?.state === 'finished') stream.send('finished', final);
      } catch (err) {
        request.log.warn({ err, submissionId: submission.id }, 'submission event stream failed');
      } finally {
        stream.end();
      }
    },
  );
};

export default submissionRoutes;
