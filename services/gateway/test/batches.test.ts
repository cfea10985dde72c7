import type { TestCase } from '@kiln/api';
import { BATCH_QUEUE, type BatchJob, type SubmissionJob } from '@kiln/grading';
import { type Language, QUEUE_PREFIX } from '@kiln/protocol';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsCsv } from '../src/grading/csv.js';
import type { FakeGradingOptions } from './support/fake-workers.js';
import { gate, pollUntil, useGateway } from './support/gateway.js';
import { listen, openStream, readEvents } from './support/sse.js';

const kiln = useGateway({ build: 'none', flush: true });
let parents: Queue<BatchJob> | undefined;

afterEach(async () => {
  await parents?.close();
  parents = undefined;
});

/** The `batches` queue of flow parents, as the worker sees it. */
function batchQueue(): Queue<BatchJob> {
  parents ??= new Queue(BATCH_QUEUE, {
    connection: { host: '127.0.0.1', port: kiln.redis.port },
    prefix: QUEUE_PREFIX,
  });
  return parents;
}

/**
 * A fake grader for `language` whose programs are their code: `right` prints the expected output, `wrong`
 * fails the hidden test, `lost` never runs (Kiln's fault). The job data it receives is collected in `seen`.
 */
async function grader(language: Language, options: FakeGradingOptions = {}, seen: SubmissionJob[] = []) {
  const worker = await kiln.fakeGradingWorker(language, {
    run: (test, _, job) => {
      if (job.data.code === 'lost') return undefined;
      return { stdout: job.data.code === 'wrong' && test.hidden ? '5\n' : test.expected };
    },
    ...options,
    started: async (job) => {
      seen.push(job.data);
      await options.started?.(job);
    },
  });
  return { worker, seen };
}

/** Holds the job of one batch item in `running` until released; `entered` once it is active. */
function holdItem(itemId: string) {
  const held = gate();
  const entered = gate();
  const started = async (job: { data: SubmissionJob }) => {
    if (job.data.batch?.itemId !== itemId) return;
    entered.release();
    await held.wait();
  };
  return { started, entered: entered.wait, release: held.release };
}

const TESTS: TestCase[] = [
  { stdin: '1 2\n', expected: '3\n' },
  { stdin: '2 2\n', expected: '4\n', hidden: true },
];
/** Not in alphabetical order: results keep the caller's order. */
const ITEMS = [
  { id: 'zoe', language: 'python', code: 'right' },
  { id: 'adam', language: 'python', code: 'wrong' },
  { id: 'mia.k@school', language: 'javascript', code: 'right' },
];

const create = (app: FastifyInstance, body: object) =>
  app.inject({ method: 'POST', url: '/api/v1/batches', payload: body });
const get = async (app: FastifyInstance, url: string) => (await app.inject({ method: 'GET', url })).json();
const untilFinished = (app: FastifyInstance, id: string) =>
  pollUntil(
    () => get(app, `/api/v1/batches/${id}`),
    (batch) => batch.state === 'finished',
  );
const error = (code: string, message: string) => ({ error: { code, message } });

const RUN = { timeMs: 12, cpuTimeMs: 10, memoryKb: 8192, exitCode: 0 };
const visible = { name: 'test-1', hidden: false, weight: 1, ...RUN, stdin: '1 2\n', expected: '3\n' };
const hidden = { name: 'test-2', hidden: true, weight: 1, ...RUN };
const ACCEPTED = {
  verdict: 'accepted',
  score: 2,
  maxScore: 2,
  passed: 2,
  tests: [
    { ...visible, verdict: 'accepted', stdout: '3\n', stderr: '' },
    { ...hidden, verdict: 'accepted' },
  ],
};
const WRONG = {
  verdict: 'wrong_answer',
  score: 1,
  maxScore: 2,
  passed: 1,
  tests: [
    { ...visible, verdict: 'accepted', stdout: '3\n', stderr: '' },
    { ...hidden, verdict: 'wrong_answer' },
  ],
};

describe('POST /api/v1/batches', () => {
  it('answers 201 and queues one flow: the parent in batches, a child <batch>.<item> per item', async () => {
    const app = await kiln.start();
    const res = await create(app, { tests: TESTS, submissions: ITEMS });
    expect(res.statusCode).toBe(201);
    const { id, createdAt } = res.json();
    expect(res.json()).toEqual({
      id,
      state: 'running',
      total: 3,
      states: { queued: 3, running: 0, finished: 0 },
      verdicts: {},
      createdAt: expect.any(Number),
    });

    const parent = await batchQueue().getJob(id);
    expect(await parent?.getState()).toBe('waiting-children');
    expect(parent?.data).toEqual({
      id,
      total: 3,
      createdAt,
      items: ITEMS.map(({ id, language }) => ({ id, language })),
    });
    const children = await parent?.getDependencies();
    expect(children?.unprocessed?.sort()).toEqual([
      `kiln:submissions-javascript:${id}.mia.k@school`,
      `kiln:submissions-python:${id}.adam`,
      `kiln:submissions-python:${id}.zoe`,
    ]);
    const child = await app.jobs.submissions.queue('python').getJob(`${id}.zoe`);
    expect(child?.parentKey).toBe(`kiln:batches:${id}`);
    expect(child?.data).toEqual({
      id: `${id}.zoe`,
      language: 'python',
      code: 'right',
      tests: TESTS,
      checker: { type: 'lines' },
      limits: { timeMs: 10_000, cpuTimeMs: 5000, memoryMb: 128, outputKb: 64 },
      stopOnFirstFailure: false,
      batch: { id, itemId: 'zoe' },
    });
  });

  it('refuses duplicate item ids with 400 DUPLICATE_ITEM_ID, queueing nothing', async () => {
    const app = await kiln.start();
    const res = await create(app, { tests: TESTS, submissions: [...ITEMS, { ...ITEMS[0], code: 'again' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      error('DUPLICATE_ITEM_ID', 'submissions[].id "zoe" appears more than once in the batch'),
    );
    expect(await batchQueue().count()).toBe(0);
    expect(await app.jobs.submissions.queue('python').count()).toBe(0);
  });

  it("refuses an item's unknown language with 400 UNKNOWN_LANGUAGE and the known list", async () => {
    const app = await kiln.start();
    const res = await create(app, {
      tests: TESTS,
      submissions: [ITEMS[0], { id: 'kim', language: 'cobol', code: 'x' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      error('UNKNOWN_LANGUAGE', 'Unknown language "cobol"; known languages: python, javascript, cpp'),
    );
    expect(await batchQueue().count()).toBe(0);
  });

  it('refuses with 429 a batch its language queue cannot take whole, queueing nothing', async () => {
    const app = await kiln.start({ KILN_MAX_QUEUE_DEPTH: '2' });
    const items = ['a', 'b', 'c'].map((id) => ({ id, language: 'python', code: 'right' }));
    const res = await create(app, { tests: TESTS, submissions: items });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.json().error.code).toBe('QUEUE_FULL');
    expect(await batchQueue().count()).toBe(0);
    expect(await app.jobs.submissions.queue('python').count()).toBe(0);
  });
});

describe('GET /api/v1/batches/:id and its results', () => {
  it('counts items by state and verdict while running and once finished, when the parent has run', async () => {
    const app = await kiln.start();
    const adam = holdItem('adam');
    await grader('python', { started: adam.started });
    const { id, createdAt } = (await create(app, { tests: TESTS, submissions: ITEMS })).json();
    // zoe is graded, adam held by the python worker, mia waits for a javascript worker.
    await adam.entered();
    expect(await get(app, `/api/v1/batches/${id}`)).toEqual({
      id,
      state: 'running',
      total: 3,
      states: { queued: 1, running: 1, finished: 1 },
      verdicts: { accepted: 1 },
      createdAt,
    });
    expect(await get(app, `/api/v1/batches/${id}/results`)).toEqual({
      id,
      state: 'running',
      results: [
        { id: 'zoe', submissionId: `${id}.zoe`, language: 'python', state: 'finished', grade: ACCEPTED },
        { id: 'adam', submissionId: `${id}.adam`, language: 'python', state: 'running' },
        {
          id: 'mia.k@school',
          submissionId: `${id}.mia.k@school`,
          language: 'javascript',
          state: 'queued',
        },
      ],
    });

    adam.release();
    await grader('javascript');
    await kiln.fakeBatchWorker();
    const parent = await pollUntil(
      async () => batchQueue().getJob(id),
      (job) => job?.finishedOn !== undefined,
    );
    expect(parent?.returnvalue).toEqual({ total: 3, verdicts: { accepted: 2, wrong_answer: 1 } });
    expect(await get(app, `/api/v1/batches/${id}`)).toEqual({
      id,
      state: 'finished',
      total: 3,
      states: { queued: 0, running: 0, finished: 3 },
      verdicts: { accepted: 2, wrong_answer: 1 },
      createdAt,
      finishedAt: parent?.finishedOn,
    });
  });

  it('counts a child that failed for good as internal_error, and the parent still runs', async () => {
    const app = await kiln.start({ KILN_JOB_ATTEMPTS: '1' });
    await grader('python', {
      started: async (job) => {
        if (job.data.code === 'crash') throw new Error('executor vanished');
      },
    });
    await kiln.fakeBatchWorker();
    const items = [
      { id: 'ok', language: 'python', code: 'right' },
      { id: 'crashed', language: 'python', code: 'crash' },
    ];
    const { id } = (await create(app, { tests: TESTS, submissions: items })).json();
    const parent = await pollUntil(
      async () => batchQueue().getJob(id),
      (job) => job?.finishedOn !== undefined,
    );
    expect(parent?.returnvalue).toEqual({ total: 2, verdicts: { accepted: 1, internal_error: 1 } });
    expect((await get(app, `/api/v1/batches/${id}`)).verdicts).toEqual({ accepted: 1, internal_error: 1 });
    const internal = {
      verdict: 'internal_error',
      ...RUN,
      exitCode: null,
      timeMs: 0,
      cpuTimeMs: 0,
      memoryKb: 0,
    };
    expect((await get(app, `/api/v1/batches/${id}/results`)).results[1]).toEqual({
      id: 'crashed',
      submissionId: `${id}.crashed`,
      language: 'python',
      state: 'finished',
      grade: {
        verdict: 'internal_error',
        score: 0,
        maxScore: 2,
        passed: 0,
        tests: [
          { ...visible, ...internal },
          { ...hidden, ...internal },
        ],
      },
    });
  });

  it("lists results in the caller's order as JSON, or as CSV by ?format=csv or Accept: text/csv", async () => {
    const app = await kiln.start();
    await grader('python');
    await grader('javascript');
    const { id } = (await create(app, { tests: TESTS, submissions: ITEMS })).json();
    await untilFinished(app, id);

    // An item's submission id, as the results list it, reads back as a submission.
    expect(await get(app, `/api/v1/submissions/${id}.mia.k@school`)).toMatchObject({
      id: `${id}.mia.k@school`,
      language: 'javascript',
      state: 'finished',
      grade: ACCEPTED,
    });
    expect(await get(app, `/api/v1/batches/${id}/results`)).toEqual({
      id,
      state: 'finished',
      results: [
        { id: 'zoe', submissionId: `${id}.zoe`, language: 'python', state: 'finished', grade: ACCEPTED },
        { id: 'adam', submissionId: `${id}.adam`, language: 'python', state: 'finished', grade: WRONG },
        {
          id: 'mia.k@school',
          submissionId: `${id}.mia.k@school`,
          language: 'javascript',
          state: 'finished',
          grade: ACCEPTED,
        },
      ],
    });

    const csv = [
      'id,submission_id,language,state,verdict,score,max_score,passed,tests,time_ms_max,memory_kb_max',
      `zoe,${id}.zoe,python,finished,accepted,2,2,2,2,12,8192`,
      `adam,${id}.adam,python,finished,wrong_answer,1,2,1,2,12,8192`,
      `mia.k@school,${id}.mia.k@school,javascript,finished,accepted,2,2,2,2,12,8192`,
      '',
    ].join('\r\n');
    for (const request of [
      { url: `/api/v1/batches/${id}/results?format=csv` },
      { url: `/api/v1/batches/${id}/results`, headers: { accept: 'text/csv' } },
    ]) {
      const res = await app.inject({ method: 'GET', ...request });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="batch-${id}.csv"`);
      expect(res.body).toBe(csv);
    }
    // An explicit format wins over the Accept header.
    const json = await app.inject({
      method: 'GET',
      url: `/api/v1/batches/${id}/results?format=json`,
      headers: { accept: 'text/csv' },
    });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it.each(['', '/results', '/events', '/rejudge'])(
    'answers 404 BATCH_NOT_FOUND on %s for an unknown id',
    async (path) => {
      const app = await kiln.start();
      const id = '0b7c3f0e-8d4a-4a8e-9a43-3c1f4d0f2a11';
      const method = path === '/rejudge' ? 'POST' : 'GET';
      const res = await app.inject({ method, url: `/api/v1/batches/${id}${path}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(
        error('BATCH_NOT_FOUND', `No batch ${id}: it never existed or its result has expired`),
      );
    },
  );
});

describe('resultsCsv', () => {
  it('quotes fields as RFC 4180 says and leaves the grade columns of an unfinished item empty', () => {
    const csv = resultsCsv({
      id: 'b',
      state: 'running',
      results: [
        { id: 'a,"b"', submissionId: 'line\nbreak', language: 'python', state: 'queued' },
        {
          id: 'plain',
          submissionId: 'b.plain',
          language: 'cpp',
          state: 'finished',
          grade: ACCEPTED as never,
        },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'id,submission_id,language,state,verdict,score,max_score,passed,tests,time_ms_max,memory_kb_max',
      '"a,""b""","line\nbreak",python,queued,,,,,,,',
      'plain,b.plain,cpp,finished,accepted,2,2,2,2,12,8192',
      '',
    ]);
  });
});

describe('GET /api/v1/batches/:id/events', () => {
  it('streams the counts as they change, then the finished batch, and ends', async () => {
    const app = await kiln.start();
    const base = await listen(app);
    const zoe = holdItem('zoe');
    await grader('python', { started: zoe.started });
    const items = ITEMS.slice(0, 2);
    const { id, createdAt } = (await create(app, { tests: TESTS, submissions: items })).json();
    await zoe.entered();

    const response = await openStream(`${base}/api/v1/batches/${id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    zoe.release();
    const events = await readEvents(response);
    const batch = { id, total: 2, createdAt };
    expect(events[0]).toEqual({
      event: 'progress',
      data: {
        ...batch,
        state: 'running',
        states: { queued: 1, running: 1, finished: 0 },
        verdicts: {},
      },
    });
    expect(events.at(-1)).toEqual({
      event: 'finished',
      data: {
        ...batch,
        state: 'finished',
        states: { queued: 0, running: 0, finished: 2 },
        verdicts: { accepted: 1, wrong_answer: 1 },
        finishedAt: expect.any(Number),
      },
    });
    // Whatever the polling caught in between is progress.
    expect(events.slice(1, -1).every((event) => event.event === 'progress')).toBe(true);
  });
});

describe('GET /api/v1/batches/:id/events on shutdown', () => {
  it('ends the stream of an unfinished batch when the gateway closes', async () => {
    const app = await kiln.start();
    const base = await listen(app);
    const { id, createdAt } = (await create(app, { tests: TESTS, submissions: ITEMS })).json();
    const events = readEvents(await openStream(`${base}/api/v1/batches/${id}/events`));
    await app.close();
    expect(await events).toEqual([
      {
        event: 'progress',
        data: {
          id,
          state: 'running',
          total: 3,
          states: { queued: 3, running: 0, finished: 0 },
          verdicts: {},
          createdAt,
        },
      },
    ]);
  });
});

describe('POST /api/v1/batches/:id/rejudge', () => {
  it('queues again only the items that ended in internal_error; the results then show the new grade', async () => {
    const app = await kiln.start();
    const first = await grader('python');
    const items = ['zoe', 'adam', 'mia'].map((item) => ({
      id: item,
      language: 'python',
      code: item === 'adam' ? 'lost' : 'right',
    }));
    const { id, createdAt } = (await create(app, { tests: TESTS, submissions: items })).json();
    expect((await untilFinished(app, id)).verdicts).toEqual({ accepted: 2, internal_error: 1 });

    // The executor is back: adam's program would now be judged (accepted, as the new grader has it).
    await first.worker.close();
    const res = await app.inject({ method: 'POST', url: `/api/v1/batches/${id}/rejudge` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id,
      state: 'running',
      total: 3,
      states: { queued: 1, running: 0, finished: 2 },
      verdicts: { accepted: 2 },
      createdAt,
    });
    const { seen } = await grader('python', {
      run: (test) => ({ stdout: test.expected }),
    });
    const finished = await untilFinished(app, id);
    expect(finished.verdicts).toEqual({ accepted: 3 });
    expect(seen).toHaveLength(1);
    const again = seen[0]!;
    expect(again.id).toMatch(new RegExp(`^${id}\\.adam\\.r\\d+$`));
    expect(again).toMatchObject({ code: 'lost', batch: { id, itemId: 'adam' }, tests: TESTS });

    const results = await get(app, `/api/v1/batches/${id}/results`);
    expect(results.results).toEqual([
      { id: 'zoe', submissionId: `${id}.zoe`, language: 'python', state: 'finished', grade: ACCEPTED },
      { id: 'adam', submissionId: again.id, language: 'python', state: 'finished', grade: ACCEPTED },
      { id: 'mia', submissionId: `${id}.mia`, language: 'python', state: 'finished', grade: ACCEPTED },
    ]);

    // Nothing is left to judge again.
    const noop = await app.inject({ method: 'POST', url: `/api/v1/batches/${id}/rejudge` });
    expect(noop.json().state).toBe('finished');
    expect(await app.jobs.submissions.queue('python').getJobCountByTypes('waiting', 'active')).toBe(0);
  });
});
