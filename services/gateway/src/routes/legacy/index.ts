import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LanguageSchema } from '@kiln/protocol';
import Type from 'typebox';
import { WaitTimeoutError } from '../../errors.js';
import { legacyExecutionTime, legacyOutput } from '../../executions/results.js';
import { ErrorResponse, IdempotencyHeadersSchema, SubmitErrors } from '../../schemas.js';

const LegacyRequestSchema = Type.Object(
  {
    code: Type.String({ description: 'Source code; capped by KILN_MAX_CODE_KB (UTF-8 bytes)' }),
    language: LanguageSchema,
    input: Type.Optional(Type.String({ description: 'Standard input; capped by KILN_MAX_STDIN_KB' })),
  },
  { additionalProperties: false },
);

const LegacyResponseSchema = Type.Object(
  {
    success: Type.Literal(true),
    data: Type.Object({
      output: Type.String({
        description: 'stdout, plus diagnostics and stderr when the run failed; trailing whitespace trimmed',
      }),
      error: Type.Boolean({ description: 'The run did not end with status ok' }),
      executionTime: Type.String({ description: 'Wall-clock time, e.g. "12 ms"' }),
    }),
  },
  { description: 'The run finished (successfully or not: see data.error)' },
);

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
        body: LegacyRequestSchema,
        response: {
          200: LegacyResponseSchema,
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
