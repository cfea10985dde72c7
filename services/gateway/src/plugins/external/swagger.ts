import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import Type from 'typebox';

// Same relative path from src/plugins/external and dist/plugins/external.
const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const OpenApiDocumentSchema = Type.Object(
  {},
  { additionalProperties: true, description: 'The OpenAPI 3.1 document, generated from the route schemas' },
);

/**
 * The OpenAPI document, generated from every route's TypeBox schemas (never written by hand), at
 * /openapi.json, and Swagger UI at /docs. Registered before the routes, so it sees them all.
 */
async function swaggerPlugin(fastify: FastifyInstance) {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kiln',
        version,
        description:
          'Runs untrusted Python, JavaScript and C++ with stdin; returns output, verdict and usage.',
      },
      tags: [
        { name: 'executions', description: 'Run code and read results' },
        { name: 'grading', description: 'Judge programs against tests: submissions and batches' },
        { name: 'languages', description: 'What can run right now' },
        { name: 'health', description: 'Liveness and readiness probes' },
        { name: 'legacy', description: 'The original API, kept for its clients' },
        { name: 'meta', description: 'This document' },
      ],
      // Referenced by the /api routes when API keys are configured (see the README, "Access control").
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });

  fastify.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['meta'],
        summary: 'The OpenAPI document of this API',
        response: { 200: OpenApiDocumentSchema },
      },
    },
    async () => fastify.swagger(),
  );
}

export default fp(swaggerPlugin, { name: 'swagger' });
