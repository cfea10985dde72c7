import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../../errors.js';

/** Requests are counted per minute: the unit of every limit in the configuration. */
const WINDOW_MS = 60_000;

/**
 * Per-key rate limits, counted in the gateway's Redis so that every gateway replica shares one count.
 * Registered here without routes (`global: false`); the access plugin puts `fastify.rateLimit()` on each API
 * route after the key check, so the bucket is the key's name (or, on an open API, the client's address).
 */
async function rateLimitPlugin(fastify: FastifyInstance) {
  const { config } = fastify;
  const limitOf = (request: FastifyRequest) => request.apiKey?.ratePerMinute ?? config.rateLimitPerMinute;

  await fastify.register(rateLimit, {
    global: false,
    // The producer connection fails fast while Redis is away (no offline queue, one retry), as the plugin
    // advises for its store; one more connection per gateway would buy nothing.
    redis: fastify.redis,
    nameSpace: 'kiln:rate-limit:',
    timeWindow: WINDOW_MS,
    max: (request) => limitOf(request),
    // KILN_RATE_LIMIT_PER_MINUTE=0: no limit for keys without one of their own (or anyone, on an open API).
    allowList: (request) => limitOf(request) === 0,
    keyGenerator: (request) =>
      request.apiKey ? `key:${request.apiKey.name}` : `ip:${normalizeIP(request.ip)}`,
    // RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (IETF draft) instead of X-RateLimit-*.
    enableDraftSpec: true,
    // Redis unreachable: let the request through rather than answer 500. The limit is a fairness measure,
    // not access control (keys are checked in memory), and every API route needs Redis anyway, so the
    // request then gets the routes' own 503 QUEUE_UNAVAILABLE.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError(context.max, Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}

export default fp(rateLimitPlugin, {
  name: 'rate-limit',
  dependencies: ['queues'],
  decorators: { fastify: ['config', 'redis'] },
});
