import { randomUUID } from 'node:crypto';
import { freePort } from '@kiln/testing';
import { describe, expect, it } from 'vitest';
import { type ExecutionRequest, KilnApiError, KilnClient, KilnNetworkError } from '../src/index.js';
import { useGateway } from './support/gateway.js';

const gateway = useGateway({ build: 'none', flush: true, listen: true });

async function kiln(env: Record<string, string> = {}, timeoutMs?: number) {
  await gateway.start(env);
  return new KilnClient({
    baseUrl: `http://127.0.0.1:${gateway.port}`,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

/** The error a call rejects with, so each test can assert all of its fields. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail('the call should have failed'),
    (err: unknown) => err,
  );
}

const hello = { language: 'python', code: 'print("hello")' } as const;

describe('KilnApiError', () => {
  it('is EXECUTION_NOT_FOUND (404) for an unknown id', async () => {
    const kilnClient = await kiln();
    const id = randomUUID();
    const err = await failure(kilnClient.getExecution(id));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({
      name: 'KilnApiError',
      status: 404,
      code: 'EXECUTION_NOT_FOUND',
      message: `No execution ${id}: it never existed or its result has expired`,
      retryAfterSeconds: undefined,
    });
  });

  it('is VALIDATION_ERROR (400) for a body the schema refuses', async () => {
    const kilnClient = await kiln();
    const err = await failure(kilnClient.execute({ ...hello, limits: { timeMs: 0 } }));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect((err as KilnApiError).message).toMatch(/^body\.limits\.timeMs /);
  });

  it('is UNKNOWN_LANGUAGE (400) for a language Kiln does not run', async () => {
    const kilnClient = await kiln();
    const request = { language: 'cobol', code: 'DISPLAY "hi"' } as unknown as ExecutionRequest;
    const err = await failure(kilnClient.execute(request));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'UNKNOWN_LANGUAGE',
      message: 'Unknown language "cobol"; known languages: python, javascript, cpp',
    });
  });

  it('is QUEUE_FULL (429) with the Retry-After seconds when the queue is at its bound', async () => {
    const kilnClient = await kiln({ KILN_MAX_QUEUE_DEPTH: '0' });
    const err = await failure(kilnClient.run(hello));
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({
      status: 429,
      code: 'QUEUE_FULL',
      message: 'Too many python executions are waiting; retry in 5 s',
      retryAfterSeconds: 5,
    });
  });
});

describe('KilnNetworkError', () => {
  it('is NETWORK_ERROR when nothing listens on the port', async () => {
    const kilnClient = new KilnClient({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const err = await failure(kilnClient.health());
    expect(err).toBeInstanceOf(KilnNetworkError);
    expect(err).toMatchObject({ name: 'KilnNetworkError', code: 'NETWORK_ERROR', executionId: undefined });
    expect((err as Error).message).toMatch(/^GET \/health failed: fetch failed: .*ECONNREFUSED/);
  });

  it('is TIMEOUT when the gateway does not answer within timeoutMs', async () => {
    // No worker: the gateway holds the waiting POST until its own wait (5 s) ends, long after the client's.
    const kilnClient = await kiln({ KILN_MAX_WAIT_MS: '5000' }, 200);
    const err = await failure(kilnClient.execute(hello));
    expect(err).toBeInstanceOf(KilnNetworkError);
    expect(err).toMatchObject({
      code: 'TIMEOUT',
      message: 'POST /api/v1/executions got no answer within 200 ms',
    });
  });

  it('is TIMEOUT, with the execution id, when run() polls past its timeout', async () => {
    // Long enough for the first POST to a fresh gateway on a loaded machine: the timeout under test is
    // the polling's, after the execution was accepted.
    const kilnClient = await kiln({ KILN_MAX_WAIT_MS: '0' });
    const err = await failure(kilnClient.run(hello, { timeoutMs: 3000 }));
    expect(err).toBeInstanceOf(KilnNetworkError);
    const { executionId } = err as KilnNetworkError;
    expect(err).toMatchObject({
      code: 'TIMEOUT',
      message: `Execution ${executionId} did not finish within 3000 ms; read it later with getExecution`,
    });
    expect(await kilnClient.getExecution(executionId!)).toEqual({ id: executionId, state: 'queued' });
  });
});
