import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, HealthResponseSchema, ReadyResponseSchema } from '@kiln/api';
import { LANGUAGES } from '@kiln/protocol';
import { errorBody } from '../../error-handler.js';
import { ApiError } from '../../errors.js';

/** Probes: /health for the container (process alive), /ready for traffic (Redis and every executor up). */
const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // Docker polls these every few seconds: logging each call would drown the log.
  const logLevel = 'warn';

  fastify.get(
    '/health',
    {
      logLevel,
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: HealthResponseSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  fastify.get(
    '/ready',
    {
      logLevel,
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: Redis answers PING and every language has a live executor',
        response: {
          200: ReadyResponseSchema,
          503: ErrorResponse('NOT_READY: the message says whether Redis or which languages are missing'),
        },
      },
    },
    async (_request, reply) => {
      const notReady = (message: string) =>
        reply.code(503).send(errorBody(new ApiError(503, 'NOT_READY', message)));
      const entries = (await fastify.presence.redisAnswers())
        ? await fastify.presence.live().catch(() => null)
        : null;
      if (!entries) return notReady('Not ready: Redis does not answer');
      const live = new Set(entries.map((entry) => entry.language));
      const missing = LANGUAGES.filter((language) => !live.has(language));
      if (missing.length > 0) return notReady(`Not ready: no live executor for ${missing.join(', ')}`);
      return { status: 'ready' as const, languages: [...LANGUAGES] };
    },
  );
};

export default healthRoutes;
