import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import app, { appOptions } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { cannedResult } from './support/fake-workers.js';
import { useGateway } from './support/gateway.js';
import { bearer, makeKey } from './support/keys.js';

/** Access control with keys configured: who may call what, and what everyone else is told. */
const kiln = useGateway({ build: 'none' });
let dir: string;
let keyFile: string;

// The runner and the grader come from the environment, the admin and the two-scope key from a file.
const runner = makeKey('runner', 'run');
const grader = makeKey('grader', 'grade');
const root = makeKey('root', 'admin');
const both = makeKey('teacher.2024', 'run+grade', 100);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-keys-'));
  keyFile = join(dir, 'api_keys');
  writeFileSync(keyFile, `# keys of the course staff\n${root.entry}\n\n${both.entry}  # two scopes\n`);
  await kiln.start({
    KILN_API_KEYS: `${runner.entry}, ${grader.entry}`,
    KILN_API_KEYS_FILE: keyFile,
    KILN_MAX_WAIT_MS: '5000',
  });
  await kiln.fakeWorker('python', async (job) => cannedResult(job, { stdout: 'hi\n' }));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const BATCH_ID = '0b7c3f0e-8d4a-4a8e-9a43-3c1f4d0f2a11';
const SUBMISSION = { language: 'python', code: 'print(input())', tests: [{ stdin: '1\n', expected: '1\n' }] };

/** One request of each route group, each with the scope it needs. */
const ROUTES: Array<{ scope: 'run' | 'grade'; request: InjectOptions & { method: string; url: string } }> = [
  {
    scope: 'run',
    request: {
      method: 'POST',
      url: '/api/v1/executions?wait=false',
      payload: { language: 'python', code: 'print(1)' },
    },
  },
  { scope: 'run', request: { method: 'GET', url: `/api/v1/executions/${BATCH_ID}` } },
  { scope: 'run', request: { method: 'GET', url: '/api/v1/languages' } },
  {
    scope: 'run',
    request: { method: 'POST', url: '/api/code/execute', payload: { language: 'python', code: 'print(1)' } },
  },
  { scope: 'grade', request: { method: 'POST', url: '/api/v1/submissions?wait=false', payload: SUBMISSION } },
  { scope: 'grade', request: { method: 'GET', url: `/api/v1/submissions/${BATCH_ID}` } },
  { scope: 'grade', request: { method: 'GET', url: `/api/v1/batches/${BATCH_ID}/results` } },
  { scope: 'grade', request: { method: 'POST', url: `/api/v1/batches/${BATCH_ID}/rejudge` } },
];

const call = (request: InjectOptions, headers: Record<string, string> = {}) =>
  kiln.app.inject({ ...request, headers: { ...request.headers, ...headers } });
const label = ({ request }: (typeof ROUTES)[number]) => `${request.method} ${request.url}`;

const REQUIRED = {
  error: {
    code: 'UNAUTHORIZED',
    message: 'An API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
  },
};
const INVALID = { error: { code: 'UNAUTHORIZED', message: 'The API key is not valid' } };

describe('without a valid key', () => {
  it.each(ROUTES.map((route) => [label(route), route] as const))('%s answers 401', async (_, route) => {
    const res = await call(route.request);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="kiln"');
    expect(res.json()).toEqual(REQUIRED);
  });

  it('answers 401 invalid_token to a wrong key, in either header', async () => {
    const wrong = makeKey('runner', 'run');
    for (const headers of [
      bearer(wrong),
      { 'x-api-key': wrong.key },
      { authorization: `Bearer ${'a'.repeat(600)}` },
    ]) {
      const res = await kiln.app.inject({ method: 'GET', url: '/api/v1/languages', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="kiln", error="invalid_token"');
      expect(res.json()).toEqual(INVALID);
    }
  });

  it('does not take the hash for the key, nor a key in another scheme', async () => {
    for (const headers of [
      { authorization: `Bearer ${runner.sha256}` },
      { authorization: `Basic ${Buffer.from(`x:${runner.key}`).toString('base64')}` },
      { authorization: 'Bearer' },
    ]) {
      const res = await kiln.app.inject({ method: 'GET', url: '/api/v1/languages', headers });
      expect(res.statusCode).toBe(401);
    }
  });

  it('checks the HEAD twin of a GET route too', async () => {
    const res = await kiln.app.inject({ method: 'HEAD', url: '/api/v1/languages' });
    expect(res.statusCode).toBe(401);
  });

  it('leaves the probes and the documentation open', async () => {
    expect((await kiln.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    // Not ready (no executor publishes presence here), but answered, not refused.
    expect((await kiln.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    expect((await kiln.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await kiln.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
  });
});

describe('with a key of the wrong scope', () => {
  it.each(ROUTES.map((route) => [label(route), route] as const))(
    '%s answers 403 naming the scope',
    async (_, route) => {
      const [key, name] = route.scope === 'run' ? [grader, 'grader'] : [runner, 'runner'];
      const res = await call(route.request, bearer(key));
      expect(res.statusCode).toBe(403);
      const path = route.request.url.split('?')[0];
      expect(res.json()).toEqual({
        error: {
          code: 'FORBIDDEN',
          message: `API key "${name}" lacks the "${route.scope}" scope, which ${route.request.method} ${path} needs`,
        },
      });
    },
  );
});

describe('with a key of the right scope', () => {
  /** What each route answers once let in: its own answer, never 401 or 403. */
  const EXPECTED = [202, 404, 200, 200, 202, 404, 404, 404];

  it.each(ROUTES.map((route, index) => [label(route), route, EXPECTED[index]] as const))(
    '%s answers as the route does',
    async (_, route, status) => {
      const key = route.scope === 'run' ? runner : grader;
      for (const headers of [bearer(key), { 'x-api-key': key.key }, bearer(root), bearer(both)]) {
        const res = await call(route.request, headers);
        expect(res.statusCode).toBe(status);
      }
    },
  );

  it('runs code through the original API with a run key', async () => {
    const res = await call(ROUTES[3]!.request, { authorization: `bearer  ${runner.key}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      data: { output: 'hi', error: false, executionTime: '12 ms' },
    });
  });
});

describe('storage and documentation', () => {
  it('holds only the hashes: no key appears in the configuration or the key file', () => {
    const shown = JSON.stringify(kiln.app.config);
    const file = readFileSync(keyFile, 'utf8');
    for (const key of [runner, grader, root, both]) {
      expect(shown).toContain(key.sha256);
      expect(shown).not.toContain(key.key);
      expect(file).not.toContain(key.key);
    }
    expect(
      kiln.app.config.apiKeys.map(({ name, scopes, ratePerMinute }) => ({ name, scopes, ratePerMinute })),
    ).toEqual([
      { name: 'runner', scopes: ['run'], ratePerMinute: undefined },
      { name: 'grader', scopes: ['grade'], ratePerMinute: undefined },
      { name: 'root', scopes: ['admin'], ratePerMinute: undefined },
      { name: 'teacher.2024', scopes: ['run', 'grade'], ratePerMinute: 100 },
    ]);
  });

  it('documents the key requirement and the 401, 403 and 429 answers of every API route', async () => {
    const document = (await kiln.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: object; security?: object[]; description?: string }>>;
      components: { securitySchemes: object };
    };
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const codes = Object.keys(operation.responses);
        if (path.startsWith('/api/')) {
          expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '429']));
          expect(operation.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
          expect(operation.description).toMatch(/Needs an API key with the `(run|grade)` scope/);
        } else {
          expect(codes, `${method} ${path}`).not.toContain('401');
          expect(operation.security).toBeUndefined();
        }
      }
    }
  });
});

describe('start-up log', () => {
  /** The lines the gateway logs while starting with `env`. */
  async function startUpLog(env: Record<string, string>) {
    const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
    const logger: FastifyBaseLogger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const config = parseConfig({ KILN_REDIS_URL: kiln.redis.url, ...env });
    const started = Fastify({ ...appOptions(config), loggerInstance: logger });
    await started.register(app, { config });
    await started.ready();
    await started.close();
    return lines;
  }

  it('warns that an API without keys is open, and bound to localhost only', async () => {
    const lines = await startUpLog({ KILN_PUBLISHED_BIND: '127.0.0.1' });
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg:
        'the API is OPEN: no API keys are configured (KILN_API_KEYS), so anyone who can reach it may run ' +
        'code; it is bound to localhost only',
      host: '0.0.0.0',
      publishedBind: '127.0.0.1',
    });
  });

  it('with keys, names them and warns of nothing; neither key nor hash is logged', async () => {
    const lines = await startUpLog({ KILN_HOST: '0.0.0.0', KILN_API_KEYS: `${runner.entry},${both.entry}` });
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'API keys required under /api', apiKeys: ['runner', 'teacher.2024'] }),
    );
    const logged = JSON.stringify(lines);
    for (const text of [runner.key, runner.sha256, both.key, both.sha256]) expect(logged).not.toContain(text);
  });
});
