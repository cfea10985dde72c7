import type { ExecutionJob } from '@kiln/protocol';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { KilnClient } from '../src/index.js';
import { cannedResult, useGateway } from './support/gateway.js';

const gateway = useGateway({ build: 'none', flush: true, listen: true });

async function kiln(env: Record<string, string> = {}) {
  await gateway.start(env);
  return new KilnClient({ baseUrl: `http://127.0.0.1:${gateway.port}` });
}

async function worker(handle: (job: Job<ExecutionJob>) => Promise<unknown>) {
  await gateway.fakeWorker('python', handle);
}

const hello = { language: 'python', code: 'print("hello")' } as const;

describe('execute', () => {
  it('waits by default and gives the finished execution with its result', async () => {
    const kilnClient = await kiln();
    await worker(async (job) => cannedResult(job, { stdout: 'hello\n' }));
    const execution = await kilnClient.execute({ ...hello, stdin: 'x', limits: { timeMs: 2000 } });
    expect(execution).toEqual({
      id: execution.id,
      state: 'finished',
      result: {
        id: execution.id,
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
  });

  it('with wait=false gives the queued execution at once, which getExecution then reads', async () => {
    const kilnClient = await kiln();
    const execution = await kilnClient.execute(hello, { wait: false });
    expect(execution).toEqual({ id: execution.id, state: 'queued' });
    expect(await kilnClient.getExecution(execution.id)).toEqual({ id: execution.id, state: 'queued' });
  });
});

describe('run', () => {
  it('polls after a 202 until the execution finishes, and gives its result', async () => {
    // The gateway stops waiting at once, so the answer is a 202 and run() has to poll.
    const kilnClient = await kiln({ KILN_MAX_WAIT_MS: '0' });
    await worker(async (job) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return cannedResult(job, { stdout: 'late\n' });
    });
    const result = await kilnClient.run(hello, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ language: 'python', status: 'ok', stdout: 'late\n' });
    expect(await kilnClient.getExecution(result.id)).toEqual({ id: result.id, state: 'finished', result });
  });

  it('gives the finished result directly when the gateway waited for it', async () => {
    const kilnClient = await kiln();
    await worker(async (job) => cannedResult(job, { status: 'runtime_error', exitCode: 1 }));
    expect(await kilnClient.run(hello)).toMatchObject({ status: 'runtime_error', exitCode: 1 });
  });
});

describe('executeLegacy', () => {
  it('answers in the original shape, output trimmed', async () => {
    const kilnClient = await kiln();
    await worker(async (job) => {
      const name = job.data.stdin;
      return cannedResult(job, { stdout: `Enter your name: Hello, ${name}!\n` });
    });
    const answer = await kilnClient.executeLegacy({
      code: 'name = input("Enter your name: ")\nprint(f"Hello, {name}!")',
      language: 'python',
      input: 'Alice',
    });
    expect(answer).toEqual({
      success: true,
      data: { output: 'Enter your name: Hello, Alice!', error: false, executionTime: '12 ms' },
    });
  });
});
