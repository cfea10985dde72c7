import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  BadRequest,
  ErrorResponse,
  ExecutionIdParamsSchema,
  ExecutionRequestSchema,
  ExecutionResponse,
  IdempotencyHeadersSchema,
  InternalError,
  SubmitErrors,
  Unavailable,
  WaitQuery,
} from '@kiln/api';
import { ResourceNotFoundError } from '../../errors.js';

const WaitQuerySchema = WaitQuery('result');

/** The v1 execution API: submit (waiting or not) and read back by id. Mounted at /api/v1/executions. */
const executionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { executions, config } = fastify;

  fastify.post(
    '/',
    {
      schema: {
        operationId: 'createExecution',
        tags: ['executions'],
        summary: 'Run code',
        description:
          'Queues one execution. With wait=true (the default) answers 200 with the finished execution, or 202 ' +
          'with `{ id, state }` when the server maximum wait passes first; with wait=false answers 202 at once. ' +
          "A program's own failure is a 200 with its status; a job Kiln could not finish has status internal_error.",
        querystring: WaitQuerySchema,
        headers: IdempotencyHeadersSchema,
        body: ExecutionRequestSchema,
        response: {
          200: ExecutionResponse('The finished execution (state "finished", with its result)'),
          202: ExecutionResponse(
            'Accepted and not finished yet (state "queued" or "running"): poll GET by id',
          ),
          ...SubmitErrors,
          422: ErrorResponse('IDEMPOTENCY_KEY_REUSED: the key was used with another body'),
        },
      },
    },
    async (request, reply) => {
      const job = await executions.submit(request.body, request.log, request.headers['idempotency-key']);
      const execution =
        (request.query.wait ?? true)
          ? await executions.waitFor(job, config.maxWaitMs, request.log)
          : { id: job.data.id, state: 'queued' as const };
      return reply.code(execution.state === 'finished' ? 200 : 202).send(execution);
    },
  );

  fastify.get(
    '/:id',
    {
      schema: {
        operationId: 'getExecution',
        tags: ['executions'],
        summary: 'Read an execution',
        description: `An execution stays readable for KILN_RESULT_TTL_SECONDS (now ${config.resultTtlSeconds} s) after it finishes.`,
        params: ExecutionIdParamsSchema,
        response: {
          200: ExecutionResponse('The execution: queued, running, or finished with its result'),
          400: BadRequest,
          404: ErrorResponse('EXECUTION_NOT_FOUND: no such execution, or its result has expired'),
          500: InternalError,
          503: Unavailable,
        },
      },
    },
    async (request) => {
      const execution = await executions.find(request.params.id);
      if (!execution) throw new ResourceNotFoundError('execution', request.params.id);
      return execution;
    },
  );
};

export default executionRoutes;
