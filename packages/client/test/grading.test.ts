import type { Batch, BatchRequest, Submission, SubmissionRequest } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { KilnApiError, KilnClient, KilnNetworkError } from '../src/index.js';

// The gateway's grading routes are tested where they live; here a stub fetch checks what the client sends
// and how it reads the answers, the event streams above all.

interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

function stub(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const client = new KilnClient({
    baseUrl: 'http://kiln.test/prefix/',
    apiKey: 'kiln_key',
    fetch: async (input, init) => {
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const call = {
        method: init?.method ?? 'GET',
        url: String(input),
        headers: new Headers(init?.headers),
        body,
      };
      sent.push(call);
      init?.signal?.throwIfAborted();
      return answer(call);
    },
  });
  return { client, sent };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** An event stream sent in the given chunks; `cancelled` tells whether the client closed it. */
function eventStream(chunks: string[]) {
  const state = { cancelled: false };
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const response = new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  return { response, state };
}

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail('the call should have failed'),
    (err: unknown) => err,
  );
}

const queued: Submission = {
  id: 's-1',
  language: 'python',
  state: 'queued',
  progress: { done: 0, total: 2 },
};
const finished: Submission = {
  ...queued,
  state: 'finished',
  progress: { done: 2, total: 2 },
  grade: { verdict: 'accepted', score: 2, maxScore: 2, passed: 2, tests: [] },
};
const batch: Batch = {
  id: 'b-1',
  state: 'running',
  total: 2,
  states: { queued: 1, running: 1, finished: 0 },
  verdicts: {},
  createdAt: 1_700_000_000_000,
};
const submissionRequest: SubmissionRequest = {
  language: 'python',
  code: 'print(input())',
  tests: [{ stdin: '1', expected: '1' }],
};

describe('submissions', () => {
  it('createSubmission POSTs the request with the wait flag, API key and idempotency key', async () => {
    const { client, sent } = stub(() => json(queued, 202));
    expect(await client.createSubmission(submissionRequest, { wait: false, idempotencyKey: 'k-1' })).toEqual(
      queued,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: 'http://kiln.test/prefix/api/v1/submissions?wait=false',
      body: submissionRequest,
    });
    expect(Object.fromEntries(sent[0]!.headers)).toEqual({
      accept: 'application/json',
      authorization: 'Bearer kiln_key',
      'content-type': 'application/json',
      'idempotency-key': 'k-1',
    });
  });

  it('createSubmission leaves the wait to the gateway and sends no idempotency key unless given', async () => {
    const { client, sent } = stub(() => json(finished, 201));
    expect(await client.createSubmission(submissionRequest)).toEqual(finished);
    expect(sent[0]?.url).toBe('http://kiln.test/prefix/api/v1/submissions');
    expect(sent[0]?.headers.has('idempotency-key')).toBe(false);
  });

  it('getSubmission reads it by its encoded id; an unknown one is a KilnApiError', async () => {
    const { client, sent } = stub(() =>
      json({ error: { code: 'SUBMISSION_NOT_FOUND', message: 'No submission a/b' } }, 404),
    );
    const err = await failure(client.getSubmission('a/b'));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({ status: 404, code: 'SUBMISSION_NOT_FOUND', message: 'No submission a/b' });
    expect(sent[0]).toMatchObject({ method: 'GET', url: 'http://kiln.test/prefix/api/v1/submissions/a%2Fb' });
  });

  it('submissionEvents yields typed progress, then finished, and closes the stream there', async () => {
    const text =
      ': hello\n\nevent: progress\ndata: {"done":1,"total":2}\n\n' +
      `event: finished\ndata: ${JSON.stringify(finished)}\n\n` +
      'event: progress\ndata: {"done":9,"total":9}\n\n';
    // Cut into 7-byte chunks, so lines and events straddle them.
    const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
    const stream = eventStream(chunks);
    const { client, sent } = stub(() => stream.response);
    expect(await collect(client.submissionEvents('s-1'))).toEqual([
      { type: 'progress', data: { done: 1, total: 2 } },
      { type: 'finished', data: finished },
    ]);
    expect(stream.state.cancelled).toBe(true);
    expect(sent[0]?.url).toBe('http://kiln.test/prefix/api/v1/submissions/s-1/events');
    expect(sent[0]?.headers.get('accept')).toBe('text/event-stream');
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer kiln_key');
  });

  it('submissionEvents skips events of other names', async () => {
    const { client } = stub(
      () =>
        eventStream([`data: ignored\n\nevent: ping\ndata: {}\n\nevent: finished\ndata: {"id":"s-1"}\n\n`])
          .response,
    );
    expect(await collect(client.submissionEvents('s-1'))).toEqual([
      { type: 'finished', data: { id: 's-1' } },
    ]);
  });
});

describe('batches', () => {
  it('createBatch POSTs with the idempotency key; getBatch and rejudgeBatch use the batch id', async () => {
    const { client, sent } = stub(() => json(batch, 201));
    const request: BatchRequest = {
      tests: submissionRequest.tests,
      submissions: [{ id: 'alice', language: 'cpp', code: '' }],
    };
    expect(await client.createBatch(request, { idempotencyKey: 'k-2' })).toEqual(batch);
    expect(await client.getBatch('b-1')).toEqual(batch);
    expect(await client.rejudgeBatch('b-1')).toEqual(batch);
    expect(sent.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST http://kiln.test/prefix/api/v1/batches',
      'GET http://kiln.test/prefix/api/v1/batches/b-1',
      'POST http://kiln.test/prefix/api/v1/batches/b-1/rejudge',
    ]);
    expect(sent[0]?.body).toEqual(request);
    expect(sent[0]?.headers.get('idempotency-key')).toBe('k-2');
  });

  it('getBatchResults reads JSON; getBatchResultsCsv gives the CSV exactly as sent', async () => {
    const csv =
      'id,submission_id,language,state,verdict,score,max_score,passed,tests,time_ms_max,memory_kb_max\r\n';
    const results = { id: 'b-1', state: 'finished', results: [] };
    const { client, sent } = stub((call) =>
      call.url.includes('format=csv')
        ? new Response(csv, { headers: { 'content-type': 'text/csv' } })
        : json(results),
    );
    expect(await client.getBatchResults('b-1')).toEqual(results);
    expect(await client.getBatchResultsCsv('b-1')).toBe(csv);
    expect(sent.map((call) => [call.url, call.headers.get('accept')])).toEqual([
      ['http://kiln.test/prefix/api/v1/batches/b-1/results', 'application/json'],
      ['http://kiln.test/prefix/api/v1/batches/b-1/results?format=csv', 'text/csv'],
    ]);
  });

  it('batchEvents throws KilnNetworkError when the stream ends before finished', async () => {
    const { client } = stub(
      () => eventStream([`event: progress\ndata: ${JSON.stringify(batch)}\n\n`]).response,
    );
    const seen: unknown[] = [];
    const err = await failure(
      (async () => {
        for await (const event of client.batchEvents('b-1')) seen.push(event);
      })(),
    );
    expect(seen).toEqual([{ type: 'progress', data: batch }]);
    expect(err).toBeInstanceOf(KilnNetworkError);
    expect(err).toMatchObject({
      code: 'NETWORK_ERROR',
      message: 'GET /api/v1/batches/b-1/events ended before its finished event',
    });
  });

  it('batchEvents throws the error answer as KilnApiError', async () => {
    const { client } = stub(() => json({ error: { code: 'BATCH_NOT_FOUND', message: 'No batch b-2' } }, 404));
    const err = await failure(collect(client.batchEvents('b-2')));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({ status: 404, code: 'BATCH_NOT_FOUND' });
  });

  it('batchEvents refuses an answer that is not an event stream, and data that is not JSON', async () => {
    const html = stub(() => new Response('<html>', { headers: { 'content-type': 'text/html' } }));
    expect(await failure(collect(html.client.batchEvents('b-1')))).toMatchObject({
      code: 'INVALID_RESPONSE',
      message: 'GET /api/v1/batches/b-1/events answered with "text/html", not an event stream',
    });
    const garbled = stub(() => eventStream(['event: progress\ndata: {oops\n\n']).response);
    expect(await failure(collect(garbled.client.batchEvents('b-1')))).toMatchObject({
      code: 'INVALID_RESPONSE',
      message: 'GET /api/v1/batches/b-1/events sent a progress event that is not JSON',
    });
  });

  it('batchEvents ends with the reason of an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped by the caller'));
    const { client } = stub(() => eventStream([]).response);
    const err = await failure(collect(client.batchEvents('b-1', { signal: controller.signal })));
    expect(err).toEqual(new Error('stopped by the caller'));
  });
});

describe('executions', () => {
  it('execute sends the idempotency key', async () => {
    const { client, sent } = stub(() => json({ id: 'e-1', state: 'queued' }, 202));
    await client.execute({ language: 'python', code: '' }, { wait: false, idempotencyKey: 'k-3' });
    expect(sent[0]?.url).toBe('http://kiln.test/prefix/api/v1/executions?wait=false');
    expect(sent[0]?.headers.get('idempotency-key')).toBe('k-3');
  });
});
