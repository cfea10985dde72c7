import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorResponse,
  IdempotencyHeadersSchema,
  LegacyExecuteRequestSchema,
  LegacyExecuteResponseSchema,
  SubmitErrors,
} from '@kiln/api';
import { WaitTimeoutError } from '../../errors.js';
import { legacyExecutionTime, legacyOutput } from '../../executions/results.js';

/**
 * The original design's endpoint, kept for its clients: always synchronous, default limits, and the
 * original answer shape. Errors use the common error body. Mounted at /api/code.
 */
const legacyRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { executions, config } = fastify;

  fastify.post(
    '/execute',
    {
      schema: {
        operationId: 'executeLegacy',
        tags: ['legacy'],
        summary: 'Run code (original API)',
        description: 'Compatibility endpoint; new clients should use POST /api/v1/executions.',
        headers: IdempotencyHeadersSchema,
        body: LegacyExecuteRequestSchema,
        response: {
          200: LegacyExecuteResponseSchema,
          ...SubmitErrors,
          422: ErrorResponse('IDEMPOTENCY_KEY_REUSED: the key was used with another body'),
          504: ErrorResponse(
            'WAIT_TIMEOUT: not finished within the server maximum wait; the message gives its id',
          ),
        },
      },
    },
    async (request) => {
      const { code, language, input } = request.body;
      const job = await executions.submit(
        { language, code, stdin: input ?? '' },
        request.log,
        request.headers['idempotency-key'],
      );
      const execution = await executions.waitFor(job, config.maxWaitMs, request.log);
      if (!execution.result) throw new WaitTimeoutError(execution.id, config.maxWaitMs);
      const result = execution.result;
      return {
        success: true as const,
        data: {
          output: legacyOutput(result),
          error: result.status !== 'ok',
          executionTime: legacyExecutionTime(result),
        },
      };
    },
  );
};

export default legacyRoutes;
