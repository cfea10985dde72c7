import type { Queue, Worker } from 'bullmq';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { cannedResult } from './support/fake-workers.js';
import { pollUntil, useGateway } from './support/gateway.js';

const kiln = useGateway({ build: 'none', flush: true, env: { KILN_MAX_WAIT_MS: '10000' } });

const tests = [{ stdin: '1\n', expected: '1\n' }];

/** Every POST that creates work, with a body, another body, and where its jobs go. */
interface Endpoint {
  name: string;
  url: string;
  body: object;
  other: object;
  /** The status of a created resource. */
  created: number;
  /** It answers only once the work is done, so a worker must be there. */
  waits?: boolean;
  /** The queue its jobs land in (a batch's children, for batches). */
  queue: (app: FastifyInstance) => Queue;
  /** The same request without a key, to fill the queue. */
  filler: { url: string; body: object };
  /** Starts a fake worker on that queue. */
  work: () => Promise<Worker>;
}

const executionsWorker = () => kiln.fakeWorker('python', async (job) => cannedResult(job, { stdout: '1\n' }));
const gradingWorker = () => kiln.fakeGradingWorker('python');
const execution = { language: 'python', code: 'print(1)' };
const submission = { language: 'python', code: 'print(1)', tests };
const batch = { tests, submissions: [{ id: 'a', language: 'python', code: 'print(1)' }] };

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /api/v1/executions',
    url: '/api/v1/executions?wait=false',
    body: execution,
    other: { ...execution, stdin: 'x' },
    created: 202,
    queue: (app) => app.jobs.executions.queue('python'),
    filler: { url: '/api/v1/executions?wait=false', body: execution },
    work: executionsWorker,
  },
  {
    name: 'POST /api/code/execute',
    url: '/api/code/execute',
    body: execution,
    other: { ...execution, input: 'x' },
    created: 200,
    waits: true,
    queue: (app) => app.jobs.executions.queue('python'),
    filler: { url: '/api/v1/executions?wait=false', body: execution },
    work: executionsWorker,
  },
  {
    name: 'POST /api/v1/submissions',
    url: '/api/v1/submissions?wait=false',
    body: submission,
    other: { ...submission, code: 'print(2)' },
    created: 202,
    queue: (app) => app.jobs.submissions.queue('python'),
    filler: { url: '/api/v1/submissions?wait=false', body: submission },
    work: gradingWorker,
  },
  {
    name: 'POST /api/v1/batches',
    url: '/api/v1/batches',
    body: batch,
    other: { ...batch, stopOnFirstFailure: true },
    created: 201,
    queue: (app) => app.jobs.submissions.queue('python'),
    filler: { url: '/api/v1/batches', body: batch },
    work: gradingWorker,
  },
];

const post = (app: FastifyInstance, url: string, body: object, key?: string) =>
  app.inject({
    method: 'POST',
    url,
    payload: body,
    ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
  });

/** Jobs of the queue in any state. */
async function jobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

/** What identifies the resource a POST created; the legacy endpoint answers no id, only its output. */
const identity = (res: LightMyRequestResponse) => res.json().id ?? res.json();

describe.each(ENDPOINTS)('Idempotency-Key on $name', (endpoint) => {
  it('answers a repeat with the same key and body with the first resource, queueing one job', async () => {
    const app = await kiln.start();
    if (endpoint.waits) await endpoint.work();
    const first = await post(app, endpoint.url, endpoint.body, 'retry-1');
    expect(first.statusCode).toBe(endpoint.created);
    const again = await post(app, endpoint.url, endpoint.body, 'retry-1');
    expect(again.statusCode).toBe(endpoint.created);
    expect(identity(again)).toEqual(identity(first));
    expect(await jobs(endpoint.queue(app))).toBe(1);
    // Another key is new work.
    expect((await post(app, endpoint.url, endpoint.body, 'retry-2')).statusCode).toBe(endpoint.created);
    expect(await jobs(endpoint.queue(app))).toBe(2);
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const app = await kiln.start();
    if (endpoint.waits) await endpoint.work();
    expect((await post(app, endpoint.url, endpoint.body, 'key-1')).statusCode).toBe(endpoint.created);
    const res = await post(app, endpoint.url, endpoint.other, 'key-1');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      error: {
        code: 'IDEMPOTENCY_KEY_REUSED',
        message:
          'This Idempotency-Key was already used for a request with a different body; use a new key for new work',
      },
    });
    expect(await jobs(endpoint.queue(app))).toBe(1);
  });

  it.each([
    ['non-ASCII', 'clé-1', 'headers.idempotency-key must match pattern "^[\\x21-\\x7e]+$"'],
    [
      'over 255 characters',
      'k'.repeat(256),
      'headers.idempotency-key must not have more than 255 characters',
    ],
  ])('refuses a key %s with 400, queueing nothing', async (_, key, message) => {
    const app = await kiln.start();
    const res = await post(app, endpoint.url, endpoint.body, key);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_ERROR', message } });
    expect(await jobs(endpoint.queue(app))).toBe(0);
  });

  it('gives the key back when the request is refused with 429, so a retry once the queue drains creates it', async () => {
    const app = await kiln.start({ KILN_MAX_QUEUE_DEPTH: '1' });
    const queue = endpoint.queue(app);
    expect((await post(app, endpoint.filler.url, endpoint.filler.body)).statusCode).toBeLessThan(300);
    const refused = await post(app, endpoint.url, endpoint.body, 'after-429');
    expect(refused.statusCode).toBe(429);
    expect(await jobs(queue)).toBe(1);

    await endpoint.work();
    await pollUntil(
      () => queue.getJobCountByTypes('waiting', 'active'),
      (count) => count === 0,
    );
    const retried = await post(app, endpoint.url, endpoint.body, 'after-429');
    expect(retried.statusCode).toBe(endpoint.created);
    expect(await jobs(queue)).toBe(2);
  });
});

describe('Idempotency-Key on submissions', () => {
  it('answers a repeat of a finished submission with its grade, without grading it again', async () => {
    const app = await kiln.start();
    let graded = 0;
    await kiln.fakeGradingWorker('python', {
      started: async () => {
        graded += 1;
      },
    });
    const first = await post(app, '/api/v1/submissions', submission, 'once');
    expect(first.statusCode).toBe(200);
    expect(first.json().grade.verdict).toBe('accepted');
    const again = await post(app, '/api/v1/submissions', submission, 'once');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(graded).toBe(1);
  });

  it('keeps keys apart per kind of work: the same key on executions and submissions creates both', async () => {
    const app = await kiln.start();
    const submitted = await post(app, '/api/v1/submissions?wait=false', submission, 'shared');
    const executed = await post(app, '/api/v1/executions?wait=false', execution, 'shared');
    expect(submitted.statusCode).toBe(202);
    expect(executed.statusCode).toBe(202);
    expect(executed.json().id).not.toBe(submitted.json().id);
  });
});
