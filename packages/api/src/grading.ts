import { CompileResultSchema, LanguageSchema, LimitsRequestSchema, STATUSES } from '@kiln/protocol';
import Type, { type Static } from 'typebox';
import { CheckerSchema } from './checker.js';
import { DiffHintSchema } from './hint.js';

/**
 * The grading API's shapes: submissions (one program against a list of tests) and batches (a whole class
 * against the same tests). The gateway's routes, the worker (through @kiln/grading's jobs), the CLI and
 * @kiln/client all use these.
 */

/** How one test ended: `accepted`, `wrong_answer`, or how the run failed (every non-`ok` status). */
export const VERDICTS = ['accepted', 'wrong_answer', ...STATUSES.filter((s) => s !== 'ok')] as const;
export type Verdict = (typeof VERDICTS)[number];
export const VerdictSchema = Type.Enum(VERDICTS);

export const MAX_TESTS = 100;
export const MAX_BATCH_SUBMISSIONS = 1000;

export const TestCaseSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Shown in results; defaults to "test-<n>"' }),
    ),
    stdin: Type.String({ description: "The program's standard input" }),
    expected: Type.String({ description: 'The expected standard output, compared by the checker' }),
    weight: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1000, default: 1, description: "The test's share of the score" }),
    ),
    hidden: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Results never show its stdin, expected output or the program output',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TestCase = Static<typeof TestCaseSchema>;

const callbackUrl = Type.Optional(
  Type.String({
    format: 'uri',
    maxLength: 2048,
    description:
      'POSTed a signed copy of the result when it is final (see the webhooks section of the README)',
  }),
);

export const SubmissionRequestSchema = Type.Object(
  {
    language: LanguageSchema,
    code: Type.String({ description: 'The program' }),
    tests: Type.Array(TestCaseSchema, { minItems: 1, maxItems: MAX_TESTS }),
    checker: Type.Optional(CheckerSchema),
    limits: Type.Optional(LimitsRequestSchema),
    stopOnFirstFailure: Type.Optional(
      Type.Boolean({ default: false, description: 'Tests after the first failure are `skipped`' }),
    ),
    callbackUrl,
  },
  { additionalProperties: false },
);
export type SubmissionRequest = Static<typeof SubmissionRequestSchema>;

export const TestResultSchema = Type.Object({
  name: Type.String(),
  verdict: Type.Union([VerdictSchema, Type.Literal('skipped')]),
  hidden: Type.Boolean(),
  weight: Type.Number(),
  timeMs: Type.Integer({ minimum: 0 }),
  cpuTimeMs: Type.Integer({ minimum: 0 }),
  memoryKb: Type.Integer({ minimum: 0 }),
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  stdout: Type.Optional(Type.String({ description: 'The program output, capped; absent for hidden tests' })),
  stderr: Type.Optional(Type.String({ description: 'Its stderr, capped; absent for hidden tests' })),
  stdin: Type.Optional(Type.String({ description: 'Absent for hidden tests' })),
  expected: Type.Optional(Type.String({ description: 'Absent for hidden tests' })),
  diff: Type.Optional(DiffHintSchema),
});
export type TestResult = Static<typeof TestResultSchema>;

export const SUBMISSION_STATES = ['queued', 'running', 'finished'] as const;
export const SubmissionStateSchema = Type.Enum(SUBMISSION_STATES);
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

export const SubmissionProgressSchema = Type.Object({
  done: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 0 }),
});
export type SubmissionProgress = Static<typeof SubmissionProgressSchema>;

/** The graded outcome of one submission, as the worker returns it and the API shows it. */
export const GradeSchema = Type.Object({
  verdict: VerdictSchema,
  score: Type.Number({ description: 'Sum of the weights of the accepted tests' }),
  maxScore: Type.Number({ description: 'Sum of all weights' }),
  passed: Type.Integer({ minimum: 0 }),
  compile: Type.Optional(CompileResultSchema),
  tests: Type.Array(TestResultSchema),
});
export type Grade = Static<typeof GradeSchema>;

export const SubmissionSchema = Type.Object({
  id: Type.String(),
  language: LanguageSchema,
  state: SubmissionStateSchema,
  progress: SubmissionProgressSchema,
  /** Set once `finished`. */
  grade: Type.Optional(GradeSchema),
});
export type Submission = Static<typeof SubmissionSchema>;

export const BatchItemSchema = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9._@-]+$',
      description: "The caller's name for this submission (a student id), unique within the batch",
    }),
    language: LanguageSchema,
    code: Type.String(),
  },
  { additionalProperties: false },
);
export type BatchItem = Static<typeof BatchItemSchema>;

export const BatchRequestSchema = Type.Object(
  {
    tests: Type.Array(TestCaseSchema, { minItems: 1, maxItems: MAX_TESTS }),
    checker: Type.Optional(CheckerSchema),
    limits: Type.Optional(LimitsRequestSchema),
    stopOnFirstFailure: Type.Optional(Type.Boolean({ default: false })),
    submissions: Type.Array(BatchItemSchema, { minItems: 1, maxItems: MAX_BATCH_SUBMISSIONS }),
    callbackUrl,
  },
  { additionalProperties: false },
);
export type BatchRequest = Static<typeof BatchRequestSchema>;

export const BatchStateSchema = Type.Enum(['running', 'finished'] as const);

export const BatchSchema = Type.Object({
  id: Type.String(),
  state: BatchStateSchema,
  total: Type.Integer({ minimum: 0 }),
  /** Items by state: queued, running, finished. */
  states: Type.Record(SubmissionStateSchema, Type.Integer({ minimum: 0 })),
  /** Finished items by overall verdict. */
  verdicts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  createdAt: Type.Integer({ description: 'Unix time in ms' }),
  finishedAt: Type.Optional(Type.Integer({ description: 'Unix time in ms' })),
});
export type Batch = Static<typeof BatchSchema>;

/** One row of `GET /api/v1/batches/:id/results`. */
export const BatchResultSchema = Type.Object({
  id: Type.String({ description: "The caller's item id" }),
  submissionId: Type.String(),
  language: LanguageSchema,
  state: SubmissionStateSchema,
  grade: Type.Optional(GradeSchema),
});
export type BatchResult = Static<typeof BatchResultSchema>;

export const BatchResultsSchema = Type.Object({
  id: Type.String(),
  state: BatchStateSchema,
  results: Type.Array(BatchResultSchema),
});
export type BatchResults = Static<typeof BatchResultsSchema>;

export const SubmissionIdParamsSchema = Type.Object({
  id: Type.String({
    // A submission's UUID, or a batch item's `<batch UUID>.<item id>` (as batch results list it).
    pattern:
      '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\\.[A-Za-z0-9._@-]{1,200})?$',
    description: 'Submission id: a UUID, or `<batch id>.<item id>` for a batch item',
  }),
});

export const BatchIdParamsSchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Batch id' }),
});

/** `GET /api/v1/batches/:id/results?format=`: JSON (the default) or CSV. */
export const BatchResultsQuerySchema = Type.Object(
  { format: Type.Optional(Type.Enum(['json', 'csv'] as const)) },
  { additionalProperties: false },
);

/** What `GET /api/v1/submissions/:id/events` streams: progress while tests run, then the graded submission. */
export type SubmissionEvent =
  | { type: 'progress'; data: SubmissionProgress }
  | { type: 'finished'; data: Submission };

/** What `GET /api/v1/batches/:id/events` streams: the batch's counts as they change, then the final batch. */
export type BatchEvent = { type: 'progress'; data: Batch } | { type: 'finished'; data: Batch };
