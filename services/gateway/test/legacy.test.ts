import type { ExecutionJob, ExecutionResult } from '@kiln/protocol';
import type { Job } from 'bullmq';
import { beforeEach, describe, expect, it } from 'vitest';
import { cannedResult } from './support/fake-workers.js';
import { useGateway } from './support/gateway.js';

const kiln = useGateway({ build: 'test', flush: true, env: { KILN_MAX_WAIT_MS: '2000' } });
let jobs: ExecutionJob[] = [];

beforeEach(() => {
  jobs = [];
});

/** The fake worker answers every job with this canned result. */
async function answerWith(overrides: Partial<ExecutionResult>) {
  await kiln.fakeWorker('python', async (job: Job<ExecutionJob>) => {
    jobs.push(job.data);
    return cannedResult(job, overrides);
  });
}

const execute = (payload: object) => kiln.app.inject({ method: 'POST', url: '/api/code/execute', payload });

describe('POST /api/code/execute (the original API)', () => {
  it('runs the README example: input becomes stdin, output is trimmed stdout', async () => {
    await answerWith({ stdout: 'Enter your name: Hello, Alice!\n' });
    const code = 'name = input("Enter your name: ")\nprint(f"Hello, {name}!")';
    const res = await execute({ code, language: 'python', input: 'Alice' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      data: { output: 'Enter your name: Hello, Alice!', error: false, executionTime: '12 ms' },
    });
    expect(jobs).toMatchObject([{ language: 'python', code, stdin: 'Alice' }]);
  });

  it('leaves stderr out of a successful run', async () => {
    await answerWith({ stdout: '42 \n\n', stderr: 'DeprecationWarning\n' });
    const res = await execute({ code: 'print(42)', language: 'python' });
    expect(res.json()).toEqual({
      success: true,
      data: { output: '42', error: false, executionTime: '12 ms' },
    });
    expect(jobs[0]?.stdin).toBe('');
  });

  it('appends stderr on its own line and sets error when the run failed', async () => {
    await answerWith({
      status: 'runtime_error',
      exitCode: 1,
      stdout: 'before the crash',
      stderr: 'Traceback (most recent call last):\nZeroDivisionError: division by zero\n',
      timeMs: 31,
    });
    const res = await execute({ code: '1/0', language: 'python' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      data: {
        output: 'before the crash\nTraceback (most recent call last):\nZeroDivisionError: division by zero',
        error: true,
        executionTime: '31 ms',
      },
    });
  });

  it("includes the compiler's diagnostics when compilation failed", async () => {
    await answerWith({
      status: 'compile_error',
      exitCode: null,
      timeMs: 0,
      compile: {
        status: 'compile_error',
        output: "main.cpp:1:1: error: 'x' does not name a type\n",
        timeMs: 300,
        cached: false,
      },
    });
    const res = await execute({ code: 'x', language: 'python' });
    expect(res.json()).toEqual({
      success: true,
      data: { output: "main.cpp:1:1: error: 'x' does not name a type", error: true, executionTime: '0 ms' },
    });
  });

  it('reports a time limit as an error with whatever was printed', async () => {
    await answerWith({
      status: 'time_limit_exceeded',
      exitCode: null,
      signal: 'SIGKILL',
      stdout: 'tick\ntick\n',
    });
    const res = await execute({ code: 'while True: pass', language: 'python' });
    expect(res.json()).toEqual({
      success: true,
      data: { output: 'tick\ntick', error: true, executionTime: '12 ms' },
    });
  });

  it('rejects unknown fields and languages with the common error shape', async () => {
    const unknownField = await execute({ code: 'x', language: 'python', stdin: 'oops' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json()).toEqual({
      error: { code: 'VALIDATION_ERROR', message: 'Unknown field body.stdin: it is not part of this API' },
    });
    const unknownLanguage = await execute({ code: 'x', language: 'ruby' });
    expect(unknownLanguage.statusCode).toBe(400);
    expect(unknownLanguage.json()).toEqual({
      error: {
        code: 'UNKNOWN_LANGUAGE',
        message: 'Unknown language "ruby"; known languages: python, javascript, cpp',
      },
    });
  });

  it('answers 504 WAIT_TIMEOUT, naming the execution, when no worker finishes it in time', async () => {
    await kiln.start({ KILN_MAX_WAIT_MS: '200' });
    const res = await execute({ code: 'print(1)', language: 'javascript' });
    expect(res.statusCode).toBe(504);
    const id = /Execution (\S+) did not finish/.exec(res.json().error.message)?.[1];
    expect(res.json()).toEqual({
      error: {
        code: 'WAIT_TIMEOUT',
        message: `Execution ${id} did not finish within 200 ms; read it later at GET /api/v1/executions/${id}`,
      },
    });
    const read = await kiln.app.inject({ method: 'GET', url: `/api/v1/executions/${id}` });
    expect(read.json()).toEqual({ id, state: 'queued' });
  });
});
