import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InternalError, LanguagesResponseSchema, Unavailable } from '@kiln/api';
import { PRESENCE_STALE_MS } from '@kiln/protocol';

/** Which languages can run right now, from the presence the workers publish. Mounted at /api/v1/languages. */
const languageRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/',
    {
      schema: {
        operationId: 'listLanguages',
        tags: ['languages'],
        summary: 'List the languages whose executors are live',
        description: `An executor counts as live when a worker refreshed its presence within the last ${PRESENCE_STALE_MS} ms.`,
        response: { 200: LanguagesResponseSchema, 500: InternalError, 503: Unavailable },
      },
    },
    async () => ({ languages: await fastify.presence.live() }),
  );
};

export default languageRoutes;
