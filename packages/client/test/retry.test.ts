import { describe, expect, it } from 'vitest';
import { KilnApiError, KilnClient, type KilnClientOptions } from '../src/index.js';
import { refusal, type ScriptedAnswer, scriptedServer } from './support/scripted-server.js';

// Retries against a real HTTP server (node:http), so Retry-After, timing and the repeated requests are what
// fetch really sends and reads.

const hello = { language: 'python', code: 'print("hello")' } as const;
const finished = { id: 'e-1', state: 'finished', result: { id: 'e-1', status: 'ok' } };
const healthy: ScriptedAnswer = { status: 200, body: { status: 'ok' } };

async function kiln(answers: ScriptedAnswer[], options: Partial<KilnClientOptions> = {}) {
  const server = await scriptedServer(answers);
  return { server, client: new KilnClient({ baseUrl: server.baseUrl, ...options }) };
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail('the call should have failed'),
    (err: unknown) => err,
  );
}

/** Milliseconds between one request and the next. */
const gaps = (requests: { at: number }[]) =>
  requests.slice(1).map((request, i) => request.at - requests[i]!.at);

describe('retry', () => {
  it('is off by default: the first 429 throws', async () => {
    const { server, client } = await kiln([refusal(429, '0'), healthy]);
    const err = await failure(client.health());
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({ status: 429, code: 'QUEUE_FULL', retryAfterSeconds: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('sends a refused POST again, body and Idempotency-Key unchanged, until it is accepted', async () => {
    const answers = [refusal(429, '0'), refusal(503, '0'), { status: 200, body: finished }];
    const { server, client } = await kiln(answers, { retry: { attempts: 2 } });
    expect(await client.execute(hello, { idempotencyKey: 'key-1' })).toEqual(finished);
    expect(server.requests).toHaveLength(3);
    for (const request of server.requests) {
      expect(request).toMatchObject({
        method: 'POST',
        url: '/api/v1/executions',
        body: JSON.stringify(hello),
      });
      expect(request.headers['idempotency-key']).toBe('key-1');
    }
  });

  it('waits the seconds Retry-After names', async () => {
    const { server, client } = await kiln([refusal(429, '1'), healthy], { retry: { attempts: 1 } });
    expect(await client.health()).toEqual({ status: 'ok' });
    const [gap] = gaps(server.requests);
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(1500);
  });

  it('reads a Retry-After that is an HTTP date', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const { server, client } = await kiln([refusal(503, past), healthy], { retry: { attempts: 1 } });
    expect(await client.health()).toEqual({ status: 'ok' });
    expect(gaps(server.requests)[0]).toBeLessThan(500);
  });

  it('without Retry-After, waits 0.5 s and doubles, up to maxDelayMs', async () => {
    const answers = [refusal(503), refusal(503), refusal(503), healthy];
    const { server, client } = await kiln(answers, { retry: { attempts: 3, maxDelayMs: 700 } });
    expect(await client.health()).toEqual({ status: 'ok' });
    const waits = gaps(server.requests);
    expect(waits).toHaveLength(3);
    [500, 700, 700].forEach((expected, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(expected - 10);
      expect(waits[i]).toBeLessThan(expected + 400);
    });
  });

  it('throws the last refusal once the attempts are used up', async () => {
    const { server, client } = await kiln([refusal(429, '0')], { retry: { attempts: 2 } });
    const err = await failure(client.execute(hello));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({ status: 429, code: 'QUEUE_FULL' });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry when Retry-After asks for longer than maxDelayMs', async () => {
    const { server, client } = await kiln([refusal(429, '60'), healthy], {
      retry: { attempts: 3, maxDelayMs: 5_000 },
    });
    const err = await failure(client.health());
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not start a retry that would end past timeoutMs', async () => {
    const { server, client } = await kiln([refusal(429, '2'), healthy], {
      retry: { attempts: 3 },
      timeoutMs: 1_000,
    });
    const started = Date.now();
    const err = await failure(client.health());
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 2 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry other error answers', async () => {
    const notFound = { status: 404, body: { error: { code: 'EXECUTION_NOT_FOUND', message: 'gone' } } };
    const broken = { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'oops' } } };
    for (const answer of [notFound, broken]) {
      const { server, client } = await kiln([answer, healthy], { retry: { attempts: 3 } });
      expect(await failure(client.getExecution('e-1'))).toMatchObject({ status: answer.status });
      expect(server.requests).toHaveLength(1);
    }
  });

  it('retries opening an event stream', async () => {
    const stream = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: 'event: finished\ndata: {"id":"s-1","state":"finished"}\n\n',
    };
    const { server, client } = await kiln([refusal(429, '0'), stream], { retry: { attempts: 1 } });
    const events = [];
    for await (const event of client.submissionEvents('s-1')) events.push(event);
    expect(events).toEqual([{ type: 'finished', data: { id: 's-1', state: 'finished' } }]);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/api/v1/submissions/s-1/events',
      '/api/v1/submissions/s-1/events',
    ]);
  });

  it("ends an event stream waiting to retry with the signal's reason", async () => {
    const { server, client } = await kiln([refusal(429, '5')], { retry: { attempts: 1 } });
    const reason = new Error('stopped by the caller');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    const events = client.submissionEvents('s-1', { signal: controller.signal });
    expect(await failure(events.next())).toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses retry options that are not counts', () => {
    const baseUrl = 'http://127.0.0.1:5000';
    for (const retry of [{ attempts: -1 }, { attempts: 1.5 }, { attempts: 1, maxDelayMs: -1 }]) {
      expect(() => new KilnClient({ baseUrl, retry })).toThrow(TypeError);
    }
  });
});
