import type { TestCase } from '@kiln/api';
import type { SubmissionJob } from '@kiln/grading';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { FakeGradingOptions } from './support/fake-workers.js';
import { gate, pollUntil, useGateway } from './support/gateway.js';
import { listen, openStream, readEvents } from './support/sse.js';

const kiln = useGateway({ build: 'none', flush: true, env: { KILN_MAX_WAIT_MS: '10000' } });

/** Starts a fake python grader; the job data it receives is collected in `seen`. */
async function grader(options: FakeGradingOptions = {}, seen: SubmissionJob[] = []) {
  await kiln.fakeGradingWorker('python', {
    ...options,
    started: async (job) => {
      seen.push(job.data);
      await options.started?.(job);
    },
  });
  return seen;
}

const TESTS: TestCase[] = [
  { name: 'small', stdin: '1 2\n', expected: '3\n' },
  { stdin: '5 5\n', expected: '10\n', weight: 2 },
  { name: 'secret', stdin: '40 2\n', expected: '42\n', hidden: true },
];
const CODE = 'a, b = map(int, input().split())\nprint(a + b)';

const submit = (app: FastifyInstance, body: object, query = '') =>
  app.inject({ method: 'POST', url: `/api/v1/submissions${query}`, payload: body });
const read = (app: FastifyInstance, id: string) =>
  app.inject({ method: 'GET', url: `/api/v1/submissions/${id}` });
const error = (code: string, message: string) => ({ error: { code, message } });

/** Measurements of a canned run (see cannedResult). */
const RUN = { timeMs: 12, cpuTimeMs: 10, memoryKb: 8192, exitCode: 0 };

/** The grade of TESTS when every run prints the expected output. */
const ACCEPTED = {
  verdict: 'accepted',
  score: 4,
  maxScore: 4,
  passed: 3,
  tests: [
    {
      name: 'small',
      verdict: 'accepted',
      hidden: false,
      weight: 1,
      ...RUN,
      stdin: '1 2\n',
      expected: '3\n',
      stdout: '3\n',
      stderr: '',
    },
    {
      name: 'test-2',
      verdict: 'accepted',
      hidden: false,
      weight: 2,
      ...RUN,
      stdin: '5 5\n',
      expected: '10\n',
      stdout: '10\n',
      stderr: '',
    },
    // A hidden test shows its verdict and measurements only.
    { name: 'secret', verdict: 'accepted', hidden: true, weight: 1, ...RUN },
  ],
};

describe('POST /api/v1/submissions', () => {
  it('waits by default and answers 200 with the grade; the job has the default checker and resolved limits', async () => {
    const app = await kiln.start();
    const seen = await grader();
    const res = await submit(app, { language: 'python', code: CODE, tests: TESTS, limits: { timeMs: 2000 } });
    expect(res.statusCode).toBe(200);
    const id = res.json().id;
    expect(res.json()).toEqual({
      id,
      language: 'python',
      state: 'finished',
      progress: { done: 3, total: 3 },
      grade: ACCEPTED,
    });
    expect(seen).toEqual([
      {
        id,
        language: 'python',
        code: CODE,
        tests: TESTS,
        checker: { type: 'lines' },
        limits: { timeMs: 2000, cpuTimeMs: 5000, memoryMb: 128, outputKb: 64 },
        stopOnFirstFailure: false,
      },
    ]);
  });

  it('grades a wrong answer with a hint on a visible test and nothing of a hidden one', async () => {
    const app = await kiln.start();
    const seen = await grader({ run: (test) => ({ stdout: test.hidden ? '41\n' : test.expected }) });
    const res = await submit(app, {
      language: 'python',
      code: CODE,
      tests: [TESTS[2], { stdin: '2 2\n', expected: '4\n' }],
      checker: { type: 'tokens' },
      stopOnFirstFailure: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().grade).toEqual({
      verdict: 'wrong_answer',
      score: 0,
      maxScore: 2,
      passed: 0,
      tests: [
        { name: 'secret', verdict: 'wrong_answer', hidden: true, weight: 1, ...RUN },
        {
          name: 'test-2',
          verdict: 'skipped',
          hidden: false,
          weight: 1,
          timeMs: 0,
          cpuTimeMs: 0,
          memoryKb: 0,
          exitCode: null,
          stdin: '2 2\n',
          expected: '4\n',
        },
      ],
    });
    expect(seen[0]).toMatchObject({ checker: { type: 'tokens' }, stopOnFirstFailure: true });
  });

  it('answers 202 at once with wait=false, and GET by id follows it to its grade', async () => {
    const app = await kiln.start();
    const res = await submit(app, { language: 'python', code: CODE, tests: TESTS }, '?wait=false');
    expect(res.statusCode).toBe(202);
    const id = res.json().id;
    expect(res.json()).toEqual({ id, language: 'python', state: 'queued', progress: { done: 0, total: 3 } });
    expect((await read(app, id)).json()).toEqual(res.json());

    await grader({ stepMs: 20 });
    const finished = await pollUntil(
      async () => (await read(app, id)).json(),
      (body) => body.state === 'finished',
    );
    expect(finished).toEqual({
      id,
      language: 'python',
      state: 'finished',
      progress: { done: 3, total: 3 },
      grade: ACCEPTED,
    });
  });

  it('shows a job the worker holds as running, with its progress', async () => {
    const app = await kiln.start();
    const held = gate();
    const entered = gate();
    await grader({
      run: (test, index) => (index === 0 ? { stdout: test.expected } : undefined),
      started: async () => {
        entered.release();
        await held.wait();
      },
    });
    const id = (await submit(app, { language: 'python', code: CODE, tests: TESTS }, '?wait=false')).json().id;
    await entered.wait();
    expect((await read(app, id)).json()).toEqual({
      id,
      language: 'python',
      state: 'running',
      progress: { done: 0, total: 3 },
    });
    held.release();
    // Tests that never ran are Kiln's fault: the submission is internal_error, not the program's.
    const finished = await pollUntil(
      async () => (await read(app, id)).json(),
      (body) => body.state === 'finished',
    );
    expect(finished.grade.verdict).toBe('internal_error');
    expect(finished.grade.tests.map((test: { verdict: string }) => test.verdict)).toEqual([
      'accepted',
      'internal_error',
      'internal_error',
    ]);
  });

  it('grades a job that failed on its last attempt as internal_error on every test', async () => {
    const app = await kiln.start({ KILN_JOB_ATTEMPTS: '1' });
    await kiln.fakeGradingWorker('python', {
      started: async () => {
        throw new Error('executor vanished');
      },
    });
    const res = await submit(app, { language: 'python', code: CODE, tests: TESTS });
    expect(res.statusCode).toBe(200);
    const id = res.json().id;
    const internal = {
      verdict: 'internal_error',
      ...RUN,
      exitCode: null,
      timeMs: 0,
      cpuTimeMs: 0,
      memoryKb: 0,
    };
    expect(res.json()).toEqual({
      id,
      language: 'python',
      state: 'finished',
      progress: { done: 3, total: 3 },
      grade: {
        verdict: 'internal_error',
        score: 0,
        maxScore: 4,
        passed: 0,
        tests: [
          { name: 'small', hidden: false, weight: 1, ...internal, stdin: '1 2\n', expected: '3\n' },
          { name: 'test-2', hidden: false, weight: 2, ...internal, stdin: '5 5\n', expected: '10\n' },
          { name: 'secret', hidden: true, weight: 1, ...internal },
        ],
      },
    });
    expect((await read(app, id)).json()).toEqual(res.json());
  });
});

describe('POST /api/v1/submissions refuses', () => {
  const valid = { language: 'python', code: CODE, tests: TESTS };

  it.each([
    [
      'no tests',
      400,
      { tests: [] },
      error('VALIDATION_ERROR', 'body.tests must not have fewer than 1 items'),
    ],
    [
      'an unknown language',
      400,
      { language: 'cobol' },
      error('UNKNOWN_LANGUAGE', 'Unknown language "cobol"; known languages: python, javascript, cpp'),
    ],
    [
      'an unknown field of a test',
      400,
      { tests: [{ stdin: '', expected: '', timeoutMs: 5 }] },
      error('VALIDATION_ERROR', 'Unknown field body.tests.0.timeoutMs: it is not part of this API'),
    ],
    [
      'an unknown checker',
      400,
      { checker: { type: 'regex' } },
      error('VALIDATION_ERROR', 'body.checker.type must be equal to constant'),
    ],
    [
      'a limit above the maximum',
      400,
      { limits: { timeMs: 30_001 } },
      error('LIMIT_EXCEEDED', 'limits.timeMs is 30001, above the server maximum of 30000'),
    ],
    [
      "a test's stdin over KILN_MAX_STDIN_KB",
      413,
      { tests: [TESTS[0], { stdin: 'x'.repeat(1025), expected: '' }] },
      error('PAYLOAD_TOO_LARGE', "tests[1].stdin is larger than the server's limit of 1 KiB"),
    ],
    [
      "a test's expected output over KILN_MAX_STDIN_KB (in UTF-8 bytes)",
      413,
      { tests: [{ stdin: '', expected: 'é'.repeat(513) }] },
      error('PAYLOAD_TOO_LARGE', "tests[0].expected is larger than the server's limit of 1 KiB"),
    ],
    [
      'a callbackUrl on a private address',
      400,
      { callbackUrl: 'http://10.0.0.7/hook' },
      error(
        'INVALID_CALLBACK_URL',
        'callbackUrl must not point to a loopback, private or link-local address',
      ),
    ],
  ])('%s: %i, queueing nothing', async (_, status, change, answer) => {
    const app = await kiln.start({ KILN_MAX_STDIN_KB: '1' });
    const res = await submit(app, { ...valid, ...change }, '?wait=false');
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual(answer);
    expect(await app.jobs.submissions.queue('python').count()).toBe(0);
  });

  it('accepts a private callbackUrl when KILN_WEBHOOK_ALLOW_PRIVATE=true, and puts it in the job', async () => {
    const app = await kiln.start({ KILN_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const callbackUrl = 'http://10.0.0.7/hook';
    const res = await submit(app, { ...valid, callbackUrl }, '?wait=false');
    expect(res.statusCode).toBe(202);
    const job = await app.jobs.submissions.queue('python').getJob(res.json().id);
    expect(job?.data.callbackUrl).toBe(callbackUrl);
  });

  it('answers 429 QUEUE_FULL with Retry-After once the language queue is at KILN_MAX_QUEUE_DEPTH', async () => {
    const app = await kiln.start({ KILN_MAX_QUEUE_DEPTH: '1' });
    expect((await submit(app, valid, '?wait=false')).statusCode).toBe(202);
    const res = await submit(app, valid, '?wait=false');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.json().error.code).toBe('QUEUE_FULL');
    expect(await app.jobs.submissions.queue('python').count()).toBe(1);
    // The bound is per language.
    expect((await submit(app, { ...valid, language: 'javascript' }, '?wait=false')).statusCode).toBe(202);
  });
});

describe('GET /api/v1/submissions/:id', () => {
  it('never shows a submission finished before its grade can be read', async () => {
    const app = await kiln.start();
    const body = { language: 'python', code: CODE, tests: [TESTS[0]] };
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) ids.push((await submit(app, body, '?wait=false')).json().id);
    await grader();
    // Read them all over and over while they complete: a read racing a completion must not invent a verdict.
    const verdicts = new Map<string, string>();
    while (verdicts.size < ids.length) {
      await Promise.all(
        ids.map(async (id) => {
          const submission = (await read(app, id)).json();
          if (submission.state === 'finished') verdicts.set(id, submission.grade.verdict);
        }),
      );
    }
    expect(new Set(verdicts.values())).toEqual(new Set(['accepted']));
  });

  it('answers 404 SUBMISSION_NOT_FOUND for an id no queue has', async () => {
    const app = await kiln.start();
    const id = '0b7c3f0e-8d4a-4a8e-9a43-3c1f4d0f2a11';
    const res = await read(app, id);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(
      error('SUBMISSION_NOT_FOUND', `No submission ${id}: it never existed or its result has expired`),
    );
  });
});

describe('GET /api/v1/submissions/:id/events', () => {
  it('streams progress as tests finish, then the finished submission, and ends', async () => {
    const app = await kiln.start();
    const base = await listen(app);
    const held = gate();
    await grader({ stepMs: 30, started: held.wait });
    const id = (await submit(app, { language: 'python', code: CODE, tests: TESTS }, '?wait=false')).json().id;

    const response = await openStream(`${base}/api/v1/submissions/${id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    held.release();
    expect(await readEvents(response)).toEqual([
      { event: 'progress', data: { done: 0, total: 3 } },
      { event: 'progress', data: { done: 1, total: 3 } },
      { event: 'progress', data: { done: 2, total: 3 } },
      { event: 'progress', data: { done: 3, total: 3 } },
      {
        event: 'finished',
        data: { id, language: 'python', state: 'finished', progress: { done: 3, total: 3 }, grade: ACCEPTED },
      },
    ]);
  });

  it('sends only the finished event for a submission that has already finished', async () => {
    const app = await kiln.start();
    const base = await listen(app);
    await grader();
    const submission = (await submit(app, { language: 'python', code: CODE, tests: TESTS })).json();
    expect(submission.state).toBe('finished');
    const response = await openStream(`${base}/api/v1/submissions/${submission.id}/events`);
    expect(await readEvents(response)).toEqual([{ event: 'finished', data: submission }]);
  });

  it('ends the stream of an unfinished submission when the gateway closes', async () => {
    const app = await kiln.start();
    const base = await listen(app);
    const id = (await submit(app, { language: 'python', code: CODE, tests: TESTS }, '?wait=false')).json().id;
    const events = readEvents(await openStream(`${base}/api/v1/submissions/${id}/events`));
    await app.close();
    expect(await events).toEqual([{ event: 'progress', data: { done: 0, total: 3 } }]);
  });

  it('answers 404 as JSON, not as a stream, for an unknown id', async () => {
    const app = await kiln.start();
    const base = await listen(app);
    const id = '0b7c3f0e-8d4a-4a8e-9a43-3c1f4d0f2a11';
    const response = await openStream(`${base}/api/v1/submissions/${id}/events`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(
      error('SUBMISSION_NOT_FOUND', `No submission ${id}: it never existed or its result has expired`),
    );
  });
});
