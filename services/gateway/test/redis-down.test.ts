import { beforeAll, describe, expect, it } from 'vitest';
import { loseRedis, useGateway } from './support/gateway.js';

/** The gateway outlives its Redis: it says so with 503s, never with a 500 or a hang. */
const kiln = useGateway();
beforeAll(() => loseRedis(kiln.app, kiln.redis));

const unavailable = {
  error: { code: 'QUEUE_UNAVAILABLE', message: 'The execution queue is unavailable; retry shortly' },
};

describe('with Redis gone', () => {
  it('GET /ready answers 503 and /health still 200', async () => {
    const ready = await kiln.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      error: { code: 'NOT_READY', message: 'Not ready: Redis does not answer' },
    });
    const health = await kiln.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  });

  it('answers 503 QUEUE_UNAVAILABLE to a submission, a read and the language list', async () => {
    const submit = await kiln.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      payload: { language: 'python', code: 'print(1)' },
    });
    expect(submit.statusCode).toBe(503);
    expect(submit.json()).toEqual(unavailable);
    const read = await kiln.app.inject({
      method: 'GET',
      url: '/api/v1/executions/0b7c3f0e-8d4a-4a8e-9a43-3c1f4d0f2a11',
    });
    expect(read.statusCode).toBe(503);
    expect(read.json()).toEqual(unavailable);
    const languages = await kiln.app.inject({ method: 'GET', url: '/api/v1/languages' });
    expect(languages.statusCode).toBe(503);
    expect(languages.json()).toEqual(unavailable);
  });
});
