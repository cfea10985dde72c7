import { LANGUAGES } from '@kiln/protocol';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { caseCounter, checkProperty, FUZZ_ENV, type FuzzCase, injectCase, runs } from './support/fuzz.js';
import {
  apiKeyHeaders,
  extraHeaders,
  json,
  jsonContentType,
  junkQuery,
  junkSegment,
  method,
  notJsonContentType,
} from './support/fuzz-arbitraries.js';
import { buildGateway, publishPresence, useGateway } from './support/gateway.js';
import { makeKey } from './support/keys.js';

/**
 * Property-based fuzzing of everything around the API proper: the probes, the OpenAPI document and Swagger
 * UI, the language list, every route under every HTTP method, paths that lead nowhere, and the API key check.
 */

// No worker here: a random body that happened to be valid must not wait for one.
const kiln = useGateway({ env: { ...FUZZ_ENV, KILN_MAX_WAIT_MS: '0' } });
const count = caseCounter('routes');
const admin = makeKey('fuzz', 'admin');
const keyHeaders = apiKeyHeaders(admin);

// /ready needs a fresh presence entry for every language; entries go stale after 15 s.
beforeEach(async () => {
  for (const name of LANGUAGES)
    await publishPresence(kiln.client, name, `10.0.0.${LANGUAGES.indexOf(name) + 2}:8765`);
});

/** Every route: its method and a path pattern (`:id` for a parameter). */
const ROUTES: ReadonlyArray<{ method: 'GET' | 'POST'; path: string }> = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/ready' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/api/v1/languages' },
  { method: 'POST', path: '/api/code/execute' },
  { method: 'POST', path: '/api/v1/executions' },
  { method: 'GET', path: '/api/v1/executions/:id' },
  { method: 'POST', path: '/api/v1/submissions' },
  { method: 'GET', path: '/api/v1/submissions/:id' },
  { method: 'GET', path: '/api/v1/submissions/:id/events' },
  { method: 'POST', path: '/api/v1/batches' },
  { method: 'GET', path: '/api/v1/batches/:id' },
  { method: 'GET', path: '/api/v1/batches/:id/results' },
  { method: 'GET', path: '/api/v1/batches/:id/events' },
  { method: 'POST', path: '/api/v1/batches/:id/rejudge' },
];

/** The path a URL reaches: inject, as any WHATWG client, resolves `.`, `..` and `%2e%2e` segments. */
const resolved = (path: string) => new URL(`http://kiln${path}`).pathname;

/** True when `path` (no query) is one of ROUTES. */
function routed(path: string): boolean {
  const bare = resolved(path).replace(/\/$/, '') || '/';
  return ROUTES.some((route) => new RegExp(`^${route.path.replace(':id', '[^/]+')}$`).test(bare));
}

/** Any body, or none: JSON of any shape, or text under any content type. */
const anyBody: fc.Arbitrary<{ type?: string; payload?: string }> = fc.oneof(
  fc.constant({}),
  fc.record({ type: jsonContentType, payload: json.map((value) => JSON.stringify(value)) }),
  fc.record({ type: notJsonContentType, payload: fc.string({ maxLength: 200 }) }),
);
const withBody = (
  headers: Record<string, string>,
  { type, payload }: { type?: string; payload?: string },
) => ({
  headers: { ...headers, ...(type === undefined ? {} : { 'content-type': type }) },
  ...(payload === undefined ? {} : { payload }),
});

describe('fuzzing the probes, the OpenAPI document and the language list', () => {
  const cases = fc
    .record({
      path: fc.constantFrom('/health', '/ready', '/openapi.json', '/api/v1/languages', '/docs', '/docs/json'),
      head: fc.boolean(),
      slash: fc.constantFrom('', '/'),
      query: junkQuery,
      headers: extraHeaders,
    })
    .map(
      ({ path, head, slash, query, headers }): FuzzCase => ({
        what: 'a probe or listing',
        method: head ? 'HEAD' : 'GET',
        url: `${path}${slash}${query}`,
        headers,
        // Swagger UI may redirect /docs to its index page.
        expect: path === '/docs' ? 'either' : 'ok',
      }),
    );

  it('answers 2xx whatever the query and headers', async () => {
    await checkProperty(
      cases,
      (fuzzCase) => injectCase(kiln.app, count, 'GET probes and listings', fuzzCase),
      runs(300),
    );
  });
});

describe('fuzzing every route under every method', () => {
  const cases = fc
    .record({
      route: fc.constantFrom(...ROUTES),
      method,
      id: fc.oneof(fc.uuid(), junkSegment),
      query: junkQuery,
      body: anyBody,
      headers: extraHeaders,
    })
    .map(({ route, method, id, query, body, headers }): FuzzCase => {
      const matches = method === route.method || (method === 'HEAD' && route.method === 'GET');
      return {
        what: `${method} on a ${route.method} route`,
        method,
        url: `${route.path.replace(':id', id)}${query}`,
        ...withBody(headers, body),
        // The right method may still be refused (a junk id, a bad body); any other method must be.
        expect: matches ? 'either' : 'refused',
      };
    });

  it('refuses every other method with a 4xx and never answers 5xx', async () => {
    await checkProperty(
      cases,
      (fuzzCase) => injectCase(kiln.app, count, 'any method, any route', fuzzCase),
      runs(600),
    );
  });
});

describe('fuzzing paths that lead nowhere', () => {
  const word = fc.oneof(
    fc.constantFrom(
      'api',
      'v1',
      'v2',
      'executions',
      'batches',
      'docs',
      'static',
      'index.html',
      '..',
      '.',
      '%2e%2e',
      '',
      'health',
    ),
    junkSegment,
  );
  const cases = fc
    .record({
      segments: fc.array(word, { minLength: 1, maxLength: 6 }),
      method,
      query: junkQuery,
      body: anyBody,
      headers: extraHeaders,
    })
    .filter(({ segments }) => !routed(`/${segments.join('/')}`))
    .map(({ segments, method, query, body, headers }): FuzzCase => {
      // Swagger UI serves its own files under /docs/ (index, static assets): any answer but a 5xx.
      const docs = resolved(`/${segments.join('/')}`).startsWith('/docs');
      return {
        what: docs ? 'under /docs' : 'no such route',
        method,
        url: `/${segments.join('/')}${query}`,
        ...withBody(headers, body),
        expect: docs ? 'either' : 'refused',
      };
    });

  it('answers 404 (or 400 for a path that does not decode) in the error shape', async () => {
    await checkProperty(
      cases,
      (fuzzCase) => injectCase(kiln.app, count, 'unknown routes', fuzzCase),
      runs(500),
    );
  });
});

describe('fuzzing API keys', () => {
  let guarded: FastifyInstance;
  beforeAll(async () => {
    guarded = await buildGateway(kiln.redis, { ...FUZZ_ENV, KILN_API_KEYS: admin.entry });
  });
  afterAll(async () => {
    await guarded.close();
  });

  const cases = fc
    .record({
      right: fc.boolean(),
      rightKey: keyHeaders.right,
      wrongKeys: keyHeaders.wrong,
      path: fc.constantFrom('/api/v1/languages', '/api/v1/executions/00000000-0000-4000-8000-000000000000'),
      headers: extraHeaders,
    })
    .map(
      ({ right, rightKey, wrongKeys, path, headers }): FuzzCase => ({
        what: right ? 'the right key' : 'no key, or a wrong one',
        method: 'GET',
        url: path,
        headers: { ...headers, ...(right ? rightKey : wrongKeys) },
        // With the key, the languages answer 200 and the unknown execution 404: past the key check either way.
        expect: right ? 'either' : 'refused',
        ...(right ? {} : { status: 401 }),
      }),
    );

  it('answers 401 in the error shape without the right key, and lets the right key through', async () => {
    await checkProperty(
      cases,
      async (fuzzCase) => {
        const answer = await injectCase(guarded, count, 'API keys on GET /api/*', fuzzCase);
        if (fuzzCase.expect === 'either' && answer.status === 401)
          throw new Error(`the right key was refused: ${JSON.stringify(fuzzCase.headers)}`);
      },
      runs(300),
    );
  });
});
