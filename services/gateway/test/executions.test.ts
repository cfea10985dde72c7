import type { ExecutionJob } from '@kiln/protocol';
import { internalErrorResult } from '@kiln/protocol';
import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { cannedResult } from './support/fake-workers.js';
import { useGateway } from './support/gateway.js';

const kiln = useGateway({ build: 'none', flush: true });

const worker = (handle: (job: Job<ExecutionJob>) => Promise<unknown>) => kiln.fakeWorker('python', handle);

const post = (app: FastifyInstance, body: object, query = '') =>
  app.inject({ method: 'POST', url: `/api/v1/executions${query}`, payload: body });

describe('POST /api/v1/executions', () => {
  it('waits by default and answers 200 with the finished execution', async () => {
    const app = await kiln.start();
    const seen: ExecutionJob[] = [];
    await worker(async (job) => {
      seen.push(job.data);
      return cannedResult(job, { stdout: 'hello\n' });
    });
    const res = await post(app, {
      language: 'python',
      code: 'print("hello")',
      stdin: 'x',
      limits: { timeMs: 2000 },
    });
    expect(res.statusCode).toBe(200);
    const id = res.json().id;
    expect(res.json()).toEqual({
      id,
      state: 'finished',
      result: {
        id,
        language: 'python',
        status: 'ok',
        exitCode: 0,
        signal: null,
        stdout: 'hello\n',
        stderr: '',
        stdoutTruncated: false,
        stderrTruncated: false,
        timeMs: 12,
        cpuTimeMs: 10,
        memoryKb: 8192,
      },
    });
    // One job per execution, id = execution id, limits resolved against the defaults.
    expect(seen).toEqual([
      {
        id,
        language: 'python',
        code: 'print("hello")',
        stdin: 'x',
        limits: { timeMs: 2000, cpuTimeMs: 5000, memoryMb: 128, outputKb: 64 },
      },
    ]);
  });

  it('answers 202 when the maximum wait passes first, and GET later has the result', async () => {
    const app = await kiln.start({ KILN_MAX_WAIT_MS: '300' });
    await worker(async (job) => {
      await new Promise((resolve) => setTimeout(resolve, 1200));
      return cannedResult(job, { stdout: 'slow\n' });
    });
    const res = await post(app, { language: 'python', code: 'slow()' });
    expect(res.statusCode).toBe(202);
    const id = res.json().id;
    expect(res.json()).toEqual({ id, state: 'running' });

    let body = res.json();
    for (let tries = 0; tries < 50 && body.state !== 'finished'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const read = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}` });
      expect(read.statusCode).toBe(200);
      body = read.json();
    }
    expect(body).toEqual({ id, state: 'finished', result: { ...cannedResultFor(id), stdout: 'slow\n' } });
  });

  it('answers 202 at once with wait=false, and GET shows the execution queued', async () => {
    const app = await kiln.start();
    const res = await post(app, { language: 'python', code: 'print(1)' }, '?wait=false');
    expect(res.statusCode).toBe(202);
    const id = res.json().id;
    expect(res.json()).toEqual({ id, state: 'queued' });
    const read = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ id, state: 'queued' });
  });

  it('reports a job that failed on its last attempt as finished with internal_error, not a 5xx', async () => {
    const app = await kiln.start({ KILN_JOB_ATTEMPTS: '1' });
    await worker(async () => {
      throw new Error('executor vanished');
    });
    const res = await post(app, { language: 'python', code: 'print(1)' });
    expect(res.statusCode).toBe(200);
    const id = res.json().id;
    expect(res.json()).toEqual({ id, state: 'finished', result: internalErrorResult(id, 'python') });
    const read = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}` });
    expect(read.json()).toEqual({ id, state: 'finished', result: internalErrorResult(id, 'python') });
  });

  it('retries a job the worker failed, up to KILN_JOB_ATTEMPTS', async () => {
    const app = await kiln.start({ KILN_JOB_ATTEMPTS: '2', KILN_JOB_BACKOFF_MS: '10' });
    let calls = 0;
    await worker(async (job) => {
      calls += 1;
      if (calls === 1) throw new Error('executor vanished');
      return cannedResult(job);
    });
    const res = await post(app, { language: 'python', code: 'print(1)' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: res.json().id,
      state: 'finished',
      result: cannedResultFor(res.json().id),
    });
    expect(calls).toBe(2);
  });

  it('turns a return value that is not a result into internal_error', async () => {
    const app = await kiln.start();
    await worker(async () => ({ nonsense: true }));
    const res = await post(app, { language: 'python', code: 'print(1)' });
    expect(res.statusCode).toBe(200);
    const id = res.json().id;
    expect(res.json()).toEqual({ id, state: 'finished', result: internalErrorResult(id, 'python') });
  });

  it('ends a synchronous wait with 202 at once when the gateway closes', async () => {
    const app = await kiln.start();
    const pending = post(app, { language: 'python', code: 'print(1)' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const closed = app.close();
    const res = await pending;
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ id: res.json().id, state: 'queued' });
  });
});

describe('GET /api/v1/executions/:id', () => {
  it('answers 404 EXECUTION_NOT_FOUND for an id no queue has', async () => {
    const app = await kiln.start();
    const id = '0b7c3f0e-8d4a-4a8e-9a43-3c1f4d0f2a11';
    const res = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: 'EXECUTION_NOT_FOUND',
        message: `No execution ${id}: it never existed or its result has expired`,
      },
    });
  });

  it('shows a job a worker holds as running', async () => {
    const app = await kiln.start();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await worker(async (job) => {
      await held;
      return cannedResult(job);
    });
    const id = (await post(app, { language: 'python', code: 'print(1)' }, '?wait=false')).json().id;
    let body = { state: 'queued' };
    for (let tries = 0; tries < 50 && body.state !== 'running'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      body = (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}` })).json();
    }
    expect(body).toEqual({ id, state: 'running' });
    release();
  });
});

function cannedResultFor(id: string) {
  return cannedResult({ data: { id, language: 'python' } } as Job<ExecutionJob>);
}
