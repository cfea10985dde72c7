import { LIMIT_KEYS } from '@kiln/protocol';
import fc from 'fast-check';
import {
  absurdLimit,
  language,
  textOver,
  textWithin,
  unknownLanguage,
  wrongType,
} from './fuzz-arbitraries.js';
import type { BodyShape, FieldRule } from './fuzz-bodies.js';
import { badCallbackUrl, validCallbackUrl, validLimits } from './fuzz-requests.js';

/**
 * Grading request bodies for the fuzz suites: valid submissions and batches, and the shape of each (the
 * fields and the values they must refuse) from which bodyMutations makes invalid ones.
 */

const CHECKERS = ['exact', 'lines', 'tokens', 'float', 'unordered_lines'];

/** `cap`: KILN_MAX_CODE_KB and KILN_MAX_STDIN_KB in bytes; `bodyLimit`: KILN_MAX_GRADING_BODY_KB in bytes. */
export function gradingBodies(cap: number, bodyLimit: number) {
  const testCase = fc.record(
    {
      name: fc.string({ minLength: 1, maxLength: 100 }),
      stdin: textWithin(cap),
      expected: textWithin(cap),
      weight: fc.double({ min: 0, max: 1000, noNaN: true }),
      hidden: fc.boolean(),
    },
    { requiredKeys: ['stdin', 'expected'] },
  );
  const checker = fc.oneof(
    fc.constantFrom('exact', 'lines', 'tokens', 'unordered_lines').map((type) => ({ type })),
    fc.record(
      {
        type: fc.constant('float'),
        absTol: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
        relTol: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
      },
      { requiredKeys: ['type'] },
    ),
  );
  const shared = {
    tests: fc.array(testCase, { minLength: 1, maxLength: 3 }),
    checker,
    limits: validLimits,
    stopOnFirstFailure: fc.boolean(),
    callbackUrl: validCallbackUrl,
  };
  const item = fc.record({
    id: fc.stringMatching(/^[A-Za-z0-9._@-]{1,200}$/),
    language,
    code: textWithin(cap),
  });

  const pastBodyLimit = fc.integer({ min: 1, max: 1_500_000 }).map((extra) => 'x'.repeat(bodyLimit + extra));
  const code = (path: Array<string | number>): FieldRule[] => [
    { path, bad: wrongType('string') },
    { path, bad: textOver(cap), status: 413 },
    { path, bad: pastBodyLimit, status: 413 },
  ];
  const sharedFields: FieldRule[] = [
    {
      path: ['tests'],
      bad: fc.oneof(
        wrongType('array'),
        fc.constant([]),
        fc.constant(Array(101).fill({ stdin: '', expected: '' })),
      ),
    },
    { path: ['tests', 0], bad: wrongType('object') },
    ...(['stdin', 'expected'] as const).flatMap((field): FieldRule[] => [
      { path: ['tests', 0, field], bad: wrongType('string') },
      { path: ['tests', 0, field], bad: textOver(cap), status: 413 },
    ]),
    { path: ['tests', 0, 'name'], bad: fc.oneof(wrongType('string'), fc.constantFrom('', 'n'.repeat(101))) },
    {
      path: ['tests', 0, 'weight'],
      bad: fc.oneof(
        wrongType('number'),
        fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: 1000.001, noNaN: true, noDefaultInfinity: true }),
      ),
    },
    { path: ['tests', 0, 'hidden'], bad: wrongType('boolean') },
    {
      path: ['checker'],
      bad: fc.oneof(
        wrongType('object'),
        fc
          .string()
          .filter((type) => !CHECKERS.includes(type))
          .map((type) => ({ type })),
        fc.constantFrom(
          { type: 'float', absTol: -1 },
          { type: 'float', relTol: '0.1' },
          { type: 'exact', absTol: 1 },
        ),
      ),
    },
    { path: ['limits'], bad: wrongType('object') },
    ...LIMIT_KEYS.map((key) => ({ path: ['limits', key], bad: fc.oneof(absurdLimit, wrongType('integer')) })),
    { path: ['stopOnFirstFailure'], bad: wrongType('boolean') },
    { path: ['callbackUrl'], bad: badCallbackUrl },
  ];
  const sharedKeys = ['tests', 'checker', 'limits', 'stopOnFirstFailure', 'callbackUrl'];
  const sharedClosed = [
    { path: ['limits'], keys: LIMIT_KEYS },
    { path: ['tests', 0], keys: ['name', 'stdin', 'expected', 'weight', 'hidden'] },
    { path: ['checker'], keys: ['type', 'absTol', 'relTol'] },
  ];

  const submissionShape: BodyShape = {
    required: [['language'], ['code'], ['tests'], ['tests', 0, 'stdin'], ['tests', 0, 'expected']],
    closed: [{ path: [], keys: ['language', 'code', ...sharedKeys] }, ...sharedClosed],
    fields: [
      { path: ['language'], bad: fc.oneof(unknownLanguage, wrongType('string')) },
      ...code(['code']),
      ...sharedFields,
    ],
  };
  const batchShape: BodyShape = {
    required: [['tests'], ['submissions'], ['submissions', 0, 'id'], ['submissions', 0, 'code']],
    closed: [
      { path: [], keys: ['submissions', ...sharedKeys] },
      { path: ['submissions', 0], keys: ['id', 'language', 'code'] },
      ...sharedClosed,
    ],
    fields: [
      {
        path: ['submissions'],
        bad: fc.oneof(
          wrongType('array'),
          fc.constant([]),
          fc.constant(
            Array.from({ length: 1001 }, (_, i) => ({ id: `i${i}`, language: 'python', code: '' })),
          ),
        ),
      },
      { path: ['submissions', 0], bad: wrongType('object') },
      {
        path: ['submissions', 0, 'id'],
        bad: fc.oneof(wrongType('string'), fc.constantFrom('', 'a b', 'é', 'a/b', 'a#b', 'i'.repeat(201))),
      },
      { path: ['submissions', 0, 'language'], bad: fc.oneof(unknownLanguage, wrongType('string')) },
      ...code(['submissions', 0, 'code']),
      ...sharedFields,
    ],
  };

  return {
    validSubmission: fc.record(
      { language, code: textWithin(cap), ...shared },
      { requiredKeys: ['language', 'code', 'tests'] },
    ),
    validBatch: fc.record(
      { ...shared, submissions: fc.uniqueArray(item, { minLength: 1, maxLength: 3, selector: (i) => i.id }) },
      { requiredKeys: ['tests', 'submissions'] },
    ),
    submissionShape,
    batchShape,
  };
}
