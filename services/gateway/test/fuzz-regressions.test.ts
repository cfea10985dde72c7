import { describe, expect, it } from 'vitest';
import { FUZZ_ENV } from './support/fuzz.js';
import { JSON_HEADERS, useGateway } from './support/gateway.js';
import { exchange, head } from './support/raw-http.js';

/** The bugs the fuzz suites (fuzz-*.test.ts) found, each pinned by the smallest example. */

const kiln = useGateway({ env: FUZZ_ENV, flush: true, listen: true });

const error = (code: string, message: string) => ({ error: { code, message } });
const CLOSE: Array<[string, string]> = [
  ['Host', 'kiln'],
  ['Connection', 'close'],
];

describe('answers Fastify gave in its own shape', () => {
  it('a path with a percent-escape that does not decode is a 400 INVALID_URL', async () => {
    const res = await kiln.app.inject({ method: 'GET', url: '/api/v1/executions/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      error('INVALID_URL', 'The URL path has a percent-escape that does not decode'),
    );
  });

  it('a path segment longer than any id is a 414 URL_TOO_LONG', async () => {
    const res = await kiln.app.inject({ method: 'GET', url: `/api/v1/batches/${'a'.repeat(2000)}` });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual(error('URL_TOO_LONG', 'A segment of the URL path is longer than any id'));
  });
});

it('reads back a batch item whose id is 200 characters long, as is and percent-encoded', async () => {
  // Fastify's default maxParamLength (100) refused any item id past 63 characters with a 414.
  const itemId = `${'s'.repeat(188)}@example.org`;
  const created = await kiln.app.inject({
    method: 'POST',
    url: '/api/v1/batches',
    headers: JSON_HEADERS,
    payload: {
      tests: [{ stdin: '', expected: '' }],
      submissions: [{ id: itemId, language: 'python', code: 'x' }],
    },
  });
  expect(created.statusCode).toBe(201);
  const submissionId = `${created.json<{ id: string }>().id}.${itemId}`;
  for (const path of [submissionId, encodeURIComponent(submissionId)]) {
    const res = await kiln.app.inject({ method: 'GET', url: `/api/v1/submissions/${path}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: submissionId, state: 'queued' });
  }
});

describe('a body that is not UTF-8', () => {
  // Fastify decoded each invalid byte to U+FFFD and queued code the caller never sent, with a 202.
  const body = Buffer.concat([
    Buffer.from('{"language":"python","code":"print(\''),
    Buffer.from([0xff, 0xc3, 0x28]),
    Buffer.from('\')"}'),
  ]);

  it('is refused with 400 INVALID_JSON and nothing is queued', async () => {
    const res = await kiln.app.inject({
      method: 'POST',
      url: '/api/v1/executions?wait=false',
      headers: JSON_HEADERS,
      payload: body,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(error('INVALID_JSON', 'The request body is not valid JSON'));
    expect(await kiln.app.jobs.executions.queue('python').count()).toBe(0);
  });

  it('is refused over a socket too, even with a character split between two writes', async () => {
    const request = head('POST /api/v1/executions?wait=false HTTP/1.1', [
      ...CLOSE,
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)],
    ]);
    const { answers } = await exchange(kiln.port, [request, body.subarray(0, 38), body.subarray(38)]);
    expect(answers.map((answer) => [answer.status, JSON.parse(answer.body)])).toEqual([
      [400, error('INVALID_JSON', 'The request body is not valid JSON')],
    ]);
    // Valid UTF-8 split mid-character still arrives whole.
    const valid = Buffer.from('{"language":"python","code":"print(\'é€😀\')"}');
    const split = await exchange(kiln.port, [
      head('POST /api/v1/executions?wait=false HTTP/1.1', [
        ...CLOSE,
        ['Content-Type', 'application/json'],
        ['Content-Length', String(valid.length)],
      ]),
      valid.subarray(0, 39),
      valid.subarray(39),
    ]);
    expect(split.answers.map((answer) => answer.status)).toEqual([202]);
    const [job] = await kiln.app.jobs.executions.queue('python').getJobs(['waiting']);
    expect(job?.data.code).toBe("print('é€😀')");
  });
});

describe("what Node's HTTP parser refuses", () => {
  it.each([
    ['an unknown method', 'FOO /health HTTP/1.1', [] as Array<[string, string]>],
    ['a NUL in a header value', 'GET /health HTTP/1.1', [['X-Bad', 'a\u0000b']] as Array<[string, string]>],
    [
      'a Content-Length that is no number',
      'POST /api/v1/executions HTTP/1.1',
      [['Content-Length', 'abc']] as Array<[string, string]>,
    ],
  ])('%s is a 400 MALFORMED_REQUEST in the error shape', async (_, line, headers) => {
    const { answers } = await exchange(kiln.port, [head(line, [...CLOSE, ...headers])]);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.status).toBe(400);
    expect(answers[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answers[0]?.body ?? '')).toEqual(
      error('MALFORMED_REQUEST', 'The request is not valid HTTP/1.1'),
    );
  });

  it('headers past 16 KiB are a 431 HEADERS_TOO_LARGE', async () => {
    const { answers } = await exchange(kiln.port, [
      head('GET /health HTTP/1.1', [...CLOSE, ['X-Big', 'x'.repeat(20_000)]]),
    ]);
    expect(answers.map((answer) => [answer.status, JSON.parse(answer.body)])).toEqual([
      [431, error('HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts')],
    ]);
  });
});
