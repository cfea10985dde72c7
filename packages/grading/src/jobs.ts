import { CheckerSchema, TestCaseSchema } from '@kiln/api';
import { type Language, LanguageSchema, LimitsSchema } from '@kiln/protocol';
import Type, { type Static } from 'typebox';

/**
 * The grading queues: what the worker receives for a submission and for a batch, and the queues' names.
 * Internal to Kiln (the gateway writes them, the worker reads them); the HTTP shapes are @kiln/api's.
 */

/** What the grading worker receives on its queue: a submission resolved against the server's limits. */
export const SubmissionJobSchema = Type.Object({
  id: Type.String(),
  language: LanguageSchema,
  code: Type.String(),
  tests: Type.Array(TestCaseSchema),
  checker: CheckerSchema,
  limits: LimitsSchema,
  stopOnFirstFailure: Type.Boolean(),
  callbackUrl: Type.Optional(Type.String()),
  /** Set when the submission belongs to a batch. */
  batch: Type.Optional(Type.Object({ id: Type.String(), itemId: Type.String() })),
});
export type SubmissionJob = Static<typeof SubmissionJobSchema>;

/** BullMQ queues of grading, under the same prefix as the execution queues (QUEUE_PREFIX). */
export function submissionQueueName(language: Language): string {
  return `submissions-${language}`;
}
export const SUBMISSION_JOB_NAME = 'grade';
/** Parent jobs of batches (BullMQ flows): one child per submission, in its language's submission queue. */
export const BATCH_QUEUE = 'batches';
export const BATCH_JOB_NAME = 'batch';
/**
 * Data of a batch's parent job. Its children's job ids are `<batch id>.<item id>` (BullMQ refuses custom ids
 * with a colon).
 */
export const BatchJobSchema = Type.Object({
  id: Type.String(),
  total: Type.Integer({ minimum: 0 }),
  createdAt: Type.Integer(),
  /** The items in the caller's order, to find each child and list results in that order. */
  items: Type.Array(Type.Object({ id: Type.String(), language: LanguageSchema })),
  callbackUrl: Type.Optional(Type.String()),
});

/** The job id of a batch item's submission. */
export function batchItemJobId(batchId: string, itemId: string): string {
  return `${batchId}.${itemId}`;
}
export type BatchJob = Static<typeof BatchJobSchema>;
