import { ErrorResponse } from '@kiln/api';
import type {
  FastifyInstance,
  FastifyRequest,
  FastifySchema,
  onRequestAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { type ApiKey, keyMatcher, type Scope } from '../../access/keys.js';
import { grants, scopeFor } from '../../access/policy.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The configured key the request came with (its name and scopes, never the key), once checked. */
    apiKey: ApiKey | null;
  }
}

/** Keys are 64 hex digits when made as the README says; anything far longer is not one of ours. */
const MAX_KEY_LENGTH = 512;

/** The key from `Authorization: Bearer <key>`, else from `X-API-Key: <key>`. */
function presentedKey(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
  const header = request.headers['x-api-key'];
  const key = bearer ?? (typeof header === 'string' ? header.trim() : undefined);
  return key ? key.slice(0, MAX_KEY_LENGTH + 1) : undefined;
}

const RATE_HEADERS = {
  'RateLimit-Limit': { type: 'integer', description: 'Requests allowed per minute' },
  'RateLimit-Remaining': { type: 'integer', description: 'Requests left in this minute' },
  'RateLimit-Reset': { type: 'integer', description: 'Seconds until the minute ends' },
  'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' },
};
const Unauthorized = ErrorResponse('UNAUTHORIZED: no API key, or not a valid one; see WWW-Authenticate', {
  headers: { 'WWW-Authenticate': { type: 'string', description: 'Bearer' } },
});
const Forbidden = ErrorResponse(
  'FORBIDDEN: the API key lacks the scope this route needs (the message names it)',
);
const RateLimited = ErrorResponse('RATE_LIMITED: the requests per minute of this key are used up', {
  headers: RATE_HEADERS,
});
const QueueFullOrRateLimited = ErrorResponse(
  'QUEUE_FULL: the language queue is at its bound, or RATE_LIMITED: the requests per minute of this key ' +
    'are used up; see Retry-After',
  { headers: RATE_HEADERS },
);

/** The route's OpenAPI entry with the answers access control adds, so the document stays complete. */
function documented(schema: FastifySchema, scope: Scope, enforced: boolean): FastifySchema {
  const response = { ...(schema.response as Record<string, unknown> | undefined) };
  response[429] = response[429] === undefined ? RateLimited : QueueFullOrRateLimited;
  if (!enforced) return { ...schema, response };
  response[401] = Unauthorized;
  response[403] = Forbidden;
  const needs = `Needs an API key with the \`${scope}\` scope (or \`admin\`).`;
  const description = schema.description ? `${schema.description}\n\n${needs}` : needs;
  return { ...schema, response, description, security: [{ bearer: [] }, { apiKey: [] }] };
}

/**
 * Access control for every route under /api: the key check (when keys are configured), then the rate limit.
 * Both are added per route as it is declared, so a route needing no key (the probes, the documentation) never
 * meets either, and a new API route cannot be added without them.
 */
async function accessPlugin(fastify: FastifyInstance) {
  const { config, log } = fastify;
  const enforced = config.apiKeys.length > 0;
  const match = keyMatcher(config.apiKeys);
  fastify.decorateRequest('apiKey', null);

  if (enforced) {
    log.info({ apiKeys: config.apiKeys.map((key) => key.name) }, 'API keys required under /api');
  } else {
    // Config refuses an open API on any other address, so this one is reachable from this machine only.
    log.warn(
      { host: config.host, publishedBind: config.publishedBind },
      'the API is OPEN: no API keys are configured (KILN_API_KEYS), so anyone who can reach it may run ' +
        'code; it is bound to localhost only',
    );
  }

  const authorize =
    (scope: Scope): onRequestAsyncHookHandler =>
    async (request) => {
      const presented = presentedKey(request);
      if (presented === undefined) throw new UnauthorizedError(false);
      const key = presented.length > MAX_KEY_LENGTH ? undefined : match(presented);
      if (!key) throw new UnauthorizedError(true);
      request.apiKey = key;
      request.log = request.log.child({ apiKey: key.name });
      if (!grants(key.scopes, scope)) throw new ForbiddenError(key.name, scope, request.method, request.url);
    };
  const limit = fastify.rateLimit() as onRequestAsyncHookHandler;

  fastify.addHook('onRoute', (route: RouteOptions) => {
    const scope = scopeFor(route.url);
    if (!scope) return;
    const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [...own, ...(enforced ? [authorize(scope)] : []), limit];
    if (route.schema) route.schema = documented(route.schema, scope, enforced);
  });
}

export default fp(accessPlugin, {
  name: 'access',
  dependencies: ['rate-limit'],
  decorators: { fastify: ['config'] },
});
