import { describe, expect, it } from 'vitest';
import { JSON_HEADERS, useGateway } from './support/gateway.js';

const kiln = useGateway({
  build: 'test',
  flush: true,
  env: { KILN_MAX_CODE_KB: '1', KILN_MAX_STDIN_KB: '1', KILN_MAX_WAIT_MS: '0' },
});

const submit = (payload: object | string, query = '?wait=false', headers = JSON_HEADERS) =>
  kiln.app.inject({ method: 'POST', url: `/api/v1/executions${query}`, payload, headers });

const error = (code: string, message: string) => ({ error: { code, message } });

/** Nothing a refused request sent may reach the queue. */
async function queuedJobs(): Promise<number> {
  return kiln.app.jobs.executions.queue('python').count();
}

describe('request validation', () => {
  it.each([
    [{ language: 'python', code: 'x', extra: 1 }, 'Unknown field body.extra: it is not part of this API'],
    [
      { language: 'python', code: 'x', limits: { timeMs: 5, wallMs: 1 } },
      'Unknown field body.limits.wallMs: it is not part of this API',
    ],
    [{ language: 'python' }, 'Missing required field body.code'],
    [{ language: 'python', code: 42 }, 'body.code must be string'],
    [{ language: 'python', code: 'x', limits: { memoryMb: 0 } }, 'body.limits.memoryMb must be >= 1'],
    [['python', 'x'], 'The body must be a JSON object'],
  ])('rejects %j with VALIDATION_ERROR', async (payload, message) => {
    const res = await submit(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(error('VALIDATION_ERROR', message));
    expect(await queuedJobs()).toBe(0);
  });

  it('rejects an unknown or malformed query parameter', async () => {
    const unknown = await submit({ language: 'python', code: 'x' }, '?wait=false&priority=1');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual(
      error('VALIDATION_ERROR', 'Unknown field querystring.priority: it is not part of this API'),
    );
    const malformed = await submit({ language: 'python', code: 'x' }, '?wait=maybe');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual(error('VALIDATION_ERROR', 'querystring.wait must be boolean'));
  });

  it('names the known languages for an unknown one', async () => {
    const res = await submit({ language: 'cobol', code: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      error('UNKNOWN_LANGUAGE', 'Unknown language "cobol"; known languages: python, javascript, cpp'),
    );
  });

  it('refuses a limit above its maximum with LIMIT_EXCEEDED', async () => {
    const res = await submit({ language: 'python', code: 'x', limits: { timeMs: 30_001 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      error('LIMIT_EXCEEDED', 'limits.timeMs is 30001, above the server maximum of 30000'),
    );
    expect(await queuedJobs()).toBe(0);
  });

  it('answers 413 for code or stdin over their caps, counted in UTF-8 bytes', async () => {
    const code = await submit({ language: 'python', code: 'é'.repeat(513) });
    expect(code.statusCode).toBe(413);
    expect(code.json()).toEqual(
      error('PAYLOAD_TOO_LARGE', "The code is larger than the server's limit of 1 KiB"),
    );
    const stdin = await submit({ language: 'python', code: 'x', stdin: 'y'.repeat(1025) });
    expect(stdin.statusCode).toBe(413);
    expect(stdin.json()).toEqual(
      error('PAYLOAD_TOO_LARGE', "The stdin is larger than the server's limit of 1 KiB"),
    );
    expect(await queuedJobs()).toBe(0);
  });

  it("answers 413 in the same shape when the whole body passes Fastify's limit", async () => {
    const res = await submit({ language: 'python', code: 'x'.repeat(100 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual(
      error('PAYLOAD_TOO_LARGE', "The request body is larger than the server's limit of 68 KiB"),
    );
  });

  it('answers 400 INVALID_JSON for a malformed or empty body', async () => {
    const malformed = await submit('{"language": "python", "code": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual(error('INVALID_JSON', 'The request body is not valid JSON'));
    const empty = await submit('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual(error('INVALID_JSON', 'The request body is not valid JSON'));
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await submit('print(1)', '?wait=false', { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual(
      error('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json)'),
    );
  });

  it('answers 404 NOT_FOUND for an unknown route', async () => {
    const res = await kiln.app.inject({ method: 'GET', url: '/api/v2/executions?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(error('NOT_FOUND', 'No route GET /api/v2/executions'));
  });

  it('answers 400 for an execution id that is not a UUID', async () => {
    const res = await kiln.app.inject({ method: 'GET', url: '/api/v1/executions/not-an-id' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(error('VALIDATION_ERROR', 'params.id must match format "uuid"'));
  });
});

describe('queue bound', () => {
  it('answers 429 QUEUE_FULL with Retry-After when the bound is 0', async () => {
    await kiln.start({ KILN_MAX_QUEUE_DEPTH: '0' });
    const res = await submit({ language: 'python', code: 'x' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual(error('QUEUE_FULL', 'Too many python executions are waiting; retry in 5 s'));
  });

  it('accepts up to the bound, then answers 429, per language', async () => {
    await kiln.start({ KILN_MAX_QUEUE_DEPTH: '1' });
    const first = await submit({ language: 'python', code: 'x' });
    expect(first.statusCode).toBe(202);
    const second = await submit({ language: 'python', code: 'x' });
    expect(second.statusCode).toBe(429);
    expect(second.json()).toEqual(
      error('QUEUE_FULL', 'Too many python executions are waiting; retry in 5 s'),
    );
    expect(await queuedJobs()).toBe(1);
    const otherLanguage = await submit({ language: 'cpp', code: 'int main() {}' });
    expect(otherLanguage.statusCode).toBe(202);
  });
});
