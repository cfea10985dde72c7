import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LanguageSchema, PRESENCE_STALE_MS } from '@kiln/protocol';
import Type from 'typebox';
import { InternalError, Unavailable } from '../../schemas.js';

const LanguagesResponseSchema = Type.Object(
  {
    languages: Type.Array(
      Type.Object({
        language: LanguageSchema,
        versions: Type.Array(Type.String(), { description: 'Toolchain versions the live replicas report' }),
        replicas: Type.Integer({ minimum: 1, description: 'Live executor replicas' }),
        slots: Type.Integer({ minimum: 0, description: 'Concurrent runs the replicas offer, summed' }),
        busy: Type.Integer({ minimum: 0, description: 'Slots running code right now, summed' }),
      }),
    ),
  },
  { description: 'The languages with at least one live executor; an empty list when none is connected' },
);

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
