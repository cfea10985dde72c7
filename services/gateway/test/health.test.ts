import { PRESENCE_KEY, PRESENCE_STALE_MS } from '@kiln/protocol';
import { describe, expect, it } from 'vitest';
import { publishPresence, useGateway } from './support/gateway.js';

const kiln = useGateway({ build: 'test', flush: true });

const get = (url: string) => kiln.app.inject({ method: 'GET', url });
const stale = () => Date.now() - PRESENCE_STALE_MS - 1000;

describe('probes', () => {
  it('GET /health answers 200 while the process is up', async () => {
    const res = await get('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 503 naming every language without a live executor', async () => {
    const none = await get('/ready');
    expect(none.statusCode).toBe(503);
    expect(none.json()).toEqual({
      error: { code: 'NOT_READY', message: 'Not ready: no live executor for python, javascript, cpp' },
    });

    await publishPresence(kiln.client, 'python', '10.0.0.2:8765');
    await publishPresence(kiln.client, 'cpp', '10.0.0.4:8765', { seenAt: stale() });
    const some = await get('/ready');
    expect(some.statusCode).toBe(503);
    expect(some.json()).toEqual({
      error: { code: 'NOT_READY', message: 'Not ready: no live executor for javascript, cpp' },
    });
  });

  it('GET /ready answers 200 once every language has a fresh presence entry', async () => {
    await publishPresence(kiln.client, 'python', '10.0.0.2:8765');
    await publishPresence(kiln.client, 'javascript', '10.0.0.3:8765');
    await publishPresence(kiln.client, 'cpp', '10.0.0.4:8765');
    const res = await get('/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', languages: ['python', 'javascript', 'cpp'] });
  });
});

describe('GET /api/v1/languages', () => {
  it('lists nothing while no executor is live', async () => {
    const res = await get('/api/v1/languages');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ languages: [] });
  });

  it('sums the live replicas per language, with the versions they report', async () => {
    await publishPresence(kiln.client, 'cpp', '10.0.0.7:8765', { version: 'g++ 12.2.0', slots: 4, busy: 1 });
    await publishPresence(kiln.client, 'python', '10.0.0.2:8765', { version: 'Python 3.11.2', busy: 2 });
    await publishPresence(kiln.client, 'python', '10.0.0.3:8765', { version: 'Python 3.11.2' });
    await publishPresence(kiln.client, 'python', '10.0.0.5:8765', { version: 'Python 3.12.1' });
    await publishPresence(kiln.client, 'javascript', '10.0.0.6:8765', { seenAt: stale() });
    await kiln.client.hset(PRESENCE_KEY, 'python|garbage', '{not json');
    await kiln.client.hset(PRESENCE_KEY, 'ruby|10.0.0.9:8765', JSON.stringify({ language: 'ruby' }));

    const res = await get('/api/v1/languages');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      languages: [
        { language: 'python', versions: ['Python 3.11.2', 'Python 3.12.1'], replicas: 3, slots: 6, busy: 2 },
        { language: 'cpp', versions: ['g++ 12.2.0'], replicas: 1, slots: 4, busy: 1 },
      ],
    });
  });
});

describe('documentation', () => {
  it('GET /openapi.json lists every route with every response code it declares', async () => {
    const res = await get('/openapi.json');
    expect(res.statusCode).toBe(200);
    const document = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: object; tags: string[] }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        codes: Object.keys(operation.responses).sort(),
        tags: operation.tags,
      })),
    );
    expect(routes.sort((a, b) => a.route.localeCompare(b.route))).toEqual([
      {
        route: 'GET /api/v1/batches/{id}',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['grading'],
      },
      {
        route: 'GET /api/v1/batches/{id}/events',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['grading'],
      },
      {
        route: 'GET /api/v1/batches/{id}/results',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['grading'],
      },
      {
        route: 'GET /api/v1/executions/{id}',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['executions'],
      },
      { route: 'GET /api/v1/languages', codes: ['200', '429', '500', '503'], tags: ['languages'] },
      {
        route: 'GET /api/v1/submissions/{id}',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['grading'],
      },
      {
        route: 'GET /api/v1/submissions/{id}/events',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['grading'],
      },
      { route: 'GET /health', codes: ['200'], tags: ['health'] },
      { route: 'GET /openapi.json', codes: ['200'], tags: ['meta'] },
      { route: 'GET /ready', codes: ['200', '503'], tags: ['health'] },
      {
        route: 'POST /api/code/execute',
        codes: ['200', '400', '413', '415', '422', '429', '500', '503', '504'],
        tags: ['legacy'],
      },
      {
        route: 'POST /api/v1/batches',
        codes: ['201', '400', '413', '415', '422', '429', '500', '503'],
        tags: ['grading'],
      },
      {
        route: 'POST /api/v1/batches/{id}/rejudge',
        codes: ['200', '400', '404', '429', '500', '503'],
        tags: ['grading'],
      },
      {
        route: 'POST /api/v1/executions',
        codes: ['200', '202', '400', '413', '415', '422', '429', '500', '503'],
        tags: ['executions'],
      },
      {
        route: 'POST /api/v1/submissions',
        codes: ['200', '202', '400', '413', '415', '422', '429', '500', '503'],
        tags: ['grading'],
      },
    ]);
  });

  it('GET /docs serves Swagger UI', async () => {
    const res = await get('/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger-ui');
  });
});
