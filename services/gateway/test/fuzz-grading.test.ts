import { LANGUAGES } from '@kiln/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseCounter, checkProperty, FUZZ_ENV, type FuzzCase, injectCase, runs } from './support/fuzz.js';
import { json, junkQuery, malformedJson, notJsonContentType } from './support/fuzz-arbitraries.js';
import { gradingBodies } from './support/fuzz-grading.js';
import { bodyCases, JSON_HEADERS, readCases, requestMistakes, validCase } from './support/fuzz-requests.js';
import { pollUntil, useGateway } from './support/gateway.js';

/**
 * Property-based fuzzing of grading: submissions and batches, created, read, followed (SSE), exported and
 * re-judged, with the same property as the execution endpoints (see support/fuzz.ts).
 */

const kiln = useGateway({
  env: {
    ...FUZZ_ENV,
    KILN_MAX_CODE_KB: '1',
    KILN_MAX_STDIN_KB: '1',
    KILN_MAX_WAIT_MS: '5000',
    KILN_MAX_QUEUE_DEPTH: '1000000',
    KILN_MAX_GRADING_BODY_KB: '64',
  },
});
const count = caseCounter('grading');
/** Ids that exist, and those already finished (whose event streams end at once). */
const submissions: string[] = [];
const finishedSubmissions: string[] = [];
const batches: string[] = [];
const finishedBatches: string[] = [];

beforeAll(async () => {
  await Promise.all([...LANGUAGES.map((name) => kiln.fakeGradingWorker(name)), kiln.fakeBatchWorker()]);
  // A finished batch whose longest item id is as long as the API allows, read back as submissions.
  const items = ['alice', `${'x'.repeat(180)}@example.org`.slice(0, 200)];
  const created = await kiln.app.inject({
    method: 'POST',
    url: '/api/v1/batches',
    headers: JSON_HEADERS,
    payload: {
      tests: [{ stdin: '1', expected: '1' }],
      submissions: items.map((id) => ({ id, language: 'python', code: 'print(1)' })),
    },
  });
  const { id } = created.json<{ id: string }>();
  const finished = await pollUntil(
    () =>
      kiln.app
        .inject({ method: 'GET', url: `/api/v1/batches/${id}` })
        .then((res) => res.json<{ state: string }>()),
    (batch) => batch.state === 'finished',
  );
  expect(finished.state).toBe('finished');
  batches.push(id);
  finishedBatches.push(id);
  const itemIds = items.map((item) => `${id}.${item}`);
  submissions.push(...itemIds);
  finishedSubmissions.push(...itemIds);
});

const { validSubmission, validBatch, submissionShape, batchShape } = gradingBodies(1024, 64 * 1024);

const created = (answer: { body: string }) => (JSON.parse(answer.body) as { id: string }).id;

describe('fuzzing POST /api/v1/submissions', () => {
  const url = '/api/v1/submissions';
  const cases = fc.oneof(
    { weight: 3, arbitrary: validCase(fc.constantFrom(`${url}?wait=false`, url), validSubmission) },
    {
      weight: 6,
      arbitrary: bodyCases(`${url}?wait=false`, validSubmission, submissionShape),
    },
    { weight: 2, arbitrary: requestMistakes(url, validSubmission, true) },
  );

  it('never answers 5xx; refuses each mistake with its 4xx; accepts every valid submission', async () => {
    await checkProperty(
      cases,
      async (fuzzCase) => {
        const answer = await injectCase(kiln.app, count, 'POST /api/v1/submissions', fuzzCase);
        if (fuzzCase.expect !== 'ok') return;
        submissions.push(created(answer));
        if (answer.status === 200) finishedSubmissions.push(created(answer));
      },
      runs(400),
    );
  });
});

describe('fuzzing POST /api/v1/batches', () => {
  const url = '/api/v1/batches';
  const duplicate = validBatch.map(
    (batch): FuzzCase => ({
      what: 'an item id twice',
      method: 'POST',
      url,
      headers: JSON_HEADERS,
      payload: JSON.stringify({
        ...batch,
        submissions: [...batch.submissions, ...batch.submissions.slice(0, 1)],
      }),
      expect: 'refused',
      status: 400,
    }),
  );
  const cases = fc.oneof(
    { weight: 3, arbitrary: validCase(fc.constant(url), validBatch) },
    { weight: 1, arbitrary: duplicate },
    {
      weight: 6,
      arbitrary: bodyCases(url, validBatch, batchShape),
    },
    { weight: 2, arbitrary: requestMistakes(url, validBatch, false) },
  );

  it('never answers 5xx; refuses each mistake with its 4xx; accepts every valid batch', async () => {
    await checkProperty(
      cases,
      async (fuzzCase) => {
        const answer = await injectCase(kiln.app, count, 'POST /api/v1/batches', fuzzCase);
        if (fuzzCase.expect === 'ok') batches.push(created(answer));
      },
      runs(250),
    );
  });
});

describe('fuzzing the grading reads', () => {
  const resultsQuery = fc.oneof(
    fc.constantFrom('', '?format=json', '?format=csv').map((query) => ({ query, valid: true })),
    fc
      .constantFrom('?format=xml', '?format=', '?format=CSV', '?format=csv&format=json', '?other=1')
      .map((query) => ({ query, valid: false })),
    junkQuery.map((query) => ({ query, valid: undefined })),
  );
  const rejudgeBodies = fc
    .tuple(
      fc.nat(),
      fc.oneof(
        notJsonContentType.map((type) => ({ type, payload: '{}', expect: 'refused' as const, status: 415 })),
        malformedJson('{}').map((payload) => ({
          type: 'application/json',
          payload,
          expect: 'refused' as const,
          status: 400,
        })),
        json.map((value) => ({
          type: 'application/json',
          payload: JSON.stringify(value),
          expect: 'either' as const,
          status: undefined,
        })),
      ),
    )
    .map(
      ([n, { type, payload, expect, status }]): FuzzCase => ({
        what: `rejudge with a body (${type})`,
        method: 'POST',
        url: `/api/v1/batches/${batches[n % batches.length]}/rejudge`,
        headers: { 'content-type': type },
        payload,
        expect,
        ...(status ? { status } : {}),
      }),
    );
  const reads: Array<[string, fc.Arbitrary<FuzzCase>, number]> = [
    [
      'GET /api/v1/submissions/:id',
      readCases({ url: (id) => `/api/v1/submissions/${id}`, known: () => submissions }),
      300,
    ],
    [
      'GET /api/v1/submissions/:id/events',
      readCases({ url: (id) => `/api/v1/submissions/${id}/events`, known: () => finishedSubmissions }),
      120,
    ],
    [
      'GET /api/v1/batches/:id',
      readCases({ url: (id) => `/api/v1/batches/${id}`, known: () => batches }),
      200,
    ],
    [
      'GET /api/v1/batches/:id/results',
      readCases({ url: (id) => `/api/v1/batches/${id}/results`, known: () => batches, query: resultsQuery }),
      200,
    ],
    [
      'GET /api/v1/batches/:id/events',
      readCases({ url: (id) => `/api/v1/batches/${id}/events`, known: () => finishedBatches }),
      120,
    ],
    [
      'POST /api/v1/batches/:id/rejudge',
      fc.oneof(
        readCases({ method: 'POST', url: (id) => `/api/v1/batches/${id}/rejudge`, known: () => batches }),
        rejudgeBodies,
      ),
      150,
    ],
  ];

  it.each(reads)(
    '%s: what exists answers 2xx, the rest a 4xx, never a 5xx',
    async (endpoint, cases, numRuns) => {
      await checkProperty(
        cases,
        (fuzzCase) => injectCase(kiln.app, count, endpoint, fuzzCase),
        runs(numRuns),
      );
    },
  );
});
