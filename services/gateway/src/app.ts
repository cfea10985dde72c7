import { isUtf8 } from 'node:buffer';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandlers } from './error-handler.js';
import { InvalidJsonError } from './errors.js';
import accessPlugin from './plugins/app/access.js';
import executionsPlugin from './plugins/app/executions.js';
import gradingPlugin from './plugins/app/grading.js';
import presencePlugin from './plugins/app/presence.js';
import queuesPlugin from './plugins/app/queues.js';
import rateLimitPlugin from './plugins/external/rate-limit.js';
import swaggerPlugin from './plugins/external/swagger.js';
import batchRoutes from './routes/batches/index.js';
import executionRoutes from './routes/executions/index.js';
import healthRoutes from './routes/health/index.js';
import languageRoutes from './routes/languages/index.js';
import legacyRoutes from './routes/legacy/index.js';
import submissionRoutes from './routes/submissions/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface AppOptions {
  config: Config;
}

/** Fastify options the app relies on; server.ts and the tests both build Fastify with them. */
export function appOptions(config: Config): FastifyServerOptions {
  return {
    bodyLimit: config.bodyLimitBytes,
    // Validation runs through TypeBox (below), which never strips or coerces a body. Should anything still
    // compile with Fastify's ajv, it must not strip unknown fields either: they are rejected, never ignored.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // A batch item reads back as a submission `<batch UUID>.<item id>`, the item id up to 200 characters, each
    // of which a client may percent-encode: Fastify's default of 100 would refuse the longer ones.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    // What Fastify and Node refuse before any route runs answers in the API's error shape too.
    frameworkErrors,
    clientErrorHandler,
    // A request still arriving on a busy keep-alive socket while draining is served (its wait is already cut
    // short, so it gets a 202) rather than given Fastify's closing 503, whose body is not the API's error shape.
    return503OnClosing: false,
  };
}

/** The gateway as a plugin: decorators first, then the OpenAPI generator, then the routes it documents. */
async function serviceApp(fastify: FastifyInstance, opts: AppOptions) {
  fastify.decorate('config', opts.config);
  // TypeBox checks bodies exactly as declared (unknown fields are errors) and converts only querystring,
  // params and headers, where every value arrives as a string.
  fastify.setValidatorCompiler(TypeBoxValidatorCompiler);
  // Only JSON bodies: a text/plain body would otherwise reach validation as a string.
  fastify.removeContentTypeParser('text/plain');
  // JSON is UTF-8 (RFC 8259). Fastify's parser would decode invalid bytes to U+FFFD and so run code the
  // caller never sent; such a body is refused instead.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser<Buffer>('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8(body)) return done(new InvalidJsonError(), undefined);
    parseJson(request, body.toString('utf8'), done);
  });
  registerErrorHandlers(fastify);

  await fastify.register(swaggerPlugin);
  await fastify.register(queuesPlugin);
  // Before the routes: access control attaches itself to each /api route as it is declared.
  await fastify.register(rateLimitPlugin);
  await fastify.register(accessPlugin);
  await fastify.register(presencePlugin);
  await fastify.register(executionsPlugin);
  await fastify.register(gradingPlugin);

  await fastify.register(healthRoutes);
  await fastify.register(executionRoutes, { prefix: '/api/v1/executions' });
  await fastify.register(languageRoutes, { prefix: '/api/v1/languages' });
  await fastify.register(submissionRoutes, { prefix: '/api/v1/submissions' });
  await fastify.register(batchRoutes, { prefix: '/api/v1/batches' });
  await fastify.register(legacyRoutes, { prefix: '/api/code' });
}

export default fp(serviceApp, { name: 'kiln-gateway' });
