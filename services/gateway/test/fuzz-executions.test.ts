import { LANGUAGES, LIMIT_KEYS } from '@kiln/protocol';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { cannedResult } from './support/fake-workers.js';
import { caseCounter, checkProperty, FUZZ_ENV, injectCase, runs } from './support/fuzz.js';
import {
  absurdLimit,
  language,
  textOver,
  textWithin,
  unknownLanguage,
  wrongType,
} from './support/fuzz-arbitraries.js';
import type { FieldRule } from './support/fuzz-bodies.js';
import {
  badCallbackUrl,
  bodyCases,
  readCases,
  requestMistakes,
  validCallbackUrl,
  validCase,
  validLimits,
} from './support/fuzz-requests.js';
import { useGateway } from './support/gateway.js';

/**
 * Property-based fuzzing of the execution endpoints (v1 submit and read, and the legacy one): never a 5xx,
 * every 4xx in the error shape, each mistake refused with its status, every valid request answered 2xx.
 */

const CAP = 1024;
/** Ids the gateway handed out, read back by the GET cases. */
const created: string[] = [];
const count = caseCounter('executions');

const kiln = useGateway({
  env: {
    ...FUZZ_ENV,
    KILN_MAX_CODE_KB: '1',
    KILN_MAX_STDIN_KB: '1',
    KILN_MAX_WAIT_MS: '5000',
    KILN_MAX_QUEUE_DEPTH: '1000000',
  },
});
beforeAll(async () => {
  await Promise.all(LANGUAGES.map((name) => kiln.fakeWorker(name, async (job) => cannedResult(job))));
});

/** Past Fastify's limit on the whole body (68 KiB here) by up to 1.5 MB. */
const pastBodyLimit = fc
  .integer({ min: 1, max: 1_500_000 })
  .map((extra) => 'x'.repeat((kiln.app.initialConfig.bodyLimit ?? 0) + extra));

const validExecution = fc.record(
  {
    language,
    code: textWithin(CAP),
    stdin: textWithin(CAP),
    limits: validLimits,
    callbackUrl: validCallbackUrl,
  },
  { requiredKeys: ['language', 'code'] },
);

const languageAndCode: FieldRule[] = [
  { path: ['language'], bad: fc.oneof(unknownLanguage, wrongType('string')) },
  { path: ['code'], bad: wrongType('string') },
  { path: ['code'], bad: textOver(CAP), status: 413 },
  { path: ['code'], bad: pastBodyLimit, status: 413 },
];

describe('fuzzing POST /api/v1/executions', () => {
  const url = '/api/v1/executions';
  const cases = fc.oneof(
    {
      weight: 3,
      arbitrary: validCase(fc.constantFrom(`${url}?wait=false`, url, `${url}?wait=true`), validExecution),
    },
    {
      weight: 6,
      arbitrary: bodyCases(`${url}?wait=false`, validExecution, {
        required: [['language'], ['code']],
        closed: [
          { path: [], keys: ['language', 'code', 'stdin', 'limits', 'callbackUrl'] },
          { path: ['limits'], keys: LIMIT_KEYS },
        ],
        fields: [
          ...languageAndCode,
          { path: ['stdin'], bad: wrongType('string') },
          { path: ['stdin'], bad: textOver(CAP), status: 413 },
          { path: ['limits'], bad: wrongType('object') },
          ...LIMIT_KEYS.map((key) => ({
            path: ['limits', key],
            bad: fc.oneof(absurdLimit, wrongType('integer')),
          })),
          { path: ['callbackUrl'], bad: badCallbackUrl },
        ],
      }),
    },
    { weight: 2, arbitrary: requestMistakes(url, validExecution, true) },
  );

  it('never answers 5xx; refuses each mistake with its 4xx; accepts every valid request', async () => {
    await checkProperty(
      cases,
      async (fuzzCase) => {
        const answer = await injectCase(kiln.app, count, 'POST /api/v1/executions', fuzzCase);
        if (fuzzCase.expect === 'ok') created.push((JSON.parse(answer.body) as { id: string }).id);
      },
      runs(1000),
    );
  });
});

describe('fuzzing GET /api/v1/executions/:id', () => {
  const cases = readCases({ url: (id) => `/api/v1/executions/${id}`, known: () => created });

  it('reads back what exists and refuses the rest with a 4xx', async () => {
    await checkProperty(
      cases,
      (fuzzCase) => injectCase(kiln.app, count, 'GET /api/v1/executions/:id', fuzzCase),
      runs(500),
    );
  });
});

describe('fuzzing POST /api/code/execute (legacy)', () => {
  const url = '/api/code/execute';
  const validLegacy = fc.record(
    { code: textWithin(CAP), language, input: textWithin(CAP) },
    { requiredKeys: ['code', 'language'] },
  );
  const cases = fc.oneof(
    { weight: 2, arbitrary: validCase(fc.constant(url), validLegacy) },
    {
      weight: 6,
      arbitrary: bodyCases(url, validLegacy, {
        required: [['language'], ['code']],
        closed: [{ path: [], keys: ['language', 'code', 'input'] }],
        fields: [
          ...languageAndCode,
          { path: ['input'], bad: wrongType('string') },
          { path: ['input'], bad: textOver(CAP), status: 413 },
        ],
      }),
    },
    { weight: 2, arbitrary: requestMistakes(url, validLegacy, false) },
  );

  it('answers every valid request in the original shape and refuses each mistake with its 4xx', async () => {
    await checkProperty(
      cases,
      (fuzzCase) => injectCase(kiln.app, count, 'POST /api/code/execute', fuzzCase),
      runs(500),
    );
  });
});
